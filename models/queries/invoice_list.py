"""The SQL behind the invoices screen (every client): a sorted, filtered id list and the
rows for a page of ids. On a million invoices the id list takes up to a second or two,
so the screen asks for it off the UI thread. No Qt here."""
from __future__ import annotations

import datetime as dt

from models.common.text import document_number_key, search_key
from models.db.connection import database
from models.ledger.open_as_of import (
    ALL_CLIENTS,
    ONE_CLIENT,
    OPEN_AS_OF,
    PENDING_ON_CHECKS,
    can_be_open_parts,
)
from models.queries.client_list import (
    INVOICE_LINE_COLUMNS,
    INVOICE_LINE_WIDTH,
    PAGE_SIZE,
    InvoiceLine,
    invoice_line,
    like_pattern,
)

INVOICE_STATES = ("all", "open", "overdue", "pending", "disputed", "paid", "cancelled")
# Each state is asked as of the day by the one rule (models.ledger.open_as_of), so the list
# shows what the client card shows: a post-dated check not yet due leaves its invoice open
# ("pending", not "paid"). The kept paid_agorot / paid_changed_date of migration 0005 make
# it cheap: only an invoice changed after the day has its allocations summed, and the open
# ones are read from the two partial indexes (the not-paid-in-full ones, and those changed
# after the day) instead of every invoice — the "open" filter took 8 s on a million
# invoices when it summed allocations per row.
_LIVE = "i.cancelled_date IS NULL"
_OPEN = f"({OPEN_AS_OF}) > 0"
INVOICE_SORT_SQL = {
    "number": "i.number_key",
    "client": "c.search_key",
    "issue_date": "i.issue_date",
    "due_date": "i.due_date",
    "amount": "i.amount_agorot",
    "open": f"(CASE WHEN {_LIVE} THEN {OPEN_AS_OF} ELSE 0 END)",
}
# "open" and "overdue" are read through the two parts of can_be_open (OPEN_STATES).
_STATE_SQL = {
    "all": "",
    "open": f"{_LIVE} AND {_OPEN}",
    "overdue": f"{_LIVE} AND i.due_date < :d AND {_OPEN}",
    "pending": f"{_LIVE} AND i.paid_changed_date > :d AND {PENDING_ON_CHECKS}",
    "disputed": f"{_LIVE} AND i.is_disputed <> 0",
    "paid": f"{_LIVE} AND NOT {_OPEN}",
    "cancelled": "i.cancelled_date IS NOT NULL",
}
_OPEN_STATES = ("open", "overdue")


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
    if state in _OPEN_STATES:
        # Left alone, SQLite walks the issue-date index to skip the sort: a million lookups.
        hints = ALL_CLIENTS if client_id is None else ONE_CLIENT
        parts = can_be_open_parts(f"i.id AS id, {column} AS sort_key", " AND ".join(clauses))
        sql = "\n UNION ALL ".join(
            part.format(unpaid_index=f"{hints['unpaid_index']} {join}",
                        changed_index=f"{hints['changed_index']} {join}") for part in parts)
        sql = f"SELECT id FROM ({sql}) AS can_be_open ORDER BY sort_key {direction}, id {direction}"
    else:
        hint = "INDEXED BY invoice_paid_changed" if state == "pending" else ""
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
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
            width = INVOICE_LINE_WIDTH
            result[row[0]] = (invoice_line(row[:width], as_of), row[width], row[width + 1])
    return result
