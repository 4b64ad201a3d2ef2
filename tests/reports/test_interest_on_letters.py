"""Contractual interest on the final warning and the statement, read back from the PDF:
principal, interest to the as-of date at the rate the user set, the collection fee and the
totals — and nothing of it when no rate is set."""
import datetime as dt

import pytest
from factory import add_clients, setup_business
from pdfcheck import has_phrase, pdf_text

from models.collection.interest import (
    amount_due_with_interest,
    amounts_due_with_interest,
)
from models.db.connection import database
from models.ledger import services
from reports.batch import produce_letters


def _ledger(**settings):
    setup_business(**settings)
    client = services.add_client(name="Acme Ltd", kind="company", address="הרצל 1",
                                 city="חיפה")
    invoice = services.add_invoice(client.id, "INV-1", dt.date(2026, 6, 1), "1000")
    return client, invoice.due_date + dt.timedelta(days=73)  # 73/365 = a fifth of a year


def _text(kind, client, as_of):
    result = produce_letters(kind, [client.id], as_of, strict=True)
    return " ".join(pdf_text(result.archive_path).split())


def test_the_statement_shows_the_interest_to_its_date_and_no_fee_not_charged(db):
    client, as_of = _ledger(interest_rate_percent="10", collection_costs_agorot=15000)
    text = _text("statement", client, as_of)
    assert has_phrase(text, "החוב כולל ריבית חוזית")
    assert has_phrase(text, f"ריבית חוזית בשיעור 10% לשנה עד {as_of:%d/%m/%Y}")
    # 1,000.00 × 10% × 73/365 = 20.00
    assert "20.00" in text and "1,020.00" in text
    assert "1,170.00" not in text and not has_phrase(text, "הוצאות גבייה")


def test_the_final_warning_names_one_amount_interest_to_the_deadline_and_the_fee(db):
    client, as_of = _ledger(interest_rate_percent="10", collection_costs_agorot=15000)
    deadline = dt.date(2026, 10, 25)  # 11/10/2026 + 14 days, a Sunday
    text = _text("final-warning", client, as_of)
    # interest runs to the deadline: 1,000.00 × 10% × 87/365 = 23.84; + 150.00 fee
    assert has_phrase(text, f"ריבית חוזית בשיעור 10% לשנה עד {deadline:%d/%m/%Y}")
    assert "23.84" in text and "1,173.84" in text and "20.00" not in text
    assert has_phrase(text, f"לתשלום עד {deadline:%d/%m/%Y}")
    # the sentence says the table's figures: one amount, what it holds, and the day after
    assert has_phrase(text, "כדי לסיים את העניין בלי הליכים, יש לשלם")
    assert has_phrase(text, f"לא יאוחר מיום {deadline:%d/%m/%Y}")
    assert has_phrase(text, "והוצאות גבייה בסך") and "יתווספו" not in text
    assert has_phrase(text, "יישא ריבית נוספת של") and "0.27" in text  # 1,000 × 10% / 365


def test_payment_lowers_the_interest_as_models_interest_computes_it(db):
    client, as_of = _ledger(interest_rate_percent="7.3")
    services.record_payment(client.id, as_of - dt.timedelta(days=30), "400", reference="R1")
    expected = amount_due_with_interest(client.id, as_of).totals()["ILS"]
    assert 0 < expected["interest"] < 1460  # less than the full 1,000.00 for 73 days
    text = _text("statement", client, as_of)
    whole, cents = divmod(expected["interest"], 100)
    assert f"{whole}.{cents:02d}" in text
    assert f"{expected['total'] // 100:,}.{expected['total'] % 100:02d}" in text
    assert has_phrase(text, 'סה"כ כולל ריבית') and not has_phrase(text, "הוצאות גבייה (סכום")
    # the final warning runs the same figures on to its deadline
    deadline = as_of + dt.timedelta(days=14)
    to_deadline = amount_due_with_interest(client.id, as_of).until(deadline).totals()["ILS"]
    assert to_deadline["interest"] > expected["interest"]
    text = _text("final-warning", client, as_of)
    whole, cents = divmod(to_deadline["total"], 100)
    assert f"{whole:,}.{cents:02d}" in text


@pytest.mark.parametrize("kind", ["final-warning", "statement"])
def test_no_rate_no_interest(db, kind):
    client, as_of = _ledger(interest_rate_percent="", collection_costs_agorot=15000)
    text = _text(kind, client, as_of)
    assert "ריבית" not in text and "1,020.00" not in text and "1,170.00" not in text


def test_reminder_does_not_show_the_interest_table(db):
    client, as_of = _ledger(interest_rate_percent="10")
    services.add_invoice(client.id, "INV-0", dt.date(2026, 5, 1), "10")
    assert not has_phrase(_text("reminder", client, as_of), "החוב כולל ריבית חוזית")


def test_batch_interest_matches_per_client_in_a_bounded_number_of_queries(db):
    setup_business(interest_rate_percent="5")
    ids = add_clients([f"לקוח {i}" for i in range(120)], invoices_each=3)
    as_of = dt.date(2026, 11, 22)
    statements = []
    conn = database.obj.connection()
    conn.set_trace_callback(statements.append)
    try:
        batch = amounts_due_with_interest(ids, as_of)
    finally:
        conn.set_trace_callback(None)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 4  # settings + invoices + allocations, not one per client
    for cid in ids[:5] + ids[-3:]:
        assert batch[cid].totals() == amount_due_with_interest(cid, as_of).totals()
    assert all(batch[cid].totals()["ILS"]["interest"] > 0 for cid in ids)


def test_final_warning_with_six_invoices_interest_and_payment_box_fits_one_page(db):
    from pdfcheck import page_count

    setup_business(interest_rate_percent="4", collection_costs_agorot=15000,
                   show_hebrew_date=True, signer_name="דנה לוי", signer_title="מנהלת כספים")
    (cid,) = add_clients(['Acme (Israel) Ltd. בע"מ'], invoices_each=6,
                         first_issue=dt.date(2026, 1, 1))
    result = produce_letters("final-warning", [cid], dt.date(2026, 11, 22), strict=True)
    text = " ".join(pdf_text(result.archive_path).split())
    assert page_count(result.archive_path) == result.pages == 1
    assert has_phrase(text, "פרטים לתשלום") and has_phrase(text, "בכבוד רב")
    assert has_phrase(text, "לתשלום עד 06/12/2026") and "דנה לוי" in text
