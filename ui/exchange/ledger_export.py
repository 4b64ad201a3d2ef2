"""File → Export the ledger to Excel…: the whole ledger in one workbook, written off the
UI thread (models.exchange.ledger_export, the function `gvia export-ledger` calls) with a
progress dialog and Cancel. The file is never the ledger or a backup (models.db.outputs)."""
from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMainWindow, QProgressDialog, QWidget

from models.common.errors import GviaError
from models.exchange.ledger_export import LedgerExport, export_ledger
from ui.background import run_in_background
from ui.i18n import _
from ui.widgets import clock, dialogs
from ui.widgets.bidi import path_text
from ui.widgets.save_dialog import output_target


class LedgerExporter(QObject):
    """One export: asks for the file, writes it in the background, says how it went."""

    finished = Signal(str)  # what the user was told (done, cancelled or the problem)

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self._parent = parent
        self._cancel = threading.Event()
        self.progress: QProgressDialog | None = None
        self.result: LedgerExport | None = None
        self.message = ""

    def ask_path(self) -> str:
        """The file to write (a test replaces this); "" when the user declines."""
        name = f"gvia-ledger-{clock.today().isoformat()}.xlsx"
        path, _chosen = QFileDialog.getSaveFileName(
            self._parent, _("Export the ledger to Excel"), name,
            _("Excel workbooks (*.xlsx)"))
        return path

    def start(self, path: str | None = None) -> bool:
        """Ask for the file (unless given) and start writing it; False when nothing was
        started (no file chosen, replacing declined, or a path that must not be written)."""
        path = self.ask_path() if path is None else path
        if not path:
            return False
        try:
            target = output_target(self._parent, path, ".xlsx")
        except GviaError as exc:
            self._tell(str(exc), error=True)
            return False
        if target is None:
            return False
        out, replace = target
        self.progress = QProgressDialog(_("Exporting the ledger…"), _("Cancel"), 0, 100,
                                        self._parent)
        self.progress.setWindowTitle(_("Export the ledger to Excel"))
        self.progress.setWindowModality(Qt.WindowModal)
        self.progress.setMinimumDuration(400)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self._cancel.set)
        cancel, today = self._cancel, clock.today()

        def work(report):
            return export_ledger(out, as_of=today, force=replace, progress=report,
                                 is_cancelled=cancel.is_set)

        run_in_background(work, owner=self, on_done=self._done, on_error=self._failed,
                          on_progress=self._progressed)
        return True

    def cancel(self) -> None:
        self._cancel.set()

    def _progressed(self, done: int, total: int) -> None:
        if self.progress is not None and total:
            self.progress.setValue(int(done * 100 / total))

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _done(self, result: LedgerExport) -> None:
        self._close_progress()
        self.result = result
        self._tell(_("The ledger was exported to {file}: {counts}.").format(
            file=path_text(result.path), counts=result.counts_text()))

    def _failed(self, message: str) -> None:
        self._close_progress()
        self._tell(message, error=not self._cancel.is_set())

    def _tell(self, message: str, *, error: bool = False) -> None:
        self.message = message
        if error and self._parent.isVisible():
            dialogs.show_error(self._parent, message)
        elif isinstance(self._parent, QMainWindow):
            self._parent.statusBar().showMessage(message, 10000)
        self.finished.emit(message)


def export_ledger_to_excel(window: QWidget, path: str | Path | None = None) -> LedgerExporter:
    """Start an export from `window` (File menu); returns the exporter (tests wait on it)."""
    exporter = LedgerExporter(window)
    exporter.start(None if path is None else str(path))
    return exporter
