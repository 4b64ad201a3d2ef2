"""The letters batch's "clients whose next dunning step is this letter": exactly the clients
whose due step as of the date is a letter of that kind, from the dunning plan's own walk."""
import datetime as dt

import pytest

from models.collection.dunning import clients_at_letter_stage
from models.contact.contact_log import log_contact
from models.ledger import services
from models.letters.archive import LetterRecord, record_letters

AS_OF = dt.date(2026, 11, 22)
EIGHT_DAYS_AGO = AS_OF - dt.timedelta(days=8)
ISSUED = dt.date(2026, 9, 1)
WRITTEN = dt.datetime(2027, 6, 30)  # entered later: the log is dated by occurred_at


@pytest.fixture
def book(db, client):
    """client (business) 8 days overdue; a private person 8 days overdue with no debt notice;
    a business that paid its overdue invoice in full."""
    services.add_invoice(client.id, "A-1", ISSUED, "1000", due_date=EIGHT_DAYS_AGO)
    person = services.add_client(name="דנה לוי", kind="person")
    services.add_invoice(person.id, "P-1", ISSUED, "300", due_date=EIGHT_DAYS_AGO)
    paid = services.add_client(name="שילם בזמן בע\"מ", kind="company")
    invoice = services.add_invoice(paid.id, "S-1", ISSUED, "500", due_date=EIGHT_DAYS_AGO)
    services.record_payment(paid.id, AS_OF - dt.timedelta(days=2), "500",
                            invoice_ids=[invoice.id])
    return client, person, paid


def test_each_client_is_listed_at_the_letter_its_plan_has_reached(book):
    company, person, paid = book
    assert clients_at_letter_stage("reminder", AS_OF) == [company.id]
    assert clients_at_letter_stage("debt-notice", AS_OF) == [person.id]
    for kind in ("second-reminder", "final-warning"):
        assert clients_at_letter_stage(kind, AS_OF) == []
    everyone = {cid for kind in ("debt-notice", "reminder", "second-reminder", "final-warning")
                for cid in clients_at_letter_stage(kind, AS_OF)}
    assert paid.id not in everyone  # a paid invoice never gets a letter


def test_the_stage_follows_the_date_and_the_log(book):
    company, person, _paid = book
    # A day before the reminder falls due (due + 7) nobody is at the reminder stage yet.
    assert clients_at_letter_stage("reminder", EIGHT_DAYS_AGO + dt.timedelta(days=6)) == []
    # Once the reminder is logged the company waits for the second reminder (due + 21).
    log_contact(company.id, AS_OF, "letter", action="reminder", recorded_at=WRITTEN)
    assert clients_at_letter_stage("reminder", AS_OF) == []
    assert clients_at_letter_stage("second-reminder", AS_OF + dt.timedelta(days=12)) == []
    assert clients_at_letter_stage("second-reminder", AS_OF + dt.timedelta(days=13)) == \
        [company.id]
    # The person's notice sent (the archive holds it): no reminder before the gate's 14 days.
    record_letters([LetterRecord(person.id, "debt-notice", AS_OF, AS_OF, "", 30000, "ILS",
                                 None, "n.pdf", 1, 1)])
    assert clients_at_letter_stage("debt-notice", AS_OF) == []
    assert person.id not in clients_at_letter_stage("reminder", AS_OF + dt.timedelta(days=13))
    assert person.id in clients_at_letter_stage("reminder", AS_OF + dt.timedelta(days=14))


def test_a_disputed_invoice_is_paused_and_other_kinds_list_nobody(book):
    company, _person, _paid = book
    other = services.add_client(name="Acme Ltd.", kind="company")
    invoice = services.add_invoice(other.id, "B-1", ISSUED, "200", due_date=EIGHT_DAYS_AGO)
    assert clients_at_letter_stage("reminder", AS_OF) == sorted([company.id, other.id])
    services.set_disputed(invoice.id, True)
    assert clients_at_letter_stage("reminder", AS_OF) == [company.id]
    assert clients_at_letter_stage("statement", AS_OF) == []  # not a step of the plan
