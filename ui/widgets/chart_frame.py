"""Where a small painted chart puts its title, its figure and its axis labels, worked out
from the font's metrics, so none of them overlaps another whatever the font, the scaling
or the size of the amounts (a big ledger's "now 12,345,678.90 ₪" is wide).

The header holds the title at the reading start and an optional note (the latest amount)
at the other end; when both do not fit on one line with a gap between them, the note
takes a second line, and a title still too long for the width is elided (its full text
is the chart's tooltip). Below the header come `lines_above` lines for labels drawn
above the figure (a bar's value), then the figure, then `lines_below` lines of axis
labels.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetrics

MARGIN = 8  # px around the chart
GAP = 4     # px between the header, the figure and the labels
MIN_FIGURE = 40  # px: the least height a figure is drawn in


class ChartFrame:
    def __init__(self, metrics: QFontMetrics, width: float, height: float, *, title: str,
                 note: str = "", lines_above: int = 0, lines_below: int = 1):
        line = metrics.height()
        inner = max(width - 2 * MARGIN, 0)
        self.line = line
        title_width = metrics.horizontalAdvance(title)
        note_width = metrics.horizontalAdvance(note) if note else 0
        self.note_on_own_line = bool(note) and title_width + 2 * line + note_width > inner
        self.title = metrics.elidedText(title, Qt.ElideRight, int(inner))
        self.title_rect = QRectF(MARGIN, MARGIN, inner, line)
        note_top = MARGIN + (line if self.note_on_own_line else 0)
        self.note = metrics.elidedText(note, Qt.ElideRight, int(inner)) if note else ""
        self.note_rect = QRectF(MARGIN, note_top, inner, line)
        self.header_bottom = note_top + line
        self.above_rect = QRectF(MARGIN, self.header_bottom + GAP, inner, lines_above * line)
        top = self.above_rect.bottom()
        bottom = height - MARGIN - lines_below * line - GAP
        self.figure = QRectF(MARGIN, top, inner, max(bottom - top, 0.0))
        self.below_rect = QRectF(MARGIN, bottom + GAP, inner, lines_below * line)

    @staticmethod
    def minimum_height(metrics: QFontMetrics, *, header_lines: int = 2, lines_above: int = 0,
                       lines_below: int = 1) -> int:
        """The height at which every part still has its room (the note on its own line)."""
        line = metrics.height()
        return (2 * MARGIN + (header_lines + lines_above + lines_below) * line + 2 * GAP
                + MIN_FIGURE)
