"""Checking the business profile as the user typed it (the settings form).

Each field is cleaned by the same rules as client data (models.common.text, models.common.terms,
models.queries.aging.parse_buckets); a problem raises ValidationError in Hebrew naming the field.
"""
from __future__ import annotations

import re

from models.common.errors import ErrorCollector, ValidationError
from models.common.i18n import _
from models.common.money import parse_amount, plain
from models.common.terms import EOM_DAYS, EOM_MONTHS, canonical_terms
from models.common.text import (
    check_printable,
    clean_name,
    clean_text,
    normalise_email,
    normalise_phone,
    normalise_tax_id,
    normalise_zip,
)
from models.db.settings import BUSINESS_TYPES, BusinessProfile, load_profile, save_profile

PROFILE_FIELDS = ("name", "business_type", "tax_id", "address", "city", "zip", "phone",
                  "email", "bank_details", "bit_phone", "iban", "swift", "hourly_rate",
                  "default_terms",
                  "eom_reading", "aging_buckets")
MAX_BUCKETS = 8  # more columns than this no longer fit a screen or a printed page


def _tax_id(value: str, business_type: str) -> str:
    digits = normalise_tax_id(value)
    # Israeli company numbers (ח.פ.) start with 5; an ID number there is a typical mix-up.
    if digits and business_type == "company" and not digits.startswith("5"):
        raise ValidationError(_(
            "A company number (ח.פ.) starts with 5; {digits} looks like an ID number. "  # hebrew: the official abbreviation
            "Please check the number or the business type.").format(digits=digits),
            field="tax_id")
    return digits


def _bit_phone(value: str) -> str:
    phone = normalise_phone(value)
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone and not (digits.startswith("05") and len(digits) == 10
                      or digits.startswith("9725") and len(digits) == 12):
        raise ValidationError(_("Bit needs a mobile phone number (05X-XXXXXXX); '{value}' is "
                                "not one.").format(value=value), field="bit_phone")
    return phone


IBAN_LENGTHS = {"IL": 23, "GB": 22, "DE": 22, "FR": 27, "NL": 18}  # checked where known
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_SWIFT = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")


def compact_code(value: str) -> str:
    """An IBAN or SWIFT code as stored: no spaces, dashes or marks, upper case."""
    return re.sub(r"[\s\-\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", value or "").upper()


def format_iban(iban: str) -> str:
    """An IBAN as printed: groups of four ("IL62 0108 0000 0009 9999 999")."""
    compact = compact_code(iban)
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def iban_checksum_ok(iban: str) -> bool:
    """ISO 13616: the letters as numbers (A=10 … Z=35), the first four characters moved to
    the end, gives 1 modulo 97."""
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def _iban(value: str) -> str:
    iban = compact_code(value)
    if not iban:
        return ""
    if not _IBAN.fullmatch(iban):
        raise ValidationError(_("'{value}' is not an IBAN: it starts with the country's two "
                                "letters and two check digits, then the account, 15 to 34 "
                                "characters in all (IL62 0108 0000 0009 9999 999).").format(
                                    value=value.strip()), field="iban")
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        raise ValidationError(_("An IBAN of {country} has {length} characters; '{value}' has "
                                "{count}. Please check it against the bank's confirmation.")
                              .format(country=iban[:2], length=expected, value=value.strip(),
                                      count=len(iban)), field="iban")
    if not iban_checksum_ok(iban):
        raise ValidationError(_("The IBAN '{value}' fails its check digits: a character is "
                                "wrong or missing. Please copy it from the bank's "
                                "confirmation.").format(value=value.strip()), field="iban")
    return iban


def _swift(value: str) -> str:
    swift = compact_code(value)
    if swift and not _SWIFT.fullmatch(swift):
        raise ValidationError(_("'{value}' is not a SWIFT / BIC code: 8 or 11 letters and "
                                "digits, the bank's four letters, the country's two, then the "
                                "place (for example POALILIT).").format(value=value.strip()),
                              field="swift")
    return swift


def _hourly_rate(value: str) -> int:
    if not clean_text(value):
        return 0
    try:
        return parse_amount(value)
    except ValidationError as exc:
        raise ValidationError(_("{what}: {error}").format(what=_("The hourly rate"), error=exc),
                              field="hourly_rate") from None


def _buckets(value: str) -> list[int]:
    from models.queries.aging import (
        parse_buckets,  # models.queries.aging imports models.db.settings
    )

    text = clean_text(value)
    if not text:
        raise ValidationError(_("Please enter the aging boundaries, for example 30,60,90,120."),
                              field="aging_buckets")
    boundaries = parse_buckets(text)
    if len(boundaries) > MAX_BUCKETS:
        raise ValidationError(_("Up to {max} aging boundaries are allowed.").format(
            max=MAX_BUCKETS), field="aging_buckets")
    return list(boundaries)


def _with_field(name: str, check, *args):
    """Run a check; its ValidationError names our field (normalise_phone says 'phone'
    also for the Bit phone)."""
    try:
        return check(*args)
    except ValidationError as exc:
        raise ValidationError(str(exc), field=name) from None


def validate_field(name: str, value: str, business_type: str = "licensed"):
    """The stored value of one profile field typed as `value`; raises ValidationError."""
    value = value or ""
    if name == "name":
        return _with_field(name, clean_name, value, _("Business name"))
    if name == "business_type":
        if value not in BUSINESS_TYPES:
            raise ValidationError(_("Please choose a business type: exempt dealer, licensed "
                                    "dealer or company."), field=name)
        return value
    if name == "tax_id":
        return _with_field(name, _tax_id, value, business_type)
    if name == "zip":
        return _with_field(name, normalise_zip, value)
    if name == "phone":
        return _with_field(name, normalise_phone, value)
    if name == "bit_phone":
        return _with_field(name, _bit_phone, value)
    if name == "email":
        return _with_field(name, normalise_email, value)
    if name == "hourly_rate":
        return _with_field(name, _hourly_rate, value)
    if name == "iban":
        return _iban(value)
    if name == "swift":
        return _swift(value)
    if name == "default_terms":
        return _with_field(name, canonical_terms, value)
    if name == "eom_reading":
        if value not in (EOM_DAYS, EOM_MONTHS):
            raise ValidationError(_("Please choose how to read end of month + N (שוטף+N)."),  # hebrew: terms
                                  field=name)
        return value
    if name == "aging_buckets":
        return _with_field(name, _buckets, value)
    if name == "bank_details":
        # Several lines (bank, branch, account) are kept as lines.
        return "\n".join(line for line in (clean_text(part) for part in value.splitlines())
                         if line)
    if name in ("address", "city"):
        return clean_text(value)
    raise KeyError(name)


def validate_profile(values: dict[str, str]) -> BusinessProfile:
    """A BusinessProfile from the form's texts (a missing field takes its default). Every
    field is checked: one problem raises its ValidationError, several one ValidationErrors."""
    texts = {**profile_texts(BusinessProfile()), **values}
    found = ErrorCollector()
    business_type = found.check(validate_field, "business_type", texts["business_type"])
    cleaned = {name: found.check(validate_field, name, texts[name], business_type or "licensed")
               for name in PROFILE_FIELDS if name != "business_type"}
    cleaned["business_type"] = business_type
    found.raise_if_any()
    cleaned["hourly_rate_agorot"] = cleaned.pop("hourly_rate")
    return BusinessProfile(**cleaned)


MAX_SIGNER_LENGTH = 80
MAX_BANK_NAME_LENGTH = 60
_ACCOUNT = re.compile(r"[0-9][0-9/\-]*[0-9]")


def bank_details_text(bank: str, branch: str, account: str) -> str:
    """The bank details as the letters print them, from the bank, branch and account typed
    separately (the first-run dialog): "בנק לאומי (10), סניף 800, חשבון 123456/78". All
    three empty: ''. Every problem is reported, naming the field: bank, branch, account."""
    bank, branch, account = clean_text(bank), clean_text(branch), clean_text(account)
    account = account.replace(" ", "")
    if not (bank or branch or account):
        return ""
    found = ErrorCollector()
    if not bank:
        found.add(ValidationError(_("Please type the bank's name (for example Bank Leumi) "
                                    "with the branch and the account."), field="bank"))
    elif len(bank) > MAX_BANK_NAME_LENGTH:
        found.add(ValidationError(_("The bank's name is too long (at most {limit} "
                                    "characters).").format(limit=MAX_BANK_NAME_LENGTH),
                                  field="bank"))
    else:
        found.check(check_printable, bank, _("The bank's name"), "bank")
    if not branch:
        found.add(ValidationError(_("Please type the branch number (for example 800)."),
                                  field="branch"))
    elif not (branch.isascii() and branch.isdigit() and len(branch) <= 3):
        found.add(ValidationError(_("The branch number '{branch}' is not valid: it has 1 to 3 "
                                    "digits (for example 800).").format(branch=branch),
                                  field="branch"))
    digits = sum(ch.isdigit() for ch in account)
    if not account:
        found.add(ValidationError(_("Please type the account number."), field="account"))
    elif not (account.isascii() and _ACCOUNT.fullmatch(account) and 4 <= digits <= 13):
        found.add(ValidationError(_("The account number '{account}' is not valid: 4 to 13 "
                                    "digits, with a dash or a slash where the bank writes one "
                                    "(for example 123456/78).").format(account=account),
                                  field="account"))
    found.raise_if_any()
    return f"{bank}, סניף {branch}, חשבון {account}"  # hebrew: printed in the (Hebrew) letters


def validate_signer(name: str, title: str) -> tuple[str, str]:
    """The signer's name and title as the letters print them under the signature (cleaned,
    in scripts the letters can print, at most MAX_SIGNER_LENGTH characters each)."""
    found = ErrorCollector()
    cleaned = []
    for field, value, what in (("signer_name", name, _("The signer's name")),
                               ("signer_title", title, _("The signer's title"))):
        text = clean_text(value)
        if len(text) > MAX_SIGNER_LENGTH:
            found.add(ValidationError(_("{what} is too long ({length} characters); the maximum "
                                        "is {maximum}.").format(what=what, length=len(text),
                                                                maximum=MAX_SIGNER_LENGTH),
                                      field=field))
        found.check(check_printable, text, what, field)
        cleaned.append(text)
    found.raise_if_any()
    return cleaned[0], cleaned[1]


def save_aging_buckets(text: str) -> list[int]:
    """Store the aging boundaries typed as `text` ("30, 60, 90") as the business's default,
    by the same rule as the settings form; returns them. The rest of the profile is kept."""
    buckets = validate_field("aging_buckets", text)
    profile = load_profile()
    profile.aging_buckets = buckets
    save_profile(profile)
    return buckets


def profile_texts(profile: BusinessProfile) -> dict[str, str]:
    """The profile as the form shows it (the inverse of validate_profile)."""
    texts = {name: str(getattr(profile, name, "") or "") for name in PROFILE_FIELDS
             if name not in ("hourly_rate", "aging_buckets")}
    texts["hourly_rate"] = plain(profile.hourly_rate_agorot) if profile.hourly_rate_agorot else ""
    texts["aging_buckets"] = ",".join(str(b) for b in profile.aging_buckets)
    texts["iban"] = format_iban(profile.iban)
    return texts
