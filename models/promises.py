"""Promises to pay (הבטחות תשלום): recorded from a contact-log entry, judged from payments.

A promise made on M to pay A by P is judged as of a date D with a grace of G days
(setting `promise_grace_days`, default 3). Its window is M … P + G.

* A payment of the client, in the promise's currency, counts toward it when its effective
  date (a post-dated check: the check's own date) lies in the window and by D, and it has
  not bounced by D. Each payment is used once: payments in date order fill the promises
  whose window holds them, the earliest promised date first; what is left over may
  fill the next promise.
* kept        — the counted payments reach A (possibly before P).
* pending     — not yet reached and D ≤ P + G: the debtor still has time.
* partly_kept — D > P + G and something, but less than A, came in the window.
* broken      — D > P + G and nothing came in the window (a late payment does not keep it).

Promises are evidence like the log: rows are append-only. A new date agreed later is a
new promise; the old one is judged on its own terms.

API: record_promise, log_contact_with_promise, evaluate_promises, promise_counts.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import peewee as pw

from models.clients import Client
from models.contact_log import AppendOnlyModel, ContactLogEntry, log_contact
from models.db import database
from models.errors import ValidationError
from models.money import CURRENCIES, parse_amount, parse_currency

PROMISE_STATES = {
    "pending": "ממתינה",
    "kept": "קוימה",
    "partly_kept": "קוימה חלקית",
    "broken": "הופרה",
}
DEFAULT_GRACE_DAYS = 3
MAX_PROMISE_DAYS = 3 * 365


class Promise(AppendOnlyModel):
    client = pw.ForeignKeyField(Client, backref="promises")
    entry = pw.ForeignKeyField(ContactLogEntry, backref="promises")
    made_date = pw.DateField()
    promised_date = pw.DateField()
    amount_agorot = pw.IntegerField()
    currency = pw.TextField(default="ILS")


def record_promise(entry_id: int, amount, promised_date: dt.date, *,
                   currency: str = "ILS") -> Promise:
    """A promise the debtor gave in the contact `entry_id` (made on the entry's date)."""
    amount_agorot = parse_amount(amount)
    currency = parse_currency(currency)
    if currency not in CURRENCIES:
        raise ValidationError(f"מטבע לא נתמך: {currency}.", field="currency")
    if not isinstance(promised_date, dt.date):
        raise ValidationError("חסר התאריך שבו הובטח התשלום.", field="promised_date")
    with database.atomic():
        entry = ContactLogEntry.get_or_none(ContactLogEntry.id == entry_id)
        if entry is None:
            raise ValidationError(f"רשומת תיעוד {entry_id} לא נמצאה.")
        made = entry.occurred.date()
        if promised_date < made:
            raise ValidationError("תאריך התשלום המובטח מוקדם מיום השיחה שבה ניתנה ההבטחה.",
                                  field="promised_date")
        if (promised_date - made).days > MAX_PROMISE_DAYS:
            raise ValidationError("תאריך התשלום המובטח רחוק מדי; בדקו את השנה.",
                                  field="promised_date")
        return Promise.create(client=entry.client_id, entry=entry, made_date=made,
                              promised_date=promised_date, amount_agorot=amount_agorot,
                              currency=currency)



def log_contact_with_promise(client_id: int, occurred_at: dt.datetime | dt.date, channel: str, *,
                             amount, promised_date: dt.date, currency: str = "ILS",
                             **log_fields) -> tuple[ContactLogEntry, Promise]:
    """A contact in which the debtor promised to pay: the entry and its promise are saved
    together or not at all (a saved entry can never be taken back, so a bad promise must
    not leave a half-recorded conversation behind)."""
    stored = []
    try:
        with database.atomic():
            entry = log_contact(client_id, occurred_at, channel, **log_fields)
            stored = [attachment.path() for attachment in entry.attachments]
            promise = record_promise(entry.id, amount, promised_date, currency=currency)
            return entry, promise
    except BaseException:
        for path in stored:
            path.unlink(missing_ok=True)
        raise

@dataclass
class PromiseStatus:
    promise_id: int
    client_id: int
    client_name: str
    entry_id: int
    made_date: dt.date
    promised_date: dt.date
    window_end: dt.date
    amount_agorot: int
    currency: str
    paid_agorot: int
    state: str

    @property
    def outstanding_agorot(self) -> int:
        return max(self.amount_agorot - self.paid_agorot, 0)

    @property
    def is_broken(self) -> bool:
        """Broken or only partly kept: the plan resumes, the statistics count it."""
        return self.state in ("broken", "partly_kept")

    @property
    def broken_date(self) -> dt.date | None:
        return self.window_end + dt.timedelta(days=1) if self.is_broken else None


def grace_days() -> int:
    from models.settings import get_setting

    rules = get_setting("collection_rules", {}) or {}
    return int(rules.get("promise_grace_days", DEFAULT_GRACE_DAYS))


_PROMISES_SQL = """
SELECT p.id, p.client_id, c.name, p.entry_id, p.made_date, p.promised_date,
       p.amount_agorot, p.currency
FROM promise p JOIN client c ON c.id = p.client_id
WHERE p.made_date <= :d {where}
ORDER BY p.client_id, p.currency, p.promised_date, p.id
"""

# Payments of the clients concerned that can fall in some promise's window.
_PAYMENTS_SQL = """
WITH pc AS (SELECT client_id, currency, MIN(made_date) AS since FROM promise
            WHERE made_date <= :d {where} GROUP BY client_id, currency)
SELECT pay.client_id, pay.currency,
       CASE WHEN pay.check_date > pay.date THEN pay.check_date ELSE pay.date END AS eff,
       pay.amount_agorot
FROM payment pay JOIN pc ON pc.client_id = pay.client_id AND pc.currency = pay.currency
WHERE (pay.bounced_date IS NULL OR pay.bounced_date > :d)
  AND (CASE WHEN pay.check_date > pay.date THEN pay.check_date ELSE pay.date END)
      BETWEEN pc.since AND :d
ORDER BY eff, pay.id
"""


def evaluate_promises(as_of: dt.date, *, client_id: int | None = None,
                      window_ends_after: dt.date | None = None,
                      grace: int | None = None) -> list[PromiseStatus]:
    """Every promise made by `as_of` (one client's, or only those whose window ends after
    `window_ends_after`, with the clients' other promises), judged as of `as_of`.
    Two queries, whatever the number."""
    grace = grace_days() if grace is None else grace
    params: dict = {"d": as_of.isoformat()}
    where = ""
    if client_id is not None:
        where += " AND client_id = :client"
        params["client"] = client_id
    if window_ends_after is not None:
        # Only clients with a promise still open after that date; all of their promises
        # are judged, since an older promise takes a payment first.
        where += (" AND client_id IN (SELECT client_id FROM promise"
                  " WHERE promised_date >= :after)")
        params["after"] = (window_ends_after - dt.timedelta(days=grace)).isoformat()
    conn = database.obj.connection()
    by_key: dict[tuple[int, str], list[PromiseStatus]] = defaultdict(list)
    for pid, cid, name, entry, made, promised, amount, currency in conn.execute(
            _PROMISES_SQL.format(where=where.replace(" AND client_id", " AND p.client_id")),
            params):
        promised_date = dt.date.fromisoformat(promised)
        by_key[cid, currency].append(PromiseStatus(
            pid, cid, name, entry, dt.date.fromisoformat(made), promised_date,
            promised_date + dt.timedelta(days=grace), amount, currency, 0, "pending"))
    for cid, currency, eff, amount in conn.execute(_PAYMENTS_SQL.format(where=where), params):
        _apply_payment(by_key.get((cid, currency), ()), dt.date.fromisoformat(eff), amount)
    result = [p for promises in by_key.values() for p in promises]
    for p in result:
        p.state = _state(p, as_of)
    result.sort(key=lambda p: (p.promised_date, p.promise_id))
    return result


def _apply_payment(promises, paid_on: dt.date, amount: int) -> None:
    """Fill the promises whose window holds `paid_on`, earliest promised date first."""
    left = amount
    for p in promises:
        if left <= 0:
            break
        if p.made_date <= paid_on <= p.window_end and p.paid_agorot < p.amount_agorot:
            take = min(left, p.amount_agorot - p.paid_agorot)
            p.paid_agorot += take
            left -= take


def _state(p: PromiseStatus, as_of: dt.date) -> str:
    if p.paid_agorot >= p.amount_agorot:
        return "kept"
    if as_of <= p.window_end:
        return "pending"
    return "partly_kept" if p.paid_agorot > 0 else "broken"


def promise_counts(as_of: dt.date, client_id: int | None = None) -> dict[int, dict[str, int]]:
    """Per client: how many promises are in each state (client statistics)."""
    counts: dict[int, dict[str, int]] = {}
    for p in evaluate_promises(as_of, client_id=client_id):
        per = counts.setdefault(p.client_id, dict.fromkeys(PROMISE_STATES, 0))
        per[p.state] += 1
    return counts
