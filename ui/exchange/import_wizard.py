"""File → Import…: the monthly import of clients, invoices and payments (CSV or XLSX).

Four pages:
1. Files: one per kind, any of them; a file that cannot be read as a table is named here,
   under its row, in the words of models/exchange/tabular.py.
2. Columns: each file's first rows under its own headings, and above each column the
   field it holds, as models.exchange.import_sources offers it (the mapping remembered
   for a file with the same headings, else what the import recognises); any can be
   changed or left out.
3. Check: the dry run (the command line's checks, nothing written) off the UI thread;
   every bad row in a table (file, line, column, problem). Only a clean check leads on,
   and its Import button is the point of no return.
4. Import: a backup of the ledger first, then the import with progress and Cancel (all
   or nothing: a cancelled import writes nothing), then what was added and skipped; the
   mapping of each file is remembered for the next month, and every screen refreshes.
"""
from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from models.common.errors import GviaError
from models.db.backup import backup_database
from models.exchange.import_plan import KINDS
from models.exchange.import_sources import SourcePreview, preview_source
from ui import events
from ui.background import run_in_background
from ui.exchange import import_run
from ui.exchange.import_run import ImportRun, Outcome
from ui.exchange.mapping_table import MappingTable
from ui.i18n import N_, _
from ui.widgets.bidi import path_text
from ui.widgets.forms import alert_label
from ui.widgets.persist import app_settings
from ui.widgets.table_view import GviaTableView

KIND_TITLES = {"clients": N_("Clients"), "invoices": N_("Invoices"),
               "payments": N_("Payments")}
FOLDER_KEY = "import/folder"  # the folder the last file was chosen from
GEOMETRY_KEY = "dialogs/ImportWizard/geometry"
FILES_PAGE, COLUMNS_PAGE, CHECK_PAGE, IMPORT_PAGE = range(4)
DEFAULT_SIZE = (980, 640)
MINIMUM_SIZE = (640, 460)


def _busy_bar() -> QProgressBar:
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setVisible(False)
    return bar


def _percent(bar: QProgressBar, done: int, total: int) -> None:
    bar.setRange(0, 100)
    bar.setValue(int(done * 100 / total) if total else 0)


def _problems_view(model, key: str) -> GviaTableView:
    view = GviaTableView(key)
    view.setModel(model)
    view.setSelectionMode(QAbstractItemView.SingleSelection)
    view.setSortingEnabled(False)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setMinimumSectionSize(header.fontMetrics().horizontalAdvance("0000") + 16)
    view.setVisible(False)
    return view


def _show_problems(view: GviaTableView, model, rows: list) -> None:
    model.set_items(rows)
    view.setVisible(bool(rows))
    for column in range(model.columnCount() - 1):  # the problem itself takes the rest
        view.resizeColumnToContents(column)


class FilesPage(QWizardPage):
    """Which file holds the clients, the invoices and the payments (any of them)."""

    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self._wizard = wizard
        self.setTitle(_("Choose the files to import"))
        self.setSubTitle(_("The files your invoicing program exports: clients, invoices, "
                           "payments, or any of them. CSV or Excel (xlsx)."))
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.paths: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self.browse_buttons: dict[str, QPushButton] = {}
        for row, kind in enumerate(KINDS):
            label = QLabel(_(KIND_TITLES[kind]))
            edit = QLineEdit()
            edit.setPlaceholderText(_("No file chosen"))
            edit.setAccessibleName(_("{kind} file").format(kind=_(KIND_TITLES[kind])))
            edit.setLayoutDirection(Qt.LeftToRight)  # a path reads left to right
            edit.textChanged.connect(lambda _text, k=kind: self._changed(k))
            label.setBuddy(edit)
            browse = QPushButton(_("Choose…"))
            browse.setAutoDefault(False)
            browse.clicked.connect(lambda _checked=False, k=kind: self.browse(k))
            clear = QPushButton(_("Clear"))
            clear.setAutoDefault(False)
            clear.clicked.connect(edit.clear)
            error = alert_label()
            grid.addWidget(label, 2 * row, 0)
            grid.addWidget(edit, 2 * row, 1)
            grid.addWidget(browse, 2 * row, 2)
            grid.addWidget(clear, 2 * row, 3)
            grid.addWidget(error, 2 * row + 1, 1, 1, 3)
            self.paths[kind], self.errors[kind] = edit, error
            self.browse_buttons[kind] = browse
        self.month_first = QCheckBox(_("Read dates such as 03/04/2026 in month/day order "
                                       "(a file from an American Excel)"))
        hint = QLabel(_("A workbook whose sheets are named Clients, Invoices and Payments "
                        "may be chosen in each row: each row reads its own sheet."))
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.month_first)
        layout.addWidget(hint)
        layout.addStretch(1)

    def _changed(self, kind: str) -> None:
        self.errors[kind].setVisible(False)
        self.completeChanged.emit()

    def files(self) -> dict[str, Path]:
        return {kind: Path(edit.text().strip()) for kind, edit in self.paths.items()
                if edit.text().strip()}

    def set_file(self, kind: str, path: str | Path | None) -> None:
        self.paths[kind].setText("" if path is None else str(path))

    def choose_file(self, kind: str) -> str | None:
        """Ask for the file (a test replaces this)."""
        settings = app_settings()
        path, _filter = QFileDialog.getOpenFileName(
            self, _("{kind} file").format(kind=_(KIND_TITLES[kind])),
            str(settings.value(FOLDER_KEY, "") or ""), _("Spreadsheets (*.csv *.xlsx)"))
        if path:
            settings.setValue(FOLDER_KEY, str(Path(path).parent))
        return path or None

    def browse(self, kind: str) -> None:
        path = self.choose_file(kind)
        if path:
            self.set_file(kind, path)

    def isComplete(self) -> bool:
        return bool(self.files())

    def validatePage(self) -> bool:
        """Each file opened and its head read; a file that is not a table is named
        under its row, and the page stays."""
        previews: dict[str, SourcePreview] = {}
        QGuiApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            for kind, path in self.files().items():
                try:
                    previews[kind] = preview_source(path, kind)
                except GviaError as exc:
                    self.errors[kind].setText(_("{file}: {problem}").format(
                        file=path_text(path.name), problem=exc))
                    self.errors[kind].setVisible(True)
        finally:
            QGuiApplication.restoreOverrideCursor()
        if len(previews) < len(self.files()):
            first = next(k for k in KINDS if self.errors[k].isVisible())
            self.paths[first].setFocus(Qt.OtherFocusReason)
            return False
        self._wizard.previews = previews
        return True


class ColumnsPage(QWizardPage):
    """Each file's first rows and the field of each column."""

    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self._wizard = wizard
        self.setTitle(_("Check the columns"))
        self.setSubTitle(_("The first rows of each file. Above each column, choose what it "
                           "holds; the choice is remembered for the next file with the same "
                           "headings."))
        self.tabs = QTabWidget()
        self.tables: dict[str, MappingTable] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def initializePage(self) -> None:
        previous = {kind: (table.headers, table.mapping()) for kind, table in self.tables.items()}
        self.tabs.clear()
        for table in self.tables.values():
            table.deleteLater()
        self.tables = {}
        for kind, preview in self._wizard.previews.items():
            table = MappingTable(preview)
            headers, mapping = previous.get(kind, (None, None))
            if headers == table.headers:  # back from the check: keep what was chosen
                for header, name in mapping.items():
                    table.set_field(header, name)
            self.tables[kind] = table
            self.tabs.addTab(table, _(KIND_TITLES[kind]))
        if self.tables:
            self.tables[next(iter(self.tables))].focus_first()

    def mappings(self) -> dict[str, dict[str, str | None]]:
        return {kind: table.mapping() for kind, table in self.tables.items()}

    def request(self) -> ImportRun:
        return ImportRun(files=self._wizard.files_page.files(), mappings=self.mappings(),
                         headers={k: t.headers for k, t in self.tables.items()},
                         month_first=self._wizard.files_page.month_first.isChecked())


class CheckPage(QWizardPage):
    """The dry run: every file checked as the import would check it; nothing written."""

    checked = Signal()

    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self._wizard = wizard
        self._generation = 0
        self.outcome: Outcome | None = None
        self.setTitle(_("Check the files"))
        self.setSubTitle(_("Every row is checked as the import checks it. Nothing is written "
                           "to the ledger yet."))
        self.setCommitPage(True)
        self.setButtonText(QWizard.CommitButton, _("Import"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.progress = _busy_bar()
        self.problems = import_run.problems_model(self)
        self.table = _problems_view(self.problems, "import_problems")
        self.advice = QLabel(_("Correct these rows in the file (or the columns on the "
                               "previous page), then check again. Nothing was imported."))
        self.advice.setWordWrap(True)
        self.advice.setVisible(False)
        self.again_button = QPushButton(_("Check again"))
        self.again_button.setAutoDefault(False)
        self.again_button.clicked.connect(self.start)
        self.again_button.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 100)
        layout.addWidget(self.advice)
        layout.addWidget(self.again_button, 0, Qt.AlignLeading)
        layout.addStretch(1)  # the text stays at the top while there is no table

    @property
    def is_running(self) -> bool:
        return self.progress.isVisible()

    def initializePage(self) -> None:
        self.start()

    def cleanupPage(self) -> None:  # Back: a check under way is dropped
        self._generation += 1
        self._wizard.cancel.set()
        self.progress.setVisible(False)

    def start(self) -> None:
        self._generation += 1
        generation = self._generation
        request = self._wizard.columns_page.request()
        cancel = self._wizard.cancel
        cancel.clear()
        self.outcome = None
        self.completeChanged.emit()
        self.problems.set_items([])
        self.table.setVisible(False)
        self.advice.setVisible(False)
        self.again_button.setVisible(False)
        self.status.setText(_("Checking the files…"))
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)

        def work(progress):
            return import_run.run(request, dry_run=True, progress=progress,
                                  is_cancelled=cancel.is_set)

        def done(outcome: Outcome) -> None:
            if generation == self._generation:
                self._show(outcome)

        def failed(message: str) -> None:
            if generation == self._generation:
                self._show(Outcome(message=message))

        def progressed(done_rows: int, total: int) -> None:
            if generation == self._generation:
                _percent(self.progress, done_rows, total)

        run_in_background(work, owner=self, on_done=done, on_error=failed,
                          on_progress=progressed)

    def _show(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.progress.setVisible(False)
        if outcome.result is not None:
            self.status.setText(outcome.result.summary() + "\n\n"
                                + _("Press Import to import the files. A backup of the "
                                    "ledger is made first."))
        else:
            self.status.setText(outcome.message)
            rows = import_run.problems_of(outcome.errors)
            _show_problems(self.table, self.problems, rows)
            self.advice.setVisible(bool(rows))
            self.again_button.setVisible(not outcome.is_cancelled)
        self.completeChanged.emit()
        self.checked.emit()

    def isComplete(self) -> bool:
        return self.outcome is not None and self.outcome.result is not None


class ImportPage(QWizardPage):
    """The backup, then the import itself, then what it did."""

    finished = Signal()

    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self._wizard = wizard
        self.outcome: Outcome | None = None
        self.backup_path: Path | None = None
        self.is_done = False
        self.setTitle(_("Import"))
        self.setSubTitle(_("The files are imported all or nothing: if the import stops, "
                           "nothing of it is written."))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.progress = _busy_bar()
        self.backup_label = QLabel()
        self.backup_label.setWordWrap(True)
        self.backup_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.problems = import_run.problems_model(self)
        self.table = _problems_view(self.problems, "import_problems")
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.backup_label)
        layout.addWidget(self.table, 100)
        layout.addStretch(1)

    @property
    def is_running(self) -> bool:
        return self._wizard.currentId() == IMPORT_PAGE and not self.is_done

    def initializePage(self) -> None:
        self.is_done = False
        self.outcome = None
        self._wizard.setOption(QWizard.NoCancelButtonOnLastPage, False)
        self._wizard.cancel.clear()
        self.status.setText(_("Backing up the ledger before the import…"))
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        opened = self._wizard.opened_db
        if opened.path is None:  # a server's ledger: its import is one transaction
            self._backed_up(None)
            return
        db, db_path = opened.db, opened.path
        run_in_background(lambda: backup_database(db, db_path, reason="before-import"),
                          owner=self, on_done=self._backed_up, on_error=self._backup_failed)

    def _backup_failed(self, message: str) -> None:
        self._finish(Outcome(message=_("The backup before the import failed, so nothing was "
                                       "imported: {error}").format(error=message)))

    def _backed_up(self, path) -> None:
        if path is None:
            self.backup_label.setText(_(
                "On the office server the import is one transaction: if any part of it "
                "fails, nothing is written. Backups of the server are made with gvia backup."))
        else:
            self.backup_path = Path(path)
            self.backup_label.setText(_("A backup of the ledger was saved first: {path}")
                                      .format(path=path_text(self.backup_path)))
        cancel = self._wizard.cancel
        if cancel.is_set():
            self._finish(Outcome(message=_("The import was cancelled; nothing was written."),
                                 is_cancelled=True))
            return
        self.status.setText(_("Importing…"))
        request = self._wizard.columns_page.request()

        def work(progress):
            return import_run.run(request, dry_run=False, progress=progress,
                                  is_cancelled=cancel.is_set)

        run_in_background(work, owner=self, on_done=self._finish,
                          on_error=lambda message: self._finish(Outcome(message=message)),
                          on_progress=lambda d, t: _percent(self.progress, d, t))

    def _finish(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.is_done = True
        self.progress.setVisible(False)
        if outcome.result is not None:
            self.status.setText(outcome.result.summary())
            events.announce(events.CLIENTS, events.INVOICES, events.PAYMENTS)
        else:
            self.status.setText(outcome.message)
            _show_problems(self.table, self.problems, import_run.problems_of(outcome.errors))
        self.completeChanged.emit()
        # Nothing is left to cancel: Close is the one way out.
        self._wizard.setOption(QWizard.NoCancelButtonOnLastPage, True)
        self.finished.emit()

    def request_cancel(self) -> None:
        self._wizard.cancel.set()
        self.status.setText(_("Stopping the import…"))

    def isComplete(self) -> bool:
        return self.is_done


class ImportWizard(QWizard):
    def __init__(self, opened_db, parent: QWidget | None = None):
        super().__init__(parent)
        self.opened_db = opened_db
        self.cancel = threading.Event()
        self.previews: dict[str, SourcePreview] = {}
        self.setWindowTitle(_("Import from files"))
        self.setWizardStyle(QWizard.ModernStyle)
        self.setOption(QWizard.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.NoBackButtonOnLastPage, True)
        self.setButtonText(QWizard.NextButton, _("Next"))
        self.setButtonText(QWizard.BackButton, _("Back"))
        self.setButtonText(QWizard.CancelButton, _("Cancel"))
        self.setButtonText(QWizard.FinishButton, _("Close"))
        self.setButtonText(QWizard.CommitButton, _("Import"))
        self.files_page = FilesPage(self)
        self.columns_page = ColumnsPage(self)
        self.check_page = CheckPage(self)
        self.import_page = ImportPage(self)
        for page_id, page in ((FILES_PAGE, self.files_page), (COLUMNS_PAGE, self.columns_page),
                              (CHECK_PAGE, self.check_page), (IMPORT_PAGE, self.import_page)):
            self.setPage(page_id, page)
        self.setStartId(FILES_PAGE)
        self.setMinimumSize(*MINIMUM_SIZE)
        self._place()

    def _place(self) -> None:
        """The size the user left it at (else the default), never beyond the screen."""
        geometry = app_settings().value(GEOMETRY_KEY)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(*DEFAULT_SIZE)
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            # The window frame (title bar, borders) comes on top of the wizard's own size.
            width = min(self.width(), area.width() - 16)
            height = min(self.height(), area.height() - 48)
            self.resize(max(width, self.minimumWidth()), max(height, self.minimumHeight()))

    def done(self, result: int) -> None:
        app_settings().setValue(GEOMETRY_KEY, self.saveGeometry())
        super().done(result)

    def reject(self) -> None:
        """Cancel (or Esc, or closing the window): a running import is asked to stop and
        the wizard stays until it has; a running check is simply dropped."""
        if self.import_page.is_running:
            self.import_page.request_cancel()
            return
        self.cancel.set()
        super().reject()

    @classmethod
    def ask(cls, opened_db, parent: QWidget | None = None) -> bool:
        """Run the wizard; True when files were imported."""
        wizard = cls(opened_db, parent)
        wizard.exec()
        outcome = wizard.import_page.outcome
        return outcome is not None and outcome.result is not None
