"""Schema 11: what happened to a signed settlement after it was signed — a breach, and the
user's decision to reinstate it. Frozen DDL.

Whether a settlement is breached as of a date is computed from its schedule, the money
received and these rows (models.negotiation.settlement_status): a breach stays a breach
until a 'reinstated' row (dated, with its reason) says the user put the settlement back in
force; a late payment alone does not. A 'breach' row records that the breach found on
`event_date` was written to the contact log (`contact_log_id`), so it is written once.
The rows are evidence: never changed, never deleted, only for a signed settlement.
"""

_ABORT = "SELECT RAISE(ABORT, '{}');"

STATEMENTS = [
    """CREATE TABLE settlement_event (
        id INTEGER PRIMARY KEY,
        settlement_id INTEGER NOT NULL REFERENCES settlement (id),
        kind TEXT NOT NULL CHECK (kind IN ('breach', 'reinstated')),
        event_date DATE NOT NULL,
        line_seq INTEGER,
        reason TEXT NOT NULL DEFAULT '',
        contact_log_id INTEGER REFERENCES contact_log (id),
        recorded_at TEXT NOT NULL)""",
    "CREATE INDEX settlement_event_settlement ON settlement_event (settlement_id, event_date)",
    f"""CREATE TRIGGER settlement_event_no_update BEFORE UPDATE ON settlement_event
        BEGIN {_ABORT.format('settlement_event rows are evidence and never change')} END""",
    f"""CREATE TRIGGER settlement_event_no_delete BEFORE DELETE ON settlement_event
        BEGIN {_ABORT.format('settlement_event rows are never deleted')} END""",
    f"""CREATE TRIGGER settlement_event_no_replace BEFORE INSERT ON settlement_event
        WHEN EXISTS (SELECT 1 FROM settlement_event WHERE id = NEW.id)
        BEGIN {_ABORT.format('settlement_event: a saved row cannot be replaced')} END""",
    f"""CREATE TRIGGER settlement_event_signed_only BEFORE INSERT ON settlement_event
        WHEN (SELECT status FROM settlement WHERE id = NEW.settlement_id) IS NOT 'signed'
        BEGIN {_ABORT.format('settlement_event: only a signed settlement has events')} END""",
]


def up(migrator, db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
