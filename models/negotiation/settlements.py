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
* breached   — an instalment is past its due date + grace and not covered
  (models.negotiation.settlement_math). The acceleration clause then makes the whole balance of the
  covered invoices due; the dunning plan resumes for them.

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
    record_instalment_payment; record_waiver
    settlement_status(settlement_id, as_of) -> SettlementStatus
    statuses(as_of, client_id=None, settlement_ids=None) -> list[SettlementStatus]
    client_settlements(client_id); settled_invoice_pauses(as_of, client_id) (dunning)
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

import peewee as pw

from models.common.dates import format_date
from models.common.errors import ValidationError
from models.common.money import format_money, parse_amount, to_decimal
from models.common.text import clean_text
from models.db.connection import BaseModel, database
from models.db.settings import get_setting, set_setting
from models.ledger import services
from models.ledger.clients import Client
from models.ledger.invoices import Invoice
from models.ledger.payments import PAYMENT_METHODS
from models.negotiation.negotiations import Negotiation
from models.negotiation.settlement_math import (
    LINE_STATES,
    ScheduleLine,
    Tracking,
    monthly_dates,
    split_amount,
    track,
)
from models.queries.open_as_of import (
    COUNTED_ALLOCATION,
    COUNTED_BEFORE_THE_DAY,
    COUNTED_INVOICE,
    allocated,
)

SETTLEMENT_STATES = {
    "draft": "טיוטה",
    "signed": "נחתם",
    "active": "פעיל",
    "completed": "הושלם",
    "breached": "הופר",
    "cancelled": "בוטל",
}
DEFAULT_GRACE_DAYS = 3
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


class SettlementPoint(BaseModel):
    settlement = pw.ForeignKeyField(Settlement, backref="points")
    position = pw.IntegerField()
    text = pw.TextField()
    is_agreed = pw.BooleanField(default=False)


@dataclass(frozen=True)
class InstalmentInput:
    """One instalment as the user typed it (draft editing)."""
    due_date: dt.date
    amount_agorot: int
    method: str = "transfer"
    check_number: str = ""
    check_bank: str = ""


def grace_days() -> int:
    """Days an instalment may be late before the settlement counts as breached (a setting)."""
    value = (get_setting("settlement_rules", {}) or {}).get("grace_days", DEFAULT_GRACE_DAYS)
    return value if isinstance(value, int) and 0 <= value <= 60 else DEFAULT_GRACE_DAYS


def save_grace_days(days: int) -> None:
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 60:
        raise ValidationError("ימי החסד לתשלום בהסדר צריכים להיות בין 0 ל-60.",
                              field="grace_days")
    set_setting("settlement_rules", {"grace_days": days})


# ---- reading ----------------------------------------------------------------------------

def get_settlement(settlement_id: int) -> Settlement:
    settlement = Settlement.get_or_none(Settlement.id == settlement_id)
    if settlement is None:
        raise ValidationError(f"הסדר {settlement_id} לא נמצא.")
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

# `{open}` counts the allocations as of the end of :d, or before :d began.
_OPEN_SQL = f"""
SELECT i.id, i.amount_agorot - {{open}}
FROM invoice i WHERE i.id IN ({{ids}}) AND {COUNTED_INVOICE}
"""


def open_amounts(invoice_ids: list[int], as_of: dt.date, *,
                 before_the_day: bool = False) -> dict[int, int]:
    """invoice id -> open agorot as of the date (the rule of models.queries.open_as_of), for a handful
    of invoices.
    before_the_day: money applied on the date itself not yet counted — the debt a
    settlement agreed that day acknowledges; what is paid from that day on is toward it."""
    if not invoice_ids:
        return {}
    marks = ",".join(f":i{n}" for n in range(len(invoice_ids)))
    params = {"d": as_of.isoformat(), **{f"i{n}": v for n, v in enumerate(invoice_ids)}}
    sql = _OPEN_SQL.format(ids=marks, open=allocated(COUNTED_BEFORE_THE_DAY if before_the_day
                                                     else COUNTED_ALLOCATION))
    return dict(database.obj.connection().execute(sql, params).fetchall())


# ---- drafting ---------------------------------------------------------------------------

def _check_invoices(client: Client, invoice_ids: list[int], as_of: dt.date,
                    exclude_settlement: int | None = None) -> tuple[str, dict[int, int]]:
    """The covered invoices' currency and open amounts; every rule a user can break."""
    ids = list(dict.fromkeys(invoice_ids))
    if not ids:
        raise ValidationError("יש לבחור לפחות חשבונית אחת שההסדר יכסה.", field="invoices")
    found = list(Invoice.select().where(Invoice.id.in_(ids)))
    if len(found) != len(ids) or any(inv.client_id != client.id for inv in found):
        raise ValidationError("אחת החשבוניות שנבחרו אינה של לקוח זה.", field="invoices")
    currencies = {inv.currency for inv in found}
    if len(currencies) > 1:
        raise ValidationError("הסדר אחד מכסה חשבוניות במטבע אחד; חשבוניות במטבעות שונים "
                              "מחייבות הסדרים נפרדים.", field="invoices")
    amounts = open_amounts(ids, as_of, before_the_day=True)
    closed = [inv.number for inv in found if amounts.get(inv.id, 0) <= 0]
    if closed:
        raise ValidationError(f"אין יתרה פתוחה בחשבונית {', '.join(closed)} נכון ל-"
                              f"{format_date(as_of)}.", field="invoices")
    taken = (SettlementInvoice.select(SettlementInvoice.invoice, Settlement.id)
             .join(Settlement)
             .where(SettlementInvoice.invoice.in_(ids) & (Settlement.status != "cancelled")
                    & (Settlement.id != (exclude_settlement or 0))))
    numbers = {inv.id: inv.number for inv in found}
    busy = sorted({numbers[row.invoice_id] for row in taken})
    if busy:
        raise ValidationError(f"חשבונית {', '.join(busy)} כבר כלולה בהסדר אחר.", field="invoices")
    return currencies.pop(), amounts


def _check_draft(settlement: Settlement) -> None:
    if settlement.status == "cancelled":
        raise ValidationError("ההסדר בוטל; אי אפשר לשנות אותו. אפשר לערוך הסדר חדש.")
    if settlement.status != "draft":
        raise ValidationError("ההסדר כבר נחתם; אי אפשר לשנות אותו. אפשר לבטל אותו ולערוך הסדר חדש.")


def _amount(value, what: str, field: str) -> int:
    """Agorot (an int) or a typed amount; empty or zero is none."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValidationError(f"{what} לא יכול להיות שלילי.", field=field)
        return value
    text = clean_text(value)
    if not text or text.strip("0.,") == "":
        return 0
    try:
        return parse_amount(text)
    except ValidationError as exc:
        raise ValidationError(f"{what}: {exc}", field=field) from None


def create_settlement(client_id: int, invoice_ids: Iterable[int], agreement_date: dt.date, *,
                      discount_agorot: int = 0, down_payment_agorot: int = 0,
                      down_payment_date: dt.date | None = None, instalment_count: int = 1,
                      first_date: dt.date | None = None, method: str = "transfer",
                      final_date: dt.date | None = None, negotiation_id: int | None = None,
                      point_texts: Iterable[str] = ()) -> Settlement:
    """A draft over the chosen invoices: debt = their open amount as of the agreement date,
    the rest split evenly in monthly instalments from `first_date` (default: a month on)."""
    with database.atomic():
        client = Client.get_or_none(Client.id == client_id)
        if client is None:
            raise ValidationError(f"לקוח מספר {client_id} לא נמצא.")
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
    discount = _amount(discount_agorot, "ההנחה", "discount")
    down = _amount(down_payment_agorot, "התשלום הראשון", "down_payment")
    with database.atomic():
        settlement = get_settlement(settlement_id)
        _check_draft(settlement)
        rest = settlement.debt_agorot - discount - down
        if rest < 0:
            raise ValidationError("ההנחה והמקדמה יחד גדולות מהחוב.", field="discount")
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
                         zip(monthly_dates(first_date, instalment_count), amounts), start=1)]
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
            raise ValidationError(f"אמצעי תשלום לא מוכר: {line.method}.", field="method")
        if line.amount_agorot <= 0:
            raise ValidationError("סכום כל תשלום צריך להיות חיובי.", field="instalments")
    if len(lines) > 120:
        raise ValidationError("יותר מדי תשלומים (עד 120).", field="instalments")
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
        raise ValidationError("נקודה להסדר לא יכולה להיות ריקה.", field="point")
    if len(text) > MAX_POINT_LENGTH:
        raise ValidationError(f"נקודה ארוכה מדי (עד {MAX_POINT_LENGTH} תווים).", field="point")
    with database.atomic():
        settlement = get_settlement(settlement_id)
        _check_draft(settlement)
        existing = points(settlement_id)
        if len(existing) >= MAX_POINTS:
            raise ValidationError(f"עד {MAX_POINTS} נקודות בהסדר אחד.", field="point")
        position = max((p.position for p in existing), default=0) + 1
        return SettlementPoint.create(settlement=settlement, position=position, text=text,
                                      is_agreed=is_agreed)


def _draft_point(point_id: int) -> SettlementPoint:
    point = SettlementPoint.get_or_none(SettlementPoint.id == point_id)
    if point is None:
        raise ValidationError(f"נקודה {point_id} לא נמצאה.")
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
    """Why a draft cannot be signed yet (empty: it can). Hebrew, one reason per item."""
    problems = []
    lines = instalments(settlement.id)
    scheduled = settlement.down_payment_agorot + sum(l.amount_agorot for l in lines)
    if scheduled != settlement.settled_agorot:
        problems.append(
            f"סכום התשלומים ({format_money(scheduled, settlement.currency)}) אינו שווה לסכום "
            f"ההסדר אחרי ההנחה ({format_money(settlement.settled_agorot, settlement.currency)}).")
    if not lines and not settlement.down_payment_agorot:
        problems.append("בהסדר אין אף תשלום.")
    start = settlement.agreement_date
    if settlement.down_payment_agorot and settlement.down_payment_date < start:
        problems.append("מועד המקדמה מוקדם מתאריך ההסדר.")
    if any(l.due_date < start for l in lines):
        problems.append("יש תשלום שמועדו מוקדם מתאריך ההסדר.")
    last = max([l.due_date for l in lines] + [settlement.down_payment_date or start])
    if settlement.final_date < last:
        problems.append(f"המועד האחרון לסיום ההסדר ({format_date(settlement.final_date)}) "
                        f"מוקדם מהתשלום האחרון ({format_date(last)}).")
    open_points = [p.text for p in points(settlement.id) if not p.is_agreed]
    if open_points:
        problems.append("נשארו נקודות פתוחות שלא הוסכמו: " + "; ".join(open_points)
                        + ". כל נקודה צריכה להיסגר לפני החתימה.")
    return problems


def sign_settlement(settlement_id: int, signed_date: dt.date) -> Settlement:
    """Both sides signed: the settlement is final. Refused while a point is open or the
    schedule does not add up: nothing is left open."""
    from models.contact.contact_log import log_contact

    with database.atomic():
        settlement = get_settlement(settlement_id)
        _check_draft(settlement)
        if signed_date < settlement.agreement_date:
            raise ValidationError("תאריך החתימה מוקדם מתאריך ההסדר.", field="signed_date")
        problems = schedule_problems(settlement)
        if problems:
            raise ValidationError("אי אפשר לחתום על ההסדר: " + " ".join(problems))
        _check_invoices(settlement.client, [c.invoice_id for c in settlement.covered],
                        settlement.agreement_date, exclude_settlement=settlement.id)
        settlement.status, settlement.signed_date = "signed", signed_date
        settlement.save()
        log_contact(settlement.client_id, signed_date, "other", summary=(
            f"נחתם הסדר חוב על {format_money(settlement.settled_agorot, settlement.currency)}"
            f" ב-{len(instalments(settlement.id))} תשלומים, עד {format_date(settlement.final_date)}."))
        return settlement


def cancel_settlement(settlement_id: int, cancelled_date: dt.date, reason: str) -> Settlement:
    from models.contact.contact_log import log_contact

    reason = clean_text(reason)
    if not reason:
        raise ValidationError("יש לציין את סיבת הביטול.", field="reason")
    with database.atomic():
        settlement = get_settlement(settlement_id)
        if settlement.status == "cancelled":
            raise ValidationError("ההסדר כבר בוטל.")
        since = settlement.signed_date or settlement.agreement_date
        if cancelled_date < since:
            raise ValidationError(f"תאריך הביטול מוקדם מ-{format_date(since)}, שבו "
                                  f"{'נחתם' if settlement.signed_date else 'נערך'} ההסדר.",
                                  field="cancelled_date")
        was_signed = settlement.status == "signed"
        settlement.status, settlement.cancelled_date = "cancelled", cancelled_date
        settlement.notes = clean_text(f"{settlement.notes}\nבוטל: {reason}")
        settlement.save()
        if was_signed:
            log_contact(settlement.client_id, cancelled_date, "other",
                        summary=f"הסדר החוב מיום {format_date(settlement.agreement_date)} בוטל: {reason}")
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

def record_instalment_payment(settlement_id: int, payment_date: dt.date, amount, *,
                              method: str = "transfer", reference: str | None = None,
                              check_number: str = "", check_bank: str = "",
                              check_date: dt.date | None = None):
    """A payment toward the settlement: allocated to its covered invoices, oldest first."""
    settlement = get_settlement(settlement_id)
    if settlement.status != "signed":
        raise ValidationError("אפשר לרשום תשלום על הסדר רק אחרי שנחתם.")
    if payment_date < settlement.agreement_date:
        raise ValidationError(f"תשלום על ההסדר לא יכול להיות מוקדם מתאריך ההסדר "
                              f"({format_date(settlement.agreement_date)}).", field="payment_date")
    ids = [inv.id for inv in covered_invoices(settlement.id)]
    opens = {i: a for i, a in open_amounts(ids, dt.date.max).items() if a > 0}
    if not opens:
        raise ValidationError("החשבוניות שבהסדר שולמו במלואן; רשמו את התשלום כתשלום רגיל.")
    if _amount(amount, "הסכום", "amount") > sum(opens.values()):
        raise ValidationError(
            f"הסכום גבוה מהיתרה שבהסדר ({format_money(sum(opens.values()), settlement.currency)}); "
            "את ההפרש רשמו כתשלום רגיל.", field="amount")
    still_open = list(opens)
    return services.record_payment(
        settlement.client_id, payment_date, amount, currency=settlement.currency,
        method=method, reference=reference, invoice_ids=still_open,
        check_number=check_number, check_bank=check_bank, check_date=check_date,
        notes=f"תשלום על הסדר חוב מיום {format_date(settlement.agreement_date)}")


def record_waiver(settlement_id: int, note_date: dt.date) -> list:
    """The schedule was paid in full: forgive the discount with a credit note on each covered
    invoice still open, so the invoices close and the plan leaves them alone."""
    with database.atomic():
        settlement = get_settlement(settlement_id)
        status = settlement_status(settlement.id, note_date)
        if status.state != "completed":
            raise ValidationError("ההנחה נמחלת רק אחרי שכל תשלומי ההסדר התקבלו.")
        if settlement.waiver_credit_note_id:
            raise ValidationError("ההנחה כבר נרשמה כזיכוי.")
        left = settlement.discount_agorot
        notes = []
        ids = [inv.id for inv in covered_invoices(settlement.id)]
        for inv_id, open_agorot in open_amounts(ids, dt.date.max).items():
            take = min(left, open_agorot)
            if take <= 0:
                continue
            notes.append(services.add_credit_note(
                settlement.client_id, f"הסדר-{settlement.id}-{len(notes) + 1}", note_date,
                to_decimal(take), currency=settlement.currency, invoice_id=inv_id,
                reason=f"הנחה לפי הסדר חוב מיום {format_date(settlement.agreement_date)}"))
            left -= take
        if not notes:
            raise ValidationError("אין יתרה פתוחה למחיקה בחשבוניות ההסדר.")
        settlement.waiver_credit_note_id = notes[0].id
        settlement.save()
        return notes


# ---- status as of a date ------------------------------------------------------------------

@dataclass(frozen=True)
class SettlementStatus:
    settlement: Settlement
    client_name: str
    state: str                 # SETTLEMENT_STATES
    tracking: Tracking
    covered_open_agorot: int   # what the covered invoices still owe (due at once on breach)

    @property
    def state_name(self) -> str:
        return SETTLEMENT_STATES[self.state]

    @property
    def next_step(self) -> str:
        """What to do now, in a sentence (Today and the settlement screen show it)."""
        s = self.settlement
        money = lambda agorot: format_money(agorot, s.currency)  # noqa: E731
        if self.state == "breached":
            line = self.tracking.breached_line.line
            return (f"התשלום של {money(line.amount_agorot)} שמועדו {format_date(line.due_date)} "
                    f"לא התקבל: ההסדר הופר ולפי סעיף ההאצה כל היתרה "
                    f"({money(self.covered_open_agorot)}) עומדת לפירעון מיידי. "
                    "הצעד הבא: מכתב התראה לפני נקיטת הליכים או העברה לטיפול משפטי.")
        if self.state == "completed":
            if s.discount_agorot and not s.waiver_credit_note_id and self.covered_open_agorot:
                return f"ההסדר שולם במלואו: רשמו את ההנחה ({money(s.discount_agorot)}) כזיכוי."
            return "ההסדר שולם במלואו. אפשר להפיק אישור על סילוק החוב."
        nxt = self.tracking.next_line
        if nxt is not None and self.state in ("signed", "active"):
            owed = nxt.line.amount_agorot - nxt.paid_agorot
            return f"התשלום הבא: {money(owed)} עד {format_date(nxt.line.due_date)}."
        return ""


_PAID_SQL = f"""
SELECT si.settlement_id, a.applied_date, a.amount_agorot
FROM settlement_invoice si
JOIN settlement s ON s.id = si.settlement_id
JOIN allocation a ON a.invoice_id = si.invoice_id
WHERE si.settlement_id IN ({{ids}})
  AND a.applied_date >= s.agreement_date AND {COUNTED_ALLOCATION}
"""

_COVERED_OPEN_SQL = f"""
SELECT si.settlement_id, SUM(i.amount_agorot - {allocated()})
FROM settlement_invoice si JOIN invoice i ON i.id = si.invoice_id
WHERE si.settlement_id IN ({{ids}}) AND {COUNTED_INVOICE}
GROUP BY si.settlement_id
"""


def statuses(as_of: dt.date, *, client_id: int | None = None,
             settlement_ids: Iterable[int] | None = None,
             include_drafts: bool = False) -> list[SettlementStatus]:
    """Every settlement in force as of `as_of` (signed by then, not cancelled by then),
    judged as of that date, in four statements whatever their number."""
    query = (Settlement.select(Settlement, Client.name).join(Client)
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
    conn = database.obj.connection()
    params = {"d": as_of.isoformat()}
    receipts: dict[int, list] = defaultdict(list)
    for sid, day, amount in conn.execute(_PAID_SQL.format(ids=marks), params):
        receipts[sid].append((dt.date.fromisoformat(day), amount))
    still_open = dict(conn.execute(_COVERED_OPEN_SQL.format(ids=marks), params).fetchall())
    lines: dict[int, list] = defaultdict(list)
    for line in (SettlementInstalment.select().where(SettlementInstalment.settlement.in_(ids))
                 .order_by(SettlementInstalment.seq)):
        lines[line.settlement_id].append(line)
    grace = grace_days()
    out = []
    for s in found:
        tracking = track(schedule(s, lines[s.id]), receipts[s.id], as_of, grace)
        covered_open = max(0, still_open.get(s.id, 0))
        out.append(SettlementStatus(s, s.client.name, _state(s, tracking, covered_open, as_of),
                                    tracking, covered_open))
    return out


def _state(s: Settlement, tracking: Tracking, covered_open: int, as_of: dt.date) -> str:
    if s.status == "draft":
        return "draft"
    if tracking.is_complete or covered_open == 0:  # paid, or closed some other way
        return "completed"
    if tracking.breached_line is not None:
        return "breached"
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
        paused[row.invoice_id] = (f"הסדר החוב מיום {day} שולם; רשמו את ההנחה כזיכוי"
                                  if status.state == "completed"
                                  else f"בהסדר חוב מיום {day}")
    return paused


def line_state_name(state: str) -> str:
    return LINE_STATES[state]


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
