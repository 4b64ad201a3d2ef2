"""The clients screens driven through their real widgets on a real SQLite file: add a
client (with the validation messages a user sees), search, sort by money, lazy loading,
the client card (summary strip, edit, contact persons) and model checks."""
import datetime as dt

import pytest
from PySide6.QtCore import Qt

from models.ledger import services
from ui import events
from ui.clients import client_dialog
from ui.clients.client_card import ClientCard
from ui.clients.client_dialog import NewClientDialog
from ui.clients.client_table_model import ClientTableModel, Columns
from ui.clients.clients_view import ClientsView
from ui.widgets.display import ID_ROLE

AS_OF = dt.date(2026, 11, 22)


pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def ledger(db):
    cohen = services.add_client(name='כהן ובניו בע"מ', phone="050-1234567", city="חיפה")
    levi = services.add_client(name="לוי שרה", kind="person", city="תל אביב")
    services.add_invoice(cohen.id, "INV-1", dt.date(2026, 8, 5), "1000")      # due 30/09
    services.add_invoice(levi.id, "INV-2", dt.date(2026, 11, 1), "200")       # not yet due
    return cohen, levi


@pytest.fixture
def view(qtbot, db, ledger):
    widget = ClientsView(db)
    qtbot.addWidget(widget)
    widget.resize(1100, 600)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.summaries is not None, timeout=5000)
    return widget


def row_texts(model, column):
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_list_shows_names_then_money_columns(view, ledger):
    cohen, levi = ledger
    model = view.model
    assert row_texts(model, Columns.NAME) == ['כהן ובניו בע"מ', "לוי שרה"]
    row = model.row_of(cohen.id)
    assert "1,000.00" in model.index(row, Columns.OPEN).data()
    assert "1,000.00" in model.index(row, Columns.OVERDUE).data()
    assert "53" in model.index(row, Columns.OLDEST_DAYS).data()
    assert model.index(model.row_of(levi.id), Columns.OVERDUE).data() == ""
    assert view.count_label.text() == "2 לקוחות"


def test_search_filters_and_money_sort_reorders(view, ledger, qtbot):
    cohen, levi = ledger
    view.search.setText("תל אביב")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=2000)
    assert view.model.index(0, 0).data(ID_ROLE) == levi.id
    view.search.clear()
    view.apply_filter()
    view.table.sortByColumn(Columns.OPEN, Qt.AscendingOrder)
    assert [view.model.index(r, 0).data(ID_ROLE) for r in range(2)] == [levi.id, cohen.id]
    view.table.sortByColumn(Columns.OPEN, Qt.DescendingOrder)
    assert view.model.index(0, 0).data(ID_ROLE) == cohen.id


def test_new_client_dialog_shows_the_check_digit_error_next_to_the_field(qtbot, view):
    dialog = NewClientDialog()
    qtbot.addWidget(dialog)
    dialog.form.name.setText("דוד אברהם")
    dialog.form.tax_id.setText("123456789")
    assert dialog.save() is False
    assert "ספרת הביקורת" in dialog.form.error_text("tax_id")
    dialog.form.tax_id.setText("000000018")
    dialog.form.zip.setText("12")
    assert dialog.save() is False
    assert "7 ספרות" in dialog.form.error_text("zip")
    dialog.form.zip.setText("6100000")
    assert dialog.save() is True
    assert dialog.form.error_text("tax_id") == ""
    # The list heard the announcement and shows the new client.
    assert "דוד אברהם" in row_texts(view.model, Columns.NAME)


def test_duplicate_name_asks_before_adding(qtbot, db, ledger, monkeypatch):
    asked = []
    monkeypatch.setattr(client_dialog.dialogs, "confirm",
                        lambda *args: asked.append(args) or False)
    dialog = NewClientDialog()
    qtbot.addWidget(dialog)
    dialog.form.name.setText("כהן ובניו בע''מ")  # same client, other spelling
    assert dialog.save() is False and dialog.client is None
    assert len(asked) == 1


def test_list_fetches_rows_lazily(qtbot, db, monkeypatch):
    for n in range(30):
        services.add_client(name=f"לקוח {n:02d}")
    monkeypatch.setattr(ClientTableModel, "FETCH_STEP", 10)
    monkeypatch.setattr(ClientTableModel, "PAGE", 5)
    model = ClientTableModel()
    model.requery()
    assert model.rowCount() == 10 and model.canFetchMore()
    assert model._rows == {}  # nothing fetched before a cell is asked for
    assert model.index(7, Columns.NAME).data() == "לקוח 07"
    assert len(model._rows) == 5  # just the page holding row 7
    model.fetchMore()
    assert model.rowCount() == 20
    assert model.row_of(model.ids()[29]) == 29 and model.rowCount() == 30


def test_clients_model_passes_the_model_tester(qtmodeltester, view):
    assert view.model.rowCount() == 2  # the tester checks a model with rows, not an empty one
    qtmodeltester.check(view.model)


def test_client_card_summary_edit_and_contacts(qtbot, qtmodeltester, db, ledger):
    cohen, _levi = ledger
    services.record_payment(cohen.id, dt.date(2026, 10, 15), "250")
    card = ClientCard(cohen.id)
    qtbot.addWidget(card)
    card.show()
    assert "1,000.00" in card.summary.values["invoiced"].text()
    assert "250.00" in card.summary.values["paid"].text()
    assert "750.00" in card.summary.values["open"].text()
    line = card.invoices_model.item_at(0)
    assert line.open_agorot == 75000 and line.days_overdue == 53
    payment = card.payments_model.item_at(0)
    assert payment.applied_to == (("INV-1", 25000),)

    card.form.email.setText("not-an-email")
    assert card.save_details() is False
    assert "דוא\"ל" in card.form.error_text("email")
    card.form.email.setText("office@cohen.co.il")
    card.form.city.setText("עכו")
    assert card.save_details() is True
    assert services.get_client(cohen.id).city == "עכו"

    card.contact_name.setText("   ")
    assert card.add_contact() is False
    assert card.contact_form.error_text("name")
    card.contact_name.setText("רינה")
    card.contact_role.setText("הנהלת חשבונות")
    assert card.add_contact() is True
    assert card.contacts_model.rowCount() == 1
    for model in (card.invoices_model, card.payments_model, card.contacts_model):
        qtmodeltester.check(model)


def test_card_follows_announced_changes(qtbot, db, ledger):
    cohen, _ = ledger
    card = ClientCard(cohen.id)
    qtbot.addWidget(card)
    services.add_invoice(cohen.id, "INV-9", dt.date(2026, 11, 10), "300")
    events.announce(events.INVOICES)
    assert {i.number for i in card.invoices_model.items()} == {"INV-1", "INV-9"}


def test_the_form_edits_country_language_gender_and_title(qtbot, db, ledger):
    cohen, _ = ledger
    card = ClientCard(cohen.id)
    qtbot.addWidget(card)
    form = card.form
    assert form.country.currentText() == "ישראל" and form.letter_language.currentData() == "he"
    form.country.setEditText("נרניה")
    assert card.save_details() is False
    assert "מדינה" in form.error_text("country")
    form.country.setEditText("בריטניה")
    form.zip.setText("ec2a 1as")  # a British postcode, not seven digits
    form.letter_language.setCurrentIndex(form.letter_language.findData("en"))
    form.gender.setCurrentIndex(form.gender.findData("female"))
    form.salutation.setText('ד"ר')
    assert card.save_details() is True
    stored = services.get_client(cohen.id)
    assert (stored.country, stored.zip, stored.letter_language, stored.gender,
            stored.salutation) == ("GB", "EC2A 1AS", "en", "female", 'ד"ר')
    card.refresh()
    assert card.form.country.currentText() == "בריטניה"
    assert card.form.salutation.text() == 'ד"ר'


def test_the_card_refuses_to_save_over_another_persons_change_and_shows_it(qtbot, db, ledger):
    cohen, _ = ledger
    card = ClientCard(cohen.id)
    qtbot.addWidget(card)
    services.update_client(cohen.id, city="נתניה")  # another person, not announced here
    card.form.phone.setText("052-7654321")
    card.form.notes.setPlainText("מעדיף שיחה בבוקר")
    card.form.gender.setCurrentIndex(card.form.gender.findData("female"))
    assert card.save_details() is False
    assert "מישהו אחר שינה" in card.form.general_error.text()
    assert card.form.city.text() == "נתניה"  # the form shows what is stored now, marked
    assert card.form.error_fields() == ["city"]
    stored = services.get_client(cohen.id)
    assert (stored.city, stored.phone) == ("נתניה", "050-1234567")
    # What was typed elsewhere in the form is kept, and still counts as unsaved.
    assert card.form.phone.text() == "052-7654321"
    assert card.form.notes.toPlainText() == "מעדיף שיחה בבוקר"
    assert card.form.gender.currentData() == "female"
    assert card.details.is_dirty()
    assert card.save_details() is True
    stored = services.get_client(cohen.id)
    assert (stored.city, stored.phone, stored.notes, stored.gender) == (
        "נתניה", "052-7654321", "מעדיף שיחה בבוקר", "female")
