"""English letters for a client abroad: the dunning letters (reminder, second reminder,
final warning) and the statement, when the client's letter language is English. Pure, no
database: the same ClientLetterData, settings and checks as reports.letters, in English
wording (models.letters.english_templates), English dates and amounts, and a letter laid
out left to right (LetterContent.language = 'en'; reports.pdf mirrors the layout).

Every other kind, and the debt notice under §13B2 of the Israeli Consumer Protection Law
above all, stays a Hebrew letter whatever the client's language (`uses_english`).

Public API:
    uses_english(kind, data) -> bool
    compose_english(kind, data, profile, settings, as_of, letter_date=None, template=None)
        -> LetterContent
    compose_for_client(kind, data, profile, settings, template, as_of, letter_date=None)
        -> LetterContent      the English letter when uses_english, else reports.letters.compose
"""
from __future__ import annotations

import datetime as dt

from babel.dates import format_date as babel_date

from models.common.holidays import deadline_date as compute_deadline
from models.common.i18n import translated_as
from models.common.money import format_money as babel_money
from models.db.settings import BusinessProfile
from models.ledger.open_invoice import OpenInvoice
from models.ledger.payments import PAYMENT_METHODS
from models.letters.archive import LetterSettings
from models.letters.english_templates import english_template, has_english
from reports.address import greeting
from reports.letter_data import ClientLetterData, StatementEntry
from reports.letters import (
    INTEREST_KINDS,
    Block,
    LetterContent,
    Paragraph,
    Table,
    _check_sendable,
    compose,
    payment_box,
    recipient_lines,
    statement_period,
)
from reports.templates import fill

LOCALE = "en_GB"
INVOICE_COLUMNS = ["Invoice", "Date", "Due", "Amount", "Balance due", "Days overdue"]
INVOICE_WIDTHS = [1.3, 1.0, 1.0, 1.25, 1.25, 0.8]
STATEMENT_COLUMNS = ["Date", "Details", "Debit", "Credit", "Balance"]
STATEMENT_WIDTHS = [0.9, 2.2, 1.1, 1.1, 1.2]
INTEREST_COLUMNS = ["Details", "Amount"]
INTEREST_WIDTHS = [3.6, 1.4]


def uses_english(kind: str, data: ClientLetterData) -> bool:
    """An English letter: the client asked for English and this kind has an English version."""
    return getattr(data, "letter_language", "he") == "en" and has_english(kind)


def english_date(day: dt.date) -> str:
    """'3 March 2026': no day-month order to misread abroad."""
    return babel_date(day, "d MMMM y", locale=LOCALE)


def english_money(agorot: int, currency: str = "ILS") -> str:
    return babel_money(agorot, currency, locale=LOCALE)


def _ordered(currencies) -> list[str]:
    return sorted(currencies, key=lambda c: (c != "ILS", c))


def _totals(lines: list[OpenInvoice]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.currency] = totals.get(line.currency, 0) + line.open_agorot
    return totals


def _join(totals: dict[str, int]) -> str:
    parts = [english_money(totals[c], c) for c in _ordered(totals)] or [english_money(0)]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def invoice_tables(lines: list[OpenInvoice]) -> list[Table]:
    tables = []
    for currency in _ordered({l.currency for l in lines}):
        mine = [l for l in lines if l.currency == currency]
        rows = [[l.number, english_date(l.issue_date), english_date(l.due_date),
                 english_money(l.amount_agorot, currency), english_money(l.open_agorot, currency),
                 str(max(l.days_overdue, 0))] for l in mine]
        total = sum(l.open_agorot for l in mine)
        tables.append(Table(INVOICE_COLUMNS, INVOICE_WIDTHS, rows,
                            ["Total", "", "", "", english_money(total, currency), ""]))
    return tables


def _describe(entry: StatementEntry) -> str:
    if entry.kind == "invoice":
        return f"Invoice {entry.label}"
    if entry.kind == "credit":
        return f"Credit note {entry.label}"
    method = PAYMENT_METHODS.get(entry.label, entry.label)  # English: translated_as("en")
    suffix = f" {entry.extra}" if entry.extra else ""
    if entry.kind == "bounced":
        return f"{method}{suffix} returned unpaid"
    if entry.kind == "payment":
        return f"Payment – {method}{suffix}"
    return entry.description


def statement_tables(data: ClientLetterData, start: dt.date, end: dt.date) -> list[Table]:
    tables = []
    for currency in _ordered(data.movements):
        entries = data.movements[currency]
        balance = sum(e.debit_agorot - e.credit_agorot for e in entries if e.date < start)
        rows = [[english_date(start), "Opening balance", "", "", english_money(balance, currency)]]
        for e in entries:
            if not start <= e.date <= end:
                continue
            balance += e.debit_agorot - e.credit_agorot
            rows.append([english_date(e.date), _describe(e),
                         english_money(e.debit_agorot, currency) if e.debit_agorot else "",
                         english_money(e.credit_agorot, currency) if e.credit_agorot else "",
                         english_money(balance, currency)])
        heading = "" if currency == "ILS" and len(data.movements) == 1 else f"Currency: {currency}"
        tables.append(Table(STATEMENT_COLUMNS, STATEMENT_WIDTHS, rows,
                            [english_date(end), "Closing balance", "", "",
                             english_money(balance, currency)], heading))
    return tables


def _rate_text(rate) -> str:
    return f"{rate.normalize():f}".rstrip(".")


def interest_tables(data: ClientLetterData, settings: LetterSettings,
                    as_of: dt.date) -> list[Table]:
    """Principal, contractual interest and the fee, as reports.letters.interest_tables."""
    statement = data.interest
    if not settings.interest_rate or statement is None or not statement.lines:
        return []
    fee = settings.collection_costs_agorot
    rate = _rate_text(statement.annual_rate_percent or settings.interest_rate)
    tables = []
    totals = statement.totals()
    for currency in _ordered(totals):
        t = totals[currency]
        rows = [["Principal: invoices past their due date", english_money(t["open"], currency)],
                [f"Contractual interest at {rate}% a year to {english_date(as_of)}",
                 english_money(t["interest"], currency)]]
        label, total = "Total with interest", t["total"]
        if fee > 0 and currency == "ILS":
            rows += [["Principal and interest", english_money(t["total"], currency)],
                     ["Collection fee (fixed, as agreed)", english_money(fee, currency)]]
            label, total = "Total with interest and collection fee", t["total"] + fee
        heading = "The debt with contractual interest" + (
            "" if currency == "ILS" else f" (currency: {currency})")
        tables.append(Table(INTEREST_COLUMNS, INTEREST_WIDTHS, rows,
                            [label, english_money(total, currency)], heading))
    return tables


def _interest_sentence(settings: LetterSettings) -> str:
    if not settings.interest_rate:
        return ""
    return (f"Contractual interest at {_rate_text(settings.interest_rate)}% a year, as agreed "
            "between us, runs on the debt from the day each invoice fell due until it is paid. "
            "This is interest under our agreement, not interest awarded by a court.")


def _costs_sentence(settings: LetterSettings) -> str:
    if settings.collection_costs_agorot <= 0:
        return ""
    return ("The agreed collection fee of "
            f"{english_money(settings.collection_costs_agorot)} is included in the total below.")


def compose_english(kind: str, data: ClientLetterData, profile: BusinessProfile,
                    settings: LetterSettings, as_of: dt.date,
                    letter_date: dt.date | None = None,
                    template: str | None = None) -> LetterContent:
    """The English letter of `kind` (one of ENGLISH_KINDS). Raises NothingToSend as
    reports.letters.compose does."""
    letter_date = letter_date or as_of
    _check_sendable(kind, data, as_of)
    with translated_as("en"):
        return _letter(kind, data, profile, settings, template or english_template(kind),
                       as_of, letter_date)


def _letter(kind: str, data: ClientLetterData, profile: BusinessProfile,
            settings: LetterSettings, template: str, as_of: dt.date,
            letter_date: dt.date) -> LetterContent:
    overdue = data.overdue
    deadline = compute_deadline(letter_date, settings.deadline_days)
    period_start = statement_period(as_of, settings.statement_months)
    closing = {c: data.balance(c) for c in data.movements}
    values = {
        "client_name": data.name,
        "contact_name": data.contact_name,
        "business_name": profile.name or "us",
        "business_phone": profile.phone or "—",
        "business_email": profile.email or "—",
        "letter_date": english_date(letter_date),
        "as_of_date": english_date(as_of),
        "total_overdue": _join(_totals(overdue)),
        "total_open": _join(_totals(data.invoices)),
        "invoice_count": str(len(overdue)),
        "oldest_due_date": english_date(min(l.due_date for l in overdue)) if overdue else "—",
        "max_days_overdue": str(max((l.days_overdue for l in overdue), default=0)),
        "deadline_date": english_date(deadline),
        "deadline_days": str(settings.deadline_days),
        "interest_sentence": _interest_sentence(settings),
        "costs_sentence": _costs_sentence(settings) if kind == "final-warning" else "",
        "period_start": english_date(period_start),
        "period_end": english_date(as_of),
        "closing_balance": _join(closing),
        "last_payment_date": (english_date(data.last_payment_date)
                              if data.last_payment_date else "—"),
    }
    filled = fill(template, values)
    blocks: list[Block] = [Paragraph(greeting(data, "en"))]
    for part_kind, text in filled.parts:
        if part_kind == "text":
            blocks.append(Paragraph(text))
        elif text == "invoice_table":
            blocks.extend(invoice_tables(overdue))
            if kind in INTEREST_KINDS:
                blocks.extend(interest_tables(data, settings, as_of))
        elif text == "statement_table":
            blocks.extend(statement_tables(data, period_start, as_of))
            if kind in INTEREST_KINDS:
                blocks.extend(interest_tables(data, settings, as_of))
        elif text == "payment_instructions":
            box = payment_box(profile, {l.currency for l in data.invoices}, "en")
            if box:
                blocks.append(box)
    totals = _totals(overdue if kind != "statement" else data.invoices)
    currency = "ILS" if "ILS" in totals or not totals else sorted(totals)[0]
    signer = [settings.signer_name, settings.signer_title, profile.name]
    return LetterContent(
        kind=kind, client_id=data.client_id, client_name=data.name,
        recipient_lines=recipient_lines(data, "en"), letter_date=letter_date,
        date_lines=[english_date(letter_date)], subject=filled.subject, blocks=blocks,
        is_registered=kind == "final-warning", amount_agorot=totals.get(currency, 0),
        currency=currency,
        deadline_date=deadline if kind in ("second-reminder", "final-warning") else None,
        signature_lines=[s for s in signer if s and s.strip()], language="en")


def compose_for_client(kind: str, data: ClientLetterData, profile: BusinessProfile,
                       settings: LetterSettings, template: str, as_of: dt.date,
                       letter_date: dt.date | None = None) -> LetterContent:
    """The letter this client gets: English when uses_english (the Hebrew `template` does
    not apply to it), else the Hebrew letter of reports.letters.compose."""
    if uses_english(kind, data):
        return compose_english(kind, data, profile, settings, as_of, letter_date)
    return compose(kind, data, profile, settings, template, as_of, letter_date)
