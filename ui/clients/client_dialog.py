"""Add a client. A name that matches an existing client's (ignoring marks, niqqud and
spelling of gershayim) asks first: the same client typed twice is the commonest mess."""
from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QVBoxLayout

from models import services
from models.clients import Client
from models.errors import GviaError
from ui import events
from ui.i18n import _
from ui.widgets import dialogs
from ui.widgets.dialogs import GviaDialog
from ui.clients.client_form import ClientForm


class NewClientDialog(GviaDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("New client"))
        self.client: Client | None = None
        layout = QVBoxLayout(self)
        self.form = ClientForm()
        self.form.set_row_visible("status", False)
        layout.addWidget(self.form)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 560)

    def save(self) -> bool:
        values = self.form.values()
        values.pop("status")
        try:
            same = services.similar_clients(values["name"]) if values["name"].strip() else []
            if same and not dialogs.confirm(
                    self, _("Possible duplicate"),
                    _("A client named '{name}' already exists. Add another client with "
                      "the same name?").format(name=same[0].name), _("Add anyway")):
                return False
            self.client = services.add_client(**values)
        except GviaError as exc:
            self.form.show_error(exc)
            return False
        events.announce(events.CLIENTS)
        self.accept()
        return True

    @classmethod
    def ask(cls, parent=None) -> Client | None:
        """Run the dialog; the new client, or None when cancelled."""
        dialog = cls(parent)
        dialog.exec()
        return dialog.client
