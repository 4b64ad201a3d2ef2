"""'Today' for the screens, in one place: views pass it as `as_of` to the domain, and
tests replace `ui.widgets.clock.today` to pin the date."""
from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    return dt.date.today()
