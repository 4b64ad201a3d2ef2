"""The payment-terms guide, walked from a new client to the printed terms confirmation:
recommendation with reasons, the calendar with the due date, the legal note for public
payers, the terms stored on the client, the letter printed and archived."""
import datetime as dt

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate
from PySide6.QtPrintSupport import QPrinter

from models.ledger import services
from models.letters.archive import Letter
from ui.prevention.terms_guide import TermsGuideDialog
from ui.widgets import clock

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def new_client(db):
    return services.add_client(name="סטודיו חדש בע\"מ", kind="company", address="הרצל 1",
                               city="חיפה")


def test_walk_from_a_new_client_to_the_printed_terms_confirmation(qtbot, new_client, tmp_path):
    guide = TermsGuideDialog(new_client.id)
    qtbot.addWidget(guide)
    assert "1" in guide.step_label.text()
    guide.job_amount.setText("25,000")
    guide.next_button.click()

    # step 2: new client + large job -> 50% deposit, both reasons shown
    assert guide.recommended_terms.text() == "שוטף+30"
    assert "50%" in guide.recommended_deposit.text()
    reasons = [guide.reasons.item(i).text() for i in range(guide.reasons.count())]
    assert any("לקוח חדש" in r for r in reasons) and any("עבודה גדולה" in r for r in reasons)
    assert guide.legal.isHidden()
    guide.next_button.click()

    # step 3: the recommended terms are chosen; the calendar marks the due date
    assert guide.kind_buttons["eom"].isChecked() and guide.days_spin.value() == 30
    assert guide.calendar.selectedDate() == QDate(2026, 12, 30)
    assert "30/12/2026" in guide.due_label.text()
    guide.kind_buttons["net"].click()
    guide.days_spin.setValue(14)
    assert guide.calendar.selectedDate() == QDate(2026, 12, 6)
    assert "נטו 14" in guide.explanation.text()
    guide.kind_buttons["immediate"].click()
    assert guide.calendar.selectedDate() == QDate(2026, 11, 22)
    guide.kind_buttons["eom"].click()
    guide.days_spin.setValue(45)
    guide.next_button.click()

    # step 4: print the confirmation
    printed_to = tmp_path / "printer.pdf"

    def fake_printer():
        printer = QPrinter(QPrinter.HighResolution)
        printer.setOutputFormat(QPrinter.PdfFormat)
        printer.setOutputFileName(str(printed_to))
        return printer

    guide.preview.ask_printer = fake_printer
    assert guide.print_button.isEnabled()
    with qtbot.waitSignal(guide.confirmation_printed, timeout=5000) as signal:
        guide.print_button.click()
    assert signal.args == [1]
    assert services.get_client(new_client.id).terms == "שוטף+45"
    assert len(PdfReader(str(printed_to)).pages) == 1
    assert [(l.kind, l.client_id) for l in Letter.select()] == [("terms-confirmation", new_client.id)]
    assert guide.preview.page_count() == 1


def test_public_body_gets_the_legal_maximum_and_a_warning_beyond_it(qtbot, db):
    guide = TermsGuideDialog(None)
    qtbot.addWidget(guide)
    guide.payer_box.setCurrentIndex(guide.payer_box.findData("local_authority"))
    guide.next_button.click()
    assert guide.recommended_terms.text() == "שוטף+45"
    assert "חוק מוסר תשלומים" in guide.legal.text() and not guide.legal.isHidden()
    guide.next_button.click()
    assert guide.limit_warning.text() == ""
    guide.days_spin.setValue(60)
    assert "חוק מוסר תשלומים" in guide.limit_warning.text()
    guide.next_button.click()
    # no saved client yet: the guide says so instead of printing
    assert not guide.print_button.isEnabled()
    assert guide.chosen_terms() == "שוטף+60"


def test_a_wrong_job_amount_is_explained_and_the_guide_waits(qtbot, new_client):
    guide = TermsGuideDialog(new_client.id)
    qtbot.addWidget(guide)
    guide.job_amount.setText("אלף")
    guide.next_button.click()
    assert guide.stack.currentIndex() == 0
    assert guide.job_error.text()


def test_a_late_payer_is_asked_for_everything_in_advance(qtbot, new_client):
    inv = services.add_invoice(new_client.id, "1", dt.date(2026, 1, 1), "1000",
                               due_date=dt.date(2026, 1, 31))
    services.record_payment(new_client.id, dt.date(2026, 4, 1), "1000", invoice_ids=[inv.id])
    guide = TermsGuideDialog(new_client.id)
    qtbot.addWidget(guide)
    guide.job_amount.setText("4000")
    guide.next_button.click()
    assert guide.recommended_terms.text() == "מיידי"
    assert "100%" in guide.recommended_deposit.text()
