"""The letters screens driven through their real widgets over a real SQLite file: a draft
and its preview, saving and printing (which archive the letter), a batch with progress,
cancel, skipped clients and labels, the archive and the registered-mail register, the
template editor, the envelope settings, and the client's own letters."""
import datetime as dt
import threading

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from models.ledger import services
from models.letters.archive import (
    Letter,
    RegisteredMail,
    archive_dir,
    load_letter_settings,
)
from models.letters.templates import default_template, get_template, is_customised
from reports.batch import produce_letters
from ui.background import wait_for_all
from ui.letters import batch_page as batch_module
from ui.letters.archive_widget import LetterArchiveWidget
from ui.letters.batch_page import BatchPage
from ui.letters.client_letters import ClientLettersWidget
from ui.letters.envelope_page import EnvelopePage
from ui.letters.letters_view import LettersView
from ui.letters.mail_dialogs import MailOutcomeDialog, RegisteredMailDialog
from ui.letters.produce_page import ProduceLetterPage
from ui.letters.template_page import TemplatePage
from ui.widgets import dialogs

AS_OF = dt.date(2026, 11, 22)
TIMEOUT = 10000


@pytest.fixture
def ledger(db, client):
    """כהן ובניו (business) owes INV-1 (due 30/09) and INV-2 (due 30/10); a second business
    owes B-1; a private person owes P-1 but was sent no debt notice (consumer-law gate)."""
    services.add_invoice(client.id, "INV-1", dt.date(2026, 8, 5), "1000")
    services.add_invoice(client.id, "INV-2", dt.date(2026, 9, 10), "2500.50")
    other = services.add_client(name="Acme Ltd.", kind="company", terms="שוטף+30")
    services.add_invoice(other.id, "B-1", dt.date(2026, 8, 1), "700")
    person = services.add_client(name="דנה לוי", kind="person", tax_id="000000018",
                                 terms="שוטף+30")
    services.add_invoice(person.id, "P-1", dt.date(2026, 8, 1), "300")
    return client, other, person


@pytest.fixture(autouse=True)
def settle():
    yield
    wait_for_all()  # no worker may outlive the database file


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def show_draft(qtbot, page, kind, client, as_of=AS_OF):
    with qtbot.waitSignal(page.draft_ready, timeout=TIMEOUT):
        page.choose(kind, client.id, client.name, as_of)
        page.refresh()


# ---- one letter -------------------------------------------------------------------------

def test_a_reminder_is_previewed_as_a_draft_and_archived_when_saved(qtbot, ledger, tmp_path):
    cohen = ledger[0]
    page = ProduceLetterPage()
    qtbot.addWidget(page)
    page.resize(1000, 800)
    page.show()
    show_draft(qtbot, page, "reminder", cohen)

    assert page.preview.page_count() == 1
    assert not page.preview.page_label.pixmap().isNull()
    assert page.preview.page_label.pixmap().width() > 500  # a readable page, not a thumbnail
    assert "כהן ובניו" in page.status.text() and "תזכורת" in page.status.text()
    assert Letter.select().count() == 0  # a draft leaves no evidence behind

    target = tmp_path / "out" / "my-letter"
    target.parent.mkdir()
    page.preview.ask_save_path = lambda suggested: str(target)
    with qtbot.waitSignal(page.preview.saved, timeout=TIMEOUT) as saved:
        page.save_letter()
    copy = tmp_path / "out" / "my-letter.pdf"  # the .pdf suffix is added
    assert saved.args == [str(copy)]
    text = pdf_text(copy)
    assert "כהן ובניו" in text and "INV-1" in text and "3,500.50" in text
    letters = list(Letter.select())
    assert [(l.kind, l.client_id) for l in letters] == [("reminder", cohen.id)]
    assert letters[0].path.read_bytes() == copy.read_bytes()

    # Saving again, nothing changed: the same archived letter, not a second one.
    again = tmp_path / "out" / "again.pdf"
    page.preview.ask_save_path = lambda suggested: str(again)
    with qtbot.waitSignal(page.preview.saved, timeout=TIMEOUT):
        page.save_letter()
    assert Letter.select().count() == 1 and again.read_bytes() == copy.read_bytes()


def test_printing_paints_the_letter_and_archives_it(qtbot, ledger, tmp_path):
    cohen = ledger[0]
    page = ProduceLetterPage()
    qtbot.addWidget(page)
    show_draft(qtbot, page, "final-warning", cohen)
    printed_to = tmp_path / "printer.pdf"

    def fake_printer():
        printer = QPrinter(QPrinter.HighResolution)
        printer.setOutputFormat(QPrinter.PdfFormat)
        printer.setOutputFileName(str(printed_to))
        printer.setFullPage(True)
        return printer

    page.preview.ask_printer = fake_printer
    with qtbot.waitSignal(page.preview.printed, timeout=TIMEOUT) as printed:
        page.print_letter()
    assert printed.args == [1]
    reader = PdfReader(str(printed_to))
    assert len(reader.pages) == 1
    # True size: the printed page is A4, so the address lands in the envelope window.
    assert abs(float(reader.pages[0].mediabox.width) - 595.3) < 2
    assert [l.kind for l in Letter.select()] == ["final-warning"]


def test_a_private_person_without_a_debt_notice_gets_no_reminder(qtbot, ledger):
    person = ledger[2]
    page = ProduceLetterPage()
    qtbot.addWidget(page)
    show_draft(qtbot, page, "reminder", person)
    assert not page.preview.has_document()
    assert "הודעת חוב" in page.status.text()
    assert not page.save_button.isEnabled() and not page.print_button.isEnabled()

    show_draft(qtbot, page, "debt-notice", person)  # the notice itself is allowed
    assert page.preview.page_count() == 1 and page.save_button.isEnabled()


# ---- batches ----------------------------------------------------------------------------

def find(qtbot, page, kind="final-warning"):
    """The clients the dunning engine brings to `kind` (the ledger's businesses are 53 days
    and more overdue: the final warning; the person's step is the debt notice)."""
    page.kind.setCurrentIndex(page.kind.findData(kind))
    page.as_of.setDate(AS_OF)
    with qtbot.waitSignal(page.candidates_ready, timeout=TIMEOUT):
        page.find_candidates()


def test_a_batch_makes_one_pdf_labels_and_lists_who_was_skipped(qtbot, ledger, qtmodeltester):
    cohen, acme, person = ledger
    page = BatchPage()
    qtbot.addWidget(page)
    page.show()
    find(qtbot, page)
    assert page.model.rowCount() == 2 and set(page.model.checked_ids()) == {cohen.id, acme.id}
    page.model.add(person.id, "דנה לוי")  # added by hand: the consumer gate skips her
    qtmodeltester.check(page.model)

    progress = []
    page.progress.valueChanged.connect(progress.append)
    with qtbot.waitSignal(page.batch_finished, timeout=TIMEOUT) as finished:
        page.produce()
        assert page.is_running() and not page.produce_button.isEnabled()
    outcome = finished.args[0]
    result = outcome.result
    assert (result.written, result.pages, result.cancelled) == (2, 2, False)
    assert [(cid, name) for cid, name, _why in result.skipped] == [(person.id, "דנה לוי")]
    assert progress and progress[-1] == 100 and page.progress.isHidden()
    assert page.skipped_model.rowCount() == 1
    assert "הודעת חוב" in page.skipped_model.index(0, 1).data()
    qtmodeltester.check(page.skipped_model)
    assert page.preview.page_count() == 2  # the batch PDF, ready to print

    letters = list(Letter.select().order_by(Letter.first_page))
    assert [(l.client_id, l.first_page) for l in letters] == [(cohen.id, 1), (acme.id, 2)]
    assert letters[0].path == result.archive_path
    labels = pdf_text(outcome.labels_path)
    assert "כהן ובניו" in labels and "Acme Ltd" in labels and "דנה לוי" not in labels
    page.show_labels()
    assert page.preview.page_count() == 1


def test_unticked_and_added_clients(qtbot, ledger):
    cohen, acme, _person = ledger
    page = BatchPage()
    qtbot.addWidget(page)
    find(qtbot, page)
    page.model.set_all_checked(False)
    assert not page.produce_button.isEnabled()
    page.model.setData(page.model.index(0, 0), Qt.Checked, Qt.CheckStateRole)
    first = page.model.checked_ids()
    assert len(first) == 1 and "נבחר לקוח אחד" in page.count_label.text()
    assert page.model.add(acme.id, "Acme Ltd.") is False  # already listed: ticked again
    assert set(page.model.checked_ids()) == {first[0], acme.id}


def test_cancelling_a_batch_leaves_no_file_and_no_archive_row(qtbot, ledger, monkeypatch):
    page = BatchPage()
    qtbot.addWidget(page)
    find(qtbot, page)
    cancel_clicked = threading.Event()
    real = batch_module.produce_letters

    def produce_after_cancel(*args, **kwargs):
        cancel_clicked.wait(5)  # the user presses Cancel while the run is under way
        return real(*args, **kwargs)

    monkeypatch.setattr(batch_module, "produce_letters", produce_after_cancel)
    with qtbot.waitSignal(page.batch_finished, timeout=TIMEOUT) as finished:
        page.produce()
        page.cancel()
        cancel_clicked.set()
    assert finished.args[0].result.cancelled
    assert "בוטל" in page.summary.text()
    assert Letter.select().count() == 0
    folder = archive_dir()
    assert not folder.exists() or not any(folder.iterdir())
    assert page.produce_button.isEnabled() and page.cancel_button.isHidden()


# ---- archive and registered mail --------------------------------------------------------

@pytest.fixture
def archived(ledger):
    cohen, acme, _person = ledger
    produce_letters("reminder", [cohen.id, acme.id], AS_OF)
    produce_letters("final-warning", [cohen.id], AS_OF + dt.timedelta(days=1))
    return ledger


def load_archive(qtbot, widget):
    with qtbot.waitSignal(widget.loaded, timeout=TIMEOUT):
        widget.reload()


def test_the_archive_lists_letters_and_opens_one_letter_of_a_batch(qtbot, archived, tmp_path,
                                                                   qtmodeltester):
    cohen, acme, _person = archived
    widget = LetterArchiveWidget()
    qtbot.addWidget(widget)
    load_archive(qtbot, widget)
    model = widget.model
    assert model.rowCount() == 3
    qtmodeltester.check(model)
    newest = model.letter_at(0)
    assert (newest.kind, newest.client_id) == ("final-warning", cohen.id)
    assert model.index(0, 2).data() == "התראה לפני נקיטת הליכים"
    assert model.index(0, 6).data() == "לא נשלח בדואר רשום"

    widget.search.setText("acme")
    load_archive(qtbot, widget)
    assert [model.letter_at(r).client_id for r in range(model.rowCount())] == [acme.id]

    widget.table.select_row(0)
    dialog = widget.open_selected()
    qtbot.addWidget(dialog)
    assert dialog.preview.page_count() == 1  # only Acme's page of the two-letter file
    copy = tmp_path / "acme.pdf"
    dialog.preview.ask_save_path = lambda suggested: str(copy)
    dialog.preview.save_copy()
    assert len(PdfReader(str(copy)).pages) == 1
    assert "Acme" in pdf_text(copy) and "כהן" not in pdf_text(copy)


def test_recording_registered_mail_then_a_refusal(qtbot, archived):
    widget = LetterArchiveWidget()
    qtbot.addWidget(widget)
    widget.show()  # an open list reloads when a service reports a change
    load_archive(qtbot, widget)
    widget.table.select_row(0)
    row = widget.selected_row()
    assert widget.register_button.isEnabled() and not widget.outcome_button.isEnabled()

    dialog = RegisteredMailDialog(row)
    qtbot.addWidget(dialog)
    assert dialog.save() is False  # no number: the model's Hebrew message, by the field
    assert "חסר מספר הדואר הרשום" in dialog.form.error_text("registered_number")
    dialog.number.setText("RR 123456789 IL")
    dialog.sent.setDate(dt.date(2026, 11, 24))
    with qtbot.waitSignal(widget.loaded, timeout=TIMEOUT):  # the list follows the change
        assert dialog.save() is True
    mail = RegisteredMail.get(RegisteredMail.letter == row.id)
    assert (mail.registered_number, mail.sent_date) == ("RR123456789IL", dt.date(2026, 11, 24))
    widget.select_letter(row.id)
    assert widget.model.index(0, 5).data().strip("\u2066\u2069") == "RR123456789IL"
    assert widget.model.index(0, 6).data() == "נשלח בדואר רשום ב-\u206624/11/2026\u2069"
    assert widget.outcome_button.isEnabled() and not widget.register_button.isEnabled()

    outcome = MailOutcomeDialog(widget.selected_row())
    qtbot.addWidget(outcome)
    outcome.outcome.setCurrentIndex(outcome.outcome.findData(MailOutcomeDialog.REFUSED))
    outcome.day.setDate(dt.date(2026, 11, 20))
    assert outcome.save() is False  # before the sending date
    assert "מוקדם" in outcome.form.error_text("receipt_date")
    outcome.day.setDate(dt.date(2026, 11, 29))
    with qtbot.waitSignal(widget.loaded, timeout=TIMEOUT):
        assert outcome.save() is True
    assert RegisteredMail.get(RegisteredMail.letter == row.id).refused_date == \
        dt.date(2026, 11, 29)
    assert widget.model.index(0, 6).data().startswith("סורב")


def test_the_client_card_widget_shows_only_that_clients_letters(qtbot, archived):
    cohen, _acme, person = archived
    widget = ClientLettersWidget(cohen.id)
    qtbot.addWidget(widget)
    load_archive(qtbot, widget.archive)
    model = widget.archive.model
    assert model.rowCount() == 2
    assert {model.letter_at(r).client_id for r in range(2)} == {cohen.id}
    assert widget.archive.table.isColumnHidden(1)  # the client column says nothing here
    assert widget.gate.isHidden()  # a business: no consumer-law gate

    private = ClientLettersWidget(person.id)
    qtbot.addWidget(private)
    assert "הודעת חוב" in private.gate.text()


# ---- wording and envelope ---------------------------------------------------------------

def test_an_unknown_placeholder_is_refused_and_nothing_is_saved(qtbot, db):
    page = TemplatePage()
    qtbot.addWidget(page)
    page.set_text(default_template("reminder") + "\nנא לשלם עד {due_by_tomorrow}.")
    assert page.save() is False
    assert "{due_by_tomorrow}" in page.error_text() and "אינו מוכר" in page.error_text()
    assert not is_customised("reminder")
    with qtbot.waitSignal(page.preview_ready, timeout=TIMEOUT):
        page.refresh_preview()  # the live preview says the same, and draws nothing new
    assert "{due_by_tomorrow}" in page.error_text()


def test_saving_wording_then_restoring_the_default(qtbot, db, monkeypatch):
    page = TemplatePage()
    qtbot.addWidget(page)
    wording = "בקשה לתשלום מאת {business_name}\n\nשלום {client_name},\n\n{invoice_table}"
    page.set_text(wording)
    with qtbot.waitSignal(page.preview_ready, timeout=TIMEOUT):
        page.refresh_preview()
    assert page.error_text() == "" and page.preview.page_count() == 1
    assert page.save() is True
    assert get_template("reminder") == wording and page.state_label.text() == "(הנוסח שלך)"

    monkeypatch.setattr(dialogs, "confirm", lambda *args: False)
    assert page.restore() is False and is_customised("reminder")
    monkeypatch.setattr(dialogs, "confirm", lambda *args: True)
    assert page.restore() is True
    assert not is_customised("reminder") and page.text() == default_template("reminder")
    assert page.state_label.text() == "(נוסח ברירת המחדל)"


def test_switching_kind_with_unsaved_changes_asks_first(qtbot, db, monkeypatch):
    page = TemplatePage()
    qtbot.addWidget(page)
    page.set_text("נוסח שלא נשמר")
    monkeypatch.setattr(dialogs, "confirm", lambda *args: False)
    page.kind.setCurrentIndex(page.kind.findData("statement"))
    assert page.kind.currentData() == "reminder" and page.text() == "נוסח שלא נשמר"
    monkeypatch.setattr(dialogs, "confirm", lambda *args: True)
    page.kind.setCurrentIndex(page.kind.findData("statement"))
    assert page.text() == default_template("statement")


def test_envelope_window_settings_and_the_calibration_page(qtbot, db):
    page = EnvelopePage()
    qtbot.addWidget(page)
    assert page.boxes["window_top_mm"].value() == 45.0  # DIN 5008 by default
    page.window_side.setCurrentIndex(page.window_side.findData("right"))
    page.boxes["window_top_mm"].setValue(50.5)
    page.boxes["label_rows"].setValue(7)
    assert page.save() is True
    settings = load_letter_settings()
    assert (settings.window_side, settings.window_top_mm, settings.label_rows) == \
        ("right", 50.5, 7)
    with qtbot.waitSignal(page.calibration_ready, timeout=TIMEOUT):
        page.show_calibration()
    assert page.preview.page_count() == 1 and page.preview.print_button.isEnabled()


def test_the_letters_screen_has_its_tabs_in_hebrew(qtbot, db):
    view = LettersView(db)
    qtbot.addWidget(view)
    assert [view.tabs.tabText(i) for i in range(view.tabs.count())] == [
        "מכתב ללקוח", "מכתבים ללקוחות רבים", "ארכיון ודואר רשום", "נוסח המכתבים",
        "מעטפה ומדבקות"]
    assert [view.produce_page.kind.itemText(i) for i in range(10)] == [
        "הודעת חוב (אדם פרטי)", "תזכורת", "תזכורת שנייה", "התראה לפני נקיטת הליכים",
        "דף חשבון", "אישור על סילוק החוב", "בקשת מקדמה", "אישור תנאי תשלום",
        "הסדר חוב וכתב התחייבות", "סיכום שיחה"]


def test_a_letter_kind_has_one_name_on_the_screens_and_in_the_archive(db):
    """The letters screens name a kind as the archive, the contact log and the dossier do
    (models.letters.archive.LETTER_KINDS): the settlement letter by its own title."""
    from models.letters.archive import LETTER_KINDS, Letter
    from ui.letters.common import kind_label

    assert all(kind_label(code) == Letter(kind=code).kind_name for code in LETTER_KINDS)
    assert kind_label("settlement") == "הסדר חוב וכתב התחייבות"
    assert kind_label("debt-notice") == "הודעת חוב (אדם פרטי)"
