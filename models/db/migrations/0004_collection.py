"""Schema 4: the collection workflow — contact log (with attachments), promises to pay,
client status history. Frozen DDL, independent of the application models on purpose.

The log, its attachments, the promises and the status history are evidence: triggers
refuse every UPDATE and DELETE, so not even a raw SQL tool can rewrite what was recorded.
A correction is a new log row whose `corrects_id` points at the row it corrects.
"""

APPEND_ONLY_TABLES = ("contact_log", "contact_attachment", "promise", "client_status_change")

STATEMENTS = [
    """CREATE TABLE contact_log (
        id INTEGER PRIMARY KEY,
        client_id INTEGER NOT NULL REFERENCES client (id),
        occurred_at TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN
            ('phone', 'meeting', 'email', 'letter', 'fax', 'sms', 'whatsapp', 'other')),
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        contact_person_id INTEGER REFERENCES contact_person (id),
        contact_name TEXT NOT NULL DEFAULT '',
        summary TEXT NOT NULL DEFAULT '',
        open_questions TEXT NOT NULL DEFAULT '',
        tactics TEXT NOT NULL DEFAULT '',
        tactics_note TEXT NOT NULL DEFAULT '',
        minutes INTEGER NOT NULL DEFAULT 0 CHECK (minutes >= 0),
        follow_up_date DATE,
        action TEXT,
        corrects_id INTEGER REFERENCES contact_log (id))""",
    "CREATE INDEX contact_log_client ON contact_log (client_id, occurred_at)",
    "CREATE INDEX contact_log_action ON contact_log (action, client_id) WHERE action IS NOT NULL",
    """CREATE INDEX contact_log_follow_up ON contact_log (follow_up_date)
        WHERE follow_up_date IS NOT NULL""",
    """CREATE TABLE contact_attachment (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL REFERENCES contact_log (id),
        original_name TEXT NOT NULL,
        stored_path TEXT NOT NULL UNIQUE,
        size_bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL)""",
    "CREATE INDEX contact_attachment_entry ON contact_attachment (entry_id)",
    """CREATE TABLE promise (
        id INTEGER PRIMARY KEY,
        client_id INTEGER NOT NULL REFERENCES client (id),
        entry_id INTEGER NOT NULL REFERENCES contact_log (id),
        made_date DATE NOT NULL,
        promised_date DATE NOT NULL,
        amount_agorot INTEGER NOT NULL CHECK (amount_agorot > 0),
        currency TEXT NOT NULL DEFAULT 'ILS',
        CHECK (promised_date >= made_date))""",
    "CREATE INDEX promise_client ON promise (client_id, promised_date)",
    "CREATE INDEX promise_date ON promise (promised_date)",
    """CREATE TABLE client_status_change (
        id INTEGER PRIMARY KEY,
        client_id INTEGER NOT NULL REFERENCES client (id),
        entry_id INTEGER NOT NULL REFERENCES contact_log (id),
        changed_date DATE NOT NULL,
        old_status TEXT NOT NULL,
        new_status TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX client_status_change_client ON client_status_change (client_id, changed_date)",
    # Today's "checks to deposit" and the dunning plan's "checks in hand" read post-dated
    # checks by their date; the overdue trend reads cancellations by date.
    "CREATE INDEX payment_post_dated ON payment (check_date) WHERE check_date IS NOT NULL",
    "CREATE INDEX invoice_cancelled ON invoice (cancelled_date) WHERE cancelled_date IS NOT NULL",
    # Open amounts as of a date (Today, dunning, aging) read every invoice's allocations:
    # from this index alone, in invoice order, instead of a random walk over the table.
    """CREATE INDEX allocation_open
        ON allocation (invoice_id, applied_date, reversed_date, amount_agorot)""",
]

for _table in APPEND_ONLY_TABLES:
    STATEMENTS += [
        f"""CREATE TRIGGER {_table}_no_update BEFORE UPDATE ON {_table}
            BEGIN SELECT RAISE(ABORT, 'append-only: {_table} rows cannot be changed'); END""",
        f"""CREATE TRIGGER {_table}_no_delete BEFORE DELETE ON {_table}
            BEGIN SELECT RAISE(ABORT, 'append-only: {_table} rows cannot be deleted'); END""",
    ]


def up(migrator, db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
