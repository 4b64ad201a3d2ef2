"""An office ledger whose server connection goes away mid-work (a restart, the network):
one named fault, nothing committed lost, the half-done change rolled back, and the next
action reconnects by itself. The server's side is cut for real (pg_terminate_backend)."""
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

import pytest

from models.db import faults
from models.db.connection import database
from models.db.opening import open_database
from models.db.postgres.faults import ConnectionLostError
from models.ledger import services
from models.ledger.payments import Payment
from tests.pg import Server
from tools import pg_cluster

ROOT = Path(__file__).resolve().parents[2]
D = dt.date



def cut_connections(pg_server, url: str) -> int:
    """End every session on the ledger's database, as a server restart would."""
    dbname = urllib.parse.urlsplit(url).path.lstrip("/")
    with pg_server.admin() as admin:
        ended = admin.execute(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()) AS t", (dbname,)).fetchone()[0]
    return ended


def paid(client_id: int) -> list[int]:
    return sorted(p.amount_agorot for p in Payment.select().where(Payment.client == client_id))


def test_lost_connection_is_named_then_the_next_write_reconnects(office, pg_server):
    client = services.add_client(name="לקוח", kind="company", terms="שוטף+30")
    for amount in ("100", "200", "300"):
        services.record_payment(client.id, D(2026, 10, 1), amount)
    assert cut_connections(pg_server, office.url) == 1

    with pytest.raises(ConnectionLostError) as lost:
        services.record_payment(client.id, D(2026, 10, 2), "400")
    assert lost.value.kind == faults.CONNECTION_LOST
    assert str(lost.value).startswith(faults.message(faults.CONNECTION_LOST))

    assert paid(client.id) == [10000, 20000, 30000]  # this read reconnected
    services.record_payment(client.id, D(2026, 10, 3), "500")
    assert paid(client.id) == [10000, 20000, 30000, 50000]


def test_a_change_cut_halfway_is_rolled_back_whole(office, pg_server):
    client = services.add_client(name="לקוח", kind="company", terms="שוטף+30")
    services.record_payment(client.id, D(2026, 10, 1), "100")

    with pytest.raises(ConnectionLostError):
        with database.atomic():
            services.record_payment(client.id, D(2026, 10, 2), "200")
            cut_connections(pg_server, office.url)
            # Inside the transaction there is no new connection: it would lose the first half.
            services.record_payment(client.id, D(2026, 10, 2), "300")

    assert paid(client.id) == [10000]
    assert not database.obj.in_transaction()


def test_a_commit_on_a_lost_connection_fails(office, pg_server):
    client = services.add_client(name="לקוח", kind="company", terms="שוטף+30")

    with pytest.raises(ConnectionLostError):
        with database.atomic():
            services.record_payment(client.id, D(2026, 10, 2), "200")
            cut_connections(pg_server, office.url)  # the COMMIT meets the cut

    assert paid(client.id) == []
    services.record_payment(client.id, D(2026, 10, 3), "300")
    assert paid(client.id) == [30000]


def test_carrying_on_after_a_lost_statement_never_commits_on_a_new_connection(office,
                                                                              pg_server):
    client = services.add_client(name="לקוח", kind="company", terms="שוטף+30")

    with pytest.raises(ConnectionLostError):
        with database.atomic():
            services.record_payment(client.id, D(2026, 10, 2), "200")
            cut_connections(pg_server, office.url)
            try:
                database.obj.execute_sql("SELECT 1")
            except ConnectionLostError:
                pass  # code that goes on after a failed statement; the commit must fail

    assert paid(client.id) == []


@pytest.fixture
def own_server():
    """A server of this test's own, to stop and start again (the session's is shared)."""
    folder = Path(tempfile.mkdtemp(prefix="gvia-pg-"))
    server = Server(pg_cluster.start(folder), folder)
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


def test_a_server_restart_loses_nothing_and_work_goes_on_once_it_is_back(own_server):
    with open_database(own_server.new_ledger("restart")) as office:
        client = services.add_client(name="לקוח", kind="company", terms="שוטף+30")
        services.record_payment(client.id, D(2026, 10, 1), "100")
        pg_cluster.stop(own_server.folder)

        for _attempt in range(2):  # while it is away, every try is named, none hangs
            with pytest.raises(ConnectionLostError):
                services.record_payment(client.id, D(2026, 10, 2), "200")
        pg_cluster.start(own_server.folder)

        services.record_payment(client.id, D(2026, 10, 3), "300")
        assert paid(client.id) == [10000, 30000]


def test_the_command_line_names_a_server_that_is_not_running(tmp_path):
    url = f"postgresql://gvia@/ledger?host={tmp_path}"  # no server listens in this folder
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "aging", "--db", url],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    lines = done.stderr.strip().splitlines()
    assert done.returncode != 0 and done.stdout == ""
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert "ledger@" in lines[0] and str(tmp_path) in lines[0]
