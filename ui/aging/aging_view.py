"""גיול חובות: who owes what and for how long, as of any date.

The query runs on a pool thread (ui.background) with a busy indicator, so the window
never freezes on a large database; a newer request makes an older result obsolete.
The view refreshes when a service announces that clients, invoices, payments, settings
or the whole database changed — at once when visible, otherwise when next shown.

The bucket boundaries are typed on the toolbar itself ("30, 60, 90"), checked by the same
rule as the settings (models.prevention.profile_rules); the aging runs again with them at
once, and "Save as default" stores them in the business profile. While a report is being
computed the screen says so, rather than showing an empty table as "nothing is open".
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.common.dates import format_date
from models.common.errors import GviaError, ValidationError
from models.common.money import plain
from models.db.outputs import print_file, write_output
from models.db.settings import DEFAULT_BUCKETS, load_profile
from models.prevention.profile_rules import save_aging_buckets, validate_field
from models.queries.aging import AgingReport, aging_report, open_invoices_as_of
from models.queries.export import csv_text, write_xlsx
from ui import events
from ui.aging.aging_chart import AgingChart
from models.queries.aging import bucket_titles
from ui.aging.aging_table_model import AgingTableModel, Columns
from ui.aging.drilldown_dialog import DrillDownDialog, DrillDownLine
from ui.background import run_in_background
from ui.i18n import _, ngettext
from ui.widgets import clock
from ui.widgets.date_edit import EARLIEST, DateEdit
from ui.widgets.empty_state import ListOverlay
from ui.widgets.table_view import narrow_columns, open_on_enter
from ui.widgets.display import ltr
from ui.widgets.forms import alert_label
from ui.widgets.save_dialog import output_target
from ui.widgets.saved import saved_and_announced

REFRESHING_KINDS = {events.CLIENTS, events.INVOICES, events.PAYMENTS, events.SETTINGS,
                    events.DATABASE}


def export_table(report: AgingReport) -> tuple[list[str], list[dict], set[str]]:
    """The report as people read it in a spreadsheet: translated headers, every currency
    (each with its own total row), amounts as plain decimals. Returns (columns, records,
    amount columns)."""
    amount_columns = [*bucket_titles(report.boundaries), _("Total"), _("Credit on account")]
    columns = [_("Client"), _("Currency"), *amount_columns]
    records = []
    for row in report.rows + report.totals():
        amounts = [*row.buckets, row.total, row.credit]
        record = {columns[0]: _("Total") if row.client_id is None else row.client,
                  columns[1]: row.currency}
        record.update({name: plain(v) for name, v in zip(amount_columns, amounts)})
        records.append(record)
    return columns, records, set(amount_columns)


class AgingView(QWidget):
    report_ready = Signal()       # a report for the chosen date is on screen
    export_finished = Signal(str)  # the path of a file written by an export
    failed = Signal(str)          # a Hebrew message the user has been shown

    REFRESH_DELAY_MS = 150  # typing a date emits a change per keystroke; wait for a pause

    def __init__(self, opened_db, parent=None):
        super().__init__(parent)
        self.opened_db = opened_db
        self._report: AgingReport | None = None
        self._generation = 0
        self._is_stale = True
        self._has_user_sort = False
        # Boundaries typed on the toolbar (None: the profile's default, read per report).
        self._typed_buckets: tuple[int, ...] | None = None
        self._default_buckets: tuple[int, ...] | None = None
        self.last_drilldown: DrillDownDialog | None = None
        self._build()
        events.events.data_changed.connect(self._on_data_changed)

    # ---- hooks a test replaces ------------------------------------------------------

    def today(self) -> dt.date:
        return clock.today()

    def ask_save_path(self, title: str, suggested: str, file_filter: str) -> str | None:
        # The dialog asks before replacing a file (no DontConfirmOverwrite).
        path, _chosen = QFileDialog.getSaveFileName(self, title, suggested, file_filter)
        return path or None

    def open_file(self, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def show_error(self, message: str) -> None:
        self.status.setText(message)
        self.failed.emit(message)
        if self.isVisible():
            QMessageBox.warning(self, _("Debt aging"), message)

    # ---- layout ---------------------------------------------------------------------

    def _build(self) -> None:
        self.date_edit = DateEdit(self.today(), minimum=EARLIEST)
        self.currency_box = QComboBox()
        self.currency_box.addItem("ILS")
        self.buckets_edit = QLineEdit()
        self.buckets_edit.setObjectName("aging_buckets")
        self.buckets_edit.setLayoutDirection(Qt.LeftToRight)  # "30, 60, 90" reads left to right
        self.buckets_edit.setPlaceholderText("30, 60, 90, 120")
        self.buckets_edit.setToolTip(_("The limits of the aging columns in days past the due "
                                       "date, separated by commas. Press Enter to see the "
                                       "aging with them."))
        self.buckets_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 22)
        self.save_buckets_button = QPushButton(_("Save as default"))
        self.save_buckets_button.setToolTip(_("Use these limits from now on, here, in the "
                                              "reports and in the settings."))
        self.save_buckets_button.setEnabled(False)
        self.buckets_error = alert_label()
        self.buckets_error.setObjectName("buckets_error")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: we cannot know how long SQLite takes
        self.busy.setTextVisible(False)
        self.busy.setFixedWidth(120)
        self.busy.hide()
        self.csv_button = QPushButton(_("Export CSV…"))
        self.xlsx_button = QPushButton(_("Export Excel…"))
        self.pdf_button = QPushButton(_("Save PDF…"))
        self.print_button = QPushButton(_("Print…"))
        top = QHBoxLayout()
        as_of_label = QLabel(_("As of:"))
        as_of_label.setBuddy(self.date_edit)
        currency_label = QLabel(_("Currency:"))
        currency_label.setBuddy(self.currency_box)
        buckets_label = QLabel(_("Buckets (days):"))
        buckets_label.setBuddy(self.buckets_edit)
        for widget in (as_of_label, self.date_edit, currency_label, self.currency_box,
                       buckets_label, self.buckets_edit, self.save_buckets_button):
            top.addWidget(widget)
        top.addWidget(self.busy)
        top.addStretch(1)
        # What to do with the report sits under it, beside the status line: the toolbar
        # holds what chooses the report, and the two fit a 1280-pixel screen.
        self.status = QLabel()
        self.status.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        for button in (self.csv_button, self.xlsx_button, self.pdf_button, self.print_button):
            button.setEnabled(False)
            bottom.addWidget(button)

        self.model = AgingTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectItems)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.setToolTip(_("Double-click an amount to see the invoices behind it."))
        header = self.table.horizontalHeader()
        narrow_columns(header)  # the amounts share the width, with no scrolling at 1280
        header.setSectionResizeMode(QHeaderView.Stretch)
        header.sectionClicked.connect(self._on_header_clicked)
        self.overlay = ListOverlay(self.table)
        self.overlay.set_empty(
            _("Nothing is open as of this date."),
            _("Invoices not yet paid appear here, by how long they are overdue."))
        self.chart = AgingChart()
        splitter = QSplitter(Qt.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.chart)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.buckets_error)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.timeout.connect(self.refresh)
        self.date_edit.dateChanged.connect(self._on_date_changed)
        self.currency_box.currentTextChanged.connect(self._on_currency_changed)
        self.buckets_edit.editingFinished.connect(self.apply_buckets)
        self.buckets_edit.textEdited.connect(self._on_buckets_edited)
        self.save_buckets_button.clicked.connect(self.save_buckets_as_default)
        open_on_enter(self.table,  # Enter on an amount, or a double-click
                      lambda index: self.open_drilldown(index.row(), index.column()))
        self.csv_button.clicked.connect(self.export_csv)
        self.xlsx_button.clicked.connect(self.export_xlsx)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_report)

    # ---- state ----------------------------------------------------------------------

    def as_of(self) -> dt.date:
        return self.date_edit.valid_date() or self.today()

    def set_as_of(self, day: dt.date) -> None:
        self.date_edit.setDate(day)

    def currency(self) -> str:
        return self.currency_box.currentText() or "ILS"

    def set_currency(self, currency: str) -> None:
        self.currency_box.setCurrentText(currency)

    def report(self) -> AgingReport | None:
        return self._report

    def buckets(self) -> tuple[int, ...] | None:
        """The boundaries typed on the toolbar, None while the profile's default is used."""
        return self._typed_buckets

    # ---- the buckets ----------------------------------------------------------------

    def set_buckets_text(self, text: str) -> bool:
        """Type `text` into the buckets field and apply it, as Enter does (tests too)."""
        self.buckets_edit.setText(text)
        return self.apply_buckets()

    def _on_buckets_edited(self, _text: str) -> None:
        self.buckets_error.setVisible(False)

    def apply_buckets(self) -> bool:
        """Check the typed boundaries by the settings' rule; when they are good and new,
        compute the aging with them. False (and the reason in red) when they are not."""
        typed = " ".join(self.buckets_edit.text().split())
        try:
            boundaries = tuple(validate_field("aging_buckets", typed))
        except ValidationError as exc:
            # The numbers as typed read left to right inside the sentence ("60, 30", not
            # "30 ,60"): isolated where the message quotes them.
            self.buckets_error.setText(str(exc).replace(typed, ltr(typed)) if typed
                                       else str(exc))
            self.buckets_error.setVisible(True)
            return False
        self.buckets_error.setVisible(False)
        self.buckets_edit.setText(_buckets_text(boundaries))
        typed = None if boundaries == self._default_buckets else boundaries
        shown = self._report.boundaries if self._report is not None else None
        changed = typed != self._typed_buckets or boundaries != shown
        self._typed_buckets = typed
        self.save_buckets_button.setEnabled(typed is not None)
        if changed:
            self.refresh()
        return True

    def save_buckets_as_default(self) -> bool:
        """Store the boundaries on the toolbar as the business's default."""
        if not self.apply_buckets():
            return False
        try:
            stored = tuple(save_aging_buckets(self.buckets_edit.text()))
        except GviaError as exc:
            self.show_error(str(exc))
            return False
        self._default_buckets, self._typed_buckets = stored, None
        self.save_buckets_button.setEnabled(False)
        self.status.setText(_("The aging limits {buckets} were saved as the default.").format(
            buckets=ltr(_buckets_text(stored))))
        saved_and_announced(self, events.SETTINGS)
        return True

    def is_busy(self) -> bool:
        return not self.busy.isHidden()

    # ---- loading --------------------------------------------------------------------

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._is_stale:
            self.refresh()

    def _on_data_changed(self, kinds: frozenset) -> None:
        if not kinds & REFRESHING_KINDS:
            return
        if self.isVisible():
            self._refresh_timer.start(0)
        else:
            self._is_stale = True

    def _on_date_changed(self, _date) -> None:
        self._refresh_timer.start(self.REFRESH_DELAY_MS)

    def refresh(self) -> None:
        """Compute the aging for the chosen date on a pool thread."""
        self._refresh_timer.stop()
        self._is_stale = False
        self._generation += 1
        generation = self._generation
        as_of = self.as_of()
        typed = self._typed_buckets
        self.busy.show()
        self.status.setText(_("Loading…"))
        self.chart.set_loading(True)
        self.overlay.show_loading()

        def compute():
            if generation != self._generation:
                return None  # a newer request is already queued: skip the work
            default = tuple(load_profile().aging_buckets) or DEFAULT_BUCKETS
            return aging_report(as_of, typed or default), default

        run_in_background(compute, owner=self,
                          on_done=lambda result: self._apply_report(generation, result),
                          on_error=lambda message: self._report_failed(generation, message))

    def _apply_report(self, generation: int, result) -> None:
        if result is None or generation != self._generation:
            return
        report, self._default_buckets = result
        if self._typed_buckets == self._default_buckets:
            self._typed_buckets = None  # saved as the default meanwhile (Settings)
        self.save_buckets_button.setEnabled(self._typed_buckets is not None)
        if not self.buckets_edit.hasFocus() or self.buckets_edit.text().strip() == "":
            self.buckets_edit.setText(_buckets_text(report.boundaries))
        self._report = report
        self.chart.set_loading(False)
        currencies = report.currencies() or ["ILS"]
        chosen = self.currency()
        if chosen not in currencies:
            chosen = "ILS" if "ILS" in currencies else currencies[0]
        self.currency_box.blockSignals(True)
        self.currency_box.clear()
        self.currency_box.addItems(currencies)
        self.currency_box.setCurrentText(chosen)
        self.currency_box.blockSignals(False)
        self._show_currency()
        self.busy.hide()
        for button in (self.csv_button, self.xlsx_button, self.pdf_button, self.print_button):
            button.setEnabled(True)
        self._update_status()
        self.report_ready.emit()

    def _report_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.busy.hide()
            self.chart.set_loading(False)
            self.overlay.show_result()
            self.show_error(message)

    def _on_currency_changed(self, _currency: str) -> None:
        if self._report is not None:
            self._show_currency()
            self._update_status()

    def _show_currency(self) -> None:
        self.model.set_report(self._report, self.currency())
        self._fit_client_column()
        if not self._has_user_sort or self.table.horizontalHeader().sortIndicatorSection() \
                >= self.model.columnCount():
            self.table.horizontalHeader().setSortIndicator(self.model.total_column(),
                                                           Qt.DescendingOrder)
        total = self.model.total_row()
        self.overlay.show_result(max(self.model.rowCount() - 1, 0))  # not the total row
        self.chart.set_data(bucket_titles(self._report.boundaries), total.buckets,
                            self.currency())

    def _fit_client_column(self) -> None:
        """Names get the room they need (within reason); the amounts share the rest."""
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Columns.CLIENT, QHeaderView.Interactive)
        wanted = self.table.sizeHintForColumn(Columns.CLIENT) + 12
        header.resizeSection(Columns.CLIENT, max(160, min(wanted, 340)))

    def _on_header_clicked(self, _section: int) -> None:
        self._has_user_sort = True

    def _update_status(self) -> None:
        count = len(self.model.client_rows())
        text = ngettext("{count} client with an open balance or credit, as of {date}.",
                        "{count} clients with an open balance or credit, as of {date}.",
                        count).format(count=count, date=format_date(self._report.as_of))
        if self._report.as_of > self.today():
            text += " " + _("The date is in the future: this is a forecast.")
        self.status.setText(text)

    # ---- drill-down -----------------------------------------------------------------

    def open_drilldown(self, row: int, column: int) -> DrillDownDialog | None:
        """Show exactly the invoices behind the cell at (row, column)."""
        aging_row = self.model.row_at(row)
        report = self._report
        if aging_row is None or report is None:
            return None
        if column == self.model.credit_column():
            self.status.setText(_("Credit on account is money received that no invoice "
                                  "absorbed yet; it has no invoices behind it."))
            return None
        bucket = self.model.bucket_of_column(column)
        is_total = self.model.is_total_row(row)
        if is_total:
            clients = [(r.client_id, r.client) for r in self.model.client_rows()
                       if (r.buckets[bucket] if bucket is not None else r.total) > 0]
        else:
            clients = [(aging_row.client_id, aging_row.client)]
        what = (self.model.headerData(column, Qt.Horizontal) if bucket is not None
                else _("all open invoices"))
        who = _("All clients") if is_total else aging_row.client
        title = _("{who} — {what}, as of {date}").format(who=who, what=what,
                                                         date=format_date(report.as_of))
        currency, as_of, boundaries = self.model.currency, report.as_of, report.boundaries

        def load() -> list[DrillDownLine]:
            return [DrillDownLine(name, invoice) for client_id, name in clients
                    for invoice in open_invoices_as_of(client_id, currency, as_of,
                                                       boundaries, bucket)]

        dialog = DrillDownDialog(title, currency, load, show_client=is_total, parent=self)
        dialog.show()
        self.last_drilldown = dialog
        return dialog

    # ---- export, PDF, print ---------------------------------------------------------

    def export_csv(self) -> None:
        self._export("csv", _("Export aging to CSV"), _("CSV files (*.csv)"))

    def export_xlsx(self) -> None:
        self._export("xlsx", _("Export aging to Excel"), _("Excel workbooks (*.xlsx)"))

    def _export(self, suffix: str, title: str, file_filter: str) -> None:
        if self._report is None:
            return
        chosen = self.ask_save_path(title, f"aging-{self._report.as_of.isoformat()}.{suffix}",
                                    file_filter)
        if not chosen:
            return
        target = self._output_target(chosen, f".{suffix}")
        if target is None:
            return
        path, replace = target
        columns, records, amounts = export_table(self._report)
        sheet_title = _("Debt aging")

        def write() -> str:
            if suffix == "csv":
                content = csv_text(records, columns)
            else:
                def content(partial: Path) -> None:
                    write_xlsx(records, columns, partial, numeric=amounts,
                               sheet_title=sheet_title)
            return str(write_output(path, content, force=replace))

        self._run_file_task(write)

    def _output_target(self, chosen: str, suffix: str) -> tuple[Path, bool] | None:
        """The file to write, or None (declined, or refused with a message)."""
        try:
            return output_target(self, chosen, suffix)
        except GviaError as exc:
            self.show_error(str(exc))
            return None

    def _run_file_task(self, work, then=None) -> None:
        self.busy.show()

        def done(path: str) -> None:
            self.busy.hide()
            self.status.setText(_("Saved to {path}").format(path=ltr(path)))
            if then:
                then(Path(path))
            self.export_finished.emit(path)

        def failed(message: str) -> None:
            self.busy.hide()
            self.show_error(message)

        run_in_background(work, owner=self, on_done=done, on_error=failed)

    def _pdf_writer(self, path: Path, replace: bool):
        from reports.aging_pdf import write_aging_pdf

        report = self._report

        def write() -> str:
            name = load_profile().name
            return str(write_output(
                path, lambda partial: write_aging_pdf(report, partial, business_name=name),
                force=replace))
        return write

    def save_pdf(self) -> None:
        if self._report is None:
            return
        chosen = self.ask_save_path(_("Save aging report as PDF"),
                                    f"aging-{self._report.as_of.isoformat()}.pdf",
                                    _("PDF files (*.pdf)"))
        if not chosen:
            return
        target = self._output_target(chosen, ".pdf")
        if target is None:
            return
        self._run_file_task(self._pdf_writer(*target))

    def print_report(self) -> None:
        """Qt cannot print a PDF without the large QtPdf module: the report opens in the
        system's PDF viewer, whose print dialog knows the user's printers. The viewer
        still reads the file after we hand it over, so it lives in the per-process print
        folder, removed when the app exits."""
        if self._report is None:
            return
        path = print_file(f"aging-{self._report.as_of.isoformat()}.pdf")
        self._run_file_task(self._pdf_writer(path, False), then=self.open_file)


def _buckets_text(boundaries: tuple[int, ...]) -> str:
    """(30, 60, 90) as the field shows it: "30, 60, 90"."""
    return ", ".join(str(b) for b in boundaries)
