"""Invoices / payment demands, and credit notes."""
from __future__ import annotations

import peewee as pw

from models.db.connection import BaseModel
from models.ledger.clients import Client

INVOICE_KINDS = {
    "invoice": "חשבונית מס",
    "demand": "חשבון עסקה",
    "receipt_invoice": "חשבונית מס קבלה",
}


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
