"""One rule for promises to pay, asked of every place that reports them.

A promise is broken when its window (promised date + grace) closed before the whole amount
came in: nothing at all, or only part of it ("partly kept"). The ledger below holds one
promise of each kind for a client, and a broken promise of another client; every consumer
— the promise evaluation itself, the client card, the timeline, the terms guide (its
history and its reasons), the case file (its indicator, its screen and its PDF) and the
Today list — is asked how many of the client's promises are broken, which ones, and how
many are kept and pending. They must all say the same.
"""
import datetime as dt
import re

import pytest
from PySide6.QtCore import QSettings, Qt

from models.contact.contact_log import log_contact
from models.contact.promises import evaluate_promises, record_promise
from models.ledger import services
from ui.background import wait_for_all
from ui.widgets import clock

AS_OF = dt.date(2026, 11, 22)
D = dt.date
BIDI = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f\u202a\u202b\u202c"))


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch, qapp):
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "qsettings"))
    monkeypatch.setattr(clock, "today", lambda: AS_OF)
    yield
    wait_for_all()


def _promise(client_id, made: dt.date, amount: str, by: dt.date) -> int:
    entry = log_contact(client_id, dt.datetime.combine(made, dt.time(10, 0)), "phone",
                        summary="הבטיח לשלם", recorded_at=dt.datetime(2026, 12, 31))
    return record_promise(entry.id, amount, by).id


@pytest.fixture
def ledger(client):
    """Grace 3 days (the default). One invoice paid long ago (so the client has a history),
    one open; four promises, each judged on 22/11/2026."""
    first = services.add_invoice(client.id, "1", D(2026, 5, 1), "1000")
    services.record_payment(client.id, D(2026, 6, 1), "1000", invoice_ids=[first.id])
    services.add_invoice(client.id, "2", D(2026, 9, 1), "10000")
    ids = {
        # 1,000 by 01/11, paid in full on 30/10: kept.
        "kept": _promise(client.id, D(2026, 10, 20), "1000", D(2026, 11, 1)),
        # 2,000 by 05/11, only 500 came (06/11, within the grace): partly kept = broken.
        "partly_kept": _promise(client.id, D(2026, 10, 28), "2000", D(2026, 11, 5)),
        # 800 by 12/11, nothing came: broken.
        "broken": _promise(client.id, D(2026, 11, 8), "800", D(2026, 11, 12)),
        # 600 by 25/11: still pending.
        "pending": _promise(client.id, D(2026, 11, 18), "600", D(2026, 11, 25)),
    }
    services.record_payment(client.id, D(2026, 10, 30), "1000")
    services.record_payment(client.id, D(2026, 11, 6), "500")
    other = services.add_client(name="אקמה בע\"מ", kind="company")
    ids["other_client"] = _promise(other.id, D(2026, 11, 1), "300", D(2026, 11, 10))
    return client, ids


def _numbers(pattern: str, text: str) -> tuple[int, ...] | None:
    found = re.search(pattern, text.translate(BIDI))
    return tuple(int(n) for n in found.groups()) if found else None


def _client_card(qtbot, client_id):
    from ui.clients.client_card import ClientCard

    card = ClientCard(client_id)
    qtbot.addWidget(card)
    text = card.summary.values["promises"].text()
    kept, broken = _numbers(r"(\d+) / (\d+)", text)
    pending = _numbers(r"\((\d+) ממתינות\)", text)
    return {"kept": kept, "broken": broken, "pending": pending[0] if pending else 0}


def _timeline(qtbot, client_id):
    from ui.collection.timeline import ITEM_ROLE, ClientTimelineWidget

    widget = ClientTimelineWidget(client_id)
    qtbot.addWidget(widget)
    model = widget.promises_model
    highlighted = set()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        font = index.data(Qt.FontRole)
        if font is not None and font.bold():
            highlighted.add(index.data(ITEM_ROLE).promise_id)
    counted = _numbers(r"(\d+) הבטחות שהופרו", widget.count_label.text())
    return {"broken": counted[0] if counted else 0, "which": highlighted}


def _terms_guide(qtbot, client_id):
    from models.prevention.payment_history import client_history
    from ui.prevention.terms_guide import TermsGuideDialog

    guide = TermsGuideDialog(client_id)
    qtbot.addWidget(guide)
    shown = _numbers(r"(\d+) הבטחות תשלום הופרו", guide._history_text())
    guide.job_amount.setText("1,000")
    guide.next_button.click()
    reasons = " ".join(guide.reasons.item(i).text() for i in range(guide.reasons.count()))
    advised = _numbers(r"הלקוח הפר (\d+) הבטחות תשלום", reasons)
    return {"history": client_history(client_id, AS_OF).broken_promises,
            "shown": shown[0] if shown else 0, "advice": advised[0] if advised else 0}


def _case_file(client_id):
    from models.collection.case_file import build_case_file
    from reports.case_file_pdf import Facts, case_file_blocks
    from reports.letters import Table
    from ui.negotiation.case_file_page import summary_rows

    case = build_case_file(client_id, AS_OF)
    reasons = " ".join(case.indicator.debtor_reasons)
    indicated = _numbers(r"הבטחות תשלום שהופרו: (\d+)", reasons)
    screen = dict(row for _section, rows in summary_rows(case) for row in rows)
    on_screen = _numbers(r"(\d+) / (\d+)", screen["הבטחות שקוימו / שהופרו"])
    blocks = case_file_blocks(case)
    facts = dict(row for block in blocks if isinstance(block, Facts) for row in block.rows)
    printed = facts["הבטחות תשלום"].translate(BIDI)
    printed_broken = _numbers(r"הופרו: (\d+)", printed)
    printed_kept = _numbers(r"קוימו: (\d+)", printed)
    printed_table = [block for block in blocks if isinstance(block, Table)
                     and block.heading == "הבטחות תשלום שהופרו"]
    return {
        "indicator": indicated[0] if indicated else 0,
        "screen_kept": on_screen[0], "screen_broken": on_screen[1],
        "printed_kept": printed_kept[0] if printed_kept else None,
        "printed_broken": printed_broken[0] if printed_broken else None,
        "printed_rows": len(printed_table[0].rows) if printed_table else 0,
        "which": {p.promise_id for p in getattr(case, "broken_promises", ())},
        "keeps_promises": any("עמד בהבטחות" in r for r in case.indicator.keep_reasons),
    }


def _today(client_id):
    from cli.today_text import format_today
    from models.collection.today import today_list

    today = today_list(AS_OF, with_trend=False)
    broken = {p.promise_id for p in today.promises_broken if p.client_id == client_id}
    return {"which": broken, "lines": format_today(today).count("הבטחה ל-")}


def test_every_consumer_counts_the_same_broken_promises(qtbot, ledger):
    client, ids = ledger
    judged = evaluate_promises(AS_OF, client_id=client.id)
    rule_broken = {p.promise_id for p in judged if p.is_broken}
    assert rule_broken == {ids["partly_kept"], ids["broken"]}

    card = _client_card(qtbot, client.id)
    timeline = _timeline(qtbot, client.id)
    guide = _terms_guide(qtbot, client.id)
    case = _case_file(client.id)
    today = _today(client.id)

    counts = {
        "rule": len(rule_broken),
        "client card": card["broken"],
        "timeline count": timeline["broken"],
        "timeline highlighted": len(timeline["which"]),
        "terms guide history": guide["history"],
        "terms guide text": guide["shown"],
        "terms guide advice": guide["advice"],
        "case file indicator": case["indicator"],
        "case file screen": case["screen_broken"],
        "case file PDF": case["printed_broken"],
        "case file PDF table": case["printed_rows"],
    }
    assert counts == dict.fromkeys(counts, 2)

    which = {"timeline": timeline["which"], "case file": case["which"],
             "Today (broken in the last 14 days)": today["which"]}
    assert which == dict.fromkeys(which, rule_broken)
    # The other client's broken promise is Today's too: two lines for this client, one for it.
    assert today["lines"] == 3

    kept = {p.promise_id for p in judged if p.state == "kept"}
    assert kept == {ids["kept"]}
    assert {"client card": card["kept"], "case file screen": case["screen_kept"],
            "case file PDF": case["printed_kept"]} == dict.fromkeys(
        ("client card", "case file screen", "case file PDF"), 1)
    # Kept promises do not make a client "one who keeps his word" while others are broken.
    assert not case["keeps_promises"]


def test_pending_promises_agree_and_pause_the_plan(qtbot, ledger):
    from models.collection.dunning import dunning_steps

    client, ids = ledger
    judged = evaluate_promises(AS_OF, client_id=client.id)
    assert {p.promise_id for p in judged if p.state == "pending"} == {ids["pending"]}
    assert _client_card(qtbot, client.id)["pending"] == 1
    paused = [s for s in dunning_steps(AS_OF, client_id=client.id) if s.state == "paused"]
    assert paused and all("600.00" in s.pause_reason for s in paused)
