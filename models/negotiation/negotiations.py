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
    Proposal, limit_warnings(negotiation, proposal) -> list[str]   (empty = within limits)
    discount_limit(negotiation) -> (largest discount in agorot, in percent) or None
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from models.common.dates import format_date
from models.common.errors import ValidationError
from models.common.i18n import N_, Labels, _, ngettext
from models.common.money import CURRENCIES, format_money, parse_amount
from models.common.text import clean_text
from models.db.connection import BaseModel, FlagField, database
from models.ledger import services
from models.ledger.clients import Client
from models.negotiation.settlement_math import MAX_INSTALMENTS


CASE_RECORD_KINDS = Labels({
    "dispute": N_("Dispute"),
    "complaint": N_("Complaint"),
    "claim": N_("Claim or demand"),
    "lawsuit": N_("Lawsuit"),
    "counter_claim": N_("Counterclaim"),
})
CASE_RECORD_STATUSES = Labels({"open": N_("Still open"), "resolved": N_("Resolved"),
                               "closed": N_("Record closed")})
RELATION_SIDES = Labels({"client": N_("At the client"), "ours": N_("On our side")})
RELATION_ROLES = Labels({
    "decides": N_("Makes the decisions"),
    "pays": N_("Handles the payments"),
    "knows": N_("Knows the client"),
    "other": N_("Other"),
})
# The steps a user may allow themself before a negotiation; using one not allowed is warned
# about (step_warnings).
STEPS = Labels({
    "allow_stop_service": N_("Stop service or deliveries"),
    "allow_final_warning": N_("Final warning letter before proceedings"),
    "allow_legal": N_("Hand over for legal action"),
})
CHECKLIST = Labels({
    "is_file_studied": N_("I studied the file: amounts, aging, payment and complaint history"),
    "is_limits_set": N_("I set my limits before the conversation"),
    "is_calm_and_fed": N_("I am calm, not angry and not hungry"),
})
MAX_TEXT = 5000


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def _text(value: str | None, what: str, *, required: bool = False) -> str:
    text = clean_text(value)
    if required and not text:
        raise ValidationError(_("Please fill in the field '{field}'.").format(field=what))
    if len(text) > MAX_TEXT:
        raise ValidationError(_("The field '{field}' is too long (up to {max} characters).")
                              .format(field=what, max=MAX_TEXT))
    return text


def _choice(value: str, choices: dict, what: str) -> str:
    if value not in choices:
        raise ValidationError(_("Unknown {what}: {value}.").format(what=what, value=value))
    return value


def _client(client_id: int) -> Client:
    return services.get_client(client_id)


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
    allow_stop_service = FlagField(default=False)
    allow_final_warning = FlagField(default=False)
    allow_legal = FlagField(default=False)
    is_file_studied = FlagField(default=False)
    is_limits_set = FlagField(default=False)
    is_calm_and_fed = FlagField(default=False)
    notes = pw.TextField(default="")
    created_at = pw.TextField()

    @property
    def is_prepared(self) -> bool:
        return all(getattr(self, name) for name in CHECKLIST)


# ---- case records, relations, expenses ------------------------------------------------

def add_case_record(client_id: int, kind: str, record_date: dt.date, subject: str, *,
                    status: str = "open", notes: str = "") -> CaseRecord:
    _choice(kind, CASE_RECORD_KINDS, _("record kind"))
    _choice(status, CASE_RECORD_STATUSES, _("record status"))
    values = dict(subject=_text(subject, _("Subject"), required=True),
                  notes=_text(notes, _("Notes")))
    with database.atomic():
        return CaseRecord.create(client=_client(client_id), kind=kind, record_date=record_date,
                                 status=status, created_at=_now(), **values)


def update_case_record(record_id: int, *, status: str | None = None,
                       notes: str | None = None) -> CaseRecord:
    """A dispute or claim moves on (resolved, closed); what it was about stays."""
    with database.atomic():
        record = CaseRecord.get_or_none(CaseRecord.id == record_id)
        if record is None:
            raise ValidationError(_("Record {id} was not found.").format(id=record_id))
        if status is not None:
            record.status = _choice(status, CASE_RECORD_STATUSES, _("record status"))
        if notes is not None:
            record.notes = _text(notes, _("Notes"))
        record.save()
        return record


def case_records(client_id: int) -> list[CaseRecord]:
    return list(CaseRecord.select().where(CaseRecord.client == client_id)
                .order_by(CaseRecord.record_date, CaseRecord.id))


def add_relation(client_id: int, side: str, name: str, role: str, notes: str = "") -> ClientRelation:
    _choice(side, RELATION_SIDES, _("side"))
    _choice(role, RELATION_ROLES, _("role"))
    values = dict(name=_text(name, _("Name"), required=True), notes=_text(notes, _("Notes")))
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
        raise ValidationError(_unsupported(currency), field="currency")
    text = _text(description, _("Expense description"), required=True)
    with database.atomic():
        return CollectionExpense.create(client=_client(client_id), expense_date=expense_date,
                                        amount_agorot=amount_agorot, currency=currency,
                                        description=text, created_at=_now())


def _unsupported(currency: str) -> str:
    return _("Unsupported currency: {currency}.").format(currency=currency)


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
        raise ValidationError(_unsupported(currency), field="currency")
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
            raise ValidationError(_("Negotiation {id} was not found.").format(id=negotiation_id))
        for name, value in changes.items():
            setattr(negotiation, name, _negotiation_value(name, value))
        minimum = negotiation.min_amount_agorot
        if minimum is not None and minimum > negotiation.opening_agorot:
            raise ValidationError(_("The lowest amount you would accept is higher than the "
                                    "opening position."),
                                  field="min_amount_agorot")
        if (negotiation.latest_final_date is not None
                and negotiation.latest_final_date < negotiation.opened_date):
            raise ValidationError(_("The latest final date is before the negotiation opened."),
                                  field="latest_final_date")
        negotiation.save()
        return negotiation


def _negotiation_value(name: str, value):
    if name in STEPS or name in CHECKLIST:
        return bool(value)
    if name == "notes":
        return _text(value, _("Notes"))
    if value is None:
        if name == "opening_agorot":
            raise ValidationError(_("Please enter the opening position."), field=name)
        return None
    if name.endswith("_agorot"):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValidationError(_("The amount is not valid."), field=name)
        return value
    if name == "max_instalments":
        if (not isinstance(value, int) or isinstance(value, bool)
                or not 0 <= value <= MAX_INSTALMENTS):
            raise ValidationError(_("The maximum number of payments must be between 0 and "
                                    "{max}.").format(max=MAX_INSTALMENTS), field=name)
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
        message = (_("The proposed amount ({amount}) is below the minimum you set ({minimum}).")
                   if debt == negotiation.opening_agorot else
                   _("The proposed amount ({amount}) is below the minimum you set for the part "
                     "of the debt in the settlement ({minimum})."))
        warnings.append(message.format(amount=format_money(proposal.amount_agorot, currency),
                                       minimum=format_money(minimum, currency)))
    if negotiation.max_instalments is not None and proposal.instalments > negotiation.max_instalments:
        warnings.append(ngettext(
            "{count} payment is more than the maximum you set ({max}).",
            "{count} payments are more than the maximum you set ({max}).",
            proposal.instalments).format(count=proposal.instalments,
                                         max=negotiation.max_instalments))
    if (negotiation.latest_final_date is not None and proposal.final_date is not None
            and proposal.final_date > negotiation.latest_final_date):
        warnings.append(_("The proposed final date ({date}) is later than the latest date you "
                          "set ({latest}).").format(
            date=format_date(proposal.final_date),
            latest=format_date(negotiation.latest_final_date)))
    return warnings + step_warnings(negotiation, proposal.steps)


def step_warnings(negotiation: Negotiation | None, steps) -> list[str]:
    """The steps among `steps` the user did not allow themself before the negotiation."""
    if negotiation is None:
        return []
    return [_("You did not allow yourself the step '{step}'; please get approval before "
              "using it.").format(step=STEPS[step])
            for step in steps if step in STEPS and not getattr(negotiation, step)]
