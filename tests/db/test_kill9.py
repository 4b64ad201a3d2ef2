"""kill -9 while committing payments: no committed payment is lost, the file stays sound."""
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import peewee as pw

from models.db.connection import database, integrity_check
from models.db.opening import open_database
from models.ledger import services
from models.ledger.invoices import Invoice
from models.ledger.payments import Allocation, Payment

CHILD = Path(__file__).with_name("kill9_child.py")
ROUNDS = 20


def committed_references(child: subprocess.Popen) -> list[str]:
    """References the child reported; a line cut off by the kill does not count."""
    out = child.stdout.read()
    lines = out.split("\n")
    return [line for line in lines[:-1] if line]


def spawn(db_path: Path, prefix: str) -> subprocess.Popen:
    """A child that imports everything, then waits for "go" on stdin."""
    return subprocess.Popen([sys.executable, str(CHILD), str(db_path), prefix],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def go(child: subprocess.Popen) -> None:
    child.stdin.write("go\n")
    child.stdin.flush()


def run_and_kill(child: subprocess.Popen, rng: random.Random) -> list[str]:
    first = child.stdout.readline()  # the loop is running: kill it somewhere inside
    assert first.endswith("\n"), child.stderr.read()
    time.sleep(rng.uniform(0, 0.05))
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    return [first.strip()] + committed_references(child)


def test_no_committed_payment_lost_after_kill_9(db_path):
    seed = int.from_bytes(os.urandom(4), "little")
    rng = random.Random(seed)
    with open_database(db_path):
        client = services.add_client(name="לקוח משלם")
        with database.atomic():
            for n in range(40):
                services.add_invoice(client.id, str(n + 1), dt.date(2026, 1, 1), "100")
    reported: list[str] = []
    upcoming = spawn(db_path, "r0")
    for round_no in range(ROUNDS):
        child = upcoming
        go(child)
        if round_no + 1 < ROUNDS:  # the next child imports while this round runs
            upcoming = spawn(db_path, f"r{round_no + 1}")
        reported += run_and_kill(child, rng)
        with open_database(db_path):
            assert integrity_check() == [], f"round {round_no}, seed {seed}"
            stored = {p.reference for p in Payment.select(Payment.reference)}
            missing = [r for r in reported if r not in stored]
            assert not missing, f"lost after kill -9 (round {round_no}, seed {seed}): {missing}"
            # each payment was written whole: never more allocated than paid, per payment
            # and per invoice
            over_paid = (Payment.select(Payment.id)
                         .join(Allocation, on=(Allocation.payment == Payment.id))
                         .group_by(Payment.id)
                         .having(pw.fn.SUM(Allocation.amount_agorot) > Payment.amount_agorot))
            assert not list(over_paid)
            over_allocated = (Invoice.select(Invoice.id)
                              .join(Allocation, on=(Allocation.invoice == Invoice.id))
                              .group_by(Invoice.id)
                              .having(pw.fn.SUM(Allocation.amount_agorot) > Invoice.amount_agorot))
            assert not list(over_allocated)
    assert len(reported) >= ROUNDS
