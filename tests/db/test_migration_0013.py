"""Migration 0013 lets a client be a public body or a local authority (the client table is
rebuilt with the wider CHECK) and keeps why a check bounced and its fee line. A database
of the previous schema, with a ledger in it, opens with every client, contact person,
invoice and payment where it was, every reference intact, and the new kinds accepted."""
import datetime as dt
import sqlite3

import peewee
import pytest
from playhouse.migrations import Runner

from models.db import connection as dbmod
from models.db.connection import schema_version
from models.db.opening import open_database
from models.db.schema_check import check_database
from models.ledger import services
from models.queries.client_list import client_summaries


def _previous_migration() -> str:
    names = sorted(p.stem for p in dbmod.MIGRATIONS_DIR.glob("[0-9]*.py"))
    return [n for n in names if n < "0013"][-1]


@pytest.fixture
def old_database(tmp_path):
    """The file as schema 12 left it: two clients (one with a contact person and a
    letter language of its own), an invoice half paid, and a check that bounced."""
    path = tmp_path / "old.db"
    raw = peewee.SqliteDatabase(str(path), pragmas={"foreign_keys": 1})
    raw.connect()
    previous = _previous_migration()
    Runner(raw, directory=str(dbmod.MIGRATIONS_DIR)).up(target=previous)
    raw.execute_sql(f"PRAGMA application_id = {dbmod.APPLICATION_ID}")
    raw.execute_sql(f"PRAGMA user_version = {int(previous[:4])}")
    for sql in (
        "INSERT INTO client (id, external_id, name, search_key, kind, zip, created_at, "
        "letter_language) VALUES "
        "(7, 'C7', 'ותיק בע\"מ', 'ותיק בע\"מ', 'company', '6100000', '2025-01-01T00:00:00', 'en'), "
        "(8, NULL, 'שני', 'שני', 'person', '', '2025-01-01T00:00:00', 'he')",
        "INSERT INTO contact_person (client_id, name) VALUES (7, 'רונית')",
        "INSERT INTO invoice (id, number, number_key, client_id, issue_date, due_date, "
        "amount_agorot, currency, created_at) VALUES "
        "(1, '55', '55', 7, '2026-08-01', '2026-09-01', 100000, 'ILS', '2026-08-01T00:00:00'), "
        "(2, '56', '56', 8, '2026-09-01', '2026-10-01', 30000, 'ILS', '2026-09-01T00:00:00')",
        "INSERT INTO payment (id, client_id, date, amount_agorot, currency, method, "
        "check_number, bounced_date, created_at) VALUES "
        "(1, 7, '2026-09-05', 50000, 'ILS', 'transfer', '', NULL, '2026-09-05T00:00:00'), "
        "(2, 8, '2026-10-05', 30000, 'ILS', 'check', '9', '2026-10-25', '2026-10-05T00:00:00')",
        "INSERT INTO allocation (invoice_id, payment_id, amount_agorot, applied_date, "
        "reversed_date) VALUES (1, 1, 50000, '2026-09-05', NULL), "
        "(2, 2, 30000, '2026-10-05', '2026-10-25')",
    ):
        raw.execute_sql(sql)
    raw.close()
    return path


def test_previous_version_keeps_its_ledger_and_takes_public_clients(old_database):
    with open_database(old_database) as opened:
        conn = opened.db.connection()
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version() >= 13
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT id, external_id, kind, zip, letter_language FROM client "
                            "ORDER BY id").fetchall() == [(7, "C7", "company", "6100000", "en"),
                                                          (8, None, "person", "", "he")]
        assert conn.execute("SELECT client_id, name FROM contact_person").fetchall() == [
            (7, "רונית")]
        assert conn.execute("SELECT bounce_reason, bounce_note, bounce_fee_invoice_id "
                            "FROM payment WHERE id = 2").fetchone() == ("", "", None)
        as_of = dt.date(2026, 11, 22)
        assert {cid: s.open_agorot for cid, s in client_summaries(as_of).items()} == {
            7: {"ILS": 50_000}, 8: {"ILS": 30_000}}
        services.update_client(7, kind="local_authority")
        services.add_client(name="משרד החינוך", kind="public_body")
        with pytest.raises(sqlite3.IntegrityError):  # the CHECK still guards the kinds
            conn.execute("UPDATE client SET kind = 'club' WHERE id = 8")
        with pytest.raises(sqlite3.IntegrityError):  # and the references still hold
            conn.execute("INSERT INTO invoice (number, number_key, client_id, issue_date, "
                         "due_date, amount_agorot, created_at) VALUES ('x', 'x', 99, "
                         "'2026-01-01', '2026-01-01', 1, 'x')")
        # The search by name still has its index, and the unique client number its own.
        indexes = {row[1] for row in conn.execute("PRAGMA index_list(client)")}
        assert "client_search_key" in indexes
    assert check_database(old_database) == []  # the same schema as a new ledger's
