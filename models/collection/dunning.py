"""The dunning plan (מדרג גבייה) and, for every open invoice, the step it has reached.

A plan is an ordered list of levels: days relative to the due date and an action (a letter
of a kind, a phone call, an e-mail, a hand-over). There is one plan for businesses and one
for private persons; both are settings (`dunning_plan_company`, `dunning_plan_person`).

Levels are COMPUTED, never stored: from the invoice's open amount as of the date and from
what the log says was done (letters sent, calls and e-mails logged). A paid invoice is not
a candidate at all, so it never gets a reminder. For one invoice the walk is:

* Levels are taken in order. A level is done when a matching action for the client is in
  the log dated on or after `due + min(days, 1)` — that is, when the invoice was already
  overdue, so the letter or call covered it — and not before the previous level was done.
  A level before the due date (courtesy reminder) counts only when taken by the due date.
* A level falls due `days` after the due date, and never sooner after the previous step
  than the plan's spacing (`days - previous days`), nor before the previous step's deadline
  (the final warning's 14 days) has passed. An old invoice therefore climbs the plan step
  by step, with the debtor's time to react kept.
* An optional level (only before the due date: the courtesy reminder) is skipped once the
  invoice is due.
* Private persons (Consumer Protection Law §13ב2): the plan starts with the debt notice;
  no other step at or after the due date — not even the final warning — falls due before
  `notice sent + debt_notice_wait_days` (14, a letter setting). The notice itself is due by due date +
  `notice_deadline_months` (4); later than that it is flagged late.
* Paused: disputed invoices; invoices covered by a post-dated check already received
  (a check bounced by then no longer covers: its allocations are reversed); clients with a pending promise to pay in that currency; invoices
  covered by a signed settlement that is not breached (models.negotiation.settlements).
  A broken promise ends the pause: the step that was due is due again at once.
* Clients handed over, in the Execution Office, written off or closed are out of the plan.

Set-based: one SQL statement for the candidate invoices, one for the actions done, one for
the promises; then a short Python walk per invoice.

API: DunningLevel, load_plan/save_plan/default_plan (the figures: models.contact.rules),
open_invoices_due_by, actions_done, dunning_steps, clients_at_letter_stage (the letters
batch); the letter engine's own gate check for a single letter is
models.letters.archive.debt_notice_gate.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Collection, Iterable

from models.common.errors import ValidationError
from models.common.i18n import N_, _
from models.common.terms import add_months_end_exact
from models.contact.client_status import STATUSES_WITHOUT_DUNNING
from models.contact.contact_log import LETTER_KINDS
from models.contact.rules import CollectionRules, load_rules
from models.db.connection import database
from models.db.settings import get_setting, set_setting
from models.ledger.open_invoice import OpenInvoice, invoices_open_as_of
from models.negotiation.settlement_status import settled_invoice_pauses

# Names are msgids, translated where shown (DunningLevel.label).
ACTION_KINDS = {
    "letter": N_("Letter"),
    "call": N_("Phone call"),
    "email": N_("E-mail"),
    "handover": N_("Hand over to a lawyer, a collection agency or the Execution Office"),
}
LETTER_LABELS = {
    "debt-notice": N_("Debt notice"),
    "reminder": N_("Reminder letter"),
    "second-reminder": N_("Second reminder"),
    "final-warning": N_("Final warning before legal proceedings"),
}
PLAN_KINDS = {"company": "dunning_plan_company", "person": "dunning_plan_person"}
STEP_STATES = {"due": N_("To do"), "waiting": N_("Waiting"), "paused": N_("On hold"),
               "complete": N_("Complete")}
MIN_DAYS, MAX_DAYS = -30, 3650
MAX_LEVELS = 20


@dataclass(frozen=True)
class DunningLevel:
    days: int                       # relative to the due date (negative: before it)
    action: str                     # ACTION_KINDS
    letter_kind: str | None = None  # LETTER_KINDS, for a letter
    deadline_days: int = 0          # time the debtor is given (the final warning)
    is_optional: bool = False       # a courtesy step before the due date

    @property
    def code(self) -> str:
        """The action code the log records (models.contact.contact_log.ACTIONS)."""
        return self.letter_kind if self.action == "letter" else self.action

    @property
    def label(self) -> str:
        """The step in words, in the interface language."""
        if self.action == "letter":
            return _(LETTER_LABELS[self.letter_kind])
        if self.action == "email" and self.days < 0:
            return _("Friendly reminder before the due date")
        return _(ACTION_KINDS[self.action])


DEFAULT_PLANS = {
    "company": (
        DunningLevel(-3, "email", is_optional=True),
        DunningLevel(7, "letter", "reminder"),
        DunningLevel(21, "letter", "second-reminder"),
        DunningLevel(30, "call"),
        DunningLevel(45, "letter", "final-warning", deadline_days=14),
        DunningLevel(60, "handover"),
    ),
    "person": (
        DunningLevel(7, "letter", "debt-notice"),
        DunningLevel(21, "letter", "reminder"),
        DunningLevel(30, "call"),
        DunningLevel(45, "letter", "final-warning", deadline_days=14),
        DunningLevel(60, "handover"),
    ),
}


def consumer_gate_days() -> int:
    from models.letters.archive import load_letter_settings

    return int(load_letter_settings().debt_notice_wait_days)


# ---- plans ---------------------------------------------------------------------------

def _sort_key(level: DunningLevel):
    # On the same day the debt notice goes first: it opens the consumer gate.
    return level.days, level.letter_kind != "debt-notice"


def validate_plan(levels: Iterable[DunningLevel], kind: str) -> tuple[DunningLevel, ...]:
    """Check an edited plan and return it in order. Raises ValidationError (translated)."""
    if kind not in PLAN_KINDS:
        raise ValidationError(_("Unknown kind of dunning plan: {kind}.").format(kind=kind))
    levels = tuple(sorted(levels, key=_sort_key))
    if not levels:
        raise ValidationError(_("The plan is empty; please set at least one step."))
    if len(levels) > MAX_LEVELS:
        raise ValidationError(_("Too many steps in the plan (at most {limit}).").format(
            limit=MAX_LEVELS))
    seen = set()
    for level in levels:
        if not isinstance(level.days, int) or not MIN_DAYS <= level.days <= MAX_DAYS:
            raise ValidationError(
                _("A step's number of days must be from {low} to {high}.").format(
                    low=MIN_DAYS, high=MAX_DAYS), field="days")
        if level.action not in ACTION_KINDS:
            raise ValidationError(_("Unknown action in the plan: {action}.").format(
                action=level.action), field="action")
        if (level.action == "letter") != (level.letter_kind is not None):
            raise ValidationError(_("A letter step needs a kind of letter, and only a letter step "
                                    "has one."), field="letter_kind")
        if level.letter_kind is not None and level.letter_kind not in LETTER_KINDS:
            raise ValidationError(_("Unknown kind of letter: {kind}.").format(
                kind=level.letter_kind), field="letter_kind")
        if not 0 <= level.deadline_days <= 90:
            raise ValidationError(_("The time given to the debtor must be from 0 to 90 days."),
                                  field="deadline_days")
        if level.is_optional and level.days >= 0:
            raise ValidationError(_("Only a step before the due date can be optional."),
                                  field="is_optional")
        if (level.days, level.code) in seen:
            raise ValidationError(_("The step '{step}' appears twice on the same day.").format(
                step=level.label))
        seen.add((level.days, level.code))
    if kind == "person":
        _check_person_plan(levels)
    return levels


def _check_person_plan(levels: tuple[DunningLevel, ...]) -> None:
    """The consumer plan opens with the debt notice: no step after the due date before it."""
    overdue_steps = [lv for lv in levels if lv.days >= 0]
    if not overdue_steps or overdue_steps[0].letter_kind != "debt-notice":
        raise ValidationError(
            _("In the plan for private persons the first step after the due date must be the "
              "debt notice (Consumer Protection Law, section 13B2)."), field="letter_kind")


def default_plan(kind: str) -> tuple[DunningLevel, ...]:
    return DEFAULT_PLANS[kind]


def load_plan(kind: str) -> tuple[DunningLevel, ...]:
    """The plan in settings, or the default when none is stored (or it no longer validates)."""
    stored = get_setting(PLAN_KINDS[kind])
    if not stored:
        return default_plan(kind)
    try:
        return validate_plan((DunningLevel(**level) for level in stored), kind)
    except (TypeError, ValidationError):
        return default_plan(kind)


def save_plan(kind: str, levels: Iterable[DunningLevel]) -> tuple[DunningLevel, ...]:
    levels = validate_plan(levels, kind)
    set_setting(PLAN_KINDS[kind], [asdict(level) for level in levels])
    return levels


# ---- candidates: open invoices as of a date ------------------------------------------

# The candidates are the ledger's open-invoice rows (models.ledger.open_invoice) with the
# client's columns and the checks in hand.


def open_invoices_due_by(as_of: dt.date, last_due: dt.date, *,
                         client_id: int | None = None) -> list[OpenInvoice]:
    """The invoices open as of `as_of` and due by `last_due` (every client, or one)."""
    return invoices_open_as_of(as_of, due_by=last_due, with_client=True, held_checks=True,
                               client_ids=None if client_id is None else [client_id])


# ---- what was done -------------------------------------------------------------------

# A corrected entry no longer counts; its correction does. Calls: any phone conversation
# or meeting; e-mails: outgoing ones; letters and hand-over: entries that record them,
# and the letter archive (models.letters.archive), a letter counting from the day it was sent.
_DONE_SQL = """
WITH live AS (
    SELECT * FROM contact_log
    WHERE occurred_at < :next
      AND id NOT IN (SELECT corrects_id FROM contact_log WHERE corrects_id IS NOT NULL)
      {client_filter})
SELECT client_id, substr(occurred_at, 1, 10), action FROM live
 WHERE action IN ('debt-notice', 'reminder', 'second-reminder', 'final-warning',
                  'call', 'email', 'handover')
UNION
SELECT client_id, substr(occurred_at, 1, 10), 'call' FROM live
 WHERE channel IN ('phone', 'meeting')
UNION
SELECT client_id, substr(occurred_at, 1, 10), 'email' FROM live
 WHERE channel = 'email' AND direction = 'out'
UNION
SELECT l.client_id, COALESCE(rm.sent_date, l.letter_date), l.kind
FROM letter l LEFT JOIN registered_mail rm ON rm.letter_id = l.id
WHERE l.kind IN ('debt-notice', 'reminder', 'second-reminder', 'final-warning')
  AND COALESCE(rm.sent_date, l.letter_date) < :next {letter_filter}
"""

def actions_done(as_of: dt.date, client_id: int | None = None
                 ) -> dict[int, dict[str, list[dt.date]]]:
    """client -> action code -> sorted dates it was done, up to `as_of`."""
    params = {"next": (as_of + dt.timedelta(days=1)).isoformat()}
    client_filter = letter_filter = ""
    if client_id is not None:
        client_filter, params["client"] = "AND client_id = :client", client_id
        letter_filter = "AND l.client_id = :client"
    done: dict[int, dict[str, list[dt.date]]] = defaultdict(lambda: defaultdict(list))
    for cid, day, code in database.execute_sql(
            _DONE_SQL.format(client_filter=client_filter, letter_filter=letter_filter), params):
        done[cid][code].append(dt.date.fromisoformat(day))
    for per_client in done.values():
        for dates in per_client.values():
            dates.sort()
    return done


# ---- the walk ------------------------------------------------------------------------

@dataclass(slots=True)
class Walk:
    """Where an invoice stands in its plan as of a date. It depends only on the plan, the
    due date and the client's log, so the invoices that share those share one Walk."""
    as_of: dt.date
    state: str                           # STEP_STATES
    level: DunningLevel | None = None    # the next step (None when complete)
    level_index: int | None = None
    step_date: dt.date | None = None     # when the next step is (or was) due
    pause_reason: str = ""
    notice_sent: dt.date | None = None   # persons: the debt notice covering this invoice
    notice_deadline: dt.date | None = None
    gate_until: dt.date | None = None    # persons: first day a collection step is allowed
    done: tuple[tuple[DunningLevel, dt.date], ...] = ()


def _from_walk(name: str) -> property:
    return property(lambda self: getattr(self.walk, name))


class InvoiceDunning:
    """One open invoice and its Walk; `state` and `pause_reason` are its own (a dispute or
    a check in hand pauses this invoice only). Four slots: Today makes 100,000 of them."""
    __slots__ = ("invoice", "walk", "state", "pause_reason")

    def __init__(self, invoice: OpenInvoice, walk: Walk, state: str | None = None,
                 pause_reason: str | None = None):
        self.invoice, self.walk = invoice, walk
        self.state = walk.state if state is None else state
        self.pause_reason = walk.pause_reason if pause_reason is None else pause_reason

    as_of = _from_walk("as_of")
    level = _from_walk("level")
    level_index = _from_walk("level_index")
    step_date = _from_walk("step_date")
    notice_sent = _from_walk("notice_sent")
    notice_deadline = _from_walk("notice_deadline")
    gate_until = _from_walk("gate_until")
    done = _from_walk("done")

    @property
    def days_overdue(self) -> int:
        return (self.walk.as_of - self.invoice.due_date).days

    @property
    def is_notice_late(self) -> bool:
        walk = self.walk
        return (walk.notice_sent is None and walk.notice_deadline is not None
                and walk.level is not None and walk.level.letter_kind == "debt-notice"
                and walk.as_of > walk.notice_deadline)


def _first_done(dates: list[dt.date], since: dt.date, until: dt.date, used: set
                ) -> dt.date | None:
    for day in dates:
        if since <= day <= until and day not in used:
            return day
    return None


def walk_plan(inv: OpenInvoice, plan: tuple[DunningLevel, ...], done: dict[str, list[dt.date]],
              as_of: dt.date, rules: CollectionRules, gate_days: int = 14) -> Walk:
    """The next step of one invoice (see the module docstring for the rule)."""
    is_person = inv.client_kind == "person"
    result = Walk(as_of, "complete")
    if is_person:
        result.notice_deadline = add_months_end_exact(inv.due_date, rules.notice_deadline_months)
    prev: tuple[DunningLevel, dt.date] | None = None
    used: dict[str, set] = defaultdict(set)
    for index, level in enumerate(plan):
        lower = inv.due_date + dt.timedelta(days=min(level.days, 1))
        if prev is not None:
            lower = max(lower, prev[1])
        # A step before the due date is only that step when it was taken before the due date.
        upper = min(as_of, inv.due_date) if level.days < 0 else as_of
        done_on = _first_done(done.get(level.code, []), lower, upper, used[level.code])
        if done_on is not None:
            used[level.code].add(done_on)
            result.done += ((level, done_on),)
            if level.letter_kind == "debt-notice" and result.notice_sent is None:
                result.notice_sent = done_on
            prev = (level, done_on)
            continue
        if level.is_optional and as_of >= inv.due_date:
            continue
        step_date = inv.due_date + dt.timedelta(days=level.days)
        if prev is not None:
            prev_level, prev_day = prev
            step_date = max(step_date, prev_day + dt.timedelta(days=level.days - prev_level.days))
            if prev_level.deadline_days:
                step_date = max(step_date, prev_day + dt.timedelta(days=prev_level.deadline_days + 1))
        if is_person and level.days >= 0 and level.letter_kind != "debt-notice":
            # The consumer gate: nothing but the notice until notice + N days.
            if result.notice_sent is None:
                result.state, result.level, result.level_index = "waiting", level, index
                result.pause_reason = _("Waiting for the debt notice (Consumer Protection Law)")
                return result
            result.gate_until = result.notice_sent + dt.timedelta(days=gate_days)
            step_date = max(step_date, result.gate_until)
        result.level, result.level_index, result.step_date = level, index, step_date
        result.state = "due" if step_date <= as_of else "waiting"
        return result
    return result


def dunning_steps(as_of: dt.date, *, client_id: int | None = None,
                  rules: CollectionRules | None = None,
                  candidates: list[OpenInvoice] | None = None,
                  states: Collection[str] = STEP_STATES) -> list[InvoiceDunning]:
    """Every invoice open as of `as_of` that the plan already concerns (courtesy window
    included), with its next step, in no particular order. `candidates` lets a caller that
    already read the open invoices (Today) pass them in; they are filtered here. `states`:
    only the steps in these states are returned (Today needs 'due' and 'paused': on a big
    book most invoices wait, and not building them saves most of the work)."""
    rules = rules or load_rules()
    plans = {kind: load_plan(kind) for kind in PLAN_KINDS}
    lead_days = max(0, *(-lv.days for plan in plans.values() for lv in plan))
    last_due = as_of + dt.timedelta(days=lead_days)
    if candidates is None:
        candidates = open_invoices_due_by(as_of, last_due, client_id=client_id)
    candidates = [c for c in candidates if c.due_date <= last_due
                  and c.client_status not in STATUSES_WITHOUT_DUNNING]
    if not candidates:
        return []
    done = actions_done(as_of, client_id)
    gate_days = consumer_gate_days()
    paused_clients = _paused_clients(as_of, client_id, rules)
    # A settlement pauses the invoices it covers; the client's others stay due as usual.
    paused_invoices = settled_invoice_pauses(as_of, client_id)
    result = []
    # The walk depends only on the plan, the due date and the client's log: invoices of
    # clients with nothing logged share one walk per due date (most of a big book).
    walks: dict[tuple, Walk] = {}
    for inv in candidates:
        client_done = done.get(inv.client_id)
        key = (inv.client_kind, inv.due_date, inv.client_id if client_done else None)
        walked = walks.get(key)
        if walked is None:
            walked = walks[key] = walk_plan(
                inv, plans["person" if inv.client_kind == "person" else "company"],
                client_done or {}, as_of, rules, gate_days)
        if walked.level is None:
            if "complete" in states:
                result.append(InvoiceDunning(inv, walked))
            continue
        reason = (_("The invoice is disputed") if inv.is_disputed
                  else _("Paid by a post-dated check not yet due")
                  if inv.held_agorot >= inv.open_agorot
                  else paused_invoices.get(inv.invoice_id)
                  or paused_clients.get((inv.client_id, inv.currency)))
        if ("paused" if reason else walked.state) not in states:
            continue
        result.append(InvoiceDunning(inv, walked, "paused", reason) if reason
                      else InvoiceDunning(inv, walked))
    return result


def clients_at_letter_stage(kind: str, as_of: dt.date) -> list[int]:
    """The clients whose dunning step due as of `as_of` is a letter of `kind` (the letters
    batch's "at this stage" choice). It is the Today list's own walk (dunning_steps): a
    paused, waiting or completed invoice does not count, nor does a client whose due step
    is a call or another letter. Sorted client ids; [] for a kind the plan has no place for."""
    if kind not in LETTER_KINDS:
        return []
    return sorted({s.invoice.client_id for s in dunning_steps(as_of, states=("due",))
                   if s.state == "due" and s.level.letter_kind == kind})


def _paused_clients(as_of: dt.date, client_id: int | None,
                    rules: CollectionRules) -> dict[tuple[int, str], str]:
    """(client, currency) -> why the plan waits: a pending promise to pay in that currency."""
    from models.common.money import format_money
    from models.contact.promises import evaluate_promises

    paused: dict[tuple[int, str], str] = {}
    for p in evaluate_promises(as_of, client_id=client_id, window_ends_after=as_of,
                               grace=rules.promise_grace_days):
        if p.state == "pending":
            paused.setdefault((p.client_id, p.currency),
                              _("A promise to pay {amount} by {date}").format(
                                  amount=format_money(p.amount_agorot, p.currency),
                                  date=f"{p.promised_date:%d/%m/%Y}"))
    return paused
