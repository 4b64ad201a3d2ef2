"""An Israeli postal code has exactly 7 digits and is stored as typed: a 6-digit code is
refused with a message naming it (never padded with a guessed zero), on the client form's
service, in the business profile and in an import's dry run. A postcode abroad keeps its
own form."""
import pytest

from models.common.errors import ValidationError
from models.common.text import normalise_zip
from models.exchange.importing import ImportFailed, import_files
from models.ledger import services
from models.ledger.clients import Client
from models.prevention.profile_rules import validate_field


@pytest.mark.parametrize("typed, stored", [("6100101", "6100101"), ("61001 01", "6100101"),
                                           ("610-0101", "6100101"), ("", "")])
def test_seven_digits_are_kept_as_typed(typed, stored):
    assert normalise_zip(typed) == stored


@pytest.mark.parametrize("typed", ["610010", "0610010 1", "61001", "٦١٠٠١٠١"])
def test_a_code_of_another_length_is_refused_and_named(typed):
    with pytest.raises(ValidationError) as err:
        normalise_zip(typed)
    assert err.value.field == "zip"
    assert f"'{typed}'" in str(err.value) and "7 ספרות בדיוק" in str(err.value)


def test_six_digits_are_refused_for_a_client_in_israel_and_not_padded(db):
    with pytest.raises(ValidationError) as err:
        services.add_client(name="דנה כהן", kind="person", zip="610010")
    assert err.value.field == "zip" and "610010" in str(err.value)
    assert Client.select().count() == 0
    client = services.add_client(name="דנה כהן", kind="person", zip="6100100")
    assert client.zip == "6100100"


def test_a_client_abroad_keeps_a_foreign_postcode(db):
    uk = services.add_client(name="Silverline Health Ltd.", country="GB", zip="sw1a 1aa")
    fr = services.add_client(name="Atelier Lumière", country="FR", zip="75001")
    assert (uk.zip, fr.zip) == ("SW1A 1AA", "75001")  # five digits are fine in Paris


def test_the_business_profile_refuses_six_digits():
    with pytest.raises(ValidationError) as err:
        validate_field("zip", "610010")
    assert err.value.field == "zip" and "610010" in str(err.value)


def test_an_import_row_with_six_digits_is_a_named_bad_row_in_the_dry_run(db, tmp_path):
    clients = tmp_path / "clients.csv"
    clients.write_text("שם,מיקוד\nכהן,6100000\nלוי,610000\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        import_files(clients=clients, dry_run=True)
    lines = [str(error) for error in failed.value.errors]
    assert len(lines) == 1
    assert "clients.csv" in lines[0] and "610000" in lines[0] and "7 ספרות" in lines[0]
    assert lines[0].startswith("שורה 3 ")  # the line of לוי in the file (the header is 1)
    assert Client.select().count() == 0
