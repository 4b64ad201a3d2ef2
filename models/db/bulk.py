"""Bulk writes (the import, the demo): many rows in one transaction, on either engine.

`current()` gives the open ledger's side: SQLite's here, PostgreSQL's in models/db/
postgres/bulk.py. Both have
- `transaction(tables)`: the bulk write's one transaction, no other writer meanwhile
  (SQLite: IMMEDIATE; PostgreSQL: the tables locked EXCLUSIVE, readers read on);
- `execute(sql, params)`: a statement in the shared dialect (SQLite's marks), at the
  engine's own speed (SQLite: sqlite3 itself, skipping peewee's per-statement work);
- `insert_many(table, columns, batches, progress)`: rows as they are (executemany; COPY);
- `finish(tables)`: after the rows (some with their ids given): PostgreSQL moves the
  identity sequences past the largest ids and takes the planner's statistics anew;
- `paid_columns_set_based(since_id)`: allocations inserted inside it set the invoices'
  paid columns at the end, in one statement, not one trigger call per row (SQLite; on
  PostgreSQL the trigger is one per statement already);
- `without_secondary_indexes(tables)`: the tables' own indexes built again at the end,
  from sorted rows (SQLite; PostgreSQL keeps them as it goes).
`INTEGRITY_ERRORS`: what a broken constraint raises, whichever path wrote.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import peewee
import psycopg

from models.db import dialect
from models.db.connection import database

INTEGRITY_ERRORS = (peewee.IntegrityError, sqlite3.IntegrityError, psycopg.IntegrityError)


def _connection() -> sqlite3.Connection:
    return database.obj.connection()


class SqliteBulk:
    @staticmethod
    def transaction(tables: Sequence[str]):
        return database.atomic(lock_type="IMMEDIATE")

    @staticmethod
    def execute(sql: str, params=()):
        return _connection().execute(sql, params)

    @staticmethod
    def insert_many(table: str, columns: Sequence[str], batches: Iterable[list[tuple]],
                    progress=None) -> None:
        sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
               f"VALUES ({', '.join('?' * len(columns))})")
        conn = _connection()
        for batch in batches:
            conn.executemany(sql, batch)
            if progress is not None:
                progress(len(batch))

    @staticmethod
    def finish(tables: Iterable[str]) -> None:
        """Nothing to do: SQLite's next id is always past the largest, and its planner
        reads no statistics the writes made stale (Gvia never runs SQLite's ANALYZE)."""

    @staticmethod
    @contextmanager
    def paid_columns_set_based() -> Iterator[None]:
        """Migration 0005's trigger `allocation_paid_new` keeps invoice.paid_agorot and
        paid_changed_date one allocation at a time: ~2 s of a 100,000-payment import.
        Inside this, it is dropped (in the caller's transaction); on leaving, the
        invoices the new allocations touch get the same sums and dates in one statement
        and the trigger is made again from the definition the schema holds (sqlite_master:
        exactly what the migrations made). A failure rolls the drop back with the rest."""
        conn = _connection()
        (trigger_sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                      "AND name = ?", (_PAID_TRIGGER,)).fetchone()
        last_id = conn.execute("SELECT COALESCE(MAX(id), 0) FROM allocation").fetchone()[0]
        conn.execute(f"DROP TRIGGER {_PAID_TRIGGER}")
        try:
            yield
            conn.execute(_ADD_PAID_SQL, (last_id,))
        finally:
            conn.execute(trigger_sql)

    @staticmethod
    @contextmanager
    def without_secondary_indexes(tables: Sequence[str]) -> Iterator[None]:
        """Building an index from a million sorted rows is several times faster than
        growing it one random row at a time: the tables' own indexes are dropped inside
        and made again from their stored statements on leaving (not after a failure:
        the caller's rollback brings them back)."""
        conn = _connection()
        marks = ", ".join("?" * len(tables))
        indexes = conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                               f"AND sql IS NOT NULL AND tbl_name IN ({marks})",
                               list(tables)).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        yield
        for _, create in indexes:
            conn.execute(create)


_PAID_TRIGGER = "allocation_paid_new"
_ADD_PAID_SQL = """
UPDATE invoice SET paid_agorot = paid_agorot + added.paid,
       paid_changed_date = MAX(COALESCE(paid_changed_date, ''), added.changed)
FROM (SELECT invoice_id,
             SUM(CASE WHEN reversed_date IS NULL THEN amount_agorot ELSE 0 END) AS paid,
             MAX(MAX(applied_date), COALESCE(MAX(reversed_date), '')) AS changed
      FROM allocation WHERE id > ? GROUP BY invoice_id) AS added
WHERE invoice.id = added.invoice_id"""


class PostgresBulk:
    """PostgreSQL's side (the work itself: models/db/postgres/bulk.py)."""

    @staticmethod
    def transaction(tables: Sequence[str]):
        from models.db.postgres import bulk

        return bulk.transaction(database, tables)

    @staticmethod
    def execute(sql: str, params=()):
        return database.execute_sql(sql, params)

    @staticmethod
    def insert_many(table: str, columns: Sequence[str], batches: Iterable[list[tuple]],
                    progress=None) -> None:
        from models.db.postgres import bulk

        bulk.insert_many(database, table, columns, batches, progress)

    @staticmethod
    def finish(tables: Iterable[str]) -> None:
        from models.db.postgres import bulk

        tables = list(tables)
        bulk.reset_identities(database, tables)
        bulk.analyze(database, tables)

    @staticmethod
    @contextmanager
    def paid_columns_set_based() -> Iterator[None]:
        yield  # the server's trigger does it once per statement (models/db/postgres/schema.py)

    @staticmethod
    @contextmanager
    def without_secondary_indexes(tables: Sequence[str]) -> Iterator[None]:
        yield  # dropping an index takes the table from every reader: not on a shared ledger


def current():
    """The bulk writer of the open ledger's engine."""
    return PostgresBulk if dialect.is_office() else SqliteBulk
