"""The registered-mail register (דואר רשום) from the app: record the registered number and
the date a letter was sent, then the return receipt (אישור מסירה) or the refusal.
Each dialog calls one models.letters.archive service; its Hebrew error shows next to the field."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from models.common.errors import GviaError
from models.letters.archive import (
    ArchiveRow,
    record_refusal,
    record_registered_mail,
    record_return_receipt,
)
from ui import events
from ui.i18n import _
from ui.letters.common import kind_label
from ui.widgets import clock
from ui.widgets.date_edit import EARLIEST, DateEdit
from ui.widgets.dialogs import GviaDialog
from ui.widgets.display import auto_dir, date_text
from ui.widgets.forms import ValidatedForm


def _describe(row: ArchiveRow) -> QLabel:
    label = QLabel(_("{kind} to {client}, dated {date}.").format(
        kind=kind_label(row.kind), client=auto_dir(row.client_name),
        date=date_text(row.letter_date)))
    label.setWordWrap(True)
    return label


class RegisteredMailDialog(GviaDialog):
    """Record that a letter went out by registered mail."""

    def __init__(self, row: ArchiveRow, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Sent by registered mail"))
        self.letter_id = row.id
        self.recorded = False
        layout = QVBoxLayout(self)
        layout.addWidget(_describe(row))
        self.form = ValidatedForm()
        self.number = QLineEdit()
        self.number.setLayoutDirection(Qt.LeftToRight)  # RR123456789IL reads left to right
        self.number.setPlaceholderText("RR123456789IL")
        self.form.add_field("registered_number", _("Registered number"), self.number)
        self.sent = self.form.add_field("sent_date", _("Sent on"),
                                        DateEdit(max(clock.today(), row.letter_date),
                                                 minimum=EARLIEST))
        layout.addWidget(self.form)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Save).setText(_("Save"))
        buttons.button(QDialogButtonBox.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> bool:
        try:
            record_registered_mail(self.letter_id, self.number.text(),
                                   self.sent.required_date("sent_date"))
        except GviaError as exc:
            self.form.show_error(exc)
            return False
        self.recorded = True
        events.announce(events.LETTERS)
        self.accept()
        return True

    @classmethod
    def ask(cls, row: ArchiveRow, parent=None) -> bool:
        dialog = cls(row, parent)
        dialog.exec()
        return dialog.recorded


class MailOutcomeDialog(GviaDialog):
    """Record what happened to a registered letter: delivered (return receipt) or refused."""

    DELIVERED, REFUSED = "delivered", "refused"

    def __init__(self, row: ArchiveRow, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Registered mail: outcome"))
        self.letter_id = row.id
        self.recorded = False
        layout = QVBoxLayout(self)
        layout.addWidget(_describe(row))
        self.form = ValidatedForm()
        self.outcome = QComboBox()
        self.outcome.addItem(_("Return receipt received (delivered)"), self.DELIVERED)
        self.outcome.addItem(_("The addressee refused the letter"), self.REFUSED)
        self.form.add_field("outcome", _("What happened"), self.outcome)
        first_day = row.sent_date or row.letter_date
        self.day = self.form.add_field("receipt_date", _("On"),
                                       DateEdit(max(clock.today(), first_day),
                                                minimum=EARLIEST))
        layout.addWidget(self.form)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Save).setText(_("Save"))
        buttons.button(QDialogButtonBox.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> bool:
        try:
            day = self.day.required_date("receipt_date")
            if self.outcome.currentData() == self.REFUSED:
                record_refusal(self.letter_id, day)
            else:
                record_return_receipt(self.letter_id, day)
        except GviaError as exc:
            if getattr(exc, "field", None) == "refused_date":
                exc.field = "receipt_date"  # one date field serves both outcomes
            self.form.show_error(exc)
            return False
        self.recorded = True
        events.announce(events.LETTERS)
        self.accept()
        return True

    @classmethod
    def ask(cls, row: ArchiveRow, parent=None) -> bool:
        dialog = cls(row, parent)
        dialog.exec()
        return dialog.recorded

