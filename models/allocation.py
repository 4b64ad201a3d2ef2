"""Allocation of a payment to open invoices (DESIGN.md, "Allocation"), and open amounts."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from models.invoices import Invoice
from models.payments import Allocation
from models.text import document_number_key


@dataclass(frozen=True)
class OpenInvoice:
    id: int
    number: str
    issue_date: dt.date
    due_date: dt.date
    open_agorot: int


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
            plan.append((inv.id, take))
            left -= take
    return plan


def active_allocations():
    """Allocations that still count (not reversed by a bounced check)."""
    return Allocation.reversed_date.is_null()


def open_invoices(client_id: int, currency: str, invoice_ids=None) -> list[OpenInvoice]:
    """The client's invoices in `currency` with something still open, now."""
    applied = (Allocation
               .select(Allocation.invoice, pw.fn.SUM(Allocation.amount_agorot).alias("paid"))
               .join(Invoice)
               .where(active_allocations() & (Invoice.client == client_id)
                      & (Invoice.currency == currency))
               .group_by(Allocation.invoice))
    query = (Invoice
             .select(Invoice.id, Invoice.number, Invoice.issue_date, Invoice.due_date,
                     (Invoice.amount_agorot - pw.fn.COALESCE(applied.c.paid, 0)).alias("open"))
             .join(applied, pw.JOIN.LEFT_OUTER, on=(applied.c.invoice_id == Invoice.id))
             .where((Invoice.client == client_id) & (Invoice.currency == currency)
                    & Invoice.cancelled_date.is_null()))
    if invoice_ids is not None:
        query = query.where(Invoice.id.in_(list(invoice_ids)))
    return [OpenInvoice(r.id, r.number, r.issue_date, r.due_date, r.open)
            for r in query.objects() if r.open > 0]
