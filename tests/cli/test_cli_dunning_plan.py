"""The dunning engine end to end, the way the outside check drives it: `import` a ledger
with both client kinds and invoices straddling every threshold, send debt notices and a
final warning with `letters --as-of`, and read `today --format json --as-of` on several
dates. Also: a final warning never demands an invoice under a settlement being paid, and a
second `reminder --all` the same day sends nothing unless --force."""
import csv
import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 22)


def run(*args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8", env=env, cwd=ROOT,
                          timeout=120)


def write_csv(path: Path, header, rows) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    return path


def d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# name, kind, days overdue on AS_OF (one invoice each, due AS_OF - days)
CLIENTS = [
    ("C6", "company", 6), ("C7", "company", 7), ("C20", "company", 20), ("C21", "company", 21),
    ("C29", "company", 29), ("C30", "company", 30), ("C44", "company", 44),
    ("C45", "company", 45), ("C168", "company", 168), ("C1050", "company", 1050),
    ("CF", "company", 45),
    ("P6", "person", 6), ("P7", "person", 7), ("P45", "person", 45), ("PN", "person", 6),
]


@pytest.fixture
def ledger(tmp_path):
    clients = write_csv(tmp_path / "clients.csv", ["external_id", "name", "kind"],
                        [[name, f"לקוח {name}", kind] for name, kind, _days in CLIENTS])
    invoices = write_csv(
        tmp_path / "invoices.csv", ["number", "client", "issue_date", "due_date", "amount"],
        [[f"INV-{name}", name, d(AS_OF - dt.timedelta(days=days + 30)),
          d(AS_OF - dt.timedelta(days=days)), "1,000"] for name, _kind, days in CLIENTS])
    db = tmp_path / "gvia.db"
    done = run("import", "--db", db, "--clients", clients, "--invoices", invoices)
    assert done.returncode == 0, done.stderr
    return db


def steps_on(db: Path, day: dt.date) -> dict[str, str]:
    """Client external name -> the step due on that day (clients with nothing due absent)."""
    done = run("today", "--db", db, "--format", "json", "--as-of", day.isoformat())
    assert done.returncode == 0, done.stderr
    actions = json.loads(done.stdout)["actions"]
    assert all(a["step"] in ("debt-notice", "reminder", "second-reminder", "final-warning",
                             "call", "handover", "email") and a["reason"] for a in actions)
    return {a["client"].removeprefix("לקוח "): a["step"] for a in actions}


def letter(db: Path, tmp_path: Path, kind: str, client: str, day: dt.date) -> None:
    done = run("letters", "--db", db, "--kind", kind, "--client", f"לקוח {client}",
               "--out", tmp_path / f"{kind}-{client}-{day}.pdf", "--as-of", day.isoformat())
    assert done.returncode == 0, done.stderr


def test_the_step_follows_the_days_overdue_at_every_threshold(ledger, tmp_path):
    steps = steps_on(ledger, AS_OF)
    expected = {
        "C6": None, "C7": "reminder", "C20": "reminder", "C21": "second-reminder",
        "C29": "second-reminder", "C30": "call", "C44": "call", "C45": "final-warning",
        "C168": "final-warning", "C1050": "final-warning", "CF": "final-warning",
        # A private person: the debt notice first, whatever the days.
        "P6": None, "P7": "debt-notice", "P45": "debt-notice", "PN": None,
    }
    assert {name: steps.get(name) for name in expected} == expected

    # A debt notice to PN on day 6 of its debt, a final warning to CF on day 45.
    letter(ledger, tmp_path, "debt-notice", "PN", AS_OF)
    letter(ledger, tmp_path, "final-warning", "CF", AS_OF)
    with sqlite3.connect(ledger) as conn:
        [deadline] = conn.execute("SELECT deadline_date FROM letter l JOIN client c "
                                  "ON c.id = l.client_id WHERE c.name = 'לקוח CF'").fetchone()
    deadline = dt.date.fromisoformat(deadline)
    assert deadline >= AS_OF + dt.timedelta(days=14)

    # The same day: each step once; PN waits for its 14 days, CF for its deadline.
    steps = steps_on(ledger, AS_OF)
    assert "PN" not in steps and "CF" not in steps
    # Notice + 13 days: still waiting. Notice + 14: the reminder (not due + 21).
    assert "PN" not in steps_on(ledger, AS_OF + dt.timedelta(days=13))
    assert steps_on(ledger, AS_OF + dt.timedelta(days=14))["PN"] == "reminder"
    # The final warning's deadline: still waiting on the day; hand over the day after.
    assert "CF" not in steps_on(ledger, deadline)
    assert steps_on(ledger, deadline + dt.timedelta(days=1))["CF"] == "handover"
    # Never a reminder after the final warning, however old the debt.
    assert steps_on(ledger, AS_OF + dt.timedelta(days=400))["CF"] == "handover"


def test_thresholds_move_with_the_date(ledger):
    # One day later every straddling pair moves up together.
    steps = steps_on(ledger, AS_OF + dt.timedelta(days=1))
    assert {n: steps.get(n) for n in ("C6", "C20", "C29", "C44", "P6")} == {
        "C6": "reminder", "C20": "second-reminder", "C29": "call", "C44": "final-warning",
        "P6": "debt-notice"}


@pytest.fixture
def settled_ledger(tmp_path):
    """A business 60 days overdue on two invoices; one is under a signed settlement whose
    first instalment is not due yet."""
    from models.db.opening import open_database
    from models.ledger import services
    from models.negotiation import settlements as st

    path = tmp_path / "settled.db"
    due = AS_OF - dt.timedelta(days=60)
    with open_database(path):
        client = services.add_client(name='ברקת הסעות בע"מ', kind="company")
        covered = services.add_invoice(client.id, "10344", due - dt.timedelta(days=30), 5000,
                                       due_date=due)
        services.add_invoice(client.id, "10361", due - dt.timedelta(days=30), 700, due_date=due)
        agreement = AS_OF - dt.timedelta(days=5)
        settlement = st.create_settlement(client.id, [covered.id], agreement,
                                          instalment_count=2,
                                          first_date=AS_OF + dt.timedelta(days=10))
        st.sign_settlement(settlement.id, agreement)
    return path


def test_a_final_warning_demands_nothing_under_a_settlement_being_paid(settled_ledger,
                                                                        tmp_path):
    # Today: the step covers the one invoice, the other is paused.
    today = json.loads(run("today", "--db", settled_ledger, "--format", "json", "--as-of",
                           AS_OF.isoformat()).stdout)
    [action] = today["actions"]
    assert action["step"] == "final-warning"
    assert [i["number"] for i in action["invoices"]] == ["10361"]
    assert [p["number"] for p in today["paused"]] == ["10344"]
    out = tmp_path / "fw.pdf"
    done = run("letters", "--db", settled_ledger, "--kind", "final-warning", "--all",
               "--out", out, "--as-of", AS_OF.isoformat())
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "10361" in text and "10344" not in text
    with sqlite3.connect(settled_ledger) as conn:
        assert conn.execute("SELECT amount_agorot FROM letter").fetchall() == [(70000,)]


def test_reminder_all_twice_the_same_day_sends_nothing_the_second_time(ledger, tmp_path):
    first = run("letters", "--db", ledger, "--kind", "reminder", "--all",
                "--out", tmp_path / "r1.pdf", "--as-of", AS_OF.isoformat())
    assert first.returncode == 0, first.stderr
    with sqlite3.connect(ledger) as conn:
        count = conn.execute("SELECT count(*) FROM letter").fetchone()[0]
    assert count == 2  # C7 and C20
    again = run("letters", "--db", ledger, "--kind", "reminder", "--all",
                "--out", tmp_path / "r2.pdf", "--as-of", AS_OF.isoformat())
    assert again.returncode != 0
    assert again.stderr.count("דילוג על לקוח") == 2 and "--force" in again.stderr
    assert not (tmp_path / "r2.pdf").exists()
    with sqlite3.connect(ledger) as conn:
        assert conn.execute("SELECT count(*) FROM letter").fetchone()[0] == count
    forced = run("letters", "--db", ledger, "--kind", "reminder", "--all", "--force",
                 "--out", tmp_path / "r2.pdf", "--as-of", AS_OF.isoformat())
    assert forced.returncode == 0, forced.stderr
    with sqlite3.connect(ledger) as conn:
        assert conn.execute("SELECT count(*) FROM letter").fetchone()[0] == 2 * count
