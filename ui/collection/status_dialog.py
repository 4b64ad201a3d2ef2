"""Change a client's status (active, on hold, in collection, handed over, Execution Office,
written off, closed) with a reason and a date. models.contact.client_status.change_status keeps
the trail: the change is written to the contact log and to the status history shown here."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
)

from models.common.errors import GviaError, ValidationError
from models.contact.client_status import StatusChange, change_status, status_history
from models.ledger import services
from models.ledger.clients import CLIENT_STATUSES
from ui import events
from ui.collection.log_dialog import now_on_clock
from ui.i18n import _
from ui.widgets.client_picker import ClientPicker
from ui.widgets.date_edit import DateTimeEdit
from ui.widgets.dialogs import GviaDialog
from ui.widgets.display import auto_dir, date_text
from ui.widgets.forms import ValidatedForm
from ui.widgets.labels import client_status_label
from ui.widgets.saved import saved_and_announced


class StatusDialog(GviaDialog):
    def __init__(self, parent=None, *, client_id: int | None = None,
                 status: str | None = None, reason: str = ""):
        super().__init__(parent)
        self.change: StatusChange | None = None
        self.setWindowTitle(_("Change client status"))
        layout = QVBoxLayout(self)
        self.form = form = ValidatedForm()
        layout.addWidget(form)
        self.client = form.add_field("client", _("Client"), ClientPicker())
        self.current = form.add_field("current", _("Current status"), QLabel())
        self.status = form.add_field("status", _("New status"), QComboBox())
        for code in CLIENT_STATUSES:
            self.status.addItem(client_status_label(code), code)
        self.reason = form.add_field("reason", _("Reason"), QLineEdit())
        self.reason.setText(reason)
        self.reason.setPlaceholderText(_("Why the status changes (required)"))
        self.when = form.add_field("changed_at", _("Date"), DateTimeEdit(now_on_clock()))
        history_label = QLabel(_("Status history"))
        self.history = QListWidget()
        self.history.setObjectName("status_history")
        layout.addWidget(history_label)
        layout.addWidget(self.history, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        if client_id is not None:
            client = services.get_client(client_id)
            self.client.set_client(client.id, client.name)
            self.client.setEnabled(False)
        self.client.client_changed.connect(lambda _cid: self.load_client())
        self.load_client()
        if status is not None:
            self.set_status(status)
        self.resize(520, 460)

    def set_status(self, code: str) -> None:
        index = self.status.findData(code)
        if index >= 0:
            self.status.setCurrentIndex(index)

    def load_client(self) -> None:
        """The chosen client's status now, the next one suggested, and the history."""
        self.history.clear()
        client_id = self.client.client_id()
        if client_id is None:
            self.current.setText("—")
            return
        client = services.get_client(client_id)
        self.current.setText(client_status_label(client.status))
        if self.status.currentData() == client.status:
            self.status.setCurrentIndex((self.status.currentIndex() + 1) % self.status.count())
        for change in reversed(status_history(client_id)):
            self.history.addItem(_("{date}: {old} → {new} ({reason})").format(
                date=date_text(change.changed_date), old=client_status_label(change.old_status),
                new=client_status_label(change.new_status), reason=auto_dir(change.reason)))

    def save(self) -> bool:
        self.form.clear_errors()
        client_id = self.client.client_id()
        if client_id is None:
            self.form.show_error(ValidationError(_("Choose a client from the list."),
                                                 field="client"))
            return False
        try:
            self.change = change_status(client_id, self.status.currentData(),
                                        reason=self.reason.text(),
                                        changed_at=self.when.required_datetime("changed_at"))
        except GviaError as exc:
            self.form.show_error(exc)
            return False
        saved_and_announced(self, events.CLIENTS, events.CONTACT_LOG)
        self.accept()
        return True

    @classmethod
    def ask(cls, parent=None, **kwargs) -> StatusChange | None:
        dialog = cls(parent, **kwargs)
        dialog.exec()
        return dialog.change
