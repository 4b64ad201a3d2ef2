"""Aging runs in a bounded number of SQL statements, whatever the size of the ledger."""
import datetime as dt

import pytest

from models.db.connection import database
from models.ledger.clients import Client
from models.ledger.invoices import CreditNote, Invoice
from models.ledger.payments import Allocation, Payment
from models.queries.aging import aging_report

D = dt.date
AS_OF = D(2026, 11, 22)


def build_ledger(n_invoices: int) -> None:
    """Rows written in bulk (the services would take seconds at 500 invoices): clients,
    invoices in two currencies, payments allocated to a third of them, a bounced check,
    a credit note and a cancelled invoice."""
    now = "2026-11-22T00:00:00"
    n_clients = max(1, n_invoices // 10)
    with database.atomic():
        Client.insert_many([{"name": f"לקוח {k}", "search_key": f"לקוח {k}", "created_at": now}
                            for k in range(n_clients)]).execute()
        invoices, payments, allocations = [], [], []
        for n in range(n_invoices):
            issue = D(2026, 1, 1) + dt.timedelta(days=n % 300)
            currency = "USD" if n % 7 == 0 else "ILS"
            invoices.append({"number": str(n + 1), "number_key": str(n + 1),
                             "client": n % n_clients + 1, "issue_date": issue,
                             "due_date": issue + dt.timedelta(days=30), "amount_agorot": 10000,
                             "currency": currency, "created_at": now,
                             "cancelled_date": issue if n == 1 else None})
            if n % 3 == 0:
                paid = issue + dt.timedelta(days=20)
                payments.append({"client": n % n_clients + 1, "date": paid, "amount_agorot": 6000,
                                 "currency": currency, "method": "check", "check_number": str(n),
                                 "bounced_date": paid if n == 3 else None, "created_at": now})
                allocations.append({"invoice": n + 1, "payment": len(payments),
                                    "amount_agorot": 6000, "applied_date": paid,
                                    "reversed_date": paid if n == 3 else None})
        Invoice.insert_many(invoices).execute()
        Payment.insert_many(payments).execute()
        Allocation.insert_many(allocations).execute()
        CreditNote.insert(number="CN-1", number_key="cn-1", client=1, date=D(2026, 5, 1),
                          amount_agorot=500, currency="ILS", created_at=now).execute()


def statements_run_by(call) -> tuple[list[str], object]:
    conn = database.obj.connection()
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        result = call()
    finally:
        conn.set_trace_callback(None)
    return seen, result


@pytest.mark.parametrize("n_invoices", [10, 500])
def test_aging_statement_count_does_not_grow(db, n_invoices):
    build_ledger(n_invoices)
    for as_of, boundaries in [(AS_OF, (30, 60, 90, 120)), (D(2026, 6, 1), (15, 45))]:
        seen, report = statements_run_by(lambda: aging_report(as_of, boundaries))
        assert len(seen) <= 3, seen
        assert report.rows  # the statements did real work
    seen, report = statements_run_by(lambda: aging_report(AS_OF, client_id=1))
    assert len(seen) <= 3 and {r.client_id for r in report.rows} == {1}


def test_the_counter_sees_statements(db):
    """Guard for the test above: the trace callback catches what aging runs."""
    seen, _ = statements_run_by(lambda: database.obj.connection().execute("SELECT 1").fetchall())
    assert seen == ["SELECT 1"]
