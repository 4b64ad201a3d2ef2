"""Hebrew text, search keys and identifiers, as users and spreadsheets type them."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.common.errors import ValidationError
from models.common.text import (
    MAX_NAME_LENGTH,
    clean_name,
    clean_text,
    document_number_key,
    israeli_id_is_valid,
    normalise_email,
    normalise_phone,
    normalise_tax_id,
    normalise_zip,
    search_key,
)

KOHEN = 'כהן בע"מ'


# ---- search keys: hidden duplicates become visible ----------------------------------

@pytest.mark.parametrize("variant", [
    'כהן\u200f בע"מ',          # RLM typed after a word
    '\u202bכהן בע"מ\u202c',    # embedding pasted from a Word document
    '\u2067כהן בע"מ\u2069',    # isolate
    'כהן\u200e בע"מ',
    'כהן בע״מ',                # gershayim U+05F4
    "כהן בע''מ",               # two apostrophes
    'כֹּהֵן בע"מ',              # niqqud
    '  כהן   בע"מ ',           # extra spaces
    'כהן\u00a0בע"מ',           # NBSP
])
def test_search_key_sees_through_marks_punctuation_and_niqqud(variant):
    assert search_key(variant) == search_key(KOHEN)


@pytest.mark.parametrize("a, b", [
    ("שָׁלוֹם", "שלום"),
    ("תל־אביב", "תל-אביב"),     # maqaf U+05BE vs hyphen
    ("צ׳רלי", "צ'רלי"),         # geresh U+05F3 vs apostrophe
    ("ACME Ltd", "acme ltd"),
    ("ＡＣＭＥ", "acme"),        # full-width letters (NFKC)
    ("Straße", "STRASSE"),      # case folding, not lower()
])
def test_search_key_equalities(a, b):
    assert search_key(a) == search_key(b)


def test_search_key_keeps_different_names_apart():
    assert search_key("כהן") != search_key("כהנא")
    assert search_key("תל-אביב") != search_key("תלאביב")


def test_clean_text_drops_marks_but_keeps_the_original_letters():
    assert clean_text('  כֹּהֵן\u200f  בע״מ\n') == "כֹּהֵן בע״מ"
    assert clean_text(None) == ""


# ---- names ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["", "   ", "\u200f\u200e", "\u202b\u202c", "ִ ָ", " - . ״ "])
def test_empty_names_refused(name):
    with pytest.raises(ValidationError) as err:
        clean_name(name, "שם הלקוח")
    assert err.value.field == "name"
    assert "שם הלקוח" in str(err.value)


def test_overlong_name_refused_with_its_length():
    with pytest.raises(ValidationError) as err:
        clean_name("א" * 301)
    assert "301" in str(err.value) and str(MAX_NAME_LENGTH) in str(err.value)
    assert clean_name("א" * MAX_NAME_LENGTH) == "א" * MAX_NAME_LENGTH


# ---- ID / company numbers -----------------------------------------------------------

@pytest.mark.parametrize("typed, stored", [
    ("000000018", "000000018"),
    ("18", "000000018"),               # Excel ate the leading zeros
    ("12345674", "012345674"),
    ("012345674", "012345674"),
    ("512345679", "512345679"),        # a company number (starts with 5)
    ("51-234567-9", "512345679"),
    (" 512 345 679 ", "512345679"),
    ("", ""),
    (None, ""),
])
def test_tax_id_repadded_and_checked(typed, stored):
    assert normalise_tax_id(typed) == stored


@pytest.mark.parametrize("typed", ["123456789", "12345678", "000000019", "512345678"])
def test_tax_id_with_a_wrong_check_digit_refused(typed):
    with pytest.raises(ValidationError) as err:
        normalise_tax_id(typed)
    assert err.value.field == "tax_id"
    assert "ספרת הביקורת" in str(err.value)


@pytest.mark.parametrize("typed", ["1234567890", "12a45678", "ת.ז."])
def test_tax_id_that_is_not_nine_digits_refused(typed):
    with pytest.raises(ValidationError) as err:
        normalise_tax_id(typed)
    assert err.value.field == "tax_id"


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_exactly_one_check_digit_completes_an_id(prefix):
    assert sum(israeli_id_is_valid(prefix + d) for d in "0123456789") == 1


# ---- postal codes, e-mail, phone ------------------------------------------------------

@pytest.mark.parametrize("typed, stored", [
    ("6100101", "6100101"), ("61001 01", "6100101"), ("610-0101", "6100101"), ("", ""),
])
def test_postal_code_seven_digits(typed, stored):
    assert normalise_zip(typed) == stored


@pytest.mark.parametrize("typed", ["61001", "12345678", "61OO1O1", "תל אביב"])
def test_bad_postal_code_refused(typed):
    with pytest.raises(ValidationError) as err:
        normalise_zip(typed)
    assert err.value.field == "zip"
    assert "7 ספרות" in str(err.value)


@pytest.mark.parametrize("typed, stored", [
    ("dana@example.co.il", "dana@example.co.il"),
    (" dana@example.co.il\u200f", "dana@example.co.il"),
    ("", ""),
])
def test_email_accepted(typed, stored):
    assert normalise_email(typed) == stored


@pytest.mark.parametrize("typed", ["dana", "dana@", "@example.com", "dana@example", "a@b@c.com",
                                   "dana@example.c"])
def test_bad_email_refused(typed):
    with pytest.raises(ValidationError) as err:
        normalise_email(typed)
    assert err.value.field == "email"


@pytest.mark.parametrize("typed, stored", [
    ("501234567", "0501234567"),        # Excel dropped the leading 0
    ("31234567", "031234567"),
    ("050-1234567", "050-1234567"),
    ("+972-50-1234567", "+972-50-1234567"),
])
def test_phone(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["123", "טלפון", "050-12345678901234"])
def test_bad_phone_refused(typed):
    with pytest.raises(ValidationError) as err:
        normalise_phone(typed)
    assert err.value.field == "phone"


# ---- document numbers ----------------------------------------------------------------

@pytest.mark.parametrize("a, b", [("0012", "12"), ("INV-7", "inv-7"), ("00", "0"),
                                  ("\u200f2024/17", "2024/17"), (" 12 ", "12")])
def test_same_document_number(a, b):
    assert document_number_key(a) == document_number_key(b)


@pytest.mark.parametrize("a, b", [("12", "120"), ("12A", "12"), ("INV-12", "INV-13")])
def test_different_document_numbers(a, b):
    assert document_number_key(a) != document_number_key(b)
