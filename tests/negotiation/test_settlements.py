"""Settlements on a real database: drafting, the open-points rule, signing freezes the
figures (at the database layer too), instalments tracked from payments, breach, pauses."""
import datetime as dt

import peewee
import pytest

from models.collection.dunning import dunning_steps
from models.common.errors import ValidationError
from models.ledger import services
from models.negotiation import settlement_status as ss
from models.negotiation import settlements as st

AGREED = dt.date(2026, 11, 1)


@pytest.fixture
def debt(client):
    """Two old invoices (the debt) and one ongoing invoice outside the settlement."""
    old1 = services.add_invoice(client.id, "101", dt.date(2026, 5, 1), "6000")
    old2 = services.add_invoice(client.id, "102", dt.date(2026, 6, 1), "4000")
    ongoing = services.add_invoice(client.id, "103", dt.date(2026, 10, 1), "500")
    return client, old1, old2, ongoing


def _signed(client, invoices, **kw):
    kw.setdefault("instalment_count", 3)
    s = st.create_settlement(client.id, [i.id for i in invoices], AGREED, **kw)
    return st.sign_settlement(s.id, AGREED)


def test_draft_takes_the_debt_from_the_covered_invoices(debt):
    client, old1, old2, _ = debt
    services.record_payment(client.id, dt.date(2026, 7, 1), "1000", invoice_ids=[old1.id])
    s = st.create_settlement(client.id, [old1.id, old2.id], AGREED, discount_agorot=50000,
                             down_payment_agorot=100000, instalment_count=3)
    assert s.debt_agorot == 900000 and s.settled_agorot == 850000
    lines = st.instalments(s.id)
    assert [l.amount_agorot for l in lines] == [250000, 250000, 250000]
    # monthly from a month on; 01/01/2027 is a Friday, so that one moves to Sunday 03/01
    assert [l.due_date for l in lines] == [dt.date(2026, 12, 1), dt.date(2027, 1, 3),
                                           dt.date(2027, 2, 1)]
    assert s.final_date == dt.date(2027, 2, 1)
    assert st.schedule_problems(s) == []


def test_invoices_in_two_currencies_or_two_settlements_are_refused(debt):
    client, old1, old2, _ = debt
    usd = services.add_invoice(client.id, "U1", dt.date(2026, 6, 1), "100", currency="USD")
    with pytest.raises(ValidationError, match="במטבע אחד"):
        st.create_settlement(client.id, [old1.id, usd.id], AGREED)
    st.create_settlement(client.id, [old1.id], AGREED)
    with pytest.raises(ValidationError, match="כבר כלולה בהסדר אחר"):
        st.create_settlement(client.id, [old1.id, old2.id], AGREED)


def test_an_open_point_blocks_signing_until_it_is_agreed(debt):
    client, old1, _, _ = debt
    s = st.create_settlement(client.id, [old1.id], AGREED, point_texts=["מי משלם את עמלת ההעברה"])
    with pytest.raises(ValidationError, match="נקודה פתוחה"):
        st.sign_settlement(s.id, AGREED)
    st.set_point_agreed(st.points(s.id)[0].id, True)
    assert st.sign_settlement(s.id, AGREED).status == "signed"


def test_a_schedule_that_does_not_add_up_cannot_be_signed(debt):
    client, old1, _, _ = debt
    s = st.create_settlement(client.id, [old1.id], AGREED, instalment_count=2)
    st.set_instalments(s.id, [st.InstalmentInput(dt.date(2026, 12, 1), 300000),
                              st.InstalmentInput(dt.date(2027, 1, 1), 200000)])
    with pytest.raises(ValidationError, match="אינו שווה"):
        st.sign_settlement(s.id, AGREED)


def test_signed_figures_are_frozen_even_for_raw_sql(debt, other_program):
    client, old1, old2, _ = debt
    s = _signed(client, [old1, old2])
    with pytest.raises(ValidationError, match="כבר נחתם"):
        st.replan(s.id, discount_agorot=0, down_payment_agorot=0, down_payment_date=None,
                  instalment_count=10, first_date=AGREED)
    with pytest.raises(peewee.IntegrityError):
        st.SettlementInstalment.update(amount_agorot=1).execute()
    raw = other_program
    with pytest.raises(raw.IntegrityError):
        raw.execute("UPDATE settlement SET discount_agorot = 100 WHERE id = ?", (s.id,))
    with pytest.raises(raw.IntegrityError):
        raw.execute("DELETE FROM settlement_invoice WHERE settlement_id = ?", (s.id,))
    cancelled = st.cancel_settlement(s.id, dt.date(2026, 11, 5), "הלקוח ביקש לבטל")
    assert cancelled.status == "cancelled"


def test_instalment_payments_go_to_the_covered_invoices_not_the_ongoing_one(debt):
    client, old1, old2, ongoing = debt
    s = _signed(client, [old1, old2])
    st.record_instalment_payment(s.id, dt.date(2026, 12, 1), "3333.34")
    opens = st.open_amounts([old1.id, old2.id, ongoing.id], dt.date(2026, 12, 2))
    assert opens[ongoing.id] == 50000
    assert opens[old1.id] + opens[old2.id] == 1000000 - 333334
    status = ss.settlement_status(s.id, dt.date(2026, 12, 2))
    assert status.state == "active" and status.tracking.paid_agorot == 333334


def test_first_paid_second_missed_is_a_breach_with_the_whole_balance_due(debt):
    client, old1, old2, ongoing = debt
    s = _signed(client, [old1, old2])
    st.record_instalment_payment(s.id, dt.date(2026, 12, 1), "3333.34")
    # instalment 2 is due on Sunday 03/01/2027 (01/01 is a Friday); grace 3 days
    assert ss.settlement_status(s.id, dt.date(2027, 1, 6)).state == "active"
    breached = ss.settlement_status(s.id, dt.date(2027, 1, 7))
    assert breached.state == "breached"
    assert breached.tracking.breached_line.line.seq == 2
    assert breached.covered_open_agorot == 1000000 - 333334
    assert "הופר" in breached.next_step


def test_covered_invoices_pause_in_the_plan_and_resume_on_breach(debt):
    client, old1, old2, ongoing = debt
    s = _signed(client, [old1, old2])
    st.record_instalment_payment(s.id, dt.date(2026, 12, 1), "3333.34")
    steps = {s.invoice.number: s for s in dunning_steps(dt.date(2026, 12, 20))}
    assert steps["101"].state == "paused" and "הסדר" in steps["101"].pause_reason
    assert steps["103"].state != "paused"  # the ongoing invoice stays due on its own terms
    later = {s.invoice.number: s for s in dunning_steps(dt.date(2027, 1, 10))}
    assert later["101"].state != "paused"


def test_completed_settlement_forgives_the_discount_with_credit_notes(debt):
    client, old1, old2, _ = debt
    s = _signed(client, [old1, old2], discount_agorot=100000, instalment_count=1)
    with pytest.raises(ValidationError, match="רק אחרי"):
        ss.record_waiver(s.id, dt.date(2026, 12, 1))
    st.record_instalment_payment(s.id, dt.date(2026, 12, 1), "9000")
    assert ss.settlement_status(s.id, dt.date(2026, 12, 1)).state == "completed"
    notes = ss.record_waiver(s.id, dt.date(2026, 12, 1))
    assert sum(n.amount_agorot for n in notes) == 100000
    assert sum(st.open_amounts([old1.id, old2.id], dt.date(2026, 12, 2)).values()) == 0
    with pytest.raises(ValidationError, match="כבר נרשמה"):
        ss.record_waiver(s.id, dt.date(2026, 12, 2))


def test_a_bounced_post_dated_check_breaks_the_settlement(debt):
    client, old1, _, _ = debt
    s = _signed(client, [old1], instalment_count=1)
    pay = st.record_instalment_payment(s.id, AGREED, "6000", method="check", check_number="77",
                                       check_date=dt.date(2026, 12, 1))
    assert ss.settlement_status(s.id, dt.date(2026, 12, 2)).state == "completed"
    services.bounce_payment(pay.id, dt.date(2026, 12, 3))
    assert ss.settlement_status(s.id, dt.date(2026, 12, 10)).state == "breached"


def test_today_agenda_lists_instalments_due_soon_and_breaches(debt):
    client, old1, old2, _ = debt
    s = _signed(client, [old1, old2])
    due, breached = ss.settlement_agenda(dt.date(2026, 11, 26), window_days=7)
    assert [(d.seq, d.due_date, d.owed_agorot) for d in due] == [(1, dt.date(2026, 12, 1), 333334)]
    assert breached == []
    st.record_instalment_payment(s.id, dt.date(2026, 12, 1), "3333.34")
    assert ss.settlement_agenda(dt.date(2026, 12, 2), window_days=7) == ([], [])
    due, breached = ss.settlement_agenda(dt.date(2027, 1, 10), window_days=7)
    assert due == [] and [b.settlement.id for b in breached] == [s.id]


def test_today_list_and_its_json_show_the_instalment_then_the_breach(debt):
    from cli.today_text import format_today
    from models.collection.today import today_list, today_records

    client, old1, old2, _ = debt
    s = _signed(client, [old1, old2])
    soon = today_list(dt.date(2026, 11, 28))
    assert [(i.settlement_id, i.seq) for i in soon.instalments] == [(s.id, 1)]
    # this week: the instalment and the ongoing invoice (due 30/11); the covered invoices
    # are expected through the instalments, not again on their own
    assert soon.expected_week == {"ILS": 333334 + 50000}
    assert today_records(soon)["instalments"][0]["owed"] == 3333.34
    assert "תשלום 1" in format_today(soon)
    late = today_list(dt.date(2027, 1, 10))
    assert [b.settlement.id for b in late.breaches] == [s.id]
    record = today_records(late)["breached_settlements"][0]
    assert record["missed_due_date"] == "2026-12-01" and record["balance_due"] == 10000.0
    assert "הופרו" in format_today(late)


def test_demo_has_a_settlement_being_paid_a_breached_one_and_a_draft(db):
    from models.demo.generator import make_demo

    counts = make_demo(clients=60, invoices=600, seed=1, as_of=dt.date(2026, 11, 22))
    assert counts["settlements"] == 3
    states = sorted(ss.settlement_status(s.id, dt.date(2026, 11, 22)).state
                    for s in st.Settlement.select())
    assert states == ["active", "breached", "draft"]


def test_money_paid_on_the_agreement_day_counts_toward_the_settlement_not_the_debt(debt):
    client, old1, _, _ = debt
    services.record_payment(client.id, AGREED, "200", invoice_ids=[old1.id])
    s = st.create_settlement(client.id, [old1.id], AGREED, instalment_count=1)
    assert s.debt_agorot == 600000  # the debt as it stood when the day began
    st.sign_settlement(s.id, AGREED)
    assert ss.settlement_status(s.id, AGREED).tracking.paid_agorot == 20000


def test_invoices_closed_by_a_credit_note_complete_the_settlement(debt):
    client, old1, _, _ = debt
    s = _signed(client, [old1])
    services.add_credit_note(client.id, "CN-1", dt.date(2026, 11, 15), "6000", invoice_id=old1.id)
    status = ss.settlement_status(s.id, dt.date(2027, 1, 10))
    assert status.state == "completed" and status.covered_open_agorot == 0
    assert "זיכוי" not in status.next_step  # nothing left to forgive


def test_an_instalment_before_the_agreement_or_beyond_the_debt_is_refused(debt):
    client, old1, _, _ = debt
    s = _signed(client, [old1])
    with pytest.raises(ValidationError, match="מוקדם מתאריך ההסדר") as early:
        st.record_instalment_payment(s.id, AGREED - dt.timedelta(days=1), "100")
    assert early.value.field == "payment_date"
    with pytest.raises(ValidationError, match="גבוה מהיתרה") as much:
        st.record_instalment_payment(s.id, AGREED, "6000.01")
    assert much.value.field == "amount"
    assert not services.Payment.select().exists()  # nothing half-written


def test_a_payment_naming_no_invoice_goes_to_the_ongoing_invoices_first(debt):
    client, old1, old2, ongoing = debt
    _signed(client, [old1, old2])
    services.record_payment(client.id, dt.date(2026, 11, 10), "300")
    opens = st.open_amounts([old1.id, old2.id, ongoing.id], dt.date(2026, 11, 11))
    assert opens == {old1.id: 600000, old2.id: 400000, ongoing.id: 20000}
    services.record_payment(client.id, dt.date(2026, 11, 11), "400")  # more than the ongoing
    opens = st.open_amounts([old1.id, ongoing.id], dt.date(2026, 11, 12))
    assert opens == {old1.id: 580000, ongoing.id: 0}


def test_recalculating_keeps_the_check_numbers_typed(debt):
    client, old1, _, _ = debt
    s = st.create_settlement(client.id, [old1.id], AGREED, instalment_count=2, method="check")
    lines = [st.InstalmentInput(l.due_date, l.amount_agorot, "check", f"10{l.seq}", "לאומי")
             for l in st.instalments(s.id)]
    st.set_instalments(s.id, lines)
    st.revise_draft(s.id, agreement_date=AGREED, discount_agorot="0", down_payment_agorot="",
                    down_payment_date=None, instalment_count=3, first_date=dt.date(2026, 12, 1),
                    method="check")
    assert [(l.check_number, l.check_bank) for l in st.instalments(s.id)] == [
        ("101", "לאומי"), ("102", "לאומי"), ("", "")]


def test_a_signed_settlement_cannot_go_back_to_draft_or_change_its_dates(debt, other_program):
    client, old1, _, _ = debt
    s = _signed(client, [old1])
    raw = other_program
    for sql in ("UPDATE settlement SET status = 'draft' WHERE id = ?",
                "UPDATE settlement SET signed_date = '2026-12-01' WHERE id = ?"):
        with pytest.raises(raw.IntegrityError):
            raw.execute(sql, (s.id,))
    with pytest.raises(ValidationError, match="תאריך הביטול מוקדם"):
        st.cancel_settlement(s.id, AGREED - dt.timedelta(days=1), "טעות")
    st.cancel_settlement(s.id, AGREED, "טעות")
    with pytest.raises(raw.IntegrityError):
        raw.execute("UPDATE settlement SET cancelled_date = '2027-01-01' WHERE id = ?", (s.id,))


def test_an_invoice_not_yet_due_under_a_settlement_is_expected_only_through_it(debt):
    from models.collection.today import today_list

    client, old1, _, ongoing = debt  # the ongoing invoice falls due on 30/11
    s = _signed(client, [old1, ongoing], instalment_count=2)
    today = today_list(dt.date(2026, 11, 28))
    first = st.instalments(s.id)[0].amount_agorot
    assert today.expected_week == {"ILS": first}
    assert ongoing.id not in [c.invoice_id for c in today.due_soon]


def test_messages_follow_the_interface_language(debt):
    from models.common.i18n import set_language

    client, old1, _, _ = debt
    s = st.create_settlement(client.id, [old1.id], AGREED, point_texts=["עמלת ההעברה"])
    set_language("en")
    try:
        with pytest.raises(ValidationError, match="A point is still open"):
            st.sign_settlement(s.id, AGREED)
        assert ss.settlement_status(s.id, AGREED).state_name == "Draft"
    finally:
        set_language("he")
    assert ss.settlement_status(s.id, AGREED).state_name == "טיוטה"


def test_covered_invoices_are_read_as_of_each_settlements_own_agreement_date(debt, db):
    """The settlement letters of a batch list each settlement's invoices as they stood on
    its own agreement day, read together: the same figures open_amounts gives one by one."""
    client, old1, old2, _ = debt
    other = services.add_client(name="לוי שיווק בע\"מ", kind="company")
    late = services.add_invoice(other.id, "201", dt.date(2026, 5, 1), "3000")
    first = _signed(client, [old1, old2])
    services.record_payment(other.id, dt.date(2026, 11, 10), "1000", invoice_ids=[late.id])
    second = st.create_settlement(other.id, [late.id], dt.date(2026, 11, 20), instalment_count=1)
    services.record_payment(other.id, dt.date(2026, 11, 25), "500", invoice_ids=[late.id])

    covered = st.covered_open_invoices([first.id, second.id])
    assert [(i.number, i.open_agorot, i.as_of) for i in covered[first.id]] == [
        ("101", 600000, AGREED), ("102", 400000, AGREED)]
    assert [(i.number, i.open_agorot) for i in covered[second.id]] == [("201", 200000)]
    assert st.open_amounts([late.id], dt.date(2026, 11, 20)) == {late.id: 200000}
    # As of one date asked, for all of them: the payment of 25/11 counts.
    later = st.covered_open_invoices([first.id, second.id], dt.date(2026, 11, 30))
    assert [i.open_agorot for i in later[second.id]] == [150000]
    assert st.covered_open_invoices([]) == {}


# ---- a breach stays a breach until the user reinstates the settlement ---------------------

SUMMER = dt.date(2026, 6, 15)  # in the past, so the contact log takes entries of these days


@pytest.fixture
def breached(debt):
    """Signed 15/06/2026 in 3 instalments (15/07, 16/08 — the 15th is a Saturday —, 15/09);
    the first paid on time, the second paid late on 01/09."""
    client, old1, old2, _ = debt
    s = st.create_settlement(client.id, [old1.id, old2.id], SUMMER, instalment_count=3)
    st.sign_settlement(s.id, SUMMER)
    assert [l.due_date for l in st.instalments(s.id)] == [
        dt.date(2026, 7, 15), dt.date(2026, 8, 16), dt.date(2026, 9, 15)]
    st.record_instalment_payment(s.id, dt.date(2026, 7, 15), "3333.34")
    st.record_instalment_payment(s.id, dt.date(2026, 9, 1), "3333.33")
    return client, s


def _log(client_id):
    from models.contact.contact_log import ContactLogEntry

    return [(e.occurred.date(), e.summary) for e in
            ContactLogEntry.select().where(ContactLogEntry.client == client_id)
            .order_by(ContactLogEntry.id)]


def test_a_late_payment_does_not_cure_a_breach(breached):
    client, s = breached
    assert ss.settlement_status(s.id, dt.date(2026, 8, 19)).state == "active"  # 16/08 + 3
    status = ss.settlement_status(s.id, dt.date(2026, 9, 2))
    assert status.state == "breached" and status.breached_on == dt.date(2026, 8, 20)
    assert [l.state for l in status.tracking.lines] == ["paid", "paid_late", "upcoming"]
    assert "באיחור" in status.next_step and "נשאר מופר" in status.next_step
    # covered invoices are not paused while it is breached
    assert ss.settled_invoice_pauses(dt.date(2026, 9, 2), client.id) == {}


def test_a_breach_is_logged_once_and_reinstating_needs_a_reason(breached):
    client, s = breached
    written = ss.record_breaches(dt.date(2026, 9, 2))
    assert [(e.kind, e.event_date, e.line_seq) for e in written] == [
        ("breach", dt.date(2026, 8, 20), 2)]
    assert ss.record_breaches(dt.date(2026, 9, 3)) == []  # once
    day, summary = _log(client.id)[-1]
    assert day == dt.date(2026, 8, 20) and "הופר" in summary and "תשלום 2" in summary
    with pytest.raises(ValidationError, match="הסיבה"):
        ss.reinstate_settlement(s.id, dt.date(2026, 9, 2), "  ")
    with pytest.raises(ValidationError, match="רק הסדר שהופר"):
        ss.reinstate_settlement(s.id, dt.date(2026, 8, 19), "שילם")
    ss.reinstate_settlement(s.id, dt.date(2026, 9, 2), "החייב השלים את התשלום השני")
    assert "חודש" in _log(client.id)[-1][1] and "השלים" in _log(client.id)[-1][1]
    after = ss.settlement_status(s.id, dt.date(2026, 9, 2))
    assert after.state == "active" and after.reinstated_on == dt.date(2026, 9, 2)
    # as of a day before the reinstatement, the settlement was breached then
    assert ss.settlement_status(s.id, dt.date(2026, 9, 1)).state == "breached"
    with pytest.raises(ValidationError, match="רק הסדר שהופר"):
        ss.reinstate_settlement(s.id, dt.date(2026, 9, 2), "שוב")
    # the next instalment missed breaches it again, from its own deadline
    again = ss.settlement_status(s.id, dt.date(2026, 9, 20))
    assert again.state == "breached" and again.breached_on == dt.date(2026, 9, 19)
    assert [(e.event_date, e.line_seq) for e in ss.record_breaches(dt.date(2026, 9, 20))] == [
        (dt.date(2026, 9, 19), 3)]


def test_settlement_events_are_evidence_even_for_raw_sql(breached, other_program):
    _, s = breached
    ss.record_breaches(dt.date(2026, 9, 2))
    raw = other_program
    # An upsert is an UPDATE on both engines; SQLite's REPLACE is a delete and an insert.
    attempts = ["UPDATE settlement_event SET event_date = '2026-09-01'",
                "DELETE FROM settlement_event",
                "INSERT INTO settlement_event (id, settlement_id, kind, event_date, "
                "recorded_at) SELECT id, settlement_id, 'reinstated', event_date, recorded_at "
                "FROM settlement_event WHERE true ON CONFLICT (id) DO UPDATE SET kind = "
                "excluded.kind"]
    if not raw.is_office:
        attempts.append("REPLACE INTO settlement_event (id, settlement_id, kind, event_date, "
                        "recorded_at) SELECT id, settlement_id, 'reinstated', event_date, "
                        "recorded_at FROM settlement_event")
    for sql in attempts:
        with pytest.raises(raw.IntegrityError):
            raw.execute(sql)
    assert [kind for (kind,) in raw.execute("SELECT kind FROM settlement_event")] == ["breach"]


def test_the_business_day_setting_can_be_turned_off(debt):
    client, old1, _, _ = debt
    assert st.on_business_days() is True
    st.save_grace_days(5)
    st.save_on_business_days(False)
    assert st.grace_days() == 5 and st.on_business_days() is False
    s = st.create_settlement(client.id, [old1.id], SUMMER, instalment_count=2)
    assert [l.due_date for l in st.instalments(s.id)] == [dt.date(2026, 7, 15),
                                                          dt.date(2026, 8, 15)]  # a Saturday
    st.save_grace_days(3)
    assert st.on_business_days() is False  # one setting saved keeps the other
