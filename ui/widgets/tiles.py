"""KPI tiles: a label with its number right under it, in a quiet card, and a grid of
them that wraps to as many columns as the width allows (ui.style defines the look).

A tile's label and number sit TILE_GAP apart, both at the reading start of the tile, so
the eye goes from "Overdue" straight to its amount (not across a column of empty space).
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui import style


class KpiTile(QFrame):
    def __init__(self, title: str, *, object_name: str = "", large: bool = False,
                 parent=None):
        super().__init__(parent)
        self.setObjectName("kpiTile")
        self.label = QLabel(title)
        self.label.setObjectName("kpiLabel")
        self.label.setWordWrap(True)
        self.value = QLabel("…")
        if object_name:
            self.value.setObjectName(object_name)
        self.value.setFont(style.scaled_font(
            self.value.font(), style.KPI_SCALE if large else style.KPI_SMALL_SCALE, bold=True))
        self.value.setTextInteractionFlags(Qt.TextSelectableByMouse)
        # The other currencies' amounts, smaller, under the main one (never added up).
        self.detail = QLabel()
        self.detail.setObjectName(f"{object_name}_more" if object_name else "")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.detail.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 6, 10, 8)
        column.setSpacing(style.TILE_GAP)
        column.addWidget(self.label)
        column.addWidget(self.value)
        column.addWidget(self.detail)
        column.addStretch(1)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)
        self.setAccessibleName(title)

    def set_value(self, text: str, tone: str | None = None, detail: str = "") -> None:
        """The number (and, smaller below it, `detail`: more amounts), in a tone's colour."""
        self.value.setText(text)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        for label in (self.value, self.detail):
            style.set_tone(label, tone)
        self.setAccessibleDescription(" ".join(t for t in (text, detail) if t))

    def text(self) -> str:
        """Everything the tile's number says (the main amount and the others)."""
        return " · ".join(t for t in (self.value.text(), self.detail.text()) if t)


class TileGrid(QWidget):
    """Tiles in rows of `columns`, each column the same width."""

    def __init__(self, columns: int = 3, parent=None):
        super().__init__(parent)
        self.columns = columns
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(style.SPACING)
        self.grid.setVerticalSpacing(style.SPACING)
        self.tiles: list[KpiTile] = []
        for column in range(columns):
            self.grid.setColumnStretch(column, 1)

    def add_tile(self, tile: KpiTile) -> KpiTile:
        n = len(self.tiles)
        self.grid.addWidget(tile, n // self.columns, n % self.columns)
        self.tiles.append(tile)
        return tile

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(min(hint.width(), 720), hint.height())
