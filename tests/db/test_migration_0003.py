"""A database of schema 2, with data in it, opens and gains the aging indexes (migration
0003) with its data and its aging unchanged; aging reads those indexes without sorting."""
import datetime as dt

import peewee
import pytest
from playhouse.migrations import Runner

from models.db import connection as dbmod
from models.db.connection import schema_version
from models.db.opening import open_database

AS_OF = dt.date(2026, 11, 22)


@pytest.fixture
def schema2_database(tmp_path):
    """The file as schema 2 left it: a client with a partly paid invoice and a credit."""
    path = tmp_path / "old.db"
    raw = peewee.SqliteDatabase(str(path), pragmas={"foreign_keys": 1})
    raw.connect()
    Runner(raw, directory=str(dbmod.MIGRATIONS_DIR)).up(target="0002_letters")
    raw.execute_sql(f"PRAGMA application_id = {dbmod.APPLICATION_ID}")
    raw.execute_sql("PRAGMA user_version = 2")
    now = "2026-01-01T00:00:00"
    for sql in (
        "INSERT INTO client (id, name, search_key, created_at) VALUES (3, 'ותיק בע\"מ', "
        "'ותיק בע\"מ', '2025-01-01T00:00:00')",
        "INSERT INTO invoice (id, number, number_key, client_id, issue_date, due_date, "
        f"amount_agorot, created_at) VALUES (1, '70', '70', 3, '2026-06-01', '2026-07-01', "
        f"100000, '{now}')",
        "INSERT INTO payment (id, client_id, date, amount_agorot, created_at) "
        f"VALUES (1, 3, '2026-07-10', 130000, '{now}')",
        "INSERT INTO allocation (invoice_id, payment_id, amount_agorot, applied_date) "
        "VALUES (1, 1, 100000, '2026-07-10')",
        "INSERT INTO invoice (id, number, number_key, client_id, issue_date, due_date, "
        f"amount_agorot, currency, created_at) VALUES (2, '71', '71', 3, '2026-08-01', "
        f"'2026-08-15', 50000, 'USD', '{now}')",
    ):
        raw.execute_sql(sql)
    raw.close()
    return path


def _columns(conn, index: str) -> list[str]:
    return [row[2] for row in conn.execute(f"PRAGMA index_info({index})")]


def test_schema2_with_data_gains_the_aging_indexes(schema2_database):
    from models.queries.aging import aging_report

    with open_database(schema2_database) as opened:
        conn = opened.db.connection()
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version() >= 3
        assert _columns(conn, "invoice_client_currency")[:3] == ["client_id", "currency",
                                                                  "due_date"]
        assert "amount_agorot" in _columns(conn, "invoice_client_currency")
        assert "bounced_date" in _columns(conn, "payment_client_currency")
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = {r.currency: (r.buckets, r.credit) for r in aging_report(AS_OF).rows}
    assert rows == {"ILS": ([0] * 6, 30000), "USD": ([0, 0, 0, 0, 50000, 0], 0)}


@pytest.mark.sqlite_only  # SQLite's query plan
def test_aging_reads_covering_indexes_without_a_big_sort(db):
    from models.db.settings import DEFAULT_BUCKETS
    from models.queries import aging

    params = {"d": AS_OF.isoformat(), **{f"b{i}": AS_OF.isoformat() for i in range(4)}}
    conn = db.db.connection()
    plan = [row[3] for row in conn.execute(
        "EXPLAIN QUERY PLAN " + aging._open_sql(DEFAULT_BUCKETS, ""), params)]
    # what is invoiced: every invoice, from the index, already grouped (no sort)
    by_index = plan.index("SCAN i USING COVERING INDEX invoice_client_currency")
    assert "TEMP B-TREE" not in plan[by_index + 1]
    # open amounts: one seek per invoice in the covering allocation index
    assert any(step.startswith("SEARCH a USING COVERING INDEX") for step in plan), plan
    sources_plan = " | ".join(row[3] for row in conn.execute(
        "EXPLAIN QUERY PLAN " + aging._SOURCES_SQL.format(client_filter=""), params))
    assert "COVERING INDEX payment_client_currency" in sources_plan
