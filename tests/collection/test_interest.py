"""Contractual interest: simple daily interest, Actual/365 Fixed, across a leap year,
partial payments lowering the principal, rounding to agorot, and the settings it reads."""
import datetime as dt
from decimal import Decimal

from models.collection.interest import (
    amount_due_with_interest,
    invoice_interest_agorot,
    load_late_payment_terms,
    simple_interest_agorot,
)
from models.ledger import services
from models.letters.archive import LetterSettings, save_letter_settings


def test_one_ordinary_year_earns_exactly_the_annual_rate():
    # 1,000 ₪ at 10% from 31/12/2026 to 31/12/2027: 365 days
    assert invoice_interest_agorot(100_000, dt.date(2026, 12, 31), [], dt.date(2027, 12, 31),
                                   "10") == (100_000, 10_000)


def test_across_a_leap_year_the_366_days_count_over_365():
    # 31/12/2027 -> 31/12/2028 crosses 29/02/2028: 366 days, 100,000 × 10% × 366/365 = 10,027.397
    open_now, interest = invoice_interest_agorot(100_000, dt.date(2027, 12, 31), [],
                                                 dt.date(2028, 12, 31), "10")
    assert (open_now, interest) == (100_000, 10_027)
    # 28/02/2028 -> 01/03/2028 is two days (29 February counts)
    assert simple_interest_agorot(365_000, 2, "10") == 200


def test_rounding_is_half_up_once_per_invoice():
    assert simple_interest_agorot(73_000, 1, "2.5") == 5        # 5.0
    assert simple_interest_agorot(1_000, 73, "2.5") == 5        # 5.0
    assert simple_interest_agorot(14_600, 1, "12.5") == 5       # exactly 5.0
    assert simple_interest_agorot(29_200, 1, "3.125") == 3      # 2.5 -> 3
    assert simple_interest_agorot(100, 10, "0") == 0


def test_a_partial_payment_lowers_the_principal_from_its_date():
    due = dt.date(2026, 1, 31)
    reductions = [(dt.date(2026, 7, 31), 60_000), (dt.date(2026, 1, 10), 20_000)]
    open_now, interest = invoice_interest_agorot(100_000, due, reductions,
                                                 dt.date(2027, 1, 31), "10")
    # 80,000 for 181 days, then 20,000 for 184 days
    expected = Decimal(80_000) * Decimal("0.1") * 181 / 365 + Decimal(20_000) * Decimal("0.1") * 184 / 365
    assert open_now == 20_000
    assert interest == int(expected.quantize(Decimal(1), rounding="ROUND_HALF_UP"))


def test_nothing_before_the_due_date():
    assert invoice_interest_agorot(100_000, dt.date(2026, 12, 31), [], dt.date(2026, 12, 31),
                                   "10") == (100_000, 0)


def test_client_amount_due_with_interest_reads_the_settings(db, client):
    save_letter_settings(LetterSettings(interest_rate_percent="7.3", collection_costs_agorot=5000))
    terms = load_late_payment_terms()
    assert (terms.annual_rate_percent, terms.collection_fee_agorot) == (Decimal("7.3"), 5000)
    inv = services.add_invoice(client.id, "100", dt.date(2027, 11, 1), "1000",
                               due_date=dt.date(2027, 12, 31))
    services.add_invoice(client.id, "101", dt.date(2028, 12, 1), "500")  # not yet due
    disputed = services.add_invoice(client.id, "102", dt.date(2027, 11, 1), "900",
                                    due_date=dt.date(2027, 12, 31))
    services.set_disputed(disputed.id, True)
    services.record_payment(client.id, dt.date(2028, 6, 30), "400", invoice_ids=[inv.id])
    statement = amount_due_with_interest(client.id, dt.date(2028, 12, 31))
    [line] = statement.lines
    # 100,000 × 7.3% × 182/365 (to 30/06) + 60,000 × 7.3% × 184/365 = 3,640 + 2,208
    assert (line.number, line.open_agorot, line.days_late, line.interest_agorot) == \
        ("100", 60_000, 366, 5_848)
    assert statement.totals() == {"ILS": {"open": 60_000, "interest": 5_848, "total": 65_848}}
    assert statement.collection_fee_agorot == 5000
    assert amount_due_with_interest(client.id, dt.date(2028, 12, 31), rate="0").lines[0].interest_agorot == 0
