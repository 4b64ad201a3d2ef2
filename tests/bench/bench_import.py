"""Benchmark: import 100,000 payment rows (target on this machine: <= 10 s), and the
memory each import takes (target: under 500 MB for 1,000,000 rows).

The database first gets 1,000 clients and 20,000 invoices (themselves imported from
CSV, timed separately); the payments file then holds 100,000 rows, a quarter naming
their invoice, the rest allocated by the rule, in shuffled date order. The files are
written row by row, so the benchmark itself holds next to nothing in memory and the
peak figures are the import's own.

    python tests/bench/bench_import.py [--payments N] [--invoices N] [--clients N] [--xlsx]

--xlsx writes the payments as a workbook instead of a CSV (openpyxl's write-only mode,
also row by row), to measure the workbook reader. Figures only; nothing here is
asserted.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from models.db.opening import open_database  # noqa: E402
from models.exchange.importing import import_files  # noqa: E402
from models.ledger.payments import Allocation, Payment  # noqa: E402

START = dt.date(2024, 1, 1)


def write_csv(path: Path, header: list[str], rows) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: list[str], rows) -> Path:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("payments")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def make_files(folder: Path, clients: int, invoices: int, payments: int, seed: int = 1,
               xlsx: bool = False):
    rng = random.Random(seed)
    client_rows = ((f"C{i}", f"לקוח מספר {i} בע\"מ", rng.choice(["שוטף+30", "נטו 45", "מיידי"]))
                   for i in range(1, clients + 1))
    # Payments name invoices of the file: the invoices' clients are kept (one small int
    # each), the rows themselves are written as they are made.
    invoice_client = [0] * (invoices + 1)

    def invoice_rows():
        for n in range(1, invoices + 1):
            issue = START + dt.timedelta(days=rng.randrange(700))
            invoice_client[n] = rng.randint(1, clients)
            yield (n, f"C{invoice_client[n]}", issue.strftime("%d/%m/%Y"),
                   f"{rng.randint(100, 20000)}.{rng.randint(0, 99):02d}")

    def payment_rows():
        for n in range(1, payments + 1):
            number = rng.randint(1, invoices) if rng.random() < 0.25 else None
            client = invoice_client[number] if number else rng.randint(1, clients)
            day = START + dt.timedelta(days=rng.randrange(1000))
            yield (f"R{n}", f"C{client}", day.strftime("%d/%m/%Y"),
                   f"{rng.randint(10, 5000)}.00", rng.choice(["העברה", "אשראי", "ביט"]),
                   number or "")

    return (
        write_csv(folder / "clients.csv", ["מספר לקוח", "שם", "תנאי תשלום"], client_rows),
        write_csv(folder / "invoices.csv", ["מספר חשבונית", "לקוח", "תאריך", "סכום"],
                  invoice_rows()),
        (write_xlsx if xlsx else write_csv)(
            folder / ("payments.xlsx" if xlsx else "payments.csv"),
            ["אסמכתא", "לקוח", "תאריך", "סכום", "אמצעי תשלום", "מספר חשבונית"],
            payment_rows()),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--invoices", type=int, default=20000)
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--xlsx", action="store_true", help="payments as a workbook")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clients, invoices, payments = make_files(folder, args.clients, args.invoices,
                                                 args.payments, xlsx=args.xlsx)
        before = f"{peak_mb():,.0f} MB"
        with open_database(folder / "bench.db"):
            setup = timed(import_files, clients=clients, invoices=invoices)
            dry = timed(import_files, payments=payments, dry_run=True)
            real = timed(import_files, payments=payments)
            again = timed(import_files, payments=payments)
            counts = (Payment.select().count(), Allocation.select().count())
    n = f"{args.payments:,}" + (" (xlsx)" if args.xlsx else "")
    print(f"machine speed now: {machine_speed_ns():.0f} ns per dict.get (about 25-35 ns when "
          "idle; a higher figure means the figures below are inflated by other load)")
    print(f"peak memory (RSS) before importing: {before}")
    print("wall s / CPU s / peak RSS of this process during the import")
    print(f"clients {args.clients:,} + invoices {args.invoices:,} imported: {setup}")
    print(f"payments {n} rows, --dry-run:            {dry}")
    print(f"payments {n} rows, import:               {real}  (target <= 10 s per 100,000)")
    print(f"payments {n} rows, re-import (all skip): {again}")
    print(f"stored: {counts[0]:,} payments, {counts[1]:,} allocations")


def machine_speed_ns() -> float:
    import timeit

    runs = timeit.repeat("d.get(1)", setup="d = {1: 2}", number=1_000_000, repeat=5)
    return min(runs) * 1000


def timed(function, **kwargs) -> str:
    reset_peak()
    wall, cpu = time.perf_counter(), time.process_time()
    function(**kwargs)
    return (f"{time.perf_counter() - wall:6.2f} / {time.process_time() - cpu:6.2f} / "
            f"{peak_mb():5,.0f} MB")


def reset_peak() -> None:
    """Start the peak-RSS count afresh (Linux); elsewhere the peak is the process's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


if __name__ == "__main__":
    main()
