"""Nothing typed is lost: a discount typed in a draft settlement survives adding a point;
leaving a page with unsaved changes asks Save / Discard / Cancel (the settings tabs, the
main window's screens and its close); the new-settlement dialog never ticks an invoice
that another settlement already covers."""
import datetime as dt

import pytest
from PySide6.QtCore import Qt

from models.db.settings import load_profile
from models.ledger import services
from models.negotiation import settlements
from ui.main_window import MainWindow
from ui.negotiation.limits_page import LimitsPage
from ui.negotiation.settlement_dialogs import NewSettlementDialog
from ui.negotiation.settlement_page import SettlementPage
from ui.settings.settings_view import SettingsView
from ui.widgets import unsaved

AS_OF = dt.date(2026, 11, 22)

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def debtor(client):
    services.add_invoice(client.id, "INV-7", dt.date(2026, 6, 1), "6000")
    services.add_invoice(client.id, "INV-8", dt.date(2026, 7, 1), "3000")
    return client


@pytest.fixture
def answers(monkeypatch):
    """The prompt's answers, in order; every question asked is recorded."""
    asked, queue = [], []

    def ask(parent):
        asked.append(parent)
        return queue.pop(0)
    monkeypatch.setattr(unsaved, "ask_save", ask)
    return asked, queue


def draft(client_id: int) -> int:
    return settlements.create_settlement(client_id, _invoice_ids(client_id), AS_OF,
                                         instalment_count=3,
                                         first_date=dt.date(2026, 12, 31)).id


def _invoice_ids(client_id: int) -> list[int]:
    from models.ledger.invoices import Invoice
    return [i.id for i in Invoice.select().where(Invoice.client == client_id)]


def test_a_typed_discount_survives_adding_and_removing_a_point(qtbot, debtor, answers):
    page = SettlementPage(debtor.id)
    qtbot.addWidget(page)
    page.refresh(select_id=draft(debtor.id))
    page.discount.setText("500")
    page.count.setValue(5)
    assert page.is_dirty()

    page.point_text.setText("מי משלם את עמלות הבנק")
    assert page.add_point()
    assert page.points.count() == 1                      # the point was stored and shown
    assert page.discount.text() == "500" and page.count.value() == 5
    page.points.setCurrentRow(0)
    page.remove_point()
    assert page.points.count() == 0
    assert page.discount.text() == "500" and page.count.value() == 5
    assert answers[0] == []                              # nothing needed asking

    assert page.replan()                                 # now saved: shown as stored
    stored = settlements.get_settlement(page.selected_id())
    assert stored.discount_agorot == 50000 and len(settlements.instalments(stored.id)) == 5
    assert page.discount.text() == "500.00" and not page.is_dirty()


def test_signing_over_typed_terms_asks_first_and_cancel_keeps_them(qtbot, debtor, answers,
                                                                    monkeypatch):
    asked, queue = answers
    page = SettlementPage(debtor.id)
    qtbot.addWidget(page)
    page.refresh(select_id=draft(debtor.id))
    page.discount.setText("250")
    signed = []
    monkeypatch.setattr("ui.negotiation.settlement_dialogs.SignDialog.ask",
                        lambda sid, parent=None: signed.append(sid))
    queue.append(unsaved.CANCEL)
    page.sign()
    assert len(asked) == 1 and signed == [] and page.discount.text() == "250"
    queue.append(unsaved.SAVE)
    page.sign()
    assert signed == [page.selected_id()]
    assert settlements.get_settlement(page.selected_id()).discount_agorot == 25000


def test_starting_a_new_negotiation_over_typed_limits_asks(qtbot, debtor, answers):
    asked, queue = answers
    page = LimitsPage(debtor.id)
    qtbot.addWidget(page)
    page.start()
    first = page.negotiation.id
    page.minimum.setText("8000")
    queue.append(unsaved.CANCEL)
    page.start()
    assert page.negotiation.id == first and page.minimum.text() == "8000"
    queue.append(unsaved.SAVE)
    page.start()
    assert page.negotiation.id != first
    from models.negotiation.negotiations import Negotiation
    assert Negotiation.get_by_id(first).min_amount_agorot == 800000


def test_leaving_a_dirty_settings_tab_asks_cancel_discard_save(qtbot, db, answers):
    asked, queue = answers
    view = SettingsView(db)
    qtbot.addWidget(view)
    view.show()
    profile = view.profile_page
    assert view.tabs.currentWidget() is profile and not profile.is_dirty()
    profile.fields["name"].setText("סטודיו לוי")
    assert profile.is_dirty()

    queue.append(unsaved.CANCEL)
    view.tabs.setCurrentWidget(view.dunning_page)
    assert view.tabs.currentWidget() is profile            # stayed
    assert profile.fields["name"].text() == "סטודיו לוי"   # the typing intact
    assert len(asked) == 1

    queue.append(unsaved.DISCARD)
    view.tabs.setCurrentWidget(view.dunning_page)
    assert view.tabs.currentWidget() is view.dunning_page  # left
    assert profile.fields["name"].text() == load_profile().name != "סטודיו לוי"
    assert not profile.is_dirty()

    view.tabs.setCurrentWidget(profile)                    # clean: nothing asked
    assert len(asked) == 2
    profile.fields["name"].setText("סטודיו לוי")
    queue.append(unsaved.SAVE)
    view.tabs.setCurrentWidget(view.prevention_page)
    assert view.tabs.currentWidget() is view.prevention_page
    assert load_profile().name == "סטודיו לוי" and not profile.is_dirty()


def test_saving_a_page_that_cannot_be_saved_stays_on_it(qtbot, db, answers):
    asked, queue = answers
    view = SettingsView(db)
    qtbot.addWidget(view)
    view.show()
    view.tabs.setCurrentWidget(view.prevention_page)
    view.prevention_page.large_job.setText("not money")
    queue.append(unsaved.SAVE)
    view.tabs.setCurrentWidget(view.backups_page)
    assert view.tabs.currentWidget() is view.prevention_page
    assert view.prevention_page.form.error_text("large_job_agorot")
    view.prevention_page.discard()


def test_switching_screens_and_closing_the_window_with_a_dirty_page_asks(qtbot, db, client,
                                                                        answers):
    asked, queue = answers
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    settings = window.go_to("settings")
    settings.profile_page.fields["city"].setText("חיפה")

    queue.append(unsaved.CANCEL)
    window.go_to("clients")
    assert window.current_key() == "settings" and window.stack.currentWidget() is settings
    assert settings.profile_page.fields["city"].text() == "חיפה"

    queue.append(unsaved.CANCEL)
    window.close()
    assert window.isVisible() and len(asked) == 2           # still open, still typed
    assert settings.profile_page.fields["city"].text() == "חיפה"

    queue.append(unsaved.DISCARD)
    window.close()
    assert not window.isVisible()
    assert load_profile().city != "חיפה"


def test_closing_a_client_card_with_typed_details_asks(qtbot, debtor, answers):
    from ui.clients.client_card import ClientCard

    asked, queue = answers
    card = ClientCard(debtor.id)  # deletes itself once closed (not left to qtbot)
    card.show()
    card.form.city.setText("אילת")
    services.add_invoice(debtor.id, "INV-9", dt.date(2026, 8, 1), "100")
    from ui import events
    events.announce(events.INVOICES)                        # the card reloads …
    assert card.form.city.text() == "אילת"                  # … and keeps the typing
    queue.append(unsaved.CANCEL)
    card.reject()
    assert card.isVisible()
    queue.append(unsaved.SAVE)
    card.reject()
    assert not card.isVisible()
    assert services.get_client(debtor.id).city == "אילת"


def test_the_new_settlement_dialog_leaves_out_an_invoice_of_another_settlement(qtbot, debtor):
    ids = _invoice_ids(debtor.id)
    other = settlements.create_settlement(debtor.id, ids[:1], AS_OF, instalment_count=2,
                                          first_date=dt.date(2026, 12, 31))
    dialog = NewSettlementDialog(debtor.id)
    qtbot.addWidget(dialog)
    items = [dialog.invoices.item(i) for i in range(dialog.invoices.count())]
    taken = next(i for i in items if i.data(Qt.UserRole) == ids[0])
    assert taken.checkState() == Qt.Unchecked and not taken.flags() & Qt.ItemIsEnabled
    assert "בהסדר מיום \u206622/11/2026" in taken.text()  # the date isolated, as all dates
    assert dialog.chosen_ids() == [ids[1]]                   # the free overdue one only
    taken.setCheckState(Qt.Checked)                          # even forced, it is not chosen
    assert dialog.chosen_ids() == [ids[1]]
    assert dialog.save(), dialog.form.error_text("invoices")
    created = settlements.get_settlement(dialog.settlement_id)
    assert [i.id for i in settlements.covered_invoices(created.id)] == [ids[1]]
    assert settlements.taken_invoices(ids) == {ids[0]: other, ids[1]: created}


def test_the_new_settlement_dialog_ticks_the_overdue_invoices_of_one_currency(qtbot, debtor):
    ids = _invoice_ids(debtor.id)
    dollars = services.add_invoice(debtor.id, "USD-1", dt.date(2026, 7, 1), "300",
                                   currency="USD")
    dialog = NewSettlementDialog(debtor.id)
    qtbot.addWidget(dialog)
    assert sorted(dialog.chosen_ids()) == sorted(ids)     # the shekel debt, not the dollars
    assert dollars.id not in dialog.chosen_ids()
    assert dialog.save(), dialog.form.error_text("invoices")
