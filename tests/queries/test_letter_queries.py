"""The letters' queries (models.queries.letter_data) give the rule's answers on every day.

The same kind of ledger as test_open_as_of_one_rule — an invoice issued later, one
cancelled later, money applied later, a post-dated check, a bounced check, a credit note —
plus a second client and a third whose only invoice is disputed, read as of every day
around those events. What a letter shows (open invoices, the statement's movements) and
who gets one in an `--all` run (overdue clients, balances) must match the rule computed
here in plain Python from the rows themselves.
"""
import datetime as dt

import pytest

from models.ledger import services
from models.ledger.invoices import CreditNote, Invoice
from models.ledger.payments import Allocation, Payment
from models.letters.archive import LetterRecord, archive_dir, latest_letters, record_letters
from models.queries import letter_data as letter_queries
from reports.letter_data import load_letter_data

from tests.open_as_of_cases import DAYS, D, add_every_case


@pytest.fixture
def ledger(db, client):
    add = services.add_invoice
    other = services.add_client(name="לוי שירותים", kind="person")
    disputing = services.add_client(name="שרון מחלוקות", kind="company")
    add_every_case(client.id)
    add(disputing.id, "F", D(2026, 6, 1), "250", terms="נטו 30", is_disputed=True)
    g = add(other.id, "G", D(2026, 7, 1), "800", terms="נטו 30")
    services.record_payment(other.id, D(2026, 9, 1), "800", invoice_ids=[g.id])
    return client, other, disputing


def counted(inv: Invoice, as_of: dt.date) -> bool:
    return inv.issue_date <= as_of and not (inv.cancelled_date and inv.cancelled_date <= as_of)


def expected_open(as_of: dt.date) -> dict[str, int]:
    """invoice number -> open agorot as of the date, by the rule's words."""
    found = {}
    for inv in Invoice.select():
        if not counted(inv, as_of):
            continue
        paid = sum(a.amount_agorot for a in Allocation.select().where(Allocation.invoice == inv.id)
                   if a.applied_date <= as_of
                   and (a.reversed_date is None or a.reversed_date > as_of))
        if inv.amount_agorot - paid > 0:
            found[inv.number] = inv.amount_agorot - paid
    return found


def expected_balance(client_id: int, as_of: dt.date) -> int:
    invoiced = sum(i.amount_agorot for i in Invoice.select().where(Invoice.client == client_id)
                   if counted(i, as_of))
    received = sum(p.amount_agorot for p in Payment.select().where(Payment.client == client_id)
                   if p.effective_date <= as_of
                   and (p.bounced_date is None or p.bounced_date > as_of))
    credited = sum(n.amount_agorot for n in CreditNote.select()
                   .where(CreditNote.client == client_id) if n.date <= as_of)
    return invoiced - received - credited


@pytest.mark.parametrize("as_of", DAYS, ids=str)
def test_the_letters_give_the_rules_figures(ledger, as_of):
    ids = [c.id for c in ledger]
    expected = expected_open(as_of)
    by_number = {i.number: i for i in Invoice.select()}

    rows = letter_queries.open_invoices(ids, as_of)
    assert {row.number: row.open_agorot for row in rows} == expected
    data = load_letter_data(ids, as_of, with_interest=False)
    assert {i.number: i.open_agorot for d in data.values() for i in d.invoices} == expected

    overdue: dict[int, dt.date] = {}
    for number in expected:
        inv = by_number[number]
        if inv.due_date < as_of and not inv.is_disputed:
            overdue[inv.client_id] = max(overdue.get(inv.client_id, inv.due_date), inv.due_date)
    assert letter_queries.overdue_clients(as_of) == overdue

    balances = letter_queries.balances(as_of)
    for cid in ids:
        want = expected_balance(cid, as_of)
        assert balances.get(cid, {}).get("ILS", 0) == want
        # The statement's movements add up to the same balance.
        assert data[cid].balance("ILS") == want


def test_movements_date_a_post_dated_check_by_its_own_date(ledger):
    client = ledger[0]
    rows = [r for r in letter_queries.movements([client.id], D(2026, 12, 1))
            if r[5] in ("17", "18")]
    assert [(r[2], r[3], r[5]) for r in rows] == [
        ("2026-08-10", "payment", "17"), ("2026-10-05", "bounced", "17"),
        ("2026-11-01", "payment", "18")]
    assert not [r for r in letter_queries.movements([client.id], D(2026, 10, 31))
                if r[5] == "18"]


def test_clients_kinds_contacts_and_latest_letters(ledger):
    client, other, disputing = ledger
    services.add_contact_person(client.id, "רות")
    services.add_contact_person(client.id, "דן")
    found = letter_queries.letter_clients([other.id, client.id, client.id, 999])
    assert set(found) == {client.id, other.id}
    assert found[client.id].contact_name == "רות"  # the first one entered
    assert found[other.id].is_person and found[other.id].contact_name == ""
    assert letter_queries.client_kinds() == {client.id: "company", other.id: "person",
                                             disputing.id: "company"}
    assert letter_queries.recent_payers(D(2026, 8, 31), D(2026, 9, 30)) == {other.id}

    def letter(cid, kind, day):
        return LetterRecord(cid, kind, day, day, "x", 0, "ILS", None, "f.pdf", 1, 1)

    # The PDF is written before its rows (a server keeps it with them).
    archive_dir().mkdir(parents=True, exist_ok=True)
    (archive_dir() / "f.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    record_letters([letter(other.id, "debt-notice", D(2026, 8, 1)),
                    letter(other.id, "debt-notice", D(2026, 9, 1)),
                    letter(client.id, "reminder", D(2026, 9, 1))])
    assert latest_letters("debt-notice", D(2026, 8, 15)) == {other.id: D(2026, 8, 1)}
    assert latest_letters("debt-notice", D(2026, 12, 1)) == {other.id: D(2026, 9, 1)}
    assert latest_letters("statement", D(2026, 12, 1)) == {}


def test_many_clients_are_read_in_chunks(db):
    ids = [services.add_client(name=f"לקוח {n}").id for n in range(letter_queries.CHUNK + 7)]
    for cid in (ids[0], ids[-1]):
        services.add_invoice(cid, f"N{cid}", D(2026, 6, 1), "10", terms="נטו 30")
    assert len(letter_queries.letter_clients(ids)) == len(ids)
    assert [r.client_id for r in letter_queries.open_invoices(ids, D(2026, 7, 1))] == [ids[0], ids[-1]]
