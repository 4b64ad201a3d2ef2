"""Dialog base: geometry remembered per dialog class, a Hebrew error box, and the
`ask()` pattern (a classmethod that runs the dialog and returns a value) that tests
replace with monkeypatch instead of clicking through modal loops."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from ui.i18n import _
from ui.widgets.persist import app_settings


class GviaDialog(QDialog):
    """A dialog that reopens at the size and place the user left it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._restored = False

    def _geometry_key(self) -> str:
        return f"dialogs/{type(self).__name__}/geometry"

    def showEvent(self, event) -> None:
        if not self._restored:
            self._restored = True
            geometry = app_settings().value(self._geometry_key())
            if geometry is not None:
                self.restoreGeometry(geometry)
        super().showEvent(event)

    def done(self, result: int) -> None:
        app_settings().setValue(self._geometry_key(), self.saveGeometry())
        super().done(result)


def confirm(parent: QWidget | None, title: str, text: str, yes_text: str | None = None) -> bool:
    """Ask a yes/no question (default: no). Replace `ui.widgets.dialogs.confirm` in tests."""
    box = QMessageBox(QMessageBox.Question, title, text, QMessageBox.NoButton, parent)
    yes = box.addButton(yes_text or _("Yes"), QMessageBox.AcceptRole)
    no = box.addButton(_("No"), QMessageBox.RejectRole)
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes


def show_error(parent: QWidget | None, text: str) -> None:
    """A user-facing problem, in words (never a traceback)."""
    QMessageBox.warning(parent, _("Gvia"), text)
