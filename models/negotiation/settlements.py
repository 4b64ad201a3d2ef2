"""Debt settlements (הסדר חוב): the invoices a settlement covers, the fixed debt the debtor
acknowledges, a discount, a down payment and instalments, a deadline with an acceleration
clause, and the agreed and open points (docs/domain.md, "Settlements").

Life: a settlement is written as a draft (everything editable); it is signed only when
no point is open and the schedule adds up (debt − discount = down payment + instalments);
after that its figures are frozen (triggers of migration 0007 agree) and it can only be
cancelled. A signed settlement is, as of a date D — computed, never stored:
* signed     — nothing is due yet and nothing was paid;
* active     — being paid;
* completed  — the money received covers the whole schedule;
* breached   — an instalment was not covered when its due date + grace ran out
  (models.negotiation.settlement_math). The acceleration clause then makes the whole balance of the
  covered invoices due; the dunning plan resumes for them. A breach stays a breach — a
  late payment does not cure it — until the user reinstates the settlement with a reason
  (a `SettlementEvent`, logged; models.negotiation.settlement_status.reinstate_settlement).

Money toward a settlement is what payments (not credit notes) allocated to its covered
invoices from the agreement date on, not reversed (a bounced check) by D — so recording
an instalment means recording a payment that names those invoices
(`record_instalment_payment`). Invoices the settlement does not cover stay due on their
own terms. The discount is forgiven only when the schedule is completed:
`record_waiver` then writes it off with credit notes; until then it is still owed, so a
breach leaves the full balance due.

API:
    create_settlement(client_id, invoice_ids, agreement_date, ...) -> Settlement (draft)
    update_draft(settlement_id, ...); set_instalments(settlement_id, lines); replan(...)
    add_point / set_point_agreed / remove_point; sign_settlement; cancel_settlement
    record_instalment_payment
    get_settlement; client_settlements; covered_invoices; instalments; points; schedule
    taken_invoices(invoice_ids) (the settlement each one is already in)
    open_amounts(invoice_ids, as_of); covered_open_invoices(settlement_ids, as_of=None)
    schedule_problems(settlement); grace_days / save_grace_days;
    on_business_days / save_on_business_days; instalment_dates(first, count)
    settlement_events(settlement_ids) (breaches logged, reinstatements)

The state as of a date, the Today agenda and the waiver (which needs the state) are in
models.negotiation.settlement_status.

Text written into the books (payment notes, contact-log summaries, the cancellation note)
stays Hebrew whatever the interface language: it is stored once and printed on documents.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable

import peewee as pw

from models.common.dates import format_date
from models.common.errors import ValidationError
from models.common.i18n import N_, _, ngettext
from models.common.money import format_money, parse_amount
from models.common.text import clean_text
from models.db.authors import author
from models.db.concurrency import lock_client, retried
from models.db.connection import BaseModel, FlagField, database
from models.db.settings import get_setting, set_setting
from models.ledger import services
from models.ledger.clients import Client
from models.ledger.invoices import Invoice
from models.ledger.open_as_of import (
    COUNTED_ALLOCATION,
    COUNTED_BEFORE_THE_DAY,
    COUNTED_INVOICE,
    allocated,
)
from models.ledger.open_invoice import OpenInvoice
from models.ledger.payments import PAYMENT_METHODS
from models.negotiation.negotiations import Negotiation
from models.negotiation.settlement_math import (
    MAX_INSTALMENTS,
    ScheduleLine,
    monthly_dates,
    split_amount,
)

DEFAULT_GRACE_DAYS = 3
DEFAULT_ON_BUSINESS_DAYS = True
MAX_POINT_LENGTH = 1000
MAX_POINTS = 50


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


class Settlement(BaseModel):
    client = pw.ForeignKeyField(Client, backref="settlements")
    negotiation = pw.ForeignKeyField(Negotiation, null=True, backref="settlements")
    currency = pw.TextField(default="ILS")
    agreement_date = pw.DateField()
    debt_agorot = pw.IntegerField()
    discount_agorot = pw.IntegerField(default=0)
    down_payment_agorot = pw.IntegerField(default=0)
    down_payment_date = pw.DateField(null=True)
    final_date = pw.DateField()
    status = pw.TextField(default="draft")
    signed_date = pw.DateField(null=True)
    cancelled_date = pw.DateField(null=True)
    waiver_credit_note_id = pw.IntegerField(null=True)
    notes = pw.TextField(default="")
    created_at = pw.TextField()
    created_by = pw.TextField(default=author)  # who recorded it (migration 0014)

    @property
    def settled_agorot(self) -> int:
        """What the debtor pays under the settlement: the debt less the discount."""
        return self.debt_agorot - self.discount_agorot


class SettlementInvoice(BaseModel):
    settlement = pw.ForeignKeyField(Settlement, backref="covered")
    invoice = pw.ForeignKeyField(Invoice)

    class Meta:
        primary_key = pw.CompositeKey("settlement", "invoice")


class SettlementInstalment(BaseModel):
    settlement = pw.ForeignKeyField(Settlement, backref="instalments")
    seq = pw.IntegerField()
    due_date = pw.DateField()
    amount_agorot = pw.IntegerField()
    method = pw.TextField(default="transfer")
    check_number = pw.TextField(default="")
    check_bank = pw.TextField(default="")


class SettlementEvent(BaseModel):
    """A breach written to the contact log, or the user's reinstatement (migration 0011:
    evidence, never changed or deleted, only for a signed settlement)."""
    settlement = pw.ForeignKeyField(Settlement, backref="events")
    kind = pw.TextField()  # 'breach' | 'reinstated'
    event_date = pw.DateField()
    line_seq = pw.IntegerField(null=True)
    reason = pw.TextField(default="")
    contact_log_id = pw.IntegerField(null=True)
    recorded_at = pw.TextField()
    created_by = pw.TextField(default=author)  # who recorded it (migration 0014)

    class Meta:
        table_name = "settlement_event"


class SettlementPoint(BaseModel):
    settlement = pw.ForeignKeyField(Settlement, backref="points")
    position = pw.IntegerField()
    text = pw.TextField()
    is_agreed = FlagField(default=False)


@dataclass(frozen=True)
class InstalmentInput:
    """One instalment as the user typed it (draft editing)."""
    due_date: dt.date
    amount_agorot: int
    method: str = "transfer"
    check_number: str = ""
    check_bank: str = ""


def _rules() -> dict:
    value = get_setting("settlement_rules", {})
    return value if isinstance(value, dict) else {}


def _save_rule(name: str, value) -> None:
    set_setting("settlement_rules", {**_rules(), name: value})


def grace_days() -> int:
    """Days an instalment may be late before the settlement counts as breached (a setting)."""
    value = _rules().get("grace_days", DEFAULT_GRACE_DAYS)
    return (value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 60
            else DEFAULT_GRACE_DAYS)


def save_grace_days(days: int) -> None:
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 60:
        raise ValidationError(_("The grace days for a settlement payment must be between 0 and 60."),
                              field="grace_days")
    _save_rule("grace_days", days)


def on_business_days() -> bool:
    """Whether a new schedule's dates keep off Fridays, Saturdays and holidays (a setting,
    on by default)."""
    value = _rules().get("business_days", DEFAULT_ON_BUSINESS_DAYS)
    return value if isinstance(value, bool) else DEFAULT_ON_BUSINESS_DAYS


def save_on_business_days(on: bool) -> None:
    _save_rule("business_days", bool(on))


def instalment_dates(first: dt.date, count: int) -> list[dt.date]:
    """The dates proposed for a new schedule: monthly from `first`, each moved on to the
    next business day when the setting says so. The screens and `replan` ask this."""
    return monthly_dates(first, count, business_days=on_business_days())


def settlement_events(settlement_ids: Iterable[int]) -> dict[int, list[SettlementEvent]]:
    """settlement id -> its breaches logged and its reinstatements, oldest first."""
    ids = list(settlement_ids)
    found: dict[int, list[SettlementEvent]] = {sid: [] for sid in ids}
    if ids:
        for event in (SettlementEvent.select().where(SettlementEvent.settlement.in_(ids))
                      .order_by(SettlementEvent.event_date, SettlementEvent.id)):
            found[event.settlement_id].append(event)
    return found


# ---- reading ----------------------------------------------------------------------------

def get_settlement(settlement_id: int) -> Settlement:
    settlement = Settlement.get_or_none(Settlement.id == settlement_id)
    if settlement is None:
        raise ValidationError(_("Settlement {id} was not found.").format(id=settlement_id))
    return settlement


def client_settlements(client_id: int) -> list[Settlement]:
    return list(Settlement.select().where(Settlement.client == client_id)
                .order_by(Settlement.agreement_date.desc(), Settlement.id.desc()))


def covered_invoices(settlement_id: int) -> list[Invoice]:
    return list(Invoice.select().join(SettlementInvoice, on=SettlementInvoice.invoice == Invoice.id)
                .where(SettlementInvoice.settlement == settlement_id)
                .order_by(Invoice.due_date, Invoice.issue_date, Invoice.number))


def instalments(settlement_id: int) -> list[SettlementInstalment]:
    return list(SettlementInstalment.select()
                .where(SettlementInstalment.settlement == settlement_id)
                .order_by(SettlementInstalment.seq))


def points(settlement_id: int) -> list[SettlementPoint]:
    return list(SettlementPoint.select().where(SettlementPoint.settlement == settlement_id)
                .order_by(SettlementPoint.position, SettlementPoint.id))


def schedule(settlement: Settlement, lines: Iterable[SettlementInstalment] | None = None
             ) -> list[ScheduleLine]:
    """Down payment (seq 0) and instalments, as the tracking sees them."""
    lines = instalments(settlement.id) if lines is None else lines
    out = [ScheduleLine(line.seq, line.due_date, line.amount_agorot) for line in lines]
    if settlement.down_payment_agorot:
        out.insert(0, ScheduleLine(0, settlement.down_payment_date, settlement.down_payment_agorot))
    return out


# ---- open amounts of the covered invoices ----------------------------------------------

# The rule is models.ledger.open_as_of's: `{counted_invoice}` and `{allocated}` are its
# fragments, asked as of :d or, for each settlement, as of its own agreement date.
_OPEN_SQL = """
SELECT i.id, i.amount_agorot - {allocated}
FROM invoice i WHERE i.id IN ({ids}) AND {counted_invoice}
"""
# The open amount is filtered outside: PostgreSQL's WHERE cannot name a SELECT alias.
_COVERED_OPEN_SQL = """
SELECT * FROM (
SELECT si.settlement_id, i.id, i.number, i.client_id, i.currency, i.issue_date, i.due_date,
       i.amount_agorot, i.amount_agorot - {allocated} AS open_agorot, i.is_disputed,
       {day} AS as_of
FROM settlement_invoice si JOIN settlement s ON s.id = si.settlement_id
JOIN invoice i ON i.id = si.invoice_id
WHERE si.settlement_id IN ({ids}) AND {counted_invoice}) AS covered
WHERE open_agorot > 0
ORDER BY settlement_id, due_date, issue_date, number, id
"""


def _rule(before_the_day: bool, on_agreement_date: bool = False) -> dict[str, str]:
    """The open-as-of fragments. before_the_day: money applied on the date itself not yet
    counted. on_agreement_date: the date is each settlement's (`s`) own, not :d."""
    parts = {"allocated": allocated(COUNTED_BEFORE_THE_DAY if before_the_day
                                    else COUNTED_ALLOCATION),
             "counted_invoice": COUNTED_INVOICE}
    if on_agreement_date:
        parts = {k: re.sub(r":d\b", "s.agreement_date", v) for k, v in parts.items()}
    return parts


def open_amounts(invoice_ids: list[int], as_of: dt.date, *,
                 before_the_day: bool = False) -> dict[int, int]:
    """invoice id -> open agorot as of the date (the rule of models.ledger.open_as_of), for
    the handful of invoices a draft is choosing (a settlement's own: covered_open_invoices).
    before_the_day: money applied on the date itself not yet counted — the debt a
    settlement agreed that day acknowledges; what is paid from that day on is toward it."""
    if not invoice_ids:
        return {}
    marks = ",".join(f":i{n}" for n in range(len(invoice_ids)))
    params = {"d": as_of.isoformat(), **{f"i{n}": v for n, v in enumerate(invoice_ids)}}
    sql = _OPEN_SQL.format(ids=marks, **_rule(before_the_day))
    return dict(database.execute_sql(sql, params).fetchall())


def covered_open_invoices(settlement_ids: Iterable[int], as_of: dt.date | None = None
                          ) -> dict[int, list[OpenInvoice]]:
    """settlement id -> its covered invoices with something open, in the order a letter
    lists them (due date, issue date, number), for every settlement asked about in one
    statement: as of `as_of`, or (None) each as of its own agreement date (the debt its
    letter states)."""
    ids = sorted({int(i) for i in settlement_ids})  # our own integers, written inline
    found: dict[int, list[OpenInvoice]] = {sid: [] for sid in ids}
    if not ids:
        return found
    sql = _COVERED_OPEN_SQL.format(ids=",".join(map(str, ids)),
                                   day="s.agreement_date" if as_of is None else ":d",
                                   **_rule(False, on_agreement_date=as_of is None))
    params = {} if as_of is None else {"d": as_of.isoformat()}
    day = dt.date.fromisoformat
    for sid, inv_id, number, cid, currency, issue, due, amount, open_, disputed, when \
            in database.execute_sql(sql, params):
        found[sid].append(OpenInvoice(inv_id, number, cid, currency, day(issue), day(due),
                                      amount, open_, bool(disputed), day(when)))
    return found


# ---- drafting ---------------------------------------------------------------------------

def taken_invoices(invoice_ids: Iterable[int], *, exclude_settlement: int | None = None
                   ) -> dict[int, Settlement]:
    """Invoice id -> the settlement (draft or signed, not cancelled) that already covers it.
    An invoice is in at most one such settlement; a new one may cover only the others."""
    ids = list(invoice_ids)
    if not ids:
        return {}
    rows = (SettlementInvoice.select(SettlementInvoice, Settlement).join(Settlement)
            .where(SettlementInvoice.invoice.in_(ids) & (Settlement.status != "cancelled")
                   & (Settlement.id != (exclude_settlement or 0))))
    return {row.invoice_id: row.settlement for row in rows}


def _check_invoices(client: Client, invoice_ids: list[int], as_of: dt.date,
                    exclude_settlement: int | None = None) -> tuple[str, dict[int, int]]:
    """The covered invoices' currency and open amounts; every rule a user can break."""
    ids = list(dict.fromkeys(invoice_ids))
    if not ids:
        raise ValidationError(_("Choose at least one invoice for the settlement to cover."),
                              field="invoices")
    found = list(Invoice.select().where(Invoice.id.in_(ids)))
    if len(found) != len(ids) or any(inv.client_id != client.id for inv in found):
        raise ValidationError(_("One of the chosen invoices belongs to another client."),
                              field="invoices")
    currencies = {inv.currency for inv in found}
    if len(currencies) > 1:
        raise ValidationError(_("A settlement covers invoices in one currency; invoices in "
                                "different currencies need separate settlements."),
                              field="invoices")
    amounts = open_amounts(ids, as_of, before_the_day=True)
    closed = [inv.number for inv in found if amounts.get(inv.id, 0) <= 0]
    if closed:
        raise ValidationError(ngettext(
            "Invoice {numbers} has no open balance as of {date}.",
            "Invoices {numbers} have no open balance as of {date}.", len(closed)).format(
                numbers=", ".join(closed), date=format_date(as_of)), field="invoices")
    numbers = {inv.id: inv.number for inv in found}
    busy = sorted({numbers[invoice_id] for invoice_id in taken_invoices(
        ids, exclude_settlement=exclude_settlement)})
    if busy:
        raise ValidationError(ngettext(
            "Invoice {numbers} is already in another settlement.",
            "Invoices {numbers} are already in another settlement.", len(busy)).format(
                numbers=", ".join(busy)), field="invoices")
    return currencies.pop(), amounts


def _check_draft(settlement: Settlement) -> None:
    if settlement.status == "cancelled":
        raise ValidationError(_("The settlement was cancelled and cannot be changed. "
                                "You can draft a new one."))
    if settlement.status != "draft":
        raise ValidationError(_("The settlement is already signed and cannot be changed. "
                                "You can cancel it and draft a new one."))


# field -> (its name before a parsing error, the error for a negative number); whole
# sentences, since the noun's gender changes the Hebrew verb.
_AMOUNTS = {
    "discount": (N_("The discount"), N_("The discount cannot be negative.")),
    "down_payment": (N_("The first payment"), N_("The first payment cannot be negative.")),
    "amount": (N_("The amount"), N_("The amount cannot be negative.")),
}


def _amount(value, field: str) -> int:
    """Agorot (an int) or a typed amount; empty or zero is none."""
    what, negative = _AMOUNTS[field]
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValidationError(_(negative), field=field)
        return value
    text = clean_text(value)
    if not text or text.strip("0.,") == "":
        return 0
    try:
        return parse_amount(text)
    except ValidationError as exc:
        raise ValidationError(_("{what}: {error}").format(what=_(what), error=exc),
                              field=field) from None


def create_settlement(client_id: int, invoice_ids: Iterable[int], agreement_date: dt.date, *,
                      discount_agorot: int = 0, down_payment_agorot: int = 0,
                      down_payment_date: dt.date | None = None, instalment_count: int = 1,
                      first_date: dt.date | None = None, method: str = "transfer",
                      final_date: dt.date | None = None, negotiation_id: int | None = None,
                      point_texts: Iterable[str] = ()) -> Settlement:
    """A draft over the chosen invoices: debt = their open amount as of the agreement date,
    the rest split evenly in monthly instalments from `first_date` (default: a month on)."""
    with database.atomic():
        client = services.get_client(client_id)
        currency, amounts = _check_invoices(client, list(invoice_ids), agreement_date)
        settlement = Settlement.create(
            client=client, negotiation=negotiation_id, currency=currency,
            agreement_date=agreement_date, debt_agorot=sum(amounts.values()),
            final_date=agreement_date, created_at=_now())
        for inv_id in amounts:
            SettlementInvoice.create(settlement=settlement, invoice=inv_id)
        for text in point_texts:
            add_point(settlement.id, text)
        return replan(settlement.id, discount_agorot=discount_agorot,
                      down_payment_agorot=down_payment_agorot,
                      down_payment_date=down_payment_date or agreement_date,
                      instalment_count=instalment_count,
                      first_date=first_date or monthly_dates(agreement_date, 2)[1],
                      method=method, final_date=final_date)


def replan(settlement_id: int, *, discount_agorot: int, down_payment_agorot: int,
           down_payment_date: dt.date | None, instalment_count: int, first_date: dt.date,
           method: str = "transfer", final_date: dt.date | None = None) -> Settlement:
    """Recompute a draft's schedule: equal monthly instalments of what is left."""
    discount = _amount(discount_agorot, "discount")
    down = _amount(down_payment_agorot, "down_payment")
    with database.atomic():
        settlement = get_settlement(settlement_id)
        _check_draft(settlement)
        rest = settlement.debt_agorot - discount - down
        if rest < 0:
            raise ValidationError(_("The discount and the down payment together are larger "
                                    "than the debt."), field="discount")
        if rest == 0:
            lines = []
        else:
            amounts = split_amount(rest, instalment_count)
            # check numbers and banks already typed stay with their instalment number
            typed = {l.seq: l for l in instalments(settlement.id)}
            lines = [InstalmentInput(day, amount, method,
                                     typed[n].check_number if n in typed else "",
                                     typed[n].check_bank if n in typed else "")
                     for n, (day, amount) in enumerate(
                         zip(instalment_dates(first_date, instalment_count), amounts), start=1)]
        settlement.discount_agorot = discount
        settlement.down_payment_agorot = down
        settlement.down_payment_date = down_payment_date if down else None
        return _store_schedule(settlement, lines, final_date)


def revise_draft(settlement_id: int, *, agreement_date: dt.date, discount_agorot,
                 down_payment_agorot, down_payment_date: dt.date | None, instalment_count: int,
                 first_date: dt.date, method: str = "transfer") -> Settlement:
    """The settlement page's "recalculate": a new agreement date (the debt is taken again
    from the invoices) and a new even schedule, together or not at all."""
    with database.atomic():
        update_draft(settlement_id, agreement_date=agreement_date)
        return replan(settlement_id, discount_agorot=discount_agorot,
                      down_payment_agorot=down_payment_agorot,
                      down_payment_date=down_payment_date, instalment_count=instalment_count,
                      first_date=first_date, method=method)


def set_instalments(settlement_id: int, lines: list[InstalmentInput], *,
                    final_date: dt.date | None = None) -> Settlement:
    """Replace a draft's instalments with what the user typed (dates, amounts, checks)."""
    with database.atomic():
        settlement = get_settlement(settlement_id)
        _check_draft(settlement)
        return _store_schedule(settlement, lines, final_date)


def _store_schedule(settlement: Settlement, lines: list[InstalmentInput],
                    final_date: dt.date | None) -> Settlement:
    for line in lines:
        if line.method not in PAYMENT_METHODS:
            raise ValidationError(_("Unknown payment method: {method}.").format(
                method=line.method), field="method")
        if line.amount_agorot <= 0:
            raise ValidationError(_("Every payment must be a positive amount."),
                                  field="instalments")
    if len(lines) > MAX_INSTALMENTS:
        raise ValidationError(_("Too many payments (up to {max}).").format(max=MAX_INSTALMENTS),
                              field="instalments")
    last = max([l.due_date for l in lines] + [settlement.down_payment_date or settlement.agreement_date])
    settlement.final_date = final_date or last
    SettlementInstalment.delete().where(SettlementInstalment.settlement == settlement).execute()
    for seq, line in enumerate(sorted(lines, key=lambda l: l.due_date), start=1):
        SettlementInstalment.create(
            settlement=settlement, seq=seq, due_date=line.due_date,
            amount_agorot=line.amount_agorot, method=line.method,
            check_number=clean_text(line.check_number), check_bank=clean_text(line.check_bank))
    settlement.save()
    return settlement


def update_draft(settlement_id: int, *, invoice_ids: Iterable[int] | None = None,
                 agreement_date: dt.date | None = None, notes: str | None = None) -> Settlement:
    """Change the covered invoices or the agreement date: the debt is taken again from the
    invoices' open amounts (the schedule is kept; `schedule_problems` says if it no
    longer adds up)."""
    with database.atomic():
        settlement = get_settlement(settlement_id)
        _check_draft(settlement)
        if agreement_date is not None:
            settlement.agreement_date = agreement_date
        if notes is not None:
            settlement.notes = clean_text(notes)
        ids = ([c.invoice_id for c in settlement.covered] if invoice_ids is None
               else list(invoice_ids))
        _, amounts = _check_invoices(settlement.client, ids, settlement.agreement_date,
                                     exclude_settlement=settlement.id)
        SettlementInvoice.delete().where(SettlementInvoice.settlement == settlement).execute()
        for inv_id in amounts:
            SettlementInvoice.create(settlement=settlement, invoice=inv_id)
        settlement.debt_agorot = sum(amounts.values())
        if settlement.discount_agorot + settlement.down_payment_agorot > settlement.debt_agorot:
            settlement.discount_agorot = settlement.down_payment_agorot = 0
            settlement.down_payment_date = None
        settlement.save()
        return settlement


def add_point(settlement_id: int, text: str, *, is_agreed: bool = False) -> SettlementPoint:
    text = clean_text(text)
    if not text:
        raise ValidationError(_("A settlement point cannot be empty."), field="point")
    if len(text) > MAX_POINT_LENGTH:
        raise ValidationError(_("The point is too long (up to {max} characters).").format(
            max=MAX_POINT_LENGTH), field="point")
    with database.atomic():
        settlement = get_settlement(settlement_id)
        _check_draft(settlement)
        existing = points(settlement_id)
        if len(existing) >= MAX_POINTS:
            raise ValidationError(_("Up to {max} points in one settlement.").format(
                max=MAX_POINTS), field="point")
        position = max((p.position for p in existing), default=0) + 1
        return SettlementPoint.create(settlement=settlement, position=position, text=text,
                                      is_agreed=is_agreed)


def _draft_point(point_id: int) -> SettlementPoint:
    point = SettlementPoint.get_or_none(SettlementPoint.id == point_id)
    if point is None:
        raise ValidationError(_("Point {id} was not found.").format(id=point_id))
    _check_draft(point.settlement)
    return point


def set_point_agreed(point_id: int, is_agreed: bool) -> SettlementPoint:
    with database.atomic():
        point = _draft_point(point_id)
        point.is_agreed = bool(is_agreed)
        point.save()
        return point


def remove_point(point_id: int) -> None:
    with database.atomic():
        _draft_point(point_id).delete_instance()


def schedule_problems(settlement: Settlement) -> list[str]:
    """Why a draft cannot be signed yet (empty: it can), one reason per item."""
    problems = []
    lines = instalments(settlement.id)
    scheduled = settlement.down_payment_agorot + sum(l.amount_agorot for l in lines)
    if scheduled != settlement.settled_agorot:
        problems.append(_("The payments add up to {scheduled}, not to the settlement amount "
                          "after the discount ({settled}).").format(
            scheduled=format_money(scheduled, settlement.currency),
            settled=format_money(settlement.settled_agorot, settlement.currency)))
    if not lines and not settlement.down_payment_agorot:
        problems.append(_("The settlement has no payment."))
    start = settlement.agreement_date
    if settlement.down_payment_agorot and settlement.down_payment_date < start:
        problems.append(_("The down payment is due before the settlement date."))
    if any(l.due_date < start for l in lines):
        problems.append(_("A payment is due before the settlement date."))
    last = max([l.due_date for l in lines] + [settlement.down_payment_date or start])
    if settlement.final_date < last:
        problems.append(_("The settlement's final date ({final}) is before the last payment "
                          "({last}).").format(final=format_date(settlement.final_date),
                                              last=format_date(last)))
    open_points = [p.text for p in points(settlement.id) if not p.is_agreed]
    if open_points:
        problems.append(ngettext(
            "A point is still open: {points}. Every point must be agreed before signing.",
            "Some points are still open: {points}. Every point must be agreed before signing.",
            len(open_points)).format(points="; ".join(open_points)))
    return problems


def sign_settlement(settlement_id: int, signed_date: dt.date) -> Settlement:
    """Both sides signed: the settlement is final. Refused while a point is open or the
    schedule does not add up: nothing is left open."""
    from models.contact.contact_log import log_contact

    with database.atomic():
        settlement = get_settlement(settlement_id)
        _check_draft(settlement)
        if signed_date < settlement.agreement_date:
            raise ValidationError(_("The signing date is before the settlement date."),
                                  field="signed_date")
        problems = schedule_problems(settlement)
        if problems:
            raise ValidationError(_("The settlement cannot be signed: {problems}").format(
                problems=" ".join(problems)))
        _check_invoices(settlement.client, [c.invoice_id for c in settlement.covered],
                        settlement.agreement_date, exclude_settlement=settlement.id)
        settlement.status, settlement.signed_date = "signed", signed_date
        settlement.save()
        log_contact(settlement.client_id, signed_date, "other", summary=(
            f"נחתם הסדר חוב על {format_money(settlement.settled_agorot, settlement.currency)}"  # hebrew: stored in the contact log
            f" ב-{len(instalments(settlement.id))} תשלומים, עד {format_date(settlement.final_date)}."))  # hebrew: stored in the contact log
        return settlement


def cancel_settlement(settlement_id: int, cancelled_date: dt.date, reason: str) -> Settlement:
    from models.contact.contact_log import log_contact

    reason = clean_text(reason)
    if not reason:
        raise ValidationError(_("Please give the reason for cancelling."), field="reason")
    with database.atomic():
        settlement = get_settlement(settlement_id)
        if settlement.status == "cancelled":
            raise ValidationError(_("The settlement is already cancelled."))
        since = settlement.signed_date or settlement.agreement_date
        if cancelled_date < since:
            message = (_("The cancellation date is before {date}, when the settlement was signed.")
                       if settlement.signed_date else
                       _("The cancellation date is before {date}, when the settlement was drafted."))
            raise ValidationError(message.format(date=format_date(since)), field="cancelled_date")
        was_signed = settlement.status == "signed"
        settlement.status, settlement.cancelled_date = "cancelled", cancelled_date
        settlement.notes = clean_text(f"{settlement.notes}\nבוטל: {reason}")  # hebrew: stored note
        settlement.save()
        if was_signed:
            log_contact(settlement.client_id, cancelled_date, "other",
                        summary=f"הסדר החוב מיום {format_date(settlement.agreement_date)} בוטל: {reason}")  # hebrew: stored in the contact log
        return settlement


def delete_draft(settlement_id: int) -> None:
    """A draft that never went anywhere can be thrown away (a signed one cannot)."""
    with database.atomic():
        settlement = get_settlement(settlement_id)
        _check_draft(settlement)
        for model in (SettlementPoint, SettlementInstalment, SettlementInvoice):
            model.delete().where(model.settlement == settlement).execute()
        settlement.delete_instance()


# ---- money toward a settlement -----------------------------------------------------------

@retried
def record_instalment_payment(settlement_id: int, payment_date: dt.date, amount, **details):
    """A payment toward the settlement (see `_instalment_payment`), its balance read and
    the payment written while the client is held: no one else's payment comes between."""
    with database.atomic():
        lock_client(get_settlement(settlement_id).client_id)
        return _instalment_payment(settlement_id, payment_date, amount, **details)


def _instalment_payment(settlement_id: int, payment_date: dt.date, amount, *,
                        method: str = "transfer", reference: str | None = None,
                        check_number: str = "", check_bank: str = "",
                        check_date: dt.date | None = None):
    """A payment toward the settlement: allocated to its covered invoices, oldest first."""
    settlement = get_settlement(settlement_id)
    if settlement.status != "signed":
        raise ValidationError(_("A payment toward a settlement can be recorded only after "
                                "it is signed."))
    if payment_date < settlement.agreement_date:
        raise ValidationError(_("A payment toward the settlement cannot be dated before the "
                                "settlement date ({date}).").format(
            date=format_date(settlement.agreement_date)), field="payment_date")
    ids = [inv.id for inv in covered_invoices(settlement.id)]
    opens = {i: a for i, a in open_amounts(ids, dt.date.max).items() if a > 0}
    if not opens:
        raise ValidationError(_("The settlement's invoices are paid in full; please record "
                                "the payment as a regular payment."))
    if _amount(amount, "amount") > sum(opens.values()):
        raise ValidationError(_("The amount is higher than the settlement's balance ({balance}); "
                                "please record the difference as a regular payment.").format(
            balance=format_money(sum(opens.values()), settlement.currency)), field="amount")
    still_open = [i for i in ids if i in opens]  # oldest due first, as covered_invoices
    return services.record_payment(
        settlement.client_id, payment_date, amount, currency=settlement.currency,
        method=method, reference=reference, invoice_ids=still_open,
        check_number=check_number, check_bank=check_bank, check_date=check_date,
        notes=f"תשלום על הסדר חוב מיום {format_date(settlement.agreement_date)}")  # hebrew: stored payment note
