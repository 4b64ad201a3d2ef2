"""Letter content: from a client's data, the business profile, the settings and the
template, the words and tables of one letter — pure, no PDF, no database.

Public API:
    compose(kind, data, profile, settings, template, as_of, letter_date=None,
            language='he') -> LetterContent
    compose_for_client(kind, data, profile, settings, templates, as_of, letter_date=None)
        -> LetterContent      in the client's letter language (letter_language), with
                              that language's wording from `templates` ({language: text})
    letter_language(kind, data) -> 'he' | 'en'
    LetterContent, Paragraph, Table, InfoBox, SignatureForm   what reports.pdf draws
    NothingToSend                                         a ValidationError: no letter for this client

All text stays in logical order here; reports.pdf shapes it (reports.hebrew).

One composition for every language: the facts below are computed once, here; how a
letter says them is its wording, `HEBREW` (the class Hebrew below) or
reports.english.ENGLISH, chosen by `language`. An English letter (a client whose letter
language is English, for the kinds models.letters.templates.ENGLISH_KINDS lists) reads
left to right (LetterContent.language 'en'; reports.pdf mirrors the page); every other
kind, the debt notice under §13ב2 above all, is a Hebrew letter whatever the client's
language.

A letter states facts only (the ledger's and the archive's):
- its reference (סימוכין), printed under the date, is the one its archive row will have
  (models.letters.references);
- it cites the earlier dunning letters the archive holds for the client about this debt
  (dated on or after the oldest demanded invoice fell due) by date and reference
  (`{earlier_letters}`), and claims none when there is none;
- "no payment has reached us" only when no payment came since the last of them; payments
  that did are stated with their amount and day (`{payments_since}`);
- the final warning names one amount that ends the matter if paid by the deadline:
  principal, contractual interest run to the deadline and the collection fee, the same
  figures in its sentence and in its table (`letter_amounts`), and what a day after the
  deadline adds;
- the debt notice (§13ב2) goes to a private person only: the debt with its interest, the
  day its 14 days end, the fee that follows, how to pay and whom to ask.

Wording: the body addresses nobody by gender: impersonal forms ("נבקש להסדיר", "ניתן
לשלם") fit a business and a person alike; counts agree ("יום אחד", "יומיים", "3 ימים";
"החשבונית … פתוחה", "החשבוניות … פתוחות").
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from models.common.dates import format_date
from models.common.errors import ValidationError
from models.common.holidays import deadline_date as compute_deadline
from models.common.holidays import hebrew_date
from models.common.i18n import _, translated_as
from models.common.money import format_money as babel_money
from models.common.terms import due_date as terms_due_date
from models.common.text import unprintable_characters
from models.db.settings import BUSINESS_TYPES, BusinessProfile
from models.ledger.open_invoice import OpenInvoice
from models.letters.archive import LETTER_KINDS, LetterSettings
from models.letters.references import EarlierLetter
from models.letters.templates import check_language, has_english
from models.prevention.policy import explain_terms
from models.prevention.profile_rules import format_iban
from reports.address import greeting, is_abroad, phone_for, recipient_block, signer_voice
from reports.english import ENGLISH
from reports.hebrew import in_hebrew
from reports.letter_data import ClientLetterData, StatementEntry
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
    reference: str = ""  # סימוכין: the reference its archive row has (models.letters.references)
    language: str = "he"  # 'en': an English letter, laid out left to right (reports.english)
    closing: str = ""  # the line before the signature; '' : reports.pdf's own for the language
    abroad: bool = False  # the client's address is abroad: the return address says ISRAEL


def hebrew_days(days: int) -> str:
    """A count of days as a letter says it: 'יום אחד', 'יומיים', '3 ימים'."""
    if days == 1:
        return "יום אחד"  # hebrew: letter text
    if days == 2:
        return "יומיים"  # hebrew: letter text
    return f"{days} ימים"  # hebrew: letter text


def _and_list(parts: list[str]) -> str:
    """'א', 'א ו-ב', 'א, ב ו-ג' (ו- before a number or a date takes a hyphen)."""
    if len(parts) <= 1:
        return "".join(parts)
    last = parts[-1]
    joiner = "ו-" if last[:1].isdigit() else "ו"  # hebrew: letter text
    return ", ".join(parts[:-1]) + " " + joiner + last


INVOICE_COLUMNS = ["מספר חשבונית", "תאריך", "לתשלום עד", "סכום", "יתרה לתשלום", "ימי פיגור"]  # hebrew: letter text
INVOICE_WIDTHS = [1.3, 1.0, 1.0, 1.25, 1.25, 0.8]
STATEMENT_COLUMNS = ["תאריך", "פרטים", "חובה", "זכות", "יתרה"]  # hebrew: letter text
STATEMENT_WIDTHS = [0.9, 2.2, 1.1, 1.1, 1.2]
INTEREST_COLUMNS = ["פירוט", "סכום"]  # hebrew: letter text
INTEREST_WIDTHS = [3.6, 1.4]
INTEREST_KINDS = ("final-warning", "statement", "debt-notice")


class Hebrew:
    """How a Hebrew letter says what this module computed; reports.english.English has
    the same names in English."""

    language = "he"
    invoice_columns = INVOICE_COLUMNS
    statement_columns = STATEMENT_COLUMNS
    interest_columns = INTEREST_COLUMNS
    total = "סה\"כ"  # hebrew: letter text
    opening_balance = "יתרת פתיחה"  # hebrew: letter text
    closing_balance = "יתרת סגירה"  # hebrew: letter text
    no_business_name = "העסק"  # hebrew: letter text

    # -- dates, amounts, counts --------------------------------------------------------
    date = staticmethod(format_date)
    money = staticmethod(format_money)
    and_list = staticmethod(_and_list)
    days = staticmethod(hebrew_days)

    @staticmethod
    def join_money(parts: list[str]) -> str:
        """`1,000.00 ₪ וגם 200.00 $`."""
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " וגם " + parts[-1]  # hebrew: letter text

    @staticmethod
    def currency_heading(currency: str) -> str:
        return f"מטבע: {currency}"  # hebrew: letter text

    def date_lines(self, letter_date: dt.date, reference: str,
                   show_hebrew_date: bool) -> list[str]:
        lines = [f"תאריך: {self.date(letter_date)}"]  # hebrew: letter text
        if show_hebrew_date:
            lines.append(hebrew_date(letter_date))
        if reference:
            lines.append(f"סימוכין: {reference}")  # hebrew: letter text
        return lines

    @staticmethod
    def closing(data) -> str:
        return ""  # reports.pdf's own: בכבוד רב,

    # -- tables ------------------------------------------------------------------------
    @staticmethod
    def describe(entry: StatementEntry) -> str:
        return entry.description

    principal_row = "קרן: יתרת החשבוניות שמועד תשלומן עבר"  # hebrew: letter text
    fee_row = "הוצאות גבייה (סכום קבוע שהוסכם)"  # hebrew: letter text

    def interest_row(self, rate: str, to_date: dt.date) -> str:
        return f"ריבית חוזית בשיעור {rate}% לשנה עד {self.date(to_date)}"  # hebrew: letter text

    def interest_heading(self, kind: str, deadline: dt.date, currency: str) -> str:
        heading = (f"הסכום לתשלום עד {self.date(deadline)}" if kind == "final-warning"  # hebrew: letter text
                   else "החוב כולל ריבית חוזית")  # hebrew: letter text
        return heading if currency == "ILS" else f"{heading} (מטבע: {currency})"  # hebrew: letter text

    def interest_total(self, kind: str, deadline: dt.date, to_date: dt.date) -> str:
        if kind == "final-warning":
            return f"לתשלום עד {self.date(deadline)}"  # hebrew: letter text
        return f"סה\"כ כולל ריבית עד {self.date(to_date)}"  # hebrew: letter text

    # -- sentences ---------------------------------------------------------------------
    @staticmethod
    def invoices_sentence(count: int) -> str:
        """That the invoices in the table are past due and still open, in agreement with
        their number."""
        if count == 1:
            return "מועד התשלום של החשבונית המפורטת להלן עבר, והיא עדיין פתוחה אצלנו."  # hebrew: letter text
        number = "שתי" if count == 2 else str(count)  # hebrew: letter text
        return (f"מועד התשלום של {number} החשבוניות המפורטות להלן עבר, "  # hebrew: letter text
                "והן עדיין פתוחות אצלנו.")

    def earlier_letters(self, cited: list[EarlierLetter]) -> str:
        refs = [f"{self.date(l.letter_date)} (סימוכין {l.reference})" for l in cited]  # hebrew: letter text
        if not refs:
            return ""
        if len(refs) == 1:
            return f"במכתבנו מיום {refs[0]} פנינו בעניין חוב זה."  # hebrew: letter text
        return ("פנינו בעניין חוב זה במכתבינו "  # hebrew: letter text
                + _and_list([f"מיום {r}" for r in refs]) + ".")  # hebrew: letter text

    no_payment_since = "מאז לא התקבל אצלנו תשלום."  # hebrew: letter text
    _rest = "ויתרת החוב המפורטת להלן טרם שולמה."  # hebrew: letter text

    def one_payment(self, day: dt.date, amount: str) -> str:
        return f"ביום {self.date(day)} התקבל תשלום חלקי של {amount}, {self._rest}"  # hebrew: letter text

    def some_payments(self, parts: list[tuple[dt.date, str]]) -> str:
        listed = _and_list([f"{amount} ביום {self.date(day)}" for day, amount in parts])  # hebrew: letter text
        return f"התקבלו תשלומים חלקיים: {listed}, {self._rest}"  # hebrew: letter text

    def many_payments(self, count: int, total: str, last: dt.date) -> str:
        return (f"התקבלו {count} תשלומים חלקיים בסך כולל של {total}, "  # hebrew: letter text
                f"האחרון שבהם ביום {self.date(last)}, {self._rest}")  # hebrew: letter text

    @staticmethod
    def interest_sentence(rate: str) -> str:
        return (f"על החוב חלה ריבית חוזית בשיעור {rate}% לשנה, כפי שהוסכם בינינו, "  # hebrew: letter text
                "מהיום שאחרי מועד התשלום של כל חשבונית ועד התשלום בפועל. זוהי ריבית לפי ההסכם "
                "בינינו ולא ריבית פסוקה.")

    def costs_sentence(self, kind: str, fee: str, day: dt.date | None) -> str:
        if kind == "final-warning":
            return f"הסכום לתשלום כולל הוצאות גבייה בסך {fee}, כפי שהוסכם."  # hebrew: letter text
        if day is None:
            return (f"אם החוב לא ישולם, עלולות להתווסף אליו הוצאות גבייה בסך "  # hebrew: letter text
                    f"{fee}, כפי שהוסכם.")
        return (f"אם החוב לא ישולם עד {self.date(day)}, יתווספו אליו הוצאות גבייה בסך "  # hebrew: letter text
                f"{fee}, כפי שהוסכם.")

    def amount_sentence(self, total: str, deadline: dt.date, parts: list[str] | None,
                        several_tables: bool) -> str:
        text = (f"כדי לסיים את העניין בלי הליכים, יש לשלם {total} לא יאוחר מיום "  # hebrew: letter text
                f"{self.date(deadline)}.")
        if parts:
            text += f" סכום זה כולל את {_and_list(parts)}."  # hebrew: letter text
        elif several_tables:
            text += " הפירוט בטבלאות שלהלן."  # hebrew: letter text
        return text

    @staticmethod
    def principal_part(amount: str) -> str:
        return f"קרן החוב בסך {amount}"  # hebrew: letter text

    def interest_part(self, deadline: dt.date, amount: str) -> str:
        return f"ריבית חוזית עד {self.date(deadline)} בסך {amount}"  # hebrew: letter text

    @staticmethod
    def fee_part(amount: str) -> str:
        return f"הוצאות גבייה בסך {amount}"  # hebrew: letter text

    def daily_sentence(self, kind: str, daily: str, deadline: dt.date) -> str:
        if kind == "final-warning":
            return (f"תשלום שיתקבל אחרי {self.date(deadline)} יישא ריבית נוספת של "  # hebrew: letter text
                    f"{daily} לכל יום עד התשלום בפועל.")
        return f"עד התשלום בפועל מתווספת לחוב ריבית של {daily} לכל יום."  # hebrew: letter text

    @staticmethod
    def late_payment_terms(rate: str | None, fee: str | None) -> str:
        parts = []
        if rate:
            parts.append(f"על סכום שלא ישולם במועד תחול ריבית חוזית בשיעור "  # hebrew: letter text
                         f"{rate}% לשנה (ריבית פשוטה, לפי מספר הימים בפועל חלקי 365), "
                         "מהיום שאחרי מועד התשלום ועד התשלום בפועל")
        if fee:
            parts.append(f"בגבייה של חוב שפיגר ייגבו גם דמי גבייה קבועים בסך {fee}")  # hebrew: letter text
        return "; ".join(parts) + "." if parts else ""


HEBREW = Hebrew()
WORDINGS = {"he": HEBREW, "en": ENGLISH}


def _ordered(currencies) -> list[str]:
    """Shekels first, then the other currencies by code."""
    return sorted(currencies, key=lambda c: (c != "ILS", c))


def _money_total(lines: list[OpenInvoice], attr: str = "open_agorot") -> dict[str, int]:
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.currency] = totals.get(line.currency, 0) + getattr(line, attr)
    return totals


def _money_parts(totals: dict[str, int], w=HEBREW) -> list[str]:
    """Amounts in several currencies are never added: one amount each, shekels first."""
    parts = [w.money(totals[c], c) for c in _ordered(totals)]
    return parts or [w.money(0)]


def _join_money(totals: dict[str, int], w=HEBREW) -> str:
    """The amounts as the letter says them: `1,000.00 ₪ וגם 200.00 $`, `£10.00 and $2.00`."""
    return w.join_money(_money_parts(totals, w))


def _money_for_message(totals: dict[str, int]) -> str:
    """The amounts in a message on the screen, in the interface language."""
    parts = _money_parts(totals)
    if len(parts) == 1:
        return parts[0]
    return _("{amounts} and {last}").format(amounts=", ".join(parts[:-1]), last=parts[-1])


def invoice_table(lines: list[OpenInvoice], w=HEBREW) -> list[Table]:
    """One table per currency, oldest due date first, with the open total."""
    tables = []
    for currency in _ordered({l.currency for l in lines}):
        rows = [[l.number, w.date(l.issue_date), w.date(l.due_date),
                 w.money(l.amount_agorot, currency), w.money(l.open_agorot, currency),
                 str(max(l.days_overdue, 0))]
                for l in lines if l.currency == currency]
        total = sum(l.open_agorot for l in lines if l.currency == currency)
        tables.append(Table(w.invoice_columns, INVOICE_WIDTHS, rows,
                            [w.total, "", "", "", w.money(total, currency), ""]))
    return tables


def invoices_sentence(lines: list[OpenInvoice], w=HEBREW) -> str:
    """That the invoices in the table are past due and still open, in agreement with
    their number."""
    return w.invoices_sentence(len(lines)) if lines else ""


def cited_letters(data: ClientLetterData, lines: list[OpenInvoice]) -> list[EarlierLetter]:
    """The archived dunning letters about this debt: dated on or after the day the oldest
    invoice in the letter fell due (a letter about an older debt since paid is not cited)."""
    if not lines:
        return []
    since = min(l.due_date for l in lines)
    return [l for l in data.earlier_letters if l.letter_date >= since]


def earlier_letters_sentence(data: ClientLetterData, lines: list[OpenInvoice],
                             w=HEBREW) -> str:
    """'במכתבנו מיום … (סימוכין …) פנינו בעניין חוב זה.' for the letters the archive
    holds; '' when it holds none."""
    return w.earlier_letters(cited_letters(data, lines))


MAX_PAYMENTS_LISTED = 3


def payments_since(data: ClientLetterData,
                   lines: list[OpenInvoice]) -> list[tuple[tuple[dt.date, str], int]]:
    """The payments applied to the invoices in the letter since the last letter cited (or,
    with none, all of them), summed per day and currency (one payment split over several
    invoices is one sum on its day), oldest first."""
    cited = cited_letters(data, lines)
    paid = data.payments_to(lines)
    if cited:
        paid = [p for p in paid if p.date >= cited[-1].letter_date]
    by_day: dict[tuple[dt.date, str], int] = {}
    for p in paid:
        by_day[(p.date, p.currency)] = by_day.get((p.date, p.currency), 0) + p.amount_agorot
    return sorted(by_day.items())


def payments_sentence(data: ClientLetterData, lines: list[OpenInvoice], w=HEBREW) -> str:
    """The payments since the last letter cited (payments_since), each with its day; or,
    after a letter the archive holds, that none came since."""
    if not lines:
        return ""
    days = payments_since(data, lines)
    if not days:
        return w.no_payment_since if cited_letters(data, lines) else ""
    if len(days) == 1:
        ((day, currency), agorot), = days
        return w.one_payment(day, w.money(agorot, currency))
    if len(days) <= MAX_PAYMENTS_LISTED:
        return w.some_payments([(day, w.money(agorot, currency))
                                for (day, currency), agorot in days])
    totals: dict[str, int] = {}
    for (_day, currency), agorot in days:
        totals[currency] = totals.get(currency, 0) + agorot
    return w.many_payments(len(days), _join_money(totals, w), days[-1][0][0])


def statement_tables(data: ClientLetterData, start: dt.date, end: dt.date,
                     w=HEBREW) -> list[Table]:
    tables = []
    for currency in _ordered(data.movements):
        entries = data.movements[currency]
        opening = sum(e.debit_agorot - e.credit_agorot for e in entries if e.date < start)
        balance = opening
        rows = [[w.date(start), w.opening_balance, "", "", w.money(opening, currency)]]
        for e in entries:
            if not start <= e.date <= end:
                continue
            balance += e.debit_agorot - e.credit_agorot
            rows.append([w.date(e.date), w.describe(e),
                         w.money(e.debit_agorot, currency) if e.debit_agorot else "",
                         w.money(e.credit_agorot, currency) if e.credit_agorot else "",
                         w.money(balance, currency)])
        heading = "" if currency == "ILS" and len(data.movements) == 1 \
            else w.currency_heading(currency)
        tables.append(Table(w.statement_columns, STATEMENT_WIDTHS, rows,
                            [w.date(end), w.closing_balance, "", "", w.money(balance, currency)],
                            heading))
    return tables


def payment_box(profile: BusinessProfile, currencies=(), language: str = "he") -> InfoBox | None:
    """How to pay: the bank account and Bit for shekels; for a debt in a foreign currency
    (`currencies` holds one besides ILS) also the IBAN and SWIFT / BIC, which a payer
    abroad needs. An English letter (language 'en') gets the box in English, without Bit
    (an Israeli app) unless shekels are owed."""
    foreign = any(c != "ILS" for c in currencies)
    shekels = not currencies or "ILS" in currencies
    iban, swift = profile.iban.strip(), profile.swift.strip()
    english = language == "en"
    lines = []
    if profile.bank_details.strip():
        if english:  # the account's own wording (often Hebrew) on a line of its own
            lines += ["Bank transfer (Israel):", " ".join(profile.bank_details.split())]
        else:
            lines.append(f"העברה בנקאית: {profile.bank_details.strip()}")  # hebrew: letter text
    if foreign and iban:
        lines.append(f"IBAN: {format_iban(iban)}")
    if foreign and swift:
        lines.append(f"SWIFT / BIC: {swift}")
    if profile.bit_phone.strip() and (shekels or not english):
        lines.append(f"{'Bit' if english else 'ביט'}: {profile.bit_phone.strip()}")  # hebrew: letter text
    if not lines:
        return None
    if english:
        lines.append("Please quote the invoice numbers as the payment reference."
                     + (" Bank charges are for the payer's account." if foreign else ""))
        return InfoBox("Payment details", lines)
    lines.append("נא לציין את מספרי החשבוניות באסמכתת התשלום.")  # hebrew: letter text
    return InfoBox("פרטים לתשלום", lines)  # hebrew: letter text


def statement_period(as_of: dt.date, months: int) -> dt.date:
    """First day of the statement: `months` back from `as_of`, the day after."""
    month_index = as_of.year * 12 + as_of.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(as_of.day, 28)
    return dt.date(year, month + 1, day) + dt.timedelta(days=1)


def recipient_lines(data: ClientLetterData, language: str = "he") -> list[str]:
    """The window's lines: reports.address.recipient_block (the contact person of a
    business, the title, an address abroad laid out for international mail)."""
    return recipient_block(data, language)


def _interest_sentence(settings: LetterSettings, w=HEBREW) -> str:
    rate = settings.interest_rate
    return w.interest_sentence(_rate_text(rate)) if rate else ""


def _costs_sentence(kind: str, settings: LetterSettings, deadline: dt.date,
                    notice_end: dt.date, w=HEBREW) -> str:
    """The collection fee as this kind of letter states it: included in the final
    warning's amount; following the debt notice's 14 days or another letter's deadline."""
    fee = settings.collection_costs_agorot
    if fee <= 0:
        return ""
    day = (notice_end if kind == "debt-notice" else deadline if kind == "second-reminder"
           else None)
    return w.costs_sentence(kind, w.money(fee), day)


def _rate_text(rate) -> str:
    return f"{rate.normalize():f}".rstrip(".")


@dataclass(frozen=True)
class Amounts:
    """What a letter demands in one currency: the principal (the open amount of the
    invoices in its table), the contractual interest to `to_date`, the collection fee
    (a final warning's, shekels only) and their total; `daily` is what a day after
    `to_date` adds in interest."""
    currency: str
    principal: int
    interest: int
    fee: int
    daily: int
    to_date: dt.date

    @property
    def total(self) -> int:
        return self.principal + self.interest + self.fee


def letter_amounts(kind: str, data: ClientLetterData, settings: LetterSettings,
                   as_of: dt.date, deadline: dt.date) -> list[Amounts]:
    """The letter's amounts, shekels first: the one source of its sentences and tables.

    A final warning runs the interest on to its deadline and adds the fee: paying that
    total by the deadline ends the matter. Other letters count interest to `as_of`."""
    lines = data.overdue
    ids = {l.invoice_id for l in lines}
    to_date = deadline if kind == "final-warning" else as_of
    statement = data.interest if settings.interest_rate else None
    interest: dict[str, int] = {}
    daily: dict[str, int] = {}
    if statement is not None:
        statement = dataclasses.replace(
            statement, lines=[l for l in statement.lines if l.invoice_id in ids])
        if kind == "final-warning":
            statement = statement.until(deadline)
        interest = {c: t["interest"] for c, t in statement.totals().items()}
        daily = statement.daily_agorot()
    out = []
    for currency, principal in sorted(_money_total(lines).items(),
                                      key=lambda item: (item[0] != "ILS", item[0])):
        fee = (settings.collection_costs_agorot
               if kind == "final-warning" and currency == "ILS" else 0)
        out.append(Amounts(currency, principal, interest.get(currency, 0), fee,
                           daily.get(currency, 0), to_date))
    return out


def interest_tables(kind: str, data: ClientLetterData, settings: LetterSettings,
                    as_of: dt.date, deadline: dt.date | None = None, w=HEBREW) -> list[Table]:
    """Principal, contractual interest, the collection fee (a final warning's) and the
    total, one table per currency (letter_amounts). Nothing when there is neither a rate
    nor, for a final warning, a fee."""
    deadline = deadline or as_of
    rate = settings.interest_rate
    fee_set = kind == "final-warning" and settings.collection_costs_agorot > 0
    if not rate and not fee_set:
        return []
    tables = []
    for a in letter_amounts(kind, data, settings, as_of, deadline):
        money = lambda agorot: w.money(agorot, a.currency)  # noqa: E731
        rows = [[w.principal_row, money(a.principal)]]
        if rate:
            rows.append([w.interest_row(_rate_text(rate), a.to_date), money(a.interest)])
        if a.fee:
            rows.append([w.fee_row, money(a.fee)])
        tables.append(Table(w.interest_columns, INTEREST_WIDTHS, rows,
                            [w.interest_total(kind, deadline, a.to_date), money(a.total)],
                            w.interest_heading(kind, deadline, a.currency)))
    return tables


def amount_sentence(kind: str, amounts: list[Amounts], settings: LetterSettings,
                    deadline: dt.date, w=HEBREW) -> str:
    """A final warning's one amount: what ends the matter if paid by the deadline, and
    what it is made of (the figures of its table)."""
    if kind != "final-warning" or not amounts:
        return ""
    total = _join_money({a.currency: a.total for a in amounts}, w)
    parts = None
    if len(amounts) == 1 and (amounts[0].interest or amounts[0].fee or settings.interest_rate):
        a = amounts[0]
        parts = [w.principal_part(w.money(a.principal, a.currency))]
        if settings.interest_rate:
            parts.append(w.interest_part(deadline, w.money(a.interest, a.currency)))
        if a.fee:
            parts.append(w.fee_part(w.money(a.fee, a.currency)))
    return w.amount_sentence(total, deadline, parts, len(amounts) > 1)


def daily_interest_sentence(kind: str, amounts: list[Amounts], settings: LetterSettings,
                            deadline: dt.date, w=HEBREW) -> str:
    """What a day adds in contractual interest: after a final warning's deadline, or
    until payment."""
    daily = {a.currency: a.daily for a in amounts if a.daily > 0}
    if not settings.interest_rate or not daily:
        return ""
    return w.daily_sentence(kind, _join_money(daily, w), deadline)


DEPOSIT_COLUMNS = ["העבודה", "תאריך הבקשה", "לתשלום עד", "סכום העבודה", "מקדמה"]  # hebrew: letter text
DEPOSIT_WIDTHS = [2.4, 1.0, 1.0, 1.2, 1.2]
# The client's consent to the terms, worded for who signs (reports.address.signer_voice).
CLIENT_CONSENT = {
    "plural": "קראנו את תנאי התשלום שבמכתב זה ואנו מסכימים להם.",  # hebrew: letter text
    "male": "קראתי את תנאי התשלום שבמכתב זה ואני מסכים להם.",  # hebrew: letter text
    "female": "קראתי את תנאי התשלום שבמכתב זה ואני מסכימה להם.",  # hebrew: letter text
    "neutral": "קראתי את תנאי התשלום שבמכתב זה, וחתימתי להלן היא הסכמה להם.",  # hebrew: letter text
}
CLIENT_SIGNATURE_FIELDS = {
    True: ["שם מלא", "ת.ז.", "תאריך", "חתימה"],  # hebrew: letter text
    False: ["שם מורשה החתימה", "תפקיד", "ח.פ. / ע.מ.", "תאריך", "חתימה וחותמת"],  # hebrew: letter text
}


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


def _late_payment_sentence(settings: LetterSettings, w=HEBREW) -> str:
    rate, fee = settings.interest_rate, settings.collection_costs_agorot
    return w.late_payment_terms(_rate_text(rate) if rate else None,
                                w.money(fee) if fee > 0 else None)


def terms_box(data: ClientLetterData, profile: BusinessProfile, settings: LetterSettings,
              letter_date: dt.date) -> InfoBox:
    terms = client_terms(data, profile)
    example = terms_due_date(letter_date, terms, eom_reading=profile.eom_reading)
    lines = [explain_terms(terms),
             f"לדוגמה: חשבונית שתצא ב-{format_date(letter_date)} תשולם עד {format_date(example)}."]  # hebrew: letter text
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
    _check_printable(data)
    if kind == "debt-notice" and not data.is_person:
        raise NothingToSend(_("Client '{name}' is a business: the debt notice under section "
                              "13B2 of the Consumer Protection Law is for private persons "
                              "only; no letter was produced. A business gets a reminder "
                              "instead.").format(name=data.name))
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


def _check_printable(data: ClientLetterData) -> None:
    """Text stored before names were checked at entry may hold characters no font here has
    (emoji, Chinese …): the letter is refused, naming them, rather than printing '?'."""
    for what, text in ((_("the name"), data.name), (_("the contact person"), data.contact_name),
                       (_("the address"), data.address), (_("the city"), data.city),
                       (_("the postal code"), data.zip)):
        bad = unprintable_characters(text)
        if bad:
            raise NothingToSend(_("In the details of client '{name}', {what} contains characters "
                                  "that letters cannot print: {characters}. Please correct it "
                                  "in the client card; no letter was produced.").format(
                name=data.name, what=what, characters=" ".join(bad)))


def common_values(data: ClientLetterData, profile: BusinessProfile, letter_date: dt.date,
                  as_of: dt.date, w=HEBREW) -> dict[str, str]:
    """The placeholders every letter kind fills the same way: who writes to whom, and when."""
    return {
        "client_name": data.name,
        "contact_name": data.contact_name,
        "greeting": greeting(data, w.language),
        "business_name": profile.name or w.no_business_name,
        "business_phone": phone_for(profile.phone, is_abroad(data)) or "—",
        "business_email": profile.email or "—",
        "letter_date": w.date(letter_date),
        "as_of_date": w.date(as_of),
        "reference": data.reference or "—",
    }


def letter_language(kind: str, data: ClientLetterData) -> str:
    """The language of the letter `kind` to this client: English when the client's letter
    language is English and the kind has an English version, else Hebrew."""
    return "en" if data.letter_language == "en" and has_english(kind) else "he"


def compose_for_client(kind: str, data: ClientLetterData, profile: BusinessProfile,
                       settings: LetterSettings, templates: Mapping[str, str], as_of: dt.date,
                       letter_date: dt.date | None = None) -> LetterContent:
    """The letter this client gets, in its letter_language, with that language's wording
    (`templates`: language -> template text, models.letters.templates.get_templates)."""
    language = letter_language(kind, data)
    return compose(kind, data, profile, settings, templates[language], as_of, letter_date,
                   language=language)


def compose(kind: str, data: ClientLetterData, profile: BusinessProfile,
            settings: LetterSettings, template: str, as_of: dt.date,
            letter_date: dt.date | None = None, language: str = "he") -> LetterContent:
    """One letter's content in `language` ('he', or 'en' for the kinds with an English
    version). Raises NothingToSend when the client gets no such letter."""
    if kind not in LETTER_KINDS:
        raise ValidationError(_("Unknown letter kind: '{kind}'.").format(kind=kind), field="kind")
    check_language(kind, language)
    letter_date = letter_date or as_of
    _check_sendable(kind, data, as_of)
    # The letter is in its own language whatever the interface language, and so is every
    # sentence it takes from the domain (the terms explained, labels).
    with translated_as(language):
        return _letter(kind, data, profile, settings, template, as_of, letter_date,
                       WORDINGS[language])


def _letter(kind: str, data: ClientLetterData, profile: BusinessProfile,
            settings: LetterSettings, template: str, as_of: dt.date,
            letter_date: dt.date, w) -> LetterContent:
    overdue = data.overdue
    deadline = compute_deadline(letter_date, settings.deadline_days)
    notice_end = letter_date + dt.timedelta(days=settings.debt_notice_wait_days)
    amounts = letter_amounts(kind, data, settings, as_of, deadline)
    max_days = max((l.days_overdue for l in overdue), default=0)
    period_start = statement_period(as_of, settings.statement_months)
    ils_balance = {c: data.balance(c) for c in data.movements}
    opening = {c: sum(e.debit_agorot - e.credit_agorot for e in data.movements[c]
                      if e.date < period_start) for c in data.movements}
    values = {
        **common_values(data, profile, letter_date, as_of, w),
        "total_overdue": _join_money(_money_total(overdue), w),
        "total_open": _join_money(_money_total(data.invoices), w),
        "invoice_count": str(len(overdue)),
        "oldest_due_date": w.date(min(l.due_date for l in overdue)) if overdue else "—",
        "max_days_overdue": str(max_days),
        "days_overdue_text": w.days(max_days),
        "deadline_date": w.date(deadline),
        "deadline_days": str(settings.deadline_days),
        "deadline_days_text": w.days(settings.deadline_days),
        "wait_days": str(settings.debt_notice_wait_days),
        "wait_days_text": w.days(settings.debt_notice_wait_days),
        "notice_end_date": w.date(notice_end),
        "interest_sentence": _interest_sentence(settings, w),
        "costs_sentence": _costs_sentence(kind, settings, deadline, notice_end, w),
        "invoices_sentence": invoices_sentence(overdue, w),
        "earlier_letters": earlier_letters_sentence(data, overdue, w),
        "payments_since": payments_sentence(data, overdue, w),
        "amount_to_pay": (_join_money({a.currency: a.total for a in amounts}, w)
                          if amounts else _join_money(_money_total(overdue), w)),
        "amount_sentence": amount_sentence(kind, amounts, settings, deadline, w),
        "daily_interest_sentence": daily_interest_sentence(kind, amounts, settings, deadline, w),
        "period_start": w.date(period_start),
        "period_end": w.date(as_of),
        "opening_balance": _join_money(opening, w),
        "closing_balance": _join_money(ils_balance, w),
        "last_payment_date": w.date(data.last_payment_date) if data.last_payment_date else "—",
        "client_terms": client_terms(data, profile),
        "deposit_total": _join_money(_deposit_totals(data), w),
        "deposit_due_date": (w.date(min(d.due_date for d in data.deposits))
                             if data.deposits else "—"),
        "late_payment_terms": _late_payment_sentence(settings, w),
    }
    filled = fill(template, values)
    blocks: list[Block] = []
    for part_kind, text in filled.parts:
        if part_kind == "text":
            blocks.append(Paragraph(text))
        elif text == "invoice_table":
            blocks.extend(invoice_table(overdue, w))
            if kind in INTEREST_KINDS:
                blocks.extend(interest_tables(kind, data, settings, as_of, deadline, w))
        elif text == "statement_table":
            blocks.extend(statement_tables(data, period_start, as_of, w))
            if kind in INTEREST_KINDS:
                blocks.extend(interest_tables(kind, data, settings, as_of, deadline, w))
        elif text == "payment_instructions":
            # a client who owes nothing now is still told how to pay in the currency it deals in
            box = payment_box(profile, {l.currency for l in data.invoices} or set(data.movements),
                              w.language)
            if box:
                blocks.append(box)
        elif text == "deposit_table":
            blocks.extend(deposit_tables(data))
        elif text == "terms_box":
            blocks.append(terms_box(data, profile, settings, letter_date))
        elif text == "client_signature":
            blocks.append(SignatureForm("אישור הלקוח", CLIENT_CONSENT[signer_voice(data)],  # hebrew: letter text
                                        CLIENT_SIGNATURE_FIELDS[data.is_person]))
    if kind in ("deposit-request", "terms-confirmation"):
        totals = _deposit_totals(data)
    elif kind == "final-warning":
        totals = {a.currency: a.total for a in amounts}  # the amount demanded by the deadline
    else:
        totals = _money_total(overdue if kind != "statement" else data.invoices)
    currency = "ILS" if "ILS" in totals or not totals else sorted(totals)[0]
    signer = [settings.signer_name, settings.signer_title, profile.name]
    return LetterContent(
        kind=kind, client_id=data.client_id, client_name=data.name,
        recipient_lines=recipient_lines(data, w.language), letter_date=letter_date,
        date_lines=w.date_lines(letter_date, data.reference, settings.show_hebrew_date),
        subject=filled.subject, blocks=blocks, is_registered=kind == "final-warning",
        amount_agorot=totals.get(currency, 0), currency=currency,
        deadline_date=(deadline if kind in ("second-reminder", "final-warning")
                       else notice_end if kind == "debt-notice" else None),
        signature_lines=[s for s in signer if s and s.strip()], reference=data.reference,
        language=w.language, closing=w.closing(data), abroad=is_abroad(data))


def business_type_name(profile: BusinessProfile) -> str:
    return in_hebrew(BUSINESS_TYPES.get(profile.business_type, ""))
