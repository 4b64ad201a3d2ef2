"""Moving a ledger from its SQLite file to a shared office's PostgreSQL server (`gvia migrate`).

The source file is opened as a reader (an older schema is brought up to date first, as
the app would, with its backup; nothing else is written to it) and read in one snapshot.
The target must be an empty database, or a Gvia ledger with no rows yet: it is migrated
to the current schema, and everything is copied into it in ONE transaction, all or
nothing:
- every table, in foreign-key order, streamed with PostgreSQL's COPY (a million invoices
  take minutes, and no table is held in memory);
- the archived letters' PDFs and the contact-log attachments, from the folder beside the
  file into the ledger's file store (models.db.files: table stored_file);
- the identity sequences set past the highest ids copied.

The guards' triggers. A superuser copies with `session_replication_role = replica`:
no trigger fires, every row arrives as it was (the paid columns, who recorded each row).
Anyone else disables nothing, and the rows are inserted so that every trigger passes:
an invoice arrives with nothing paid and its allocations add their amounts again (the
paid trigger), a settlement arrives as a draft, its covered invoices, instalments and
points are copied, then it is signed as it was, its events copied, and a cancelled one
cancelled. The server then names the migrating role as the author of every row (its
created_by trigger): the summary says so.

Then it verifies, inside the same transaction: the rows of every table, the files, each
invoice's paid columns and the aging as of today must be the same on both sides. Any
difference raises TransferError and the transaction is rolled back: the target is left
as empty as it was found.

Public API:
    move_ledger(source, url, *, aging, as_of=None, progress=None) -> TransferResult
        aging(as_of): the aging report (models.queries.aging.aging_report, which this
        layer may not import), asked of both sides
        progress(what, done, total): `what` a table's name or 'files'
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from models.common.errors import GviaError
from models.common.i18n import _
from models.db import files, writer_lock
from models.db.connection import database
from models.db.postgres import bulk
from models.db.postgres.opening import is_office_url, open_office

Progress = Callable[[str, int, int], None]
# Not copied: the migrations' record (the target has its own) and SQLite's own tables.
_NOT_COPIED = {"schema_migration", writer_lock.TABLE}
_BATCH = 10_000
_MOVE_LOCK = 0x47564942  # any number, the same on every computer
_PROGRESS_EVERY = 50_000
# Copied before a settlement's events when the triggers run (see the module's note).
_SETTLEMENT_CHILDREN = ("settlement_invoice", "settlement_instalment", "settlement_point")


class TransferError(GviaError):
    """The ledger was not moved; the message says why. The target is as it was."""


@dataclass
class TransferResult:
    target: str                    # database@host
    tables: int = 0
    rows: int = 0
    files: int = 0
    missing_files: list[str] = field(default_factory=list)  # named by a row, not in the folder
    changed_files: list[str] = field(default_factory=list)  # attachments unlike their digest
    aging_rows: int = 0
    as_of: dt.date | None = None
    triggers_off: bool = False     # a superuser's copy: rows exactly as they were
    authors_replaced: bool = False  # created_by became the migrating role


@dataclass
class _Table:
    name: str
    columns: list[str]
    rows: int


def move_ledger(source, url: str, *, aging: Callable[[dt.date], object],
                as_of: dt.date | None = None, progress: Progress | None = None
                ) -> TransferResult:
    """Copy the SQLite ledger `source` into the empty office ledger at `url` (see the
    module's note). Raises TransferError, or DatabaseOpenError for either side."""
    from models.db.opening import open_database

    if is_office_url(str(source)):
        raise TransferError(_("--from names the ledger file to move (gvia.db), not a server."))
    if not is_office_url(url):
        raise TransferError(_("--to names the office's server: postgresql://user@host/dbname."))
    as_of = as_of or dt.date.today()
    reader = open_database(source, create=False, read_only=True)
    try:
        if reader.writer_elsewhere is not None:
            raise TransferError(_(
                "Gvia has {name} open for writing ({writer}). Close it there first, so "
                "nothing recorded during the move is left behind.").format(
                    name=reader.path.name, writer=reader.writer_elsewhere.describe()))
        conn = reader.db.connection()
        conn.execute("BEGIN")  # one snapshot for everything read below
        try:
            return _move(reader, conn, url, as_of, progress, aging)
        finally:
            conn.execute("ROLLBACK")
    finally:
        reader.close()


def _move(reader, conn, url: str, as_of: dt.date, progress: Progress | None,
          aging: Callable[[dt.date], object]) -> TransferResult:
    tables = _source_tables(conn)
    source_aging = _aging_rows(aging(as_of))
    source_paid = _paid_fingerprint()
    source_files = _source_files(conn, reader.path.parent)
    office = open_office(url)
    try:
        db = office.db
        result = TransferResult(office.name, as_of=as_of)
        with db.atomic():
            # Two moves into one database take turns; the second finds it full.
            db.execute_sql("SELECT pg_advisory_xact_lock(?)", (_MOVE_LOCK,))
            _check_empty(db, office.name)
            order = _order(db, tables, office.name)
            pg = db.connection()
            result.triggers_off = _is_superuser(db)
            if result.triggers_off:
                db.execute_sql("SET LOCAL session_replication_role = replica")
            total = sum(t.rows for t in tables.values()) + len(source_files)
            copier = _Copier(conn, pg, progress, total, result)
            for name in order:
                copier.copy(tables[name])
            copier.finish()
            if result.triggers_off:
                db.execute_sql("SET LOCAL session_replication_role = origin")
            else:
                result.authors_replaced = _has_authors(db, order)
            _reset_sequences(db, order)
            _copy_files(pg, source_files, result, copier)
            result.tables, result.rows = len(order), sum(t.rows for t in tables.values())
            _verify(db, tables, result, source_paid, source_aging, aging(as_of))
        return result
    finally:
        office.close()


# ---- the source ------------------------------------------------------------------------

def _source_tables(conn) -> dict[str, _Table]:
    names = [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name") if name not in _NOT_COPIED]
    tables = {}
    for name in names:
        columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')]
        (rows,) = conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()
        tables[name] = _Table(name, columns, rows)
    return tables


def _source_files(conn, folder: Path) -> list[tuple[str, Path, str | None]]:
    """(stored name, the file beside the ledger, its recorded sha256 or None) for every
    archived PDF and attachment a row names."""
    found = [(f"letters/{name}", folder / "letters" / name, None) for (name,) in conn.execute(
        "SELECT DISTINCT file_path FROM letter ORDER BY file_path")]
    found += [(stored, folder / stored, digest) for stored, digest in conn.execute(
        "SELECT stored_path, sha256 FROM contact_attachment ORDER BY id")]
    return found


# ---- the target ------------------------------------------------------------------------

def _check_empty(db, name: str) -> None:
    filled = [table for table in db.get_tables() if table != "schema_migration"
              and db.execute_sql(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]]
    if filled:
        raise TransferError(_(
            "The database {name} already holds a ledger (rows in: {tables}). A ledger is "
            "moved only into an empty database; nothing was changed.").format(
                name=name, tables=", ".join(sorted(filled)[:5])))


def _target_columns(db) -> dict[str, set[str]]:
    columns: dict[str, set[str]] = {}
    for table, column in db.execute_sql(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema()"):
        columns.setdefault(table, set()).add(column)
    return columns


def _order(db, tables: dict[str, _Table], name: str) -> list[str]:
    """The source's tables, each after the tables it refers to (and a settlement's events
    after its covered invoices, instalments and points: see the module's note)."""
    target = _target_columns(db)
    for table in tables.values():
        missing = [c for c in table.columns if c not in target.get(table.name, ())]
        if table.name not in target or missing:
            raise TransferError(_(
                "The ledger file has data the database {name} has no place for ({what}); "
                "update Gvia where the database was prepared and try again.").format(
                    name=name, what=table.name + (f": {', '.join(missing)}" if missing
                                                  and table.name in target else "")))
    needs: dict[str, set[str]] = {t: set() for t in tables}
    for child, parent in db.execute_sql(
            "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
            "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"):
        if child in needs and parent in needs and child != parent:
            needs[child].add(parent)
    if "settlement_event" in needs:
        needs["settlement_event"] |= {t for t in _SETTLEMENT_CHILDREN if t in needs}
    order: list[str] = []
    while needs:
        ready = sorted(t for t, parents in needs.items() if not parents - set(order))
        if not ready:
            raise RuntimeError(f"tables refer to each other in a circle: {sorted(needs)}")
        for table in ready:
            order.append(table)
            del needs[table]
    return order


def _is_superuser(db) -> bool:
    return db.execute_sql("SELECT current_setting('is_superuser')").fetchone()[0] == "on"


def _has_authors(db, order: list[str]) -> bool:
    """Whether a copied table names its rows' authors (the server rewrote them)."""
    return any(db.execute_sql(
        "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = ? AND column_name = 'created_by'", (table,)).fetchone()
        for table in order)


class _Copier:
    """COPY of each table from the SQLite snapshot, with the changes the triggers need
    when they run (see the module's note), and the progress."""

    def __init__(self, conn, pg: psycopg.Connection, progress: Progress | None, total: int,
                 result: TransferResult):
        self.conn, self.pg, self.progress, self.total = conn, pg, progress, total
        self.triggers_off, self.target = result.triggers_off, result.target
        self.done = 0
        self.settlements: list[tuple] = []  # (id, status, signed, cancelled), not drafts
        self.signed = result.triggers_off

    def copy(self, table: _Table) -> None:
        if table.name == "settlement_event":
            self._sign_settlements()
        rows = self._rows(table)
        if not self.triggers_off:
            rows = self._as_triggers_want(table, rows)
        columns = ", ".join(f'"{c}"' for c in table.columns)
        try:
            with self.pg.cursor() as cur, cur.copy(
                    f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
                for n, row in enumerate(rows, start=1):
                    copy.write_row(row)
                    if n % _PROGRESS_EVERY == 0:
                        self.tell(table.name, _PROGRESS_EVERY)
        except psycopg.Error as exc:
            raise _refused(table.name, exc, self.target) from exc
        self.tell(table.name, table.rows % _PROGRESS_EVERY)

    def tell(self, what: str, rows: int) -> None:
        self.done += rows
        if self.progress is not None:
            self.progress(what, self.done, self.total)

    def _rows(self, table: _Table) -> Iterator[tuple]:
        columns = ", ".join(f'"{c}"' for c in table.columns)
        cursor = self.conn.execute(f'SELECT {columns} FROM "{table.name}" ORDER BY rowid')
        while batch := cursor.fetchmany(_BATCH):
            yield from batch

    def _as_triggers_want(self, table: _Table, rows: Iterator[tuple]) -> Iterator[tuple]:
        if table.name == "invoice":
            # Nothing paid yet: each allocation copied adds its amount (the paid trigger).
            paid = [table.columns.index(c) for c in ("paid_agorot", "paid_changed_date")]
            return (_with(row, dict(zip(paid, (0, None)))) for row in rows)
        if table.name == "settlement":
            at = {c: table.columns.index(c) for c in ("id", "status", "signed_date",
                                                     "cancelled_date")}
            return (self._as_draft(row, at) for row in rows)
        return rows

    def _as_draft(self, row: tuple, at: dict[str, int]) -> tuple:
        if row[at["status"]] != "draft":
            self.settlements.append((row[at["id"]], row[at["status"]], row[at["signed_date"]],
                                     row[at["cancelled_date"]]))
        return _with(row, {at["status"]: "draft", at["signed_date"]: None,
                           at["cancelled_date"]: None})

    def _sign_settlements(self) -> None:
        """Every settlement that was signed (a cancelled one passes through 'signed': its
        events need it, and cancelling keeps the signing date), once."""
        if self.signed:
            return
        self.signed = True
        with self.pg.cursor() as cur:
            cur.executemany("UPDATE settlement SET status = 'signed', signed_date = %s "
                            "WHERE id = %s",
                            [(signed, sid) for sid, _s, signed, _c in self.settlements])

    def finish(self) -> None:
        if self.triggers_off:
            return
        self._sign_settlements()
        with self.pg.cursor() as cur:
            cur.executemany("UPDATE settlement SET status = 'cancelled', cancelled_date = %s "
                            "WHERE id = %s",
                            [(cancelled, sid) for sid, status, _s, cancelled in self.settlements
                             if status == "cancelled"])


def _refused(table: str, exc: psycopg.Error, target: str) -> TransferError:
    """The server refused a row: which table, and the server's own first line."""
    detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return TransferError(_(
        "The table {table} could not be copied ({error}). Nothing was changed in "
        "{name}.").format(table=table, error=detail, name=target))


def _with(row: tuple, changes: dict[int, object]) -> tuple:
    return tuple(changes.get(i, value) for i, value in enumerate(row))


def _reset_sequences(db, order: list[str]) -> None:
    """Each identity column's next value past the highest id copied (every identity
    column is a table's `id`: `INTEGER PRIMARY KEY` in the SQLite schema)."""
    identities = {table for (table,) in db.execute_sql(
        "SELECT table_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES'")}
    bulk.reset_identities(db, [table for table in order if table in identities])


def _copy_files(pg: psycopg.Connection, found, result: TransferResult, copier: _Copier) -> None:
    """The letters' PDFs and the attachments into the file store, one file in memory at a
    time. A file a row names but the folder lost is listed, as is an attachment whose
    bytes are not those recorded when it was attached."""
    columns = ", ".join(files.STORED_COLUMNS)
    try:
        _copy_each_file(pg, columns, found, result, copier)
    except psycopg.Error as exc:
        raise _refused("stored_file", exc, result.target) from exc
    copier.tell("files", len(found) % 100)


def _copy_each_file(pg: psycopg.Connection, columns: str, found, result: TransferResult,
                    copier: _Copier) -> None:
    with pg.cursor() as cur, cur.copy(f"COPY stored_file ({columns}) FROM STDIN") as copy:
        for n, (stored, path, digest) in enumerate(found, start=1):
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                result.missing_files.append(stored)
                continue
            except OSError as exc:
                raise TransferError(_("The file {path} could not be read: {reason}").format(
                    path=path, reason=exc.strerror or exc)) from exc
            if digest is not None and hashlib.sha256(data).hexdigest() != digest:
                result.changed_files.append(stored)
            copy.write_row(files.stored_row(stored, data))
            result.files += 1
            if n % 100 == 0:
                copier.tell("files", 100)


# ---- the checks -------------------------------------------------------------------------

def _aging_rows(report) -> dict:
    return {(row.client_id, row.currency): (row.client, tuple(row.buckets), row.credit)
            for row in report.rows}


_PAID_SQL = """
SELECT paid_changed_date, COUNT(*), COALESCE(SUM(paid_agorot), 0),
       COALESCE(SUM((id % 97) * paid_agorot), 0)
FROM invoice GROUP BY paid_changed_date"""


def _paid_fingerprint() -> dict:
    """Per day the paid columns last changed: the invoices, what they have paid, and a
    sum weighted by id (an amount on another invoice shows)."""
    return {day: tuple(int(v) for v in rest)
            for day, *rest in database.execute_sql(_PAID_SQL)}


def _verify(db, tables: dict[str, _Table], result: TransferResult, source_paid: dict,
            source_aging: dict, report) -> None:
    for table in tables.values():
        (rows,) = db.execute_sql(f'SELECT count(*) FROM "{table.name}"').fetchone()
        if rows != table.rows:
            raise TransferError(_(
                "The move was checked and undone: the table {table} has {copied} rows in the "
                "database and {rows} in the file. Nothing was changed in {name}.").format(
                    table=table.name, copied=f"{rows:,}", rows=f"{table.rows:,}",
                    name=result.target))
    (kept,) = db.execute_sql("SELECT count(*) FROM stored_file").fetchone()
    if kept != result.files:
        raise _undone(result, _("files kept"))
    if _paid_fingerprint() != source_paid:
        raise _undone(result, _("what each invoice has paid"))
    aging = _aging_rows(report)
    if aging != source_aging:
        raise _undone(result, _("the aging as of {date}").format(
            date=f"{result.as_of:%d/%m/%Y}"))
    result.aging_rows = len(aging)


def _undone(result: TransferResult, what: str) -> TransferError:
    return TransferError(_(
        "The move was checked and undone: {what} differs between the file and the "
        "database. Nothing was changed in {name}.").format(what=what, name=result.target))

