"""The SQL behind the invoices screen (every client): a sorted, filtered id list and the
rows for a page of ids. On a million invoices the id list takes up to a second or two,
so the screen asks for it off the UI thread. No Qt here."""
from __future__ import annotations

import datetime as dt

from models.common.text import document_number_key, search_key
from models.db.connection import database
from models.queries.client_list import (
    INVOICE_LINE_COLUMNS,
    PAGE_SIZE,
    InvoiceLine,
    invoice_line,
    like_pattern,
)

INVOICE_STATES = ("all", "open", "overdue", "disputed", "paid", "cancelled")
# What is paid on an invoice today (allocations not reversed), kept on the row by the
# triggers of migration 0005: the state filters and the "open" sort read it without
# summing allocations per row (the "open" filter took 8 s on a million invoices); the
# `paid_agorot <> amount_agorot` term lets SQLite read the open ones from the partial
# index invoice_unpaid instead of every invoice.
_UNPAID = "i.paid_agorot <> i.amount_agorot AND i.amount_agorot > i.paid_agorot"
INVOICE_SORT_SQL = {
    "number": "i.number_key",
    "client": "c.search_key",
    "issue_date": "i.issue_date",
    "due_date": "i.due_date",
    "amount": "i.amount_agorot",
    "open": "(CASE WHEN i.cancelled_date IS NULL THEN i.amount_agorot - i.paid_agorot ELSE 0 END)",
}
_STATE_SQL = {
    "all": "",
    "open": f"i.cancelled_date IS NULL AND {_UNPAID}",
    "overdue": f"i.cancelled_date IS NULL AND i.due_date < :d AND {_UNPAID}",
    "disputed": "i.cancelled_date IS NULL AND i.is_disputed",
    "paid": "i.cancelled_date IS NULL AND i.amount_agorot <= i.paid_agorot",
    "cancelled": "i.cancelled_date IS NOT NULL",
}
_UNPAID_STATES = ("open", "overdue")


def invoice_ids(as_of: dt.date, *, search: str = "", client_id: int | None = None,
                state: str = "all", sort: str = "issue_date",
                descending: bool = True) -> list[int]:
    """Ids of the invoices that match, sorted in SQL (ties: newest id first/last)."""
    if state not in _STATE_SQL:
        raise ValueError(f"unknown invoice state {state!r}")
    clauses, params = [], {"d": as_of.isoformat()}
    if _STATE_SQL[state]:
        clauses.append(_STATE_SQL[state])
    if client_id is not None:
        clauses.append("i.client_id = :client")
        params["client"] = client_id
    key = search_key(search or "")
    if key:
        clauses.append("(i.number_key LIKE :number ESCAPE '\\' OR c.search_key LIKE :name "
                       "ESCAPE '\\' OR lower(i.description) LIKE :name ESCAPE '\\')")
        params["number"] = like_pattern(document_number_key(search))
        params["name"] = like_pattern(key)
    column = INVOICE_SORT_SQL.get(sort, INVOICE_SORT_SQL["issue_date"])
    direction = "DESC" if descending else "ASC"
    # The client join is needed only to search or sort by the client's name.
    join = "JOIN client c ON c.id = i.client_id" if (key or sort == "client") else ""
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    # Left alone, SQLite walks the issue-date index to skip the sort: a million lookups.
    hint = "INDEXED BY invoice_unpaid" if state in _UNPAID_STATES and client_id is None else ""
    sql = (f"SELECT i.id FROM invoice i {hint} {join}{where} "
           f"ORDER BY {column} {direction}, i.id {direction}")
    return [row[0] for row in database.execute_sql(sql, params)]


def invoice_rows(ids: list[int], as_of: dt.date) -> dict[int, tuple[InvoiceLine, int, str]]:
    """(line, client id, client name) for each id, paid and open as of the date: one
    statement per PAGE_SIZE ids."""
    result = {}
    for start in range(0, len(ids), PAGE_SIZE):
        page = ids[start:start + PAGE_SIZE]
        params = {"d": as_of.isoformat(), **{f"i{k}": v for k, v in enumerate(page)}}
        marks = ",".join(f":i{k}" for k in range(len(page)))
        sql = (f"SELECT {INVOICE_LINE_COLUMNS}, c.id, c.name FROM invoice i "
               f"JOIN client c ON c.id = i.client_id WHERE i.id IN ({marks})")
        for row in database.execute_sql(sql, params):
            result[row[0]] = (invoice_line(row[:11], as_of), row[11], row[12])
    return result
