"""Negotiations and settlements for the demo ledger, so every screen of the negotiation tab
and the Today list has something to show: one breached (its second instalment never
came), one being paid and one draft with a point still open.

Written through the same services a user's actions go through (models.negotiation.negotiations,
models.negotiation.settlements), after the ledger, for the first business clients whose debt fits.
"""
from __future__ import annotations

import datetime as dt

from models.common.money import to_decimal
from models.ledger.clients import Client
from models.negotiation import negotiations as ng
from models.negotiation import settlements as st
from models.queries.client_list import client_invoices

# (days before as_of the agreement was made, days to the first instalment, instalments,
# instalments paid, signed?). The breached one comes first: it needs the oldest debt.
SCENARIOS = ((50, 10, 3, 1, True), (25, 10, 4, 1, True), (0, 30, 6, 0, False))
MIN_INVOICES = 1
DIRECT_STATUSES = ("active", "on_hold", "in_collection")


def _debtors(as_of: dt.date) -> list[tuple[Client, list]]:
    """Business clients still dealt with directly, with their unpaid overdue shekel invoices
    (unpaid: so the money toward a scenario's settlement is only its own instalments)."""
    found = []
    for client in (Client.select().where((Client.kind != "person")
                                         & Client.status.in_(DIRECT_STATUSES))
                   .order_by(Client.id)):
        overdue = [line for line in client_invoices(client.id, as_of)
                   if line.days_overdue > 0 and line.currency == "ILS" and not line.is_disputed
                   and not line.cancelled_date and not line.paid_agorot]  # nothing paid yet
        if len(overdue) >= MIN_INVOICES:
            found.append((client, overdue))
    return found


def _never_paid(lines: list) -> list:
    """The invoices of `lines` no money of any date pays: a post-dated check not yet due
    pays its invoice as far as a settlement is concerned (its instalments would be
    refused). Asked only of the clients a scenario looks at."""
    if not lines:
        return []
    unpaid = st.open_amounts([line.id for line in lines], dt.date.max)
    return [line for line in lines if unpaid.get(line.id) == line.amount_agorot]


def add_demo_settlements(as_of: dt.date) -> dict:
    """Returns how many settlements and instalment payments were written."""
    if as_of > dt.date.today():
        return {"settlements": 0, "payments": 0}  # the log cannot record the future
    payments = written = 0
    debtors = _debtors(as_of)
    for days_ago, first_after, count, paid, signed in SCENARIOS:
        agreed = as_of - dt.timedelta(days=days_ago)
        # the debt the agreement covers: invoices already overdue on the day it was made
        fitting = ((c, _never_paid([l for l in found if l.due_date < agreed])[:4])
                   for c, found in debtors)
        client, lines = next(((c, lines) for c, lines in fitting
                              if len(lines) >= MIN_INVOICES), (None, []))
        if client is None:
            continue
        debtors = [(c, found) for c, found in debtors if c.id != client.id]
        written += 1
        negotiation = ng.start_negotiation(client.id, agreed)
        ng.update_negotiation(negotiation.id, min_amount_agorot=negotiation.opening_agorot * 9 // 10,
                              max_instalments=6, allow_final_warning=True,
                              is_file_studied=True, is_limits_set=True)
        ng.add_relation(client.id, "client", "מנהלת הכספים", "pays")
        first = agreed + dt.timedelta(days=first_after)
        settlement = st.create_settlement(
            client.id, [line.id for line in lines], agreed, instalment_count=count,
            first_date=first, negotiation_id=negotiation.id,
            point_texts=["התשלומים יועברו בהעברה בנקאית", "החשבוניות השוטפות ישולמו בנפרד"])
        for point in st.points(settlement.id)[:2 if signed else 1]:
            st.set_point_agreed(point.id, True)
        if not signed:
            continue
        st.sign_settlement(settlement.id, agreed)
        for line in st.instalments(settlement.id)[:paid]:
            payment = st.record_instalment_payment(settlement.id, line.due_date,
                                                   to_decimal(line.amount_agorot))
            # the same seed gives the same ledger, to the second, like the rest of the demo
            payment.created_at = f"{line.due_date.isoformat()}T09:00:00"
            payment.save()
            payments += 1
    return {"settlements": written, "payments": payments}
