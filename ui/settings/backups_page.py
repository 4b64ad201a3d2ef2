"""Settings page: the backups of this database — list, back up now, back up to a folder of
the user's choice, restore — and the check of the ledger.

Backup, restore and the check run on a pool thread with a progress bar (SQLite's online
backup API reports pages). A backup to a chosen folder (a USB stick, a cloud folder) can be
cancelled, and is then opened read-only and verified by the checks a restore makes; the
folder is remembered for next time. "Check the ledger" runs exactly what `gvia check` runs
(models.db.schema_check.check_database) and names each problem as the command line does.
A restore asks first, and models.db.backup saves the current state before overwriting it;
afterwards every open view is told that the whole database changed.
"""
from __future__ import annotations

import threading
from enum import IntEnum
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.db.backup import (
    BackupInfo,
    backup_database,
    backup_dir,
    backup_to_folder,
    list_backups,
    replaces_data_with_nothing,
    restore_database,
)
from models.db.schema_check import check_database
from ui import events
from ui.background import run_in_background
from ui.i18n import _, ngettext
from ui.widgets.display import AMOUNT_ALIGNMENT, SORT_ROLE, ltr
from ui.widgets.bidi import path_text, size_text
from ui.widgets.forms import alert_label
from ui.widgets.persist import app_settings

PATH_ROLE = Qt.UserRole + 2
FOLDER_KEY = "backups/folder"  # the folder last chosen for "Back up to a folder…"


class Columns(IntEnum):
    CREATED = 0
    SIZE = 1
    KIND = 2
    FILE = 3


def backup_kind(info: BackupInfo, db_stem: str) -> str:
    """Why a backup was made, read from its name `<db>-<date>-<time>-<µs>-<reason>.db`."""
    rest = info.path.stem[len(db_stem) + 1:]
    reason = rest.split("-", 3)[3] if rest.count("-") >= 3 else ""
    if reason == "auto":
        return _("Automatic")
    if reason == "manual":
        return _("Manual")
    if reason == "before-restore":
        return _("Before a restore")
    if reason.startswith("before-migration"):
        return _("Before a program update")
    return reason


def format_size(size_bytes: int) -> str:
    if size_bytes < 1024 * 1024:
        return _("{size} KB").format(size=max(1, round(size_bytes / 1024)))
    return _("{size} MB").format(size=f"{size_bytes / (1024 * 1024):.1f}")


class BackupTableModel(QAbstractTableModel):
    def __init__(self, db_stem: str, parent=None):
        super().__init__(parent)
        self._db_stem = db_stem
        self._backups: list[BackupInfo] = []
        self._headers = {Columns.CREATED: _("Created"), Columns.SIZE: _("Size"),
                         Columns.KIND: _("Kind"), Columns.FILE: _("File")}

    def set_backups(self, backups: list[BackupInfo]) -> None:
        self.beginResetModel()
        self._backups = list(backups)
        self.endResetModel()

    def backup_at(self, row: int) -> BackupInfo | None:
        return self._backups[row] if 0 <= row < len(self._backups) else None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._backups)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(Columns):
            return self._headers[Columns(section)]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        info = self.backup_at(index.row())
        if info is None:
            return None
        column = Columns(index.column())
        if role == Qt.DisplayRole:
            return {Columns.CREATED: info.created.strftime("%d/%m/%Y %H:%M"),
                    Columns.SIZE: size_text(format_size(info.size_bytes)),
                    Columns.KIND: backup_kind(info, self._db_stem),
                    Columns.FILE: ltr(info.path.name)}[column]
        if role == Qt.TextAlignmentRole and column == Columns.SIZE:
            return AMOUNT_ALIGNMENT
        if role == SORT_ROLE:
            return {Columns.CREATED: info.created, Columns.SIZE: info.size_bytes,
                    Columns.KIND: backup_kind(info, self._db_stem),
                    Columns.FILE: info.path.name}[column]
        if role == PATH_ROLE:
            return str(info.path)
        return None


class BackupsPage(QWidget):
    backup_finished = Signal(str)   # path of the new backup
    restore_finished = Signal(str)  # path of the safety copy taken before restoring
    check_finished = Signal(list)   # the problems the check found (empty: sound)
    failed = Signal(str)

    def __init__(self, opened_db, parent=None):
        super().__init__(parent)
        self.opened_db = opened_db
        self._cancel = threading.Event()
        if getattr(opened_db, "is_office", False):
            self._build_office()
            return
        self._build()
        self.reload()

    # ---- hooks a test replaces ------------------------------------------------------

    def ask_confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self, _("Restore from a backup"), text,
                                      QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return answer == QMessageBox.Yes

    def ask_folder(self) -> str | None:
        folder = QFileDialog.getExistingDirectory(
            self, _("Choose a folder for the backup (a USB drive or a cloud folder)"),
            self.remembered_folder() or str(Path.home()))
        return folder or None

    def ask_open_path(self) -> str | None:
        path, _chosen = QFileDialog.getOpenFileName(
            self, _("Choose a backup file"), str(backup_dir(self.opened_db.path)),
            _("Gvia backups (*.db);;All files (*)"))
        return path or None

    def show_error(self, message: str) -> None:
        self.status.setText(message)
        self.failed.emit(message)
        if self.isVisible():
            QMessageBox.warning(self, _("Backups"), message)

    # ---- layout ---------------------------------------------------------------------

    def _build(self) -> None:
        intro = QLabel(_("Backups are verified copies of the database, kept in {folder}. "
                         "Gvia also makes one automatically every day.")
                       .format(folder=path_text(backup_dir(self.opened_db.path))))
        intro.setWordWrap(True)
        self.model = BackupTableModel(Path(self.opened_db.path).stem, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectRows)
        self.table.setSelectionMode(QTableView.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.backup_button = QPushButton(_("Back up now"))
        self.folder_button = QPushButton(_("Back up to a folder…"))
        self.folder_button.setToolTip(_("A copy on a USB drive or in a cloud folder survives "
                                        "a lost or broken computer."))
        self.restore_button = QPushButton(_("Restore the selected backup…"))
        self.restore_file_button = QPushButton(_("Restore from a file…"))
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("backupStatus")
        self.backup_button.clicked.connect(self.back_up_now)
        self.folder_button.clicked.connect(self.back_up_to_folder)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button.clicked.connect(self.restore_from_file)
        self.cancel_button.clicked.connect(self._cancel.set)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        buttons = QHBoxLayout()
        for button in (self.backup_button, self.folder_button, self.restore_button,
                       self.restore_file_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        work = QHBoxLayout()
        work.addWidget(self.progress, 1)
        work.addWidget(self.cancel_button)

        checking = QGroupBox(_("Checking the ledger"))
        self.check_button = QPushButton(_("Check the ledger"))
        self.check_button.setToolTip(_("The same checks as the command gvia check: the "
                                       "file's integrity, its structure, the references "
                                       "between tables, the attachments and letters."))
        self.check_button.clicked.connect(self.check_ledger)
        self.check_result = QLabel()
        self.check_result.setWordWrap(True)
        self.check_result.setObjectName("checkResult")
        self.check_result.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.check_problems = alert_label()
        self.check_problems.setObjectName("checkProblems")
        self.check_problems.setTextInteractionFlags(Qt.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.check_button)
        row.addWidget(self.check_result, 1)
        column = QVBoxLayout(checking)
        column.addLayout(row)
        column.addWidget(self.check_problems)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addLayout(work)
        layout.addWidget(self.status)
        layout.addWidget(checking)

    def _build_office(self) -> None:
        """A ledger on the office server has no file here: its backups are made with the
        command line (models/db/postgres/backup.py), where the server's tools are."""
        note = QLabel(_("This ledger is on the office server ({name}). Its backups are made "
                        "on the server, or on any office computer with PostgreSQL's tools, "
                        "with the command gvia backup --db <address> --out <file>, and "
                        "restored with gvia restore --db <address> --from <file>. Each "
                        "backup is checked before it is kept.").format(name=self.opened_db.name))
        note.setWordWrap(True)
        note.setObjectName("officeBackups")
        note.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.progress = QProgressBar()  # never shown: nothing runs here
        self.progress.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addStretch(1)

    def reload(self) -> None:
        if getattr(self.opened_db, "is_office", False):
            return
        self.model.set_backups(list_backups(self.opened_db.path))
        self._update_buttons()

    def _update_buttons(self, *_args) -> None:
        running = self.is_busy()
        for button in (self.backup_button, self.folder_button, self.restore_file_button,
                       self.check_button):
            button.setEnabled(not running)
        self.restore_button.setEnabled(not running and self.selected_backup() is not None)

    def is_busy(self) -> bool:
        return not self.progress.isHidden()

    def remembered_folder(self) -> str | None:
        folder = app_settings().value(FOLDER_KEY)
        return folder if isinstance(folder, str) and folder else None

    def selected_backup(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.backup_at(rows[0].row()) if rows else None

    def select_row(self, row: int) -> None:
        # Through the selection model: QTableView.selectRow ignores a view not on screen.
        self.table.selectionModel().select(
            self.model.index(row, 0),
            QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)

    # ---- work -----------------------------------------------------------------------

    def _start(self, message: str, *, cancellable: bool = False) -> None:
        self.status.setText(message)
        self.progress.setRange(0, 0)
        self.progress.show()
        self._cancel.clear()
        self.cancel_button.setVisible(cancellable)
        self._update_buttons()

    def _stop(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self._update_buttons()

    def _on_progress(self, done: int, total: int) -> None:
        if total == 0:  # the copy is written; it is being verified
            self.progress.setRange(0, 0)
            self.cancel_button.hide()
            self.status.setText(_("Verifying the copy…"))
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _failed(self, message: str) -> None:
        self._stop()
        self.show_error(message)

    def back_up_now(self) -> None:
        db, path = self.opened_db.db, self.opened_db.path
        self._start(_("Backing up…"))

        def work(progress):
            return str(backup_database(db, path, reason="manual", progress=progress))

        def done(backup_path: str) -> None:
            self._stop()
            self.reload()
            self.status.setText(_("Backed up to {path}.").format(path=path_text(backup_path)))
            self.backup_finished.emit(backup_path)

        run_in_background(work, owner=self, on_done=done, on_error=self._failed,
                          on_progress=self._on_progress)

    def back_up_to_folder(self, folder: str | None = None) -> None:
        """Write a new backup into a folder the user chooses, then verify it there."""
        folder = folder or self.ask_folder()
        if not folder:
            return
        app_settings().setValue(FOLDER_KEY, folder)
        db, path, cancelled = self.opened_db.db, self.opened_db.path, self._cancel
        self._start(_("Backing up to {folder}…").format(folder=path_text(folder)),
                    cancellable=True)

        def work(progress):
            return str(backup_to_folder(db, path, Path(folder), progress=progress,
                                        is_cancelled=cancelled.is_set))

        def done(backup_path: str) -> None:
            self._stop()
            self.reload()  # the folder may be the backups folder itself
            self.status.setText(_("Backed up to {path} and verified: the copy opens and "
                                  "passes the checks a restore makes.").format(
                path=path_text(backup_path)))
            self.backup_finished.emit(backup_path)

        run_in_background(work, owner=self, on_done=done, on_error=self._failed,
                          on_progress=self._on_progress)

    def check_ledger(self) -> None:
        """Run `gvia check`'s checks on the open ledger off the UI thread."""
        db, folder = self.opened_db.db, Path(self.opened_db.path).parent
        self._start(_("Checking the ledger…"))
        self.check_result.setText(_("Checking…"))
        self.check_problems.hide()

        def done(problems: list[str]) -> None:
            self._stop()
            self.status.clear()
            self.show_check_result(problems)
            self.check_finished.emit(problems)

        def failed(message: str) -> None:
            self.check_result.clear()
            self._failed(message)

        run_in_background(lambda: check_database(db, folder), owner=self, on_done=done,
                          on_error=failed)

    def show_check_result(self, problems: list[str]) -> None:
        if not problems:
            self.check_result.setText(_("The database is sound."))
            self.check_problems.hide()
            return
        self.check_result.setText(ngettext(
            "The check found {count} problem. Restore a recent backup, or keep a copy of "
            "the file and ask for support:",
            "The check found {count} problems. Restore a recent backup, or keep a copy of "
            "the file and ask for support:", len(problems)).format(count=len(problems)))
        self.check_problems.setText("\n".join(problems))
        self.check_problems.show()

    def restore_selected(self) -> None:
        info = self.selected_backup()
        if info is not None:
            self.restore(Path(info.path), info.created.strftime("%d/%m/%Y %H:%M"))

    def restore_from_file(self) -> None:
        chosen = self.ask_open_path()
        if chosen:
            self.restore(Path(chosen), Path(chosen).name)

    def restore(self, source: Path, described_as: str) -> None:
        question = _("Replace all the data in Gvia with the backup from {when}? The current "
                     "data will be backed up first, so this can be undone.").format(
            when=described_as)
        if not self.ask_confirm(question):
            return
        db, path = self.opened_db.db, self.opened_db.path
        allow_empty = replaces_data_with_nothing(db, source)
        if allow_empty and not self.ask_confirm(_(
                "This backup holds no clients and no invoices. Restoring it will leave Gvia "
                "empty. Restore it all the same?")):
            return
        self._start(_("Restoring…"))

        def work(progress):
            return str(restore_database(db, path, source, progress=progress,
                                        allow_empty=allow_empty))

        def done(safety_path: str) -> None:
            self._stop()
            self.reload()
            self.status.setText(_("Restored from {source}. The data as it was before is "
                                  "saved in {safety}.").format(source=ltr(source.name),
                                                               safety=ltr(Path(safety_path).name)))
            events.announce(events.DATABASE)
            self.restore_finished.emit(safety_path)

        run_in_background(work, owner=self, on_done=done, on_error=self._failed,
                          on_progress=self._on_progress)
