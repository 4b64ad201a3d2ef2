"""Schema 6: deposit requests (מקדמות) tied to a job or quote. Frozen DDL.

A request moves requested → received (a payment recorded and kept as credit on account)
→ applied (allocated to the job's invoice), or requested → cancelled. The row keeps the
payment and the invoice it was matched with, so the story of the deposit can be told.
"""

STATEMENTS = [
    """CREATE TABLE deposit_request (
        id INTEGER PRIMARY KEY,
        client_id INTEGER NOT NULL REFERENCES client (id),
        description TEXT NOT NULL,
        job_amount_agorot INTEGER CHECK (job_amount_agorot IS NULL OR job_amount_agorot > 0),
        amount_agorot INTEGER NOT NULL CHECK (amount_agorot > 0),
        currency TEXT NOT NULL DEFAULT 'ILS',
        requested_date DATE NOT NULL,
        due_date DATE NOT NULL,
        status TEXT NOT NULL DEFAULT 'requested'
            CHECK (status IN ('requested', 'received', 'applied', 'cancelled')),
        payment_id INTEGER REFERENCES payment (id),
        invoice_id INTEGER REFERENCES invoice (id),
        received_date DATE,
        applied_date DATE,
        cancelled_date DATE,
        created_at TEXT NOT NULL,
        CHECK (due_date >= requested_date))""",
    "CREATE INDEX deposit_request_client ON deposit_request (client_id, requested_date)",
    # Today and the letters read the open requests by due date.
    """CREATE INDEX deposit_request_open ON deposit_request (due_date)
        WHERE status = 'requested'""",
]


def up(migrator, db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
