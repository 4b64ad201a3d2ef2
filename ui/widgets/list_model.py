"""A small table model over a Python list (a client's invoices, payments, contacts:
tens to hundreds of rows, fetched whole). Columns are described by `Column` objects: a
column may colour its text by the row's state (`foreground`, a colour from ui.style) and
one long text column may take the width left over (`stretch`, GviaTableView)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from ui.widgets.display import AMOUNT_ALIGNMENT, ID_ROLE, SORT_ROLE


@dataclass
class Column:
    header: Callable[[], str]                # translated when asked
    text: Callable[[Any], str]
    sort_value: Callable[[Any], Any] | None = None
    is_amount: bool = False
    tooltip: Callable[[Any], str] | None = None
    foreground: Callable[[Any], Any] | None = None  # a QColor (ui.style) or None
    stretch: bool = False


class ListTableModel(QAbstractTableModel):
    def __init__(self, columns: list[Column], id_of: Callable[[Any], int], parent=None):
        super().__init__(parent)
        self.columns = columns
        self._id_of = id_of
        self._items: list = []

    @property
    def stretch_column(self) -> int | None:
        """The column that takes the width left over in a GviaTableView."""
        return next((n for n, c in enumerate(self.columns) if c.stretch), None)

    def set_items(self, items: list) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def items(self) -> list:
        return list(self._items)

    def item_at(self, row: int):
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(self.columns):
            return self.columns[section].header()
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        item = self._items[index.row()]
        column = self.columns[index.column()]
        if role == Qt.DisplayRole:
            return column.text(item)
        if role == ID_ROLE:
            return self._id_of(item)
        if role == SORT_ROLE:
            return (column.sort_value or column.text)(item)
        if role == Qt.TextAlignmentRole and column.is_amount:
            return int(AMOUNT_ALIGNMENT)
        if role == Qt.ToolTipRole and column.tooltip:
            return column.tooltip(item)
        if role == Qt.ForegroundRole and column.foreground:
            return column.foreground(item)
        return None

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        col = self.columns[column]
        key = col.sort_value or col.text
        self.layoutAboutToBeChanged.emit()
        self._items.sort(key=key, reverse=order == Qt.DescendingOrder)
        self.layoutChanged.emit()
