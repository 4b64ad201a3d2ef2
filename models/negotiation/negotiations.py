"""Preparing a negotiation with a debtor (docs/domain.md, "Negotiation and the case
file"): the records the case file reads — disputes, complaints, claims and lawsuits;
relationships; collection expenses — and the negotiation itself with the user's
authority limits and checklist.

API:
    add_case_record / update_case_record / case_records(client_id)
    add_relation / remove_relation / relations(client_id)
    add_expense / expenses(client_id)
    start_negotiation(client_id, opened_date, currency) -> Negotiation (opening = all open, now)
    update_negotiation(negotiation_id, **fields); latest_negotiation(client_id)
    Proposal, limit_warnings(negotiation, proposal) -> list[str]   (Hebrew, empty = within limits)
    discount_limit(negotiation) -> (largest discount in agorot, in percent) or None
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from models.common.dates import format_date
from models.common.errors import ValidationError
from models.common.money import CURRENCIES, format_money, parse_amount
from models.common.text import clean_text
from models.db.connection import BaseModel, database
from models.ledger.clients import Client

CASE_RECORD_KINDS = {
    "dispute": "מחלוקת",
    "complaint": "תלונה",
    "claim": "דרישה או טענה",
    "lawsuit": "תביעה משפטית",
    "counter_claim": "תביעה נגדית",
}
CASE_RECORD_STATUSES = {"open": "פתוח", "resolved": "הוסדר", "closed": "נסגר"}
RELATION_SIDES = {"client": "אצל הלקוח", "ours": "אצלנו"}
RELATION_ROLES = {
    "decides": "מקבל ההחלטות",
    "pays": "אחראי על התשלומים",
    "knows": "מכיר את הלקוח",
    "other": "אחר",
}
# The steps a user may allow themself before a negotiation; using one not allowed is warned
# about (step_warnings).
STEPS = {
    "allow_stop_service": "הפסקת השירות או האספקה",
    "allow_final_warning": "מכתב התראה לפני נקיטת הליכים",
    "allow_legal": "העברה לטיפול משפטי",
}
CHECKLIST = {
    "is_file_studied": "למדתי את התיק: סכומים, גיול, היסטוריית תשלומים ותלונות",
    "is_limits_set": "קבעתי מראש את גבולות הסמכות שלי",
    "is_calm_and_fed": "אני רגוע/ה, לא כועס/ת ולא רעב/ה",
}
MAX_TEXT = 5000


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def _text(value: str | None, what: str, *, required: bool = False) -> str:
    text = clean_text(value)
    if required and not text:
        raise ValidationError(f"יש למלא את השדה '{what}'.")
    if len(text) > MAX_TEXT:
        raise ValidationError(f"השדה '{what}' ארוך מדי (עד {MAX_TEXT} תווים).")
    return text


def _choice(value: str, choices: dict, what: str) -> str:
    if value not in choices:
        raise ValidationError(f"{what} לא מוכר: {value}.")
    return value


def _client(client_id: int) -> Client:
    client = Client.get_or_none(Client.id == client_id)
    if client is None:
        raise ValidationError(f"לקוח מספר {client_id} לא נמצא.")
    return client


class CaseRecord(BaseModel):
    client = pw.ForeignKeyField(Client, backref="case_records")
    kind = pw.TextField()
    record_date = pw.DateField()
    status = pw.TextField(default="open")
    subject = pw.TextField()
    notes = pw.TextField(default="")
    created_at = pw.TextField()

    @property
    def kind_name(self) -> str:
        return CASE_RECORD_KINDS.get(self.kind, self.kind)

    @property
    def status_name(self) -> str:
        return CASE_RECORD_STATUSES.get(self.status, self.status)


class ClientRelation(BaseModel):
    client = pw.ForeignKeyField(Client, backref="relations")
    side = pw.TextField()
    name = pw.TextField()
    role = pw.TextField()
    notes = pw.TextField(default="")
    created_at = pw.TextField()


class CollectionExpense(BaseModel):
    """Money spent collecting from a client: registered mail, a lawyer's letter, fees."""
    client = pw.ForeignKeyField(Client, backref="collection_expenses")
    expense_date = pw.DateField()
    amount_agorot = pw.IntegerField()
    currency = pw.TextField(default="ILS")
    description = pw.TextField()
    created_at = pw.TextField()


class Negotiation(BaseModel):
    client = pw.ForeignKeyField(Client, backref="negotiations")
    opened_date = pw.DateField()
    currency = pw.TextField(default="ILS")
    opening_agorot = pw.IntegerField()
    min_amount_agorot = pw.IntegerField(null=True)
    max_instalments = pw.IntegerField(null=True)
    latest_final_date = pw.DateField(null=True)
    allow_stop_service = pw.BooleanField(default=False)
    allow_final_warning = pw.BooleanField(default=False)
    allow_legal = pw.BooleanField(default=False)
    is_file_studied = pw.BooleanField(default=False)
    is_limits_set = pw.BooleanField(default=False)
    is_calm_and_fed = pw.BooleanField(default=False)
    notes = pw.TextField(default="")
    created_at = pw.TextField()

    @property
    def is_prepared(self) -> bool:
        return all(getattr(self, name) for name in CHECKLIST)


# ---- case records, relations, expenses ------------------------------------------------

def add_case_record(client_id: int, kind: str, record_date: dt.date, subject: str, *,
                    status: str = "open", notes: str = "") -> CaseRecord:
    _choice(kind, CASE_RECORD_KINDS, "סוג הרשומה")
    _choice(status, CASE_RECORD_STATUSES, "מצב הרשומה")
    values = dict(subject=_text(subject, "נושא", required=True), notes=_text(notes, "הערות"))
    with database.atomic():
        return CaseRecord.create(client=_client(client_id), kind=kind, record_date=record_date,
                                 status=status, created_at=_now(), **values)


def update_case_record(record_id: int, *, status: str | None = None,
                       notes: str | None = None) -> CaseRecord:
    """A dispute or claim moves on (resolved, closed); what it was about stays."""
    with database.atomic():
        record = CaseRecord.get_or_none(CaseRecord.id == record_id)
        if record is None:
            raise ValidationError(f"רשומה {record_id} לא נמצאה.")
        if status is not None:
            record.status = _choice(status, CASE_RECORD_STATUSES, "מצב הרשומה")
        if notes is not None:
            record.notes = _text(notes, "הערות")
        record.save()
        return record


def case_records(client_id: int) -> list[CaseRecord]:
    return list(CaseRecord.select().where(CaseRecord.client == client_id)
                .order_by(CaseRecord.record_date, CaseRecord.id))


def add_relation(client_id: int, side: str, name: str, role: str, notes: str = "") -> ClientRelation:
    _choice(side, RELATION_SIDES, "צד")
    _choice(role, RELATION_ROLES, "תפקיד")
    values = dict(name=_text(name, "שם", required=True), notes=_text(notes, "הערות"))
    with database.atomic():
        return ClientRelation.create(client=_client(client_id), side=side, role=role,
                                     created_at=_now(), **values)


def remove_relation(relation_id: int) -> None:
    ClientRelation.delete().where(ClientRelation.id == relation_id).execute()


def relations(client_id: int) -> list[ClientRelation]:
    return list(ClientRelation.select().where(ClientRelation.client == client_id)
                .order_by(ClientRelation.side, ClientRelation.id))


def add_expense(client_id: int, expense_date: dt.date, amount, description: str, *,
                currency: str = "ILS") -> CollectionExpense:
    amount_agorot = parse_amount(amount)
    if currency not in CURRENCIES:
        raise ValidationError(f"מטבע לא נתמך: {currency}.", field="currency")
    text = _text(description, "תיאור ההוצאה", required=True)
    with database.atomic():
        return CollectionExpense.create(client=_client(client_id), expense_date=expense_date,
                                        amount_agorot=amount_agorot, currency=currency,
                                        description=text, created_at=_now())


def expenses(client_id: int) -> list[CollectionExpense]:
    return list(CollectionExpense.select().where(CollectionExpense.client == client_id)
                .order_by(CollectionExpense.expense_date, CollectionExpense.id))


# ---- the negotiation -------------------------------------------------------------------

def open_amount(client_id: int, currency: str, as_of: dt.date) -> int:
    """All the client owes in `currency` as of the date, due or not (less credit on account)."""
    from models.queries.client_list import client_summaries

    summary = client_summaries(as_of, client_id).get(client_id)
    if summary is None:
        return 0
    return max(0, summary.open_agorot.get(currency, 0))  # already less credit on account


def start_negotiation(client_id: int, opened_date: dt.date, currency: str = "ILS") -> Negotiation:
    """A new negotiation whose opening position is the full amount, now: everything owed in
    the currency, due or not, less credit on account."""
    if currency not in CURRENCIES:
        raise ValidationError(f"מטבע לא נתמך: {currency}.", field="currency")
    with database.atomic():
        client = _client(client_id)
        return Negotiation.create(client=client, opened_date=opened_date, currency=currency,
                                  opening_agorot=open_amount(client.id, currency, opened_date),
                                  created_at=_now())


NEGOTIATION_FIELDS = ("opening_agorot", "min_amount_agorot", "max_instalments",
                      "latest_final_date", "notes", *STEPS, *CHECKLIST)


def update_negotiation(negotiation_id: int, **changes) -> Negotiation:
    unknown = set(changes) - set(NEGOTIATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown negotiation fields: {sorted(unknown)}")
    with database.atomic():
        negotiation = Negotiation.get_or_none(Negotiation.id == negotiation_id)
        if negotiation is None:
            raise ValidationError(f"משא ומתן {negotiation_id} לא נמצא.")
        for name, value in changes.items():
            setattr(negotiation, name, _negotiation_value(name, value))
        minimum = negotiation.min_amount_agorot
        if minimum is not None and minimum > negotiation.opening_agorot:
            raise ValidationError("הסכום המינימלי שתסכים לקבל גבוה מעמדת הפתיחה.",
                                  field="min_amount_agorot")
        if (negotiation.latest_final_date is not None
                and negotiation.latest_final_date < negotiation.opened_date):
            raise ValidationError("המועד האחרון לסיום מוקדם מפתיחת המשא ומתן.",
                                  field="latest_final_date")
        negotiation.save()
        return negotiation


def _negotiation_value(name: str, value):
    if name in STEPS or name in CHECKLIST:
        return bool(value)
    if name == "notes":
        return _text(value, "הערות")
    if value is None:
        if name == "opening_agorot":
            raise ValidationError("יש להזין את עמדת הפתיחה.", field=name)
        return None
    if name.endswith("_agorot"):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValidationError("סכום לא תקין.", field=name)
        return value
    if name == "max_instalments":
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 120:
            raise ValidationError("מספר התשלומים המרבי צריך להיות בין 0 ל-120.", field=name)
        return value
    return value  # latest_final_date: a date


def latest_negotiation(client_id: int) -> Negotiation | None:
    return (Negotiation.select().where(Negotiation.client == client_id)
            .order_by(Negotiation.opened_date.desc(), Negotiation.id.desc()).first())


def discount_limit(negotiation: Negotiation) -> tuple[int, Decimal] | None:
    """The largest discount the limits allow: in agorot and as a percent of the opening."""
    if negotiation.min_amount_agorot is None or not negotiation.opening_agorot:
        return None
    discount = negotiation.opening_agorot - negotiation.min_amount_agorot
    percent = (Decimal(discount) * 100 / negotiation.opening_agorot).quantize(Decimal("0.1"))
    return discount, percent


@dataclass(frozen=True)
class Proposal:
    """What is on the table: the amount the debtor would pay for a debt of `debt_agorot`
    (None: the whole opening position), in how many instalments, by when, and the steps
    the user is about to threaten or take."""
    amount_agorot: int
    instalments: int = 0
    final_date: dt.date | None = None
    steps: tuple[str, ...] = ()
    debt_agorot: int | None = None


def minimum_for(negotiation: Negotiation, debt_agorot: int) -> int | None:
    """The lowest acceptable amount for part of the debt: the same share as the limit set
    for the whole opening position (rounded up to the agora)."""
    minimum, opening = negotiation.min_amount_agorot, negotiation.opening_agorot
    if minimum is None:
        return None
    if not opening or debt_agorot == opening:
        return minimum
    return -(-minimum * debt_agorot // opening)


def limit_warnings(negotiation: Negotiation, proposal: Proposal) -> list[str]:
    """Where a proposal crosses the limits set before the negotiation."""
    warnings = []
    currency = negotiation.currency
    debt = negotiation.opening_agorot if proposal.debt_agorot is None else proposal.debt_agorot
    minimum = minimum_for(negotiation, debt)
    if minimum is not None and proposal.amount_agorot < minimum:
        part = "" if debt == negotiation.opening_agorot else " לחלק החוב שבהסדר"
        warnings.append(
            f"הסכום המוצע ({format_money(proposal.amount_agorot, currency)}) נמוך מהסכום "
            f"המינימלי שקבעת{part} ({format_money(minimum, currency)}).")
    if negotiation.max_instalments is not None and proposal.instalments > negotiation.max_instalments:
        warnings.append(f"{proposal.instalments} תשלומים הם יותר מהמספר המרבי שקבעת "
                        f"({negotiation.max_instalments}).")
    if (negotiation.latest_final_date is not None and proposal.final_date is not None
            and proposal.final_date > negotiation.latest_final_date):
        warnings.append(f"מועד הסיום המוצע ({format_date(proposal.final_date)}) מאוחר מהמועד "
                        f"האחרון שקבעת ({format_date(negotiation.latest_final_date)}).")
    return warnings + step_warnings(negotiation, proposal.steps)


def step_warnings(negotiation: Negotiation | None, steps) -> list[str]:
    """The steps among `steps` the user did not allow themself before the negotiation."""
    if negotiation is None:
        return []
    return [f"לא הרשית לעצמך את הצעד '{STEPS[step]}'; קבל/י אישור לפני שתשתמש/י בו."
            for step in steps if step in STEPS and not getattr(negotiation, step)]
