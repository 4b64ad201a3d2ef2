"""Where an import keeps what it is going to write: temporary tables of its connection.

A million planned payments held as Python objects take well over a gigabyte; as rows of
SQLite temporary tables (SQLite's page cache and a temporary file, outside the ledger)
they take a few dozen megabytes, and writing them is an INSERT … SELECT per chunk.

The tables are made inside the import's transaction: a refused or cancelled import takes
them away with its rollback, a finished one drops them before it commits. New rows refer
to each other by provisional ids: existing rows by their positive id, new ones by the
negative of their position in their table (-1, -2, …), turned into real ids when written.
"""
from __future__ import annotations

import sqlite3
from typing import Iterable

CHUNK = 2000  # rows per executemany and per IN-list: well under SQLite's variable limit

_PREFIX = "gvia_import_"
# Columns of each plan table; the first, `ref`, is the row's position in its table.
_COLUMNS = {
    "client": ("external_id", "name", "search_key", "kind", "tax_id", "email", "phone",
               "address", "city", "zip", "terms", "notes"),
    "invoice": ("client_ref", "number", "number_key", "kind", "issue_date", "due_date",
                "is_due_date_fixed", "amount_agorot", "currency", "description"),
    "payment": ("client_ref", "date", "amount_agorot", "currency", "method", "reference",
                "check_number", "check_date", "invoice_ref"),
    "allocation": ("invoice_ref", "payment_ref", "amount_agorot", "applied_date"),
}
# The first line of every key met in a file: duplicates found within a file of any size.
_KEY_TABLE = "(kind, key, line, PRIMARY KEY (kind, key)) WITHOUT ROWID"
# A payments file names the invoices of the same import by number.
_INDEXES = ("CREATE INDEX temp.{p}invoice_number_key ON {p}invoice (number_key)",)


def plan_table(name: str) -> str:
    """The SQL name of a plan table, for the statements that read it."""
    return f"temp.{_PREFIX}{name}"


class PlanStore:
    """Rows to be written, appended a chunk at a time; `count` of each table."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.counts = dict.fromkeys(_COLUMNS, 0)
        self._pending: dict[str, list[tuple]] = {name: [] for name in _COLUMNS}
        self._inserts = {}
        for name, columns in _COLUMNS.items():
            self._create(name, f"(ref INTEGER PRIMARY KEY, {', '.join(columns)})")
            self._inserts[name] = (f"INSERT INTO {plan_table(name)} "
                                   f"VALUES ({', '.join('?' * (len(columns) + 1))})")
        self._create("key", _KEY_TABLE)
        for sql in _INDEXES:
            conn.execute(sql.format(p=_PREFIX))

    def _create(self, name: str, definition: str) -> None:
        self.conn.execute(f"DROP TABLE IF EXISTS {plan_table(name)}")
        self.conn.execute(f"CREATE TEMP TABLE {_PREFIX}{name} {definition}")

    def add(self, name: str, row: tuple) -> int:
        """Append `row` to table `name`; returns its position (1, 2, …)."""
        ref = self.counts[name] = self.counts[name] + 1
        pending = self._pending[name]
        pending.append((ref, *row))
        if len(pending) >= CHUNK:
            self.flush(name)
        return ref

    def flush(self, name: str | None = None) -> None:
        for table in (name,) if name else _COLUMNS:
            pending = self._pending[table]
            if pending:
                self.conn.executemany(self._inserts[table], pending)
                pending.clear()

    def query(self, sql: str, params: Iterable = ()) -> sqlite3.Cursor:
        """Rows of `sql` (which names tables through `plan_table`), everything flushed."""
        self.flush()
        return self.conn.execute(sql, tuple(params))

    def drop(self) -> None:
        for name in (*_COLUMNS, "key"):
            self.conn.execute(f"DROP TABLE IF EXISTS {plan_table(name)}")


class KeyLines:
    """The line where each key of one file first appeared, for a chunk of rows at a
    time: `prepare` the chunk's keys, ask `first_line` / `note` row by row, `flush`."""

    def __init__(self, store: PlanStore, kind: str):
        self.store = store
        self.kind = kind
        self.earlier: dict[str, int] = {}
        self.new: dict[str, int] = {}

    def prepare(self, keys: Iterable[str]) -> None:
        self.flush()
        wanted = list({k for k in keys if k})
        self.earlier = {}
        for start in range(0, len(wanted), CHUNK):
            part = wanted[start:start + CHUNK]
            self.earlier.update(self.store.conn.execute(
                f"SELECT key, line FROM {plan_table('key')} WHERE kind = ? AND key IN "
                f"({', '.join('?' * len(part))})", (self.kind, *part)))

    def first_line(self, key: str) -> int | None:
        line = self.earlier.get(key)
        return line if line is not None else self.new.get(key)

    def note(self, key: str, line: int) -> None:
        """Remember `key` at `line` unless it was met before."""
        if key and key not in self.earlier:
            self.new.setdefault(key, line)

    def flush(self) -> None:
        if self.new:
            self.store.conn.executemany(
                f"INSERT INTO {plan_table('key')} VALUES (?, ?, ?)",
                ((self.kind, key, line) for key, line in self.new.items()))
            self.new = {}
