"""The business-profile rules behind the settings form (pure: no database, no Qt)."""
import pytest

from models.common.errors import ValidationError
from models.db.settings import BusinessProfile
from models.prevention.profile_rules import (
    profile_texts,
    validate_field,
    validate_profile,
)


def test_a_profile_round_trips_through_the_form_texts():
    profile = BusinessProfile(name="אקמי", business_type="company", tax_id="510000003",
                              bit_phone="+972-50-1234567", hourly_rate_agorot=18050,
                              default_terms="נטו 45", aging_buckets=[15, 45, 90])
    assert validate_profile(profile_texts(profile)) == profile


def test_missing_fields_take_the_defaults():
    profile = validate_profile({"name": "דנה"})
    assert profile.default_terms == "שוטף+30" and profile.aging_buckets == [30, 60, 90, 120]
    assert profile.hourly_rate_agorot == 0


@pytest.mark.parametrize("name, value, field", [
    ("bit_phone", "03-1234567", "bit_phone"),      # Bit needs a mobile number
    ("phone", "12", "phone"),
    ("aging_buckets", "", "aging_buckets"),
    ("aging_buckets", "10,20,30,40,50,60,70,80,90", "aging_buckets"),  # too many columns
    ("hourly_rate", "abc", "hourly_rate"),
    ("business_type", "llc", "business_type"),
])
def test_each_problem_names_its_field(name, value, field):
    with pytest.raises(ValidationError) as caught:
        validate_field(name, value)
    assert caught.value.field == field


def test_company_numbers_start_with_5_but_ids_of_dealers_need_not():
    assert validate_field("tax_id", "12345674", "licensed") == "012345674"
    with pytest.raises(ValidationError, match="מתחיל בספרה 5"):
        validate_field("tax_id", "12345674", "company")
