"""A form's check reports every problem at once: the client's fields and the business
profile raise one ValidationErrors naming each field, while a single problem stays the
plain ValidationError it always was."""
import pytest

from models.common.errors import ErrorCollector, ValidationError, ValidationErrors
from models.ledger import services
from models.ledger.clients import Client
from models.prevention.profile_rules import validate_profile


def test_several_problems_of_a_new_client_are_reported_together(db):
    with pytest.raises(ValidationErrors) as err:
        services.add_client(name="דוד אברהם", tax_id="123456789", zip="12",
                            email="david@", phone="abc")
    fields = [error.field for error in err.value.errors]
    assert fields == ["tax_id", "email", "phone", "zip"]
    assert err.value.field == "tax_id"  # a caller that knows one field points at the first
    assert "ספרת הביקורת" in str(err.value) and "7 ספרות" in str(err.value)
    assert Client.select().count() == 0


def test_one_problem_is_still_a_plain_validation_error(db):
    with pytest.raises(ValidationError) as err:
        services.add_client(name="דוד אברהם", zip="12")
    assert type(err.value) is ValidationError and err.value.field == "zip"
    assert err.value.errors == [err.value]


def test_an_update_reports_every_field_too(db):
    client = services.add_client(name="דוד אברהם")
    with pytest.raises(ValidationErrors) as err:
        services.update_client(client.id, name="  ", salutation="x" * 41)
    assert [e.field for e in err.value.errors] == ["name", "salutation"]
    assert Client.get_by_id(client.id).name == "דוד אברהם"


def test_the_business_profile_reports_every_field():
    with pytest.raises(ValidationErrors) as err:
        validate_profile({"name": "", "zip": "610010", "iban": "IL00"})
    assert [e.field for e in err.value.errors] == ["name", "zip", "iban"]


def test_collector_flattens_nested_errors():
    found = ErrorCollector()
    found.add(ValidationErrors([ValidationError("a", "x"), ValidationError("b", "y")]))
    assert found.check(lambda: 5) == 5
    found.check(_fail, "c", "z")
    assert found.failed("y") and not found.failed("w")
    with pytest.raises(ValidationErrors) as err:
        found.raise_if_any()
    assert [(str(e), e.field) for e in err.value.errors] == [("a", "x"), ("b", "y"), ("c", "z")]
    assert str(err.value) == "a\nb\nc"


def _fail(message, field):
    raise ValidationError(message, field)
