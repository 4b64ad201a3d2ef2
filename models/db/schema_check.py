"""Is this Gvia database what Gvia made it? Checks for `check` and for `restore`.

Pure functions over a sqlite3 connection (or a file path for `check_database`), no Qt.
Every problem is one line (in the interface language) that names what is wrong:

    check_database(source, data_folder=None) -> list[str]   everything below; raises only
                                                             StorageFault (the disk failed)
    integrity_problems(conn)                  -> list[str]   SQLite's own integrity_check
    schema_differences(conn)                  -> list[str]   tables, columns, indexes,
                                                             triggers, views, migrations
    foreign_key_problems(conn)                -> list[str]   references to missing rows
    attachment_problems(conn, data_folder)    -> list[str]   contact-log attachments
                                                             (sha256) and archived letters
    expected_schema(version=None)             -> Schema      what the migrations define

The expected schema is not written down a second time: it is what running the migrations
on an empty in-memory database gives, so it can never drift from them. A trigger dropped
or rewritten by a foreign tool is exactly the kind of change this is meant to show.
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
import sqlite3
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import peewee

from models.common.i18n import N_, _, ngettext
from models.db.faults import DAMAGED, as_fault, check_line_fault

HISTORY_TABLE = "schema_migration"  # playhouse.migrations.Runner's table, part of the schema
MAX_LINES_PER_CHECK = 100  # a badly damaged file could list millions; the first ones suffice
HASH_CHUNK = 1024 * 1024
TAMPER_HINT = N_("someone may have changed the file outside Gvia")

# What the user calls each table, for lines about rows (the raw name follows in brackets).
# Marked here, translated where a line names it (_what).
TABLE_NAMES = {
    "client": N_("clients"),
    "contact_person": N_("contact people"),
    "invoice": N_("invoices"),
    "credit_note": N_("credit notes"),
    "payment": N_("payments"),
    "allocation": N_("payment allocations to invoices"),
    "letter": N_("letter archive"),
    "registered_mail": N_("registered mail log"),
    "contact_log": N_("contact log"),
    "contact_attachment": N_("contact log attachments"),
    "promise": N_("payment promises"),
    "client_status_change": N_("client status history"),
    "deposit_request": N_("deposit requests"),
    "case_record": N_("client case file"),
    "client_relation": N_("client relations"),
    "collection_expense": N_("collection expenses"),
    "negotiation": N_("negotiation"),
    "settlement": N_("debt settlements"),
    "settlement_invoice": N_("invoices in debt settlements"),
    "settlement_instalment": N_("instalments in debt settlements"),
    "settlement_point": N_("points in debt settlements"),
    "setting": N_("settings"),
    HISTORY_TABLE: N_("file structure update history"),
}
UNKNOWN_TABLE = N_("a Gvia table")


@dataclass(frozen=True)
class Schema:
    """The parts of sqlite_master that make a database Gvia's, by name."""
    tables: dict[str, str]                  # name -> normalised CREATE TABLE
    columns: dict[str, dict[str, tuple]]    # table -> column -> (type, notnull, default, pk)
    indexes: dict[str, tuple[str, str]]     # name -> (table, normalised CREATE INDEX)
    triggers: dict[str, tuple[str, str]]    # name -> (table, normalised CREATE TRIGGER)
    views: dict[str, str]
    migrations: frozenset[str]              # names recorded in the history table


# ---- reading a schema ------------------------------------------------------------------

def normalise_sql(sql: str | None) -> str:
    """The statement with layout taken out: runs of white space become one space, none
    around punctuation, identifier quotes and a trailing semicolon dropped. Two texts
    that differ after this differ in meaning."""
    text = re.sub(r"\s+", " ", (sql or "").strip()).rstrip(";").strip()
    text = re.sub(r"\s*([(),;=<>+*/-])\s*", r"\1", text)
    return re.sub(r'["`\[\]]', "", text)


def read_schema(conn: sqlite3.Connection) -> Schema:
    rows = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master "
        "WHERE name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
    tables, indexes, triggers, views = {}, {}, {}, {}
    for kind, name, table, sql in rows:
        if kind == "table":
            tables[name] = normalise_sql(sql)
        elif kind == "index":
            indexes[name] = (table, normalise_sql(sql))
        elif kind == "trigger":
            triggers[name] = (table, normalise_sql(sql))
        elif kind == "view":
            views[name] = normalise_sql(sql)
    columns = {name: _columns(conn, name) for name in tables}
    return Schema(tables, columns, indexes, triggers, views, _recorded_migrations(conn, tables))


def _columns(conn: sqlite3.Connection, table: str) -> dict[str, tuple]:
    return {row[1]: (row[2].upper(), row[3], row[4], row[5])
            for row in conn.execute(f"PRAGMA table_xinfo({_quote(table)})")}


def _recorded_migrations(conn: sqlite3.Connection, tables: dict[str, str]) -> frozenset[str]:
    if HISTORY_TABLE not in tables:
        return frozenset()
    return frozenset(row[0] for row in conn.execute(f"SELECT name FROM {HISTORY_TABLE}"))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ---- what the migrations define -----------------------------------------------------------

def latest_version() -> int:
    from models.db.connection import schema_version

    return schema_version()


def _application_id() -> int:
    from models.db.connection import APPLICATION_ID

    return APPLICATION_ID


def _migration_names(up_to: int) -> list[str]:
    from models.db.connection import migration_names

    return [name for name in migration_names() if int(name[:4]) <= up_to]


@functools.lru_cache(maxsize=None)
def expected_schema(version: int | None = None) -> Schema:
    """The schema the migrations give an empty database, up to `version` (default: the
    newest). Computed once per process and version: running them takes a few ms."""
    from models.db.connection import migrate, migration_runner

    db = peewee.SqliteDatabase(":memory:")
    db.connect()
    try:
        if version is None or version >= latest_version():
            migrate(db)
        else:
            names = _migration_names(version)
            if names:
                migration_runner(db).up(target=names[-1])
        return read_schema(db.connection())
    finally:
        db.close()


# ---- comparing ---------------------------------------------------------------------------

def schema_differences(conn: sqlite3.Connection) -> list[str]:
    """Every table, column, index, trigger or view that is missing, extra or altered,
    and every migration missing from (or unknown to) the history; empty when it matches.

    A file of an older schema (a backup about to be restored) is compared with that
    schema; an object a later migration defines, in that migration's exact form, is not
    counted against it (the writer claim, for one, is created before migrating)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    latest = latest_version()
    if version > latest:
        return [_("The file structure (version {version}) is newer than this version of Gvia "
                  "knows (up to {latest}); it cannot be compared. Update the program.").format(
                    version=version, latest=latest)]
    actual = read_schema(conn)
    if version == 0 and not actual.tables:
        return [_("The file has no tables at all: it is not a Gvia database, or it is "
                  "empty.")]
    if conn.execute("PRAGMA application_id").fetchone()[0] != _application_id():
        # A foreign file would list every table of its own; one line says it all.
        return [_("Gvia's identification mark (application_id) is missing from the file: "
                  "it is not a Gvia database, or someone changed it outside Gvia.")]
    expected = expected_schema(version)
    later = expected_schema(None)
    return (_table_differences(expected, actual, later)
            + _object_differences("index", expected.indexes, actual.indexes, later.indexes)
            + _object_differences("trigger", expected.triggers, actual.triggers, later.triggers)
            + _view_differences(expected.views, actual.views)
            + _migration_differences(expected.migrations, actual.migrations, later.migrations))


def _table_differences(expected: Schema, actual: Schema, later: Schema) -> list[str]:
    lines = []
    for name in sorted(expected.tables.keys() - actual.tables.keys()):
        lines.append(_("The table {name} ({what}) is missing — its data is not in the file; "
                       "{hint}.").format(name=name, what=_what(name), hint=_(TAMPER_HINT)))
    for name in sorted(actual.tables.keys() - expected.tables.keys()):
        if later.tables.get(name) != actual.tables[name]:
            lines.append(_("A table {name} was found that is not part of Gvia — "
                           "{hint}.").format(name=name, hint=_(TAMPER_HINT)))
    for name in sorted(expected.tables.keys() & actual.tables.keys()):
        column_lines = _column_differences(name, expected.columns[name], actual.columns[name])
        lines += column_lines
        if not column_lines and expected.tables[name] != actual.tables[name]:
            lines.append(_("The definition of the table {name} ({what}) was changed: its "
                           "constraints or keys are not as Gvia created them — {hint}.").format(
                             name=name, what=_what(name), hint=_(TAMPER_HINT)))
    return lines


def _column_differences(table: str, expected: dict, actual: dict,
                        hint: str | None = None) -> list[str]:
    lines = []
    hint = hint or _(TAMPER_HINT)
    for column in expected:
        if column not in actual:
            lines.append(_("The column {column} is missing from the table {table} — "
                           "{hint}.").format(column=column, table=table, hint=hint))
        elif actual[column] != expected[column]:
            lines.append(_("The column {column} in the table {table} was changed (type, "
                           "default value, required or key) — {hint}.").format(
                             column=column, table=table, hint=hint))
    for column in actual:
        if column not in expected:
            lines.append(_("The column {column} was added to the table {table}, and it is not "
                           "part of Gvia — {hint}.").format(
                             column=column, table=table, hint=hint))
    return lines


# Each kind's lines (missing, extra, changed), whole sentences for the translator; the
# missing line says what losing it costs, so the user sees why it matters.
_OBJECT_LINES = {
    "index": (
        N_("The index {name} is missing — searches and reports will be slow; {hint}."),
        N_("An index {name} was found on the table {table}, and it is not part of Gvia — "
           "{hint}."),
        N_("The index {name} was changed and is not as Gvia created it — {hint}."),
    ),
    "trigger": (
        N_("The trigger {name} is missing — the protection it gives the data is not working; "
           "{hint}."),
        N_("A trigger {name} was found on the table {table}, and it is not part of Gvia — "
           "{hint}."),
        N_("The trigger {name} was changed and is not as Gvia created it — {hint}."),
    ),
}


def _object_differences(kind: str, expected: dict, actual: dict, later: dict,
                        hint: str | None = None) -> list[str]:
    missing, extra, changed = _OBJECT_LINES[kind]
    hint = hint or _(TAMPER_HINT)
    lines = []
    for name in sorted(expected.keys() - actual.keys()):
        lines.append(_(missing).format(name=name, hint=hint))
    for name in sorted(actual.keys() - expected.keys()):
        if later.get(name) != actual[name]:
            lines.append(_(extra).format(name=name, table=actual[name][0], hint=hint))
    for name in sorted(expected.keys() & actual.keys()):
        if expected[name] != actual[name]:
            lines.append(_(changed).format(name=name, hint=hint))
    return lines


def _view_differences(expected: dict, actual: dict) -> list[str]:
    hint = _(TAMPER_HINT)
    lines = [_("The view {name} is missing — {hint}.").format(name=name, hint=hint)
             for name in sorted(expected.keys() - actual.keys())]
    lines += [_("A view {name} was found that is not part of Gvia — {hint}.").format(
                  name=name, hint=hint)
              for name in sorted(actual.keys() - expected.keys())]
    lines += [_("The view {name} was changed — {hint}.").format(name=name, hint=hint)
              for name in sorted(expected.keys() & actual.keys()) if expected[name] != actual[name]]
    return lines


def _migration_differences(expected: frozenset, actual: frozenset, later: frozenset) -> list[str]:
    lines = [_("The file structure update {name} is not recorded as done, although the file's "
               "version says it was.").format(name=name)
             for name in sorted(expected - actual)]
    lines += [_("The file's update history records an unknown update: {name}.").format(name=name)
              for name in sorted(actual - expected - later)]
    return lines


def _what(table: str) -> str:
    return _(TABLE_NAMES.get(table, UNKNOWN_TABLE))


# ---- SQLite's own checks -------------------------------------------------------------------

def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """`PRAGMA integrity_check`: damage to pages, indexes that disagree with their table."""
    found = [row[0] for row in conn.execute(f"PRAGMA integrity_check({MAX_LINES_PER_CHECK})")]
    fault = check_line_fault(found)
    if fault is not None:  # pages the disk could not read say nothing of the file
        raise fault
    return [_("SQLite's integrity check found damage in the file: {line}").format(line=line)
            for line in found if line != "ok"]


def foreign_key_problems(conn: sqlite3.Connection) -> list[str]:
    """`PRAGMA foreign_key_check`, in words: which row points at what that is not there."""
    lines, hidden = [], 0
    columns: dict[tuple[str, int], str] = {}
    for table, rowid, parent, fk_id in conn.execute("PRAGMA foreign_key_check"):
        if len(lines) >= MAX_LINES_PER_CHECK:
            hidden += 1
            continue
        if (table, fk_id) not in columns:
            columns.update(_foreign_key_columns(conn, table))
        column = columns.get((table, fk_id))
        lines.append(_foreign_key_line(conn, table, rowid, parent, column))
    if hidden:
        lines.append(ngettext("And {count} more broken reference like this.",
                              "And {count} more broken references like these.",
                              hidden).format(count=f"{hidden:,}"))
    return lines


def _foreign_key_columns(conn: sqlite3.Connection, table: str) -> dict[tuple[str, int], str]:
    # A composite key lists one row per column; the first names it well enough.
    found: dict[tuple[str, int], str] = {}
    for row in conn.execute(f"PRAGMA foreign_key_list({_quote(table)})"):
        found.setdefault((table, row[0]), row[3])
    return found


def _foreign_key_line(conn, table: str, rowid, parent: str, column: str | None) -> str:
    if rowid is None:
        where = _("In the {what} table ({table})").format(what=_what(table), table=table)
    else:
        where = _("In the {what} table ({table}), row {row}").format(
            what=_what(table), table=table, row=rowid)
    if column is None:
        return _("{where}: there is a reference to the table {parent}, to a record that does "
                 "not exist.").format(where=where, parent=parent)
    value = None
    if rowid is not None:
        row = conn.execute(f"SELECT {_quote(column)} FROM {_quote(table)} WHERE rowid = ?",
                           (rowid,)).fetchone()
        value = row[0] if row else None
    if value is None:
        return _("{where}: the column {column} points to a record in the {what} table "
                 "({parent}) that does not exist.").format(
                   where=where, column=column, what=_what(parent), parent=parent)
    return _("{where}: the column {column} points to record {value} in the {what} table "
             "({parent}), which does not exist.").format(
               where=where, column=column, value=value, what=_what(parent), parent=parent)


# ---- files next to the database ------------------------------------------------------------

def attachment_problems(conn: sqlite3.Connection, data_folder: str | os.PathLike) -> list[str]:
    """Each contact-log attachment against its file (present, same size, same sha256),
    and each archived letter's PDF (present). Paths are relative to `data_folder`, the
    database's own folder."""
    folder = Path(data_folder)
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    lines = []
    if "contact_attachment" in names:
        lines += _attachment_lines(conn, folder)
    if "letter" in names:
        lines += _letter_lines(conn, folder)
    return lines


def _inside(folder: Path, relative: str) -> Path | None:
    """The file `relative` names under `folder`, or None when it points outside it (a
    row written by another tool could name any file on the disk)."""
    path = (folder / relative).resolve()
    try:
        path.relative_to(folder.resolve())
    except ValueError:
        return None
    return path


def _attachment_lines(conn: sqlite3.Connection, folder: Path) -> list[str]:
    lines = []
    for entry_id, name, stored, size, sha in conn.execute(
            "SELECT entry_id, original_name, stored_path, size_bytes, sha256 "
            "FROM contact_attachment ORDER BY id"):
        problem = _attachment_problem(folder, stored, size, sha)
        if problem:
            lines.append(_("The attachment '{name}' of the log entry {entry} ({stored}) "
                           "{problem}").format(name=name, entry=entry_id, stored=stored,
                                               problem=problem))
    return lines


def _attachment_problem(folder: Path, stored: str, size: int, sha: str | None) -> str | None:
    path = _inside(folder, stored)
    if path is None:
        return _("points outside the data folder — {hint}.").format(hint=_(TAMPER_HINT))
    try:
        if not path.is_file():
            return _("is missing from the attachments folder.")
        if path.stat().st_size != size or (sha and _sha256(path) != sha.lower()):
            return _("has changed since it was attached: its content does not match the "
                     "fingerprint (sha256) that was recorded — someone may have edited or "
                     "replaced it.")
    except OSError as exc:
        return _("cannot be read ({reason}).").format(reason=exc.strerror)
    if not sha:
        return _("was saved without a fingerprint (sha256), so it cannot be verified that it "
                 "has not changed.")
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _letter_lines(conn: sqlite3.Connection, folder: Path) -> list[str]:
    # One PDF may hold many letters (a batch): each missing file is named once.
    archive = folder / "letters"
    lines = []
    for file_path, count, first_id in conn.execute(
            "SELECT file_path, COUNT(*), MIN(id) FROM letter GROUP BY file_path ORDER BY MIN(id)"):
        which = ngettext("letter {first}", "{count} letters (the first: {first})",
                         count).format(count=count, first=first_id)
        path = _inside(archive, file_path)
        if path is None:
            lines.append(_("The PDF file of {which} ({file}) points outside the letter "
                           "archive — {hint}.").format(which=which, file=file_path,
                                                       hint=_(TAMPER_HINT)))
        elif not path.is_file():
            lines.append(_("The PDF file of {which} is missing from the letter archive "
                           "({file}).").format(which=which, file=file_path))
    return lines


# ---- everything ---------------------------------------------------------------------------

def check_database(source, data_folder: str | os.PathLike | None = None) -> list[str]:
    """All the checks on `source` — a path to a database file (opened read-only), a
    sqlite3 connection or a peewee database. Empty when all is well. Never raises for
    what it finds: a damaged file is itself a named problem. A disk that fails (full,
    I/O error, a lock) raises StorageFault: that says nothing of the file.

    `data_folder` holds attachments/ and letters/; by default the database's own folder
    (for a backup about to be restored, pass the live data folder)."""
    if isinstance(source, (str, os.PathLike)):
        return _check_file(Path(source), data_folder)
    conn = source.connection() if isinstance(source, peewee.Database) else source
    file = _database_file(conn)
    if data_folder is None and file is not None:
        data_folder = file.parent
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        _raise_disk_fault(exc, file)
        # Not even the list of tables can be read: every check below would say the same.
        return [_("The file cannot be read as a database ({error}) — it is damaged, "
                  "encrypted or not a Gvia database.").format(error=exc)]
    lines = _safely(_("The integrity check"), file, integrity_problems, conn)
    lines += _safely(_("The comparison of the file structure"), file, schema_differences, conn)
    lines += _safely(_("The check of the references between tables"), file,
                     foreign_key_problems, conn)
    if data_folder is not None:
        lines += _safely(_("The check of the attachments and letters"), file,
                         attachment_problems, conn, data_folder)
    return lines


def _check_file(path: Path, data_folder) -> list[str]:
    if not path.is_file():
        return [_("The file {path} was not found or is not a file.").format(path=path)]
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        return [_("Cannot open {name} for reading ({error}).").format(name=path.name, error=exc)]
    try:
        return check_database(conn, path.resolve().parent if data_folder is None else data_folder)
    finally:
        conn.close()


def _database_file(conn: sqlite3.Connection) -> Path | None:
    try:
        for _seq, name, file in conn.execute("PRAGMA database_list"):
            if name == "main" and file:
                return Path(file).resolve()
    except sqlite3.DatabaseError:
        pass
    return None  # in memory: no file, no folder of files to check


def _raise_disk_fault(exc: sqlite3.DatabaseError, file: Path | None) -> None:
    """Raise the StorageFault behind `exc` when the disk failed (full, I/O error, a
    lock), as opposed to a damaged file: that is no finding about the file."""
    fault = as_fault(exc, file)
    if fault is not None and fault.kind != DAMAGED:
        raise fault from exc


def _safely(what: str, file: Path | None, check, *args) -> list[str]:
    """The check's lines; a damaged page it met is one line more."""
    try:
        return check(*args)
    except sqlite3.DatabaseError as exc:
        _raise_disk_fault(exc, file)
        return [_("{what} was not completed: the database cannot be read ({error}) — the "
                  "file may be damaged, or it is not a Gvia database.").format(
                    what=what, error=exc)]
