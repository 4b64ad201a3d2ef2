"""Opening the database safely: pragmas, permissions, the one-copy lock, damaged and
foreign files, newer schemas, migrations of a database holding data, backup and restore."""
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import peewee
import pytest
from playhouse.migrations import Runner

from models.common.errors import DatabaseLockedError, DatabaseOpenError, GviaError
from models.db.backup import (
    backup_database,
    backup_dir,
    backup_if_due,
    list_backups,
    restore_database,
)
from models.db.connection import (
    APPLICATION_ID,
    MIGRATIONS_DIR,
    database,
    integrity_check,
    schema_version,
)
from models.db.opening import open_database
from models.ledger import services
from models.ledger.clients import Client

# About the SQLite file itself (pragmas, permissions, the writer's claim, its backups):
# once, on SQLite. The server's ledger is opened by tests/db/test_office_*.py.
pytestmark = pytest.mark.sqlite_only
ROOT = Path(__file__).resolve().parents[2]


def hebrew(message) -> bool:
    return any("\u05d0" <= ch <= "\u05ea" for ch in str(message))


def pragma(db, name):
    return db.execute_sql(f"PRAGMA {name}").fetchone()[0]


def make_database_with_data(path: Path, clients: int = 3) -> None:
    with open_database(path), database.atomic():
        for k in range(clients):
            services.add_client(name=f"לקוח {k} " + "נתונים " * 10)


def raw(path: Path, sql: str, *args):
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(sql, args).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


def python(code: str, *args, **popen) -> subprocess.Popen:
    """A separate Python process running `code` with the project importable."""
    prelude = f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
    command = [sys.executable, "-c", prelude + textwrap.dedent(code), *map(str, args)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **popen)


HOLD_OPEN = """
    import time
    from models.db.opening import open_database
    opened = open_database(sys.argv[1])
    print("ready", flush=True)
    time.sleep(60)
"""


# ---- a new database -----------------------------------------------------------------

def test_new_database_settings(db):
    assert pragma(db.db, "journal_mode") == "wal"
    assert pragma(db.db, "synchronous") == 2  # FULL
    assert pragma(db.db, "foreign_keys") == 1
    assert pragma(db.db, "user_version") == schema_version()
    assert pragma(db.db, "application_id") == APPLICATION_ID
    newest = max(int(p.name[:4]) for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py"))
    assert schema_version() == newest
    assert integrity_check() == []


@pytest.mark.skipif(os.name != "posix", reason="Unix permission bits")
def test_files_readable_by_the_user_only(db, db_path):
    services.add_client(name="סוד מסחרי")  # make sure the WAL has content
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(db_path) + suffix)
        assert p.exists(), suffix
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, suffix
    made = backup_database(db.db, db_path)
    assert stat.S_IMODE(made.stat().st_mode) == 0o600


def test_empty_file_becomes_a_database(tmp_path):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    with open_database(path) as opened:
        assert pragma(opened.db, "user_version") == schema_version()
    assert list_backups(path) == []  # nothing to back up before migrating an empty file


def test_missing_file_folder_and_directory(tmp_path):
    with pytest.raises(DatabaseOpenError) as err:
        open_database(tmp_path / "nope.db", create=False)
    assert "לא נמצא" in str(err.value)
    with pytest.raises(DatabaseOpenError) as err:
        open_database(tmp_path / "no-such-folder" / "g.db")
    assert "לא קיימת" in str(err.value)
    with pytest.raises(DatabaseOpenError) as err:
        open_database(tmp_path)
    assert "תיקייה" in str(err.value)
    assert not (tmp_path / "nope.db").exists()


# ---- one running copy per database --------------------------------------------------

def test_second_open_in_the_same_process_is_refused(db, db_path):
    with pytest.raises(DatabaseLockedError) as err:
        open_database(db_path)
    assert db_path.name in str(err.value) and "פתוח כבר" in str(err.value)
    # the first one is unharmed
    services.add_client(name="עדיין עובד")
    assert Client.select().count() == 1


def test_second_open_from_another_process_is_refused(db, db_path):
    child = python("""
        from models.db.opening import open_database
        from models.common.errors import DatabaseLockedError
        try:
            open_database(sys.argv[1])
        except DatabaseLockedError as exc:
            print("locked:", exc)
            sys.exit(3)
    """, db_path)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 3, err
    assert "פתוח כבר" in out


def test_open_while_another_process_holds_it_is_refused_then_allowed(tmp_path):
    path = tmp_path / "g.db"
    holder = python(HOLD_OPEN, path)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(DatabaseLockedError):
            open_database(path)
    finally:
        holder.terminate()
        holder.wait(timeout=30)
    with open_database(path):
        pass


def test_stale_lock_of_a_killed_copy_is_recovered(tmp_path):
    path = tmp_path / "g.db"
    holder = python(HOLD_OPEN, path)
    assert holder.stdout.readline().strip() == "ready"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT pid FROM gvia_writer").fetchone() == (holder.pid,)  # left behind
    conn.close()
    with open_database(path) as opened:
        assert integrity_check() == []
        assert pragma(opened.db, "user_version") == schema_version()


# ---- files that are not (or no longer) a usable Gvia database -----------------------

def test_damaged_database_refused(tmp_path):
    path = tmp_path / "g.db"
    make_database_with_data(path, clients=300)
    assert not Path(str(path) + "-wal").exists()
    page = raw(path, "PRAGMA page_size")[0][0]
    pages = path.stat().st_size // page
    assert pages > 20
    data = bytearray(path.read_bytes())
    for n in range(pages // 3, pages // 3 + 5):  # five pages in the middle: garbage
        data[n * page:(n + 1) * page] = bytes((n * 7 + i) % 256 for i in range(page))
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(DatabaseOpenError) as err:
        open_database(path)
    assert hebrew(err.value) and "\n" not in str(err.value)
    assert path.read_bytes() == before  # nothing written to a damaged file
    assert not backup_dir(path).exists()


def test_truncated_database_refused(tmp_path):
    path = tmp_path / "g.db"
    make_database_with_data(path, clients=300)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DatabaseOpenError) as err:
        open_database(path)
    assert hebrew(err.value)


def test_file_that_is_not_sqlite_refused(tmp_path):
    path = tmp_path / "clients.db"
    path.write_text("שם,טלפון\nכהן,050-1234567\n", encoding="utf-8")
    with pytest.raises(DatabaseOpenError) as err:
        open_database(path)
    assert "אינו מסד נתונים של גבייה" in str(err.value)
    assert path.read_text(encoding="utf-8").startswith("שם,טלפון")


def test_foreign_sqlite_database_refused(tmp_path):
    path = tmp_path / "other.db"
    raw(path, "CREATE TABLE songs (id INTEGER PRIMARY KEY, title TEXT)")
    with pytest.raises(DatabaseOpenError) as err:
        open_database(path)
    assert "תוכנה אחרת" in str(err.value)
    assert raw(path, "SELECT name FROM sqlite_master") == [("songs",)]


def test_newer_schema_refused(tmp_path):
    path = tmp_path / "g.db"
    make_database_with_data(path)
    raw(path, f"PRAGMA user_version = {schema_version() + 1}")
    with pytest.raises(DatabaseOpenError) as err:
        open_database(path)
    assert "חדשה יותר" in str(err.value) and str(schema_version() + 1) in str(err.value)
    assert raw(path, "PRAGMA user_version")[0][0] == schema_version() + 1


# ---- migrations of a database that holds data ---------------------------------------

MIGRATIONS = sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py"))


def build_at(path: Path, migration: Path) -> None:
    """A database at `migration`'s version, stamped like models.db.connection.migrate stamps it."""
    db = peewee.SqliteDatabase(str(path))
    db.connect()
    Runner(db, directory=str(MIGRATIONS_DIR)).up(target=migration.stem)
    db.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute_sql(f"PRAGMA user_version = {int(migration.name[:4])}")
    db.close()


# Rows in the tables of schema 1, which every later schema keeps.
SEED = [
    "INSERT INTO client (id, name, search_key, created_at)"
    " VALUES (1, 'כהן בע\"מ', 'כהן בע\"מ', 'x')",
    "INSERT INTO invoice (id, number, number_key, client_id, issue_date, due_date, amount_agorot,"
    " created_at) VALUES (1, '0012', '12', 1, '2026-01-01', '2026-03-02', 123450, 'x')",
    "INSERT INTO payment (id, client_id, date, amount_agorot, created_at)"
    " VALUES (1, 1, '2026-02-01', 50000, 'x')",
    "INSERT INTO allocation (invoice_id, payment_id, amount_agorot, applied_date)"
    " VALUES (1, 1, 50000, '2026-02-01')",
]
CHECK = ("SELECT c.name, i.number, i.amount_agorot, p.amount_agorot, a.amount_agorot "
         "FROM client c JOIN invoice i ON i.client_id = c.id JOIN payment p ON p.client_id = c.id "
         "JOIN allocation a ON a.invoice_id = i.id")
SEEDED = [('כהן בע"מ', "0012", 123450, 50000, 50000)]


def test_migration_0_to_1_on_an_empty_file(tmp_path):
    path = tmp_path / "g.db"
    with open_database(path) as opened:
        tables = {r[0] for r in opened.db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"client", "invoice", "payment", "allocation", "credit_note", "setting"} <= tables
    applied = [r[0] for r in raw(path, "SELECT name FROM schema_migration ORDER BY name")]
    assert applied == [m.stem for m in MIGRATIONS]


@pytest.mark.parametrize("previous, migration", list(zip(MIGRATIONS, MIGRATIONS[1:])),
                         ids=lambda m: m.stem)
def test_migration_keeps_data_and_leaves_a_verified_backup(tmp_path, previous, migration):
    path = tmp_path / "g.db"
    build_at(path, previous)
    for sql in SEED:
        raw(path, sql)
    with open_database(path) as opened:
        assert pragma(opened.db, "user_version") == schema_version()
        assert opened.db.execute_sql(CHECK).fetchall() == SEEDED
        assert integrity_check() == []
    (backup,) = list_backups(path)
    assert f"before-migration-{int(previous.name[:4])}-to-{schema_version()}" in backup.path.name
    assert raw(backup.path, "PRAGMA integrity_check") == [("ok",)]
    assert raw(backup.path, "PRAGMA user_version")[0][0] == int(previous.name[:4])
    assert raw(backup.path, CHECK) == SEEDED


def test_migration_chain_from_the_first_schema_keeps_data(tmp_path):
    """From schema 1 straight to the newest, through every migration in between."""
    path = tmp_path / "g.db"
    build_at(path, MIGRATIONS[0])
    for sql in SEED:
        raw(path, sql)
    with open_database(path):
        assert Client.select().count() == 1
    assert raw(path, CHECK) == SEEDED
    assert len(list_backups(path)) == (1 if len(MIGRATIONS) > 1 else 0)


# ---- backup and restore --------------------------------------------------------------

def test_backup_restore_round_trip(db, db_path):
    services.add_client(name="לפני הגיבוי")
    backup = backup_database(db.db, db_path)
    assert raw(backup, "PRAGMA integrity_check") == [("ok",)]
    services.add_client(name="אחרי הגיבוי")
    safety = restore_database(db.db, db_path, backup)
    assert [c.name for c in Client.select().order_by(Client.id)] == ["לפני הגיבוי"]
    # the state we replaced was saved first
    assert [r[0] for r in raw(safety, "SELECT name FROM client ORDER BY id")] == [
        "לפני הגיבוי", "אחרי הגיבוי"]
    assert integrity_check() == []
    services.add_client(name="אחרי השחזור")  # the database still works after restoring
    assert Client.select().count() == 2


def test_restore_of_an_older_schema_backup_migrates_it(db, db_path, tmp_path):
    old = tmp_path / "old-backup.db"
    build_at(old, MIGRATIONS[0])
    for sql in SEED:
        raw(old, sql)
    services.add_client(name="יוחלף")
    restore_database(db.db, db_path, old)
    assert pragma(db.db, "user_version") == schema_version()
    assert db.db.execute_sql(CHECK).fetchall() == SEEDED
    assert integrity_check() == []


@pytest.mark.parametrize("kind", ["text", "foreign", "truncated", "missing", "newer"])
def test_bad_backup_refused_and_nothing_changes(db, db_path, tmp_path, kind):
    services.add_client(name="נשאר")
    bad = tmp_path / "bad.db"
    if kind == "text":
        bad.write_text("not a backup")
    elif kind == "foreign":
        raw(bad, "CREATE TABLE t (x)")
    elif kind == "truncated":
        good = backup_database(db.db, db_path, dest=tmp_path / "good.db")
        bad.write_bytes(good.read_bytes()[:4096])
        good.unlink()
    elif kind == "newer":
        backup_database(db.db, db_path, dest=bad)
        raw(bad, f"PRAGMA user_version = {schema_version() + 1}")
    backups_before = list_backups(db_path)
    with pytest.raises(GviaError) as err:
        restore_database(db.db, db_path, bad)
    assert hebrew(err.value)
    assert [c.name for c in Client.select()] == ["נשאר"]
    assert list_backups(db_path) == backups_before  # not even a safety copy


def test_automatic_backup_once_a_day(db, db_path):
    first = backup_if_due(db.db, db_path)
    assert first is not None and first.exists()
    assert backup_if_due(db.db, db_path) is None
    assert [b.path for b in list_backups(db_path)] == [first]
