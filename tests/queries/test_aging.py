"""Aging (docs/domain.md: "Aging", "Open amount of an invoice as of a date", "Allocation")
against a reference model.

Random ledgers are built through models.ledger.services; a small pure-Python model, written
from docs/domain.md's definitions and knowing nothing of the SQL, replays the same operations
and says what the aging report must contain as of any date.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.common.errors import ValidationError
from models.common.money import plain
from models.db.connection import database
from models.db.opening import open_database
from models.ledger import services
from models.ledger.payments import Allocation
from models.queries.aging import (
    aging_report,
    bucket_index,
    bucket_names,
    open_invoices_as_of,
    parse_buckets,
)

D = dt.date
START = D(2026, 1, 1)
SPAN_DAYS = 90
DEFAULT = (30, 60, 90, 120)


# ---- the reference model -------------------------------------------------------------

@dataclass
class RefInvoice:
    id: int
    client: int
    currency: str
    number: str
    amount: int
    issue: dt.date
    due: dt.date
    cancelled: dt.date | None = None


@dataclass
class RefAllocation:
    invoice: int
    source: tuple[str, int]  # ("payment" | "credit", id)
    amount: int
    applied: dt.date
    reversed: dt.date | None = None


@dataclass
class RefSource:
    """Money received: a payment (from its effective date) or a credit note."""
    client: int
    currency: str
    amount: int
    effective: dt.date
    dated: dt.date
    bounced: dt.date | None = None


@dataclass
class Ledger:
    invoices: dict[int, RefInvoice] = field(default_factory=dict)
    allocations: list[RefAllocation] = field(default_factory=list)
    sources: dict[tuple[str, int], RefSource] = field(default_factory=dict)

    # -- allocation, as docs/domain.md states it (decided when a payment is recorded) --

    def open_now(self, inv: RefInvoice) -> int:
        return inv.amount - sum(a.amount for a in self.allocations
                                if a.invoice == inv.id and a.reversed is None)

    def allocate(self, source_key, client, currency, amount, applied, named):
        if named:
            targets = [self.invoices[i] for i in dict.fromkeys(named)]
        else:
            targets = sorted(
                (inv for inv in self.invoices.values()
                 if inv.client == client and inv.currency == currency and inv.cancelled is None),
                key=lambda inv: (inv.due, inv.issue, int(inv.number)))
        left = amount
        for inv in targets:
            take = min(left, self.open_now(inv))
            if take > 0:
                self.allocations.append(RefAllocation(inv.id, source_key, take, applied))
                left -= take

    def creditable(self, inv: RefInvoice) -> int:
        """A credit note may lower an invoice by its amount less the notes already on it."""
        return inv.amount - sum(a.amount for a in self.allocations
                                if a.invoice == inv.id and a.source[0] == "credit")

    def bounce(self, payment_id, day):
        key = ("payment", payment_id)
        self.sources[key].bounced = day
        for a in self.allocations:
            if a.source == key and a.reversed is None:
                a.reversed = day

    # -- aging as of D --

    def counts(self, a: RefAllocation, as_of) -> bool:
        return a.applied <= as_of and (a.reversed is None or a.reversed > as_of)

    def is_invoiced(self, inv: RefInvoice, as_of) -> bool:
        return inv.issue <= as_of and (inv.cancelled is None or inv.cancelled > as_of)

    def open_as_of(self, inv: RefInvoice, as_of) -> int:
        return inv.amount - sum(a.amount for a in self.allocations
                                if a.invoice == inv.id and self.counts(a, as_of))

    def expected(self, as_of, boundaries):
        """{(client, currency): (buckets, credit, invoiced, allocated)} for every pair."""
        out = {}
        keys = ({(i.client, i.currency) for i in self.invoices.values()}
                | {(s.client, s.currency) for s in self.sources.values()})
        for client, currency in keys:
            buckets = [0] * (len(boundaries) + 2)
            invoiced = allocated = 0
            for inv in self.invoices.values():
                if (inv.client, inv.currency) != (client, currency):
                    continue
                if not self.is_invoiced(inv, as_of):
                    continue
                open_agorot = self.open_as_of(inv, as_of)
                assert open_agorot >= 0, "no invoice may be paid beyond its amount"
                invoiced += inv.amount
                allocated += inv.amount - open_agorot
                buckets[ref_bucket((as_of - inv.due).days, boundaries)] += open_agorot
            received = sum(s.amount for s in self.sources.values()
                           if (s.client, s.currency) == (client, currency)
                           and s.effective <= as_of and (s.bounced is None or s.bounced > as_of))
            credit = received - allocated
            assert credit >= 0, "money allocated can never exceed money received"
            out[client, currency] = (buckets, credit, invoiced, allocated)
        return out


def _end_of_month(day: dt.date) -> dt.date:
    """Written here, not taken from models.common.terms: the test checks the rule."""
    first_of_next = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first_of_next - dt.timedelta(days=1)


def ref_bucket(days: int, boundaries) -> int:
    """Bucket of an invoice `days` past due: 0 = not yet due (days <= 0)."""
    if days <= 0:
        return 0
    low = 1
    for i, high in enumerate(boundaries, start=1):
        if low <= days <= high:
            return i
        low = high + 1
    return len(boundaries) + 1


# ---- random ledgers ------------------------------------------------------------------

clients = st.sampled_from([0, 0, 0, 1, 2])
# Some days drawn from a short list so that issue and due dates tie (the tie-breaks matter).
days = st.one_of(st.integers(0, SPAN_DAYS), st.sampled_from([0, 10, 30, 31]))
amounts = st.integers(1, 200_000)
currencies = st.sampled_from(["ILS", "ILS", "ILS", "USD"])
named_invoices = st.one_of(st.just([]), st.just([]),
                           st.lists(st.integers(0, 50), min_size=1, max_size=3))

invoice_op = st.tuples(st.just("invoice"), days, clients, amounts, currencies,
                       st.sampled_from([None, 0, 0, 10, 30, 45]))  # typed due date offset
payment_op = st.tuples(st.just("payment"), days, clients, st.integers(1, 150_000), currencies,
                       named_invoices,
                       st.sampled_from([None, None, 0, 0, 20]))  # not a check / check / post-dated
credit_op = st.tuples(st.just("credit"), days, clients, st.integers(1, 50_000), currencies,
                      st.one_of(st.none(), st.integers(0, 50)))
bounce_op = st.tuples(st.just("bounce"), days, st.integers(0, 50))
cancel_op = st.tuples(st.just("cancel"), days, st.integers(0, 50))

operations = st.lists(
    st.one_of(invoice_op, invoice_op, invoice_op, payment_op, payment_op, payment_op, credit_op,
              bounce_op, bounce_op, cancel_op),
    min_size=6, max_size=25)

boundary_sets = st.one_of(
    st.just(DEFAULT),
    st.lists(st.integers(1, 150), min_size=1, max_size=4, unique=True).map(
        lambda xs: tuple(sorted(xs))))


def critical_dates(ref: Ledger, boundaries) -> tuple[list[dt.date], list[dt.date]]:
    """Days on which something changes, and the days before them, where off-by-one
    mistakes show. Returns (rare ones, to check always: bounces, cancellations, post-dated
    checks coming due; common ones, to sample: issue and due dates, bucket edges)."""
    one = dt.timedelta(days=1)
    rare, common = set(), {START - one}
    for inv in ref.invoices.values():
        common |= {inv.issue, inv.due, inv.due + one}
        common |= {inv.due + dt.timedelta(days=b + k) for b in boundaries for k in (0, 1)}
        if inv.cancelled:
            rare |= {inv.cancelled, inv.cancelled - one}
    for a in ref.allocations:
        common.add(a.applied)
        if a.reversed:
            rare |= {a.reversed, a.reversed - one}
    for s in ref.sources.values():
        if s.bounced:
            rare |= {s.bounced, s.bounced - one}
        if s.effective != s.dated:  # a post-dated check: dated one day, money on another
            rare |= {s.dated, s.effective - one, s.effective}
    return sorted(rare), sorted(common - rare)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def ledger_db(request, tmp_path_factory):
    """One ledger for the module's examples, on each engine in turn."""
    if request.param == "postgres":
        server = request.getfixturevalue("pg_server")
        url = server.new_ledger("aging_reference")
        opened = open_database(url)
        yield opened
        opened.close()
        server.drop(url)
        return
    opened = open_database(tmp_path_factory.mktemp("aging") / "gvia.db")
    # Speed only: durability has its own test (test_kill9); these examples are thrown away.
    opened.db.execute_sql("PRAGMA synchronous = OFF")
    yield opened
    opened.close()


@contextlib.contextmanager
def fresh(opened):
    """An empty ledger for one example: everything it writes is rolled back after it
    (money rows cannot be deleted, so an outer transaction is the way to start over)."""
    database.initialize(opened.db)
    with opened.db.transaction() as txn:
        yield
        txn.rollback()


def build(ops) -> tuple[Ledger, list[int]]:
    """Apply the operations in date order through the services, mirroring each in a Ledger."""
    ref = Ledger()
    client_ids = [services.add_client(name=f"לקוח {k}").id for k in range(3)]
    invoices: list[RefInvoice] = []
    checks: list[tuple[int, dt.date]] = []
    for k, op in enumerate(sorted(ops, key=lambda op: op[1])):
        kind, day = op[0], START + dt.timedelta(days=op[1])
        if kind == "invoice":
            _, _, c, amount, currency, due_offset = op
            cid = client_ids[c]
            # Numbers scrambled against recording order, so the number tie-break matters.
            number = str((k * 37) % 101 + 1)
            due = None if due_offset is None else day + dt.timedelta(days=due_offset)
            inv = services.add_invoice(cid, number, day, plain(amount), currency=currency,
                                       due_date=due)
            expected_due = due or _end_of_month(day) + dt.timedelta(days=30)  # שוטף+30
            assert inv.due_date == expected_due
            r = RefInvoice(inv.id, cid, currency, number, amount, day, expected_due)
            ref.invoices[inv.id] = r
            invoices.append(r)
        elif kind == "payment":
            _, _, c, amount, currency, picks, check_delay = op
            cid = client_ids[c]
            mine = [i for i in invoices if (i.client, i.currency) == (cid, currency)]
            named = [mine[p % len(mine)].id for p in picks] if mine else []
            check = {} if check_delay is None else {
                "method": "check", "check_number": str(k),
                "check_date": day + dt.timedelta(days=check_delay) if check_delay else None}
            if any(ref.invoices[i].cancelled for i in named):
                with pytest.raises(ValidationError):
                    services.record_payment(cid, day, plain(amount), currency=currency,
                                            invoice_ids=named, **check)
                continue
            pay = services.record_payment(cid, day, plain(amount), currency=currency,
                                          invoice_ids=named, **check)
            effective = max(day, day + dt.timedelta(days=check_delay or 0))
            ref.sources["payment", pay.id] = RefSource(cid, currency, amount, effective, day)
            ref.allocate(("payment", pay.id), cid, currency, amount, effective, named)
            if check:
                checks.append((pay.id, day))
        elif kind == "credit":
            _, _, c, amount, currency, pick = op
            cid = client_ids[c]
            mine = [i for i in invoices if (i.client, i.currency) == (cid, currency)]
            named = mine[pick % len(mine)].id if (mine and pick is not None) else None
            if named and (ref.invoices[named].cancelled
                          or amount > ref.creditable(ref.invoices[named])):
                with pytest.raises(ValidationError):
                    services.add_credit_note(cid, f"CN-{k}", day, plain(amount),
                                             currency=currency, invoice_id=named)
                continue
            note = services.add_credit_note(cid, f"CN-{k}", day, plain(amount),
                                            currency=currency, invoice_id=named)
            ref.sources["credit", note.id] = RefSource(cid, currency, amount, day, day)
            ref.allocate(("credit", note.id), cid, currency, amount, day,
                         [named] if named else [])
        elif kind == "bounce":
            live = [(pid, d) for pid, d in checks if ref.sources["payment", pid].bounced is None]
            if not live:
                continue
            pid, _ = live[op[2] % len(live)]
            services.bounce_payment(pid, day)
            ref.bounce(pid, day)
        elif kind == "cancel":
            live = [i for i in invoices if i.cancelled is None]
            if not live:
                continue
            inv = live[op[2] % len(live)]
            if ref.open_now(inv) < inv.amount:  # something paid on it: must be credited instead
                with pytest.raises(ValidationError):
                    services.cancel_invoice(inv.id, day)
                continue
            services.cancel_invoice(inv.id, day)
            inv.cancelled = day
    return ref, client_ids


def db_allocations() -> list[tuple]:
    rows = []
    for a in Allocation.select():
        source = ("payment", a.payment_id) if a.payment_id else ("credit", a.credit_note_id)
        rows.append((a.invoice_id, source, a.amount_agorot, a.applied_date, a.reversed_date))
    return sorted(rows, key=repr)


def check_report(ref: Ledger, as_of: dt.date, boundaries, drill_down: bool = True) -> None:
    report = aging_report(as_of, boundaries)
    expected = ref.expected(as_of, boundaries)

    got = {(r.client_id, r.currency): (r.buckets, r.credit) for r in report.rows}
    want = {k: (b, c) for k, (b, c, _, _) in expected.items() if sum(b) > 0 or c > 0}
    assert got == want, f"as of {as_of}, buckets {boundaries}"

    for row in report.rows:
        buckets, credit, invoiced, allocated = expected[row.client_id, row.currency]
        # the aging invariants, stated on the report itself
        assert row.total + allocated == invoiced
        assert row.credit >= 0 and all(b >= 0 for b in row.buckets)
        assert len(row.buckets) == len(boundaries) + 2
        if not drill_down:
            continue
        # drill-down: the invoices behind each cell add up to it
        behind = open_invoices_as_of(row.client_id, row.currency, as_of, boundaries)
        assert sum(i.open_agorot for i in behind) == row.total
        for i in behind:
            assert i.open_agorot == ref.open_as_of(ref.invoices[i.invoice_id], as_of) > 0
            assert ref.invoices[i.invoice_id].currency == row.currency
        for b, cell in enumerate(row.buckets):
            in_cell = open_invoices_as_of(row.client_id, row.currency, as_of, boundaries, bucket=b)
            assert sum(i.open_agorot for i in in_cell) == cell

    totals = report.totals()
    assert [t.currency for t in totals] == sorted({r.currency for r in report.rows})
    for total in totals:
        rows = [r for r in report.rows if r.currency == total.currency]
        assert total.client_id is None and total.client == "TOTAL"
        assert total.buckets == [sum(col) for col in zip(*(r.buckets for r in rows))]
        assert total.credit == sum(r.credit for r in rows)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations, boundaries=boundary_sets, data=st.data())
def test_aging_matches_the_reference_model(ledger_db, ops, boundaries, data):
    with fresh(ledger_db):
        ref, _ = build(ops)
        expected_allocations = sorted(((a.invoice, a.source, a.amount, a.applied, a.reversed)
                                       for a in ref.allocations), key=repr)
        assert db_allocations() == expected_allocations
        rare, common = critical_dates(ref, boundaries)
        sampled = data.draw(st.lists(st.sampled_from(common), min_size=min(4, len(common)),
                                     max_size=8, unique=True),
                            label="as-of dates") if common else []
        for as_of in [START + dt.timedelta(days=SPAN_DAYS + 400), *rare, *sampled]:
            check_report(ref, as_of, boundaries, drill_down=as_of in sampled or as_of in rare)


@settings(max_examples=15, deadline=None)
@given(ops=operations, cut=st.integers(0, SPAN_DAYS))
def test_historical_aging_equals_a_ledger_that_stopped_on_that_day(ledger_db, ops, cut):
    """Aging as of D ignores invoices issued, payments dated, checks bounced and invoices
    cancelled after D: a ledger holding only what happened up to D gives the same report."""
    as_of = START + dt.timedelta(days=cut)
    def report(ops) -> dict:
        # Clients by their place: a server's ids are not given back by a rollback.
        _, client_ids = build(ops)
        return {(client_ids.index(r.client_id), r.currency): (r.buckets, r.credit)
                for r in aging_report(as_of).rows}

    with fresh(ledger_db):
        full = report(ops)
    with fresh(ledger_db):
        cut_short = report([op for op in ops if op[1] <= cut])
    assert full == cut_short


# ---- the days on which things change, exactly ----------------------------------------

AS_OF = D(2026, 11, 22)


def cell(as_of, client_id, currency="ILS"):
    """(open total, credit) of one client as of a date; (0, 0) when the row is left out."""
    for row in aging_report(as_of).rows:
        if (row.client_id, row.currency) == (client_id, currency):
            drilled = sum(i.open_agorot for i in open_invoices_as_of(client_id, currency, as_of))
            assert drilled == row.total
            return row.total, row.credit
    assert open_invoices_as_of(client_id, currency, as_of) == []
    return 0, 0


def test_day_by_day_around_a_bounce_a_post_dated_check_and_a_cancellation(db):
    c = services.add_client(name="יום אחר יום")
    inv = services.add_invoice(c.id, "1", D(2026, 3, 1), "100", due_date=D(2026, 3, 10))
    check = services.record_payment(c.id, D(2026, 3, 5), "100", method="check", check_number="1")
    services.bounce_payment(check.id, D(2026, 3, 20))
    assert cell(D(2026, 2, 28), c.id) == (0, 0)        # before the invoice existed
    assert cell(D(2026, 3, 1), c.id) == (10000, 0)     # issued today
    assert cell(D(2026, 3, 4), c.id) == (10000, 0)
    assert cell(D(2026, 3, 5), c.id) == (0, 0)         # paid today
    assert cell(D(2026, 3, 19), c.id) == (0, 0)
    assert cell(D(2026, 3, 20), c.id) == (10000, 0)    # bounced today
    # a post-dated check received on 1 April, dated 15 April
    services.record_payment(c.id, D(2026, 4, 1), "100", method="check", check_number="2",
                            check_date=D(2026, 4, 15))
    assert cell(D(2026, 4, 1), c.id) == (10000, 0)
    assert cell(D(2026, 4, 14), c.id) == (10000, 0)
    assert cell(D(2026, 4, 15), c.id) == (0, 0)        # its own date: the money counts
    # an unpaid invoice cancelled on 1 May still counted on 30 April
    other = services.add_invoice(c.id, "2", D(2026, 4, 20), "30", due_date=D(2026, 4, 20))
    services.cancel_invoice(other.id, D(2026, 5, 1))
    assert cell(D(2026, 4, 30), c.id) == (3000, 0)
    assert cell(D(2026, 5, 1), c.id) == (0, 0)
    # a credit note on its own date
    services.add_invoice(c.id, "3", D(2026, 6, 1), "50", due_date=D(2026, 6, 1))
    services.add_credit_note(c.id, "CN-1", D(2026, 6, 10), "80")
    assert cell(D(2026, 6, 9), c.id) == (5000, 0)
    assert cell(D(2026, 6, 10), c.id) == (0, 3000)     # 50 closes invoice 3, 30 left as credit
    assert inv.id


# ---- bucket boundaries, exactly ------------------------------------------------------


def test_bucket_boundaries_exactly(db):
    c = services.add_client(name="גבולות")
    overdue_days = [-1, 0, 1, 30, 31, 60, 61, 90, 91, 120, 121, 400]
    for n, days_over in enumerate(overdue_days, start=1):
        due = AS_OF - dt.timedelta(days=days_over)
        services.add_invoice(c.id, str(n), due - dt.timedelta(days=1), str(n), due_date=due)
    (row,) = aging_report(AS_OF).rows
    by_days = dict(zip(overdue_days, range(1, 13)))  # invoice n is worth n shekels
    agorot = {d: n * 100 for d, n in by_days.items()}
    assert row.buckets == [
        agorot[-1] + agorot[0],        # not yet due: due today counts as not due
        agorot[1] + agorot[30],        # 1-30
        agorot[31] + agorot[60],       # 31-60
        agorot[61] + agorot[90],       # 61-90
        agorot[91] + agorot[120],      # 91-120
        agorot[121] + agorot[400],     # over 120
    ]
    assert [bucket_index(d) for d in overdue_days] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    days_seen = {i.days_overdue for i in open_invoices_as_of(c.id, "ILS", AS_OF)}
    assert days_seen == set(overdue_days)


def test_custom_boundaries(db):
    c = services.add_client(name="גבולות")
    for n, days_over in enumerate([0, 1, 15, 16, 45, 46], start=1):
        due = AS_OF - dt.timedelta(days=days_over)
        services.add_invoice(c.id, str(n), due, str(n), due_date=due)
    report = aging_report(AS_OF, (15, 45))
    assert report.bucket_names == ["not_due", "d1_15", "d16_45", "d45_plus"]
    (row,) = report.rows
    assert row.buckets == [100, 200 + 300, 400 + 500, 600]
    one = aging_report(AS_OF, (7,))
    assert one.rows[0].buckets == [100, 200, 300 + 400 + 500 + 600]


def test_bucket_names():
    assert bucket_names() == ["not_due", "d1_30", "d31_60", "d61_90", "d91_120", "d120_plus"]
    assert bucket_names((15, 45)) == ["not_due", "d1_15", "d16_45", "d45_plus"]


@pytest.mark.parametrize("text, boundaries", [
    (None, DEFAULT), ("", DEFAULT), ("30,60,90,120", DEFAULT), ("15,45", (15, 45)),
    (" 7, 14 ,21", (7, 14, 21)), ("365", (365,)),
])
def test_parse_buckets(text, boundaries):
    assert parse_buckets(text) == boundaries


@pytest.mark.parametrize("text", ["0,30", "30,30", "60,30", "x", "30;60", "-5,10", ",", "1.5"])
def test_bad_buckets_refused_in_hebrew(text):
    with pytest.raises(ValidationError) as err:
        parse_buckets(text)
    assert "גבולות הגיול" in str(err.value)


def test_currencies_never_mixed_and_totals_per_currency(db):
    c = services.add_client(name="דו-מטבעי")
    services.add_invoice(c.id, "1", D(2026, 10, 1), "100", currency="USD", due_date=D(2026, 10, 1))
    services.add_invoice(c.id, "2", D(2026, 10, 1), "70", due_date=D(2026, 10, 1))
    services.record_payment(c.id, D(2026, 10, 2), "30", currency="USD")
    report = aging_report(AS_OF)
    rows = {r.currency: r for r in report.rows}
    assert rows["USD"].total == 7000 and rows["ILS"].total == 7000
    assert [(t.currency, t.total) for t in report.totals()] == [("ILS", 7000), ("USD", 7000)]


def test_client_filter_gives_that_clients_rows_only(db):
    a = services.add_client(name="א")
    b = services.add_client(name="ב")
    services.add_invoice(a.id, "1", D(2026, 10, 1), "100")
    services.add_invoice(b.id, "2", D(2026, 10, 1), "200")
    services.record_payment(b.id, D(2026, 10, 3), "500")
    (row,) = aging_report(AS_OF, client_id=b.id).rows
    assert (row.client_id, row.total, row.credit) == (b.id, 0, 30000)
    full = {r.client_id: r for r in aging_report(AS_OF).rows}
    assert (full[b.id].buckets, full[b.id].credit) == (row.buckets, row.credit)
