"""Schema 3: covering indexes for aging. Frozen DDL, independent of the application models.

Aging reads every invoice and every payment. With these two indexes (the old ones widened,
same names, same leading columns, so every query that used them still can) it walks each
once in (client, currency) order and never touches the tables: no sort, no table lookups.
Allocations are read the same way through `allocation_open` (migration 0004).
Measured on 1M invoices: tests/bench/bench_aging.py.
"""

STATEMENTS = [
    "DROP INDEX invoice_client_currency",
    """CREATE INDEX invoice_client_currency
        ON invoice (client_id, currency, due_date, issue_date, cancelled_date, amount_agorot)""",
    "DROP INDEX payment_client_currency",
    """CREATE INDEX payment_client_currency
        ON payment (client_id, currency, date, check_date, bounced_date, amount_agorot)""",
]


def up(migrator, db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
