"""File → Import… and File → Export the ledger to Excel…, driven through the real widgets:
a CSV and an XLSX file go through the wizard (files, columns, the dry run, the import with
a backup first); importing them again adds nothing and says so; a file of another program
is mapped once and mapped the same way next month; a bad row is listed in the dry run and
nothing is imported; a bad file is named on the first page; Cancel leaves the ledger as
it was; every page fits 1280x720 with its buttons on screen."""
import csv
import datetime as dt
import io

import openpyxl
import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QWizard

from models.db.backup import list_backups
from models.ledger.clients import Client
from models.ledger.invoices import Invoice
from models.ledger.payments import Payment
from ui.exchange.import_wizard import (
    CHECK_PAGE,
    COLUMNS_PAGE,
    FILES_PAGE,
    IMPORT_PAGE,
    ImportWizard,
)

pytestmark = pytest.mark.usefixtures("isolated")


def write_csv(path, header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


def write_xlsx(path, title, header, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    return {
        "clients": write_csv(folder / "clients.csv", ["מספר לקוח", "שם", "טלפון"],
                             [["C1", 'כהן ובניו בע"מ', "03-1234567"],
                              ["C2", "Atlas Ventures LLC", ""]]),
        "invoices": write_xlsx(folder / "invoices.xlsx", "חשבוניות",
                               ["מספר חשבונית", "לקוח", "תאריך", "סכום"],
                               [[1001, "C1", dt.date(2026, 10, 1), 1170],
                                [1002, "C2", dt.date(2026, 10, 5), 2340.5]]),
        "payments": write_csv(folder / "payments.csv",
                              ["אסמכתא", "לקוח", "תאריך", "סכום", "מספר חשבונית"],
                              [["P-1", "C1", "20/10/2026", "1,170.00", "1001"]]),
    }


@pytest.fixture
def open_wizard(qtbot, db):
    def make() -> ImportWizard:
        wizard = ImportWizard(db)
        qtbot.addWidget(wizard)
        wizard.show()
        return wizard
    return make


def counts():
    return Client.select().count(), Invoice.select().count(), Payment.select().count()


def choose(wizard, chosen: dict) -> None:
    for kind, path in chosen.items():
        wizard.files_page.set_file(kind, path)


def to_check(qtbot, wizard) -> None:
    """From the files page through the columns page to a finished dry run."""
    wizard.next()
    assert wizard.currentId() == COLUMNS_PAGE
    wizard.next()
    assert wizard.currentId() == CHECK_PAGE
    qtbot.waitUntil(lambda: wizard.check_page.outcome is not None, timeout=10000)


def import_now(qtbot, wizard) -> None:
    assert wizard.button(QWizard.CommitButton).isEnabled()
    wizard.button(QWizard.CommitButton).click()
    assert wizard.currentId() == IMPORT_PAGE
    qtbot.waitUntil(lambda: wizard.import_page.is_done, timeout=10000)


def problems(page) -> list[tuple[str, str, str, str]]:
    model = page.problems
    plain = str.maketrans("", "", "\u2066\u2068\u2069")  # as read, without the isolates
    return [tuple(model.index(r, c).data().translate(plain) for c in range(4))
            for r in range(model.rowCount())]


def test_csv_and_xlsx_files_are_imported_with_a_backup_first(qtbot, open_wizard, files, db):
    wizard = open_wizard()
    assert not wizard.button(QWizard.NextButton).isEnabled()  # no file yet
    choose(wizard, files)
    assert wizard.button(QWizard.NextButton).isEnabled()
    wizard.next()
    columns = wizard.columns_page
    assert [columns.tabs.tabText(i) for i in range(columns.tabs.count())] == [
        "לקוחות", "חשבוניות", "תשלומים"]
    invoices = columns.tables["invoices"]
    # The preview shows the file's own headings and first rows; the workbook's date is
    # shown the Israeli way.
    assert invoices.headers == ["מספר חשבונית", "לקוח", "תאריך", "סכום"]
    assert invoices.table.item(1, 2).toolTip() == "01/10/2026"  # shown isolated
    assert invoices.mapping() == {"מספר חשבונית": "number", "לקוח": "client",
                                  "תאריך": "issue_date", "סכום": "amount"}
    assert invoices.combos[0].currentText() == "מספר חשבונית"
    wizard.next()
    qtbot.waitUntil(lambda: wizard.check_page.outcome is not None, timeout=10000)
    check = wizard.check_page
    assert check.outcome.result is not None
    assert "לא נכתב דבר" in check.status.text()
    assert counts() == (0, 0, 0)  # the dry run wrote nothing

    announced = []
    from ui import events
    events.events.data_changed.connect(announced.append)
    import_now(qtbot, wizard)
    assert counts() == (2, 2, 1)
    assert Invoice.get(Invoice.number == "1002").amount_agorot == 234050
    assert "הייבוא הושלם" in wizard.import_page.status.text()
    [backup] = [b for b in list_backups(db.path) if b.path.stem.endswith("-before-import")]
    assert backup.path.name in wizard.import_page.backup_label.text()
    assert any(events.INVOICES in kinds for kinds in announced)
    assert wizard.button(QWizard.FinishButton).isEnabled()
    assert not wizard.button(QWizard.CancelButton).isVisible()

    # The same files again: nothing is added, and the wizard says so.
    again = open_wizard()
    choose(again, files)
    to_check(qtbot, again)
    assert "בייבוא לא יתווסף דבר" in again.check_page.status.text()
    import_now(qtbot, again)
    assert counts() == (2, 2, 1)
    text = again.import_page.status.text()
    assert "לא נוסף דבר חדש" in text
    assert "דולגו: 2 לקוחות, 2 חשבוניות ותשלום אחד" in text


def test_a_mapping_is_chosen_once_and_applied_next_month(qtbot, open_wizard, files, tmp_path):
    header = ["Doc No", "Customer", "Doc Date", "Total", "Remarks"]
    november = write_csv(tmp_path / "docs-11.csv", header,
                         [["101", "C1", "01/11/2026", "100", "x"]])
    wizard = open_wizard()
    choose(wizard, {"clients": files["clients"], "invoices": november})
    wizard.next()
    table = wizard.columns_page.tables["invoices"]
    assert table.mapping() == {h: None for h in header}  # nothing recognised
    assert "זוהו לפי הכותרות" in table.origin_label.text()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.check_page.outcome is not None, timeout=10000)
    # Without a mapping, the import's own check refuses the file: columns are missing.
    assert wizard.check_page.outcome.result is None
    assert not wizard.button(QWizard.CommitButton).isEnabled()
    [refusal] = problems(wizard.check_page)
    assert refusal[:2] == ("docs-11.csv", "1") and "שורת הכותרות אינה מתאימה" in refusal[3]

    wizard.back()
    for column, name in (("Doc No", "number"), ("Customer", "client"),
                         ("Doc Date", "issue_date"), ("Total", "amount")):
        table.set_field(column, name)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.check_page.outcome is not None, timeout=10000)
    import_now(qtbot, wizard)
    assert Invoice.get().amount_agorot == 10000

    # December's file from the same program: the columns are mapped by themselves.
    december = write_csv(tmp_path / "docs-12.csv", header,
                         [["102", "C2", "01/12/2026", "250", ""]])
    later = open_wizard()
    choose(later, {"invoices": december})
    later.next()
    table = later.columns_page.tables["invoices"]
    assert table.preview.is_remembered
    assert "כמו בייבוא הקודם" in table.origin_label.text()
    assert table.mapping() == {"Doc No": "number", "Customer": "client",
                               "Doc Date": "issue_date", "Total": "amount", "Remarks": None}
    later.next()
    qtbot.waitUntil(lambda: later.check_page.outcome is not None, timeout=10000)
    import_now(qtbot, later)
    assert Invoice.select().count() == 2


def test_bad_rows_are_listed_and_nothing_is_imported(qtbot, open_wizard, files, tmp_path):
    invoices = write_csv(tmp_path / "invoices.csv", ["מספר חשבונית", "לקוח", "תאריך", "סכום"],
                         [["1", "C1", "01/10/2026", "100"],
                          ["2", "C1", "31/02/2026", "abc"],
                          ["3", "C7", "01/10/2026", "50"]])
    wizard = open_wizard()
    choose(wizard, {"clients": files["clients"], "invoices": invoices})
    to_check(qtbot, wizard)
    rows = problems(wizard.check_page)
    assert [(r[0], r[1], r[2]) for r in rows] == [("invoices.csv", "3", "תאריך"),
                                                  ("invoices.csv", "3", "סכום"),
                                                  ("invoices.csv", "4", "לקוח")]
    assert "C7" in rows[2][3]
    assert wizard.check_page.table.isVisibleTo(wizard)
    assert "נמצאו 2 שגיאות" in wizard.check_page.status.text()
    assert not wizard.button(QWizard.CommitButton).isEnabled()
    assert counts() == (0, 0, 0)


def test_a_file_that_is_no_table_is_named_on_the_first_page(qtbot, open_wizard, tmp_path,
                                                          files):
    old_excel = tmp_path / "clients.xls"
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 2000)
    wizard = open_wizard()
    choose(wizard, {"clients": old_excel, "invoices": files["invoices"]})
    wizard.next()
    assert wizard.currentId() == FILES_PAGE
    error = wizard.files_page.errors["clients"]
    assert error.isVisible() and "xls" in error.text() and "clients.xls" in error.text()
    assert not wizard.files_page.errors["invoices"].isVisible()
    wizard.files_page.set_file("clients", tmp_path / "missing.csv")
    assert not error.isVisible()  # a new choice clears the old message
    wizard.next()
    assert wizard.currentId() == FILES_PAGE
    assert "לא נמצא" in error.text()


def test_cancel_leaves_the_ledger_unchanged(qtbot, open_wizard, files):
    wizard = open_wizard()
    choose(wizard, files)
    to_check(qtbot, wizard)
    wizard.button(QWizard.CommitButton).click()
    assert wizard.currentId() == IMPORT_PAGE
    wizard.button(QWizard.CancelButton).click()  # while the backup is being written
    assert wizard.isVisible()  # the wizard waits for the import to stop
    assert "נעצר" in wizard.import_page.status.text()
    qtbot.waitUntil(lambda: wizard.import_page.is_done, timeout=10000)
    assert wizard.import_page.outcome.is_cancelled
    assert "בוטל" in wizard.import_page.status.text()
    assert counts() == (0, 0, 0)
    wizard.button(QWizard.FinishButton).click()
    assert not wizard.isVisible()


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768)])
def test_every_page_fits_the_screen_with_its_buttons(qtbot, open_wizard, files, size):
    screen = QRect(0, 0, *size)
    wizard = open_wizard()
    assert wizard.minimumSizeHint().width() <= size[0]
    assert wizard.minimumSizeHint().height() <= size[1] - 48  # the title bar and taskbar
    wizard.resize(min(wizard.width(), size[0]), min(wizard.height(), size[1] - 48))
    choose(wizard, files)

    def buttons_on_screen():
        QApplication.processEvents()
        shown = [wizard.button(b) for b in (QWizard.BackButton, QWizard.NextButton,
                                             QWizard.CommitButton, QWizard.FinishButton,
                                             QWizard.CancelButton)
                 if wizard.button(b).isVisible()]
        assert shown
        for button in shown:
            rect = QRect(button.mapTo(wizard, button.rect().topLeft()), button.size())
            assert wizard.rect().contains(rect), button.text()
        assert screen.contains(QRect(0, 0, wizard.width(), wizard.height()))

    buttons_on_screen()
    wizard.next()
    buttons_on_screen()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.check_page.outcome is not None, timeout=10000)
    buttons_on_screen()
    import_now(qtbot, wizard)
    buttons_on_screen()


def test_export_the_ledger_from_the_file_menu(qtbot, db, files, tmp_path, monkeypatch):
    from ui.exchange import ledger_export
    from ui.main_window import MainWindow

    window = MainWindow(db)
    qtbot.addWidget(window)
    names = [a.objectName() for a in window.menuBar().actions()[0].menu().actions()]
    assert "import_action" in names and "export_ledger_action" in names

    out = tmp_path / "out" / "ledger"
    out.parent.mkdir()
    monkeypatch.setattr(ledger_export.LedgerExporter, "ask_path", lambda self: str(out))
    action = next(a for a in window.menuBar().actions()[0].menu().actions()
                  if a.objectName() == "export_ledger_action")
    action.trigger()
    exporter = window.findChildren(ledger_export.LedgerExporter)[-1]
    qtbot.waitUntil(lambda: bool(exporter.message), timeout=10000)
    assert exporter.result is not None, exporter.message
    written = out.with_name("ledger.xlsx")  # the type's suffix is added
    assert openpyxl.load_workbook(written).sheetnames[0] == "לקוחות"
    assert "ledger.xlsx" in window.statusBar().currentMessage()
