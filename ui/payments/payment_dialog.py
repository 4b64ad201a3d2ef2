"""Record a payment: method (checks with number, bank, branch and their own date), and
where the money goes — automatically by the one allocation rule, or to the invoices the
user ticks. A preview says what each invoice receives and what stays as credit on account,
before anything is saved: it asks `allocation.plan_payment`, as the save does."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from models.common.errors import GviaError, ValidationError
from models.common.money import CURRENCIES, parse_amount
from models.ledger import services
from models.ledger.allocation import (
    OpenInvoice,
    allocation_order,
    open_invoices,
    plan_payment,
)
from models.ledger.payments import PAYMENT_METHODS, Payment, money_counts_from
from ui import events
from ui.i18n import _
from ui.widgets import clock
from ui.widgets.client_picker import ClientPicker
from ui.widgets.date_edit import DateEdit, check_far_dates
from ui.widgets.dialogs import GviaDialog
from ui.widgets.display import date_text, ltr, money_text
from ui.widgets.forms import ValidatedForm
from ui.widgets.labels import payment_method_label
from ui.widgets.saved import saved_and_announced

CHECK_FIELDS = ("check_number", "check_bank", "check_branch", "check_date")


class PaymentDialog(GviaDialog):
    def __init__(self, parent=None, *, client_id: int | None = None,
                 invoice_id: int | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Record a payment"))
        self.payment: Payment | None = None
        self.credit_agorot = 0
        self._open: list[OpenInvoice] = []
        layout = QVBoxLayout(self)
        self.form = form = ValidatedForm()
        layout.addWidget(form)

        self.client = form.add_field("client", _("Client"), ClientPicker())
        self.date = form.add_field("date", _("Payment date"), DateEdit())
        self.date.setDate(clock.today())
        self.amount = form.add_field("amount", _("Amount"), QLineEdit())
        self.amount.setLayoutDirection(Qt.LeftToRight)
        self.amount.setAlignment(Qt.AlignRight | Qt.AlignAbsolute | Qt.AlignVCenter)
        self.currency = form.add_field("currency", _("Currency"), QComboBox())
        for code in CURRENCIES:
            self.currency.addItem(code, code)
        self.method = form.add_field("method", _("Method"), QComboBox())
        for code in PAYMENT_METHODS:
            self.method.addItem(payment_method_label(code), code)
        self.check_number = form.add_field("check_number", _("Check number"), QLineEdit())
        self.check_bank = form.add_field("check_bank", _("Bank"), QLineEdit())
        self.check_branch = form.add_field("check_branch", _("Branch"), QLineEdit())
        self.check_date = form.add_field("check_date", _("Date on the check"), DateEdit())
        self.check_date.setDate(clock.today())
        for edit in (self.check_number, self.check_bank, self.check_branch):
            edit.setLayoutDirection(Qt.LeftToRight)
            edit.setAlignment(Qt.AlignRight | Qt.AlignAbsolute | Qt.AlignVCenter)
        self.reference = form.add_field("reference", _("Reference"), QLineEdit())
        self.notes = form.add_field("notes", _("Notes"), QLineEdit())

        mode = QWidget()
        row = QHBoxLayout(mode)
        row.setContentsMargins(0, 0, 0, 0)
        self.automatic = QRadioButton(_("Automatically, oldest due first"))
        self.chosen = QRadioButton(_("To the invoices I choose"))
        self.automatic.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.automatic)
        group.addButton(self.chosen)
        row.addWidget(self.automatic)
        row.addWidget(self.chosen)
        form.add_field("allocation", _("Apply to"), mode)
        self.invoices = form.add_field("invoices", _("Open invoices"), QListWidget())
        self.invoices.setMinimumHeight(120)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setObjectName("allocation_preview")
        layout.addWidget(self.preview)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        if client_id is not None:
            client = services.get_client(client_id)
            self.client.set_client(client.id, client.name)
            self.client.setEnabled(False)
        self.client.client_changed.connect(lambda _cid: self.load_invoices())
        self.currency.currentIndexChanged.connect(lambda _i: self.load_invoices())
        self.method.currentIndexChanged.connect(lambda _i: self._show_check_fields())
        self.method.currentIndexChanged.connect(lambda _i: self.update_preview())
        # The day money counts decides which settlements are in force (their invoices
        # are paid last), so the preview follows both dates.
        self.date.dateChanged.connect(lambda _d: self.update_preview())
        self.check_date.dateChanged.connect(lambda _d: self.update_preview())
        self.amount.textChanged.connect(lambda _t: self.update_preview())
        self.automatic.toggled.connect(lambda _on: self.update_preview())
        self.invoices.itemChanged.connect(lambda _item: self.update_preview())
        self._show_check_fields()
        self.load_invoices(preselect=invoice_id)
        self.resize(520, 640)

    def _show_check_fields(self) -> None:
        is_check = self.method.currentData() == "check"
        for name in CHECK_FIELDS:
            self.form.set_row_visible(name, is_check)

    def load_invoices(self, preselect: int | None = None) -> None:
        """The client's open invoices in the payment's currency, oldest due first."""
        self.invoices.blockSignals(True)
        self.invoices.clear()
        client_id = self.client.client_id()
        self._open = (open_invoices(client_id, self.currency.currentData())
                      if client_id is not None else [])
        self._open.sort(key=allocation_order)
        for inv in self._open:
            item = QListWidgetItem(_("{number} · due {due} · open {amount}").format(
                number=ltr(inv.number), due=date_text(inv.due_date),
                amount=money_text(inv.open_agorot, self.currency.currentData())))
            item.setData(Qt.UserRole, inv.invoice_id)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if inv.invoice_id == preselect else Qt.Unchecked)
            self.invoices.addItem(item)
        self.invoices.blockSignals(False)
        if preselect is not None and any(inv.invoice_id == preselect for inv in self._open):
            self.chosen.setChecked(True)
        self.update_preview()

    def chosen_invoice_ids(self) -> list[int]:
        return [self.invoices.item(i).data(Qt.UserRole) for i in range(self.invoices.count())
                if self.invoices.item(i).checkState() == Qt.Checked]

    def update_preview(self) -> None:
        """What the allocation rule will do with this amount, in words."""
        try:
            amount = parse_amount(self.amount.text())
        except GviaError:
            self.preview.setText("")
            return
        client_id = self.client.client_id()
        if client_id is None:
            self.preview.setText("")
            return
        currency = self.currency.currentData()
        is_check = self.method.currentData() == "check"
        paid_on, check_date = self.date.date(), self.check_date.date()
        if paid_on is None or (is_check and check_date is None):
            self.preview.setText("")  # the date field says what is wrong with it
            return
        counts_from = money_counts_from(paid_on, check_date if is_check else None)
        named = self.chosen_invoice_ids() if self.chosen.isChecked() else None
        if self.chosen.isChecked() and not named:
            self.preview.setText(_("No open invoice receives this payment."))
            return
        try:
            plan = plan_payment(client_id, currency, amount, counts_from, named)
        except GviaError as exc:
            self.preview.setText(str(exc))
            return
        numbers = {inv.invoice_id: inv.number for inv in self._open}
        lines = [_("{number}: {amount}").format(number=ltr(numbers[i]),
                                                 amount=money_text(a, currency))
                 for i, a in plan]
        left = amount - sum(a for _i, a in plan)
        text = _("Applied to: {invoices}").format(invoices=", ".join(lines)) if lines else \
            _("No open invoice receives this payment.")
        if left > 0:
            text += "\n" + _("{amount} will stay as credit on account.").format(
                amount=money_text(left, currency))
        self.preview.setText(text)

    def save(self) -> bool:
        self.form.clear_errors()
        client_id = self.client.client_id()
        if client_id is None:
            self.form.show_error(ValidationError(_("Choose a client from the list."),
                                                 field="client"))
            return False
        is_check = self.method.currentData() == "check"
        invoice_ids = self.chosen_invoice_ids() if self.chosen.isChecked() else None
        if self.chosen.isChecked() and not invoice_ids:
            self.form.show_error(ValidationError(
                _("Tick at least one invoice, or choose automatic allocation."),
                field="invoices"))
            return False
        try:
            paid_on = self.date.required_date("date")
            check_date = self.check_date.required_date("check_date") if is_check else None
            check_far_dates(self, date=paid_on, check_date=check_date)
            payment = services.record_payment(
                client_id, paid_on, self.amount.text(),
                currency=self.currency.currentData(), method=self.method.currentData(),
                reference=self.reference.text(), invoice_ids=invoice_ids,
                check_number=self.check_number.text() if is_check else "",
                check_bank=self.check_bank.text() if is_check else "",
                check_branch=self.check_branch.text() if is_check else "",
                check_date=check_date,
                notes=self.notes.text())
        except GviaError as exc:
            self.form.show_error(exc)
            return False
        self.payment = payment
        allocated = sum(a.amount_agorot for a in payment.allocations)
        self.credit_agorot = payment.amount_agorot - allocated
        saved_and_announced(self, events.PAYMENTS)
        self.accept()
        return True

    @classmethod
    def ask(cls, parent=None, *, client_id: int | None = None,
            invoice_id: int | None = None) -> Payment | None:
        dialog = cls(parent, client_id=client_id, invoice_id=invoice_id)
        dialog.exec()
        return dialog.payment
