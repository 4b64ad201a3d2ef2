"""The main window and the first-start welcome, driven through the real widgets:
navigation reaches only real screens, shortcuts, the database in the status bar, size
remembered, the welcome's profile validation, demo data in the background, cancel."""
import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from models.db.settings import load_profile
from models.ledger.clients import Client
from ui import welcome as welcome_module
from ui.main_window import MainWindow
from ui.welcome import WelcomeDialog, needs_welcome

AS_OF = dt.date(2026, 11, 22)


pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def window(qtbot, db, client):
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    return win


def test_navigation_opens_real_screens_only(window):
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles[:3] == ["היום", "לקוחות", "חשבוניות"]  # Today is the home screen
    for index, screen in enumerate(window.screens):
        window.nav.setCurrentRow(index)
        shown = window.stack.currentWidget()
        assert type(shown).__name__ == screen.class_name  # never an empty placeholder
    assert window.layoutDirection() == Qt.RightToLeft


def test_status_bar_names_the_database_and_menus_have_shortcuts(window, db):
    assert str(db.path) in window.db_label.text()
    assert window.new_client_action.shortcut() == QKeySequence("Ctrl+N")
    assert window.new_invoice_action.shortcut() == QKeySequence("Ctrl+I")
    assert window.record_payment_action.shortcut() == QKeySequence("Ctrl+Shift+P")
    assert window.print_action.shortcut() == QKeySequence("Ctrl+P")  # Ctrl+P prints
    assert window.shortcuts_action.shortcut() == QKeySequence("F1")
    assert window.find_action.shortcut() == QKeySequence("Ctrl+F")
    assert window.quit_action.shortcut() == QKeySequence("Ctrl+Q")


def test_find_goes_to_the_search_box(window, qtbot):
    window.go_to("invoices")
    window.activateWindow()
    window.find_action.trigger()
    invoices = window.view("invoices")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is invoices.search, timeout=2000)


def test_window_size_is_remembered(qtbot, db):
    first = MainWindow(db)
    qtbot.addWidget(first)
    first.show()
    first.resize(700, 455)
    first.close()
    second = MainWindow(db)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (700, 455)


def test_welcome_validates_the_profile(qtbot, db):
    assert needs_welcome()
    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog.start_empty()
    assert "שם העסק" in dialog.form.error_text("name")
    dialog.name.setText("סטודיו גל")
    dialog.tax_id.setText("123456789")
    dialog.start_empty()
    assert "ספרת הביקורת" in dialog.form.error_text("tax_id")
    dialog.tax_id.setText("000000018")
    dialog.default_terms.setEditText("נטו 45")
    dialog.start_empty()
    profile = load_profile()
    assert profile.name == "סטודיו גל" and profile.default_terms == "נטו 45"
    assert not needs_welcome()


def test_welcome_loads_demo_data_in_the_background(qtbot, db, monkeypatch):
    monkeypatch.setattr(welcome_module, "DEMO_CLIENTS", 6)
    monkeypatch.setattr(welcome_module, "DEMO_INVOICES", 30)
    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog.name.setText("סטודיו גל")
    with qtbot.waitSignal(dialog.finished_work, timeout=15000) as done:
        dialog.load_demo()
        assert dialog.cancel_button.isVisibleTo(dialog)  # busy: cancel offered
    assert "6" in done.args[0]
    assert Client.select().count() == 6
    assert load_profile().name == "סטודיו גל"  # the user's profile, not the demo's


def test_cancelled_demo_writes_nothing(qtbot, db, monkeypatch):
    monkeypatch.setattr(welcome_module, "DEMO_CLIENTS", 6)
    monkeypatch.setattr(welcome_module, "DEMO_INVOICES", 30)
    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog.name.setText("סטודיו גל")
    dialog._cancel.set()
    monkeypatch.setattr(dialog._cancel, "clear", lambda: None)  # cancelled before it starts
    with qtbot.waitSignal(dialog.finished_work, timeout=15000) as done:
        dialog.load_demo()
    assert "בוטל" in done.args[0]
    assert Client.select().count() == 0


def test_import_from_the_welcome(qtbot, db, tmp_path, monkeypatch):
    clients = tmp_path / "clients.csv"
    clients.write_text("שם,טלפון\nכהן,050-1234567\nלוי,03-7654321\n", encoding="utf-8-sig")
    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog.name.setText("סטודיו גל")
    monkeypatch.setattr(dialog, "choose_import_files", lambda: {"clients": clients})
    with qtbot.waitSignal(dialog.finished_work, timeout=15000) as done:
        dialog.import_data()
    assert "הייבוא הושלם" in done.args[0]
    assert {c.name for c in Client.select()} == {"כהן", "לוי"}


def test_new_client_shortcut_opens_the_dialog(window, monkeypatch):
    from ui.clients import clients_view
    opened = []
    monkeypatch.setattr(clients_view.NewClientDialog, "ask",
                        classmethod(lambda cls, parent=None: opened.append(parent)))
    window.new_client_action.trigger()
    assert len(opened) == 1


def test_every_string_of_these_screens_has_a_hebrew_translation():
    """Extract `_()` / `ngettext()` from the window, welcome, clients, invoices, payments
    and shared widgets; each must have a non-empty Hebrew entry in the catalogs."""
    from pathlib import Path

    from babel.messages.extract import extract_from_file

    from ui.i18n import po_paths, read_catalog

    root = Path(__file__).resolve().parents[2] / "ui"
    files = [root / "app.py", root / "main_window.py", root / "welcome.py"]
    for folder in ("widgets", "clients", "invoices", "payments"):
        files += sorted((root / folder).glob("*.py"))
    translated = {}
    for path in po_paths("he"):
        for message in read_catalog(path, "he"):
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if key and all(strings):
                translated[key] = strings
    missing = []
    for path in files:
        for _line, msg, _comments, _context in extract_from_file(
                "python", str(path), keywords={"_": None, "ngettext": (1, 2)}):
            key = msg[0] if isinstance(msg, tuple) else msg
            if key not in translated:
                missing.append(f"{path.name}: {key}")
    assert len(files) > 15
    assert missing == []
