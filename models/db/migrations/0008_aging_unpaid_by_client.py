"""Schema 8: the invoices not paid in full, in (client, currency) order, for aging. Frozen
DDL, independent of the application models on purpose.

Aging sums open amounts per client and currency. Read from `invoice_unpaid` (0005: issue
date first, for the open-invoice lists) those rows had to be sorted before they could be
grouped — on a million invoices the sort was more than half the cost of the buckets. This
partial index holds the same rows in the order the GROUP BY wants, with every column aging
reads, so the sums stream off it. It is as small as `invoice_unpaid` (only invoices with
something open now), and kept by the same writes.
"""

STATEMENTS = [
    """CREATE INDEX invoice_unpaid_client ON invoice (client_id, currency, issue_date,
            due_date, cancelled_date, amount_agorot, paid_agorot, paid_changed_date)
        WHERE paid_agorot <> amount_agorot""",
]


def up(migrator, db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
