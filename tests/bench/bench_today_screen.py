"""How fast the Today screen is on a big database: first paint (the list is computed in the
background, so this must not wait for it) and the time until the list is on screen.

    python main.py demo --db /tmp/big.db --clients 20000 --invoices 1000000
    python tests/bench/bench_today_screen.py /tmp/big.db [--as-of YYYY-MM-DD] [--runs 3]

Prints the figures (best of the runs); asserts nothing. Opening an older database
migrates it, as the app would.
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
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from models.db.opening import open_database
    from ui.app import create_application
    from ui.background import wait_for_all
    from ui.today.today_view import TodayView
    from ui.widgets import clock

    app = create_application()
    with open_database(args.db, create=False) as opened:
        conn = opened.db.connection()
        as_of = args.as_of or dt.date.fromisoformat(
            conn.execute("SELECT max(issue_date) FROM invoice").fetchone()[0])
        clock.today = lambda: as_of
        invoices = conn.execute("SELECT count(*) FROM invoice").fetchone()[0]
        print(f"database {args.db}: {invoices:,} invoices; as of {as_of}")
        paints, totals, freezes, rows = [], [], [], 0
        for _run in range(args.runs):
            start = time.perf_counter()
            view = TodayView(opened)
            view.resize(1200, 720)
            view.show()
            view.grab()  # painted, busy indicator showing
            paints.append(time.perf_counter() - start)
            errors: list[str] = []
            view.failed.connect(errors.append)
            longest = 0.0  # the longest the window stayed unresponsive meanwhile
            while view.today() is None and not errors:
                tick = time.perf_counter()
                app.processEvents()
                longest = max(longest, time.perf_counter() - tick)
                time.sleep(0.002)
            freezes.append(longest)
            if errors:
                print(f"the list could not be computed: {errors[0]}")
                wait_for_all()
                return 1
            view.grab()
            totals.append(time.perf_counter() - start)
            rows = sum(len(g.tasks) for g in view.model.groups())
            view.close()
            view.deleteLater()
            wait_for_all()
            QApplication.processEvents()
        print(f"first paint (list still computing)    {min(paints) * 1000:8.1f} ms")
        print(f"list on screen (computed off-thread)  {min(totals) * 1000:8.1f} ms")
        print(f"longest UI-thread stall while loading {min(freezes) * 1000:8.1f} ms")
        print(f"tasks listed                          {rows:8,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
