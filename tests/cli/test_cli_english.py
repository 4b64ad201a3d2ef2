"""`--lang en`: every line the command line writes is English — summaries, Today, errors
and refusals — on a ledger whose own data is Latin, so any Hebrew seen is ours."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from models.db.connection import database
from models.db.opening import open_database
from models.ledger import services
from models.contact.contact_log import log_contact
from models.contact.promises import record_promise

ROOT = Path(__file__).resolve().parents[2]
HEBREW = re.compile("[\u0590-\u05ff]")
AS_OF = "2026-11-22"


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--lang", "en",
                           *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("english") / "gvia.db"
    with open_database(path), database.atomic():
        acme = services.add_client(name="Acme Ltd", kind="company", terms="שוטף+30",
                                   address="1 Main St", city="Haifa", zip="3100000")
        dana = services.add_client(name="Dana Levi", kind="person", address="2 Oak St",
                                   city="Haifa", zip="3100000")
        services.add_invoice(acme.id, "1001", dt.date(2026, 7, 1), "5000")
        services.add_invoice(acme.id, "1002", dt.date(2026, 11, 1), "1200")
        services.add_invoice(dana.id, "2001", dt.date(2026, 8, 15), "800")
        services.record_payment(acme.id, dt.date(2026, 11, 10), "1000", method="check",
                                check_date=dt.date(2026, 11, 20), check_number="77")
        call = log_contact(acme.id, dt.date(2026, 11, 18), "phone", summary="Will pay")
        record_promise(call.id, "2000", dt.date(2026, 11, 21))
    return path


def english(result: subprocess.CompletedProcess) -> str:
    text = result.stdout + result.stderr
    assert "Traceback" not in text, text
    hebrew = [line for line in text.splitlines() if HEBREW.search(line)]
    assert hebrew == [], "\n".join(hebrew)
    return text


@pytest.mark.parametrize("args", [
    ("today", "--as-of", AS_OF),
    ("aging", "--as-of", AS_OF, "--format", "json"),
    ("check",),
])
def test_a_command_speaks_english(ledger, args):
    result = run(*args, "--db", ledger)
    assert result.returncode == 0, result.stderr
    assert english(result).strip()


def test_today_names_its_sections_in_english(ledger):
    text = english(run("today", "--db", ledger, "--as-of", AS_OF))
    assert "Acme Ltd" in text and "Dana Levi" in text


@pytest.mark.parametrize("args", [
    ("letters", "--kind", "reminder", "--client", "Nobody", "--out", "{tmp}/x.pdf"),
    ("letters", "--kind", "no-such-kind", "--all", "--out", "{tmp}/x.pdf"),
    ("letters", "--kind", "reminder", "--client", "Dana Levi", "--out", "{tmp}/x.pdf",
     "--as-of", AS_OF),  # a private person: the debt notice comes first
    ("aging", "--as-of", "2026-13-01"),
    ("aging", "--buckets", "30,x"),
    ("aging", "--out", "{db}"),
    ("import", "--clients", "{tmp}/missing.csv"),
    ("demo",),  # the ledger already has clients
    ("restore", "{tmp}/missing.db"),
])
def test_a_refusal_speaks_english(ledger, tmp_path, args):
    filled = [str(a).format(tmp=tmp_path, db=ledger) for a in args]
    result = run(*filled, "--db", ledger)
    assert result.returncode == 2, result.stdout + result.stderr
    assert english(result).startswith("Error")


def test_letters_summary_speaks_english(ledger, tmp_path):
    result = run("letters", "--db", ledger, "--kind", "statement", "--all",
                 "--out", tmp_path / "s.pdf", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    english(result)
