"""Late-payment terms and the amount due with contractual interest as of a date.

The terms are the letter settings' `interest_rate_percent` (annual, contractual: the rate
the user agreed with clients) and `collection_costs_agorot` (a fixed collection fee):
one place for them, so the letters, the terms confirmation and this computation agree.
Statutory interest (חוק פסיקת ריבית והצמדה) is not one flat rate and is NOT computed here.

Method — simple (not compounded) daily interest, day count "Actual/365 Fixed":
- each invoice earns interest from the day after its due date up to and including D;
- the principal is the invoice's open amount, day by day: a payment or credit allocated to
  the invoice lowers the principal from its applied date on (a bounced check's allocation
  does not count from its reversal date);
- interest for a stretch of n days on a principal P at annual rate r% is
  P × r/100 × n/365 — always 365, also across 29 February: a leap year's 366 days earn
  366/365 of the annual rate;
- the sum over the stretches is rounded once per invoice, half up, to whole agorot.
Disputed and cancelled invoices earn nothing here (they are not demanded), nor do invoices
paid in full by D (interest on a late but settled invoice is not claimed).

Interest to a later day (a final warning's deadline): `InterestStatement.until(day)` runs
each invoice's interest on from D to that day on its open amount as of D, with no payment
assumed in between, and rounds once, as if D had been that day; `daily_agorot()` is what
one more day adds, per currency.

Public API:
    LatePaymentTerms, load_late_payment_terms()
    simple_interest_agorot(principal_agorot, days, annual_rate_percent) -> int
    invoice_interest_agorot(amount_agorot, due_date, reductions, as_of, rate) -> (int, int)
    amount_due_with_interest(client_id, as_of, rate=None) -> InterestStatement
    amounts_due_with_interest(client_ids, as_of, rate=None, terms=None) -> {client_id: InterestStatement}
    InterestStatement.until(day) -> InterestStatement; .daily_agorot() -> {currency: agorot}
    payments_to_invoices(invoice_ids, as_of) -> {invoice_id: [(day, agorot)]}
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from models.ledger.allocation import active_allocations
from models.ledger.invoices import Invoice
from models.ledger.payments import Allocation
from models.letters.archive import load_letter_settings

DAYS_IN_YEAR = Decimal(365)


@dataclass(frozen=True)
class LatePaymentTerms:
    annual_rate_percent: Decimal | None  # None: no interest agreed
    collection_fee_agorot: int = 0


def load_late_payment_terms() -> LatePaymentTerms:
    settings = load_letter_settings()
    return LatePaymentTerms(settings.interest_rate, settings.collection_costs_agorot)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _raw_interest(principal_agorot: int, days: int, rate: Decimal) -> Decimal:
    if principal_agorot <= 0 or days <= 0:
        return Decimal(0)
    return Decimal(principal_agorot) * rate / 100 * days / DAYS_IN_YEAR


def simple_interest_agorot(principal_agorot: int, days: int, annual_rate_percent) -> int:
    """P × r/100 × days/365, rounded half up to agorot."""
    return _round(_raw_interest(principal_agorot, days, Decimal(str(annual_rate_percent))))


def invoice_interest_agorot(amount_agorot: int, due: dt.date,
                            reductions: list[tuple[dt.date, int]], as_of: dt.date,
                            annual_rate_percent) -> tuple[int, int]:
    """(open agorot as of D, interest agorot) for one invoice; see the module docstring.

    reductions: (date, agorot) that lowered the invoice (payments, credit notes), any order.
    """
    open_now, raw = _invoice_interest(amount_agorot, due, reductions, as_of, annual_rate_percent)
    return open_now, _round(raw)


def _invoice_interest(amount_agorot: int, due: dt.date, reductions: list[tuple[dt.date, int]],
                      as_of: dt.date, annual_rate_percent) -> tuple[int, Decimal]:
    """(open agorot as of D, interest before rounding)."""
    rate = Decimal(str(annual_rate_percent))
    principal = amount_agorot - sum(a for d, a in reductions if d <= due)
    total = Decimal(0)
    start = due
    for day, agorot in sorted((d, a) for d, a in reductions if due < d <= as_of):
        total += _raw_interest(principal, (day - start).days, rate)
        principal -= agorot
        start = day
    if as_of > start:
        total += _raw_interest(principal, (as_of - start).days, rate)
    open_now = amount_agorot - sum(a for d, a in reductions if d <= as_of)
    return open_now, total


@dataclass(frozen=True)
class InterestLine:
    invoice_id: int
    number: str
    due_date: dt.date
    open_agorot: int
    days_late: int
    interest_agorot: int
    currency: str
    raw_interest: Decimal | None = None  # before rounding (None: the rounded figure)


@dataclass
class InterestStatement:
    as_of: dt.date
    annual_rate_percent: Decimal | None
    collection_fee_agorot: int
    lines: list[InterestLine] = field(default_factory=list)

    def totals(self) -> dict[str, dict[str, int]]:
        """currency -> {'open', 'interest', 'total'} (currencies are never added together)."""
        out: dict[str, dict[str, int]] = {}
        for line in self.lines:
            t = out.setdefault(line.currency, {"open": 0, "interest": 0, "total": 0})
            t["open"] += line.open_agorot
            t["interest"] += line.interest_agorot
            t["total"] += line.open_agorot + line.interest_agorot
        return out

    def until(self, day: dt.date) -> "InterestStatement":
        """The same invoices with their interest run on to `day` (not before as_of) on the
        open amount as of as_of, no payment assumed in between: what paying on `day`
        costs."""
        day = max(day, self.as_of)
        rate = self.annual_rate_percent or Decimal(0)
        extra = (day - self.as_of).days
        lines = []
        for line in self.lines:
            raw = line.raw_interest if line.raw_interest is not None else Decimal(
                line.interest_agorot)
            raw += _raw_interest(line.open_agorot, extra, rate)
            lines.append(InterestLine(line.invoice_id, line.number, line.due_date,
                                      line.open_agorot, (day - line.due_date).days, _round(raw),
                                      line.currency, raw))
        return InterestStatement(day, self.annual_rate_percent, self.collection_fee_agorot,
                                 lines)

    def daily_agorot(self) -> dict[str, int]:
        """Currency -> the interest one more day adds on the open amounts (rounded once)."""
        rate = self.annual_rate_percent or Decimal(0)
        sums: dict[str, int] = {}
        for line in self.lines:
            sums[line.currency] = sums.get(line.currency, 0) + line.open_agorot
        return {c: _round(_raw_interest(p, 1, rate)) for c, p in sums.items()}


def amount_due_with_interest(client_id: int, as_of: dt.date,
                             rate: Decimal | str | None = None) -> InterestStatement:
    """Overdue invoices of the client as of `as_of` with their interest (two statements)."""
    return amounts_due_with_interest([client_id], as_of, rate)[client_id]


_CHUNK = 500  # keeps each IN (...) list well under SQLite's parameter limit


def amounts_due_with_interest(client_ids: list[int], as_of: dt.date,
                              rate: Decimal | str | None = None,
                              terms: LatePaymentTerms | None = None
                              ) -> dict[int, InterestStatement]:
    """amount_due_with_interest for many clients (a letters batch): two statements per
    500 clients, whatever their number of invoices. Every id gets a statement."""
    terms = terms or load_late_payment_terms()
    rate = Decimal(str(rate)) if rate not in (None, "") else terms.annual_rate_percent
    ids = list(dict.fromkeys(client_ids))
    out = {cid: InterestStatement(as_of, rate, terms.collection_fee_agorot) for cid in ids}
    counted = active_allocations() | (Allocation.reversed_date > as_of)
    for start in range(0, len(ids), _CHUNK):
        invoices = list(Invoice.select().where(
            Invoice.client.in_(ids[start:start + _CHUNK]) & (Invoice.issue_date <= as_of)
            & (Invoice.due_date < as_of) & (Invoice.is_disputed == False)  # noqa: E712
            & (Invoice.cancelled_date.is_null() | (Invoice.cancelled_date > as_of)))
            .order_by(Invoice.client, Invoice.due_date, Invoice.id))
        reductions: dict[int, list[tuple[dt.date, int]]] = {}
        # a subquery, not a list of invoice ids: a batch may hold tens of thousands
        overdue_ids = Invoice.select(Invoice.id).where(
            Invoice.client.in_(ids[start:start + _CHUNK]) & (Invoice.due_date < as_of))
        for alloc in Allocation.select().where(
                Allocation.invoice.in_(overdue_ids) & counted
                & (Allocation.applied_date <= as_of)):
            reductions.setdefault(alloc.invoice_id, []).append((alloc.applied_date,
                                                                alloc.amount_agorot))
        for inv in invoices:
            open_now, raw = _invoice_interest(
                inv.amount_agorot, inv.due_date, reductions.get(inv.id, []), as_of, rate or 0)
            if open_now > 0:
                out[inv.client_id].lines.append(InterestLine(
                    inv.id, inv.number, inv.due_date, open_now, (as_of - inv.due_date).days,
                    _round(raw), inv.currency, raw))
    return out


def payments_to_invoices(invoice_ids: list[int], as_of: dt.date
                         ) -> dict[int, list[tuple[dt.date, int]]]:
    """Invoice -> the payments (not credit notes) applied to it by `as_of` and not reversed
    by then (a bounced check's money does not count), oldest first: one statement per 500
    invoices. What a letter states as the partial payments received on its invoices."""
    ids = list(dict.fromkeys(invoice_ids))
    out: dict[int, list[tuple[dt.date, int]]] = {}
    counted = active_allocations() | (Allocation.reversed_date > as_of)
    for start in range(0, len(ids), _CHUNK):
        query = (Allocation.select(Allocation.invoice, Allocation.applied_date,
                                   Allocation.amount_agorot)
                 .where(Allocation.invoice.in_(ids[start:start + _CHUNK]) & counted
                        & Allocation.payment.is_null(False)
                        & (Allocation.applied_date <= as_of))
                 .order_by(Allocation.applied_date, Allocation.id))
        for invoice_id, day, agorot in query.tuples():
            out.setdefault(invoice_id, []).append((dt.date.fromisoformat(str(day)), agorot))
    return out
