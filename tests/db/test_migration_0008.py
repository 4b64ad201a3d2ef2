"""Migration 0008 adds the unpaid invoices in client order for aging. A database of the
previous schema, with a ledger in it, opens, gains the index over exactly the invoices
not paid in full, and ages as before."""
import datetime as dt

import peewee
import pytest
from playhouse.migrations import Runner

from models.db import connection as dbmod
from models.db.connection import schema_version
from models.db.opening import open_database
from models.queries.aging import aging_report


def _previous_migration() -> str:
    names = sorted(p.stem for p in dbmod.MIGRATIONS_DIR.glob("[0-9]*.py"))
    return [n for n in names if n < "0008"][-1]


@pytest.fixture
def old_database(tmp_path):
    """The file as schema 7 left it: one invoice open, one half paid, one paid in full,
    one in USD paid by a check that bounced, and a payment left as credit."""
    path = tmp_path / "old.db"
    raw = peewee.SqliteDatabase(str(path), pragmas={"foreign_keys": 1})
    raw.connect()
    previous = _previous_migration()
    Runner(raw, directory=str(dbmod.MIGRATIONS_DIR)).up(target=previous)
    raw.execute_sql(f"PRAGMA application_id = {dbmod.APPLICATION_ID}")
    raw.execute_sql(f"PRAGMA user_version = {int(previous[:4])}")
    for sql in (
        "INSERT INTO client (id, name, search_key, kind, created_at) VALUES "
        "(7, 'ותיק בע\"מ', 'ותיק בע\"מ', 'company', '2025-01-01T00:00:00'), "
        "(8, 'שני', 'שני', 'person', '2025-01-01T00:00:00')",
        "INSERT INTO invoice (id, number, number_key, client_id, issue_date, due_date, "
        "amount_agorot, currency, created_at) VALUES "
        "(1, '55', '55', 7, '2026-08-01', '2026-09-01', 100000, 'ILS', '2026-08-01T00:00:00'), "
        "(2, '56', '56', 7, '2026-10-01', '2026-11-01', 50000, 'ILS', '2026-10-01T00:00:00'), "
        "(3, '57', '57', 8, '2026-10-01', '2026-12-01', 20000, 'ILS', '2026-10-01T00:00:00'), "
        "(4, '58', '58', 8, '2026-09-01', '2026-10-01', 30000, 'USD', '2026-09-01T00:00:00')",
        "INSERT INTO payment (id, client_id, date, amount_agorot, currency, method, "
        "check_number, bounced_date, created_at) VALUES "
        "(1, 7, '2026-11-05', 25000, 'ILS', 'transfer', '', NULL, '2026-11-05T00:00:00'), "
        "(2, 8, '2026-10-10', 35000, 'ILS', 'transfer', '', NULL, '2026-10-10T00:00:00'), "
        "(3, 8, '2026-10-05', 30000, 'USD', 'check', '9', '2026-10-25', '2026-10-05T00:00:00')",
        "INSERT INTO allocation (invoice_id, payment_id, amount_agorot, applied_date, "
        "reversed_date) VALUES (2, 1, 25000, '2026-11-05', NULL), "
        "(3, 2, 20000, '2026-10-10', NULL), (4, 3, 30000, '2026-10-05', '2026-10-25')",
    ):
        raw.execute_sql(sql)
    raw.close()
    return path


def test_previous_version_gains_the_index_and_ages_the_same(old_database):
    with open_database(old_database) as opened:
        conn = opened.db.connection()
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version() >= 8
        indexed = [row[0] for row in conn.execute(
            "SELECT id FROM invoice INDEXED BY invoice_unpaid_client "
            "WHERE paid_agorot <> amount_agorot ORDER BY id")]
        assert indexed == [1, 2, 4]  # 3 is paid in full; the bounced check left 4 open
        rows = {(r.client_id, r.currency): (r.buckets, r.credit)
                for r in aging_report(dt.date(2026, 11, 22)).rows}
        assert rows == {
            (7, "ILS"): ([0, 25000, 0, 100000, 0, 0], 0),   # 56: 21 days; 55: 82 days
            (8, "ILS"): ([0, 0, 0, 0, 0, 0], 15000),        # paid 57 in full, 150 over
            (8, "USD"): ([0, 0, 30000, 0, 0, 0], 0),        # 58: 52 days, check bounced
        }
        # A year earlier nothing was issued yet; before the bounce the USD check counted.
        assert aging_report(dt.date(2025, 11, 22)).rows == []
        before_bounce = {(r.client_id, r.currency): (r.total, r.credit)
                         for r in aging_report(dt.date(2026, 10, 20)).rows}
        assert before_bounce == {(7, "ILS"): (150000, 0), (8, "ILS"): (0, 15000)}
