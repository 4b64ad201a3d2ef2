"""Record that a check came back (bounced): the day, why (the bank's reason, or the user's
words), and the bank's fee, which is added to the client's debt as a fee line. One call,
models.contact.bounces.record_bounce, reopens the debt (models.ledger.services.bounce_payment)
and writes the contact log entry with the reason. Nothing is deleted: the payment stays,
marked."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout

from models.common.errors import GviaError
from models.contact.bounces import record_bounce
from models.ledger.payments import BOUNCE_REASONS, Payment
from ui import events
from ui.i18n import _
from ui.widgets import clock
from ui.widgets.date_edit import DateEdit
from ui.widgets.dialogs import GviaDialog
from ui.widgets.display import date_text, ltr, money_text
from ui.widgets.forms import ValidatedForm
from ui.widgets.saved import saved_and_announced


class BounceDialog(GviaDialog):
    def __init__(self, payment: Payment, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Bounced check"))
        self.payment_id = payment.id
        self.bounced: Payment | None = None
        layout = QVBoxLayout(self)
        text = QLabel(_("Check {number} of {amount}, received {date}, came back unpaid. "
                        "Its amount will be owed again on the invoices it paid.").format(
            number=ltr(payment.check_number), amount=money_text(payment.amount_agorot,
                                                                 payment.currency),
            date=date_text(payment.date)))
        text.setWordWrap(True)
        layout.addWidget(text)
        self.form = ValidatedForm()
        self.bounced_date = self.form.add_field(
            "bounced_date", _("Returned on"),
            DateEdit(max(clock.today(), payment.date), minimum=payment.date))
        self.reason = self.form.add_field("reason", _("Reason"), QComboBox())
        for code in BOUNCE_REASONS:
            self.reason.addItem(BOUNCE_REASONS[code], code)
        self.note = self.form.add_field("note", _("Details"), QLineEdit())
        self.note.setPlaceholderText(_("What the bank wrote, or what the client said"))
        self.fee = self.form.add_field("fee", _("Bank fee (₪)"), QLineEdit())
        self.fee.setLayoutDirection(Qt.LeftToRight)
        self.fee.setAlignment(Qt.AlignRight | Qt.AlignAbsolute | Qt.AlignVCenter)
        self.fee.setPlaceholderText("0.00")
        self.fee.setToolTip(_("What the bank charged you for the returned check. It is added "
                              "to the client's debt as a fee line; leave it empty if there "
                              "was none."))
        layout.addWidget(self.form)
        buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        buttons.addButton(_("Record bounced check"), QDialogButtonBox.AcceptRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> bool:
        self.form.clear_errors()
        try:
            record = record_bounce(self.payment_id,
                                   self.bounced_date.required_date("bounced_date"),
                                   self.reason.currentData(), note=self.note.text(),
                                   fee=self.fee.text())
        except GviaError as exc:
            self.form.show_error(exc)
            return False
        self.bounced = record.payment
        saved_and_announced(self, events.PAYMENTS, events.INVOICES, events.CONTACT_LOG)
        self.accept()
        return True

    @classmethod
    def ask(cls, payment: Payment, parent=None) -> dt.date | None:
        dialog = cls(payment, parent)
        dialog.exec()
        return dialog.bounced.bounced_date if dialog.bounced else None
