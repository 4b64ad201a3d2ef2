"""What was open on an invoice, and what money was received, as of a date `:d`: the one
home of these rules in SQL. Every query that asks them — the open-invoice rows
(models.ledger.open_invoice: allocation, dunning, Today, aging's drill-down, the case file,
letters, settlements), aging, the client list, hand-over, the case file — is built from the
pieces here (see docs/domain.md, "Open amount"); the speed comes from migrations 0005 and
0008. It sits in models/ledger, the lowest layer that asks it (the allocation rule).

An invoice counts as of D when it was issued by D and not cancelled by D; an allocation
counts when applied by D and not reversed by D. Open = amount - counted allocations.
Money counts from the day it can be used: a post-dated check from its own date, so its
allocations are applied on that date; a bounced check stops counting on the day it came
back (its allocations are reversed then).

Each invoice carries `paid_agorot` (its allocations not reversed) and `paid_changed_date`
(the latest applied or reversed date among them), kept by triggers. An invoice paid in
full today whose allocations did not change after D was paid in full on D too, so the
invoices that can be open as of D are those in the small partial index `invoice_unpaid`
plus those changed after D (`invoice_paid_changed`); only the latter need their
allocations summed as of D, from the covering index allocation_open.
"""
from __future__ import annotations

COUNTED_INVOICE = "i.issue_date <= :d AND (i.cancelled_date IS NULL OR i.cancelled_date > :d)"
NOT_REVERSED = "(a.reversed_date IS NULL OR a.reversed_date > :d)"
COUNTED_ALLOCATION = "a.applied_date <= :d AND " + NOT_REVERSED
# Before :d began: the debt a settlement agreed on :d acknowledges (money applied on the
# day itself is already toward the settlement).
COUNTED_BEFORE_THE_DAY = "a.applied_date < :d AND " + NOT_REVERSED


def allocated(counted: str = COUNTED_ALLOCATION) -> str:
    """The counted allocations of invoice `i`, summed: for a handful of invoices (a
    whole book reads the kept columns of OPEN_AS_OF instead)."""
    return ("COALESCE((SELECT SUM(a.amount_agorot) FROM allocation a "
            f"WHERE a.invoice_id = i.id AND {counted}), 0)")


# The day a payment's money counts from (columns of table `payment`, unaliased).
MONEY_COUNTS_FROM = "(CASE WHEN check_date > date THEN check_date ELSE date END)"
RECEIVED_PAYMENT = MONEY_COUNTS_FROM + " <= :d AND (bounced_date IS NULL OR bounced_date > :d)"
# A check received by :d that does not count yet (dated later) and has not bounced.
HELD_CHECK = "p.check_date IS NOT NULL AND p.check_date > :d AND p.date <= :d"
# An allocation of such a check (payment `p`, allocation `a`) that had not come back by :d.
HELD_ALLOCATION = f"{HELD_CHECK} AND {NOT_REVERSED}"


def held_on_invoice(aggregate: str) -> str:
    """`aggregate` (SUM(a.amount_agorot), MAX(p.check_date)) over the checks in hand as of
    :d allocated to invoice `i`; NULL when there are none. Only an invoice whose
    allocations changed after :d can have one (a held check's are applied on its date),
    so the others cost no lookup."""
    return (f"(CASE WHEN i.paid_changed_date > :d THEN (SELECT {aggregate} FROM allocation a "
            f"JOIN payment p ON p.id = a.payment_id WHERE a.invoice_id = i.id "
            f"AND {HELD_ALLOCATION}) END)")
# A payment that came back (a bounced check) by :d: from that day it no longer counts
# (RECEIVED_PAYMENT says the same from the other side). Columns of `payment`, unaliased.
BOUNCED_BY = "bounced_date IS NOT NULL AND bounced_date <= :d"

# Money received by :d (payments that count, credit notes), summed per client and
# currency, each source on its own covering index, already in (client, currency) order,
# so only the sums meet in the caller's outer GROUP BY. `{client_filter}` is left for
# the caller (`AND client_id = :client`, or empty).
RECEIVED_SUMS = f"""
    SELECT client_id, currency, SUM(amount_agorot) AS amount FROM payment
    WHERE {RECEIVED_PAYMENT} {{client_filter}}
    GROUP BY client_id, currency
    UNION ALL
    SELECT client_id, currency, SUM(amount_agorot) FROM credit_note
    WHERE date <= :d {{client_filter}}
    GROUP BY client_id, currency"""

OPEN_AS_OF = """CASE WHEN i.paid_changed_date > :d THEN i.amount_agorot - (
            SELECT COALESCE(SUM(a.amount_agorot), 0) FROM allocation a
            WHERE a.invoice_id = i.id AND a.applied_date <= :d
              AND (a.reversed_date IS NULL OR a.reversed_date > :d))
        ELSE i.amount_agorot - i.paid_agorot END"""

# Pending on checks in hand (a post-dated check): something is open on invoice `i` as of
# :d, and the checks received by then and dated later cover all of it. The invoice is
# still open by the rule above (the money counts from the check's date); the screens say
# "pending until" the latest of those checks' dates (PENDING_UNTIL) instead of "open",
# and the dunning plan waits for it.
PENDING_ON_CHECKS = (f"({OPEN_AS_OF}) > 0 AND "
                     f"COALESCE({held_on_invoice('SUM(a.amount_agorot)')}, 0) >= ({OPEN_AS_OF})")
PENDING_UNTIL = (f"(CASE WHEN {PENDING_ON_CHECKS} THEN {held_on_invoice('MAX(p.check_date)')} "
                 "END)")

# Index hints for the `{unpaid_index}` / `{changed_index}` slots of can_be_open(): the
# partial indexes over the whole book; none for one client (its own index is smaller).
ALL_CLIENTS = {"unpaid_index": "INDEXED BY invoice_unpaid",
               "changed_index": "INDEXED BY invoice_paid_changed"}
ONE_CLIENT = {"unpaid_index": "", "changed_index": ""}
# For sums per client and currency over the whole book: the unpaid ones in that order
# (migration 0008), so a GROUP BY over them needs no sort.
BY_CLIENT = {"unpaid_index": "INDEXED BY invoice_unpaid_client",
             "changed_index": "INDEXED BY invoice_paid_changed"}


def can_be_open_parts(columns: str, where: str) -> tuple[str, str]:
    """The two SELECTs of can_be_open() — not paid in full now; paid in full now but
    changed after :d — for a caller that aggregates each on its own index."""
    return (f"""
        SELECT {columns} FROM invoice i {{unpaid_index}}
        WHERE i.paid_agorot <> i.amount_agorot AND {where}""", f"""
        SELECT {columns} FROM invoice i {{changed_index}}
        WHERE i.paid_changed_date > :d AND NOT (i.paid_agorot <> i.amount_agorot)
          AND {where}""")


def can_be_open(columns: str, where: str) -> str:
    """`SELECT columns` over every invoice that can be open as of :d and meets `where`
    (open_agorot may still be 0 or negative: callers filter). Leaves `{unpaid_index}` and
    `{changed_index}` to be filled with ALL_CLIENTS or ONE_CLIENT by str.format."""
    return "\n        UNION ALL".join(can_be_open_parts(columns, where))
