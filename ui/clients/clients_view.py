"""לקוחות: the searchable, sortable list of every client.

Names appear at once (ids sorted in SQL, rows fetched for the visible page); the money
columns (open balance, overdue, oldest overdue days) need one pass over every invoice, so
that runs on a pool thread and fills them in when done. A service's announcement of what
changed decides what to reload: client details → the id list; money → the summary.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.ledger.clients import CLIENT_STATUSES
from models.queries.client_list import client_summaries
from ui import events
from ui.background import run_in_background
from ui.clients.client_card import ClientCard
from ui.clients.client_dialog import NewClientDialog
from ui.clients.client_table_model import ClientTableModel, Columns
from ui.i18n import _, ngettext
from ui.widgets import clock
from ui.widgets.display import ID_ROLE
from ui.widgets.empty_state import ListOverlay
from ui.widgets.labels import client_status_label
from ui.widgets.table_view import GviaTableView

MONEY_KINDS = {events.INVOICES, events.PAYMENTS, events.SETTINGS, events.DATABASE}


class ClientsView(QWidget):
    summaries_ready = Signal()
    SEARCH_DELAY_MS = 120  # let a fast typist finish a word before querying

    def __init__(self, opened_db, parent=None):
        super().__init__(parent)
        self.opened_db = opened_db
        self._generation = 0
        self.open_cards: list[ClientCard] = []
        layout = QVBoxLayout(self)

        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search by name, phone, city, ID number or e-mail"))
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.search, 1)
        self.status = QComboBox()
        self.status.addItem(_("All statuses"), None)
        for code in CLIENT_STATUSES:
            self.status.addItem(client_status_label(code), code)
        bar.addWidget(self.status)
        self.new_button = QPushButton(_("New client…"))
        self.new_button.clicked.connect(self.new_client)
        bar.addWidget(self.new_button)
        layout.addLayout(bar)

        self.model = ClientTableModel(self)
        self.table = GviaTableView("clients")
        self.table.setModel(self.model)
        # Indicator first, then sorting on: the model is asked for its ids exactly once.
        self.table.horizontalHeader().setSortIndicator(Columns.NAME, Qt.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.restore_header()  # else the columns fit their content (GviaTableView)
        self.table.row_opened.connect(lambda index: self.open_card(index.data(ID_ROLE)))
        layout.addWidget(self.table, 1)
        self.overlay = ListOverlay(self.table)
        self.overlay.set_empty(
            _("No clients yet"),
            _("Add your first client, or import your clients, invoices and payments from "
              "the invoicing program you use (CSV or Excel)."),
            [(_("Add your first client…"), self.new_client),
             (_("Import from files…"), self.import_files)])
        self.overlay.set_no_match(_("No client matches the search or the status chosen."))

        footer = QHBoxLayout()
        self.count_label = QLabel()
        self.busy_label = QLabel(_("Computing balances…"))
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        footer.addWidget(self.busy_label)
        layout.addLayout(footer)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(self.SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.status.currentIndexChanged.connect(lambda _i: self.apply_filter())
        events.events.data_changed.connect(self._on_data_changed)

        if not self.model.queried:
            self.model.requery()
        self._update_count()
        # The money columns start after the names are on screen, not competing with them.
        QTimer.singleShot(0, self, self.refresh_summaries)

    # ---- data -----------------------------------------------------------------------

    def apply_filter(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.search.text(), self.status.currentData())
        self._update_count()

    def _update_count(self) -> None:
        count = len(self.model.ids())
        self.count_label.setText(ngettext("{count} client", "{count} clients", count)
                                 .format(count=count))
        self.overlay.show_result(count, filtered=self.is_filtered())

    def is_filtered(self) -> bool:
        return bool(self.search.text().strip()) or self.status.currentData() is not None

    def refresh_summaries(self) -> None:
        """Recompute the money columns in the background; a newer request wins."""
        self._generation += 1
        generation = self._generation
        as_of = clock.today()
        self.busy_label.setVisible(True)
        run_in_background(lambda: client_summaries(as_of), owner=self,
                          on_done=lambda result: self._summaries_done(generation, result),
                          on_error=lambda message: self._summaries_failed(generation, message))

    def _summaries_done(self, generation: int, summaries) -> None:
        if generation != self._generation:
            return
        self.model.set_summaries(summaries)
        self.busy_label.setVisible(False)
        self.summaries_ready.emit()

    def _summaries_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.busy_label.setText(message)

    def _on_data_changed(self, kinds: frozenset) -> None:
        if kinds & {events.CLIENTS, events.DATABASE}:
            self.model.forget_rows()
            self.model.requery()
            self._update_count()
        if kinds & MONEY_KINDS:
            self.refresh_summaries()

    # ---- actions --------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def import_files(self) -> bool:
        """The import wizard (File → Import from files…), from the empty list."""
        from ui.exchange.import_wizard import ImportWizard

        return ImportWizard.ask(self.opened_db, self.window())

    def new_client(self) -> None:
        client = NewClientDialog.ask(self)
        if client is not None:
            self.select_client(client.id)

    def select_client(self, client_id: int) -> None:
        row = self.model.row_of(client_id)
        if row is not None:
            self.table.select_row(row)

    def selected_client_id(self) -> int | None:
        return self.table.selected_id(ID_ROLE)

    def open_card(self, client_id: int | None) -> ClientCard | None:
        if client_id is None:
            return None
        card = ClientCard.open(client_id, self.window())
        self.open_cards = [c for c in self.open_cards if _alive(c)] + [card]
        return card

    def save_state(self) -> None:
        self.table.save_header()


def _alive(widget) -> bool:
    import shiboken6
    return shiboken6.isValid(widget)
