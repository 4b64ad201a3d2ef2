"""Clients and their contact persons; how a client is addressed (gender, salutation,
letter language) and where they are (country: ISO 3166 codes, names from babel)."""
from __future__ import annotations

import re
from functools import lru_cache

import peewee as pw
from babel import Locale

from models.common.errors import ValidationError
from models.common.i18n import N_, Labels, _
from models.db.connection import BaseModel


# Who the client is. A public body (a ministry, a statutory corporation) and a local
# authority are businesses to the letters (addressed in the plural) and to the dunning
# plan, and the Payment Ethics to Suppliers law binds them (PUBLIC_KINDS) to a maximum
# payment term (models.prevention.policy.legal_max_terms, a setting).
CLIENT_KINDS = Labels({
    "person": N_("Private person"),
    "company": N_("Business client"),
    "public_body": N_("Public body (ministry, statutory corporation)"),
    "local_authority": N_("Local authority"),
})
PUBLIC_KINDS = ("public_body", "local_authority")
CLIENT_STATUSES = Labels({
    "active": N_("Active"),
    "on_hold": N_("Waiting for payment"),
    "in_collection": N_("In collection"),
    "handed_over": N_("Handed to a lawyer / agency"),
    "execution": N_("At the Execution Office"),
    "written_off": N_("Written off"),
    "closed": N_("Closed"),
})


# How a letter addresses the client. 'unknown': neutral wording for a person, the plural
# for a business (a business is addressed in the plural whatever is stored here).
GENDERS = Labels({"unknown": N_("Not stated"), "female": N_("Female"), "male": N_("Male")})
# The language of the dunning letters and the statement (the debt notice is always Hebrew).
LETTER_LANGUAGES = Labels({"he": N_("Hebrew"), "en": N_("English")})
HOME_COUNTRY = "IL"
MAX_SALUTATION_LENGTH = 40
# babel's territories hold regions ("150"), groupings and placeholders besides countries.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"})


@lru_cache(maxsize=8)
def country_names(locale: str = "he") -> dict[str, str]:
    """ISO 3166 code -> the country's name in `locale` (babel's CLDR territories)."""
    return {code: name for code, name in Locale.parse(locale).territories.items()
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES}


def country_name(code: str, locale: str = "he") -> str:
    """The country's name in `locale`; the code itself when babel does not know it."""
    return country_names(locale).get(code, code)


@lru_cache(maxsize=1)
def _country_lookup() -> dict[str, str]:
    """Every name a country is typed by (Hebrew, English, the code), folded -> code."""
    lookup: dict[str, str] = {}
    for locale in ("en", "he"):
        for code, name in country_names(locale).items():
            lookup.setdefault(name.casefold(), code)
    for code in country_names("en"):
        lookup[code.casefold()] = code
    lookup.update({"uk": "GB", "england": "GB", "usa": "US", "u.s.a.": "US",
                   "united states of america": "US"})
    return lookup


def parse_country(text: str) -> str:
    """The ISO code of a country typed as its code or its name in Hebrew or English;
    empty text is Israel. ValidationError (field 'country') for anything else."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        return HOME_COUNTRY
    code = _country_lookup().get(cleaned.casefold())
    if code is None:
        raise ValidationError(_("'{country}' is not a country we know. Please choose one from "
                                "the list, or type its two-letter code (for example GB).")
                              .format(country=cleaned), field="country")
    return code


_POSTCODE = re.compile(r"[A-Z0-9](?:[A-Z0-9 \-]{0,10}[A-Z0-9])?")


def normalise_foreign_postcode(value: str | None) -> str:
    """A postcode abroad as the country writes it ("EC2A 1AS", "75008", "10117"): letters,
    digits, single spaces and dashes, at most 12 characters, upper case."""
    text = " ".join((value or "").split()).upper()
    if text and not _POSTCODE.fullmatch(text):
        raise ValidationError(_("The postal code '{code}' is not one: a postcode abroad has "
                                "letters and digits, spaces or dashes, at most 12 "
                                "characters.").format(code=text), field="zip")
    return text


class Client(BaseModel):
    external_id = pw.TextField(null=True, unique=True)
    name = pw.TextField()
    search_key = pw.TextField(index=True)
    kind = pw.TextField(default="company")
    tax_id = pw.TextField(default="")
    email = pw.TextField(default="")
    phone = pw.TextField(default="")
    address = pw.TextField(default="")
    city = pw.TextField(default="")
    zip = pw.TextField(default="")
    terms = pw.TextField(null=True)  # None: the business's default terms
    status = pw.TextField(default="active")
    notes = pw.TextField(default="")
    created_at = pw.TextField()
    gender = pw.TextField(default="unknown")
    salutation = pw.TextField(default="")
    country = pw.TextField(default=HOME_COUNTRY)
    letter_language = pw.TextField(default="he")

    @property
    def is_person(self) -> bool:
        return self.kind == "person"

    @property
    def is_public(self) -> bool:
        """A public body or a local authority (the Payment Ethics law's payers)."""
        return self.kind in PUBLIC_KINDS

    @property
    def is_abroad(self) -> bool:
        return self.country != HOME_COUNTRY


class ContactPerson(BaseModel):
    client = pw.ForeignKeyField(Client, backref="contacts", on_delete="CASCADE")
    name = pw.TextField()
    role = pw.TextField(default="")
    phone = pw.TextField(default="")
    email = pw.TextField(default="")


def find_client_by_id(client_id: int) -> Client | None:
    """The client with this id, or None (require_client raises instead)."""
    return Client.get_or_none(Client.id == client_id)


def client_not_found(client_id: int) -> ValidationError:
    """The one error for a client id the ledger does not hold, for every caller to raise."""
    return ValidationError(_("Client number {id} was not found.").format(id=client_id))


def require_client(client_id: int) -> Client:
    """The client with this id; ValidationError (client_not_found) when there is none."""
    client = find_client_by_id(client_id)
    if client is None:
        raise client_not_found(client_id)
    return client


def clients_by_id(client_ids: list[int]) -> dict[int, Client]:
    """The clients with these ids (those that exist), a few hundred ids per statement."""
    ids = list(dict.fromkeys(client_ids))
    found: dict[int, Client] = {}
    for start in range(0, len(ids), 500):
        found.update((c.id, c) for c in Client.select().where(
            Client.id.in_(ids[start:start + 500])))
    return found
