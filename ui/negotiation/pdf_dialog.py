"""A produced PDF (agreement, meeting summary, case file, dossier) to read, print or save."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from ui.letters.pdf_preview import PdfPreview
from ui.widgets.dialogs import GviaDialog
from ui.widgets.persist import screen_share


class PdfDialog(GviaDialog):
    def __init__(self, path: Path, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.preview = PdfPreview()
        QVBoxLayout(self).addWidget(self.preview)
        self.preview.show_pdf_file(Path(path), suggested_name=Path(path).name)
        # An A4 page at reading size where the screen has room (a laptop at 150 %:
        # 1280×720), fitted to the width; it scrolls down the page.
        self.resize(screen_share(self, 820, 900))

    @classmethod
    def show_file(cls, path: Path, title: str, parent=None) -> "PdfDialog":
        dialog = cls(path, title, parent)
        dialog.show()
        return dialog
