"""Screens refresh when another person in the office changes something: a change written
through another connection to the server is announced on the UI thread (ui/events.py)
within moments, as the kind of data the screens know; a burst is one announcement, and
the program's own changes are not announced twice."""
import datetime as dt

import psycopg
import pytest

from models.db.opening import open_database
from models.ledger import services
from ui import events
from ui.office_listener import OfficeListener, start_for

WAIT_MS = 3000


@pytest.fixture
def listener(qapp, office):
    listening = start_for(office)
    assert isinstance(listening, OfficeListener) and listening.listening.wait(WAIT_MS / 1000)
    yield listening
    listening.stop()


def test_another_persons_change_is_announced_as_its_kind(qtbot, office, listener):
    client = services.add_client(name="לקוח משותף", kind="company", terms="שוטף+30")
    with qtbot.waitSignal(events.events.data_changed, timeout=WAIT_MS) as blocker:
        with psycopg.connect(office.url, autocommit=True) as other:
            other.execute("UPDATE client SET notes = 'מהמחשב השני' WHERE id = %s",
                          (client.id,))
    assert blocker.args == [frozenset({events.CLIENTS})]


def test_a_payment_elsewhere_is_one_announcement_of_its_kinds(qtbot, office, listener):
    client = services.add_client(name="לקוח", kind="company", terms="שוטף+30")
    invoice = services.add_invoice(client.id, "7", dt.date(2026, 1, 1), "100")
    announced = []
    events.events.data_changed.connect(announced.append)
    try:
        with psycopg.connect(office.url) as other:  # one transaction, three tables
            payment_id = other.execute(
                "INSERT INTO payment (client_id, date, amount_agorot, currency, method, "
                "created_at) VALUES (%s, '2026-02-01', 4000, 'ILS', 'transfer', '') "
                "RETURNING id", (client.id,)).fetchone()[0]
            other.execute("INSERT INTO allocation (invoice_id, payment_id, amount_agorot, "
                          "applied_date) VALUES (%s, %s, 4000, '2026-02-01')",
                          (invoice.id, payment_id))
        qtbot.waitUntil(lambda: bool(announced), timeout=WAIT_MS)
        qtbot.wait(300)  # a second announcement would come within the batch's time
    finally:
        events.events.data_changed.disconnect(announced.append)
    assert announced == [frozenset({events.PAYMENTS, events.INVOICES})]


def test_our_own_change_is_not_announced_again(qtbot, office, listener):
    announced = []
    events.events.data_changed.connect(announced.append)
    try:
        services.add_client(name="שלנו", kind="company")  # this program's connection
        other_client = services.add_client(name="אחר", kind="company")
        with psycopg.connect(office.url, autocommit=True) as other:
            other.execute("INSERT INTO setting (key, value) VALUES ('x', '1')")
        qtbot.waitUntil(lambda: bool(announced), timeout=WAIT_MS)
        qtbot.wait(300)
    finally:
        events.events.data_changed.disconnect(announced.append)
    assert other_client.id
    assert announced == [frozenset({events.SETTINGS})]  # not CLIENTS: we made those


def test_a_file_ledger_gets_no_listener(qapp, db_path):
    with open_database(db_path) as ledger:
        assert start_for(ledger) is None
