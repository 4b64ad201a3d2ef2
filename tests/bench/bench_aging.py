"""Aging on a big ledger: our `aging_report` against the best hand-written SQL (the floor).

    python tests/bench/bench_aging.py [--db PATH] [--small-db PATH] [--rebuild]

Builds (once, cached under /tmp/gvia-bench) a 20,000-client / 1,000,000-invoice demo
(~1.6M payments) and a 2,000-client / 100,000-invoice one with `make_demo`, then prints for
each, as of the demo's "today" and a year before: our time (best of 3), the floor's time
(best of 3), their ratio, and `open_invoices` (what record_payment asks) for one client.
Targets on the 2-core box: 1M today <= 1.0 s, backdated <= 1.5 s, <= 1.5x the floor;
100k <= 150 ms. Prints figures only; a bench never fails on time.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from models.aging import aging_report  # noqa: E402
from models.allocation import open_invoices  # noqa: E402
from models.db import database, open_database  # noqa: E402
from models.demo import make_demo  # noqa: E402
from models.settings import DEFAULT_BUCKETS  # noqa: E402

AS_OF = dt.date(2026, 11, 22)
BACKDATED = AS_OF - dt.timedelta(days=365)
CACHE = Path("/tmp/gvia-bench")
SIZES = {"big": (20_000, 1_000_000), "small": (2_000, 100_000)}

# The floor: one statement, written by hand for this question only. Open amount per
# bucket is linear — sum of invoice amounts minus sum of their counted allocations — so
# no per-invoice grouping is needed; the CASE picks the bucket from the due date.
FLOOR_SQL = """
WITH moves AS MATERIALIZED (
    SELECT i.client_id, i.currency, i.due_date, i.amount_agorot AS owed, 0 AS paid
    FROM invoice i
    WHERE i.issue_date <= :d AND (i.cancelled_date IS NULL OR i.cancelled_date > :d)
    UNION ALL
    SELECT i.client_id, i.currency, i.due_date, -a.amount_agorot, a.amount_agorot
    FROM allocation a JOIN invoice i ON i.id = a.invoice_id
    WHERE a.applied_date <= :d AND (a.reversed_date IS NULL OR a.reversed_date > :d)
      AND i.issue_date <= :d AND (i.cancelled_date IS NULL OR i.cancelled_date > :d))
SELECT client_id, currency, SUM(paid),
       SUM(CASE WHEN due_date >= :d THEN owed ELSE 0 END),
       SUM(CASE WHEN due_date < :d AND due_date >= :b0 THEN owed ELSE 0 END),
       SUM(CASE WHEN due_date < :b0 AND due_date >= :b1 THEN owed ELSE 0 END),
       SUM(CASE WHEN due_date < :b1 AND due_date >= :b2 THEN owed ELSE 0 END),
       SUM(CASE WHEN due_date < :b2 AND due_date >= :b3 THEN owed ELSE 0 END),
       SUM(CASE WHEN due_date < :b3 THEN owed ELSE 0 END)
FROM moves GROUP BY client_id, currency
"""
FLOOR_SOURCES_SQL = """
SELECT client_id, currency, SUM(amount) FROM (
    SELECT client_id, currency, amount_agorot AS amount FROM payment
    WHERE MAX(date, COALESCE(check_date, date)) <= :d
      AND (bounced_date IS NULL OR bounced_date > :d)
    UNION ALL
    SELECT client_id, currency, amount_agorot FROM credit_note WHERE date <= :d)
GROUP BY client_id, currency
"""


def floor_aging(as_of: dt.date) -> dict[tuple[int, str], tuple[list[int], int]]:
    """(client, currency) -> (bucket amounts, credit), by the hand-written SQL."""
    params = {"d": as_of.isoformat()}
    for i, days in enumerate(DEFAULT_BUCKETS):
        params[f"b{i}"] = (as_of - dt.timedelta(days=days)).isoformat()
    conn = database.obj.connection()
    paid, result = {}, {}
    for cid, cur, paid_sum, *buckets in conn.execute(FLOOR_SQL, params):
        paid[cid, cur] = paid_sum
        result[cid, cur] = (buckets, 0)
    for cid, cur, received in conn.execute(FLOOR_SOURCES_SQL, params):
        credit = max(0, received - paid.get((cid, cur), 0))
        result[cid, cur] = (result.get((cid, cur), ([0] * 6, 0))[0], credit)
    return {k: v for k, v in result.items() if sum(v[0]) > 0 or v[1] > 0}


def ours(as_of: dt.date) -> dict[tuple[int, str], tuple[list[int], int]]:
    report = aging_report(as_of)
    return {(r.client_id, r.currency): (r.buckets, r.credit) for r in report.rows}


def best_of(n: int, fn, *args) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(n):
        start = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - start)
    return best, result


def build(path: Path, clients: int, invoices: int, rebuild: bool) -> None:
    if path.exists() and not rebuild:
        print(f"reusing {path} ({path.stat().st_size / 1e6:.0f} MB)")
        return
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with open_database(path):
        counts = make_demo(clients=clients, invoices=invoices, seed=1, as_of=AS_OF)
    print(f"built {path}: {counts} in {time.perf_counter() - start:.1f} s")


def measure(path: Path, label: str) -> None:
    with open_database(path) as opened:
        conn = opened.db.connection()
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("client", "invoice", "payment", "allocation")}
        print(f"\n== {label}: {counts}")
        ours(AS_OF)  # warm the page cache
        for name, as_of in (("today", AS_OF), ("backdated", BACKDATED)):
            ours_s, our_rows = best_of(3, ours, as_of)
            floor_s, floor_rows = best_of(3, floor_aging, as_of)
            same = "same result" if our_rows == floor_rows else "RESULTS DIFFER"
            print(f"aging {name:9} ({as_of}): ours {ours_s * 1000:7.0f} ms   "
                  f"floor {floor_s * 1000:7.0f} ms   ratio {ours_s / floor_s:4.2f}   "
                  f"{len(our_rows)} rows, {same}")
        biggest = conn.execute("SELECT client_id, count(*) AS n FROM invoice GROUP BY client_id "
                               "ORDER BY n DESC LIMIT 1").fetchone()
        for client_id, what in ((biggest[0], f"the biggest client ({biggest[1]} invoices)"),
                                (counts["client"] // 2, "a middle client")):
            seconds, found = best_of(5, open_invoices, client_id, "ILS")
            print(f"open_invoices for {what}: {seconds * 1000:.1f} ms, {len(found)} open")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="the 1M-invoice database")
    parser.add_argument("--small-db", type=Path, default=None, help="the 100k-invoice database")
    parser.add_argument("--rebuild", action="store_true", help="build even if cached")
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for label, path in (("big", args.db), ("small", args.small_db)):
        clients, invoices = SIZES[label]
        path = path or CACHE / f"aging-{clients}c-{invoices}i-seed1.db"
        build(path, clients, invoices, args.rebuild)
        measure(path, f"{clients:,} clients / {invoices:,} invoices")
    return 0


if __name__ == "__main__":
    sys.exit(main())
