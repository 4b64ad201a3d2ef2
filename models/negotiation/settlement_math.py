"""Settlement arithmetic, pure: instalment amounts and dates, and tracking a schedule
against the money received.

* Amounts are split in whole agorot: every instalment gets the same amount and the
  first one takes the remainder, so the post-dated checks after it are all alike.
* Monthly dates keep the first date's day, clamped to the month's end: 31/01 → 29/02
  (leap year) → 31/03; a first date at a month's end stays at month ends (30/11 → 31/12).
* Instalment dates can keep off Fridays, Saturdays and Israeli holiday rest days: each
  monthly date is moved on to the next business day (models.common.holidays), and the
  next month is still counted from the first date, so one move does not shift the rest.
* Money fills the schedule in order (down payment first). As of D, a line whose due
  date + grace is before D and that the money received by D does not cover is missed.
* A breach is a day, not a mood of the moment: the settlement is breached from the day
  after the first line's due date + grace on which the money received by then did not
  cover the schedule up to that line. Catching up later does not cure it (the line shows
  as paid late, the settlement stays breached); only the user's reinstatement on a day R
  does, and from R on only the lines whose due date + grace is on or after R count.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.common.errors import ValidationError
from models.common.holidays import next_business_day
from models.common.i18n import N_, _
from models.common.terms import add_months_end, add_months_end_exact, end_of_month

MAX_INSTALMENTS = 120
# Translated where shown (models.negotiation.settlement_status.line_state_name).
LINE_STATES = {
    "paid": N_("Paid"),
    "paid_late": N_("Paid after the due date"),
    "partly_paid": N_("Partly paid"),
    "due": N_("Due now"),
    "missed": N_("Not paid on time"),
    "upcoming": N_("Upcoming"),
}


def split_amount(total_agorot: int, count: int) -> list[int]:
    """`total` in `count` instalments of whole agorot; the first takes the remainder."""
    if not 1 <= count <= MAX_INSTALMENTS:
        raise ValidationError(_("The number of payments must be between 1 and {max}.").format(
            max=MAX_INSTALMENTS), field="instalments")
    if total_agorot < count:
        raise ValidationError(_("The amount is too small to split into this many payments."),
                              field="instalments")
    base, remainder = divmod(total_agorot, count)
    return [base + remainder] + [base] * (count - 1)


def monthly_dates(first: dt.date, count: int, *, business_days: bool = False) -> list[dt.date]:
    """Monthly from `first`: the same day, clamped to shorter months; a first date on a
    month's last day keeps to month ends (30/11 → 31/12 → 31/01 → 28/02). business_days:
    each date that falls on a Friday, a Saturday or a holiday moves on to the next
    business day (the months are still counted from `first`)."""
    if first == end_of_month(first):
        dates = [add_months_end(first, k) for k in range(count)]
    else:
        dates = [add_months_end_exact(first, k) for k in range(count)]
    return [next_business_day(d) for d in dates] if business_days else dates


@dataclass(frozen=True)
class ScheduleLine:
    seq: int            # 0: the down payment; 1…n: the instalments
    due_date: dt.date
    amount_agorot: int


@dataclass(frozen=True)
class LineStatus:
    line: ScheduleLine
    paid_agorot: int     # of this line, from the money received by D
    state: str           # LINE_STATES
    paid_date: dt.date | None  # when the money covering it in full arrived


@dataclass(frozen=True)
class Tracking:
    lines: list[LineStatus]
    total_agorot: int
    paid_agorot: int
    breached_line: LineStatus | None   # the line whose deadline made the breach, if any
    breached_on: dt.date | None = None  # the day the breach began (that deadline + 1)

    @property
    def remaining_agorot(self) -> int:
        return max(0, self.total_agorot - self.paid_agorot)

    @property
    def is_complete(self) -> bool:
        return self.paid_agorot >= self.total_agorot

    @property
    def next_line(self) -> LineStatus | None:
        return next((s for s in self.lines if s.state in ("due", "partly_paid", "missed",
                                                          "upcoming")), None)


def track(schedule: list[ScheduleLine], receipts: list[tuple[dt.date, int]], as_of: dt.date,
          grace_days: int = 0, *, reinstated: dt.date | None = None) -> Tracking:
    """The schedule as of `as_of`, given the money received (date, agorot) — any order —
    and the day the user last reinstated the settlement after a breach, if any."""
    received = sorted((day, amount) for day, amount in receipts if day <= as_of)
    paid_total = sum(amount for _, amount in received)
    statuses, covered_until, pos, running = [], 0, 0, 0
    breached = None
    for line in sorted(schedule, key=lambda l: (l.due_date, l.seq)):
        covered_until += line.amount_agorot
        # the day the running total first reached this line's end
        while pos < len(received) and running < covered_until:
            running += received[pos][1]
            pos += 1
        full = running >= covered_until
        paid_date = received[pos - 1][0] if full and pos else None
        before = covered_until - line.amount_agorot
        paid_here = max(0, min(line.amount_agorot, paid_total - before))
        late_after = line.due_date + dt.timedelta(days=grace_days)
        if full:
            state = "paid_late" if paid_date > late_after else "paid"
        elif late_after < as_of:
            state = "missed"
        elif paid_here:
            state = "partly_paid"
        elif line.due_date <= as_of:
            state = "due"
        else:
            state = "upcoming"
        status = LineStatus(line, paid_here, state, paid_date)
        if (breached is None and late_after < as_of
                and (reinstated is None or late_after >= reinstated)
                and (paid_date is None or paid_date > late_after)):
            breached = status  # not covered when its grace ran out: the breach began then
        statuses.append(status)
    return Tracking(statuses, sum(l.amount_agorot for l in schedule), paid_total, breached,
                    breached.line.due_date + dt.timedelta(days=grace_days + 1)
                    if breached else None)
