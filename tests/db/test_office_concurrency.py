"""Several people writing one ledger at the same moment (tests/db/office_writer_child.py).

On a shared office (PostgreSQL) four processes record payments and contact entries for
the same few clients at once: every one is kept exactly once, no invoice is allocated
beyond its amount, the allocations are exactly what the allocation rule gives for the
money received (oldest due first), and aging as of today agrees. On a SQLite file there is
one writer by design: the others are told so in one clear line, and nothing the writer
recorded is lost.
"""
import datetime as dt
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest

from models.db.opening import open_database

CHILD = Path(__file__).with_name("office_writer_child.py")
ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
COUNT = 20
PAID = 3700  # agorot per payment: the child's AMOUNT
# Per client, its invoices' amounts: fully paid with credit left, partly paid, odd amounts.
INVOICES = {"לקוח א": [10000] * 8, "לקוח ב": [10000] * 12, "לקוח ג": [7350] * 15}


def _prepare(target) -> list[int]:
    from models.ledger import services

    today = dt.date.today()
    with open_database(target):
        ids = []
        for name, amounts in INVOICES.items():
            client = services.add_client(name=name, kind="company", terms="שוטף+30")
            for n, agorot in enumerate(amounts):
                issued = today - dt.timedelta(days=300 - 7 * n)
                services.add_invoice(client.id, f"{client.id}-{n + 1}", issued,
                                     f"{agorot / 100:.2f}", due_date=issued)
            ids.append(client.id)
    return ids


def _start(target, client_ids) -> list[subprocess.Popen]:
    children = [subprocess.Popen(
        [sys.executable, str(CHILD), str(target), str(worker), str(COUNT),
         ",".join(map(str, client_ids))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=ROOT) for worker in range(WORKERS)]
    for child in children:
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
    return children


def _release(children) -> None:
    """The same line to every child, as close together as the pipes allow."""
    for child in children:
        child.stdin.write("\n")
    for child in children:
        child.stdin.flush()


def _run(target, client_ids):
    """Every child opens at once, then those that opened write at once. Returns the open
    results and, per writer, the references it printed as committed."""
    children = _start(target, client_ids)
    try:
        _release(children)
        opened = [child.stdout.readline().strip() for child in children]
        writers = [c for c, line in zip(children, opened) if line == "opened"]
        _release(writers)
        written = {}
        for child in writers:
            lines = []
            for line in child.stdout:
                if line.strip() == "done":
                    break
                lines.append(line.strip())
            written[children.index(child)] = lines
        _release(writers)
        for child in children:
            assert child.wait(timeout=60) == 0, child.stderr.read()
        return opened, written
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
            for stream in (child.stdin, child.stdout, child.stderr):
                stream.close()


def _expected_allocation(amounts: list[int], received: int) -> list[int]:
    """The one rule for money naming no invoice, the invoices due oldest first: whatever
    order the payments came in, the sum received fills them in that order."""
    out = []
    for amount in amounts:
        take = max(0, min(amount, received))
        out.append(take)
        received -= take
    return out


def _check_ledger(target, client_ids, references: set[str], summaries: set[str]) -> None:
    from models.contact.contact_log import ContactLogEntry
    from models.db.connection import database
    from models.ledger.invoices import Invoice
    from models.ledger.payments import Allocation, Payment
    from models.queries.aging import aging_report

    with open_database(target):
        payments = list(Payment.select())
        assert Counter(p.reference for p in payments) == Counter(references)
        entries = [e.summary for e in ContactLogEntry.select()]
        assert Counter(entries) == Counter(summaries)
        allocated = Counter()
        by_payment = Counter()
        for a in Allocation.select().where(Allocation.reversed_date.is_null()):
            allocated[a.invoice_id] += a.amount_agorot
            by_payment[a.payment_id] += a.amount_agorot
        assert all(by_payment[p.id] <= p.amount_agorot for p in payments)
        opens = {}
        for client_id, amounts in zip(client_ids, INVOICES.values()):
            invoices = list(Invoice.select().where(Invoice.client == client_id)
                            .order_by(Invoice.due_date))
            received = sum(p.amount_agorot for p in payments if p.client_id == client_id)
            got = [allocated[inv.id] for inv in invoices]
            assert got == _expected_allocation(amounts, received)
            paid = dict(database.execute_sql(  # the column the triggers keep
                "SELECT id, paid_agorot FROM invoice WHERE client_id = ?", (client_id,)))
            assert [paid[inv.id] for inv in invoices] == got
            assert all(a <= inv.amount_agorot for a, inv in zip(got, invoices))
            opens[client_id] = (sum(amounts) - sum(got), received - sum(got))
        aging = {row.client_id: row for row in aging_report(dt.date.today()).rows}
        for client_id, (open_total, credit) in opens.items():
            row = aging.get(client_id)
            assert ((row.total, row.credit) if row else (0, 0)) == (open_total, credit)


def _all_written(workers) -> tuple[set[str], set[str]]:
    references = {f"w{w}-p{n}" for w in workers for n in range(COUNT)}
    summaries = {f"w{w}-c{n}" for w in workers for n in range(COUNT)}
    return references, summaries


def test_four_people_paying_the_same_clients_at_once_never_allocate_twice(pg_server):
    url = pg_server.new_ledger("office_concurrency")
    try:
        client_ids = _prepare(url)
        opened, written = _run(url, client_ids)
        assert opened == ["opened"] * WORKERS
        references, summaries = _all_written(range(WORKERS))
        assert {line for lines in written.values() for line in lines} == references | summaries
        _check_ledger(url, client_ids, references, summaries)
    finally:
        pg_server.drop(url)


@pytest.mark.sqlite_only
def test_on_a_file_one_person_writes_and_the_others_are_told_clearly(tmp_path):
    path = tmp_path / "gvia.db"
    client_ids = _prepare(path)
    opened, written = _run(path, client_ids)
    assert opened.count("opened") == 1
    refused = [line for line in opened if line != "opened"]
    assert len(refused) == WORKERS - 1
    for line in refused:
        assert line.startswith("refused ") and "gvia.db" in line  # the ledger named
        assert "Traceback" not in line
    (writer,) = written
    references, summaries = _all_written([writer])
    assert set(written[writer]) == references | summaries
    _check_ledger(path, client_ids, references, summaries)


# ---- a collision is run again, whole; past a few tries the clear message ----------------

def _hold_client(url: str, client_id: int, seconds: float, held: threading.Event):
    """Another office computer holding the client's row for `seconds`."""
    with psycopg.connect(url) as other:
        other.execute("SELECT id FROM client WHERE id = %s FOR UPDATE", (client_id,))
        held.set()
        time.sleep(seconds)


def _collisions_after(ms: int) -> None:
    """Our waits for a row give up after `ms` (a collision, as a deadlock would be)."""
    from models.db.connection import database

    database.execute_sql(f"SET lock_timeout = '{ms}ms'")


def test_a_payment_that_collided_is_recorded_once_when_tried_again(office):
    from models.ledger import services
    from models.ledger.payments import Allocation, Payment

    client = services.add_client(name="לקוח תפוס", kind="company")
    services.add_invoice(client.id, "1", dt.date(2026, 1, 1), "100", due_date=dt.date(2026, 1, 1))
    _collisions_after(150)
    held = threading.Event()
    other = threading.Thread(target=_hold_client, args=(office.url, client.id, 0.4, held))
    other.start()
    assert held.wait(5)
    started = time.monotonic()
    services.record_payment(client.id, dt.date(2026, 2, 1), "60", reference="R-1")
    assert time.monotonic() - started >= 0.3  # it waited for the other computer
    other.join()
    assert [p.reference for p in Payment.select()] == ["R-1"]
    assert [a.amount_agorot for a in Allocation.select()] == [6000]


def test_a_collision_every_time_gives_the_clear_message_and_writes_nothing(office):
    from models.common.errors import GviaError
    from models.ledger import services
    from models.ledger.payments import Payment

    client = services.add_client(name="לקוח תפוס", kind="company")
    _collisions_after(50)
    held = threading.Event()
    other = threading.Thread(target=_hold_client, args=(office.url, client.id, 3, held))
    other.start()
    assert held.wait(5)
    try:
        with pytest.raises(GviaError) as err:
            services.record_payment(client.id, dt.date(2026, 2, 1), "60")
    finally:
        other.join()
    assert "מישהו אחר שינה" in str(err.value)
    assert Payment.select().count() == 0


def test_inside_another_use_cases_transaction_a_collision_is_not_retried_halfway(office):
    from models.db.concurrency import retried
    from models.db.connection import database
    from models.db.postgres.faults import ChangedElsewhereError

    calls = []

    @retried
    def collides():
        calls.append(1)
        raise ChangedElsewhereError()

    with pytest.raises(ChangedElsewhereError):
        collides()
    assert len(calls) > 1  # on its own: tried again
    calls.clear()
    with pytest.raises(ChangedElsewhereError):
        with database.atomic():
            collides()
    assert len(calls) == 1  # the outer use case is the one to run again
