"""The letter archive as a lazy table: ids sorted and filtered in SQL
(models.letters.archive.archive_letter_ids), rows fetched a page at a time (archive_rows)."""
from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt

from models.letters.archive import ArchiveRow, archive_rows
from ui.i18n import _
from ui.letters.common import kind_label, mail_status_label
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
    DATE = 0
    CLIENT = 1
    KIND = 2
    AMOUNT = 3
    DEADLINE = 4
    REGISTERED = 5
    STATUS = 6
    BY = 7  # who recorded it (an office's signed-in person)


# The SQL order behind each column (models.letters.archive.ARCHIVE_SORTS).
SQL_SORTS = {Columns.DATE: "date", Columns.CLIENT: "client", Columns.KIND: "kind",
             Columns.AMOUNT: "amount", Columns.DEADLINE: "date",
             Columns.REGISTERED: "registered", Columns.STATUS: "registered",
             Columns.BY: "by"}


class ArchiveTableModel(IdTableModel):
    Columns = Columns

    def __init__(self, parent=None, *, show_client: bool = True):
        super().__init__(parent)
        self.show_client = show_client

    def headers(self) -> list[str]:
        return [_("Date"), _("Client"), _("Letter"), _("Amount demanded"), _("Deadline"),
                _("Registered no."), _("Registered mail"), _("By")]

    def fetch_rows(self, ids: list[int]) -> dict[int, ArchiveRow]:
        return archive_rows(ids)

    def letter_at(self, row: int) -> ArchiveRow | None:
        return self.row_data(row) if 0 <= row < self.rowCount() else None

    def cell(self, row: ArchiveRow, column: int, role: int):
        if role == Qt.DisplayRole:
            if column == Columns.DATE:
                return date_text(row.letter_date)
            if column == Columns.CLIENT:
                return auto_dir(row.client_name)
            if column == Columns.KIND:
                return kind_label(row.kind)
            if column == Columns.AMOUNT:
                return money_text(row.amount_agorot, row.currency) if row.amount_agorot else ""
            if column == Columns.DEADLINE:
                return date_text(row.deadline_date)
            if column == Columns.REGISTERED:
                return ltr(row.registered_number)
            if column == Columns.BY:
                return auto_dir(row.created_by)  # nothing for letters made before
            return mail_status_label(row)
        if role == Qt.TextAlignmentRole and column == Columns.AMOUNT:
            return int(AMOUNT_ALIGNMENT)
        if role == SORT_ROLE:
            return {Columns.DATE: row.letter_date, Columns.CLIENT: row.client_name,
                    Columns.KIND: row.kind, Columns.AMOUNT: row.amount_agorot,
                    Columns.DEADLINE: row.deadline_date, Columns.REGISTERED: row.registered_number,
                    Columns.STATUS: row.mail_status,
                    Columns.BY: row.created_by}.get(Columns(column))
        if role == Qt.ToolTipRole and column == Columns.CLIENT:
            return row.client_name
        return None
