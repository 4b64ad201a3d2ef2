"""Start-up integrity checking: full on small files and after a crash, deferred on big ones."""
import sqlite3

import pytest

from models.common.errors import DatabaseOpenError
from models.db import connection as dbmod
from models.db import opening as dbopen


def _corrupt_a_data_page(path):
    """Overwrite a page deep in the file (not the header, not the schema)."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with open(path, "r+b") as fh:
        fh.seek(page_size * (pages - 2))
        fh.write(b"\xff" * page_size)


def _make_db_with_rows(path):
    from models.ledger import services
    opened = dbopen.open_database(path)
    client = services.add_client(name="לקוח לבדיקה")
    for n in range(400):
        services.add_client(name=f"לקוח {n} " + "x" * 150)
    opened.close()
    return client


def _writer_rows(path):
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT host, pid FROM gvia_writer").fetchall()
    finally:
        conn.close()


def test_clean_close_gives_the_claim_back(db_path):
    import os
    opened = dbopen.open_database(db_path)
    assert [pid for _host, pid in _writer_rows(db_path)] == [os.getpid()]
    opened.close()
    assert _writer_rows(db_path) == []


def test_big_file_opens_without_full_scan_and_is_checked_later(db_path, monkeypatch):
    _make_db_with_rows(db_path)
    _corrupt_a_data_page(db_path)
    monkeypatch.setattr(dbopen, "QUICK_CHECK_MAX_BYTES", 0)  # every file counts as big
    opened = dbopen.open_database(db_path)
    try:
        assert opened.checked_fully is False
        assert dbmod.quick_check(), "the deferred check must still find the damage"
    finally:
        opened.close()


def test_after_a_crash_even_a_big_file_is_fully_checked(db_path, monkeypatch):
    _make_db_with_rows(db_path)
    _corrupt_a_data_page(db_path)
    conn = sqlite3.connect(db_path)  # what a crash leaves behind: the claim of a dead process
    conn.execute("INSERT INTO gvia_writer VALUES (1, 'vm', 999999999, 0, '2026-01-01T00:00:00', 'x')")
    conn.commit()
    conn.close()
    monkeypatch.setattr(dbopen, "QUICK_CHECK_MAX_BYTES", 0)
    with pytest.raises(DatabaseOpenError, match="בדיקת התקינות"):
        dbopen.open_database(db_path)


def test_small_damaged_file_is_refused_at_open(db_path):
    _make_db_with_rows(db_path)
    _corrupt_a_data_page(db_path)
    with pytest.raises(DatabaseOpenError):
        dbopen.open_database(db_path)
