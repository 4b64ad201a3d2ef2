"""Schema 10: the row that names the ledger's one writer (see models/db/writer_lock.py).

Opening a ledger for writing creates this table itself before it migrates (the claim
comes first, so two copies never migrate at once); this migration records it in the
schema with the same text, so the integrity check knows it as ours.
"""
from models.db.writer_lock import CREATE_SQL


def up(migrator, db):
    db.execute_sql(CREATE_SQL)
