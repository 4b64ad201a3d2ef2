"""A bar chart of the bucket totals, painted with QPainter (QtCharts lives in the large
PySide6-Addons package). Under right-to-left the first bucket is on the right, as a
Hebrew reader expects time to run; colours come from the palette."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from models.common.money import format_amount
from ui.i18n import _
from ui.widgets.chart_frame import ChartFrame
from ui.widgets.display import ltr


class AgingChart(QWidget):

    def __init__(self, parent=None):
        super().__init__(parent)
        self._labels: list[str] = []
        self._values: list[int] = []
        self._currency = "ILS"
        self._loading = False
        self._fit_minimum()
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.setAccessibleName(_("Totals by aging bucket"))

    def _fit_minimum(self) -> None:
        # The title, a bar's value above it, the bucket names below, and a figure.
        self.setMinimumHeight(max(150, ChartFrame.minimum_height(
            self.fontMetrics(), header_lines=1, lines_above=1, lines_below=1)))

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.FontChange:
            self._fit_minimum()
        super().changeEvent(event)

    def title_text(self) -> str:
        return _("Totals by aging bucket ({currency})").format(currency=ltr(self._currency))

    def frame(self) -> ChartFrame:
        """Where the title, the values, the bars and the bucket names go (tests use it)."""
        return ChartFrame(self.fontMetrics(), self.width(), self.height(),
                          title=self.title_text(), lines_above=1, lines_below=1)

    def set_data(self, labels: list[str], values_agorot: list[int], currency: str) -> None:
        self._labels = list(labels)
        self._values = list(values_agorot)
        self._currency = currency
        self.update()

    def set_loading(self, loading: bool) -> None:
        """While the report is computed an empty chart says "Loading…", not "nothing open"."""
        self._loading = loading
        self.update()

    def empty_text(self) -> str:
        """What the chart says when it has no bar to draw (tests read it too)."""
        return _("Loading…") if self._loading else _("Nothing is open as of this date.")

    def values(self) -> list[int]:
        return list(self._values)

    def sizeHint(self) -> QSize:
        return QSize(600, 200)

    def bar_rects(self) -> list[QRectF]:
        """Where each bucket's bar is drawn, in bucket order (also used by tests): inside
        the figure, below the line kept for the tallest bar's value."""
        if not self._values:
            return []
        figure = self.frame().figure
        slot = figure.width() / len(self._values)
        bar_width = slot * 0.6
        highest = max(self._values) or 1
        rects = []
        for i, value in enumerate(self._values):
            position = len(self._values) - 1 - i if self.isRightToLeft() else i
            x = figure.left() + position * slot + (slot - bar_width) / 2
            height = figure.height() * max(value, 0) / highest
            rects.append(QRectF(x, figure.bottom() - height, bar_width, height))
        return rects

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        palette = self.palette()
        metrics = self.fontMetrics()
        frame = self.frame()
        line = frame.line
        text_colour = palette.color(QPalette.WindowText)
        painter.setPen(text_colour)
        painter.drawText(frame.title_rect, Qt.AlignHCenter | Qt.AlignVCenter, frame.title)
        if not any(self._values):
            painter.drawText(frame.figure, Qt.AlignCenter, self.empty_text())
            return
        rects = self.bar_rects()
        slot = frame.figure.width() / len(rects)
        baseline = frame.figure.bottom()
        for i, (rect, value, label) in enumerate(zip(rects, self._values, self._labels)):
            # Not-yet-due money is calm; overdue money is the highlight colour.
            role = QPalette.Mid if i == 0 else QPalette.Highlight
            painter.fillRect(rect, palette.color(role))
            centre = rect.center().x()
            painter.setPen(text_colour)
            value_text = metrics.elidedText(format_amount(value), Qt.ElideRight, int(slot))
            painter.drawText(QRectF(centre - slot / 2, rect.top() - line - 2, slot, line),
                             Qt.AlignHCenter | Qt.AlignBottom, value_text)
            label_text = metrics.elidedText(label, Qt.ElideRight, int(slot))
            painter.drawText(QRectF(centre - slot / 2, frame.below_rect.top(), slot, line),
                             Qt.AlignHCenter | Qt.AlignTop, label_text)
        painter.setPen(palette.color(QPalette.Mid))
        painter.drawLine(int(frame.figure.left()), int(baseline), int(frame.figure.right()),
                         int(baseline))
