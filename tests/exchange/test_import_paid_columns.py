"""A payments import sets the invoices' paid columns (migration 0005) in one statement,
with the per-allocation trigger dropped for the while: afterwards the columns equal the
allocations, the trigger is exactly the migration's again, and it keeps working; a
failed import leaves the trigger and the columns as they were."""
import csv
import datetime as dt
import importlib
import sqlite3

import pytest

from models.common.errors import GviaError
from models.exchange import import_writer
from models.exchange.importing import import_files
from models.ledger import services

MIGRATION_0005 = importlib.import_module("models.db.migrations.0005_speed_indexes")
PAYMENT_HEADER = ["אסמכתא", "לקוח", "תאריך", "סכום", "אמצעי תשלום", "מספר חשבונית"]
CHECK_SQL = """
SELECT i.id, i.paid_agorot, i.paid_changed_date,
       (SELECT COALESCE(SUM(amount_agorot), 0) FROM allocation
        WHERE invoice_id = i.id AND reversed_date IS NULL),
       (SELECT MAX(MAX(applied_date), COALESCE(MAX(reversed_date), ''))
        FROM allocation WHERE invoice_id = i.id)
FROM invoice i"""


def _drift(conn) -> list[tuple]:
    return [row for row in conn.execute(CHECK_SQL) if row[1:3] != row[3:5]]


def _paid(conn) -> dict[str, tuple]:
    return {number: (paid, changed) for number, paid, changed in conn.execute(
        "SELECT number, paid_agorot, paid_changed_date FROM invoice")}


def _trigger_sql(conn) -> str:
    return conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                        "AND name = 'allocation_paid_new'").fetchone()[0]


@pytest.fixture
def book(db, client):
    """Three invoices; one half paid, one paid by a check that bounced later."""
    add = services.add_invoice
    inv = {n: add(client.id, n, dt.date(2026, 8, d), amount, due_date=dt.date(2026, 9, d))
           for n, d, amount in (("1", 1, 1000), ("2", 2, 500), ("3", 3, 300))}
    services.record_payment(client.id, dt.date(2026, 9, 10), 400, invoice_ids=[inv["1"].id])
    check = services.record_payment(client.id, dt.date(2026, 9, 12), 500, method="check",
                                    check_number="7", invoice_ids=[inv["2"].id])
    services.bounce_payment(check.id, dt.date(2026, 10, 20))
    return client


def _payments_file(tmp_path, client, rows):
    path = tmp_path / "payments.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(PAYMENT_HEADER)
        writer.writerows([ref, client.name, day, amount, "העברה", number]
                         for ref, day, amount, number in rows)
    return path


def test_import_sets_paid_columns_and_restores_the_trigger(db, book, tmp_path):
    conn = db.db.connection()
    payments = _payments_file(tmp_path, book, [
        ("R1", "15/10/2026", "350", "2"),     # the bounced invoice, partly, before the bounce
        ("R2", "01/10/2026", "900", ""),      # the rule: rest of 1, then what is left of 2
        ("R3", "05/11/2026", "300", "3"),     # 3 in full
    ])
    import_files(payments=payments)
    assert _drift(conn) == []
    assert _paid(conn) == {"1": (100000, "2026-10-01"), "2": (50000, "2026-10-20"),
                           "3": (30000, "2026-11-05")}
    statement = next(s for s in MIGRATION_0005.STATEMENTS if "allocation_paid_new" in s)
    assert _trigger_sql(conn) == statement
    # The trigger works again for what is recorded by hand afterwards.
    services.add_invoice(book.id, "4", dt.date(2026, 11, 1), 200, due_date=dt.date(2026, 12, 1))
    services.record_payment(book.id, dt.date(2026, 11, 20), 150)
    assert _drift(conn) == []
    assert _paid(conn)["4"] == (15000, "2026-11-20")


def test_a_failed_import_keeps_the_trigger_and_the_columns(db, book, tmp_path, monkeypatch):
    conn = db.db.connection()
    before, trigger = _paid(conn), _trigger_sql(conn)
    insert = import_writer.insert

    def failing_insert(model, *args, **kwargs):
        result = insert(model, *args, **kwargs)
        if model.__name__ == "Allocation":
            raise sqlite3.IntegrityError("simulated failure after the rows were written")
        return result

    monkeypatch.setattr(import_writer, "insert", failing_insert)
    payments = _payments_file(tmp_path, book, [("R9", "01/10/2026", "900", "")])
    with pytest.raises(GviaError):
        import_files(payments=payments)
    assert _paid(conn) == before and _trigger_sql(conn) == trigger
    assert conn.execute("SELECT count(*) FROM payment WHERE reference = 'R9'").fetchone() == (0,)
    monkeypatch.undo()
    services.record_payment(book.id, dt.date(2026, 11, 20), 300, invoice_ids=[
        conn.execute("SELECT id FROM invoice WHERE number = '3'").fetchone()[0]])
    assert _drift(conn) == []
