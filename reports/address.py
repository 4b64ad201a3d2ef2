"""Who a letter is addressed to, and how: the recipient block in the envelope's window and
the greeting line, in Hebrew or in English. Pure: from a ClientLetterData, no database.

The rules:
- A business is written to through its contact person when one is on file ("לידי …" /
  "Attn: …"), and greeted through that person; with none, it is addressed as a body (in
  the plural) and greeted impersonally.
- The client's gender and salutation describe whoever is addressed: the private person,
  or a business's contact person. A salutation ("ד\"ר", "Dr") wins over the gender's title
  ("גב'" / "מר", "Ms" / "Mr"); with neither, the person is greeted neutrally.
- An address abroad is laid out for international mail: the town in capitals (with the
  postcode where that country puts it) and the country last, in capitals, in English
  (the Universal Postal Union asks for a name the countries of transit can read).

Public API:
    audience(data) -> 'plural' | 'female' | 'male' | 'neutral'   the grammatical addressee
    addressee_title(data, language) -> str                         salutation or Ms/Mr
    recipient_block(data, language='he') -> list[str]              name first, country last
    greeting(data, language='he') -> str                           the line after the subject
"""
from __future__ import annotations

from models.ledger.clients import HOME_COUNTRY, country_name

# Countries whose postcode stands before the town ("75008 PARIS"); Britain and Ireland put
# it on its own line after the town; elsewhere it follows the town on the same line.
POSTCODE_FIRST = frozenset({"AT", "BE", "CH", "CZ", "DE", "DK", "ES", "FI", "FR", "GR", "HU",
                            "IT", "LU", "NL", "NO", "PL", "PT", "SE", "SK", "SI", "HR", "EE",
                            "LT", "LV", "TR", "RO", "BG", "IS", "MX", "BR", "AR", "CL"})
POSTCODE_OWN_LINE = frozenset({"GB", "IE", "IM", "JE", "GG"})

_GENDER_TITLES = {
    "he": {"female": "גב'", "male": "מר"},  # hebrew: letter text
    "en": {"female": "Ms", "male": "Mr"},
}
_ATTENTION = {"he": "לידי", "en": "Attn:"}  # hebrew: letter text


def _addressed_person(data) -> str:
    """The name of the person the letter speaks to: the client, or a business's contact."""
    if data.is_person:
        return data.name
    return (data.contact_name or "").strip()


def audience(data) -> str:
    """How the letter's sentences address the reader: a business with no contact person
    in the plural, a person (or contact) by the gender on file, else neutrally."""
    if not _addressed_person(data):
        return "plural"
    return data.gender if data.gender in ("female", "male") else "neutral"


def signer_voice(data) -> str:
    """How the client's own signed statement is worded: 'plural' for a business (it signs
    as a body, whoever signs for it), else the person's 'male' / 'female' / 'neutral'."""
    return audience(data) if data.is_person else "plural"


def addressee_title(data, language: str = "he") -> str:
    """The salutation on file, else the gender's title, else ''."""
    salutation = (data.salutation or "").strip()
    if salutation:
        return salutation
    return _GENDER_TITLES.get(language, _GENDER_TITLES["en"]).get(data.gender, "")


def _titled(name: str, title: str) -> str:
    return f"{title} {name}" if title else name


def _town_lines(data) -> list[str]:
    city, postcode = (data.city or "").strip(), (data.zip or "").strip()
    country = data.country or HOME_COUNTRY
    if country == HOME_COUNTRY:
        line = " ".join(p for p in (city, postcode) if p)
        return [line] if line else []
    city = city.upper()
    if country in POSTCODE_OWN_LINE:
        return [p for p in (city, postcode.upper()) if p]
    parts = (postcode, city) if country in POSTCODE_FIRST else (city, postcode)
    line = " ".join(p for p in parts if p)
    return [line] if line else []


def recipient_block(data, language: str = "he") -> list[str]:
    """The lines under "לכבוד" in the window: the client (a person with their title), the
    contact person of a business, the street, the town, and for an address abroad the
    country in English capitals, last."""
    person = _addressed_person(data)
    title = addressee_title(data, language)
    lines = [_titled(data.name, title) if data.is_person else data.name]
    if not data.is_person and person:
        lines.append(f"{_ATTENTION.get(language, _ATTENTION['en'])} {_titled(person, title)}")
    if (data.address or "").strip():
        lines.append(data.address.strip())
    lines += _town_lines(data)
    country = data.country or HOME_COUNTRY
    if country != HOME_COUNTRY:
        lines.append(country_name(country, "en").upper())
    return lines


def is_abroad(data) -> bool:
    return (data.country or HOME_COUNTRY) != HOME_COUNTRY


def sender_parts(profile, abroad: bool = False) -> list[str]:
    """The return address: name, street, town; for a letter going abroad the country last
    (a foreign post office returns a letter to "ISRAEL", not to a town it cannot read)."""
    town = " ".join(y for y in (profile.city, profile.zip) if y)
    parts = [x for x in (profile.name, profile.address, town) if x]
    return parts + [country_name(HOME_COUNTRY, "en").upper()] if abroad and parts else parts


def phone_for(phone: str, abroad: bool = False) -> str:
    """An Israeli number as a reader abroad dials it: 03-5551234 -> +972-3-5551234."""
    phone = (phone or "").strip()
    if abroad and phone.startswith("0") and not phone.startswith("00"):
        return "+972-" + phone[1:]
    return phone


def greeting(data, language: str = "he") -> str:
    """The greeting after the subject: the addressed person by title and name, or an
    impersonal greeting when there is no one to name (a business without a contact) or no
    title (a person of unknown gender is greeted neutrally)."""
    person = _addressed_person(data)
    title = addressee_title(data, language)
    if language == "en":
        if not person:
            return "Dear Sir or Madam,"
        return f"Dear {_titled(person, title)},"
    if person and title:
        return f"{title} {person}, שלום רב,"  # hebrew: letter text
    return "שלום רב,"  # hebrew: letter text
