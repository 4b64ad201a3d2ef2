"""A small painted chart of the overdue total at each of the last weeks (QPainter; QtCharts
lives in the large PySide6-Addons package). One currency at a time — amounts in different
currencies are never added. Under right-to-left time runs from right to left: the oldest
week on the right, today on the left, as a Hebrew reader reads. Colours from the palette."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QPointF, QSize, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from models.common.dates import format_date
from models.common.money import format_money
from ui.i18n import _
from ui.widgets.chart_frame import ChartFrame
from ui.widgets.display import ltr


class TrendChart(QWidget):
    DOT = 2.5  # px: the radius of a week's dot

    def __init__(self, parent=None):
        super().__init__(parent)
        self._dates: list[dt.date] = []
        self._values: list[int] = []
        self._currency = "ILS"
        self.setMinimumWidth(200)
        self._fit_minimum()
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.setAccessibleName(_("Overdue trend"))

    def _fit_minimum(self) -> None:
        self.setMinimumHeight(ChartFrame.minimum_height(self.fontMetrics()))

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.FontChange:
            self._fit_minimum()
        super().changeEvent(event)

    def set_trend(self, trend: list[tuple[dt.date, dict[str, int]]], currency: str) -> None:
        self._dates = [day for day, _amounts in trend]
        self._values = [amounts.get(currency, 0) for _day, amounts in trend]
        self._currency = currency
        self.setToolTip(_("Overdue at the end of each week, {currency}").format(
            currency=ltr(currency)))
        self.update()

    def values(self) -> list[int]:
        return list(self._values)

    def currency(self) -> str:
        return self._currency

    def sizeHint(self) -> QSize:
        return QSize(360, max(130, self.minimumHeight()))

    def title_text(self) -> str:
        return _("Overdue trend, {weeks} weeks").format(weeks=len(self._values))

    def note_text(self) -> str:
        if not any(self._values):
            return ""
        return _("now {amount}").format(amount=format_money(self._values[-1], self._currency))

    def frame(self) -> ChartFrame:
        """Where the title, the latest amount, the line and the dates go (tests use it)."""
        return ChartFrame(self.fontMetrics(), self.width(), self.height(),
                          title=self.title_text(), note=self.note_text(), lines_below=1)

    def points(self) -> list[QPointF]:
        """Where each week's value is drawn, oldest first (tests use this too): inside the
        figure's rectangle, the dots included."""
        if not self._values:
            return []
        figure = self.frame().figure
        pad = self.DOT + 1
        top, bottom = figure.top() + pad, figure.bottom()
        left, right = figure.left() + pad, figure.right() - pad
        highest = max(self._values) or 1
        steps = max(len(self._values) - 1, 1)
        result = []
        for i, value in enumerate(self._values):
            fraction = i / steps
            if self.isRightToLeft():
                fraction = 1 - fraction
            x = left + fraction * (right - left)
            y = bottom - (bottom - top) * value / highest
            result.append(QPointF(x, y))
        return result

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        palette = self.palette()
        frame = self.frame()
        text = palette.color(QPalette.WindowText)
        painter.setPen(text)
        # Explicit sides (AlignAbsolute): the reading start is the right under RTL.
        rtl, side = self.isRightToLeft(), Qt.AlignAbsolute | Qt.AlignVCenter
        start = (Qt.AlignRight if rtl else Qt.AlignLeft) | side
        end = (Qt.AlignLeft if rtl else Qt.AlignRight) | side
        painter.drawText(frame.title_rect, start, frame.title)
        if not any(self._values):
            painter.drawText(frame.figure, Qt.AlignCenter, _("Nothing overdue in these weeks."))
            return
        points = self.points()
        painter.drawText(frame.note_rect, end, frame.note)  # above the newest week
        bottom = frame.figure.bottom()
        area = QPainterPath(QPointF(points[0].x(), bottom))
        for point in points:
            area.lineTo(point)
        area.lineTo(QPointF(points[-1].x(), bottom))
        area.closeSubpath()
        fill = palette.color(QPalette.Highlight)
        fill.setAlpha(60)
        painter.fillPath(area, fill)
        painter.setPen(QPen(palette.color(QPalette.Highlight), 2))
        for a, b in zip(points, points[1:]):
            painter.drawLine(a, b)
        for point in points:
            painter.drawEllipse(point, self.DOT, self.DOT)
        painter.setPen(palette.color(QPalette.Mid))
        painter.drawLine(QPointF(frame.figure.left(), bottom),
                         QPointF(frame.figure.right(), bottom))
        painter.setPen(text)
        first, last = format_date(self._dates[0]), format_date(self._dates[-1])
        # The oldest date sits under the oldest point, whichever side that is.
        painter.drawText(frame.below_rect, start, first)
        painter.drawText(frame.below_rect, end, last)
