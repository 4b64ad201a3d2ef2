"""Letter content: from a client's data, the business profile, the settings and the
template, the words and tables of one letter — pure, no PDF, no database.

Public API:
    compose(kind, data, profile, settings, template, as_of, letter_date=None) -> LetterContent
    LetterContent, Paragraph, Table, InfoBox, SignatureForm   what reports.pdf draws
    NothingToSend                                         a ValidationError: no letter for this client

All text stays in logical order here; reports.pdf shapes it (reports.hebrew).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from models.common.dates import format_date
from models.common.errors import ValidationError
from models.common.holidays import deadline_date as compute_deadline
from models.common.holidays import hebrew_date
from models.common.i18n import _, translated_as
from models.common.money import format_money as babel_money
from models.common.terms import due_date as terms_due_date
from models.db.settings import BUSINESS_TYPES, BusinessProfile
from models.ledger.open_invoice import OpenInvoice
from models.letters.archive import LETTER_KINDS, LetterSettings
from models.prevention.policy import explain_terms
from reports.hebrew import in_hebrew
from reports.letter_data import ClientLetterData
from reports.templates import fill

_SAMPLE_AGOROT = 123456789  # 1,234,567.89
_SAMPLE_TEXT = "1,234,567.89"


@lru_cache(maxsize=8)
def _money_pattern(currency: str) -> str | None:
    """babel's he_IL pattern for positive amounts, with `{}` where the number goes."""
    sample = babel_money(_SAMPLE_AGOROT, currency)
    return sample.replace(_SAMPLE_TEXT, "{}") if sample.count(_SAMPLE_TEXT) == 1 else None


def format_money(agorot: int, currency: str = "ILS") -> str:
    """Exactly models.common.money.format_money (babel, he_IL), without babel's cost per call.

    babel takes ~0.4 ms an amount; a batch formats tens of thousands. Positive amounts
    use the pattern babel produced once; anything else goes to babel itself.
    """
    pattern = _money_pattern(currency) if agorot >= 0 else None
    if pattern is None:
        return babel_money(agorot, currency)
    whole, cents = divmod(agorot, 100)
    return pattern.format(f"{whole:,}.{cents:02d}")


class NothingToSend(ValidationError):
    """This client gets no letter of this kind as of this date (nothing overdue, still owes…)."""


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Table:
    columns: list[str]  # logical order: the first column prints at the right
    widths: list[float]  # relative widths
    rows: list[list[str]]
    total_row: list[str] | None = None
    heading: str = ""


@dataclass(frozen=True)
class InfoBox:
    title: str
    lines: list[str]


@dataclass(frozen=True)
class SignatureForm:
    """What the recipient fills in, signs and returns; printed after the sender's signature."""
    title: str
    statement: str
    fields: list[str]


Block = Paragraph | Table | InfoBox | SignatureForm


@dataclass
class LetterContent:
    kind: str
    client_id: int
    client_name: str
    recipient_lines: list[str]  # name first, then contact, street, city
    letter_date: dt.date
    date_lines: list[str]
    subject: str
    blocks: list[Block]
    is_registered: bool = False
    amount_agorot: int = 0
    currency: str = "ILS"
    deadline_date: dt.date | None = None
    signature_lines: list[str] = field(default_factory=list)


INVOICE_COLUMNS = ["מספר חשבונית", "תאריך", "לתשלום עד", "סכום", "יתרה לתשלום", "ימי פיגור"]  # hebrew: letter text
INVOICE_WIDTHS = [1.3, 1.0, 1.0, 1.25, 1.25, 0.8]
STATEMENT_COLUMNS = ["תאריך", "פרטים", "חובה", "זכות", "יתרה"]  # hebrew: letter text
STATEMENT_WIDTHS = [0.9, 2.2, 1.1, 1.1, 1.2]


def _money_total(lines: list[OpenInvoice], attr: str = "open_agorot") -> dict[str, int]:
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.currency] = totals.get(line.currency, 0) + getattr(line, attr)
    return totals


def _money_parts(totals: dict[str, int]) -> list[str]:
    """Amounts in several currencies are never added: one amount each, shekels first."""
    parts = [format_money(totals[c], c) for c in sorted(totals, key=lambda c: (c != "ILS", c))]
    return parts or [format_money(0)]


def _join_money(totals: dict[str, int]) -> str:
    """The amounts as the letter says them: `1,000.00 ₪ וגם 200.00 $`."""
    parts = _money_parts(totals)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " וגם " + parts[-1]  # hebrew: letter text


def _money_for_message(totals: dict[str, int]) -> str:
    """The amounts in a message on the screen, in the interface language."""
    parts = _money_parts(totals)
    if len(parts) == 1:
        return parts[0]
    return _("{amounts} and {last}").format(amounts=", ".join(parts[:-1]), last=parts[-1])


def invoice_table(lines: list[OpenInvoice]) -> list[Table]:
    """One table per currency, oldest due date first, with the open total."""
    tables = []
    for currency in sorted({l.currency for l in lines}, key=lambda c: (c != "ILS", c)):
        rows = [[l.number, format_date(l.issue_date), format_date(l.due_date),
                 format_money(l.amount_agorot, currency), format_money(l.open_agorot, currency),
                 str(max(l.days_overdue, 0))]
                for l in lines if l.currency == currency]
        total = sum(l.open_agorot for l in lines if l.currency == currency)
        tables.append(Table(INVOICE_COLUMNS, INVOICE_WIDTHS, rows,
                            ["סה\"כ", "", "", "", format_money(total, currency), ""]))  # hebrew: letter text
    return tables


def statement_tables(data: ClientLetterData, start: dt.date, end: dt.date) -> list[Table]:
    tables = []
    for currency in sorted(data.movements, key=lambda c: (c != "ILS", c)):
        entries = data.movements[currency]
        opening = sum(e.debit_agorot - e.credit_agorot for e in entries if e.date < start)
        balance = opening
        rows = [[format_date(start), "יתרת פתיחה", "", "", format_money(opening, currency)]]  # hebrew: letter text
        for e in entries:
            if not start <= e.date <= end:
                continue
            balance += e.debit_agorot - e.credit_agorot
            rows.append([format_date(e.date), e.description,
                         format_money(e.debit_agorot, currency) if e.debit_agorot else "",
                         format_money(e.credit_agorot, currency) if e.credit_agorot else "",
                         format_money(balance, currency)])
        heading = "" if currency == "ILS" and len(data.movements) == 1 else f"מטבע: {currency}"  # hebrew: letter text
        tables.append(Table(STATEMENT_COLUMNS, STATEMENT_WIDTHS, rows,
                            [format_date(end), "יתרת סגירה", "", "", format_money(balance, currency)],  # hebrew: letter text
                            heading))
    return tables


def payment_box(profile: BusinessProfile) -> InfoBox | None:
    lines = []
    if profile.bank_details.strip():
        lines.append(f"העברה בנקאית: {profile.bank_details.strip()}")  # hebrew: letter text
    if profile.bit_phone.strip():
        lines.append(f"ביט: {profile.bit_phone.strip()}")  # hebrew: letter text
    if not lines:
        return None
    lines.append("נא לציין את מספרי החשבוניות באסמכתת התשלום.")  # hebrew: letter text
    return InfoBox("פרטים לתשלום", lines)  # hebrew: letter text


def statement_period(as_of: dt.date, months: int) -> dt.date:
    """First day of the statement: `months` back from `as_of`, the day after."""
    month_index = as_of.year * 12 + as_of.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(as_of.day, 28)
    return dt.date(year, month + 1, day) + dt.timedelta(days=1)


def recipient_lines(data: ClientLetterData) -> list[str]:
    lines = [data.name]
    if data.contact_name and not data.is_person:
        lines.append(f"לידי {data.contact_name}")  # hebrew: letter text
    if data.address:
        lines.append(data.address)
    city = " ".join(p for p in (data.city, data.zip) if p)
    if city:
        lines.append(city)
    return lines


def _interest_sentence(settings: LetterSettings) -> str:
    rate = settings.interest_rate
    if not rate:
        return ""
    text = f"{rate.normalize():f}".rstrip(".")
    return (f"על החוב תחול ריבית חוזית בשיעור {text}% לשנה, כפי שהוסכם בינינו, "  # hebrew: letter text
            "מיום שבו היה על כל חשבון להיות משולם ועד התשלום בפועל. זוהי ריבית לפי ההסכם "
            "בינינו ולא ריבית פסוקה.")


def _costs_sentence(settings: LetterSettings) -> str:
    if settings.collection_costs_agorot <= 0:
        return ""
    return (f"אם החוב לא ישולם עד למועד שנקבע, יתווספו אליו הוצאות גבייה בסך "  # hebrew: letter text
            f"{format_money(settings.collection_costs_agorot)}.")


INTEREST_COLUMNS = ["פירוט", "סכום"]  # hebrew: letter text
INTEREST_WIDTHS = [3.6, 1.4]
INTEREST_KINDS = ("final-warning", "statement")


def _rate_text(rate) -> str:
    return f"{rate.normalize():f}".rstrip(".")


def interest_tables(data: ClientLetterData, settings: LetterSettings,
                    as_of: dt.date) -> list[Table]:
    """Principal, contractual interest to `as_of`, collection fee and totals, one table per
    currency — figures from models.collection.interest. Nothing when no rate is set or nothing is late."""
    statement = data.interest
    if not settings.interest_rate or statement is None or not statement.lines:
        return []
    totals = statement.totals()
    fee = settings.collection_costs_agorot
    rate = _rate_text(statement.annual_rate_percent or settings.interest_rate)
    tables = []
    for currency in sorted(totals, key=lambda c: (c != "ILS", c)):
        t = totals[currency]
        rows = [["קרן: יתרת החשבונות שמועד תשלומם עבר", format_money(t["open"], currency)],  # hebrew: letter text
                [f"ריבית חוזית בשיעור {rate}% לשנה עד {format_date(as_of)}",  # hebrew: letter text
                 format_money(t["interest"], currency)]]
        total_label, total = "סה\"כ כולל ריבית", t["total"]  # hebrew: letter text
        if fee > 0 and currency == "ILS":
            rows += [["סה\"כ קרן וריבית", format_money(t["total"], currency)],  # hebrew: letter text
                     ["הוצאות גבייה (סכום קבוע שהוסכם)", format_money(fee, currency)]]  # hebrew: letter text
            total_label, total = "סה\"כ כולל ריבית והוצאות גבייה", t["total"] + fee  # hebrew: letter text
        heading = "החוב כולל ריבית חוזית" + ("" if currency == "ILS" else f" (מטבע: {currency})")  # hebrew: letter text
        tables.append(Table(INTEREST_COLUMNS, INTEREST_WIDTHS, rows,
                            [total_label, format_money(total, currency)], heading))
    return tables


DEPOSIT_COLUMNS = ["העבודה", "תאריך הבקשה", "לתשלום עד", "סכום העבודה", "מקדמה"]  # hebrew: letter text
DEPOSIT_WIDTHS = [2.4, 1.0, 1.0, 1.2, 1.2]
CLIENT_SIGNATURE_FIELDS = ["שם מלא", "תפקיד", "מספר ח.פ. / ת.ז.", "תאריך", "חתימה"]  # hebrew: letter text


def deposit_tables(data: ClientLetterData) -> list[Table]:
    """The awaited deposits, one table per currency, with their total."""
    tables = []
    for currency in sorted({d.currency for d in data.deposits}, key=lambda c: (c != "ILS", c)):
        lines = [d for d in data.deposits if d.currency == currency]
        rows = [[d.description, format_date(d.requested_date), format_date(d.due_date),
                 format_money(d.job_amount_agorot, currency) if d.job_amount_agorot else "—",
                 format_money(d.amount_agorot, currency)] for d in lines]
        total = sum(d.amount_agorot for d in lines)
        tables.append(Table(DEPOSIT_COLUMNS, DEPOSIT_WIDTHS, rows,
                            ["סה\"כ", "", "", "", format_money(total, currency)]))  # hebrew: letter text
    return tables


def _deposit_totals(data: ClientLetterData) -> dict[str, int]:
    totals: dict[str, int] = {}
    for d in data.deposits:
        totals[d.currency] = totals.get(d.currency, 0) + d.amount_agorot
    return totals


def client_terms(data: ClientLetterData, profile: BusinessProfile) -> str:
    return data.terms or profile.default_terms


def _late_payment_sentence(settings: LetterSettings) -> str:
    parts = []
    rate = settings.interest_rate
    if rate:
        parts.append(f"על סכום שלא ישולם במועד תחול ריבית חוזית בשיעור "  # hebrew: letter text
                     f"{rate.normalize():f}% לשנה (ריבית פשוטה, לפי מספר הימים בפועל חלקי 365), "
                     "מהיום שאחרי מועד התשלום ועד התשלום בפועל")
    if settings.collection_costs_agorot > 0:
        parts.append(f"בגבייה של חוב שפיגר ייגבו גם דמי גבייה קבועים בסך "  # hebrew: letter text
                     f"{format_money(settings.collection_costs_agorot)}")
    return "; ".join(parts) + "." if parts else ""


def terms_box(data: ClientLetterData, profile: BusinessProfile, settings: LetterSettings,
              letter_date: dt.date) -> InfoBox:
    terms = client_terms(data, profile)
    example = terms_due_date(letter_date, terms, eom_reading=profile.eom_reading)
    lines = [explain_terms(terms),
             f"לדוגמה: חשבון שיוצא ב-{format_date(letter_date)} ישולם עד {format_date(example)}."]  # hebrew: letter text
    if data.deposits:
        lines.append(f"מקדמה לפני תחילת העבודה: {_join_money(_deposit_totals(data))}, "  # hebrew: letter text
                     f"עד {format_date(min(d.due_date for d in data.deposits))}.")
    late = _late_payment_sentence(settings)
    if late:
        lines.append(late)
    return InfoBox("תנאי התשלום המוסכמים", lines)  # hebrew: letter text


def _check_sendable(kind: str, data: ClientLetterData, as_of: dt.date) -> None:
    """Why this client gets no such letter (a message on the screen), if so."""
    date = format_date(as_of)
    if kind == "deposit-request" and not data.deposits:
        raise NothingToSend(_("As of {date}, client '{name}' has no deposit that was requested "
                              "and not yet received; no letter was produced.")
                            .format(name=data.name, date=date))
    if kind in ("debt-notice", "reminder", "second-reminder", "final-warning") and not data.overdue:
        raise NothingToSend(_("As of {date}, client '{name}' has no invoices past their due "
                              "date (other than disputed ones); no letter was produced.")
                            .format(name=data.name, date=date))
    if kind == "paid-in-full":
        owed = {c: data.balance(c) for c in data.movements if data.balance(c) > 0}
        if owed or data.invoices:
            raise NothingToSend(_("Client '{name}' still has an open balance ({amounts}); "
                                  "payment in full cannot be confirmed.").format(
                name=data.name, amounts=_money_for_message(owed or _money_total(data.invoices))))
        if not data.movements:
            raise NothingToSend(_("Client '{name}' has no invoices; there is nothing to "
                                  "confirm.").format(name=data.name))


def common_values(data: ClientLetterData, profile: BusinessProfile, letter_date: dt.date,
                  as_of: dt.date) -> dict[str, str]:
    """The placeholders every letter kind fills the same way: who writes to whom, and when."""
    return {
        "client_name": data.name,
        "contact_name": data.contact_name,
        "business_name": profile.name or "העסק",  # hebrew: letter text
        "business_phone": profile.phone or "—",
        "business_email": profile.email or "—",
        "letter_date": format_date(letter_date),
        "as_of_date": format_date(as_of),
    }


def compose(kind: str, data: ClientLetterData, profile: BusinessProfile,
            settings: LetterSettings, template: str, as_of: dt.date,
            letter_date: dt.date | None = None) -> LetterContent:
    """One letter's content. Raises NothingToSend when the client gets no such letter."""
    if kind not in LETTER_KINDS:
        raise ValidationError(_("Unknown letter kind: '{kind}'.").format(kind=kind), field="kind")
    letter_date = letter_date or as_of
    _check_sendable(kind, data, as_of)
    # The letter is Hebrew whatever the interface language, and so is every sentence it
    # takes from the domain (the terms explained, labels).
    with translated_as("he"):
        return _letter(kind, data, profile, settings, template, as_of, letter_date)


def _letter(kind: str, data: ClientLetterData, profile: BusinessProfile,
            settings: LetterSettings, template: str, as_of: dt.date,
            letter_date: dt.date) -> LetterContent:
    overdue = data.overdue
    deadline = compute_deadline(letter_date, settings.deadline_days)
    period_start = statement_period(as_of, settings.statement_months)
    ils_balance = {c: data.balance(c) for c in data.movements}
    opening = {c: sum(e.debit_agorot - e.credit_agorot for e in data.movements[c]
                      if e.date < period_start) for c in data.movements}
    values = {
        **common_values(data, profile, letter_date, as_of),
        "total_overdue": _join_money(_money_total(overdue)),
        "total_open": _join_money(_money_total(data.invoices)),
        "invoice_count": str(len(overdue)),
        "oldest_due_date": format_date(min(l.due_date for l in overdue)) if overdue else "—",
        "max_days_overdue": str(max((l.days_overdue for l in overdue), default=0)),
        "deadline_date": format_date(deadline),
        "deadline_days": str(settings.deadline_days),
        "wait_days": str(settings.debt_notice_wait_days),
        "interest_sentence": _interest_sentence(settings),
        "costs_sentence": _costs_sentence(settings),
        "period_start": format_date(period_start),
        "period_end": format_date(as_of),
        "opening_balance": _join_money(opening),
        "closing_balance": _join_money(ils_balance),
        "last_payment_date": format_date(data.last_payment_date) if data.last_payment_date else "—",
        "client_terms": client_terms(data, profile),
        "deposit_total": _join_money(_deposit_totals(data)),
        "deposit_due_date": (format_date(min(d.due_date for d in data.deposits))
                             if data.deposits else "—"),
        "late_payment_terms": _late_payment_sentence(settings),
    }
    filled = fill(template, values)
    blocks: list[Block] = []
    for part_kind, text in filled.parts:
        if part_kind == "text":
            blocks.append(Paragraph(text))
        elif text == "invoice_table":
            blocks.extend(invoice_table(overdue))
            if kind in INTEREST_KINDS:
                blocks.extend(interest_tables(data, settings, as_of))
        elif text == "statement_table":
            blocks.extend(statement_tables(data, period_start, as_of))
            if kind in INTEREST_KINDS:
                blocks.extend(interest_tables(data, settings, as_of))
        elif text == "payment_instructions":
            box = payment_box(profile)
            if box:
                blocks.append(box)
        elif text == "deposit_table":
            blocks.extend(deposit_tables(data))
        elif text == "terms_box":
            blocks.append(terms_box(data, profile, settings, letter_date))
        elif text == "client_signature":
            blocks.append(SignatureForm(
                "אישור הלקוח", "קראתי את תנאי התשלום שבמכתב זה ואני מסכים/ה להם.",  # hebrew: letter text
                CLIENT_SIGNATURE_FIELDS))
    date_lines = [f"תאריך: {format_date(letter_date)}"]  # hebrew: letter text
    if settings.show_hebrew_date:
        date_lines.append(hebrew_date(letter_date))
    if kind in ("deposit-request", "terms-confirmation"):
        totals = _deposit_totals(data)
    else:
        totals = _money_total(overdue if kind != "statement" else data.invoices)
    currency = "ILS" if "ILS" in totals or not totals else sorted(totals)[0]
    signer = [settings.signer_name, settings.signer_title, profile.name]
    return LetterContent(
        kind=kind, client_id=data.client_id, client_name=data.name,
        recipient_lines=recipient_lines(data), letter_date=letter_date, date_lines=date_lines,
        subject=filled.subject, blocks=blocks, is_registered=kind == "final-warning",
        amount_agorot=totals.get(currency, 0), currency=currency,
        deadline_date=deadline if kind in ("second-reminder", "final-warning") else None,
        signature_lines=[s for s in signer if s and s.strip()])


def business_type_name(profile: BusinessProfile) -> str:
    return in_hebrew(BUSINESS_TYPES.get(profile.business_type, ""))

