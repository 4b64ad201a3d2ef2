"""The preview of a real letter PDF: one page at a time, page navigation, zoom, print,
save a copy. Shows a draft (bytes) or an archived file (a page range of it)."""
from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.common.errors import GviaError
from models.db.outputs import write_output
from ui.i18n import _
from ui.letters import printing
from ui.letters.pdf_pages import PdfPages
from ui.widgets.display import ltr
from ui.widgets.save_dialog import output_target

FIT_WIDTH = 0   # zoom value meaning "as wide as the preview"
FIT_PAGE = -1   # "the whole page in view"
ZOOMS = (FIT_WIDTH, FIT_PAGE, 50, 75, 100, 125, 150, 200)
SCREEN_DPI = 96.0


class PdfPreview(QWidget):
    page_shown = Signal(int)  # 0-based index of the page on screen
    printed = Signal(int)     # pages sent to the printer
    saved = Signal(str)       # path of a saved copy
    failed = Signal(str)      # a Hebrew message for the user

    def __init__(self, parent=None, *, show_actions: bool = True):
        super().__init__(parent)
        self._pages: PdfPages | None = None
        self._file: Path | None = None  # the whole file behind the pages, when archived
        self._bytes: bytes | None = None
        self._whole_file = False
        self._index = 0
        self._fitted_to = None  # viewport size the fitted zoom was computed for
        self.suggested_name = "letter.pdf"
        self._build(show_actions)

    # ---- hooks a test replaces ------------------------------------------------------

    def ask_save_path(self, suggested: str) -> str | None:
        # The dialog asks before replacing a file (no DontConfirmOverwrite).
        path, _chosen = QFileDialog.getSaveFileName(self, _("Save letter as PDF"), suggested,
                                                    _("PDF files (*.pdf)"))
        return path or None

    def ask_printer(self):
        return printing.ask_printer(self, self.page_count())

    # ---- layout ---------------------------------------------------------------------

    def _build(self, show_actions: bool) -> None:
        self.prev_button = QPushButton(_("Previous page"))
        self.next_button = QPushButton(_("Next page"))
        self.page_spin = QSpinBox()
        self.page_spin.setMinimum(1)
        self.page_spin.setLayoutDirection(Qt.LeftToRight)
        self.page_total = QLabel()
        self.zoom_box = QComboBox()
        for zoom in ZOOMS:
            name = {FIT_WIDTH: _("Fit width"), FIT_PAGE: _("Whole page")}.get(zoom,
                                                                              ltr(f"{zoom}%"))
            self.zoom_box.addItem(name, zoom)
        self.print_button = QPushButton(_("Print…"))
        self.save_button = QPushButton(_("Save as PDF…"))
        bar = QHBoxLayout()
        page_label = QLabel(_("Page"))
        page_label.setBuddy(self.page_spin)
        zoom_label = QLabel(_("Zoom:"))
        zoom_label.setBuddy(self.zoom_box)
        for widget in (self.prev_button, page_label, self.page_spin, self.page_total,
                       self.next_button, zoom_label, self.zoom_box):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)
        self.print_button.setVisible(show_actions)
        self.save_button.setVisible(show_actions)

        self.page_label = QLabel()
        self.page_label.setAlignment(Qt.AlignCenter)
        self.page_label.setBackgroundRole(self.page_label.backgroundRole())
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.page_label)
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignCenter)
        self.scroll.viewport().installEventFilter(self)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignCenter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.scroll, 1)

        self.prev_button.clicked.connect(lambda: self.show_page(self._index - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self._index + 1))
        self.page_spin.valueChanged.connect(lambda value: self.show_page(value - 1))
        self.zoom_box.currentIndexChanged.connect(lambda _i: self._paint())
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_copy)
        self.clear()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # In a window of its own (an archived letter, a case file) Ctrl+P prints it; in the
        # main window, Ctrl+P is the window's File → Print, which clicks this button.
        if not isinstance(self.window(), QMainWindow) and self.print_button.shortcut().isEmpty():
            self.print_button.setShortcut(QKeySequence(QKeySequence.Print))

    # ---- content --------------------------------------------------------------------

    def clear(self, message: str = "") -> None:
        if self._pages is not None:
            self._pages.close()
        self._pages, self._file, self._bytes, self._index = None, None, None, 0
        self.page_label.clear()
        self.page_label.setText(message)
        self.message.setVisible(False)
        self._update_controls()

    def show_pdf_bytes(self, data: bytes, suggested_name: str = "letter.pdf") -> None:
        """A draft (not archived): printing and saving use these bytes."""
        self._open(PdfPages(data), suggested_name)
        self._bytes = data

    def show_pdf_file(self, path: Path, first_page: int = 1, count: int | None = None,
                      suggested_name: str | None = None) -> None:
        """An archived file, or the pages of one letter inside a batch file."""
        path = Path(path)
        if not path.exists():
            raise GviaError(_("The archived file {path} is missing; it may have been moved "
                              "or deleted.").format(path=ltr(str(path))))
        pages = PdfPages(path, first_page, count)
        self._open(pages, suggested_name or path.name)
        self._file = path
        self._whole_file = first_page == 1 and count in (None, pages.total_pages)

    def _open(self, pages: PdfPages, suggested_name: str) -> None:
        self.clear()
        self._pages = pages
        self.suggested_name = suggested_name
        self.page_spin.blockSignals(True)
        self.page_spin.setMaximum(max(1, len(pages)))
        self.page_spin.setValue(1)
        self.page_spin.blockSignals(False)
        self.page_total.setText(_("of {count}").format(count=len(pages)))
        self._index = 0
        self._paint()
        self._update_controls()

    def set_note(self, text: str) -> None:
        """A line above the page (e.g. "draft — not archived yet")."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def page_count(self) -> int:
        return len(self._pages) if self._pages else 0

    def current_page(self) -> int:
        return self._index

    def has_document(self) -> bool:
        return self._pages is not None

    def pages(self) -> PdfPages | None:
        return self._pages

    def show_page(self, index: int) -> None:
        if not self._pages or not 0 <= index < len(self._pages):
            return
        self._index = index
        self.page_spin.blockSignals(True)
        self.page_spin.setValue(index + 1)
        self.page_spin.blockSignals(False)
        self._paint()
        self._update_controls()

    def set_zoom(self, percent: int) -> None:
        self.zoom_box.setCurrentIndex(max(0, self.zoom_box.findData(percent)))

    def zoom(self) -> int:
        return self.zoom_box.currentData()

    def eventFilter(self, watched, event) -> bool:
        # The viewport, not this widget: its size settles only after the layout ran.
        if watched is self.scroll.viewport() and event.type() == QEvent.Resize \
                and self.zoom() in (FIT_WIDTH, FIT_PAGE) and self._pages \
                and event.size() != self._fitted_to:
            self._paint()
        return super().eventFilter(watched, event)

    def _dpi(self) -> float:
        zoom = self.zoom()
        if zoom not in (FIT_WIDTH, FIT_PAGE):
            return SCREEN_DPI * zoom / 100
        width_pt, height_pt = self._pages.size_points(self._index)
        viewport = self.scroll.viewport().size()
        self._fitted_to = viewport
        dpi = (viewport.width() - 24) / (width_pt / 72.0)
        if zoom == FIT_PAGE:
            dpi = min(dpi, (viewport.height() - 8) / (height_pt / 72.0))
        return max(30.0, dpi)

    def _paint(self) -> None:
        if not self._pages or not len(self._pages):
            return
        ratio = self.devicePixelRatioF()
        image = self._pages.render(self._index, self._dpi() * ratio)
        image.setDevicePixelRatio(ratio)
        self.page_label.setPixmap(QPixmap.fromImage(image))
        self.page_shown.emit(self._index)

    def _update_controls(self) -> None:
        count = self.page_count()
        for widget in (self.page_spin, self.zoom_box, self.print_button, self.save_button):
            widget.setEnabled(count > 0)
        self.prev_button.setEnabled(self._index > 0)
        self.next_button.setEnabled(self._index + 1 < count)
        if not count:
            self.page_total.clear()

    # ---- print, save ----------------------------------------------------------------

    def print_document(self) -> int:
        """Print through the system dialog; returns the pages printed (0: cancelled)."""
        if not self._pages:
            return 0
        printer = self.ask_printer()
        if printer is None:
            return 0
        total = len(printing.chosen_pages(printer, len(self._pages)))
        progress = None
        if total > 3 and self.isVisible():
            progress = QProgressDialog(_("Sending pages to the printer…"), _("Cancel"),
                                       0, total, self)
            progress.setWindowModality(Qt.WindowModal)
            progress.setMinimumDuration(300)

        def on_page(done: int, of: int) -> bool:
            if progress is None:
                return True
            progress.setValue(done)
            return not progress.wasCanceled()

        printed = printing.print_pages(self._pages, printer, on_page)
        if progress is not None:
            progress.close()
        self.printed.emit(printed)
        return printed

    def save_copy(self) -> Path | None:
        """Write the shown document (the letter's pages only) to a file the user picks."""
        if not self._pages:
            return None
        chosen = self.ask_save_path(self.suggested_name)
        if not chosen:
            return None
        try:
            target = output_target(self, chosen, ".pdf")
            if target is None:
                return None
            path = write_output(target[0], self._content(), force=target[1])
        except GviaError as exc:
            self.failed.emit(str(exc))
            return None
        self.saved.emit(str(path))
        return path

    def _content(self):
        # A draft or a whole archived file is copied byte for byte; a letter inside a
        # batch file gets its own pages only.
        if self._bytes is not None:
            return self._bytes
        if self._file is not None and self._whole_file:
            archived = self._file
            return lambda partial: shutil.copyfile(archived, partial)
        return self._pages.save
