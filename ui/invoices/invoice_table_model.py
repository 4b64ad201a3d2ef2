"""Every invoice, across clients: the id list comes sorted and filtered from SQL (on a
pool thread: a million invoices take a second or two), rows are fetched per page."""
from __future__ import annotations

import datetime as dt
from enum import IntEnum

from PySide6.QtCore import Qt

from models.queries.invoice_list import invoice_rows
from ui.i18n import _
from ui.style import invoice_state_colour
from ui.widgets.display import (
    AMOUNT_ALIGNMENT,
    SORT_ROLE,
    auto_dir,
    date_text,
    ltr,
    money_text,
)
from ui.widgets.id_table import IdTableModel


class Columns(IntEnum):
    NUMBER = 0
    CLIENT = 1
    ISSUED = 2
    DUE = 3
    AMOUNT = 4
    OPEN = 5
    DAYS_OVERDUE = 6
    STATE = 7


SQL_SORTS = {Columns.NUMBER: "number", Columns.CLIENT: "client", Columns.ISSUED: "issue_date",
             Columns.DUE: "due_date", Columns.AMOUNT: "amount", Columns.OPEN: "open",
             Columns.DAYS_OVERDUE: "due_date", Columns.STATE: "due_date"}
AMOUNT_COLUMNS = {Columns.AMOUNT, Columns.OPEN, Columns.DAYS_OVERDUE}
STATE_COLOURED = {Columns.DAYS_OVERDUE, Columns.STATE}


class InvoiceTableModel(IdTableModel):
    Columns = Columns
    stretch_column = Columns.CLIENT  # the long text; amounts and dates fit their content

    def __init__(self, parent=None):
        super().__init__(parent)
        self.as_of = dt.date.today()

    def headers(self) -> list[str]:
        return [_("Number"), _("Client"), _("Issued"), _("Due"), _("Amount"), _("Open"),
                _("Days overdue"), _("State")]

    def fetch_rows(self, ids: list[int]):
        return invoice_rows(ids, self.as_of)

    def client_id_at(self, row: int) -> int | None:
        record = self.row_data(row) if 0 <= row < self.rowCount() else None
        return record[1] if record else None

    def line_at(self, row: int):
        record = self.row_data(row) if 0 <= row < self.rowCount() else None
        return record[0] if record else None

    def cell(self, record, column: int, role: int):
        line, _client_id, client_name = record
        if role == Qt.DisplayRole:
            if column == Columns.NUMBER:
                return ltr(line.number)
            if column == Columns.CLIENT:
                return auto_dir(client_name)
            if column == Columns.ISSUED:
                return date_text(line.issue_date)
            if column == Columns.DUE:
                return date_text(line.due_date)
            if column == Columns.AMOUNT:
                return money_text(line.amount_agorot, line.currency)
            if column == Columns.OPEN:
                return money_text(line.open_agorot, line.currency) if line.open_agorot > 0 else ""
            if column == Columns.DAYS_OVERDUE:
                return ltr(str(line.days_overdue)) if line.days_overdue else ""
            return line.state_text  # the card's words: "Pending until 05/01"
        if role == Qt.TextAlignmentRole and column in AMOUNT_COLUMNS:
            return int(AMOUNT_ALIGNMENT)
        if role == SORT_ROLE:
            return {Columns.NUMBER: line.number, Columns.CLIENT: client_name,
                    Columns.ISSUED: line.issue_date, Columns.DUE: line.due_date,
                    Columns.AMOUNT: line.amount_agorot, Columns.OPEN: line.open_agorot,
                    Columns.DAYS_OVERDUE: line.days_overdue, Columns.STATE: line.state}[column]
        if role == Qt.ToolTipRole and column == Columns.NUMBER and line.description:
            return line.description
        if role == Qt.ForegroundRole and column in STATE_COLOURED:
            return invoice_state_colour(line.state)  # overdue red, paid green, pending amber
        return None
