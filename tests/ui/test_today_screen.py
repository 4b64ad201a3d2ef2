"""The Today screen over a real SQLite file: a day's flow (log a call with a promise,
see it on Today, record the payment, see the promise kept), the list computed off the UI
thread behind a busy indicator, the groups and totals, one-click actions (produce the
letter, log the call), the trend chart's direction, and the tree model's consistency."""
import datetime as dt
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from models.contact.contact_log import log_contact
from models.contact.promises import evaluate_promises, record_promise
from models.ledger import services
from models.letters.archive import Letter
from ui import events
from ui.collection.log_dialog import LogContactDialog
from ui.collection.timeline import ClientTimelineWidget
from ui.payments.payment_dialog import PaymentDialog
from ui.today import today_view as today_module
from ui.today.today_model import TASK_ROLE, Columns, TodayTreeModel, build_groups
from ui.today.today_view import TodayView
from ui.style import OVERDUE, state_colour
from ui.today.trend_chart import TrendChart

AS_OF = dt.date(2026, 11, 22)
D = dt.date
TIMEOUT = 10000


pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def book(db, client):
    """כהן ובניו (business, שוטף+30) owes INV-1, due 30/10: 23 days late, its second
    reminder (+21) is due (the step follows the days overdue). Beta's B-2 falls due on 26/11 and a follow-up on Beta was due on 20/11.
    Gamma paid with a check dated 20/11."""
    services.add_invoice(client.id, "INV-1", D(2026, 9, 10), "1000")
    beta = services.add_client(name="בטא שיווק", kind="company")
    services.add_invoice(beta.id, "B-2", D(2026, 11, 1), "450", due_date=D(2026, 11, 26))
    gamma = services.add_client(name="Gamma Ltd.", kind="company")
    services.add_invoice(gamma.id, "G-1", D(2026, 9, 1), "800", due_date=D(2026, 12, 20))
    services.record_payment(gamma.id, D(2026, 10, 5), "800", method="check",
                            check_number="5001", check_bank="לאומי", check_date=D(2026, 11, 20))
    log_contact(beta.id, dt.datetime(2026, 11, 12, 9, 0), "email",
                summary="לשאול אם החשבונית אושרה\nשלחנו עותק", follow_up_date=D(2026, 11, 20))
    return {"cohen": client, "beta": beta, "gamma": gamma}


def open_today(qtbot) -> TodayView:
    view = TodayView()
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        view.show()
    return view


def refreshed(qtbot, view: TodayView, action) -> None:
    """Run `action` (which announces a change) and wait for the recomputed list."""
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        action()


def tasks(view: TodayView, group: str) -> list:
    found = view.model.group(group)
    return found.tasks if found else []


def test_a_promise_logged_shows_on_today_and_is_kept_by_the_payment(qtbot, book, monkeypatch):
    cohen = book["cohen"]
    view = open_today(qtbot)
    assert tasks(view, "promises") == []

    # 1. Log a call in which the client promises 1,000 ₪ by today.
    dialog = LogContactDialog(client_id=cohen.id)
    qtbot.addWidget(dialog)
    dialog.summary.setPlainText("הבטיח להעביר את מלוא הסכום היום")
    dialog.minutes.setValue(12)
    dialog.promise_box.setChecked(True)
    dialog.promise_amount.setText("1,000")
    dialog.promise_date.setDate(AS_OF)
    refreshed(qtbot, view, lambda: dialog.save())
    assert dialog.entry is not None and dialog.promise.amount_agorot == 100000

    # 2. Today lists the promise as due, and the reminder waits while it is pending.
    [promise_task] = tasks(view, "promises")
    assert promise_task.client_id == cohen.id and promise_task.action == "payment"
    assert all(t.client_id != cohen.id for t in tasks(view, "actions"))
    assert any(t.client_id == cohen.id and "הבטחת תשלום" in t.details
               for t in tasks(view, "paused"))

    # 3. Its one-click action is the payment dialog; record the money there.
    recorded = []

    def pay(parent=None, *, client_id=None, invoice_id=None):
        payment_dialog = PaymentDialog(parent, client_id=client_id)
        qtbot.addWidget(payment_dialog)
        payment_dialog.amount.setText("1000")
        recorded.append(payment_dialog.save())
        return payment_dialog.payment

    monkeypatch.setattr(PaymentDialog, "ask", staticmethod(pay))
    refreshed(qtbot, view, lambda: view.run_action(promise_task))
    assert recorded == [True]

    # 4. The promise is kept: gone from Today, shown as kept on the client's timeline.
    assert tasks(view, "promises") == []
    assert all(t.client_id != cohen.id for t in tasks(view, "actions") + tasks(view, "paused"))
    [status] = evaluate_promises(AS_OF, client_id=cohen.id)
    assert status.state == "kept"
    timeline = ClientTimelineWidget(cohen.id)
    qtbot.addWidget(timeline)
    [row] = timeline.promises_model.items()
    assert row.state == "kept"
    assert timeline.promises_model.index(0, 4).data() == "קוימה"


def test_the_list_is_computed_off_the_ui_thread_and_the_screen_paints_at_once(
        qtbot, book, monkeypatch):
    threads = []
    release = threading.Event()
    real = today_module.today_list

    def slow_today_list(as_of):
        threads.append(threading.current_thread())
        release.wait(5)  # a big book: the computation takes a while
        return real(as_of)

    monkeypatch.setattr(today_module, "today_list", slow_today_list)
    view = TodayView()
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: bool(threads), timeout=TIMEOUT)
    assert view.is_busy() and view.isVisible()     # the window is up, the busy bar shows
    assert view.title.text().startswith("היום")
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        release.set()
    assert threads[0] is not threading.main_thread()
    assert not view.is_busy()


def test_groups_and_totals(qtbot, book):
    view = open_today(qtbot)
    [action] = tasks(view, "actions")
    assert (action.client_name, action.letter_kind, action.action) == (
        "כהן ובניו בע\"מ", "second-reminder", "letter")
    assert action.invoice_numbers == ["INV-1"] and "23" in action.details
    [soon] = tasks(view, "due_soon")
    assert soon.invoice_numbers == ["B-2"] and soon.date == D(2026, 11, 26)
    [check] = tasks(view, "checks")
    assert check.client_name == "Gamma Ltd." and "5001" in check.title
    [follow_up] = tasks(view, "follow_ups")
    assert follow_up.client_id == book["beta"].id and follow_up.action == "log"
    details = view.model.index_of("follow_ups", 0, Columns.DETAILS).data()
    assert details == "לשאול אם החשבונית אושרה"  # the first line of the entry
    assert "1,000.00" in view.totals.values["overdue"].text()
    assert "450.00" in view.totals.values["expected"].text()
    assert view.totals.values["actions"].text().strip("\u2066\u2069") == "1"
    group_rows = [view.model.index(r, 0).data() for r in range(view.model.rowCount())]
    assert group_rows[:2] == ["מועד התשלום מתקרב — מתחילים מוקדם (1)", "שלבי גבייה לביצוע (1)"]
    action_index = view.model.index_of("actions", 0, Columns.ACTION)
    assert action_index.data() == "הפקת המכתב"
    assert action_index.data(Qt.FontRole).underline()  # it looks like what it is: a link


def test_one_click_produces_the_letter_and_the_step_is_done(qtbot, book, monkeypatch):
    view = open_today(qtbot)
    shown = []
    monkeypatch.setattr(view, "show_letter", lambda task, result: shown.append(result))
    index = view.model.index_of("actions", 0, Columns.ACTION)
    with qtbot.waitSignal(view.letter_produced, timeout=TIMEOUT) as produced:
        view.tree.clicked.emit(index)       # one click on the underlined cell
    result = produced.args[0]
    assert result.written == 1 and result.archive_path.exists()
    assert shown == [result]
    letter = Letter.get()
    assert (letter.client_id, letter.kind) == (book["cohen"].id, "second-reminder")
    qtbot.waitUntil(lambda: not view.is_busy() and tasks(view, "actions") == [],
                    timeout=TIMEOUT)        # the plan's step is done: not offered twice


def test_a_call_step_opens_the_log_dialog_prefilled(qtbot, db, client, monkeypatch):
    services.add_invoice(client.id, "OLD-1", D(2026, 8, 1), "2000",
                         due_date=D(2026, 10, 18))  # 35 days: the call (+30) is due
    log_contact(client.id, dt.datetime(2026, 10, 26, 9, 0), "letter", action="reminder")
    log_contact(client.id, dt.datetime(2026, 11, 9, 9, 0), "letter", action="second-reminder")
    view = open_today(qtbot)
    [task] = tasks(view, "actions")
    assert task.action == "call"
    asked = []
    monkeypatch.setattr(LogContactDialog, "ask",
                        classmethod(lambda cls, parent=None, **kw: asked.append(kw)))
    view.run_action(task)
    assert asked == [{"client_id": client.id, "channel": "phone", "action": "call",
                      "summary": "בעניין חשבוניות OLD-1: "}]


def test_a_broken_promise_is_highlighted(qtbot, db, client):
    services.add_invoice(client.id, "INV-9", D(2026, 10, 1), "700", due_date=D(2026, 11, 1))
    call = log_contact(client.id, dt.datetime(2026, 11, 10, 9, 0), "phone", summary="הבטיח")
    record_promise(call.id, "700", D(2026, 11, 15))  # + 3 days' grace: broken on 19/11
    view = open_today(qtbot)
    [task] = tasks(view, "promises")
    assert task.is_alert and task.action == "call"
    index = view.model.index_of("promises", 0, Columns.TASK)
    assert index.data() == "ההבטחה הופרה"
    assert index.data(Qt.FontRole).bold()
    assert index.data(Qt.ForegroundRole) == state_colour(OVERDUE)  # the one overdue red
    action = view.model.index_of("promises", 0, Columns.ACTION)
    assert action.data(Qt.ForegroundRole) == QPalette().color(QPalette.Link)  # still a link


def test_nothing_to_do_says_so(qtbot, db):
    view = open_today(qtbot)
    assert view.empty.isVisible() and view.empty.state == "empty"
    assert view.empty.message().startswith("אין משימות להיום")
    assert view.model.rowCount() == 0


def test_a_change_elsewhere_refreshes_the_list(qtbot, book):
    view = open_today(qtbot)
    assert len(tasks(view, "due_soon")) == 1
    refreshed(qtbot, view, lambda: (
        services.add_invoice(book["beta"].id, "B-3", D(2026, 11, 2), "90",
                             due_date=D(2026, 11, 24)),
        events.announce(events.INVOICES)))
    assert [t.invoice_numbers for t in tasks(view, "due_soon")] == [["B-3"], ["B-2"]]


def test_a_very_long_group_lists_the_most_urgent_and_says_how_many(qtbot, book, monkeypatch):
    from ui.today import today_model

    services.add_invoice(book["beta"].id, "B-3", D(2026, 11, 2), "90", due_date=D(2026, 11, 24))
    monkeypatch.setattr(today_model, "MAX_TASKS_SHOWN", 1)
    view = open_today(qtbot)
    group = view.model.group("due_soon")
    assert [t.invoice_numbers for t in group.tasks] == [["B-3"]]  # due first, listed first
    assert group.total == 2
    row = [g.key for g in view.model.groups()].index("due_soon")
    assert view.model.index(row, 0).data() == (
        "מועד התשלום מתקרב — מתחילים מוקדם (2; מוצגות 1 הראשונות)")


def test_trend_runs_right_to_left(qtbot, book):
    view = open_today(qtbot)
    chart = view.chart
    chart.resize(400, 140)
    values = chart.values()
    assert len(values) == 12 and values[-1] == 100000  # INV-1 overdue at today's point
    assert values[0] == 0                              # twelve weeks ago nothing was late
    points = chart.points()
    assert chart.isRightToLeft() and points[0].x() > points[-1].x()  # oldest on the right
    ltr_chart = TrendChart()
    qtbot.addWidget(ltr_chart)
    ltr_chart.setLayoutDirection(Qt.LeftToRight)
    ltr_chart.resize(400, 140)
    ltr_chart.set_trend([(D(2026, 11, 15), {"ILS": 5}), (AS_OF, {"ILS": 10})], "ILS")
    first, last = ltr_chart.points()
    assert first.x() < last.x() and last.y() < first.y()


def test_the_tree_model_passes_the_model_tester(qtmodeltester, qtbot, book):
    from models.collection.today import today_list

    model = TodayTreeModel()
    model.set_groups(build_groups(today_list(AS_OF)))
    assert model.rowCount() >= 3
    qtmodeltester.check(model)
    child = model.index_of("actions", 0)
    assert model.parent(child).row() == [g.key for g in model.groups()].index("actions")
    assert child.data(TASK_ROLE).client_id == book["cohen"].id


def test_the_breached_settlement_row_produces_the_final_warning(qtbot, db, client, monkeypatch):
    from models.negotiation import settlements as st

    covered = services.add_invoice(client.id, "S-1", D(2026, 6, 1), "3000",
                                   due_date=D(2026, 7, 1))
    settlement = st.create_settlement(client.id, [covered.id], D(2026, 8, 1),
                                      instalment_count=3, first_date=D(2026, 9, 1))
    st.sign_settlement(settlement.id, D(2026, 8, 1))  # nothing paid: breached since 04/09
    view = open_today(qtbot)
    [task] = tasks(view, "breaches")
    assert task.client_id == client.id and task.letter_kind == "final-warning"
    monkeypatch.setattr(view, "show_letter", lambda task, result: None)
    with qtbot.waitSignal(view.letter_produced, timeout=TIMEOUT) as produced:
        view.produce_letter(task)
    assert produced.args[0].written == 1
    assert (Letter.get().client_id, Letter.get().kind) == (client.id, "final-warning")
