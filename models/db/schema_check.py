"""Is this Gvia database what Gvia made it? Checks for `check` and for `restore`.

Pure functions over a sqlite3 connection (or a file path for `check_database`), no Qt.
Every problem is one Hebrew line that names what is wrong:

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

from models.db.faults import DAMAGED, as_fault, check_line_fault

HISTORY_TABLE = "schema_migration"  # playhouse.migrations.Runner's table, part of the schema
MAX_LINES_PER_CHECK = 100  # a badly damaged file could list millions; the first ones suffice
HASH_CHUNK = 1024 * 1024
TAMPER_HINT = "ייתכן שמישהו שינה את הקובץ מחוץ לגבייה"

# What the user calls each table, for lines about rows (the raw name follows in brackets).
TABLE_NAMES = {
    "client": "הלקוחות",
    "contact_person": "אנשי הקשר",
    "invoice": "החשבוניות",
    "credit_note": "הודעות הזיכוי",
    "payment": "התשלומים",
    "allocation": "שיוכי התשלומים לחשבוניות",
    "letter": "ארכיון המכתבים",
    "registered_mail": "רישום הדואר הרשום",
    "contact_log": "יומן הקשר",
    "contact_attachment": "הקבצים המצורפים ליומן הקשר",
    "promise": "הבטחות התשלום",
    "client_status_change": "היסטוריית הסטטוס של הלקוחות",
    "deposit_request": "בקשות המקדמה",
    "case_record": "תיק הלקוח",
    "client_relation": "הקשרים של הלקוח",
    "collection_expense": "הוצאות הגבייה",
    "negotiation": "המשא ומתן",
    "settlement": "הסדרי החוב",
    "settlement_invoice": "החשבוניות שבהסדרי החוב",
    "settlement_instalment": "התשלומים שבהסדרי החוב",
    "settlement_point": "הנקודות שבהסדרי החוב",
    "setting": "ההגדרות",
    HISTORY_TABLE: "היסטוריית העדכונים של מבנה הקובץ",
}


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
    from models.db.connection import MIGRATIONS_DIR

    return sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9]*.py") if int(p.stem[:4]) <= up_to)


@functools.lru_cache(maxsize=None)
def expected_schema(version: int | None = None) -> Schema:
    """The schema the migrations give an empty database, up to `version` (default: the
    newest). Computed once per process and version: running them takes a few ms."""
    from playhouse.migrations import Runner

    from models.db.connection import MIGRATIONS_DIR, migrate

    db = peewee.SqliteDatabase(":memory:")
    db.connect()
    try:
        if version is None or version >= latest_version():
            migrate(db)
        else:
            names = _migration_names(version)
            if names:
                Runner(db, directory=str(MIGRATIONS_DIR)).up(target=names[-1])
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
        return [f"מבנה הקובץ (גרסה {version}) חדש מזה שגרסה זו של גבייה מכירה (עד {latest}); "
                "לא ניתן להשוות אותו. עדכנו את התוכנה."]
    actual = read_schema(conn)
    if version == 0 and not actual.tables:
        return ["בקובץ אין אף טבלה: זה אינו מסד נתונים של גבייה, או שהוא ריק."]
    if conn.execute("PRAGMA application_id").fetchone()[0] != _application_id():
        # A foreign file would list every table of its own; one line says it all.
        return ["סימן הזיהוי של גבייה (application_id) חסר בקובץ: זה אינו מסד נתונים של "
                "גבייה, או שמישהו שינה אותו מחוץ לגבייה."]
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
        lines.append(f"הטבלה {name} ({_what(name)}) חסרה — הנתונים שבה אינם בקובץ; {TAMPER_HINT}.")
    for name in sorted(actual.tables.keys() - expected.tables.keys()):
        if later.tables.get(name) != actual.tables[name]:
            lines.append(f"נמצאה טבלה {name} שאינה חלק מגבייה — {TAMPER_HINT}.")
    for name in sorted(expected.tables.keys() & actual.tables.keys()):
        column_lines = _column_differences(name, expected.columns[name], actual.columns[name])
        lines += column_lines
        if not column_lines and expected.tables[name] != actual.tables[name]:
            lines.append(f"ההגדרה של הטבלה {name} ({_what(name)}) שונתה: האילוצים או המפתחות "
                         f"שבה אינם כפי שגבייה יצרה אותם — {TAMPER_HINT}.")
    return lines


def _column_differences(table: str, expected: dict, actual: dict) -> list[str]:
    lines = []
    for column in expected:
        if column not in actual:
            lines.append(f"בטבלה {table} חסרה העמודה {column} — {TAMPER_HINT}.")
        elif actual[column] != expected[column]:
            lines.append(f"העמודה {column} בטבלה {table} שונתה (סוג, ערך ברירת מחדל, חובה "
                         f"או מפתח) — {TAMPER_HINT}.")
    for column in actual:
        if column not in expected:
            lines.append(f"בטבלה {table} נוספה העמודה {column}, שאינה חלק מגבייה — {TAMPER_HINT}.")
    return lines


_KIND_NAMES = {"index": ("האינדקס", "נמצא אינדקס"), "trigger": ("הטריגר", "נמצא טריגר")}
# What losing each kind costs, so the line says why it matters.
_MISSING_COST = {"index": "חיפושים ודוחות יהיו איטיים",
                 "trigger": "ההגנה שהוא נותן לנתונים אינה פועלת"}


def _object_differences(kind: str, expected: dict, actual: dict, later: dict) -> list[str]:
    the_kind, found_kind = _KIND_NAMES[kind]
    lines = []
    for name in sorted(expected.keys() - actual.keys()):
        lines.append(f"{the_kind} {name} חסר — {_MISSING_COST[kind]}; {TAMPER_HINT}.")
    for name in sorted(actual.keys() - expected.keys()):
        if later.get(name) != actual[name]:
            lines.append(f"{found_kind} {name} על הטבלה {actual[name][0]}, שאינו חלק "
                         f"מגבייה — {TAMPER_HINT}.")
    for name in sorted(expected.keys() & actual.keys()):
        if expected[name] != actual[name]:
            lines.append(f"{the_kind} {name} שונה ואינו כפי שגבייה יצרה אותו — {TAMPER_HINT}.")
    return lines


def _view_differences(expected: dict, actual: dict) -> list[str]:
    lines = [f"התצוגה {name} חסרה — {TAMPER_HINT}." for name in sorted(expected.keys() - actual.keys())]
    lines += [f"נמצאה תצוגה (view) {name} שאינה חלק מגבייה — {TAMPER_HINT}."
              for name in sorted(actual.keys() - expected.keys())]
    lines += [f"התצוגה {name} שונתה — {TAMPER_HINT}."
              for name in sorted(expected.keys() & actual.keys()) if expected[name] != actual[name]]
    return lines


def _migration_differences(expected: frozenset, actual: frozenset, later: frozenset) -> list[str]:
    lines = [f"העדכון {name} של מבנה הקובץ אינו רשום כמבוצע, אף שגרסת הקובץ מציינת שבוצע."
             for name in sorted(expected - actual)]
    lines += [f"בהיסטוריית העדכונים של הקובץ רשום עדכון לא מוכר: {name}."
              for name in sorted(actual - expected - later)]
    return lines


def _what(table: str) -> str:
    return TABLE_NAMES.get(table, "טבלה של גבייה")


# ---- SQLite's own checks -------------------------------------------------------------------

def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """`PRAGMA integrity_check`: damage to pages, indexes that disagree with their table."""
    found = [row[0] for row in conn.execute(f"PRAGMA integrity_check({MAX_LINES_PER_CHECK})")]
    fault = check_line_fault(found)
    if fault is not None:  # pages the disk could not read say nothing of the file
        raise fault
    return [f"בדיקת התקינות של SQLite מצאה נזק בקובץ: {line}" for line in found if line != "ok"]


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
        lines.append(f"ועוד {hidden:,} הפניות שבורות כאלה.")
    return lines


def _foreign_key_columns(conn: sqlite3.Connection, table: str) -> dict[tuple[str, int], str]:
    # A composite key lists one row per column; the first names it well enough.
    found: dict[tuple[str, int], str] = {}
    for row in conn.execute(f"PRAGMA foreign_key_list({_quote(table)})"):
        found.setdefault((table, row[0]), row[3])
    return found


def _foreign_key_line(conn, table: str, rowid, parent: str, column: str | None) -> str:
    where = f"בטבלת {_what(table)} ({table})" + (f", שורה {rowid}" if rowid is not None else "")
    if column is None:
        return f"{where}: יש הפניה לטבלה {parent} אל רשומה שאינה קיימת."
    value = None
    if rowid is not None:
        row = conn.execute(f"SELECT {_quote(column)} FROM {_quote(table)} WHERE rowid = ?",
                           (rowid,)).fetchone()
        value = row[0] if row else None
    target = f"לרשומה {value}" if value is not None else "לרשומה"
    return (f"{where}: העמודה {column} מפנה {target} בטבלת {_what(parent)} ({parent}), "
            "שאינה קיימת.")


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
            lines.append(f"הקובץ המצורף '{name}' של רשומת התיעוד {entry_id} ({stored}) {problem}")
    return lines


def _attachment_problem(folder: Path, stored: str, size: int, sha: str | None) -> str | None:
    path = _inside(folder, stored)
    if path is None:
        return f"מפנה אל מחוץ לתיקיית הנתונים — {TAMPER_HINT}."
    try:
        if not path.is_file():
            return "חסר בתיקיית הקבצים המצורפים."
        if path.stat().st_size != size or (sha and _sha256(path) != sha.lower()):
            return ("שונה מאז שצורף: תוכנו אינו תואם את טביעת האצבע (sha256) שנרשמה — "
                    "ייתכן שמישהו ערך או החליף אותו.")
    except OSError as exc:
        return f"אינו ניתן לקריאה ({exc.strerror})."
    if not sha:
        return "נשמר בלי טביעת אצבע (sha256), ולכן לא ניתן לוודא שלא שונה."
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
        which = f"מכתב {first_id}" if count == 1 else f"{count} מכתבים (הראשון: {first_id})"
        path = _inside(archive, file_path)
        if path is None:
            lines.append(f"קובץ ה-PDF של {which} ({file_path}) מפנה אל מחוץ לארכיון המכתבים — "
                         f"{TAMPER_HINT}.")
        elif not path.is_file():
            lines.append(f"קובץ ה-PDF של {which} חסר בארכיון המכתבים ({file_path}).")
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
        return [f"לא ניתן לקרוא את הקובץ כמסד נתונים ({exc}) — הוא פגום, מוצפן או שאינו "
                "מסד נתונים של גבייה."]
    lines = _safely("בדיקת התקינות", file, integrity_problems, conn)
    lines += _safely("השוואת מבנה הקובץ", file, schema_differences, conn)
    lines += _safely("בדיקת ההפניות בין הטבלאות", file, foreign_key_problems, conn)
    if data_folder is not None:
        lines += _safely("בדיקת הקבצים המצורפים והמכתבים", file, attachment_problems, conn,
                         data_folder)
    return lines


def _check_file(path: Path, data_folder) -> list[str]:
    if not path.is_file():
        return [f"הקובץ {path} לא נמצא או שאינו קובץ."]
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        return [f"לא ניתן לפתוח את {path.name} לקריאה ({exc})."]
    try:
        return check_database(conn, path.resolve().parent if data_folder is None else data_folder)
    finally:
        conn.close()


def _database_file(conn: sqlite3.Connection) -> Path | None:
    try:
        for _, name, file in conn.execute("PRAGMA database_list"):
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
        return [f"{what} לא הושלמה: לא ניתן לקרוא את מסד הנתונים ({exc}) — ייתכן שהקובץ פגום "
                "או שאינו מסד נתונים של גבייה."]
