"""`python main.py today --db PATH [--as-of DATE] [--format text|json]`."""
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

import main
from models.contact.contact_log import log_contact
from models.db.opening import open_database
from models.ledger import services
from models.prevention.deposits import request_deposit

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "book.db"
    with open_database(path):
        acme = services.add_client(name="אקמי בע\"מ", kind="company")
        services.add_invoice(acme.id, "INV-7", dt.date(2026, 9, 1), 1200,
                             due_date=dt.date(2026, 10, 1))
        services.add_invoice(acme.id, "INV-8", dt.date(2026, 11, 1), 450,
                             due_date=dt.date(2026, 11, 26))
        log_contact(acme.id, dt.datetime(2026, 11, 2, 9, 0), "phone", summary="יחזרו אליי",
                    follow_up_date=dt.date(2026, 11, 9), recorded_at=dt.datetime(2026, 11, 2, 9, 5))
        request_deposit(acme.id, "אתר חדש", "2,000", requested_date=dt.date(2026, 11, 15),
                        due_date=dt.date(2026, 11, 20))
    return path


def test_json_lists_the_actions_with_stable_keys(book, capsys):
    assert main.main(["today", "--db", str(book), "--as-of", "2026-11-22", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == "2026-11-22"
    assert data["totals"] == {"overdue": {"ILS": 1200.0}, "expected_this_week": {"ILS": 450.0}}
    [action] = data["actions"]
    # 52 days overdue, and the call of 02/11 was the plan's call (from day 30): the final
    # warning, named plainly.
    assert (action["step"], action["client"], action["days_overdue"]) == (
        "final-warning", "אקמי בע\"מ", 52)
    assert action["code"] == "final-warning" and action["reason"]
    assert [i["number"] for i in action["invoices"]] == ["INV-7"]
    assert [d["number"] for d in data["due_soon"]] == ["INV-8"]
    assert [f["follow_up_date"] for f in data["follow_ups"]] == ["2026-11-09"]
    assert [(d["client"], d["amount"], d["days_late"]) for d in data["deposits"]] == [
        ("אקמי בע\"מ", 2000.0, 2)]
    assert len(data["trend"]) == 12


def test_text_output_is_hebrew_in_a_real_process(book):
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "today", "--db", str(book),
                          "--as-of", "2026-11-22"], capture_output=True, text=True,
                         encoding="utf-8", cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "היום — 22/11/2026" in out.stdout
    assert "התראה לפני נקיטת הליכים" in out.stdout and "INV-7" in out.stdout
    assert "מעקבים שהגיע מועדם" in out.stdout
    assert "מקדמות לתשלום" in out.stdout and "(אתר חדש) — באיחור של יומיים" in out.stdout


def test_text_output_gives_the_reason_of_each_action(book, capsys):
    argv = ["today", "--db", str(book), "--as-of", "2026-11-22"]
    assert main.main([*argv, "--format", "json"]) == 0
    [action] = json.loads(capsys.readouterr().out)["actions"]
    assert main.main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    at = next(n for n, line in enumerate(lines) if "INV-7" in line and "•" in line)
    # The engine's reason, on its own line under the action it explains.
    assert lines[at + 1] == f"    הסיבה: {action['reason']}"
    assert "52 ימים" in action["reason"]


@pytest.mark.parametrize("argv, message", [
    (["--as-of", "22/11/2026"], "תאריך"),
    (["--format", "xml"], "xml"),
])
def test_bad_arguments_exit_2_without_a_traceback(book, capsys, argv, message):
    with pytest.raises(SystemExit) as info:
        main.main(["today", "--db", str(book), *argv])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_missing_database_is_a_clear_error(tmp_path, capsys):
    assert main.main(["today", "--db", str(tmp_path / "none.db")]) == 2
    assert "לא נמצא" in capsys.readouterr().err
