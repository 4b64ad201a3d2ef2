"""The client card lists what lowered or raised a client's debt besides invoices and
payments: the credit notes (number, date, amount, currency, reason, the invoices each one
was applied to) under the invoices, and on the payments tab a bounced check's date,
reason and the bank's fee added to the debt."""
import datetime as dt
import re

import pytest

from models.contact.bounces import record_bounce
from models.ledger import services
from ui.clients.client_card import ClientCard

D = dt.date
TODAY = D(2026, 12, 20)

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def today() -> dt.date:
    return TODAY


MARKS = re.compile("[\u200e\u200f\u2066-\u2069]")  # the direction marks around names


def plain(text: str) -> str:
    return MARKS.sub("", text or "").replace("\xa0", " ")


def column_texts(model, row: int) -> dict[str, str]:
    """Header -> the cell's text as the user reads it (without direction marks)."""
    return {column.header(): plain(model.index(row, n).data())
            for n, column in enumerate(model.columns)}


def test_the_card_lists_a_credit_note_with_its_invoices_and_reason(qtbot, client):
    first = services.add_invoice(client.id, "1001", D(2026, 9, 1), "500", due_date=D(2026, 10, 1))
    second = services.add_invoice(client.id, "1002", D(2026, 10, 1), "500",
                                  due_date=D(2026, 11, 1))
    services.add_credit_note(client.id, "Z-7", D(2026, 11, 15), "700",
                             invoice_ids=[first.id, second.id],
                             reason="הנחה שסוכמה בעקבות תלונה")
    card = ClientCard(client.id)
    qtbot.addWidget(card)
    card.tabs.setCurrentIndex(card.tabs.indexOf(card.invoices_split.parentWidget()))
    assert card.credit_notes_model.rowCount() == 1
    row = column_texts(card.credit_notes_model, 0)
    assert "Z-7" in row["מספר"]
    assert row["תאריך"] == "15/11/2026"
    assert "700.00" in row["סכום"]
    assert "ILS" in row["מטבע"]
    assert "הנחה שסוכמה בעקבות תלונה" in row["סיבה"]
    # Oldest due first, as the note was applied: all of 1001, the rest on 1002.
    applied = row["שויך לחשבוניות"]
    assert "1001" in applied and "500.00" in applied
    assert "1002" in applied and "200.00" in applied
    assert "(1)" in card.credit_notes_title.text()
    assert not card.credit_notes_view.isHidden()


def test_a_client_without_credit_notes_is_told_how_to_make_one(qtbot, client):
    card = ClientCard(client.id)
    qtbot.addWidget(card)
    assert card.credit_notes_model.rowCount() == 0
    assert card.credit_notes_view.isHidden()
    assert "חשבונית זיכוי חדשה…" in card.credit_notes_title.text()


def test_a_new_credit_note_shows_on_an_open_card(qtbot, client):
    inv = services.add_invoice(client.id, "1003", D(2026, 10, 1), "300", due_date=D(2026, 11, 1))
    card = ClientCard(client.id)
    qtbot.addWidget(card)
    from ui import events

    services.add_credit_note(client.id, "Z-8", D(2026, 12, 1), "300", invoice_id=inv.id)
    events.announce(events.INVOICES)
    assert card.credit_notes_model.rowCount() == 1
    assert "1003" in column_texts(card.credit_notes_model, 0)["שויך לחשבוניות"]


def test_the_payments_tab_shows_a_bounces_date_reason_and_fee(qtbot, client):
    inv = services.add_invoice(client.id, "B-1", D(2026, 10, 1), "1000", due_date=D(2026, 11, 1))
    check = services.record_payment(client.id, D(2026, 11, 20), "1000", method="check",
                                    check_number="4521", invoice_ids=[inv.id])
    services.record_payment(client.id, D(2026, 11, 21), "50", method="transfer")
    record_bounce(check.id, D(2026, 11, 30), "insufficient_funds", fee="25",
                  recorded_at=dt.datetime(2026, 12, 1, 9, 0))
    card = ClientCard(client.id)
    qtbot.addWidget(card)
    rows = [column_texts(card.payments_model, n) for n in range(card.payments_model.rowCount())]
    bounced = next(r for r in rows if "4521" in r["פרטים"])
    assert bounced["חזר"] == "30/11/2026 – אין כיסוי מספיק (עמלה 25.00 ₪)"
    transfer = next(r for r in rows if r is not bounced)
    assert transfer["חזר"] == ""
    column = [c.header() for c in card.payments_model.columns].index("חזר")
    row = rows.index(bounced)
    tip = card.payments_model.index(row, column).data(0x03)  # Qt.ToolTipRole
    assert "עמלה-" in tip  # the fee line the debt now holds
    assert not card.payments_view.isColumnHidden(column)


def test_a_bounce_with_the_users_own_reason_and_no_fee(qtbot, client):
    check = services.record_payment(client.id, D(2026, 11, 20), "400", method="check",
                                    check_number="88")
    record_bounce(check.id, D(2026, 11, 25), "other", note="החשבון מעוקל",
                  recorded_at=dt.datetime(2026, 12, 1, 9, 0))
    card = ClientCard(client.id)
    qtbot.addWidget(card)
    text = column_texts(card.payments_model, 0)["חזר"]
    assert text.startswith("25/11/2026 – ") and "החשבון מעוקל" in text
    assert "עמלה" not in text


def test_the_bounced_column_is_left_out_while_no_check_came_back(qtbot, client):
    services.record_payment(client.id, D(2026, 11, 20), "400", method="check",
                            check_number="89")
    card = ClientCard(client.id)
    qtbot.addWidget(card)
    column = [c.header() for c in card.payments_model.columns].index("חזר")
    assert card.payments_view.isColumnHidden(column)
