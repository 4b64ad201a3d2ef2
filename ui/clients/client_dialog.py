"""Add a client. A name that matches an existing client's (ignoring marks, niqqud and
spelling of gershayim) asks first: the same client typed twice is the commonest mess."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.common.errors import GviaError
from models.ledger import services
from models.ledger.clients import Client
from ui import events
from ui.clients.client_form import ClientForm
from ui.i18n import _
from ui.widgets import dialogs
from ui.widgets.dialogs import GviaDialog
from ui.widgets.display import auto_dir
from ui.widgets.saved import saved_and_announced


class NewClientDialog(GviaDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("New client"))
        self.client: Client | None = None
        layout = QVBoxLayout(self)
        self.form = ClientForm()
        self.form.set_row_visible("status", False)
        self._add_guide_button()
        layout.addWidget(self.form)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 560)

    def _add_guide_button(self) -> None:
        """"Guide…" beside the terms field: the guide explains the kinds of terms and
        recommends some before the client exists; its choice fills the field."""
        terms = self.form.terms
        column = terms.parentWidget().layout()
        column.removeWidget(terms)
        row = QHBoxLayout()
        row.addWidget(terms, 1)
        self.guide_button = QPushButton(_("Guide…"))
        self.guide_button.clicked.connect(self.open_terms_guide)
        row.addWidget(self.guide_button)
        column.insertLayout(0, row)
        QWidget.setTabOrder(terms, self.guide_button)  # beside the field, so right after it

    def open_terms_guide(self):
        from ui.prevention.terms_guide import (
            TermsGuideDialog,  # the guide loads the letters
        )

        guide = TermsGuideDialog(None, self)
        guide.exec()
        terms = guide.chosen_terms()
        if terms:  # None: a fixed date, typed on each invoice
            index = self.form.terms.findData(terms)
            if index >= 0:
                self.form.terms.setCurrentIndex(index)
            else:
                self.form.terms.setEditText(terms)
        return guide

    def save(self) -> bool:
        values = self.form.values()
        values.pop("status")
        try:
            same = services.similar_clients(values["name"]) if values["name"].strip() else []
            if same and not dialogs.confirm(
                    self, _("Possible duplicate"),
                    _("A client named '{name}' already exists. Add another client with "
                      "the same name?").format(name=auto_dir(same[0].name)), _("Add anyway")):
                return False
            self.client = services.add_client(**values)
        except GviaError as exc:
            self.form.show_error(exc)
            return False
        saved_and_announced(self, events.CLIENTS)
        self.accept()
        return True

    @classmethod
    def ask(cls, parent=None) -> Client | None:
        """Run the dialog; the new client, or None when cancelled."""
        dialog = cls(parent)
        dialog.exec()
        return dialog.client
