"""What a letter needs, for many clients at once: the rows models.queries.letter_data reads (a
few statements per chunk of clients, none per client) made into one ClientLetterData each.

Figures are as of a date D by the rules of models.ledger.open_as_of: an invoice counts when
issued by D and not cancelled by D; a payment when its effective date (a post-dated
check's own date) is by D and it had not bounced by D; allocations likewise. Who gets a
letter in an `--all` run is models.queries.letter_data' too (reports.batch.select_clients).

Public API:
    load_letter_data(client_ids, as_of, with_interest=True) -> dict[client_id, ClientLetterData]

Besides the ledger, a letter states what the archive holds: the reference its own row will
have, and the dunning letters already sent to the client (models.letters.references), so a
later letter cites them by date and reference and claims no request that was not sent;
and the payments received on each open invoice (not bounced by D), so it says "no payment
has reached us" only when none has, and states a partial payment with its day.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from models.collection.interest import (
    InterestStatement,
    amounts_due_with_interest,
    load_late_payment_terms,
    payments_to_invoices,
)
from models.ledger.open_invoice import OpenInvoice
from models.ledger.payments import PAYMENT_METHODS
from models.letters.references import EarlierLetter, earlier_letters, next_references
from models.prevention.deposits import DepositLine, open_deposit_lines
from models.queries import letter_data as letter_queries
from reports.hebrew import in_hebrew


@dataclass(frozen=True)
class StatementEntry:
    date: dt.date
    description: str
    debit_agorot: int  # raises what the client owes
    credit_agorot: int  # lowers it
    # what the line is (invoice, fee, payment, bounced, credit), its number or payment
    # method code, and a check number or reference, a credit note's reason or a fee
    # line's description: an English statement words it itself
    kind: str = ""
    label: str = ""
    extra: str = ""


@dataclass(frozen=True)
class ReceivedPayment:
    """Payment money applied to one open invoice by D (not bounced by D), on its day."""
    date: dt.date
    amount_agorot: int
    currency: str
    invoice_id: int


@dataclass
class ClientLetterData:
    client_id: int
    name: str
    is_person: bool
    address: str
    city: str
    zip: str
    contact_name: str = ""
    invoices: list[OpenInvoice] = field(default_factory=list)  # open as of D
    # currency -> movements dated by D (the statement splits them at its period start)
    movements: dict[str, list[StatementEntry]] = field(default_factory=dict)
    last_payment_date: dt.date | None = None
    terms: str = ""  # the client's own payment terms ('' : the business default)
    deposits: list[DepositLine] = field(default_factory=list)  # awaited as of D
    # contractual interest on the overdue invoices as of D; None when no rate is set
    interest: InterestStatement | None = None
    # the reference (סימוכין) this letter's archive row will have; '' for a sample
    reference: str = ""
    # the dunning letters the archive holds for the client, dated by D, oldest first
    earlier_letters: list[EarlierLetter] = field(default_factory=list)
    # payments applied to the open invoices by D and not bounced by D, oldest first
    payments: list[ReceivedPayment] = field(default_factory=list)

    def payments_to(self, invoices: list[OpenInvoice]) -> list[ReceivedPayment]:
        """The payments applied to these invoices, oldest first."""
        ids = {i.invoice_id for i in invoices}
        return [p for p in self.payments if p.invoice_id in ids]
    # how the letter addresses the client, and where it goes (reports.address)
    gender: str = "unknown"
    salutation: str = ""
    country: str = "IL"
    letter_language: str = "he"

    @property
    def overdue(self) -> list[OpenInvoice]:
        """Open invoices past their due date; disputed ones are not demanded."""
        return [i for i in self.invoices if i.days_overdue > 0 and not i.is_disputed]

    def balance(self, currency: str) -> int:
        return sum(e.debit_agorot - e.credit_agorot for e in self.movements.get(currency, []))


def _entry(kind: str, date: dt.date, label: str, extra: str, amount: int) -> StatementEntry:
    """One line of a statement of account: its description is printed in the letter."""
    what = (kind, label, extra)
    if kind == "invoice":
        return StatementEntry(date, f"חשבונית {label}", amount, 0, *what)  # hebrew: letter text
    if kind == "fee":  # a fee line (a bounced check's bank fee): its own description
        return StatementEntry(date, extra or f"עמלה {label}", amount, 0, *what)  # hebrew: letter text
    if kind == "credit":  # the credit note and its reason
        reason = f" – {extra}" if extra else ""
        return StatementEntry(date, f"חשבונית זיכוי {label}{reason}", 0, amount, *what)  # hebrew: letter text
    method = in_hebrew(PAYMENT_METHODS.get(label, label))
    suffix = f" {extra}" if extra else ""
    if kind == "bounced":
        return StatementEntry(date, f"{method}{suffix} חזר", amount, 0, *what)  # hebrew: letter text
    return StatementEntry(date, f"תשלום – {method}{suffix}", 0, amount, *what)  # hebrew: letter text


def load_letter_data(client_ids: list[int], as_of: dt.date, *,
                     with_interest: bool = True) -> dict[int, ClientLetterData]:
    """Client details, open invoices and movements by `as_of`, for each client id.

    with_interest=False skips the contractual interest (a fifth of the loading time) for
    letters that do not show it."""
    result: dict[int, ClientLetterData] = {}
    iso_date = dt.date.fromisoformat
    late_terms = load_late_payment_terms()
    for ids in letter_queries.chunks(client_ids):
        for cid, c in letter_queries.letter_clients(ids).items():
            result[cid] = ClientLetterData(cid, c.name, c.is_person, c.address, c.city, c.zip,
                                           c.contact_name, terms=c.terms, gender=c.gender,
                                           salutation=c.salutation, country=c.country,
                                           letter_language=c.letter_language)
        for invoice in letter_queries.open_invoices(ids, as_of):
            result[invoice.client_id].invoices.append(invoice)
        for cid, currency, day, kind, label, extra, amount in letter_queries.movements(ids, as_of):
            date = iso_date(day)
            data = result[cid]
            data.movements.setdefault(currency, []).append(_entry(kind, date, label, extra, amount))
            if kind == "payment":
                data.last_payment_date = max(filter(None, (data.last_payment_date, date)))
        open_by_id = {i.invoice_id: i for cid in ids if cid in result
                      for i in result[cid].invoices}
        for invoice_id, paid in payments_to_invoices(list(open_by_id), as_of).items():
            invoice = open_by_id[invoice_id]
            result[invoice.client_id].payments += [
                ReceivedPayment(day, agorot, invoice.currency, invoice_id) for day, agorot in paid]
        for cid in ids:
            if cid in result:
                result[cid].payments.sort(key=lambda p: p.date)
        for cid, reference in next_references(ids).items():
            if cid in result:
                result[cid].reference = reference
        for cid, letters in earlier_letters(ids, as_of).items():
            if cid in result:
                result[cid].earlier_letters = letters
        for cid, lines in open_deposit_lines(ids, as_of).items():
            result[cid].deposits = lines
        if with_interest and late_terms.annual_rate_percent:
            for cid, statement in amounts_due_with_interest(ids, as_of,
                                                            terms=late_terms).items():
                if cid in result:
                    result[cid].interest = statement
    return result
