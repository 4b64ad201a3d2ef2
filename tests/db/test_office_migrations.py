"""Every migration on PostgreSQL, one at a time: a database at the schema just before it,
holding a little of every kind of row that schema has, is migrated by
`models.db.postgres.opening.migrate(target=...)`; every row is still there as it was,
and what the migration adds works (its own check below). The SQLite side of the same
migrations is tested by test_migration_00NN.py and test_open_database.py.

Then the parity of the two engines: after all migrations every table has the same
columns in the same order, and the same indexes by name."""
from __future__ import annotations

import datetime as dt
import sqlite3

import peewee
import pytest

from models.db import connection as dbmod
from models.db.postgres.connection import OfficeDatabase
from models.db.postgres.opening import migrate

MIGRATIONS = dbmod.migration_names()
# Tables one engine has and the other has not, on purpose: the writer's claim is SQLite's
# (0010: on a server the transactions keep people apart); the kept files are the
# server's (0015: on SQLite they are files beside the ledger).
SQLITE_ONLY_TABLES = {"gvia_writer"}
OFFICE_ONLY_TABLES = {"stored_file"}


def _previous(name: str) -> str | None:
    earlier = [n for n in MIGRATIONS if n < name]
    return earlier[-1] if earlier else None


def _version(name: str | None) -> int:
    return int(name[:4]) if name else 0


# ---- a little of every kind of row, as the schema of `version` takes it ------------------
# The ids start at 1001: a check's own rows, inserted without an id, take 1, 2, ...

def _blocks() -> dict[int, list[str]]:
    """The rows, by the schema version that first takes them."""
    blocks = {1: [
        "INSERT INTO setting (key, value) VALUES ('business_name', 'סטודיו')",
        "INSERT INTO client (id, name, search_key, kind, created_at) VALUES "
        "(1007, 'ותיק בע\"מ', 'ותיק בע\"מ', 'company', '2025-01-01T00:00:00'), "
        "(1008, 'שני', 'שני', 'person', '2025-01-02T00:00:00')",
        "INSERT INTO contact_person (id, client_id, name) VALUES (1001, 1007, 'רונית')",
        "INSERT INTO invoice (id, number, number_key, client_id, issue_date, due_date, "
        "amount_agorot, created_at) VALUES "
        "(1001, '55', '55', 1007, '2026-09-01', '2026-10-01', 100000, '2026-09-01T00:00:00'), "
        "(1002, '56', '56', 1007, '2026-09-02', '2026-10-02', 50000, '2026-09-02T00:00:00'), "
        "(1003, '57', '57', 1008, '2026-09-03', '2026-10-03', 20000, '2026-09-03T00:00:00')",
        "INSERT INTO credit_note (id, number, number_key, client_id, invoice_id, date, "
        "amount_agorot, created_at) VALUES "
        "(1001, 'Z1', 'z1', 1007, 1001, '2026-10-04', 5000, '2026-10-04T00:00:00')",
        "INSERT INTO payment (id, client_id, date, amount_agorot, method, reference, "
        "check_number, check_date, bounced_date, created_at) VALUES "
        "(1001, 1007, '2026-10-05', 40000, 'transfer', 'RF-1', '', NULL, NULL, "
        "'2026-10-05T00:00:00'), "
        "(1002, 1007, '2026-10-06', 50000, 'check', NULL, '123', '2026-10-06', '2026-10-20', "
        "'2026-10-06T00:00:00')",
        "INSERT INTO allocation (id, invoice_id, payment_id, credit_note_id, amount_agorot, "
        "applied_date, reversed_date) VALUES "
        "(1001, 1001, 1001, NULL, 40000, '2026-10-05', NULL), "
        "(1002, 1002, 1002, NULL, 50000, '2026-10-06', '2026-10-20'), "
        "(1003, 1001, NULL, 1001, 5000, '2026-10-04', NULL)",
    ]}
    blocks[2] = [
        "INSERT INTO letter (id, client_id, kind, letter_date, as_of, subject, "
        "amount_agorot, file_path, created_at) VALUES (1001, 1007, 'reminder', "
        "'2026-10-10', '2026-10-10', 'תזכורת', 60000, '2026/a.pdf', '2026-10-10T00:00:00')",
        "INSERT INTO registered_mail (id, letter_id, registered_number, sent_date) "
        "VALUES (1001, 1001, 'RR123456789IL', '2026-10-11')",
    ]
    blocks[4] = [
        "INSERT INTO contact_log (id, client_id, occurred_at, recorded_at, channel, "
        "direction, summary, follow_up_date) VALUES (1001, 1007, '2026-10-12T10:00', "
        "'2026-10-12T10:05:00', 'phone', 'out', 'הבטיחו לשלם', '2026-10-20')",
        "INSERT INTO contact_attachment (id, entry_id, original_name, stored_path, "
        "size_bytes, sha256) VALUES (1001, 1001, 'scan.pdf', 'attachments/1007/1001-1-"
        "scan.pdf', 10, 'ab')",
        "INSERT INTO promise (id, client_id, entry_id, made_date, promised_date, "
        "amount_agorot) VALUES (1001, 1007, 1001, '2026-10-12', '2026-10-30', 60000)",
        "INSERT INTO client_status_change (id, client_id, entry_id, changed_date, "
        "old_status, new_status, reason) VALUES (1001, 1007, 1001, '2026-10-12', "
        "'active', 'in_collection', 'לא שילם')",
    ]
    blocks[6] = [
        "INSERT INTO deposit_request (id, client_id, description, amount_agorot, "
        "requested_date, due_date, created_at) VALUES (1001, 1008, 'מקדמה', 10000, "
        "'2026-10-01', '2026-10-15', '2026-10-01T00:00:00')"]
    blocks[7] = [
        "INSERT INTO negotiation (id, client_id, opened_date, opening_agorot, created_at) "
        "VALUES (1001, 1007, '2026-10-13', 60000, '2026-10-13T00:00:00')",
        "INSERT INTO settlement (id, client_id, negotiation_id, agreement_date, "
        "debt_agorot, final_date, created_at) VALUES (1001, 1007, 1001, '2026-10-14', "
        "60000, '2026-12-14', '2026-10-14T00:00:00')",
        "INSERT INTO settlement_invoice (settlement_id, invoice_id) VALUES (1001, 1001)",
        "INSERT INTO settlement_instalment (id, settlement_id, seq, due_date, "
        "amount_agorot) VALUES (1001, 1001, 1, '2026-11-14', 30000), "
        "(1002, 1001, 2, '2026-12-14', 30000)",
        "INSERT INTO settlement_point (id, settlement_id, position, text, is_agreed) "
        "VALUES (1001, 1001, 1, 'ריבית לא תיגבה', 1)",
        "UPDATE settlement SET status = 'signed', signed_date = '2026-10-14' "
        "WHERE id = 1001",
        "INSERT INTO case_record (id, client_id, kind, record_date, subject, created_at) "
        "VALUES (1001, 1007, 'dispute', '2026-10-15', 'טענה', '2026-10-15T00:00:00')",
        "INSERT INTO client_relation (id, client_id, side, name, role, created_at) "
        "VALUES (1001, 1007, 'client', 'רונית', 'pays', '2026-10-15T00:00:00')",
        "INSERT INTO collection_expense (id, client_id, expense_date, amount_agorot, "
        "description, created_at) VALUES (1001, 1007, '2026-10-15', 2500, 'דואר רשום', "
        "'2026-10-15T00:00:00')",
    ]
    blocks[11] = [
        "INSERT INTO settlement_event (id, settlement_id, kind, event_date, reason, "
        "recorded_at) VALUES (1001, 1001, 'breach', '2026-11-20', '', "
        "'2026-11-20T00:00:00')"]
    return blocks


def _insert(db: OfficeDatabase, version: int) -> None:
    """The rows schema `version` first takes (a check of the migration that adds them)."""
    with db.atomic():
        for sql in _blocks()[version]:
            db.execute_sql(sql)


def _seed(db: OfficeDatabase, version: int) -> None:
    for first in sorted(_blocks()):
        if first <= version:
            _insert(db, first)


def _tables(db: OfficeDatabase) -> list[str]:
    return [name for (name,) in db.execute_sql(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
        "ORDER BY table_name")]


def _columns(db: OfficeDatabase, table: str) -> list[str]:
    return [name for (name,) in db.execute_sql(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = ? ORDER BY ordinal_position", (table,))]


def _contents(db: OfficeDatabase, columns: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """Each table's rows, in the columns named (those of the schema before)."""
    return {table: db.execute_sql(
                f"SELECT {', '.join(names)} FROM {table} ORDER BY {', '.join(names)}").fetchall()
            for table, names in columns.items()}


def _indexes(db: OfficeDatabase, table: str) -> dict[str, str]:
    return dict(db.execute_sql("SELECT indexname, indexdef FROM pg_indexes WHERE "
                               "schemaname = current_schema() AND tablename = ?", (table,)))


def _refused(db: OfficeDatabase, sql: str, *params, error=peewee.IntegrityError,
             match: str | None = None) -> None:
    with pytest.raises(error, match=match):
        with db.atomic():
            db.execute_sql(sql, params)


def _one(db: OfficeDatabase, sql: str, *params):
    return db.execute_sql(sql, params).fetchone()


# ---- what each migration must do ------------------------------------------------------------

def _0001(db):
    assert {"setting", "client", "contact_person", "invoice", "credit_note", "payment",
            "allocation"} <= set(_tables(db))
    with db.atomic():
        (new_id,) = _one(db, "INSERT INTO client (name, search_key, created_at) VALUES "
                             "('חדש', 'חדש', '2026-01-01T00:00:00') RETURNING id")
    assert new_id == 1  # an identity column, as SQLite's INTEGER PRIMARY KEY
    _refused(db, "INSERT INTO invoice (number, number_key, client_id, issue_date, due_date, "
                 "amount_agorot, created_at) VALUES ('1', '1', 1, '2026-01-01', '2026-01-01', "
                 "0, 'x')")  # no invoice of nothing
    _refused(db, "INSERT INTO invoice (number, number_key, client_id, issue_date, due_date, "
                 "amount_agorot, created_at) VALUES ('1', '1', 99, '2026-01-01', '2026-01-01', "
                 "5, 'x')")  # nor of a client that is not there
    _refused(db, "INSERT INTO allocation (invoice_id, payment_id, credit_note_id, "
                 "amount_agorot, applied_date) VALUES (1001, NULL, NULL, 5, '2026-01-01')")
    assert _one(db, "SELECT data_type FROM information_schema.columns WHERE table_name = "
                    "'invoice' AND column_name = 'amount_agorot'") == ("bigint",)


def _0002(db):
    assert {"letter", "registered_mail"} <= set(_tables(db))
    with db.atomic():
        db.execute_sql("INSERT INTO letter (client_id, kind, letter_date, as_of, file_path, "
                       "created_at) VALUES (1007, 'reminder', '2026-10-01', '2026-10-01', "
                       "'b.pdf', 'x')")
        db.execute_sql("INSERT INTO registered_mail (letter_id, registered_number, sent_date) "
                       "VALUES (1, 'RR1IL', '2026-10-02')")
    _refused(db, "INSERT INTO registered_mail (letter_id, registered_number, sent_date) "
                 "VALUES (1, 'RR2IL', '2026-10-03')")  # one register line per letter
    _refused(db, "UPDATE registered_mail SET receipt_date = '2026-10-05', "
                 "refused_date = '2026-10-05' WHERE letter_id = 1")


def _0003(db):
    invoice = _indexes(db, "invoice")["invoice_client_currency"]
    assert "(client_id, currency, due_date, issue_date, cancelled_date, amount_agorot)" in invoice
    payment = _indexes(db, "payment")["payment_client_currency"]
    assert "(client_id, currency, date, check_date, bounced_date, amount_agorot)" in payment


def _0004(db):
    _insert(db, 4)
    assert {"contact_log", "contact_attachment", "promise", "client_status_change"} <= \
        set(_tables(db))
    assert {"payment_post_dated", "allocation_open"} <= _indexes(db, "payment").keys() | \
        _indexes(db, "allocation").keys()
    for table in ("contact_log", "contact_attachment", "promise", "client_status_change"):
        _refused(db, f"UPDATE {table} SET id = id WHERE id = 1001", match="append-only")
        _refused(db, f"DELETE FROM {table} WHERE id = 1001", match="append-only")
        _refused(db, f"TRUNCATE {table} CASCADE", match="never deleted")
    with db.atomic():  # a correction is a new row
        db.execute_sql("INSERT INTO contact_log (client_id, occurred_at, recorded_at, channel, "
                       "direction, summary, corrects_id) VALUES (1007, '2026-10-12T10:00', "
                       "'2026-10-13T09:00:00', 'phone', 'out', 'תיקון', 1001)")
    assert _one(db, "SELECT count(*) FROM contact_log") == (2,)


def _drift(db) -> list[tuple]:
    """Invoices whose kept paid columns differ from their allocations."""
    return [row for row in db.execute_sql(
        "SELECT i.id, i.paid_agorot, i.paid_changed_date, "
        "(SELECT COALESCE(SUM(amount_agorot), 0) FROM allocation "
        " WHERE invoice_id = i.id AND reversed_date IS NULL), "
        "(SELECT CAST(GREATEST(MAX(applied_date), MAX(reversed_date)) AS text) "
        " FROM allocation WHERE invoice_id = i.id) FROM invoice i") if row[1:3] != row[3:5]]


def _0005(db):
    paid = dict((i, (p, d)) for i, p, d in db.execute_sql(
        "SELECT id, paid_agorot, paid_changed_date FROM invoice"))
    # Filled from the allocations already there: the bounced check does not count.
    assert paid == {1001: (45000, "2026-10-05"), 1002: (0, "2026-10-20"), 1003: (0, None)}
    indexes = _indexes(db, "invoice").keys() | _indexes(db, "allocation").keys()
    assert {"invoice_unpaid", "invoice_paid_changed"} <= indexes
    assert "allocation_invoice_id" not in indexes
    # And kept by the triggers afterwards, whatever writes the allocations.
    with db.atomic():
        db.execute_sql("INSERT INTO allocation (invoice_id, payment_id, amount_agorot, "
                       "applied_date) VALUES (1003, 1001, 20000, '2026-10-25')")
    assert _one(db, "SELECT paid_agorot, paid_changed_date FROM invoice WHERE id = 1003") == \
        (20000, "2026-10-25")
    with db.atomic():
        db.execute_sql("UPDATE allocation SET reversed_date = '2026-10-28' WHERE id = 1001")
        db.execute_sql("UPDATE allocation SET invoice_id = 1002 WHERE id = 1")
    assert _one(db, "SELECT paid_agorot, paid_changed_date FROM invoice WHERE id = 1001") == \
        (5000, "2026-10-28")
    with db.atomic():  # deleting still allowed at this schema (0009 forbids it)
        db.execute_sql("DELETE FROM allocation WHERE id = 1003")
    assert _drift(db) == []
    assert _one(db, "SELECT paid_agorot FROM invoice WHERE id = 1001") == (0,)


def _0006(db):
    _insert(db, 6)
    assert "deposit_request_open" in _indexes(db, "deposit_request")
    with db.atomic():
        db.execute_sql("UPDATE deposit_request SET status = 'received', payment_id = 1001, "
                       "received_date = '2026-10-05' WHERE id = 1001")
    _refused(db, "UPDATE deposit_request SET status = 'lost' WHERE id = 1001")
    _refused(db, "UPDATE deposit_request SET due_date = '2026-09-01' WHERE id = 1001")


def _sign_a_settlement(db) -> None:
    with db.atomic():
        db.execute_sql("INSERT INTO settlement (id, client_id, agreement_date, debt_agorot, "
                       "final_date, created_at) VALUES (1, 1007, '2026-10-14', 50000, "
                       "'2026-12-14', 'x')")
        db.execute_sql("INSERT INTO settlement_invoice (settlement_id, invoice_id) "
                       "VALUES (1, 1002)")
        db.execute_sql("INSERT INTO settlement_instalment (id, settlement_id, seq, due_date, "
                       "amount_agorot) VALUES (1, 1, 1, '2026-11-14', 50000)")
        db.execute_sql("INSERT INTO settlement_point (id, settlement_id, position, text) "
                       "VALUES (1, 1, 1, 'נקודה')")
        db.execute_sql("UPDATE settlement SET status = 'signed', signed_date = '2026-10-14' "
                       "WHERE id = 1")


def _0007(db):
    _sign_a_settlement(db)
    signed = "settlement is signed"
    _refused(db, "UPDATE settlement SET discount_agorot = 100 WHERE id = 1", match=signed)
    _refused(db, "DELETE FROM settlement WHERE id = 1", match=signed)
    _refused(db, "UPDATE settlement_instalment SET amount_agorot = 1 WHERE id = 1",
             match=signed)
    _refused(db, "DELETE FROM settlement_point WHERE id = 1", match=signed)
    _refused(db, "INSERT INTO settlement_invoice (settlement_id, invoice_id) VALUES (1, 1003)",
             match=signed)
    for table in ("settlement", "settlement_invoice", "settlement_instalment",
                  "settlement_point"):
        _refused(db, f"TRUNCATE {table} CASCADE", match=signed)
    with db.atomic():  # it can be cancelled, once
        db.execute_sql("UPDATE settlement SET status = 'cancelled', cancelled_date = "
                       "'2026-11-01' WHERE id = 1")
    _refused(db, "UPDATE settlement SET cancelled_date = '2026-11-02' WHERE id = 1",
             match=signed)
    with db.atomic():  # a draft stays free
        db.execute_sql("INSERT INTO settlement (id, client_id, agreement_date, debt_agorot, "
                       "final_date, created_at) VALUES (2, 1008, '2026-10-14', 20000, "
                       "'2026-12-14', 'x')")
        db.execute_sql("INSERT INTO settlement_invoice (settlement_id, invoice_id) "
                       "VALUES (2, 1003)")
        db.execute_sql("DELETE FROM settlement_invoice WHERE settlement_id = 2")
        db.execute_sql("DELETE FROM settlement WHERE id = 2")


def _0008(db):
    index = _indexes(db, "invoice")["invoice_unpaid_client"]
    assert "(client_id, currency, issue_date, due_date" in index
    assert "WHERE (paid_agorot <> amount_agorot)" in index


def _0009(db):
    for table in ("invoice", "credit_note", "payment", "allocation", "letter",
                  "registered_mail"):
        _refused(db, f"DELETE FROM {table} WHERE id = 1001", match="never deleted")
        _refused(db, f"TRUNCATE {table} CASCADE", match="never deleted")
    for table in ("invoice", "credit_note", "payment", "allocation"):
        _refused(db, f"UPDATE {table} SET id = 999999 WHERE id = 1001", match="keeps its id")
    with db.atomic():  # a draft's rows may change, but never their ids
        db.execute_sql("INSERT INTO settlement (id, client_id, agreement_date, debt_agorot, "
                       "final_date, created_at) VALUES (1, 1008, '2026-10-14', 20000, "
                       "'2026-12-14', 'x')")
        db.execute_sql("INSERT INTO settlement_instalment (id, settlement_id, seq, due_date, "
                       "amount_agorot) VALUES (1, 1, 1, '2026-11-14', 20000)")
        db.execute_sql("INSERT INTO settlement_point (id, settlement_id, position, text) "
                       "VALUES (1, 1, 1, 'נקודה')")
        db.execute_sql("UPDATE settlement_point SET text = 'נקודה אחרת' WHERE id = 1")
    for table in ("settlement", "settlement_instalment", "settlement_point"):
        _refused(db, f"UPDATE {table} SET id = 999999 WHERE id = 1", match="keeps its id")
    _refused(db, "UPDATE letter SET subject = 'אחר' WHERE id = 1001", match="as it was sent")
    with db.atomic():  # money rows take the app's changes: a bounced check
        db.execute_sql("UPDATE payment SET bounced_date = '2026-10-30' WHERE id = 1001")
        db.execute_sql("UPDATE allocation SET reversed_date = '2026-10-30' WHERE id = 1001")
        db.execute_sql("UPDATE registered_mail SET receipt_date = '2026-10-15' "
                       "WHERE id = 1001")
    _refused(db, "UPDATE registered_mail SET receipt_date = '2026-10-16' WHERE id = 1001",
             match="only a receipt or a refusal")
    _refused(db, "UPDATE registered_mail SET notes = 'x' WHERE id = 1001",
             match="only a receipt or a refusal")
    # The upsert, PostgreSQL's one way to "replace", is an UPDATE: refused on evidence.
    _refused(db, "INSERT INTO contact_log (id, client_id, occurred_at, recorded_at, channel, "
                 "direction) VALUES (1001, 1007, 'x', 'x', 'phone', 'in') ON CONFLICT (id) "
                 "DO UPDATE SET summary = 'שונה'", match="append-only")


def _0010(db):
    assert "gvia_writer" not in _tables(db)  # one writer at a time is SQLite's rule only
    assert _one(db, "SELECT count(*) FROM schema_migration WHERE name = '0010_writer_lock'") \
        == (1,)


def _0011(db):
    assert "settlement_event_settlement" in _indexes(db, "settlement_event")
    with db.atomic():
        db.execute_sql("INSERT INTO settlement_event (settlement_id, kind, event_date, "
                       "contact_log_id, recorded_at) VALUES (1001, 'breach', '2026-11-20', "
                       "1001, 'x')")
    _sign_a_settlement(db)
    with db.atomic():
        db.execute_sql("INSERT INTO settlement (id, client_id, agreement_date, debt_agorot, "
                       "final_date, created_at) VALUES (2, 1008, '2026-10-14', 20000, "
                       "'2026-12-14', 'x')")
    _refused(db, "INSERT INTO settlement_event (settlement_id, kind, event_date, recorded_at) "
                 "VALUES (2, 'breach', '2026-11-20', 'x')", match="only a signed settlement")
    _refused(db, "INSERT INTO settlement_event (settlement_id, kind, event_date, recorded_at) "
                 "VALUES (1, 'forgiven', '2026-11-20', 'x')")
    _refused(db, "UPDATE settlement_event SET reason = 'x' WHERE id = 1", match="never change")
    _refused(db, "DELETE FROM settlement_event WHERE id = 1", match="never deleted")
    _refused(db, "TRUNCATE settlement_event", match="never deleted")


def _0012(db):
    assert db.execute_sql("SELECT id, gender, salutation, country, letter_language FROM client "
                          "ORDER BY id").fetchall() == [(1007, "unknown", "", "IL", "he"),
                                                        (1008, "unknown", "", "IL", "he")]
    with db.atomic():
        db.execute_sql("UPDATE client SET gender = 'female', country = 'GB', "
                       "letter_language = 'en', salutation = 'Dr' WHERE id = 1008")
    _refused(db, "UPDATE client SET country = 'il' WHERE id = 1007")
    _refused(db, "UPDATE client SET gender = 'x' WHERE id = 1007")
    _refused(db, "UPDATE client SET letter_language = 'fr' WHERE id = 1007")


def _0013(db):
    with db.atomic():
        db.execute_sql("UPDATE client SET kind = 'local_authority' WHERE id = 1007")
        db.execute_sql("INSERT INTO client (name, search_key, kind, created_at) VALUES "
                       "('משרד החינוך', 'משרד החינוך', 'public_body', 'x')")
    _refused(db, "UPDATE client SET kind = 'club' WHERE id = 1008")  # the wider CHECK holds
    assert db.execute_sql("SELECT id, bounce_reason, bounce_note, bounce_fee_invoice_id "
                          "FROM payment ORDER BY id").fetchall() == [(1001, "", "", None),
                                                                     (1002, "", "", None)]
    with db.atomic():
        db.execute_sql("UPDATE payment SET bounce_reason = 'stopped', bounce_fee_invoice_id "
                       "= 1003 WHERE id = 1002")
    _refused(db, "UPDATE payment SET bounce_reason = 'lost' WHERE id = 1002")
    _refused(db, "UPDATE payment SET bounce_fee_invoice_id = 99 WHERE id = 1002")
    # The client table was altered in place: every reference to it still holds.
    _refused(db, "INSERT INTO invoice (number, number_key, client_id, issue_date, due_date, "
                 "amount_agorot, created_at) VALUES ('x', 'x', 99, '2026-01-01', '2026-01-01', "
                 "1, 'x')")
    assert "client_search_key" in _indexes(db, "client")


def _0014(db):
    import importlib

    authored = importlib.import_module("models.db.migrations.0014_authors").AUTHORED_TABLES
    for table in authored:
        assert "created_by" in _columns(db, table), table
    for table in ("contact_log", "letter", "payment", "invoice", "promise", "settlement"):
        assert {row[0] for row in db.execute_sql(f"SELECT created_by FROM {table}")} == {""}
    with db.atomic():
        db.execute_sql("INSERT INTO contact_log (client_id, occurred_at, recorded_at, channel, "
                       "direction, created_by) VALUES (1007, 'x', 'x', 'phone', 'in', 'מישהו')")
    (me,) = _one(db, "SELECT CAST(session_user AS text)")
    assert _one(db, "SELECT created_by FROM contact_log WHERE id = 1") == (me,)
    _refused(db, "UPDATE contact_log SET created_by = 'x' WHERE id = 1001",
             match="append-only")


def _0015(db):
    import hashlib

    content = b"%PDF-1.4 a letter"
    sha = hashlib.sha256(content).hexdigest()
    with db.atomic():
        db.execute_sql("INSERT INTO stored_file (path, content, sha256, size_bytes, created_at) "
                       "VALUES ('letters/2026/a.pdf', ?, ?, ?, 'x')", (content, sha, len(content)))
    _refused(db, "INSERT INTO stored_file (path, content, sha256, size_bytes, created_at) "
                 "VALUES ('letters/b.pdf', ?, ?, ?, 'x')", content, "0" * 64, len(content))
    _refused(db, "UPDATE stored_file SET created_at = 'y'", match="stays as it was stored")
    _refused(db, "DELETE FROM stored_file", match="never deleted")
    _refused(db, "TRUNCATE stored_file", match="never deleted")


def _0016(db):
    import importlib

    tables = importlib.import_module("models.db.migrations.0016_change_notices").TABLES
    triggers = {name for (name,) in db.execute_sql(
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
    assert {f"{table}_change_notice" for table in tables} <= triggers
    db.execute_sql("LISTEN gvia_changes")
    with db.atomic():  # two statements on one table, one on another: two notices
        db.execute_sql("UPDATE client SET notes = 'א' WHERE id = 1007")
        db.execute_sql("UPDATE client SET notes = 'ב' WHERE id = 1008")
        db.execute_sql("UPDATE setting SET value = 'x' WHERE key = 'business_name'")
    heard = {n.payload for n in db.connection().notifies(timeout=2, stop_after=2)}
    assert heard == {"client", "setting"}


CHECKS = {"0001_initial": _0001, "0002_letters": _0002, "0003_aging_indexes": _0003,
          "0004_collection": _0004, "0005_speed_indexes": _0005, "0006_deposits": _0006,
          "0007_negotiation": _0007, "0008_aging_unpaid_by_client": _0008,
          "0009_evidence_guards": _0009, "0010_writer_lock": _0010,
          "0011_settlement_events": _0011, "0012_client_addressing": _0012,
          "0013_ledger_flows": _0013, "0014_authors": _0014, "0015_stored_files": _0015,
          "0016_change_notices": _0016}


def test_every_migration_has_its_check_here():
    assert sorted(CHECKS.keys() & set(MIGRATIONS)) == MIGRATIONS


@pytest.fixture
def office(request, pg_server):
    url = pg_server.new_database(request.node.name)
    db = OfficeDatabase(url, autoconnect=False)
    db.connect()
    yield db
    db.close()
    pg_server.drop(url)


@pytest.mark.parametrize("name", MIGRATIONS)
def test_the_migration_carries_the_ledger_over_on_postgres(office, name):
    previous = _previous(name)
    if previous is not None:
        with office.atomic():
            migrate(office, target=previous)
    _seed(office, _version(previous))
    before = {table: _columns(office, table) for table in _tables(office)
              if table != "schema_migration"}
    data = _contents(office, before)
    with office.atomic():
        assert migrate(office, target=name) == [name]
    assert _contents(office, before) == data
    assert {n for (n,) in office.execute_sql("SELECT name FROM schema_migration")} == \
        set(MIGRATIONS[:MIGRATIONS.index(name) + 1])
    CHECKS[name](office)


def test_migrate_takes_only_a_known_target(office):
    with pytest.raises(ValueError, match="unknown migration"):
        migrate(office, target="0999_nothing")
    assert _tables(office) == []


# ---- the two engines alike ---------------------------------------------------------------

def _sqlite_schema(path) -> tuple[dict[str, list[str]], set[str]]:
    conn = sqlite3.connect(path)
    try:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        columns = {t: [row[1] for row in conn.execute(f"PRAGMA table_info({t})")]
                   for t in tables}
        # Indexes Gvia created (those SQLite makes for a key have no SQL).
        indexes = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    finally:
        conn.close()
    return columns, indexes


def _office_schema(db: OfficeDatabase) -> tuple[dict[str, list[str]], set[str]]:
    columns = {t: _columns(db, t) for t in _tables(db)}
    # Indexes Gvia created (not those PostgreSQL makes for a primary or unique key).
    indexes = {name for (name,) in db.execute_sql(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname "
        "NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u', 'x'))")}
    return columns, indexes


def test_both_engines_have_the_same_tables_columns_and_indexes(tmp_path, pg_server):
    from models.db.opening import open_database

    path = tmp_path / "gvia.db"
    open_database(path).close()
    lite_columns, lite_indexes = _sqlite_schema(path)
    url = pg_server.new_ledger("parity")
    try:
        with open_database(url) as opened:
            office_columns, office_indexes = _office_schema(opened.db)
    finally:
        pg_server.drop(url)
    assert lite_columns.keys() - office_columns.keys() == SQLITE_ONLY_TABLES
    assert office_columns.keys() - lite_columns.keys() == OFFICE_ONLY_TABLES
    shared = sorted(lite_columns.keys() & office_columns.keys())
    assert len(shared) > 20
    assert {t: office_columns[t] for t in shared} == {t: lite_columns[t] for t in shared}
    assert {name for name in lite_indexes if not name.startswith(tuple(SQLITE_ONLY_TABLES))} \
        == {name for name in office_indexes if not name.startswith(tuple(OFFICE_ONLY_TABLES))}
