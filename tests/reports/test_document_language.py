"""A letter and a case file are Hebrew documents whatever the interface language: with
`--lang en` the screens speak English, and what goes to the debtor (or the lawyer) still
reads in Hebrew, including the sentences the documents take from the domain."""
import datetime as dt

import pytest
from factory import setup_business
from pdfcheck import pdf_text, words

from models.common import i18n
from models.ledger import services
from models.prevention.policy import explain_terms
from reports.batch import produce_letters
from reports.case_file_pdf import write_case_file_pdf
from reports.letters import NothingToSend

AS_OF = dt.date(2026, 11, 22)


@pytest.fixture
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("he")


@pytest.fixture
def acme(db):
    setup_business()
    client = services.add_client(name="Acme Ltd", kind="company", terms="שוטף+45",
                                 address="דרך מנחם בגין 132", city="תל אביב", zip="6701101")
    services.add_invoice(client.id, "1001", dt.date(2026, 8, 1), "5000")
    return client


def test_the_terms_guide_explains_in_the_interface_language(english):
    assert explain_terms("שוטף+45").startswith("End of month + 45: 45 days are counted")


def test_a_letter_stays_hebrew_under_an_english_interface(acme, english):
    result = produce_letters("terms-confirmation", [acme.id], AS_OF, strict=True)
    text = pdf_text(result.archive_path)
    assert {"סופרים", "45", "מסוף", "החודש"} <= set(words(text))  # explain_terms, in Hebrew
    assert "days are counted" not in text and "End of month" not in text


def test_a_refusal_is_in_the_interface_language(acme, english):
    with pytest.raises(NothingToSend, match="has no deposit that was requested"):
        produce_letters("deposit-request", [acme.id], AS_OF, strict=True)


def test_the_case_file_stays_hebrew_under_an_english_interface(acme, english, tmp_path):
    out = tmp_path / "case.pdf"
    write_case_file_pdf(acme.id, AS_OF, out)
    text = pdf_text(out)
    assert "תיק הכנה למשא ומתן" in text
    # labels the case file takes from the domain tables (steps, verdicts) print in Hebrew
    latin = {w for w in text.split() if w.isascii() and w.isalpha() and len(w) > 3}
    assert latin <= {"Acme"}, latin


@pytest.fixture
def debtor(db):
    """A client whose case file has reasons, a note and a settlement line to write: an
    invoice 200 days overdue, a bounced check, a draft settlement, no hourly rate set."""
    from models.negotiation import settlements as st

    setup_business()
    client = services.add_client(name="Acme Ltd", kind="company", terms="נטו 30")
    inv = services.add_invoice(client.id, "2001", dt.date(2026, 4, 6), "3000", terms="נטו 30")
    check = services.record_payment(client.id, dt.date(2026, 6, 1), "1000", method="check",
                                    check_number="55", invoice_ids=[inv.id])
    services.bounce_payment(check.id, dt.date(2026, 6, 10))
    st.create_settlement(client.id, [inv.id], AS_OF)
    return client


def test_the_case_files_sentences_follow_the_interface_and_print_in_hebrew(
        debtor, english, tmp_path):
    from models.collection.case_file import build_case_file

    case = build_case_file(debtor.id, AS_OF)  # what the case-file screen shows
    assert "A debt overdue by 200 days (over 90)." in case.indicator.debtor_reasons
    assert "Bounced checks: 1." in case.indicator.debtor_reasons
    assert case.settlement_lines[0].startswith("Settlement of 22/11/2026 for ")
    assert ": Draft." in case.settlement_lines[0]
    assert any(n.startswith("No hourly rate is set") for n in case.notes) \
        or case.cost.hourly_rate_agorot > 0

    out = tmp_path / "case.pdf"
    write_case_file_pdf(debtor.id, AS_OF, out)
    text = pdf_text(out)
    assert {"בפיגור", "200", "ימים", "שחזרו", "הסדר", "מיום", "טיוטה"} <= set(words(text))
    latin = {w for w in text.split() if w.isascii() and w.isalpha() and len(w) > 3}
    assert latin <= {"Acme"}, latin
