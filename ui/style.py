"""Gvia's one visual style, defined once: spacing, type sizes, the colours of money states
(overdue red, paid green, pending amber, cancelled grey) and the style sheet fragment that
the application adds to its style.

Every screen asks here: a table model's ForegroundRole for a state (`state_colour`,
`invoice_state_colour`), a page's margins (`page_margins`), a title's font (`title_font`),
a KPI tile (ui.widgets.tiles). The colours come in a light and a dark twin, each keeping
a 4.5:1 contrast (WCAG AA) on the window colour of its palette.

The widgets' own drawing stays the platform's (Fusion on Linux) and the focus ring stays
the proxy style's (ui.widgets.focus_ring): the style sheet only names Gvia's own objects
(tiles, empty states, tones), so no push button, line edit or combo box is restyled.
"""
from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QLayout

# ---- spacing (logical pixels) -----------------------------------------------------------

SPACING = 8        # between neighbouring widgets in a row or a column
PAGE_MARGIN = 12   # around a page's content
TILE_GAP = 2       # between a KPI tile's label and its number

# ---- type ----------------------------------------------------------------------------

TITLE_SCALE = 1.4       # a page's title
KPI_SCALE = 1.3         # the number of a money tile
KPI_SMALL_SCALE = 1.15  # the number of a count tile

# ---- colours ---------------------------------------------------------------------------

OVERDUE = "overdue"      # money late: red
PAID = "paid"            # money in: green
PENDING = "pending"      # waiting (a post-dated check, a promise, a dispute): amber
CANCELLED = "cancelled"  # not counted any more: grey
TONES = (OVERDUE, PAID, PENDING, CANCELLED)

# (on a light window, on a dark window)
_COLOURS = {
    OVERDUE: ("#b3261e", "#ff8a80"),
    PAID: ("#1e6b34", "#7fd38f"),
    PENDING: ("#8a5300", "#ffc04d"),
    CANCELLED: ("#5f6368", "#a8adb3"),
}

# Invoice states (models.ledger.invoices.INVOICE_STATES) and their tone; "open" (not yet
# due) keeps the ordinary text colour.
INVOICE_STATE_TONES = {"overdue": OVERDUE, "paid": PAID, "pending": PENDING,
                       "disputed": PENDING, "cancelled": CANCELLED}


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette if palette is not None else QApplication.palette()
    return palette.color(QPalette.Window).lightness() < 128


def state_colour(tone: str | None, palette: QPalette | None = None) -> QColor | None:
    """The colour of a tone, readable on the palette's window (None: the usual text)."""
    pair = _COLOURS.get(tone or "")
    if pair is None:
        return None
    return QColor(pair[1] if is_dark(palette) else pair[0])


def invoice_state_colour(state: str, palette: QPalette | None = None) -> QColor | None:
    """An invoice state's text colour in a table (overdue red, paid green, pending amber)."""
    return state_colour(INVOICE_STATE_TONES.get(state), palette)


def quiet_colour(palette: QPalette | None = None) -> QColor:
    """Secondary text (a tile's label, an empty list's hint): the text colour two thirds
    of the way from the window colour, which keeps 4.5:1 on either palette."""
    palette = palette if palette is not None else QApplication.palette()
    text, window = palette.color(QPalette.WindowText), palette.color(QPalette.Window)
    mix = [round(t * 0.7 + w * 0.3) for t, w in zip(text.getRgb()[:3], window.getRgb()[:3])]
    return QColor(*mix)


def set_tone(widget, tone: str | None) -> None:
    """Colour a label's text by tone (the style sheet's [tone=…] rules), or plain again."""
    if widget.property("tone") == (tone or ""):
        return
    widget.setProperty("tone", tone or "")
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


# ---- fonts and layouts -------------------------------------------------------------------

def scaled_font(base: QFont, scale: float, *, bold: bool = False) -> QFont:
    font = QFont(base)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * scale)
    else:
        font.setPixelSize(round(font.pixelSize() * scale))
    font.setBold(bold)
    return font


def title_font(base: QFont) -> QFont:
    """A page's title (Today — date, a card's name)."""
    return scaled_font(base, TITLE_SCALE, bold=True)


def page_margins(layout: QLayout) -> None:
    """The margins and spacing of a page's outer layout."""
    layout.setContentsMargins(PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN)
    layout.setSpacing(SPACING)


# ---- the style sheet fragment ----------------------------------------------------------------

def style_sheet(palette: QPalette | None = None) -> str:
    """Rules for Gvia's own objects only (see the module's docstring)."""
    palette = palette if palette is not None else QApplication.palette()
    quiet = quiet_colour(palette).name()
    rules = [
        # A KPI tile: a quiet card, its label above its number.
        "QFrame#kpiTile { border: 1px solid palette(mid); border-radius: 6px;"
        " background: palette(base); }",
        "QFrame#kpiTile QLabel { border: none; background: transparent; }",
        f"QLabel#kpiLabel {{ color: {quiet}; }}",
        # An empty or loading list: the message and its buttons over the list.
        "QFrame#emptyState { background: transparent; }",
        "QLabel#emptyStateTitle { font-weight: bold; }",
        f"QLabel#emptyStateText {{ color: {quiet}; }}",
    ]
    for tone in TONES:
        rules.append(f'QLabel[tone="{tone}"] {{ color: {state_colour(tone, palette).name()}; }}')
    return "\n".join(rules)


MARKER = "/* gvia style */"


def apply_style(app: QApplication) -> None:
    """Add the fragment to the application's style sheet (once; what is there stays)."""
    sheet = app.styleSheet() or ""
    if MARKER in sheet:
        return
    app.setStyleSheet(f"{sheet}\n{MARKER}\n{style_sheet(app.palette())}".strip())
