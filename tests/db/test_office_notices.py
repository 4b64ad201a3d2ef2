"""Change notices of a shared office (migration 0016, models/db/postgres/notices.py): a
change another person's program makes is named to every listener within moments, with
the server process that made it, and a listener whose connection dropped says that it
may have missed some."""
import datetime as dt
import queue
import threading

import psycopg
import pytest

from models.db.opening import open_database
from models.db.postgres.notices import EVERYTHING, ChangeListener, this_connection_pid
from models.ledger import services

WAIT_S = 3


@pytest.fixture
def heard(office):
    """Notices as a listener receives them, on its own thread."""
    listener = ChangeListener.of(office.db)
    got = queue.Queue()
    thread = threading.Thread(target=lambda: [got.put(n) for n in listener], daemon=True)
    thread.start()
    assert listener.listening.wait(WAIT_S)
    yield got, listener
    listener.stop()
    thread.join(WAIT_S)
    assert not thread.is_alive()  # stop() ends the listening thread


def tables_until(got: queue.Queue, table: str) -> list:
    notices = []
    while not notices or notices[-1].table != table:
        notices.append(got.get(timeout=WAIT_S))
    return notices


def test_a_change_names_its_tables_and_the_process_that_made_it(office, heard):
    got, _listener = heard
    client = services.add_client(name="לקוח רועש", kind="company")
    (notice,) = tables_until(got, "client")
    assert notice.pid == this_connection_pid()
    with psycopg.connect(office.url, autocommit=True) as other:  # another office computer
        other.execute("UPDATE client SET notes = 'שונה' WHERE id = %s", (client.id,))
        other_pid = other.info.backend_pid
    (notice,) = tables_until(got, "client")
    assert notice.pid == other_pid != this_connection_pid()


def test_a_payment_names_payment_allocation_and_invoice(office, heard):
    got, _listener = heard
    client = services.add_client(name="לקוח", kind="company", terms="שוטף+30")
    services.add_invoice(client.id, "1", dt.date(2026, 1, 1), "100")
    services.record_payment(client.id, dt.date(2026, 2, 1), "40")
    seen = set()
    while not {"payment", "allocation", "invoice"} <= seen:
        seen.add(got.get(timeout=WAIT_S).table)


def test_a_dropped_connection_is_made_again_and_says_notices_may_be_missed(
        office, heard, pg_server):
    got, listener = heard
    with psycopg.connect(pg_server.url, autocommit=True) as admin:
        (cut,) = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE query = 'LISTEN gvia_changes' AND datname = %s",
            office.db.execute_sql("SELECT current_database()").fetchone()).fetchone()
    assert cut == 1
    assert got.get(timeout=WAIT_S + 3).table == EVERYTHING
    assert listener.listening.wait(WAIT_S)
    services.add_client(name="אחרי הניתוק", kind="company")
    assert tables_until(got, "client")[-1].table == "client"


@pytest.mark.sqlite_only
def test_a_file_ledger_has_no_notices_and_no_server_process(db_path):
    with open_database(db_path):
        assert this_connection_pid() is None
