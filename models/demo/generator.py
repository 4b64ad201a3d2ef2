"""Demo data (`python main.py demo`): a realistic Hebrew ledger of any size, the same for
the same seed.

People and businesses (בע"מ, שותפות, עמותה, local authorities, clients abroad paying in
USD/EUR/GBP, with their country's address and postcode, most written to in English);
about three years of invoices before `as_of`; clients who pay on time, late, in
instalments, too much (credit on account), or stop paying; disputes settled by credit
notes, cancelled invoices, post-dated checks and bounced ones. Breaches of the demo's
settlements are written to the contact log as of `as_of`, as the settlement page would.

Why not through models.ledger.services: a million invoices, one transaction each, would take
hours. The ledger is planned in memory and every payment and credit note is allocated with
`plan_allocation` (the one allocation rule) in the order the services would have met them
— by date, and within a day: invoices issued, cancellations, credit notes, payments,
bounced checks. The rows are then written in bulk in one transaction.
tests/demo/test_demo.py replays a small ledger through the services and compares.
"""
from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from models.common.errors import GviaError, ValidationError
from models.common.i18n import _
from models.common.terms import due_date, parse_terms
from models.common.text import search_key
from models.db import bulk
from models.db.connection import database
from models.db.settings import BusinessProfile, load_profile, save_profile
from models.demo import words
from models.demo.people import PeopleMaker, with_check_digit
from models.demo.settlements import add_demo_settlements
from models.ledger.allocation import allocation_order, plan_allocation
from models.ledger.clients import HOME_COUNTRY, Client
from models.ledger.open_invoice import ALL_RECORDED, OpenInvoice
from models.negotiation.settlement_status import record_breaches

Progress = Callable[[int, int], None]

SPAN_DAYS = 3 * 365
INVOICE_NUMBER_BASE = 10000      # the first invoice is 10001
CREDIT_NOTE_NUMBER_BASE = 80000  # credit notes have their own series
RECEIPT_NUMBER_BASE = 20000      # a payment's reference is its receipt number
VAT_18_FROM = dt.date(2025, 1, 1).toordinal()  # VAT was 17% before
MAX_CLIENTS = 1_000_000
MAX_INVOICES = 20_000_000

# Within one day the services meet events in this order.
ISSUED, CANCELLED, CREDITED, PAID, BOUNCED = range(5)

KIND_SHARES = {"person": 0.34, "company": 0.50, "partnership": 0.05, "nonprofit": 0.05,
               "public": 0.01, "foreign": 0.05}
BEHAVIOUR_SHARES = {"prompt": 0.50, "late": 0.30, "instalments": 0.12, "stopped": 0.08}
# A habit some clients have on top of how promptly they pay.
TRAIT_SHARES = {"plain": 0.77, "disputes": 0.10, "bounces": 0.04, "overpays": 0.05,
                "dollars": 0.04}
TERMS_BY_KIND = {
    "person": (("מיידי", 40), (None, 30), ("נטו 30", 30)),
    "company": (("שוטף+30", 30), (None, 15), ("שוטף+60", 15), ("שוטף+90", 5), ("נטו 30", 15),
                ("נטו 45", 10), ("מיידי", 10)),
    "partnership": (("שוטף+30", 50), ("נטו 30", 30), (None, 20)),
    "nonprofit": (("שוטף+30", 50), ("נטו 30", 30), (None, 20)),
    "public": (("שוטף+45", 70), ("שוטף+30", 30)),  # the Payment Ethics law's limits
    "foreign": (("נטו 30", 60), ("נטו 45", 20), ("מיידי", 20)),
}
METHODS_BY_KIND = {
    "person": (("bit", 25), ("transfer", 30), ("card", 20), ("cash", 10), ("check", 15)),
    "company": (("transfer", 60), ("check", 35), ("card", 5)),
    "partnership": (("transfer", 60), ("check", 40)),
    "nonprofit": (("transfer", 60), ("check", 40)),
    "public": (("transfer", 100),),
    "foreign": (("transfer", 100),),
}
# Typical invoice before VAT, in shekels (abroad: in the client's currency), and how much
# work a client of each kind brings relative to the others.
BASE_AMOUNT = {"person": 900, "company": 4500, "partnership": 3500, "nonprofit": 2500,
               "public": 18000, "foreign": 2500}
VOLUME = {"person": 0.35, "company": 1.2, "partnership": 1.0, "nonprofit": 0.8, "public": 2.5,
          "foreign": 1.0}


@dataclass(eq=False, slots=True)
class DemoClient:
    id: int
    row: dict
    kind: str
    behaviour: str
    names_invoices: bool  # pays invoice by invoice, naming them (else: oldest first)
    methods: tuple
    bounce_rate: float
    dispute_rate: float
    overpays: bool
    currency: str  # 'ILS', or a client abroad's currency
    usd_share: float
    base_amount: int
    retainer: str | None
    start: int  # ordinal days
    end: int
    stop: int | None  # stopped paying after this day
    checkbook: int
    bank: str
    branch: str
    weight: float = 1.0


@dataclass(eq=False, slots=True)
class DemoInvoice:
    client: DemoClient
    seq: int
    issue: int
    due: int
    is_fixed: bool
    amount: int
    currency: str
    kind: str
    description: str
    dispute: str | None  # None, 'open', 'partial', 'full'
    cancel: int | None
    id: int = 0
    number: str = ""
    is_disputed: bool = False
    cancelled: int | None = None
    open: int = 0
    order: tuple | None = None  # allocation_order, worked out once


@dataclass(eq=False, slots=True)
class DemoPayment:
    client: DemoClient
    date: int
    amount: int
    currency: str
    method: str
    invoice: DemoInvoice | None  # the invoice the payment names
    check_number: str = ""
    check_bank: str = ""
    check_branch: str = ""
    check_date: int | None = None
    bounced: int | None = None
    id: int = 0
    seq: int = 0
    # Where its allocations sit in the ledger's list while planning: (first, count). An
    # index, not the rows themselves, so that nothing refers back to the payment and a
    # million payments are freed without the cyclic garbage collector.
    allocated: tuple[int, int] = (0, 0)

    @property
    def effective(self) -> int:
        return self.check_date if self.check_date and self.check_date > self.date else self.date

    @property
    def reference(self) -> str:
        return str(RECEIPT_NUMBER_BASE + self.id)


@dataclass(eq=False, slots=True)
class DemoCreditNote:
    client: DemoClient
    date: int
    amount: int
    currency: str
    invoice: DemoInvoice | None
    reason: str
    id: int = 0
    seq: int = 0

    @property
    def number(self) -> str:
        return str(CREDIT_NOTE_NUMBER_BASE + self.id)


@dataclass
class DemoLedger:
    """Everything the demo writes, in id order. Dates are ordinals (`day()` turns them back)."""
    clients: list[DemoClient]
    contacts: list[tuple]
    invoices: list[DemoInvoice]
    credit_notes: list[DemoCreditNote]
    payments: list[DemoPayment]
    allocations: list[list]  # [invoice, payment, credit note, agorot, applied, reversed]


_DAYS: dict[int, dt.date] = {}


def day(ordinal: int) -> dt.date:
    found = _DAYS.get(ordinal)
    if found is None:
        found = _DAYS[ordinal] = dt.date.fromordinal(ordinal)
    return found


_WEIGHTS: dict[int, tuple] = {}


def _pick(rng: random.Random, weighted: tuple) -> object:
    """One value of ((value, weight), ...) at random. The tables are module constants,
    cached by identity (each entry keeps its table, so the id is never reused)."""
    table = _WEIGHTS.get(id(weighted))
    if table is None:
        values, weights = zip(*weighted)
        table = _WEIGHTS[id(weighted)] = (values, list(itertools.accumulate(weights)), weighted)
    values, cumulative, _ = table
    return values[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


def _deal(rng: random.Random, n: int, shares: dict[str, float]) -> list[str]:
    """n labels in the given shares (largest remainder; each label at least once when n
    allows, so even a small demo shows every kind of client), shuffled."""
    counts = {k: int(n * s) for k, s in shares.items()}
    if n >= len(shares):
        for k in counts:
            counts[k] = max(1, counts[k])
    by_fraction = sorted(shares, key=lambda k: -(n * shares[k] - int(n * shares[k])))
    for k in itertools.cycle(by_fraction):
        if sum(counts.values()) >= n:
            break
        counts[k] += 1
    while sum(counts.values()) > n:
        largest = max(counts, key=counts.get)
        counts[largest] -= 1
    labels = [k for k, c in counts.items() for _ in range(c)]
    rng.shuffle(labels)
    return labels


def _late_abroad(kinds: list[str], behaviours: list[str]) -> None:
    """The first clients abroad, one in each currency (they come in turn), pay late, so
    the aging report and the letters in English have a debt abroad to show. Behaviours
    are swapped with private persons at home who pay late (the businesses' debts are the
    settlements' scenarios): the shares stay as dealt."""
    abroad = [i for i, kind in enumerate(kinds) if kind == "foreign"]
    at_home = [i for i, kind in enumerate(kinds) if kind == "person" and behaviours[i] == "late"]
    for i in abroad[:len(words.FOREIGN_CURRENCIES)]:
        if behaviours[i] in ("late", "stopped") or not at_home:
            continue
        j = at_home.pop(0)
        behaviours[i], behaviours[j] = behaviours[j], behaviours[i]


def _spread(total: int, weights: list[float]) -> list[int]:
    """Split `total` into integer parts proportional to weights (largest remainder)."""
    if not weights:
        return []
    whole = sum(weights)
    quotas = [total * w / whole for w in weights]
    parts = [int(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: parts[i] - quotas[i])
    for i in order[:total - sum(parts)]:
        parts[i] += 1
    return parts


# ---- clients ---------------------------------------------------------------------------

def _make_client(rng: random.Random, people: PeopleMaker, client_id: int, kind: str,
                 behaviour: str, trait: str, first_day: int, today: int) -> DemoClient:
    currency, usd_share, city, zip_code = "ILS", 0.0, "", ""
    country, letter_language, web = HOME_COUNTRY, "he", ""
    public = None
    if kind == "public":
        public = people.public_body()
        if public is None:
            kind = "company"  # every town already has its authority in the demo
    if kind == "foreign":
        place, name, slug = people.foreign_client()
        currency, city, country, web = place.currency, place.city, place.country, place.web
        address, zip_code = people.foreign_address(place)
        tax_id = ""
        phone = people.foreign_phone(place)
        # Most are written to in English; a few (an Israeli at the head) in Hebrew.
        letter_language = "en" if rng.random() < 0.9 else "he"
    else:
        if public:
            name, slug, prefix, city = public
            zip_code = prefix + "".join(rng.choice("0123456789") for _ in range(7 - len(prefix)))
            address = f"{rng.choice(words.STREETS)} {rng.randint(1, 60)}"
        else:
            name, slug = people.client_name(kind)
            address, city, zip_code = people.address()
        tax_id = people.tax_id(kind)
        phone = people.mobile() if kind == "person" else people.landline()
        if trait == "dollars" and kind in ("company", "partnership"):
            usd_share = 0.3  # an Israeli tech company paid partly in dollars
    email = people.email(slug, kind, web) if kind != "person" or rng.random() < 0.8 else ""
    terms = _pick(rng, TERMS_BY_KIND[kind])
    start = first_day + int(SPAN_DAYS * 0.9 * rng.random() ** 1.5)
    end = today if rng.random() < 0.8 else start + int((today - start) * rng.uniform(0.2, 0.9))
    stop = None
    if behaviour == "stopped":  # stopped paying; work for them went on a little longer
        stop = today - rng.randint(60, 480)
        end = max(start, min(end, stop + rng.randint(0, 90)))
    # Disputed invoices stay open only if payments name the invoices they pay.
    names_invoices = rng.random() < (0.5 if kind == "person" else 0.75)
    dispute_rate = 0.004 if names_invoices else 0.0
    if trait == "disputes":
        names_invoices, dispute_rate = True, 0.12
    methods = METHODS_BY_KIND[kind]
    bounce_rate = 0.006
    if trait == "bounces" and kind != "foreign":
        methods, bounce_rate = (("check", 80), ("transfer", 20)), 0.3
    stored_kind = {"person": "person", "public": "local_authority"}.get(kind, "company")
    row = {"id": client_id, "external_id": str(1000 + client_id), "name": name,
           "kind": stored_kind, "tax_id": tax_id,
           "email": email, "phone": phone, "address": address, "city": city, "zip": zip_code,
           "terms": terms, "status": "active", "country": country,
           "letter_language": letter_language,
           "notes": rng.choice(words.CLIENT_NOTES) if rng.random() < 0.1 else "",
           "created_at": f"{day(max(first_day, start - rng.randint(0, 30))).isoformat()}T09:00:00"}
    return DemoClient(
        id=client_id, row=row, kind=kind, behaviour=behaviour, names_invoices=names_invoices,
        methods=methods, bounce_rate=bounce_rate, dispute_rate=dispute_rate,
        overpays=trait == "overpays", currency=currency, usd_share=usd_share,
        base_amount=max(100, int(BASE_AMOUNT[kind] * rng.lognormvariate(0, 0.6))),
        retainer=rng.choice(words.RETAINER_DESCRIPTIONS) if kind in ("company", "nonprofit")
        and rng.random() < 0.3 else None,
        start=start, end=end, stop=stop, checkbook=rng.randint(100000, 990000),
        bank=rng.choice(words.BANKS), branch=str(rng.randint(100, 999)),
        weight=VOLUME[kind] * rng.lognormvariate(0, 0.8))


def _contacts(rng: random.Random, people: PeopleMaker, clients: list[DemoClient]) -> list[tuple]:
    rows = []
    for c in clients:
        if c.kind in ("person", "foreign"):
            continue
        for _ in range(1 if rng.random() < 0.7 else 2):
            rows.append((c.id, *people.contact(c.kind == "public")))
    return rows


# ---- invoices --------------------------------------------------------------------------

class _InvoiceMaker:
    """Invoice dates, amounts, terms and fates for one client at a time."""

    def __init__(self, rng: random.Random, profile: BusinessProfile, today: int):
        self.rng = rng
        self.today = today
        self.default_terms = profile.default_terms
        self.eom_reading = profile.eom_reading
        self._due: dict[tuple[int, str], int] = {}
        self._month_text: dict[tuple[str, int], str] = {}

    def due(self, issue: int, terms: str) -> int:
        key = (issue, terms)
        found = self._due.get(key)
        if found is None:
            found = self._due[key] = due_date(day(issue), parse_terms(terms),
                                              eom_reading=self.eom_reading).toordinal()
        return found

    def _dates(self, c: DemoClient, n: int) -> list[int]:
        dates = []
        for _ in range(n):
            d = self.rng.randint(c.start, c.end)
            if (d - 1) % 7 == 5:  # Saturday: no invoices on Shabbat
                d = d + 1 if d < self.today else d - 1
            dates.append(d)
        dates.sort()
        return dates

    def _description(self, c: DemoClient, issue: int) -> str:
        if c.currency != "ILS":
            return self.rng.choice(words.FOREIGN_DESCRIPTIONS)
        if c.retainer is None:
            return self.rng.choice(words.DESCRIPTIONS)
        d = day(issue)
        key = (c.retainer, d.year * 12 + d.month)
        text = self._month_text.get(key)
        if text is None:
            text = self._month_text[key] = \
                f"{c.retainer} - {words.HEBREW_MONTHS[d.month - 1]} {d.year}"
        return text

    def _amount(self, c: DemoClient, issue: int, currency: str) -> int:
        rng = self.rng
        base = c.base_amount if c.retainer else c.base_amount * rng.lognormvariate(0, 0.45)
        if c.currency != "ILS":
            return max(100, int(round(base / 50)) * 50) * 100  # export: no VAT
        net = max(50, int(round(base / 10)) * 10)
        return net * (118 if issue >= VAT_18_FROM else 117)  # agorot, VAT included

    def invoices(self, c: DemoClient, n: int) -> list[DemoInvoice]:
        rng = self.rng
        terms = c.row["terms"] or self.default_terms
        result = []
        for seq, issue in enumerate(self._dates(c, n)):
            currency = c.currency
            if c.usd_share and rng.random() < c.usd_share:
                currency = "USD"
            due = computed = self.due(issue, terms)
            if rng.random() < 0.02:
                due = issue + rng.choice((14, 21, 45, 60))  # a date agreed and typed in
            dispute = None
            if c.dispute_rate and rng.random() < c.dispute_rate:
                dispute = _pick(rng, (("open", 40), ("partial", 40), ("full", 20)))
            cancel = None
            if dispute is None and rng.random() < 0.006:
                cancel = issue + rng.randint(0, 3)
            result.append(DemoInvoice(
                client=c, seq=seq, issue=issue, due=due, is_fixed=due != computed,
                amount=self._amount(c, issue, currency), currency=currency,
                kind="demand" if rng.random() < 0.2 else "invoice",
                description=self._description(c, issue), dispute=dispute, cancel=cancel))
        return result


# ---- payments, credit notes, bounced checks --------------------------------------------

class _MoneyMaker:
    """What each client paid and when, as dated events for `_settle`."""

    def __init__(self, rng: random.Random, today: int):
        self.rng = rng
        self.today = today

    def _parts(self, c: DemoClient, inv: DemoInvoice, due: int, amount: int) -> list[tuple]:
        """(day the money counts, agorot) instalments, by the client's habits."""
        rng = self.rng
        behaviour = c.behaviour
        if behaviour == "prompt":
            k = _pick(rng, ((1, 72), (2, 24), (3, 4)))
            if k == 1:
                return [(max(inv.issue, due + rng.randint(-10, 3)), amount)]
            deposit = amount * rng.choice((30, 40, 50)) // 100 // 100 * 100
            first = (inv.issue + rng.randint(0, 5), deposit)
            rest = self._split(amount - deposit, k - 1)
            start = max(inv.issue, due + rng.randint(-5, 3))
            return [first] + [(start + 30 * j, a) for j, a in enumerate(rest)]
        if behaviour == "instalments":
            k, start, gap = rng.randint(2, 6), due + rng.randint(-5, 30), rng.randint(25, 35)
        else:  # late, and stopped (cut off at the stop day)
            k = _pick(rng, ((1, 50), (2, 30), (3, 14), (4, 6)))
            start, gap = due + int(rng.triangular(5, 120, 25)), rng.randint(14, 45)
        parts = [(start + gap * j, a) for j, a in enumerate(self._split(amount, k))]
        if len(parts) > 1 and rng.random() < 0.05:
            parts.pop()  # the last instalment never came: a partial payment
        return parts

    @staticmethod
    def _split(amount: int, k: int) -> list[int]:
        k = max(1, min(k, amount // 100))
        share = amount // k // 100 * 100
        return [share] * (k - 1) + [amount - share * (k - 1)]

    def payment(self, c: DemoClient, inv: DemoInvoice, when: int, amount: int,
                events: list, *, method: str | None = None) -> DemoPayment | None:
        """A payment whose money counts on `when`; None when it lies beyond the demo."""
        rng = self.rng
        when = max(when, inv.issue)
        if c.stop is not None and when > c.stop:
            return None
        method = method or _pick(rng, c.methods)
        received = when
        pay = DemoPayment(client=c, date=received, amount=amount, currency=inv.currency,
                          method=method, invoice=inv if c.names_invoices else None)
        if method == "check":
            c.checkbook += 1
            pay.check_number, pay.check_bank, pay.check_branch = str(c.checkbook), c.bank, c.branch
            if rng.random() < (0.5 if (c.row["terms"] or "").startswith("שוטף") else 0.15):
                received = max(inv.issue, when - rng.randint(15, 60))  # a post-dated check
            pay.date, pay.check_date = received, when
        if received > self.today:
            return None
        if c.kind == "person" and amount % 5000 and rng.random() < 0.03:
            pay.amount = (amount // 5000 + 1) * 5000  # rounded up: the rest is credit
        events.append((received, PAID, len(events), pay))
        if method == "check" and rng.random() < c.bounce_rate:
            bounced = max(received, when) + rng.randint(2, 8)
            if bounced <= self.today:
                pay.bounced = bounced
                events.append((bounced, BOUNCED, len(events), pay))
                if rng.random() < 0.6:  # paid again, by other means
                    self.payment(c, inv, bounced + rng.randint(5, 40), amount, events,
                                 method=rng.choice(("transfer", "cash", "transfer")))
        return pay

    def events(self, c: DemoClient, invoices: list[DemoInvoice]) -> list[tuple]:
        rng, today = self.rng, self.today
        events: list[tuple] = []
        for inv in invoices:
            events.append((inv.issue, ISSUED, len(events), inv))
            if inv.cancel is not None:
                if inv.cancel <= today:
                    events.append((inv.cancel, CANCELLED, len(events), inv))
                continue
            due, amount = inv.due, inv.amount
            if inv.dispute:
                agreed = inv.issue + rng.randint(20, 150)
                if inv.dispute == "open" or agreed > today:
                    inv.is_disputed = True
                    continue
                credit = amount if inv.dispute == "full" else \
                    amount * rng.choice((10, 15, 20, 30, 50)) // 100 // 100 * 100
                events.append((agreed, CREDITED, len(events), DemoCreditNote(
                    c, agreed, credit, inv.currency, inv, rng.choice(words.DISPUTE_REASONS))))
                if credit == amount:
                    continue
                due, amount = max(due, agreed + 7), amount - credit
            parts = self._parts(c, inv, due, amount)
            last = None
            for when, part in parts:
                last = self.payment(c, inv, when, part, events) or last
            if last is None:
                continue
            if len(parts) == 1 and last.date == inv.issue and c.kind == "person":
                inv.kind = "receipt_invoice"  # paid on the spot
            if c.overpays and rng.random() < 0.15:
                self.payment(c, inv, last.date + rng.randint(3, 20), parts[-1][1], events)
            if rng.random() < 0.003 and last.date + 30 <= today:
                when = last.date + rng.randint(5, 30)
                events.append((when, CREDITED, len(events), DemoCreditNote(
                    c, when, inv.amount // 5 // 100 * 100 or 100, inv.currency, inv,
                    rng.choice(words.CREDIT_REASONS))))
        return events


def _open_invoice(inv: DemoInvoice) -> OpenInvoice:
    return OpenInvoice(inv.id, inv.number, inv.client.id, inv.currency, day(inv.issue),
                       day(inv.due), inv.amount, inv.open, inv.is_disputed, ALL_RECORDED)


def _order(inv: DemoInvoice) -> tuple:
    if inv.order is None:
        inv.order = allocation_order(_open_invoice(inv))
    return inv.order


def _reached(pool: dict[int, DemoInvoice], amount: int) -> list[OpenInvoice]:
    """The open invoices a payment naming none reaches, in allocation order.

    plan_allocation would sort the whole pool and stop when the money runs out; a client
    with hundreds of open invoices makes that the demo's bottleneck, so the invoices past
    the money are left out and the order key is worked out once per invoice.
    """
    reached, left = [], amount
    for inv in sorted(pool.values(), key=_order):
        reached.append(_open_invoice(inv))
        left -= inv.open
        if left <= 0:
            break
    return reached


def _settle(events: list[tuple], allocations: list[list]) -> tuple[list, list]:
    """Replay one client's events in the services' order, allocating with plan_allocation.

    Returns the client's payments and credit notes in the order they were recorded.
    """
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    pools: dict[str, dict[int, DemoInvoice]] = {}  # currency -> open, not cancelled
    payments, notes = [], []
    for when, rank, _, obj in events:
        if rank == ISSUED:
            obj.open = obj.amount
            pools.setdefault(obj.currency, {})[obj.id] = obj
        elif rank == CANCELLED:
            if obj.open == obj.amount:  # the services refuse to cancel a paid invoice
                obj.cancelled = when
                del pools[obj.currency][obj.id]
        elif rank == BOUNCED:
            first, count = obj.allocated
            for alloc in allocations[first:first + count]:
                alloc[5] = when
                inv = alloc[0]
                inv.open += alloc[3]
                if inv.cancelled is None:
                    pools[inv.currency][inv.id] = inv
        else:
            pool = pools.setdefault(obj.currency, {})
            if rank == PAID:
                obj.seq, applied = len(payments), obj.effective
                payments.append(obj)
            else:
                obj.seq, applied = len(notes), when
                notes.append(obj)
            if obj.invoice is not None:
                named = [_open_invoice(obj.invoice)] if obj.invoice.open > 0 else []
                plan = plan_allocation(obj.amount, named, keep_order=True)
            else:
                plan = plan_allocation(obj.amount, _reached(pool, obj.amount), keep_order=True)
            made = []
            for inv_id, agorot in plan:
                inv = pool[inv_id]
                inv.open -= agorot
                if inv.open == 0:
                    del pool[inv_id]
                made.append([inv, obj if rank == PAID else None, obj if rank == CREDITED else None,
                             agorot, applied, None])
            if rank == PAID:
                obj.allocated = (len(allocations), len(made))
            allocations.extend(made)
    return payments, notes


def _final_status(c: DemoClient, invoices: list[DemoInvoice], payments: list[DemoPayment],
                  today: int) -> str:
    is_owing = any(i.open and i.cancelled is None for i in invoices)
    if c.behaviour == "stopped":
        return ("in_collection", "handed_over", "on_hold")[c.id % 3]
    if is_owing and any(p.bounced for p in payments):
        return "execution" if c.bounce_rate > 0.1 else "in_collection"
    if c.end < today - 365 and not is_owing:
        return "closed"  # no work for a year and nothing owed
    return "active"


# ---- the plan --------------------------------------------------------------------------

def plan_demo(*, clients: int, invoices: int, seed: int, as_of: dt.date,
              profile: BusinessProfile | None = None,
              progress: Callable[[int], None] | None = None) -> DemoLedger:
    """The whole demo ledger in memory, deterministic for (sizes, seed, as_of, profile)."""
    return _plan(clients, invoices, seed, as_of, profile or BusinessProfile(), progress)


def _plan(clients: int, invoices: int, seed: int, as_of: dt.date, profile: BusinessProfile,
          progress: Callable[[int], None] | None) -> DemoLedger:
    rng = random.Random(seed)
    today = as_of.toordinal()
    first_day = today - SPAN_DAYS
    people = PeopleMaker(rng)
    kinds = _deal(rng, clients, KIND_SHARES)
    behaviours = _deal(rng, clients, BEHAVIOUR_SHARES)
    traits = _deal(rng, clients, TRAIT_SHARES)
    _late_abroad(kinds, behaviours)
    demo_clients = [_make_client(rng, people, i + 1, kinds[i], behaviours[i], traits[i],
                                 first_day, today) for i in range(clients)]
    contacts = _contacts(rng, people, demo_clients)
    maker = _InvoiceMaker(rng, profile, today)
    counts = _spread(invoices, [c.weight for c in demo_clients])
    per_client = [maker.invoices(c, n) for c, n in zip(demo_clients, counts)]
    all_invoices = [inv for group in per_client for inv in group]
    all_invoices.sort(key=lambda i: (i.issue, i.client.id, i.seq))
    for n, inv in enumerate(all_invoices, 1):  # numbered in issue order, as a business does
        inv.id, inv.number = n, str(INVOICE_NUMBER_BASE + n)
    money = _MoneyMaker(rng, today)
    allocations: list[list] = []
    payments, notes = [], []
    for i, (c, group) in enumerate(zip(demo_clients, per_client)):
        paid, credited = _settle(money.events(c, group), allocations)
        payments += paid
        notes += credited
        c.row["status"] = _final_status(c, group, paid, today)
        if progress and i % 500 == 0:
            progress(i * 100 // max(1, clients))
    payments.sort(key=lambda p: (p.date, p.client.id, p.seq))
    for n, p in enumerate(payments, 1):
        p.id = n
    notes.sort(key=lambda n: (n.date, n.client.id, n.seq))
    for n, note in enumerate(notes, 1):
        note.id = n
    allocations.sort(key=lambda a: (a[1].date, PAID, a[1].id) if a[1] is not None
                     else (a[2].date, CREDITED, a[2].id))
    return DemoLedger(demo_clients, contacts, all_invoices, notes, payments, allocations)


# ---- writing ---------------------------------------------------------------------------

CLIENT_COLUMNS = ("id", "external_id", "name", "search_key", "kind", "tax_id", "email", "phone",
                  "address", "city", "zip", "terms", "status", "notes", "created_at", "country",
                  "letter_language")
CONTACT_COLUMNS = ("client_id", "name", "role", "phone", "email")
INVOICE_COLUMNS = ("id", "number", "number_key", "client_id", "kind", "issue_date", "due_date",
                   "is_due_date_fixed", "amount_agorot", "currency", "description",
                   "is_disputed", "cancelled_date", "created_at")
CREDIT_NOTE_COLUMNS = ("id", "number", "number_key", "client_id", "invoice_id", "date",
                       "amount_agorot", "currency", "reason", "created_at")
PAYMENT_COLUMNS = ("id", "client_id", "date", "amount_agorot", "currency", "method", "reference",
                   "check_number", "check_bank", "check_branch", "check_date", "bounced_date",
                   "notes", "created_at")
ALLOCATION_COLUMNS = ("invoice_id", "payment_id", "credit_note_id", "amount_agorot",
                      "applied_date", "reversed_date")


class _Iso(dict):
    """ISO date text per ordinal (`iso[ordinal]`), made once: a million rows share a few
    thousand strings. `iso[None]` is None."""

    def __missing__(self, ordinal: int | None) -> str | None:
        text = self[ordinal] = None if ordinal is None else day(ordinal).isoformat()
        return text


def _rows(ledger: DemoLedger) -> list[tuple[str, tuple, Iterable[tuple], int]]:
    iso = _Iso()
    clients = (tuple(search_key(c.row["name"]) if k == "search_key" else c.row[k]
                     for k in CLIENT_COLUMNS) for c in ledger.clients)
    invoices = ((i.id, i.number, i.number, i.client.id, i.kind, iso[i.issue], iso[i.due],
                 int(i.is_fixed), i.amount, i.currency, i.description, int(i.is_disputed),
                 iso[i.cancelled], iso[i.issue] + "T10:00:00") for i in ledger.invoices)
    notes = ((n.id, n.number, n.number, n.client.id, n.invoice.id if n.invoice else None,
              iso[n.date], n.amount, n.currency, n.reason, iso[n.date] + "T10:00:00")
             for n in ledger.credit_notes)
    payments = ((p.id, p.client.id, iso[p.date], p.amount, p.currency, p.method,
                 str(RECEIPT_NUMBER_BASE + p.id), p.check_number, p.check_bank, p.check_branch,
                 iso[p.check_date], iso[p.bounced], "", iso[p.date] + "T10:00:00")
                for p in ledger.payments)
    allocations = ((a[0].id, a[1].id if a[1] else None, a[2].id if a[2] else None, a[3],
                    iso[a[4]], iso[a[5]]) for a in ledger.allocations)
    return [("client", CLIENT_COLUMNS, clients, len(ledger.clients)),
            ("contact_person", CONTACT_COLUMNS, ledger.contacts, len(ledger.contacts)),
            ("invoice", INVOICE_COLUMNS, invoices, len(ledger.invoices)),
            ("credit_note", CREDIT_NOTE_COLUMNS, notes, len(ledger.credit_notes)),
            ("payment", PAYMENT_COLUMNS, payments, len(ledger.payments)),
            ("allocation", ALLOCATION_COLUMNS, allocations, len(ledger.allocations))]


def _batches(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    rows = iter(rows)
    while batch := list(itertools.islice(rows, size)):
        yield batch


def write_ledger(ledger: DemoLedger, progress: Callable[[int, int], None] | None = None,
                 chunk: int = 50_000) -> None:
    """Bulk insert in one transaction (all or nothing), through the engine's bulk writer
    (models/db/bulk.py: executemany on SQLite, COPY on PostgreSQL).

    On SQLite the secondary indexes are dropped first and rebuilt from their own stored
    statements at the end: building an index from a million sorted rows is several times
    faster than growing it one random row at a time.
    """
    tables = _rows(ledger)
    total = sum(count for *_, count in tables) or 1
    done = 0

    def tick(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(done * 9 // 10, total)

    writer = bulk.current()
    with database.atomic():
        with writer.without_secondary_indexes([table for table, *_ in tables]):
            for table, columns, rows, _ in tables:
                writer.insert_many(table, columns, _batches(rows, chunk), tick)
        # The services add the settlements' rows next, with ids of their own, and read
        # what was written.
        writer.finish([table for table, *_ in tables])


# ---- the command -----------------------------------------------------------------------

def demo_profile(rng: random.Random) -> BusinessProfile:
    return BusinessProfile(
        name="נועה ברק - סטודיו לעיצוב ופיתוח", business_type="licensed",
        tax_id=with_check_digit("0" + "".join(rng.choice("0123456789") for _ in range(7))),
        address="דרך מנחם בגין 132", city="תל אביב-יפו", zip="6701101", phone="03-5551234",
        email="office@noa-barak.co.il",
        bank_details="בנק לאומי (10), סניף 800, חשבון 123456/78", bit_phone="050-5551234",
        # the same account as an IBAN (its check digits right) and the bank's SWIFT / BIC,
        # which the letters to clients abroad print
        iban="IL070108000000012345678", swift="LUMIILIT",
        hourly_rate_agorot=35000)


def _check_sizes(clients: int, invoices: int) -> None:
    if clients < 0 or invoices < 0:
        raise ValidationError(_("The numbers of clients and invoices must be zero or more."))
    if clients > MAX_CLIENTS or invoices > MAX_INVOICES:
        raise ValidationError(_("Demo data is limited to {clients} clients and {invoices} "
                                "invoices.").format(clients=f"{MAX_CLIENTS:,}",
                                                    invoices=f"{MAX_INVOICES:,}"))
    if invoices and not clients:
        raise ValidationError(_("Demo invoices need at least one client."))


def make_demo(*, clients: int, invoices: int, seed: int, as_of: dt.date,
              progress: Progress | None = None, with_settlements: bool = True) -> dict:
    """Fill the open, empty database with a demo ledger; returns the counts written.
    `with_settlements`: add the negotiation scenarios of models.demo.settlements on top.

    Refuses a database that already holds clients, so demo data never mixes with real data.
    """
    _check_sizes(clients, invoices)
    if Client.select().exists():
        raise GviaError(_("The database already has clients, so no demo data was added (it "
                          "would mix with real data). Choose a new file with --db."))
    profile = load_profile()
    is_new_profile = not profile.is_set_up
    if is_new_profile:
        profile = demo_profile(random.Random(seed))
    # Planning takes about 60% of the time, writing the rest.
    ledger = plan_demo(clients=clients, invoices=invoices, seed=seed, as_of=as_of,
                       profile=profile,
                       progress=(lambda pct: progress(pct * 60 // 100, 100)) if progress else None)
    with database.atomic():
        if is_new_profile:
            save_profile(profile)
        write_ledger(ledger, (lambda done, total: progress(60 + done * 40 // total, 100))
                     if progress else None)
        negotiated = (add_demo_settlements(as_of) if with_settlements
                      else {"settlements": 0, "payments": 0})
        # What the settlement page writes when it is opened: each breach in the contact
        # log, once, so the demo's log is complete before anyone looks.
        record_breaches(as_of)
    if progress:
        progress(100, 100)
    return {"clients": len(ledger.clients), "invoices": len(ledger.invoices),
            "payments": len(ledger.payments) + negotiated["payments"],
            "settlements": negotiated["settlements"]}
