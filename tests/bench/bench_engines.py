"""Aging, Today and the client list on SQLite and on PostgreSQL, on the same ledger, side
by side.

    python tests/bench/bench_engines.py [--sqlite PATH] [--postgres URL] [--runs 3]

The SQLite ledger is bench_aging.py's 1,000,000-invoice demo (built once, cached under
/tmp/gvia-bench: 20,000 clients, ~1.5M payments). The PostgreSQL one is that same file
moved with `gvia migrate` (models/db/postgres/transfer.py) into a database of a throwaway
cluster (tools/pg_cluster.py) when --postgres is not given; the move is done once and
kept with the cluster under /tmp/gvia-bench/pg. Each figure is the best wall time of the
runs, as of the demo's today:
- aging: `aging_report`, every client and currency, the default buckets;
- Today: `today_list` with its trend, what the Today screen shows;
- client list: the first page of the Clients screen (ids in name order, that page's rows)
  and the balances of every client (`client_summaries`), as the screen loads them.
Goal: PostgreSQL within 2x of SQLite for each, aging under 2 s. Prints figures only.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from models.db.opening import open_database  # noqa: E402
from tests.bench.bench_aging import AS_OF, CACHE, SIZES, build  # noqa: E402
from tools import pg_cluster  # noqa: E402

PAGE = 100


def _best(fn, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def figures(target, runs: int) -> dict[str, float]:
    from models.collection.today import today_list
    from models.db.settings import DEFAULT_BUCKETS
    from models.queries.aging import aging_report
    from models.queries.client_list import client_ids, client_rows, client_summaries

    def client_list() -> None:
        client_rows(client_ids("", sort="name")[:PAGE])
        client_summaries(AS_OF)

    with open_database(target):
        aging_report(AS_OF, DEFAULT_BUCKETS)  # warm the caches once
        return {"aging": _best(lambda: aging_report(AS_OF, DEFAULT_BUCKETS), runs),
                "Today": _best(lambda: today_list(AS_OF), runs),
                "client list": _best(client_list, runs)}


def office_copy(sqlite_path: Path) -> str:
    """The 1M ledger on a local throwaway server, moved there once."""
    import psycopg

    from models.db.postgres.transfer import move_ledger
    from models.queries.aging import aging_report

    admin = pg_cluster.start(CACHE / "pg")
    url = pg_cluster.url(CACHE / "pg", "gvia_bench")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'gvia_bench'"
                              ).fetchone()
        if exists:
            return url
        conn.execute("CREATE DATABASE gvia_bench")
    start = time.perf_counter()
    move_ledger(sqlite_path, url, aging=aging_report)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # as an office's server does on its own after a load
    print(f"moved {sqlite_path.name} to PostgreSQL in {time.perf_counter() - start:.0f} s")
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", type=Path, default=CACHE / "big.db")
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    build(args.sqlite, *SIZES["big"], rebuild=False)
    url = args.postgres or office_copy(args.sqlite)
    lite = figures(args.sqlite, args.runs)
    office = figures(url, args.runs)
    print(f"\nas of {AS_OF}, best of {args.runs}      SQLite   PostgreSQL   ratio")
    for name in lite:
        ratio = office[name] / lite[name]
        print(f"{name:<24} {lite[name] * 1000:7.0f} ms {office[name] * 1000:8.0f} ms "
              f"{ratio:6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
