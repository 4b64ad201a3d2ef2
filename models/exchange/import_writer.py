"""The bulk writer of an import: the checked rows (the plan's temporary tables, see
models/exchange/import_plan.py) written into the ledger in the import's one transaction.

First the payments' allocations are planned with the app's one allocation rule
(models/ledger/allocation.py): money that names an invoice goes to it; money that names
none goes oldest due first, invoices a settlement in force on the payment's day covers
last, exactly as `services.record_payment` would place it. Then everything is written
with INSERT … SELECT a chunk at a time, and the invoices' derived paid columns are set
in one statement (`_paid_columns_set_based`).

Its statements go through the engine's bulk writer (models/db/bulk.py): on SQLite,
sqlite3 itself, since a 100,000-payment import is a few seconds only because its inserts
and lookups skip peewee's per-statement work; on PostgreSQL, the office's connection, the
identity sequences moved past the ids given at the end.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from models.common.errors import GviaError
from models.common.i18n import _
from models.db import bulk
from models.exchange.import_plan import ImportPlan, PlanStore, plan_table
from models.ledger.allocation import (
    allocation_order,
    covered_in_force,
    covered_last,
    plan_allocation,
)
from models.ledger.clients import Client
from models.ledger.invoices import Invoice
from models.ledger.open_invoice import ALL_RECORDED, OpenInvoice, invoices_open_as_of
from models.ledger.payments import Allocation, Payment

INSERT_CHUNK = 2000
# What an import writes: the tables its transaction keeps to itself (bulk.transaction).
WRITTEN_TABLES = ("client", "invoice", "payment", "allocation")


# ---- allocation: the one rule, applied in date order, a payment at a time -------------

def plan_allocations(plan: ImportPlan) -> None:
    """The planned payments' allocations added to the plan; what no invoice takes is
    counted in `plan.credit_agorot`."""
    store = plan.store
    clients = [ref for (ref,) in store.query(
        f"SELECT DISTINCT client_ref FROM {plan_table('payment')}")]
    if not clients:
        return
    existing = [ref for ref in clients if ref > 0]
    open_now = _open_invoices_of(existing)
    coverage = _Coverage(existing)
    new_by_pair: dict[tuple[int, str], list[OpenInvoice]] = defaultdict(list)
    for ref, client_ref, currency, number, issue, due, amount in store.query(
            _PLANNED_OPEN_INVOICES_SQL).fetchall():
        new_by_pair[client_ref, currency].append(OpenInvoice(
            -ref, number, client_ref, currency, dt.date.fromisoformat(issue),
            dt.date.fromisoformat(due), amount, amount, False, ALL_RECORDED))
    books: dict[tuple[int, str], _OpenBook] = {}
    for ref, client_ref, currency, day, amount, invoice_ref, check_date in store.query(
            _PAYMENTS_IN_DATE_ORDER_SQL):
        pair = client_ref, currency
        book = books.get(pair)
        if book is None:
            book = books[pair] = _OpenBook(open_now.get(pair, []) + new_by_pair.get(pair, []))
        # Same rule as Payment.effective_date: a post-dated check counts from its date.
        applied = check_date if check_date and check_date > day else day
        if invoice_ref is not None:
            named = book.get(invoice_ref)
            targets = [named] if named and named.open_agorot > 0 else []
        else:
            targets = book.in_order(coverage.on(client_ref, applied))
        # `targets` is already in the rule's order (the book sorted it once with
        # allocation_order); keep_order spares a re-sort for every payment.
        allocations = plan_allocation(amount, targets, keep_order=True)
        for invoice, part in allocations:
            store.add("allocation", (invoice, ref, part, applied))
        left = amount - book.apply(allocations)
        if left:
            plan.credit_agorot[currency] += left


class _Coverage:
    """The invoices a settlement in force covers, per client and day: the allocation
    rule's own `covered_in_force`, asked once per (client, day) and only for clients
    with a settlement at all (for any other client it is empty by its definition)."""

    def __init__(self, client_ids: list[int]):
        with_settlement = {cid for (cid,) in bulk.current().execute(
            "SELECT DISTINCT client_id FROM settlement")}
        self.clients = with_settlement.intersection(client_ids)
        self.cache: dict[tuple[int, str], frozenset[int]] = {}

    def on(self, client_ref: int, day: str) -> frozenset[int]:
        if client_ref not in self.clients:
            return frozenset()
        key = client_ref, day
        if key not in self.cache:
            self.cache[key] = frozenset(covered_in_force(client_ref,
                                                         dt.date.fromisoformat(day)))
        return self.cache[key]


class _OpenBook:
    """One client's open invoices in one currency, sorted once in allocation order;
    open amounts go down as the import's payments are planned."""

    def __init__(self, invoices: list[OpenInvoice]):
        self.items = sorted(invoices, key=allocation_order)
        self.position = {inv.invoice_id: i for i, inv in enumerate(self.items)}
        self.start = 0  # everything before it is fully paid

    def get(self, ref: int) -> OpenInvoice | None:
        index = self.position.get(ref)
        return None if index is None else self.items[index]

    def in_order(self, covered: frozenset[int] = frozenset()):
        """The open invoices where money naming none goes, in the rule's order
        (allocation.unnamed_targets): oldest due first, the `covered` ones last."""
        while self.start < len(self.items) and self.items[self.start].open_agorot <= 0:
            self.start += 1
        rest = (self.items[i] for i in range(self.start, len(self.items)))
        return covered_last(rest, covered) if covered else rest

    def apply(self, allocations: list[tuple[int, int]]) -> int:
        """Lower the open amounts by a planned allocation; returns the amount allocated."""
        total = 0
        for ref, amount in allocations:
            index = self.position[ref]
            inv = self.items[index]
            self.items[index] = inv._replace(open_agorot=inv.open_agorot - amount)
            total += amount
        return total


_PLANNED_OPEN_INVOICES_SQL = f"""
SELECT ref, client_ref, currency, number, issue_date, due_date, amount_agorot
FROM {plan_table('invoice')}
WHERE client_ref IN (SELECT client_ref FROM {plan_table('payment')})"""
# Date order, file order among payments of one date: the order they were made in.
_PAYMENTS_IN_DATE_ORDER_SQL = f"""
SELECT ref, client_ref, currency, date, amount_agorot, invoice_ref, check_date
FROM {plan_table('payment')} ORDER BY date, ref"""


def _open_invoices_of(client_ids) -> dict[tuple[int, str], list[OpenInvoice]]:
    """Open invoices of the given (existing) clients now, by (client id, currency): the
    one open-invoice query, as allocation.open_invoices asks it."""
    found = defaultdict(list)
    for inv in invoices_open_as_of(ALL_RECORDED, client_ids=client_ids):
        found[inv.client_id, inv.currency].append(inv)
    return found


# ---- writing -------------------------------------------------------------------------

def write(plan: ImportPlan, progress) -> None:
    """Everything planned written into the ledger; `progress.tick(count)` per chunk.
    Every rule was checked before; the database's own constraints are the last net."""
    try:
        _write(plan, progress)
    except bulk.INTEGRITY_ERRORS as exc:
        raise GviaError(_("The import stopped while saving and nothing was written "
                          "({error}).").format(error=exc)) from exc


def _write(plan: ImportPlan, progress) -> None:
    # Straight from the plan's temporary tables with INSERT … SELECT, a chunk at a
    # time: no Python object per row, and ids given explicitly (see `insert`).
    now = dt.datetime.now().isoformat(timespec="seconds")
    store = plan.store
    store.flush()
    client_base = insert(Client, _CLIENT_WRITE, store, "client", progress, now=now)
    invoice_base = insert(Invoice, _INVOICE_WRITE, store, "invoice", progress, now=now,
                          client_base=client_base)
    payment_base = insert(Payment, _PAYMENT_WRITE, store, "payment", progress, now=now,
                          client_base=client_base)
    writer = bulk.current()
    with writer.paid_columns_set_based():
        insert(Allocation, _ALLOCATION_WRITE, store, "allocation", None,
               invoice_base=invoice_base, payment_base=payment_base)
    writer.finish(WRITTEN_TABLES)


def insert(model, write: tuple[str, str], store: PlanStore, name: str, progress,
           **params) -> int:
    """Insert plan table `name` into `model`'s table with ids following the table's
    largest; returns that largest id (the base: a new row's id is base + its ref).
    `progress` (None: not counted) ticks once per chunk."""
    columns, select = write
    writer = bulk.current()
    table = model._meta.table_name
    base = writer.execute(f"SELECT MAX(id) FROM {table}").fetchone()[0] or 0
    sql = (f"INSERT INTO {table} (id, {columns}) SELECT :base + ref, {select} "
           f"FROM {plan_table(name)} WHERE ref > :low AND ref <= :high ORDER BY ref")
    total = store.counts[name]
    for low in range(0, total, INSERT_CHUNK):
        writer.execute(sql, {**params, "base": base, "low": low, "high": low + INSERT_CHUNK})
        if progress is not None:
            progress.tick(min(INSERT_CHUNK, total - low))
    return base


# How each plan table becomes rows of the ledger: (columns, the SELECT list giving them).
# A provisional id (negative: new in this import) becomes base - ref.
def _real(column: str, base: str) -> str:
    return f"CASE WHEN {column} > 0 THEN {column} ELSE :{base} - {column} END"


_CLIENT_WRITE = (
    "external_id, name, search_key, kind, tax_id, email, phone, address, city, zip, terms, "
    "notes, country, letter_language, gender, salutation, created_at",
    "external_id, name, search_key, kind, tax_id, email, phone, address, city, zip, terms, "
    "notes, country, letter_language, gender, salutation, :now")
_INVOICE_WRITE = (
    "number, number_key, client_id, kind, issue_date, due_date, is_due_date_fixed, "
    "amount_agorot, currency, description, created_at",
    f"number, number_key, {_real('client_ref', 'client_base')}, kind, issue_date, due_date, "
    "is_due_date_fixed, amount_agorot, currency, description, :now")
_PAYMENT_WRITE = (
    "client_id, date, amount_agorot, currency, method, reference, check_number, check_date, "
    "created_at",
    f"{_real('client_ref', 'client_base')}, date, amount_agorot, currency, method, reference, "
    "check_number, check_date, :now")
_ALLOCATION_WRITE = (
    "invoice_id, payment_id, amount_agorot, applied_date",
    f"{_real('invoice_ref', 'invoice_base')}, :payment_base + payment_ref, amount_agorot, "
    "applied_date")
