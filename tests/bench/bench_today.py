"""How long the Today list takes on a big database (target: under 1 s on 1M invoices).

    python main.py demo --db /tmp/big.db --clients 20000 --invoices 1000000
    python tests/bench/bench_today.py /tmp/big.db [--as-of YYYY-MM-DD] [--runs 3]

Prints the figures (each part and the whole, best of the runs); asserts nothing and
writes nothing (opening an older database does migrate it, as the app would).
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


def _best(fn, runs: int) -> tuple[float, float, object]:
    """Best wall time of the runs, with its CPU time (other work shares the machine)."""
    best, cpu, result = float("inf"), 0.0, None
    for _ in range(runs):
        result = None  # the previous run's objects are freed before the clock starts
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall = time.perf_counter() - start
        if wall < best:
            best, cpu = wall, time.process_time() - start_cpu
    return best, cpu, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    from models.collection.dunning import dunning_steps, open_invoices_due_by
    from models.collection.today import (
        checks_to_deposit,
        follow_ups_due,
        overdue_trend,
        today_list,
    )
    from models.contact.promises import evaluate_promises
    from models.contact.rules import load_rules
    from models.db.opening import open_database
    from models.prevention.deposits import deposits_due

    with open_database(args.db, create=False) as opened:
        conn = opened.db.connection()
        as_of = args.as_of or dt.date.fromisoformat(
            conn.execute("SELECT max(issue_date) FROM invoice").fetchone()[0])
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("client", "invoice", "allocation", "payment", "contact_log", "promise")}
        print(f"database {args.db}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        print(f"as of {as_of}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        rules = load_rules()
        horizon = as_of + dt.timedelta(days=rules.due_soon_days)
        parts = [
            ("open invoices due by as_of+N", lambda: open_invoices_due_by(as_of, horizon)),
            ("dunning steps", lambda: dunning_steps(as_of, rules=rules)),
            ("promises", lambda: evaluate_promises(as_of, window_ends_after=as_of)),
            ("follow-ups", lambda: follow_ups_due(as_of)),
            ("checks to deposit", lambda: checks_to_deposit(as_of)),
            ("deposits due", lambda: deposits_due(as_of)),
            ("overdue trend (12 weeks)", lambda: overdue_trend(as_of)),
            ("Today without trend", lambda: today_list(as_of, with_trend=False)),
            ("Today, complete", lambda: today_list(as_of)),
        ]
        for label, fn in parts:
            seconds, cpu, result = _best(fn, args.runs)
            size = len(result) if hasattr(result, "__len__") else ""
            print(f"{label:32s} {seconds * 1000:8.0f} ms ({cpu * 1000:6.0f} cpu)  {size}")
        today = today_list(as_of)
        print(f"actions {len(today.actions):,}, due soon {len(today.due_soon):,}, "
              f"paused {len(today.paused):,}, promises {len(today.promises_due) + len(today.promises_broken):,}, "
              f"follow-ups {len(today.follow_ups):,}, checks {len(today.checks):,}, "
              f"deposits {len(today.deposits):,}, instalments {len(today.instalments):,}, "
              f"breaches {len(today.breaches):,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
