"""A field for an image file the letters print (the logo in the letterhead, a scanned
signature): a small preview, the file's name, "Choose…" and "Remove". A file that is not
a PNG or JPEG image is refused when chosen, with the reason, so no letter silently goes
out without it. Used by the business profile page and the first-run dialog; saving the
letter settings takes the chosen file into the ledger (models.letters.images), so the
letters keep it when the original is moved or deleted."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from models.letters import images
from ui.i18n import _
from ui.widgets.bidi import path_text

PREVIEW = QSize(96, 48)


def image_problem(path: str) -> str | None:
    """Why the file at `path` cannot go on a letter, or None when it can (the rule is
    models.letters.images.image_problem: a PNG or JPEG picture that decodes, not too big)."""
    return images.image_problem(path)


class ImageField(QWidget):
    changed = Signal(str)   # the new path ('' when removed)
    refused = Signal(str)   # why a chosen file was refused

    def __init__(self, dialog_title: str, parent=None):
        super().__init__(parent)
        self._title = dialog_title
        self._path = ""
        self.preview = QLabel()
        self.preview.setFixedSize(PREVIEW)
        self.preview.setAlignment(Qt.AlignCenter)
        self.preview.setFrameShape(QLabel.StyledPanel)
        self.name = QLabel()
        self.name.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.choose_button = QPushButton(_("Choose…"))
        self.remove_button = QPushButton(_("Remove"))
        self.choose_button.clicked.connect(self.choose)
        self.remove_button.clicked.connect(lambda: self.set_path(""))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.preview)
        row.addWidget(self.name, 1)
        row.addWidget(self.choose_button)
        row.addWidget(self.remove_button)
        self.set_path("")

    # ---- hook a test replaces -------------------------------------------------------

    def ask_path(self) -> str | None:
        start = str(Path(self._path).parent) if self._path else str(Path.home())
        path, _chosen = QFileDialog.getOpenFileName(self, self._title, start,
                                                    _("Images (*.png *.jpg *.jpeg)"))
        return path or None

    # ---- value ----------------------------------------------------------------------

    def path(self) -> str:
        return self._path

    def choose(self) -> bool:
        chosen = self.ask_path()
        if not chosen:
            return False
        problem = image_problem(chosen)
        if problem:
            self.refused.emit(problem)
            self.setToolTip(problem)
            return False
        self.set_path(chosen)
        return True

    def set_path(self, path: str) -> None:
        """Show `path` (a file that went missing since is shown as such, not dropped)."""
        self._path = path or ""
        pixmap = QPixmap(self._path) if self._path else QPixmap()
        if not pixmap.isNull():
            self.preview.setPixmap(pixmap.scaled(PREVIEW, Qt.KeepAspectRatio,
                                                 Qt.SmoothTransformation))
        else:
            self.preview.clear()
            self.preview.setText(_("None") if not self._path else _("Missing"))
        if not self._path:
            self.name.setText(_("No image: letters are printed without it."))
        elif Path(self._path).is_file():
            self.name.setText(path_text(Path(self._path).name))
        else:
            self.name.setText(_("Missing: {path}").format(path=path_text(self._path)))
        self.name.setToolTip(path_text(self._path))
        self.setToolTip("")
        self.remove_button.setEnabled(bool(self._path))
        self.changed.emit(self._path)
