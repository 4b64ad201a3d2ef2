"""The settings screen driven through its widgets: the profile with validation that explains
itself, backups made and restored off the UI thread, the storage warning."""
import pytest
from PySide6.QtWidgets import QLineEdit

from models.db.opening import open_database
from models.db.settings import load_profile
from models.ledger import services
from models.ledger.clients import Client
from ui import events
from ui.background import wait_for_all
from ui.settings.backups_page import Columns as BackupColumns
from ui.settings.settings_view import SettingsView


@pytest.fixture
def view(qtbot, db):
    widget = SettingsView(db)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    yield widget
    wait_for_all()  # no backup may outlive the database file


def fill(page, **texts):
    for name, text in texts.items():
        page.set_text(name, text)


VALID = dict(name="סטודיו דנה", business_type="licensed", tax_id="12345674",
             address="הרצל 1", city="תל אביב", zip="6100000", phone="03-1234567",
             email="dana@example.co.il", bank_details="לאומי\nסניף 800  \n\nחשבון 12345",
             bit_phone="0501234567", hourly_rate="250", default_terms="שוטף + 60",
             eom_reading="months", aging_buckets="30, 60, 90")


def test_profile_is_saved_cleaned_and_announced(qtbot, view):
    page = view.profile_page
    fill(page, **VALID)
    with qtbot.waitSignal(events.events.data_changed, timeout=1000) as blocker:
        page.save_button.click()
    assert blocker.args == [frozenset({events.SETTINGS})]
    stored = load_profile()
    assert stored.name == "סטודיו דנה"
    assert stored.tax_id == "012345674"          # the leading zero Excel dropped is back
    assert stored.default_terms == "שוטף+60"     # canonical form
    assert stored.eom_reading == "months"
    assert stored.hourly_rate_agorot == 25000
    assert stored.aging_buckets == [30, 60, 90]
    assert stored.bank_details == "לאומי\nסניף 800\nחשבון 12345"
    assert page.text_of("tax_id") == "012345674"  # the form shows what was stored
    assert page.message.text() == "הפרטים נשמרו."


def test_profile_is_loaded_into_the_form(qtbot, db):
    from models.db.settings import BusinessProfile, save_profile

    save_profile(BusinessProfile(name="אקמי", business_type="company", tax_id="510000003",
                                 hourly_rate_agorot=18050, aging_buckets=[15, 45]))
    view = SettingsView(db)
    qtbot.addWidget(view)
    page = view.profile_page
    assert page.text_of("name") == "אקמי"
    assert page.fields["business_type"].currentText() == "חברה בע\"מ"
    assert page.tax_id_label.text() == "מספר חברה (ח.פ.):"
    assert page.text_of("hourly_rate") == "180.50"
    assert page.text_of("aging_buckets") == "15,45"


@pytest.mark.parametrize("field, text, words", [
    ("name", "   ", "שם העסק ריק"),
    ("tax_id", "123456789", "ספרת הביקורת"),
    ("zip", "12345", "7 ספרות"),
    ("email", "dana@", "אינה תקינה"),
    ("phone", "abc", "אינו תקין"),
    ("bit_phone", "03-1234567", "נייד"),
    ("hourly_rate", "-5", "חיובי"),
    ("default_terms", "בעוד חודש", "אינם מוכרים"),
    ("aging_buckets", "60,30", "בסדר עולה"),
    ("aging_buckets", "שלושים", "מספרי ימים"),
])
def test_bad_profile_input_shows_a_hebrew_message_and_saves_nothing(qtbot, view, field, text,
                                                                   words):
    page = view.profile_page
    fill(page, **VALID)
    page.set_text(field, text)
    with qtbot.waitSignal(page.invalid, timeout=1000):
        assert page.save() is False
    assert words in page.message.text()
    assert page.error_field == field
    assert load_profile().name == ""  # nothing was stored


def test_company_number_must_start_with_5(view):
    page = view.profile_page
    fill(page, **{**VALID, "business_type": "company", "tax_id": "000000018"})
    assert page.save() is False
    assert "מתחיל בספרה 5" in page.message.text()
    fill(page, tax_id="510000003")
    assert page.save() is True


def test_a_field_is_checked_when_the_user_leaves_it(qtbot, view):
    page = view.profile_page
    zip_edit: QLineEdit = page.fields["zip"]
    zip_edit.setFocus()
    qtbot.keyClicks(zip_edit, "123")
    zip_edit.editingFinished.emit()
    assert "7 ספרות" in page.message.text()
    zip_edit.setText("6100000")
    zip_edit.editingFinished.emit()
    assert page.message.text() == ""


def test_back_up_now_lists_the_backup_with_date_and_size(qtbot, view, db):
    page = view.backups_page
    assert page.model.rowCount() == 0
    with qtbot.waitSignal(page.backup_finished, timeout=5000) as blocker:
        page.backup_button.click()
    assert not page.progress.isVisible()
    assert page.model.rowCount() == 1
    assert page.model.index(0, BackupColumns.KIND).data() == "ידני"
    assert page.model.index(0, BackupColumns.SIZE).data().endswith("KB\u2069")  # isolated
    assert page.model.index(0, BackupColumns.FILE).data().strip("\u2066\u2069") in blocker.args[0]
    # The copy is a complete, openable Gvia database.
    with open_database(blocker.args[0], create=False):
        pass


def test_restore_asks_first_backs_up_the_current_state_and_announces(qtbot, view, db,
                                                                    qtmodeltester):
    page = view.backups_page
    services.add_client(name="לקוח לפני הגיבוי")
    with qtbot.waitSignal(page.backup_finished, timeout=5000):
        page.back_up_now()
    services.add_client(name="לקוח אחרי הגיבוי")
    page.select_row(0)
    questions = []
    page.ask_confirm = lambda text: questions.append(text) or True
    announced = []
    events.events.data_changed.connect(announced.append)
    with qtbot.waitSignal(page.restore_finished, timeout=5000):
        page.restore_button.click()
    events.events.data_changed.disconnect(announced.append)
    assert "יגובו קודם" in questions[0]
    assert [c.name for c in Client.select()] == ["לקוח לפני הגיבוי"]
    kinds = [page.model.index(r, BackupColumns.KIND).data() for r in range(page.model.rowCount())]
    assert sorted(kinds) == ["ידני", "לפני שחזור"]
    assert announced == [frozenset({events.DATABASE})]  # every open view reloads
    assert "שוחזרו" in page.status.text()
    qtmodeltester.check(page.model)


def test_declined_restore_changes_nothing(qtbot, view, db):
    page = view.backups_page
    with qtbot.waitSignal(page.backup_finished, timeout=5000):
        page.back_up_now()
    services.add_client(name="נשאר")
    page.select_row(0)
    page.ask_confirm = lambda text: False
    with qtbot.assertNotEmitted(page.restore_finished, wait=200):
        page.restore_button.click()
    assert [c.name for c in Client.select()] == ["נשאר"]


def test_an_empty_backup_over_real_data_is_asked_about_twice(qtbot, view, db):
    page = view.backups_page
    with qtbot.waitSignal(page.backup_finished, timeout=5000):
        page.back_up_now()  # taken while the ledger is still empty
    services.add_client(name="נשאר אם מסרבים")
    page.select_row(0)
    questions = []
    page.ask_confirm = lambda text: questions.append(text) or len(questions) == 1
    with qtbot.assertNotEmitted(page.restore_finished, wait=200):
        page.restore_button.click()
    assert len(questions) == 2 and "אינו מכיל אף לקוח" in questions[1]
    assert [c.name for c in Client.select()] == ["נשאר אם מסרבים"]
    page.ask_confirm = lambda text: True
    with qtbot.waitSignal(page.restore_finished, timeout=5000):
        page.restore_button.click()
    assert Client.select().count() == 0


def test_restoring_a_file_that_is_not_a_backup_explains_why(qtbot, view, tmp_path):
    page = view.backups_page
    bogus = tmp_path / "photo.db"
    bogus.write_bytes(b"not a database at all" * 100)
    page.ask_open_path = lambda: str(bogus)
    page.ask_confirm = lambda text: True
    with qtbot.waitSignal(page.failed, timeout=5000) as blocker:
        page.restore_file_button.click()
    assert "photo.db" in blocker.args[0] and "גיבוי תקין" in blocker.args[0]
    assert page.restore_file_button.isEnabled()


def test_no_storage_warning_for_a_local_database(view):
    assert view.storage_notice.isHidden()


def test_storage_warning_for_a_database_in_a_synced_folder(qtbot, tmp_path):
    folder = tmp_path / "Dropbox (Personal)"
    folder.mkdir()
    with open_database(folder / "gvia.db") as opened:
        view = SettingsView(opened)
        qtbot.addWidget(view)
        assert not view.storage_notice.isHidden()
        assert "Dropbox" in view.storage_notice.text()
        assert "מסונכרנת" in view.storage_notice.text()


def test_iban_and_swift_are_checked_and_saved(qtbot, view):
    page = view.profile_page
    fill(page, **VALID, iban="IL62 0108 0000 0009 9999 998", swift="poalilit")
    assert page.save() is False
    assert "ספרות הביקורת" in page.message.text() and page.error_field == "iban"
    fill(page, iban="il62 0108 0000 0009 9999 999")
    assert page.save() is True
    stored = load_profile()
    assert (stored.iban, stored.swift) == ("IL620108000000099999999", "POALILIT")
    page.load()
    assert page.text_of("iban") == "IL62 0108 0000 0009 9999 999"
    fill(page, swift="POALI")
    assert page.save() is False and page.error_field == "swift"
    assert "SWIFT" in page.message.text()
