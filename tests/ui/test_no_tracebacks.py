"""No traceback on stderr, ever: the main window is opened twice on the same ledger (the
second time restores what the first one saved: its size, each list's header and sort),
and each time every screen, every tab in it and a client card are visited. Any exception
that reaches Qt's event loop (sys.excepthook), any unraisable one (a __del__, a slot of a
deleted object) and any 'Traceback' written to stderr fail the test."""
import datetime as dt
import sys

import pytest
from PySide6.QtWidgets import QApplication, QTabWidget

from ui.background import wait_for_all
from ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("isolated")

DEMO_AS_OF = dt.date(2026, 11, 22)


@pytest.fixture
def ledger(db):
    from models.demo.generator import make_demo

    make_demo(clients=12, invoices=80, seed=3, as_of=DEMO_AS_OF)
    return db


@pytest.fixture
def problems(monkeypatch):
    """Every exception Python would print: uncaught in a slot, or unraisable."""
    found = []
    monkeypatch.setattr(sys, "excepthook",
                        lambda kind, value, tb: found.append(f"{kind.__name__}: {value}"))
    monkeypatch.setattr(sys, "unraisablehook",
                        lambda info: found.append(f"unraisable: {info.exc_value!r}"))
    return found


def settle(qtbot) -> None:
    for _ in range(3):
        QApplication.processEvents()
        wait_for_all()
        QApplication.processEvents()
    qtbot.wait(20)


def visit_everything(qtbot, window: MainWindow) -> None:
    for screen in window.screens:
        view = window.go_to(screen.key)
        settle(qtbot)
        for tabs in view.findChildren(QTabWidget):
            for index in range(tabs.count()):
                tabs.setCurrentIndex(index)
                settle(qtbot)
    from models.ledger.clients import Client
    from ui.clients.client_card import ClientCard

    card = ClientCard.open(Client.select().order_by(Client.id).first().id, window)
    settle(qtbot)
    for tabs in card.findChildren(QTabWidget):
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            settle(qtbot)
    card.close()
    settle(qtbot)


def test_opening_the_window_twice_prints_no_traceback(qtbot, ledger, problems, capfd):
    for launch in range(2):
        window = MainWindow(ledger)
        qtbot.addWidget(window)
        window.show()
        settle(qtbot)
        visit_everything(qtbot, window)
        window.close()  # saves the geometry and every list's header for the next launch
        settle(qtbot)
    assert problems == []
    err = capfd.readouterr().err
    assert "Traceback" not in err, err


def test_a_restored_sort_is_the_sort_the_list_asks_for(qtbot, ledger, problems):
    """The second launch sorts the invoices as the user left them, quietly."""
    from PySide6.QtCore import Qt

    from ui.invoices.invoice_table_model import Columns

    first = MainWindow(ledger)
    qtbot.addWidget(first)
    invoices = first.go_to("invoices")
    settle(qtbot)
    invoices.table.horizontalHeader().setSortIndicator(Columns.DUE, Qt.AscendingOrder)
    settle(qtbot)
    first.close()
    second = MainWindow(ledger)
    qtbot.addWidget(second)
    again = second.go_to("invoices")
    settle(qtbot)
    assert (again.sort_column, again.sort_order) == (Columns.DUE, Qt.AscendingOrder)
    dues = [again.model.line_at(row).due_date for row in range(again.model.rowCount())]
    assert dues == sorted(dues)
    assert problems == []


def test_a_restored_sort_of_the_letter_archive_prints_nothing(qtbot, ledger, problems):
    from PySide6.QtCore import Qt

    from ui.letters.archive_model import Columns
    from ui.letters.archive_widget import LetterArchiveWidget

    first = LetterArchiveWidget()
    qtbot.addWidget(first)
    first.show()
    first.table.horizontalHeader().setSortIndicator(Columns.KIND, Qt.AscendingOrder)
    settle(qtbot)
    first.table.save_header()  # what closing the main window does
    second = LetterArchiveWidget()
    qtbot.addWidget(second)
    second.show()
    settle(qtbot)
    assert (second.sort_column, second.sort_order) == (Columns.KIND, Qt.AscendingOrder)
    assert problems == []
