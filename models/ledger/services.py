"""Use cases: each one validates, then writes atomically. The UI and the CLI both call these."""
from __future__ import annotations

import datetime as dt
from typing import Iterable

import peewee as pw

from models.common import terms as terms_rules
from models.common.errors import ErrorCollector, ValidationError
from models.common.i18n import _
from models.common.dates import format_date
from models.common.money import CURRENCIES, format_money, parse_amount, parse_currency
from models.common.text import (
    check_printable,
    clean_name,
    clean_text,
    document_number_key,
    normalise_email,
    normalise_phone,
    normalise_tax_id,
    normalise_zip,
    search_key,
)
from models.db.concurrency import check_unchanged, lock_client, retried, snapshot
from models.db.connection import database
from models.db.settings import load_profile
from models.ledger.allocation import plan_payment
from models.ledger.clients import (
    CLIENT_KINDS,
    CLIENT_STATUSES,
    GENDERS,
    HOME_COUNTRY,
    LETTER_LANGUAGES,
    MAX_SALUTATION_LENGTH,
    Client,
    ContactPerson,
    normalise_foreign_postcode,
    parse_country,
    require_client,
)
from models.ledger.invoices import FEE_KIND, INVOICE_KINDS, CreditNote, Invoice
from models.ledger.payments import BOUNCE_REASONS, PAYMENT_METHODS, Allocation, Payment

CLIENT_FIELDS = ("name", "kind", "tax_id", "email", "phone", "address", "city", "zip", "terms",
                 "status", "notes", "external_id", "gender", "salutation", "country",
                 "letter_language")
MAX_NUMBER_LENGTH = 40  # a document number longer than this is a misread cell
# What an invoice's edit form loads: saved only over these values (concurrency).
INVOICE_EDIT_FIELDS = ("number", "kind", "issue_date", "due_date", "is_due_date_fixed",
                       "amount_agorot", "description", "is_disputed", "cancelled_date")


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


# ---- clients -------------------------------------------------------------------------

def validate_client_fields(data: dict, country: str = HOME_COUNTRY) -> dict:
    """Clean and check client fields; returns what to store. Raises ValidationError.

    Every field is checked, so a form shows all its problems at once: one problem is raised
    as it is, several as one ValidationErrors (models.common.errors), each naming its field.
    country: the client's country when `data` does not change it (an Israeli postal code
    is 7 digits; one abroad is checked by models.ledger.clients.normalise_foreign_postcode)."""
    out = {}
    found = ErrorCollector()
    if "country" in data:
        country = found.check(parse_country, data["country"])
    if "name" in data:
        name = found.check(clean_name, data["name"], _("The client's name"))
        if name is not None:
            out["name"] = name
            out["search_key"] = search_key(name)
    if "kind" in data:
        if data["kind"] not in CLIENT_KINDS:
            found.add(ValidationError(
                _("The client's kind must be a private person or a business."), field="kind"))
        out["kind"] = data["kind"]
    if "status" in data:
        if data["status"] not in CLIENT_STATUSES:
            found.add(ValidationError(_("Unknown status: {status}.").format(
                status=data["status"]), field="status"))
        out["status"] = data["status"]
    checks = {"tax_id": normalise_tax_id, "email": normalise_email, "phone": normalise_phone}
    for name, rule in checks.items():
        if name in data:
            out[name] = found.check(rule, data[name])
    if "zip" in data and country is not None:  # a country not understood: no rule to apply
        out["zip"] = found.check(normalise_zip if country == HOME_COUNTRY
                                 else normalise_foreign_postcode, data["zip"])
    if "terms" in data:
        out["terms"] = (found.check(terms_rules.canonical_terms, data["terms"])
                        if clean_text(data["terms"]) else None)
    for name in ("address", "city", "notes"):
        if name in data:
            out[name] = clean_text(data[name])
    for name, what in (("address", _("The address")), ("city", _("The city"))):
        if name in out:  # printed on letters and labels
            found.check(check_printable, out[name], what, name)
    if "external_id" in data:
        out["external_id"] = clean_text(data["external_id"]) or None
    out.update(_addressing_fields({k: v for k, v in data.items() if k != "country"}, found))
    if "country" in data and country is not None:
        out["country"] = country
    found.raise_if_any()
    return out


def _addressing_fields(data: dict, found: ErrorCollector | None = None) -> dict:
    """Gender, salutation, country and letter language, checked (see models.ledger.clients).
    With `found`, problems are collected there instead of raised."""
    own = found is None
    found = ErrorCollector() if own else found
    out = {}
    if "gender" in data:
        gender = data["gender"] or "unknown"
        if gender not in GENDERS:
            found.add(ValidationError(_("Please choose the gender for the letters' wording: "
                                        "not stated, female or male."), field="gender"))
        out["gender"] = gender
    if "salutation" in data:
        salutation = clean_text(data["salutation"] or "")
        if len(salutation) > MAX_SALUTATION_LENGTH:
            found.add(ValidationError(_("The salutation is too long (at most {limit} "
                                        "characters); it is a title such as Dr or Adv.").format(
                                            limit=MAX_SALUTATION_LENGTH), field="salutation"))
        out["salutation"] = salutation
    if "country" in data:
        out["country"] = found.check(parse_country, data["country"])
    if "letter_language" in data:
        language = data["letter_language"] or "he"
        if language not in LETTER_LANGUAGES:
            found.add(ValidationError(_("The letters' language must be Hebrew or English."),
                                      field="letter_language"))
        out["letter_language"] = language
    if own:
        found.raise_if_any()
    return out


def add_client(**data) -> Client:
    if "name" not in data:
        raise ValidationError(_("The client's name is missing."), field="name")
    unknown = set(data) - set(CLIENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown client fields: {sorted(unknown)}")
    values = validate_client_fields(data)
    with database.atomic():
        _check_external_id_free(values.get("external_id"), None)
        return Client.create(created_at=_now(), **values)


def client_snapshot(client: Client) -> dict:
    """The client's details as a form loads them; `update_client(loaded=...)` saves only
    over these (someone else's change meanwhile is refused, not overwritten)."""
    return snapshot(client, CLIENT_FIELDS)


@retried
def update_client(client_id: int, *, loaded: dict | None = None, **data) -> Client:
    with database.atomic():
        lock_client(client_id)
        client = get_client(client_id)
        check_unchanged(client, loaded)
        values = validate_client_fields(data, client.country)
        _check_external_id_free(values.get("external_id"), client_id)
        for key, value in values.items():
            setattr(client, key, value)
        client.save()
        return client


def _check_external_id_free(external_id, client_id) -> None:
    if not external_id:
        return
    other = Client.get_or_none(Client.external_id == external_id)
    if other is not None and other.id != client_id:
        raise ValidationError(
            _("Client number {number} already belongs to the client '{name}'.").format(
                number=external_id, name=other.name), field="external_id")


def get_client(client_id: int) -> Client:
    return require_client(client_id)


def find_client(name_or_id: str) -> Client:
    """A client by exact name (as typed or by search key) or by id / external id."""
    text = clean_text(name_or_id)
    matches = list(Client.select().where(Client.name == text).limit(2))
    if not matches:
        matches = list(Client.select().where(Client.search_key == search_key(text)).limit(2))
    if not matches:
        matches = list(Client.select().where(Client.external_id == text).limit(2))
    if not matches and text.isdigit():
        matches = list(Client.select().where(Client.id == int(text)))
    if not matches:
        raise ValidationError(
            _("No client has the name or number '{text}'.").format(text=text))
    if len(matches) > 1:
        raise ValidationError(_("More than one client is named '{text}'; please give the "
                                "client's number.").format(text=text))
    return matches[0]


def similar_clients(name: str, exclude_id: int | None = None, limit: int = 5) -> list[Client]:
    """Clients whose search key equals this name's: likely the same client typed twice."""
    query = Client.select().where(Client.search_key == search_key(name))
    if exclude_id is not None:
        query = query.where(Client.id != exclude_id)
    return list(query.limit(limit))


def add_contact_person(client_id: int, name: str, role: str = "", phone: str = "",
                       email: str = "") -> ContactPerson:
    get_client(client_id)
    return ContactPerson.create(client=client_id, name=clean_name(name, _("The contact person's name")),
                                role=clean_text(role), phone=normalise_phone(phone),
                                email=normalise_email(email))


# ---- invoices ------------------------------------------------------------------------

def client_terms(client: Client) -> str:
    return client.terms or load_profile().default_terms


def compute_due_date(client: Client, issue_date: dt.date, terms: str | None = None) -> dt.date:
    profile = load_profile()
    return terms_rules.due_date(issue_date, terms or client.terms or profile.default_terms,
                                eom_reading=profile.eom_reading)


def _check_number_free(model, number: str, exclude_id: int | None = None) -> str:
    number = clean_text(number)
    if not number:
        raise ValidationError(_("The document number is missing."), field="number")
    if len(number) > MAX_NUMBER_LENGTH:
        raise ValidationError(
            _("The document number is too long (at most {maximum} characters).").format(
                maximum=MAX_NUMBER_LENGTH), field="number")
    key = document_number_key(number)
    other = model.get_or_none(model.number_key == key)
    if other is not None and other.id != exclude_id:
        raise ValidationError(
            _("The document number {number} already exists (document {existing}).").format(
                number=number, existing=other.number), field="number")
    return number


def _check_currency(currency: str | None) -> str:
    currency = parse_currency(currency)
    if currency not in CURRENCIES:
        raise ValidationError(_("Unsupported currency: {currency}.").format(currency=currency),
                              field="currency")
    return currency


def add_invoice(client_id: int, number: str, issue_date: dt.date, amount, *,
                currency: str = "ILS", due_date: dt.date | None = None,
                terms: str | None = None, description: str = "", kind: str = "invoice",
                is_disputed: bool = False) -> Invoice:
    """Record an invoice or payment demand; the due date comes from terms unless typed."""
    if kind not in INVOICE_KINDS:
        raise ValidationError(_("Unknown document kind: {kind}.").format(kind=kind),
                              field="kind")
    amount_agorot = parse_amount(amount)
    currency = _check_currency(currency)
    with database.atomic():
        client = get_client(client_id)
        number = _check_number_free(Invoice, number)
        computed = compute_due_date(client, issue_date, terms)
        fixed = due_date is not None and due_date != computed
        due = due_date or computed
        if due < issue_date:
            raise ValidationError(_("The due date is earlier than the invoice date."),
                                  field="due_date")
        return Invoice.create(number=number, number_key=document_number_key(number),
                              client=client, kind=kind, issue_date=issue_date, due_date=due,
                              is_due_date_fixed=fixed, amount_agorot=amount_agorot,
                              currency=currency, description=clean_text(description),
                              is_disputed=is_disputed, created_at=_now())


def get_invoice(invoice_id: int) -> Invoice:
    invoice = Invoice.get_or_none(Invoice.id == invoice_id)
    if invoice is None:
        raise ValidationError(_("Invoice {number} was not found.").format(number=invoice_id))
    return invoice


def allocated_agorot(invoice_id: int) -> int:
    return (Allocation.select(pw.fn.COALESCE(pw.fn.SUM(Allocation.amount_agorot), 0))
            .where((Allocation.invoice == invoice_id) & Allocation.reversed_date.is_null())
            .scalar())


def invoice_snapshot(invoice: Invoice) -> dict:
    """The invoice as its edit form loads it (see `client_snapshot`)."""
    return snapshot(invoice, INVOICE_EDIT_FIELDS)


def _locked_invoice(invoice_id: int) -> Invoice:
    """The invoice, read again once its client is held: payments on it wait meanwhile."""
    lock_client(get_invoice(invoice_id).client_id)
    return get_invoice(invoice_id)


@retried
def update_invoice(invoice_id: int, *, number=None, issue_date=None, due_date=None,
                   amount=None, description=None, kind=None,
                   loaded: dict | None = None) -> Invoice:
    """Edit an invoice; its amount may not fall below what was already paid on it.
    `loaded`: invoice_snapshot() of what the form showed, checked unchanged."""
    with database.atomic():
        invoice = _locked_invoice(invoice_id)
        check_unchanged(invoice, loaded)
        if invoice.cancelled_date:
            raise ValidationError(_("A cancelled invoice cannot be edited."))
        if number is not None:
            invoice.number = _check_number_free(Invoice, number, exclude_id=invoice.id)
            invoice.number_key = document_number_key(invoice.number)
        if amount is not None:
            agorot = parse_amount(amount)
            paid = allocated_agorot(invoice.id)
            if agorot < paid:
                raise ValidationError(
                    _("The new amount is lower than what was already paid on the invoice."),
                    field="amount")
            invoice.amount_agorot = agorot
        if kind is not None:
            if kind not in INVOICE_KINDS:
                raise ValidationError(_("Unknown document kind: {kind}.").format(kind=kind),
                                      field="kind")
            invoice.kind = kind
        if description is not None:
            invoice.description = clean_text(description)
        if issue_date is not None:
            invoice.issue_date = issue_date
            if due_date is None and not invoice.is_due_date_fixed:
                invoice.due_date = compute_due_date(invoice.client, issue_date)
        if due_date is not None:
            invoice.is_due_date_fixed = due_date != compute_due_date(invoice.client,
                                                                     invoice.issue_date)
            invoice.due_date = due_date
        if invoice.due_date < invoice.issue_date:
            raise ValidationError(_("The due date is earlier than the invoice date."),
                                  field="due_date")
        invoice.save()
        return invoice


def set_disputed(invoice_id: int, is_disputed: bool) -> Invoice:
    invoice = get_invoice(invoice_id)
    invoice.is_disputed = bool(is_disputed)
    invoice.save()
    return invoice


@retried
def cancel_invoice(invoice_id: int, cancelled_date: dt.date) -> Invoice:
    """Cancel (never delete) an invoice. One with payments on it must be credited instead."""
    with database.atomic():
        invoice = _locked_invoice(invoice_id)
        if invoice.cancelled_date:
            raise ValidationError(
                _("Invoice {number} was already cancelled.").format(number=invoice.number))
        if allocated_agorot(invoice.id):
            raise ValidationError(
                _("Payments were already recorded on invoice {number}; issue a credit note "
                  "instead of cancelling it.").format(number=invoice.number))
        invoice.cancelled_date = cancelled_date
        invoice.save()
        return invoice


# ---- payments and credit notes -------------------------------------------------------

def write_allocations(plan: list[tuple[int, int]], applied_date: dt.date, *,
                       payment: Payment | None = None,
                       credit_note: CreditNote | None = None) -> None:
    """Write a plan of `allocation.plan_payment`: (invoice id, agorot) pairs."""
    if plan:
        Allocation.insert_many([
            {"invoice": inv_id, "payment": payment, "credit_note": credit_note,
             "amount_agorot": amount, "applied_date": applied_date}
            for inv_id, amount in plan]).execute()


@retried
def record_payment(client_id: int, payment_date: dt.date, amount, *, currency: str = "ILS",
                   method: str = "transfer", reference: str | None = None,
                   invoice_ids: Iterable[int] | None = None, check_number: str = "",
                   check_bank: str = "", check_branch: str = "",
                   check_date: dt.date | None = None, notes: str = "",
                   allocate: bool = True) -> Payment:
    """Record a payment and allocate it: to the invoices it names, or by the allocation rule
    (allocation.plan_payment; docs/domain.md, "Allocation").

    allocate=False keeps it all as credit on account (a deposit for a job not yet
    invoiced: models.prevention.deposits applies it to that job's invoice later)."""
    if method not in PAYMENT_METHODS:
        raise ValidationError(_("Unknown payment method: {method}.").format(method=method),
                              field="method")
    amount_agorot = parse_amount(amount)
    currency = _check_currency(currency)
    reference = clean_text(reference) or None
    if method == "check" and not clean_text(check_number):
        raise ValidationError(_("A payment by check needs the check number."),
                              field="check_number")
    with database.atomic():
        lock_client(client_id)  # before reading what is open: see models/db/concurrency.py
        client = get_client(client_id)
        if reference and Payment.get_or_none(Payment.reference == reference):
            raise ValidationError(
                _("A payment with the reference {reference} was already recorded.").format(
                    reference=reference), field="reference")
        payment = Payment.create(
            client=client, date=payment_date, amount_agorot=amount_agorot, currency=currency,
            method=method, reference=reference, check_number=clean_text(check_number),
            check_bank=clean_text(check_bank), check_branch=clean_text(check_branch),
            check_date=check_date if method == "check" else None, notes=clean_text(notes),
            created_at=_now())
        if not allocate:
            return payment
        write_allocations(plan_payment(client.id, currency, amount_agorot,
                                        payment.effective_date, invoice_ids),
                           payment.effective_date, payment=payment)
        return payment


@retried
def add_credit_note(client_id: int, number: str, note_date: dt.date, amount, *,
                    currency: str = "ILS", invoice_id: int | None = None,
                    invoice_ids: Iterable[int] | None = None, reason: str = "") -> CreditNote:
    """A credit note (חשבונית זיכוי) lowers what the client owes. It is applied on its own
    date by the one allocation rule (allocation.plan_payment): to the invoices it names
    (`invoice_id` and `invoice_ids`), in that order, or, naming none, oldest due first.
    What the named invoices no longer owe (they were paid meanwhile) stays as credit on
    account, as an overpayment does; but a note cannot credit more than those invoices
    were issued for, less the credit notes already on them, nor be dated before them."""
    named = list(dict.fromkeys([*([invoice_id] if invoice_id else []), *(invoice_ids or ())]))
    amount_agorot = parse_amount(amount)
    currency = _check_currency(currency)
    reason = clean_text(reason)
    check_printable(reason, _("The reason"), "reason")  # printed on the statement
    with database.atomic():
        lock_client(client_id)
        client = get_client(client_id)
        number = _check_number_free(CreditNote, number)
        # Check the named invoices before the insert: a missing one would otherwise
        # surface as a bare foreign-key error instead of a clear message.
        plan = plan_payment(client.id, currency, amount_agorot, note_date, named or None)
        if named:
            _check_creditable(named, note_date, amount_agorot, currency)
        note = CreditNote.create(number=number, number_key=document_number_key(number),
                                 client=client, invoice=named[0] if len(named) == 1 else None,
                                 date=note_date, amount_agorot=amount_agorot,
                                 currency=currency, reason=reason, created_at=_now())
        write_allocations(plan, note_date, credit_note=note)
        return note


def creditable_agorot(invoice_ids: Iterable[int]) -> dict[int, int]:
    """What each invoice can still be credited: its amount less the credit notes already
    applied to it (payments do not lower it: crediting a paid invoice leaves credit)."""
    ids = list(dict.fromkeys(invoice_ids))
    credited = (Allocation.select(pw.fn.COALESCE(pw.fn.SUM(Allocation.amount_agorot), 0))
                .where((Allocation.invoice == Invoice.id) & Allocation.credit_note.is_null(False)))
    return {inv_id: amount - already for inv_id, amount, already in
            Invoice.select(Invoice.id, Invoice.amount_agorot, credited.alias("credited"))
            .where(Invoice.id.in_(ids)).tuples()}


def _check_creditable(invoice_ids: list[int], note_date: dt.date, amount_agorot: int,
                      currency: str) -> None:
    invoices = list(Invoice.select().where(Invoice.id.in_(invoice_ids)))
    for inv in invoices:
        if note_date < inv.issue_date:
            raise ValidationError(
                _("The credit note's date is earlier than the date of invoice {number} "
                  "({date}), which it credits.").format(number=inv.number,
                                                       date=format_date(inv.issue_date)),
                field="date")
    creditable = sum(creditable_agorot(invoice_ids).values())
    if amount_agorot > creditable:
        raise ValidationError(
            _("The credit note is for {amount}, but the invoices it applies to can be "
              "credited {creditable} at most: their amounts, less the credit notes already "
              "on them.").format(amount=format_money(amount_agorot, currency),
                                 creditable=format_money(max(creditable, 0), currency)),
            field="amount")


# The fee line a bounce adds to the debt: its number and description are printed on the
# statement, in Hebrew like the rest of the letter.
FEE_NUMBER = "עמלה-{payment}"  # hebrew: the fee line's document number
FEE_DESCRIPTION = "עמלת בנק על שיק {check} שחזר"  # hebrew: printed on the statement


@retried
def bounce_payment(payment_id: int, bounced_date: dt.date, *, reason: str = "",
                   note: str = "", fee=None) -> Payment:
    """A check came back: its allocations stop counting from `bounced_date`; the debt
    reopens. `reason` is a BOUNCE_REASONS code ('other' needs the `note`); a bank `fee`
    (shekels) is added to the client's debt as a fee line, an invoice of kind 'fee' due
    on the day the check came back, so aging, letters and the dunning plan count it
    like any other debt. The reason and the fee are kept on the payment."""
    if reason and reason not in BOUNCE_REASONS:
        raise ValidationError(_("Unknown reason for the bounce: {reason}.").format(
            reason=reason), field="reason")
    note = clean_text(note)
    if reason == "other" and not note:
        raise ValidationError(_("Please write why the check came back."), field="note")
    fee_agorot = _optional_amount(fee, "fee")
    with database.atomic():
        payment = Payment.get_or_none(Payment.id == payment_id)
        if payment is None:
            raise ValidationError(_("Payment {number} was not found.").format(number=payment_id))
        lock_client(payment.client_id)
        payment = Payment.get_by_id(payment_id)  # as it is now that its client is held
        if payment.method != "check":
            raise ValidationError(_("Only a check can bounce."))
        if payment.bounced_date:
            raise ValidationError(_("The check was already marked as bounced."))
        if bounced_date < payment.date:
            raise ValidationError(
                _("The bounce date is earlier than the date the check was received."),
                field="bounced_date")
        payment.bounced_date = bounced_date
        payment.bounce_reason = reason
        payment.bounce_note = note
        if fee_agorot:
            payment.bounce_fee_invoice = _fee_line(payment, bounced_date, fee_agorot)
        payment.save()
        (Allocation.update(reversed_date=bounced_date)
         .where((Allocation.payment == payment) & Allocation.reversed_date.is_null())
         .execute())
        return payment


def _optional_amount(value, field: str) -> int:
    """Agorot of an amount that may be left out: blank or zero is none."""
    text = clean_text(str(value)) if value is not None else ""
    if not text.strip("0.,₪ "):
        return 0
    try:
        return parse_amount(value)
    except ValidationError as exc:
        raise ValidationError(str(exc), field=field) from None


def _fee_line(payment: Payment, day: dt.date, fee_agorot: int) -> Invoice:
    """The bank's fee for a bounced check, owed by the client from the day it came back."""
    number, n = FEE_NUMBER.format(payment=payment.id), 1
    while Invoice.get_or_none(Invoice.number_key == document_number_key(number)):
        n += 1  # a number the user gave a document of their own: take the next
        number = f"{FEE_NUMBER.format(payment=payment.id)}-{n}"
    return Invoice.create(
        number=number, number_key=document_number_key(number), client=payment.client_id,
        kind=FEE_KIND, issue_date=day, due_date=day, is_due_date_fixed=True,
        amount_agorot=fee_agorot, currency="ILS",
        description=FEE_DESCRIPTION.format(check=payment.check_number), created_at=_now())
