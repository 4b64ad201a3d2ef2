"""Keyboard first: the one date field (typed in one piece after a click, Tab leaves it, a
calendar with the Israeli weekend, bad entries kept and shown in red, far dates asked
about), Enter opens the selected row, Ctrl+P prints what is on screen, and the shortcuts
page reads the real menu actions. Real widgets over a real SQLite file."""
import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from models.common.errors import ValidationError
from models.ledger import services
from models.ledger.invoices import Invoice
from ui.widgets import dialogs
from ui.widgets.date_edit import WEEKEND_COLOUR, DateEdit

D = dt.date
AS_OF = D(2026, 11, 22)

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def form(qtbot):
    """A window with a date field (today's date in it, as a fresh form has) and a field
    after it."""
    window = QWidget()
    layout = QVBoxLayout(window)
    window.date = DateEdit(AS_OF)
    window.after = QLineEdit()
    layout.addWidget(window.date)
    layout.addWidget(window.after)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    return window


def test_typing_after_a_click_replaces_the_date(qtbot, form):
    changed = []
    form.date.dateChanged.connect(changed.append)
    form.after.setFocus()
    qtbot.mouseClick(form.date, Qt.LeftButton)
    qtbot.waitUntil(form.date.hasFocus, timeout=2000)
    qtbot.keyClicks(form.date, "5/3/2026")
    assert form.date.date() == D(2026, 3, 5)
    qtbot.keyClick(form.date, Qt.Key_Tab)
    assert form.date.text() == "05/03/2026"
    assert changed == [D(2026, 3, 5)]  # a python date, once


def test_tab_leaves_the_date_field_in_one_press(qtbot, form):
    form.date.setFocus()
    qtbot.waitUntil(form.date.hasFocus, timeout=2000)
    qtbot.keyClick(form.date, Qt.Key_Tab)
    assert QApplication.focusWidget() is form.after


@pytest.mark.parametrize("typed", ["1/2/26", "01022026", "1.2.2026", "010226", "1-2-2026"])
def test_short_and_run_together_dates_are_written_out(qtbot, form, typed):
    form.date.setFocus()
    form.date.selectAll()
    qtbot.keyClicks(form.date, typed)
    qtbot.keyClick(form.date, Qt.Key_Return)
    assert form.date.date() == D(2026, 2, 1)
    assert form.date.text() == "01/02/2026"


def test_a_wrong_date_is_kept_as_typed_in_red_with_the_reason(qtbot, form):
    form.date.setFocus()
    form.date.selectAll()
    qtbot.keyClicks(form.date, "31/02/2026")
    qtbot.keyClick(form.date, Qt.Key_Tab)
    assert form.date.text() == "31/02/2026"  # never changed into another date
    assert form.date.date() is None
    assert form.date.toolTip() == "התאריך '31/02/2026' אינו קיים בלוח השנה."
    assert form.date.error() == form.date.toolTip()
    assert form.date.palette().color(QPalette.Text).name() == "#c62828"
    with pytest.raises(ValidationError) as raised:
        form.date.required_date("issue_date")
    assert raised.value.field == "issue_date"
    form.date.setFocus()
    form.date.selectAll()
    qtbot.keyClicks(form.date, "28/02/2026")
    assert form.date.error() == ""  # corrected: the red goes at once


def test_a_date_outside_the_range_is_refused_not_moved(qtbot, form):
    form.date.setMinimumDate(D(2000, 1, 1))
    form.date.setDate(D(1999, 12, 31))
    assert form.date.text() == "31/12/1999"
    assert form.date.date() is None and "01/01/2000" in form.date.error()


def test_the_calendar_has_an_israeli_week_and_picks_a_day(qtbot, form):
    form.date.setFocus()
    qtbot.keyClick(form.date, Qt.Key_F4)
    popup = form.date.calendar_popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    calendar = popup.calendar
    assert calendar.firstDayOfWeek() == Qt.Sunday
    assert popup.layoutDirection() == Qt.RightToLeft  # the window's direction
    assert calendar.selectedDate() == QDate(2026, 11, 22)
    colours = {day: calendar.weekdayTextFormat(day).foreground().color()
               for day in (Qt.Friday, Qt.Saturday, Qt.Sunday, Qt.Monday)}
    assert colours[Qt.Friday] == WEEKEND_COLOUR and colours[Qt.Saturday] == WEEKEND_COLOUR
    assert colours[Qt.Sunday] != WEEKEND_COLOUR and colours[Qt.Monday] != WEEKEND_COLOUR
    calendar.setSelectedDate(QDate(2026, 12, 4))
    calendar.activated.emit(QDate(2026, 12, 4))  # Enter (or a double-click) on a day
    assert not popup.isVisible()
    assert form.date.date() == D(2026, 12, 4) and form.date.text() == "04/12/2026"


def test_alt_down_opens_the_calendar_too(qtbot, form):
    form.date.setFocus()
    qtbot.keyClick(form.date, Qt.Key_Down, Qt.AltModifier)
    qtbot.waitUntil(form.date.calendar_popup().isVisible, timeout=2000)
    qtbot.keyClick(form.date.calendar_popup(), Qt.Key_Escape)
    assert not form.date.calendar_popup().isVisible()
    assert form.date.date() == AS_OF  # Esc changes nothing


def test_a_date_far_from_today_asks_before_the_invoice_is_saved(qtbot, client, monkeypatch):
    from ui.invoices.invoice_dialog import InvoiceDialog

    asked = []
    answer = {"yes": False}

    def confirm(parent, title, text, yes_text=None):
        asked.append(text)
        return answer["yes"]

    monkeypatch.setattr(dialogs, "confirm", confirm)
    dialog = InvoiceDialog(client_id=client.id)
    qtbot.addWidget(dialog)
    dialog.number.setText("F-1")
    dialog.amount.setText("100")
    dialog.issue_date.setDate(D(2040, 1, 1))  # a slip for 2026
    assert not dialog.save()
    assert "01/01/2040" in asked[0]
    assert dialog.form.error_text("issue_date")  # the form stays open, at the field
    assert Invoice.select().count() == 0
    answer["yes"] = True
    assert dialog.save()
    assert Invoice.get().issue_date == D(2040, 1, 1)


def test_dates_near_today_save_without_a_question(qtbot, client, monkeypatch):
    from ui.payments.payment_dialog import PaymentDialog

    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: pytest.fail("asked"))
    services.add_invoice(client.id, "A-1", D(2026, 10, 1), "500")
    dialog = PaymentDialog(client_id=client.id)
    qtbot.addWidget(dialog)
    dialog.date.setDate(D(2026, 11, 20))
    dialog.amount.setText("200")
    assert dialog.save()
    assert dialog.payment.date == D(2026, 11, 20)


# ---- lists: Enter opens the selected row ------------------------------------------------

def test_enter_on_a_client_row_opens_the_card(qtbot, db, client):
    from ui.clients.clients_view import ClientsView

    view = ClientsView(db)
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    view.table.setFocus()
    view.table.select_row(0)
    qtbot.keyClick(view.table, Qt.Key_Return)
    assert [card.client_id for card in view.open_cards] == [client.id]
    for card in view.open_cards:
        qtbot.addWidget(card)


def test_enter_opens_nothing_when_no_row_is_selected(qtbot, db, client):
    from ui.clients.clients_view import ClientsView

    view = ClientsView(db)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    view.table.setFocus()
    view.table.clearSelection()
    qtbot.keyClick(view.table, Qt.Key_Enter)
    assert view.open_cards == []


# ---- the main window: Ctrl+P prints, F1 lists the shortcuts -------------------------------

@pytest.fixture
def window(qtbot, db, client):
    from ui.main_window import MainWindow

    services.add_invoice(client.id, "INV-1", D(2026, 8, 5), "1000")
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitExposed(win)
    return win


def test_ctrl_p_on_the_aging_screen_prints_the_report(qtbot, window):
    aging = window.view("aging")
    with qtbot.waitSignal(aging.report_ready, timeout=10000):
        window.go_to("aging")
    opened = []
    aging.open_file = opened.append  # the system's PDF viewer, whose dialog prints
    with qtbot.waitSignal(aging.export_finished, timeout=10000):
        qtbot.keyClick(window, Qt.Key_P, Qt.ControlModifier)
    assert len(opened) == 1 and opened[0].suffix == ".pdf" and opened[0].stat().st_size > 0


def test_ctrl_p_on_a_screen_without_a_document_says_so(qtbot, window):
    window.go_to("clients")
    qtbot.keyClick(window, Qt.Key_P, Qt.ControlModifier)
    assert "אין במסך הזה מה להדפיס" in window.statusBar().currentMessage()


def test_the_shortcuts_page_lists_the_menus_own_shortcuts(qtbot, window):
    from ui.help_page import ShortcutsDialog

    dialog = ShortcutsDialog(window)
    qtbot.addWidget(dialog)
    rows = dict(dialog.shortcut_rows())
    assert rows["קובץ › הדפסה"] == "Ctrl+P"
    assert rows["קובץ › רישום תשלום"] == "Ctrl+Shift+P"
    assert rows["עזרה › קיצורי מקלדת"] == "F1"
    assert "F4 / Alt+Down" in rows.values() and "Enter" in rows.values()
    window.record_payment_action.setShortcut("Ctrl+R")  # read from the actions themselves
    again = dict(ShortcutsDialog(window).shortcut_rows())
    assert again["קובץ › רישום תשלום"] == "Ctrl+R"


def test_a_far_settlement_date_keeps_the_dialog_open_at_its_field(qtbot, client, monkeypatch):
    from models.negotiation.settlements import Settlement
    from ui.negotiation.settlement_dialogs import NewSettlementDialog

    services.add_invoice(client.id, "S-1", D(2026, 6, 1), "900")
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: False)
    dialog = NewSettlementDialog(client.id)
    qtbot.addWidget(dialog)
    dialog.first_date.setDate(D(2046, 12, 1))
    assert not dialog.save()
    assert dialog.form.error_text("first_date")
    assert Settlement.select().count() == 0


def test_the_time_beside_a_date_is_typed_in_one_piece_too(qtbot):
    from ui.widgets.date_edit import DateTimeEdit

    edit = DateTimeEdit(dt.datetime(2026, 11, 22, 14, 5))
    qtbot.addWidget(edit)
    assert (edit.date_edit.text(), edit.time_edit.text()) == ("22/11/2026", "14:05")
    edit.time_edit.setText("930")
    edit.time_edit.commit()
    assert edit.time_edit.text() == "09:30"
    assert edit.dateTime() == dt.datetime(2026, 11, 22, 9, 30)
    edit.time_edit.setText("25:00")
    edit.time_edit.commit()
    assert edit.dateTime() is None and edit.time_edit.error()
    with pytest.raises(ValidationError) as raised:
        edit.required_datetime("occurred_at")
    assert raised.value.field == "occurred_at"


def test_enter_on_an_aging_amount_opens_the_invoices_behind_it(qtbot, db, client):
    from ui.aging.aging_view import AgingView

    services.add_invoice(client.id, "INV-1", D(2026, 8, 5), "1000")
    view = AgingView(db)
    qtbot.addWidget(view)
    view.resize(1000, 600)
    with qtbot.waitSignal(view.report_ready, timeout=10000):
        view.show()
    view.activateWindow()
    total = view.model.total_column()
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, total))
    qtbot.keyClick(view.table, Qt.Key_Return)
    assert view.last_drilldown is not None
    qtbot.addWidget(view.last_drilldown)
