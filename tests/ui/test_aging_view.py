"""The aging screen driven through its real widgets: dates, currencies, drill-down,
sorting, chart, export, refresh on change. Data: two clients over a real SQLite file."""
import csv
import datetime as dt

import pytest
from PySide6.QtCore import Qt

from models.db.settings import load_profile, save_profile
from models.ledger import services
from ui import events
from ui.aging.aging_table_model import CLIENT_ID_ROLE, RAW_VALUE_ROLE, Columns
from ui.aging.aging_view import AgingView
from ui.background import wait_for_all

AS_OF = dt.date(2026, 11, 22)
HOSTILE_NAME = '=HYPERLINK("http://evil.example","ACME")'


@pytest.fixture
def ledger(db, client):
    """As of 22/11/2026 (ILS): כהן owes 500 not yet due, 1,000 at 31–60 days, 1,600 over
    120; the formula-named client owes 700 at 31–60 and USD 300 at 1–30."""
    services.add_invoice(client.id, "INV-1", dt.date(2026, 8, 5), "1000")      # due 30/09
    services.add_invoice(client.id, "INV-2", dt.date(2026, 10, 10), "500")     # due 30/11
    services.add_invoice(client.id, "INV-3", dt.date(2026, 6, 1), "2000",
                         due_date=dt.date(2026, 7, 1))
    services.record_payment(client.id, dt.date(2026, 11, 10), "400")           # -> INV-3
    other = services.add_client(name=HOSTILE_NAME, kind="company")
    services.add_invoice(other.id, "B-1", dt.date(2026, 9, 1), "700", terms="נטו 30")
    services.add_invoice(other.id, "B-2", dt.date(2026, 11, 1), "300", currency="USD",
                         terms="מיידי")
    return client, other


@pytest.fixture
def view(qtbot, db, ledger):
    widget = AgingView(db)
    qtbot.addWidget(widget)
    widget.resize(1000, 650)
    widget.set_as_of(AS_OF)
    with qtbot.waitSignal(widget.report_ready, timeout=5000):
        widget.show()
    yield widget
    wait_for_all()  # no query may outlive the database file


def row_of(view, client_id):
    model = view.model
    for row in range(model.rowCount()):
        if model.index(row, 0).data(CLIENT_ID_ROLE) == client_id:
            return row
    raise AssertionError(f"client {client_id} not in the table")


def amounts(view, row):
    model = view.model
    return [model.index(row, c).data(RAW_VALUE_ROLE) for c in range(1, model.columnCount())]


def change_date(qtbot, view, day):
    with qtbot.waitSignal(view.report_ready, timeout=5000):
        view.set_as_of(day)


def test_rows_buckets_and_totals_as_of_the_chosen_date(view, ledger, qtmodeltester):
    cohen, other = ledger
    model = view.model
    headers = [model.headerData(c, Qt.Horizontal) for c in range(model.columnCount())]
    assert headers == ["לקוח", "טרם הגיע מועדו", "1–30 ימים", "31–60 ימים", "61–90 ימים",
                       "91–120 ימים", "מעל 120 ימים", "סה\"כ", "זיכוי בחשבון"]
    #                                  not due  1-30  31-60   61-90 91-120  120+    total   credit
    assert amounts(view, row_of(view, cohen.id)) == [50000, 0, 100000, 0, 0, 160000, 310000, 0]
    assert amounts(view, row_of(view, other.id)) == [0, 0, 70000, 0, 0, 0, 70000, 0]
    total_row = model.rowCount() - 1
    assert model.index(total_row, Columns.CLIENT).data() == "סה\"כ"
    assert amounts(view, total_row) == [50000, 0, 170000, 0, 0, 160000, 380000, 0]
    assert model.index(total_row, model.total_column()).data() == "3,800.00"
    qtmodeltester.check(model)


def test_changing_the_date_changes_the_numbers(qtbot, view, ledger):
    cohen, other = ledger
    change_date(qtbot, view, dt.date(2026, 10, 1))
    # Historical: INV-2 not issued yet, the 400 payment not made yet.
    assert amounts(view, row_of(view, cohen.id)) == [0, 100000, 0, 0, 200000, 0, 300000, 0]
    assert amounts(view, row_of(view, other.id)) == [70000, 0, 0, 0, 0, 0, 70000, 0]
    assert "01/10/2026" in view.status.text()
    assert view.date_edit.text() == "01/10/2026"  # day first, even right-to-left
    change_date(qtbot, view, dt.date(2026, 5, 1))
    assert view.model.client_rows() == []
    assert amounts(view, view.model.rowCount() - 1) == [0] * 8


def test_currencies_are_never_added_together(qtbot, view, ledger):
    cohen, other = ledger
    assert [view.currency_box.itemText(i) for i in range(view.currency_box.count())] == \
        ["ILS", "USD"]
    view.set_currency("USD")
    assert [r.client_id for r in view.model.client_rows()] == [other.id]
    assert amounts(view, view.model.rowCount() - 1) == [0, 30000, 0, 0, 0, 0, 30000, 0]
    assert view.chart.values() == [0, 30000, 0, 0, 0, 0]


def test_double_click_shows_exactly_the_invoices_behind_the_cell(qtbot, view, ledger,
                                                                   qtmodeltester):
    cohen, _ = ledger
    table = view.table
    index = view.model.index(row_of(view, cohen.id), Columns.FIRST_BUCKET + 2)  # 31–60
    table.scrollTo(index)
    centre = table.visualRect(index).center()
    # An item view needs the first click before the double-click, as from a real mouse.
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=centre)
    qtbot.mouseDClick(table.viewport(), Qt.LeftButton, pos=centre)
    dialog = view.last_drilldown
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0 or dialog.busy.isHidden(), timeout=5000)
    assert [line.invoice.number for line in dialog.model.lines()] == ["INV-1"]
    assert dialog.open_total_agorot() == index.data(RAW_VALUE_ROLE) == 100000
    assert "31–60" in dialog.windowTitle() and "22/11/2026" in dialog.windowTitle()
    qtmodeltester.check(dialog.model)
    dialog.close()


def test_drill_down_on_totals_lists_every_clients_invoices(qtbot, view, ledger):
    total_row = view.model.rowCount() - 1
    dialog = view.open_drilldown(total_row, Columns.FIRST_BUCKET + 2)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        pass
    assert sorted(line.invoice.number for line in dialog.model.lines()) == ["B-1", "INV-1"]
    assert dialog.open_total_agorot() == 170000
    assert not dialog.table.isColumnHidden(0)  # the client column shows whose invoice


def test_drill_down_on_the_client_name_lists_all_open_invoices(qtbot, view, ledger):
    cohen, _ = ledger
    dialog = view.open_drilldown(row_of(view, cohen.id), Columns.CLIENT)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        pass
    lines = dialog.model.lines()
    assert [line.invoice.number for line in lines] == ["INV-3", "INV-1", "INV-2"]  # by due date
    assert [line.invoice.open_agorot for line in lines] == [160000, 100000, 50000]
    assert view.open_drilldown(row_of(view, cohen.id), view.model.credit_column()) is None


def test_sorting_uses_raw_values_and_keeps_the_totals_row_last(view, ledger):
    cohen, other = ledger
    model = view.model
    view.table.sortByColumn(model.total_column(), Qt.AscendingOrder)
    assert [r.client_id for r in model.client_rows()] == [other.id, cohen.id]
    view.table.sortByColumn(model.total_column(), Qt.DescendingOrder)
    assert [r.client_id for r in model.client_rows()] == [cohen.id, other.id]
    assert model.index(model.rowCount() - 1, 0).data() == "סה\"כ"


def test_chart_shows_bucket_totals_right_to_left(view):
    assert view.chart.values() == [50000, 0, 170000, 0, 0, 160000]
    rects = view.chart.bar_rects()
    assert view.chart.isRightToLeft()
    assert rects[0].center().x() > rects[-1].center().x()  # "not yet due" on the right
    assert rects[2].height() > rects[5].height() > rects[0].height() > 0


def test_refreshes_when_a_service_reports_a_change(qtbot, view, ledger):
    cohen, _ = ledger
    services.record_payment(cohen.id, dt.date(2026, 11, 20), "1600")
    with qtbot.waitSignal(view.report_ready, timeout=5000):
        events.announce(events.PAYMENTS)
    assert amounts(view, row_of(view, cohen.id)) == [50000, 0, 100000, 0, 0, 0, 150000, 0]


def test_bucket_boundaries_come_from_the_settings(qtbot, view):
    profile = load_profile()
    profile.aging_buckets = [45, 90]
    save_profile(profile)
    with qtbot.waitSignal(view.report_ready, timeout=5000):
        events.announce(events.SETTINGS)
    model = view.model
    assert [model.headerData(c, Qt.Horizontal) for c in range(1, 5)] == \
        ["טרם הגיע מועדו", "1–45 ימים", "46–90 ימים", "מעל 90 ימים"]
    assert amounts(view, model.rowCount() - 1) == [50000, 0, 170000, 160000, 380000, 0]


def test_query_runs_off_the_ui_thread_with_a_busy_indicator(qtbot, view):
    view.refresh()
    assert view.is_busy()  # refresh() returned at once; the result arrives later
    with qtbot.waitSignal(view.report_ready, timeout=5000):
        pass
    assert not view.is_busy()


def test_export_csv_reads_back_with_formulas_neutralised(qtbot, view, tmp_path):
    target = tmp_path / "aging"
    view.ask_save_path = lambda *args: str(target)
    with qtbot.waitSignal(view.export_finished, timeout=5000) as blocker:
        view.csv_button.click()
    path = blocker.args[0]
    assert path.endswith("aging.csv")
    raw = open(path, "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Hebrew intact
    rows = list(csv.reader(open(path, encoding="utf-8-sig", newline="")))
    assert rows[0][:3] == ["לקוח", "מטבע", "טרם הגיע מועדו"]
    by_name = {(r[0], r[1]): r for r in rows[1:]}
    assert by_name["'" + HOSTILE_NAME, "ILS"][4] == "700.00"
    assert by_name["סה\"כ", "ILS"][-2:] == ["3800.00", "0.00"]
    assert by_name["סה\"כ", "USD"][-2:] == ["300.00", "0.00"]


def test_export_xlsx_reads_back_with_numbers_and_neutralised_text(qtbot, view, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "aging.xlsx"
    view.ask_save_path = lambda *args: str(target)
    with qtbot.waitSignal(view.export_finished, timeout=10000):
        view.xlsx_button.click()
    sheet = load_workbook(target).active
    assert sheet.sheet_view.rightToLeft
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "לקוח"
    hostile = next(r for r in rows if r[0] == "'" + HOSTILE_NAME and r[1] == "ILS")
    assert hostile[4] == 700 and isinstance(hostile[4], (int, float))  # a number, not text
    assert not any(isinstance(c, str) and c.startswith("=") for r in rows for c in r)


def test_cancelled_save_dialog_writes_nothing(qtbot, view, tmp_path):
    view.ask_save_path = lambda *args: None
    with qtbot.assertNotEmitted(view.export_finished, wait=200):
        view.csv_button.click()
    assert list(tmp_path.glob("*.csv")) == []


def test_save_pdf_writes_the_report_through_reports(qtbot, view, tmp_path):
    from pypdf import PdfReader

    view.ask_save_path = lambda *args: str(tmp_path / "aging")
    with qtbot.waitSignal(view.export_finished, timeout=10000) as blocker:
        view.pdf_button.click()
    assert blocker.args[0].endswith("aging.pdf")
    text = PdfReader(blocker.args[0]).pages[0].extract_text()
    assert "3,800.00" in text and "22/11/2026" in text


def test_print_opens_the_pdf_in_the_system_viewer(qtbot, view):
    opened = []
    view.open_file = opened.append
    with qtbot.waitSignal(view.export_finished, timeout=10000):
        view.print_button.click()
    assert len(opened) == 1 and opened[0].suffix == ".pdf" and opened[0].stat().st_size > 0
