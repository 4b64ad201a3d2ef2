"""Business days in Israel: the deadline rule for letters, and the Hebrew calendar date.

A deadline is N days after the letter's date (default 14, a setting), moved forward off
Friday, Saturday and the rest days of Israeli holidays, so the debtor always gets N full
days and the last one is a day a bank and a post office are open. pyluach knows the
festival rest days (Rosh Hashana, Yom Kippur, Sukkot, Shemini Atzeret, Pesach 1st/7th,
Shavuot, with Israel's one-day reckoning); it does not know Yom Ha'atzmaut, which we
add with the State's rule for moving it away from Shabbat.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from pyluach import dates as hdates

from models.common.i18n import N_, _

DEFAULT_DEADLINE_DAYS = 14
FRIDAY, SATURDAY = 4, 5
# pyluach's names -> ours, translated where shown (holiday_name).
_FESTIVAL_NAMES = {
    "Rosh Hashana": N_("Rosh Hashanah"), "Yom Kippur": N_("Yom Kippur"),
    "Succos": N_("Sukkot"), "Shmini Atzeres": N_("Shemini Atzeret"), "Pesach": N_("Passover"),
    "Shavuos": N_("Shavuot"),
}
YOM_HAATZMAUT = N_("Independence Day")


@lru_cache(maxsize=64)
def _yom_haatzmaut(gregorian_year: int) -> dt.date:
    """5 Iyar, moved: Friday or Saturday -> the Thursday before; Monday -> Tuesday."""
    hebrew_year = hdates.HebrewDate.from_pydate(dt.date(gregorian_year, 6, 1)).year
    day = hdates.HebrewDate(hebrew_year, 2, 5).to_pydate()
    weekday = day.weekday()
    if weekday == FRIDAY:
        return day - dt.timedelta(days=1)
    if weekday == SATURDAY:
        return day - dt.timedelta(days=2)
    if weekday == 0:  # Monday: moved so the memorial day before it is not on Sunday
        return day + dt.timedelta(days=1)
    return day


def holiday_name(day: dt.date) -> str | None:
    """Name of the holiday rest day on `day` in the interface language, or None."""
    if day == _yom_haatzmaut(day.year):
        return _(YOM_HAATZMAUT)
    name = hdates.HebrewDate.from_pydate(day).festival(israel=True, include_working_days=False)
    return _(_FESTIVAL_NAMES.get(name, name)) if name else None


def is_business_day(day: dt.date) -> bool:
    return day.weekday() not in (FRIDAY, SATURDAY) and holiday_name(day) is None


def next_business_day(day: dt.date) -> dt.date:
    """`day` itself when a bank is open, else the next day that is not a Friday, a
    Saturday or a holiday rest day."""
    while not is_business_day(day):
        day += dt.timedelta(days=1)
    return day


def deadline_date(letter_date: dt.date, days: int = DEFAULT_DEADLINE_DAYS) -> dt.date:
    """`days` after the letter's date, moved forward to the next business day."""
    return next_business_day(letter_date + dt.timedelta(days=days))


def hebrew_date(day: dt.date) -> str:
    """The Hebrew calendar date with gershayim, e.g. 'י״ב כסלו תשפ״ז'."""
    return hdates.HebrewDate.from_pydate(day).hebrew_date_string()
