"""A check that came back: the user records why (the bank's reason, or their own words)
and the bank's fee; the fee becomes a fee line on the client's debt — aged, listed and
printed like any other debt — and the reason is written in the contact log entry for
the bounce, together or not at all."""
import datetime as dt

import pytest

from models.common.errors import ValidationError
from models.contact.bounces import record_bounce
from models.contact.contact_log import ContactLogEntry, timeline
from models.ledger import services
from models.ledger.invoices import Invoice
from models.ledger.payments import Payment
from models.queries.aging import aging_report
from models.queries.client_list import client_invoices, client_summaries
from reports.letter_data import load_letter_data

D = dt.date
AS_OF = D(2026, 11, 22)


@pytest.fixture
def check(client):
    inv = services.add_invoice(client.id, "601", D(2026, 9, 1), "1000", due_date=D(2026, 10, 1))
    return services.record_payment(client.id, D(2026, 10, 1), "1000", method="check",
                                   check_number="88123", invoice_ids=[inv.id])


def test_a_bounce_with_a_fee_adds_the_fee_to_the_debt_and_the_reason_to_the_log(db, client,
                                                                                check):
    assert client_summaries(AS_OF, client.id) == {}  # paid in full by the check
    record = record_bounce(check.id, D(2026, 11, 5), "insufficient_funds", fee="15.50")

    fee = record.fee_line
    assert (fee.kind, fee.amount_agorot, fee.issue_date, fee.due_date) == (
        "fee", 1_550, D(2026, 11, 5), D(2026, 11, 5))
    assert Payment.get_by_id(check.id).bounce_fee_invoice_id == fee.id
    # The debt is the check again plus the bank's fee, in the list, in aging and on the card.
    assert client_summaries(AS_OF, client.id)[client.id].open_agorot == {"ILS": 101_550}
    (row,) = [r for r in aging_report(AS_OF).rows if r.client_id == client.id]
    assert row.total == 101_550
    lines = {line.number: line.state for line in client_invoices(client.id, AS_OF)}
    assert lines == {"601": "overdue", fee.number: "overdue"}
    # The statement shows the check returned and the fee line with its description.
    statement = load_letter_data([client.id], AS_OF)[client.id].movements["ILS"]
    fee_entry = [e for e in statement if e.kind == "fee"]
    assert [(e.description, e.debit_agorot) for e in fee_entry] == [
        ("עמלת בנק על שיק 88123 שחזר", 1_550)]

    entry = record.entry
    assert entry.occurred.date() == D(2026, 11, 5) and entry.direction == "in"
    assert "88123" in entry.summary and "אין כיסוי מספיק" in entry.summary
    assert "15.50" in entry.summary and fee.number in entry.summary
    assert [item.summary for item in timeline(client.id)] == [entry.summary]


def test_another_reason_is_written_in_the_users_words(db, client, check):
    with pytest.raises(ValidationError) as err:
        record_bounce(check.id, D(2026, 11, 5), "other")
    assert err.value.field == "note"
    record = record_bounce(check.id, D(2026, 11, 5), "other", note="הלקוח ביקש להפקיד בשבוע הבא")
    assert record.fee_line is None and Invoice.select().count() == 1  # no fee, no fee line
    assert "הלקוח ביקש להפקיד בשבוע הבא" in record.entry.summary
    assert Payment.get_by_id(check.id).bounce_reason == "other"


def test_nothing_is_written_when_the_bounce_is_refused(db, client, check):
    with pytest.raises(ValidationError) as err:
        record_bounce(check.id, D(2026, 11, 5), "")  # no reason chosen
    assert err.value.field == "reason"
    with pytest.raises(ValidationError) as err:
        record_bounce(check.id, D(2026, 11, 5), "stopped", fee="abc")
    assert err.value.field == "fee"
    with pytest.raises(ValidationError) as err:
        record_bounce(check.id, dt.date.today() + dt.timedelta(days=3), "stopped")
    assert err.value.field == "bounced_date"
    assert Payment.get_by_id(check.id).bounced_date is None
    assert ContactLogEntry.select().count() == 0 and Invoice.select().count() == 1
    record_bounce(check.id, D(2026, 11, 5), "stopped", fee="12")
    with pytest.raises(ValidationError):  # once only: no second log entry, no second fee
        record_bounce(check.id, D(2026, 11, 6), "stopped", fee="12")
    assert ContactLogEntry.select().count() == 1 and Invoice.select().count() == 2
