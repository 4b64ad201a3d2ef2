"""Migration 0005 keeps what was paid on each invoice on the invoice row (for the fast
open-invoice lists). A database of the previous schema gains the columns filled in, and
every way money reaches or leaves an invoice keeps them equal to the allocations."""
import datetime as dt

import peewee
import pytest
from playhouse.migrations import Runner

from models.db import connection as dbmod
from models.db import dialect
from models.db.opening import open_database
from models.ledger import services

CHECK_SQL = """
SELECT i.id, i.paid_agorot, i.paid_changed_date,
       (SELECT COALESCE(SUM(amount_agorot), 0) FROM allocation
        WHERE invoice_id = i.id AND reversed_date IS NULL),
       (SELECT {latest} FROM allocation WHERE invoice_id = i.id)
FROM invoice i"""


def _drift(db) -> list[tuple]:
    """Invoices whose kept columns differ from their allocations (empty when exact)."""
    latest = dialect.current().greatest(
        "MAX(applied_date)", "COALESCE(MAX(reversed_date), MAX(applied_date))")
    return [row for row in db.execute_sql(CHECK_SQL.format(latest=latest)) if row[1:3] != row[3:5]]


def _paid(db, invoice_id: int) -> tuple:
    return db.execute_sql("SELECT paid_agorot, paid_changed_date FROM invoice WHERE id = ?",
                          (invoice_id,)).fetchone()


@pytest.fixture
def old_database(tmp_path):
    """The file as schema 4 left it: an invoice half paid, one paid by a check that bounced."""
    path = tmp_path / "old.db"
    raw = peewee.SqliteDatabase(str(path), pragmas={"foreign_keys": 1})
    raw.connect()
    Runner(raw, directory=str(dbmod.MIGRATIONS_DIR)).up(target="0004_collection")
    raw.execute_sql(f"PRAGMA application_id = {dbmod.APPLICATION_ID}")
    raw.execute_sql("PRAGMA user_version = 4")
    for sql in (
        "INSERT INTO client (id, name, search_key, kind, created_at) "
        "VALUES (7, 'ותיק בע\"מ', 'ותיק בע\"מ', 'company', '2025-01-01T00:00:00')",
        "INSERT INTO invoice (id, number, number_key, client_id, issue_date, due_date, "
        "amount_agorot, created_at) VALUES (1, '55', '55', 7, '2026-09-01', '2026-10-01', "
        "100000, '2026-09-01T00:00:00'), (2, '56', '56', 7, '2026-09-02', '2026-10-02', "
        "50000, '2026-09-02T00:00:00'), (3, '57', '57', 7, '2026-09-03', '2026-10-03', "
        "20000, '2026-09-03T00:00:00')",
        "INSERT INTO payment (id, client_id, date, amount_agorot, method, check_number, "
        "bounced_date, created_at) VALUES (1, 7, '2026-10-05', 40000, 'transfer', '', NULL, "
        "'2026-10-05T00:00:00'), (2, 7, '2026-10-06', 50000, 'check', '123', '2026-10-20', "
        "'2026-10-06T00:00:00')",
        "INSERT INTO allocation (invoice_id, payment_id, amount_agorot, applied_date, "
        "reversed_date) VALUES (1, 1, 40000, '2026-10-05', NULL), "
        "(2, 2, 50000, '2026-10-06', '2026-10-20')",
    ):
        raw.execute_sql(sql)
    raw.close()
    return path


def test_previous_version_gains_paid_columns_filled_in(old_database):
    with open_database(old_database) as opened:
        conn = opened.db.connection()
        rows = {r[0]: r[1:] for r in conn.execute(
            "SELECT id, paid_agorot, paid_changed_date FROM invoice")}
        assert rows == {1: (40000, "2026-10-05"), 2: (0, "2026-10-20"), 3: (0, None)}
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"invoice_unpaid", "invoice_paid_changed"} <= indexes
        assert "allocation_invoice_id" not in indexes  # allocation_open serves its queries


def test_every_money_movement_keeps_paid_columns_exact(db, client):
    inv_a = services.add_invoice(client.id, "100", dt.date(2026, 9, 1), "1,000", terms="נטו 30")
    inv_b = services.add_invoice(client.id, "101", dt.date(2026, 9, 5), "500", terms="נטו 30")
    raw = db.db
    assert _drift(raw) == []
    services.record_payment(client.id, dt.date(2026, 10, 10), "1,200")  # a, then part of b
    check = services.record_payment(client.id, dt.date(2026, 10, 12), "300", method="check",
                                    check_number="77", invoice_ids=[inv_b.id])
    services.add_credit_note(client.id, "Z1", dt.date(2026, 10, 15), "50", invoice_id=inv_b.id)
    assert _drift(raw) == []
    services.bounce_payment(check.id, dt.date(2026, 10, 25))
    assert _drift(raw) == []
    assert _paid(raw, inv_b.id) == (20000, "2026-10-25")  # the bounced check no longer counts
    services.update_invoice(inv_b.id, amount="600")
    assert _drift(raw) == []
    paid_before = _paid(raw, inv_b.id)
    with pytest.raises(peewee.IntegrityError, match="never deleted"):  # 0009: money stays
        with raw.atomic():
            raw.execute_sql("DELETE FROM allocation WHERE invoice_id = ? "
                            "AND reversed_date IS NULL", (inv_b.id,))
    assert _drift(raw) == []
    assert _paid(raw, inv_b.id) == paid_before


def test_open_lists_agree_with_the_allocations_as_of_any_date(db, client):
    """The fast lists read the kept columns; as of a past date they must still count only
    the money received by then (here: a payment made after that date)."""
    from models.collection.dunning import open_invoices_due_by
    from models.queries.client_list import client_summaries
    from models.queries.invoice_list import invoice_ids

    inv = services.add_invoice(client.id, "200", dt.date(2026, 8, 1), "1,000", terms="נטו 30")
    services.record_payment(client.id, dt.date(2026, 10, 1), "1,000")
    before, after = dt.date(2026, 9, 15), dt.date(2026, 10, 2)
    assert [(o.invoice_id, o.open_agorot) for o in open_invoices_due_by(before, before)] == \
        [(inv.id, 100000)]
    assert open_invoices_due_by(after, after) == []
    assert client_summaries(before)[client.id].overdue_agorot == {"ILS": 100000}
    assert client.id not in client_summaries(after)
    assert invoice_ids(after, state="open") == []
    assert invoice_ids(after, state="paid") == [inv.id]
