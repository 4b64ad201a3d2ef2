"""Where an import keeps what it is going to write: temporary tables of its connection.

A million planned payments held as Python objects take well over a gigabyte; as rows of
SQLite temporary tables (SQLite's page cache and a temporary file, outside the ledger)
they take a few dozen megabytes, and writing them is an INSERT … SELECT per chunk.

The tables are made inside the import's transaction: a refused or cancelled import takes
them away with its rollback, a finished one drops them before it commits. New rows refer
to each other by provisional ids: existing rows by their positive id, new ones by the
negative of their position in their table (-1, -2, …), turned into real ids when written.

Everything goes through the database's own `execute_sql` (its faults named, a damaged
ledger refused); rows are appended with one multi-row INSERT per few hundred rows, which
is as fast as executemany.
"""
from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from models.db import dialect

CHUNK = 2000  # rows buffered per table, and keys per IN-list
VALUES_PER_STATEMENT = 12_000  # bound variables of one INSERT: under SQLite's 32,766

KINDS = ("clients", "invoices", "payments")  # the files of an import, in import order
PLAN_TABLE = {"clients": "client", "invoices": "invoice", "payments": "payment"}

_PREFIX = "gvia_import_"


def _typed(names: str, type_: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, type_) for name in names.split())


# Columns of each plan table, typed as the ledger's own columns are (the values stay as
# given on SQLite; PostgreSQL needs the types to write them into the ledger's columns);
# the first column, `ref`, is the row's position in its table.
_TEXT, _INT, _DATE = "TEXT", "BIGINT", "DATE"
_COLUMNS = {
    "client": _typed("external_id name search_key kind tax_id email phone address city zip "
                     "terms notes country letter_language gender salutation", _TEXT),
    "invoice": (("client_ref", _INT), *_typed("number number_key kind", _TEXT),
                *_typed("issue_date due_date", _DATE),
                *_typed("is_due_date_fixed amount_agorot", _INT),
                *_typed("currency description", _TEXT)),
    "payment": (("client_ref", _INT), ("date", _DATE), ("amount_agorot", _INT),
                *_typed("currency method reference check_number", _TEXT),
                ("check_date", _DATE), ("invoice_ref", _INT)),
    "allocation": (*_typed("invoice_ref payment_ref amount_agorot", _INT),
                   ("applied_date", _DATE)),
}
# The first line of every key met in a file: duplicates found within a file of any size.
_KEY_TABLE = "(kind TEXT, key TEXT, line BIGINT, PRIMARY KEY (kind, key)) {without_rowid}"
# A payments file names the invoices of the same import by number.
_INDEXES = ("CREATE INDEX {p}invoice_number_key ON {p}invoice (number_key)",)


def plan_table(name: str) -> str:
    """The SQL name of a plan table, for the statements that read it. Unqualified: a
    temporary table comes first on both engines (and no ledger table has the prefix)."""
    return f"{_PREFIX}{name}"


class PlanStore:
    """Rows to be written, appended a chunk at a time; `count` of each table. `db` is the
    peewee database (its `execute_sql`)."""

    def __init__(self, db):
        self.db = db
        self.counts = dict.fromkeys(_COLUMNS, 0)
        self._pending: dict[str, list[tuple]] = {name: [] for name in _COLUMNS}
        for name, columns in _COLUMNS.items():
            typed = ", ".join(f"{column} {type_}" for column, type_ in columns)
            self._create(name, f"(ref INTEGER PRIMARY KEY, {typed})")
        self._create("key", _KEY_TABLE.format(without_rowid=dialect.current().without_rowid()))
        for sql in _INDEXES:
            self.execute(sql.format(p=_PREFIX))

    def _create(self, name: str, definition: str) -> None:
        self.execute(f"DROP TABLE IF EXISTS {plan_table(name)}")
        self.execute(f"CREATE TEMP TABLE {_PREFIX}{name} {definition}")

    def execute(self, sql: str, params: Iterable = ()):
        return self.db.execute_sql(sql, tuple(params))

    def insert_rows(self, table: str, rows: list[tuple]) -> None:
        """INSERT `rows` (tuples of one width) into `table`, many rows per statement."""
        if not rows:
            return
        width = len(rows[0])
        per_statement = max(1, VALUES_PER_STATEMENT // width)
        one = f"({', '.join('?' * width)})"
        for start in range(0, len(rows), per_statement):
            part = rows[start:start + per_statement]
            self.execute(f"INSERT INTO {table} VALUES {', '.join([one] * len(part))}",
                         itertools.chain.from_iterable(part))

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
                self.insert_rows(plan_table(table), pending)
                pending.clear()

    def query(self, sql: str, params: Iterable = ()):
        """A cursor over the rows of `sql` (which names tables through `plan_table`),
        everything flushed first."""
        self.flush()
        return self.execute(sql, params)

    def drop(self) -> None:
        for name in (*_COLUMNS, "key"):
            self.execute(f"DROP TABLE IF EXISTS {plan_table(name)}")


@dataclass
class ImportPlan:
    """What an import would write: the rows in `store`'s temporary tables, the rows found
    already in the ledger (`skipped`, by kind), the money left as credit (by currency)."""
    store: PlanStore
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    credit_agorot: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def added(self) -> dict[str, int]:
        return {kind: self.store.counts[PLAN_TABLE[kind]] for kind in KINDS}


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
            self.earlier.update(self.store.execute(
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
            self.store.insert_rows(plan_table("key"), [
                (self.kind, key, line) for key, line in self.new.items()])
            self.new = {}
