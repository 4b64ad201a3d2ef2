"""`gvia export-ledger --out FILE.xlsx`: the whole ledger in one workbook, from the command
line; never over the ledger, a backup or an existing file (without --force)."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl

from models.db.opening import open_database
from models.ledger import services

ROOT = Path(__file__).resolve().parents[2]


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                          capture_output=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def make_ledger(path: Path) -> None:
    with open_database(path):
        client = services.add_client(name="לוי שירותים", kind="company")
        invoice = services.add_invoice(client.id, "501", dt.date(2026, 10, 1), "1,234.56")
        services.record_payment(client.id, dt.date(2026, 10, 20), "234.56", reference="R1",
                                invoice_ids=[invoice.id])


def test_export_ledger_writes_the_workbook(tmp_path):
    db = tmp_path / "gvia.db"
    make_ledger(db)
    out = tmp_path / "ledger.xlsx"
    done = run("export-ledger", "--db", db, "--out", out, "--as-of", "2026-11-22")
    assert done.returncode == 0, done.stderr.decode()
    message = done.stderr.decode()
    assert "לקוח אחד" in message and "חשבונית אחת" in message and str(out) in message
    book = openpyxl.load_workbook(out)
    invoices = book["חשבוניות"]
    header = [c.value for c in invoices[1]]
    row = dict(zip(header, (c.value for c in invoices[2])))
    assert Decimal(str(row["סכום"])) == Decimal("1234.56")
    assert Decimal(str(row["יתרה פתוחה"])) == Decimal("1000")
    assert book["תשלומים"].max_row == 2


def test_export_ledger_never_overwrites(tmp_path):
    db = tmp_path / "gvia.db"
    make_ledger(db)
    ledger = db.read_bytes()

    refused = run("export-ledger", "--db", db, "--out", db)  # not even with a .db name
    assert refused.returncode == 2 and ".xlsx" in refused.stderr.decode()

    (tmp_path / "backups").mkdir()
    into_backups = run("export-ledger", "--db", db, "--out", tmp_path / "backups" / "x.xlsx")
    assert into_backups.returncode == 2
    assert not (tmp_path / "backups" / "x.xlsx").exists()

    existing = tmp_path / "old.xlsx"
    existing.write_bytes(b"keep")
    kept = run("export-ledger", "--db", db, "--out", existing)
    assert kept.returncode == 2 and "--force" in kept.stderr.decode()
    assert existing.read_bytes() == b"keep"
    assert run("export-ledger", "--db", db, "--out", existing, "--force").returncode == 0
    assert openpyxl.load_workbook(existing).sheetnames[0] == "לקוחות"
    assert db.read_bytes() == ledger
