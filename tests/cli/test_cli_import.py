"""`python main.py import` end to end, as a script or a support person runs it."""
import csv
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, encoding="utf-8", env=env, cwd=ROOT, timeout=60)


def write_csv(path: Path, header, rows) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    return path


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def files(tmp_path):
    clients = write_csv(tmp_path / "clients.csv", ["מספר לקוח", "שם", "תנאי תשלום"],
                        [["C1", 'כהן ובניו בע"מ', "שוטף+30"], ["C2", "לוי", "נטו 30"]])
    invoices = write_csv(tmp_path / "invoices.csv", ["מספר חשבונית", "לקוח", "תאריך", "סכום"],
                         [["1", "C1", "01/09/2026", "1,000"], ["2", "C2", "01/10/2026", "500"]])
    payments = write_csv(tmp_path / "payments.csv", ["אסמכתא", "לקוח", "תאריך", "סכום"],
                         [["R1", "C1", "15/10/2026", "400"]])
    return ["--clients", str(clients), "--invoices", str(invoices), "--payments", str(payments)]


def test_import_then_aging_from_the_command_line(tmp_path, files):
    db = tmp_path / "gvia.db"

    done = run("import", "--db", str(db), *files)

    assert done.returncode == 0, done.stderr
    assert "נוספו: 2 לקוחות, 2 חשבוניות ותשלום אחד" in done.stdout
    aging = run("aging", "--db", str(db), "--as-of", "2026-11-22")
    rows = list(csv.DictReader(io.StringIO(aging.stdout.lstrip("\ufeff"))))
    assert [(r["client"], r["total"]) for r in rows] == [
        ('כהן ובניו בע"מ', "600.00"), ("לוי", "500.00"), ("TOTAL", "1100.00")]

    again = run("import", "--db", str(db), *files)
    assert again.returncode == 0
    assert "דולגו: 2 לקוחות, 2 חשבוניות ותשלום אחד" in again.stdout
    assert count(db, "payment") == 1


def test_bad_rows_exit_2_listing_every_row_and_write_nothing(tmp_path, files):
    db = tmp_path / "gvia.db"
    write_csv(tmp_path / "invoices.csv", ["מספר חשבונית", "לקוח", "תאריך", "סכום"],
              [["1", "C1", "31/02/2026", "1,000"], ["2", "C2", "01/10/2026", "0"],
               ["3", "C2", "01/10/2026", "10"]])

    done = run("import", "--db", str(db), *files)

    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[0] == "הייבוא נכשל ולא נכתב דבר: נמצאו 2 שגיאות."
    assert lines[1].startswith("שורה 2 בקובץ invoices.csv: תאריך:")
    assert lines[2].startswith("שורה 3 בקובץ invoices.csv: סכום:")
    assert count(db, "client") == 0


def test_dry_run_reports_and_writes_nothing(tmp_path, files):
    db = tmp_path / "gvia.db"

    done = run("import", "--db", str(db), *files, "--dry-run")

    assert done.returncode == 0, done.stderr
    assert "בדיקה בלבד" in done.stdout and "יתווספו: 2 לקוחות" in done.stdout
    assert count(db, "client") == count(db, "invoice") == count(db, "payment") == 0


def test_missing_file_and_no_file_are_user_errors(tmp_path):
    db = tmp_path / "gvia.db"

    missing = run("import", "--db", str(db), "--payments", str(tmp_path / "none.csv"))
    nothing = run("import", "--db", str(db))

    assert missing.returncode == 2 and "בקובץ none.csv: הקובץ לא נמצא." in missing.stderr
    assert nothing.returncode == 2 and "לפחות קובץ אחד" in nothing.stderr
    assert "Traceback" not in missing.stderr + nothing.stderr
