"""The Today screen and `python main.py today --format json` give the same answer: on a demo
ledger (settlements being paid and breached) with deposits awaited, a promise due, a broken
one, a follow-up and a post-dated check, both list the same items — same sections, clients
and amounts — and the same totals. The CLI runs as a real process beside the open ledger,
as a user would run it."""
import datetime as dt
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from models.contact.contact_log import log_contact
from models.contact.promises import record_promise
from models.ledger import services
from models.prevention.deposits import cancel_deposit, receive_deposit, request_deposit
from ui.today.today_view import TodayView

ROOT = Path(__file__).resolve().parents[2]
DEMO_AS_OF = dt.date(2026, 11, 22)  # the demo's "today": its settlements are dated from it
TODAY = dt.date(2026, 11, 30)       # an instalment falls due within a week, one is breached
WRITTEN = dt.datetime(2026, 11, 30, 18, 0)
TIMEOUT = 20000

# JSON section -> the screen's group, and the field holding each item's amount.
SECTIONS = {"due_soon": ("due_soon", "open"), "actions": ("actions", "open"),
            "promises": ("promises", "amount"), "follow_ups": ("follow_ups", None),
            "checks": ("checks", "amount"), "deposits": ("deposits", "amount"),
            "instalments": ("instalments", "owed"),
            "breached_settlements": ("breaches", "balance_due"),
            "paused": ("paused", "open")}


pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def today():
    return TODAY


@pytest.fixture
def ledger(db, db_path):
    from models.demo.generator import make_demo

    counts = make_demo(clients=60, invoices=600, seed=1, as_of=DEMO_AS_OF)
    assert counts["settlements"] == 3
    a, b, c, d, e = [services.add_client(name=n, kind="company").id
                     for n in ("סטודיו אור", "נגרות הגליל", "Blue Sky Ltd.", "מאפיית השרון",
                               "הפקות ים")]
    # Deposits: one late, one due in a few days, one whose check bounced (awaited again);
    # one received and one cancelled are not awaited.
    request_deposit(a, "צילומי מוצר", "1,500", requested_date=dt.date(2026, 11, 10),
                    due_date=dt.date(2026, 11, 15))
    request_deposit(b, "מטבח בהזמנה", "4,000", requested_date=dt.date(2026, 11, 25),
                    due_date=dt.date(2026, 12, 4))
    bounced = request_deposit(c, "Website", "900", currency="USD",
                              requested_date=dt.date(2026, 11, 1), due_date=dt.date(2026, 11, 5))
    payment = receive_deposit(bounced.id, dt.date(2026, 11, 4), method="check",
                              check_number="7001", check_bank="הפועלים")
    services.bounce_payment(payment.id, dt.date(2026, 11, 20))
    paid = request_deposit(d, "עוגות לאירוע", "300", requested_date=dt.date(2026, 11, 1),
                           due_date=dt.date(2026, 11, 10))
    receive_deposit(paid.id, dt.date(2026, 11, 9))
    dropped = request_deposit(d, "קייטרינג", "700", requested_date=dt.date(2026, 11, 1),
                              due_date=dt.date(2026, 11, 10))
    cancel_deposit(dropped.id, dt.date(2026, 11, 12))
    # A promise due today, a broken one, a follow-up reached, a post-dated check to deposit.
    for client_id, number in ((d, "P-1"), (e, "P-2")):
        services.add_invoice(client_id, number, dt.date(2026, 9, 1), 2000,
                             due_date=dt.date(2026, 10, 1))
    call = log_contact(d, dt.datetime(2026, 11, 24, 10, 0), "phone", summary="יעביר עד 30/11",
                       recorded_at=WRITTEN)
    record_promise(call.id, 1200, TODAY)
    call = log_contact(e, dt.datetime(2026, 11, 10, 10, 0), "phone", summary="יעביר עד 20/11",
                       follow_up_date=dt.date(2026, 11, 28), recorded_at=WRITTEN)
    record_promise(call.id, 2000, dt.date(2026, 11, 20))
    services.add_invoice(a, "C-1", dt.date(2026, 10, 1), 800, due_date=dt.date(2026, 10, 31))
    services.record_payment(a, dt.date(2026, 10, 20), 800, method="check", check_number="5001",
                            check_bank="לאומי", check_date=dt.date(2026, 11, 27))
    return db_path


def _agorot(amounts: dict[str, float]) -> tuple:
    return tuple(sorted((currency, round(value * 100)) for currency, value in amounts.items()))


def _cli(db_path: Path) -> dict:
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "today", "--db", str(db_path),
                          "--as-of", TODAY.isoformat(), "--format", "json"],
                         capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _cli_items(data: dict) -> Counter:
    items = Counter()
    for section, (group, field) in SECTIONS.items():
        for row in data.get(section, []):
            if field is None:
                amounts = ()
            elif isinstance(row.get(field), dict):
                amounts = _agorot(row[field])
            else:
                amounts = _agorot({row.get("currency", "?"): row.get(field, 0.0)})
            items[group, row["client_id"], amounts] += 1
    return items


def _screen(qtbot) -> TodayView:
    view = TodayView()
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        view.show()
    return view


def _screen_items(view: TodayView) -> Counter:
    items = Counter()
    for group in view.model.groups():
        assert group.hidden == 0  # a small ledger: every task is listed
        for task in group.tasks:
            items[group.key, task.client_id, tuple(sorted(task.amounts.items()))] += 1
    return items


def test_the_screen_and_the_cli_list_the_same_items(qtbot, ledger):
    view = _screen(qtbot)
    screen = _screen_items(view)
    data = _cli(ledger)
    cli = _cli_items(data)
    # The ledger has something in every section, or the comparison would prove little.
    assert {group for group, _client, _amounts in screen} == {g for g, _f in SECTIONS.values()}
    deposits = sorted(amounts for group, _client, amounts in screen.elements()
                      if group == "deposits")
    assert deposits == [(("ILS", 150_000),), (("ILS", 400_000),), (("USD", 90_000),)]
    only_on_screen, only_in_cli = sorted((screen - cli).elements()), sorted((cli - screen).elements())
    assert (only_on_screen, only_in_cli) == ([], [])
    today = view.today()
    assert data["totals"] == {
        "overdue": {c: v / 100 for c, v in today.overdue_totals.items()},
        "expected_this_week": {c: v / 100 for c, v in today.expected_week.items()}}
    assert len(data["trend"]) == len(today.trend)
