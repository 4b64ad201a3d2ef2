"""A QTableView set up the way every Gvia table wants it: whole-row selection, sorting
through the model (in SQL), headers that keep their width, geometry of columns remembered."""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ui.widgets.persist import app_settings

RESIZE_ROWS = 100


class GviaTableView(QTableView):
    def __init__(self, settings_key: str, parent=None):
        super().__init__(parent)
        self._settings_key = f"tables/{settings_key}/header"
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        # resizeColumnsToContents() reads every row by default: 2 s on a client with
        # 1,300 invoices. The first rows (and the visible ones) are enough to size columns.
        header.setResizeContentsPrecision(RESIZE_ROWS)

    def restore_header(self) -> bool:
        state = app_settings().value(self._settings_key)
        return bool(state) and self.horizontalHeader().restoreState(state)

    def save_header(self) -> None:
        app_settings().setValue(self._settings_key, self.horizontalHeader().saveState())

    def select_row(self, row: int) -> None:
        """Select a whole row. (QTableView.selectRow looks up the column at the viewport's
        leading edge, which under right-to-left can miss every section and select nothing.)"""
        index = self.model().index(row, 0)
        if not index.isValid():
            return
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        self.scrollTo(index)

    def selected_id(self, role) -> int | None:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        return rows[0].data(role) if rows else None
