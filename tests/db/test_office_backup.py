"""Backups and restore of an office ledger (models/db/postgres/backup.py): a verified
pg_dump that never writes over a file unless asked, a restore that refuses what is not
a Gvia dump it can read, saves the current ledger first, and brings a dump of an older
version up to date (or puts the ledger back); on the test server."""
import datetime as dt
import os
import stat
import subprocess
import sys
import urllib.parse
from pathlib import Path

import psycopg
import pytest

from models.common.errors import GviaError
from models.db import connection
from models.db.backup import EmptyBackupError
from models.db.postgres import backup
from models.db.postgres.connection import OfficeDatabase
from models.db.postgres.opening import migrate
from models.ledger import services
from models.ledger.clients import Client
from models.ledger.payments import Payment

ROOT = Path(__file__).resolve().parents[2]
D = dt.date
MIGRATIONS = sorted(connection.migration_names())
OLD_CLIENT = ("INSERT INTO client (name, search_key, kind, created_at) VALUES "
              "('ותיק בע\"מ', 'ותיק בע\"מ', 'company', '2025-01-01T00:00:00')")



def amounts() -> list[int]:
    return sorted(p.amount_agorot for p in Payment.select())


def pay(amount: str) -> None:
    client = services.add_client(name=f"לקוח {amount}", kind="company", terms="שוטף+30")
    services.add_invoice(client.id, f"INV-{amount}", D(2026, 9, 1), "1000")
    services.record_payment(client.id, D(2026, 10, 1), amount)


def test_a_backup_is_verified_named_private_and_restores_the_ledger_as_it_was(
        office, tmp_path):
    pay("100")
    pay("200")
    made = backup.backup_office(office.url, folder=tmp_path)
    dbname = urllib.parse.urlsplit(office.url).path.lstrip("/")
    assert made.path.parent == tmp_path and made.path.name.startswith(dbname + "-")
    assert made.path.name.endswith("-manual.dump")
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    assert made.restored_in_scratch and made.counts["payment"] == 2
    assert [p.name for p in tmp_path.iterdir()] == [made.path.name]  # no part file left

    pay("300")
    safety = backup.restore_office(office, made.path, folder=tmp_path)

    assert amounts() == [10000, 20000]
    assert safety.path.name.endswith("-before-restore.dump")
    assert backup.dump_counts(safety.path)["payment"] == 3  # what the restore replaced
    pay("400")  # the ledger works on after the restore
    assert amounts() == [10000, 20000, 40000]


def test_a_backup_never_writes_over_a_file_unless_asked(office, tmp_path):
    pay("100")
    dest = tmp_path / "office.dump"
    dest.write_bytes(b"keep me")
    with pytest.raises(GviaError):
        backup.backup_office(office.url, dest=dest)
    assert dest.read_bytes() == b"keep me"

    made = backup.backup_office(office.url, dest=dest, replace_existing=True)
    assert made.path == dest and backup.dump_counts(dest)["payment"] == 1


def test_a_role_that_may_not_create_a_database_still_gets_a_checked_backup(
        office, pg_server, tmp_path):
    pay("100")
    with pg_server.admin() as admin:
        admin.execute("DROP ROLE IF EXISTS g1_clerk")
        admin.execute("CREATE ROLE g1_clerk LOGIN NOCREATEDB PASSWORD 'secret'")
    with psycopg.connect(office.url, autocommit=True) as owner:
        owner.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO g1_clerk")
        owner.execute("GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO g1_clerk")
    parts = urllib.parse.urlsplit(office.url)
    clerk = urllib.parse.urlunsplit(parts._replace(netloc="g1_clerk:secret@"))
    try:
        made = backup.backup_office(clerk, folder=tmp_path)
        assert not made.restored_in_scratch
        assert backup.dump_counts(made.path)["payment"] == 1
    finally:
        with psycopg.connect(office.url, autocommit=True) as owner:
            owner.execute("DROP OWNED BY g1_clerk")  # its grants
        with pg_server.admin() as admin:
            admin.execute("DROP ROLE g1_clerk")


def test_the_password_goes_to_the_tools_by_environment_never_on_their_command_line():
    url, env = backup.tool_target("postgresql://anna:s%3Acret@db.office:5433/ledger?sslmode=require")
    assert url == "postgresql://anna@db.office:5433/ledger?sslmode=require"
    assert env["PGPASSWORD"] == "s:cret"
    url, env = backup.tool_target("postgresql:///ledger?host=/run/pg&password=x1")
    assert "x1" not in url and env["PGPASSWORD"] == "x1"


def test_restore_refuses_what_is_not_a_gvia_dump_and_changes_nothing(office, pg_server,
                                                                     tmp_path):
    pay("100")
    text = tmp_path / "notes.dump"
    text.write_text("not a dump")
    other_url = pg_server.new_database("other_program")
    with psycopg.connect(other_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE client (id int)")
    other = tmp_path / "other.dump"
    target, env = backup.tool_target(other_url)
    subprocess.run([backup.find_tool("pg_dump"), "-Fc", f"--file={other}", f"--dbname={target}"],
                   env=env, check=True)
    pg_server.drop(other_url)
    saved = tmp_path / "saved"
    saved.mkdir()

    for source in (text, other, tmp_path / "missing.dump"):
        with pytest.raises(GviaError) as refused:
            backup.restore_office(office, source, folder=saved)
        assert source.name in str(refused.value)
    assert amounts() == [10000] and list(saved.iterdir()) == []


def _dump_of(pg_server, tmp_path, label: str, change) -> Path:
    """A dump of a ledger `change(conn)` was run on (autocommit)."""
    url = pg_server.new_ledger(label)
    with psycopg.connect(url, autocommit=True) as conn:
        change(conn)
    made = backup.backup_office(url, dest=tmp_path / f"{label}.dump").path
    pg_server.drop(url)
    return made


def test_a_backup_from_an_older_version_is_restored_and_brought_up_to_date(
        office, pg_server, tmp_path):
    older_name = MIGRATIONS[-2]
    url = pg_server.new_database("older")
    db = OfficeDatabase(url)
    migrate(db, target=older_name)  # the ledger as the version before this one left it
    db.execute_sql(OLD_CLIENT)
    db.close()
    older = backup.backup_office(url, dest=tmp_path / "older.dump").path
    pg_server.drop(url)
    assert backup.dump_migrations(older)[-1] == older_name
    pay("100")

    safety = backup.restore_office(office, older, folder=tmp_path)

    applied = [n for (n,) in office.db.execute_sql("SELECT name FROM schema_migration")]
    assert sorted(applied) == MIGRATIONS
    assert [c.name for c in Client.select()] == ['ותיק בע"מ'] and amounts() == []
    assert backup.dump_counts(safety.path)["payment"] == 1  # what it replaced, saved
    pay("200")  # the ledger works on, at this version's schema
    assert amounts() == [20000]


def test_an_older_backup_that_cannot_be_brought_up_to_date_leaves_the_ledger_as_it_was(
        office, pg_server, tmp_path):
    def lie(conn):  # it says it lacks the newest migration, but its tables have it
        conn.execute(OLD_CLIENT)
        conn.execute("DELETE FROM schema_migration WHERE name = "
                     "(SELECT max(name) FROM schema_migration)")

    older = _dump_of(pg_server, tmp_path, "lying", lie)
    pay("100")

    with pytest.raises(GviaError) as refused:
        backup.restore_office(office, older, folder=tmp_path)
    assert "lying.dump" in str(refused.value) and "כפי שהיה" in str(refused.value)
    assert amounts() == [10000]
    applied = [n for (n,) in office.db.execute_sql("SELECT name FROM schema_migration")]
    assert sorted(applied) == MIGRATIONS


def test_restore_refuses_a_dump_with_a_migration_missing_in_the_middle(office, pg_server,
                                                                      tmp_path):
    holed = _dump_of(pg_server, tmp_path, "holed", lambda conn: conn.execute(
        "DELETE FROM schema_migration WHERE name = %s", (MIGRATIONS[3],)))
    pay("100")
    saved = tmp_path / "saved"
    saved.mkdir()

    with pytest.raises(GviaError) as refused:
        backup.restore_office(office, holed, folder=saved)
    assert "holed.dump" in str(refused.value)
    assert amounts() == [10000] and list(saved.iterdir()) == []


def test_restoring_an_empty_ledger_over_data_asks_first(office, pg_server, tmp_path):
    empty_url = pg_server.new_ledger("empty")
    empty = backup.backup_office(empty_url, dest=tmp_path / "empty.dump").path
    pg_server.drop(empty_url)
    pay("100")

    with pytest.raises(EmptyBackupError):
        backup.restore_office(office, empty, folder=tmp_path)
    assert amounts() == [10000]
    backup.restore_office(office, empty, folder=tmp_path, allow_empty=True)
    assert amounts() == []


def test_a_missing_tool_names_what_to_install():
    with pytest.raises(GviaError) as missing:
        backup.find_tool("pg_dump_of_no_version")
    assert "pg_dump_of_no_version" in str(missing.value)
    assert "postgresql-client" in str(missing.value)


def run_cli(*args, data_home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_DATA_HOME": str(data_home), "HOME": str(data_home)}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


def test_the_command_line_backs_up_and_restores_an_office_ledger(office, tmp_path):
    pay("100")
    out = tmp_path / "office.dump"
    done = run_cli("backup", "--db", office.url, "--out", out, data_home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out) and out.is_file()

    again = run_cli("backup", "--db", office.url, "--out", out, data_home=tmp_path)
    assert again.returncode != 0 and "Traceback" not in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1

    pay("200")
    office.db.close()  # the command works on the server alone
    done = run_cli("restore", "--db", office.url, "--from", out, data_home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stderr and "before-restore.dump" in done.stderr
    office.db.connect()
    assert amounts() == [10000]
