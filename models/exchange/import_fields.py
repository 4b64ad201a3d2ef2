"""What one cell of an import file may hold, and the limits of a whole file, in one place.

A cell is refused (with its line and column named) when it is longer than its field
allows, holds an invisible control character, or, in a field of numbers, dates or
identifiers, holds digits other than 0-9. Python reads `٣`, `۳` and `３` as the digit 3
(int, Decimal and regular expressions all do), so an amount or an invoice number written
with them would be imported as a different-looking value without anyone noticing.
"""
from __future__ import annotations

import functools
import re

from models.common.i18n import _, language
from models.common.text import MAX_NAME_LENGTH

# ---- a file --------------------------------------------------------------------------

# Far above any real ledger (1,000,000 rows of CSV are ~60-100 MB); a larger file is
# almost certainly not the file meant, and reading it would take minutes.
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_DATA_ROWS = 2_000_000
# A CSV physical line longer than this is not a row of a ledger (the widest allowed row
# is a few dozen fields of at most MAX_TEXT_LENGTH characters); reading stops there
# instead of holding an endless line in memory.
MAX_LINE_CHARS = 1_000_000
# An xlsx is a zip archive: its directory and its unpacked parts are checked before
# anything is unpacked, so a small file cannot unpack into gigabytes ("zip bomb").
MAX_ZIP_DIRECTORY_BYTES = 4 * 1024 * 1024
MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024
# openpyxl keeps every shared string of a workbook in memory while it is read.
MAX_SHARED_STRINGS_BYTES = 128 * 1024 * 1024

# ---- a field -------------------------------------------------------------------------

MAX_TEXT_LENGTH = 2000
MAX_ADDRESS_LENGTH = 300
MAX_IDENTIFIER_LENGTH = 100
MAX_DOCUMENT_NUMBER_LENGTH = 40  # the same limit as an invoice typed into the app
MAX_EMAIL_LENGTH = 254  # the longest address mail systems deliver
MAX_PHONE_LENGTH = 30
MAX_WORD_LENGTH = 50  # kinds, methods, currencies, dates, amounts, codes
MAX_FIELD_LENGTH = {
    "name": MAX_NAME_LENGTH, "client": MAX_NAME_LENGTH, "city": MAX_NAME_LENGTH,
    "country": MAX_NAME_LENGTH, "address": MAX_ADDRESS_LENGTH,
    "notes": MAX_TEXT_LENGTH, "description": MAX_TEXT_LENGTH,
    "external_id": MAX_IDENTIFIER_LENGTH, "reference": MAX_IDENTIFIER_LENGTH,
    "check_number": MAX_IDENTIFIER_LENGTH, "terms": MAX_IDENTIFIER_LENGTH,
    "number": MAX_DOCUMENT_NUMBER_LENGTH, "invoice": MAX_DOCUMENT_NUMBER_LENGTH,
    "email": MAX_EMAIL_LENGTH, "phone": MAX_PHONE_LENGTH,
    "tax_id": MAX_WORD_LENGTH, "zip": MAX_WORD_LENGTH, "kind": MAX_WORD_LENGTH,
    "method": MAX_WORD_LENGTH, "currency": MAX_WORD_LENGTH, "amount": MAX_WORD_LENGTH,
    "issue_date": MAX_WORD_LENGTH, "due_date": MAX_WORD_LENGTH, "date": MAX_WORD_LENGTH,
    "check_date": MAX_WORD_LENGTH, "letter_language": MAX_WORD_LENGTH,
    "gender": MAX_WORD_LENGTH, "salutation": MAX_WORD_LENGTH,
}
# Words people write: any letters and digits are theirs to choose.
FREE_TEXT_FIELDS = frozenset({"name", "client", "city", "address", "notes", "description"})
# Of those, the ones a line break (or a tab) may legitimately sit inside. Anywhere else a
# line break means a quote of the CSV opened and closed in the wrong place, so several
# rows ran into one cell.
MULTILINE_FIELDS = frozenset({"address", "notes", "description"})

# Excel writes these into a cell whose formula failed (and openpyxl into a cell formatted
# as a date whose number is no date at all).
EXCEL_ERROR_VALUES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!",
                                "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"})

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile("[\t\n\r]")
_FOREIGN_DIGIT = re.compile(r"(?![0-9])\d")


def screen(name: str, value: str) -> str | None:
    """Why the cell `value` cannot be imported into field `name`, or None when it can."""
    limit = MAX_FIELD_LENGTH.get(name, MAX_TEXT_LENGTH)
    if len(value) > limit:
        return _("The value is too long ({length} characters); the most this column allows "
                 "is {limit}.").format(length=f"{len(value):,}", limit=f"{limit:,}")
    # The common case costs two C-level checks: printable text has no control
    # character, and ASCII text has no digit other than 0-9.
    if value.isprintable() and (value.isascii() or name in FREE_TEXT_FIELDS):
        return _excel_error(name, value) if value[:1] == "#" else None
    return _screen_closely(name, value, language())


# Remembered: the values that need a close look are mostly words that repeat on every
# row (payment methods, currencies, kinds, terms written in Hebrew). The language is part
# of the key: the reason is a translated sentence.
@functools.lru_cache(maxsize=4096)
def _screen_closely(name: str, value: str, _language: str) -> str | None:
    if name in MULTILINE_FIELDS:
        control = _CONTROL_BUT_LINES.search(value)
    else:
        if _LINE_BREAK.search(value):
            return _("The value has a line break or a tab, and this column needs a value on "
                     "one line (in a CSV file this happens when quotation marks are opened "
                     "and not closed in their place).")
        control = _CONTROL.search(value)
    if control:
        return _("The value has an invisible control character ({code}); please delete it "
                 "and try again.").format(code=f"U+{ord(control.group()):04X}")
    if name not in FREE_TEXT_FIELDS:
        digit = _FOREIGN_DIGIT.search(value)
        if digit:
            return _("The value has a digit other than 0-9 ('{digit}'); please write "
                     "numbers with the digits 0-9.").format(digit=digit.group())
    return _excel_error(name, value)


def _excel_error(name: str, value: str) -> str | None:
    if name in FREE_TEXT_FIELDS or value not in EXCEL_ERROR_VALUES:
        return None
    return excel_error(value)


def excel_error(value: str) -> str:
    """Why a cell holding Excel's error value `value` (#DIV/0!, #REF!, …) is refused. A
    workbook marks such a cell as an error, so it is refused in any column; in a CSV the
    same text is refused where no one would write it (a name may be `#1 Pizza`)."""
    return _("The cell holds an Excel error value ({value}), not data.").format(value=value)
