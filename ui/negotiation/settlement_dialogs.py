"""Dialogs of the settlement page: a new settlement over chosen invoices, an instalment
payment, signing, reinstating after a breach and cancelling. Every rule is in models.negotiation.settlements; these collect the
fields and show the models' Hebrew errors next to the field they name."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
)

from models.common.errors import ValidationError
from models.ledger.payments import PAYMENT_METHODS
from models.negotiation import settlements
from models.negotiation.negotiations import latest_negotiation
from models.negotiation.settlement_status import reinstate_settlement, settlement_status
from models.queries.client_list import client_invoices
from ui import events
from ui.i18n import _
from ui.widgets import clock
from ui.widgets.date_edit import DateEdit, check_far_dates
from ui.widgets.dialogs import FormDialog
from ui.widgets.display import date_text, ltr, money_text
from ui.widgets.labels import payment_method_label

CHANGES = (events.NEGOTIATION, events.PAYMENTS, events.INVOICES, events.CONTACT_LOG,
           events.CLIENTS)


def ltr_edit(text: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setLayoutDirection(Qt.LeftToRight)
    edit.setAlignment(Qt.AlignRight | Qt.AlignAbsolute | Qt.AlignVCenter)
    return edit


def method_box(current: str = "transfer") -> QComboBox:
    box = QComboBox()
    for code in PAYMENT_METHODS:
        box.addItem(payment_method_label(code), code)
    box.setCurrentIndex(max(box.findData(current), 0))
    return box


def amount_text(agorot: int) -> str:
    """Agorot as the user types them back: 1234.50."""
    return f"{agorot // 100}.{agorot % 100:02d}"


class NewSettlementDialog(FormDialog):
    """Which open invoices the settlement covers and the first outline of its schedule;
    the draft is then refined on the settlement page."""
    changes = CHANGES

    def __init__(self, client_id: int, parent=None):
        super().__init__(_("New settlement"), parent)
        self.client_id = client_id
        self.settlement_id: int | None = None
        today = clock.today()
        self.invoices = self.form.add_field("invoices", _("Invoices it covers"), QListWidget())
        lines = [line for line in client_invoices(client_id, today)
                 if line.open_agorot > 0 and not line.cancelled_date]
        taken = settlements.taken_invoices([line.id for line in lines])
        # A settlement is in one currency: only the overdue ones of one are ticked, shekels
        # first, else the first listed.
        overdue = [line.currency for line in lines
                   if line.days_overdue > 0 and line.id not in taken]
        currency = "ILS" if "ILS" in overdue else (overdue[0] if overdue else None)
        for line in lines:
            other = taken.get(line.id)
            number = ltr(line.number)
            if other is not None:  # said first, so a narrow list still shows it
                number += " · " + _("in settlement of {date}").format(
                    date=date_text(other.agreement_date))
            text = _("{number} · due {due} · open {amount}").format(
                number=number, due=date_text(line.due_date),
                amount=money_text(line.open_agorot, line.currency))
            item = QListWidgetItem(text)
            item.setData(Qt.UserRole, line.id)
            if other is not None:
                # Shown, so the user sees why it is missing, but it cannot be chosen.
                item.setFlags(item.flags() & ~(Qt.ItemIsEnabled | Qt.ItemIsUserCheckable))
                item.setCheckState(Qt.Unchecked)
                item.setToolTip(_("This invoice is already in another settlement; cancel "
                                  "that settlement to cover it here."))
            else:
                # Overdue invoices are the debt; ones not yet due stay on their own terms.
                item.setCheckState(Qt.Checked if line.days_overdue > 0
                                   and line.currency == currency else Qt.Unchecked)
            self.invoices.addItem(item)
        self.agreement_date = self.form.add_field("agreement_date", _("Agreement date"),
                                                  DateEdit())
        self.agreement_date.setDate(today)
        self.discount = self.form.add_field("discount", _("Discount (₪)"), ltr_edit())
        self.down_payment = self.form.add_field("down_payment", _("Down payment (₪)"), ltr_edit())
        self.count = self.form.add_field("instalments", _("Instalments"), QSpinBox())
        self.count.setRange(1, 120)
        self.count.setValue(3)
        self.first_date = self.form.add_field("first_date", _("First instalment on"), DateEdit())
        self.first_date.setDate(settlements.instalment_dates(today, 2)[1])
        self.method = self.form.add_field("method", _("Paid by"), method_box())
        self.resize(560, 520)

    def chosen_ids(self) -> list[int]:
        items = [self.invoices.item(i) for i in range(self.invoices.count())]
        return [item.data(Qt.UserRole) for item in items
                if item.checkState() == Qt.Checked and item.flags() & Qt.ItemIsEnabled]

    def _save(self) -> None:
        agreed = self.agreement_date.required_date("agreement_date")
        first = self.first_date.required_date("first_date")
        check_far_dates(self, agreement_date=agreed, first_date=first)
        negotiation = latest_negotiation(self.client_id)
        created = settlements.create_settlement(
            self.client_id, self.chosen_ids(), agreed,
            discount_agorot=self.discount.text(), down_payment_agorot=self.down_payment.text(),
            instalment_count=self.count.value(), first_date=first,
            method=self.method.currentData(),
            negotiation_id=negotiation.id if negotiation else None)
        self.settlement_id = created.id

    @classmethod
    def ask(cls, client_id: int, parent=None) -> int | None:
        dialog = cls(client_id, parent=parent)
        dialog.exec()
        return dialog.settlement_id if dialog.saved else None


class InstalmentPaymentDialog(FormDialog):
    """Money toward the settlement, applied to the invoices it covers."""
    changes = CHANGES

    def __init__(self, settlement_id: int, parent=None):
        super().__init__(_("Record an instalment payment"), parent)
        self.settlement_id = settlement_id
        today = clock.today()
        status = settlement_status(settlement_id, today)
        nxt = status.tracking.next_line
        owed = nxt.line.amount_agorot - nxt.paid_agorot if nxt else 0
        line = next((l for l in settlements.instalments(settlement_id)
                     if nxt and l.seq == nxt.line.seq), None)
        self.payment_date = self.form.add_field("payment_date", _("Received on"), DateEdit())
        self.payment_date.setDate(today)
        self.amount = self.form.add_field("amount", _("Amount"), ltr_edit(amount_text(owed)))
        self.method = self.form.add_field("method", _("Method"),
                                          method_box(line.method if line else "transfer"))
        self.check_number = self.form.add_field("check_number", _("Check number"),
                                                ltr_edit(line.check_number if line else ""))
        self.check_bank = self.form.add_field("check_bank", _("Bank"),
                                              QLineEdit(line.check_bank if line else ""))
        self.check_date = self.form.add_field("check_date", _("Check date"), DateEdit())
        self.check_date.setDate(nxt.line.due_date if nxt else today)
        self.reference = self.form.add_field("reference", _("Reference"), ltr_edit())
        self.method.currentIndexChanged.connect(self._show_check_fields)
        self._show_check_fields()
        self.resize(460, 320)

    def _show_check_fields(self) -> None:
        is_check = self.method.currentData() == "check"
        for name in ("check_number", "check_bank", "check_date"):
            self.form.set_row_visible(name, is_check)

    def _save(self) -> None:
        is_check = self.method.currentData() == "check"
        received = self.payment_date.required_date("payment_date")
        check_date = self.check_date.required_date("check_date") if is_check else None
        check_far_dates(self, payment_date=received, check_date=check_date)
        settlements.record_instalment_payment(
            self.settlement_id, received, self.amount.text(),
            method=self.method.currentData(), reference=self.reference.text() or None,
            check_number=self.check_number.text() if is_check else "",
            check_bank=self.check_bank.text() if is_check else "",
            check_date=check_date)


class SignDialog(FormDialog):
    """Both sides signed the agreement on a date: the settlement becomes final."""
    changes = CHANGES

    def __init__(self, settlement_id: int, parent=None):
        super().__init__(_("Sign the settlement"), parent)
        self.settlement_id = settlement_id
        note = QLabel(_("Once signed, the settlement's figures can no longer be changed; it "
                        "can only be cancelled. Sign only when every point is agreed and both "
                        "sides have signed the printed agreement."))
        note.setWordWrap(True)
        self.layout().insertWidget(0, note)
        self.signed_date = self.form.add_field("signed_date", _("Signed on"), DateEdit())
        self.signed_date.setDate(clock.today())
        self.resize(460, 220)

    def _save(self) -> None:
        signed = self.signed_date.required_date("signed_date")
        check_far_dates(self, signed_date=signed)
        settlements.sign_settlement(self.settlement_id, signed)


class CancelSettlementDialog(FormDialog):
    changes = CHANGES

    def __init__(self, settlement_id: int, parent=None):
        super().__init__(_("Cancel the settlement"), parent)
        self.settlement_id = settlement_id
        self.cancelled_date = self.form.add_field("cancelled_date", _("Cancelled on"),
                                                  DateEdit())
        self.cancelled_date.setDate(clock.today())
        self.reason = self.form.add_field("reason", _("Reason"), QLineEdit())
        self.resize(460, 200)

    def _save(self) -> None:
        cancelled = self.cancelled_date.required_date("cancelled_date")
        check_far_dates(self, cancelled_date=cancelled)
        settlements.cancel_settlement(self.settlement_id, cancelled, self.reason.text())


class ReinstateSettlementDialog(FormDialog):
    """The user puts a breached settlement back in force, on a day and for a reason."""
    changes = CHANGES

    def __init__(self, settlement_id: int, parent=None):
        super().__init__(_("Reinstate the settlement"), parent)
        self.settlement_id = settlement_id
        note = QLabel(_("A breached settlement stays breached, with its whole balance due, "
                        "until you reinstate it. From the day you reinstate it, only the "
                        "payments due after that day count; the reason goes to the contact "
                        "log."))
        note.setWordWrap(True)
        self.layout().insertWidget(0, note)
        self.reinstated_date = self.form.add_field("reinstated_date", _("Reinstated on"),
                                                   DateEdit())
        self.reinstated_date.setDate(clock.today())
        self.reason = self.form.add_field("reason", _("Reason"), QLineEdit())
        self.reason.setPlaceholderText(_("e.g. the debtor paid the missed instalment"))
        self.resize(480, 240)

    def _save(self) -> None:
        reinstated = self.reinstated_date.required_date("reinstated_date")
        check_far_dates(self, reinstated_date=reinstated)
        reinstate_settlement(self.settlement_id, reinstated, self.reason.text())


class InstalmentDialog(FormDialog):
    """Change one instalment of a draft: date, amount, method, check number and bank."""
    changes = CHANGES

    def __init__(self, settlement_id: int, seq: int, parent=None):
        super().__init__(_("Instalment {n}").format(n=seq), parent)
        self.settlement_id, self.seq = settlement_id, seq
        line = next((l for l in settlements.instalments(settlement_id) if l.seq == seq), None)
        if line is None:  # replaced meanwhile (recalculated in another window)
            raise ValidationError(_("This instalment no longer exists; reopen the settlement."))
        self.due_date = self.form.add_field("due_date", _("Due on"), DateEdit())
        self.due_date.setDate(line.due_date)
        self.amount = self.form.add_field("amount", _("Amount"),
                                          ltr_edit(amount_text(line.amount_agorot)))
        self.method = self.form.add_field("method", _("Paid by"), method_box(line.method))
        self.check_number = self.form.add_field("check_number", _("Check number"),
                                                ltr_edit(line.check_number))
        self.check_bank = self.form.add_field("check_bank", _("Bank"), QLineEdit(line.check_bank))
        self.resize(440, 300)

    def _save(self) -> None:
        from models.common.money import parse_amount

        try:
            amount = parse_amount(self.amount.text())
        except ValidationError as exc:
            raise ValidationError(str(exc), field="amount") from None
        lines = [settlements.InstalmentInput(
            l.due_date, l.amount_agorot, l.method, l.check_number, l.check_bank)
            for l in settlements.instalments(self.settlement_id) if l.seq != self.seq]
        due = self.due_date.required_date("due_date")
        check_far_dates(self, due_date=due)
        lines.append(settlements.InstalmentInput(
            due, amount, self.method.currentData(),
            self.check_number.text(), self.check_bank.text()))
        settlements.set_instalments(self.settlement_id, lines)
