"""Bulk writes on a PostgreSQL ledger: PostgreSQL's side of models/db/bulk.py (see there),
and the identity sequences after rows were written with their ids given.

- `transaction`: one bulk writer at a time, as SQLite's IMMEDIATE transaction: the tables
  written are locked EXCLUSIVE (others read on; their writes wait for the commit);
- `insert_many`: rows through COPY, the fastest way into the server;
- `reset_identities`: a table's identity sequence moved past its largest id, so the next
  row added the ordinary way gets a new one (the import, the demo and the migration tool
  give ids themselves).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import peewee
import psycopg
from psycopg import sql

from models.db.postgres import faults

_RESET_IDENTITY = ("SELECT setval(pg_get_serial_sequence({table}, 'id'), "
                   "COALESCE(MAX(id), 0) + 1, false) FROM {name}")


def reset_identities(db, tables: Iterable[str]) -> None:
    """Each table's `id` sequence set so that its next value is MAX(id) + 1 (1 when the
    table is empty). `db` is an OfficeDatabase or a psycopg connection."""
    for table in tables:
        statement = sql.SQL(_RESET_IDENTITY).format(table=sql.Literal(table),
                                                    name=sql.Identifier(table))
        _raw(db).execute(statement)


def analyze(db, tables: Iterable[str]) -> None:
    """The planner's statistics of `tables` taken anew, this transaction's rows counted:
    after a bulk load its guesses would be those of the tables before (a table this role
    may not analyze is left as it is, with the server's warning)."""
    names = sql.SQL(", ").join(map(sql.Identifier, tables))
    _run(lambda: _raw(db).execute(sql.SQL("ANALYZE {}").format(names)))


def _raw(db) -> psycopg.Connection:
    return db if isinstance(db, psycopg.Connection) else db.connection()


@contextmanager
def transaction(database, tables: Sequence[str]) -> Iterator[None]:
    """A transaction in which no one else writes `tables` (they still read them)."""
    with database.atomic():
        names = sql.SQL(", ").join(map(sql.Identifier, tables))
        _run(lambda: _raw(database).execute(
            sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(names)))
        yield


def insert_many(database, table: str, columns: Sequence[str],
                batches: Iterable[list[tuple]], progress=None) -> None:
    """The rows of `batches` (lists of tuples in `columns`' order) COPied into `table`;
    `progress(count)` after each batch."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns)))

    def copy() -> None:
        with _raw(database).cursor() as cursor, cursor.copy(statement) as pipe:
            for batch in batches:
                for row in batch:
                    pipe.write_row(row)
                if progress is not None:
                    progress(len(batch))
    _run(copy)


def _run(work) -> None:
    """`work()`, a psycopg error raised as peewee's would be through execute_sql: a
    constraint as peewee.IntegrityError, a lost server or a refusal under its name."""
    try:
        work()
    except psycopg.Error as exc:
        fault = faults.named(exc)
        if fault is not exc:
            raise fault from exc
        if isinstance(exc, psycopg.IntegrityError):
            raise peewee.IntegrityError(str(exc).strip().splitlines()[0]) from exc
        raise
