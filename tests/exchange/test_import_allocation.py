"""An imported payment is allocated by the app's one rule (models/ledger/allocation.py):
invoices a signed settlement covers are paid last, exactly as a payment recorded in the
app (services.record_payment) would be."""
import csv
import datetime as dt

from models.db.connection import database
from models.exchange.importing import import_files
from models.ledger import services
from models.ledger.payments import Allocation, Payment
from models.negotiation import settlements as st

SIGNED = dt.date(2026, 11, 1)
PAID = dt.date(2026, 11, 10)
HEADER = ["אסמכתא", "לקוח", "תאריך", "סכום", "אמצעי תשלום"]


def _ledger(client):
    """An old invoice under a signed settlement, and a newer one outside it."""
    covered = services.add_invoice(client.id, "101", dt.date(2026, 5, 1), "6000")
    ongoing = services.add_invoice(client.id, "103", dt.date(2026, 10, 1), "500")
    draft = st.create_settlement(client.id, [covered.id], SIGNED, instalment_count=3)
    st.sign_settlement(draft.id, SIGNED)
    assert covered.due_date < ongoing.due_date  # oldest-due-first alone would pick 101
    return covered, ongoing


def _as_the_app_would(client, amount: str) -> list[tuple[str, int]]:
    """Where services.record_payment puts the money; rolled back, nothing kept."""
    with database.atomic() as transaction:
        payment = services.record_payment(client.id, PAID, amount)
        placed = _placed(payment)
        transaction.rollback()
    return placed


def _placed(payment: Payment) -> list[tuple[str, int]]:
    return sorted((a.invoice.number, a.amount_agorot)
                  for a in Allocation.select().where(Allocation.payment == payment))


def _payments_file(tmp_path, client, amount: str):
    path = tmp_path / "payments.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerow(["R1", client.name, PAID.strftime("%d/%m/%Y"), amount, "העברה"])
    return path


def test_an_imported_payment_pays_the_uncovered_invoice_first_as_the_app_does(client, tmp_path):
    _ledger(client)
    expected = _as_the_app_would(client, "300")
    assert expected == [("103", 30000)]
    import_files(payments=_payments_file(tmp_path, client, "300"))
    assert _placed(Payment.get(Payment.reference == "R1")) == expected


def test_what_the_uncovered_invoice_leaves_goes_to_the_covered_one_as_the_app_does(
        client, tmp_path):
    _ledger(client)
    expected = _as_the_app_would(client, "800")
    assert expected == [("101", 30000), ("103", 50000)]
    import_files(payments=_payments_file(tmp_path, client, "800"))
    assert _placed(Payment.get(Payment.reference == "R1")) == expected


def test_before_the_settlement_is_signed_the_oldest_due_comes_first(client, tmp_path):
    _ledger(client)
    path = tmp_path / "early.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerow(["R0", client.name, "15/10/2026", "300", "העברה"])
    import_files(payments=path)
    assert _placed(Payment.get(Payment.reference == "R0")) == [("101", 30000)]
