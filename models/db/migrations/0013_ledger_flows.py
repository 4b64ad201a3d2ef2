"""Schema 13: public payers, and why a check bounced. Frozen DDL.

- client.kind gains the two payers the Payment Ethics to Suppliers law binds to a
  maximum term (models.prevention.policy): 'public_body' (a ministry, a statutory
  corporation) and 'local_authority', besides 'person' and 'company'. SQLite cannot change
  a CHECK in place, so the table is rebuilt: its own CREATE TABLE with the wider CHECK
  (every other column, constraint and the order of the columns as they are), the rows
  copied, the old table dropped, its index made again. The other tables' foreign keys
  name `client` and keep naming it: the old table is renamed away first with
  `legacy_alter_table` on, so no REFERENCES clause follows it, and the runner has turned
  foreign-key enforcement off for the migration (playhouse's SqliteMigrator). At the end
  no table may name the old one, and every client must have been copied.
- payment: why a check came back (bounce_reason: insufficient_funds, stopped,
  account_closed, signature, other; '' for a check recorded as bounced before this
  schema), a free-text note (bounce_note), and the bank fee charged to the client for it
  (bounce_fee_invoice_id: the fee line, an invoice of kind 'fee', which the ledger counts
  like any other debt).
"""

OLD_KIND_CHECK = "CHECK (kind IN ('person', 'company'))"
NEW_KIND_CHECK = "CHECK (kind IN ('person', 'company', 'public_body', 'local_authority'))"
KEPT_AWAY = "client_before_0013"

PAYMENT_STATEMENTS = [
    """ALTER TABLE payment ADD COLUMN bounce_reason TEXT NOT NULL DEFAULT ''
        CHECK (bounce_reason IN ('', 'insufficient_funds', 'stopped', 'account_closed',
                                 'signature', 'other'))""",
    "ALTER TABLE payment ADD COLUMN bounce_note TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE payment ADD COLUMN bounce_fee_invoice_id INTEGER REFERENCES invoice (id)",
]


def _rebuild_client(db) -> None:
    (create,) = db.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'client'").fetchone()
    if OLD_KIND_CHECK not in create:
        raise RuntimeError("migration 0013: the client table's kind check is not the one "
                           "schema 1 wrote")
    indexes = [sql for (sql,) in db.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'client' "
        "AND sql IS NOT NULL ORDER BY name")]
    db.execute_sql("PRAGMA legacy_alter_table = ON")
    try:
        db.execute_sql(f"ALTER TABLE client RENAME TO {KEPT_AWAY}")
        db.execute_sql(create.replace(OLD_KIND_CHECK, NEW_KIND_CHECK))
        db.execute_sql(f"INSERT INTO client SELECT * FROM {KEPT_AWAY}")
        (old_rows,) = db.execute_sql(f"SELECT count(*) FROM {KEPT_AWAY}").fetchone()
        db.execute_sql(f"DROP TABLE {KEPT_AWAY}")
    finally:
        db.execute_sql("PRAGMA legacy_alter_table = OFF")
    for sql in indexes:
        db.execute_sql(sql)
    (new_rows,) = db.execute_sql("SELECT count(*) FROM client").fetchone()
    (naming_old,) = db.execute_sql("SELECT count(*) FROM sqlite_master WHERE sql LIKE ?",
                                   (f"%{KEPT_AWAY}%",)).fetchone()
    if new_rows != old_rows or naming_old:
        raise RuntimeError("migration 0013: the client table was not rebuilt whole")


def up(migrator, db):
    _rebuild_client(db)
    for sql in PAYMENT_STATEMENTS:
        db.execute_sql(sql)
