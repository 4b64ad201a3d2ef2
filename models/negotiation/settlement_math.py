"""Settlement arithmetic, pure: instalment amounts and dates, and tracking a schedule
against the money received.

* Amounts are split in whole agorot: every instalment gets the same amount and the
  first one takes the remainder, so the post-dated checks after it are all alike.
* Monthly dates keep the first date's day, clamped to the month's end: 31/01 → 29/02
  (leap year) → 31/03; a first date at a month's end stays at month ends (30/11 → 31/12).
* Money fills the schedule in order (down payment first). As of D, a line whose due
  date + grace is before D and that the money received by D does not cover is missed;
  a missed line makes the settlement breached. Catching up before D cures the breach:
  the line shows as paid late.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.common.errors import ValidationError
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


def monthly_dates(first: dt.date, count: int) -> list[dt.date]:
    """Monthly from `first`: the same day, clamped to shorter months; a first date on a
    month's last day keeps to month ends (30/11 → 31/12 → 31/01 → 28/02)."""
    if first == end_of_month(first):
        return [add_months_end(first, k) for k in range(count)]
    return [add_months_end_exact(first, k) for k in range(count)]


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
    breached_line: LineStatus | None   # the first missed line, if any

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
          grace_days: int = 0) -> Tracking:
    """The schedule as of `as_of`, given the money received (date, agorot) — any order."""
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
        if state == "missed" and breached is None:
            breached = status
        statuses.append(status)
    return Tracking(statuses, sum(l.amount_agorot for l in schedule), paid_total, breached)
