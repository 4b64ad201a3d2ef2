"""An invoice open as of a date: the one row type, read by the one query.

Every question "which invoices are open as of D, and for how much" is asked here:
where a payment goes (models.ledger.allocation, as of ALL_RECORDED), the dunning
candidates and Today, aging's drill-down, the case file, letters and the settlement
letters. The rule itself is models.ledger.open_as_of (a post-dated check counts from its
date, a bounced one stops counting when it came back, a cancelled invoice from its
cancellation); what differs between the askers is an option of `invoices_open_as_of`.
What a consumer adds (days overdue, interest, a bucket) it computes from the row.

The row is a NamedTuple: immutable, and quick to build (Today reads 100,000+ of them on
a big book).
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable, NamedTuple

from models.db.connection import database
from models.ledger.open_as_of import (
    ALL_CLIENTS,
    COUNTED_INVOICE,
    HELD_ALLOCATION,
    ONE_CLIENT,
    OPEN_AS_OF,
    can_be_open,
)

# "Open now" for the allocation rule: every allocation recorded counts, a post-dated
# check's too (its money is already promised to its invoices), and any cancellation.
ALL_RECORDED = dt.date.max
CHUNK = 500  # ids per IN (...) list, well under SQLite's parameter limit


class OpenInvoice(NamedTuple):
    """An invoice with something open as of `as_of` (open_agorot > 0)."""
    invoice_id: int
    number: str
    client_id: int
    currency: str
    issue_date: dt.date
    due_date: dt.date
    amount_agorot: int
    open_agorot: int
    is_disputed: bool
    as_of: dt.date
    client_name: str = ""      # with_client=True
    client_kind: str = ""
    client_status: str = ""
    held_agorot: int = 0       # held_checks=True: checks in hand that pay it on their date

    @property
    def days_overdue(self) -> int:
        """Days past the due date as of the row's date (0 or less: not yet due)."""
        return (self.as_of - self.due_date).days

    @property
    def paid_agorot(self) -> int:
        return self.amount_agorot - self.open_agorot


_COLUMNS = f"""i.id, i.number, i.client_id, i.currency, i.issue_date, i.due_date,
           i.amount_agorot, {OPEN_AS_OF} AS open_agorot, i.is_disputed"""
_OPEN_SQL = """
SELECT id, number, client_id, currency, issue_date, due_date, amount_agorot, open_agorot,
       is_disputed
FROM ({can_be_open}) AS can_be_open WHERE open_agorot > 0 {order}"""
_ORDER = "ORDER BY client_id, due_date, issue_date, number, id"
# Checks in hand, per invoice: found from the few post-dated payments (CROSS JOIN starts
# there) and matched in Python; joined in SQL against 100,000+ open rows they cost more.
_HELD_SQL = f"""
SELECT a.invoice_id, SUM(a.amount_agorot)
FROM payment p CROSS JOIN allocation a ON a.payment_id = p.id
WHERE {HELD_ALLOCATION} {{held_filter}}
GROUP BY a.invoice_id"""
# The clients' own columns are read once and shared by their invoices' rows: on a big
# book that is 20,000 rows instead of 130,000 lookups, and one string per name.
_CLIENTS_SQL = "SELECT id, name, kind, status FROM client {where}"


class _DateCache(dict):
    """ISO text -> date, each distinct day parsed once (a big book has a few thousand)."""

    def __missing__(self, text: str) -> dt.date:
        day = self[text] = dt.date.fromisoformat(text)
        return day


def _marks(prefix: str, ids: list[int], params: dict) -> str:
    params.update({f"{prefix}{k}": v for k, v in enumerate(ids)})
    return ",".join(f":{prefix}{k}" for k in range(len(ids)))


def _chunks(ids: Iterable[int] | None) -> list[list[int] | None]:
    if ids is None:
        return [None]
    unique = list(dict.fromkeys(ids))
    return [unique[k:k + CHUNK] for k in range(0, len(unique), CHUNK)]


def invoices_open_as_of(as_of: dt.date, *, client_ids: Iterable[int] | None = None,
                        currency: str | None = None, invoice_ids: Iterable[int] | None = None,
                        due_by: dt.date | None = None, with_client: bool = False,
                        held_checks: bool = False, in_order: bool = False
                        ) -> list[OpenInvoice]:
    """The invoices open as of `as_of` (every client, or `client_ids`), optionally only in
    `currency`, only `invoice_ids`, only those due by `due_by`; `with_client` fills the
    client's name, kind and status, `held_checks` the checks in hand; `in_order` sorts by
    client, due date, issue date and number (else the engine's order, the cheapest)."""
    rows: list[OpenInvoice] = []
    for clients in _chunks(client_ids):
        for invoices in _chunks(invoice_ids):
            rows += _read(as_of, clients, currency, invoices, due_by, with_client,
                          held_checks, in_order)
    return rows


def _read(as_of, clients, currency, invoices, due_by, with_client, held_checks, in_order
          ) -> list[OpenInvoice]:
    if clients == [] or invoices == []:
        return []
    params: dict = {"d": as_of.isoformat()}
    where, held_where = [COUNTED_INVOICE], ""
    if clients is not None:
        marks = _marks("c", clients, params)
        where.append(f"i.client_id IN ({marks})")
        held_where = f"AND p.client_id IN ({marks})"
    if invoices is not None:
        where.append(f"i.id IN ({_marks('i', invoices, params)})")
    if currency is not None:
        where.append("i.currency = :currency")
        params["currency"] = currency
    if due_by is not None:
        where.append("i.due_date <= :last")
        params["last"] = due_by.isoformat()
    # The whole book: the two partial indexes; a few clients or invoices: their own index.
    hints = ALL_CLIENTS if clients is None and invoices is None else ONE_CLIENT
    sql = _OPEN_SQL.format(can_be_open=can_be_open(_COLUMNS, " AND ".join(where)).format(**hints),
                           order=_ORDER if in_order else "")
    dates = _DateCache()
    if not (with_client or held_checks):
        return [OpenInvoice(inv_id, number, cid, cur, dates[issue], dates[due], amount, open_,
                            bool(disputed), as_of)
                for inv_id, number, cid, cur, issue, due, amount, open_, disputed
                in database.execute_sql(sql, params)]
    held = dict(database.execute_sql(_HELD_SQL.format(held_filter=held_where), params)) \
        if held_checks else {}
    names = _clients(clients, params) if with_client else {}
    blank = ("", "", "")
    return [OpenInvoice(inv_id, number, cid, cur, dates[issue], dates[due], amount, open_,
                        bool(disputed), as_of, *names.get(cid, blank), held.get(inv_id, 0))
            for inv_id, number, cid, cur, issue, due, amount, open_, disputed
            in database.execute_sql(sql, params)]


def _clients(clients: list[int] | None, params: dict) -> dict[int, tuple[str, str, str]]:
    marks = ",".join(f":c{k}" for k in range(len(clients or ())))
    where = "" if clients is None else f"WHERE id IN ({marks})"
    return {cid: (name, kind, status) for cid, name, kind, status
            in database.execute_sql(_CLIENTS_SQL.format(where=where), params)}
