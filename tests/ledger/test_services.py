"""Use cases in models.ledger.services on a real database: validation, allocation, cancel, bounce."""
import datetime as dt

import pytest

from models.common.errors import ValidationError
from models.ledger import services
from models.ledger.allocation import open_invoices
from models.ledger.invoices import CreditNote, Invoice
from models.ledger.payments import Allocation, Payment
from models.queries.aging import aging_report

D = dt.date


def hebrew(message) -> bool:
    return any("\u05d0" <= ch <= "\u05ea" for ch in str(message))


def allocations_of(payment) -> list[tuple[str, int]]:
    query = Allocation.select().where(Allocation.payment == payment).order_by(Allocation.id)
    return [(a.invoice.number, a.amount_agorot) for a in query]


def open_amounts(client_id, currency="ILS") -> dict[str, int]:
    return {o.number: o.open_agorot for o in open_invoices(client_id, currency)}


def row_for(report, client_id, currency="ILS"):
    rows = [r for r in report.rows if r.client_id == client_id and r.currency == currency]
    return rows[0] if rows else None


# ---- validation ----------------------------------------------------------------------

@pytest.mark.parametrize("fields, field", [
    ({"name": "   "}, "name"),
    ({"name": "\u200f"}, "name"),
    ({"name": "א" * 500}, "name"),
    ({"name": "דנה", "tax_id": "123456789"}, "tax_id"),
    ({"name": "דנה", "zip": "12345"}, "zip"),
    ({"name": "דנה", "email": "dana@"}, "email"),
    ({"name": "דנה", "phone": "12"}, "phone"),
    ({"name": "דנה", "terms": "כשיהיה"}, "terms"),
    ({"name": "דנה", "kind": "alien"}, "kind"),
    ({"name": "דנה", "status": "gone"}, "status"),
])
def test_client_validation_messages(db, fields, field):
    with pytest.raises(ValidationError) as err:
        services.add_client(**fields)
    assert err.value.field == field
    assert hebrew(err.value)


def test_client_is_stored_normalised(db):
    c = services.add_client(name=' כהן\u200f  בע״מ ', tax_id="12345674", zip="6100101",
                            phone="501234567", terms="שוטף + 60", email=" a@b.co.il")
    c = services.get_client(c.id)
    assert c.name == "כהן בע״מ"
    assert c.search_key == services.search_key('כהן בע"מ')
    assert (c.tax_id, c.zip, c.phone, c.terms, c.email) == (
        "012345674", "6100101", "0501234567", "שוטף+60", "a@b.co.il")
    assert services.find_client("כהן בע''מ").id == c.id  # found through the search key
    assert [x.id for x in services.similar_clients('כהן בע"מ')] == [c.id]


def test_duplicate_external_id_refused(db):
    services.add_client(name="א", external_id="C-1")
    with pytest.raises(ValidationError) as err:
        services.add_client(name="ב", external_id="C-1")
    assert err.value.field == "external_id"


@pytest.mark.parametrize("kwargs, field", [
    ({"amount": "0"}, "amount"),
    ({"amount": "-5"}, "amount"),
    ({"amount": "12.345"}, "amount"),
    ({"amount": "abc"}, "amount"),
    ({"amount": "100", "currency": "CAD"}, "currency"),
    ({"amount": "100", "due_date": D(2026, 10, 31)}, "due_date"),
    ({"amount": "100", "kind": "bribe"}, "kind"),
    ({"amount": "100", "number": "  "}, "number"),
    ({"amount": "100", "number": "x" * 41}, "number"),
    ({"amount": "100", "terms": "כשיהיה"}, "terms"),
])
def test_invoice_validation_messages(client, kwargs, field):
    args = {"number": "100", "issue_date": D(2026, 11, 1), **kwargs}
    with pytest.raises(ValidationError) as err:
        services.add_invoice(client.id, **args)
    assert err.value.field == field
    assert hebrew(err.value)
    assert Invoice.select().count() == 0


def test_duplicate_invoice_number_refused_also_with_leading_zeros(client):
    services.add_invoice(client.id, "0012", D(2026, 11, 1), "100")
    for number in ("0012", "12", " 012 "):
        with pytest.raises(ValidationError) as err:
            services.add_invoice(client.id, number, D(2026, 11, 2), "100")
        assert err.value.field == "number"
        assert "0012" in str(err.value)
    other = services.add_invoice(client.id, "13", D(2026, 11, 2), "100")
    with pytest.raises(ValidationError):
        services.update_invoice(other.id, number="12")
    assert Invoice.select().count() == 2


def test_due_date_from_client_terms_or_typed(client):
    inv = services.add_invoice(client.id, "1", D(2026, 11, 5), "100")
    assert inv.due_date == D(2026, 12, 30) and not inv.is_due_date_fixed  # שוטף+30
    inv = services.add_invoice(client.id, "2", D(2026, 11, 5), "100", terms="נטו 10")
    assert inv.due_date == D(2026, 11, 15)
    inv = services.add_invoice(client.id, "3", D(2026, 11, 5), "100", due_date=D(2026, 11, 20))
    assert inv.due_date == D(2026, 11, 20) and inv.is_due_date_fixed


@pytest.mark.parametrize("kwargs, field", [
    ({"amount": "0"}, "amount"),
    ({"amount": "100", "method": "barter"}, "method"),
    ({"amount": "100", "method": "check"}, "check_number"),
    ({"amount": "100", "currency": "XYZ"}, "currency"),
])
def test_payment_validation_messages(client, kwargs, field):
    with pytest.raises(ValidationError) as err:
        services.record_payment(client.id, D(2026, 11, 1), **kwargs)
    assert err.value.field == field
    assert hebrew(err.value)
    assert Payment.select().count() == 0


def test_duplicate_payment_reference_refused(client):
    services.record_payment(client.id, D(2026, 11, 1), "100", reference="R-1")
    with pytest.raises(ValidationError) as err:
        services.record_payment(client.id, D(2026, 11, 2), "100", reference="R-1")
    assert err.value.field == "reference"
    assert Payment.select().count() == 1


# ---- payments that name invoices -----------------------------------------------------

def test_payment_naming_another_clients_invoice_refused(client):
    other = services.add_client(name="לוי")
    theirs = services.add_invoice(other.id, "1", D(2026, 11, 1), "100")
    with pytest.raises(ValidationError) as err:
        services.record_payment(client.id, D(2026, 11, 2), "100", invoice_ids=[theirs.id])
    assert err.value.field == "invoices"
    assert "לקוח אחר" in str(err.value)
    assert Payment.select().count() == 0 and Allocation.select().count() == 0


def test_credit_note_naming_another_clients_or_missing_invoice_refused(client):
    other = services.add_client(name="לוי")
    theirs = services.add_invoice(other.id, "1", D(2026, 11, 1), "100")
    with pytest.raises(ValidationError):
        services.add_credit_note(client.id, "CN1", D(2026, 11, 2), "10", invoice_id=theirs.id)
    with pytest.raises(ValidationError) as err:
        services.add_credit_note(client.id, "CN1", D(2026, 11, 2), "10", invoice_id=9999)
    assert err.value.field == "invoices"
    assert CreditNote.select().count() == 0


def test_currency_mismatch_refused(client):
    usd = services.add_invoice(client.id, "1", D(2026, 11, 1), "100", currency="USD")
    with pytest.raises(ValidationError) as err:
        services.record_payment(client.id, D(2026, 11, 2), "100", currency="ILS",
                                invoice_ids=[usd.id])
    assert "USD" in str(err.value) and "ILS" in str(err.value)
    with pytest.raises(ValidationError):
        services.add_credit_note(client.id, "CN1", D(2026, 11, 2), "10", invoice_id=usd.id)
    assert Payment.select().count() == 0 and CreditNote.select().count() == 0


def test_payment_naming_a_cancelled_invoice_refused(client):
    inv = services.add_invoice(client.id, "1", D(2026, 11, 1), "100")
    services.cancel_invoice(inv.id, D(2026, 11, 2))
    with pytest.raises(ValidationError) as err:
        services.record_payment(client.id, D(2026, 11, 3), "100", invoice_ids=[inv.id])
    assert "מבוטלת" in str(err.value)


def test_payment_naming_invoices_applied_in_the_order_named(client):
    a = services.add_invoice(client.id, "1", D(2026, 9, 1), "100")
    b = services.add_invoice(client.id, "2", D(2026, 10, 1), "100")
    c = services.add_invoice(client.id, "3", D(2026, 11, 1), "100")
    pay = services.record_payment(client.id, D(2026, 11, 5), "150", invoice_ids=[c.id, a.id])
    assert allocations_of(pay) == [("3", 10000), ("1", 5000)]
    assert open_amounts(client.id) == {"1": 5000, "2": 10000}
    assert b.id  # untouched although it is older than c


def test_payment_naming_a_paid_invoice_leaves_credit(client):
    a = services.add_invoice(client.id, "1", D(2026, 9, 1), "100")
    services.record_payment(client.id, D(2026, 9, 2), "100", invoice_ids=[a.id])
    services.add_invoice(client.id, "2", D(2026, 10, 1), "100")
    pay = services.record_payment(client.id, D(2026, 10, 2), "40", invoice_ids=[a.id])
    assert allocations_of(pay) == []
    row = row_for(aging_report(D(2026, 11, 22)), client.id)
    assert row.credit == 4000 and row.total == 10000


# ---- automatic allocation ------------------------------------------------------------

def test_automatic_allocation_oldest_due_date_then_issue_date_then_number(client):
    # Recorded in a scrambled order on purpose; numbers compare as numbers (9 < 10).
    services.add_invoice(client.id, "10", D(2026, 3, 1), "100", due_date=D(2026, 4, 1))
    services.add_invoice(client.id, "9", D(2026, 3, 1), "100", due_date=D(2026, 4, 1))
    services.add_invoice(client.id, "5", D(2026, 2, 1), "100", due_date=D(2026, 4, 1))
    services.add_invoice(client.id, "7", D(2026, 3, 15), "100", due_date=D(2026, 3, 20))
    pay = services.record_payment(client.id, D(2026, 5, 1), "350")
    assert allocations_of(pay) == [("7", 10000), ("5", 10000), ("9", 10000), ("10", 5000)]


def test_automatic_allocation_stays_in_the_payments_currency(client):
    services.add_invoice(client.id, "1", D(2026, 1, 1), "100", currency="USD")
    services.add_invoice(client.id, "2", D(2026, 2, 1), "100")
    pay = services.record_payment(client.id, D(2026, 3, 1), "100", currency="ILS")
    assert allocations_of(pay) == [("2", 10000)]
    assert open_amounts(client.id, "USD") == {"1": 10000}


def test_automatic_allocation_skips_cancelled_and_other_clients(client):
    other = services.add_client(name="לוי")
    services.add_invoice(other.id, "1", D(2026, 1, 1), "100")
    cancelled = services.add_invoice(client.id, "2", D(2026, 1, 2), "100")
    services.cancel_invoice(cancelled.id, D(2026, 1, 3))
    mine = services.add_invoice(client.id, "3", D(2026, 1, 4), "100")
    pay = services.record_payment(client.id, D(2026, 2, 1), "100")
    assert allocations_of(pay) == [("3", 10000)]
    assert open_amounts(other.id) == {"1": 10000}
    assert mine.id


def test_overpayment_becomes_credit_on_account(client):
    services.add_invoice(client.id, "1", D(2026, 10, 1), "100")
    pay = services.record_payment(client.id, D(2026, 10, 5), "250")
    assert allocations_of(pay) == [("1", 10000)]
    row = row_for(aging_report(D(2026, 11, 22)), client.id)
    assert row.total == 0 and row.credit == 15000
    # the credit is not spent automatically on a later invoice: it stays visible
    services.add_invoice(client.id, "2", D(2026, 11, 1), "100")
    row = row_for(aging_report(D(2026, 11, 22)), client.id)
    assert row.total == 10000 and row.credit == 15000


def test_partial_payments_then_credit_note_close_an_invoice(client):
    inv = services.add_invoice(client.id, "1", D(2026, 10, 1), "1000")
    services.record_payment(client.id, D(2026, 10, 10), "600")
    services.add_credit_note(client.id, "CN-1", D(2026, 10, 20), "400", invoice_id=inv.id)
    assert open_amounts(client.id) == {}
    assert row_for(aging_report(D(2026, 11, 22)), client.id) is None
    row = row_for(aging_report(D(2026, 10, 15)), client.id)
    assert row.total == 40000 and row.credit == 0


# ---- cancel --------------------------------------------------------------------------

def test_cancel_refused_when_paid(client):
    inv = services.add_invoice(client.id, "1", D(2026, 10, 1), "100")
    services.record_payment(client.id, D(2026, 10, 5), "10")
    with pytest.raises(ValidationError) as err:
        services.cancel_invoice(inv.id, D(2026, 10, 6))
    assert "זיכוי" in str(err.value)
    assert services.get_invoice(inv.id).cancelled_date is None


def test_cancel_twice_refused_and_cancelled_invoice_leaves_aging(client):
    inv = services.add_invoice(client.id, "1", D(2026, 10, 1), "100")
    services.cancel_invoice(inv.id, D(2026, 10, 6))
    with pytest.raises(ValidationError):
        services.cancel_invoice(inv.id, D(2026, 10, 7))
    with pytest.raises(ValidationError):
        services.update_invoice(inv.id, amount="50")
    assert row_for(aging_report(D(2026, 11, 22)), client.id) is None
    # before it was cancelled, it was owed
    assert row_for(aging_report(D(2026, 10, 5)), client.id).total == 10000


# ---- bounced checks ------------------------------------------------------------------

def test_bounce_reopens_the_debt_and_keeps_history(client):
    inv = services.add_invoice(client.id, "1", D(2026, 9, 1), "1000", due_date=D(2026, 9, 30))
    check = services.record_payment(client.id, D(2026, 9, 20), "1000", method="check",
                                    check_number="123456", check_bank="12", check_branch="600")
    before = aging_report(D(2026, 10, 20))
    assert row_for(before, client.id) is None  # paid, nothing open
    services.bounce_payment(check.id, D(2026, 10, 25))
    # history up to the bounce is unchanged ...
    assert row_for(aging_report(D(2026, 10, 20)), client.id) is None
    assert row_for(aging_report(D(2026, 10, 24)), client.id) is None
    # ... from the bounce on, the debt is back, dated by the invoice's own due date
    row = row_for(aging_report(D(2026, 11, 22)), client.id)
    assert row.total == 100000 and row.credit == 0
    assert row.buckets[2] == 100000  # 53 days overdue: 31-60
    assert open_amounts(client.id) == {"1": 100000}
    # the check and its allocation are kept, marked
    assert Payment.get_by_id(check.id).bounced_date == D(2026, 10, 25)
    alloc = Allocation.get(Allocation.payment == check.id)
    assert alloc.reversed_date == D(2026, 10, 25) and alloc.amount_agorot == 100000
    # the cheque no longer counts: a new payment goes to the reopened invoice
    pay = services.record_payment(client.id, D(2026, 11, 1), "1000")
    assert allocations_of(pay) == [("1", 100000)]
    assert inv.id


def test_bounce_rules(client):
    transfer = services.record_payment(client.id, D(2026, 9, 20), "10")
    with pytest.raises(ValidationError):
        services.bounce_payment(transfer.id, D(2026, 9, 25))
    check = services.record_payment(client.id, D(2026, 9, 20), "10", method="check",
                                    check_number="1")
    with pytest.raises(ValidationError):
        services.bounce_payment(check.id, D(2026, 9, 19))  # before it was received
    services.bounce_payment(check.id, D(2026, 9, 25))
    with pytest.raises(ValidationError):
        services.bounce_payment(check.id, D(2026, 9, 26))
    with pytest.raises(ValidationError):
        services.bounce_payment(9999, D(2026, 9, 26))


def test_post_dated_check_counts_from_its_own_date(client):
    services.add_invoice(client.id, "1", D(2026, 9, 1), "100", due_date=D(2026, 9, 30))
    services.record_payment(client.id, D(2026, 10, 1), "100", method="check", check_number="7",
                            check_date=D(2026, 12, 1))
    assert row_for(aging_report(D(2026, 11, 22)), client.id).total == 10000
    assert row_for(aging_report(D(2026, 12, 1)), client.id) is None


# ---- editing -------------------------------------------------------------------------

def test_update_invoice_cannot_go_below_paid(client):
    inv = services.add_invoice(client.id, "1", D(2026, 10, 1), "1000")
    services.record_payment(client.id, D(2026, 10, 5), "600")
    with pytest.raises(ValidationError) as err:
        services.update_invoice(inv.id, amount="599.99")
    assert err.value.field == "amount"
    assert services.get_invoice(inv.id).amount_agorot == 100000
    assert services.update_invoice(inv.id, amount="600").amount_agorot == 60000
    assert open_amounts(client.id) == {}


def test_update_invoice_recomputes_due_date_unless_fixed(client):
    inv = services.add_invoice(client.id, "1", D(2026, 10, 1), "100")
    inv = services.update_invoice(inv.id, issue_date=D(2026, 11, 5))
    assert inv.due_date == D(2026, 12, 30)
    with pytest.raises(ValidationError) as err:
        services.update_invoice(inv.id, due_date=D(2026, 11, 1))
    assert err.value.field == "due_date"
    fixed = services.update_invoice(inv.id, due_date=D(2026, 11, 20))
    assert fixed.is_due_date_fixed
    assert services.update_invoice(inv.id, issue_date=D(2026, 11, 6)).due_date == D(2026, 11, 20)


def test_client_addressing_fields_are_checked(db):
    client = services.add_client(name="Silverline Health Ltd.", country="uk", zip="ec2a 1as",
                                 letter_language="en", gender="male", salutation="  Dr  ")
    assert (client.country, client.zip, client.salutation) == ("GB", "EC2A 1AS", "Dr")
    assert services.add_client(name="כהן").country == "IL"
    with pytest.raises(ValidationError) as error:
        services.update_client(client.id, country="Narnia")
    assert error.value.field == "country" and hebrew(error.value)
    with pytest.raises(ValidationError) as error:
        services.update_client(client.id, gender="other")
    assert error.value.field == "gender"
    with pytest.raises(ValidationError) as error:
        services.update_client(client.id, letter_language="fr")
    assert error.value.field == "letter_language"
    with pytest.raises(ValidationError) as error:
        services.update_client(client.id, salutation="x" * 41)
    assert error.value.field == "salutation"
    # back home, a postcode is seven digits again
    with pytest.raises(ValidationError) as error:
        services.update_client(client.id, country="ישראל", zip="EC2A 1AS")
    assert error.value.field == "zip"
