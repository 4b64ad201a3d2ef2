"""models.db.schema_check on real database files: a fresh ledger is clean; every change a
foreign tool could make to its schema, its references or its files is named."""
import dataclasses
import datetime as dt
import sqlite3

import peewee
import pytest
from playhouse.migrations import Runner

from models.contact.contact_log import log_contact
from models.db import connection as dbmod
from models.db import schema_check as sc
from models.letters.archive import LetterRecord, record_letters

# SQLite's own check (sqlite_master, PRAGMAs, files beside the ledger): once, on SQLite.
# The server's check is tests/db/test_office_check.py.
pytestmark = pytest.mark.sqlite_only


def _raw(db):
    return db.db.connection()


def test_a_fresh_database_matches_the_migrations(db, db_path):
    assert sc.schema_differences(_raw(db)) == []
    assert sc.check_database(db.db) == []
    assert sc.check_database(db_path) == []


def test_the_expected_schema_is_the_migrations_own(db):
    expected = sc.expected_schema()
    assert {"invoice", "contact_log", "settlement", sc.HISTORY_TABLE} <= expected.tables.keys()
    assert {"contact_log_no_update", "invoice_no_delete", "allocation_paid_new"} <= \
        expected.triggers.keys()
    assert len(expected.migrations) == len(list(dbmod.MIGRATIONS_DIR.glob("[0-9]*.py")))
    assert sc.expected_schema() is expected  # computed once per process


def test_a_dropped_trigger_is_named(db):
    _raw(db).execute("DROP TRIGGER invoice_no_delete")
    lines = sc.schema_differences(_raw(db))
    assert len(lines) == 1
    assert "הטריגר invoice_no_delete חסר" in lines[0] and "מחוץ לגבייה" in lines[0]


def test_an_added_column_is_named(db):
    _raw(db).execute("ALTER TABLE client ADD COLUMN secret TEXT")
    lines = sc.schema_differences(_raw(db))
    assert len(lines) == 1
    assert "בטבלה client נוספה העמודה secret" in lines[0]


def test_a_dropped_index_is_named(db):
    _raw(db).execute("DROP INDEX invoice_unpaid")
    lines = sc.schema_differences(_raw(db))
    assert len(lines) == 1 and "האינדקס invoice_unpaid חסר" in lines[0]


def test_a_rewritten_trigger_is_named(db):
    """Same name, a WHEN that never holds: the guard is there and guards nothing."""
    conn = _raw(db)
    conn.execute("DROP TRIGGER contact_log_no_update")
    conn.execute("""CREATE TRIGGER contact_log_no_update BEFORE UPDATE ON contact_log WHEN 0
        BEGIN SELECT RAISE(ABORT, 'append-only: contact_log rows cannot be changed'); END""")
    lines = sc.schema_differences(conn)
    assert len(lines) == 1 and "הטריגר contact_log_no_update שונה" in lines[0]


def test_layout_alone_is_not_a_difference(db):
    conn = _raw(db)
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'invoice_no_delete'").fetchone()
    conn.execute("DROP TRIGGER invoice_no_delete")
    conn.execute(sql.replace(" ", "\n   ").replace("BEGIN", "BEGIN\t"))
    assert sc.schema_differences(conn) == []


def test_extra_and_altered_tables_are_named(db):
    conn = _raw(db)
    conn.execute("CREATE TABLE notes_on_the_side (x TEXT)")
    conn.execute("CREATE INDEX client_phone ON client (phone)")
    conn.execute("DROP TABLE setting")
    conn.execute("CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT)")  # NOT NULL gone
    lines = "\n".join(sc.schema_differences(conn))
    assert "נמצאה טבלה notes_on_the_side" in lines
    assert "נמצא אינדקס client_phone על הטבלה client" in lines
    assert "העמודה value בטבלה setting שונתה" in lines


def test_a_missing_table_and_a_missing_migration_record_are_named(db):
    conn = _raw(db)
    conn.execute("DROP TABLE deposit_request")
    conn.execute(f"DELETE FROM {sc.HISTORY_TABLE} WHERE name LIKE '0009%'")
    lines = "\n".join(sc.schema_differences(conn))
    assert "הטבלה deposit_request (בקשות המקדמה) חסרה" in lines
    assert "העדכון 0009_evidence_guards של מבנה הקובץ אינו רשום כמבוצע" in lines


def test_a_file_of_an_older_schema_is_compared_with_that_schema(tmp_path):
    """A backup made before 0009 (about to be restored and migrated) is not blamed for
    lacking what 0009 adds, nor for holding an object a later migration defines exactly;
    a trigger dropped from it still is."""
    path = tmp_path / "backup.db"
    raw = peewee.SqliteDatabase(str(path))
    raw.connect()
    Runner(raw, directory=str(dbmod.MIGRATIONS_DIR)).up(target="0008_aging_unpaid_by_client")
    raw.execute_sql(f"PRAGMA application_id = {dbmod.APPLICATION_ID}")
    raw.execute_sql("PRAGMA user_version = 8")
    conn = raw.connection()
    assert sc.schema_differences(conn) == []
    later = sc.expected_schema().triggers.keys() - sc.expected_schema(8).triggers.keys()
    mem = peewee.SqliteDatabase(":memory:")
    dbmod.migrate(mem)
    name = sorted(later)[0]
    (sql,) = mem.connection().execute("SELECT sql FROM sqlite_master WHERE name = ?",
                                      (name,)).fetchone()
    conn.execute(sql)
    assert sc.schema_differences(conn) == []
    conn.execute("DROP TRIGGER contact_log_no_delete")
    lines = sc.schema_differences(conn)
    assert len(lines) == 1 and "contact_log_no_delete" in lines[0]
    raw.close()
    mem.close()


def test_a_foreign_key_violation_is_named_in_words(db, client, db_path):
    foreign = sqlite3.connect(db_path, isolation_level=None)  # foreign_keys off, as a tool
    foreign.execute("INSERT INTO invoice (id, number, number_key, client_id, issue_date, "
                    "due_date, amount_agorot, created_at) VALUES (50, '1', '1', 999, "
                    "'2026-01-01', '2026-02-01', 100, '2026-01-01T00:00:00')")
    foreign.close()
    lines = sc.foreign_key_problems(_raw(db))
    assert lines == ["בטבלת החשבוניות (invoice), שורה 50: העמודה client_id מפנה לרשומה 999 "
                     "בטבלת הלקוחות (client), שאינה קיימת."]
    assert lines[0] in sc.check_database(db.db)


def _attach(client, tmp_path, content=b"signed delivery note"):
    source = tmp_path / "delivery.pdf"
    source.write_bytes(content)
    entry = log_contact(client.id, dt.datetime(2026, 7, 3, 10, 0), "phone", attachments=[source])
    return entry, entry.attachments[0].path()


def test_an_untouched_attachment_passes(db, client, tmp_path, db_path):
    _attach(client, tmp_path)
    assert sc.attachment_problems(_raw(db), db_path.parent) == []


def test_a_tampered_attachment_is_named(db, client, tmp_path, db_path):
    entry, stored = _attach(client, tmp_path)
    stored.write_bytes(b"signed delivery note, amended")
    lines = sc.attachment_problems(_raw(db), db_path.parent)
    assert len(lines) == 1
    assert "'delivery.pdf'" in lines[0] and f"רשומת התיעוד {entry.id}" in lines[0]
    assert "sha256" in lines[0]


def test_same_size_different_content_is_still_caught(db, client, tmp_path, db_path):
    _, stored = _attach(client, tmp_path, b"pay 100")
    stored.write_bytes(b"pay 900")
    assert len(sc.attachment_problems(_raw(db), db_path.parent)) == 1


def test_a_missing_attachment_is_named(db, client, tmp_path, db_path):
    _, stored = _attach(client, tmp_path)
    stored.unlink()
    lines = sc.check_database(db.db)
    assert len(lines) == 1 and "חסר" in lines[0] and "'delivery.pdf'" in lines[0]


def test_an_attachment_row_pointing_outside_the_folder_is_named(db, client, tmp_path, db_path):
    entry, _ = _attach(client, tmp_path)
    foreign = sqlite3.connect(db_path, isolation_level=None)
    foreign.execute("INSERT INTO contact_attachment (entry_id, original_name, stored_path, "
                    "size_bytes, sha256) VALUES (?, 'x', '../../etc/passwd', 1, 'ab')",
                    (entry.id,))
    foreign.close()
    lines = sc.attachment_problems(_raw(db), db_path.parent)
    assert len(lines) == 1 and "מחוץ לתיקיית הנתונים" in lines[0]


def test_a_missing_letter_pdf_is_named_once_per_file(db, client, db_path):
    record = LetterRecord(client.id, "reminder", dt.date(2026, 7, 5), dt.date(2026, 7, 5),
                          "תזכורת", 100000, "ILS", None, "2026/batch.pdf", 1, 1)
    record_letters([record, dataclasses.replace(record, first_page=2)])
    lines = sc.attachment_problems(_raw(db), db_path.parent)
    assert len(lines) == 1 and "2 מכתבים" in lines[0] and "2026/batch.pdf" in lines[0]
    pdf = db_path.parent / "letters" / "2026" / "batch.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF-1.4")
    assert sc.attachment_problems(_raw(db), db_path.parent) == []


def test_check_database_never_raises(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 200)
    lines = sc.check_database(junk)
    assert len(lines) == 1 and "לא ניתן לקרוא" in lines[0]
    assert sc.check_database(tmp_path / "absent.db") == [
        f"הקובץ {tmp_path / 'absent.db'} לא נמצא או שאינו קובץ."]
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    lines = sc.check_database(other)
    assert len(lines) == 1 and "application_id" in lines[0]


def test_damage_is_reported_not_raised(db, client, tmp_path):
    """Pages overwritten on disk: integrity_check (or reading at all) names it."""
    for _ in range(200):
        log_contact(client.id, dt.datetime(2026, 7, 3, 10, 0), "phone", summary="שיחה " * 50)
    copy = tmp_path / "copy.db"
    _raw(db).execute(f"VACUUM INTO '{copy}'")
    data = bytearray(copy.read_bytes())
    page = 4096
    data[page * 3: page * 6] = b"\xff" * (page * 3)
    copy.write_bytes(bytes(data))
    lines = sc.check_database(copy)
    assert lines and all(isinstance(line, str) for line in lines)
    assert any("נזק" in line or "פגום" in line for line in lines)
