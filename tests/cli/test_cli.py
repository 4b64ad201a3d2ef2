"""`python main.py ...` end to end on a temporary database built with the services:
the aging contract (README "Command line"; docs/domain.md, "Aging"), backup / restore /
check, and user errors."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from models.db.connection import database
from models.db.opening import open_database
from models.ledger import services

ROOT = Path(__file__).resolve().parents[2]
D = dt.date
AS_OF = "2026-11-22"
COLUMNS = ["client_id", "client", "currency", "not_due", "d1_30", "d31_60", "d61_90", "d91_120",
           "d120_plus", "total", "credit"]
EVIL = '=HYPERLINK("http://evil.example","לחצו")'


@dataclass
class Run:
    code: int
    out: bytes
    err: str


def start(*args, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                            env={**os.environ, **(env or {})})


def finish(proc: subprocess.Popen) -> Run:
    out, err = proc.communicate(timeout=60)
    return Run(proc.returncode, out, err.decode("utf-8", "replace"))


def run(*args, **kw) -> Run:
    return finish(start(*args, **kw))


def run_all(commands: dict[str, tuple]) -> dict[str, Run]:
    """Independent commands side by side: each one pays Python's start-up time."""
    procs = {name: start(*args) for name, args in commands.items()}
    return {name: finish(proc) for name, proc in procs.items()}


def read_csv(raw: bytes) -> list[dict]:
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM"
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
    return rows


def by_client(rows: list[list[str]]) -> dict[tuple[str, str], dict]:
    header = rows[0]
    return {(r[1], r[2]): dict(zip(header, r)) for r in rows[1:]}


def build_ledger(path: Path) -> dict[str, int]:
    """The ledger every aging test reads (amounts in the docstrings of the tests)."""
    with open_database(path), database.atomic():
        kohen = services.add_client(name='כהן בע"מ')
        evil = services.add_client(name=EVIL)
        levi = services.add_client(name="לוי")
        paid = services.add_client(name="שילם הכול")
        services.add_client(name="בלי חשבוניות")

        def invoice(client, number, due, amount, **kw):
            issue = kw.pop("issue", due - dt.timedelta(days=10))
            return services.add_invoice(client.id, number, issue, amount, due_date=due, **kw)

        invoice(kohen, "1", D(2026, 11, 22), "1,000.00")               # 0 days: not due
        invoice(kohen, "2", D(2026, 11, 21), "200.50")                 # 1 day
        invoice(kohen, "3", D(2026, 10, 23), "300")                    # 30 days
        inv4 = invoice(kohen, "4", D(2026, 10, 22), "400")             # 31 days
        invoice(kohen, "5", D(2026, 7, 24), "1234.50", issue=D(2026, 5, 15))  # 121 days
        invoice(kohen, "6", D(2026, 9, 22), "50", currency="USD")      # 61 days
        services.record_payment(kohen.id, D(2026, 11, 1), "100", invoice_ids=[inv4.id])
        invoice(evil, "7", D(2026, 11, 30), "99.99")
        invoice(levi, "8", D(2026, 10, 1), "100")
        services.record_payment(levi.id, D(2026, 10, 5), "250")         # 150 credit
        invoice(paid, "9", D(2026, 10, 1), "100")
        services.record_payment(paid.id, D(2026, 10, 5), "100")
        return {"kohen": kohen.id, "evil": evil.id, "levi": levi.id}


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "gvia.db"
    ids = build_ledger(path)
    return path, ids


@pytest.fixture(scope="module")
def aging(ledger):
    path, _ = ledger
    # One copy of the file per command: a database is locked to one running program.
    copies = {}
    for name in ("csv", "json", "buckets", "history", "cp1255", "out"):
        copies[name] = path.with_name(f"{name}.db")
        shutil.copyfile(path, copies[name])
    cp1255 = start("aging", "--db", copies["cp1255"], "--as-of", AS_OF,
                   env={"PYTHONIOENCODING": "cp1255"})  # a Hebrew Windows console's pipe
    runs = run_all({
        "csv": ("aging", "--db", copies["csv"], "--as-of", AS_OF),
        "json": ("aging", "--db", copies["json"], "--as-of", AS_OF, "--format", "json"),
        "buckets": ("aging", "--db", copies["buckets"], "--as-of", AS_OF, "--buckets", "15,45"),
        "history": ("aging", "--db", copies["history"], "--as-of", "2026-06-01"),
        "out": ("aging", "--db", copies["out"], "--as-of", AS_OF, "--out",
                path.with_name("aging.csv")),
    })
    runs["cp1255"] = finish(cp1255)
    return runs


# ---- aging ---------------------------------------------------------------------------

def test_aging_csv_contract(aging, ledger):
    _, ids = ledger
    result = aging["csv"]
    assert result.code == 0, result.err
    rows = read_csv(result.out)
    assert rows[0] == COLUMNS
    got = by_client(rows)
    assert set(got) == {('כהן בע"מ', "ILS"), ('כהן בע"מ', "USD"), ("'" + EVIL, "ILS"),
                        ("לוי", "ILS"), ("TOTAL", "ILS"), ("TOTAL", "USD")}
    assert got['כהן בע"מ', "ILS"] == {
        "client_id": str(ids["kohen"]), "client": 'כהן בע"מ', "currency": "ILS",
        "not_due": "1000.00", "d1_30": "500.50", "d31_60": "300.00", "d61_90": "0.00",
        "d91_120": "0.00", "d120_plus": "1234.50", "total": "3035.00", "credit": "0.00"}
    assert got['כהן בע"מ', "USD"]["d61_90"] == "50.00"
    assert got["לוי", "ILS"]["total"] == "0.00" and got["לוי", "ILS"]["credit"] == "150.00"
    # TOTAL rows come last, one per currency, with an empty client_id
    assert [r[1] for r in rows[-2:]] == ["TOTAL", "TOTAL"]
    total_ils = got["TOTAL", "ILS"]
    assert total_ils["client_id"] == ""
    assert (total_ils["not_due"], total_ils["total"], total_ils["credit"]) == (
        "1099.99", "3134.99", "150.00")
    for record in got.values():
        buckets = [Decimal(record[c]) for c in COLUMNS[3:9]]
        assert Decimal(record["total"]) == sum(buckets)
        assert all(len(record[c].split(".")[1]) == 2 for c in COLUMNS[3:])
    for column in COLUMNS[3:]:
        for currency in ("ILS", "USD"):
            clients = [r for (name, cur), r in got.items() if cur == currency and name != "TOTAL"]
            column_sum = sum(Decimal(r[column]) for r in clients)
            assert Decimal(got["TOTAL", currency][column]) == column_sum


def test_aging_csv_neutralises_formulas(aging):
    raw = aging["csv"].out.decode("utf-8-sig")
    assert "'=HYPERLINK" in raw
    assert ",=HYPERLINK" not in raw and '"=HYPERLINK' not in raw


def test_aging_json_gives_the_same_data(aging):
    assert aging["json"].code == 0, aging["json"].err
    records = json.loads(aging["json"].out.decode("utf-8"))
    rows = read_csv(aging["csv"].out)
    assert len(records) == len(rows) - 1
    for record, row in zip(records, rows[1:]):
        assert list(record) == COLUMNS
        expected = dict(zip(COLUMNS, row))
        client_id = int(expected["client_id"]) if expected["client_id"] else None
        assert record["client_id"] == client_id
        assert record["currency"] == expected["currency"]
        assert record["client"] in (expected["client"], expected["client"].removeprefix("'"))
        for column in COLUMNS[3:]:
            assert Decimal(str(record[column])) == Decimal(expected[column])


def test_aging_buckets_option_renames_columns(aging):
    assert aging["buckets"].code == 0, aging["buckets"].err
    rows = read_csv(aging["buckets"].out)
    assert rows[0] == ["client_id", "client", "currency", "not_due", "d1_15", "d16_45",
                       "d45_plus", "total", "credit"]
    kohen = by_client(rows)['כהן בע"מ', "ILS"]
    assert (kohen["not_due"], kohen["d1_15"], kohen["d16_45"], kohen["d45_plus"], kohen["total"]) \
        == ("1000.00", "200.50", "600.00", "1234.50", "3035.00")


def test_aging_as_of_a_past_date(aging):
    assert aging["history"].code == 0, aging["history"].err
    got = by_client(read_csv(aging["history"].out))
    # on 1 June 2026 only invoice 5 had been issued, and it was not yet due
    assert set(got) == {('כהן בע"מ', "ILS"), ("TOTAL", "ILS")}
    assert got['כהן בע"מ', "ILS"]["not_due"] == "1234.50"
    assert got['כהן בע"מ', "ILS"]["total"] == "1234.50"


def test_aging_csv_is_utf8_whatever_the_console_encoding(aging, ledger):
    result = aging["cp1255"]
    assert result.code == 0, result.err
    assert result.out == aging["csv"].out


def test_aging_out_option_writes_the_same_csv_to_a_file(aging, ledger):
    path, _ = ledger
    assert aging["out"].code == 0 and aging["out"].out == b""
    assert path.with_name("aging.csv").read_bytes() == aging["csv"].out


# ---- backup, restore, check ----------------------------------------------------------

def client_names(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM client ORDER BY id")]
    finally:
        conn.close()


def test_backup_check_restore(tmp_path):
    path = tmp_path / "gvia.db"
    with open_database(path):
        services.add_client(name="לפני")
    backup = tmp_path / "copy.db"
    result = run("backup", "--db", path, "--out", backup)
    assert result.code == 0, result.err
    assert result.out.decode().strip() == str(backup)
    assert client_names(backup) == ["לפני"]

    result = run("check", "--db", path)
    assert result.code == 0 and "תקין" in result.out.decode("utf-8")

    with open_database(path):
        services.add_client(name="אחרי")
    result = run("restore", "--db", path, "--from", backup)
    assert result.code == 0, result.err
    assert client_names(path) == ["לפני"]
    assert "נשמר" in result.err  # tells where the replaced state was saved
    assert any("אחרי" in client_names(p) for p in (tmp_path / "backups").glob("*.db"))


# ---- user errors: one line, exit 2, no traceback -------------------------------------

def test_user_errors(ledger, tmp_path):
    good, _ = ledger
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 64)
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    locked = tmp_path / "locked.db"
    copies = {}
    for name in ("as-of", "as-of2", "buckets", "buckets2", "format", "out", "backup-out"):
        copies[name] = tmp_path / f"{name}.db"
        shutil.copyfile(good, copies[name])
    with open_database(locked):  # held open by this process while the commands run
        runs = run_all({
            "missing db": ("aging", "--db", tmp_path / "missing.db"),
            "db is a folder": ("aging", "--db", tmp_path),
            "damaged": ("aging", "--db", damaged),
            "damaged check": ("check", "--db", damaged),
            "locked": ("demo", "--db", locked),  # a second writer; readers may run beside
            "bad as-of": ("aging", "--db", copies["as-of"], "--as-of", "2026-02-30"),
            "as-of not a date": ("aging", "--db", copies["as-of2"], "--as-of", "22/11/2026x"),
            "bad buckets": ("aging", "--db", copies["buckets"], "--buckets", "60,30"),
            "buckets not numbers": ("aging", "--db", copies["buckets2"], "--buckets", "a,b"),
            "bad format": ("aging", "--db", copies["format"], "--format", "xml"),
            "backup of missing db": ("backup", "--db", tmp_path / "missing.db"),
            "out into a missing folder": ("aging", "--db", copies["out"], "--out",
                                          tmp_path / "no-folder" / "a.csv"),
            "backup into a missing folder": ("backup", "--db", copies["backup-out"], "--out",
                                             tmp_path / "no-folder" / "b.db"),
            "restore from junk": ("restore", "--db", locked.with_name("r.db"),
                                  "--from", not_a_backup),
        })
    for name, result in runs.items():
        lines = [line for line in result.err.splitlines() if line.strip()]
        assert result.code == 2, (name, result.err)
        assert len(lines) == 1, (name, result.err)
        assert "Traceback" not in result.err, name
        assert result.out == b"", name
    assert "לא נמצא" in runs["missing db"].err
    assert "פתוח כבר" in runs["locked"].err
    assert "גבולות הגיול" in runs["bad buckets"].err
    assert "2026-02-30" in runs["bad as-of"].err
    assert not (tmp_path / "missing.db").exists()  # a read command does not create files
