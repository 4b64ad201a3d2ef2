"""The main window: a side list of the screens (ui/screens.py: היום first and shown at
start, לקוחות, חשבוניות, גיול חובות, מכתבים, הגדרות), menus with keyboard shortcuts, the
database in use in the status bar, size and state remembered (QSettings).

Screens are built on first visit, so start-up paints the Today screen (whose list is
computed in the background) and nothing else.
"""
from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from ui import events, office_listener
from ui.i18n import _
from ui.office_people import signed_in_text
from ui.open_database import ledger_short_name, ledger_text
from ui.screens import SCREENS, Screen
from ui.widgets.unsaved import confirm_leave
from ui.widgets.persist import (
    app_settings,
    center_on_screen,
    restore_geometry,
    save_geometry,
    screen_share,
)


def available_screens() -> list[Screen]:
    """The screens, in menu order."""
    return list(SCREENS)


class MainWindow(QMainWindow):
    def __init__(self, opened_db):
        super().__init__()
        self.opened_db = opened_db
        self.setWindowTitle(_("Gvia — {file}").format(file=ledger_short_name(opened_db)))
        self.screens = available_screens()
        self._views: dict[str, QWidget] = {}

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        for screen in self.screens:
            QListWidgetItem(screen.title(), self.nav)
        self.nav.setFixedWidth(max(150, self.nav.sizeHintForColumn(0) + 40))
        self.stack = QStackedWidget()
        for _screen in self.screens:
            self.stack.addWidget(QWidget())  # replaced by the real view on first visit
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(4, 4, 4, 4)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self.show_screen)

        self._build_menus()
        self.db_label = QLabel(_("Database: {path}").format(path=ledger_text(opened_db)))
        self.db_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.statusBar().addWidget(self.db_label)
        # An office ledger: who is signed in, and as what (nothing for a file).
        self.person_label = QLabel(signed_in_text(opened_db))
        self.person_label.setVisible(bool(self.person_label.text()))
        self.statusBar().addWidget(self.person_label)
        events.events.data_changed.connect(self._on_data_changed)
        # An office ledger: others' changes refresh the screens too (None for a file).
        self.office_listener = office_listener.start_for(opened_db, self)

        # The first time: 1200×760, or as much as a smaller screen has.
        self.resize(screen_share(self, 1200, 760, share=1.0))
        self._restore_state()
        self.nav.setCurrentRow(0)

    # ---- screens --------------------------------------------------------------------

    def view(self, key: str) -> QWidget:
        """The screen's widget, created on first use."""
        if key not in self._views:
            index = next(i for i, s in enumerate(self.screens) if s.key == key)
            screen = self.screens[index]
            cls = screen.view_class()
            widget = cls(self.opened_db, self)
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, widget)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._views[key] = widget
        return self._views[key]

    def show_screen(self, index: int) -> None:
        if 0 <= index < len(self.screens):
            leaving = self.stack.currentWidget()
            if (leaving is not None and self.stack.indexOf(leaving) != index
                    and not confirm_leave(leaving)):
                # Stay, with what was typed: the side list goes back to this screen.
                self.nav.blockSignals(True)
                self.nav.setCurrentRow(self.stack.indexOf(leaving))
                self.nav.blockSignals(False)
                return
            widget = self.view(self.screens[index].key)
            self.stack.setCurrentWidget(widget)
            if self.nav.currentRow() != index:
                self.nav.setCurrentRow(index)

    def go_to(self, key: str) -> QWidget:
        index = next(i for i, s in enumerate(self.screens) if s.key == key)
        self.show_screen(index)
        return self.view(key)

    def current_key(self) -> str:
        return self.screens[self.nav.currentRow()].key

    # ---- menus ----------------------------------------------------------------------

    def _action(self, menu, text: str, shortcut, slot) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_("&File"))
        self.new_client_action = self._action(file_menu, _("New client…"), QKeySequence.New,
                                              self.new_client)
        self.new_invoice_action = self._action(file_menu, _("New invoice…"), "Ctrl+I",
                                               self.new_invoice)
        # Ctrl+P prints, as everywhere else; recording a payment keeps the P, with Shift.
        self.record_payment_action = self._action(file_menu, _("Record payment…"),
                                                  "Ctrl+Shift+P", self.record_payment)
        from ui.exchange.actions import file_actions
        file_menu.addActions(file_actions(self))
        file_menu.addSeparator()
        self.open_database_action = self._action(file_menu, _("Open a database…"),
                                                 QKeySequence.Open, self.open_database)
        self.print_action = self._action(file_menu, _("Print…"), QKeySequence.Print,
                                         self.print_current)
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, _("Quit"), QKeySequence.Quit, self.close)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))

        edit_menu = bar.addMenu(_("&Edit"))
        self.find_action = self._action(edit_menu, _("Find"), QKeySequence.Find, self.find)

        collection_menu = bar.addMenu(_("&Collection"))
        self.log_contact_action = self._action(collection_menu, _("Log contact…"), "Ctrl+L",
                                               self.log_contact)
        self.change_status_action = self._action(collection_menu, _("Change status…"), None,
                                                 self.change_status)
        self._action(collection_menu, _("Export the whole contact log…"), None,
                     self.export_contact_log)
        if any(s.key == "settings" for s in self.screens):
            collection_menu.addSeparator()
            self._action(collection_menu, _("Dunning plan…"), None, self.edit_dunning_plan)

        go_menu = bar.addMenu(_("&Go"))
        for number, screen in enumerate(self.screens, start=1):
            self._action(go_menu, screen.title(), f"Ctrl+{number}",
                         lambda _checked=False, key=screen.key: self.go_to(key))

        help_menu = bar.addMenu(_("&Help"))
        self.shortcuts_action = self._action(help_menu, _("Keyboard shortcuts"),
                                             QKeySequence.HelpContents, self.show_shortcuts)
        self._action(help_menu, _("About Gvia"), None, self.about)

    def open_database(self) -> None:
        """Another ledger (a file, or the office server): the app starts again in it."""
        from ui.open_database import OpenDatabaseDialog, remember_target
        from ui.restart import request_restart

        current = self.opened_db.url if getattr(self.opened_db, "is_office", False) \
            else self.opened_db.path
        target = OpenDatabaseDialog.ask(self, current)
        if target is None or str(target) == str(current):
            return
        remember_target(target)
        request_restart(database=target)

    def new_client(self) -> None:
        self.go_to("clients").new_client()

    def new_invoice(self) -> None:
        from ui.invoices.invoice_dialog import InvoiceDialog

        InvoiceDialog.ask(self, client_id=self._selected_client_id())

    def record_payment(self) -> None:
        from ui.payments.payment_dialog import PaymentDialog

        PaymentDialog.ask(self, client_id=self._selected_client_id())

    def log_contact(self) -> None:
        from ui.collection.log_dialog import LogContactDialog

        LogContactDialog.ask(self, client_id=self._selected_client_id())

    def change_status(self) -> None:
        from ui.collection.status_dialog import StatusDialog

        StatusDialog.ask(self, client_id=self._selected_client_id())

    def export_contact_log(self, path: str | None = None) -> None:
        """Every client's log in one CSV (UTF-8 with BOM, formulas neutralised)."""
        from PySide6.QtWidgets import QFileDialog

        from models.common.errors import GviaError
        from models.contact.contact_log import log_csv_text
        from models.db.outputs import write_output
        from ui.widgets import dialogs
        from ui.widgets.save_dialog import output_target

        if path is None:
            # The dialog asks before replacing a file (no DontConfirmOverwrite).
            path, _chosen = QFileDialog.getSaveFileName(
                self, _("Export the contact log"), "contact-log.csv", _("CSV files (*.csv)"))
        if not path:
            return
        try:
            target = output_target(self, path, ".csv")
            if target is None:
                return
            write_output(target[0], log_csv_text(), force=target[1])
        except GviaError as exc:
            dialogs.show_error(self, str(exc))
            return
        self.statusBar().showMessage(_("The contact log was exported."), 4000)

    def edit_dunning_plan(self) -> None:
        self.go_to("settings").show_dunning_plan()

    def _selected_client_id(self) -> int | None:
        """The client selected in the clients list or the Today list, when on screen."""
        if self.current_key() == "clients":
            return self.view("clients").selected_client_id()
        if self.current_key() == "today":
            task = self.view("today").selected_task()
            return task.client_id if task is not None else None
        return None

    def find(self) -> None:
        widget = self.stack.currentWidget()
        if hasattr(widget, "focus_search"):
            widget.focus_search()
        else:
            self.go_to("clients").focus_search()

    def print_button(self) -> QAbstractButton | None:
        """The print button of what is on screen: the screen's own (the aging report), or
        that of its current tab or of the tab's preview (a letter), the innermost first."""
        page, found = self.stack.currentWidget(), None
        while page is not None:
            for owner in (page, getattr(page, "preview", None)):
                button = getattr(owner, "print_button", None)
                if isinstance(button, QAbstractButton) and not button.isHidden():
                    found = button
            tabs = getattr(page, "tabs", None)
            page = tabs.currentWidget() if isinstance(tabs, QTabWidget) else None
        return found

    def print_current(self) -> None:
        """Ctrl+P: what the screen's own Print button does; a screen without one says so."""
        button = self.print_button()
        if button is None:
            self.statusBar().showMessage(_("There is nothing to print on this screen. The "
                                           "aging report and the letters can be printed."),
                                         6000)
        elif not button.isEnabled():
            self.statusBar().showMessage(_("Nothing to print yet: wait for the document to "
                                           "appear on the screen."), 6000)
        else:
            button.click()

    def show_shortcuts(self) -> None:
        from ui.help_page import ShortcutsDialog

        ShortcutsDialog.ask(self)

    def about(self) -> None:
        from models.common.version import app_version

        QMessageBox.about(self, _("About Gvia"),
                          _("Version {version}").format(version=app_version()) + "\n" +
                          _("Gvia helps freelancers and small businesses get paid.\n"
                            "Database: {path}").format(path=ledger_text(self.opened_db)))

    def _on_data_changed(self, kinds: frozenset) -> None:
        if events.DATABASE in kinds:
            self.statusBar().showMessage(_("The data was reloaded."), 4000)

    # ---- state ----------------------------------------------------------------------

    def _restore_state(self) -> None:
        settings = app_settings()
        # Where the user left it, fitted to this screen; else in the middle of the screen.
        if not restore_geometry(self, "main/geometry"):
            center_on_screen(self)
        state = settings.value("main/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)

    def closeEvent(self, event) -> None:
        # Unsaved changes anywhere (a screen, an open client card) are saved, discarded,
        # or the window stays open.
        if not confirm_leave(self):
            event.ignore()
            return
        settings = app_settings()
        save_geometry(self, "main/geometry")
        settings.setValue("main/state", self.saveState())
        for widget in self._views.values():
            if hasattr(widget, "save_state"):
                widget.save_state()
        if self.office_listener is not None:
            self.office_listener.stop()
        super().closeEvent(event)
