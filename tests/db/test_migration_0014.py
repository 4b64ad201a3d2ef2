"""Migration 0014 records who made each contact-log entry, letter, payment, settlement (and
the other rows of evidence and money). A ledger of the previous schema opens on either
engine with its rows as they were and '' for their author (not known); what is recorded
afterwards names its author: the computer's login name on SQLite, the signed-in role on
a server, which no client can put another name in place of."""
import datetime as dt
import importlib

import peewee
import pytest
from playhouse.migrations import Runner

from models.contact import contact_log
from models.db import connection as dbmod
from models.db.connection import schema_version
from models.db.opening import open_database
from models.db.postgres import schema as pg_schema
from models.db.postgres.connection import OfficeDatabase
from models.db.schema_check import schema_differences
from models.ledger import services
from models.letters import archive

AUTHORED = importlib.import_module("models.db.migrations.0014_authors").AUTHORED_TABLES
ENGINES = pytest.mark.parametrize("engine", ["sqlite", "postgres"], indirect=True)

# A little of each kind of row, written by the previous schema.
OLD_ROWS = (
    "INSERT INTO client (id, name, search_key, kind, created_at) VALUES "
    "(7, 'ותיק בע\"מ', 'ותיק בע\"מ', 'company', '2025-01-01T00:00:00')",
    "INSERT INTO invoice (id, number, number_key, client_id, issue_date, due_date, "
    "amount_agorot, currency, created_at) VALUES "
    "(1, '55', '55', 7, '2026-08-01', '2026-09-01', 100000, 'ILS', '2026-08-01T00:00:00')",
    "INSERT INTO payment (id, client_id, date, amount_agorot, currency, method, created_at) "
    "VALUES (1, 7, '2026-09-05', 40000, 'ILS', 'transfer', '2026-09-05T00:00:00')",
    "INSERT INTO allocation (invoice_id, payment_id, amount_agorot, applied_date) "
    "VALUES (1, 1, 40000, '2026-09-05')",
    "INSERT INTO contact_log (id, client_id, occurred_at, recorded_at, channel, direction, "
    "summary) VALUES (1, 7, '2026-09-10T10:00', '2026-09-10T10:05:00', 'phone', 'out', "
    "'הבטיחו לשלם')",
    "INSERT INTO letter (id, client_id, kind, letter_date, as_of, file_path, created_at) "
    "VALUES (1, 7, 'reminder', '2026-09-20', '2026-09-20', 'a.pdf', '2026-09-20T00:00:00')",
)


def _previous() -> str:
    return [n for n in dbmod.migration_names() if n < "0014"][-1]


def _old_sqlite(path) -> str:
    raw = peewee.SqliteDatabase(str(path), pragmas={"foreign_keys": 1})
    raw.connect()
    Runner(raw, directory=str(dbmod.MIGRATIONS_DIR)).up(target=_previous())
    raw.execute_sql(f"PRAGMA application_id = {dbmod.APPLICATION_ID}")
    raw.execute_sql(f"PRAGMA user_version = {int(_previous()[:4])}")
    for sql in OLD_ROWS:
        raw.execute_sql(sql)
    raw.close()
    return str(path)


def _old_postgres(server, label: str) -> str:
    url = server.new_database(label)
    raw = OfficeDatabase(url)
    raw.connect()
    runner = Runner(raw, directory=str(dbmod.MIGRATIONS_DIR))
    runner.History.create_table()
    with raw.atomic():
        for migration in runner.status():
            if migration.name > _previous():
                break
            for sql in pg_schema.statements(migration.name, migration.load()):
                raw.execute_sql(sql)
            runner.History.create(name=migration.name)
        for sql in OLD_ROWS:
            raw.execute_sql(sql)
        for table in ("client", "invoice", "payment", "contact_log", "letter"):
            raw.execute_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 100)")
    raw.close()
    return url


@pytest.fixture
def old_ledger(request, engine, tmp_path):
    """A ledger at schema 13, with a client, an invoice part paid, a log entry, a letter."""
    if engine == "sqlite":
        yield _old_sqlite(tmp_path / "old.db")
        return
    server = request.getfixturevalue("pg_server")
    url = _old_postgres(server, request.node.name)
    yield url
    server.drop(url)


def _authors(db, table: str) -> list:
    return [row[0] for row in db.execute_sql(f"SELECT created_by FROM {table} ORDER BY id")]


@ENGINES
def test_old_rows_keep_an_unknown_author_and_stay_evidence(old_ledger, engine):
    with open_database(old_ledger) as opened:
        db = opened.db
        (version,) = db.execute_sql("SELECT max(name) FROM schema_migration").fetchone()
        assert int(version[:4]) == schema_version() >= 14
        for table in ("contact_log", "letter", "payment", "invoice"):
            assert _authors(db, table) == [""], table
        assert [row[0] for row in db.execute_sql(
            "SELECT summary FROM contact_log")] == ["הבטיחו לשלם"]
        assert services.get_client(7).name == 'ותיק בע"מ'
        with pytest.raises(peewee.DatabaseError):  # the log is still append-only
            with db.atomic():
                db.execute_sql("UPDATE contact_log SET created_by = 'someone' WHERE id = 1")
        if engine == "sqlite":  # the same schema as a new ledger's
            assert schema_differences(db.connection()) == []


def _record_a_little(client_id: int) -> None:
    day = dt.date(2026, 11, 1)
    services.record_payment(client_id, day, "100")
    contact_log.log_contact(client_id, dt.datetime(2026, 11, 1, 9, 30), "phone",
                            summary="שיחה על החוב")
    pdf = archive.archive_dir() / "b.pdf"
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.write_bytes(b"%PDF-1.4 a reminder")
    archive.record_letters([archive.LetterRecord(
        client_id, "reminder", day, day, "", 60000, "ILS", None, "b.pdf", 1, 1)])


@ENGINES
def test_what_is_recorded_names_its_author(old_ledger, engine, monkeypatch):
    monkeypatch.setenv("LOGNAME", "dana")  # the login name getpass reads first
    with open_database(old_ledger) as opened:
        db = opened.db
        _record_a_little(7)
        if engine == "sqlite":
            expected = "dana"
        else:
            (expected,) = db.execute_sql("SELECT CAST(session_user AS text)").fetchone()
            assert expected != "dana"  # the server's name, not the computer's
        assert _authors(db, "payment") == ["", expected]
        assert _authors(db, "contact_log") == ["", expected]
        assert _authors(db, "letter") == ["", expected]


@ENGINES
def test_every_authored_table_has_the_column(old_ledger, engine):
    with open_database(old_ledger) as opened:
        for table in AUTHORED:
            columns = {c.name: c for c in opened.db.get_columns(table)}
            assert "created_by" in columns and not columns["created_by"].null, table


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_postgres_a_forged_author_is_replaced_by_the_signed_in_role(old_ledger, engine):
    with open_database(old_ledger) as opened:
        db = opened.db
        db.execute_sql(
            "INSERT INTO contact_log (client_id, occurred_at, recorded_at, channel, "
            "direction, created_by) VALUES (7, '2026-11-02T10:00', '2026-11-02T10:00:00', "
            "'phone', 'in', 'the-owner')")
        db.execute_sql("UPDATE payment SET created_by = 'the-owner' WHERE id = 1")
        (me,) = db.execute_sql("SELECT CAST(session_user AS text)").fetchone()
        assert _authors(db, "contact_log") == ["", me]
        assert _authors(db, "payment") == [""]  # an update keeps the name it was made with
