"""חשבוניות: every invoice of every client, filtered by state, client name or number,
sorted in SQL off the UI thread with a busy indicator; the actions on an invoice (edit,
dispute, cancel with confirmation, a credit note, record a payment) call
models.ledger.services."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.queries.invoice_list import INVOICE_STATES, invoice_ids
from ui import events
from ui.background import run_in_background
from ui.i18n import _, ngettext
from ui.invoices import actions as invoice_actions
from ui.invoices.invoice_dialog import InvoiceDialog
from ui.invoices.invoice_table_model import SQL_SORTS, Columns, InvoiceTableModel
from ui.payments.payment_dialog import PaymentDialog
from ui.widgets import clock
from ui.widgets.empty_state import ListOverlay
from ui.widgets.labels import invoice_state_label
from ui.widgets.table_view import GviaTableView

REFRESHING_KINDS = {events.CLIENTS, events.INVOICES, events.PAYMENTS, events.DATABASE}


class InvoicesView(QWidget):
    loaded = Signal()
    SEARCH_DELAY_MS = 200

    def __init__(self, opened_db, parent=None):
        super().__init__(parent)
        self.opened_db = opened_db
        self._generation = 0
        self.sort_column = Columns.ISSUED
        self.sort_order = Qt.DescendingOrder
        # Before anything that may reload: restoring the header re-announces its sort.
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(self.SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        layout = QVBoxLayout(self)

        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search by invoice number, client or description"))
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.search, 1)
        self.state = QComboBox()
        for code in INVOICE_STATES:
            self.state.addItem(invoice_state_label(code), code)
        bar.addWidget(self.state)
        for text, slot in ((_("New invoice…"), self.new_invoice),
                           (_("Edit…"), self.edit_invoice),
                           (_("Disputed / not disputed"), self.toggle_disputed),
                           (_("Cancel invoice…"), self.cancel_invoice),
                           (_("New credit note…"), self.new_credit_note),
                           (_("Record payment…"), self.record_payment)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            bar.addWidget(button)
        layout.addLayout(bar)

        self.model = InvoiceTableModel(self)
        self.table = GviaTableView("invoices")
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
        # Listened to only now: the restored sort is read above, not re-announced.
        header.sortIndicatorChanged.connect(self._sort_changed)
        self.table.row_opened.connect(lambda _index: self.edit_invoice())
        layout.addWidget(self.table, 1)
        self.overlay = ListOverlay(self.table)
        self.overlay.set_empty(
            _("No invoices yet"),
            _("Record an invoice you issued, or import this month's invoices from your "
              "invoicing program (CSV or Excel)."),
            [(_("New invoice…"), self.new_invoice),
             (_("Import from files…"), self.import_files)])
        self.overlay.set_no_match(_("No invoice matches the search or the state chosen."))

        footer = QHBoxLayout()
        self.count_label = QLabel()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: the query gives no progress
        self.busy.setMaximumWidth(160)
        self.busy.setTextVisible(False)
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        footer.addWidget(self.busy)
        layout.addLayout(footer)

        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.state.currentIndexChanged.connect(lambda _i: self.reload())
        events.events.data_changed.connect(self._on_data_changed)
        self.reload()

    # The view sorts by asking SQL again; the model's own sort() must do nothing.
    def _sort_changed(self, column: int, order) -> None:
        self.sort_column, self.sort_order = Columns(column), order
        self.reload()

    def reload(self) -> None:
        """Ask SQL for the matching ids in the background; a newer request wins."""
        self._search_timer.stop()
        self._generation += 1
        generation = self._generation
        as_of = clock.today()
        search, state = self.search.text(), self.state.currentData()
        sort = SQL_SORTS[self.sort_column]
        descending = self.sort_order == Qt.DescendingOrder
        if self.sort_column in (Columns.DAYS_OVERDUE, Columns.STATE):
            descending = not descending  # more days overdue = an earlier due date
        self.busy.setVisible(True)
        self.overlay.show_loading(_("Loading the invoices…"))
        run_in_background(
            lambda: invoice_ids(as_of, search=search, state=state, sort=sort,
                                descending=descending),
            owner=self, on_done=lambda ids: self._loaded(generation, as_of, ids),
            on_error=lambda message: self._failed(generation, message))

    def _loaded(self, generation: int, as_of, ids: list[int]) -> None:
        if generation != self._generation:
            return
        self.model.as_of = as_of
        self.model._rows.clear()
        self.model.set_ids(ids)
        self.busy.setVisible(False)
        self.count_label.setText(ngettext("{count} invoice", "{count} invoices", len(ids))
                                 .format(count=len(ids)))
        self.overlay.show_result(len(ids), filtered=self.is_filtered())
        self.loaded.emit()

    def _failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.busy.setVisible(False)
            self.overlay.show_result()
            self.count_label.setText(message)

    def _on_data_changed(self, kinds: frozenset) -> None:
        if kinds & REFRESHING_KINDS:
            self.reload()

    # ---- actions --------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def is_filtered(self) -> bool:
        return bool(self.search.text().strip()) or self.state.currentData() != "all"

    def import_files(self) -> bool:
        """The import wizard (File → Import from files…), from the empty list."""
        from ui.exchange.import_wizard import ImportWizard

        return ImportWizard.ask(self.opened_db, self.window())

    def new_invoice(self) -> None:
        InvoiceDialog.ask(self)

    def selected_line(self):
        row = self.selected_row()
        return self.model.line_at(row) if row is not None else None

    def edit_invoice(self) -> None:
        line = self.selected_line()
        if line is not None:
            invoice_actions.edit_invoice(self, line)

    def toggle_disputed(self) -> None:
        line = self.selected_line()
        if line is not None:
            invoice_actions.toggle_disputed(line)

    def cancel_invoice(self) -> None:
        line = self.selected_line()
        if line is not None:
            invoice_actions.cancel_invoice(self, line)

    def new_credit_note(self) -> None:
        row = self.selected_row()
        invoice_actions.new_credit_note(
            self, self.selected_line(),
            client_id=self.model.client_id_at(row) if row is not None else None)

    def record_payment(self) -> None:
        row = self.selected_row()
        line = self.model.line_at(row) if row is not None else None
        client_id = self.model.client_id_at(row) if row is not None else None
        PaymentDialog.ask(self, client_id=client_id,
                          invoice_id=line.id if line and line.open_agorot > 0 else None)

    def save_state(self) -> None:
        self.table.save_header()
