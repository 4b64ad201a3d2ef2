"""Settings stored in the database (they travel with the data): JSON values by key."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

import peewee as pw

from models.common.i18n import N_, Labels
from models.common.terms import DEFAULT_TERMS, EOM_DAYS
from models.db.connection import BaseModel

# The names are msgids, translated on lookup (Labels): the screens show them in the interface
# language, letters and documents print them in Hebrew (reports.hebrew.in_hebrew).
BUSINESS_TYPES = Labels({
    "exempt": N_("Exempt dealer (osek patur)"),
    "licensed": N_("Licensed dealer (osek murshe)"),
    "company": N_("Company (Ltd.)"),
})
DEFAULT_BUCKETS = (30, 60, 90, 120)


class Setting(BaseModel):
    key = pw.TextField(primary_key=True)
    value = pw.TextField()


def get_setting(key: str, default=None):
    row = Setting.get_or_none(Setting.key == key)
    return default if row is None else json.loads(row.value)


def set_setting(key: str, value) -> None:
    # An upsert both engines have (PostgreSQL has no REPLACE).
    (Setting.insert(key=key, value=json.dumps(value, ensure_ascii=False))
     .on_conflict(conflict_target=[Setting.key], preserve=[Setting.value]).execute())


@dataclass
class BusinessProfile:
    name: str = ""
    business_type: str = "licensed"
    tax_id: str = ""
    address: str = ""
    city: str = ""
    zip: str = ""
    phone: str = ""
    email: str = ""
    bank_details: str = ""
    bit_phone: str = ""
    # For payments from abroad (letters in a foreign currency print them): stored compact,
    # upper case; checked by models.prevention.profile_rules.
    iban: str = ""
    swift: str = ""
    hourly_rate_agorot: int = 0
    default_terms: str = DEFAULT_TERMS
    eom_reading: str = EOM_DAYS
    aging_buckets: list[int] = field(default_factory=lambda: list(DEFAULT_BUCKETS))

    @property
    def is_set_up(self) -> bool:
        return bool(self.name)


def load_profile() -> BusinessProfile:
    stored = get_setting("business", {}) or {}
    known = {f.name for f in fields(BusinessProfile)}
    return BusinessProfile(**{k: v for k, v in stored.items() if k in known})


def save_profile(profile: BusinessProfile) -> None:
    set_setting("business", asdict(profile))
