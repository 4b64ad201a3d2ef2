"""The aging screen's own buckets field: typed limits re-run the aging at once (checked by
the settings' rule), "Save as default" stores them in the profile, and while a report is
being computed the screen says "Loading…" rather than "nothing is open"."""
import datetime as dt

import pytest
from PySide6.QtCore import Qt

from models.db.settings import load_profile
from models.ledger import services
from ui import events
from ui.aging.aging_view import AgingView
from ui.background import wait_for_all

AS_OF = dt.date(2026, 11, 22)
pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def view(qtbot, db, client):
    services.add_invoice(client.id, "INV-1", dt.date(2026, 6, 1), "2000",
                         due_date=dt.date(2026, 7, 1))           # 144 days overdue
    services.add_invoice(client.id, "INV-2", dt.date(2026, 10, 1), "1000",
                         due_date=dt.date(2026, 11, 1))          # 21 days overdue
    widget = AgingView(db)
    qtbot.addWidget(widget)
    widget.resize(1200, 650)
    widget.set_as_of(AS_OF)
    with qtbot.waitSignal(widget.report_ready, timeout=5000):
        widget.show()
    yield widget
    wait_for_all()


def headers(view):
    model = view.model
    return [model.headerData(c, Qt.Horizontal) for c in range(model.columnCount())]


def test_the_field_shows_the_default_and_typed_buckets_rerun_the_aging(qtbot, view):
    assert view.buckets_edit.text() == "30, 60, 90, 120"
    assert not view.save_buckets_button.isEnabled()
    with qtbot.waitSignal(view.report_ready, timeout=5000):
        assert view.set_buckets_text("15,45 , 200") is True
    assert view.report().boundaries == (15, 45, 200)
    assert headers(view)[1:6] == ["טרם הגיע מועדו", "1–15 ימים", "16–45 ימים", "46–200 ימים",
                                  "מעל 200 ימים"]
    total = view.model.total_row()
    assert total.buckets == [0, 0, 100000, 200000, 0]
    assert view.buckets_edit.text() == "15, 45, 200"       # shown as understood
    assert view.save_buckets_button.isEnabled()
    assert load_profile().aging_buckets == [30, 60, 90, 120]  # only this screen changed
    # A new date keeps the typed buckets.
    with qtbot.waitSignal(view.report_ready, timeout=5000):
        view.set_as_of(AS_OF + dt.timedelta(days=10))
    assert view.report().boundaries == (15, 45, 200)


def test_bad_buckets_are_explained_and_keep_the_report(qtbot, view):
    shown = view.report()
    with qtbot.assertNotEmitted(view.report_ready, wait=300):
        assert view.set_buckets_text("60, 30") is False
    assert view.buckets_error.isVisible()
    assert "60, 30" in view.buckets_error.text()
    assert view.report() is shown and not view.save_buckets_button.isEnabled()
    qtbot.keyClicks(view.buckets_edit, "0")   # typing again hides the old message
    assert not view.buckets_error.isVisible()


def test_save_as_default_stores_the_buckets_in_the_profile(qtbot, view):
    with qtbot.waitSignal(view.report_ready, timeout=5000):
        view.set_buckets_text("30, 60")
    with qtbot.waitSignal(events.events.data_changed, timeout=2000) as announced:
        assert view.save_buckets_as_default() is True
    assert announced.args == [frozenset({events.SETTINGS})]
    assert load_profile().aging_buckets == [30, 60]
    assert not view.save_buckets_button.isEnabled()
    assert "30, 60" in view.status.text()
    wait_for_all()
    assert view.buckets() is None  # the default is now what the screen shows


def test_while_loading_the_screen_says_loading_not_empty(qtbot, db):
    widget = AgingView(db)
    qtbot.addWidget(widget)
    widget.refresh()
    assert widget.is_busy()
    assert widget.status.text() == "טוען…"
    assert widget.chart.empty_text() == "טוען…"
    with qtbot.waitSignal(widget.report_ready, timeout=5000):
        pass
    assert widget.chart.empty_text() == "אין חובות פתוחים נכון לתאריך זה."
    assert "טוען" not in widget.status.text()
    wait_for_all()
