"""Hebrew-aware text cleaning, search keys and the checks on identifiers users type.

Originals are stored as typed (minus invisible direction marks); comparisons and
duplicate detection go through `search_key`.
"""
from __future__ import annotations

import re
import unicodedata

from models.common.errors import ValidationError
from models.common.i18n import _

MAX_NAME_LENGTH = 200

# Direction controls: LRM, RLM, ALM, embeddings/overrides, isolates, BOM, zero widths.
_DIRECTION_MARKS = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]")
_NIQQUD = re.compile("[\u0591-\u05c7]")  # hebrew: the niqqud range, not text
_SPACES = re.compile(r"\s+")
_HEBREW_PUNCT = str.maketrans({"\u05f4": '"', "\u05f3": "'", "\u05be": "-", "\u2212": "-",  # hebrew: marks
                               "\u2013": "-", "\u2014": "-", "\u201c": '"', "\u201d": '"',
                               "\u2018": "'", "\u2019": "'"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")

# The scripts a letter can print: Hebrew, Latin, Greek, Cyrillic and Arabic, with their
# punctuation, currency signs and digits. The letters' fonts (resources/fonts, built by
# tools/build_fonts.py) cover exactly these (tests/reports/test_hebrew.py checks every
# character); a name or an address in another script (Chinese, Thai, emoji …) is refused
# where it is typed, so no letter ever prints a box or a '?' in its place.
PRINTABLE_RANGES = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x0370, 0x03E1),  # Greek (without the Coptic letters)
    (0x03F0, 0x03FF),
    (0x0400, 0x052F),  # Cyrillic and its supplement
    (0x05B0, 0x05BC),  # Hebrew: niqqud, letters, geresh and gershayim
    (0x05BF, 0x05BF),
    (0x05C1, 0x05C2),
    (0x05C7, 0x05C7),
    (0x05BE, 0x05BE),
    (0x05D0, 0x05EA),
    (0x05F0, 0x05F4),
    (0x0600, 0x06FF),  # Arabic
    (0x0750, 0x077F),  # Arabic Supplement
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2010, 0x205E),  # punctuation: dashes, quotes, bullets, ellipsis
    (0x20A0, 0x20C0),  # currency signs
    (0x2116, 0x2116),  # numero sign
    (0x2122, 0x2122),  # trade mark sign
)
_PRINTABLE = re.compile("[^" + "".join(
    f"\\U{low:08x}-\\U{high:08x}" for low, high in PRINTABLE_RANGES) + "\\s]")


def strip_marks(text: str) -> str:
    """Remove invisible direction marks and zero-width characters."""
    return _DIRECTION_MARKS.sub("", text)


def clean_text(text: str | None) -> str:
    """What we store for free text: marks removed, spaces collapsed, trimmed."""
    if text is None:
        return ""
    return _SPACES.sub(" ", strip_marks(unicodedata.normalize("NFC", str(text)))).strip()


def search_key(text: str) -> str:
    """Key for search and duplicate detection: one name typed in different ways gets one key.

    NFKC, no direction marks, no niqqud, gershayim/geresh/maqaf mapped to ASCII,
    `בע''מ` read as `בע"מ`, spaces collapsed, case folded.
    """
    text = unicodedata.normalize("NFKC", text or "")
    # Map punctuation before dropping niqqud: the maqaf (U+05BE) sits inside the
    # niqqud range and would otherwise vanish instead of becoming '-'.
    text = _NIQQUD.sub("", strip_marks(text).translate(_HEBREW_PUNCT))
    text = text.replace("''", '"')
    return _SPACES.sub(" ", text).strip().casefold()


def unprintable_characters(text: str | None) -> str:
    """The distinct characters of `text` a letter cannot print (outside PRINTABLE_RANGES),
    in order of appearance; '' when all can be printed. Direction marks do not count."""
    found = _PRINTABLE.findall(strip_marks(unicodedata.normalize("NFC", text or "")))
    return "".join(dict.fromkeys(ch for ch in found if unicodedata.category(ch) not in ("Cc", "Cf")))


def check_printable(text: str, what: str, field: str | None = None) -> str:
    """`text` unchanged, or a ValidationError naming the characters letters cannot print."""
    bad = unprintable_characters(text)
    if bad:
        raise ValidationError(
            _("{what} contains characters that letters cannot print: {characters}. Please "
              "write it in Hebrew, Latin, Cyrillic, Greek or Arabic letters.").format(
                what=what, characters=" ".join(bad)), field=field)
    return text


def clean_name(name: str | None, what: str | None = None) -> str:
    """A client or person name: required, at most MAX_NAME_LENGTH characters. `what` names
    the field in the messages, already translated (default: "The name")."""
    what = what or _("The name")
    cleaned = clean_text(name)
    if not _NIQQUD.sub("", cleaned).strip(" .,-'\"״׳"):  # hebrew: gershayim and geresh
        raise ValidationError(
            _("{what} is empty; please type it with letters.").format(what=what), field="name")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ValidationError(
            _("{what} is too long ({length} characters); the maximum is {maximum}.").format(
                what=what, length=len(cleaned), maximum=MAX_NAME_LENGTH), field="name")
    return check_printable(cleaned, what, "name")


def israeli_id_is_valid(digits: str) -> bool:
    """Check digit of an Israeli ID / company number (9 digits, Luhn-style weights 1,2)."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (1 + i % 2)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def normalise_tax_id(value: str | None) -> str:
    """ID / company number: digits only, re-padded to 9 (Excel drops leading zeros),
    check digit verified. Empty stays empty."""
    text = clean_text(value).replace("-", "").replace(" ", "")
    if not text:
        return ""
    if not text.isdigit() or len(text) > 9:
        raise ValidationError(
            _("The ID or company number '{number}' must have at most 9 digits.").format(
                number=text), field="tax_id")
    digits = text.zfill(9)
    if not israeli_id_is_valid(digits):
        raise ValidationError(
            _("The ID or company number {number} is not valid (the check digit does not "
              "match).").format(number=digits), field="tax_id")
    return digits


def normalise_zip(value: str | None) -> str:
    """Israeli postal code: exactly 7 digits (spaces and dashes between them dropped).

    Nothing is padded: a code of 6 digits is refused, not given a leading zero, since no
    Israeli postal code starts with 0 and a guessed digit would send the letter astray.
    A postcode abroad is models.ledger.clients.normalise_foreign_postcode's."""
    text = clean_text(value).replace(" ", "").replace("-", "")
    if not text:
        return ""
    if not text.isascii() or not text.isdigit() or len(text) != 7:
        raise ValidationError(
            _("The postal code '{code}' is not valid: an Israeli postal code has exactly 7 "
              "digits.").format(code=clean_text(value)), field="zip")
    return text


def normalise_email(value: str | None) -> str:
    text = clean_text(value).replace(" ", "")
    if text and not _EMAIL.match(text):
        raise ValidationError(
            _("The email address '{email}' is not valid.").format(email=text), field="email")
    return text


def normalise_phone(value: str | None) -> str:
    """Phone: digits, '+', '-' kept as typed; a 8-9 digit number that lost its 0 gets it back."""
    text = clean_text(value)
    if not text:
        return ""
    digits = re.sub(r"[^\d+]", "", text)
    if not re.fullmatch(r"\+?\d{7,15}", digits):
        raise ValidationError(
            _("The phone number '{phone}' is not valid.").format(phone=text), field="phone")
    if text.isdigit() and len(text) in (8, 9) and not text.startswith("0"):
        return "0" + text
    return text


def document_number_key(number: str) -> str:
    """Key that makes `0012` and `12` (and `inv-7` / `INV-7`) the same document number."""
    key = search_key(number).replace(" ", "")
    return str(int(key)) if key.isdigit() else key
