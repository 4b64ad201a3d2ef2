"""The negotiation tab over a real database: set limits and see a proposal crossing them,
make a settlement of three instalments, print the agreement, record the first instalment,
miss the second and see the breach."""
import datetime as dt

import pytest
from PySide6.QtCore import Qt

from models.ledger import services
from models.letters.archive import Letter
from models.negotiation import negotiations as ng
from models.negotiation import settlements
from ui.clients.client_card import ClientCard
from ui.negotiation.limits_page import LimitsPage
from ui.negotiation.settlement_dialogs import (
    InstalmentPaymentDialog,
    NewSettlementDialog,
    ReinstateSettlementDialog,
    SignDialog,
)
from ui.negotiation.settlement_page import SettlementPage
from ui.widgets import clock

AS_OF = dt.date(2026, 11, 22)


pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def debtor(client):
    services.add_invoice(client.id, "INV-7", dt.date(2026, 6, 1), "6000")
    services.add_invoice(client.id, "INV-8", dt.date(2026, 7, 1), "3000")
    return client


def test_limits_page_prefills_the_opening_and_saves_limits(qtbot, debtor):
    page = LimitsPage(debtor.id)
    qtbot.addWidget(page)
    assert not page.save_button.isEnabled()
    page.start()
    assert page.opening.text() == "9000.00"
    page.minimum.setText("8,100")
    assert "10.0%" in page.discount.text()
    page.max_instalments.setValue(3)
    for check in page.checklist.values():
        check.setChecked(True)
    assert page.save()
    saved = ng.latest_negotiation(debtor.id)
    assert saved.min_amount_agorot == 810000 and saved.max_instalments == 3 and saved.is_prepared
    page.minimum.setText("9,500")
    assert not page.save()
    assert "גבוה מעמדת הפתיחה" in page.form.error_text("min_amount_agorot")


def test_settle_in_three_print_pay_one_miss_one_see_the_breach(qtbot, debtor, monkeypatch):
    negotiation = ng.start_negotiation(debtor.id, AS_OF)
    ng.update_negotiation(negotiation.id, min_amount_agorot=850000, max_instalments=3)
    card = ClientCard(debtor.id)
    qtbot.addWidget(card)
    case_file = card.negotiation.case_file  # prepare: study the file, print it
    from ui.negotiation.case_file_page import RelationDialog
    relation = RelationDialog(debtor.id)
    qtbot.addWidget(relation)
    relation.name.setText("דנה לוי")
    relation.role.setCurrentIndex(relation.role.findData("pays"))
    assert relation.save()
    assert "דנה לוי" in [r.name for r in case_file.relations.items()]
    assert case_file.pdf_path().read_bytes().startswith(b"%PDF")
    page = card.negotiation.settlement
    assert page.state.text().startswith("עדיין אין הסדר.")  # and the way to start one

    dialog = NewSettlementDialog(debtor.id)
    qtbot.addWidget(dialog)
    assert len(dialog.chosen_ids()) == 2  # both overdue invoices are ticked
    dialog.count.setValue(3)
    dialog.first_date.setDate(dt.date(2026, 12, 31))
    assert dialog.save()
    page.refresh(select_id=dialog.settlement_id)
    assert page.schedule_model.rowCount() == 3
    assert [r.line.due_date for r in page.schedule_model.items()] == [
        dt.date(2026, 12, 31), dt.date(2027, 1, 31), dt.date(2027, 2, 28)]

    # a proposal beyond the limits is flagged while it is typed
    page.count.setValue(4)
    page.discount.setText("600")
    assert page.warnings.isVisibleTo(page)
    assert "נמוך מהסכום המינימלי" in page.warnings.text() and "4 תשלומים" in page.warnings.text()
    page.discount.setText("")
    page.count.setValue(3)
    assert not page.warnings.isVisibleTo(page)

    page.point_text.setText("התשלומים בשיקים דחויים")
    assert page.add_point()
    signing = SignDialog(page.selected_id())
    qtbot.addWidget(signing)
    assert not signing.save()  # the point is still open
    assert "נקודה פתוחה" in signing.form.error_text()
    page.points.item(0).setCheckState(Qt.Checked)
    assert signing.save()
    assert settlements.get_settlement(page.selected_id()).status == "signed"
    assert not page.sign_button.isEnabled() and page.pay_button.isEnabled()

    shown = []
    monkeypatch.setattr(page, "show_letter", shown.append)
    page.print_letter("settlement")
    assert page.error == "" and shown and shown[0].archive_path.exists()
    assert Letter.select().where(Letter.kind == "settlement").count() == 1

    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 12, 31))
    payment = InstalmentPaymentDialog(page.selected_id())
    qtbot.addWidget(payment)
    assert payment.amount.text() == "3000.00"
    assert payment.save()
    assert "פעיל" in page.state.text()

    monkeypatch.setattr(clock, "today", lambda: dt.date(2027, 2, 5))
    page.refresh()
    assert "הופר" in page.state.text()
    states = [r.state for r in page.schedule_model.items()]
    assert states == ["paid", "missed", "upcoming"]


def test_case_file_page_shows_the_figures_and_keeps_its_records(qtbot, debtor):
    from ui.negotiation.case_file_page import (
        CaseFilePage,
        CaseRecordDialog,
        ExpenseDialog,
    )

    page = CaseFilePage(debtor.id)
    qtbot.addWidget(page)
    assert page.verdict.text()  # an indicator, whatever it says
    texts = [w.text() for w in page.summary.findChildren(type(page.verdict))]
    assert any("9,000.00" in t for t in texts)
    dialog = CaseRecordDialog(debtor.id)
    qtbot.addWidget(dialog)
    assert not dialog.save()  # a subject is required
    dialog.subject.setText("טענה על איכות העבודה")
    assert dialog.save()
    assert [r.subject for r in page.records.items()] == ["טענה על איכות העבודה"]
    expense = ExpenseDialog(debtor.id)
    qtbot.addWidget(expense)
    expense.amount.setText("30")
    expense.description.setText("דואר רשום")
    assert expense.save()
    assert page.case.cost.expenses_agorot == {"ILS": 3000}
    path = page.pdf_path()
    assert page.error == "" and path.read_bytes().startswith(b"%PDF")


def test_handover_page_lists_the_routes_and_builds_the_dossier(qtbot, debtor):
    from ui.negotiation.handover_page import HandoverPage

    page = HandoverPage(debtor.id)
    qtbot.addWidget(page)
    routes = page.model.items()
    assert len(routes) >= 4 and any(r.is_available for r in routes)
    page.view.select_row(0)
    assert routes[0].name in page.details.text()
    path = page.dossier()
    assert page.error == "" and path.exists()


def test_handover_texts_follow_the_interface_and_the_dossier_prints_them_in_hebrew(
        qtbot, debtor):
    """One HandoverOption for the screen and the dossier: with --lang en the page reads
    English, and the dossier (written inside translated_as("he")) prints the same texts in
    Hebrew."""
    import re
    import subprocess

    from models.common import i18n
    from ui.negotiation.handover_page import HandoverPage

    services.add_invoice(debtor.id, "OLD-1", dt.date(2019, 12, 1), "500")  # barred in 2027
    i18n.set_language("en")
    try:
        page = HandoverPage(debtor.id)
        qtbot.addWidget(page)
        page.view.select_row(0)
        shown = page.details.text() + "\n" + page.limitation.text()
        assert "An overdue debt in shekels" in shown and "An estimate only" in shown
        assert "becomes time-barred on" in page.limitation.text()
        assert not re.search("[\u0590-\u05ff]", shown), shown
        path = page.dossier()
    finally:
        i18n.set_language("he")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert {"בשקלים", "שמועד", "תשלומו", "יתיישן", "התנגדות"} <= set(re.findall(
        "[\u05d0-\u05ea]+", text))
    assert not re.search("overdue debt|time-barred|opposition|small claims", text), text


def test_rules_page_checks_and_keeps_the_caps(qtbot, db):
    from models.collection.handover import load_legal_rules
    from ui.negotiation.rules_page import NegotiationRulesPage

    page = NegotiationRulesPage()
    qtbot.addWidget(page)
    page.load()
    assert page.fields["small_claims_cap_agorot"].text() == "37700.00"
    page.fields["lawyer_fee_percent"].setText("abc")
    assert not page.save()
    assert page.form.error_text("lawyer_fee_percent")
    page.fields["lawyer_fee_percent"].setText("12.5")
    page.fields["small_claims_cap_agorot"].setText("38,900")
    page.grace.setValue(5)
    assert page.business_days.isChecked()  # instalment dates on business days, by default
    page.business_days.setChecked(False)
    assert page.save()
    assert not settlements.on_business_days()
    rules = load_legal_rules()
    assert rules.small_claims_cap_agorot == 3890000 and rules.lawyer_fee_percent == "12.5"
    assert settlements.grace_days() == 5


def test_today_shows_the_instalment_and_then_the_breach(qtbot, debtor, monkeypatch):
    from tests.ui.test_today_screen import open_today, tasks

    s = settlements.create_settlement(debtor.id, [i.id for i in debtor.invoices], AS_OF,
                                      instalment_count=2, first_date=dt.date(2026, 11, 25))
    settlements.sign_settlement(s.id, AS_OF)
    view = open_today(qtbot)
    due = tasks(view, "instalments")
    assert [t.source.seq for t in due] == [1] and due[0].action == "instalment"
    recorded = []
    monkeypatch.setattr(InstalmentPaymentDialog, "ask",
                        classmethod(lambda cls, sid, parent=None: recorded.append(sid)))
    view.run_action(due[0])
    assert recorded == [s.id]
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 12, 1))
    view2 = open_today(qtbot)
    breach = tasks(view2, "breaches")
    assert breach and breach[0].is_alert and breach[0].letter_kind == "final-warning"


def test_a_dispute_is_resolved_and_a_relationship_removed_from_the_case_file(qtbot, debtor):
    from ui.negotiation.case_file_page import CaseFilePage

    ng.add_case_record(debtor.id, "dispute", AS_OF, "איכות ההדפסה")
    ng.add_relation(debtor.id, "ours", "יוסי", "knows")
    page = CaseFilePage(debtor.id)
    qtbot.addWidget(page)
    page.records_view.select_row(0)
    page.set_record_status("resolved")
    assert [r.status for r in ng.case_records(debtor.id)] == ["resolved"]
    assert page.records.items()[0].status_name == "הוסדר"
    page.relations_view.select_row(0)
    page.remove_relation()
    assert ng.relations(debtor.id) == [] and page.relations.items() == []


def test_handover_page_reminds_when_legal_steps_were_not_allowed(qtbot, debtor):
    from ui.negotiation.handover_page import HandoverPage

    negotiation = ng.start_negotiation(debtor.id, AS_OF)
    page = HandoverPage(debtor.id)
    qtbot.addWidget(page)
    assert "העברה לטיפול משפטי" in page.limitation.text()
    ng.update_negotiation(negotiation.id, allow_legal=True)
    page.refresh()
    assert "העברה לטיפול משפטי" not in page.limitation.text()


def test_a_draft_instalment_takes_its_post_dated_check_and_the_sums_are_checked(qtbot, debtor):
    from ui.negotiation.settlement_dialogs import InstalmentDialog

    s = settlements.create_settlement(debtor.id, [i.id for i in debtor.invoices], AS_OF,
                                      instalment_count=2, method="check")
    page = SettlementPage(debtor.id)
    qtbot.addWidget(page)
    dialog = InstalmentDialog(s.id, 2)
    qtbot.addWidget(dialog)
    dialog.check_number.setText("004512")
    dialog.check_bank.setText("לאומי")
    assert dialog.save()
    line = settlements.instalments(s.id)[1]
    assert (line.check_number, line.check_bank, line.method) == ("004512", "לאומי", "check")
    assert "004512" in page.schedule_model.items()[1].method_text
    dialog = InstalmentDialog(s.id, 2)
    qtbot.addWidget(dialog)
    dialog.amount.setText("100")
    assert dialog.save()  # a draft may not add up yet; signing says so
    signing = SignDialog(s.id)
    qtbot.addWidget(signing)
    assert not signing.save() and "אינו שווה" in signing.form.error_text()


def test_a_breach_is_logged_stays_after_a_late_payment_and_is_reinstated_with_a_reason(
        qtbot, debtor, monkeypatch):
    from models.contact.contact_log import ContactLogEntry

    agreed = dt.date(2026, 7, 10)
    s = settlements.create_settlement(debtor.id, [i.id for i in debtor.invoices], agreed,
                                      instalment_count=2)
    settlements.sign_settlement(s.id, agreed)
    # 10/08/2026 is a Monday; it is missed, then paid late on 01/09
    settlements.record_instalment_payment(s.id, dt.date(2026, 9, 1), "4500")
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 9, 2))
    page = SettlementPage(debtor.id)
    qtbot.addWidget(page)
    assert "הופר" in page.state.text() and "באיחור" in page.state.text()
    assert page.reinstate_button.isEnabled()
    logged = [e.summary for e in ContactLogEntry.select().where(
        ContactLogEntry.client == debtor.id)]
    assert sum("הופר" in text for text in logged) == 1
    page.refresh()  # shown again: not logged twice
    assert sum("הופר" in e.summary for e in ContactLogEntry.select()) == 1

    dialog = ReinstateSettlementDialog(s.id)
    qtbot.addWidget(dialog)
    assert not dialog.save()
    assert "הסיבה" in dialog.form.error_text("reason")
    dialog.reason.setText("הלקוח שילם את התשלום הראשון והתחייב להמשיך")
    assert dialog.save()
    assert "פעיל" in page.state.text() and not page.reinstate_button.isEnabled()
    assert any("חודש" in e.summary for e in ContactLogEntry.select())


def _two_clients_for_the_engine():
    """One client past its final warning's deadline, one ten days overdue (AS_OF)."""
    from models.letters.archive import LetterRecord, record_letters

    late = services.add_client(name="מאוחרים בע\"מ", kind="company")
    services.add_invoice(late.id, "L-1", dt.date(2026, 8, 1), "2000", due_date=dt.date(2026, 9, 1))
    sent, deadline = dt.date(2026, 10, 20), dt.date(2026, 11, 3)
    record_letters([LetterRecord(late.id, "final-warning", sent, sent, "", 200000, "ILS",
                                 deadline, "final-warning.pdf", 1, 1)])
    fresh = services.add_client(name="חדשים בע\"מ", kind="company")
    services.add_invoice(fresh.id, "F-1", dt.date(2026, 10, 13), "800",
                         due_date=AS_OF - dt.timedelta(days=10))
    return late, fresh


def test_handover_page_says_whether_hand_over_is_due_as_the_engine_does(qtbot, db):
    from models.collection.dunning import client_step
    from ui.negotiation.handover_page import HandoverPage

    late, fresh = _two_clients_for_the_engine()
    due = HandoverPage(late.id)
    qtbot.addWidget(due)
    assert due.due.text().startswith("העברה לטיפול היא הצעד הבא: ")
    assert "03/11/2026" in due.due.text()  # the deadline the final warning printed
    assert [o.code for o in due.model.items()] == [
        o.code for o in client_step(late.id, AS_OF).routes()]
    not_due = HandoverPage(fresh.id)
    qtbot.addWidget(not_due)
    assert not_due.due.text().startswith("מועד ההעברה לטיפול טרם הגיע. הצעד הבא הוא מכתב תזכורת")
    assert "10 ימים" in not_due.due.text()
    assert len(not_due.model.items()) >= 4  # the routes stay listed, for reference
    assert due.due.text() != not_due.due.text()
    # Before the warning's deadline, hand-over is the next step but waits for its day.
    from models.collection.case_file import next_step
    from ui.negotiation.handover_page import due_text

    waiting = due_text(next_step(late.id, dt.date(2026, 11, 1)))
    assert waiting.startswith("מועד ההעברה לטיפול טרם הגיע: זה הצעד הבא") and "04/11/2026" in waiting


def test_case_file_page_shows_the_engines_next_step(qtbot, db, tmp_path):
    from ui.negotiation.case_file_page import CaseFilePage

    late, fresh = _two_clients_for_the_engine()
    page = CaseFilePage(late.id)
    qtbot.addWidget(page)
    text = page.next_step.text()
    assert text.startswith("הצעד הבא: העברה לעו\"ד / חברת גבייה / הוצאה לפועל (לביצוע) — ")
    assert "L-1" in text
    other = CaseFilePage(fresh.id)
    qtbot.addWidget(other)
    assert other.next_step.text().startswith("הצעד הבא: מכתב תזכורת (לביצוע) — ")
    pdf = _pdf_words(page.pdf_path())
    assert {"הצעד", "הבא", "במדרג", "הגבייה", "הסיבה", "L-1", "03/11/2026"} <= pdf


def _pdf_words(path) -> set[str]:
    import re
    import subprocess

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return set(re.findall(r"\d\d/\d\d/\d{4}|[A-Z]+-\d+|[\u05d0-\u05ea]+", text))
