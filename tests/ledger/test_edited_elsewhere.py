"""A form saves only over what it loaded: a client's details or an invoice another person
changed after the form opened them are refused with one clear line, and the other
person's change stays as they saved it."""
import datetime as dt

import pytest

from models.db.concurrency import EditedElsewhereError
from models.ledger import services


def test_a_clients_details_changed_meanwhile_are_not_overwritten(client):
    loaded = services.client_snapshot(client)
    services.update_client(client.id, phone="03-5551234")  # the other person, first
    with pytest.raises(EditedElsewhereError) as err:
        services.update_client(client.id, loaded=loaded, city="חיפה", phone="")
    assert err.value.fields == ("phone",)
    assert "מישהו אחר שינה" in str(err.value) and "\n" not in str(err.value)
    stored = services.get_client(client.id)
    assert (stored.phone, stored.city) == ("03-5551234", "")
    # Loaded again, the same change saves.
    services.update_client(client.id, loaded=services.client_snapshot(stored), city="חיפה")
    assert services.get_client(client.id).city == "חיפה"


def test_an_invoice_changed_meanwhile_is_not_overwritten(client):
    invoice = services.add_invoice(client.id, "100", dt.date(2026, 3, 1), "500")
    loaded = services.invoice_snapshot(invoice)
    services.update_invoice(invoice.id, amount="650")
    with pytest.raises(EditedElsewhereError) as err:
        services.update_invoice(invoice.id, description="תיקון", loaded=loaded)
    assert err.value.fields == ("amount_agorot",)
    stored = services.get_invoice(invoice.id)
    assert (stored.amount_agorot, stored.description) == (65000, "")
    services.update_invoice(invoice.id, description="תיקון",
                            loaded=services.invoice_snapshot(stored))
    assert services.get_invoice(invoice.id).description == "תיקון"


def test_a_payment_meanwhile_is_not_a_change_of_the_invoices_details(client):
    invoice = services.add_invoice(client.id, "101", dt.date(2026, 3, 1), "500")
    loaded = services.invoice_snapshot(invoice)
    services.record_payment(client.id, dt.date(2026, 4, 1), "200")
    services.update_invoice(invoice.id, description="אחרי תשלום", loaded=loaded)
    assert services.get_invoice(invoice.id).description == "אחרי תשלום"
