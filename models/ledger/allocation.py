"""Allocation of a payment to open invoices: the one rule, and open amounts.

Money that names invoices goes to them in the order named. Money that names none goes to
the oldest due date first (ties: issue date, then invoice number), except that invoices a
signed settlement covers come last: the client's ongoing invoices stay due on their own
terms, and a settlement instalment names its invoices itself. Whatever is left stays as
credit on account.

`plan_payment` is the rule as a question ("where would this money go?"): the payment
dialog's preview, `services.record_payment`, credit notes and deposits all ask it, so
the preview and the saved payment cannot differ.
"""
from __future__ import annotations

import datetime as dt
from typing import Collection, Iterable

from models.common.errors import ValidationError
from models.common.i18n import _
from models.common.text import document_number_key
from models.db.connection import database
from models.ledger.invoices import Invoice
from models.ledger.open_invoice import ALL_RECORDED, OpenInvoice, invoices_open_as_of
from models.ledger.payments import Allocation


def allocation_order(inv: OpenInvoice) -> tuple:
    """Oldest due date first; ties by issue date, then invoice number."""
    key = document_number_key(inv.number)
    return inv.due_date, inv.issue_date, (0, int(key), "") if key.isdigit() else (1, 0, key)


def plan_allocation(amount_agorot: int, invoices: list[OpenInvoice], *,
                    keep_order: bool = False) -> list[tuple[int, int]]:
    """Split `amount_agorot` over `invoices`, in allocation order unless `keep_order`
    (the order a user named them in).

    Returns (invoice id, agorot) pairs; what is not returned stays as credit on account.
    """
    plan = []
    left = amount_agorot
    for inv in (invoices if keep_order else sorted(invoices, key=allocation_order)):
        if left <= 0:
            break
        take = min(left, inv.open_agorot)
        if take > 0:
            plan.append((inv.invoice_id, take))
            left -= take
    return plan


def covered_in_force(client_id: int, day: dt.date) -> set[int]:
    """The client's invoices under a settlement signed by `day` and not cancelled by then.
    Read from the settlement tables by SQL: the allocation rule needs only this fact,
    not the settlement records (models.negotiation.settlements)."""
    rows = database.execute_sql(
        "SELECT si.invoice_id FROM settlement_invoice si JOIN settlement s ON s.id = si.settlement_id"
        " WHERE s.client_id = ? AND s.signed_date <= ?"
        " AND (s.status = 'signed' OR (s.status = 'cancelled' AND s.cancelled_date > ?))",
        (client_id, day.isoformat(), day.isoformat()))
    return {inv_id for (inv_id,) in rows}


def named_targets(client_id: int, currency: str, invoice_ids: Iterable[int]) -> list[OpenInvoice]:
    """The invoices money names, checked (same client, same currency, not cancelled), in
    the order named; those already paid in full drop out."""
    ids = list(dict.fromkeys(invoice_ids))
    found = {inv.id: inv for inv in Invoice.select().where(Invoice.id.in_(ids))}
    for inv_id in ids:
        inv = found.get(inv_id)
        if inv is None:
            raise ValidationError(_("Invoice {number} was not found.").format(number=inv_id),
                                  field="invoices")
        if inv.client_id != client_id:
            raise ValidationError(
                _("Invoice {number} belongs to another client.").format(number=inv.number),
                field="invoices")
        if inv.currency != currency:
            raise ValidationError(
                _("Invoice {number} is in {invoice_currency} and the payment in {currency}.")
                .format(number=inv.number, invoice_currency=inv.currency, currency=currency),
                field="invoices")
        if inv.cancelled_date:
            raise ValidationError(
                _("Invoice {number} is cancelled.").format(number=inv.number), field="invoices")
    open_by_id = {o.invoice_id: o for o in open_invoices(client_id, currency, ids)}
    return [open_by_id[i] for i in ids if i in open_by_id]


def unnamed_targets(client_id: int, currency: str, day: dt.date) -> list[OpenInvoice]:
    """Where money that names no invoice goes, in order: oldest due first, invoices a
    settlement in force on `day` covers last."""
    invoices = sorted(open_invoices(client_id, currency), key=allocation_order)
    return covered_last(invoices, covered_in_force(client_id, day))


def covered_last(invoices: Iterable[OpenInvoice], covered: Collection[int]) -> list[OpenInvoice]:
    """The settlement's place in the order: the invoices it covers come after every other
    one (a settlement is paid through its instalments); each part keeps its order."""
    invoices = list(invoices)
    return ([i for i in invoices if i.invoice_id not in covered]
            + [i for i in invoices if i.invoice_id in covered])


def plan_payment(client_id: int, currency: str, amount_agorot: int, day: dt.date,
                 invoice_ids: Iterable[int] | None = None) -> list[tuple[int, int]]:
    """Where `amount_agorot` received on `day` (the day the money counts: a post-dated
    check's own date) goes: (invoice id, agorot) pairs; the rest is credit on account."""
    targets = (named_targets(client_id, currency, invoice_ids) if invoice_ids
               else unnamed_targets(client_id, currency, day))
    return plan_allocation(amount_agorot, targets, keep_order=True)


def active_allocations():
    """Allocations that still count (not reversed by a bounced check)."""
    return Allocation.reversed_date.is_null()


def open_invoices(client_id: int, currency: str, invoice_ids=None) -> list[OpenInvoice]:
    """The client's invoices in `currency` with something still open, now: every
    allocation recorded counts (a post-dated check's money is already theirs)."""
    return invoices_open_as_of(ALL_RECORDED, client_ids=[client_id], currency=currency,
                               invoice_ids=invoice_ids)
