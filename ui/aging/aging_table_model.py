"""The aging table: one row per client of the chosen currency, then a totals row.

Columns are the client, one column per bucket (their number follows the boundaries
in the settings), the total and the credit on account. Sorting uses raw agorot and the
client's search key, never the displayed text; the totals row stays last.
"""
from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QFont

from models.common.money import format_amount
from models.common.text import search_key
from models.queries.aging import AgingReport, AgingRow, bucket_titles
from ui.i18n import _
from ui.widgets.display import AMOUNT_ALIGNMENT, ID_ROLE, SORT_ROLE, auto_dir, tabular_font

CLIENT_ID_ROLE = ID_ROLE           # the client's id (None on the totals row)
# SORT_ROLE: the raw value, agorot or the name's search key.
RAW_VALUE_ROLE = Qt.UserRole + 2   # unformatted agorot, for copying and tests
IS_TOTAL_ROLE = Qt.UserRole + 3


class Columns(IntEnum):
    """Fixed columns; the buckets start at FIRST_BUCKET, then TOTAL and CREDIT follow
    (see `AgingTableModel.total_column` / `credit_column`)."""
    CLIENT = 0
    FIRST_BUCKET = 1


class AgingTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._report: AgingReport | None = None
        self._currency = "ILS"
        self._rows: list[AgingRow] = []
        self._total: AgingRow | None = None
        self._headers: list[str] = [_("Client")]
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # ---- content --------------------------------------------------------------------

    def set_report(self, report: AgingReport, currency: str) -> None:
        self.beginResetModel()
        self._report = report
        self._currency = currency
        self._rows = [row for row in report.rows if row.currency == currency]
        totals = {row.currency: row for row in report.totals()}
        self._total = totals.get(currency) or AgingRow(
            None, "TOTAL", currency, [0] * (len(report.boundaries) + 2))
        self._headers = [_("Client"), *bucket_titles(report.boundaries),
                         _("Total"), _("Credit on account")]
        if self._sort is not None:
            self._sort_rows(*self._sort)
        self.endResetModel()

    @property
    def report(self) -> AgingReport | None:
        return self._report

    @property
    def currency(self) -> str:
        return self._currency

    @property
    def bucket_count(self) -> int:
        return len(self._headers) - 3

    def total_column(self) -> int:
        return Columns.FIRST_BUCKET + self.bucket_count

    def credit_column(self) -> int:
        return self.total_column() + 1

    def bucket_of_column(self, column: int) -> int | None:
        """The bucket index (0 = not yet due) a column shows, None for other columns."""
        if Columns.FIRST_BUCKET <= column < self.total_column():
            return column - Columns.FIRST_BUCKET
        return None

    def client_rows(self) -> list[AgingRow]:
        return list(self._rows)

    def total_row(self) -> AgingRow | None:
        return self._total

    def row_at(self, row: int) -> AgingRow | None:
        if 0 <= row < len(self._rows):
            return self._rows[row]
        if row == len(self._rows) and self._total is not None:
            return self._total
        return None

    def is_total_row(self, row: int) -> bool:
        return self._total is not None and row == len(self._rows)

    def value(self, row: AgingRow, column: int) -> int | None:
        """Agorot shown in `column` for `row`; None for the client column."""
        if column == Columns.CLIENT:
            return None
        bucket = self.bucket_of_column(column)
        if bucket is not None:
            return row.buckets[bucket]
        if column == self.total_column():
            return row.total
        return row.credit

    # ---- Qt interface ---------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        if parent.isValid() or self._total is None:
            return 0
        return len(self._rows) + 1

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and 0 <= section < len(self._headers):
            if role == Qt.DisplayRole:
                return self._headers[section]
            if role == Qt.TextAlignmentRole and section != Columns.CLIENT:
                return AMOUNT_ALIGNMENT
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        column = index.column()
        is_total = self.is_total_row(index.row())
        if role == Qt.DisplayRole:
            if column == Columns.CLIENT:
                return _("Total") if is_total else auto_dir(row.client)
            agorot = self.value(row, column)
            # Empty cells in client rows let the eye find where the debt is.
            return format_amount(agorot) if agorot or is_total else ""
        if role == Qt.TextAlignmentRole and column != Columns.CLIENT:
            return AMOUNT_ALIGNMENT
        if role == Qt.FontRole and (is_total or column != Columns.CLIENT):
            font = tabular_font(QFont())
            font.setBold(is_total)
            return font
        if role == CLIENT_ID_ROLE:
            return row.client_id
        if role == RAW_VALUE_ROLE:
            return self.value(row, column)
        if role == SORT_ROLE:
            return search_key(row.client) if column == Columns.CLIENT else self.value(row, column)
        if role == IS_TOTAL_ROLE:
            return is_total
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        if not 0 <= column < len(self._headers):
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        held = [(index, self.row_at(index.row())) for index in before]
        self._sort = (column, order)
        self._sort_rows(column, order)
        position = {id(row): i for i, row in enumerate(self._rows)}
        for index, row in held:
            new_row = position.get(id(row), index.row())  # the totals row does not move
            self.changePersistentIndex(index, self.index(new_row, index.column()))
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        if column == Columns.CLIENT:
            key = lambda r: (search_key(r.client), r.client_id)  # noqa: E731
        else:
            key = lambda r: (self.value(r, column), search_key(r.client))  # noqa: E731
        self._rows.sort(key=key, reverse=order == Qt.DescendingOrder)
