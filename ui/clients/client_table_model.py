"""The clients list: ids sorted and filtered in SQL, rows fetched per visible page, the
money columns filled in once the background summary arrives."""
from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt

from models.queries.client_list import (
    SUMMARY_SORTS,
    ClientRow,
    ClientSummary,
    client_ids,
    client_rows,
    sort_by_summary,
)
from ui.i18n import _
from ui.style import OVERDUE, state_colour
from ui.widgets.display import (
    AMOUNT_ALIGNMENT,
    SORT_ROLE,
    amounts_text,
    auto_dir,
    ltr,
    tabular_font,
)
from ui.widgets.id_table import IdTableModel
from ui.widgets.labels import client_status_label


class Columns(IntEnum):
    NAME = 0
    PHONE = 1
    CITY = 2
    OPEN = 3
    OVERDUE = 4
    OLDEST_DAYS = 5
    STATUS = 6


SQL_SORTS = {Columns.NAME: "name", Columns.PHONE: "phone", Columns.CITY: "city",
             Columns.STATUS: "status"}
SUMMARY_COLUMNS = {Columns.OPEN: "open", Columns.OVERDUE: "overdue",
                   Columns.OLDEST_DAYS: "oldest_days"}
assert set(SUMMARY_COLUMNS.values()) == set(SUMMARY_SORTS)


class ClientTableModel(IdTableModel):
    Columns = Columns
    stretch_column = Columns.NAME  # the long text; phones and amounts fit their content

    def __init__(self, parent=None):
        super().__init__(parent)
        self.search = ""
        self.status: str | None = None
        self.sort_column = Columns.NAME
        self.sort_order = Qt.AscendingOrder
        self.summaries: dict[int, ClientSummary] | None = None  # None: still computing
        self._amount_font = None
        self.queried = False

    def headers(self) -> list[str]:
        return [_("Name"), _("Phone"), _("City"), _("Open balance"), _("Overdue"),
                _("Oldest overdue (days)"), _("Status")]

    # ---- querying -------------------------------------------------------------------

    def requery(self) -> None:
        """Ask SQL for the ids matching the search, in the chosen order."""
        descending = self.sort_order == Qt.DescendingOrder
        sql_sort = SQL_SORTS.get(self.sort_column, "name")
        ids = client_ids(self.search, sort=sql_sort, status=self.status,
                         descending=descending if self.sort_column in SQL_SORTS else False)
        if self.sort_column in SUMMARY_COLUMNS and self.summaries is not None:
            ids = sort_by_summary(ids, self.summaries, SUMMARY_COLUMNS[self.sort_column],
                                  descending)
        self.set_ids(ids)
        self.queried = True

    def set_filter(self, search: str, status: str | None) -> None:
        self.search, self.status = search, status
        self.requery()

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        if not 0 <= column < len(Columns):
            return
        if (column, order) == (self.sort_column, self.sort_order) and self.queried:
            return  # the view re-announces the current sort; nothing to do
        self.sort_column, self.sort_order = Columns(column), order
        if self.sort_column in SUMMARY_COLUMNS and self.summaries is not None:
            # The summary is already in memory: reorder the id list we hold.
            self.reorder(sort_by_summary(self._ids, self.summaries,
                                         SUMMARY_COLUMNS[self.sort_column],
                                         order == Qt.DescendingOrder))
        else:
            self.requery()

    def set_summaries(self, summaries: dict[int, ClientSummary]) -> None:
        self.summaries = summaries
        if self.sort_column in SUMMARY_COLUMNS:
            self.reorder(sort_by_summary(self._ids, summaries,
                                         SUMMARY_COLUMNS[self.sort_column],
                                         self.sort_order == Qt.DescendingOrder))
        if self._shown:
            self.dataChanged.emit(self.index(0, Columns.OPEN),
                                  self.index(self._shown - 1, Columns.OLDEST_DAYS))

    def summary(self, client_id: int) -> ClientSummary | None:
        if self.summaries is None:
            return None
        return self.summaries.get(client_id) or ClientSummary(client_id)

    # ---- cells ----------------------------------------------------------------------

    def fetch_rows(self, ids: list[int]) -> dict[int, ClientRow]:
        return client_rows(ids)

    def cell(self, row: ClientRow, column: int, role: int):
        # `column` stays a plain int: IntEnum members compare and hash as ints, and
        # converting on every data() call is measurable when a page paints.
        if column in SUMMARY_COLUMNS:
            return self._summary_cell(row.id, column, role)
        if role == Qt.DisplayRole:
            if column == Columns.NAME:
                return auto_dir(row.name)
            if column == Columns.PHONE:
                return ltr(row.phone)
            if column == Columns.CITY:
                return auto_dir(row.city)
            return client_status_label(row.status)
        if role == SORT_ROLE:
            return {Columns.NAME: row.name, Columns.PHONE: row.phone, Columns.CITY: row.city,
                    Columns.STATUS: row.status}[column]
        return None

    def _summary_cell(self, client_id: int, column: int, role: int):
        summary = self.summary(client_id)
        if role == Qt.TextAlignmentRole:
            return int(AMOUNT_ALIGNMENT)
        if role == Qt.FontRole:
            if self._amount_font is None:
                from PySide6.QtWidgets import QApplication
                self._amount_font = tabular_font(QApplication.font())
            return self._amount_font
        if summary is None:
            if role == Qt.DisplayRole:
                return "…"
            if role == Qt.ToolTipRole:
                return _("Computing balances…")
            return None
        if role == Qt.DisplayRole:
            if column == Columns.OPEN:
                return amounts_text(summary.open_agorot)
            if column == Columns.OVERDUE:
                return amounts_text(summary.overdue_agorot)
            return ltr(str(summary.oldest_overdue_days)) if summary.oldest_overdue_days else ""
        if role == SORT_ROLE:
            return summary.sort_value(SUMMARY_COLUMNS[column])
        if role == Qt.ForegroundRole and column in (Columns.OVERDUE, Columns.OLDEST_DAYS) \
                and summary.oldest_overdue_days:
            return state_colour(OVERDUE)
        if role == Qt.ToolTipRole and column == Columns.OPEN and summary.credit_agorot:
            return _("Includes credit on account of {amount}").format(
                amount=amounts_text(summary.credit_agorot))
        return None
