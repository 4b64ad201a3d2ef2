"""The dunning plan (מדרג גבייה) and, for every open invoice, the step it has reached.

A plan is an ordered list of levels: days relative to the due date and an action (a letter
of a kind, a phone call, an e-mail, a hand-over). There is one plan for businesses and one
for private persons; both are settings (`dunning_plan_company`, `dunning_plan_person`).

Levels are COMPUTED, never stored, by ONE engine (client_steps / client_step): for each
client as of a date, the next step, why, and the invoices it covers. Today (screen and
CLI), `letters --all`, the letters batch and its "at this stage" choice, the letters'
invoices (reports.batch.demanded_invoices) and the hand-over routes (ClientStep.routes)
ask it. The rule (docs/domain.md, "The dunning plan"):

* The step is chosen by the days overdue of the client's oldest open invoice that is not
  paused: the last level whose days it has reached (+7 reminder, +21 second reminder,
  +30 call, +45 final warning by default).
* Each step once, in order: a step done after that invoice's due date (a letter from the
  day after; a call or an e-mail from its own level's day) is never offered again, nor is
  a step before it.
* Hand-over needs the final warning: once its deadline (the one the archived letter
  printed) has passed and the debt is still open, the step is hand-over.
* Two dunning letters to one client at least `letter_gap_days` (7) apart.
* Private persons (Consumer Protection Law §13ב2): an overdue invoice no notice covers
  makes the debt notice the step; a collection step concerns only invoices whose covering
  notice is 14 days old (models.letters.archive, the gate's one home, counted per
  invoice), the first one falling due at notice + 14. A notice is late after due date +
  `notice_deadline_months` (4): flagged only.
* Paused, and never demanded: disputed invoices; invoices covered by a post-dated check
  in hand; a pending promise to pay in that currency; invoices under a signed settlement
  that is not breached. A broken promise or a breach ends the pause.
* Clients handed over, in the Execution Office, written off or closed are out of the plan.

Set-based: one statement for the candidate invoices, one for the actions done, one for
the debt notices, one for the promises, one for the settlements; then a short Python pass
per client.

API: DunningLevel, load_plan/save_plan/default_plan, open_invoices_due_by, actions_done,
ClientStep, client_steps, client_step, dunning_steps (the same answer invoice by invoice),
clients_at_letter_stage (the letters batch and `letters --all`).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Collection, Iterable

from models.common.errors import ValidationError
from models.common.i18n import N_, _
from models.common.terms import add_months_end_exact
from models.contact.client_status import STATUSES_WITHOUT_DUNNING
from models.contact.contact_log import LETTER_KINDS
from models.collection.handover import HandoverOption, handover_options
from models.contact.rules import CollectionRules, load_rules
from models.db.connection import database
from models.db.settings import get_setting, set_setting
from models.ledger.open_invoice import OpenInvoice, invoices_open_as_of
from models.letters.archive import debt_notices_sent, load_letter_settings, notice_covering
from models.negotiation.settlement_status import settled_invoice_pauses
from models.prevention.policy import days_text

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
# and the letter archive (models.letters.archive), a letter counting from the day it was
# sent, with the deadline it printed (a final warning's). occurred_at is text and the
# letters' days are dates: each is compared with its own parameter (`next`, `next_day`) and
# read as text, as PostgreSQL types a parameter by its first use and a UNION by its columns.
_DONE_SQL = """
WITH live AS (
    SELECT * FROM contact_log
    WHERE occurred_at < :next
      AND id NOT IN (SELECT corrects_id FROM contact_log WHERE corrects_id IS NOT NULL)
      {client_filter})
SELECT client_id, substr(occurred_at, 1, 10), action, NULL FROM live
 WHERE action IN ('reminder', 'second-reminder', 'final-warning', 'call', 'email', 'handover')
UNION
SELECT client_id, substr(occurred_at, 1, 10), 'call', NULL FROM live
 WHERE channel IN ('phone', 'meeting')
UNION
SELECT client_id, substr(occurred_at, 1, 10), 'email', NULL FROM live
 WHERE channel = 'email' AND direction = 'out'
UNION
SELECT l.client_id, CAST(COALESCE(rm.sent_date, l.letter_date) AS TEXT), l.kind,
       CAST(l.deadline_date AS TEXT)
FROM letter l LEFT JOIN registered_mail rm ON rm.letter_id = l.id
WHERE l.kind IN ('reminder', 'second-reminder', 'final-warning')
  AND COALESCE(rm.sent_date, l.letter_date) < :next_day {letter_filter}
"""


def actions_done(as_of: dt.date, client_id: int | None = None
                 ) -> dict[int, dict[str, list[dt.date]]]:
    """client -> action code -> sorted dates it was done, up to `as_of` (debt notices: the
    archive's, models.letters.archive.debt_notices_sent, the gate's one source)."""
    return _read_done(as_of, client_id)[0]


def _read_done(as_of: dt.date, client_id: int | None = None):
    next_day = (as_of + dt.timedelta(days=1)).isoformat()
    params = {"next": next_day, "next_day": next_day}
    client_filter = letter_filter = ""
    if client_id is not None:
        client_filter, params["client"] = "AND client_id = :client", client_id
        letter_filter = "AND l.client_id = :client"
    done: dict[int, dict[str, list[dt.date]]] = defaultdict(lambda: defaultdict(list))
    deadlines: dict[tuple[int, dt.date], dt.date] = {}
    for cid, day, code, deadline in database.execute_sql(
            _DONE_SQL.format(client_filter=client_filter, letter_filter=letter_filter), params):
        day = dt.date.fromisoformat(day)
        done[cid][code].append(day)
        if deadline:
            key = (cid, day)
            deadlines[key] = max(deadlines.get(key, dt.date.min),
                                 dt.date.fromisoformat(str(deadline)))
    for per_client in done.values():
        for dates in per_client.values():
            dates.sort()
    return done, deadlines


# ---- the engine: one step per client -------------------------------------------------

# The step in one plain word (the JSON's `step`): a letter's kind, or the action.
STEP_CODES = ("debt-notice", "reminder", "second-reminder", "final-warning", "call",
              "handover", "email")
LETTER_CODES = ("debt-notice", "reminder", "second-reminder", "final-warning")


@dataclass
class ClientStep:
    """Where one client stands in its plan as of a date: the next step, why, and the
    invoices it covers (what a letter of that step demands; nothing paused is among them).

    state: 'due' (to do now), 'waiting' (step_date is when), 'paused' (every open overdue
    invoice is paused), 'complete' (every step was taken)."""
    client_id: int
    client_name: str
    client_kind: str
    as_of: dt.date
    state: str
    level: DunningLevel | None = None
    level_index: int | None = None
    step_date: dt.date | None = None
    reason: str = ""
    invoices: list[OpenInvoice] = field(default_factory=list)
    paused: list[tuple[OpenInvoice, str]] = field(default_factory=list)
    waiting: list[OpenInvoice] = field(default_factory=list)  # persons: behind the gate
    done: tuple[tuple[DunningLevel, dt.date], ...] = ()
    notice_late: bool = False

    @property
    def step(self) -> str | None:
        """The step in one plain word: debt-notice, reminder, second-reminder,
        final-warning, call, handover (or email, the courtesy before the due date)."""
        return None if self.level is None else self.level.code

    @property
    def days_overdue(self) -> int:
        return max(((self.as_of - i.due_date).days for i in self.invoices), default=0)

    @property
    def invoice_ids(self) -> set[int]:
        return {i.invoice_id for i in self.invoices}

    def routes(self) -> list[HandoverOption]:
        """The hand-over routes and their readiness (models.collection.handover)."""
        return handover_options(self.client_id, self.as_of)


class InvoiceDunning:
    """One open invoice and its client's step: `state` and `pause_reason` are its own (a
    paused invoice waits whatever the client's step)."""
    __slots__ = ("invoice", "client_step", "state", "pause_reason")

    def __init__(self, invoice: OpenInvoice, client_step: ClientStep, state: str | None = None,
                 pause_reason: str = ""):
        self.invoice, self.client_step = invoice, client_step
        self.state = client_step.state if state is None else state
        self.pause_reason = pause_reason

    as_of = property(lambda self: self.client_step.as_of)
    level = property(lambda self: self.client_step.level)
    level_index = property(lambda self: self.client_step.level_index)
    step_date = property(lambda self: self.client_step.step_date)
    done = property(lambda self: self.client_step.done)
    reason = property(lambda self: self.client_step.reason)

    @property
    def days_overdue(self) -> int:
        return (self.client_step.as_of - self.invoice.due_date).days

    @property
    def is_notice_late(self) -> bool:
        return self.client_step.notice_late


def _days(n: int) -> str:
    return days_text(n)


def _deadline_level(plan: tuple[DunningLevel, ...], index: int) -> int | None:
    """The last level before `index` that gives the debtor time (the final warning)."""
    for k in range(index - 1, -1, -1):
        if plan[k].deadline_days:
            return k
    return None


class _Context:
    """What the engine reads once for every client."""
    __slots__ = ("as_of", "plans", "rules", "gate_days", "done", "deadlines", "notices",
                 "paused_invoices", "paused_clients")


def _plan_step(ctx: _Context, client: OpenInvoice, invoices: list[OpenInvoice]) -> ClientStep:
    """The step of one client from its open invoices (due by as_of + the courtesy lead)."""
    as_of, rules = ctx.as_of, ctx.rules
    is_person = client.client_kind == "person"
    plan = ctx.plans["person" if is_person else "company"]
    result = ClientStep(client.client_id, client.client_name, client.client_kind, as_of,
                        "complete")
    done = ctx.done.get(client.client_id) or {}
    active: list[OpenInvoice] = []
    for inv in invoices:
        reason = (_("The invoice is disputed") if inv.is_disputed
                  else _("Paid by a post-dated check not yet due")
                  if inv.held_agorot >= inv.open_agorot
                  else ctx.paused_invoices.get(inv.invoice_id)
                  or ctx.paused_clients.get((inv.client_id, inv.currency)))
        if reason:
            result.paused.append((inv, reason))
        else:
            active.append(inv)
    active.sort(key=lambda i: (i.due_date, i.invoice_id))
    overdue = [i for i in active if i.due_date < as_of]
    if not overdue:
        if active:
            _courtesy(result, plan, done, active)
        elif result.paused:
            result.state = "paused"
            result.reason = "; ".join(dict.fromkeys(r for _i, r in result.paused))
        return result
    letters = sorted(d for code in LETTER_CODES for d in (
        done.get(code, []) if code != "debt-notice" else ctx.notices.get(client.client_id, [])))
    last_letter = letters[-1] if letters else None
    gap = rules.letter_gap_days
    opens: dict[int, dt.date] = {}
    if is_person:
        notices = ctx.notices.get(client.client_id, [])
        uncovered, gated = [], []
        for inv in overdue:
            first = notice_covering(inv.due_date, notices)
            if first is None:
                uncovered.append(inv)
                continue
            opens[inv.invoice_id] = first + dt.timedelta(days=ctx.gate_days)
            (gated if opens[inv.invoice_id] <= as_of else result.waiting).append(inv)
        notice_index = next((k for k, lv in enumerate(plan) if lv.letter_kind == "debt-notice"),
                            None)
        if uncovered and notice_index is not None:
            oldest = uncovered[0]
            step_date = oldest.due_date + dt.timedelta(days=plan[notice_index].days)
            if last_letter is not None:
                step_date = max(step_date, last_letter + dt.timedelta(days=gap))
            late_from = add_months_end_exact(oldest.due_date, rules.notice_deadline_months)
            if step_date <= as_of or not gated:
                result.level, result.level_index = plan[notice_index], notice_index
                result.step_date, result.invoices = step_date, uncovered
                result.state = "due" if step_date <= as_of else "waiting"
                result.notice_late = as_of > late_from
                result.reason = _notice_reason(oldest, as_of, step_date, last_letter, gap)
                return result
        if not gated:
            first_open = min(opens.values())
            result.state, result.step_date = "waiting", first_open
            nxt = (notice_index or 0) + 1
            if nxt < len(plan):
                result.level, result.level_index = plan[nxt], nxt
            result.invoices = []
            result.reason = _("Waiting {wait} after the debt notice (Consumer Protection "
                              "Law), until {date}.").format(
                wait=_days(ctx.gate_days), date=f"{first_open:%d/%m/%Y}")
            return result
        covered, floor_index = gated, notice_index
    else:
        covered, floor_index = overdue, None
    return _walk(result, plan, done, ctx, covered, floor_index, opens, last_letter, gap)


def _walk(result: ClientStep, plan, done, ctx: _Context, covered: list[OpenInvoice],
          floor_index: int | None, opens: dict[int, dt.date], last_letter: dt.date | None,
          gap: int) -> ClientStep:
    """The step chosen by the days overdue of the oldest covered invoice, each step once
    and in order (for a person `floor_index` is the debt notice, passed already)."""
    as_of = ctx.as_of
    oldest = covered[0]
    days = (as_of - oldest.due_date).days
    cycle_start = oldest.due_date + dt.timedelta(days=1)
    result.invoices = covered
    last_done = -1 if floor_index is None else floor_index
    done_on: dict[int, dt.date] = {}
    for index, level in enumerate(plan):
        if level.days < 0 or level.letter_kind == "debt-notice" and floor_index is not None:
            continue
        # A letter or a hand-over counts from the day the debt was overdue; a call or an
        # e-mail (any conversation counts) only once that step's own day had come.
        since = (cycle_start if level.action in ("letter", "handover")
                 else max(cycle_start, oldest.due_date + dt.timedelta(days=level.days)))
        day = next((d for d in done.get(level.code, []) if since <= d <= as_of), None)
        if day is not None:
            done_on[index] = day
            last_done = max(last_done, index)
    result.done = tuple((plan[k], d) for k, d in sorted(done_on.items()))
    target = max((k for k, lv in enumerate(plan) if lv.days >= 0 and lv.days <= days
                  and not lv.is_optional), default=-1)
    first_overdue = next((k for k, lv in enumerate(plan) if lv.days >= 0), len(plan))
    offer = max(target, last_done + 1, first_overdue)
    if offer >= len(plan):  # complete: every step was taken
        if result.done:
            last_level, last_day = result.done[-1]
            result.reason = _("Every step of the plan was taken; the last: {step} on {date}."
                              ).format(step=last_level.label, date=f"{last_day:%d/%m/%Y}")
        return result
    fw = _deadline_level(plan, offer)
    if plan[offer].action == "handover" and fw is not None and fw > last_done:
        offer = fw  # no hand-over without the final warning
    level = plan[offer]
    step_date = oldest.due_date + dt.timedelta(days=level.days)
    reason = _("Invoice {number} is {days} overdue; the plan's step from day {from_day}.").format(
        number=oldest.number, days=_days(days), from_day=level.days)
    if floor_index is not None and offer == floor_index + 1:
        # A person: the first step after the notice is due when the notice is old enough.
        step_date = opens[oldest.invoice_id]
        reason = _("The debt notice covering invoice {number} is {wait} old.").format(
            number=oldest.number, wait=_days(ctx.gate_days))
    elif floor_index is not None:
        step_date = max(step_date, opens[oldest.invoice_id])
    given = _deadline_level(plan, offer + 1) if offer > 0 else None
    if given is not None and given in done_on and given < offer:
        sent = done_on[given]
        deadline = ctx.deadlines.get((result.client_id, sent),
                                     sent + dt.timedelta(days=plan[given].deadline_days))
        after = deadline + dt.timedelta(days=1)
        step_date = after if offer == given + 1 else max(step_date, after)
        if offer == given + 1:
            reason = _("The {letter} of {date} gave until {deadline}, and the debt is still "
                       "open.").format(letter=plan[given].label, date=f"{sent:%d/%m/%Y}",
                                       deadline=f"{deadline:%d/%m/%Y}")
    gap_date = (last_letter + dt.timedelta(days=gap)
                if level.action == "letter" and last_letter is not None else None)
    if gap_date is not None and gap_date > step_date:
        step_date = gap_date
    result.level, result.level_index, result.step_date = level, offer, step_date
    result.state = "due" if step_date <= as_of else "waiting"
    if result.state == "waiting":
        reason = (_gap_reason(last_letter, gap_date, gap) if step_date == gap_date
                  else _("The {letter} of {date} gives until {deadline}; then {step}.").format(
                      letter=plan[given].label, date=f"{sent:%d/%m/%Y}",
                      deadline=f"{deadline:%d/%m/%Y}", step=level.label)
                  if given is not None and given in done_on and offer == given + 1
                  else _("Next step: {step} on {date}.").format(
                      step=level.label, date=f"{step_date:%d/%m/%Y}"))
    result.reason = reason
    return result


def _gap_reason(last_letter: dt.date, gap_date: dt.date, gap: int) -> str:
    return _("A letter went out on {sent}; the next one from {date} (letters at least {gap} "
             "apart).").format(sent=f"{last_letter:%d/%m/%Y}", date=f"{gap_date:%d/%m/%Y}",
                               gap=_days(gap))


def _notice_reason(oldest: OpenInvoice, as_of: dt.date, step_date: dt.date,
                   last_letter: dt.date | None, gap: int) -> str:
    if step_date > as_of and last_letter is not None \
            and step_date == last_letter + dt.timedelta(days=gap):
        return _gap_reason(last_letter, step_date, gap)
    return _("Invoice {number} is {days} overdue and no debt notice covers it (Consumer "
             "Protection Law).").format(number=oldest.number,
                                        days=_days(max(0, (as_of - oldest.due_date).days)))


def _courtesy(result: ClientStep, plan, done, active: list[OpenInvoice]) -> None:
    """Nothing overdue: the optional step before the due date, or the first overdue step
    to wait for."""
    as_of = result.as_of
    first = active[0]
    for index, level in enumerate(plan):
        start = first.due_date + dt.timedelta(days=level.days)
        if level.days < 0:
            taken = any(start <= d <= first.due_date for d in done.get(level.code, []))
            if not taken and start <= as_of < first.due_date:
                result.level, result.level_index, result.step_date = level, index, start
                result.state, result.invoices = "due", [
                    i for i in active if i.due_date + dt.timedelta(days=level.days) <= as_of]
                result.reason = _("Invoice {number} falls due on {date}.").format(
                    number=first.number, date=f"{first.due_date:%d/%m/%Y}")
                return
            continue
        result.level, result.level_index, result.step_date = level, index, max(
            start, first.due_date + dt.timedelta(days=1))
        result.state = "waiting"
        result.reason = _("Next step: {step} on {date}.").format(
            step=level.label, date=f"{result.step_date:%d/%m/%Y}")
        return


def client_steps(as_of: dt.date, *, client_ids: Iterable[int] | None = None,
                 rules: CollectionRules | None = None,
                 candidates: list[OpenInvoice] | None = None) -> dict[int, ClientStep]:
    """THE engine: client id -> its ClientStep as of `as_of`, for every client the plan
    concerns (an open invoice due by as_of + the courtesy lead; not handed over, written
    off or closed). `candidates`: the open invoices, when the caller read them (Today)."""
    rules = rules or load_rules()
    plans = {kind: load_plan(kind) for kind in PLAN_KINDS}
    lead_days = max(0, *(-lv.days for plan in plans.values() for lv in plan))
    last_due = as_of + dt.timedelta(days=lead_days)
    wanted = None if client_ids is None else set(client_ids)
    one = next(iter(wanted)) if wanted is not None and len(wanted) == 1 else None
    if candidates is None:
        candidates = (open_invoices_due_by(as_of, last_due, client_id=one)
                      if wanted is None or one is not None else
                      invoices_open_as_of(as_of, due_by=last_due, with_client=True,
                                          held_checks=True, client_ids=sorted(wanted)))
    by_client: dict[int, list[OpenInvoice]] = defaultdict(list)
    for c in candidates:
        if c.due_date <= last_due and c.client_status not in STATUSES_WITHOUT_DUNNING \
                and (wanted is None or c.client_id in wanted):
            by_client[c.client_id].append(c)
    if not by_client:
        return {}
    ctx = _Context()
    ctx.as_of, ctx.plans, ctx.rules = as_of, plans, rules
    ctx.gate_days = consumer_gate_days()
    ctx.done, ctx.deadlines = _read_done(as_of, one)
    people = [cid for cid, invs in by_client.items() if invs[0].client_kind == "person"]
    ctx.notices = (debt_notices_sent(as_of, None if wanted is None else people)
                   if people else {})
    ctx.paused_clients = _paused_clients(as_of, one, rules)
    # A settlement pauses the invoices it covers; the client's others stay due as usual.
    ctx.paused_invoices = settled_invoice_pauses(as_of, one)
    return {cid: _plan_step(ctx, invs[0], invs) for cid, invs in by_client.items()}


def client_step(client_id: int, as_of: dt.date) -> ClientStep | None:
    """One client's step (the case file, the hand-over page, a single letter)."""
    return client_steps(as_of, client_ids=[client_id]).get(client_id)


def dunning_steps(as_of: dt.date, *, client_id: int | None = None,
                  rules: CollectionRules | None = None,
                  candidates: list[OpenInvoice] | None = None,
                  states: Collection[str] = STEP_STATES) -> list[InvoiceDunning]:
    """The engine's answer invoice by invoice: each invoice a client's step covers (in the
    step's state) and each paused one ('paused', with its reason), in no particular order."""
    steps = client_steps(as_of, client_ids=None if client_id is None else [client_id],
                         rules=rules, candidates=candidates)
    out = []
    for step in steps.values():
        if step.state in states and step.state != "paused":
            out += [InvoiceDunning(i, step) for i in step.invoices]
        if "paused" in states:
            out += [InvoiceDunning(i, step, "paused", why) for i, why in step.paused]
    return out


def clients_at_letter_stage(kind: str, as_of: dt.date) -> list[int]:
    """The clients whose step due as of `as_of` is a letter of `kind` (the letters batch's
    "at this stage" choice and `letters --all`): the engine's answer. Sorted ids."""
    if kind not in LETTER_KINDS:
        return []
    return sorted(cid for cid, s in client_steps(as_of).items()
                  if s.state == "due" and s.level is not None and s.level.letter_kind == kind)


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
