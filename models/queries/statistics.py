"""A client's payment behaviour: lifetime invoiced and paid, open, average days late,
share of invoices paid late, last payment. Three statements whatever the history size."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from models.db.connection import database
from models.queries.client_list import client_summaries


@dataclass
class ClientStatistics:
    invoiced_agorot: dict[str, int] = field(default_factory=dict)  # not cancelled
    paid_agorot: dict[str, int] = field(default_factory=dict)      # received, not bounced
    open_agorot: dict[str, int] = field(default_factory=dict)      # minus credit on account
    credit_agorot: dict[str, int] = field(default_factory=dict)
    settled_invoices: int = 0
    late_invoices: int = 0
    average_days_late: float | None = None  # over settled invoices; early counts as 0
    last_payment_date: dt.date | None = None

    @property
    def share_paid_late(self) -> float | None:
        return self.late_invoices / self.settled_invoices if self.settled_invoices else None


# An invoice is settled on the date of the allocation that completed it; for a simple
# and bounded query we take its latest active allocation (the one that closed it).
_SETTLED_SQL = """
SELECT i.currency, i.amount_agorot, i.due_date,
       COALESCE(SUM(a.amount_agorot), 0), MAX(a.applied_date)
FROM invoice i LEFT JOIN allocation a ON a.invoice_id = i.id AND a.reversed_date IS NULL
WHERE i.client_id = ? AND i.cancelled_date IS NULL
GROUP BY i.id
"""

_PAYMENTS_SQL = """
SELECT currency, SUM(amount_agorot), MAX(date) FROM payment
WHERE client_id = ? AND bounced_date IS NULL GROUP BY currency
"""


def client_statistics(client_id: int, as_of: dt.date) -> ClientStatistics:
    stats = ClientStatistics()
    days_late_total = 0
    for currency, amount, due, paid, last_applied in database.execute_sql(_SETTLED_SQL, (client_id,)):
        stats.invoiced_agorot[currency] = stats.invoiced_agorot.get(currency, 0) + amount
        if paid >= amount and last_applied:
            late = (dt.date.fromisoformat(last_applied) - dt.date.fromisoformat(due)).days
            stats.settled_invoices += 1
            if late > 0:
                stats.late_invoices += 1
                days_late_total += late
    if stats.settled_invoices:
        stats.average_days_late = days_late_total / stats.settled_invoices
    for currency, received, last in database.execute_sql(_PAYMENTS_SQL, (client_id,)):
        stats.paid_agorot[currency] = received
        last_date = dt.date.fromisoformat(last)
        if stats.last_payment_date is None or last_date > stats.last_payment_date:
            stats.last_payment_date = last_date
    summary = client_summaries(as_of, client_id).get(client_id)
    if summary is not None:
        stats.open_agorot = dict(summary.open_agorot)
        stats.credit_agorot = dict(summary.credit_agorot)
    return stats
