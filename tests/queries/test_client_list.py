"""The SQL behind the clients and invoices screens, on a real ledger (both engines): what the list
finds and in which order, the money columns (checked against the aging report, the one
aging rule), a client's invoice and payment lines, and payment statistics."""
import datetime as dt

import pytest

from models.ledger import services
from models.queries.aging import aging_report
from models.queries.client_list import (
    client_choices,
    client_ids,
    client_invoices,
    client_payments,
    client_rows,
    client_summaries,
    sort_by_summary,
)
from models.queries.invoice_list import invoice_ids, invoice_rows
from models.queries.statistics import client_statistics
from tests.queries.statements import statements_run_by

AS_OF = dt.date(2026, 11, 22)
D = dt.date


@pytest.fixture
def ledger(db):
    """Three clients as of 22/11/2026:
    cohen: INV-1 1,000 due 30/09 paid 400 (600 open, 53 days overdue); INV-2 500 not due;
           USD 300 due 01/11 open (21 days); a bounced check of 100 on INV-2.
    levi:  INV-3 2,000 due 15/10 fully paid 5 days late, then 250 more: credit.
    mizrahi: no invoices."""
    cohen = services.add_client(name='כהן ובניו בע"מ', phone="050-1234567", city="חיפה",
                                terms="שוטף+30")
    levi = services.add_client(name="לוי שרה", kind="person", phone="03-7654321",
                               city="תל אביב", terms="נטו 30", tax_id="000000018")
    mizrahi = services.add_client(name="מזרחי 100%_הנדסה", city="אילת", status="on_hold")
    services.add_invoice(cohen.id, "INV-1", D(2026, 8, 5), "1000")
    services.add_invoice(cohen.id, "INV-2", D(2026, 10, 10), "500")
    services.add_invoice(cohen.id, "US-1", D(2026, 11, 1), "300", currency="USD",
                         terms="מיידי")
    services.record_payment(cohen.id, D(2026, 10, 20), "400")
    check = services.record_payment(cohen.id, D(2026, 11, 1), "100", method="check",
                                    check_number="123")
    services.bounce_payment(check.id, D(2026, 11, 5))
    services.add_invoice(levi.id, "INV-3", D(2026, 9, 15), "2000")
    services.record_payment(levi.id, D(2026, 10, 20), "2250")
    return cohen, levi, mizrahi


def test_search_ignores_marks_and_niqqud_and_matches_phone_digits(ledger):
    cohen, levi, mizrahi = ledger
    assert client_ids('כהן ובניו בע״מ') == [cohen.id]          # gershayim typed as ״
    assert client_ids("כֹּהֵן") == [cohen.id]                    # with niqqud
    assert client_ids("0501234567") == [cohen.id]              # phone without the dash
    assert client_ids("תל אביב") == [levi.id]                  # city
    assert client_ids("000000018") == [levi.id]                # ID number


def test_search_ignores_the_case_of_an_account_number_an_email_and_a_city(db):
    # LIKE ignores ASCII case on SQLite only: the query lowers both sides itself.
    client = services.add_client(name="Keystone Studios Ltd.", email="Info@Keystone.co.il",
                                 city="Haifa", external_id="ACC-77")
    services.add_client(name="אחר")
    for typed in ("acc-77", "ACC-77", "info@KEYSTONE", "HAIFA", "keystone"):
        assert client_ids(typed) == [client.id], typed


def test_like_wildcards_in_the_search_are_taken_literally(ledger):
    _cohen, _levi, mizrahi = ledger
    assert client_ids("100%_") == [mizrahi.id]
    assert client_ids("%") == [mizrahi.id]
    assert client_ids("_") == [mizrahi.id]


def test_sorting_and_status_filter_happen_in_sql(ledger):
    cohen, levi, mizrahi = ledger
    assert client_ids() == [cohen.id, levi.id, mizrahi.id]                 # כ < ל < מ
    assert client_ids(descending=True) == [mizrahi.id, levi.id, cohen.id]
    assert client_ids(sort="city") == [mizrahi.id, cohen.id, levi.id]     # אילת, חיפה, תל אביב
    assert client_ids(status="on_hold") == [mizrahi.id]
    rows = client_rows([levi.id, cohen.id])
    assert rows[levi.id].phone == "03-7654321" and rows[cohen.id].city == "חיפה"
    assert [name for _id, name in client_choices()][0] == 'כהן ובניו בע"מ'


def test_summary_agrees_with_the_aging_report(ledger):
    cohen, levi, mizrahi = ledger
    summaries = client_summaries(AS_OF)
    report = aging_report(AS_OF)
    for row in report.rows:
        summary = summaries[row.client_id]
        assert summary.open_agorot.get(row.currency, 0) == row.total - row.credit
        assert summary.overdue_agorot.get(row.currency, 0) == row.total - row.buckets[0]
        assert summary.credit_agorot.get(row.currency, 0) == row.credit
    assert mizrahi.id not in summaries


def test_summary_figures_per_client_and_currency(ledger):
    cohen, levi, _mizrahi = ledger
    summaries = client_summaries(AS_OF)
    assert summaries[cohen.id].open_agorot == {"ILS": 110000, "USD": 30000}
    assert summaries[cohen.id].overdue_agorot == {"ILS": 60000, "USD": 30000}
    assert summaries[cohen.id].oldest_overdue_days == (AS_OF - D(2026, 9, 30)).days
    assert summaries[levi.id].open_agorot == {"ILS": -25000}
    assert summaries[levi.id].credit_agorot == {"ILS": 25000}
    assert client_summaries(AS_OF, cohen.id).keys() == {cohen.id}
    # Historical: before the first payment all of INV-1 was open and not yet overdue.
    assert client_summaries(D(2026, 9, 1))[cohen.id].open_agorot == {"ILS": 100000}


def test_sort_by_summary_puts_biggest_debt_first(ledger):
    cohen, levi, mizrahi = ledger
    summaries = client_summaries(AS_OF)
    ids = client_ids()
    assert sort_by_summary(ids, summaries, "open", descending=True) == [cohen.id, mizrahi.id,
                                                                         levi.id]
    assert sort_by_summary(ids, summaries, "oldest_days")[-1] == cohen.id


def test_client_invoice_lines_show_open_amount_and_days_overdue(ledger):
    cohen, *_ = ledger
    lines = {line.number: line for line in client_invoices(cohen.id, AS_OF)}
    assert lines["INV-1"].paid_agorot == 40000 and lines["INV-1"].open_agorot == 60000
    assert lines["INV-1"].days_overdue == 53 and lines["INV-1"].state == "overdue"
    assert lines["INV-2"].open_agorot == 50000 and lines["INV-2"].state == "open"
    assert lines["US-1"].currency == "USD"


def test_payment_lines_show_allocation_credit_and_bounce(ledger):
    cohen, levi, _ = ledger
    (check, transfer) = client_payments(cohen.id)
    assert check.bounced_date == D(2026, 11, 5) and check.credit_agorot == 0
    assert transfer.applied_to == (("INV-1", 40000),)
    (overpaid,) = client_payments(levi.id)
    assert overpaid.applied_to == (("INV-3", 200000),) and overpaid.credit_agorot == 25000


def test_statistics_in_a_bounded_number_of_statements(ledger):
    _cohen, levi, _ = ledger
    for n in range(5):  # more history must not mean more statements
        invoice = services.add_invoice(levi.id, f"L-{n}", D(2026, 1, 1 + n), "100")
        services.record_payment(levi.id, invoice.due_date + dt.timedelta(days=10 * n), "100",
                                invoice_ids=[invoice.id])
    statements, stats = statements_run_by(lambda: client_statistics(levi.id, AS_OF))
    assert len(statements) <= 4
    assert stats.invoiced_agorot == {"ILS": 250000}
    assert stats.paid_agorot == {"ILS": 275000}
    assert stats.settled_invoices == 6
    assert stats.late_invoices == 5          # INV-3 (5 days) and L-1…L-4 (10…40 days)
    assert stats.average_days_late == pytest.approx((5 + 10 + 20 + 30 + 40) / 6)
    assert stats.share_paid_late == pytest.approx(5 / 6)
    assert stats.credit_agorot == {"ILS": 25000}


def test_invoice_list_filters_by_state_and_searches_number_and_client(ledger):
    cohen, levi, _ = ledger
    numbers = lambda ids: {line.number for line, *_ in invoice_rows(ids, AS_OF).values()}
    assert numbers(invoice_ids(AS_OF, state="open")) == {"INV-1", "INV-2", "US-1"}
    assert numbers(invoice_ids(AS_OF, state="overdue")) == {"INV-1", "US-1"}
    assert numbers(invoice_ids(AS_OF, state="paid")) == {"INV-3"}
    assert numbers(invoice_ids(AS_OF, search="inv-3")) == {"INV-3"}
    assert numbers(invoice_ids(AS_OF, search="לוי")) == {"INV-3"}
    assert numbers(invoice_ids(AS_OF, client_id=cohen.id)) == {"INV-1", "INV-2", "US-1"}
    by_client = invoice_ids(AS_OF, sort="client", descending=False)
    assert invoice_rows(by_client, AS_OF)[by_client[-1]][2] == "לוי שרה"
    invoice = services.add_invoice(levi.id, "X-9", D(2026, 11, 1), "50")
    services.cancel_invoice(invoice.id, D(2026, 11, 2))
    assert numbers(invoice_ids(AS_OF, state="cancelled")) == {"X-9"}
    assert "X-9" not in numbers(invoice_ids(AS_OF, state="open"))
