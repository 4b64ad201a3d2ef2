"""The SQL behind the clients screens: sorted and filtered id lists, rows for a page of
ids, the per-client money summary of the list, and a client's invoice and payment lines.

The list follows Anki's browser: the screen asks for the ordered ids (cheap: 20,000 ids
in ~10 ms), then fetches rows only for what is visible. The money summary needs one pass
over every invoice, so the screen computes it once in the background and sorts the id list
it already has by it. No Qt here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from models.common.text import search_key
from models.db.connection import database
from models.ledger.clients import CLIENT_STATUSES
from models.ledger.open_as_of import (
    ALL_CLIENTS,
    COUNTED_INVOICE,
    ONE_CLIENT,
    OPEN_AS_OF,
    PENDING_UNTIL,
    RECEIVED_SUMS,
    can_be_open,
)
from models.ledger.invoices import invoice_state_text

CLIENT_SORT_SQL = {
    "name": "c.search_key",
    "phone": "c.phone",
    "city": "c.city",
    "status": "c.status",
}
SUMMARY_SORTS = ("open", "overdue", "oldest_days")
PAGE_SIZE = 200  # well under SQLite's 999 bound variables


@dataclass(frozen=True)
class ClientRow:
    id: int
    name: str
    phone: str
    city: str
    status: str
    kind: str


def like_pattern(text: str) -> str:
    """`%text%` for LIKE … ESCAPE '\\', with the user's own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _client_filter(search: str, status: str | None) -> tuple[str, list]:
    clauses, params = [], []
    key = search_key(search or "")
    if key:
        pattern = like_pattern(key)
        digits = "".join(ch for ch in key if ch.isdigit())
        parts = ["c.search_key LIKE ? ESCAPE '\\'", "lower(c.city) LIKE ? ESCAPE '\\'",
                 "lower(c.email) LIKE ? ESCAPE '\\'",
                 "lower(c.external_id) LIKE ? ESCAPE '\\'"]
        params += [pattern] * 4
        if len(digits) >= 3:
            # Phones are stored as typed (050-1234567): compare digits with digits.
            parts += ["replace(replace(c.phone, '-', ''), ' ', '') LIKE ? ESCAPE '\\'",
                      "c.tax_id LIKE ? ESCAPE '\\'"]
            params += [like_pattern(digits)] * 2
        clauses.append("(" + " OR ".join(parts) + ")")
    if status:
        if status not in CLIENT_STATUSES:
            raise ValueError(f"unknown client status {status!r}")
        clauses.append("c.status = ?")
        params.append(status)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def client_ids(search: str = "", *, sort: str = "name", descending: bool = False,
               status: str | None = None) -> list[int]:
    """Ids of the clients matching `search` (name, city, e-mail, phone, ID number), sorted
    in SQL by `sort` (a key of CLIENT_SORT_SQL; summary sorts use `sort_by_summary`)."""
    where, params = _client_filter(search, status)
    column = CLIENT_SORT_SQL.get(sort, CLIENT_SORT_SQL["name"])
    direction = "DESC" if descending else "ASC"
    sql = f"SELECT c.id FROM client c{where} ORDER BY {column} {direction}, c.id {direction}"
    return [row[0] for row in database.execute_sql(sql, params)]


def client_rows(ids: list[int]) -> dict[int, ClientRow]:
    """The list's text columns for these ids (one statement per PAGE_SIZE ids)."""
    result = {}
    for start in range(0, len(ids), PAGE_SIZE):
        page = ids[start:start + PAGE_SIZE]
        marks = ",".join("?" * len(page))
        for row in database.execute_sql(
                f"SELECT id, name, phone, city, status, kind FROM client WHERE id IN ({marks})",
                page):
            result[row[0]] = ClientRow(*row)
    return result


# ---- the money summary of the list ---------------------------------------------------

@dataclass
class ClientSummary:
    """What a client owes as of a date, per currency (currencies are never added up)."""
    client_id: int
    open_agorot: dict[str, int] = field(default_factory=dict)  # open invoices minus credit
    overdue_agorot: dict[str, int] = field(default_factory=dict)
    credit_agorot: dict[str, int] = field(default_factory=dict)
    oldest_due_date: dt.date | None = None
    oldest_overdue_days: int = 0

    def sort_value(self, what: str) -> tuple:
        """Shekels first (what most users bill in), then the other currencies' sum."""
        if what == "oldest_days":
            return (self.oldest_overdue_days,)
        amounts = self.open_agorot if what == "open" else self.overdue_agorot
        return (amounts.get("ILS", 0), sum(v for k, v in amounts.items() if k != "ILS"))


# Same open-amount rule as models.queries.aging (allocations applied by D and not reversed by D,
# invoices issued by D and not cancelled by D), computed aging's way: what was invoiced
# is summed straight from the covering index invoice_client_currency, and open, overdue
# and the oldest overdue due date only over the invoices that can be open as of D (the
# partial index invoice_unpaid plus those changed after D: migration 0005, OPEN_AS_OF).
# What was paid follows: invoiced - open.
_COUNTED = COUNTED_INVOICE
_OPEN_PART = can_be_open(f"i.client_id, i.currency, i.due_date, {OPEN_AS_OF} AS open_agorot",
                         f"{_COUNTED} {{client_filter}}")
_SUMMARY_SQL = f"""
SELECT client_id, currency, SUM(invoiced), SUM(open_agorot), SUM(overdue), MIN(oldest) FROM (
    SELECT i.client_id, i.currency, SUM(i.amount_agorot) AS invoiced, 0 AS open_agorot,
           0 AS overdue, NULL AS oldest
    FROM invoice i INDEXED BY invoice_client_currency
    WHERE {_COUNTED} {{client_filter}}
    GROUP BY i.client_id, i.currency
    UNION ALL
    SELECT client_id, currency, 0, SUM(open_agorot),
           SUM(CASE WHEN due_date < :d THEN open_agorot ELSE 0 END),
           MIN(CASE WHEN due_date < :d AND open_agorot > 0 THEN due_date END)
    FROM ({_OPEN_PART}) AS can_be_open
    WHERE open_agorot <> 0
    GROUP BY client_id, currency) AS sums
GROUP BY client_id, currency
"""

# Money received by D (a post-dated check counts from its own date; a bounced one stops
# counting when it bounced) and credit notes: what is not allocated is credit on account.
# Each source is summed on its own covering index, already in (client, currency) order,
# so only the sums meet in the outer GROUP BY (as models.queries.aging does): sorting 1.5 million
# payment rows instead took a second.
_RECEIVED_SQL = """
SELECT client_id, currency, SUM(amount) FROM (""" + RECEIVED_SUMS + """) AS received
GROUP BY client_id, currency
"""


def client_summaries(as_of: dt.date, client_id: int | None = None) -> dict[int, ClientSummary]:
    """Open balance, overdue amount and oldest overdue days of every client (or one) as of
    `as_of`, in two statements. Clients with nothing open and no credit are left out."""
    params = {"d": as_of.isoformat()}
    hints = {"client_filter": "", **ALL_CLIENTS}
    received_filter = ""
    if client_id is not None:
        params["client"] = client_id
        hints = {"client_filter": "AND i.client_id = :client", **ONE_CLIENT}
        received_filter = "AND client_id = :client"
    summaries: dict[int, ClientSummary] = {}
    paid: dict[tuple[int, str], int] = {}
    for cid, currency, invoiced, open_agorot, overdue, oldest in database.execute_sql(
            _SUMMARY_SQL.format(**hints), params):
        summary = summaries.setdefault(cid, ClientSummary(cid))
        if open_agorot:
            summary.open_agorot[currency] = open_agorot
        if overdue:
            summary.overdue_agorot[currency] = overdue
        if oldest:
            oldest_date = dt.date.fromisoformat(oldest)
            if summary.oldest_due_date is None or oldest_date < summary.oldest_due_date:
                summary.oldest_due_date = oldest_date
                summary.oldest_overdue_days = (as_of - oldest_date).days
        paid[cid, currency] = invoiced - open_agorot
    for cid, currency, received in database.execute_sql(
            _RECEIVED_SQL.format(client_filter=received_filter), params):
        credit = received - paid.get((cid, currency), 0)
        if credit > 0:
            summary = summaries.setdefault(cid, ClientSummary(cid))
            summary.credit_agorot[currency] = credit
            summary.open_agorot[currency] = summary.open_agorot.get(currency, 0) - credit
    return {cid: s for cid, s in summaries.items()
            if any(s.open_agorot.values()) or s.credit_agorot}


def sort_by_summary(ids: list[int], summaries: dict[int, ClientSummary], what: str,
                    descending: bool = False) -> list[int]:
    """Order an id list by a summary column (ties keep the list's order, stable)."""
    empty = ClientSummary(0).sort_value(what)
    return sorted(ids, key=lambda cid: summaries[cid].sort_value(what) if cid in summaries
                  else empty, reverse=descending)


# ---- one client's invoices and payments (the client card) ----------------------------

@dataclass(frozen=True)
class InvoiceLine:
    id: int
    number: str
    kind: str
    issue_date: dt.date
    due_date: dt.date
    amount_agorot: int
    currency: str
    paid_agorot: int   # as of the date
    open_agorot: int
    days_overdue: int  # 0 when not overdue or nothing open
    is_disputed: bool
    cancelled_date: dt.date | None  # when cancelled by the date
    description: str
    # checks in hand cover all that is open (open_as_of.PENDING_ON_CHECKS): the latest
    # date on them, when the invoice will be paid
    pending_until: dt.date | None = None

    @property
    def state(self) -> str:
        """cancelled | paid | pending | disputed | overdue | open."""
        if self.cancelled_date:
            return "cancelled"
        if self.open_agorot <= 0:
            return "paid"
        if self.pending_until is not None:
            return "pending"
        if self.is_disputed:
            return "disputed"
        return "overdue" if self.days_overdue > 0 else "open"

    @property
    def state_text(self) -> str:
        """The state in words, as every screen shows it ("Pending until 05/01")."""
        return invoice_state_text(self.state, self.pending_until)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def invoice_line(row: tuple, as_of: dt.date) -> InvoiceLine:
    (inv_id, number, kind, issue, due, amount, currency, paid, disputed, cancelled,
     description, pending_until) = row
    due_date = dt.date.fromisoformat(due)
    # Cancelled as of the date, as the open-as-of rule counts it: a cancellation dated
    # later leaves the invoice open until then.
    cancelled_date = _date(cancelled) if cancelled and cancelled <= as_of.isoformat() else None
    open_agorot = 0 if cancelled_date else amount - paid
    days = (as_of - due_date).days if open_agorot > 0 else 0
    return InvoiceLine(inv_id, number, kind, dt.date.fromisoformat(issue), due_date, amount,
                       currency, paid, open_agorot, max(days, 0), bool(disputed),
                       cancelled_date, description,
                       None if cancelled_date else _date(pending_until))


# Paid as of :d by the one rule (models.ledger.open_as_of): a post-dated check pays from
# its own date, a bounced one no longer. Reads the kept paid_agorot unless the invoice's
# allocations changed after :d; so does the date checks in hand will pay it on.
INVOICE_LINE_COLUMNS = f"""i.id, i.number, i.kind, i.issue_date, i.due_date, i.amount_agorot,
    i.currency, i.amount_agorot - ({OPEN_AS_OF}), i.is_disputed, i.cancelled_date,
    i.description, {PENDING_UNTIL}"""
INVOICE_LINE_WIDTH = 12  # the columns above


def client_invoices(client_id: int, as_of: dt.date) -> list[InvoiceLine]:
    """All of a client's invoices, newest first, with paid and open amounts as of the date
    (the paid ones too: the client card lists them)."""
    sql = (f"SELECT {INVOICE_LINE_COLUMNS} FROM invoice i WHERE i.client_id = :client "
           "ORDER BY i.issue_date DESC, i.id DESC")
    return [invoice_line(row, as_of) for row in database.execute_sql(
        sql, {"client": client_id, "d": as_of.isoformat()})]


@dataclass(frozen=True)
class PaymentLine:
    id: int
    date: dt.date
    amount_agorot: int
    currency: str
    method: str
    reference: str
    check_number: str
    check_date: dt.date | None
    bounced_date: dt.date | None
    allocated_agorot: int
    applied_to: tuple[tuple[str, int], ...]  # (invoice number, agorot), as allocated
    # A check that came back: why (a BOUNCE_REASONS code and the user's note:
    # models.contact.bounces.reason_text puts them in words) and the bank's fee line
    # added to the debt (its number and amount, in shekels; '' and 0 when none).
    bounce_reason: str = ""
    bounce_note: str = ""
    bounce_fee_number: str = ""
    bounce_fee_agorot: int = 0
    created_by: str = ""  # who recorded it (migration 0014); '' for payments made before

    @property
    def credit_agorot(self) -> int:
        """What of this payment is left as credit on account (none once it bounced)."""
        return 0 if self.bounced_date else self.amount_agorot - self.allocated_agorot


def client_payments(client_id: int) -> list[PaymentLine]:
    """A client's payments, newest first, each with the invoices it was applied to."""
    applied: dict[int, list[tuple[str, int]]] = {}
    for payment_id, number, amount in database.execute_sql(
            "SELECT a.payment_id, i.number, a.amount_agorot FROM allocation a "
            "JOIN invoice i ON i.id = a.invoice_id JOIN payment p ON p.id = a.payment_id "
            "WHERE p.client_id = ? ORDER BY a.id", (client_id,)):
        applied.setdefault(payment_id, []).append((number, amount))
    lines = []
    for (pid, day, amount, currency, method, reference, check_number, check_date,
         bounced, reason, note, fee_number, fee_agorot, created_by) in database.execute_sql(
            "SELECT p.id, p.date, p.amount_agorot, p.currency, p.method, "
            "COALESCE(p.reference, ''), p.check_number, p.check_date, p.bounced_date, "
            "p.bounce_reason, p.bounce_note, COALESCE(f.number, ''), "
            "COALESCE(f.amount_agorot, 0), p.created_by FROM payment p "
            "LEFT JOIN invoice f ON f.id = p.bounce_fee_invoice_id WHERE p.client_id = ? "
            "ORDER BY p.date DESC, p.id DESC", (client_id,)):
        parts = tuple(applied.get(pid, ()))
        lines.append(PaymentLine(pid, dt.date.fromisoformat(day), amount, currency, method,
                                 reference, check_number, _date(check_date), _date(bounced),
                                 sum(a for _, a in parts), parts, reason or "", note or "",
                                 fee_number, fee_agorot, created_by))
    return lines


@dataclass(frozen=True)
class CreditNoteLine:
    id: int
    number: str
    date: dt.date
    amount_agorot: int
    currency: str
    reason: str
    applied_to: tuple[tuple[str, int], ...]  # (invoice number, agorot), as allocated

    @property
    def credit_agorot(self) -> int:
        """What of the note no invoice took: credit on account, as an overpayment."""
        return self.amount_agorot - sum(amount for _, amount in self.applied_to)


def client_credit_notes(client_id: int) -> list[CreditNoteLine]:
    """A client's credit notes, newest first, each with the invoices it was applied to
    (models.ledger.services.add_credit_note wrote the allocations)."""
    applied: dict[int, list[tuple[str, int]]] = {}
    for note_id, number, amount in database.execute_sql(
            "SELECT a.credit_note_id, i.number, a.amount_agorot FROM allocation a "
            "JOIN invoice i ON i.id = a.invoice_id "
            "JOIN credit_note n ON n.id = a.credit_note_id "
            "WHERE n.client_id = ? ORDER BY a.id", (client_id,)):
        applied.setdefault(note_id, []).append((number, amount))
    return [CreditNoteLine(nid, number, dt.date.fromisoformat(day), amount, currency,
                           reason or "", tuple(applied.get(nid, ())))
            for nid, number, day, amount, currency, reason in database.execute_sql(
                "SELECT id, number, date, amount_agorot, currency, reason FROM credit_note "
                "WHERE client_id = ? ORDER BY date DESC, id DESC", (client_id,))]


def client_choices() -> list[tuple[int, str]]:
    """(id, name) of every client that is not closed, by name: for pickers."""
    return list(database.execute_sql(
        "SELECT id, name FROM client WHERE status != 'closed' ORDER BY search_key, id"))


def contact_persons(client_id: int) -> list:
    """A client's contact persons, by name."""
    from models.ledger.clients import ContactPerson

    return list(ContactPerson.select().where(ContactPerson.client == client_id)
                .order_by(ContactPerson.name, ContactPerson.id))


def get_payment(payment_id: int):
    from models.ledger.payments import Payment

    return Payment.get_or_none(Payment.id == payment_id)
