"""Invoices / payment demands and fee lines, credit notes, and the words for an
invoice's state."""
from __future__ import annotations

import datetime as dt

import peewee as pw

from models.common.i18n import N_, _
from models.db.authors import author
from models.db.connection import BaseModel, FlagField
from models.ledger.clients import Client, Labels

INVOICE_KINDS = Labels({
    "invoice": N_("Tax invoice"),
    "demand": N_("Payment demand"),
    "receipt_invoice": N_("Tax invoice / receipt"),
    # A charge added to the client's debt, such as the bank's fee for a bounced check
    # (services.bounce_payment writes one): owed, aged and dunned like any invoice.
    "fee": N_("Fee charge"),
})
FEE_KIND = "fee"

# What an invoice is as of a date (models.queries.client_list.InvoiceLine.state): the
# invoices screen filters by these codes, and every screen names a state by
# invoice_state_text.
INVOICE_STATES = Labels({
    "open": N_("Awaiting payment"),
    "overdue": N_("Overdue"),
    "pending": N_("Pending a post-dated check"),
    "disputed": N_("Disputed"),
    "paid": N_("Fully paid"),
    "cancelled": N_("Cancelled"),
})


def invoice_state_text(state: str, pending_until: dt.date | None = None) -> str:
    """An invoice's state in words, the same on every screen: one that checks in hand
    will pay (models.ledger.open_as_of.PENDING_ON_CHECKS) is "Pending until DD/MM", the
    latest date on those checks."""
    if state == "pending" and pending_until is not None:
        return _("Pending until {date}").format(date=pending_until.strftime("%d/%m"))
    return INVOICE_STATES.get(state, state)


class Invoice(BaseModel):
    number = pw.TextField()
    number_key = pw.TextField(unique=True)
    client = pw.ForeignKeyField(Client, backref="invoices")
    kind = pw.TextField(default="invoice")
    issue_date = pw.DateField()
    due_date = pw.DateField()
    is_due_date_fixed = FlagField(default=False)
    amount_agorot = pw.IntegerField()
    currency = pw.TextField(default="ILS")
    description = pw.TextField(default="")
    is_disputed = FlagField(default=False)
    cancelled_date = pw.DateField(null=True)
    created_at = pw.TextField()
    created_by = pw.TextField(default=author)  # who recorded it (migration 0014)


class CreditNote(BaseModel):
    number = pw.TextField()
    number_key = pw.TextField(unique=True)
    client = pw.ForeignKeyField(Client, backref="credit_notes")
    invoice = pw.ForeignKeyField(Invoice, null=True, backref="credit_notes")
    date = pw.DateField()
    amount_agorot = pw.IntegerField()
    currency = pw.TextField(default="ILS")
    reason = pw.TextField(default="")
    created_at = pw.TextField()
    created_by = pw.TextField(default=author)  # who recorded it (migration 0014)
