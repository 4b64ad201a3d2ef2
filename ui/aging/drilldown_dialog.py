"""The invoices behind one aging cell: the list is loaded off the UI thread, and its open
amounts add up to the number that was double-clicked."""
from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QVBoxLayout,
)

from models.common.money import format_money
from models.common.text import document_number_key, search_key
from models.ledger.open_invoice import OpenInvoice
from ui.aging.aging_table_model import RAW_VALUE_ROLE
from ui.background import run_in_background
from ui.i18n import _, ngettext
from ui.widgets.display import AMOUNT_ALIGNMENT, ID_ROLE, SORT_ROLE, auto_dir, date_text, ltr
from ui.widgets.empty_state import ListOverlay
from ui.widgets.table_view import GviaTableView

INVOICE_ID_ROLE = ID_ROLE


@dataclass(frozen=True)
class DrillDownLine:
    client: str
    invoice: OpenInvoice


class Columns(IntEnum):
    CLIENT = 0
    NUMBER = 1
    ISSUE_DATE = 2
    DUE_DATE = 3
    AMOUNT = 4
    OPEN = 5
    DAYS_OVERDUE = 6
    DISPUTED = 7


def _headers() -> dict[Columns, str]:
    return {Columns.CLIENT: _("Client"), Columns.NUMBER: _("Invoice"),
            Columns.ISSUE_DATE: _("Issued"), Columns.DUE_DATE: _("Due"),
            Columns.AMOUNT: _("Amount"), Columns.OPEN: _("Open"),
            Columns.DAYS_OVERDUE: _("Days overdue"), Columns.DISPUTED: _("Disputed")}


class DrillDownTableModel(QAbstractTableModel):
    def __init__(self, currency: str, parent=None):
        super().__init__(parent)
        self._currency = currency
        self._lines: list[DrillDownLine] = []
        self._headers = _headers()

    def set_lines(self, lines: list[DrillDownLine]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self.endResetModel()

    def lines(self) -> list[DrillDownLine]:
        return list(self._lines)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(Columns):
            return self._headers[Columns(section)]
        return None

    def _raw(self, line: DrillDownLine, column: Columns):
        inv = line.invoice
        return {Columns.CLIENT: search_key(line.client),
                Columns.NUMBER: document_number_key(inv.number),
                Columns.ISSUE_DATE: inv.issue_date, Columns.DUE_DATE: inv.due_date,
                Columns.AMOUNT: inv.amount_agorot, Columns.OPEN: inv.open_agorot,
                Columns.DAYS_OVERDUE: inv.days_overdue,
                Columns.DISPUTED: inv.is_disputed}[column]

    def _display(self, line: DrillDownLine, column: Columns) -> str:
        inv = line.invoice
        if column == Columns.CLIENT:
            return auto_dir(line.client)
        if column == Columns.NUMBER:
            return ltr(inv.number)  # INV-2024/17 keeps its order inside Hebrew
        if column in (Columns.ISSUE_DATE, Columns.DUE_DATE):
            return date_text(self._raw(line, column))
        if column in (Columns.AMOUNT, Columns.OPEN):
            return format_money(self._raw(line, column), self._currency)
        if column == Columns.DAYS_OVERDUE:
            return str(inv.days_overdue) if inv.days_overdue > 0 else _("not yet due")
        return _("Yes") if inv.is_disputed else ""

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        column = Columns(index.column())
        if role == Qt.DisplayRole:
            return self._display(line, column)
        if role == Qt.TextAlignmentRole and column in (Columns.AMOUNT, Columns.OPEN,
                                                       Columns.DAYS_OVERDUE):
            return AMOUNT_ALIGNMENT
        if role == SORT_ROLE:
            return self._raw(line, column)
        if role == RAW_VALUE_ROLE:
            return self._raw(line, column)
        if role == INVOICE_ID_ROLE:
            return line.invoice.invoice_id
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        if not 0 <= column < len(Columns):
            return
        self.layoutAboutToBeChanged.emit()
        self._lines.sort(key=lambda line: (self._raw(line, Columns(column)),
                                           line.invoice.invoice_id),
                         reverse=order == Qt.DescendingOrder)
        self.layoutChanged.emit()


class DrillDownDialog(QDialog):
    """Lists the invoices `load()` returns (run on a pool thread)."""

    loaded = Signal()

    def __init__(self, title: str, currency: str, load: Callable[[], list[DrillDownLine]],
                 *, show_client: bool, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.currency = currency
        self.model = DrillDownTableModel(currency, self)
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        layout.addWidget(self.busy)
        self.table = GviaTableView("aging_drilldown")  # columns fitted to their content
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Columns.DUE_DATE, Qt.AscendingOrder)
        self.table.setColumnHidden(Columns.CLIENT, not show_client)
        self.table.set_stretch_column(Columns.CLIENT if show_client else None)
        layout.addWidget(self.table)
        self.overlay = ListOverlay(self.table)
        self.overlay.show_loading()
        self.summary = QLabel()
        layout.addWidget(self.summary)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 420)
        run_in_background(load, owner=self, on_done=self._show_lines, on_error=self._show_error)

    def _show_lines(self, lines: list[DrillDownLine]) -> None:
        self.model.set_lines(lines)
        self.table.sortByColumn(Columns.DUE_DATE, Qt.AscendingOrder)
        self.busy.hide()
        self.overlay.show_result(len(lines))
        open_total = sum(line.invoice.open_agorot for line in lines)
        self.summary.setText(ngettext("{count} invoice, open: {amount}",
                                      "{count} invoices, open: {amount}", len(lines)).format(
            count=len(lines), amount=format_money(open_total, self.currency)))
        self.loaded.emit()

    def _show_error(self, message: str) -> None:
        self.busy.hide()
        self.overlay.show_result()
        self.summary.setText(message)
        self.loaded.emit()

    def open_total_agorot(self) -> int:
        return sum(line.invoice.open_agorot for line in self.model.lines())
