"""The overdue trend is a signed prefix sum over the week ends: every boundary (a due
date, payment, bounce or cancellation falling on a week end, the day before, the day
after) must give what aging says was overdue at that week end."""
import datetime as dt

import pytest

from models.collection.today import overdue_trend, today_list, trend_points
from models.ledger import services
from models.queries.aging import aging_report

AS_OF = dt.date(2026, 11, 26)


def _aging_overdue(point: dt.date) -> dict[str, int]:
    expected = {}
    for row in aging_report(point).totals():
        overdue = row.total - row.buckets[0]
        if overdue:
            expected[row.currency] = overdue
    return expected


@pytest.mark.parametrize("shift", [-1, 0, 1])
def test_events_on_and_around_week_ends_match_aging(db, client, shift):
    points = trend_points(AS_OF)
    day = lambda k: points[k] + dt.timedelta(days=shift)  # noqa: E731
    add, pay = services.add_invoice, services.record_payment
    old = add(client.id, "1", dt.date(2026, 6, 1), 900, due_date=dt.date(2026, 7, 1))
    on_p0 = add(client.id, "2", points[0] - dt.timedelta(days=10), 500, due_date=day(0))
    mid = add(client.id, "3", day(2) - dt.timedelta(days=5), 700, due_date=day(3))
    usd = add(client.id, "4", day(1), 300, currency="USD", due_date=day(2))
    late = add(client.id, "5", day(6), 400, due_date=day(7))
    gone = add(client.id, "6", day(1), 650, due_date=day(2))
    last_week = add(client.id, "7", day(9), 250, due_date=points[9] + dt.timedelta(days=3))
    services.cancel_invoice(gone.id, day(5))
    pay(client.id, day(4), 300, invoice_ids=[old.id])           # part of an old debt
    pay(client.id, day(5), 500, invoice_ids=[on_p0.id])         # due on a week end, paid
    bounced = pay(client.id, day(3), 700, method="check", check_number="9",
                  invoice_ids=[mid.id])
    services.bounce_payment(bounced.id, day(8))                 # reopens it
    pay(client.id, day(9), 300, currency="USD", invoice_ids=[usd.id])
    pay(client.id, day(11) if shift <= 0 else AS_OF, 150, invoice_ids=[late.id])
    pay(client.id, points[10] + dt.timedelta(days=2), 250, invoice_ids=[last_week.id])
    trend = overdue_trend(AS_OF)
    assert [p for p, _ in trend] == points
    for point, amounts in trend:
        assert amounts == _aging_overdue(point), point
    assert today_list(AS_OF).trend == trend  # Today's own path (its candidates) agrees


def test_a_book_with_nothing_overdue_has_an_empty_trend(db, client):
    services.add_invoice(client.id, "1", AS_OF, 100, due_date=AS_OF + dt.timedelta(days=30))
    assert overdue_trend(AS_OF) == [(p, {}) for p in trend_points(AS_OF)]
