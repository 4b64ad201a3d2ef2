"""Deposits (מקדמות): the policy in the settings, requests tied to a job or quote, receiving
a deposit, applying it to the job's invoice, and the Today list of deposits due.

Why a received deposit is recorded with `record_payment(..., allocate=False)`: a payment
that names no invoice is allocated at once to the client's OLDEST open invoices (the
allocation rule, models.ledger.allocation). A deposit is money for a job that has not been
invoiced yet; sweeping it into an old debt would leave the new job unpaid and the deposit
silently spent. So the payment is kept whole as credit on account (aging shows it in the
`credit` column) and `apply_deposit` later allocates it to the job's invoice — through the
services' own allocation (`allocation.plan_payment` with the invoice named), so there is
still one rule.
What exceeds the invoice's open amount stays as credit on account.

Status: requested → received → applied, or requested → cancelled. A received deposit
cannot be cancelled here (the money came in: refund or apply it); a deposit whose check
bounced counts again as not received for Today.

Public API:
    DEPOSIT_STATUSES, DepositRequest, load_policy(), save_policy(policy)
    request_deposit(client_id, description, amount, *, requested_date, due_date, ...)
    receive_deposit(deposit_id, payment_date, *, method, reference, ...) -> Payment
    apply_deposit(deposit_id, invoice_id, applied_date=None) -> int   (agorot applied)
    cancel_deposit(deposit_id, cancelled_date); deposits_for_client(client_id)
    open_deposit_lines(client_ids, as_of) -> dict[client_id, list[DepositLine]]
    deposits_due(as_of) -> list[DepositDue]
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields

import peewee as pw

from models.common.errors import ValidationError
from models.common.i18n import N_, _
from models.common.money import format_money, parse_amount, plain
from models.common.text import clean_text
from models.db.concurrency import lock_client, retried
from models.db.connection import BaseModel, database
from models.db.settings import get_setting, set_setting
from models.ledger import services
from models.ledger.allocation import active_allocations, named_targets, plan_payment
from models.ledger.clients import Client
from models.ledger.invoices import Invoice
from models.ledger.payments import Allocation, Payment
from models.prevention.policy import PreventionPolicy

DEPOSIT_STATUSES = {  # translated where shown: DepositRequest.status_name
    "requested": N_("Requested"),
    "received": N_("Paid in"),
    "applied": N_("Applied to an invoice"),
    "cancelled": N_("Withdrawn"),
}
POLICY_KEY = "prevention_policy"


class DepositRequest(BaseModel):
    client = pw.ForeignKeyField(Client, backref="deposit_requests")
    description = pw.TextField()
    job_amount_agorot = pw.IntegerField(null=True)
    amount_agorot = pw.IntegerField()
    currency = pw.TextField(default="ILS")
    requested_date = pw.DateField()
    due_date = pw.DateField()
    status = pw.TextField(default="requested")
    payment = pw.ForeignKeyField(Payment, null=True, backref="deposit_requests")
    invoice = pw.ForeignKeyField(Invoice, null=True, backref="deposit_requests")
    received_date = pw.DateField(null=True)
    applied_date = pw.DateField(null=True)
    cancelled_date = pw.DateField(null=True)
    created_at = pw.TextField()

    @property
    def status_name(self) -> str:
        return _(DEPOSIT_STATUSES[self.status]) if self.status in DEPOSIT_STATUSES else self.status


# ---- policy --------------------------------------------------------------------------

def load_policy() -> PreventionPolicy:
    stored = get_setting(POLICY_KEY, {}) or {}
    known = {f.name for f in fields(PreventionPolicy)}
    return PreventionPolicy(**{k: v for k, v in stored.items() if k in known})


def save_policy(policy: PreventionPolicy) -> None:
    set_setting(POLICY_KEY, asdict(policy.validate()))


# ---- requests ------------------------------------------------------------------------

def get_deposit(deposit_id: int) -> DepositRequest:
    deposit = DepositRequest.get_or_none(DepositRequest.id == deposit_id)
    if deposit is None:
        raise ValidationError(_("Deposit request {id} was not found.").format(id=deposit_id))
    return deposit


def request_deposit(client_id: int, description: str, amount, *, requested_date: dt.date,
                    due_date: dt.date, currency: str = "ILS",
                    job_amount=None) -> DepositRequest:
    """A deposit asked of a client for a job or quote, due by `due_date`."""
    description = clean_text(description)
    if not description:
        raise ValidationError(_("Please describe the job or quote the deposit is for."),
                              field="description")
    if len(description) > 300:
        raise ValidationError(_("The job description is too long (up to {max} characters).")
                              .format(max=300), field="description")
    amount_agorot = parse_amount(amount)
    job_agorot = parse_amount(job_amount) if job_amount not in (None, "") else None
    if job_agorot is not None and amount_agorot > job_agorot:
        raise ValidationError(_("The deposit is larger than the whole job."), field="amount")
    if due_date < requested_date:
        raise ValidationError(_("The deposit is due before the request date."), field="due_date")
    currency = services._check_currency(currency)
    with database.atomic():
        client = services.get_client(client_id)
        return DepositRequest.create(
            client=client, description=description, job_amount_agorot=job_agorot,
            amount_agorot=amount_agorot, currency=currency, requested_date=requested_date,
            due_date=due_date, created_at=services._now())


@retried
def receive_deposit(deposit_id: int, payment_date: dt.date, *, method: str = "transfer",
                    reference: str | None = None, check_number: str = "",
                    check_bank: str = "", check_branch: str = "",
                    check_date: dt.date | None = None) -> Payment:
    """The deposit came in: a payment of its amount, kept whole as credit on account."""
    with database.atomic():
        lock_client(get_deposit(deposit_id).client_id)  # one receipt, however many click
        deposit = get_deposit(deposit_id)
        if deposit.status != "requested":
            raise ValidationError(_("This deposit is already marked '{status}'; it cannot be "
                                    "recorded again.").format(status=deposit.status_name))
        if payment_date < deposit.requested_date:
            raise ValidationError(_("The deposit was received before the request date."),
                                  field="payment_date")
        payment = services.record_payment(
            deposit.client_id, payment_date, plain(deposit.amount_agorot),
            currency=deposit.currency, method=method, reference=reference,
            check_number=check_number, check_bank=check_bank, check_branch=check_branch,
            check_date=check_date, notes=f"מקדמה: {deposit.description}",  # hebrew: stored payment note
            allocate=False)
        deposit.status, deposit.payment, deposit.received_date = "received", payment, payment_date
        deposit.save()
        return payment


def unapplied_agorot(payment: Payment) -> int:
    """What of the payment is not allocated to any invoice (still credit on account)."""
    used = (Allocation.select(pw.fn.COALESCE(pw.fn.SUM(Allocation.amount_agorot), 0))
            .where((Allocation.payment == payment.id) & active_allocations()).scalar())
    return payment.amount_agorot - used


@retried
def apply_deposit(deposit_id: int, invoice_id: int, applied_date: dt.date | None = None) -> int:
    """Allocate a received deposit to the job's invoice. Returns the agorot applied.

    applied_date: by default the later of the invoice's issue date and the day the money
    counted, so aging as of an earlier date still sees the deposit as credit.
    """
    with database.atomic():
        lock_client(get_deposit(deposit_id).client_id)  # before reading what is open
        deposit = get_deposit(deposit_id)
        if deposit.status != "received":
            raise ValidationError(_("Only a deposit that was received can be applied; this one "
                                    "is marked '{status}'.").format(status=deposit.status_name))
        payment = deposit.payment
        if payment.bounced_date:
            raise ValidationError(_("The deposit's check bounced; there is nothing to apply."))
        client = services.get_client(deposit.client_id)
        targets = named_targets(client.id, deposit.currency, [invoice_id])
        invoice = services.get_invoice(invoice_id)
        day = applied_date or max(invoice.issue_date, payment.effective_date)
        if day < invoice.issue_date or day < payment.effective_date:
            raise ValidationError(_("The deposit cannot be applied before the invoice date or "
                                    "before it was received."),
                                  field="applied_date")
        if not targets:
            raise ValidationError(_("Invoice {number} is already paid in full.").format(
                number=invoice.number), field="invoice")
        available = unapplied_agorot(payment)
        if available <= 0:
            raise ValidationError(_("The deposit has already been used in full."))
        plan = plan_payment(client.id, deposit.currency, available, day, [invoice_id])
        services.write_allocations(plan, day, payment=payment)
        left = available - sum(amount for _, amount in plan)
        deposit.status, deposit.invoice, deposit.applied_date = "applied", invoice, day
        deposit.save()
        return available - left


def cancel_deposit(deposit_id: int, cancelled_date: dt.date) -> DepositRequest:
    with database.atomic():
        deposit = get_deposit(deposit_id)
        if deposit.status != "requested":
            raise ValidationError(
                _("Only a deposit not yet received can be cancelled; this one is marked "
                  "'{status}'. A received deposit is applied to an invoice or refunded to the "
                  "client.").format(status=deposit.status_name))
        deposit.status, deposit.cancelled_date = "cancelled", cancelled_date
        deposit.save()
        return deposit


def deposits_for_client(client_id: int) -> list[DepositRequest]:
    return list(DepositRequest.select().where(DepositRequest.client == client_id)
                .order_by(DepositRequest.requested_date.desc(), DepositRequest.id.desc()))


# ---- what is still awaited -----------------------------------------------------------

@dataclass(frozen=True)
class DepositLine:
    """An awaited deposit as a letter lists it."""
    id: int
    description: str
    requested_date: dt.date
    due_date: dt.date
    amount_agorot: int
    currency: str
    job_amount_agorot: int | None


@dataclass(frozen=True)
class DepositDue:
    """One deposit the user is waiting for: the work it belongs to should not start yet."""
    id: int
    client_id: int
    client_name: str
    description: str
    amount_agorot: int
    currency: str
    due_date: dt.date
    days_late: int  # > 0: the due date passed
    is_bounced: bool = False
    requested_date: dt.date | None = None

    @property
    def is_due(self) -> bool:
        return self.days_late >= 0

    @property
    def amount_text(self) -> str:
        return format_money(self.amount_agorot, self.currency)


def _awaited(as_of: dt.date):
    """Requests made by `as_of` whose money had not (validly) arrived by then."""
    d = as_of
    not_received = ((DepositRequest.status == "requested")
                    | (DepositRequest.received_date > d)
                    | (Payment.bounced_date <= d))
    still_open = (DepositRequest.cancelled_date.is_null() | (DepositRequest.cancelled_date > d))
    return (DepositRequest.requested_date <= d) & (DepositRequest.status != "applied") & \
        still_open & not_received


def deposits_due(as_of: dt.date) -> list[DepositDue]:
    """Deposits awaited as of `as_of`, due date first: the Today section "deposits due —
    work not to start before the deposit arrives"."""
    query = (DepositRequest
             .select(DepositRequest, Client.name.alias("client_name"),
                     Payment.bounced_date.alias("payment_bounced"))
             .join(Client).switch(DepositRequest)
             .join(Payment, pw.JOIN.LEFT_OUTER)
             .where(_awaited(as_of))
             .order_by(DepositRequest.due_date, DepositRequest.id)
             .objects())
    out = []
    for row in query:
        bounced = row.payment_bounced is not None and row.payment_bounced <= as_of
        out.append(DepositDue(row.id, row.client_id, row.client_name, row.description,
                              row.amount_agorot, row.currency, row.due_date,
                              (as_of - row.due_date).days, bounced, row.requested_date))
    return out


def open_deposit_lines(client_ids: list[int], as_of: dt.date) -> dict[int, list[DepositLine]]:
    """Per client, the deposits awaited as of `as_of` (for the deposit-request letter)."""
    out: dict[int, list[DepositLine]] = {}
    ids = list(dict.fromkeys(client_ids))
    for start in range(0, len(ids), 500):
        query = (DepositRequest.select(DepositRequest)
                 .join(Payment, pw.JOIN.LEFT_OUTER)
                 .where(_awaited(as_of) & DepositRequest.client.in_(ids[start:start + 500]))
                 .order_by(DepositRequest.due_date, DepositRequest.id))
        for row in query:
            out.setdefault(row.client_id, []).append(DepositLine(
                row.id, row.description, row.requested_date, row.due_date, row.amount_agorot,
                row.currency, row.job_amount_agorot))
    return out
