"""Promises to pay judged from payments: kept, partly kept, broken, late, pending."""
import datetime as dt

import pytest

from models.common.errors import GviaError, ValidationError
from models.contact.contact_log import log_contact
from models.contact.promises import (
    Promise,
    PromiseCounts,
    evaluate_promises,
    promise_counts,
    record_promise,
)
from models.ledger import services

MADE = dt.date(2026, 11, 10)
PROMISED = dt.date(2026, 11, 20)  # grace 3 days: the window closes on 23/11


@pytest.fixture
def promise(client):
    services.add_invoice(client.id, "100", dt.date(2026, 9, 1), 2000)
    entry = log_contact(client.id, dt.datetime(2026, 11, 10, 11, 0), "phone",
                        summary="הבטיח להעביר 1,000 ש\"ח עד ה-20 לחודש",
                        recorded_at=dt.datetime(2026, 12, 31))
    return record_promise(entry.id, "1,000", PROMISED)


def _state(day):
    [status] = evaluate_promises(day)
    return status.state, status.paid_agorot


def _pay(client, day, amount, **kw):
    return services.record_payment(client.id, day, amount, **kw)


def test_no_payment_is_pending_until_the_grace_ends_then_broken(client, promise):
    assert _state(PROMISED) == ("pending", 0)
    assert _state(dt.date(2026, 11, 23)) == ("pending", 0)
    assert _state(dt.date(2026, 11, 24)) == ("broken", 0)
    assert promise_counts(dt.date(2026, 11, 24)) == {client.id: PromiseCounts(broken=1)}


def test_full_payment_before_the_date_keeps_it_at_once(client, promise):
    _pay(client, dt.date(2026, 11, 15), 1000)
    assert _state(dt.date(2026, 11, 14)) == ("pending", 0)
    assert _state(dt.date(2026, 11, 15)) == ("kept", 100000)


def test_payment_within_the_grace_keeps_it(client, promise):
    _pay(client, dt.date(2026, 11, 23), 1000)
    assert _state(dt.date(2026, 12, 1)) == ("kept", 100000)


def test_late_payment_does_not_keep_it(client, promise):
    _pay(client, dt.date(2026, 11, 24), 1000)
    assert _state(dt.date(2026, 12, 1)) == ("broken", 0)


def test_partial_payment_is_partly_kept(client, promise):
    _pay(client, dt.date(2026, 11, 18), 400)
    assert _state(dt.date(2026, 11, 20)) == ("pending", 40000)
    [status] = evaluate_promises(dt.date(2026, 11, 30))
    assert (status.state, status.paid_agorot, status.outstanding_agorot) == ("partly_kept", 40000, 60000)
    assert status.is_broken and status.broken_date == dt.date(2026, 11, 24)
    assert promise_counts(dt.date(2026, 11, 30)) == {
        client.id: PromiseCounts(broken=1, partly_kept=1)}


def test_payment_before_the_promise_or_in_another_currency_does_not_count(client, promise):
    _pay(client, dt.date(2026, 11, 9), 1000)
    _pay(client, dt.date(2026, 11, 12), 1000, currency="USD")
    assert _state(dt.date(2026, 11, 30)) == ("broken", 0)


def test_a_bounced_check_stops_counting_when_it_bounces(client, promise):
    check = _pay(client, dt.date(2026, 11, 19), 1000, method="check", check_number="1234")
    assert _state(dt.date(2026, 11, 20)) == ("kept", 100000)
    services.bounce_payment(check.id, dt.date(2026, 11, 26))
    assert _state(dt.date(2026, 11, 25)) == ("kept", 100000)
    assert _state(dt.date(2026, 11, 26)) == ("broken", 0)


def test_a_post_dated_check_counts_from_its_own_date(client, promise):
    _pay(client, dt.date(2026, 11, 12), 1000, method="check", check_number="77",
         check_date=dt.date(2026, 12, 5))
    assert _state(dt.date(2026, 12, 10)) == ("broken", 0)


def test_one_payment_is_used_once_across_two_promises(client, promise):
    entry = log_contact(client.id, dt.datetime(2026, 11, 12, 9, 0), "phone",
                        recorded_at=dt.datetime(2026, 12, 31))
    record_promise(entry.id, 1000, dt.date(2026, 11, 22))
    _pay(client, dt.date(2026, 11, 19), 1500)
    first, second = evaluate_promises(dt.date(2026, 12, 1))
    assert (first.state, first.paid_agorot) == ("kept", 100000)
    assert (second.state, second.paid_agorot) == ("partly_kept", 50000)


def test_promises_are_evidence_and_refuse_bad_input(client, promise):
    with pytest.raises(GviaError):
        promise.save()
    entry_id = promise.entry_id
    with pytest.raises(ValidationError, match="מוקדם"):
        record_promise(entry_id, 100, dt.date(2026, 11, 1))
    with pytest.raises(ValidationError):
        record_promise(entry_id, "-5", PROMISED)
    with pytest.raises(ValidationError):
        record_promise(entry_id, 100, PROMISED, currency="CAD")
    with pytest.raises(ValidationError):
        record_promise(9999, 100, PROMISED)
    assert Promise.select().count() == 1
