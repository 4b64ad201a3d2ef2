"""Invoices / payment demands, and credit notes."""
from __future__ import annotations

import peewee as pw

from models.common.i18n import N_
from models.db.connection import BaseModel
from models.ledger.clients import Client, Labels

INVOICE_KINDS = Labels({
    "invoice": N_("Tax invoice"),
    "demand": N_("Payment demand"),
    "receipt_invoice": N_("Tax invoice / receipt"),
})


class Invoice(BaseModel):
    number = pw.TextField()
    number_key = pw.TextField(unique=True)
    client = pw.ForeignKeyField(Client, backref="invoices")
    kind = pw.TextField(default="invoice")
    issue_date = pw.DateField()
    due_date = pw.DateField()
    is_due_date_fixed = pw.BooleanField(default=False)
    amount_agorot = pw.IntegerField()
    currency = pw.TextField(default="ILS")
    description = pw.TextField(default="")
    is_disputed = pw.BooleanField(default=False)
    cancelled_date = pw.DateField(null=True)
    created_at = pw.TextField()


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
