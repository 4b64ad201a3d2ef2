"""The client card's Deposits tab: the client's deposit requests with their status, and the
three steps of a deposit — request it, record that it arrived (a payment kept whole as
credit on account), apply it to the job's invoice once that is issued.

Every rule is in models.prevention.deposits; the dialogs only collect the fields and show the
models' Hebrew errors next to the field they name.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.common.errors import GviaError
from models.ledger.payments import PAYMENT_METHODS
from models.prevention import deposits
from models.queries.client_list import client_invoices
from ui.i18n import _
from ui.widgets import clock, dialogs
from ui.widgets.date_edit import DateEdit
from ui.widgets.dialogs import FormDialog
from ui.widgets.display import auto_dir, date_text, ltr, money_text
from ui.widgets.labels import payment_method_label
from ui.widgets.list_model import Column, ListTableModel
from ui.widgets.table_view import GviaTableView


def deposit_columns() -> list[Column]:
    return [
        Column(lambda: _("Requested"), lambda d: date_text(d.requested_date),
               lambda d: d.requested_date),
        Column(lambda: _("Description"), lambda d: auto_dir(d.description)),
        Column(lambda: _("Amount"), lambda d: money_text(d.amount_agorot, d.currency),
               lambda d: d.amount_agorot, is_amount=True),
        Column(lambda: _("Due"), lambda d: date_text(d.due_date), lambda d: d.due_date),
        Column(lambda: _("Status"), lambda d: d.status_name, lambda d: d.status),
        Column(lambda: _("Received"), lambda d: date_text(d.received_date) if d.received_date
               else "", lambda d: d.received_date or ""),
        Column(lambda: _("Applied to"), lambda d: ltr(d.invoice.number) if d.invoice_id
               else ""),
    ]


def _ltr_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setLayoutDirection(Qt.LeftToRight)
    edit.setAlignment(Qt.AlignRight | Qt.AlignAbsolute | Qt.AlignVCenter)
    return edit


class RequestDepositDialog(FormDialog):
    def __init__(self, client_id: int, parent=None):
        super().__init__(_("Request a deposit"), parent)
        self.client_id = client_id
        today = clock.today()
        self.description = self.form.add_field("description", _("Job or quote"), QLineEdit())
        self.amount = self.form.add_field("amount", _("Deposit amount"), _ltr_edit())
        self.job_amount = self.form.add_field("job_amount", _("Whole job (optional)"),
                                              _ltr_edit())
        self.requested_date = self.form.add_field("requested_date", _("Requested on"),
                                                  DateEdit())
        self.requested_date.setDate(today)
        self.due_date = self.form.add_field("due_date", _("Deposit due by"), DateEdit())
        self.due_date.setDate(today)
        self.resize(460, 300)

    def _save(self) -> None:
        deposits.request_deposit(
            self.client_id, self.description.text(), self.amount.text(),
            requested_date=self.requested_date.required_date("requested_date"),
            due_date=self.due_date.required_date("due_date"), job_amount=self.job_amount.text())


class ReceiveDepositDialog(FormDialog):
    def __init__(self, deposit_id: int, parent=None):
        super().__init__(_("Deposit received"), parent)
        self.deposit_id = deposit_id
        deposit = deposits.get_deposit(deposit_id)
        self.form.add_field("deposit", _("Deposit"), QLabel(
            f"{auto_dir(deposit.description)} · "
            f"{money_text(deposit.amount_agorot, deposit.currency)}"))
        self.payment_date = self.form.add_field("payment_date", _("Received on"), DateEdit())
        self.payment_date.setDate(clock.today())
        self.method = self.form.add_field("method", _("Method"), QComboBox())
        for code in PAYMENT_METHODS:
            self.method.addItem(payment_method_label(code), code)
        self.method.setCurrentIndex(max(self.method.findData("transfer"), 0))
        self.reference = self.form.add_field("reference", _("Reference"), _ltr_edit())
        note = QLabel(_("The payment is kept as credit on account until you apply it to the "
                        "job's invoice."))
        note.setWordWrap(True)
        self.layout().insertWidget(1, note)
        self.resize(460, 280)

    def _save(self) -> None:
        deposits.receive_deposit(self.deposit_id, self.payment_date.required_date("payment_date"),
                                 method=self.method.currentData(),
                                 reference=self.reference.text() or None)


class ApplyDepositDialog(FormDialog):
    def __init__(self, deposit_id: int, parent=None):
        super().__init__(_("Apply the deposit to an invoice"), parent)
        self.deposit_id = deposit_id
        deposit = deposits.get_deposit(deposit_id)
        self.form.add_field("deposit", _("Deposit"), QLabel(
            f"{auto_dir(deposit.description)} · "
            f"{money_text(deposit.amount_agorot, deposit.currency)}"))
        self.invoice = self.form.add_field("invoice", _("The job's invoice"), QComboBox())
        lines = [line for line in client_invoices(deposit.client_id, clock.today())
                 if line.open_agorot > 0 and not line.cancelled_date
                 and line.currency == deposit.currency]
        lines.sort(key=lambda line: line.issue_date, reverse=True)  # the new job's first
        for line in lines:
            self.invoice.addItem(_("{number} · issued {date} · open {amount}").format(
                number=ltr(line.number), date=date_text(line.issue_date),
                amount=money_text(line.open_agorot, line.currency)), line.id)
        self.resize(480, 200)

    def _save(self) -> None:
        invoice_id = self.invoice.currentData()
        if invoice_id is None:
            raise GviaError(_("This client has no open invoice to apply the deposit to. "
                              "Issue the job's invoice first."))
        deposits.apply_deposit(self.deposit_id, invoice_id)


class DepositsTab(QWidget):
    def __init__(self, client_id: int, parent=None):
        super().__init__(parent)
        self.client_id = client_id
        column = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.request_button = QPushButton(_("Request deposit…"))
        self.receive_button = QPushButton(_("Deposit received…"))
        self.apply_button = QPushButton(_("Apply to invoice…"))
        self.request_button.clicked.connect(self.request_deposit)
        self.receive_button.clicked.connect(self.receive_deposit)
        self.apply_button.clicked.connect(self.apply_deposit)
        for button in (self.request_button, self.receive_button, self.apply_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.model = ListTableModel(deposit_columns(), lambda d: d.id, self)
        self.view = GviaTableView("card_deposits")
        self.view.setModel(self.model)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        column.addWidget(self.view, 1)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_items(deposits.deposits_for_client(self.client_id))
        self.view.resizeColumnsToContents()
        self._update_buttons()

    def selected(self):
        rows = self.view.selectionModel().selectedRows()
        return self.model.item_at(rows[0].row()) if rows else None

    def select_row(self, row: int) -> None:
        self.view.select_row(row)

    def _update_buttons(self) -> None:
        deposit = self.selected()
        self.receive_button.setEnabled(deposit is not None and deposit.status == "requested")
        self.apply_button.setEnabled(deposit is not None and deposit.status == "received")

    def request_deposit(self) -> bool:
        return RequestDepositDialog.ask(self.client_id, parent=self)

    def receive_deposit(self) -> bool:
        deposit = self.selected()
        return deposit is not None and ReceiveDepositDialog.ask(deposit.id, parent=self)

    def apply_deposit(self) -> bool:
        deposit = self.selected()
        if deposit is None:
            return False
        try:
            return ApplyDepositDialog.ask(deposit.id, parent=self)
        except GviaError as exc:
            dialogs.show_error(self, str(exc))
            return False
