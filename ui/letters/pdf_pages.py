"""PDF pages as images, with pypdfium2 (4 MB) instead of QtPdf (in the large Addons package).

PDFium is not thread-safe: every call goes through this module, on the UI thread only.
A document is opened from bytes (a draft) or a file (the archive); a letter inside a batch
file is a page range of it.
"""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtGui import QImage

from models.common.errors import GviaError
from ui.i18n import _

POINTS_PER_INCH = 72.0


class PdfPages:
    """An open PDF, optionally restricted to the pages [first, first + count)."""

    def __init__(self, source: bytes | str | Path, first_page: int = 1, count: int | None = None):
        try:
            # bytes are copied by pdfium's loader; a path is opened and kept open.
            self._doc = pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
        except (pdfium.PdfiumError, OSError) as exc:
            raise GviaError(_("The PDF file could not be opened: {error}").format(
                error=exc)) from exc
        total = len(self._doc)
        self._first = max(0, min(first_page - 1, total - 1)) if total else 0
        available = total - self._first
        self._count = available if count is None else max(0, min(count, available))

    @property
    def total_pages(self) -> int:
        """Pages in the whole file (a batch holds many letters)."""
        return len(self._doc)

    def __len__(self) -> int:
        return self._count

    def size_points(self, index: int) -> tuple[float, float]:
        return tuple(self._doc[self._first + index].get_size())

    def render(self, index: int, dpi: float) -> QImage:
        """Page `index` (0-based within the range) at `dpi`, as a QImage that owns its pixels."""
        page = self._doc[self._first + index]
        bitmap = page.render(scale=dpi / POINTS_PER_INCH, rev_byteorder=True,
                             fill_color=(255, 255, 255, 255))
        fmt = QImage.Format_RGBA8888 if bitmap.n_channels == 4 else QImage.Format_RGB888
        image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, fmt)
        return image.copy()  # the bitmap's memory goes away with `bitmap`

    def save(self, target: Path) -> None:
        """Write these pages (a whole file, or one letter's pages out of a batch) to `target`.

        Callers pass it to models.db.outputs.write_output, so `target` is that function's
        private temporary file, renamed into place only once it is whole."""
        out = pdfium.PdfDocument.new()
        try:
            out.import_pages(self._doc, list(range(self._first, self._first + self._count)))
            with open(target, "wb") as fh:
                out.save(fh)
        finally:
            out.close()

    def close(self) -> None:
        self._doc.close()
