"""Add or edit an invoice. The due date follows the client's terms live (issue date or
client changed → recomputed) until the user types a date of their own; every rule (date
order, duplicate number, amount) is the service's, shown next to its field."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from models.common.errors import GviaError, ValidationError
from models.common.money import CURRENCIES, plain
from models.db.concurrency import EditedElsewhereError
from models.ledger import services
from models.ledger.invoices import INVOICE_KINDS, Invoice
from ui import events
from ui.i18n import _
from ui.widgets import clock
from ui.widgets.client_picker import ClientPicker
from ui.widgets.date_edit import DateEdit, check_far_dates
from ui.widgets.dialogs import GviaDialog
from ui.widgets.forms import ValidatedForm
from ui.widgets.labels import invoice_kind_label
from ui.widgets.saved import saved_and_announced

# The form field showing a stored field of another name.
_FORM_FIELDS = {"amount_agorot": "amount", "is_due_date_fixed": "due_date"}


class InvoiceDialog(GviaDialog):
    def __init__(self, parent=None, *, client_id: int | None = None,
                 invoice_id: int | None = None):
        super().__init__(parent)
        self.invoice: Invoice | None = None
        self._editing = services.get_invoice(invoice_id) if invoice_id else None
        self._due_typed = False
        self._setting_due = False
        self.setWindowTitle(_("Edit invoice") if self._editing else _("New invoice"))
        layout = QVBoxLayout(self)
        self.form = form = ValidatedForm()
        layout.addWidget(form)

        self.client = form.add_field("client", _("Client"), ClientPicker())
        self.number = form.add_field("number", _("Invoice number"), QLineEdit())
        self.number.setLayoutDirection(Qt.LeftToRight)
        self.number.setAlignment(Qt.AlignRight | Qt.AlignAbsolute | Qt.AlignVCenter)
        self.kind = form.add_field("kind", _("Document"), QComboBox())
        for code in INVOICE_KINDS:
            self.kind.addItem(invoice_kind_label(code), code)
        self.issue_date = form.add_field("issue_date", _("Issue date"), DateEdit())
        self.terms = form.add_field("terms", _("Payment terms"), QLabel())
        self.due_date = form.add_field("due_date", _("Due date"), DateEdit())
        self.amount = form.add_field("amount", _("Amount"), QLineEdit())
        self.amount.setLayoutDirection(Qt.LeftToRight)
        self.amount.setAlignment(Qt.AlignRight | Qt.AlignAbsolute | Qt.AlignVCenter)
        self.amount.setPlaceholderText("1,234.50")
        self.currency = form.add_field("currency", _("Currency"), QComboBox())
        for code in CURRENCIES:
            self.currency.addItem(code, code)
        self.description = form.add_field("description", _("Description"), QLineEdit())
        self.disputed = form.add_field("is_disputed", _("Disputed"),
                                       QCheckBox(_("The client disputes this invoice")))
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.issue_date.setDate(clock.today())
        if self._editing:
            self._load(self._editing)
        elif client_id is not None:
            client = services.get_client(client_id)
            self.client.set_client(client.id, client.name)
            self.client.setEnabled(False)
        self.client.client_changed.connect(lambda _cid: self.update_due_date())
        self.issue_date.dateChanged.connect(lambda _d: self.update_due_date())
        self.due_date.dateChanged.connect(self._due_edited)
        self.update_due_date()
        self.resize(480, 460)

    def _load(self, invoice: Invoice) -> None:
        self._loaded = services.invoice_snapshot(invoice)  # the save is checked against it
        self.client.set_client(invoice.client.id, invoice.client.name)
        self.client.setEnabled(False)
        self.number.setText(invoice.number)
        self.kind.setCurrentIndex(max(self.kind.findData(invoice.kind), 0))
        self.issue_date.setDate(invoice.issue_date)
        self._set_due(invoice.due_date)
        self._due_typed = invoice.is_due_date_fixed
        self.amount.setText(plain(invoice.amount_agorot))
        self.currency.setCurrentIndex(max(self.currency.findData(invoice.currency), 0))
        self.currency.setEnabled(False)  # payments may already be allocated in it
        self.description.setText(invoice.description)
        self.disputed.setChecked(invoice.is_disputed)

    def _reload_keeping_typed(self, error: EditedElsewhereError) -> None:
        due_typed = self._due_typed

        def reload() -> None:
            self._editing = services.get_invoice(self._editing.id)
            self._load(self._editing)

        self.form.reload_keeping_typed(error, reload, _FORM_FIELDS)
        if not {"due_date", "is_due_date_fixed"} & set(error.fields):
            self._due_typed = due_typed  # a date the user typed still wins over the terms

    def _set_due(self, day: dt.date) -> None:
        self._setting_due = True
        self.due_date.setDate(day)
        self._setting_due = False

    def _due_edited(self, _date) -> None:
        if not self._setting_due:
            self._due_typed = True  # from now on the user's date wins over the terms

    def update_due_date(self) -> None:
        """Show the client's terms and, unless a date was typed, the due date they give."""
        client_id = self.client.client_id()
        if client_id is None:
            self.terms.setText("")
            return
        try:
            client = services.get_client(client_id)
            self.terms.setText(services.client_terms(client))
            issued = self.issue_date.date()
            if not self._due_typed and issued is not None:
                self._set_due(services.compute_due_date(client, issued))
        except GviaError as exc:
            self.form.show_error(exc)

    def save(self) -> bool:
        self.form.clear_errors()
        client_id = self.client.client_id()
        if client_id is None:
            self.form.show_error(ValidationError(_("Choose a client from the list."),
                                                 field="client"))
            return False
        try:
            for edit in (self.due_date, self.issue_date):
                edit.commit()  # a date typed just now counts, even if focus never left it
            issued = self.issue_date.required_date("issue_date")
            typed_due = self.due_date.required_date("due_date")
            due = typed_due if self._due_typed else None
            check_far_dates(self, issue_date=issued, due_date=typed_due)
            if self._editing:
                invoice = services.update_invoice(
                    self._editing.id, number=self.number.text(),
                    issue_date=issued, due_date=typed_due, amount=self.amount.text(),
                    description=self.description.text(), kind=self.kind.currentData(),
                    loaded=self._loaded)
                if invoice.is_disputed != self.disputed.isChecked():
                    invoice = services.set_disputed(invoice.id, self.disputed.isChecked())
            else:
                invoice = services.add_invoice(
                    client_id, self.number.text(), issued,
                    self.amount.text(), currency=self.currency.currentData(), due_date=due,
                    description=self.description.text(), kind=self.kind.currentData(),
                    is_disputed=self.disputed.isChecked())
        except EditedElsewhereError as exc:  # another person saved first: show theirs
            self._reload_keeping_typed(exc)
            return False
        except GviaError as exc:
            self.form.show_error(exc)
            return False
        self.invoice = invoice
        saved_and_announced(self, events.INVOICES)
        self.accept()
        return True

    @classmethod
    def ask(cls, parent=None, *, client_id: int | None = None,
            invoice_id: int | None = None) -> Invoice | None:
        dialog = cls(parent, client_id=client_id, invoice_id=invoice_id)
        dialog.exec()
        return dialog.invoice
