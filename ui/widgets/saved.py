"""The confirmation after a save: a brief "Saved." in the main window's status bar, or,
where no main window is at hand (a dialog opened on its own), a small toast that fades
by itself. Never modal: the user goes on working.

    confirm_saved(self)                                  # "Saved."
    confirm_saved(self, _("The client was saved."))
    saved_and_announced(self, events.CLIENTS)           # announce, then confirm

One helper for every save (a client, an invoice, a payment, a contact entry, a
settlement, the settings), so each says it the same way.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QWidget

from ui import events
from ui.i18n import _

SHOWN_MS = 3000


def saved_text() -> str:
    return _("Saved.")


def main_window_of(widget: QWidget | None) -> QMainWindow | None:
    """The main window the widget lives in (through its parents), else the app's one."""
    while widget is not None:
        if isinstance(widget, QMainWindow):
            return widget
        widget = widget.parentWidget()
    windows = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMainWindow) and w.isVisible()]
    return windows[0] if len(windows) == 1 else None


class Toast(QLabel):
    """A small note near the bottom of a window, gone after a few seconds."""

    def __init__(self, text: str, anchor: QWidget):
        super().__init__(text, anchor.window(), Qt.ToolTip | Qt.FramelessWindowHint)
        self.setObjectName("savedToast")
        self.setAttribute(Qt.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.setMargin(8)
        self.setAlignment(Qt.AlignCenter)
        self.adjustSize()
        window = anchor.window()
        corner = window.mapToGlobal(QPoint(window.width() // 2, window.height()))
        self.move(corner - QPoint(self.width() // 2, self.height() + 16))
        QTimer.singleShot(SHOWN_MS, self, self.close)


def confirm_saved(widget: QWidget | None, text: str | None = None) -> str:
    """Tell the user that the save worked; returns the words shown."""
    text = text or saved_text()
    window = main_window_of(widget)
    if window is not None:
        window.statusBar().showMessage(text, SHOWN_MS)
    elif widget is not None:
        anchor = widget.window()  # a dialog that closes on save: the window under it
        while anchor.parentWidget() is not None:
            anchor = anchor.parentWidget().window()
        if anchor.isVisible():
            Toast(text, anchor).show()
    return text


def saved_and_announced(widget: QWidget | None, *kinds: str, text: str | None = None) -> str:
    """After a service saved: tell the open views what changed, then the user."""
    if kinds:
        events.announce(*kinds)
    return confirm_saved(widget, text)
