"""The polish a user sees, driven through the real widgets on a real ledger: empty lists
that invite the next step (and whose buttons do it), "loading" rather than "empty" while a
list is computed, the "Saved." after each save, KPI tiles with the number right under its
label, charts whose title never runs into the figure, columns sized to their content, and
the state colours from the one style."""
import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from models.ledger import services
from ui import events, style
from ui.background import wait_for_all
from ui.clients.client_dialog import NewClientDialog
from ui.clients.clients_view import ClientsView
from ui.invoices.invoice_table_model import Columns as InvoiceColumns
from ui.invoices.invoices_view import InvoicesView
from ui.main_window import MainWindow
from ui.today.today_view import TodayView
from ui.today.trend_chart import TrendChart
from ui.widgets.empty_state import EMPTY, HIDDEN, LOADING, NO_MATCH

D = dt.date
AS_OF = D(2026, 11, 22)

pytestmark = pytest.mark.usefixtures("isolated")


def shown(qtbot, widget, size=(1100, 600)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    return widget


# ---- empty and loading states ---------------------------------------------------------------

def test_an_empty_clients_list_invites_to_add_or_import_and_its_buttons_do_it(
        qtbot, db, monkeypatch):
    view = shown(qtbot, ClientsView(db))
    overlay = view.overlay
    assert overlay.isVisible() and overlay.state == EMPTY
    assert overlay.title.text() == "עדיין אין לקוחות"
    assert [b.text() for b in overlay.action_buttons] == ["הוספת הלקוח הראשון…",
                                                           "ייבוא מקבצים…"]
    opened = []
    monkeypatch.setattr(NewClientDialog, "ask", classmethod(
        lambda cls, parent=None: opened.append("new client")))
    from ui.exchange import import_wizard

    monkeypatch.setattr(import_wizard.ImportWizard, "ask", classmethod(
        lambda cls, opened_db, parent=None: opened.append(("import", opened_db)) or False))
    overlay.action_buttons[0].click()
    overlay.action_buttons[1].click()
    assert opened == ["new client", ("import", db)]

    services.add_client(name="סטודיו אור")
    events.announce(events.CLIENTS)
    assert overlay.state == HIDDEN and not overlay.isVisible()
    view.search.setText("אין כזה")
    view.apply_filter()
    # A search that hides every client is not "no clients yet".
    assert overlay.state == NO_MATCH and "אין לקוח התואם" in overlay.message()
    assert not any(b.isVisible() for b in overlay.action_buttons)


def test_the_invoices_list_says_loading_until_the_query_answers(qtbot, db, monkeypatch):
    from ui.invoices import invoices_view as module

    pending = []
    monkeypatch.setattr(module, "run_in_background",
                        lambda work, owner, on_done, on_error: pending.append((work, on_done)))
    view = shown(qtbot, InvoicesView(db))
    assert view.overlay.state == LOADING  # never "no invoices" while it is being asked
    assert view.overlay.message() == "טוען את החשבוניות…"
    work, on_done = pending[-1]
    on_done(work())
    assert view.overlay.state == EMPTY and view.overlay.title.text() == "עדיין אין חשבוניות"
    assert [b.text() for b in view.overlay.action_buttons] == ["חשבונית חדשה…",
                                                                "ייבוא מקבצים…"]


def test_the_invoices_list_hides_its_invitation_once_it_has_rows(qtbot, db, client):
    services.add_invoice(client.id, "A-1", D(2026, 10, 1), "100")
    view = shown(qtbot, InvoicesView(db))
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    assert view.overlay.state == HIDDEN and not view.overlay.isVisible()


def test_today_says_it_is_working_before_it_says_there_is_nothing(qtbot, db):
    view = TodayView()
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.show()
        assert view.empty.state == LOADING
        assert view.empty.message() == "מחשבים את המשימות של היום…"
    assert view.empty.state == EMPTY and view.empty.title.text() == "אין משימות להיום"


# ---- "Saved." ----------------------------------------------------------------------------------

@pytest.fixture
def window(qtbot, db):
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    return win


def test_saving_a_client_an_invoice_and_a_payment_says_saved(qtbot, window):
    from ui.invoices.invoice_dialog import InvoiceDialog
    from ui.payments.payment_dialog import PaymentDialog

    bar = window.statusBar()
    dialog = NewClientDialog(window)
    qtbot.addWidget(dialog)
    dialog.form.name.setText("סטודיו אור")
    assert dialog.save()
    assert bar.currentMessage() == "נשמר."
    bar.clearMessage()

    invoice = InvoiceDialog(client_id=dialog.client.id, parent=window)
    qtbot.addWidget(invoice)
    invoice.number.setText("2026-001")
    invoice.issue_date.setDate(D(2026, 10, 1))
    invoice.amount.setText("1000")
    assert invoice.save()
    assert bar.currentMessage() == "נשמר."
    bar.clearMessage()

    payment = PaymentDialog(client_id=dialog.client.id, parent=window)
    qtbot.addWidget(payment)
    payment.amount.setText("400")
    assert payment.save()
    assert bar.currentMessage() == "נשמר."


def test_a_failed_save_says_nothing_of_the_kind(qtbot, window):
    dialog = NewClientDialog(window)
    qtbot.addWidget(dialog)
    assert not dialog.save()  # no name
    assert window.statusBar().currentMessage() == ""


def test_saving_settings_says_saved_in_the_status_bar(qtbot, window):
    settings = window.go_to("settings")
    wait_for_all()
    from ui.prevention.prevention_page import PreventionPage

    [page] = settings.findChildren(PreventionPage)
    assert page.save()
    assert window.statusBar().currentMessage() == "נשמר."


# ---- KPI tiles and charts ----------------------------------------------------------------------

@pytest.fixture
def big_book(db):
    """A debtor owing millions in two currencies (a big ledger's totals are wide)."""
    owing = services.add_client(name="Northwind Digital GmbH", kind="company")
    services.add_invoice(owing.id, "N-1", D(2026, 8, 1), "12345678.90")
    services.add_invoice(owing.id, "N-2", D(2026, 9, 1), "5000", currency="EUR")
    return owing


def test_each_tile_has_its_number_right_under_its_label(qtbot, big_book):
    view = TodayView()
    qtbot.addWidget(view)
    view.resize(1280 - 160, 700)  # the window at 1280 px, less the navigation list
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.show()
    tiles = view.totals.tiles
    assert len(tiles) == 6 and view.totals.columns == 3
    for tile in tiles:
        gap = tile.value.geometry().top() - tile.label.geometry().bottom()
        assert 0 <= gap <= 8, (tile.label.text(), gap)  # not 100 px away
        assert tile.geometry().right() <= view.totals.width()
    overdue = view.totals.tile["overdue"]
    assert "12,345,678.90" in overdue.value.text()  # shekels first, large
    assert "5,000.00" in overdue.detail.text()       # euros below, never added
    assert overdue.value.property("tone") == style.OVERDUE
    assert view.minimumSizeHint().width() <= 1280 - 160


def test_the_trend_title_and_the_latest_amount_never_overlap_the_figure(qtbot):
    chart = TrendChart()
    qtbot.addWidget(chart)
    chart.set_trend([(AS_OF - dt.timedelta(weeks=11 - n), {"ILS": n * 123456789})
                     for n in range(12)], "ILS")
    for width in (200, 260, 360, 600):
        chart.resize(width, chart.minimumHeight())
        frame = chart.frame()
        metrics = chart.fontMetrics()
        title_width = metrics.horizontalAdvance(frame.title)
        note_width = metrics.horizontalAdvance(frame.note)
        if frame.note_on_own_line:
            assert frame.note_rect.top() >= frame.title_rect.bottom()
        else:  # side by side, with room between them
            assert title_width + note_width < frame.title_rect.width()
        assert frame.figure.top() >= frame.note_rect.bottom()
        assert frame.figure.height() >= 40
        for point in chart.points():
            assert frame.figure.contains(point)
        assert frame.below_rect.top() >= frame.figure.bottom()
        assert frame.below_rect.bottom() <= chart.height()
    assert chart.minimumHeight() >= 2 * 8 + 3 * metrics.height() + 40


# ---- columns and colours -------------------------------------------------------------------------

def test_invoice_columns_fit_their_content_and_the_client_takes_the_rest(qtbot, db, client):
    services.add_invoice(client.id, "2026-000123", D(2026, 8, 1), "123456.78")
    services.add_invoice(client.id, "B-2", D(2026, 11, 1), "5")
    view = shown(qtbot, InvoicesView(db), size=(1180, 600))
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5000)
    view.table.fit_columns()
    QApplication.processEvents()
    table, header = view.table, view.table.horizontalHeader()
    for column in (InvoiceColumns.NUMBER, InvoiceColumns.ISSUED, InvoiceColumns.AMOUNT,
                   InvoiceColumns.OPEN):
        assert header.sectionSize(column) >= table.sizeHintForColumn(column)  # shown whole
        assert header.sectionSize(column) < 200  # and not a client's width
    widest_other = max(header.sectionSize(c) for c in InvoiceColumns
                       if c != InvoiceColumns.CLIENT)
    assert header.sectionSize(InvoiceColumns.CLIENT) > widest_other  # it stretches
    total = sum(header.sectionSize(c) for c in InvoiceColumns)
    assert total <= table.viewport().width() + 1  # no horizontal scrolling at this width


def test_invoice_states_are_coloured_by_the_one_style(qtbot, db, client):
    services.add_invoice(client.id, "LATE", D(2026, 8, 1), "100")  # due 30/09: overdue
    paid = services.add_invoice(client.id, "PAID", D(2026, 9, 1), "100")
    services.record_payment(client.id, D(2026, 9, 5), "100", invoice_ids=[paid.id])
    services.add_invoice(client.id, "SOON", D(2026, 11, 15), "100")  # not due yet
    view = shown(qtbot, InvoicesView(db))
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=5000)
    colours = {}
    for row in range(3):
        number = view.model.line_at(row).number
        colours[number] = view.model.index(row, InvoiceColumns.STATE).data(Qt.ForegroundRole)
    assert colours["LATE"] == style.state_colour(style.OVERDUE)
    assert colours["PAID"] == style.state_colour(style.PAID)
    assert colours["SOON"] is None  # not due: the ordinary text colour


def test_the_style_is_applied_once_and_keeps_what_was_there(qapp):
    before = qapp.styleSheet()
    style.apply_style(qapp)
    assert qapp.styleSheet() == before and style.MARKER in before
    assert f'QLabel[tone="{style.OVERDUE}"]' in before
    # The colours keep a 4.5:1 contrast on a light window (WCAG AA).
    for tone in style.TONES:
        assert contrast(style.state_colour(tone), "#efefef") >= 4.5, tone


def contrast(colour, background) -> float:
    from PySide6.QtGui import QColor

    def luminance(c):
        def channel(v):
            v /= 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) \
            + 0.0722 * channel(c.blue())
    a, b = luminance(QColor(colour)), luminance(QColor(background))
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def test_a_cell_too_narrow_for_its_text_shows_it_whole_in_a_tooltip(qtbot, db):
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    services.add_client(name="Silverline Health Ltd. and Associates of Greater Manchester")
    view = shown(qtbot, ClientsView(db), size=(600, 400))
    table = view.table
    table.set_stretch_column(None)
    table.user_sized = True  # as if the user had dragged the column narrower
    table.horizontalHeader().resizeSection(0, 120)
    index = view.model.index(0, 0)
    text = index.data()
    assert text.startswith("\u2068") and text.endswith("\u2069")  # isolated: '.' stays
    assert table._is_elided(index, text)
    centre = table.visualRect(index).center()
    event = QHelpEvent(QEvent.ToolTip, centre, table.viewport().mapToGlobal(centre))
    QApplication.sendEvent(table.viewport(), event)
    assert QToolTip.text() == text
    QToolTip.hideText()
    assert isinstance(centre, QPoint)


def test_the_aging_chart_keeps_its_title_clear_of_the_tallest_bar_and_its_value(qtbot):
    from ui.aging.aging_chart import AgingChart

    chart = AgingChart()
    qtbot.addWidget(chart)
    chart.set_data(["טרם הגיע מועדו", "1–30", "31–60", "61–90", "91–120", "מעל 120"],
                   [1_058_588_820, 515_478_500, 637_091_320, 148_556_660, 70_264_320,
                    749_754_120], "ILS")
    for width, height in ((400, chart.minimumHeight()), (1180, 180), (1180, 320)):
        chart.resize(width, height)
        frame = chart.frame()
        line = chart.fontMetrics().height()
        tallest = min(rect.top() for rect in chart.bar_rects())
        value_top = tallest - line - 2  # where the tallest bar's amount is written
        assert value_top >= frame.title_rect.bottom(), (width, height)
        for rect in chart.bar_rects():
            assert frame.figure.contains(rect.center()) and rect.bottom() <= frame.figure.bottom()
        assert frame.below_rect.top() >= frame.figure.bottom()  # the bucket names
        assert frame.below_rect.bottom() <= chart.height()


def test_an_empty_aging_says_loading_then_that_nothing_is_open(qtbot, db):
    from ui.aging.aging_view import AgingView

    view = AgingView(db)
    with qtbot.waitSignal(view.report_ready, timeout=10000):
        shown(qtbot, view)
        assert view.overlay.state == LOADING  # not "nothing is open" while computing
    assert view.overlay.state == EMPTY
    assert view.overlay.title.text() == "אין חובות פתוחים נכון לתאריך זה."
