"""The README's screenshots: every main screen, a client card, the settlement and case-file
pages, drawn at 1366×768 (a 15" laptop at 125 %) over a fresh demo ledger, the day fixed so
the pictures do not change from one run to the next.

    python tools/screenshots.py [--out docs/screenshots] [--size 1366x768]

Offscreen (QT_QPA_PLATFORM=offscreen): no display is needed, and each window is drawn
with grab(), without the window system's frame.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 22)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--size", default="1366x768")
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.split("x"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    work = Path(tempfile.gettempdir()) / "gvia-demo"  # the status bar shows the path
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()

    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(work / "settings"))
    from ui.app import create_application

    app = create_application([], lang="he")
    from models.db.opening import open_database
    from models.demo.generator import make_demo
    from ui.background import wait_for_all
    from ui.widgets import clock

    clock.today = lambda: AS_OF
    opened = open_database(work / "demo.gvia")
    make_demo(clients=60, invoices=400, seed=1, as_of=AS_OF)
    args.out.mkdir(parents=True, exist_ok=True)

    def settle() -> None:
        for _ in range(4):
            for _ in range(20):
                app.processEvents()
            wait_for_all()
            time.sleep(0.05)

    def save(widget, name: str) -> None:
        settle()
        path = args.out / f"{name}.png"
        widget.grab().save(str(path))
        print(path)

    from models.ledger.clients import Client
    from models.negotiation.settlements import Settlement
    from ui.clients.client_card import ClientCard
    from ui.main_window import MainWindow

    window = MainWindow(opened)
    window.resize(width, height)
    window.show()
    for key in ("today", "clients", "invoices", "aging", "letters", "settings"):
        view = window.go_to(key)
        if key == "letters":
            client = Client.select().where(Client.name.contains("בוסקילה")).first() \
                or Client.select().first()
            view.produce_for("reminder", client.id, client.name, AS_OF)
            view.produce_page.refresh()  # the draft now, not after the typing pause
            for _ in range(5):
                settle()
        save(window, key)

    settled = Settlement.select().order_by(Settlement.id).first()
    client_id = settled.client_id if settled else Client.select().first().id
    card = ClientCard.open(client_id, window)
    card.resize(min(width, 1100), min(height, 720))
    save(card, "client-card")
    card.tabs.setCurrentWidget(card.negotiation)
    card.negotiation.pages.setCurrentWidget(card.negotiation.settlement)
    save(card, "settlement")
    card.negotiation.pages.setCurrentWidget(card.negotiation.case_file)
    save(card, "case-file")
    card.close()
    window.close()
    wait_for_all()
    opened.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
