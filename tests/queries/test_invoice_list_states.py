"""The invoices list asks each state as of the day by the one open-as-of rule, as the
client card does: an invoice paid by a post-dated check not yet due is not "paid" but
"pending until" the check's date, in the rows, in the filters and in the "open" sort."""
import datetime as dt

import pytest

from models.ledger import services
from models.queries.client_list import client_invoices
from models.queries.invoice_list import invoice_ids, invoice_rows

D = dt.date
TODAY = D(2026, 12, 20)


@pytest.fixture
def ledger(client):
    """P: paid by a check dated 05/01; Q: half of it by a check dated 10/01 (still open
    for the rest); R: paid by a transfer; S: open."""
    p = services.add_invoice(client.id, "P", D(2026, 11, 1), "800", due_date=D(2026, 12, 1))
    q = services.add_invoice(client.id, "Q", D(2026, 11, 2), "600", due_date=D(2027, 1, 2))
    r = services.add_invoice(client.id, "R", D(2026, 11, 3), "300", due_date=D(2026, 12, 3))
    s = services.add_invoice(client.id, "S", D(2026, 11, 4), "200", due_date=D(2026, 12, 4))
    services.record_payment(client.id, TODAY, "800", method="check", check_number="1",
                            check_date=D(2027, 1, 5), invoice_ids=[p.id])
    services.record_payment(client.id, TODAY, "300", method="check", check_number="2",
                            check_date=D(2027, 1, 10), invoice_ids=[q.id])
    services.record_payment(client.id, D(2026, 12, 5), "300", invoice_ids=[r.id])
    return {"P": p.id, "Q": q.id, "R": r.id, "S": s.id}


def numbers(ids, ledger):
    by_id = {v: k for k, v in ledger.items()}
    return [by_id[i] for i in ids]


def test_the_list_and_the_card_agree_on_a_post_dated_check(db, client, ledger):
    listed = {line.number: (line.state, line.state_text, line.open_agorot)
              for line, _cid, _name in invoice_rows(list(ledger.values()), TODAY).values()}
    card = {line.number: (line.state, line.state_text, line.open_agorot)
            for line in client_invoices(client.id, TODAY)}
    assert listed == card == {
        "P": ("pending", "בהמתנה עד 05/01", 80_000),
        "Q": ("open", "ממתינה לתשלום", 60_000),   # the check covers half: still to be paid
        "R": ("paid", "שולמה", 0),
        "S": ("overdue", "בפיגור", 20_000),
    }
    # From the check's date it is paid, in both.
    after = D(2027, 1, 5)
    assert {line.number: line.state for line in client_invoices(client.id, after)}["P"] \
        == invoice_rows([ledger["P"]], after)[ledger["P"]][0].state == "paid"


@pytest.mark.parametrize("state, expected", [
    ("open", ["P", "Q", "S"]),  # the held check does not pay P yet
    ("pending", ["P"]),
    ("paid", ["R"]),
    ("overdue", ["P", "S"]),
])
def test_the_filters_ask_the_state_as_of_the_day(db, client, ledger, state, expected):
    found = numbers(invoice_ids(TODAY, state=state, sort="number", descending=False), ledger)
    assert found == expected
    # The same for one client, where SQLite reads the client's own index instead.
    assert numbers(invoice_ids(TODAY, state=state, client_id=client.id, sort="number",
                               descending=False), ledger) == expected


def test_the_open_sort_and_search_read_the_open_amount_as_of_the_day(db, client, ledger):
    by_open = numbers(invoice_ids(TODAY, state="open", sort="open"), ledger)
    assert by_open == ["P", "Q", "S"]  # 800, 600, 200 open today
    assert numbers(invoice_ids(TODAY, sort="open", descending=True), ledger)[-1] == "R"
    assert numbers(invoice_ids(TODAY, state="pending", search="P", sort="client"),
                   ledger) == ["P"]
    # Once both checks count, P is paid and Q owes its other half (300 before S's 200).
    assert numbers(invoice_ids(D(2027, 1, 10), state="open", sort="open"), ledger) == ["Q", "S"]
