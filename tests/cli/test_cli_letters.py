"""`python main.py letters` as scripts and support use it: exit codes, messages, files."""
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.fixture
def ledger_path(tmp_path):
    from models.db.opening import open_database
    from models.ledger import services

    path = tmp_path / "gvia.db"
    with open_database(path):
        acme = services.add_client(name='כהן ובניו בע"מ', kind="company")
        services.add_invoice(acme.id, "100", dt.date(2026, 8, 1), "1500")
        person = services.add_client(name="דנה לוי", kind="person")
        services.add_invoice(person.id, "101", dt.date(2026, 8, 1), "800")
        services.add_client(name="לקוח בלי חובות")
    return path


def test_letter_for_one_client_by_name(ledger_path, tmp_path):
    out = tmp_path / "one.pdf"
    result = run("letters", "--db", ledger_path, "--kind", "reminder", "--client", 'כהן ובניו בע"מ',
                 "--out", out, "--as-of", "2026-11-22")
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    assert "נכתב מכתב אחד" in result.stderr
    assert list((tmp_path / "letters").glob("*.pdf"))  # archived next to the database


def test_all_writes_to_the_clients_at_that_step_only(ledger_path, tmp_path):
    # The business is 53 days overdue: the final warning. The person has no debt notice:
    # the plan's step is the notice, so no warning goes to them.
    result = run("letters", "--db", ledger_path, "--kind", "final-warning", "--all",
                 "--out", tmp_path / "all.pdf", "--as-of", "2026-11-22")
    assert result.returncode == 0, result.stderr
    assert "נכתב מכתב אחד" in result.stderr and "לקוח 2" not in result.stderr
    result = run("letters", "--db", ledger_path, "--kind", "debt-notice", "--all",
                 "--out", tmp_path / "notice.pdf", "--as-of", "2026-11-22")
    assert result.returncode == 0, result.stderr
    assert "נכתב מכתב אחד" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["--kind", "love-letter", "--all"], "סוג מכתב לא מוכר"),
    (["--kind", "reminder", "--client", "אין כזה"], "לא נמצא לקוח"),
    (["--kind", "reminder", "--client", "לקוח בלי חובות"], "אין"),
    (["--kind", "reminder", "--client", "דנה לוי"], "הודעת חוב"),
    (["--kind", "paid-in-full", "--client", "1"], "יתרה פתוחה"),
])
def test_user_mistakes_exit_2_with_hebrew_and_no_traceback(ledger_path, tmp_path, args, message):
    out = tmp_path / "x.pdf"
    result = run("letters", "--db", ledger_path, *args, "--out", out, "--as-of", "2026-11-22")
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()
