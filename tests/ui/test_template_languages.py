"""The wording editor edits the English wording of the kinds that have one: the language
chooser shows, saves, restores and previews the English letter, and leaves the Hebrew
wording alone; for a kind written only in Hebrew it stays on Hebrew."""
import io
import os

import pytest
from pypdf import PdfReader

from models.letters.templates import default_template, get_template, is_customised
from ui.background import wait_for_all
from ui.letters.template_page import TemplatePage
from ui.widgets import dialogs

TIMEOUT = 10000


@pytest.fixture(autouse=True)
def settle():
    yield
    wait_for_all()  # no worker may outlive the database file


def preview_text(page) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(page.preview._bytes)).pages)


def choose_language(qtbot, page, language):
    with qtbot.waitSignal(page.preview_ready, timeout=TIMEOUT):
        page.language.setCurrentIndex(page.language.findData(language))


def test_the_english_wording_is_edited_saved_previewed_and_restored(qtbot, db, monkeypatch):
    page = TemplatePage()
    qtbot.addWidget(page)
    page.resize(1366, 700)
    assert page.current_language() == "he" and page.language.isEnabled()
    choose_language(qtbot, page, "en")
    assert page.text() == default_template("reminder", "en")
    assert "Friendly payment reminder" in preview_text(page)  # a made-up client abroad
    if os.environ.get("GRAB"):
        page.grab().save(os.environ["GRAB"])

    wording = "Payment request from {business_name}\n\n{greeting}\n\nOur own words.\n\n{invoice_table}"
    page.set_text(wording)
    with qtbot.waitSignal(page.preview_ready, timeout=TIMEOUT):
        page.refresh_preview()
    assert "Our own words." in preview_text(page)
    assert page.save() is True
    assert get_template("reminder", "en") == wording and page.state_label.text() == "(הנוסח שלך)"
    assert not is_customised("reminder")  # the Hebrew wording is another one
    choose_language(qtbot, page, "he")
    assert page.text() == default_template("reminder")

    choose_language(qtbot, page, "en")
    assert page.text() == wording
    monkeypatch.setattr(dialogs, "confirm", lambda *args: True)
    assert page.restore() is True
    assert not is_customised("reminder", "en") and page.text() == default_template("reminder", "en")


def test_switching_language_with_unsaved_changes_asks_first(qtbot, db, monkeypatch):
    page = TemplatePage()
    qtbot.addWidget(page)
    page.set_text("נוסח שלא נשמר")
    monkeypatch.setattr(dialogs, "confirm", lambda *args: False)
    page.language.setCurrentIndex(page.language.findData("en"))
    assert page.current_language() == "he" and page.language.currentData() == "he"
    assert page.text() == "נוסח שלא נשמר"


def test_a_kind_written_only_in_hebrew_keeps_the_chooser_on_hebrew(qtbot, db):
    page = TemplatePage()
    qtbot.addWidget(page)
    choose_language(qtbot, page, "en")
    with qtbot.waitSignal(page.preview_ready, timeout=TIMEOUT):
        page.kind.setCurrentIndex(page.kind.findData("debt-notice"))
    assert page.current_language() == "he" and not page.language.isEnabled()
    assert page.text() == default_template("debt-notice")
    # back to a kind with an English wording: the chooser is offered again
    with qtbot.waitSignal(page.preview_ready, timeout=TIMEOUT):
        page.kind.setCurrentIndex(page.kind.findData("final-warning"))
    assert page.language.isEnabled() and page.text() == default_template("final-warning")
