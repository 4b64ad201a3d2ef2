"""How values look inside the right-to-left window.

Numbers, dates, invoice numbers, e-mail and phone are left-to-right runs inside Hebrew:
each is wrapped in a directional isolate so its characters keep their order and do not
pull neighbouring punctuation across. Isolating is for display only.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase

from models.common.dates import format_date
from models.common.money import format_money
from ui.widgets.bidi import name_text

LRI, FSI, PDI = "\u2066", "\u2068", "\u2069"
# Amounts line up by their last digit: visually right, whatever the layout direction.
AMOUNT_ALIGNMENT = Qt.AlignRight | Qt.AlignAbsolute | Qt.AlignVCenter
ID_ROLE = Qt.UserRole          # the record id behind a row
SORT_ROLE = Qt.UserRole + 1    # the raw value a column sorts by (agorot, a date, …)


def ltr(text: str | None) -> str:
    """`text` as an isolated left-to-right run (empty stays empty)."""
    return f"{LRI}{text}{PDI}" if text else ""


def auto_dir(text: str | None) -> str:
    """Free text (a name) that may be written in Latin letters: isolated, with its own
    direction taken from its first letter, so `Cobalt Software Inc.` keeps its final
    period on the right. Hebrew text is returned as it is."""
    return name_text(text)


def date_text(day: dt.date | None) -> str:
    return ltr(format_date(day)) if day else ""


def money_text(agorot: int, currency: str = "ILS") -> str:
    """babel's he_IL form (`‏1,234.50 ‏₪`), which already carries its direction marks."""
    return format_money(agorot, currency)


def amounts_list(amounts: dict[str, int]) -> list[str]:
    """Each currency's amount in words, shekels first, then by code (zeros left out)."""
    ordered = sorted(amounts.items(), key=lambda kv: (kv[0] != "ILS", kv[0]))
    return [money_text(v, c) for c, v in ordered if v]


def amounts_text(amounts: dict[str, int]) -> str:
    """Amounts in several currencies side by side, never added up: shekels first."""
    return " · ".join(amounts_list(amounts))


def tabular_font(base: QFont) -> QFont:
    """The same font with tabular (fixed-width) digits, so amounts line up in columns."""
    font = QFont(base)
    try:
        font.setFeature(QFont.Tag("tnum"), 1)
    except (AttributeError, TypeError):  # Qt < 6.6: proportional digits, still readable
        pass
    return font


def fixed_font() -> QFont:
    return QFontDatabase.systemFont(QFontDatabase.FixedFont)
