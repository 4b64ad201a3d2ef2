"""A table model over an ordered list of record ids, rows fetched lazily (Anki's browser).

The query layer gives the full sorted id list (sorting and filtering happen in SQL); the
model shows it in growing slices (canFetchMore/fetchMore) and asks for row data only for
the page a view actually paints. Subclasses define `Columns`, headers, `fetch_rows(ids)`
and `cell(row, column, role)`.
"""
from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from ui.widgets.display import ID_ROLE


class IdTableModel(QAbstractTableModel):
    Columns: type[IntEnum]
    FETCH_STEP = 500   # rows added to the view per fetchMore
    PAGE = 200         # rows fetched from the database at once

    def __init__(self, parent=None):
        super().__init__(parent)
        self._ids: list[int] = []
        self._shown = 0
        self._rows: dict[int, object] = {}
        self._position: dict[int, int] = {}
        self._column_count = len(self.Columns)

    # ---- to implement ---------------------------------------------------------------

    def headers(self) -> list[str]:
        raise NotImplementedError

    def fetch_rows(self, ids: list[int]) -> dict[int, object]:
        raise NotImplementedError

    def cell(self, row: object, column: int, role: int):
        raise NotImplementedError

    # ---- the id list ----------------------------------------------------------------

    def set_ids(self, ids: list[int]) -> None:
        """Show a new ordered id list (after a filter or sort). Cached rows are kept."""
        self.beginResetModel()
        self._ids = list(ids)
        self._position = {}
        self._shown = min(len(self._ids), self.FETCH_STEP)
        self.endResetModel()

    def reorder(self, ids: list[int]) -> None:
        """Same rows in another order (a sort on data the model already knows)."""
        self.layoutAboutToBeChanged.emit()
        self._ids = list(ids)
        self._position = {}
        self.layoutChanged.emit()

    def forget_rows(self) -> None:
        """Drop cached rows (data changed) and repaint what is visible."""
        self._rows.clear()
        if self._shown:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self._shown - 1, self.columnCount() - 1))

    def ids(self) -> list[int]:
        return list(self._ids)

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < self._shown else None

    def row_of(self, record_id: int) -> int | None:
        """Row index of a record (loading more rows if it is further down), or None."""
        if not self._position:
            self._position = {rid: i for i, rid in enumerate(self._ids)}
        row = self._position.get(record_id)
        if row is None:
            return None
        while row >= self._shown and self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())
        return row

    def row_data(self, row: int):
        """The fetched record behind a row, loading its page on first use."""
        record_id = self._ids[row]
        record = self._rows.get(record_id)
        if record is None:
            start = row - row % self.PAGE
            page = [rid for rid in self._ids[start:start + self.PAGE] if rid not in self._rows]
            self._rows.update(self.fetch_rows(page))
            record = self._rows.get(record_id)
        return record

    # ---- Qt -------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._column_count

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and self._shown < len(self._ids)

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid():
            return
        count = min(self.FETCH_STEP, len(self._ids) - self._shown)
        if count <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + count - 1)
        self._shown += count
        self.endInsertRows()

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            headers = self.headers()  # translated when asked, not at import time
            return headers[section] if 0 <= section < len(headers) else None
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or index.row() >= self._shown:
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        record = self.row_data(index.row())
        if record is None:  # deleted meanwhile; the next refresh removes the row
            return None
        return self.cell(record, index.column(), role)

    def flags(self, index):
        if not index.isValid():
            return Qt.NoItemFlags
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable
