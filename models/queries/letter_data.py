"""The database side of the letters: what a letter shows and who gets one in an `--all`
run, read for many clients in a few statements (reports.letter_data assembles the rows,
reports.batch chooses the clients).

Figures are as of a date D by the rules of models.ledger.open_as_of, whose pieces every
statement here is built from: an invoice counts when issued by D and not cancelled by D;
its open amount is what its counted allocations leave; a payment counts from its
effective date (a post-dated check's own date) until it bounced.

Each function over a list of client ids asks the database once per chunk of CHUNK ids;
none asks per client or per row.

Public API:
    CHUNK; chunks(ids)
    letter_clients(ids) -> {id: LetterClient}
    open_invoices(ids, as_of) -> [OpenInvoice]           open as of D, by client and due date
    movements(ids, as_of) -> [MovementRow]               statement movements dated by D
    overdue_clients(as_of), balances(as_of), recent_payers(since, as_of), client_kinds()
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Iterable, Iterator, NamedTuple

from models.db.connection import database
from models.ledger.clients import Client
from models.ledger.invoices import FEE_KIND
from models.ledger.open_as_of import (
    ALL_CLIENTS,
    COUNTED_INVOICE,
    MONEY_COUNTS_FROM,
    OPEN_AS_OF,
    RECEIVED_SUMS,
    can_be_open,
)
from models.ledger.open_invoice import OpenInvoice, invoices_open_as_of

CHUNK = 500  # SQLite's host-parameter limit is far above; keeps statements small


def chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """The ids without repeats, in order, CHUNK at a time."""
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), CHUNK):
        yield unique[start:start + CHUNK]


def _id_params(ids: list[int], d: dt.date | None = None) -> tuple[str, dict]:
    """`:c0,:c1,…` for an IN list, and the parameters (with `:d` when given)."""
    params: dict = {f"c{k}": cid for k, cid in enumerate(ids)}
    if d is not None:
        params["d"] = d.isoformat()
    return ",".join(f":c{k}" for k in range(len(ids))), params


class LetterClient(NamedTuple):
    client_id: int
    name: str
    is_person: bool
    address: str
    city: str
    zip: str
    terms: str           # '' : the business default
    contact_name: str    # the first contact person entered, or ''
    gender: str = "unknown"
    salutation: str = ""
    country: str = "IL"
    letter_language: str = "he"


# The statement's movements come as SQLite returns them, dates as ISO text: a batch of
# statements reads a hundred thousand movements, and the caller builds its own objects
# from them anyway; rebuilding each row here first (typed, with dates) cost it about a
# tenth more time to load a batch. The open invoices are the ledger's OpenInvoice rows.
#
# movements: (client_id, currency, date, kind, label, extra, amount_agorot), where kind
#            is invoice, fee (a fee line, such as the bank's fee for a bounced check),
#            payment, bounced or credit; label the invoice, fee line or credit note
#            number or the payment method code; extra a payment's check number or
#            reference, a credit note's reason, a fee line's description
MovementRow = tuple


def letter_clients(client_ids: Iterable[int]) -> dict[int, LetterClient]:
    """Name, kind, address, terms and contact person of each client that exists."""
    result: dict[int, LetterClient] = {}
    for ids in chunks(client_ids):
        marks, params = _id_params(ids)
        contacts = dict(database.execute_sql(
            f"SELECT client_id, name FROM contact_person WHERE client_id IN ({marks}) "
            "ORDER BY id DESC", params))  # the last row per client, the first entered, wins
        for cid, name, kind, address, city, zip_, terms, *addressing in database.execute_sql(
                f"SELECT id, name, kind, address, city, zip, terms, gender, salutation, "
                f"country, letter_language FROM client WHERE id IN ({marks})", params):
            result[cid] = LetterClient(cid, name, kind == "person", address, city, zip_,
                                       terms or "", contacts.get(cid, ""), *addressing)
    return result


def open_invoices(client_ids: Iterable[int], as_of: dt.date) -> list[OpenInvoice]:
    """The invoices open as of `as_of`, by client, then due date, issue date and number."""
    return invoices_open_as_of(as_of, client_ids=client_ids, in_order=True)


# Every movement of the statement: counted invoices and fee lines, payments on the day
# their money counts, a bounced payment again (a debit) on the day it bounced, credit
# notes with their reason.
_MOVEMENTS_SQL = f"""
SELECT client_id, currency, d, kind, label, extra, amount FROM (
    SELECT i.client_id, i.currency, i.issue_date AS d,
           CASE WHEN i.kind = '{FEE_KIND}' THEN 'fee' ELSE 'invoice' END AS kind,
           i.number AS label,
           CASE WHEN i.kind = '{FEE_KIND}' THEN i.description ELSE '' END AS extra,
           i.amount_agorot AS amount
    FROM invoice i
    WHERE i.client_id IN ({{ids}}) AND {COUNTED_INVOICE}
    UNION ALL
    SELECT client_id, currency, {MONEY_COUNTS_FROM},
           'payment', method, COALESCE(NULLIF(check_number, ''), reference, ''), amount_agorot
    FROM payment WHERE client_id IN ({{ids}})
    UNION ALL
    SELECT client_id, currency, bounced_date, 'bounced', method,
           COALESCE(NULLIF(check_number, ''), reference, ''), amount_agorot
    FROM payment WHERE client_id IN ({{ids}}) AND bounced_date IS NOT NULL
    UNION ALL
    SELECT client_id, currency, date, 'credit', number, reason, amount_agorot
    FROM credit_note WHERE client_id IN ({{ids}}) AND date <= :d) AS movement
WHERE d <= :d
ORDER BY client_id, currency, d, CASE kind WHEN 'invoice' THEN 0 ELSE 1 END, label
"""


def movements(client_ids: Iterable[int], as_of: dt.date) -> list[MovementRow]:
    """The statement movements dated by `as_of`, by client, currency and date (invoices
    first on a day)."""
    rows: list[MovementRow] = []
    for ids in chunks(client_ids):
        marks, params = _id_params(ids, as_of)
        rows += database.execute_sql(_MOVEMENTS_SQL.format(ids=marks), params).fetchall()
    return rows


# ---- who gets a letter in an --all run ----------------------------------------------

_OVERDUE_CLIENTS_SQL = f"""
SELECT client_id, MAX(due_date) FROM ({can_be_open(
    f"i.client_id, i.due_date, {OPEN_AS_OF} AS open_agorot",
    f"{COUNTED_INVOICE} AND i.due_date < :d AND i.is_disputed = 0")}) AS can_be_open
WHERE open_agorot > 0
GROUP BY client_id
""".format(**ALL_CLIENTS)

_BALANCE_SQL = f"""
SELECT client_id, currency, SUM(amount) FROM (
    SELECT i.client_id, i.currency, SUM(i.amount_agorot) AS amount
    FROM invoice i INDEXED BY invoice_client_currency
    WHERE {COUNTED_INVOICE}
    GROUP BY i.client_id, i.currency
    UNION ALL
    SELECT client_id, currency, -amount FROM ({RECEIVED_SUMS.format(client_filter="")}) AS received
    ) AS balance
GROUP BY client_id, currency
"""


def overdue_clients(as_of: dt.date) -> dict[int, dt.date]:
    """Clients with an undisputed open invoice past due -> their latest such due date."""
    return {cid: dt.date.fromisoformat(due)
            for cid, due in database.execute_sql(_OVERDUE_CLIENTS_SQL, {"d": as_of.isoformat()})}


def balances(as_of: dt.date) -> dict[int, dict[str, int]]:
    """Client -> currency -> balance (invoices - payments - credit notes) as of the date."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for cid, currency, amount in database.execute_sql(
            _BALANCE_SQL, {"d": as_of.isoformat()}):
        out[cid][currency] = int(amount)
    return dict(out)


def recent_payers(since: dt.date, as_of: dt.date) -> set[int]:
    """Clients who made a payment received after `since` and by `as_of`, not bounced by then."""
    rows = database.execute_sql(
        "SELECT DISTINCT client_id FROM payment WHERE date > :since AND date <= :d "
        "AND (bounced_date IS NULL OR bounced_date > :d)",
        {"since": since.isoformat(), "d": as_of.isoformat()})
    return {cid for (cid,) in rows}


def client_kinds() -> dict[int, str]:
    """Client id -> kind (models.ledger.clients.CLIENT_KINDS) for every client."""
    return dict(Client.select(Client.id, Client.kind).tuples())
