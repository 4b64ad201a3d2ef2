"""The ledger of every case that moves "open as of D" on some day, shared by the tests that
ask the rule's consumers the same question (tests/ledger/test_open_as_of_one_rule.py,
tests/queries/test_letter_queries.py): an invoice issued later, one cancelled later, money
applied later, a post-dated check, a bounced check, a credit note."""
import datetime as dt

from models.ledger import services

D = dt.date
EVENTS = [D(2026, 6, 1), D(2026, 7, 1), D(2026, 7, 15), D(2026, 8, 1), D(2026, 8, 10),
          D(2026, 9, 1), D(2026, 9, 20), D(2026, 10, 5), D(2026, 11, 1)]
DAYS = sorted({day + dt.timedelta(days=k) for day in EVENTS for k in (-1, 0, 1)})  # around each


def add_every_case(client_id: int) -> None:
    """Invoices A, B, C (cancelled on 1/9) and E, each due 30 days after issue, and their money."""
    add = services.add_invoice
    a = add(client_id, "A", D(2026, 6, 1), "1,000", terms="נטו 30")
    b = add(client_id, "B", D(2026, 7, 1), "500", terms="נטו 30")
    c = add(client_id, "C", D(2026, 8, 1), "700", terms="נטו 30")
    e = add(client_id, "E", D(2026, 9, 20), "300", terms="נטו 30")
    services.record_payment(client_id, D(2026, 7, 15), "400", invoice_ids=[a.id])
    check = services.record_payment(client_id, D(2026, 8, 1), "500", method="check",
                                    check_number="17", check_date=D(2026, 8, 10),
                                    invoice_ids=[b.id])
    services.bounce_payment(check.id, D(2026, 10, 5))
    services.record_payment(client_id, D(2026, 8, 1), "200", method="check", check_number="18",
                            check_date=D(2026, 11, 1), invoice_ids=[e.id])  # post-dated
    services.add_credit_note(client_id, "Z1", D(2026, 9, 20), "100", invoice_id=a.id)
    services.cancel_invoice(c.id, D(2026, 9, 1))
