"""Long content on a small screen: a laptop at 125–150 % scaling has only 1280×720 or
1366×768 logical pixels, so a long form or page scrolls (up and down) while the buttons
that act on it stay outside the scroll area, always in view."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QFrame, QLayout, QScrollArea, QVBoxLayout, QWidget


class ScrollArea(QScrollArea):
    """A frameless, widget-resizable scroll area that scrolls vertically only: it is at
    least as wide as its content must be (so nothing is cut at the side), and as short as
    the window needs it to be."""

    def __init__(self, content: QWidget | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        if content is not None:
            self.setWidget(content)

    def setWidget(self, widget: QWidget) -> None:
        super().setWidget(widget)
        widget.installEventFilter(self)
        self.updateGeometry()

    def eventFilter(self, watched, event) -> bool:
        # The content's minimum width changed (a longer text): the layout around the
        # scroll area asks again.
        if watched is self.widget() and event.type() == QEvent.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        content = self.widget()
        if content is not None:
            width = (content.minimumSizeHint().width()
                     + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth())
            hint.setWidth(max(hint.width(), width))
        return hint


def scrolling(*parts: QWidget | QLayout, stretch: bool = True) -> ScrollArea:
    """A ScrollArea holding `parts` one below the other, topmost first; `stretch` keeps
    them at the top when there is room to spare."""
    content = QWidget()
    column = QVBoxLayout(content)
    column.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        if isinstance(part, QLayout):
            column.addLayout(part)
        else:
            column.addWidget(part)
    if stretch:
        column.addStretch(1)
    return ScrollArea(content)
