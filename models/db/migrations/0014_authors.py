"""Schema 14: who made each row of evidence and money. Frozen DDL.

Every contact-log entry, promise, status change, letter, invoice, credit note, payment,
settlement and settlement event names the person who recorded it (`created_by`). On a
shared ledger (PostgreSQL) the server writes it: a trigger sets it to the signed-in role
whatever the client sent, so no one records in another's name (models/db/postgres/
schema.py). On SQLite, one person's file, the program writes the computer's login name
(models.db.authors). Rows made before this schema keep '' (not known).

ALTER TABLE ADD COLUMN is not an UPDATE: the append-only triggers let it pass, and the
rows already recorded are not touched.
"""

AUTHORED_TABLES = ("contact_log", "promise", "client_status_change", "letter", "invoice",
                   "credit_note", "payment", "settlement", "settlement_event")

STATEMENTS = [f"ALTER TABLE {table} ADD COLUMN created_by TEXT NOT NULL DEFAULT ''"
              for table in AUTHORED_TABLES]


def up(migrator, db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
