"""The "Today" list (היום): what to do on a given date, grouped, with totals and a trend.

One builder for every front end: the Today screen and `python main.py today` (text and
JSON) both call today_list and only format what it returns.

    today_list(as_of) -> TodayList
        .due_soon    invoices falling due within `due_soon_days` (start early)
        .actions     the clients whose next dunning step is due, one item per client: the
                     engine's answer (models.collection.dunning.client_steps), with the
                     invoices the step covers and why
        .paused      invoices whose step waits (dispute, post-dated check, promise, settlement)
        .promises_due / .promises_broken
                     promises due (waiting for the money, in grace) or broken lately
        .follow_ups  follow-up dates reached with nothing logged since
        .checks      post-dated checks whose date arrived (deposit them)
        .deposits    deposits asked for and not (validly) received: the work waits for them
        .instalments settlement instalments due within `due_soon_days`, or due and unpaid
        .breaches    settlements breached: the acceleration clause is the next step
        .overdue_totals / .expected_week   per currency, never added across currencies
        .trend       overdue total at the end of each of the last 12 weeks, per currency
    today_records(today) -> dict with stable English keys (JSON)
    (the command line's Hebrew text is cli/today_text.py)

"Expected this week" = open amounts of invoices due in the seven days from `as_of` (not
disputed) + what is still outstanding of pending promises dated in those days.

Speed on 1M invoices: one statement reads the open invoices due by as_of + N days (shared
by the due-soon list, the dunning walk, the totals and the trend) and one pass over them
makes the lists and sums; the trend adds only what changed in the last 12 weeks, as a
signed prefix sum over the week ends (see overdue_trend). That statement runs on the one
reading thread of the process (its own connection: SQLite works without the GIL, so on a
second core it overlaps the Python work of the caller; on a server, its own session to the
same database, which the server runs beside the caller's); everything else runs in the
caller's thread, on the caller's connection.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import accumulate

from models.collection.dunning import (
    ClientStep,
    InvoiceDunning,
    client_steps,
    open_invoices_due_by,
)
from models.common.money import plain
from models.contact.promises import PromiseStatus, evaluate_promises
from models.contact.rules import load_rules
from models.db import dialect
from models.db.connection import database, worker_connection
from models.ledger.open_invoice import OpenInvoice
from models.negotiation.settlement_status import (
    InstalmentDue,
    SettlementStatus,
    settled_invoice_pauses,
    settlement_agenda,
)
from models.prevention.deposits import DepositDue, deposits_due

TREND_WEEKS = 12
TREND_STEP_DAYS = 7  # the trend's points are week ends


@dataclass
class ActionItem:
    """One step to take with one client: the invoices it covers and what they add up to."""
    client_id: int
    client_name: str
    client_kind: str
    code: str                 # the action code the log records (ACTIONS)
    action: str               # letter / call / email / handover
    letter_kind: str | None
    label: str
    step_date: dt.date        # the date it fell due
    steps: list[InvoiceDunning] = field(default_factory=list)
    client_step: ClientStep | None = None  # the engine's answer (models.collection.dunning)

    @property
    def step(self) -> str:
        """The step in one plain word: debt-notice, reminder, second-reminder,
        final-warning, call, handover (email: the courtesy before the due date)."""
        return self.code

    @property
    def reason(self) -> str:
        return self.client_step.reason if self.client_step else ""

    @property
    def open_by_currency(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for s in self.steps:
            totals[s.invoice.currency] += s.invoice.open_agorot
        return dict(sorted(totals.items()))

    @property
    def max_days_overdue(self) -> int:
        return max(s.days_overdue for s in self.steps) if self.steps else 0

    @property
    def is_notice_late(self) -> bool:
        return any(s.is_notice_late for s in self.steps)


@dataclass
class FollowUp:
    entry_id: int
    client_id: int
    client_name: str
    follow_up_date: dt.date
    summary: str


@dataclass
class CheckToDeposit:
    payment_id: int
    client_id: int
    client_name: str
    check_number: str
    check_bank: str
    check_date: dt.date
    amount_agorot: int
    currency: str


@dataclass
class TodayList:
    as_of: dt.date
    due_soon: list[OpenInvoice]
    actions: list[ActionItem]
    paused: list[InvoiceDunning]
    promises_due: list[PromiseStatus]
    promises_broken: list[PromiseStatus]
    follow_ups: list[FollowUp]
    checks: list[CheckToDeposit]
    overdue_totals: dict[str, int]
    expected_week: dict[str, int]
    trend: list[tuple[dt.date, dict[str, int]]]
    instalments: list[InstalmentDue] = field(default_factory=list)
    breaches: list[SettlementStatus] = field(default_factory=list)
    deposits: list[DepositDue] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Nothing to do (paused invoices are for reference, not tasks)."""
        return not (self.due_soon or self.actions or self.promises_due or self.promises_broken
                    or self.follow_ups or self.checks or self.deposits or self.instalments
                    or self.breaches)


def today_list(as_of: dt.date, *, with_trend: bool = True) -> TodayList:
    """Every section of the Today list for `as_of` (`with_trend=False` skips the trend)."""
    rules = load_rules()
    trend_rows = _read_aside(_trend_rows, as_of, TREND_WEEKS) if with_trend else None
    week_end = as_of + dt.timedelta(days=6)
    soon_end = as_of + dt.timedelta(days=rules.due_soon_days)
    horizon = as_of + dt.timedelta(days=max(rules.due_soon_days, 6, 3))
    candidates = open_invoices_due_by(as_of, horizon)
    # One pass over the candidates (100,000+ on a big book) for the lists and the sums;
    # the overdue ones are summed by currency and due date, which is all the trend needs.
    due_soon: list[OpenInvoice] = []
    overdue_by_due: dict[tuple[str, dt.date], int] = defaultdict(int)
    expected: dict[str, int] = defaultdict(int)
    # Invoices under a settlement are expected through its instalments, not on their own.
    settled = settled_invoice_pauses(as_of)
    for c in candidates:
        due = c.due_date
        if due < as_of:
            overdue_by_due[c.currency, due] += c.open_agorot
            continue
        if c.invoice_id in settled:
            continue
        if due <= soon_end:
            due_soon.append(c)
        if due <= week_end and not c.is_disputed:
            expected[c.currency] += c.open_agorot
    due_soon.sort(key=lambda c: (c.due_date, c.client_name, c.invoice_id))
    overdue_totals: dict[str, int] = defaultdict(int)
    for (currency, _due), amount in overdue_by_due.items():
        overdue_totals[currency] += amount
    steps = client_steps(as_of, rules=rules, candidates=candidates)
    actions = _actions(steps)
    paused = [InvoiceDunning(inv, step, "paused", why)
              for step in steps.values() for inv, why in step.paused]
    promises_due, promises_broken = _promises(as_of, rules.broken_promise_days,
                                              rules.promise_grace_days)
    for p in evaluate_promises(as_of, window_ends_after=as_of, grace=rules.promise_grace_days):
        if p.state == "pending" and as_of <= p.promised_date <= week_end:
            expected[p.currency] += p.outstanding_agorot
    instalments, breaches = settlement_agenda(as_of, rules.due_soon_days)
    for due in instalments:
        if as_of <= due.due_date <= week_end:
            expected[due.currency] += due.owed_agorot
    return TodayList(
        as_of=as_of, due_soon=due_soon, actions=actions, paused=paused,
        promises_due=promises_due, promises_broken=promises_broken,
        follow_ups=follow_ups_due(as_of),
        checks=checks_to_deposit(as_of, rules.check_window_days),
        deposits=deposits_due(as_of),
        overdue_totals=dict(sorted(overdue_totals.items())),
        expected_week=dict(sorted(expected.items())),
        trend=(_trend(as_of, TREND_WEEKS, overdue_by_due, trend_rows.result())
               if trend_rows else []),
        instalments=instalments, breaches=breaches)


def _actions(steps: dict[int, ClientStep]) -> list[ActionItem]:
    """One item per client whose step is due: the engine decides, Today only lists."""
    items = []
    for step in steps.values():
        if step.state != "due" or step.level is None:
            continue
        level = step.level
        items.append(ActionItem(step.client_id, step.client_name, step.client_kind, level.code,
                                level.action, level.letter_kind, level.label, step.step_date,
                                [InvoiceDunning(i, step) for i in step.invoices], step))
    return sorted(items, key=lambda a: (a.step_date, a.client_name, a.code))


def _promises(as_of: dt.date, broken_days: int, grace: int
              ) -> tuple[list[PromiseStatus], list[PromiseStatus]]:
    since = as_of - dt.timedelta(days=broken_days)
    due, broken = [], []
    for p in evaluate_promises(as_of, window_ends_after=since, grace=grace):
        if p.state == "pending" and p.promised_date <= as_of:
            due.append(p)
        elif p.is_broken and since <= p.broken_date <= as_of:
            broken.append(p)
    return due, broken


# The latest follow-up a client was given supersedes earlier ones; it is done once
# anything is logged for the client on or after its date (occurred_at is ISO text, so
# the date is compared as text: PostgreSQL compares no text with a date). Today's lists
# are sorted in Python, by code point as SQLite does, not by a server's collation.
_FOLLOW_UPS_SQL = """
WITH live AS (
    SELECT id, client_id, occurred_at, follow_up_date, summary FROM contact_log
    WHERE occurred_at < :next
      AND id NOT IN (SELECT corrects_id FROM contact_log WHERE corrects_id IS NOT NULL)),
latest AS (
    SELECT id, client_id, occurred_at, follow_up_date, summary,
           ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY occurred_at DESC, id DESC) AS rn
    FROM live WHERE follow_up_date IS NOT NULL)
SELECT f.id, f.client_id, c.name, f.follow_up_date, f.summary
FROM latest f JOIN client c ON c.id = f.client_id
WHERE f.rn = 1 AND f.follow_up_date <= :d
  AND NOT EXISTS (SELECT 1 FROM live l WHERE l.client_id = f.client_id AND l.id <> f.id
                  AND l.occurred_at >= CAST(f.follow_up_date AS TEXT)
                  AND l.occurred_at >= f.occurred_at)
"""


def follow_ups_due(as_of: dt.date) -> list[FollowUp]:
    params = {"d": as_of.isoformat(), "next": (as_of + dt.timedelta(days=1)).isoformat()}
    rows = [FollowUp(eid, cid, name, dt.date.fromisoformat(day), summary)
            for eid, cid, name, day, summary in database.execute_sql(
                _FOLLOW_UPS_SQL, params)]
    return sorted(rows, key=lambda f: (f.follow_up_date, f.client_name, f.entry_id))


_CHECKS_SQL = """
SELECT p.id, p.client_id, c.name, p.check_number, p.check_bank, p.check_date,
       p.amount_agorot, p.currency
FROM payment p JOIN client c ON c.id = p.client_id
WHERE p.check_date IS NOT NULL AND p.check_date > :since AND p.check_date <= :d
  AND p.check_date > p.date AND p.method = 'check'
  AND (p.bounced_date IS NULL OR p.bounced_date > :d)
"""


def checks_to_deposit(as_of: dt.date, window_days: int = 7) -> list[CheckToDeposit]:
    """Post-dated checks whose own date arrived in the last `window_days` days (there is no
    deposit record yet, so the window keeps the list short)."""
    params = {"d": as_of.isoformat(),
              "since": (as_of - dt.timedelta(days=max(window_days, 1))).isoformat()}
    rows = [CheckToDeposit(pid, cid, name, number, bank, dt.date.fromisoformat(day), amount, cur)
            for pid, cid, name, number, bank, day, amount, cur in
            database.execute_sql(_CHECKS_SQL, params)]
    return sorted(rows, key=lambda c: (c.check_date, c.client_name, c.payment_id))


# ---- trend ---------------------------------------------------------------------------

def trend_points(as_of: dt.date, weeks: int = TREND_WEEKS) -> list[dt.date]:
    """Week ends, oldest first, the last one being `as_of`."""
    return [as_of - dt.timedelta(days=TREND_STEP_DAYS * k) for k in range(weeks - 1, -1, -1)]


# First week end (index k of p0 + 7k) on or after / strictly after a date column, 0 when
# the date is before p0; whole day counts (exact for midnight dates).
def _point_from(column: str) -> str:
    d = dialect.current()
    return d.greatest("0", f"({d.days_between(column, ':p0')} + :step - 1) / :step")


def _point_after(column: str) -> str:
    days = dialect.current().days_between(column, ":p0")
    return f"CASE WHEN {column} < :p0 THEN 0 ELSE {days} / :step + 1 END"


# What changed between each week end p and as_of D, as signed amounts over runs of week
# ends [first, stop): an allocation counted now but applied after p adds its amount at
# the points between the due date and its applied date; one counted at p but reversed
# since (a check that bounced) takes it off between its applied and reversed dates; an
# invoice cancelled since adds its amount between its due and cancelled dates. The
# allocations are found from the invoices whose payments changed since the first point
# and after their due date — none other can change a point — (index invoice_paid_changed,
# migration 0005), the cancellations by invoice_cancelled.
_REVERSED = "a.reversed_date <= :d"


def _trend_sql_text() -> str:
    """The trend's statement in the open ledger's dialect (date arithmetic differs)."""
    first = dialect.current().greatest(_point_after("i.due_date"),
                                       _point_from("a.applied_date"))
    return f"""
SELECT currency, first, stop, SUM(amount) FROM (
    SELECT i.currency,
           CASE WHEN {_REVERSED} THEN {first}
                ELSE {_point_after("i.due_date")} END AS first,
           CASE WHEN {_REVERSED} THEN {_point_from("a.reversed_date")}
                ELSE {_point_from("a.applied_date")} END AS stop,
           CASE WHEN {_REVERSED} THEN -a.amount_agorot ELSE a.amount_agorot END AS amount
    FROM invoice i INDEXED BY invoice_paid_changed
    CROSS JOIN allocation a ON a.invoice_id = i.id
    WHERE i.paid_changed_date > :p0 AND i.paid_changed_date > i.due_date
      AND (a.applied_date > :p0 OR a.reversed_date > :p0) AND a.applied_date <= :d
      AND i.due_date < :d AND (i.cancelled_date IS NULL OR i.cancelled_date > :d)
    UNION ALL
    SELECT currency, {_point_after("due_date")}, {_point_from("cancelled_date")},
           amount_agorot
    FROM invoice
    WHERE cancelled_date IS NOT NULL AND cancelled_date > :p0 AND cancelled_date <= :d
) AS changes
WHERE first < stop
GROUP BY currency, first, stop
"""


_trend_sql_by_dialect: dict[str, str] = {}  # built once per engine, when first asked


def _trend_sql() -> str:
    name = dialect.current().name
    if name not in _trend_sql_by_dialect:
        _trend_sql_by_dialect[name] = _trend_sql_text()
    return _trend_sql_by_dialect[name]


def overdue_trend(as_of: dt.date, weeks: int = TREND_WEEKS, *,
                  open_now: list[OpenInvoice] | None = None) -> list[tuple[dt.date, dict[str, int]]]:
    """Overdue total (aging's "overdue" = open and past due) at each week end.

    At a past point p an invoice is overdue when due < p (so issued by p too). Its open
    amount then = its open amount now + allocations counted now but not at p (money that
    came after p) − allocations counted at p but reversed since (checks that bounced after
    p); invoices cancelled after p add their amount. So the trend is the open invoices now
    (`open_now`, e.g. Today's candidates) plus a small correction from recent activity,
    summed as a signed prefix sum over the week ends.
    """
    if open_now is None:
        open_now = open_invoices_due_by(as_of, as_of)
    overdue_by_due: dict[tuple[str, dt.date], int] = defaultdict(int)
    for inv in open_now:
        if inv.due_date < as_of:
            overdue_by_due[inv.currency, inv.due_date] += inv.open_agorot
    return _trend(as_of, weeks, overdue_by_due, _trend_rows(as_of, weeks))


def _trend_rows(as_of: dt.date, weeks: int) -> list[tuple]:
    """What changed since the first week end, as signed runs (_trend_sql)."""
    params = {"p0": trend_points(as_of, weeks)[0].isoformat(), "d": as_of.isoformat(),
              "step": TREND_STEP_DAYS}
    return database.execute_sql(_trend_sql(), params).fetchall()


def _trend(as_of: dt.date, weeks: int, overdue_by_due: dict[tuple[str, dt.date], int],
           rows: list[tuple]) -> list[tuple[dt.date, dict[str, int]]]:
    """overdue_trend from what is overdue now, by (currency, due date), and the _trend_rows."""
    points = trend_points(as_of, weeks)
    # changes[currency][k]: what the total gains from week end k on; its running sum is
    # the trend. An invoice overdue now counts from the first week end after its due date.
    changes: dict[str, list[int]] = defaultdict(lambda: [0] * (len(points) + 1))
    for (currency, due), amount in overdue_by_due.items():
        changes[currency][bisect_right(points, due)] += amount
    for currency, first, stop, amount in rows:
        row = changes[currency]
        row[first] += amount
        row[stop] -= amount
    totals = {c: list(accumulate(changes[c])) for c in sorted(changes)}
    return [(p, {c: totals[c][k] for c in totals if totals[c][k]})
            for k, p in enumerate(points)]


_reader: ThreadPoolExecutor | None = None  # the process's one reading thread, made when first needed


def _read_aside(read, *args) -> Future:
    """Run a read-only query on the reading thread, with that thread's own connection. (It
    reads its own snapshot of the ledger: a payment committed in the same instant may show
    in one part of the Today list and not yet in the other; the next refresh agrees.)"""
    global _reader
    if _reader is None:
        _reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gvia-read")

    def run():
        with worker_connection():
            return read(*args)
    return _reader.submit(run)


# ---- output --------------------------------------------------------------------------

def _money_map(amounts: dict[str, int]) -> dict[str, float]:
    return {currency: float(plain(v)) for currency, v in amounts.items()}


def today_records(today: TodayList) -> dict:
    """The Today list as plain data with stable English keys (the CLI's JSON)."""
    return {
        "as_of": today.as_of.isoformat(),
        "totals": {"overdue": _money_map(today.overdue_totals),
                   "expected_this_week": _money_map(today.expected_week)},
        "due_soon": [{"invoice_id": c.invoice_id, "number": c.number, "client_id": c.client_id,
                      "client": c.client_name, "currency": c.currency,
                      "due_date": c.due_date.isoformat(), "open": float(plain(c.open_agorot)),
                      "days_to_due": (c.due_date - today.as_of).days}
                     for c in today.due_soon],
        "actions": [{"client_id": a.client_id, "client": a.client_name,
                     "client_kind": a.client_kind, "step": a.step, "reason": a.reason,
                     "action": a.action, "code": a.code,
                     "letter_kind": a.letter_kind, "label": a.label,
                     "due_since": a.step_date.isoformat(),
                     "days_overdue": a.max_days_overdue,
                     "open": _money_map(a.open_by_currency),
                     "notice_late": a.is_notice_late,
                     "invoices": [{"invoice_id": s.invoice.invoice_id, "number": s.invoice.number,
                                   "due_date": s.invoice.due_date.isoformat(),
                                   "currency": s.invoice.currency,
                                   "open": float(plain(s.invoice.open_agorot))}
                                  for s in a.steps]}
                    for a in today.actions],
        "paused": [{"invoice_id": s.invoice.invoice_id, "number": s.invoice.number,
                    "client_id": s.invoice.client_id, "client": s.invoice.client_name,
                    "due_date": s.invoice.due_date.isoformat(), "currency": s.invoice.currency,
                    "open": float(plain(s.invoice.open_agorot)),
                    "reason": s.pause_reason} for s in today.paused],
        "promises": ([_promise_record(p, "due") for p in today.promises_due]
                     + [_promise_record(p, "broken") for p in today.promises_broken]),
        "follow_ups": [{"entry_id": f.entry_id, "client_id": f.client_id, "client": f.client_name,
                        "follow_up_date": f.follow_up_date.isoformat(), "summary": f.summary}
                       for f in today.follow_ups],
        "checks": [{"payment_id": c.payment_id, "client_id": c.client_id, "client": c.client_name,
                    "check_number": c.check_number, "bank": c.check_bank,
                    "check_date": c.check_date.isoformat(), "currency": c.currency,
                    "amount": float(plain(c.amount_agorot))} for c in today.checks],
        "deposits": [{"deposit_id": d.id, "client_id": d.client_id, "client": d.client_name,
                      "description": d.description, "currency": d.currency,
                      "amount": float(plain(d.amount_agorot)),
                      "requested_date": d.requested_date.isoformat() if d.requested_date else None,
                      "due_date": d.due_date.isoformat(), "days_late": d.days_late,
                      "check_bounced": d.is_bounced} for d in today.deposits],
        "trend": [{"date": p.isoformat(), "overdue": _money_map(v)} for p, v in today.trend],
        "instalments": [{"settlement_id": i.settlement_id, "client_id": i.client_id,
                         "client": i.client_name, "number": i.seq,
                         "due_date": i.due_date.isoformat(), "currency": i.currency,
                         "owed": float(plain(i.owed_agorot))} for i in today.instalments],
        "breached_settlements": [
            {"settlement_id": b.settlement.id, "client_id": b.settlement.client_id,
             "client": b.client_name, "currency": b.settlement.currency,
             "missed_due_date": b.tracking.breached_line.line.due_date.isoformat(),
             "balance_due": float(plain(b.covered_open_agorot)), "next_step": b.next_step}
            for b in today.breaches],
    }


def _promise_record(p: PromiseStatus, group: str) -> dict:
    return {"group": group, "promise_id": p.promise_id, "client_id": p.client_id,
            "client": p.client_name, "state": p.state, "promised_date": p.promised_date.isoformat(),
            "currency": p.currency, "amount": float(plain(p.amount_agorot)),
            "paid": float(plain(min(p.paid_agorot, p.amount_agorot)))}

