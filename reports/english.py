"""The English wording of a letter: the sentences, labels, dates and amounts of an English
letter (a client whose letter language is English), in British English. Pure, no database,
no facts of its own.

reports.letters composes every letter, Hebrew and English alike, and computes the facts
once (which invoices, which earlier letters to cite, which payments, the amounts with
interest to the deadline, the reference); it asks the letter's wording (`ENGLISH` here,
`reports.letters.HEBREW` for Hebrew) only how to say them. The user's English wording
(the templates) is models.letters.templates' ('en'); ENGLISH_KINDS there says which kinds
have one. Dates and amounts as babel writes them for en_GB ('3 March 2026', '£1,234.50').

The body addresses the reader as "you", which fits a business and a person alike; the
greeting and the recipient block are reports.address's; a letter opened "Dear Sir or
Madam" closes "Yours faithfully", one opened with a name "Yours sincerely".

Public API:
    ENGLISH                                 the wording reports.letters composes with
    english_date(day), english_money(agorot, currency)
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from babel.dates import format_date as babel_date

from models.common.money import format_money as babel_money
from models.ledger.payments import PAYMENT_METHODS
from reports.address import audience

if TYPE_CHECKING:
    from models.letters.references import EarlierLetter
    from reports.letter_data import StatementEntry

LOCALE = "en_GB"
# British names for what the ledger's labels call otherwise.
_BRITISH_METHODS = {"check": "Cheque"}
_SMALL_NUMBERS = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def english_date(day: dt.date) -> str:
    """'3 March 2026': no day-month order to misread abroad."""
    return babel_date(day, "d MMMM y", locale=LOCALE)


def english_money(agorot: int, currency: str = "ILS") -> str:
    return babel_money(agorot, currency, locale=LOCALE)


class English:
    """How an English letter says what reports.letters computed (see reports.letters.Hebrew
    for the same methods in Hebrew)."""

    language = "en"
    invoice_columns = ["Invoice", "Date", "Due", "Amount", "Balance due", "Days overdue"]
    statement_columns = ["Date", "Details", "Debit", "Credit", "Balance"]
    interest_columns = ["Details", "Amount"]
    total = "Total"
    opening_balance = "Opening balance"
    closing_balance = "Closing balance"
    no_business_name = "us"

    # -- dates, amounts, counts --------------------------------------------------------
    date = staticmethod(english_date)
    money = staticmethod(english_money)

    @staticmethod
    def and_list(parts: list[str]) -> str:
        """'a', 'a and b', 'a, b and c'."""
        if len(parts) <= 1:
            return "".join(parts)
        return ", ".join(parts[:-1]) + " and " + parts[-1]

    def join_money(self, parts: list[str]) -> str:
        return self.and_list(parts)

    @staticmethod
    def days(count: int) -> str:
        return "1 day" if count == 1 else f"{count} days"

    @staticmethod
    def currency_heading(currency: str) -> str:
        return f"Currency: {currency}"

    def date_lines(self, letter_date: dt.date, reference: str,
                   show_hebrew_date: bool) -> list[str]:
        """The date, and the reference; no Hebrew calendar date abroad."""
        return [self.date(letter_date)] + ([f"Our ref.: {reference}"] if reference else [])

    @staticmethod
    def closing(data) -> str:
        return "Yours faithfully," if audience(data) == "plural" else "Yours sincerely,"

    # -- tables ------------------------------------------------------------------------
    @staticmethod
    def describe(entry: StatementEntry) -> str:
        """A statement line in English words (the ledger's own description is Hebrew)."""
        if entry.kind == "invoice":
            return f"Invoice {entry.label}"
        if entry.kind == "credit":  # the reason as the user wrote it
            return f"Credit note {entry.label}" + (f" – {entry.extra}" if entry.extra else "")
        if entry.kind == "fee":  # a bounced cheque's bank fee: its number is Hebrew
            return "Bank charge for a returned cheque"
        if entry.kind not in ("payment", "bounced"):
            return entry.description
        method = _BRITISH_METHODS.get(entry.label) or PAYMENT_METHODS.get(entry.label,
                                                                        entry.label)
        suffix = f" {entry.extra}" if entry.extra else ""
        if entry.kind == "bounced":
            return f"{method}{suffix} returned unpaid"
        return f"Payment – {method}{suffix}"

    principal_row = "Principal: invoices past their due date"
    fee_row = "Collection fee (fixed, as agreed)"

    def interest_row(self, rate: str, to_date: dt.date) -> str:
        return f"Contractual interest at {rate}% a year to {self.date(to_date)}"

    def interest_heading(self, kind: str, deadline: dt.date, currency: str) -> str:
        heading = (f"Amount payable by {self.date(deadline)}" if kind == "final-warning"
                   else "The debt with contractual interest")
        return heading if currency == "ILS" else f"{heading} (currency: {currency})"

    def interest_total(self, kind: str, deadline: dt.date, to_date: dt.date) -> str:
        if kind == "final-warning":
            return f"Payable by {self.date(deadline)}"
        return f"Total with interest to {self.date(to_date)}"

    # -- sentences ---------------------------------------------------------------------
    @staticmethod
    def invoices_sentence(count: int) -> str:
        if count == 1:
            return "The invoice listed below is past its due date and is still open in our books."
        number = _SMALL_NUMBERS[count] if count < len(_SMALL_NUMBERS) else str(count)
        return (f"The {number} invoices listed below are past their due date and are still "
                "open in our books.")

    def earlier_letters(self, cited: list[EarlierLetter]) -> str:
        refs = [f"{self.date(l.letter_date)} (ref. {l.reference})" for l in cited]
        if not refs:
            return ""
        if len(refs) == 1:
            return f"In our letter of {refs[0]}, we wrote to you about this debt."
        return ("We wrote to you about this debt in our letters of "
                + self.and_list(refs) + ".")

    no_payment_since = "No payment has reached us since."
    _rest = "the balance set out below remains unpaid."

    def one_payment(self, day: dt.date, amount: str) -> str:
        return f"On {self.date(day)} we received a part payment of {amount}; {self._rest}"

    def some_payments(self, parts: list[tuple[dt.date, str]]) -> str:
        listed = self.and_list([f"{amount} on {self.date(day)}" for day, amount in parts])
        return f"We have received part payments of {listed}; {self._rest}"

    def many_payments(self, count: int, total: str, last: dt.date) -> str:
        return (f"We have received {count} part payments totalling {total}, the last on "
                f"{self.date(last)}; {self._rest}")

    @staticmethod
    def interest_sentence(rate: str) -> str:
        return (f"Contractual interest at {rate}% a year, as agreed between us, runs on the "
                "debt from the day after each invoice fell due until the day it is paid. This "
                "is interest under our agreement, not interest awarded by a court.")

    def costs_sentence(self, kind: str, fee: str, day: dt.date | None) -> str:
        if kind == "final-warning":
            return f"The amount to be paid includes the agreed collection fee of {fee}."
        if day is None:
            return (f"If the debt remains unpaid, the agreed collection fee of {fee} may be "
                    "added to it.")
        return (f"If the debt is not paid by {self.date(day)}, the agreed collection fee of "
                f"{fee} will be added to it.")

    def amount_sentence(self, total: str, deadline: dt.date, parts: list[str] | None,
                        several_tables: bool) -> str:
        day = self.date(deadline)
        text = (f"To settle this matter without proceedings, please pay {total} no later "
                f"than {day}.")
        if parts:
            text += f" This amount is made up of {self.and_list(parts)}."
        elif several_tables:
            text += " The breakdown is given in the tables below."
        return text

    def principal_part(self, amount: str) -> str:
        return f"the principal of {amount}"

    def interest_part(self, deadline: dt.date, amount: str) -> str:
        return f"contractual interest to {self.date(deadline)} of {amount}"

    def fee_part(self, amount: str) -> str:
        return f"the collection fee of {amount}"

    def daily_sentence(self, kind: str, daily: str, deadline: dt.date) -> str:
        if kind == "final-warning":
            return (f"A payment received after {self.date(deadline)} will carry further "
                    f"interest of {daily} for each day until the day of payment.")
        return f"Until payment, interest of {daily} is added to the debt for each day."

    @staticmethod
    def late_payment_terms(rate: str | None, fee: str | None) -> str:
        parts = []
        if rate:
            parts.append(f"an amount not paid on time carries contractual interest at {rate}% "
                         "a year (simple interest, by the actual number of days over 365), "
                         "from the day after it fell due until the day it is paid")
        if fee:
            parts.append(f"the collection of a late debt also carries a fixed collection fee "
                         f"of {fee}")
        text = "; ".join(parts)
        return text[:1].upper() + text[1:] + "." if text else ""


ENGLISH = English()
