"""Dialog base: geometry remembered per dialog class, a Hebrew error box, and the
`ask()` pattern (a classmethod that runs the dialog and returns a value) that tests
replace with monkeypatch instead of clicking through modal loops."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from models.common.errors import GviaError
from ui import events
from ui.i18n import _
from ui.widgets.forms import ValidatedForm
from ui.widgets.persist import fit_to_screen, restore_geometry, save_geometry
from ui.widgets.saved import saved_and_announced


class GviaDialog(QDialog):
    """A dialog that reopens at the size and place the user left it, fitted to the screen
    it opens on (ui.widgets.persist): never larger than the screen, never off it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._restored = False

    def _geometry_key(self) -> str:
        return f"dialogs/{type(self).__name__}/geometry"

    def setVisible(self, visible: bool) -> None:
        # Before the dialog is shown, so that one never remembered is still centred on
        # its parent at its fitted size.
        if visible and not self.isVisible():
            if not self._restored:
                self._restored = True
                restore_geometry(self, self._geometry_key())
        super().setVisible(visible)

    def showEvent(self, event) -> None:
        # Qt has placed it (centred on its parent, or where it was left): wholly on the
        # screen, title bar included, before it is drawn.
        if not event.spontaneous():
            fit_to_screen(self)
        super().showEvent(event)

    def done(self, result: int) -> None:
        save_geometry(self, self._geometry_key())
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


class ErrorHook:
    """For a page: `show_error(message)` keeps the message in `error` and shows the box only
    while the page is on screen, so tests (and hidden pages) are never stopped by a modal."""
    error = ""

    def show_error(self, message: str) -> None:
        self.error = message
        if self.isVisible():
            show_error(self, message)


class FormDialog(GviaDialog):
    """A validated form with Save / Cancel; subclasses fill `self.form` and implement
    `_save`, whose ValidationError is shown next to the field it names."""
    changes = (events.CLIENTS, events.PAYMENTS, events.INVOICES)  # announced on save

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.saved = False
        layout = QVBoxLayout(self)
        self.form = ValidatedForm()
        layout.addWidget(self.form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def showEvent(self, event) -> None:
        if not self.saved and not getattr(self, "_buttons_last", False):
            self._buttons_last = True
            self._put_buttons_last()
        super().showEvent(event)

    def _put_buttons_last(self) -> None:
        """The buttons exist before the subclass adds its fields, so Tab would visit Save
        and Cancel first. Re-parenting puts them at the end of the focus chain (setTabOrder
        does not move the buttons of a QDialogButtonBox)."""
        layout = self.layout()
        layout.removeWidget(self.buttons)
        self.buttons.setParent(None)
        self.buttons.setParent(self)
        layout.addWidget(self.buttons)
        self.buttons.show()

    def save(self) -> bool:
        try:
            self._save()
        except GviaError as exc:
            self.form.show_error(exc)
            return False
        self.form.clear_errors()
        self.saved = True
        saved_and_announced(self, *self.changes)
        self.accept()
        return True

    def _save(self) -> None:
        raise NotImplementedError

    @classmethod
    def ask(cls, *args, parent=None) -> bool:
        dialog = cls(*args, parent=parent)
        dialog.exec()
        return dialog.saved
