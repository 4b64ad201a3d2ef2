"""Debt aging (גיול חובות) as of any date, per client and currency, in two SQL statements.

An allocation counts as of D when it was applied by D, not reversed by D (bounced check)
and its invoice was issued by D. Open amount = invoice amount - counted allocations.
Credit on account = payments and credit notes dated by D - their counted allocations.

Speed (1M invoices, 1.7M allocations: tests/bench/bench_aging.py). Most invoices are
paid, so only what is invoiced is summed for every invoice — straight from the covering
index invoice_client_currency, already in (client, currency) order, no sort — while the
buckets are built only from the invoices that can be open as of D (models.ledger.open_as_of:
the partial index invoice_unpaid_client, in client order, plus those whose allocations
changed after D; only those last ones have their allocations summed). What was paid
follows: invoiced - open.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from models.common.errors import ValidationError
from models.common.i18n import _
from models.db.connection import database
from models.db.settings import DEFAULT_BUCKETS
from models.ledger.open_as_of import (
    BY_CLIENT,
    COUNTED_INVOICE,
    ONE_CLIENT,
    OPEN_AS_OF,
    RECEIVED_SUMS,
    can_be_open_parts,
)
from models.ledger.open_invoice import OpenInvoice, invoices_open_as_of


def bucket_titles(boundaries: tuple[int, ...]) -> list[str]:
    """`Not yet due`, `1–30 days`, …, `Over 120 days`, in the language in force (screens:
    the interface's; the PDFs, written inside translated_as("he"): Hebrew)."""
    titles = [_("Not yet due")]
    low = 1
    for high in boundaries:
        titles.append(_("{low}–{high} days").format(low=low, high=high))
        low = high + 1
    titles.append(_("Over {days} days").format(days=boundaries[-1]))
    return titles


def bucket_names(boundaries: tuple[int, ...] = DEFAULT_BUCKETS) -> list[str]:
    """`not_due, d1_30, d31_60, …, dN_plus` for boundaries (30, 60, …, N)."""
    names = ["not_due"]
    low = 1
    for high in boundaries:
        names.append(f"d{low}_{high}")
        low = high + 1
    names.append(f"d{boundaries[-1]}_plus")
    return names


# A boundary past a century, or a dozen of them, is a typing slip, and far dates overflow.
MAX_BUCKET_DAYS = 36_500
MAX_BUCKET_COUNT = 12


def parse_buckets(text: str | None) -> tuple[int, ...]:
    """`30,60,90,120` -> (30, 60, 90, 120); strictly increasing positive days, each at most
    MAX_BUCKET_DAYS, at most MAX_BUCKET_COUNT boundaries."""
    if not text:
        return DEFAULT_BUCKETS
    parts = [part for part in text.replace(" ", "").split(",") if part]
    if len(parts) > MAX_BUCKET_COUNT:
        raise ValidationError(
            _("The aging boundaries '{text}': at most {maximum} boundaries are allowed.").format(
                text=text[:80], maximum=MAX_BUCKET_COUNT))
    if any(not part.isascii() or not part.isdigit() or len(part) > 6 for part in parts):
        raise ValidationError(
            _("The aging boundaries '{text}' must be numbers of days (up to {maximum}) "
              "separated by commas.").format(text=text[:80], maximum=f"{MAX_BUCKET_DAYS:,}"))
    values = tuple(int(part) for part in parts)
    if not values or values[0] < 1 or any(b <= a for a, b in zip(values, values[1:])):
        raise ValidationError(
            _("The aging boundaries '{text}' must be positive numbers in increasing "
              "order.").format(text=text))
    if values[-1] > MAX_BUCKET_DAYS:
        raise ValidationError(
            _("The aging boundaries '{text}': each boundary must be at most {maximum} "
              "days.").format(text=text, maximum=f"{MAX_BUCKET_DAYS:,}"))
    return values


def bucket_index(days_overdue: int, boundaries: tuple[int, ...] = DEFAULT_BUCKETS) -> int:
    """0 = not yet due; 1 = first overdue bucket; … len(boundaries)+1 = beyond the last."""
    if days_overdue <= 0:
        return 0
    for i, high in enumerate(boundaries, start=1):
        if days_overdue <= high:
            return i
    return len(boundaries) + 1


@dataclass
class AgingRow:
    client_id: int | None
    client: str
    currency: str
    buckets: list[int]
    credit: int = 0

    @property
    def total(self) -> int:
        return sum(self.buckets)


@dataclass
class AgingReport:
    as_of: dt.date
    boundaries: tuple[int, ...]
    rows: list[AgingRow] = field(default_factory=list)

    @property
    def bucket_names(self) -> list[str]:
        return bucket_names(self.boundaries)

    def totals(self) -> list[AgingRow]:
        """One TOTAL row per currency."""
        by_currency: dict[str, AgingRow] = {}
        for row in self.rows:
            total = by_currency.setdefault(
                row.currency, AgingRow(None, "TOTAL", row.currency, [0] * len(row.buckets)))
            total.buckets = [a + b for a, b in zip(total.buckets, row.buckets)]
            total.credit += row.credit
        return [by_currency[c] for c in sorted(by_currency)]

    def currencies(self) -> list[str]:
        return sorted({row.currency for row in self.rows})


def _bucket_ranges(boundaries: tuple[int, ...]) -> list[str]:
    """Due-date conditions per bucket, over ISO date strings (cheaper than julianday on a
    million rows). Parameter :bI is the date `as_of - boundaries[I]`."""
    ranges = ["due_date >= :d"]
    previous = ":d"
    for i in range(len(boundaries)):
        ranges.append(f"due_date < {previous} AND due_date >= :b{i}")
        previous = f":b{i}"
    ranges.append(f"due_date < {previous}")
    return ranges


def _open_sql(boundaries: tuple[int, ...], client_filter: str) -> str:
    """Per client and currency: invoiced, then the open amount in each bucket.

    The two kinds of invoice that can be open (models.ledger.open_as_of) are summed each on its
    own: over the whole book the unpaid ones stream off invoice_unpaid_client, already in
    (client, currency) order, with no sort. An invoice's open amount appears in every
    bucket's CASE but is computed only in the one whose due-date range holds it. Invoices
    found open 0 are not filtered out: a zero adds nothing to the buckets.
    """
    ranges = _bucket_ranges(boundaries)
    columns = [f"o{k}" for k in range(len(ranges))]
    where = f"{COUNTED_INVOICE} {client_filter}"
    buckets = ", ".join(f"SUM(CASE WHEN {r} THEN open_agorot ELSE 0 END)" for r in ranges)
    open_sums = "\n        UNION ALL".join(f"""
        SELECT client_id, currency, 0, {buckets}
        FROM ({part}) AS can_be_open
        GROUP BY client_id, currency""" for part in can_be_open_parts(
        f"i.client_id, i.currency, i.due_date, {OPEN_AS_OF} AS open_agorot", where))
    sql = f"""
SELECT g.*, c.name FROM (
    SELECT client_id, currency, SUM(invoiced), {", ".join(f"SUM({o})" for o in columns)}
    FROM (
        SELECT i.client_id, i.currency, SUM(i.amount_agorot) AS invoiced,
               {", ".join(f"0 AS {o}" for o in columns)}
        FROM invoice i INDEXED BY invoice_client_currency
        WHERE {where}
        GROUP BY i.client_id, i.currency
        UNION ALL{open_sums}) AS sums
    GROUP BY client_id, currency) g
JOIN client c ON c.id = g.client_id
"""
    return sql.format(**(ONE_CLIENT if client_filter else BY_CLIENT))


# Each source is summed on its own covering index, in (client, currency) order; only the
# few thousand sums meet in the outer GROUP BY, and then the client's name.
_SOURCES_SQL = """
SELECT g.client_id, c.name, g.currency, g.amount FROM (
    SELECT client_id, currency, SUM(amount) AS amount FROM (""" + RECEIVED_SUMS + """
    ) s
    GROUP BY client_id, currency) g
JOIN client c ON c.id = g.client_id
"""


def aging_report(as_of: dt.date, boundaries: tuple[int, ...] = DEFAULT_BUCKETS, *,
                 client_id: int | None = None) -> AgingReport:
    """Aging as of `as_of`: rows per client and currency with something open or a credit."""
    params = {"d": as_of.isoformat()}
    for i, days in enumerate(boundaries):
        params[f"b{i}"] = (as_of - dt.timedelta(days=days)).isoformat()
    client_filter = ""
    if client_id is not None:
        params["client"] = client_id
        client_filter = "AND client_id = :client"
    open_sql = _open_sql(boundaries, client_filter.replace("client_id", "i.client_id"))
    rows: dict[tuple[int, str], AgingRow] = {}
    paid: dict[tuple[int, str], int] = defaultdict(int)
    for cid, currency, invoiced, *amounts, name in database.execute_sql(open_sql, params):
        buckets = [int(a) for a in amounts]
        rows[cid, currency] = AgingRow(cid, name, currency, buckets)
        paid[cid, currency] = int(invoiced) - sum(buckets)
    for cid, name, currency, received in database.execute_sql(
            _SOURCES_SQL.format(client_filter=client_filter), params):
        credit = int(received) - paid[cid, currency]
        if credit > 0:
            row = rows.setdefault((cid, currency), AgingRow(
                cid, name, currency, [0] * (len(boundaries) + 2)))
            row.credit = credit
    kept = [r for r in rows.values() if r.total > 0 or r.credit > 0]
    kept.sort(key=lambda r: (r.currency, -r.total, r.client))
    return AgingReport(as_of, tuple(boundaries), kept)


def open_invoices_as_of(client_id: int, currency: str, as_of: dt.date,
                        boundaries: tuple[int, ...] = DEFAULT_BUCKETS,
                        bucket: int | None = None) -> list[OpenInvoice]:
    """The invoices behind an aging cell (all open ones when `bucket` is None), oldest
    due first."""
    rows = invoices_open_as_of(as_of, client_ids=[client_id], currency=currency,
                               in_order=True)
    if bucket is None:
        return rows
    return [r for r in rows if bucket_index(r.days_overdue, boundaries) == bucket]
