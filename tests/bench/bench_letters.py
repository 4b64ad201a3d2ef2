"""Letters per second, end to end: database -> compose -> Hebrew PDF -> archive, and peak memory.

    python tests/bench/bench_letters.py [N] [RUNS]   (default 1,000 letters, best of 3 runs)

The machine is shared: each kind runs RUNS times and prints the best wall time, the CPU
time (time.process_time) of that run, and the 1-minute load average before it. Every run
starts with empty text caches, as a batch does in a freshly started app.

Target on the reference machine (2 cores): >= 300 letters/s, 1,000 letters <= 5 s.
Prints figures only; never asserts on time.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "reports"))

AS_OF = dt.date(2026, 11, 22)


def main(count: int = 1000, runs: int = 3) -> None:
    from factory import HOSTILE_NAMES, add_clients, setup_business

    from models.db.opening import open_database
    from reports.batch import produce_letters, select_clients
    from reports.fonts import register_fonts
    from reports.pdf import clear_text_caches

    register_fonts()  # the one-off font cache is not part of the per-letter cost
    with tempfile.TemporaryDirectory() as folder:
        with open_database(Path(folder) / "bench.db"):
            setup_business(interest_rate_percent="4", collection_costs_agorot=15000)
            names = [f"{HOSTILE_NAMES[i % len(HOSTILE_NAMES)]} {i}" for i in range(count)]
            add_clients(names, invoices_each=4)
            for kind in ("reminder", "final-warning", "statement"):
                ids = select_clients(kind, AS_OF)
                best = None
                for _ in range(runs):
                    clear_text_caches()
                    load = os.getloadavg()[0]
                    start, cpu_start = time.perf_counter(), time.process_time()
                    result = produce_letters(kind, select_clients(kind, AS_OF), AS_OF,
                                             Path(folder) / f"{kind}.pdf")
                    run = (time.perf_counter() - start, time.process_time() - cpu_start, load)
                    best = min(best or run, run)
                elapsed, cpu, load = best
                # Memory in a second, traced run: tracemalloc slows Python several times.
                clear_text_caches()
                tracemalloc.start()
                produce_letters(kind, ids, AS_OF)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                size = result.archive_path.stat().st_size
                print(f"{kind:14} {result.written:5} letters, {result.pages:5} pages in "
                      f"{elapsed:5.2f} s = {result.written / elapsed:4.0f} letters/s (CPU {cpu:5.2f} s = "
                      f"{result.written / cpu:4.0f}/s, load {load:.2f}); "
                      f"peak Python memory {peak / 2**20:5.1f} MiB; PDF {size / 2**20:.1f} MiB")
        print(f"peak resident set size of the process: {_max_rss_mib():.0f} MiB")


def _max_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
