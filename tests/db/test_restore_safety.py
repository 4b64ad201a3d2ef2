"""Restore replaces nothing until the backup has passed every check, and any name works."""
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from models.common.errors import GviaError
from models.db.backup import backup_database, list_backups, restore_database
from models.db.connection import database
from models.db.opening import open_database
from models.ledger import services
from models.ledger.clients import Client

ROOT = Path(__file__).resolve().parents[2]
# SQLite's file copies; an office ledger's pg_dump backups: test_office_backup.py.
pytestmark = pytest.mark.sqlite_only


def raw(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def names() -> list[str]:
    return sorted(c.name for c in Client.select())


@pytest.fixture
def ledger(db, db_path):
    """A live ledger with two clients and an invoice, and a good backup of it."""
    import datetime as dt
    first = services.add_client(name="לקוח ראשון")
    services.add_client(name="לקוח שני")
    services.add_invoice(first.id, "1001", dt.date(2026, 1, 1), "500")
    return db


def _damage(kind: str, good: Path, bad: Path) -> None:
    bad.write_bytes(good.read_bytes())
    if kind == "trigger-removed":
        name = sqlite3.connect(bad).execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' LIMIT 1").fetchone()[0]
        raw(bad, f"DROP TRIGGER {name}")
    elif kind == "table-missing":
        raw(bad, "PRAGMA foreign_keys = OFF", "DROP TABLE promise")
    elif kind == "foreign-key-broken":
        raw(bad, "PRAGMA foreign_keys = OFF", "UPDATE invoice SET client_id = 999")
    elif kind == "index-dropped":
        name = sqlite3.connect(bad).execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "LIMIT 1").fetchone()[0]
        raw(bad, f"DROP INDEX {name}")
    elif kind == "column-added":
        raw(bad, "ALTER TABLE client ADD COLUMN secret TEXT")


@pytest.mark.parametrize("kind", ["trigger-removed", "table-missing", "foreign-key-broken",
                                  "index-dropped", "column-added"])
def test_tampered_backup_is_refused_and_nothing_changes(ledger, db_path, tmp_path, kind):
    good = backup_database(ledger.db, db_path, dest=tmp_path / "good.db")
    bad = tmp_path / f"{kind}.db"
    _damage(kind, good, bad)
    services.add_client(name="אחרי הגיבוי")
    before, backups_before = names(), list_backups(db_path)
    with pytest.raises(GviaError) as err:
        restore_database(ledger.db, db_path, bad)
    assert "נכשל בבדיקה" in str(err.value)
    assert names() == before
    assert list_backups(db_path) == backups_before  # not even a safety copy was needed
    assert not list(db_path.parent.glob("*.part"))


def _empty_ledger(path: Path, live) -> Path:
    """A new, empty Gvia ledger; the models are bound to the live one again after."""
    open_database(path).close()
    database.initialize(live.db)
    return path


def test_empty_backup_needs_an_explicit_yes(ledger, db_path, tmp_path):
    empty = _empty_ledger(tmp_path / "empty.db", ledger)
    with pytest.raises(GviaError) as err:
        restore_database(ledger.db, db_path, empty)
    assert "אינו מכיל אף לקוח" in str(err.value)
    assert len(names()) == 2
    restore_database(ledger.db, db_path, empty, allow_empty=True)
    assert names() == []


def test_empty_backup_over_the_command_line_needs_force(tmp_path):
    live, empty = tmp_path / "gvia.db", tmp_path / "empty.db"
    with open_database(live):
        services.add_client(name="נשאר")
    open_database(empty).close()
    main = [sys.executable, str(ROOT / "main.py"), "restore", "--db", str(live),
            "--from", str(empty)]
    refused = subprocess.run(main, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    with open_database(live, read_only=True):
        assert names() == ["נשאר"]
    forced = subprocess.run(main + ["--force"], capture_output=True, text=True, timeout=120)
    assert forced.returncode == 0, forced.stderr
    with open_database(live, read_only=True):
        assert names() == []


def test_backup_with_another_page_size_is_restored(ledger, db_path, tmp_path):
    odd = tmp_path / "odd-pages.db"
    conn = sqlite3.connect(odd)
    src = sqlite3.connect(backup_database(ledger.db, db_path, dest=tmp_path / "g.db"))
    src.backup(conn)
    src.close()
    conn.execute("PRAGMA journal_mode = delete")  # a page size can change only outside WAL
    conn.execute("PRAGMA page_size = 8192")
    conn.execute("VACUUM")
    assert conn.execute("PRAGMA page_size").fetchone()[0] == 8192
    conn.close()
    services.add_client(name="יוחלף")
    restore_database(ledger.db, db_path, odd)
    assert names() == ["לקוח ראשון", "לקוח שני"]
    services.add_client(name="אחרי השחזור")  # the live ledger goes on working
    assert len(names()) == 3


@pytest.mark.parametrize("name", ["גיבוי #1.db", "what?.db", "100% נכון.db", "a b&c=d.db"])
def test_any_file_name_the_system_allows_works(ledger, db_path, tmp_path, name):
    copy = backup_database(ledger.db, db_path, dest=tmp_path / name)
    services.add_client(name="יוחלף")
    restore_database(ledger.db, db_path, copy)
    assert names() == ["לקוח ראשון", "לקוח שני"]


def test_restored_ledger_is_still_claimed_by_this_copy(ledger, db_path, tmp_path):
    copy = backup_database(ledger.db, db_path, dest=tmp_path / "copy.db")
    assert sqlite3.connect(copy).execute("SELECT count(*) FROM gvia_writer").fetchone() == (0,)
    restore_database(ledger.db, db_path, copy)
    from models.common.errors import DatabaseLockedError
    with pytest.raises(DatabaseLockedError):
        open_database(db_path)
    assert database.obj is ledger.db
