"""Record that a check came back (bounced): asks the date, confirms, and reopens the
debt through models.ledger.services.bounce_payment. Nothing is deleted: the payment stays, marked."""
from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QVBoxLayout

from models.common.errors import GviaError
from models.ledger import services
from models.ledger.payments import Payment
from ui import events
from ui.i18n import _
from ui.widgets.date_edit import DateEdit as date_edit, pydate, qdate
from ui.widgets import clock
from ui.widgets.dialogs import GviaDialog
from ui.widgets.display import date_text, ltr, money_text
from ui.widgets.forms import ValidatedForm


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
        self.bounced_date = self.form.add_field("bounced_date", _("Returned on"), date_edit())
        self.bounced_date.setDate(qdate(max(clock.today(), payment.date)))
        layout.addWidget(self.form)
        buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        buttons.addButton(_("Record bounced check"), QDialogButtonBox.AcceptRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> bool:
        try:
            self.bounced = services.bounce_payment(self.payment_id,
                                                   pydate(self.bounced_date.date()))
        except GviaError as exc:
            self.form.show_error(exc)
            return False
        events.announce(events.PAYMENTS)
        self.accept()
        return True

    @classmethod
    def ask(cls, payment: Payment, parent=None) -> dt.date | None:
        dialog = cls(payment, parent)
        dialog.exec()
        return dialog.bounced.bounced_date if dialog.bounced else None
