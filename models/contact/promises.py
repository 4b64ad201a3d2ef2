"""Promises to pay (הבטחות תשלום): recorded from a contact-log entry, judged from payments.

A promise made on M to pay A by P is judged as of a date D with a grace of G days
(the collection rule `promise_grace_days`, models.contact.rules.CollectionRules, default 3).
Its window is M … P + G.

* A payment of the client, in the promise's currency, counts toward it when its effective
  date (a post-dated check: the check's own date) lies in the window and by D, and it has
  not bounced by D. Each payment is used once: payments in date order fill the promises
  whose window holds them, the earliest promised date first; what is left over may
  fill the next promise.
* kept        — the counted payments reach A (possibly before P).
* pending     — not yet reached and D ≤ P + G: the debtor still has time.
* broken      — D > P + G and the counted payments fall short of A: the debtor did not
  keep his word. Two kinds, told apart only to show what came in:
    partly_kept — something, but less than A, came in the window;
    broken      — nothing came in the window (a late payment does not keep it).
  A partly kept promise is a broken promise everywhere: counts, highlighting, the terms
  advice, the case file, Today and the end of the dunning pause.

This module is the only place that decides a promise's state (`promise_state`) and which
states are broken (`BROKEN_STATES`). Whoever needs to know whether a promise is broken, or
how many are, asks `PromiseStatus.is_broken` or `PromiseCounts`, never a list of state
codes of its own.

Promises are evidence like the log: rows are append-only. A new date agreed later is a
new promise; the old one is judged on its own terms.

API: record_promise, log_contact_with_promise, evaluate_promises, promise_state,
BROKEN_STATES, PromiseCounts, promise_counts, client_promise_counts.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import peewee as pw

from models.common.errors import ValidationError
from models.common.i18n import N_, _
from models.common.money import CURRENCIES, parse_amount, parse_currency
from models.contact.contact_log import AppendOnlyModel, ContactLogEntry, log_contact, require_entry
from models.contact.rules import load_rules
from models.db.authors import author
from models.db.connection import database
from models.ledger.clients import Client

# The states' names, msgids: state_name() translates them.
PROMISE_STATES = {
    "pending": N_("Pending"),
    "kept": N_("Kept"),
    "partly_kept": N_("Partly kept"),
    "broken": N_("Broken"),
}
# Broken: the window closed before the whole amount came in, whether part of it came
# ("partly_kept") or none ("broken").
BROKEN_STATES = frozenset({"partly_kept", "broken"})
MAX_PROMISE_DAYS = 3 * 365


class Promise(AppendOnlyModel):
    client = pw.ForeignKeyField(Client, backref="promises")
    entry = pw.ForeignKeyField(ContactLogEntry, backref="promises")
    made_date = pw.DateField()
    promised_date = pw.DateField()
    amount_agorot = pw.IntegerField()
    currency = pw.TextField(default="ILS")
    created_by = pw.TextField(default=author)  # who recorded it (migration 0014)


def record_promise(entry_id: int, amount, promised_date: dt.date, *,
                   currency: str = "ILS") -> Promise:
    """A promise the debtor gave in the contact `entry_id` (made on the entry's date)."""
    amount_agorot = parse_amount(amount)
    currency = parse_currency(currency)
    if currency not in CURRENCIES:
        raise ValidationError(_("Unsupported currency: {currency}.").format(currency=currency),
                              field="currency")
    if not isinstance(promised_date, dt.date):
        raise ValidationError(_("The date by which payment was promised is missing."),
                              field="promised_date")
    with database.atomic():
        entry = require_entry(entry_id)
        made = entry.occurred.date()
        if promised_date < made:
            raise ValidationError(_("The promised payment date is before the day of the conversation "
                                    "in which the promise was made."),
                                  field="promised_date")
        if (promised_date - made).days > MAX_PROMISE_DAYS:
            raise ValidationError(_("The promised payment date is too far ahead; please check the "
                                    "year."),
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
    def state_name(self) -> str:
        return state_name(self.state)

    @property
    def outstanding_agorot(self) -> int:
        return max(self.amount_agorot - self.paid_agorot, 0)

    @property
    def is_broken(self) -> bool:
        """Broken, partly kept included: the plan resumes, every count counts it."""
        return self.state in BROKEN_STATES

    @property
    def broken_date(self) -> dt.date | None:
        return self.window_end + dt.timedelta(days=1) if self.is_broken else None


def state_name(state: str) -> str:
    """A promise state as the user reads it, in the interface language."""
    return _(PROMISE_STATES.get(state, state))


def grace_days() -> int:
    """The collection rules' grace: the same figure the dunning plan and Today use."""
    return int(load_rules().promise_grace_days)


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
    by_key: dict[tuple[int, str], list[PromiseStatus]] = defaultdict(list)
    for pid, cid, name, entry, made, promised, amount, currency in database.execute_sql(
            _PROMISES_SQL.format(where=where.replace(" AND client_id", " AND p.client_id")),
            params):
        promised_date = dt.date.fromisoformat(promised)
        by_key[cid, currency].append(PromiseStatus(
            pid, cid, name, entry, dt.date.fromisoformat(made), promised_date,
            promised_date + dt.timedelta(days=grace), amount, currency, 0, "pending"))
    for cid, currency, eff, amount in database.execute_sql(_PAYMENTS_SQL.format(where=where), params):
        _apply_payment(by_key.get((cid, currency), ()), dt.date.fromisoformat(eff), amount)
    result = [p for promises in by_key.values() for p in promises]
    for p in result:
        p.state = promise_state(p.amount_agorot, p.paid_agorot, p.window_end, as_of)
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


def promise_state(amount_agorot: int, paid_agorot: int, window_end: dt.date,
                  as_of: dt.date) -> str:
    """The rule. Kept once what came in the window reaches the amount; pending while the
    window is open; after it, broken — "partly_kept" if some of the money came in it."""
    if paid_agorot >= amount_agorot:
        return "kept"
    if as_of <= window_end:
        return "pending"
    return "partly_kept" if paid_agorot > 0 else "broken"


@dataclass(frozen=True)
class PromiseCounts:
    """How many promises are kept, pending and broken. `broken` counts every broken
    promise, the partly kept included; `partly_kept` says how many of those brought part
    of the money in time."""
    kept: int = 0
    pending: int = 0
    broken: int = 0
    partly_kept: int = 0

    @property
    def total(self) -> int:
        return self.kept + self.pending + self.broken

    @classmethod
    def of(cls, statuses) -> "PromiseCounts":
        """Counts of judged promises (`evaluate_promises`), by `PromiseStatus.is_broken`."""
        kept = pending = broken = partly = 0
        for p in statuses:
            if p.is_broken:
                broken += 1
                partly += p.state == "partly_kept"
            elif p.state == "kept":
                kept += 1
            else:
                pending += 1
        return cls(kept, pending, broken, partly)


def promise_counts(as_of: dt.date, client_id: int | None = None) -> dict[int, PromiseCounts]:
    """Per client with promises: their counts as of the date. Every client's at once (the
    same two statements as one client's) when `client_id` is None."""
    by_client: dict[int, list[PromiseStatus]] = defaultdict(list)
    for p in evaluate_promises(as_of, client_id=client_id):
        by_client[p.client_id].append(p)
    return {cid: PromiseCounts.of(statuses) for cid, statuses in by_client.items()}


def client_promise_counts(as_of: dt.date, client_id: int) -> PromiseCounts:
    """One client's counts (all zero for a client who never promised)."""
    return PromiseCounts.of(evaluate_promises(as_of, client_id=client_id))
