"""A client's payment history as the prevention rules need it (models.prevention.policy):
settled and late invoices, average days late, broken promises (partly kept ones included:
models.contact.promises decides), bounced checks — as of a date."""
from __future__ import annotations

import datetime as dt

from models.contact.promises import client_promise_counts
from models.ledger.payments import Payment
from models.prevention.policy import PaymentHistory
from models.queries.statistics import client_statistics


def client_history(client_id: int, as_of: dt.date) -> PaymentHistory:
    stats = client_statistics(client_id, as_of)
    broken = client_promise_counts(as_of, client_id).broken
    bounced = (Payment.select().where((Payment.client == client_id)
                                      & (Payment.bounced_date <= as_of)).count())
    return PaymentHistory(settled_invoices=stats.settled_invoices,
                          average_days_late=stats.average_days_late,
                          late_invoices=stats.late_invoices, broken_promises=broken,
                          bounced_checks=bounced)
