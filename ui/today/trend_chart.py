"""A small painted chart of the overdue total at each of the last weeks (QPainter; QtCharts
lives in the large PySide6-Addons package). One currency at a time — amounts in different
currencies are never added. Under right-to-left time runs from right to left: the oldest
week on the right, today on the left, as a Hebrew reader reads. Colours from the palette."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from models.common.dates import format_date
from models.common.money import format_money
from ui.i18n import _


class TrendChart(QWidget):
    MARGIN = 8

    def __init__(self, parent=None):
        super().__init__(parent)
        self._dates: list[dt.date] = []
        self._values: list[int] = []
        self._currency = "ILS"
        self.setMinimumHeight(110)
        self.setMinimumWidth(200)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.setAccessibleName(_("Overdue trend"))

    def set_trend(self, trend: list[tuple[dt.date, dict[str, int]]], currency: str) -> None:
        self._dates = [day for day, _amounts in trend]
        self._values = [amounts.get(currency, 0) for _day, amounts in trend]
        self._currency = currency
        self.setToolTip(_("Overdue at the end of each week, {currency}").format(
            currency=currency))
        self.update()

    def values(self) -> list[int]:
        return list(self._values)

    def currency(self) -> str:
        return self._currency

    def sizeHint(self) -> QSize:
        return QSize(360, 130)

    def points(self) -> list[QPointF]:
        """Where each week's value is drawn, oldest first (tests use this too)."""
        if not self._values:
            return []
        line = self.fontMetrics().height()
        top = self.MARGIN + line + 6
        bottom = self.height() - self.MARGIN - line - 4
        left, right = self.MARGIN, self.width() - self.MARGIN
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
        metrics = self.fontMetrics()
        line = metrics.height()
        text = palette.color(QPalette.WindowText)
        painter.setPen(text)
        inner = QRectF(self.MARGIN, self.MARGIN, self.width() - 2 * self.MARGIN, line)
        # Explicit sides (AlignAbsolute): the reading start is the right under RTL.
        rtl, side = self.isRightToLeft(), Qt.AlignAbsolute | Qt.AlignVCenter
        start = (Qt.AlignRight if rtl else Qt.AlignLeft) | side
        end = (Qt.AlignLeft if rtl else Qt.AlignRight) | side
        painter.drawText(inner, start,
                         _("Overdue trend, {weeks} weeks").format(weeks=len(self._values)))
        if not any(self._values):
            painter.drawText(self.rect(), Qt.AlignCenter, _("Nothing overdue in these weeks."))
            return
        points = self.points()
        painter.drawText(inner, end,
                         _("now {amount}").format(
                             amount=format_money(self._values[-1], self._currency)))
        bottom = self.height() - self.MARGIN - line - 4
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
            painter.drawEllipse(point, 2.5, 2.5)
        painter.setPen(palette.color(QPalette.Mid))
        painter.drawLine(QPointF(self.MARGIN, bottom), QPointF(self.width() - self.MARGIN, bottom))
        painter.setPen(text)
        labels = QRectF(self.MARGIN, bottom + 2, self.width() - 2 * self.MARGIN, line)
        first, last = format_date(self._dates[0]), format_date(self._dates[-1])
        # The oldest date sits under the oldest point, whichever side that is.
        painter.drawText(labels, start, first)
        painter.drawText(labels, end, last)
