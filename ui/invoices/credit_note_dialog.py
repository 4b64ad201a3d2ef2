"""New credit note (חשבונית זיכוי): client, number, date, amount, currency, reason, and
the invoices it applies to.

The invoices are ticked by the one allocation rule (models.ledger.allocation): as the
amount is typed, the ones the rule would lower, oldest due first, until the user ticks
otherwise. The list shows the open invoices in the rule's order, then the ones already
paid (a credit note on a paid invoice leaves credit on account, as an overpayment does).
A preview says what each ticked invoice will be lowered by and what stays as credit,
asking `allocation.plan_payment` as the save does (models.ledger.services.add_credit_note,
which also refuses a note larger than its invoices or dated before them)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from models.common.errors import GviaError, ValidationError
from models.common.money import CURRENCIES, parse_amount
from models.ledger import services
from models.ledger.allocation import plan_payment, unnamed_targets
from models.ledger.invoices import CreditNote
from models.queries.client_list import client_invoices
from ui import events
from ui.i18n import _
from ui.widgets import clock
from ui.widgets.client_picker import ClientPicker
from ui.widgets.date_edit import DateEdit, check_far_dates
from ui.widgets.dialogs import GviaDialog
from ui.widgets.display import date_text, ltr, money_text
from ui.widgets.forms import ValidatedForm
from ui.widgets.saved import saved_and_announced

INVOICE_ROLE = Qt.UserRole


class CreditNoteDialog(GviaDialog):
    def __init__(self, parent=None, *, client_id: int | None = None,
                 invoice_id: int | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("New credit note"))
        self.note: CreditNote | None = None
        self.credit_agorot = 0      # what the saved note left as credit on account
        self._numbers: dict[int, str] = {}
        self._open_ids: list[int] = []
        self._user_ticked = invoice_id is not None  # the user's ticks win over the rule's
        layout = QVBoxLayout(self)
        self.form = form = ValidatedForm()
        layout.addWidget(form)

        self.client = form.add_field("client", _("Client"), ClientPicker())
        self.number = form.add_field("number", _("Credit note number"), QLineEdit())
        self.number.setLayoutDirection(Qt.LeftToRight)
        self.number.setAlignment(Qt.AlignRight | Qt.AlignAbsolute | Qt.AlignVCenter)
        self.number.setMaxLength(services.MAX_NUMBER_LENGTH)
        self.date = form.add_field("date", _("Date"), DateEdit(clock.today()))
        self.amount = form.add_field("amount", _("Amount"), QLineEdit())
        self.amount.setLayoutDirection(Qt.LeftToRight)
        self.amount.setAlignment(Qt.AlignRight | Qt.AlignAbsolute | Qt.AlignVCenter)
        self.currency = form.add_field("currency", _("Currency"), QComboBox())
        for code in CURRENCIES:
            self.currency.addItem(code, code)
        self.reason = form.add_field("reason", _("Reason"), QLineEdit())
        self.reason.setPlaceholderText(_("For example: a discount agreed after a complaint"))
        self.reason.setToolTip(_("Printed on the statement next to the credit note."))
        self.invoices = form.add_field("invoices", _("Applies to"), QListWidget())
        self.invoices.setMinimumHeight(110)
        self.invoices.setToolTip(_("Ticked by the allocation rule, oldest due first; tick "
                                   "other invoices to credit them instead."))
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setObjectName("allocation_preview")
        layout.addWidget(self.preview)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        preselect = None
        if invoice_id is not None:
            invoice = services.get_invoice(invoice_id)
            client_id = invoice.client_id
            preselect = invoice.id
            self.currency.setCurrentIndex(max(self.currency.findData(invoice.currency), 0))
        if client_id is not None:
            client = services.get_client(client_id)
            self.client.set_client(client.id, client.name)
            self.client.setEnabled(False)
        self.client.client_changed.connect(lambda _cid: self.load_invoices())
        self.currency.currentIndexChanged.connect(lambda _i: self.load_invoices())
        self.date.dateChanged.connect(lambda _d: self.follow_the_rule())
        self.amount.textChanged.connect(lambda _t: self.follow_the_rule())
        self.invoices.itemChanged.connect(self._ticked)
        self.load_invoices(preselect=preselect)
        self.resize(520, 600)

    # ---- the invoices ---------------------------------------------------------------

    def load_invoices(self, preselect: int | None = None) -> None:
        """The client's invoices in the note's currency: the open ones in the allocation
        rule's order, then the paid ones, newest first."""
        self.invoices.blockSignals(True)
        self.invoices.clear()
        self._numbers, self._open_ids = {}, []
        client_id = self.client.client_id()
        currency = self.currency.currentData()
        day = self.date.valid_date() or clock.today()
        if client_id is not None:
            open_ones = unnamed_targets(client_id, currency, day)
            self._open_ids = [inv.invoice_id for inv in open_ones]
            for inv in open_ones:
                self._add_item(inv.invoice_id, inv.number, _(
                    "{number} · due {due} · open {amount}").format(
                        number=ltr(inv.number), due=date_text(inv.due_date),
                        amount=money_text(inv.open_agorot, currency)))
            for line in client_invoices(client_id, clock.today()):
                if (line.currency == currency and line.id not in self._open_ids
                        and not line.cancelled_date):
                    self._add_item(line.id, line.number, _(
                        "{number} · issued {date} · {state}").format(
                            number=ltr(line.number), date=date_text(line.issue_date),
                            state=line.state_text))
        for row in range(self.invoices.count()):
            item = self.invoices.item(row)
            if item.data(INVOICE_ROLE) == preselect:
                item.setCheckState(Qt.Checked)
        self.invoices.blockSignals(False)
        self.follow_the_rule()

    def _add_item(self, invoice_id: int, number: str, text: str) -> None:
        item = QListWidgetItem(text)
        item.setData(INVOICE_ROLE, invoice_id)
        item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
        item.setCheckState(Qt.Unchecked)
        self.invoices.addItem(item)
        self._numbers[invoice_id] = number

    def _ticked(self, _item) -> None:
        self._user_ticked = True
        self.update_preview()

    def typed_amount(self) -> int | None:
        try:
            return parse_amount(self.amount.text())
        except GviaError:
            return None

    def follow_the_rule(self) -> None:
        """Until the user ticks for themselves, tick what the allocation rule would lower."""
        amount, client_id = self.typed_amount(), self.client.client_id()
        if not self._user_ticked and client_id is not None:
            wanted: set[int] = set()
            if amount is not None:
                try:
                    wanted = {inv_id for inv_id, _a in plan_payment(
                        client_id, self.currency.currentData(), amount,
                        self.date.valid_date() or clock.today())}
                except GviaError:
                    wanted = set()
            self.invoices.blockSignals(True)
            for row in range(self.invoices.count()):
                item = self.invoices.item(row)
                item.setCheckState(Qt.Checked if item.data(INVOICE_ROLE) in wanted
                                   else Qt.Unchecked)
            self.invoices.blockSignals(False)
        self.update_preview()

    def chosen_invoice_ids(self) -> list[int]:
        """The ticked invoices in the list's order (the rule's, for the open ones)."""
        return [self.invoices.item(i).data(INVOICE_ROLE) for i in range(self.invoices.count())
                if self.invoices.item(i).checkState() == Qt.Checked]

    def update_preview(self) -> None:
        """What the note will lower, by the allocation rule, in words."""
        amount, client_id = self.typed_amount(), self.client.client_id()
        named = self.chosen_invoice_ids()
        if amount is None or client_id is None:
            self.preview.setText("")
            return
        currency = self.currency.currentData()
        if not named:
            self.preview.setText(_("Tick the invoices the credit note applies to."))
            return
        try:
            plan = plan_payment(client_id, currency, amount,
                                self.date.valid_date() or clock.today(), named)
        except GviaError as exc:
            self.preview.setText(str(exc))
            return
        lines = [_("{number}: {amount}").format(number=ltr(self._numbers.get(i, str(i))),
                                                 amount=money_text(a, currency))
                 for i, a in plan]
        left = amount - sum(a for _i, a in plan)
        text = (_("Lowers: {invoices}").format(invoices=", ".join(lines)) if lines
                else _("The ticked invoices are paid: the whole note stays as credit on "
                       "account."))
        if left > 0 and lines:
            text += "\n" + _("{amount} will stay as credit on account.").format(
                amount=money_text(left, currency))
        self.preview.setText(text)

    # ---- saving ---------------------------------------------------------------------

    def save(self) -> bool:
        self.form.clear_errors()
        try:
            client_id = self.client.client_id()
            if client_id is None:
                raise ValidationError(_("Choose a client from the list."), field="client")
            day = self.date.required_date("date")
            invoice_ids = self.chosen_invoice_ids()
            if not invoice_ids:
                raise ValidationError(_("Tick the invoices the credit note applies to."),
                                      field="invoices")
            check_far_dates(self, date=day)
            note = services.add_credit_note(
                client_id, self.number.text(), day, self.amount.text(),
                currency=self.currency.currentData(), invoice_ids=invoice_ids,
                reason=self.reason.text())
        except GviaError as exc:
            self.form.show_error(exc)
            return False
        self.note = note
        self.credit_agorot = note.amount_agorot - sum(a.amount_agorot for a in note.allocations)
        saved_and_announced(self, events.INVOICES, events.PAYMENTS)
        self.accept()
        return True

    @classmethod
    def ask(cls, parent=None, *, client_id: int | None = None,
            invoice_id: int | None = None) -> CreditNote | None:
        dialog = cls(parent, client_id=client_id, invoice_id=invoice_id)
        dialog.exec()
        return dialog.note
