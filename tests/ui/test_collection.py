"""The collection dialogs and widgets over a real SQLite file: logging a contact (fields,
attachments, follow-up, validation next to the field, a bad promise saves nothing), the
log is append-only in the UI (no edit, a correction shows both entries linked), the
timeline's filters and CSV export, the status change (reason required, logged), the
dunning-plan editor's validation, and the client card and main window wiring. On the
test server: an attachment is fetched from the ledger only when it is opened."""
import datetime as dt
import html
import re
import shutil

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QKeySequence

from models.collection.dunning import DunningLevel, default_plan, load_plan
from models.contact.client_status import status_history
from models.contact.contact_log import ContactAttachment, ContactLogEntry, log_contact
from models.contact.promises import Promise
from models.ledger import services
from models.ledger.clients import Client
from ui.background import wait_for_all
from ui.clients.client_card import ClientCard
from ui.collection.dunning_editor import DunningPlanPage
from ui.collection.log_dialog import LogContactDialog
from ui.collection.status_dialog import StatusDialog
from ui.collection.timeline import ITEM_ROLE, ClientTimelineWidget
from ui.main_window import MainWindow

AS_OF = dt.date(2026, 11, 22)
D = dt.date


pytestmark = pytest.mark.usefixtures("isolated")


def log_dialog(qtbot, **kwargs) -> LogContactDialog:
    dialog = LogContactDialog(**kwargs)
    qtbot.addWidget(dialog)
    return dialog


def timeline_widget(qtbot, client_id) -> ClientTimelineWidget:
    widget = ClientTimelineWidget(client_id)
    qtbot.addWidget(widget)
    return widget


def test_logging_a_contact_keeps_every_field_and_copies_attachments(qtbot, client, tmp_path):
    person = services.add_contact_person(client.id, "רונית", "הנהלת חשבונות", "050-1234567")
    minutes_file = tmp_path / "סיכום שיחה.txt"
    minutes_file.write_text("נאמר שהתשלום יועבר", encoding="utf-8")
    dialog = log_dialog(qtbot, client_id=client.id)
    dialog.choose_files = lambda: [str(minutes_file)]
    dialog.set_channel("meeting")
    dialog.direction.setCurrentIndex(dialog.direction.findData("in"))
    dialog.contact.setCurrentIndex(dialog.contact.findData(person.id))
    dialog.summary.setPlainText("טוענים שהעבודה לא הושלמה\nמבקשים הנחה")
    dialog.open_questions.setPlainText("מי מאשר תשלומים?")
    dialog.tactic_boxes["disputes_amount_quality"].setChecked(True)
    dialog.tactic_boxes["manager_request"].setChecked(True)
    dialog.tactics_note.setText("מאיים לעבור לספק אחר")
    dialog.minutes.setValue(40)
    dialog.has_follow_up.setChecked(True)
    dialog.follow_up.setDate(D(2026, 11, 29))
    dialog.add_attachments()
    assert dialog.save()
    entry = ContactLogEntry.get()
    assert (entry.channel, entry.direction, entry.contact_person_id) == ("meeting", "in", person.id)
    assert entry.summary == "טוענים שהעבודה לא הושלמה\nמבקשים הנחה"
    assert entry.tactic_codes == ["manager_request", "disputes_amount_quality"]
    assert (entry.minutes, entry.follow_up_date) == (40, D(2026, 11, 29))
    [attachment] = ContactAttachment.select()
    assert attachment.path().read_text(encoding="utf-8") == "נאמר שהתשלום יועבר"
    assert attachment.original_name == "סיכום שיחה.txt"
    assert Promise.select().count() == 0  # no promise box ticked, no promise

    widget = timeline_widget(qtbot, client.id)
    assert widget.select("log", entry.id)
    details = widget.detail.toPlainText()
    assert "ערעור על הסכום או על האיכות" in details and "מי מאשר תשלומים?" in details
    opened = []
    widget.open_file = opened.append
    widget.open_attachment()
    widget.detail.anchorClicked.emit(only_link(widget))  # the file's link in the details
    assert opened == [attachment.path()] * 2


def only_link(widget) -> QUrl:
    [href] = re.findall(r'href="([^"]+)"', widget.detail.toHtml())
    return QUrl(html.unescape(href))


def test_an_office_attachment_is_fetched_only_when_it_is_opened(qtbot, office, tmp_path,
                                                                monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    scan = tmp_path / "הזמנה חתומה.pdf"
    scan.write_bytes(b"%PDF-1.4 signed\n%%EOF\n")
    client = services.add_client(name="לקוח במשרד")
    entry = log_contact(client.id, dt.datetime(2026, 11, 20, 10, 0), "email",
                        summary="הזמנה", attachments=[scan])
    [attachment] = ContactAttachment.select()
    cached = tmp_path / "cache" / "Gvia" / "office"
    shutil.rmtree(cached)  # read on another computer: it has no copy yet
    widget = timeline_widget(qtbot, client.id)
    assert widget.select("log", entry.id)
    assert "הזמנה חתומה.pdf" in widget.detail.toPlainText()
    assert not any(p.is_file() for p in cached.rglob("*"))  # shown, not yet fetched
    opened = []
    widget.open_file = opened.append
    widget.detail.anchorClicked.emit(only_link(widget))
    assert [p.read_bytes() for p in opened] == [scan.read_bytes()]
    assert cached in opened[0].parents and opened[0] == attachment.path()


def test_mistakes_are_explained_next_to_the_field(qtbot, client):
    dialog = log_dialog(qtbot, client_id=client.id)
    dialog.has_follow_up.setChecked(True)
    dialog.follow_up.setDate(D(2026, 11, 1))  # before the conversation
    assert not dialog.save()
    assert "מוקדם" in dialog.side.error_text("follow_up_date")
    dialog.has_follow_up.setChecked(False)
    dialog.occurred.setDate(D(2026, 12, 30))  # a conversation in the future
    assert not dialog.save()
    assert "בעתיד" in dialog.form.error_text("occurred_at")
    assert ContactLogEntry.select().count() == 0


def test_a_bad_promise_saves_nothing_at_all(qtbot, client):
    """The entry is evidence and can never be deleted: a promise that fails must not
    leave its conversation half-recorded."""
    dialog = log_dialog(qtbot, client_id=client.id)
    dialog.summary.setPlainText("הבטיח לשלם")
    dialog.promise_box.setChecked(True)
    dialog.promise_amount.setText("-50")
    assert not dialog.save()
    assert "חיובי" in dialog.promise_form.error_text("amount")
    dialog.promise_amount.setText("500")
    dialog.promise_date.setDate(D(2026, 11, 1))  # before the call
    assert not dialog.save()
    assert "מוקדם" in dialog.promise_form.error_text("promised_date")
    assert ContactLogEntry.select().count() == 0 and Promise.select().count() == 0
    dialog.promise_date.setDate(D(2026, 11, 30))
    assert dialog.save()
    assert (Promise.get().amount_agorot, Promise.get().entry_id) == (50000, dialog.entry.id)


def test_a_client_must_be_chosen_when_none_is_given(qtbot, client):
    dialog = log_dialog(qtbot)
    assert not dialog.save()
    assert dialog.form.error_text("client")
    dialog.client.setText(client.name)
    assert dialog.save() and dialog.entry.client_id == client.id


def test_the_log_is_append_only_and_a_correction_shows_both(qtbot, client, monkeypatch):
    original = log_contact(client.id, dt.datetime(2026, 11, 20, 10, 30), "phone",
                           summary="אמר שישלם 300", minutes=5)
    widget = timeline_widget(qtbot, client.id)
    model = widget.model
    assert model.rowCount() == 1
    assert not model.flags(model.index(0, 0)) & Qt.ItemIsEditable  # nothing edits in place
    assert not hasattr(widget, "delete_button")

    widget.select("log", original.id)
    opened = []

    def fill_and_save(cls, parent=None, **kwargs):
        dialog = log_dialog(qtbot, **kwargs)
        opened.append(dialog)
        dialog.summary.setPlainText("אמר שישלם 3,000 (לא 300)")
        assert dialog.save()
        return dialog.entry

    monkeypatch.setattr(LogContactDialog, "ask", classmethod(fill_and_save))
    widget.correct_selected()
    [dialog] = opened
    assert dialog.original.id == original.id
    assert "אמר שישלם 300" in dialog.original_view.text()
    assert dialog.minutes.value() == 5               # the form starts as a copy
    assert not dialog.promise_box.isVisible()

    stored = ContactLogEntry.get_by_id(original.id)
    assert stored.summary == "אמר שישלם 300"         # the original is untouched
    items = {i.id: i for i in widget.items()}
    assert set(items) == {original.id, dialog.entry.id}
    assert items[original.id].corrected_by == [dialog.entry.id]
    assert items[dialog.entry.id].corrects_id == original.id
    row_of = {model.item_at(r).id: r for r in range(model.rowCount())}
    old_font = model.index(row_of[original.id], 0).data(Qt.FontRole)
    assert old_font.strikeOut()
    assert model.index(row_of[original.id], 8).data() == f"תוקנה ב-#{dialog.entry.id}"
    assert model.index(row_of[dialog.entry.id], 8).data() == f"מתקנת את #{original.id}"


def test_letters_are_listed_and_cannot_be_corrected(qtbot, client):
    from models.letters.archive import LetterRecord, record_letters

    record_letters([LetterRecord(client.id, "reminder", D(2026, 11, 10), D(2026, 11, 10),
                                 "תזכורת", 100000, "ILS", None, "x.pdf", 1, 1)])
    widget = timeline_widget(qtbot, client.id)
    [letter] = widget.items()
    assert letter.source == "letter"
    widget.select("letter", letter.id)
    assert not widget.correct_button.isEnabled()
    assert widget.correct_selected() is None


def test_timeline_filters_and_exports_the_log(qtbot, client, tmp_path):
    log_contact(client.id, dt.datetime(2026, 10, 1, 9, 0), "phone", summary="שיחה ראשונה")
    log_contact(client.id, dt.datetime(2026, 11, 2, 9, 0), "email", summary="=SUM(A1) שלחנו")
    log_contact(client.id, dt.datetime(2026, 11, 20, 9, 0), "phone", summary="הבטיח לבדוק")
    widget = timeline_widget(qtbot, client.id)
    assert len(widget.items()) == 3
    assert widget.items()[0].summary == "הבטיח לבדוק"  # newest first
    widget.set_filters(channel="phone")
    assert [i.summary for i in widget.items()] == ["הבטיח לבדוק", "שיחה ראשונה"]
    widget.set_filters(date_from=D(2026, 11, 1), date_to=D(2026, 11, 10))
    assert [i.summary for i in widget.items()] == ["=SUM(A1) שלחנו"]
    widget.set_filters(text="לבדוק")
    assert [i.summary for i in widget.items()] == ["הבטיח לבדוק"]
    assert widget.count_label.text().startswith("מוצגות 1")

    out = tmp_path / "log.csv"
    widget.ask_save_path = lambda suggested: str(out)
    assert widget.export_csv() == out
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")            # Excel reads Hebrew with a BOM
    text = raw.decode("utf-8-sig")
    assert text.count("\r\n") == 4 and "'=SUM(A1) שלחנו" in text  # all 3 + header; no formula


def test_status_change_needs_a_reason_and_is_logged(qtbot, client):
    dialog = StatusDialog(client_id=client.id)
    qtbot.addWidget(dialog)
    assert dialog.current.text() == "פעיל"
    dialog.set_status("in_collection")
    assert not dialog.save()
    assert "סיבת" in dialog.form.error_text("reason")
    dialog.reason.setText("שלוש תזכורות ללא מענה")
    assert dialog.save()
    assert Client.get_by_id(client.id).status == "in_collection"
    [change] = status_history(client.id)
    assert (change.old_status, change.new_status) == ("active", "in_collection")
    widget = timeline_widget(qtbot, client.id)
    [entry] = widget.items()
    assert entry.action == "status" and "שלוש תזכורות ללא מענה" in entry.summary
    again = StatusDialog(client_id=client.id)
    qtbot.addWidget(again)
    assert again.history.count() == 1 and again.status.currentData() != "in_collection"


def test_plan_editor_explains_what_is_wrong_and_saves_what_is_right(qtbot, db):
    page = DunningPlanPage()
    qtbot.addWidget(page)
    assert page.levels("company") == list(default_plan("company"))
    page.set_kind("person")
    page.select_level(0)                              # the debt notice
    page.action.setCurrentIndex(page.action.findData("call"))
    assert not page.save()
    assert "13ב2" in page.error_text()
    assert load_plan("person") == default_plan("person")  # nothing half-saved

    page.restore_defaults()
    page.set_kind("company")
    page.select_level(1)                              # +7 reminder
    page.optional.setChecked(True)                    # only a step before the due date may be
    assert not page.save()
    assert "רשות" in page.form.error_text("is_optional")
    page.optional.setChecked(False)
    page.days.setValue(10)
    page.add_level()
    page.action.setCurrentIndex(page.action.findData("email"))
    page.days.setValue(90)
    assert page.save(), page.error_text()
    plan = load_plan("company")
    assert DunningLevel(10, "letter", "reminder") in plan
    assert plan[-1] == DunningLevel(90, "email")
    assert page.status.text() == "המדרגים נשמרו."


def test_item_models_pass_the_model_tester(qtmodeltester, qtbot, client):
    from models.contact.promises import record_promise

    first = log_contact(client.id, dt.datetime(2026, 11, 1, 9, 0), "phone", summary="א")
    log_contact(client.id, dt.datetime(2026, 11, 2, 9, 0), "sms", summary="ב",
                corrects_id=first.id)
    record_promise(first.id, "100", D(2026, 11, 5))
    widget = timeline_widget(qtbot, client.id)
    qtmodeltester.check(widget.model)
    qtmodeltester.check(widget.promises_model)
    assert widget.promises_model.index(0, 0).data(ITEM_ROLE).state == "broken"
    page = DunningPlanPage()
    qtbot.addWidget(page)
    qtmodeltester.check(page.model)


def test_client_card_has_the_log_letters_and_promise_counts(qtbot, client):
    from models.contact.promises import record_promise

    call = log_contact(client.id, dt.datetime(2026, 11, 1, 9, 0), "phone", summary="הבטיח")
    record_promise(call.id, "100", D(2026, 11, 5))    # nothing came: broken
    card = ClientCard(client.id)
    qtbot.addWidget(card)
    tabs = [card.tabs.tabText(i) for i in range(card.tabs.count())]
    assert "יומן פניות" in tabs and "מכתבים" in tabs
    assert card.timeline.items()[0].id == call.id
    assert card.summary.values["promises"].text().strip("\u2066\u2069") == "0 / 1"
    assert not card.form.status.isEnabled()           # status only through the dialog
    assert card.log_button.text() == "תיעוד פנייה…"


def test_main_window_opens_on_today_with_collection_actions(qtbot, db, client):
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    assert window.current_key() == "today"
    assert type(window.stack.currentWidget()).__name__ == "TodayView"
    assert window.log_contact_action.shortcut() == QKeySequence("Ctrl+L")
    assert window.change_status_action.text() == "שינוי סטטוס…"
    assert "letters" in [s.key for s in window.screens]
    window.edit_dunning_plan()
    settings = window.view("settings")
    assert settings.tabs.currentWidget() is settings.dunning_page
    wait_for_all()


def test_the_whole_log_is_exported_from_the_menu(qtbot, db, client, tmp_path):
    other = services.add_client(name="Acme Ltd.", kind="company")
    log_contact(client.id, dt.datetime(2026, 11, 1, 9, 0), "phone", summary="ראשונה")
    log_contact(other.id, dt.datetime(2026, 11, 2, 9, 0), "email", summary="@second")
    window = MainWindow(db)
    qtbot.addWidget(window)
    out = tmp_path / "all.csv"
    window.export_contact_log(str(out))
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("entry_id,client_id,client,")
    assert len(lines) == 3 and "ראשונה" in lines[1] and "'@second" in lines[2]
    wait_for_all()
