"""Choosing the ledger to work in: a file on this computer, or a shared office's server.

File → Open a database… asks for one; the app then starts again in it (ui/restart.py)
and remembers it for the next start. A server's password is asked for at sign-in and
never stored (`ask_password`).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup, QDialogButtonBox, QFileDialog, QHBoxLayout, QInputDialog, QLabel, QLineEdit,
    QPushButton, QRadioButton, QVBoxLayout, QWidget,
)

from models.common.errors import ValidationError
from models.db.postgres.opening import display_name, is_office_url, office_parts, office_url
from ui.i18n import _
from ui.widgets.bidi import path_text
from ui.widgets.dialogs import GviaDialog
from ui.widgets.display import ltr
from ui.widgets.forms import ValidatedForm
from ui.widgets.persist import app_settings

LAST_KEY = "database/last"


def remembered_target() -> Path | str | None:
    """The ledger chosen last time in this dialog (a path or a server URL), if any."""
    value = app_settings().value(LAST_KEY)
    if not value:
        return None
    if is_office_url(str(value)):
        return str(value)
    path = Path(str(value))
    return path if path.is_file() else None  # a file since moved away: the default one


def remember_target(target: Path | str) -> None:
    app_settings().setValue(LAST_KEY, str(target))


def forget_target() -> None:
    """The next start opens the default ledger (the remembered one could not be opened)."""
    app_settings().remove(LAST_KEY)


def ledger_text(opened) -> str:
    """The open ledger as the status bar and the title name it."""
    if getattr(opened, "is_office", False):
        return _("{name} (office server)").format(name=ltr(opened.name))
    return path_text(opened.path)


def ledger_short_name(opened) -> str:
    return opened.name if getattr(opened, "is_office", False) else opened.path.name


def ask_password(parent: QWidget | None, url: str, reason: str = "") -> str | None:
    """The password for the server, typed now; None when the user cancelled."""
    text = _("Sign in to the office database {name}.").format(name=ltr(display_name(url)))
    if reason:
        text = reason + "\n\n" + text
    password, ok = QInputDialog.getText(parent, _("Sign in"), text, QLineEdit.Password)
    return password if ok else None


class OpenDatabaseDialog(GviaDialog):
    """A file on this computer, or the office server: `target` once accepted."""

    def __init__(self, parent=None, current=None):
        super().__init__(parent)
        self.setWindowTitle(_("Open a database"))
        self.target: Path | str | None = None
        layout = QVBoxLayout(self)

        self.file_choice = QRadioButton(_("A database file on this computer"))
        self.office_choice = QRadioButton(_("The office database on a server (PostgreSQL)"))
        group = QButtonGroup(self)
        for button in (self.file_choice, self.office_choice):
            group.addButton(button)

        self.file_form = ValidatedForm()
        self.file_path = QLineEdit()
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self.browse)
        new_file = QPushButton(_("New file…"))
        new_file.clicked.connect(self.new_file)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.file_path, 1)
        line.addWidget(browse)
        line.addWidget(new_file)
        self.file_form.add_field("path", _("File:"), row)

        self.office_form = ValidatedForm()
        self.host = self.office_form.add_field("host", _("Server:"), QLineEdit())
        self.port = self.office_form.add_field("port", _("Port:"), QLineEdit("5432"))
        self.dbname = self.office_form.add_field("dbname", _("Database:"), QLineEdit())
        self.user = self.office_form.add_field("user", _("User name:"), QLineEdit())
        for edit in (self.host, self.port, self.dbname, self.user):
            edit.setLayoutDirection(Qt.LeftToRight)  # names and addresses are Latin
        note = QLabel(_("The password is asked for when you sign in, and is not saved."))
        note.setWordWrap(True)

        layout.addWidget(self.file_choice)
        layout.addWidget(self.file_form)
        layout.addWidget(self.office_choice)
        layout.addWidget(self.office_form)
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText(_("Open the database"))
        buttons.button(QDialogButtonBox.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        group.buttonToggled.connect(self._choice_changed)
        self._fill(current)

    def _fill(self, current) -> None:
        if isinstance(current, str) and is_office_url(current):
            self.office_choice.setChecked(True)
            parts = office_parts(current)
            for name, edit in (("host", self.host), ("port", self.port),
                               ("dbname", self.dbname), ("user", self.user)):
                edit.setText(parts[name])
        else:
            self.file_choice.setChecked(True)
            if current:
                self.file_path.setText(str(current))
        self._choice_changed()

    def _choice_changed(self, *args) -> None:
        office = self.office_choice.isChecked()
        self.office_form.setEnabled(office)
        self.file_form.setEnabled(not office)
        (self.host if office else self.file_path).setFocus()

    def browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Open a database"), self.file_path.text(), _("Gvia databases (*.db)"))
        if path:
            self.file_path.setText(path)

    def new_file(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("New database"), "gvia.db", _("Gvia databases (*.db)"))
        if path:
            self.file_path.setText(path)

    def accept(self) -> None:
        self.file_form.clear_errors()
        self.office_form.clear_errors()
        if self.office_choice.isChecked():
            try:
                self.target = office_url(self.host.text(), self.port.text(),
                                         self.dbname.text(), self.user.text())
            except ValidationError as exc:
                self.office_form.show_error(exc)
                return
        else:
            text = self.file_path.text().strip()
            if not text:
                self.file_form.show_error(ValidationError(
                    _("Choose a database file, or make a new one."), field="path"))
                return
            self.target = Path(text).expanduser()
        super().accept()

    @classmethod
    def ask(cls, parent=None, current=None) -> Path | str | None:
        dialog = cls(parent, current)
        return dialog.target if dialog.exec() else None
