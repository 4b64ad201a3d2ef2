"""Benchmark: import 100,000 payment rows (target on this machine: <= 10 s).

The database first gets 1,000 clients and 20,000 invoices (themselves imported from
CSV, timed separately); the payments file then holds 100,000 rows, a quarter naming
their invoice, the rest allocated by the rule, in shuffled date order.

    python tests/bench/bench_import.py [--payments N]
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from models.db import open_database  # noqa: E402
from models.importing import import_files  # noqa: E402
from models.payments import Allocation, Payment  # noqa: E402


def write_csv(path: Path, header: list[str], rows) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def make_files(folder: Path, clients: int, invoices: int, payments: int, seed: int = 1):
    rng = random.Random(seed)
    start = dt.date(2024, 1, 1)
    client_rows = [(f"C{i}", f"לקוח מספר {i} בע\"מ", rng.choice(["שוטף+30", "נטו 45", "מיידי"]))
                   for i in range(1, clients + 1)]
    invoice_rows = []
    for n in range(1, invoices + 1):
        issue = start + dt.timedelta(days=rng.randrange(700))
        invoice_rows.append((n, f"C{rng.randint(1, clients)}", issue.strftime("%d/%m/%Y"),
                             f"{rng.randint(100, 20000)}.{rng.randint(0, 99):02d}"))
    payment_rows = []
    for n in range(1, payments + 1):
        inv = rng.choice(invoice_rows) if rng.random() < 0.25 else None
        client = inv[1] if inv else f"C{rng.randint(1, clients)}"
        day = start + dt.timedelta(days=rng.randrange(1000))
        payment_rows.append((f"R{n}", client, day.strftime("%d/%m/%Y"),
                             f"{rng.randint(10, 5000)}.00", rng.choice(["העברה", "אשראי", "ביט"]),
                             inv[0] if inv else ""))
    return (
        write_csv(folder / "clients.csv", ["מספר לקוח", "שם", "תנאי תשלום"], client_rows),
        write_csv(folder / "invoices.csv", ["מספר חשבונית", "לקוח", "תאריך", "סכום"],
                  invoice_rows),
        write_csv(folder / "payments.csv",
                  ["אסמכתא", "לקוח", "תאריך", "סכום", "אמצעי תשלום", "מספר חשבונית"],
                  payment_rows),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--invoices", type=int, default=20000)
    parser.add_argument("--payments", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clients, invoices, payments = make_files(folder, args.clients, args.invoices,
                                                 args.payments)
        with open_database(folder / "bench.db"):
            setup = timed(import_files, clients=clients, invoices=invoices)
            dry = timed(import_files, payments=payments, dry_run=True)
            real = timed(import_files, payments=payments)
            again = timed(import_files, payments=payments)
            counts = (Payment.select().count(), Allocation.select().count())
    n = f"{args.payments:,}"
    print(f"machine speed now: {machine_speed_ns():.0f} ns per dict.get (about 25-35 ns when "
          "idle; a higher figure means the figures below are inflated by other load)")
    print("wall s / CPU s of this process")
    print(f"clients {args.clients:,} + invoices {args.invoices:,} imported: {setup}")
    print(f"payments {n} rows, --dry-run:            {dry}")
    print(f"payments {n} rows, import:               {real}  (target <= 10 s)")
    print(f"payments {n} rows, re-import (all skip): {again}")
    print(f"stored: {counts[0]:,} payments, {counts[1]:,} allocations")


def machine_speed_ns() -> float:
    import timeit

    runs = timeit.repeat("d.get(1)", setup="d = {1: 2}", number=1_000_000, repeat=5)
    return min(runs) * 1000


def timed(function, **kwargs) -> str:
    wall, cpu = time.perf_counter(), time.process_time()
    function(**kwargs)
    return f"{time.perf_counter() - wall:6.2f} / {time.process_time() - cpu:6.2f}"


if __name__ == "__main__":
    main()
