"""Moving a ledger file to a shared office's server (`gvia migrate`,
models/db/postgres/transfer.py): every row and file arrives, checked, in one transaction;
a target that is not empty, a source that is not a Gvia ledger and a failure midway
change nothing. On the test server, as its superuser and as a role that is not one."""
import datetime as dt
import hashlib
import sqlite3
import subprocess
import sys
import urllib.parse
from pathlib import Path

import psycopg
import pytest

from models.common.errors import DatabaseOpenError
from models.db import writer_lock
from models.db.opening import open_database
from models.db.postgres import transfer
from models.db.postgres.transfer import TransferError

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 22)
PDF = b"%PDF-1.4 a reminder, archived\n%%EOF\n"
SCAN = b"%PDF-1.4 the client's signed order\n%%EOF\n"
_made: dict[str, bytes] = {}


def move_ledger(source, url, **kwargs):
    """The move as `gvia migrate` asks it: checked against the aging of both sides."""
    from models.queries.aging import aging_report

    return transfer.move_ledger(source, url, aging=aging_report, **kwargs)


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    """The office's files are read back into this test's own cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def demo_ledger(folder: Path) -> Path:
    """The demo ledger, a cancelled settlement, a letter archived and an attachment."""
    path = folder / "gvia.db"
    if "demo" not in _made:
        _make_demo(folder / "made.db")
        _made["demo"] = (folder / "made.db").read_bytes()
        for sub in ("letters", "attachments"):
            for file in (folder / sub).rglob("*"):
                if file.is_file():
                    _made[str(file.relative_to(folder))] = file.read_bytes()
    path.write_bytes(_made["demo"])
    for relative, data in _made.items():
        if relative != "demo":
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_bytes(data)
    return path


def _make_demo(path: Path) -> None:
    from models.contact.contact_log import log_contact
    from models.demo.generator import make_demo
    from models.letters.archive import LetterRecord, archive_dir, record_letters
    from models.negotiation.settlements import Settlement, cancel_settlement

    with open_database(path):
        make_demo(clients=60, invoices=400, seed=1, as_of=AS_OF)
        signed = Settlement.select().where(Settlement.status == "signed").first()
        cancel_settlement(signed.id, AS_OF, "הלקוח ביקש לבטל")
        archive_dir().mkdir(exist_ok=True)
        (archive_dir() / "2026-11-22_reminder.pdf").write_bytes(PDF)
        record_letters([LetterRecord(signed.client_id, "reminder", AS_OF, AS_OF, "תזכורת",
                                     100000, "ILS", None, "2026-11-22_reminder.pdf", 1, 1)])
        scan = path.parent / "order.pdf"
        scan.write_bytes(SCAN)
        log_contact(signed.client_id, dt.datetime(2026, 11, 20, 10, 0), "email",
                    summary="הזמנה חתומה", attachments=[scan],
                    recorded_at=dt.datetime(2026, 11, 21, 9, 0))


def file_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table of the file (the writer's claim aside), sorted."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT IN ('schema_migration', ?)", (writer_lock.TABLE,))]
        return {t: _columns_and_rows(conn.execute(f'SELECT * FROM "{t}"')) for t in tables}
    finally:
        conn.close()


def office_rows(url: str, tables) -> dict[str, list[tuple]]:
    with open_database(url) as office:
        return {t: _columns_and_rows(office.db.execute_sql(f'SELECT * FROM "{t}"'))
                for t in tables}


def _columns_and_rows(cursor) -> tuple[list[str], list[tuple]]:
    columns = [d[0] for d in cursor.description]
    return columns, sorted(cursor.fetchall(), key=repr)


def without(rows: dict, column: str) -> dict:
    out = {}
    for table, (columns, values) in rows.items():
        keep = [i for i, c in enumerate(columns) if c != column]
        out[table] = sorted((tuple(row[i] for i in keep) for row in values), key=repr)
    return out


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [t for (t,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename <> 'schema_migration'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.fixture
def target(request, pg_server):
    url = pg_server.new_database(request.node.name)
    yield url
    pg_server.drop(url)


@pytest.fixture
def mover(request, pg_server):
    """An empty database owned by a role that signs in and is no superuser; its URL."""
    role = "mover_" + hashlib.sha256(request.node.name.encode()).hexdigest()[:8]
    url = pg_server.new_database(request.node.name)
    parts = urllib.parse.urlsplit(url)
    with pg_server.admin() as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
        # The database's owner owns its public schema too (PostgreSQL 15).
        conn.execute(f"ALTER DATABASE {parts.path.lstrip('/')} OWNER TO {role}")
    host = parts.netloc.rsplit("@", 1)[-1]
    yield urllib.parse.urlunsplit(parts._replace(netloc=f"{role}@{host}"))
    pg_server.drop(url)
    with pg_server.admin() as conn:
        conn.execute(f"DROP ROLE IF EXISTS {role}")


def test_a_ledger_moves_whole_with_its_letter_and_attachment(tmp_path, target):
    from models.contact.contact_log import ContactAttachment
    from models.letters.archive import Letter
    from models.ledger import services
    from models.queries.aging import aging_report

    source = demo_ledger(tmp_path)
    before = source.read_bytes()
    rows = file_rows(source)
    with open_database(source, read_only=True):
        aging = aging_report(AS_OF)

    result = move_ledger(source, target, as_of=AS_OF)

    assert result.triggers_off and not result.authors_replaced
    assert result.rows == sum(len(r) for _c, r in rows.values()) and result.tables == len(rows)
    assert result.files == 2 and not result.missing_files and not result.changed_files
    assert result.aging_rows == len(aging.rows) > 0
    assert office_rows(target, rows) == rows  # every row as it was, authors included
    assert source.read_bytes() == before  # the file is left as it is
    with open_database(target):
        letter = Letter.get(Letter.file_path == "2026-11-22_reminder.pdf")
        assert letter.path.read_bytes() == PDF and tmp_path / "cache" in letter.path.parents
        assert ContactAttachment.get().path().read_bytes() == SCAN
        assert aging_report(AS_OF).rows == aging.rows
        columns, clients = rows["client"]
        highest = max(row[columns.index("id")] for row in clients)
        # The ids go on from the highest moved: a new client takes no one's number.
        assert services.add_client(name="לקוח חדש במשרד").id == highest + 1


def test_a_role_that_is_no_superuser_moves_it_through_the_guards(tmp_path, mover):
    source = demo_ledger(tmp_path)
    rows = file_rows(source)
    statuses = sorted(r for r in file_rows(source)["settlement"][1])
    assert {"draft", "signed", "cancelled"} <= {r[rows["settlement"][0].index("status")]
                                                for r in statuses}

    result = move_ledger(source, mover, as_of=AS_OF)

    assert not result.triggers_off and result.authors_replaced and result.files == 2
    moved = office_rows(mover, rows)
    # Paid columns, settlements signed and cancelled, events: all as in the file; only
    # the authors are the server's (its created_by trigger names the role that wrote).
    assert without(moved, "created_by") == without(rows, "created_by")
    role = urllib.parse.urlsplit(mover).username
    columns, invoices = moved["invoice"]
    assert {row[columns.index("created_by")] for row in invoices} == {role}


def test_a_second_move_into_the_same_database_is_refused(tmp_path, target):
    source = demo_ledger(tmp_path)
    move_ledger(source, target, as_of=AS_OF)
    filled = counts(target)

    with pytest.raises(TransferError, match="כבר יש ספר"):
        move_ledger(source, target, as_of=AS_OF)
    assert counts(target) == filled


def test_a_file_that_is_not_a_gvia_ledger_is_refused_and_the_server_is_untouched(
        tmp_path, target):
    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL)")
    text = tmp_path / "notes.db"
    text.write_text("not a database at all")
    for path, message in ((foreign, "של תוכנה אחרת"), (text, "אינו מסד נתונים של גבייה"),
                          (tmp_path / "missing.db", "לא נמצא")):
        with pytest.raises(DatabaseOpenError, match=message):
            move_ledger(path, target, as_of=AS_OF)
    assert counts(target) == {}  # not even a schema was made


def test_a_failure_midway_leaves_the_target_empty(tmp_path, target):
    source = demo_ledger(tmp_path)
    with sqlite3.connect(source) as conn:  # a date only SQLite's loose typing takes
        conn.execute("INSERT INTO deposit_request (client_id, description, amount_agorot, "
                     "requested_date, due_date, created_at) "
                     "VALUES (1, 'מקדמה', 5000, '2026-11-01', 'soon', '2026-11-01T09:00')")

    with pytest.raises(TransferError, match="deposit_request"):
        move_ledger(source, target, as_of=AS_OF)

    left = counts(target)
    assert left and set(left.values()) == {0}  # a migrated ledger, with no row in it


def test_paid_columns_that_disagree_with_the_allocations_fail_the_check(tmp_path, mover):
    source = demo_ledger(tmp_path)
    with sqlite3.connect(source) as conn:  # a foreign tool zeroed what one invoice paid
        conn.execute("UPDATE invoice SET paid_agorot = 0 WHERE id = "
                     "(SELECT invoice_id FROM allocation WHERE reversed_date IS NULL LIMIT 1)")

    with pytest.raises(TransferError, match="נבדקה ובוטלה"):
        move_ledger(source, mover, as_of=AS_OF)
    assert set(counts(mover).values()) == {0}


def test_the_command_prints_its_summary_and_refuses_a_file_as_target(tmp_path, target):
    source = demo_ledger(tmp_path)
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_STATE_HOME": str(tmp_path),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    run = [sys.executable, str(ROOT / "main.py"), "--lang", "en", "migrate", "--from",
           str(source)]

    done = subprocess.run([*run, "--to", target], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    summary = done.stderr.strip().splitlines()[-1]
    assert summary.startswith("Moved to ") and "2 files" in summary
    assert "identical on both" in summary and "migrate: client" in done.stderr

    wrong = subprocess.run([*run, "--to", str(tmp_path / "office.db")], capture_output=True,
                           text=True, env=env, cwd=tmp_path, timeout=60)
    assert wrong.returncode == 2 and len(wrong.stderr.strip().splitlines()) == 1
    assert "postgresql://" in wrong.stderr
