"""The case file on a real database: amounts and aging, behaviour, cost of collection,
the keep-or-debtor indicator and its reasons, and a bounded number of statements."""
import datetime as dt

import pytest

from models.collection.case_file import (
    CollectionCost,
    IndicatorRules,
    build_case_file,
    collection_cost,
    indicator,
)
from models.contact.contact_log import correct_entry, log_contact
from models.contact.promises import PromiseCounts
from models.db.settings import load_profile, save_profile
from models.ledger import services
from models.negotiation.negotiations import (
    add_case_record,
    add_expense,
    add_relation,
    start_negotiation,
    update_negotiation,
)
from tests.queries.statements import statements_run_by

AS_OF = dt.date(2026, 11, 22)


def _rate(agorot_per_hour: int) -> None:
    profile = load_profile()
    profile.hourly_rate_agorot = agorot_per_hour
    save_profile(profile)


@pytest.fixture
def ledger(client):
    old = services.add_invoice(client.id, "201", dt.date(2026, 3, 1), "6000")   # due 30/04
    new = services.add_invoice(client.id, "202", dt.date(2026, 10, 1), "4000")  # due 30/11
    paid = services.add_invoice(client.id, "200", dt.date(2026, 1, 1), "1000")  # due 02/03
    services.record_payment(client.id, dt.date(2026, 3, 12), "1000", invoice_ids=[paid.id])
    return client, old, new, paid


def test_cost_of_collection_is_minutes_times_rate_plus_expenses(ledger):
    client, *_ = ledger
    _rate(24000)  # 240 ₪ an hour
    log_contact(client.id, dt.datetime(2026, 10, 1, 9, 0), "phone", summary="שיחה", minutes=25)
    log_contact(client.id, dt.datetime(2026, 10, 8, 9, 0), "meeting", summary="פגישה", minutes=50)
    log_contact(client.id, dt.datetime(2026, 12, 1, 9, 0), "phone", summary="אחרי התאריך",
                minutes=600, recorded_at=dt.datetime(2026, 12, 1, 10, 0))
    add_expense(client.id, dt.date(2026, 10, 2), "31.50", "דואר רשום")
    add_expense(client.id, dt.date(2026, 12, 2), "999", "אחרי התאריך")
    cost = collection_cost(client.id, AS_OF)
    assert cost.minutes == 75
    assert cost.time_agorot == 30000            # 75/60 × 240 ₪ = 300 ₪
    assert cost.expenses_agorot == {"ILS": 3150} and cost.expense_count == 1
    assert cost.total_agorot == 33150
    assert cost.debt_agorot == 1000000           # 6,000 + 4,000 open
    assert cost.lifetime_paid_agorot == 100000
    assert str(cost.share_of_debt_percent) == "3.3"
    assert str(cost.share_of_value_percent) == "33.2"


def test_a_corrected_entry_is_not_counted_twice(ledger):
    client, *_ = ledger
    _rate(6000)
    entry = log_contact(client.id, dt.datetime(2026, 10, 1, 9, 0), "phone", summary="שיחה",
                        minutes=30)
    correct_entry(entry.id, minutes=40)
    assert collection_cost(client.id, AS_OF).minutes == 40
    case = build_case_file(client.id, AS_OF)
    assert case.contacts.entries == 1 and case.contacts.minutes == 40


def test_case_file_amounts_aging_behaviour_and_history(ledger):
    client, old, new, paid = ledger
    services.set_disputed(new.id, True)
    check = services.record_payment(client.id, dt.date(2026, 5, 1), "500", method="check",
                                    check_number="4455")
    services.bounce_payment(check.id, dt.date(2026, 5, 6))
    add_case_record(client.id, "complaint", dt.date(2026, 6, 1), "תלונה על איחור במסירה")
    add_case_record(client.id, "lawsuit", dt.date(2026, 7, 1), "איום בתביעה נגדית")
    add_relation(client.id, "client", "רונית", "pays")
    add_relation(client.id, "ours", "יוסי", "knows")
    log_contact(client.id, dt.datetime(2026, 9, 1, 9, 0), "phone", summary="דחה שוב",
                tactics=["procrastination", "threats"], minutes=10)
    log_contact(client.id, dt.datetime(2026, 9, 9, 9, 0), "email", summary="ביקש מנהל",
                tactics=["procrastination"])
    n = start_negotiation(client.id, dt.date(2026, 11, 1))
    update_negotiation(n.id, min_amount_agorot=800000, max_instalments=6, is_file_studied=True)

    case = build_case_file(client.id, AS_OF)
    assert case.open_agorot == {"ILS": 1000000}
    assert case.overdue_agorot == {"ILS": 600000}
    assert case.invoiced_agorot == {"ILS": 1100000} and case.invoice_count == 3
    assert case.paid_agorot == {"ILS": 100000}    # the bounced check does not count
    assert case.first_invoice_date == dt.date(2026, 1, 1)
    assert [i.number for i in case.open_invoices] == ["201", "202"]
    assert [i.number for i in case.disputed_invoices] == ["202"]
    (aging,) = case.aging
    assert aging.buckets == [400000, 0, 0, 0, 0, 600000]  # 206 days: over 120
    assert case.settled_invoices == 1 and case.share_paid_late == 1.0
    assert case.average_days_late == 10              # paid 12/03, due 02/03
    assert case.last_payment_date == dt.date(2026, 3, 12)
    assert [(b.check_number, b.amount_agorot) for b in case.bounced_checks] == [("4455", 50000)]
    assert [r.kind_name for r in case.case_records] == ["תלונה", "תביעה משפטית"]
    assert {(r.side, r.role) for r in case.relations} == {("client", "pays"), ("ours", "knows")}
    assert case.contacts.by_channel == {"phone": 1, "email": 1}
    assert case.contacts.tactics == {"procrastination": 2, "threats": 1}
    assert case.contacts.last_contact == dt.datetime(2026, 9, 9, 9, 0)
    assert case.negotiation.min_amount_agorot == 800000
    assert case.negotiation.discount_agorot == 200000
    assert case.negotiation.checklist["is_file_studied"] is True
    assert case.indicator.verdict == "debtor"
    reasons = " ".join(case.indicator.debtor_reasons)
    assert "שיקים שחזרו: 1" in reasons and "איומים" in reasons
    assert "206 ימים" in reasons and "תביעות" in reasons


def _cost(total_agorot=0, debt=100000, paid=0):
    return CollectionCost(0, 0, total_agorot, {}, 0, debt, paid)


def _indicator(**kw):
    args = dict(relationship_years=None, lifetime_paid_agorot=0, share_paid_late=None,
                settled_invoices=0, promises=PromiseCounts(), bounced_checks=0,
                oldest_overdue_days=0,
                tactics={}, cost=_cost(), open_lawsuits=0, settlement_breached=False)
    args.update(kw)
    return indicator(**args)


def test_indicator_keeps_a_long_valuable_client_with_no_red_flags():
    result = _indicator(relationship_years=5.2, lifetime_paid_agorot=9_000_000,
                        share_paid_late=0.2, settled_invoices=10, promises=PromiseCounts(kept=2))
    assert result.verdict == "keep" and result.debtor_reasons == []
    assert len(result.keep_reasons) == 4
    assert "5.2 שנים" in result.keep_reasons[0]


def test_indicator_reasons_against_at_their_thresholds():
    rules = IndicatorRules(overdue_days=90, cost_share_percent=25)
    assert _indicator(oldest_overdue_days=89, rules=rules).debtor_reasons == []
    assert _indicator(oldest_overdue_days=90, rules=rules).verdict == "debtor"
    assert _indicator(cost=_cost(25000), rules=rules).debtor_reasons == []   # exactly 25%
    over = _indicator(cost=_cost(25100), rules=rules)
    assert over.verdict == "debtor" and "25.1%" in over.debtor_reasons[0]
    broken = _indicator(promises=PromiseCounts(kept=1, broken=2, partly_kept=1))
    assert broken.debtor_reasons[0] == "הבטחות תשלום שהופרו: 2 (מהן קוימו חלקית: 1)."
    assert broken.keep_reasons == []   # kept promises do not outweigh broken ones


def test_indicator_weighs_both_sides():
    both = _indicator(relationship_years=4, bounced_checks=1)
    assert both.verdict == "balanced" and both.keep_reasons and both.debtor_reasons
    more = _indicator(relationship_years=4, bounced_checks=1, tactics={"threats": 1})
    assert more.verdict == "debtor"
    assert _indicator(settlement_breached=True).debtor_reasons == ["הפר הסדר חוב שנחתם."]


def test_case_file_runs_a_bounded_number_of_statements(client):
    def count(n_invoices: int) -> int:
        for k in range(n_invoices):
            inv = services.add_invoice(client.id, f"N{n_invoices}-{k}", dt.date(2026, 1, 1)
                                       + dt.timedelta(days=k), "100")
            if k % 2:
                services.record_payment(client.id, dt.date(2026, 6, 1), "100",
                                        invoice_ids=[inv.id])
            log_contact(client.id, dt.datetime(2026, 6, 1, 9, k % 60), "phone",
                        summary="שיחה", minutes=3)
        seen, _ = statements_run_by(lambda: build_case_file(client.id, AS_OF))
        return len(seen)

    few = count(3)
    many = count(40)
    assert many == few
    assert few < 60


def test_unknown_client_is_a_hebrew_validation_error(db):
    from models.common.errors import ValidationError

    with pytest.raises(ValidationError, match="לא נמצא"):
        build_case_file(999, AS_OF)


# ---- the next step: the dunning engine's verdict ------------------------------------------

DUE = dt.date(2026, 10, 1)


def _overdue_invoice(client, number="INV-1"):
    return services.add_invoice(client.id, number, dt.date(2026, 9, 1), "1000", due_date=DUE)


def _final_warning(client, sent: dt.date, deadline: dt.date):
    from models.letters.archive import LetterRecord, record_letters

    record_letters([LetterRecord(client.id, "final-warning", sent, sent, "", 100000, "ILS",
                                 deadline, "final-warning.pdf", 1, 1)])


def test_case_file_of_a_client_past_the_final_warning_deadline_says_hand_over(client):
    _overdue_invoice(client)
    _final_warning(client, dt.date(2026, 11, 16), deadline=dt.date(2026, 11, 30))
    step = build_case_file(client.id, dt.date(2026, 12, 1)).next_step
    assert (step.step, step.state) == ("handover", "due") and step.is_handover_due
    assert step.name == "העברה לעו\"ד / חברת גבייה / הוצאה לפועל"
    assert "30/11/2026" in step.reason and "עדיין פתוח" in step.reason
    assert step.invoice_numbers == ("INV-1",)
    # Before the deadline the hand-over waits for it.
    before = build_case_file(client.id, dt.date(2026, 11, 25)).next_step
    assert (before.step, before.state) == ("handover", "waiting") and not before.is_handover_due


def test_case_file_of_a_client_ten_days_overdue_says_reminder(client):
    _overdue_invoice(client)
    _overdue_invoice(client, "INV-2")
    step = build_case_file(client.id, DUE + dt.timedelta(days=10)).next_step
    assert (step.step, step.state, step.state_name) == ("reminder", "due", "לביצוע")
    assert step.name == "מכתב תזכורת"
    assert "10 ימים" in step.reason
    assert step.invoice_numbers == ("INV-1", "INV-2")


def test_case_file_next_step_when_the_engine_has_nothing(client):
    services.add_invoice(client.id, "LATER", dt.date(2026, 11, 1), "500",
                         due_date=dt.date(2027, 1, 31))
    step = build_case_file(client.id, AS_OF).next_step
    assert step.step is None and step.state == "none" and step.reason
    paid = _overdue_invoice(client, "PAID")
    services.record_payment(client.id, DUE, "1000", invoice_ids=[paid.id])
    assert build_case_file(client.id, AS_OF).next_step.step is None
