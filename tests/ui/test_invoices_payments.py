"""Invoices and payments through the real dialogs: live due date from the client's
terms, the messages for a due date before the issue date and a duplicate number,
allocation (automatic, chosen, overpayment as credit), checks and bounced checks,
cancelling with confirmation, and the invoices list. End to end: add a client, an
invoice, a payment, and watch the client's balance in the list change."""
import datetime as dt

import pytest
from PySide6.QtCore import Qt

from models.ledger import services
from models.queries.client_list import client_summaries
from ui.clients.client_dialog import NewClientDialog
from ui.clients.client_table_model import Columns as ClientColumns
from ui.clients.clients_view import ClientsView
from ui.invoices import actions as invoice_actions
from ui.invoices.invoice_dialog import InvoiceDialog
from ui.invoices.invoice_table_model import Columns
from ui.invoices.invoices_view import InvoicesView
from ui.payments.bounce import BounceDialog
from ui.payments.payment_dialog import PaymentDialog

AS_OF = dt.date(2026, 11, 22)
D = dt.date


pytestmark = pytest.mark.usefixtures("isolated")


def invoice_dialog(qtbot, **kwargs) -> InvoiceDialog:
    dialog = InvoiceDialog(**kwargs)
    qtbot.addWidget(dialog)
    return dialog


def test_due_date_follows_the_clients_terms_live(qtbot, client):  # client: שוטף+30
    dialog = invoice_dialog(qtbot, client_id=client.id)
    dialog.issue_date.setDate(D(2026, 11, 5))
    assert dialog.due_date.date() == D(2026, 12, 30)
    assert dialog.terms.text() == "שוטף+30"
    dialog.issue_date.setDate(D(2026, 1, 31))
    assert dialog.due_date.date() == D(2026, 3, 2)
    dialog.due_date.setDate(D(2026, 4, 1))       # typed by the user: it wins
    dialog.issue_date.setDate(D(2026, 2, 1))
    assert dialog.due_date.date() == D(2026, 4, 1)
    dialog.number.setText("A-1")
    dialog.amount.setText("1,234.50")
    assert dialog.save()
    assert dialog.invoice.due_date == D(2026, 4, 1) and dialog.invoice.is_due_date_fixed
    assert dialog.invoice.amount_agorot == 123450


def test_date_fields_read_the_israeli_way_left_to_right(qtbot, client):
    dialog = invoice_dialog(qtbot, client_id=client.id)
    dialog.issue_date.setDate(D(2026, 11, 5))
    assert dialog.issue_date.text() == "05/11/2026"
    assert dialog.due_date.layoutDirection() == Qt.LeftToRight


def test_bad_invoice_input_is_explained_next_to_the_field(qtbot, client):
    services.add_invoice(client.id, "0012", D(2026, 11, 1), "100")
    dialog = invoice_dialog(qtbot, client_id=client.id)
    dialog.number.setText("12")                          # same number as 0012
    dialog.amount.setText("500")
    assert not dialog.save()
    assert "כבר קיים" in dialog.form.error_text("number")
    dialog.number.setText("13")
    dialog.issue_date.setDate(D(2026, 11, 10))
    dialog.due_date.setDate(D(2026, 11, 1))
    assert not dialog.save()
    assert "מוקדם" in dialog.form.error_text("due_date")
    assert dialog.form.error_text("number") == ""
    dialog.due_date.setDate(D(2026, 11, 30))
    dialog.amount.setText("-5")
    assert not dialog.save()
    assert "חיובי" in dialog.form.error_text("amount")
    dialog.amount.setText("500")
    assert dialog.save()


def test_edit_and_dispute_an_invoice(qtbot, client):
    invoice = services.add_invoice(client.id, "E-1", D(2026, 11, 1), "100")
    dialog = invoice_dialog(qtbot, invoice_id=invoice.id)
    assert dialog.number.text() == "E-1" and dialog.amount.text() == "100.00"
    dialog.amount.setText("150")
    dialog.disputed.setChecked(True)
    assert dialog.save()
    invoice = services.get_invoice(invoice.id)
    assert invoice.amount_agorot == 15000 and invoice.is_disputed


def test_editing_an_invoice_another_person_changed_shows_their_change_and_keeps_mine(
        qtbot, client):
    invoice = services.add_invoice(client.id, "E-2", D(2026, 11, 1), "100")
    dialog = invoice_dialog(qtbot, invoice_id=invoice.id)
    services.update_invoice(invoice.id, amount="120")  # another person saved first
    dialog.description.setText("עבודה נוספת")
    dialog.due_date.setDate(D(2026, 12, 20))
    dialog.amount.setText("130")  # the same field as theirs: theirs is shown
    assert not dialog.save()
    assert "מישהו אחר שינה" in dialog.form.general_error.text()
    assert dialog.amount.text() == "120.00"  # reloaded as stored, and marked
    assert "מישהו אחר" in dialog.form.error_text("amount")
    assert dialog.form.error_fields() == ["amount"]
    assert services.get_invoice(invoice.id).description == ""
    # What was typed in the fields they left alone is still there: Save again keeps it.
    assert dialog.description.text() == "עבודה נוספת"
    assert dialog.due_date.date() == D(2026, 12, 20)
    assert dialog.save()
    stored = services.get_invoice(invoice.id)
    assert (stored.amount_agorot, stored.description) == (12000, "עבודה נוספת")
    assert stored.due_date == D(2026, 12, 20) and stored.is_due_date_fixed


def test_invoice_without_a_client_asks_for_one(qtbot, db):
    dialog = invoice_dialog(qtbot)
    dialog.number.setText("1")
    dialog.amount.setText("10")
    assert not dialog.save()
    assert dialog.form.error_text("client") == "בחרו לקוח מהרשימה."


def payment_dialog(qtbot, **kwargs) -> PaymentDialog:
    dialog = PaymentDialog(**kwargs)
    qtbot.addWidget(dialog)
    return dialog


def test_automatic_allocation_preview_and_overpayment_as_credit(qtbot, client):
    services.add_invoice(client.id, "P-1", D(2026, 8, 1), "300")
    services.add_invoice(client.id, "P-2", D(2026, 9, 1), "200")
    dialog = payment_dialog(qtbot, client_id=client.id)
    assert dialog.invoices.count() == 2
    dialog.amount.setText("600")
    preview = dialog.preview.text()
    assert "P-1" in preview and "P-2" in preview and "100.00" in preview and "זיכוי" in preview
    dialog.reference.setText("TR-77")
    assert dialog.save()
    assert dialog.credit_agorot == 10000
    assert client_summaries(AS_OF)[client.id].credit_agorot == {"ILS": 10000}


def test_payment_to_chosen_invoices(qtbot, client):
    old = services.add_invoice(client.id, "C-1", D(2026, 8, 1), "300")
    new = services.add_invoice(client.id, "C-2", D(2026, 9, 1), "200")
    dialog = payment_dialog(qtbot, client_id=client.id, invoice_id=new.id)
    assert dialog.chosen.isChecked() and dialog.chosen_invoice_ids() == [new.id]
    dialog.amount.setText("200")
    assert "C-1" not in dialog.preview.text()
    assert dialog.save()
    assert services.allocated_agorot(new.id) == 20000
    assert services.allocated_agorot(old.id) == 0


def test_chosen_allocation_needs_a_ticked_invoice(qtbot, client):
    services.add_invoice(client.id, "T-1", D(2026, 8, 1), "300")
    dialog = payment_dialog(qtbot, client_id=client.id)
    dialog.chosen.setChecked(True)
    dialog.amount.setText("100")
    assert not dialog.save()
    assert dialog.form.error_text("invoices")


def test_check_needs_its_number_and_a_bounce_reopens_the_debt(qtbot, client):
    invoice = services.add_invoice(client.id, "K-1", D(2026, 8, 1), "300")
    dialog = payment_dialog(qtbot, client_id=client.id)
    assert not dialog.check_number.isVisibleTo(dialog)
    dialog.method.setCurrentIndex(dialog.method.findData("check"))
    assert dialog.check_number.isVisibleTo(dialog)
    dialog.amount.setText("300")
    assert not dialog.save()
    assert "מספר השיק" in dialog.form.error_text("check_number")
    dialog.check_number.setText("5001")
    dialog.check_bank.setText("12")
    dialog.check_date.setDate(D(2026, 12, 1))  # post-dated
    assert dialog.save()
    payment = dialog.payment
    assert payment.check_date == D(2026, 12, 1) and payment.check_number == "5001"

    bounce = BounceDialog(payment)
    qtbot.addWidget(bounce)
    bounce.bounced_date.setDate(D(2026, 12, 3))
    assert bounce.save()
    assert services.allocated_agorot(invoice.id) == 0
    again = BounceDialog(services.get_invoice(invoice.id).allocations[0].payment)
    qtbot.addWidget(again)
    assert not again.save()
    assert "כבר סומן" in again.form.error_text()


def test_add_client_invoice_payment_and_see_the_balance_change(qtbot, db):
    view = ClientsView(db)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.model.summaries is not None, timeout=5000)

    new_client = NewClientDialog()
    qtbot.addWidget(new_client)
    new_client.form.name.setText("סטודיו אור")
    new_client.form.terms.setEditText("נטו 30")
    assert new_client.save()
    client_id = new_client.client.id
    row = view.model.row_of(client_id)
    assert row is not None

    invoice = invoice_dialog(qtbot, client_id=client_id)
    invoice.number.setText("2026-001")
    invoice.issue_date.setDate(D(2026, 10, 1))
    assert invoice.due_date.date() == D(2026, 10, 31)
    invoice.amount.setText("1000")
    assert invoice.save()
    qtbot.waitUntil(lambda: "1,000.00" in (view.model.index(
        view.model.row_of(client_id), ClientColumns.OPEN).data() or ""), timeout=5000)
    assert "22" in view.model.index(view.model.row_of(client_id), ClientColumns.OLDEST_DAYS).data()

    payment = payment_dialog(qtbot, client_id=client_id)
    payment.amount.setText("400")
    assert payment.save()
    qtbot.waitUntil(lambda: "600.00" in (view.model.index(
        view.model.row_of(client_id), ClientColumns.OPEN).data() or ""), timeout=5000)


@pytest.fixture
def invoices_view(qtbot, db, client):
    services.add_invoice(client.id, "L-1", D(2026, 8, 1), "300")
    services.add_invoice(client.id, "L-2", D(2026, 11, 1), "200")
    view = InvoicesView(db)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5000)
    return view


def numbers(view):
    return [view.model.index(r, Columns.NUMBER).data().strip("\u2066\u2069")
            for r in range(view.model.rowCount())]


def test_invoices_list_sorts_and_filters_in_sql(qtbot, qtmodeltester, invoices_view):
    view = invoices_view
    assert numbers(view) == ["L-2", "L-1"]           # newest first
    qtmodeltester.check(view.model)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.table.sortByColumn(Columns.AMOUNT, Qt.DescendingOrder)
    assert numbers(view) == ["L-1", "L-2"]
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.state.setCurrentIndex(view.state.findData("overdue"))
    assert numbers(view) == ["L-1"]
    assert "L-1" in view.model.index(0, Columns.NUMBER).data()
    assert view.model.index(0, Columns.DAYS_OVERDUE).data().strip("\u2066\u2069") == \
        str((AS_OF - D(2026, 9, 30)).days)


def test_cancel_invoice_only_after_confirmation(qtbot, invoices_view, monkeypatch):
    view = invoices_view
    answers = iter([False, True])
    monkeypatch.setattr(invoice_actions.dialogs, "confirm", lambda *a: next(answers))
    view.table.select_row(0)
    view.cancel_invoice()
    invoice_id = view.model.line_at(0).id
    assert services.get_invoice(invoice_id).cancelled_date is None
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.cancel_invoice()
    assert services.get_invoice(invoice_id).cancelled_date == AS_OF
