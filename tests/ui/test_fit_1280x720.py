"""Every window and dialog fits a laptop screen: Windows at 125–150 % scaling leaves a
logical screen of 1280×720 or 1366×768. Each QDialog / QMainWindow / QWizard subclass
under ui/ is found by importing every ui module, built over a real demo ledger and shown
on a screen of that size: its minimum size must fit (with room for the title bar), and
once shown at its default size every visible push button — on every tab, nested tabs
and screens of the main window included — must lie wholly inside the window and inside
the screen (a button in a scroll area counts when the scroll area's view is).

A dialog class without an entry in CONSTRUCTORS fails test_every_window_is_checked, so a
new dialog cannot escape the check."""
import datetime as dt
import importlib
import pkgutil
import shutil
import traceback
from typing import Callable

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QDialog,
    QMainWindow,
    QPushButton,
    QTabWidget,
    QWidget,
    QWizard,
)

import ui
from ui.widgets import persist

AS_OF = dt.date(2026, 11, 22)
# Qt's right-to-left QSplitter lays its first child out one pixel past its own edge.
TOLERANCE = 1  # px
SCREENS = {"1280x720": QSize(1280, 720), "1366x768": QSize(1366, 768)}

pytestmark = pytest.mark.usefixtures("isolated")


# ---- the windows --------------------------------------------------------------------

def window_classes() -> set[type]:
    """Every QDialog (QWizard included) and QMainWindow subclass defined under ui/."""
    for module in pkgutil.walk_packages(ui.__path__, "ui."):
        importlib.import_module(module.name)
    found, todo = set(), [QDialog, QMainWindow]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("ui."):
                found.add(sub)
    return found


def name_of(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


class Ledger:
    """The demo ledger, opened, and the ids the dialogs are built for."""

    def __init__(self, opened):
        from models.ledger.clients import Client
        from models.ledger.payments import Payment
        from models.letters.archive import archive_letter_ids, archive_rows
        from models.negotiation.settlements import Settlement
        from models.prevention.deposits import DepositRequest

        self.opened = opened
        settlement = Settlement.select().order_by(Settlement.id).first()
        self.settlement_id = settlement.id
        self.client_id = settlement.client_id  # a client with a negotiation and a settlement
        self.other_client_id = Client.select().order_by(Client.id).first().id
        self.deposit_id = DepositRequest.select().order_by(DepositRequest.id).first().id
        self.check = Payment.select().where(Payment.method == "check").first()
        ids = archive_letter_ids()
        self.letter = archive_rows([max(ids)])[max(ids)]


def _drilldown(ledger: Ledger):
    from models.queries.aging import open_invoices_as_of
    from ui.aging.drilldown_dialog import DrillDownDialog, DrillDownLine

    def load():
        return [DrillDownLine("לקוח", invoice)
                for invoice in open_invoices_as_of(ledger.client_id, "ILS", AS_OF)]

    return DrillDownDialog("כל הלקוחות — כל החשבוניות הפתוחות", "ILS", load, show_client=True)


def _crash(ledger: Ledger):
    from ui.crash import CrashDialog

    details = "".join(traceback.format_stack()) * 3
    return CrashDialog("ValueError: demo", details, ledger.opened.path.with_suffix(".log"))


def _shortcuts(ledger: Ledger):
    from ui.help_page import ShortcutsDialog
    from ui.main_window import MainWindow

    window = MainWindow(ledger.opened)
    dialog = ShortcutsDialog(window)
    dialog.destroyed.connect(window.deleteLater)
    return dialog


def _build(module: str, name: str, *args: Callable[[Ledger], object], **kwargs):
    """A constructor: the class `name` of `module`, given these arguments (each computed
    from the ledger)."""
    def make(ledger: Ledger):
        cls = getattr(importlib.import_module(module), name)
        return cls(*(arg(ledger) for arg in args),
                   **{key: arg(ledger) for key, arg in kwargs.items()})
    return make


CLIENT = lambda ledger: ledger.client_id  # noqa: E731
SETTLEMENT = lambda ledger: ledger.settlement_id  # noqa: E731
DEPOSIT = lambda ledger: ledger.deposit_id  # noqa: E731
LETTER = lambda ledger: ledger.letter  # noqa: E731
DB = lambda ledger: ledger.opened  # noqa: E731
NEG = "ui.negotiation.settlement_dialogs"
CASE = "ui.negotiation.case_file_page"
DEPOSITS = "ui.prevention.deposits_tab"

# name -> how to build it over the demo ledger; None: a base class, never shown itself.
CONSTRUCTORS: dict[str, Callable[[Ledger], QWidget] | None] = {
    "ui.widgets.dialogs.GviaDialog": None,
    "ui.widgets.dialogs.FormDialog": None,
    "ui.main_window.MainWindow": _build("ui.main_window", "MainWindow", DB),
    "ui.welcome.WelcomeDialog": _build("ui.welcome", "WelcomeDialog"),
    "ui.open_database.OpenDatabaseDialog": _build("ui.open_database", "OpenDatabaseDialog"),
    "ui.crash.CrashDialog": _crash,
    "ui.help_page.ShortcutsDialog": _shortcuts,
    "ui.exchange.import_wizard.ImportWizard": _build("ui.exchange.import_wizard",
                                                     "ImportWizard", DB),
    "ui.aging.drilldown_dialog.DrillDownDialog": _drilldown,
    "ui.clients.client_card.ClientCard": _build("ui.clients.client_card", "ClientCard",
                                                CLIENT),
    "ui.clients.client_dialog.NewClientDialog": _build("ui.clients.client_dialog",
                                                       "NewClientDialog"),
    "ui.invoices.invoice_dialog.InvoiceDialog": _build("ui.invoices.invoice_dialog",
                                                       "InvoiceDialog", client_id=CLIENT),
    "ui.invoices.credit_note_dialog.CreditNoteDialog": _build(
        "ui.invoices.credit_note_dialog", "CreditNoteDialog", client_id=CLIENT),
    "ui.payments.payment_dialog.PaymentDialog": _build("ui.payments.payment_dialog",
                                                       "PaymentDialog", client_id=CLIENT),
    "ui.payments.bounce.BounceDialog": _build("ui.payments.bounce", "BounceDialog",
                                              lambda ledger: ledger.check),
    "ui.collection.log_dialog.LogContactDialog": _build("ui.collection.log_dialog",
                                                        "LogContactDialog", client_id=CLIENT),
    "ui.collection.status_dialog.StatusDialog": _build("ui.collection.status_dialog",
                                                       "StatusDialog", client_id=CLIENT),
    "ui.prevention.terms_guide.TermsGuideDialog": _build("ui.prevention.terms_guide",
                                                         "TermsGuideDialog", CLIENT),
    f"{DEPOSITS}.RequestDepositDialog": _build(DEPOSITS, "RequestDepositDialog", CLIENT),
    f"{DEPOSITS}.ReceiveDepositDialog": _build(DEPOSITS, "ReceiveDepositDialog", DEPOSIT),
    f"{DEPOSITS}.ApplyDepositDialog": _build(DEPOSITS, "ApplyDepositDialog", DEPOSIT),
    f"{NEG}.NewSettlementDialog": _build(NEG, "NewSettlementDialog", CLIENT),
    f"{NEG}.InstalmentPaymentDialog": _build(NEG, "InstalmentPaymentDialog", SETTLEMENT),
    f"{NEG}.SignDialog": _build(NEG, "SignDialog", SETTLEMENT),
    f"{NEG}.CancelSettlementDialog": _build(NEG, "CancelSettlementDialog", SETTLEMENT),
    f"{NEG}.ReinstateSettlementDialog": _build(NEG, "ReinstateSettlementDialog", SETTLEMENT),
    f"{NEG}.InstalmentDialog": _build(NEG, "InstalmentDialog", SETTLEMENT, lambda _l: 1),
    f"{CASE}.CaseRecordDialog": _build(CASE, "CaseRecordDialog", CLIENT),
    f"{CASE}.RelationDialog": _build(CASE, "RelationDialog", CLIENT),
    f"{CASE}.ExpenseDialog": _build(CASE, "ExpenseDialog", CLIENT),
    "ui.letters.mail_dialogs.RegisteredMailDialog": _build("ui.letters.mail_dialogs",
                                                           "RegisteredMailDialog", LETTER),
    "ui.letters.mail_dialogs.MailOutcomeDialog": _build("ui.letters.mail_dialogs",
                                                        "MailOutcomeDialog", LETTER),
    "ui.letters.archive_widget.LetterPreviewDialog": _build("ui.letters.archive_widget",
                                                            "LetterPreviewDialog", LETTER),
    "ui.negotiation.pdf_dialog.PdfDialog": _build(
        "ui.negotiation.pdf_dialog", "PdfDialog", lambda ledger: ledger.letter.path,
        lambda _l: "הסכם פשרה"),
}


# ---- the ledger -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """The demo ledger once per module (a copy per test): 60 clients and their invoices,
    payments and settlements, a deposit asked and received, letters archived."""
    from models.db.opening import open_database
    from models.demo.generator import make_demo
    from models.prevention.deposits import receive_deposit, request_deposit
    from reports.batch import produce_letters

    path = tmp_path_factory.mktemp("demo") / "gvia.db"
    with open_database(path):
        make_demo(clients=60, invoices=400, seed=7, as_of=AS_OF)
        from models.negotiation.settlements import Settlement
        client_id = Settlement.select().order_by(Settlement.id).first().client_id
        deposit = request_deposit(client_id, "אתר חדש — שלב א", "3,000",
                                  requested_date=AS_OF, due_date=AS_OF)
        receive_deposit(deposit.id, AS_OF)
        produce_letters("reminder", [client_id], AS_OF)
    return path


@pytest.fixture
def ledger(demo_file, tmp_path):
    from models.db.opening import open_database

    copy = tmp_path / "ledger" / "gvia.db"
    shutil.copytree(demo_file.parent, copy.parent)
    opened = open_database(copy)
    yield Ledger(opened)
    opened.close()


@pytest.fixture(params=sorted(SCREENS))
def screen(request, monkeypatch) -> QRect:
    """The laptop's screen, as the windows see it (ui.widgets.persist.available_area)."""
    area = QRect(QPoint(0, 0), SCREENS[request.param])
    monkeypatch.setattr(persist, "available_area", lambda widget=None: QRect(area))
    return area


# ---- the checks -----------------------------------------------------------------------

def room(area: QRect) -> QRect:
    """Where a window's own area may lie: the screen less the title bar and borders."""
    return QRect(QPoint(0, 0), area.size() - persist.FRAME_ALLOWANCE)


def settle() -> None:
    """Let the screen load (its background query, then the layout it causes)."""
    from ui.background import wait_for_all

    for _round in range(3):
        QApplication.processEvents()
        wait_for_all(5000)
    QApplication.processEvents()


def rect_in(window: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def parents_below(widget: QWidget, top: QWidget) -> list[QWidget]:
    """The widget's parents, innermost first, up to (not including) `top`."""
    found, parent = [], widget.parentWidget()
    while parent is not None and parent is not top:
        found.append(parent)
        parent = parent.parentWidget()
    return found


def cut(rect: QRect, shown: QRect) -> bool:
    """More of `rect` than TOLERANCE is not in `shown` (a part of it) on some side."""
    if shown.isEmpty():
        return True
    return max(shown.left() - rect.left(), rect.right() - shown.right(),
               shown.top() - rect.top(), rect.bottom() - shown.bottom()) > TOLERANCE


def clipped_buttons(window: QWidget, area: QRect) -> list[str]:
    """The visible push buttons not wholly inside the window and the screen: a button's
    rectangle in window coordinates, cut by each of its parents. A button inside a
    scroll area is in reach when the scroll area is: the scroll area is checked then."""
    limit = room(area).intersected(window.rect())
    problems = []
    for button in window.findChildren(QPushButton):
        if not button.isVisibleTo(window) or button.window() is not window:
            continue
        target = button
        for parent in parents_below(button, window):
            outer = parent.parentWidget()
            if isinstance(outer, QAbstractScrollArea) and parent is outer.viewport():
                target = outer  # the outermost scroll area around the button
        rect = seen = rect_in(window, target)
        for parent in parents_below(target, window):
            seen = seen.intersected(rect_in(window, parent))
        if cut(rect, seen) or cut(rect, limit.intersected(rect)):
            what = "" if target is button else f" in {type(target).__name__}"
            problems.append(f"'{button.text()}'{what} at {rect.getRect()}, of which "
                            f"{seen.getRect()} is shown; the screen leaves {limit.getRect()}")
    return problems


def tab_states(window: QWidget):
    """Show every tab of every tab widget in turn (nested ones inside each tab), every
    screen of the main window and every page of a wizard; yields where it is."""
    def walk(root: QWidget, where: str):
        tabs = [t for t in root.findChildren(QTabWidget) if t.isVisibleTo(window)
                and not any(isinstance(p, QTabWidget) for p in parents_below(t, root))]
        if not tabs:
            yield where
        for tab_widget in tabs:
            for index in range(tab_widget.count()):
                tab_widget.setCurrentIndex(index)
                settle()
                yield from walk(tab_widget.widget(index),
                                f"{where} › {tab_widget.tabText(index)}")

    if isinstance(window, QMainWindow):
        for row in range(window.nav.count()):  # the side list of screens
            window.nav.setCurrentRow(row)
            settle()
            yield from walk(window.stack.currentWidget(), window.nav.item(row).text())
    elif isinstance(window, QWizard):
        for page_id in window.pageIds():
            window.setStartId(page_id)
            window.restart()
            settle()
            yield f"page {page_id}"
    else:
        yield from walk(window, "")


def check_window(qtbot, window: QWidget, area: QRect) -> list[str]:
    fits = room(area)
    problems = []
    hint = window.minimumSizeHint().expandedTo(window.minimumSize())
    if hint.width() > fits.width() or hint.height() > fits.height():
        problems.append(f"its minimum size {hint.toTuple()} is larger than the "
                        f"{fits.width()}×{fits.height()} a {area.width()}×{area.height()} "
                        f"screen leaves")
    window.show()
    qtbot.waitExposed(window)
    settle()
    if window.width() > fits.width() or window.height() > fits.height():
        problems.append(f"it opens at {window.size().toTuple()}")
    for where in tab_states(window):
        hint = window.minimumSizeHint()
        if hint.height() > fits.height() or hint.width() > fits.width():
            problems.append(f"{where}: the minimum size is {hint.toTuple()}")
        if window.width() > fits.width() or window.height() > fits.height():
            problems.append(f"{where}: the window grows to {window.size().toTuple()}")
        problems += [f"{where}: {p}" for p in clipped_buttons(window, area)]
    return problems


def test_every_window_is_checked():
    """A new dialog without a constructor here fails, so this test stays complete."""
    names = {name_of(cls) for cls in window_classes()}
    assert names - set(CONSTRUCTORS) == set(), "add these to CONSTRUCTORS"
    assert set(CONSTRUCTORS) - names == set(), "these no longer exist"


@pytest.mark.parametrize("name", sorted(n for n, make in CONSTRUCTORS.items() if make))
def test_the_window_fits_the_screen_with_every_button_in_view(qtbot, ledger, screen, name):
    window = CONSTRUCTORS[name](ledger)
    qtbot.addWidget(window)
    problems = check_window(qtbot, window, screen)
    assert not problems, f"{name} on {screen.width()}×{screen.height()}:\n  " + \
        "\n  ".join(problems)


# ---- a size remembered on a big monitor, reopened on the laptop -------------------------

REOPEN = """
import json, sys
from PySide6.QtCore import QSettings
mode, settings_dir, db_path = sys.argv[1:4]
QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, settings_dir)
from ui.app import create_application
app = create_application([])
from models.db.opening import open_database
from models.ledger import services
from models.ledger.clients import Client
from ui.clients.client_card import ClientCard
from ui.main_window import MainWindow
opened = open_database(db_path)
client_id = (services.add_client(name="Blue Sky Ltd.", kind="company").id if mode == "save"
             else Client.select().first().id)
window, card = MainWindow(opened), ClientCard(client_id)
if mode == "save":  # the user made them big on a 1920x1080 monitor
    window.setGeometry(60, 40, 1840, 1000)
    card.setGeometry(300, 120, 1500, 930)
window.show(); card.show(); app.processEvents()
print(json.dumps({name: [w.x(), w.y(), w.width(), w.height()]
                  for name, w in (("main", window), ("card", card))}))
card.done(0); window.close(); opened.close()
"""


def reopen(tmp_path, mode: str, width: int, height: int) -> dict:
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    config = tmp_path / f"screen_{width}x{height}.json"
    config.write_text(json.dumps({"screens": [{
        "name": "screen", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    done = subprocess.run([sys.executable, "-c", REOPEN, mode, str(tmp_path / "qsettings"),
                           str(tmp_path / "gvia.db")], env=env, capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("width, height", [(1280, 720), (1366, 768)])
def test_a_size_saved_on_a_big_monitor_reopens_inside_the_laptop_screen(tmp_path, width,
                                                                         height):
    big = reopen(tmp_path, "save", 1920, 1080)
    assert big["main"][2:] == [1840, 1000] and big["card"][2:] == [1500, 930]
    small = reopen(tmp_path, "restore", width, height)
    frame = persist.FRAME_ALLOWANCE
    for name, (x, y, w, h) in small.items():
        assert x >= 0 and y >= 0, f"{name} starts off the screen: {small[name]}"
        assert x + w + frame.width() <= width and y + h + frame.height() <= height, (
            f"{name} at {small[name]} does not fit {width}×{height} with its title bar")
    # still as big as the user made them, as far as the laptop's screen goes
    for name in ("main", "card"):
        assert small[name][2] == width - frame.width(), name
        assert small[name][3] == height - frame.height(), name
    # back on the monitor, they open at the size they were last left at
    assert reopen(tmp_path, "restore", 1920, 1080)["card"][2:] == small["card"][2:]


def test_a_letter_preview_takes_the_screen_it_has_and_shows_the_page_across(qtbot, ledger,
                                                                            monkeypatch):
    from ui.letters.archive_widget import LetterPreviewDialog
    from ui.letters.pdf_preview import FIT_WIDTH

    area = QRect(0, 0, 1280, 720)
    monkeypatch.setattr(persist, "available_area", lambda widget=None: QRect(area))
    dialog = LetterPreviewDialog(ledger.letter)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    settle()
    fits = room(area)
    assert dialog.height() <= fits.height() and dialog.width() <= fits.width()
    assert dialog.height() >= fits.height() * 0.8  # as tall as the laptop allows
    preview = dialog.preview
    assert preview.zoom() == FIT_WIDTH
    page = preview.page_label.pixmap()
    shown = page.width() / page.devicePixelRatio()
    view = preview.scroll.viewport().width()
    assert view * 0.9 <= shown <= view  # the page across the view, no sideways scrolling
    assert not preview.scroll.horizontalScrollBar().isVisible()
