"""Tab walks every form the way it reads: from the first field down, right to left on a
row (the window is right to left; a left-to-right piece such as "date  time" is read left
to right), on to the next column, then Save and Cancel — and never lands on a hidden
widget. Each dialog is built over a real SQLite file and driven with real Tab presses."""
import datetime as dt

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QDialogButtonBox,
    QGroupBox,
    QScrollArea,
)

from models.ledger import services
from models.negotiation import settlements

D = dt.date
AS_OF = D(2026, 11, 22)
TOLERANCE = 4  # px

pytestmark = pytest.mark.usefixtures("isolated")


def rect_in(dialog, widget) -> QRect:
    return QRect(widget.mapTo(dialog, QPoint(0, 0)), widget.size())


def reads_left_to_right(a, b) -> bool:
    """Both inside one left-to-right piece of the form (a date and its time)."""
    parent = a.parentWidget()
    while parent is not None and not parent.isWindow():
        if parent.isAncestorOf(b) and parent.layoutDirection() == Qt.LeftToRight:
            return True
        parent = parent.parentWidget()
    return False


def in_reading_order(dialog, a, b) -> bool:
    """b may follow a: on the same row after it, below it, or at the top of the next
    column (wholly beyond a in the reading direction)."""
    ra, rb = rect_in(dialog, a), rect_in(dialog, b)
    same_row = rb.top() < ra.bottom() - TOLERANCE and ra.top() < rb.bottom() - TOLERANCE
    if reads_left_to_right(a, b):
        after = rb.left() >= ra.right() - TOLERANCE
    else:
        after = rb.right() <= ra.left() + TOLERANCE
    if same_row:
        return after
    return rb.top() >= ra.top() - TOLERANCE or after


def is_input(widget) -> bool:
    """A field the user fills (the dialog's own buttons and mere scroll containers aside)."""
    if isinstance(widget, QScrollArea) or isinstance(widget.parentWidget(), QDialogButtonBox):
        return False
    return not (isinstance(widget, QAbstractButton) and not widget.isCheckable()) \
        or isinstance(widget, QGroupBox)


def tab_walk(qtbot, dialog, limit: int = 80) -> list:
    """Focus the first field, press Tab until focus comes back to it."""
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.focusWidget() is not None, timeout=2000)
    first = dialog.focusWidget()  # where the dialog opens: its first field
    assert dialog.isAncestorOf(first)
    visited = [first]
    for _press in range(limit):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key_Tab)
        widget = dialog.focusWidget()
        if widget is first:
            return visited
        assert widget not in visited, f"Tab is stuck around {widget!r}"
        visited.append(widget)
    raise AssertionError("Tab never came back to the first field")


def check_order(qtbot, dialog, must_visit=()) -> list:
    visited = tab_walk(qtbot, dialog)
    hidden = [w for w in visited if not w.isVisible()]
    assert not hidden, f"Tab lands on hidden widgets: {hidden}"
    for widget in must_visit:
        assert widget in visited, f"Tab never reaches {widget!r}"
    inputs = [w for w in visited if is_input(w)]
    for a, b in zip(inputs, inputs[1:]):
        assert in_reading_order(dialog, a, b), (
            f"Tab goes from {a!r} at {rect_in(dialog, a)} back to {b!r} at {rect_in(dialog, b)}")
    buttons = [w for w in visited if isinstance(w.parentWidget(), QDialogButtonBox)]
    if buttons:  # Save and Cancel come after every field
        assert visited.index(buttons[0]) > max(visited.index(w) for w in inputs)
    return visited


@pytest.fixture
def ledger(db, client):
    invoice = services.add_invoice(client.id, "A-1", D(2026, 8, 1), "1200")
    return client, invoice


@pytest.fixture
def settlement(ledger):
    client, invoice = ledger
    return settlements.create_settlement(client.id, [invoice.id], AS_OF, instalment_count=3)


def test_new_client(qtbot, db):
    from ui.clients.client_dialog import NewClientDialog

    dialog = NewClientDialog()
    qtbot.addWidget(dialog)
    form = dialog.form
    visited = check_order(qtbot, dialog, [form.name, form.terms, dialog.guide_button,
                                           form.notes])
    assert visited.index(dialog.guide_button) == visited.index(form.terms) + 1


def test_invoice(qtbot, ledger):
    from ui.invoices.invoice_dialog import InvoiceDialog

    dialog = InvoiceDialog()
    qtbot.addWidget(dialog)
    check_order(qtbot, dialog, [dialog.client, dialog.issue_date, dialog.due_date,
                                dialog.amount, dialog.disputed])


def test_payment_with_and_without_check_fields(qtbot, ledger):
    from ui.payments.payment_dialog import PaymentDialog

    client, _invoice = ledger
    dialog = PaymentDialog(client_id=client.id)
    qtbot.addWidget(dialog)
    visited = check_order(qtbot, dialog, [dialog.date, dialog.amount, dialog.invoices])
    assert dialog.check_number not in visited  # hidden while the method is not a check
    dialog.method.setCurrentIndex(dialog.method.findData("check"))
    check_order(qtbot, dialog, [dialog.check_number, dialog.check_date])


def test_log_contact(qtbot, ledger):
    from ui.collection.log_dialog import LogContactDialog

    client, _invoice = ledger
    dialog = LogContactDialog(client_id=client.id)
    qtbot.addWidget(dialog)
    dialog.resize(900, 640)
    check_order(qtbot, dialog, [dialog.occurred.date_edit, dialog.occurred.time_edit,
                                dialog.summary, dialog.tactics_note, dialog.has_follow_up])


def test_new_settlement(qtbot, ledger):
    from ui.negotiation.settlement_dialogs import NewSettlementDialog

    client, _invoice = ledger
    dialog = NewSettlementDialog(client.id)
    qtbot.addWidget(dialog)
    visited = check_order(qtbot, dialog, [dialog.invoices, dialog.agreement_date,
                                          dialog.first_date, dialog.method])
    assert visited[0] is dialog.invoices  # not the Save button


@pytest.mark.parametrize("name", ["InstalmentPaymentDialog", "SignDialog",
                                  "CancelSettlementDialog", "ReinstateSettlementDialog"])
def test_settlement_dialogs(qtbot, settlement, name):
    from ui.negotiation import settlement_dialogs

    dialog = getattr(settlement_dialogs, name)(settlement.id)
    qtbot.addWidget(dialog)
    visited = check_order(qtbot, dialog)
    assert not isinstance(visited[0], QAbstractButton)  # a field comes first


def test_instalment(qtbot, settlement):
    from ui.negotiation.settlement_dialogs import InstalmentDialog

    dialog = InstalmentDialog(settlement.id, 1)
    qtbot.addWidget(dialog)
    check_order(qtbot, dialog, [dialog.due_date, dialog.amount, dialog.check_bank])


def test_first_run_welcome(qtbot, db):
    from ui.welcome import WelcomeDialog

    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    check_order(qtbot, dialog, [dialog.name])


def test_no_form_lets_a_text_box_swallow_tab(qtbot, db):
    """A multi-line box takes Tab as "next field" (else Tab would stop in the notes)."""
    from ui.clients.client_form import ClientForm

    form = ClientForm()
    qtbot.addWidget(form)
    boxes = [w for w in form.findChildren(QAbstractScrollArea)
             if hasattr(w, "tabChangesFocus")]
    assert boxes and all(box.tabChangesFocus() for box in boxes)
