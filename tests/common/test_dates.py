"""Dates as Israelis and spreadsheets write them: dd/mm/yyyy, d/m/yy, ISO, Excel serials."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.common.dates import (
    could_be_day_first,
    could_be_month_first,
    format_date,
    from_excel_serial,
    parse_date,
)
from models.common.errors import ValidationError

D = dt.date


@pytest.mark.parametrize("text, day", [
    ("22/11/2026", D(2026, 11, 22)),
    ("5/1/2026", D(2026, 1, 5)),          # day first: 5 January
    ("05/01/2026", D(2026, 1, 5)),
    ("1/2/24", D(2024, 2, 1)),            # two-digit year
    ("31/12/99", D(1999, 12, 31)),
    ("22.11.2026", D(2026, 11, 22)),
    ("22-11-2026", D(2026, 11, 22)),
    ("2026-11-22", D(2026, 11, 22)),
    ("2026-1-5", D(2026, 1, 5)),
    ("2026-11-22 00:00:00", D(2026, 11, 22)),  # a datetime cell written as text
    ("2026-11-22T10:30:00", D(2026, 11, 22)),
    ("\u200f22/11/2026\u200e", D(2026, 11, 22)),
    ("29/02/2024", D(2024, 2, 29)),
    ("29/02/2028", D(2028, 2, 29)),
    (D(2026, 11, 22), D(2026, 11, 22)),
    (dt.datetime(2026, 11, 22, 13, 5), D(2026, 11, 22)),
])
def test_accepted_dates(text, day):
    assert parse_date(text) == day


def test_month_first_reading_for_us_files():
    assert parse_date("1/5/2026", month_first=True) == D(2026, 1, 5)
    assert parse_date("1/5/2026") == D(2026, 5, 1)
    assert could_be_month_first("12/31/2026") and not could_be_day_first("12/31/2026")
    assert could_be_day_first("31/12/2026") and not could_be_month_first("31/12/2026")
    assert could_be_day_first("5/6/2026") and could_be_month_first("5/6/2026")  # ambiguous


@pytest.mark.parametrize("text", ["31/02/2024", "29/02/2023", "2024-13-01", "00/00/0000",
                                  "32/01/2026", "0/1/2026", "2026-02-30", "31/04/2026",
                                  "1/1/1850", "yesterday", "22/11", "22//2026", "", None,
                                  "2024", "221126", "20261122", "4565"])
def test_invalid_dates_refused_in_hebrew(text):
    with pytest.raises(ValidationError) as err:
        parse_date(text)
    assert any("\u0590" <= ch <= "\u05ff" for ch in str(err.value))


# ---- Excel serial numbers ------------------------------------------------------------

@pytest.mark.parametrize("serial, day", [
    (45658, D(2025, 1, 1)),
    ("45658", D(2025, 1, 1)),
    ("45658.0", D(2025, 1, 1)),
    ("45658.5", D(2025, 1, 1)),
    (45658.75, D(2025, 1, 1)),   # a time of day in the fraction
    (61, D(1900, 3, 1)),
    (59, D(1900, 2, 28)),
    (1, D(1900, 1, 1)),
    (46348, D(2026, 11, 22)),
])
def test_excel_serials(serial, day):
    assert parse_date(serial) == day


def test_serial_60_is_excels_phantom_29_february_1900():
    with pytest.raises(ValidationError) as err:
        parse_date(60)
    assert "29/02/1900" in str(err.value)


def test_1904_date_system_of_mac_workbooks():
    assert from_excel_serial(0, date1904=True) == D(1904, 1, 1)
    assert parse_date(45658 - 1462, date1904=True) == D(2025, 1, 1)
    assert parse_date("44196", date1904=True) == D(2025, 1, 1)


def test_serial_zero_or_negative_refused():
    with pytest.raises(ValidationError):
        parse_date(0)
    with pytest.raises(ValidationError):
        parse_date(-5)


@given(st.dates(min_value=D(1900, 3, 1), max_value=D(2199, 12, 31)))
def test_serial_matches_excels_epoch_from_march_1900(day):
    serial = (day - D(1899, 12, 30)).days
    assert parse_date(serial) == day
    assert parse_date(serial - 1462, date1904=True) == day


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2199, 12, 31)))
def test_format_then_parse_round_trip(day):
    assert format_date(day) == f"{day.day:02d}/{day.month:02d}/{day.year}"
    assert parse_date(format_date(day)) == day
    assert parse_date(day.isoformat()) == day
