"""Credit notes (חשבונית זיכוי): a note lowers what the client owes by the one allocation
rule, so aging, the client list and the statement count it with no rule of their own;
it names the invoices it credits (in that order), cannot credit more than they were
issued for nor be dated before them, and what they no longer owe stays as credit on
account, as an overpayment does."""
import datetime as dt

import pytest

from models.common.errors import ValidationError
from models.ledger import services
from models.ledger.invoices import CreditNote
from models.queries.aging import aging_report
from models.queries.client_list import client_summaries
from reports.letter_data import load_letter_data

D = dt.date
AS_OF = D(2026, 11, 22)


def aging_of(client_id: int, as_of: dt.date = AS_OF):
    rows = [r for r in aging_report(as_of).rows if r.client_id == client_id]
    return (rows[0].buckets, rows[0].credit) if rows else None


def test_a_credit_note_lowers_aging_and_the_statement_names_it_with_its_reason(db, client):
    old = services.add_invoice(client.id, "101", D(2026, 8, 1), "1000", due_date=D(2026, 8, 31))
    services.add_invoice(client.id, "102", D(2026, 10, 1), "500", due_date=D(2026, 11, 30))
    before = aging_of(client.id)
    assert before == ([50_000, 0, 0, 100_000, 0, 0], 0)  # 102 not yet due; 101 83 days

    note = services.add_credit_note(client.id, "Z-7", D(2026, 11, 10), "300",
                                    invoice_ids=[old.id], reason="הנחה על איחור במסירה")
    assert note.invoice_id == old.id  # one invoice named: the note records it
    assert aging_of(client.id) == ([50_000, 0, 0, 70_000, 0, 0], 0)
    # ... from its date only: a report as of the day before still shows the whole debt.
    assert aging_of(client.id, D(2026, 11, 9))[0][3] == 100_000
    assert client_summaries(AS_OF, client.id)[client.id].open_agorot == {"ILS": 120_000}

    statement = load_letter_data([client.id], AS_OF)[client.id].movements["ILS"]
    credit = [e for e in statement if e.kind == "credit"]
    assert [(e.date, e.description, e.credit_agorot) for e in credit] == [
        (D(2026, 11, 10), "חשבונית זיכוי Z-7 – הנחה על איחור במסירה", 30_000)]
    assert sum(e.debit_agorot - e.credit_agorot for e in statement) == 120_000


def test_a_note_on_several_invoices_lowers_them_in_the_order_named(db, client):
    a = services.add_invoice(client.id, "201", D(2026, 9, 1), "400")
    b = services.add_invoice(client.id, "202", D(2026, 10, 1), "400")
    note = services.add_credit_note(client.id, "Z-8", D(2026, 11, 1), "500",
                                    invoice_ids=[b.id, a.id], reason="פשרה")
    lowered = {al.invoice.number: al.amount_agorot for al in note.allocations}
    assert lowered == {"202": 40_000, "201": 10_000}
    assert note.invoice_id is None  # several invoices: the allocations say which


def test_crediting_a_paid_invoice_leaves_credit_on_account(db, client):
    inv = services.add_invoice(client.id, "301", D(2026, 9, 1), "600")
    services.record_payment(client.id, D(2026, 9, 20), "600", invoice_ids=[inv.id])
    services.add_credit_note(client.id, "Z-9", D(2026, 10, 5), "100", invoice_ids=[inv.id],
                             reason="החזר על תקלה")
    assert aging_of(client.id) == ([0, 0, 0, 0, 0, 0], 10_000)
    assert client_summaries(AS_OF, client.id)[client.id].credit_agorot == {"ILS": 10_000}


def test_a_note_cannot_credit_more_than_its_invoices_nor_predate_them(db, client):
    inv = services.add_invoice(client.id, "401", D(2026, 9, 1), "500")
    services.add_credit_note(client.id, "Z-10", D(2026, 9, 10), "200", invoice_ids=[inv.id])
    with pytest.raises(ValidationError) as err:  # 500 issued, 200 already credited
        services.add_credit_note(client.id, "Z-11", D(2026, 9, 11), "300.01",
                                 invoice_ids=[inv.id])
    assert err.value.field == "amount" and "300.00" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.add_credit_note(client.id, "Z-12", D(2026, 8, 31), "10", invoice_ids=[inv.id])
    assert err.value.field == "date" and "401" in str(err.value)
    assert CreditNote.select().count() == 1
    services.add_credit_note(client.id, "Z-13", D(2026, 9, 11), "300", invoice_ids=[inv.id])
    assert aging_of(client.id) is None  # credited in full: nothing open, no credit


def test_a_note_naming_no_invoice_follows_the_payment_rule(db, client):
    old = services.add_invoice(client.id, "501", D(2026, 7, 1), "100")
    services.add_invoice(client.id, "502", D(2026, 9, 1), "100")
    note = services.add_credit_note(client.id, "Z-14", D(2026, 10, 1), "150")
    assert [(al.invoice_id, al.amount_agorot) for al in note.allocations][0] == (old.id, 10_000)
    assert sum(al.amount_agorot for al in note.allocations) == 15_000
