"""Letters to many clients at once: one PDF to print, plus a sheet of address labels.

The candidates are the clients an `--all` run would write to (reports.batch.select_clients)
or, when asked, the clients whose due dunning step is this letter
(models.collection.dunning.clients_at_letter_stage); the user unticks some or adds others.
Production runs on a pool thread with a progress bar and Cancel (a cancelled run leaves no
file and no archive row); the summary lists who was skipped and why. A client who got the
same dunning letter within the minimum gap (reports.batch.repeated_letters) is sent it
again only when the user says so; otherwise it is skipped, with the reason.
"""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.collection.dunning import LETTER_LABELS as PLAN_LETTERS
from models.collection.dunning import clients_at_letter_stage
from models.db.outputs import write_output
from models.letters.archive import load_letter_settings
from models.queries.client_list import client_choices
from reports.batch import BatchResult, produce_letters, repeated_letters, select_clients
from reports.mailing import label_addresses, render_labels
from ui import events
from ui.background import run_in_background
from ui.i18n import _, ngettext
from ui.letters.common import kind_box, kind_label, set_kind
from ui.letters.pdf_preview import PdfPreview
from ui.widgets import clock, dialogs
from ui.widgets.client_picker import ClientPicker
from ui.widgets.date_edit import EARLIEST, DateEdit
from ui.widgets.display import ID_ROLE, auto_dir, ltr


@dataclass
class Candidate:
    client_id: int
    name: str
    is_checked: bool = True


class CandidateTableModel(QAbstractTableModel):
    """The clients a batch will write to, each with a tick box."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._items: list[Candidate] = []

    def set_candidates(self, items: list[Candidate]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def add(self, client_id: int, name: str) -> bool:
        """Add a client (ticked); False if already listed (then it is ticked)."""
        for row, item in enumerate(self._items):
            if item.client_id == client_id:
                self.setData(self.index(row, 0), Qt.Checked, Qt.CheckStateRole)
                return False
        row = len(self._items)
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.append(Candidate(client_id, name))
        self.endInsertRows()
        return True

    def set_all_checked(self, checked: bool) -> None:
        for item in self._items:
            item.is_checked = checked
        if self._items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, 0),
                                  [Qt.CheckStateRole])

    def checked_ids(self) -> list[int]:
        return [item.client_id for item in self._items if item.is_checked]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 1

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and section == 0:
            return _("Client")
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        item = self._items[index.row()]
        if role == Qt.DisplayRole:
            return auto_dir(item.name)
        if role == Qt.CheckStateRole:
            return Qt.Checked if item.is_checked else Qt.Unchecked
        if role == ID_ROLE:
            return item.client_id
        return None

    def setData(self, index, value, role=Qt.EditRole) -> bool:
        if not index.isValid() or role != Qt.CheckStateRole:
            return False
        self._items[index.row()].is_checked = Qt.CheckState(value) == Qt.Checked
        self.dataChanged.emit(index, index, [Qt.CheckStateRole])
        return True

    def flags(self, index):
        if not index.isValid():
            return Qt.NoItemFlags
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsUserCheckable


class SkippedTableModel(QAbstractTableModel):
    """Who got no letter, and why (the reason is the engine's own Hebrew sentence)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[tuple[int, str, str]] = []

    def set_rows(self, rows: list[tuple[int, str, str]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 2

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and section in (0, 1):
            return (_("Client"), _("Why no letter"))[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        client_id, name, why = self._rows[index.row()]
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            return auto_dir(name) if index.column() == 0 else why
        if role == ID_ROLE:
            return client_id
        return None


@dataclass
class BatchOutcome:
    result: BatchResult
    labels_path: Path | None


class BatchPage(QWidget):
    candidates_ready = Signal()
    batch_finished = Signal(object)  # BatchOutcome (result.cancelled tells a cancel)
    failed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._cancel: threading.Event | None = None
        self._outcome: BatchOutcome | None = None
        self._build()
        events.events.data_changed.connect(self._on_data_changed)

    def _build(self) -> None:
        self.kind = kind_box()
        set_kind(self.kind, "reminder")
        self.as_of = DateEdit(clock.today(), minimum=EARLIEST)
        self.find_button = QPushButton(_("Find the clients"))
        self.find_button.setToolTip(_("Every client who should get this letter as of the date."))
        top = QHBoxLayout()
        for text, widget in ((_("Letter:"), self.kind), (_("As of:"), self.as_of)):
            label = QLabel(text)
            label.setBuddy(widget)
            top.addWidget(label)
            top.addWidget(widget)
        self.at_stage = QCheckBox(_("Only clients whose next dunning step is this letter"))
        self.at_stage.setToolTip(_("The clients the dunning plan has brought to this letter as "
                                   "of the date, as on the Today list."))
        top.addWidget(self.at_stage)
        top.addWidget(self.find_button)
        top.addStretch(1)

        self.model = CandidateTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.setSelectionBehavior(QTableView.SelectRows)
        self.picker = ClientPicker()
        self.add_button = QPushButton(_("Add"))
        self.all_button = QPushButton(_("Select all"))
        self.none_button = QPushButton(_("Select none"))
        self.produce_button = QPushButton(_("Produce letters"))
        self.produce_button.setDefault(True)
        add_row = QHBoxLayout()
        add_row.addWidget(self.picker, 1)
        add_row.addWidget(self.add_button)
        tick_row = QHBoxLayout()
        tick_row.addWidget(self.all_button)
        tick_row.addWidget(self.none_button)
        tick_row.addStretch(1)
        self.count_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.hide()
        run_row = QHBoxLayout()
        run_row.addWidget(self.produce_button)
        run_row.addWidget(self.progress, 1)
        run_row.addWidget(self.cancel_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(add_row)
        left_layout.addLayout(tick_row)
        left_layout.addWidget(self.count_label)
        left_layout.addLayout(run_row)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.skipped_model = SkippedTableModel(self)
        self.skipped_table = QTableView()
        self.skipped_table.setModel(self.skipped_model)
        self.skipped_table.verticalHeader().hide()
        self.skipped_table.setWordWrap(True)
        header = self.skipped_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setStretchLastSection(True)
        self.skipped_table.setMaximumHeight(180)
        self.skipped_table.hide()
        self.letters_button = QPushButton(_("Show the letters"))
        self.labels_button = QPushButton(_("Show the address labels"))
        for button in (self.letters_button, self.labels_button):
            button.setEnabled(False)
        show_row = QHBoxLayout()
        show_row.addWidget(self.letters_button)
        show_row.addWidget(self.labels_button)
        show_row.addStretch(1)
        self.preview = PdfPreview()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.summary)
        right_layout.addWidget(self.skipped_table)
        right_layout.addLayout(show_row)
        right_layout.addWidget(self.preview, 1)

        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.find_button.clicked.connect(self.find_candidates)
        self.kind.currentIndexChanged.connect(lambda _i: self._update_stage_choice())
        self._update_stage_choice()
        self.add_button.clicked.connect(self.add_picked_client)
        self.all_button.clicked.connect(lambda: self.model.set_all_checked(True))
        self.none_button.clicked.connect(lambda: self.model.set_all_checked(False))
        self.model.dataChanged.connect(lambda *_a: self._update_count())
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(lambda *_a: self._update_count())
        self.produce_button.clicked.connect(self.produce)
        self.cancel_button.clicked.connect(self.cancel)
        self.letters_button.clicked.connect(self.show_letters)
        self.labels_button.clicked.connect(self.show_labels)
        self._update_count()
        self.preview.clear(_("Find the clients, then produce their letters."))

    # ---- choosing the clients -------------------------------------------------------

    def choice(self) -> tuple[str, dt.date]:
        return self.kind.currentData(), self.as_of.valid_date()

    def _update_stage_choice(self) -> None:
        # Only the plan's own letters are dunning steps (a statement never is).
        self.at_stage.setEnabled(self.kind.currentData() in PLAN_LETTERS)

    def by_stage(self) -> bool:
        return self.at_stage.isEnabled() and self.at_stage.isChecked()

    def find_candidates(self) -> None:
        kind, as_of = self.choice()
        select = clients_at_letter_stage if self.by_stage() else select_clients
        self.find_button.setEnabled(False)

        def work() -> list[Candidate]:
            names = dict(client_choices())
            return [Candidate(cid, names.get(cid, str(cid))) for cid in select(kind, as_of)]

        def done(items: list[Candidate]) -> None:
            self.find_button.setEnabled(True)
            self.model.set_candidates(items)
            if not items:
                self.count_label.setText(_("No client should get this letter as of this date."))
            self.candidates_ready.emit()

        def failed(message: str) -> None:
            self.find_button.setEnabled(True)
            self._fail(message)

        run_in_background(work, owner=self, on_done=done, on_error=failed)

    def add_picked_client(self) -> None:
        client_id = self.picker.client_id()
        if client_id is None:
            self.count_label.setText(_("Type the client's name as it appears in the list."))
            return
        self.model.add(client_id, self.picker.text())
        self.picker.clear()

    def _update_count(self) -> None:
        count = len(self.model.checked_ids())
        self.count_label.setText(ngettext("{count} client selected.",
                                          "{count} clients selected.", count).format(count=count))
        self.produce_button.setEnabled(count > 0 and self._cancel is None)

    def _on_data_changed(self, kinds: frozenset) -> None:
        if events.CLIENTS in kinds or events.DATABASE in kinds:
            self.picker.reload()

    # ---- producing ------------------------------------------------------------------

    def is_running(self) -> bool:
        return self._cancel is not None

    def produce(self) -> None:
        ids = self.model.checked_ids()
        if not ids or self._cancel is not None:
            return
        kind, as_of = self.choice()
        resend = self.ask_resend(kind, ids, as_of)
        cancel = threading.Event()
        self._cancel = cancel
        self._outcome = None
        self.produce_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.summary.setText(ngettext("Producing {count} letter…", "Producing {count} letters…",
                                      len(ids)).format(count=len(ids)))
        settings = load_letter_settings()

        def work(progress) -> BatchOutcome:
            result = produce_letters(kind, ids, as_of, progress=progress,
                                     is_cancelled=cancel.is_set, resend=resend)
            if result.cancelled:
                return BatchOutcome(result, None)
            skipped = {cid for cid, _name, _why in result.skipped}
            written = [cid for cid in ids if cid not in skipped]
            labels = result.archive_path.with_name(result.archive_path.stem + "_labels.pdf")
            addresses = label_addresses(written)
            write_output(labels, lambda partial: render_labels(addresses, partial, settings))
            return BatchOutcome(result, labels)

        run_in_background(work, owner=self, on_done=self._finished, on_error=self._failed,
                          on_progress=self._progressed)

    def ask_resend(self, kind: str, ids: list[int], as_of: dt.date) -> bool:
        """Ask before sending a dunning letter again to clients who got it within the gap:
        True (send again), False (skip them, with the reason; the others get it)."""
        repeated = repeated_letters(kind, ids, as_of)
        if not repeated:
            return False
        names = dict(client_choices())
        shown = ", ".join(auto_dir(names.get(cid, str(cid))) for cid in list(repeated)[:5])
        if len(repeated) > 5:
            shown += " " + _("and {count} more").format(count=len(repeated) - 5)
        text = ngettext(
            "{count} client already got this letter in the last few days: {names}. Send it "
            "to them again? (If not, they are skipped and the others get it.)",
            "{count} clients already got this letter in the last few days: {names}. Send it "
            "to them again? (If not, they are skipped and the others get it.)",
            len(repeated)).format(count=len(repeated), names=shown)
        return dialogs.confirm(self, _("The same letter again"), text, _("Send again"))

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.summary.setText(_("Cancelling…"))

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setValue(int(done * 100 / total) if total else 0)

    def _end_run(self) -> None:
        self._cancel = None
        self.progress.hide()
        self.cancel_button.hide()
        self._update_count()

    def _finished(self, outcome: BatchOutcome) -> None:
        self._end_run()
        self._outcome = outcome
        result = outcome.result
        if result.cancelled:
            self.summary.setText(_("Cancelled: no letter was produced or archived."))
            self.skipped_table.hide()
            self.batch_finished.emit(outcome)
            return
        text = ngettext("{count} letter of kind “{kind}”, {pages} pages, archived as {file}.",
                        "{count} letters of kind “{kind}”, {pages} pages, archived as {file}.",
                        result.written).format(count=result.written, kind=kind_label(result.kind),
                                               pages=result.pages,
                                               file=ltr(result.archive_path.name))
        if result.skipped:
            text += " " + ngettext("{count} client was skipped:", "{count} clients were skipped:",
                                   len(result.skipped)).format(count=len(result.skipped))
        self.summary.setText(text)
        self.skipped_model.set_rows(result.skipped)
        self.skipped_table.setVisible(bool(result.skipped))
        self.letters_button.setEnabled(True)
        self.labels_button.setEnabled(outcome.labels_path is not None)
        self.show_letters()
        events.announce(events.LETTERS)
        self.batch_finished.emit(outcome)

    def _failed(self, message: str) -> None:
        self._end_run()
        self._fail(message)

    def _fail(self, message: str) -> None:
        self.summary.setText(message)
        self.failed.emit(message)

    def outcome(self) -> BatchOutcome | None:
        return self._outcome

    def show_letters(self) -> None:
        if self._outcome and self._outcome.result.archive_path:
            self.preview.show_pdf_file(self._outcome.result.archive_path)
            self.preview.set_note(_("The letters, ready to print."))

    def show_labels(self) -> None:
        if self._outcome and self._outcome.labels_path:
            self.preview.show_pdf_file(self._outcome.labels_path)
            self.preview.set_note(_("Address labels, in the same order as the letters. "
                                    "Print them at actual size on the label sheet."))
