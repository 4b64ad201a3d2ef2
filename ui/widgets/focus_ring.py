"""A focus ring you can see: a 2 px outline, in the palette's highlight colour, around the
widget that has the keyboard focus — line edits, buttons, combos, spin boxes, check boxes,
radio buttons, tabs, tables and lists — in either direction.

It is a proxy over the platform's own style (Fusion on Linux), drawn after the style has
painted the widget, so every widget keeps its usual look. (A style sheet `:focus` border
would do the same for a line edit, but it replaces Fusion's drawing of the widget it
styles: a focused combo box lost its button face and a spin box its arrows.)
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QProxyStyle,
    QStyle,
    QStyleOptionButton,
)

RING = 2  # px


def ring_colour(palette: QPalette):
    return palette.color(QPalette.Active, QPalette.Highlight).darker(125)


class FocusRingStyle(QProxyStyle):
    def _ring(self, painter: QPainter, rect, palette: QPalette, radius: float = 3.0) -> None:
        painter.save()
        painter.setRenderHint(QPainter.Antialiasing, True)
        pen = QPen(ring_colour(palette), RING)
        pen.setJoinStyle(Qt.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.NoBrush)
        half = RING / 2
        painter.drawRoundedRect(QRectF(rect).adjusted(half, half, -half, -half), radius, radius)
        painter.restore()

    @staticmethod
    def _focused(option, widget) -> bool:
        return (widget is not None and bool(option.state & QStyle.State_HasFocus)
                and widget.hasFocus())

    def pixelMetric(self, metric, option=None, widget=None):
        # Tables, lists and text boxes: a frame wide enough to show the whole ring (their
        # header and viewport cover everything inside the frame).
        if metric == QStyle.PM_DefaultFrameWidth and isinstance(widget, QAbstractScrollArea):
            return max(RING, super().pixelMetric(metric, option, widget))
        return super().pixelMetric(metric, option, widget)

    def drawPrimitive(self, element, option, painter, widget=None) -> None:
        if element == QStyle.PE_FrameFocusRect and widget is not None and not isinstance(
                widget, QAbstractItemView) and not isinstance(widget.parentWidget(),
                                                              QAbstractItemView):
            # Tabs, group box titles and the like: the ring instead of the faint dotted one.
            self._ring(painter, option.rect.adjusted(-1, -1, 1, 1), option.palette, 2.0)
            return
        super().drawPrimitive(element, option, painter, widget)
        if (element == QStyle.PE_PanelLineEdit and getattr(option, "lineWidth", 0) > 0
                and self._focused(option, widget)):
            self._ring(painter, option.rect, option.palette)

    def drawControl(self, element, option, painter, widget=None) -> None:
        if element in (QStyle.CE_CheckBox, QStyle.CE_RadioButton) and self._focused(option,
                                                                                     widget):
            # Around the box and its label together, not the label alone.
            plain = QStyleOptionButton(option)
            plain.state &= ~QStyle.State_HasFocus
            super().drawControl(element, plain, painter, widget)
            is_check = element == QStyle.CE_CheckBox
            box = self.subElementRect(QStyle.SE_CheckBoxIndicator if is_check
                                      else QStyle.SE_RadioButtonIndicator, option, widget)
            label = self.subElementRect(QStyle.SE_CheckBoxFocusRect if is_check
                                        else QStyle.SE_RadioButtonFocusRect, option, widget)
            area = box.united(label).adjusted(-3, -2, 3, 2).intersected(option.rect)
            self._ring(painter, area, option.palette)
            return
        super().drawControl(element, option, painter, widget)
        if element == QStyle.CE_PushButton and self._focused(option, widget):
            self._ring(painter, option.rect, option.palette)
        elif (element == QStyle.CE_ShapedFrame and isinstance(widget, QAbstractScrollArea)
              and widget.hasFocus()):
            self._ring(painter, option.rect, option.palette, 2.0)

    def drawComplexControl(self, control, option, painter, widget=None) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control in (QStyle.CC_ComboBox, QStyle.CC_SpinBox, QStyle.CC_ToolButton,
                       QStyle.CC_Slider) and widget is not None and widget.hasFocus():
            self._ring(painter, option.rect, option.palette)


def install_focus_ring(app) -> None:
    """Wrap the application's current style (once)."""
    if isinstance(app.style(), FocusRingStyle):
        return
    from PySide6 import QtWidgets

    factory = QtWidgets.QStyleFactory  # a Qt style by its name (not a database model)
    base = factory.create(app.style().name()) or factory.create("Fusion")
    app.setStyle(FocusRingStyle(base))
