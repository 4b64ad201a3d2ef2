"""Benchmark: the desktop app on a large database (issue 3 targets on this machine:
launch to a painted window <= 1.5 s warm, clients list first paint <= 100 ms, sort or
filter <= 300 ms; the money columns and the invoices list load off the UI thread).

    python tests/bench/bench_ui.py [--db FILE] [--clients N] [--invoices M]

Without --db it builds a demo database (`python main.py demo`) of the given size in a
temporary folder first (20,000 / 1,000,000 takes several minutes). Prints figures only.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LAUNCH_SCRIPT = r"""
import sys, time
start = time.perf_counter()
sys.path.insert(0, {root!r})
from PySide6.QtCore import QTimer
from ui.app import create_application
app = create_application()
from models.db.opening import open_database
from ui.main_window import MainWindow
before_open = time.perf_counter()
opened = open_database({db!r})
after_open = time.perf_counter()
window = MainWindow(opened)
window.show()
def painted():
    window.grab()  # forces a full paint of the window as it is now
    done = time.perf_counter()
    print(f"painted {{before_open - start:.3f}} {{after_open - before_open:.3f}} "
          f"{{done - after_open:.3f}}", flush=True)
    app.quit()
QTimer.singleShot(0, painted)
app.exec()
opened.close()
"""


def launch_seconds(db: Path) -> tuple[float, list[float]]:
    """From starting the interpreter to the first painted window (a fresh process), and
    its parts: imports + QApplication, open_database (checks, quick_check), window."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", LAUNCH_SCRIPT.format(root=str(ROOT), db=str(db))],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:
        if line.startswith("painted"):
            elapsed = time.perf_counter() - start
            parts = [float(x) for x in line.split()[1:]]
            break
    else:
        raise SystemExit("the window never painted")
    proc.kill()  # the money summary may still be running; not part of the launch
    proc.wait()
    # The kill leaves the "was open" marker behind, which would make the next launch
    # take it for a crash and run the full quick_check (~5 s here): not a warm start.
    Path(str(db) + ".open").unlink(missing_ok=True)
    return elapsed, parts


def timed(label: str, action, results: dict) -> None:
    start = time.perf_counter()
    action()
    results[label] = time.perf_counter() - start


def measure_in_process(db: Path) -> dict:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from models.db.opening import open_database
    from models.queries.client_list import client_summaries
    from models.queries.invoice_list import invoice_ids
    from ui.app import create_application
    from ui.background import wait_for_all
    from ui.clients.client_table_model import Columns
    from ui.clients.clients_view import ClientsView

    app = create_application()
    results: dict[str, float] = {}
    with open_database(db) as opened:
        holder = {}

        def first_paint():
            view = ClientsView(opened)
            view.resize(1200, 700)
            view.show()
            view.table.viewport().grab()
            holder["view"] = view
        timed("clients list first paint", first_paint, results)
        view = holder["view"]
        start = time.perf_counter()
        while view.model.summaries is None:
            app.processEvents()
            time.sleep(0.005)
        results["money columns ready (background)"] = time.perf_counter() - start
        table = view.table

        def sort(column, order):
            return lambda: (table.sortByColumn(column, order), table.viewport().grab())

        timed("sort by name, descending", sort(Columns.NAME, Qt.DescendingOrder), results)
        timed("sort by city", sort(Columns.CITY, Qt.AscendingOrder), results)
        timed("sort by open balance", sort(Columns.OPEN, Qt.DescendingOrder), results)
        timed("sort by oldest overdue", sort(Columns.OLDEST_DAYS, Qt.DescendingOrder), results)

        def search(text):
            return lambda: (view.search.setText(text), view.apply_filter(),
                            table.viewport().grab())

        timed("filter: name fragment", search("בע\"מ"), results)
        timed("filter: phone digits", search("0521"), results)
        timed("filter: cleared", search(""), results)

        as_of = dt.date.today()
        timed("summary query alone", lambda: client_summaries(as_of), results)
        timed("invoices list ids (newest first)", lambda: invoice_ids(as_of), results)
        timed("invoices list ids (open only)", lambda: invoice_ids(as_of, state="open"),
              results)
        view.close()
        wait_for_all()
        QApplication.processEvents()
    return results


def make_database(folder: Path, clients: int, invoices: int) -> Path:
    db = folder / "bench_ui.db"
    print(f"building a demo database of {clients:,} clients / {invoices:,} invoices …",
          flush=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "main.py"), "demo", "--db", str(db),
                    "--clients", str(clients), "--invoices", str(invoices)], check=True)
    print(f"  built in {time.perf_counter() - start:.1f} s", flush=True)
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--clients", type=int, default=20000)
    parser.add_argument("--invoices", type=int, default=1000000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or make_database(Path(folder), args.clients, args.invoices)
        launch_seconds(db)  # a cold first start warms the OS file cache
        launches = sorted(launch_seconds(db) for _ in range(3))
        total, (start_qt, open_db, window) = launches[1]
        print(f"launch to painted window (warm, median of 3): {total * 1000:.0f} ms "
              "(target <= 1500)")
        print(f"  of which: interpreter + imports + QApplication {start_qt * 1000:.0f} ms, "
              f"open_database {open_db * 1000:.0f} ms, main window to painted "
              f"{window * 1000:.0f} ms")
        targets = {"clients list first paint": 100}
        for label, seconds in measure_in_process(db).items():
            target = targets.get(label, 300 if label.startswith(("sort", "filter")) else None)
            suffix = f" (target <= {target})" if target else ""
            print(f"{label}: {seconds * 1000:.0f} ms{suffix}")


if __name__ == "__main__":
    main()
