"""Amounts as Israeli spreadsheets and users write them, and back."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.common.errors import ValidationError
from models.common.money import (
    CURRENCIES,
    MAX_AGOROT,
    currency_name,
    format_amount,
    format_money,
    parse_amount,
    parse_currency,
    plain,
)


@pytest.mark.parametrize("text, agorot", [
    ("1234.56", 123456),
    ("1,234.56", 123456),
    ("1.234,56", 123456),          # European separators
    ("1 234,56", 123456),
    ("1\u00a0234,56", 123456),     # NBSP as thousands separator
    ("1\u2009234,56", 123456),     # thin space
    ("1\u202f234.56", 123456),     # narrow NBSP
    ("12,5", 1250),                # decimal comma
    ("1,234", 123400),             # thousands comma
    ("1,234,567.89", 123456789),
    ("1.234.567", 123456700),
    ("₪1,234.56", 123456),
    ("1,234.56 ₪", 123456),
    ('1,234.56 ש"ח', 123456),
    ("1,234.56 ש״ח", 123456),
    ("NIS 1,234.56", 123456),
    ("nis 10", 1000),
    ("\u200f1,234.50\u00a0\u200f₪", 123450),  # babel's he_IL output pasted back
    ("+5", 500),
    ("5.", 500),
    ("0.01", 1),
    ("1.230", 123),                # a trailing zero is not a third decimal
    (Decimal("19.90"), 1990),
    (250, 25000),
    (19.9, 1990),                  # floats only arrive from spreadsheets; read exactly
])
def test_accepted_amounts(text, agorot):
    assert parse_amount(text) == agorot


@pytest.mark.parametrize("text, agorot", [
    ("(1,234.00)", -123400),       # accounting negative
    ("1234-", -123400),            # trailing minus
    ("\u22125", -500),             # U+2212 minus sign
    ("-5", -500),
    ("\u2212 1,234.50 ₪", -123450),
    ("(₪ 10)", -1000),
])
def test_negative_spellings_read_when_negatives_are_allowed(text, agorot):
    assert parse_amount(text, allow_negative=True) == agorot


@pytest.mark.parametrize("text", ["(1,234.00)", "1234-", "\u22125", "-0.50"])
def test_negative_amounts_refused_by_default(text):
    with pytest.raises(ValidationError) as err:
        parse_amount(text)
    assert err.value.field == "amount"
    assert "חיובי" in str(err.value)


@pytest.mark.parametrize("value", ["0", "0.00", "₪ 0", 0, Decimal("0")])
def test_zero_refused(value):
    with pytest.raises(ValidationError) as err:
        parse_amount(value)
    assert "גדול מאפס" in str(err.value)


@pytest.mark.parametrize("value", ["12.345", "1,2345", "0.001", Decimal("1.005"), 1.005])
def test_three_decimals_refused_not_rounded(value):
    with pytest.raises(ValidationError) as err:
        parse_amount(value)
    assert "ספרות אחרי הנקודה" in str(err.value)


@pytest.mark.parametrize("value", ["10,000,000,000", "99999999999.99", 10**12,
                                   "1000000000000000000000000000000.001", "1e40"])
def test_absurd_amounts_refused(value):
    with pytest.raises(ValidationError) as err:
        parse_amount(value)
    assert err.value.field == "amount"


def test_largest_sane_amount_accepted():
    assert parse_amount("9,999,999,999.99") == MAX_AGOROT - 1


@pytest.mark.parametrize("value", ["", "   ", None, "abc", "12a", "1,2,3", "1.2.3", "1e5", "NaN",
                                   "Infinity", "--5", "₪", "1..2", True, float("nan"),
                                   Decimal("NaN")])
def test_garbage_refused_in_hebrew(value):
    with pytest.raises(ValidationError) as err:
        parse_amount(value)
    assert err.value.field == "amount"
    assert any("\u0590" <= ch <= "\u05ff" for ch in str(err.value))


@pytest.mark.parametrize("text, code", [
    ("", "ILS"), (None, "ILS"), ("ils", "ILS"), ("NIS", "ILS"), ("₪", "ILS"), ('ש"ח', "ILS"),
    ("ש״ח", "ILS"), ("שקל", "ILS"), ("usd", "USD"), ("$", "USD"), ("דולר", "USD"),
    ("EUR", "EUR"), ("€", "EUR"), ("אירו", "EUR"), ("\u200fUSD", "USD"),
    ("GBP", "GBP"), ("gbp", "GBP"), ("£", "GBP"), ('ליש"ט', "GBP"), ("ליש״ט", "GBP"),
    ("לירה שטרלינג", "GBP"), ("לירה  שטרלינג ", "GBP"), ("פאונד", "GBP"),
])
def test_currencies(text, code):
    assert parse_currency(text) == code


def test_unknown_currency_refused_naming_every_currency_the_ledger_keeps():
    with pytest.raises(ValidationError) as err:
        parse_currency("CAD")
    assert err.value.field == "currency"
    assert "CAD" in str(err.value) and "אינו מוכר" in str(err.value)
    assert all(code in str(err.value) for code in CURRENCIES)
    assert CURRENCIES == ("ILS", "USD", "EUR", "GBP")


def test_pounds_sterling_read_and_shown_like_the_other_currencies():
    assert parse_amount("£1,234.56") == parse_amount("GBP 1,234.56") == 123456
    assert format_money(123450, "GBP") == "\u200f1,234.50\u00a0\u200f£"
    assert format_money(123450, "GBP", locale="en_GB") == "£1,234.50"
    assert currency_name("GBP") == "לירה שטרלינג (£)"
    assert currency_name("ILS") == "שקל חדש (₪)"


def test_export_and_display_forms():
    assert plain(123450) == "1234.50"
    assert plain(5) == "0.05"
    assert plain(-25000) == "-250.00"
    assert format_money(123450) == "\u200f1,234.50\u00a0\u200f₪"
    assert format_money(123450, "USD").endswith("$")
    assert format_amount(123456789) == "1,234,567.89"


agorot = st.integers(min_value=1, max_value=MAX_AGOROT - 1)


@given(agorot, st.sampled_from(CURRENCIES))
def test_display_form_parses_back(value, currency):
    assert parse_amount(format_money(value, currency)) == value


@given(agorot)
def test_plain_and_grouped_forms_parse_back(value):
    assert parse_amount(plain(value)) == value
    assert parse_amount(format_amount(value)) == value


@given(agorot)
def test_accounting_negative_parses_back(value):
    assert parse_amount(f"({format_amount(value)})", allow_negative=True) == -value
    assert parse_amount(f"{plain(value)}-", allow_negative=True) == -value


@given(st.text(max_size=20))
def test_any_text_is_a_number_or_a_validation_error(text):
    try:
        result = parse_amount(text, allow_negative=True)
    except ValidationError:
        return
    assert isinstance(result, int) and 0 < abs(result) < MAX_AGOROT
