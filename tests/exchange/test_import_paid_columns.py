"""A payments import sets the invoices' paid columns (migration 0005): on SQLite in one
statement, with the per-allocation trigger dropped for the while; on PostgreSQL the
trigger keeps them. Afterwards the columns equal the allocations, the trigger is exactly
the migration's again, and it keeps working; a failed import leaves the trigger and the
columns as they were."""
import csv
import datetime as dt
import importlib
import sqlite3

import pytest

from models.common.errors import GviaError
from models.db.connection import database
from models.exchange import import_writer
from models.exchange.importing import import_files
from models.ledger import services

MIGRATION_0005 = importlib.import_module("models.db.migrations.0005_speed_indexes")
PAYMENT_HEADER = ["אסמכתא", "לקוח", "תאריך", "סכום", "אמצעי תשלום", "מספר חשבונית"]
CHECK_SQL = """
SELECT i.id, i.paid_agorot, i.paid_changed_date,
       (SELECT COALESCE(SUM(amount_agorot), 0) FROM allocation
        WHERE invoice_id = i.id AND reversed_date IS NULL),
       (SELECT MAX(applied_date) FROM allocation WHERE invoice_id = i.id),
       (SELECT MAX(reversed_date) FROM allocation WHERE invoice_id = i.id)
FROM invoice i"""


def _drift() -> list[tuple]:
    """Invoices whose paid columns are not what their allocations say."""
    drift = []
    for inv_id, paid, changed, allocated, applied, reversed_ in database.execute_sql(CHECK_SQL):
        expected = max(filter(None, (applied, reversed_)), default=None)
        if (paid, changed) != (allocated, expected):
            drift.append((inv_id, paid, changed, allocated, expected))
    return drift


def _paid() -> dict[str, tuple]:
    return {number: (paid, changed) for number, paid, changed in database.execute_sql(
        "SELECT number, paid_agorot, paid_changed_date FROM invoice")}


def _trigger_sql(engine) -> str:
    """The trigger as the database holds it (on PostgreSQL: its definition, if enabled)."""
    if engine == "postgres":
        return database.execute_sql(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = "
            "'allocation_paid_new' AND tgenabled <> 'D'").fetchone()[0]
    return database.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
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


def test_import_sets_paid_columns_and_restores_the_trigger(db, engine, book, tmp_path):
    trigger = _trigger_sql(engine)
    payments = _payments_file(tmp_path, book, [
        ("R1", "15/10/2026", "350", "2"),     # the bounced invoice, partly, before the bounce
        ("R2", "01/10/2026", "900", ""),      # the rule: rest of 1, then what is left of 2
        ("R3", "05/11/2026", "300", "3"),     # 3 in full
    ])
    import_files(payments=payments)
    assert _drift() == []
    assert _paid() == {"1": (100000, "2026-10-01"), "2": (50000, "2026-10-20"),
                       "3": (30000, "2026-11-05")}
    assert _trigger_sql(engine) == trigger
    if engine == "sqlite":
        statement = next(s for s in MIGRATION_0005.STATEMENTS if "allocation_paid_new" in s)
        assert trigger == statement
    # The trigger works again for what is recorded by hand afterwards.
    services.add_invoice(book.id, "4", dt.date(2026, 11, 1), 200, due_date=dt.date(2026, 12, 1))
    services.record_payment(book.id, dt.date(2026, 11, 20), 150)
    assert _drift() == []
    assert _paid()["4"] == (15000, "2026-11-20")


def test_a_failed_import_keeps_the_trigger_and_the_columns(db, engine, book, tmp_path,
                                                          monkeypatch):
    before, trigger = _paid(), _trigger_sql(engine)
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
    assert _paid() == before and _trigger_sql(engine) == trigger
    assert database.execute_sql(
        "SELECT count(*) FROM payment WHERE reference = 'R9'").fetchone() == (0,)
    monkeypatch.undo()
    services.record_payment(book.id, dt.date(2026, 11, 20), 300, invoice_ids=[
        database.execute_sql("SELECT id FROM invoice WHERE number = '3'").fetchone()[0]])
    assert _drift() == []
