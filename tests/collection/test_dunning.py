"""The dunning plan: levels at their boundaries, computed from data and the log; pauses
and resumption; the consumer gate for private persons; paid invoices get nothing."""
import datetime as dt

import pytest

from models.collection.dunning import (
    DunningLevel,
    default_plan,
    dunning_steps,
    load_plan,
    save_plan,
    validate_plan,
)
from models.common.errors import ValidationError
from models.contact.client_status import change_status
from models.contact.contact_log import correct_entry, log_contact
from models.contact.promises import record_promise
from models.ledger import services
from models.letters.archive import LetterRecord, record_letters, record_registered_mail

DUE = dt.date(2026, 10, 1)
WRITTEN = dt.datetime(2027, 6, 30)


def day(n: int) -> dt.date:
    """The date n days after the due date."""
    return DUE + dt.timedelta(days=n)


def _invoice(client, number="1", amount=1000):
    return services.add_invoice(client.id, number, dt.date(2026, 9, 1), amount, due_date=DUE)


def _done(client, n, action, channel="letter", **kw):
    return log_contact(client.id, day(n), channel, action=action, recorded_at=WRITTEN, **kw)


def _step(as_of):
    steps = dunning_steps(as_of)
    assert len(steps) <= 1
    return steps[0] if steps else None


def _next(as_of):
    s = _step(as_of)
    return None if s is None else (s.state, s.level.code if s.level else None, s.step_date)


@pytest.fixture
def person(db):
    return services.add_client(name="יעל לוי", kind="person")


def test_company_levels_fall_due_exactly_on_their_day(client):
    _invoice(client)
    assert _next(day(-4)) is None  # not yet in the courtesy window
    assert _next(day(-3)) == ("due", "email", day(-3))
    assert _next(day(0)) == ("waiting", "reminder", day(7))  # courtesy skipped once due
    assert _next(day(6)) == ("waiting", "reminder", day(7))
    assert _next(day(7)) == ("due", "reminder", day(7))
    assert _next(day(200)) == ("due", "reminder", day(7))


def test_each_step_done_moves_to_the_next_keeping_the_spacing(client):
    _invoice(client)
    _done(client, 8, "reminder")
    assert _next(day(8)) == ("waiting", "second-reminder", day(22))  # 8 + (21 - 7)
    _done(client, 22, "second-reminder")
    assert _next(day(29)) == ("waiting", "call", day(31))
    log_contact(client.id, dt.datetime.combine(day(31), dt.time(9)), "phone", direction="out",
                summary="לא ענה", recorded_at=WRITTEN)
    assert _next(day(31)) == ("waiting", "final-warning", day(46))
    _done(client, 46, "final-warning")
    # Hand-over only after the 14 days the warning gave have passed.
    assert _next(day(60)) == ("waiting", "handover", day(61))
    assert _next(day(61)) == ("due", "handover", day(61))
    _done(client, 61, "handover", channel="other")
    step = _step(day(62))
    assert step.state == "complete" and step.level is None and len(step.done) == 5


def test_an_old_invoice_climbs_step_by_step(client):
    _invoice(client)
    _done(client, 200, "reminder")
    assert _next(day(205)) == ("waiting", "second-reminder", day(214))


def test_a_letter_sent_before_the_invoice_was_overdue_does_not_count(client):
    _invoice(client)
    _done(client, 0, "reminder")  # on the due date: it could not have listed this invoice
    assert _next(day(7)) == ("due", "reminder", day(7))


def test_a_corrected_entry_counts_as_corrected(client):
    _invoice(client)
    wrong = _done(client, 8, "reminder")
    correct_entry(wrong.id, action=None, channel="other", summary="לא נשלח בפועל",
                  recorded_at=WRITTEN)
    assert _next(day(9)) == ("due", "reminder", day(7))


def test_letters_in_the_archive_count_from_the_day_they_were_sent(client):
    _invoice(client)
    record_letters([LetterRecord(client.id, "reminder", day(8), day(8), "", 100000, "ILS",
                                 None, "r.pdf", 1, 1)])
    record_registered_mail(client.letters[0].id, "RR1IL", day(10))
    assert _next(day(10)) == ("waiting", "second-reminder", day(24))


def test_paid_invoices_get_nothing_and_partly_paid_ones_continue(client):
    _invoice(client, "1")
    _invoice(client, "2")
    services.record_payment(client.id, day(3), 1500)  # pays #1 and half of #2
    steps = dunning_steps(day(30))
    assert [(s.invoice.number, s.invoice.open_agorot) for s in steps] == [("2", 50000)]
    services.record_payment(client.id, day(31), 500)
    assert dunning_steps(day(31)) == []
    # As of before the payments, history still shows both.
    assert len(dunning_steps(day(2))) == 2


def test_disputed_invoice_is_paused(client):
    invoice = _invoice(client)
    services.set_disputed(invoice.id, True)
    step = _step(day(10))
    assert step.state == "paused" and "מחלוקת" in step.pause_reason


def test_pending_promise_pauses_and_a_broken_one_resumes(client):
    _invoice(client)
    entry = log_contact(client.id, day(8), "phone", summary="יעביר בעוד שבוע",
                        recorded_at=WRITTEN)
    record_promise(entry.id, 1000, day(15))
    assert _step(day(10)).state == "paused"
    assert "הבטחת תשלום" in _step(day(18)).pause_reason  # grace: 3 days
    assert _next(day(19)) == ("due", "reminder", day(7))


def test_kept_promise_pays_the_invoice_and_ends_the_plan(client):
    _invoice(client)
    entry = log_contact(client.id, day(8), "phone", recorded_at=WRITTEN)
    record_promise(entry.id, 1000, day(15))
    services.record_payment(client.id, day(14), 1000)
    assert dunning_steps(day(20)) == []


def test_a_signed_settlement_pauses_the_invoices_it_covers_not_the_client(client):
    from models.negotiation import settlements as st

    covered = _invoice(client)
    _invoice(client, "2", 500)
    settlement = st.create_settlement(client.id, [covered.id], day(5), instalment_count=2,
                                      first_date=day(20))
    st.sign_settlement(settlement.id, day(5))
    steps = {s.invoice.number: s for s in dunning_steps(day(10))}
    assert steps["1"].state == "paused"
    assert steps["1"].pause_reason == f"בהסדר חוב מיום {day(5):%d/%m/%Y}"
    assert (steps["2"].state, steps["2"].level.code) == ("due", "reminder")  # not covered


def test_clients_handed_over_are_out_of_the_plan(client):
    _invoice(client)
    change_status(client.id, "handed_over", reason="לעו\"ד", changed_at=day(70),
                  recorded_at=WRITTEN)
    assert dunning_steps(day(80)) == []


# ---- private persons: the consumer gate ---------------------------------------------

def test_person_plan_starts_with_the_debt_notice(person):
    _invoice(person)
    assert _next(day(0)) == ("waiting", "debt-notice", day(7))
    assert _next(day(7)) == ("due", "debt-notice", day(7))
    step = _step(day(60))
    assert step.level.code == "debt-notice" and step.notice_deadline == dt.date(2027, 2, 1)
    assert not step.is_notice_late
    assert _step(dt.date(2027, 2, 2)).is_notice_late


def test_no_collection_step_until_fourteen_days_after_the_notice_was_sent(person):
    _invoice(person)
    record_letters([LetterRecord(person.id, "debt-notice", day(38), day(38), "", 100000, "ILS",
                                 None, "n.pdf", 1, 1)])
    record_registered_mail(person.letters[0].id, "RR2IL", day(40))  # sent, not printed
    # The invoice is 53 days overdue: by the calendar the final warning (+45) is long due,
    # but the law gives the debtor 14 days from sending the notice.
    for n in range(40, 54):
        step = _step(day(n))
        assert step.state == "waiting" and step.level.code == "reminder", n
        assert step.gate_until == day(54)
    assert _next(day(54)) == ("due", "reminder", day(54))
    codes_offered = {s.level.code for n in range(0, 54)
                     for s in dunning_steps(day(n)) if s.state == "due"}
    assert codes_offered == {"debt-notice"}


def test_a_notice_for_an_older_debt_does_not_open_the_gate_for_a_newer_one(person):
    _invoice(person, "1")
    _done(person, 8, "debt-notice")
    services.add_invoice(person.id, "2", dt.date(2026, 10, 1), 700, due_date=day(30))
    steps = {s.invoice.number: s for s in dunning_steps(day(40))}
    assert steps["1"].level.code == "reminder" and steps["1"].state == "due"
    assert steps["2"].level.code == "debt-notice" and steps["2"].state == "due"


# ---- the plan as a setting ----------------------------------------------------------

def test_plans_are_saved_validated_and_loaded(db):
    custom = (DunningLevel(10, "letter", "reminder"), DunningLevel(3, "call"))
    saved = save_plan("company", custom)
    assert [lv.days for lv in saved] == [3, 10]
    assert load_plan("company") == saved
    assert load_plan("person") == default_plan("person")


@pytest.mark.parametrize("levels, kind, message", [
    ((), "company", "ריק"),
    ((DunningLevel(7, "fax"),), "company", "פעולה"),
    ((DunningLevel(7, "letter"),), "company", "סוג מכתב"),
    ((DunningLevel(7, "call", "reminder"),), "company", "סוג מכתב"),
    ((DunningLevel(7, "letter", "poem"),), "company", "סוג מכתב"),
    ((DunningLevel(9999, "call"),), "company", "מספר הימים"),
    ((DunningLevel(7, "call", is_optional=True),), "company", "רשות"),
    ((DunningLevel(7, "call"), DunningLevel(7, "call")), "company", "פעמיים"),
    ((DunningLevel(7, "letter", "reminder"), DunningLevel(10, "letter", "debt-notice")),
     "person", "הודעת חוב"),
    ((DunningLevel(45, "letter", "final-warning"),), "person", "הודעת חוב"),
])
def test_bad_plans_are_refused_in_hebrew(db, levels, kind, message):
    with pytest.raises(ValidationError, match=message):
        validate_plan(levels, kind)


def test_a_post_dated_check_in_hand_pauses_until_it_bounces(client):
    _invoice(client)
    check = services.record_payment(client.id, day(2), 1000, method="check", check_number="9",
                                    check_date=day(40))
    step = _step(day(20))
    assert step.state == "paused" and "שיק דחוי" in step.pause_reason
    assert dunning_steps(day(40)) == []  # the check's date came: paid
    services.bounce_payment(check.id, day(43))
    assert _next(day(43)) == ("due", "reminder", day(7))
