"""Editable letter wording: safe placeholders, clear errors, restoring the default."""
import pytest

from models.common.errors import ValidationError
from models.letters.archive import LETTER_KINDS
from models.letters.templates import (
    default_template,
    get_template,
    is_customised,
    restore_default,
    save_template,
    validate_template,
)
from reports.templates import fill


@pytest.mark.parametrize("kind", list(LETTER_KINDS))
def test_every_default_template_is_valid(kind):
    """Each default letter passes the checks a user's edit must pass and names its reader;
    a demand letter also says how much, which invoices and how to pay."""
    text = default_template(kind)
    validate_template(text)  # raises on a bad placeholder, a lone brace or no subject
    assert any(who in text for who in ("{greeting}", "{client_name}", "{settlement_parties}"))
    if kind in ("debt-notice", "reminder", "second-reminder", "final-warning"):
        needed = ("{total_overdue}", "{invoice_table}", "{payment_instructions}")
        assert [n for n in needed if n not in text] == [], kind


def test_unknown_placeholder_is_named_in_the_error(db):
    with pytest.raises(ValidationError, match=r"\{clinet_name\}"):
        save_template("reminder", "נושא\n\nשלום {clinet_name}")
    assert not is_customised("reminder")


@pytest.mark.parametrize("text", ["{client_name.__class__}", "{client_name[0]}", "{0}",
                                  "{client_name!r}", "{client_name:>10}", "{__import__}"])
def test_no_attribute_access_index_format_spec_or_code(text):
    with pytest.raises(ValidationError, match="אינו מוכר"):
        validate_template(f"נושא\n\n{text}")


def test_a_lone_brace_is_an_error_and_doubled_braces_print():
    with pytest.raises(ValidationError, match="סוגר מסולסל"):
        validate_template("נושא\n\nשלום {client_name")
    filled = fill("נושא\n\n{{קבוע}} {client_name}", {"client_name": "כהן"})
    assert filled.parts == [("text", "{קבוע} כהן")]


def test_values_are_inserted_verbatim_never_interpreted():
    filled = fill("הנדון {client_name}\n\nשלום {client_name}",
                  {"client_name": "{business_name} <a href=x>"})
    assert filled.subject == "הנדון {business_name} <a href=x>"
    assert filled.parts == [("text", "שלום {business_name} <a href=x>")]


def test_block_placeholders_stand_alone_and_empty_paragraphs_vanish():
    with pytest.raises(ValidationError, match="לבדו"):
        validate_template("נושא\n\nהנה {invoice_table}")
    filled = fill("נושא\n\nפתיחה\n\n{invoice_table}\n\n{interest_sentence}\n\nסיום",
                  {"interest_sentence": ""})
    assert filled.parts == [("text", "פתיחה"), ("block", "invoice_table"), ("text", "סיום")]


def test_user_wording_is_stored_and_the_default_can_be_restored(db):
    save_template("reminder", "תזכורת שלנו\n\nשלום {client_name}, נא לשלם {total_overdue}.")
    assert is_customised("reminder")
    assert get_template("reminder").startswith("תזכורת שלנו")
    restore_default("reminder")
    assert get_template("reminder") == default_template("reminder")


def test_unknown_kind_is_a_clear_error(db):
    with pytest.raises(ValidationError, match="סוג מכתב לא מוכר"):
        get_template("love-letter")
