"""The ledger flows through their screens: a new credit note whose invoices are ticked by
the allocation rule until the user ticks otherwise; the invoices list and the client card
saying the same "pending until 05/01" for a post-dated check; a bounced check recorded
with its reason and the bank's fee; and a public body chosen in the client form, with the
law's limit pointed out under its terms and recommended by the terms guide."""
import datetime as dt

import pytest
from PySide6.QtCore import Qt

from models.contact.contact_log import timeline
from models.ledger import services
from models.ledger.clients import CLIENT_KINDS
from models.queries.aging import aging_report
from models.queries.client_list import client_invoices
from ui.clients.client_card import ClientCard
from ui.clients.client_dialog import NewClientDialog
from ui.invoices.credit_note_dialog import CreditNoteDialog
from ui.invoices.invoice_table_model import Columns
from ui.invoices.invoices_view import InvoicesView
from ui.payments.bounce import BounceDialog
from ui.prevention.terms_guide import TermsGuideDialog

D = dt.date
TODAY = D(2026, 12, 20)

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def today() -> dt.date:
    return TODAY


def ticked(dialog: CreditNoteDialog) -> list[str]:
    return [dialog._numbers[i] for i in dialog.chosen_invoice_ids()]


def test_a_credit_note_ticks_the_oldest_invoices_and_lowers_the_debt(qtbot, client):
    services.add_invoice(client.id, "C-3", D(2026, 11, 1), "500", due_date=D(2026, 12, 1))
    services.add_invoice(client.id, "C-1", D(2026, 9, 1), "500", due_date=D(2026, 10, 1))
    services.add_invoice(client.id, "C-2", D(2026, 10, 1), "500", due_date=D(2026, 11, 1))
    dialog = CreditNoteDialog(client_id=client.id)
    qtbot.addWidget(dialog)
    assert not dialog.client.isEnabled()  # opened for this client
    dialog.amount.setText("700")
    assert ticked(dialog) == ["C-1", "C-2"]  # oldest due first, as a payment would go
    assert "C-1" in dialog.preview.text() and "200.00" in dialog.preview.text()
    dialog.amount.setText("300")
    assert ticked(dialog) == ["C-1"]
    # The user's choice wins from the first tick on.
    row = next(i for i in range(dialog.invoices.count())
               if "C-3" in dialog.invoices.item(i).text())
    dialog.invoices.item(row).setCheckState(Qt.Checked)
    dialog.amount.setText("900")
    assert ticked(dialog) == ["C-1", "C-3"]

    assert not dialog.save()  # no number yet
    assert dialog.form.error_text("number")
    dialog.number.setText("Z-100")
    dialog.amount.setText("1001")  # more than the two ticked invoices were issued for
    assert not dialog.save()
    assert "1,000.00" in dialog.form.error_text("amount")
    dialog.amount.setText("900")
    dialog.reason.setText("הנחה בעקבות תלונה")
    assert dialog.save()
    assert dialog.note.reason == "הנחה בעקבות תלונה" and dialog.credit_agorot == 0
    open_now = {line.number: line.open_agorot for line in client_invoices(client.id, TODAY)}
    assert open_now == {"C-1": 0, "C-2": 50_000, "C-3": 10_000}
    (row,) = [r for r in aging_report(TODAY).rows if r.client_id == client.id]
    assert row.total == 60_000


def test_a_credit_note_from_a_selected_invoice_starts_on_it(qtbot, client):
    services.add_invoice(client.id, "E-1", D(2026, 9, 1), "500", due_date=D(2026, 10, 1))
    later = services.add_invoice(client.id, "E-2", D(2026, 10, 1), "500",
                                 due_date=D(2026, 11, 1))
    dialog = CreditNoteDialog(invoice_id=later.id)
    qtbot.addWidget(dialog)
    dialog.amount.setText("100")
    assert ticked(dialog) == ["E-2"]  # the invoice the user chose, not the rule's
    dialog.invoices.item(1).setCheckState(Qt.Unchecked)
    dialog.number.setText("Z-101")
    assert not dialog.save()
    assert dialog.form.error_text("invoices")


def test_the_list_and_the_card_both_say_pending_until_the_checks_date(qtbot, db, client):
    inv = services.add_invoice(client.id, "P-1", D(2026, 11, 1), "800", due_date=D(2026, 12, 1))
    services.record_payment(client.id, TODAY, "800", method="check", check_number="77",
                            check_date=D(2027, 1, 5), invoice_ids=[inv.id])
    view = InvoicesView(db)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    listed = view.model.index(0, Columns.STATE).data()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.state.setCurrentIndex(view.state.findData("paid"))
    assert view.model.rowCount() == 0  # not paid until the check's date
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.state.setCurrentIndex(view.state.findData("pending"))
    assert view.model.rowCount() == 1

    card = ClientCard(client.id)
    qtbot.addWidget(card)
    state_column = [c.header() for c in card.invoices_model.columns].index("מצב")
    on_card = card.invoices_model.index(0, state_column).data()
    assert listed == on_card == "בהמתנה עד 05/01"


def test_a_bounce_records_its_reason_and_the_banks_fee(qtbot, client):
    inv = services.add_invoice(client.id, "B-1", D(2026, 10, 1), "1000", due_date=D(2026, 11, 1))
    check = services.record_payment(client.id, D(2026, 11, 20), "1000", method="check",
                                    check_number="4521", invoice_ids=[inv.id])
    dialog = BounceDialog(check)
    qtbot.addWidget(dialog)
    assert [dialog.reason.itemText(i) for i in range(dialog.reason.count())][:2] == [
        "אין כיסוי מספיק", "הוראת ביטול של המושך"]
    dialog.bounced_date.setDate(D(2026, 11, 30))
    dialog.reason.setCurrentIndex(dialog.reason.findData("other"))
    dialog.fee.setText("abc")
    assert not dialog.save()
    assert dialog.form.error_text("note") or dialog.form.error_text("fee")
    dialog.note.setText("החשבון מעוקל")
    dialog.fee.setText("20")
    assert dialog.save()
    lines = {line.number: (line.kind, line.open_agorot) for line in
             client_invoices(client.id, TODAY)}
    assert lines["B-1"] == ("invoice", 100_000)
    assert [v for k, v in lines.items() if k != "B-1"] == [("fee", 2_000)]
    assert "החשבון מעוקל" in timeline(client.id)[0].summary


def test_a_public_body_is_chosen_in_the_form_and_its_limit_is_pointed_out(qtbot, db):
    dialog = NewClientDialog()
    qtbot.addWidget(dialog)
    form = dialog.form
    assert [form.kind.itemData(i) for i in range(form.kind.count())] == list(CLIENT_KINDS)
    form.name.setText("משרד הבריאות")
    form.kind.setCurrentIndex(form.kind.findData("public_body"))
    form.terms.setEditText("שוטף+60")
    assert form.terms_note.isVisibleTo(dialog)
    assert "שוטף+60" in form.terms_note.text() and "שוטף+30" in form.terms_note.text()
    form.terms.setEditText("שוטף+30")
    assert not form.terms_note.isVisibleTo(dialog)
    assert dialog.save()
    client = dialog.client
    assert client.kind == "public_body"

    card = ClientCard(client.id)
    qtbot.addWidget(card)
    assert card.subtitle.text().startswith("גוף ציבורי")
    assert card.form.kind.currentData() == "public_body"
    guide = TermsGuideDialog(client.id)
    qtbot.addWidget(guide)
    assert guide.payer_kind() == "public_body"
    guide.job_amount.setText("50000")
    assert guide.recommend()
    assert guide.recommendation.terms == "שוטף+30" and guide.recommendation.deposit_percent == 0


def test_tab_walks_the_new_dialogs_in_reading_order(qtbot, client):
    from tests.ui.test_tab_order import check_order

    inv = services.add_invoice(client.id, "T-1", D(2026, 10, 1), "500")
    note = CreditNoteDialog()
    qtbot.addWidget(note)
    check_order(qtbot, note, must_visit=(note.client, note.number, note.date, note.amount,
                                         note.reason, note.invoices))
    check = services.record_payment(client.id, D(2026, 11, 20), "500", method="check",
                                    check_number="9", invoice_ids=[inv.id])
    bounce = BounceDialog(check)
    qtbot.addWidget(bounce)
    check_order(qtbot, bounce, must_visit=(bounce.bounced_date, bounce.reason, bounce.note,
                                           bounce.fee))
