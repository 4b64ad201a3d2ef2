"""What a letter needs from the database, loaded for many clients in a few statements.

Figures are as of a date D, with the same rules as models.aging: an invoice counts when
issued by D and not cancelled by D; a payment when its effective date (a post-dated
check's own date) is by D and it had not bounced by D; allocations likewise.

Public API:
    load_letter_data(client_ids, as_of, with_interest=True) -> dict[client_id, ClientLetterData]
    overdue_clients(as_of), balances(as_of), recent_payers(since, as_of), client_kinds(),
    latest_letters(kind, as_of)                     the set queries behind `--all`
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from models.db import database
from models.deposits import DepositLine, open_deposit_lines
from models.interest import InterestStatement, amounts_due_with_interest, load_late_payment_terms
from models.payments import PAYMENT_METHODS

_CHUNK = 500  # SQLite host-parameter limit is far above; keeps statements small


@dataclass(frozen=True)
class InvoiceLine:
    number: str
    issue_date: dt.date
    due_date: dt.date
    amount_agorot: int
    open_agorot: int
    currency: str
    days_overdue: int
    is_disputed: bool


@dataclass(frozen=True)
class StatementEntry:
    date: dt.date
    description: str
    debit_agorot: int  # raises what the client owes
    credit_agorot: int  # lowers it


@dataclass
class ClientLetterData:
    client_id: int
    name: str
    is_person: bool
    address: str
    city: str
    zip: str
    contact_name: str = ""
    invoices: list[InvoiceLine] = field(default_factory=list)  # open as of D
    # currency -> movements dated by D (the statement splits them at its period start)
    movements: dict[str, list[StatementEntry]] = field(default_factory=dict)
    last_payment_date: dt.date | None = None
    terms: str = ""  # the client's own payment terms ('' : the business default)
    deposits: list[DepositLine] = field(default_factory=list)  # awaited as of D
    # contractual interest on the overdue invoices as of D; None when no rate is set
    interest: InterestStatement | None = None

    @property
    def overdue(self) -> list[InvoiceLine]:
        """Open invoices past their due date; disputed ones are not demanded."""
        return [i for i in self.invoices if i.days_overdue > 0 and not i.is_disputed]

    def balance(self, currency: str) -> int:
        return sum(e.debit_agorot - e.credit_agorot for e in self.movements.get(currency, []))


_OPEN_SQL = """
WITH applied AS MATERIALIZED (
    SELECT a.invoice_id, SUM(a.amount_agorot) AS paid
    FROM allocation a JOIN invoice i ON i.id = a.invoice_id
    WHERE i.client_id IN ({ids}) AND a.applied_date <= ?
      AND (a.reversed_date IS NULL OR a.reversed_date > ?)
    GROUP BY a.invoice_id)
SELECT i.client_id, i.number, i.issue_date, i.due_date, i.amount_agorot,
       i.amount_agorot - COALESCE(ap.paid, 0), i.currency, i.is_disputed
FROM invoice i LEFT JOIN applied ap ON ap.invoice_id = i.id
WHERE i.client_id IN ({ids}) AND i.issue_date <= ?
  AND (i.cancelled_date IS NULL OR i.cancelled_date > ?)
  AND i.amount_agorot - COALESCE(ap.paid, 0) > 0
ORDER BY i.client_id, i.due_date, i.issue_date, i.number
"""

_MOVEMENTS_SQL = """
SELECT client_id, currency, d, kind, label, extra, amount FROM (
    SELECT client_id, currency, issue_date AS d, 'invoice' AS kind, number AS label,
           '' AS extra, amount_agorot AS amount
    FROM invoice
    WHERE client_id IN ({ids}) AND issue_date <= ?
      AND (cancelled_date IS NULL OR cancelled_date > ?)
    UNION ALL
    SELECT client_id, currency, CASE WHEN check_date > date THEN check_date ELSE date END,
           'payment', method, COALESCE(NULLIF(check_number, ''), reference, ''), amount_agorot
    FROM payment WHERE client_id IN ({ids})
    UNION ALL
    SELECT client_id, currency, bounced_date, 'bounced', method,
           COALESCE(NULLIF(check_number, ''), reference, ''), amount_agorot
    FROM payment WHERE client_id IN ({ids}) AND bounced_date IS NOT NULL
    UNION ALL
    SELECT client_id, currency, date, 'credit', number, '', amount_agorot
    FROM credit_note WHERE client_id IN ({ids}) AND date <= ?)
WHERE d <= ?
ORDER BY client_id, currency, d, CASE kind WHEN 'invoice' THEN 0 ELSE 1 END, label
"""


def _chunks(ids: list[int]):
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _entry(kind: str, date: dt.date, label: str, extra: str, amount: int) -> StatementEntry:
    if kind == "invoice":
        return StatementEntry(date, f"חשבונית {label}", amount, 0)
    if kind == "credit":
        return StatementEntry(date, f"זיכוי {label}", 0, amount)
    method = PAYMENT_METHODS.get(label, label)
    suffix = f" {extra}" if extra else ""
    if kind == "bounced":
        return StatementEntry(date, f"{method}{suffix} חזר", amount, 0)
    return StatementEntry(date, f"תשלום – {method}{suffix}", 0, amount)


def load_letter_data(client_ids: list[int], as_of: dt.date, *,
                     with_interest: bool = True) -> dict[int, ClientLetterData]:
    """Client details, open invoices and movements by `as_of`, for each client id.

    with_interest=False skips the contractual interest (a fifth of the loading time) for
    letters that do not show it."""
    conn = database.obj.connection()
    result: dict[int, ClientLetterData] = {}
    d = as_of.isoformat()
    late_terms = load_late_payment_terms()
    for ids in _chunks(list(dict.fromkeys(client_ids))):
        marks = ",".join("?" * len(ids))
        for cid, name, kind, address, city, zip_, terms in conn.execute(
                f"SELECT id, name, kind, address, city, zip, terms FROM client "
                f"WHERE id IN ({marks})", ids):
            result[cid] = ClientLetterData(cid, name, kind == "person", address, city, zip_,
                                           terms=terms or "")
        for cid, name in conn.execute(
                f"SELECT client_id, name FROM contact_person WHERE client_id IN ({marks}) "
                "ORDER BY id DESC", ids):
            result[cid].contact_name = name  # the first one entered wins
        sql = _OPEN_SQL.format(ids=marks)
        for cid, number, issue, due, amount, open_agorot, currency, disputed in conn.execute(
                sql, [*ids, d, d, *ids, d, d]):
            due_date = dt.date.fromisoformat(due)
            result[cid].invoices.append(InvoiceLine(
                number, dt.date.fromisoformat(issue), due_date, amount, open_agorot, currency,
                (as_of - due_date).days, bool(disputed)))
        sql = _MOVEMENTS_SQL.format(ids=marks)
        for cid, currency, day, kind, label, extra, amount in conn.execute(
                sql, [*ids, d, d, *ids, *ids, *ids, d, d]):
            date = dt.date.fromisoformat(day)
            data = result[cid]
            data.movements.setdefault(currency, []).append(_entry(kind, date, label, extra, amount))
            if kind == "payment":
                data.last_payment_date = max(filter(None, (data.last_payment_date, date)))
        for cid, lines in open_deposit_lines(ids, as_of).items():
            result[cid].deposits = lines
        if with_interest and late_terms.annual_rate_percent:
            for cid, statement in amounts_due_with_interest(ids, as_of,
                                                            terms=late_terms).items():
                if cid in result:
                    result[cid].interest = statement
    return result


# ---- who gets a letter in an --all run ----------------------------------------------

_OVERDUE_CLIENTS_SQL = """
WITH applied AS MATERIALIZED (
    SELECT invoice_id, SUM(amount_agorot) AS paid FROM allocation
    WHERE applied_date <= :d AND (reversed_date IS NULL OR reversed_date > :d)
    GROUP BY invoice_id)
SELECT i.client_id, MAX(i.due_date)
FROM invoice i LEFT JOIN applied ap ON ap.invoice_id = i.id
WHERE i.issue_date <= :d AND (i.cancelled_date IS NULL OR i.cancelled_date > :d)
  AND i.amount_agorot - COALESCE(ap.paid, 0) > 0
  AND i.due_date < :d AND i.is_disputed = 0
GROUP BY i.client_id
"""

_BALANCE_SQL = """
SELECT client_id, currency, SUM(amount) FROM (
    SELECT client_id, currency, amount_agorot AS amount FROM invoice
    WHERE issue_date <= :d AND (cancelled_date IS NULL OR cancelled_date > :d)
    UNION ALL
    SELECT client_id, currency, -amount_agorot FROM payment
    WHERE (CASE WHEN check_date > date THEN check_date ELSE date END) <= :d
      AND (bounced_date IS NULL OR bounced_date > :d)
    UNION ALL
    SELECT client_id, currency, -amount_agorot FROM credit_note WHERE date <= :d)
GROUP BY client_id, currency
"""


def overdue_clients(as_of: dt.date) -> dict[int, dt.date]:
    """Clients with an undisputed open invoice past due -> their latest such due date."""
    conn = database.obj.connection()
    return {cid: dt.date.fromisoformat(due)
            for cid, due in conn.execute(_OVERDUE_CLIENTS_SQL, {"d": as_of.isoformat()})}


def balances(as_of: dt.date) -> dict[int, dict[str, int]]:
    """Client -> currency -> balance (invoices - payments - credit notes) as of the date."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for cid, currency, amount in database.obj.connection().execute(
            _BALANCE_SQL, {"d": as_of.isoformat()}):
        out[cid][currency] = int(amount)
    return dict(out)


def recent_payers(since: dt.date, as_of: dt.date) -> set[int]:
    rows = database.obj.connection().execute(
        "SELECT DISTINCT client_id FROM payment WHERE date > ? AND date <= ? "
        "AND (bounced_date IS NULL OR bounced_date > ?)",
        (since.isoformat(), as_of.isoformat(), as_of.isoformat()))
    return {cid for (cid,) in rows}


def client_kinds() -> dict[int, str]:
    return dict(database.obj.connection().execute("SELECT id, kind FROM client"))


def latest_letters(kind: str, as_of: dt.date) -> dict[int, dt.date]:
    """Client -> the date of its latest letter of `kind` dated by `as_of`."""
    rows = database.obj.connection().execute(
        "SELECT client_id, MAX(letter_date) FROM letter WHERE kind = ? AND letter_date <= ? "
        "GROUP BY client_id", (kind, as_of.isoformat()))
    return {cid: dt.date.fromisoformat(day) for cid, day in rows}
