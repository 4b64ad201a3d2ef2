"""Prevention wired into the app: the terms guide from the client card and from the
new-client dialog, a deposit requested → received → applied on the card's Deposits tab
(the client's credit and open balance change), the deposits group on Today, and the
Prevention settings page with its validation."""
import datetime as dt

import pytest

from models.common.text import strip_marks
from models.collection.interest import load_late_payment_terms
from models.ledger import services
from models.prevention.deposits import deposits_for_client, load_policy
from models.queries.statistics import client_statistics
from ui.clients.client_card import ClientCard
from ui.clients.client_dialog import NewClientDialog
from ui.prevention import deposits_tab
from ui.prevention.prevention_page import PreventionPage
from ui.prevention.terms_guide import TermsGuideDialog
from ui.today.today_view import TodayView

AS_OF = dt.date(2026, 11, 22)
TIMEOUT = 10000


pytestmark = pytest.mark.usefixtures("isolated")


def run_modal(monkeypatch, cls, drive):
    """Replace `cls.exec` by `drive(dialog)`: the dialog is driven as the user would."""
    monkeypatch.setattr(cls, "exec", lambda self: drive(self))


def test_the_guide_from_the_client_card_stores_terms_and_the_card_shows_them(
        qtbot, client, monkeypatch):
    card = ClientCard(client.id)
    qtbot.addWidget(card)
    assert "שוטף+30" in card.subtitle.text()

    def walk(guide: TermsGuideDialog):
        assert guide.client_id == client.id
        guide.next_button.click()  # payer → recommendation
        guide.next_button.click()  # → terms on the calendar
        guide.kind_buttons["net"].click()
        guide.days_spin.setValue(14)
        guide.save_terms()
        return 1

    run_modal(monkeypatch, TermsGuideDialog, walk)
    card.guide_button.click()
    assert services.get_client(client.id).terms == "נטו 14"
    assert "נטו 14" in card.subtitle.text()


def test_the_guide_from_a_new_client_fills_the_terms_field(qtbot, db, monkeypatch):
    dialog = NewClientDialog()
    qtbot.addWidget(dialog)

    def walk(guide: TermsGuideDialog):
        assert guide.client_id is None
        guide.show_step(2)
        guide.kind_buttons["immediate"].click()
        return 1

    run_modal(monkeypatch, TermsGuideDialog, walk)
    dialog.guide_button.click()
    assert dialog.form.terms_value() == "מיידי"
    dialog.form.name.setText("לקוחה פרטית")
    assert dialog.save()
    assert dialog.client.terms == "מיידי"


def test_request_receive_and_apply_a_deposit_on_the_card(qtbot, client, monkeypatch):
    card = ClientCard(client.id)
    qtbot.addWidget(card)
    tab = card.deposits
    card.tabs.setCurrentWidget(tab)

    # request: a bad amount is shown next to its field, then a good request is listed
    def bad_then_good(dialog: deposits_tab.RequestDepositDialog):
        dialog.description.setText("אתר חדש — שלב א")
        dialog.amount.setText("abc")
        assert not dialog.save()
        # the message is shown next to the amount field and names what was typed
        assert not dialog.form.errors["amount"].isHidden()
        assert "'abc'" in strip_marks(dialog.form.error_text("amount"))
        dialog.amount.setText("3,000")
        dialog.requested_date.setDate(dt.date(2026, 11, 1))
        dialog.due_date.setDate(dt.date(2026, 11, 8))
        assert dialog.save()

    run_modal(monkeypatch, deposits_tab.RequestDepositDialog, bad_then_good)
    tab.request_button.click()
    assert tab.model.rowCount() == 1
    assert tab.model.item_at(0).status == "requested"
    assert not tab.apply_button.isEnabled()

    # receive: kept whole as credit on account
    tab.select_row(0)
    assert tab.receive_button.isEnabled()

    def receive(dialog: deposits_tab.ReceiveDepositDialog):
        dialog.payment_date.setDate(dt.date(2026, 11, 10))
        dialog.reference.setText("TR-778")
        assert dialog.save()

    run_modal(monkeypatch, deposits_tab.ReceiveDepositDialog, receive)
    tab.receive_button.click()
    assert tab.model.item_at(0).status == "received"
    assert card.payments_model.rowCount() == 1
    assert card.payments_model.item_at(0).credit_agorot == 300_000

    # the job's invoice is issued; the deposit is applied to it
    invoice = services.add_invoice(client.id, "J-1", dt.date(2026, 11, 15), "10,000")
    tab.select_row(0)
    assert tab.apply_button.isEnabled()

    def apply(dialog: deposits_tab.ApplyDepositDialog):
        assert dialog.invoice.currentData() == invoice.id
        assert dialog.save()

    run_modal(monkeypatch, deposits_tab.ApplyDepositDialog, apply)
    tab.apply_button.click()
    deposit = deposits_for_client(client.id)[0]
    assert deposit.status == "applied" and deposit.invoice_id == invoice.id
    assert tab.model.item_at(0).status == "applied"
    assert card.payments_model.item_at(0).credit_agorot == 0
    open_line = next(i for i in card.invoices_model.items() if i.number == "J-1")
    assert open_line.open_agorot == 700_000
    assert client_statistics(client.id, AS_OF).open_agorot == {"ILS": 700_000}
    assert "7,000" in card.summary.values["open"].text()


def test_apply_without_an_open_invoice_says_what_to_do(qtbot, client, monkeypatch):
    from models.prevention.deposits import receive_deposit, request_deposit

    deposit = request_deposit(client.id, "ייעוץ", "500", requested_date=AS_OF, due_date=AS_OF)
    receive_deposit(deposit.id, AS_OF)
    dialog = deposits_tab.ApplyDepositDialog(deposit.id)
    qtbot.addWidget(dialog)
    assert dialog.invoice.count() == 0
    assert not dialog.save()
    assert "חשבונית" in dialog.form.general_error.text()


def test_today_lists_deposits_due_with_a_click_to_the_card(qtbot, client, monkeypatch):
    from models.prevention.deposits import request_deposit

    request_deposit(client.id, "צילומי מוצר", "1,500", requested_date=dt.date(2026, 11, 10),
                    due_date=dt.date(2026, 11, 15))
    view = TodayView()
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        view.show()
    group = view.model.group("deposits")
    assert group is not None and len(group.tasks) == 1
    task = group.tasks[0]
    assert task.client_id == client.id and task.amounts == {"ILS": 150_000}
    assert task.is_alert  # 7 days late: the work waits
    assert "צילומי מוצר" in task.details
    assert view.tree.isVisible()
    opened = []
    monkeypatch.setattr(ClientCard, "open", classmethod(
        lambda cls, client_id, parent=None: opened.append(client_id)))
    view.run_action(task)
    assert opened == [client.id]


def test_prevention_settings_validate_and_save(qtbot, db):
    page = PreventionPage()
    qtbot.addWidget(page)
    page.load()
    assert page.new_client.value() == 30
    page.new_client.setValue(40)
    page.interest.setText("abc")
    assert not page.save()
    assert page.form.errors["interest_rate_percent"].text()
    assert load_policy().new_client_deposit_percent == 30  # nothing stored half-way
    page.interest.setText("6.5")
    page.fee.setText("150")
    assert page.save()
    assert load_policy().new_client_deposit_percent == 40
    terms = load_late_payment_terms()
    assert str(terms.annual_rate_percent) == "6.5" and terms.collection_fee_agorot == 15_000
