"""One allocation rule: what the payment dialog previews is what the saved payment does.

A client with an old invoice under a signed settlement and two ongoing ones. Money that
names no invoice pays the ongoing invoices first (the settlement's invoice is paid by its
instalments). The preview once sorted by due date alone and promised the money to the
settled invoice, while the save sent it elsewhere.
"""
import datetime as dt
import re

import pytest

from models.ledger import services
from models.ledger.payments import Allocation
from models.negotiation import settlements as st
from ui.payments.payment_dialog import PaymentDialog
from ui.widgets.display import money_text

D = dt.date
AS_OF = D(2026, 11, 22)
SIGNED = D(2026, 10, 1)


pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def ledger(db, client):
    settled = services.add_invoice(client.id, "S-1", D(2026, 6, 1), "1,000", terms="נטו 30")
    first = services.add_invoice(client.id, "O-1", D(2026, 8, 1), "300", terms="נטו 30")
    second = services.add_invoice(client.id, "O-2", D(2026, 9, 1), "300", terms="נטו 30")
    draft = st.create_settlement(client.id, [settled.id], D(2026, 9, 25))
    st.sign_settlement(draft.id, SIGNED)
    return client, {inv.id: inv.number for inv in (settled, first, second)}


BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def previewed(dialog: PaymentDialog, numbers: dict[int, str]) -> dict[str, str]:
    """Invoice number -> the amount the preview shows for it (direction marks aside)."""
    text = BIDI_MARKS.sub("", dialog.preview.text())
    return {number: match.group(1) for number in numbers.values()
            if (match := re.search(re.escape(number) + r":\s*([^,\n]+)", text))}


def saved(payment, numbers: dict[int, str]) -> dict[str, str]:
    rows = Allocation.select().where(Allocation.payment == payment.id)
    return {numbers[row.invoice_id]: BIDI_MARKS.sub("", money_text(row.amount_agorot, "ILS"))
            for row in rows}


def pay(qtbot, client, amount: str, day: dt.date, check_date: dt.date | None = None):
    dialog = PaymentDialog(client_id=client.id)
    qtbot.addWidget(dialog)
    dialog.date.setDate(day)
    if check_date is not None:
        dialog.method.setCurrentIndex(dialog.method.findData("check"))
        dialog.check_number.setText("4411")
        dialog.check_date.setDate(check_date)
    dialog.amount.setText(amount)
    return dialog


def test_the_preview_shows_what_the_save_does_with_a_settlement_in_force(qtbot, ledger):
    client, numbers = ledger
    dialog = pay(qtbot, client, "400", AS_OF)
    shown = {number: amount.strip() for number, amount in previewed(dialog, numbers).items()}
    assert dialog.save()
    assert shown == saved(dialog.payment, numbers)
    assert set(shown) == {"O-1", "O-2"}  # the settled invoice is paid by its instalments


def test_a_post_dated_check_counts_from_its_own_date_in_the_preview_too(qtbot, ledger):
    # Received before the settlement was signed, dated after: on its own date the
    # settlement is in force, so the ongoing invoices come first.
    client, numbers = ledger
    dialog = pay(qtbot, client, "400", D(2026, 9, 28), check_date=D(2026, 10, 5))
    shown = {number: amount.strip() for number, amount in previewed(dialog, numbers).items()}
    assert dialog.save()
    assert shown == saved(dialog.payment, numbers)
    assert "S-1" not in shown


def test_before_the_settlement_the_oldest_invoice_comes_first_in_both(qtbot, ledger):
    client, numbers = ledger
    dialog = pay(qtbot, client, "400", D(2026, 9, 28))
    shown = {number: amount.strip() for number, amount in previewed(dialog, numbers).items()}
    assert dialog.save()
    assert shown == saved(dialog.payment, numbers)
    assert set(shown) == {"S-1"}
