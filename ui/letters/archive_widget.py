"""The letter archive: every letter produced, newest first, with its registered-mail state.
Open one to see (and print, or save) exactly the pages that went out; record the
registered number, then the return receipt or the refusal.

Used twice: for all clients on the letters screen (with a search and a kind filter), and
for one client on the client card (ui/letters/client_letters.py).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.common.errors import GviaError
from models.letters.archive import ArchiveRow, archive_letter_ids
from ui import events
from ui.background import run_in_background
from ui.i18n import _, ngettext
from ui.letters.archive_model import SQL_SORTS, ArchiveTableModel, Columns
from ui.letters.common import kind_box, kind_label
from ui.letters.mail_dialogs import MailOutcomeDialog, RegisteredMailDialog
from ui.letters.pdf_preview import PdfPreview
from ui.widgets.dialogs import GviaDialog
from ui.widgets.display import ID_ROLE, auto_dir, date_text
from ui.widgets.empty_state import ListOverlay
from ui.widgets.persist import screen_share
from ui.widgets.table_view import GviaTableView

REFRESHING_KINDS = {events.LETTERS, events.CLIENTS, events.DATABASE}


class LetterPreviewDialog(GviaDialog):
    """An archived letter: its own pages out of the archived file, to read, print or save."""

    def __init__(self, row: ArchiveRow, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("{kind} to {client}, {date}").format(
            kind=kind_label(row.kind), client=auto_dir(row.client_name),
            date=date_text(row.letter_date)))
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.preview = PdfPreview()
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview)
        self.preview.show_pdf_file(row.path, row.first_page, row.page_count,
                                   suggested_name=_suggested_name(row))
        # An A4 page at reading size where the screen has room (a laptop at 150 %:
        # 1280×720), fitted to the width; it scrolls down the page.
        self.resize(screen_share(self, 820, 900))


def _suggested_name(row: ArchiveRow) -> str:
    # The archive file of a batch is named after the batch; a copy of one letter is
    # named after its own date, kind and id (no client name: that is sanitised only there).
    return f"{row.letter_date:%Y-%m-%d}_{row.kind}_{row.id}.pdf"


class LetterArchiveWidget(QWidget):
    loaded = Signal()   # the list reflects the current filter
    failed = Signal(str)

    def __init__(self, client_id: int | None = None, parent=None):
        super().__init__(parent)
        self.client_id = client_id
        self.sort_column, self.sort_order = Columns.DATE, Qt.DescendingOrder
        self._generation = 0
        self._is_stale = True
        self.last_preview: LetterPreviewDialog | None = None
        self._build()
        events.events.data_changed.connect(self._on_data_changed)

    # ---- hooks a test replaces ------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.status.setText(message)
        self.failed.emit(message)
        if self.isVisible():
            QMessageBox.warning(self, _("Letters"), message)

    # ---- layout ---------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search by client name or registered number"))
        self.search.setClearButtonEnabled(True)
        self.kind = kind_box(include_all=True)
        if self.client_id is None:
            filters = QHBoxLayout()
            filters.addWidget(self.search, 1)
            kind_label_ = QLabel(_("Letter:"))
            kind_label_.setBuddy(self.kind)
            filters.addWidget(kind_label_)
            filters.addWidget(self.kind)
            layout.addLayout(filters)
        else:
            layout.setContentsMargins(0, 0, 0, 0)

        self.model = ArchiveTableModel(self, show_client=self.client_id is None)
        self.table = GviaTableView("letter_archive" if self.client_id is None
                                   else "client_letters")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(self.sort_column, self.sort_order)
        if self.table.restore_header():  # the widths, and the sort the user left
            section = header.sortIndicatorSection()
            if 0 <= section < len(Columns):
                self.sort_column, self.sort_order = Columns(section), header.sortIndicatorOrder()
        header.blockSignals(False)
        # Listened to only now: a restored sort is read above, not re-announced before the
        # search timer exists (a traceback on the next start).
        header.sortIndicatorChanged.connect(self._sort_changed)
        if self.client_id is not None:
            self.table.setColumnHidden(Columns.CLIENT, True)
        # Columns fit their content; the client (or, on a card, the letter) takes the rest.
        self.table.set_stretch_column(Columns.CLIENT if self.client_id is None
                                      else Columns.KIND)
        layout.addWidget(self.table, 1)
        self.overlay = ListOverlay(self.table)
        self.overlay.set_empty(
            _("No letters yet"),
            _("Every letter you print or save as a PDF is filed here, with its date and "
              "its registered-mail number."))
        self.overlay.set_no_match(_("No letter matches the search or the kind chosen."))
        self.overlay.show_loading()

        self.open_button = QPushButton(_("Open letter"))
        self.register_button = QPushButton(_("Registered mail…"))
        self.outcome_button = QPushButton(_("Receipt or refusal…"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.open_button, self.register_button, self.outcome_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.status)
        layout.addLayout(buttons)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._search_timer.start(250))
        self.kind.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.row_opened.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.open_button.clicked.connect(self.open_selected)
        self.register_button.clicked.connect(self.record_registered)
        self.outcome_button.clicked.connect(self.record_outcome)
        self._update_buttons()

    # ---- loading --------------------------------------------------------------------

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._is_stale:
            self.reload()

    def _on_data_changed(self, kinds: frozenset) -> None:
        if not kinds & REFRESHING_KINDS:
            return
        if self.isVisible():
            self.reload()
        else:
            self._is_stale = True

    def _sort_changed(self, column: int, order) -> None:
        self.sort_column, self.sort_order = Columns(column), order
        self.reload()

    def reload(self) -> None:
        """Ask SQL for the matching letter ids in the background; a newer request wins."""
        self._search_timer.stop()
        self._is_stale = False
        self._generation += 1
        generation = self._generation
        client_id, kind, text = self.client_id, self.kind.currentData(), self.search.text()
        sort, descending = SQL_SORTS[self.sort_column], self.sort_order == Qt.DescendingOrder

        def work() -> list[int]:
            return archive_letter_ids(client_id=client_id, kind=kind or None, text=text,
                                      sort=sort, descending=descending)

        def done(ids: list[int]) -> None:
            if generation != self._generation:
                return
            selected = self.selected_id()
            self.model.forget_rows()
            self.model.set_ids(ids)
            row = self.model.row_of(selected) if selected is not None else None
            if row is not None:
                self.table.select_row(row)
            self.status.setText(ngettext("{count} letter", "{count} letters",
                                         len(ids)).format(count=len(ids)))
            self.overlay.show_result(len(ids), filtered=bool(text.strip() or kind))
            self._update_buttons()
            self.loaded.emit()

        def failed(message: str) -> None:
            if generation == self._generation:
                self.overlay.show_result()
                self.show_error(message)

        run_in_background(work, owner=self, on_done=done, on_error=failed)

    # ---- the selected letter --------------------------------------------------------

    def selected_id(self) -> int | None:
        return self.table.selected_id(ID_ROLE)

    def select_letter(self, letter_id: int) -> bool:
        row = self.model.row_of(letter_id)
        if row is None:
            return False
        self.table.select_row(row)
        return True

    def selected_row(self) -> ArchiveRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.letter_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        row = self.selected_row()
        self.open_button.setEnabled(row is not None)
        self.register_button.setEnabled(row is not None and row.mail_status == "none")
        self.outcome_button.setEnabled(row is not None and row.mail_status == "sent")

    def open_selected(self) -> LetterPreviewDialog | None:
        row = self.selected_row()
        if row is None:
            return None
        try:
            dialog = LetterPreviewDialog(row, self)
        except GviaError as exc:
            self.show_error(str(exc))
            return None
        dialog.setModal(False)
        dialog.show()
        self.last_preview = dialog
        return dialog

    def record_registered(self) -> bool:
        row = self.selected_row()
        if row is None or row.mail_status != "none":
            return False
        return RegisteredMailDialog.ask(row, self)

    def record_outcome(self) -> bool:
        row = self.selected_row()
        if row is None or row.mail_status != "sent":
            return False
        return MailOutcomeDialog.ask(row, self)

