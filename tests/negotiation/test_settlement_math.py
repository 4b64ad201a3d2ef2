"""Settlement arithmetic: splitting in agorot, monthly dates on month ends, tracking."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.common.errors import ValidationError
from models.negotiation.settlement_math import (
    ScheduleLine,
    monthly_dates,
    split_amount,
    track,
)


@given(total=st.integers(min_value=1, max_value=10**11), count=st.integers(1, 120))
def test_instalments_sum_to_the_amount_in_whole_agorot(total, count):
    if total < count:
        with pytest.raises(ValidationError):
            split_amount(total, count)
        return
    parts = split_amount(total, count)
    assert sum(parts) == total
    assert len(parts) == count
    assert len(set(parts[1:])) <= 1  # the checks after the first are all alike
    assert 0 <= parts[0] - parts[-1] < count


def test_remainder_goes_to_the_first_instalment():
    assert split_amount(100000, 3) == [33334, 33333, 33333]


@pytest.mark.parametrize("count", [0, 121])
def test_instalment_count_out_of_range_is_refused(count):
    with pytest.raises(ValidationError):
        split_amount(100000, count)


def test_monthly_dates_keep_the_day_and_clamp_to_month_end():
    assert monthly_dates(dt.date(2028, 1, 31), 4) == [
        dt.date(2028, 1, 31), dt.date(2028, 2, 29), dt.date(2028, 3, 31), dt.date(2028, 4, 30)]
    assert monthly_dates(dt.date(2026, 11, 30), 3) == [  # a month's end stays a month's end
        dt.date(2026, 11, 30), dt.date(2026, 12, 31), dt.date(2027, 1, 31)]
    assert monthly_dates(dt.date(2027, 2, 28), 3) == [
        dt.date(2027, 2, 28), dt.date(2027, 3, 31), dt.date(2027, 4, 30)]
    assert monthly_dates(dt.date(2026, 12, 30), 3) == [
        dt.date(2026, 12, 30), dt.date(2027, 1, 30), dt.date(2027, 2, 28)]
    assert monthly_dates(dt.date(2027, 1, 29), 2)[1] == dt.date(2027, 2, 28)


SCHEDULE = [ScheduleLine(0, dt.date(2026, 11, 1), 1000),
            ScheduleLine(1, dt.date(2026, 12, 1), 3000),
            ScheduleLine(2, dt.date(2027, 1, 1), 3000)]


def test_money_fills_the_schedule_in_order():
    t = track(SCHEDULE, [(dt.date(2026, 11, 1), 2500)], dt.date(2026, 11, 20))
    assert [(s.state, s.paid_agorot) for s in t.lines] == [
        ("paid", 1000), ("partly_paid", 1500), ("upcoming", 0)]
    assert t.breached_line is None and t.remaining_agorot == 4500


def test_a_missed_instalment_is_a_breach_only_after_the_grace():
    receipts = [(dt.date(2026, 11, 1), 1000), (dt.date(2026, 12, 1), 3000)]
    assert track(SCHEDULE, receipts, dt.date(2027, 1, 4), grace_days=3).breached_line is None
    late = track(SCHEDULE, receipts, dt.date(2027, 1, 5), grace_days=3)
    assert late.breached_line.line.seq == 2
    assert [s.state for s in late.lines] == ["paid", "paid", "missed"]


def test_a_late_payment_does_not_cure_the_breach_and_shows_as_late():
    receipts = [(dt.date(2026, 11, 1), 1000), (dt.date(2026, 12, 20), 3000)]
    t = track(SCHEDULE, receipts, dt.date(2026, 12, 25))
    assert t.breached_line.line.seq == 1 and t.breached_on == dt.date(2026, 12, 2)
    assert t.lines[1].state == "paid_late" and t.lines[1].paid_date == dt.date(2026, 12, 20)


def test_a_reinstatement_counts_only_the_deadlines_from_its_day_on():
    receipts = [(dt.date(2026, 11, 1), 1000), (dt.date(2026, 12, 20), 3000)]
    t = track(SCHEDULE, receipts, dt.date(2026, 12, 25), reinstated=dt.date(2026, 12, 21))
    assert t.breached_line is None and t.breached_on is None
    # the next instalment missed after the reinstatement breaches it again
    again = track(SCHEDULE, receipts, dt.date(2027, 1, 5), grace_days=3,
                  reinstated=dt.date(2026, 12, 21))
    assert again.breached_line.line.seq == 2 and again.breached_on == dt.date(2027, 1, 5)
    # arrears left at the reinstatement breach it at the next deadline (money fills in order)
    behind = track(SCHEDULE, [(dt.date(2026, 11, 1), 1000), (dt.date(2027, 1, 1), 3000)],
                   dt.date(2027, 1, 2), reinstated=dt.date(2026, 12, 10))
    assert behind.breached_line.line.seq == 2


def test_money_received_after_the_date_does_not_count_then():
    t = track(SCHEDULE, [(dt.date(2027, 2, 1), 7000)], dt.date(2026, 11, 10))
    assert t.paid_agorot == 0 and t.breached_line.line.seq == 0
    done = track(SCHEDULE, [(dt.date(2027, 2, 1), 7000)], dt.date(2027, 2, 1))
    assert done.is_complete and done.breached_line.line.seq == 0  # paid, but late


def test_business_day_dates_move_off_friday_saturday_and_holidays():
    first = dt.date(2026, 8, 21)  # a Friday
    assert monthly_dates(first, 4) == [dt.date(2026, 8, 21), dt.date(2026, 9, 21),
                                       dt.date(2026, 10, 21), dt.date(2026, 11, 21)]
    assert monthly_dates(first, 4, business_days=True) == [
        dt.date(2026, 8, 23),    # Friday -> Sunday
        dt.date(2026, 9, 22),    # Monday, Yom Kippur -> Tuesday
        dt.date(2026, 10, 21),   # a Wednesday: stays
        dt.date(2026, 11, 22)]   # Saturday -> Sunday
    # Rosh Hashanah on a Saturday and the Sunday after: on to the Monday; the months are
    # still counted from the first date, so one move does not shift the next
    assert monthly_dates(dt.date(2026, 8, 12), 3, business_days=True) == [
        dt.date(2026, 8, 12), dt.date(2026, 9, 14), dt.date(2026, 10, 12)]
