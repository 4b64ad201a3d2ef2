"""Dates as users and spreadsheets write them: dd/mm/yyyy, d/m/yy, ISO, Excel serials."""
from __future__ import annotations

import datetime as dt
import re

from models.common.errors import ValidationError
from models.common.i18n import _
from models.common.text import strip_marks

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serials >= 61; 60 is Excel's phantom 29/02/1900
EXCEL_1904_OFFSET = 1462
_DMY = re.compile(r"^(\d{1,2})[./\-](\d{1,2})[./\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
# Five digits only (1927-2173): a bare year `2024` or a run-together `221126` is not read
# as a serial (it would silently become 1905 or 2505); a time-of-day fraction is allowed.
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")


def format_date(day: dt.date) -> str:
    """22/11/2026: how Israelis write a date."""
    return day.strftime("%d/%m/%Y")


def from_excel_serial(serial: float, *, date1904: bool = False) -> dt.date:
    serial = int(serial)
    if date1904:
        return EXCEL_EPOCH + dt.timedelta(days=serial + EXCEL_1904_OFFSET)
    if serial == 60:
        raise ValidationError(_("The date 29/02/1900 (Excel serial number 60) does not exist."))
    if serial < 1:
        raise ValidationError(
            _("Not a valid Excel date serial number: {serial}.").format(serial=serial))
    if serial < 60:
        serial += 1  # Excel counts the phantom leap day only from March 1900
    return EXCEL_EPOCH + dt.timedelta(days=serial)


def parse_date(value, *, month_first: bool = False, date1904: bool = False) -> dt.date:
    """dd/mm/yyyy, d/m/yy, yyyy-mm-dd, an Excel serial, or a date object -> date.

    `month_first` reads `a/b/c` as mm/dd (a file from US-configured Excel).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return from_excel_serial(value, date1904=date1904)
    text = strip_marks(str(value or "")).strip()
    if not text:
        raise ValidationError(_("The date is missing."))
    if _SERIAL.match(text):
        return from_excel_serial(float(text), date1904=date1904)
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return _make(year, month, day, text)
    match = _DMY.match(text)
    if match:
        first, second, year = (int(g) for g in match.groups())
        day, month = (second, first) if month_first else (first, second)
        if len(match.group(3)) == 2:
            year += 2000 if year < 70 else 1900
        return _make(year, month, day, text)
    raise ValidationError(
        _("'{text}' is not a recognised date; write it as, for example, 22/11/2026.").format(
            text=text))


def _make(year: int, month: int, day: int, text: str) -> dt.date:
    if year < 1900 or year > 2199:
        raise ValidationError(_("The year in the date '{text}' is not plausible.").format(
            text=text))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(_("The date '{text}' does not exist in the calendar.").format(
            text=text)) from None


def could_be_month_first(text: str) -> bool:
    """True when `text` is a/b/y that is valid as mm/dd (used to detect US files)."""
    match = _DMY.match(strip_marks(str(text)).strip())
    if not match:
        return False
    first, second = int(match.group(1)), int(match.group(2))
    return first <= 12 and second <= 31


def could_be_day_first(text: str) -> bool:
    match = _DMY.match(strip_marks(str(text)).strip())
    if not match:
        return False
    first, second = int(match.group(1)), int(match.group(2))
    return second <= 12 and first <= 31
