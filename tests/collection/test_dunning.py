"""The dunning engine: one step per client, chosen by the days overdue of the oldest
invoice not paused; each step once and in order; hand-over after the final warning's
deadline; the minimum gap between letters; the consumer gate per invoice; pauses."""
import datetime as dt

import pytest

from models.collection.dunning import (
    DunningLevel,
    client_step,
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
from models.contact.rules import load_rules, save_rules
from models.ledger import services
from models.letters.archive import LetterRecord, record_letters, record_registered_mail

DUE = dt.date(2026, 10, 1)
WRITTEN = dt.datetime(2027, 6, 30)


def day(n: int) -> dt.date:
    """The date n days after the due date."""
    return DUE + dt.timedelta(days=n)


def _invoice(client, number="1", amount=1000, due=DUE):
    return services.add_invoice(client.id, number, dt.date(2026, 9, 1), amount, due_date=due)


def _done(client, n, action, channel="letter", **kw):
    return log_contact(client.id, day(n), channel, action=action, recorded_at=WRITTEN, **kw)


def _letter(client, kind, n, deadline=None):
    record_letters([LetterRecord(client.id, kind, day(n), day(n), "", 100000, "ILS",
                                 deadline, f"{kind}-{n}.pdf", 1, 1)])


def _step(client, as_of):
    return client_step(client.id, as_of)


def _next(client, as_of):
    s = _step(client, as_of)
    return None if s is None else (s.state, s.step, s.step_date)


@pytest.fixture
def person(db):
    return services.add_client(name="יעל לוי", kind="person")


def test_company_steps_follow_the_days_overdue(client):
    _invoice(client)
    assert _next(client, day(-4)) is None  # not yet in the courtesy window
    assert _next(client, day(-3)) == ("due", "email", day(-3))
    assert _next(client, day(0)) == ("waiting", "reminder", day(7))  # courtesy skipped once due
    assert _next(client, day(6)) == ("waiting", "reminder", day(7))
    assert _next(client, day(7)) == ("due", "reminder", day(7))
    assert _next(client, day(20))[1] == "reminder"
    assert _next(client, day(21)) == ("due", "second-reminder", day(21))
    assert _next(client, day(29))[1] == "second-reminder"
    assert _next(client, day(30)) == ("due", "call", day(30))
    assert _next(client, day(44))[1] == "call"
    assert _next(client, day(45)) == ("due", "final-warning", day(45))
    # Never a friendly reminder for an old debt: no hand-over without the final warning.
    for n in (60, 168, 181, 1050):
        assert _next(client, day(n)) == ("due", "final-warning", day(45)), n


def test_each_step_once_and_never_after_a_later_one(client):
    _invoice(client)
    _done(client, 8, "reminder")
    assert _next(client, day(8)) == ("waiting", "second-reminder", day(21))
    _done(client, 22, "second-reminder")
    assert _next(client, day(29)) == ("waiting", "call", day(30))
    log_contact(client.id, dt.datetime.combine(day(31), dt.time(9)), "phone", direction="out",
                summary="לא ענה", recorded_at=WRITTEN)
    assert _next(client, day(31)) == ("waiting", "final-warning", day(45))
    _letter(client, "final-warning", 46, deadline=day(60))
    # Hand-over once the deadline the warning printed has passed.
    assert _next(client, day(60)) == ("waiting", "handover", day(61))
    assert _next(client, day(61)) == ("due", "handover", day(61))
    assert _next(client, day(400)) == ("due", "handover", day(61))
    _done(client, 61, "handover", channel="other")
    step = _step(client, day(62))
    assert step.state == "complete" and step.level is None and len(step.done) == 5


def test_after_a_final_warning_only_the_hand_over_follows(client):
    _invoice(client)
    _letter(client, "final-warning", 168, deadline=day(182))
    assert _next(client, day(170)) == ("waiting", "handover", day(183))
    step = _step(client, day(183))
    assert (step.state, step.step) == ("due", "handover")
    assert "התראה" in step.reason or "final" in step.reason
    assert {r.code for r in step.routes()} >= {"lawyer", "agency"}


def test_the_minimum_gap_between_two_letters(client):
    _invoice(client)
    _letter(client, "reminder", 18)
    assert _next(client, day(21)) == ("waiting", "second-reminder", day(25))
    assert _next(client, day(25)) == ("due", "second-reminder", day(25))
    save_rules(load_rules().__class__(letter_gap_days=10))
    assert _next(client, day(25)) == ("waiting", "second-reminder", day(28))


def test_a_letter_sent_before_the_invoice_was_overdue_does_not_count(client):
    _invoice(client)
    _done(client, 0, "reminder")  # on the due date: it could not have listed this invoice
    assert _next(client, day(7)) == ("due", "reminder", day(7))


def test_a_corrected_entry_counts_as_corrected(client):
    _invoice(client)
    wrong = _done(client, 8, "reminder")
    correct_entry(wrong.id, action=None, channel="other", summary="לא נשלח בפועל",
                  recorded_at=WRITTEN)
    assert _next(client, day(9)) == ("due", "reminder", day(7))


def test_letters_in_the_archive_count_from_the_day_they_were_sent(client):
    _invoice(client)
    _letter(client, "reminder", 8)
    record_registered_mail(client.letters[0].id, "RR1IL", day(10))
    assert _next(client, day(10)) == ("waiting", "second-reminder", day(21))
    assert _step(client, day(10)).done[0][1] == day(10)


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
    step = _step(client, day(10))
    assert step.state == "paused" and "מחלוקת" in step.reason and step.invoices == []


def test_the_oldest_invoice_not_paused_chooses_the_step(client):
    old = _invoice(client, "1")
    _invoice(client, "2", due=day(25))
    services.set_disputed(old.id, True)
    step = _step(client, day(50))  # #1 is 50 days overdue but disputed; #2 is 25
    assert (step.state, step.step) == ("due", "second-reminder")
    assert [i.number for i in step.invoices] == ["2"]
    assert [(i.number, "מחלוקת" in why) for i, why in step.paused] == [("1", True)]


def test_pending_promise_pauses_and_a_broken_one_resumes(client):
    _invoice(client)
    entry = log_contact(client.id, day(8), "phone", summary="יעביר בעוד שבוע",
                        recorded_at=WRITTEN)
    record_promise(entry.id, 1000, day(15))
    assert _step(client, day(10)).state == "paused"
    assert "הבטחת תשלום" in _step(client, day(18)).reason  # grace: 3 days
    # The call of day 8 came before the plan's call (day 30): the reminder is still due.
    assert _next(client, day(19)) == ("due", "reminder", day(7))


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
    assert [i.number for i in _step(client, day(10)).invoices] == ["2"]


def test_clients_handed_over_are_out_of_the_plan(client):
    _invoice(client)
    change_status(client.id, "handed_over", reason="לעו\"ד", changed_at=day(70),
                  recorded_at=WRITTEN)
    assert dunning_steps(day(80)) == []


# ---- private persons: the consumer gate ---------------------------------------------

def test_person_plan_starts_with_the_debt_notice(person):
    _invoice(person)
    assert _next(person, day(0)) == ("waiting", "debt-notice", day(7))
    assert _next(person, day(7)) == ("due", "debt-notice", day(7))
    step = _step(person, day(60))
    assert step.step == "debt-notice" and not step.notice_late
    assert _step(person, dt.date(2027, 2, 2)).notice_late  # due + 4 months


def test_no_collection_step_until_fourteen_days_after_the_notice_was_sent(person):
    _invoice(person)
    _letter(person, "debt-notice", 38)
    record_registered_mail(person.letters[0].id, "RR2IL", day(40))  # sent, not printed
    # The invoice is 53 days overdue: by the calendar the final warning (+45) is long due,
    # but the law gives the debtor 14 days from sending the notice.
    for n in range(40, 54):
        step = _step(person, day(n))
        assert step.state == "waiting" and step.step_date == day(54), n
    assert _next(person, day(54)) == ("due", "final-warning", day(54))


def test_a_notice_on_day_six_opens_the_gate_fourteen_days_later(person):
    _invoice(person)
    _letter(person, "debt-notice", 6)
    assert _next(person, day(19)) == ("waiting", "reminder", day(20))
    assert _next(person, day(20)) == ("due", "reminder", day(20))  # notice + 14, not due + 21


def test_a_notice_for_an_older_debt_does_not_open_the_gate_for_a_newer_one(person):
    _invoice(person, "1")
    _letter(person, "debt-notice", 8)
    _invoice(person, "2", 700, due=day(30))
    step = _step(person, day(40))  # the new invoice needs its own notice first
    assert (step.state, step.step, [i.number for i in step.invoices]) == (
        "due", "debt-notice", ["2"])
    _letter(person, "debt-notice", 40)
    step = _step(person, day(41))  # the old one is past its gate: it goes on alone
    assert (step.state, step.step, [i.number for i in step.invoices]) == (
        "due", "call", ["1"])
    assert [i.number for i in step.waiting] == ["2"]


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
    step = _step(client, day(20))
    assert step.state == "paused" and "שיק דחוי" in step.reason
    assert dunning_steps(day(40)) == []  # the check's date came: paid
    services.bounce_payment(check.id, day(43))
    assert _next(client, day(43)) == ("due", "call", day(30))
