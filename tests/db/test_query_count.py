"""Aging runs in a bounded number of SQL statements, whatever the size of the ledger."""
import datetime as dt

import pytest

from models import services
from models.aging import aging_report
from models.db import database

D = dt.date
AS_OF = D(2026, 11, 22)


def build_ledger(n_invoices: int) -> None:
    with database.atomic():
        clients = [services.add_client(name=f"לקוח {k}").id for k in range(max(1, n_invoices // 10))]
        for n in range(n_invoices):
            cid = clients[n % len(clients)]
            issue = D(2026, 1, 1) + dt.timedelta(days=n % 300)
            services.add_invoice(cid, str(n + 1), issue, "100", currency="USD" if n % 7 == 0 else "ILS")
            if n % 3 == 0:
                services.record_payment(cid, issue + dt.timedelta(days=20), "60",
                                        currency="USD" if n % 7 == 0 else "ILS")


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
