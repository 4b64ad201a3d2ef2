"""Aging, the letters batch (its consumer-law gate) and the settlement statuses run in a
bounded number of SQL statements, whatever the size of the ledger or of the batch."""
import datetime as dt

import pytest

from models.db.connection import database
from models.ledger.clients import Client
from models.ledger.invoices import CreditNote, Invoice
from models.ledger.payments import Allocation, Payment
from models.queries.aging import aging_report
from tests.queries.statements import statements_run_by

D = dt.date
AS_OF = D(2026, 11, 22)


def build_ledger(n_invoices: int) -> None:
    """Rows written in bulk (the services would take seconds at 500 invoices): clients,
    invoices in two currencies, payments allocated to a third of them, a bounced check,
    a credit note and a cancelled invoice."""
    now = "2026-11-22T00:00:00"
    n_clients = max(1, n_invoices // 10)
    with database.atomic():
        Client.insert_many([{"name": f"לקוח {k}", "search_key": f"לקוח {k}", "created_at": now}
                            for k in range(n_clients)]).execute()
        invoices, payments, allocations = [], [], []
        for n in range(n_invoices):
            issue = D(2026, 1, 1) + dt.timedelta(days=n % 300)
            currency = "USD" if n % 7 == 0 else "ILS"
            invoices.append({"number": str(n + 1), "number_key": str(n + 1),
                             "client": n % n_clients + 1, "issue_date": issue,
                             "due_date": issue + dt.timedelta(days=30), "amount_agorot": 10000,
                             "currency": currency, "created_at": now,
                             "cancelled_date": issue if n == 1 else None})
            if n % 3 == 0:
                paid = issue + dt.timedelta(days=20)
                payments.append({"client": n % n_clients + 1, "date": paid, "amount_agorot": 6000,
                                 "currency": currency, "method": "check", "check_number": str(n),
                                 "bounced_date": paid if n == 3 else None, "created_at": now})
                allocations.append({"invoice": n + 1, "payment": len(payments),
                                    "amount_agorot": 6000, "applied_date": paid,
                                    "reversed_date": paid if n == 3 else None})
        Invoice.insert_many(invoices).execute()
        Payment.insert_many(payments).execute()
        Allocation.insert_many(allocations).execute()
        CreditNote.insert(number="CN-1", number_key="cn-1", client=1, date=D(2026, 5, 1),
                          amount_agorot=500, currency="ILS", created_at=now).execute()


@pytest.mark.parametrize("n_invoices", [10, 500])
def test_aging_statement_count_does_not_grow(db, n_invoices):
    build_ledger(n_invoices)
    for as_of, boundaries in [(AS_OF, (30, 60, 90, 120)), (D(2026, 6, 1), (15, 45))]:
        seen, report = statements_run_by(lambda: aging_report(as_of, boundaries))
        assert len(seen) <= 3, seen
        assert report.rows  # the statements did real work
    seen, report = statements_run_by(lambda: aging_report(AS_OF, client_id=1))
    assert len(seen) <= 3 and {r.client_id for r in report.rows} == {1}


def test_the_counter_sees_statements(db):
    """Guard for the test above: the trace callback catches what aging runs."""
    seen, _ = statements_run_by(lambda: database.obj.connection().execute("SELECT 1").fetchall())
    assert seen == ["SELECT 1"]
    seen, _ = statements_run_by(lambda: aging_report(AS_OF))  # the queries' own path too
    assert len(seen) == 2


def reads_run_by(call) -> tuple[int, object]:
    """The statements `call` runs, a bulk insert counted once: SQLite traces the entry into
    a row's trigger with its statement's text again (the letter archive's guards), and
    those repeats come one after the other."""
    seen, result = statements_run_by(call)
    return sum(1 for k, sql in enumerate(seen) if k == 0 or sql != seen[k - 1]), result


# ---- the letters batch and the consumer-law gate (§13ב2) ------------------------------

def add_people(count: int, start: int) -> list:
    """Private persons owing an invoice long overdue; the even ones were sent a debt notice
    on 1/10 (every fourth by registered mail, posted 3/10), the odd ones none."""
    from models.ledger import services
    from models.letters.archive import (
        Letter,
        LetterRecord,
        archive_dir,
        record_letters,
        record_registered_mail,
    )

    people = []
    for k in range(start, start + count):
        person = services.add_client(name=f"אדם {k}", kind="person", address="רחוב הדקל 1",
                                     city="חיפה")
        services.add_invoice(person.id, f"P{k}", D(2026, 6, 1), "1000",
                             due_date=D(2026, 7, 1))
        people.append(person)
    notified = [p for p in people if p.id % 2 == 0]
    # The PDF is written before its rows (a server keeps it with them).
    archive_dir().mkdir(parents=True, exist_ok=True)
    (archive_dir() / f"notice-{start}.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    record_letters([LetterRecord(p.id, "debt-notice", D(2026, 10, 1), D(2026, 10, 1), "", 100000,
                                 "ILS", None, f"notice-{start}.pdf", 1, 1) for p in notified])
    for letter in Letter.select().where(Letter.client.in_([p.id for p in notified])):
        if letter.client_id % 4 == 0:
            record_registered_mail(letter.id, f"RR{letter.client_id}", D(2026, 10, 3))
    return people


def test_the_consumer_gate_of_a_batch_is_one_statement_for_3_or_30_clients(db):
    from models.letters.archive import debt_notice_gate, debt_notice_gates

    people = add_people(3, 0)
    few, gates = reads_run_by(lambda: debt_notice_gates(people, AS_OF, 14))
    assert few <= 2  # the notices, and the invoices each one covers
    people += add_people(27, 3)
    many, gates = reads_run_by(lambda: debt_notice_gates(people, AS_OF, 14))
    assert many == few
    # The answers are the one-client gate's, for each client.
    assert gates == {p.id: debt_notice_gate(p, AS_OF, 14) for p in people}
    assert {p.id for p in people if gates[p.id].is_open} == {p.id for p in people if p.id % 2 == 0}
    registered = next(p for p in people if p.id % 4 == 0)
    assert gates[registered.id].notice_sent == D(2026, 10, 3)


def test_a_reminder_batch_runs_as_many_statements_for_30_clients_as_for_3(db):
    from models.ledger.clients import Client
    from reports.batch import produce_letters

    add_people(3, 0)
    ids = [c.id for c in Client.select()]
    few, result = reads_run_by(lambda: produce_letters("reminder", ids, AS_OF))
    assert result.written == 1 and len(result.skipped) == 2  # the gate closed for the others
    written = set(ids) - {cid for cid, *_ in result.skipped}
    add_people(27, 3)
    # the client written to in the first run is left out: within the letters' gap it
    # would be skipped as a repeat, which is another question
    ids = [c.id for c in Client.select() if c.id not in written]
    many, result = reads_run_by(lambda: produce_letters("reminder", ids, AS_OF))
    assert result.written == 14 and len(result.skipped) == 15 and result.repeated == []
    assert many == few


# ---- settlement statuses --------------------------------------------------------------

def add_settlements(count: int, start: int) -> None:
    """Clients each with a signed settlement over two invoices, agreed on different days;
    the first instalment paid, and a payment after the agreement on every third."""
    from models.ledger import services
    from models.negotiation import settlements as st

    for k in range(start, start + count):
        client = services.add_client(name=f"חברה {k}", kind="company")
        invoices = [services.add_invoice(client.id, f"S{k}-{n}", D(2026, 3, 1), "1000",
                                         due_date=D(2026, 4, 1)) for n in (1, 2)]
        agreed = D(2026, 8, 1) + dt.timedelta(days=k % 20)
        s = st.create_settlement(client.id, [i.id for i in invoices], agreed,
                                 instalment_count=4, first_date=agreed + dt.timedelta(days=30))
        st.sign_settlement(s.id, agreed)
        st.record_instalment_payment(s.id, agreed + dt.timedelta(days=30), "500")


def test_settlement_statuses_are_read_in_as_many_statements_for_30_as_for_3(db):
    from models.negotiation import settlement_info
    from models.negotiation import settlement_status as ss
    from models.negotiation.settlements import Settlement

    def count_all() -> list[int]:
        clients = [s.client_id for s in Settlement.select()]
        return [reads_run_by(call)[0] for call in (
            lambda: ss.statuses(AS_OF), lambda: ss.settlement_agenda(AS_OF),
            lambda: ss.settled_invoice_pauses(AS_OF),
            lambda: settlement_info.load_settlement_info("settlement", clients, AS_OF))]

    add_settlements(3, 0)
    few = count_all()
    add_settlements(27, 3)
    assert count_all() == few
    found = ss.statuses(AS_OF)
    assert len(found) == 30 and {s.state for s in found} == {"breached"}
    assert {s.covered_open_agorot for s in found} == {150000}
