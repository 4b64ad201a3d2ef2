"""A client's name written in Latin letters is *painted* in its own order in the lists of
the right-to-left window: "Keystone Studios Ltd." with its period on the right, never
".Keystone Studios Ltd". The cells are grabbed as the user sees them and their glyphs
read from the pixels (the leftmost glyph, K, is tall; the rightmost, the period, is a dot),
so a delegate, an overlay or a text path that lost the isolate would show here."""
import datetime as dt

import pytest
from PySide6.QtGui import QImage, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTreeView

from models.ledger import services
from ui.clients.client_table_model import Columns as ClientColumns
from ui.clients.clients_view import ClientsView
from ui.today.today_model import Columns
from ui.today.today_view import TodayView

NAME = "Keystone Studios Ltd."
TIMEOUT = 10000

pytestmark = pytest.mark.usefixtures("isolated")


def glyph_runs(image: QImage) -> list[tuple[int, int]]:
    """The dark ink of a cell, left to right, as (left x, height) of each run of inked
    columns: a letter or a word's touching letters is one run, a period a short one."""
    columns = []
    for x in range(image.width()):
        ys = [y for y in range(image.height()) if image.pixelColor(x, y).lightness() < 140]
        columns.append((min(ys), max(ys)) if ys else None)
    runs, current = [], None
    for x, ink in enumerate(columns + [None]):
        if ink is None:
            if current:
                runs.append((current[0], current[2] - current[1] + 1))
            current = None
        elif current is None:
            current = [x, ink[0], ink[1]]
        else:
            current = [current[0], min(current[1], ink[0]), max(current[2], ink[1])]
    return runs


def period_on_the_right(view, index) -> bool:
    """Whether the cell reads "…Ltd." (a dot last) rather than ".Keystone…" (a dot first)."""
    view.scrollTo(index)
    runs = glyph_runs(view.viewport().grab(view.visualRect(index)).toImage())
    assert len(runs) > 5, "the cell shows no text"
    (_x0, first), (_x1, last) = runs[0], runs[-1]
    return last * 2 < first


def test_the_probe_sees_a_name_whose_period_jumped(qtbot):
    """Without an isolate the right-to-left window does move the period: the check below
    would catch it (a plain tree over the bare name)."""
    model = QStandardItemModel(1, 1)
    model.setItem(0, 0, QStandardItem(NAME))
    tree = QTreeView()
    tree.setModel(model)
    qtbot.addWidget(tree)
    tree.resize(400, 120)
    tree.show()
    qtbot.waitExposed(tree)
    assert not period_on_the_right(tree, model.index(0, 0))


def test_today_paints_a_latin_client_name_with_its_period_on_the_right(qtbot, db, client):
    keystone = services.add_client(name=NAME, kind="company", terms="שוטף+30")
    services.add_invoice(keystone.id, "K-1", dt.date(2026, 9, 10), "1000")  # 23 days late
    services.add_invoice(client.id, "INV-1", dt.date(2026, 9, 10), "1000")
    view = TodayView()
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        view.show()
    view.resize(1366, 700)
    qtbot.waitExposed(view)
    index = next(i for i in (view.model.index_of("actions", r, Columns.CLIENT)
                             for r in range(2)) if NAME in i.data())
    assert period_on_the_right(view.tree, index)


def test_the_clients_list_paints_a_latin_name_with_its_period_on_the_right(qtbot, db, client):
    services.add_client(name=NAME, kind="company")
    view = ClientsView(db)
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    qtbot.waitUntil(lambda: view.model.summaries is not None, timeout=TIMEOUT)
    qtbot.waitExposed(view)
    row = next(r for r in range(view.model.rowCount())
               if NAME in view.model.index(r, ClientColumns.NAME).data())
    assert period_on_the_right(view.table, view.model.index(row, ClientColumns.NAME))
