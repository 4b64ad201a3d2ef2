"""A settlement's state as of a date, computed and never stored, and what follows from it:
the reason the dunning plan pauses a covered invoice, the instalments and breaches the
Today list shows, the balance a breach makes due, the user's reinstatement after a breach,
and forgiving the discount once the schedule is completed (docs/domain.md, "Settlements";
the records are in models.negotiation.settlements).

A breach stays a breach: it begins the day after an instalment's due date + grace when the
money received by then did not cover it (models.negotiation.settlement_math.track), and a
later payment does not end it. Only `reinstate_settlement` (a day and a reason, logged)
puts the settlement back in force; from that day on only later deadlines count.
`record_breaches` writes each breach to the contact log once.

API:
    settlement_status(settlement_id, as_of) -> SettlementStatus
    statuses(as_of, client_id=None, settlement_ids=None) -> list[SettlementStatus]
    settled_invoice_pauses(as_of, client_id) (dunning); settlement_agenda(as_of) (Today)
        (the dunning engine: the settlement balance the final warning covers)
    record_breaches(as_of, client_id=None) -> list[SettlementEvent] (the contact log)
    reinstate_settlement(settlement_id, reinstated_date, reason) -> SettlementEvent
    record_waiver(settlement_id, note_date); state_name(state); line_state_name(state)
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from models.common.dates import format_date
from models.common.errors import ValidationError
from models.common.i18n import N_, _
from models.common.money import format_money, to_decimal
from models.common.text import clean_text
from models.contact.contact_log import log_contact
from models.db.connection import database
from models.ledger import services
from models.ledger.clients import Client
from models.ledger.open_as_of import COUNTED_ALLOCATION
from models.negotiation.settlement_math import LINE_STATES, Tracking, track
from models.negotiation.settlements import (
    Settlement,
    SettlementEvent,
    SettlementInstalment,
    SettlementInvoice,
    covered_invoices,
    covered_open_invoices,
    get_settlement,
    grace_days,
    open_amounts,
    schedule,
    settlement_events,
)

# Translated where shown (state_name).
SETTLEMENT_STATES = {
    "draft": N_("Draft"),
    "signed": N_("Signed"),
    "active": N_("Active"),
    "completed": N_("Completed"),
    "breached": N_("Breached"),
    "cancelled": N_("Settlement cancelled"),
}


def state_name(state: str) -> str:
    return _(SETTLEMENT_STATES[state])


def line_state_name(state: str) -> str:
    """A schedule line's state (models.negotiation.settlement_math.LINE_STATES), translated."""
    return _(LINE_STATES[state])


@dataclass(frozen=True)
class SettlementStatus:
    settlement: Settlement
    client_name: str
    state: str                 # SETTLEMENT_STATES
    tracking: Tracking
    covered_open_agorot: int   # what the covered invoices still owe (due at once on breach)
    reinstated_on: dt.date | None = None  # the user's last reinstatement by the date

    @property
    def state_name(self) -> str:
        return state_name(self.state)

    @property
    def breached_on(self) -> dt.date | None:
        """The day the breach began, while the settlement is breached."""
        return self.tracking.breached_on if self.state == "breached" else None

    @property
    def next_step(self) -> str:
        """What to do now, in a sentence (Today and the settlement screen show it)."""
        s = self.settlement
        money = lambda agorot: format_money(agorot, s.currency)  # noqa: E731
        if self.state == "breached":
            missed = self.tracking.breached_line
            line = missed.line
            if missed.paid_date is not None:
                return _("The payment of {amount} due on {date} arrived late, on {paid}: the "
                         "settlement stays breached and, under the acceleration clause, the "
                         "whole balance ({balance}) is due at once, until you reinstate the "
                         "settlement. Next step: a warning letter before legal action, or "
                         "reinstating the settlement if you agree to go on with it.").format(
                    amount=money(line.amount_agorot), date=format_date(line.due_date),
                    paid=format_date(missed.paid_date), balance=money(self.covered_open_agorot))
            return _("The payment of {amount} due on {date} was not received: the settlement "
                     "is breached and, under the acceleration clause, the whole balance "
                     "({balance}) is due at once. Next step: a warning letter before legal "
                     "action, or handing the case over to legal.").format(
                amount=money(line.amount_agorot), date=format_date(line.due_date),
                balance=money(self.covered_open_agorot))
        if self.state == "completed":
            if s.discount_agorot and not s.waiver_credit_note_id and self.covered_open_agorot:
                return _("The settlement is paid in full: please record the discount "
                         "({discount}) as a credit.").format(discount=money(s.discount_agorot))
            return _("The settlement is paid in full. You can issue a confirmation that the "
                     "debt is settled.")
        nxt = self.tracking.next_line
        if nxt is not None and self.state in ("signed", "active"):
            owed = nxt.line.amount_agorot - nxt.paid_agorot
            return _("Next payment: {amount} by {date}.").format(
                amount=money(owed), date=format_date(nxt.line.due_date))
        return ""


_PAID_SQL = f"""
SELECT si.settlement_id, a.applied_date, a.amount_agorot
FROM settlement_invoice si
JOIN settlement s ON s.id = si.settlement_id
JOIN allocation a ON a.invoice_id = si.invoice_id
WHERE si.settlement_id IN ({{ids}})
  AND a.applied_date >= s.agreement_date AND {COUNTED_ALLOCATION}
"""


def statuses(as_of: dt.date, *, client_id: int | None = None,
             settlement_ids: Iterable[int] | None = None,
             include_drafts: bool = False) -> list[SettlementStatus]:
    """Every settlement in force as of `as_of` (signed by then, not cancelled by then),
    judged as of that date, in four statements whatever their number."""
    query = (Settlement.select(Settlement, Client.id, Client.name).join(Client)
             .where(Settlement.agreement_date <= as_of))
    in_force = ((Settlement.status == "signed") & (Settlement.signed_date <= as_of)) | (
        (Settlement.status == "cancelled") & Settlement.signed_date.is_null(False)
        & (Settlement.signed_date <= as_of) & (Settlement.cancelled_date > as_of))
    query = query.where(in_force | (Settlement.status == "draft") if include_drafts else in_force)
    if client_id is not None:
        query = query.where(Settlement.client == client_id)
    if settlement_ids is not None:
        query = query.where(Settlement.id.in_(list(settlement_ids)))
    found = list(query)
    if not found:
        return []
    ids = [s.id for s in found]
    marks = ",".join(str(int(i)) for i in ids)  # ids are our own integers
    params = {"d": as_of.isoformat()}
    receipts: dict[int, list] = defaultdict(list)
    for sid, day, amount in database.execute_sql(_PAID_SQL.format(ids=marks), params):
        receipts[sid].append((dt.date.fromisoformat(day), amount))
    still_open = {sid: sum(inv.open_agorot for inv in invoices)
                  for sid, invoices in covered_open_invoices(ids, as_of).items()}
    lines: dict[int, list] = defaultdict(list)
    for line in (SettlementInstalment.select().where(SettlementInstalment.settlement.in_(ids))
                 .order_by(SettlementInstalment.seq)):
        lines[line.settlement_id].append(line)
    reinstated = _reinstatements(ids, as_of)
    grace = grace_days()
    out = []
    for s in found:
        tracking = track(schedule(s, lines[s.id]), receipts[s.id], as_of, grace,
                         reinstated=reinstated.get(s.id))
        covered_open = max(0, still_open.get(s.id, 0))
        out.append(SettlementStatus(s, s.client.name, _state(s, tracking, covered_open, as_of),
                                    tracking, covered_open, reinstated.get(s.id)))
    return out


def _reinstatements(settlement_ids: list[int], as_of: dt.date) -> dict[int, dt.date]:
    """settlement id -> the day of its last reinstatement by `as_of` (one statement)."""
    found = {}
    for sid, events in settlement_events(settlement_ids).items():
        days = [e.event_date for e in events if e.kind == "reinstated" and e.event_date <= as_of]
        if days:
            found[sid] = max(days)
    return found


def _state(s: Settlement, tracking: Tracking, covered_open: int, as_of: dt.date) -> str:
    if s.status == "draft":
        return "draft"
    if covered_open == 0:  # paid, or closed some other way
        return "completed"
    # A breach is not cured by paying the schedule late: the discount, forgiven only for a
    # settlement kept, is part of the balance due until the user reinstates it.
    if tracking.breached_line is not None:
        return "breached"
    if tracking.is_complete:
        return "completed"
    first_due = min((l.line.due_date for l in tracking.lines), default=s.agreement_date)
    return "active" if tracking.paid_agorot or first_due <= as_of else "signed"


def settlement_status(settlement_id: int, as_of: dt.date) -> SettlementStatus:
    """One settlement as of a date; a cancelled one (or one not yet signed then) is shown
    as cancelled (or draft) with its schedule."""
    settlement = get_settlement(settlement_id)
    found = statuses(as_of, settlement_ids=[settlement_id], include_drafts=True)
    if found:
        return found[0]
    tracking = track(schedule(settlement), [], as_of, grace_days())
    state = "cancelled" if settlement.status == "cancelled" else "draft"
    return SettlementStatus(settlement, settlement.client.name, state, tracking, 0)


def settled_invoice_pauses(as_of: dt.date, client_id: int | None = None) -> dict[int, str]:
    """Invoices the dunning plan leaves alone: those of a settlement in force and not
    breached as of the date -> the reason shown."""
    paused = {}
    in_force = [s for s in statuses(as_of, client_id=client_id) if s.state != "breached"]
    if not in_force:
        return paused
    by_id = {s.settlement.id: s for s in in_force}
    for row in SettlementInvoice.select().where(SettlementInvoice.settlement.in_(list(by_id))):
        status = by_id[row.settlement_id]
        day = format_date(status.settlement.agreement_date)
        reason = (_("The settlement of {date} is paid; please record the discount as a credit")
                  if status.state == "completed" else _("In the settlement of {date}"))
        paused[row.invoice_id] = reason.format(date=day)
    return paused


# ---- a breach: the balance due, the contact log, reinstating --------------------------

def _breach_summary(status: SettlementStatus) -> str:
    s, missed = status.settlement, status.tracking.breached_line.line
    what = "המקדמה" if missed.seq == 0 else f"תשלום {missed.seq}"  # hebrew: stored in the contact log
    return (f"הסדר החוב מיום {format_date(s.agreement_date)} הופר: {what} על "  # hebrew: stored in the contact log
            f"{format_money(missed.amount_agorot, s.currency)}, שמועדו {format_date(missed.due_date)}, "  # hebrew: stored in the contact log
            f"לא התקבל במועד. היתרה, {format_money(status.covered_open_agorot, s.currency)}, "  # hebrew: stored in the contact log
            "עומדת לפירעון מיידי.")  # hebrew: stored in the contact log


def record_breaches(as_of: dt.date, client_id: int | None = None, *,
                    client_ids: Iterable[int] | None = None) -> list[SettlementEvent]:
    """Write each breach found as of `as_of` to the contact log, dated the day it began,
    once: a breach already logged is not logged again (the 'breach' row of migration 0011
    says it was). `client_ids`: only these clients' (the ones a batch wrote to; one read
    of the statuses). Returns the rows written now."""
    wanted = None if client_ids is None else set(client_ids)
    written = []
    with database.atomic():
        # a report as of a later day does not write what has not happened yet
        breached = [s for s in statuses(as_of, client_id=client_id)
                    if s.state == "breached" and s.breached_on <= dt.date.today()
                    and (wanted is None or s.settlement.client_id in wanted)]
        logged = settlement_events([b.settlement.id for b in breached])
        for status in breached:
            s = status.settlement
            if any(e.kind == "breach" and e.event_date == status.breached_on
                   for e in logged[s.id]):
                continue
            entry = log_contact(s.client_id, status.breached_on, "other",
                                summary=_breach_summary(status))
            written.append(SettlementEvent.create(
                settlement=s, kind="breach", event_date=status.breached_on,
                line_seq=status.tracking.breached_line.line.seq, contact_log_id=entry.id,
                recorded_at=dt.datetime.now().isoformat(timespec="seconds")))
    return written


def reinstate_settlement(settlement_id: int, reinstated_date: dt.date,
                         reason: str) -> SettlementEvent:
    """The user puts a breached settlement back in force (the debtor caught up, or a new
    understanding): from this day on only later deadlines can breach it again. Needs a
    reason; the breach and the reinstatement are both written to the contact log."""
    reason = clean_text(reason)
    if not reason:
        raise ValidationError(_("Please give the reason for reinstating the settlement."),
                              field="reason")
    with database.atomic():
        settlement = get_settlement(settlement_id)
        status = settlement_status(settlement.id, reinstated_date)
        if status.state != "breached":
            raise ValidationError(_("Only a breached settlement can be reinstated; on {date} "
                                    "this one is not breached.").format(
                date=format_date(reinstated_date)), field="reinstated_date")
        record_breaches(reinstated_date, client_id=settlement.client_id)
        entry = log_contact(settlement.client_id, reinstated_date, "other", summary=(
            f"הסדר החוב מיום {format_date(settlement.agreement_date)} חודש לאחר ההפרה "  # hebrew: stored in the contact log
            f"מיום {format_date(status.breached_on)}: {reason}"))  # hebrew: stored in the contact log
        return SettlementEvent.create(
            settlement=settlement, kind="reinstated", event_date=reinstated_date,
            reason=reason, contact_log_id=entry.id,
            recorded_at=dt.datetime.now().isoformat(timespec="seconds"))


# ---- the Today list ----------------------------------------------------------------------

@dataclass(frozen=True)
class InstalmentDue:
    """An instalment the Today list shows: due within the window, or due and still owed."""
    settlement_id: int
    client_id: int
    client_name: str
    seq: int
    due_date: dt.date
    owed_agorot: int
    currency: str


def settlement_agenda(as_of: dt.date, window_days: int = 7
                      ) -> tuple[list[InstalmentDue], list[SettlementStatus]]:
    """Instalments due by as_of + window and not yet covered (earliest first), and the
    settlements breached as of the date — the acceleration clause is the next step."""
    last = as_of + dt.timedelta(days=window_days)
    due, breached = [], []
    for status in statuses(as_of):
        if status.state == "breached":
            breached.append(status)
            continue
        s = status.settlement
        for line in status.tracking.lines:
            owed = line.line.amount_agorot - line.paid_agorot
            if owed > 0 and line.line.due_date <= last:
                due.append(InstalmentDue(s.id, s.client_id, status.client_name, line.line.seq,
                                         line.line.due_date, owed, s.currency))
    due.sort(key=lambda d: (d.due_date, d.client_name))
    breached.sort(key=lambda b: b.tracking.breached_line.line.due_date)
    return due, breached


# ---- forgiving the discount -------------------------------------------------------------

def record_waiver(settlement_id: int, note_date: dt.date) -> list:
    """The schedule was paid in full: forgive the discount with a credit note on each covered
    invoice still open, so the invoices close and the plan leaves them alone. (Here, not with
    the records: it needs the state, and the state reads the records.)"""
    with database.atomic():
        settlement = get_settlement(settlement_id)
        status = settlement_status(settlement.id, note_date)
        if status.state != "completed":
            raise ValidationError(_("The discount is forgiven only after every settlement "
                                    "payment has been received."))
        if settlement.waiver_credit_note_id:
            raise ValidationError(_("The discount is already recorded as a credit."))
        left = settlement.discount_agorot
        notes = []
        ids = [inv.id for inv in covered_invoices(settlement.id)]
        for inv_id, open_agorot in open_amounts(ids, dt.date.max).items():
            take = min(left, open_agorot)
            if take <= 0:
                continue
            notes.append(services.add_credit_note(
                settlement.client_id, f"הסדר-{settlement.id}-{len(notes) + 1}", note_date,  # hebrew: credit-note number
                to_decimal(take), currency=settlement.currency, invoice_id=inv_id,
                reason=f"הנחה לפי הסדר חוב מיום {format_date(settlement.agreement_date)}"))  # hebrew: printed on the credit note
            left -= take
        if not notes:
            raise ValidationError(_("The settlement's invoices have no open balance to write off."))
        settlement.waiver_credit_note_id = notes[0].id
        settlement.save()
        return notes
