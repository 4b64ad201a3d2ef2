"""The Today list on a constructed database, looked at on several dates."""
import datetime as dt

import pytest

from cli.today_text import format_today
from models.collection.today import (
    overdue_trend,
    today_list,
    today_records,
)
from models.contact.contact_log import log_contact
from models.contact.promises import record_promise
from models.ledger import services

WRITTEN = dt.datetime(2027, 6, 30)


@pytest.fixture
def book(db):
    """Two businesses and a private person with invoices, a promise, a follow-up, a check."""
    acme = services.add_client(name="אקמי בע\"מ", kind="company")
    dana = services.add_client(name="דנה כהן", kind="person")
    beta = services.add_client(name="בטא שיווק", kind="company")
    add = services.add_invoice
    ids = {
        "A1": add(acme.id, "A1", dt.date(2026, 9, 1), 1000, due_date=dt.date(2026, 10, 1)).id,
        "A2": add(acme.id, "A2", dt.date(2026, 11, 1), 300, due_date=dt.date(2026, 11, 25)).id,
        "A3": add(acme.id, "A3", dt.date(2026, 9, 1), 200, currency="USD",
                  due_date=dt.date(2026, 11, 14)).id,
        "D1": add(dana.id, "D1", dt.date(2026, 10, 1), 500, due_date=dt.date(2026, 11, 1)).id,
        "B1": add(beta.id, "B1", dt.date(2026, 9, 1), 800, due_date=dt.date(2026, 10, 1)).id,
    }
    # Beta paid with a post-dated check dated 21/11: its invoice is open until then.
    services.record_payment(beta.id, dt.date(2026, 10, 5), 800, method="check",
                            check_number="5001", check_bank="לאומי",
                            check_date=dt.date(2026, 11, 21))
    call = log_contact(acme.id, dt.datetime(2026, 11, 15, 10, 0), "phone",
                       summary="מבטיח 400 ש\"ח עד 20/11", follow_up_date=dt.date(2026, 11, 23),
                       recorded_at=WRITTEN)
    record_promise(call.id, 400, dt.date(2026, 11, 20))
    return {"acme": acme, "dana": dana, "beta": beta, "ids": ids}


def _actions(today):
    return sorted((a.client_name, a.code, tuple(s.invoice.number for s in a.steps))
                  for a in today.actions)


def test_today_on_the_promised_date(book):
    today = today_list(dt.date(2026, 11, 20))
    # Acme's promise is pending: its ILS invoices wait; the USD one is only 6 days late.
    # Beta paid with a check dated tomorrow: no reminder for that.
    assert _actions(today) == [("דנה כהן", "debt-notice", ("D1",))]
    assert sorted((s.invoice.number, s.pause_reason[:4]) for s in today.paused) == [
        ("A1", "הבטח"), ("B1", "שולמ")]
    assert [p.client_name for p in today.promises_due] == ["אקמי בע\"מ"]
    assert today.promises_broken == [] and today.follow_ups == []
    assert [c.number for c in today.due_soon] == ["A2"]
    assert today.overdue_totals == {"ILS": 230000, "USD": 20000}  # A1 + D1 + B1 (check not yet)
    assert today.expected_week == {"ILS": 70000}  # the promise + A2, due in 5 days
    assert today.checks == []


def test_today_after_the_promise_was_broken(book):
    today = today_list(dt.date(2026, 11, 24))
    # A1 is 54 days overdue and the call of 15/11 was the plan's call: the final warning,
    # one step for the client (A2, due tomorrow, waits).
    assert _actions(today) == [("אקמי בע\"מ", "final-warning", ("A1", "A3")),
                               ("דנה כהן", "debt-notice", ("D1",))]
    assert [(p.client_name, p.state) for p in today.promises_broken] == [("אקמי בע\"מ", "broken")]
    assert [f.client_name for f in today.follow_ups] == ["אקמי בע\"מ"]
    assert [(c.client_name, c.check_number) for c in today.checks] == [("בטא שיווק", "5001")]
    assert today.overdue_totals == {"ILS": 150000, "USD": 20000}  # the check cleared B1
    assert today.expected_week == {"ILS": 30000}  # A2, due tomorrow


def test_a_payment_and_a_call_clear_the_list(book):
    services.record_payment(book["acme"].id, dt.date(2026, 11, 25), 1300)
    log_contact(book["acme"].id, dt.datetime(2026, 11, 25, 9, 0), "phone",
                summary="אישר שהעביר", recorded_at=WRITTEN)
    today = today_list(dt.date(2026, 11, 26))
    assert _actions(today) == [("אקמי בע\"מ", "reminder", ("A3",)),  # the USD one is still open
                               ("דנה כהן", "debt-notice", ("D1",))]
    assert today.follow_ups == [] and today.due_soon == []
    assert today.overdue_totals == {"ILS": 50000, "USD": 20000}


def test_the_usd_invoice_gets_its_reminder_in_its_own_currency(book):
    today = today_list(dt.date(2026, 11, 21))
    [usd] = [a for a in today.actions if a.client_name == "אקמי בע\"מ"]
    assert usd.code == "reminder" and usd.open_by_currency == {"USD": 20000}


def test_overdue_trend_matches_aging_at_each_week_end(book):
    from models.queries.aging import aging_report

    acme = book["acme"]
    gone = services.add_invoice(acme.id, "X9", dt.date(2026, 8, 1), 650,
                                due_date=dt.date(2026, 9, 1))
    services.cancel_invoice(gone.id, dt.date(2026, 10, 20))
    check = services.record_payment(acme.id, dt.date(2026, 10, 10), 250, method="check",
                                    check_number="88", invoice_ids=[book["ids"]["A1"]])
    services.bounce_payment(check.id, dt.date(2026, 11, 3))
    services.record_payment(acme.id, dt.date(2026, 9, 20), 100, currency="USD")
    as_of = dt.date(2026, 11, 26)
    trend = overdue_trend(as_of)
    assert len(trend) == 12 and trend[-1][0] == as_of and trend[0][0] == dt.date(2026, 9, 10)
    for point, amounts in trend:
        expected = {}
        for row in aging_report(point).totals():
            overdue = row.total - row.buckets[0]
            if overdue:
                expected[row.currency] = overdue
        assert amounts == expected, point


def test_json_and_text_forms(book):
    today = today_list(dt.date(2026, 11, 24))
    data = today_records(today)
    assert data["as_of"] == "2026-11-24"
    assert data["totals"] == {"overdue": {"ILS": 1500.0, "USD": 200.0},
                              "expected_this_week": {"ILS": 300.0}}
    assert {a["code"] for a in data["actions"]} == {"final-warning", "debt-notice"}
    assert {a["step"] for a in data["actions"]} == {"final-warning", "debt-notice"}
    assert all(a["reason"] for a in data["actions"])
    assert data["promises"][0]["group"] == "broken"
    assert set(data) == {"as_of", "totals", "due_soon", "actions", "paused", "promises",
                         "follow_ups", "checks", "deposits", "trend", "instalments",
                         "breached_settlements"}
    paused = today_records(today_list(dt.date(2026, 11, 20)))["paused"]
    assert sorted((p["number"], p["currency"], p["open"], p["due_date"]) for p in paused) == [
        ("A1", "ILS", 1000.0, "2026-10-01"), ("B1", "ILS", 800.0, "2026-10-01")]
    text = format_today(today)
    assert "היום — 24/11/2026" in text and "הודעת חוב" in text and "שיק 5001" in text


def test_an_empty_database_says_there_is_nothing_to_do(db):
    today = today_list(dt.date(2026, 11, 22))
    assert today.is_empty and today.overdue_totals == {}
    assert "אין משימות להיום" in format_today(today)


def test_deposits_awaited_are_a_section_of_today_with_nothing_else_to_do(db):
    from models.prevention.deposits import request_deposit

    client = services.add_client(name="סטודיו אור", kind="company")
    request_deposit(client.id, "צילומי מוצר", "1,500", requested_date=dt.date(2026, 11, 10),
                    due_date=dt.date(2026, 11, 21))
    request_deposit(client.id, "עיצוב אריזה", "600", requested_date=dt.date(2026, 11, 10),
                    due_date=dt.date(2026, 11, 24))
    today = today_list(dt.date(2026, 11, 22))
    assert [(d.amount_agorot, d.days_late) for d in today.deposits] == [(150000, 1), (60000, -2)]
    assert not today.is_empty  # a deposit awaited is a task even with no debt at all
    [late, soon] = today_records(today)["deposits"]
    assert late == {"deposit_id": late["deposit_id"], "client_id": client.id,
                    "client": "סטודיו אור", "description": "צילומי מוצר", "currency": "ILS",
                    "amount": 1500.0, "requested_date": "2026-11-10", "due_date": "2026-11-21",
                    "days_late": 1, "check_bounced": False}
    assert soon["days_late"] == -2
    text = format_today(today)
    assert "מקדמות לתשלום — לא להתחיל בעבודה לפני שהמקדמה מגיעה:" in text
    assert "עד 21/11/2026 (צילומי מוצר) — באיחור של יום אחד" in text
    assert "עד 24/11/2026 (עיצוב אריזה) — לתשלום בעוד יומיים" in text
    assert "אין משימות להיום" not in text


def test_built_in_the_callers_thread_leaving_the_collector_alone(book, monkeypatch):
    import gc
    import threading

    from models.collection import today as today_module

    def no_threads(self):
        raise AssertionError("Today starts no thread")

    seen = []
    real_deposits = today_module.deposits_due

    def deposits_due(as_of):
        seen.append((threading.current_thread(), gc.isenabled()))
        return real_deposits(as_of)

    monkeypatch.setattr(threading.Thread, "start", no_threads)
    monkeypatch.setattr(today_module, "deposits_due", deposits_due)
    frozen = gc.get_freeze_count()
    today = today_list(dt.date(2026, 11, 24))
    assert today.trend and today.actions
    assert seen == [(threading.current_thread(), True)]
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_on_a_server_the_trend_is_read_on_its_own_session_which_is_closed_after(request):
    # A shared office's server admits a bounded number of sessions: Today must not leave
    # its reading thread's one open, refresh after refresh.
    from models.db.connection import database
    from models.db.opening import open_database

    server = request.getfixturevalue("pg_server")
    url = server.new_ledger("today_sessions")
    sessions = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()")
    readers = set()  # the sessions the trend's statement ran on

    def backend():
        return database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]

    def note_trend(event):
        if "SUM(amount)" in event.sql:  # the trend's statement, in the thread running it
            readers.add(backend())
    try:
        with open_database(url):
            client = services.add_client(name="אקמי בע\"מ", kind="company")
            invoice = services.add_invoice(client.id, "A1", dt.date(2026, 9, 1), 1000,
                                           due_date=dt.date(2026, 10, 1))
            services.record_payment(client.id, dt.date(2026, 11, 10), 400,
                                    invoice_ids=[invoice.id])
            database.obj.query_hooks.append(note_trend)
            caller = backend()
            for _ in range(3):
                today = today_list(dt.date(2026, 11, 22))
            assert database.execute_sql(sessions).fetchone()[0] == 0
    finally:
        server.drop(url)
    assert today.trend[-3:] == [(dt.date(2026, 11, 8), {"ILS": 100000}),
                                (dt.date(2026, 11, 15), {"ILS": 60000}),
                                (dt.date(2026, 11, 22), {"ILS": 60000})]
    assert readers and caller not in readers


def test_a_server_sorting_text_its_own_way_lists_today_as_a_file_does(request):
    # An office's server may compare text by a language's rules (here ICU's: case aside);
    # Today lists clients of the same day in the same order on either engine.
    from models.collection.today import checks_to_deposit, follow_ups_due
    from models.db.opening import open_database

    server = request.getfixturevalue("pg_server")
    name = "today_icu_order"
    with server.admin() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name} TEMPLATE template0 LOCALE 'C.UTF-8' "
                     "LOCALE_PROVIDER icu ICU_LOCALE 'he'")
    url = server.url_of(name)
    day = dt.date(2026, 11, 20)
    try:
        with open_database(url):
            for client_name in ("Zeta Ltd", "acme Ltd", "Beta Ltd"):
                client = services.add_client(name=client_name, kind="company")
                log_contact(client.id, dt.datetime(2026, 11, 1, 9, 0), "phone", summary="שיחה",
                            follow_up_date=day, recorded_at=WRITTEN)
                services.record_payment(client.id, dt.date(2026, 11, 1), 100, method="check",
                                        check_number="1", check_date=day)
            follow_ups = [f.client_name for f in follow_ups_due(day)]
            checks = [c.client_name for c in checks_to_deposit(day)]
    finally:
        server.drop(url)
    assert follow_ups == checks == ["Beta Ltd", "Zeta Ltd", "acme Ltd"]
