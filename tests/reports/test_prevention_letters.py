"""The deposit-request and terms-confirmation letters: words read back from the PDF, the
client's terms, deposit table, late-payment terms, the client's signature lines, who gets
one with --all, and the command line."""
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from factory import setup_business
from pdfcheck import page_count, pdf_text, words

from models.ledger import services
from models.letters.archive import letters_for_client
from models.prevention.deposits import receive_deposit, request_deposit
from reports.batch import produce_letters, select_clients
from reports.draft import draft_letter
from reports.letters import NothingToSend

AS_OF = dt.date(2026, 11, 22)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def job(db):
    setup_business(interest_rate_percent="4.5", collection_costs_agorot=15000,
                   signer_name="דנה לוי")
    acme = services.add_client(name='Acme Ltd (Israel) בע"מ', kind="company", terms="שוטף+45",
                               address="דרך מנחם בגין 132", city="תל אביב", zip="6701101")
    deposit = request_deposit(acme.id, "עיצוב אתר תדמית (הצעה 2026/17)", "3000",
                              job_amount="10000", requested_date=dt.date(2026, 11, 20),
                              due_date=dt.date(2026, 11, 30))
    return acme, deposit


def test_deposit_request_lists_the_deposit_and_the_terms(job):
    acme, _ = job
    result = produce_letters("deposit-request", [acme.id], AS_OF, strict=True)
    text = pdf_text(result.archive_path)
    w = set(words(text))
    assert {"מקדמה", "2026/17", "30/11/2026", "20/11/2026"} <= w
    assert "3,000.00" in text and "10,000.00" in text
    assert "שוטף" in w and "45" in text
    assert "4.5%" in text and "150.00" in text and "חוזית" in w
    assert page_count(result.archive_path) == 1
    [letter] = letters_for_client(acme.id)
    assert (letter.kind, letter.amount_agorot) == ("deposit-request", 300_000)


def test_terms_confirmation_has_signature_lines_on_one_page(job):
    acme, _ = job
    result = produce_letters("terms-confirmation", [acme.id], AS_OF, strict=True)
    text = pdf_text(result.archive_path)
    flat = " ".join(text.split())
    # a company agrees as a body, signed for by an authorised signatory with its stamp
    assert "אישור הלקוח" in flat and "חתימה וחותמת:" in flat and "שם מורשה החתימה:" in flat
    assert "ואנו מסכימים להם" in flat
    assert "14/01/2027" in text  # an invoice of 22/11/2026 under שוטף+45
    assert "דנה לוי" in flat
    assert page_count(result.archive_path) == 1


def test_no_awaited_deposit_means_no_deposit_letter(job):
    acme, deposit = job
    receive_deposit(deposit.id, dt.date(2026, 11, 21))
    with pytest.raises(NothingToSend, match="מקדמה"):
        produce_letters("deposit-request", [acme.id], AS_OF, strict=True)
    # the terms confirmation needs no deposit: it states the terms
    assert draft_letter("terms-confirmation", acme.id, AS_OF).startswith(b"%PDF")


def test_all_selects_clients_awaiting_a_deposit_and_confirms_terms_once(job):
    acme, _ = job
    services.add_client(name="בלי מקדמה")
    assert select_clients("deposit-request", AS_OF) == [acme.id]
    assert select_clients("terms-confirmation", AS_OF) == [acme.id]
    produce_letters("terms-confirmation", [acme.id], AS_OF)
    assert select_clients("terms-confirmation", AS_OF) == []


def test_command_line_accepts_both_kinds(job, db, db_path, tmp_path):
    acme, _ = job
    db_path_str = str(db_path)
    db.close()  # the command opens the file itself (one instance per database)
    out = tmp_path / "terms.pdf"
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "letters", "--db", db_path_str,
                           "--kind", "terms-confirmation", "--client", str(acme.id),
                           "--out", str(out), "--as-of", "2026-11-22"],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "אישור הלקוח" in " ".join(pdf_text(out).split())
