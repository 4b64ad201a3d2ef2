"""Payments and their allocation to invoices."""
from __future__ import annotations

import datetime as dt

import peewee as pw

from models.common.i18n import N_, Labels
from models.db.authors import author
from models.db.connection import BaseModel
from models.ledger.clients import Client
from models.ledger.invoices import CreditNote, Invoice

# The names are msgids, translated on lookup (Labels): a screen reads them in the interface
# language, a letter or a document in Hebrew (reports.hebrew.in_hebrew).
PAYMENT_METHODS = Labels({
    "transfer": N_("Bank transfer"),
    "check": N_("Check"),
    "card": N_("Credit card"),
    "cash": N_("Cash"),
    "bit": N_("Bit"),
    "other": N_("Other"),
})


# Why a check came back, as the bank's return slip says (the contact log entry for the
# bounce and the fee line name it).
BOUNCE_REASONS = Labels({
    "insufficient_funds": N_("Insufficient funds"),
    "stopped": N_("Payment stopped by the drawer"),
    "account_closed": N_("Account closed or restricted"),
    "signature": N_("Signature missing or does not match"),
    "other": N_("Other reason"),
})


def money_counts_from(payment_date: dt.date, check_date: dt.date | None) -> dt.date:
    """When money counts: a post-dated check only from its own date."""
    if check_date and check_date > payment_date:
        return check_date
    return payment_date


class Payment(BaseModel):
    client = pw.ForeignKeyField(Client, backref="payments")
    date = pw.DateField()
    amount_agorot = pw.IntegerField()
    currency = pw.TextField(default="ILS")
    method = pw.TextField(default="transfer")
    reference = pw.TextField(null=True, unique=True)
    check_number = pw.TextField(default="")
    check_bank = pw.TextField(default="")
    check_branch = pw.TextField(default="")
    check_date = pw.DateField(null=True)  # a post-dated check's own date
    bounced_date = pw.DateField(null=True)
    bounce_reason = pw.TextField(default="")  # a BOUNCE_REASONS code once it bounced
    bounce_note = pw.TextField(default="")
    bounce_fee_invoice = pw.ForeignKeyField(Invoice, null=True, backref="bounce_fee_of")
    notes = pw.TextField(default="")
    created_at = pw.TextField()
    created_by = pw.TextField(default=author)  # who recorded it (migration 0014)

    @property
    def effective_date(self) -> dt.date:
        """When the money counts: a post-dated check only from its own date."""
        return money_counts_from(self.date, self.check_date)


class Allocation(BaseModel):
    """Part of a payment (or credit note) applied to one invoice.

    A bounced check keeps its allocations with `reversed_date` set, so aging as of an
    earlier date still sees the money that was there then.
    """
    invoice = pw.ForeignKeyField(Invoice, backref="allocations")
    payment = pw.ForeignKeyField(Payment, null=True, backref="allocations")
    credit_note = pw.ForeignKeyField(CreditNote, null=True, backref="allocations")
    amount_agorot = pw.IntegerField()
    applied_date = pw.DateField()
    reversed_date = pw.DateField(null=True)
