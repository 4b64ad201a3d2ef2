"""Help → Keyboard shortcuts (F1): every shortcut of the window's menus, read from the
actions themselves (so the page never disagrees with the menus), then the keys every list,
form and date field understands."""
from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ui.i18n import _
from ui.widgets.dialogs import GviaDialog
from ui.widgets.display import ltr

BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def general_keys() -> list[tuple[str, str]]:
    """(what, keys) that are not menu actions: lists, forms, date fields, dialogs."""
    return [
        (_("Open the selected row of a list"), "Enter"),
        (_("Next field / previous field"), "Tab / Shift+Tab"),
        (_("Open the calendar of a date field"), "F4 / Alt+Down"),
        (_("Type a date"), "22/11/2026 · 22.11.26 · 22112026"),
        (_("Save a form (its default button)"), "Enter"),
        (_("Close a dialog without saving"), "Esc"),
    ]


def _plain(text: str) -> str:
    """A menu text as it reads in a list: no mnemonic ampersand, no trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def menu_shortcuts(window: QMainWindow) -> list[tuple[str, str]]:
    """(menu › action, keys) for every action with a shortcut, in menu order."""
    rows = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        for action in menu.actions():
            keys = [k for k in action.shortcuts() if not k.isEmpty()]
            if action.isSeparator() or not keys:
                continue
            text = _("{menu} › {action}").format(menu=_plain(menu.title()),
                                                   action=_plain(action.text()))
            rows.append((text, " / ".join(k.toString(QKeySequence.NativeText) for k in keys)))
    return rows


class ShortcutsDialog(GviaDialog):
    def __init__(self, window: QMainWindow, parent=None):
        super().__init__(parent or window)
        self.setWindowTitle(_("Keyboard shortcuts"))
        rows = menu_shortcuts(window) + general_keys()
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels([_("Action"), _("Keys")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setAlternatingRowColors(True)
        for row, (what, keys) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(what))
            item = QTableWidgetItem(ltr(keys))  # Ctrl+Shift+P reads left to right
            self.table.setItem(row, 1, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        note = QLabel(_("The shortcuts of the menus work on every screen of the main window."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(560, 520)
        self.table.setFocus(Qt.OtherFocusReason)

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """What the table shows, for tests: (action, keys) without direction marks."""
        rows = []
        for row in range(self.table.rowCount()):
            keys = BIDI_MARKS.sub("", self.table.item(row, 1).text())
            rows.append((self.table.item(row, 0).text(), keys))
        return rows

    @classmethod
    def ask(cls, window: QMainWindow) -> None:
        cls(window).exec()
