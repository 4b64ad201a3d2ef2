"""One rule for "open as of D", asked of every query that answers it.

A ledger with each case that moves the answer on some day — an invoice issued later, one
cancelled later, money applied later, a post-dated check, a bounced check, a credit note —
is read as of every day around those events. Each consumer (the aging report and its
drill-down, the client list, settlements, hand-over, the case file) must give the open
amount the rule gives, computed here in plain Python from the rows themselves; the case
file must also count the money received as of the day by the same rule (a post-dated
check from its own date, a bounced one no longer).
"""
import datetime as dt

import pytest

from models.collection.case_file import build_case_file
from models.collection.handover import oldest_open_due_date
from models.ledger import services
from models.ledger.invoices import Invoice
from models.ledger.payments import Allocation, Payment
from models.negotiation import settlements as st
from models.queries.aging import aging_report, open_invoices_as_of
from models.queries.client_list import client_summaries

from tests.open_as_of_cases import DAYS, D, add_every_case


@pytest.fixture
def ledger(db, client):
    add_every_case(client.id)
    return client


def expected_open(as_of: dt.date) -> dict[int, int]:
    """invoice id -> open agorot as of the date, from the rows, by the rule's words."""
    found = {}
    for inv in Invoice.select():
        if inv.issue_date > as_of or (inv.cancelled_date and inv.cancelled_date <= as_of):
            continue
        counted = sum(a.amount_agorot for a in Allocation.select().where(
            Allocation.invoice == inv.id)
            if a.applied_date <= as_of and (a.reversed_date is None or a.reversed_date > as_of))
        if inv.amount_agorot - counted > 0:
            found[inv.id] = inv.amount_agorot - counted
    return found


@pytest.mark.parametrize("as_of", DAYS, ids=str)
def test_every_consumer_gives_the_rules_open_amounts(ledger, as_of):
    client = ledger
    expected = expected_open(as_of)
    ids = [inv.id for inv in Invoice.select()]

    drill_down = {row.invoice_id: row.open_agorot
                  for row in open_invoices_as_of(client.id, "ILS", as_of)}
    settled = {k: v for k, v in st.open_amounts(ids, as_of).items() if v > 0}
    report = aging_report(as_of)
    aging_total = sum(row.total for row in report.rows if row.client_id == client.id)
    summary = client_summaries(as_of, client.id).get(client.id)
    credit = summary.credit_agorot.get("ILS", 0) if summary else 0
    listed = (summary.open_agorot.get("ILS", 0) + credit) if summary else 0
    due_dates = [inv.due_date for inv in Invoice.select().where(Invoice.id.in_(list(expected)))]

    assert drill_down == expected
    assert settled == expected
    assert aging_total == sum(expected.values())
    assert listed == sum(expected.values())  # the list nets credit on account off
    assert oldest_open_due_date(client.id, as_of) == (min(due_dates) if due_dates else None)


def expected_received(as_of: dt.date) -> list[Payment]:
    """The payments whose money counts as of the date: by their own date (a post-dated
    check by the check's), and not bounced by then."""
    return [p for p in Payment.select()
            if p.effective_date <= as_of and (p.bounced_date is None or p.bounced_date > as_of)]


@pytest.mark.parametrize("as_of", DAYS, ids=str)
def test_the_case_file_asks_the_same_question_as_aging(ledger, as_of):
    client = ledger
    expected = expected_open(as_of)
    case = build_case_file(client.id, as_of)
    numbers = {inv.id: inv.number for inv in Invoice.select()}
    report = aging_report(as_of)
    aging_total = sum(row.total for row in report.rows if row.client_id == client.id)
    received = expected_received(as_of)
    counted = [inv for inv in Invoice.select() if inv.issue_date <= as_of
               and (inv.cancelled_date is None or inv.cancelled_date > as_of)]
    bounced = [p for p in Payment.select() if p.bounced_date and p.bounced_date <= as_of]

    assert {i.number: i.open_agorot for i in case.open_invoices} == {
        numbers[k]: v for k, v in expected.items()}
    assert sum(line.total for line in case.aging) == aging_total == sum(expected.values())
    assert case.paid_agorot.get("ILS", 0) == sum(p.amount_agorot for p in received)
    assert case.last_payment_date == max((p.effective_date for p in received), default=None)
    assert case.invoiced_agorot.get("ILS", 0) == sum(inv.amount_agorot for inv in counted)
    assert len(case.bounced_checks) == len(bounced)


# ---- one question, every consumer ------------------------------------------------------
# "Which invoices of the client are open as of D, and for how much?" asked of every
# screen, letter and rule that lists open invoices; each must give the rule's answer.

FAR = D(2099, 12, 31)


def _numbers(expected: dict[int, int]) -> dict[str, int]:
    numbers = {inv.id: inv.number for inv in Invoice.select()}
    return {numbers[k]: v for k, v in expected.items()}


def _listed(rows) -> dict[str, int]:
    return {row.number: row.open_agorot for row in rows}


def _every_consumer(client_id: int, as_of: dt.date) -> dict[str, dict[str, int]]:
    from models.collection.dunning import open_invoices_due_by
    from models.queries import letter_data as letter_queries
    from models.queries.client_list import client_invoices
    from models.queries.invoice_list import invoice_ids, invoice_rows
    from reports.letter_data import load_letter_data

    issued = [line for line in client_invoices(client_id, as_of) if line.issue_date <= as_of]
    rows = invoice_rows(invoice_ids(as_of, client_id=client_id), as_of)
    return {
        "dunning and Today": _listed(open_invoices_due_by(as_of, FAR, client_id=client_id)),
        "aging drill-down": _listed(open_invoices_as_of(client_id, "ILS", as_of)),
        "case file": _listed(build_case_file(client_id, as_of).open_invoices),
        "letter queries": _listed(letter_queries.open_invoices([client_id], as_of)),
        "letters": _listed(load_letter_data([client_id], as_of,
                                            with_interest=False)[client_id].invoices),
        "client card": {line.number: line.open_agorot for line in issued
                        if line.open_agorot > 0},
        "invoices screen": {line.number: line.open_agorot for line, _, _ in rows.values()
                            if line.issue_date <= as_of and line.open_agorot > 0},
    }


@pytest.mark.parametrize("as_of", DAYS, ids=str)
def test_every_consumer_lists_the_same_open_invoices(ledger, as_of):
    want = _numbers(expected_open(as_of))
    answers = _every_consumer(ledger.id, as_of)
    assert answers == {name: want for name in answers}


def test_the_settlement_letter_covers_the_invoices_open_on_its_agreement_date(ledger):
    from models.negotiation.settlement_info import load_settlement_info

    day = D(2026, 9, 21)  # A partly paid, B paid by a check not bounced yet, E post-dated
    want = _numbers(expected_open(day))
    ids = list(expected_open(day))
    st.create_settlement(ledger.id, ids, day)
    info = load_settlement_info("meeting-summary", [ledger.id], day)[ledger.id]
    assert _listed(info.covered) == want == {"A": 50_000, "E": 30_000}


def test_where_money_goes_counts_every_allocation_recorded(ledger):
    """A payment recorded today must not go again to what a post-dated check already
    pays; a bounced check's invoice is open again; a cancelled invoice takes nothing."""
    from models.ledger.allocation import open_invoices

    assert _listed(open_invoices(ledger.id, "ILS")) == _numbers(expected_open(dt.date.max)) \
        == {"A": 50_000, "B": 50_000, "E": 10_000}


def test_the_client_card_shows_an_invoice_paid_by_a_post_dated_check_from_its_date(db, client):
    """The list and the card's figures agree: open until the check's date, paid from it."""
    from models.queries.client_list import client_invoices

    today, next_week = D(2026, 11, 22), D(2026, 11, 29)
    inv = services.add_invoice(client.id, "P1", D(2026, 10, 1), "800", terms="נטו 30")
    services.record_payment(client.id, today, "800", method="check", check_number="31",
                            check_date=next_week, invoice_ids=[inv.id])

    def card(day):
        line = {line.number: line for line in client_invoices(client.id, day)}["P1"]
        listed = client_summaries(day, client.id).get(client.id)
        return line.state, line.paid_agorot, line.open_agorot, \
            listed.open_agorot.get("ILS", 0) if listed else 0

    assert card(today) == ("pending", 0, 80_000, 80_000)  # "Pending until 29/11"
    assert card(next_week - dt.timedelta(days=1)) == ("pending", 0, 80_000, 80_000)
    assert card(next_week) == ("paid", 80_000, 0, 0)
