"""Where the address prints (the envelope window) and the label sheet, with a calibration
page to print and hold against a real envelope. The values are models.letters.archive
LetterSettings; their checks (and Hebrew messages) are the model's."""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.common.errors import GviaError
from models.db.outputs import scratch_file, write_output
from models.letters.archive import (
    LetterSettings,
    load_letter_settings,
    save_letter_settings,
)
from reports.mailing import render_calibration_page
from ui import events
from ui.i18n import _
from ui.letters.pdf_preview import PdfPreview
from ui.widgets.forms import ValidatedForm
from ui.widgets.scroll import scrolling
from ui.widgets.saved import saved_and_announced

WINDOW_FIELDS = ("window_top_mm", "window_side_mm", "window_width_mm", "window_height_mm")
LABEL_FIELDS = ("label_width_mm", "label_height_mm", "label_top_mm", "label_left_mm")


def _mm_box(maximum: float = 200.0) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0.0, maximum)
    box.setDecimals(1)
    box.setSingleStep(0.5)
    box.setSuffix(" " + _("mm"))
    box.setLayoutDirection(Qt.LeftToRight)
    return box


class EnvelopePage(QWidget):
    saved = Signal()
    calibration_ready = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._build()
        self.load()

    def _build(self) -> None:
        self.window_form = ValidatedForm()
        self.window_side = QComboBox()
        self.window_side.addItem(_("Left (standard DL envelope)"), "left")
        self.window_side.addItem(_("Right"), "right")
        self.window_form.add_field("window_side", _("Window side"), self.window_side)
        names = {"window_top_mm": _("From the top of the page"),
                 "window_side_mm": _("From the side of the page"),
                 "window_width_mm": _("Window width"), "window_height_mm": _("Window height")}
        self.boxes: dict[str, QWidget] = {}
        for name in WINDOW_FIELDS:
            self.boxes[name] = self.window_form.add_field(name, names[name], _mm_box())
        window_group = QGroupBox(_("Envelope window"))
        QVBoxLayout(window_group).addWidget(self.window_form)

        self.label_form = ValidatedForm()
        self.boxes["label_columns"] = self.label_form.add_field("label_columns", _("Columns"),
                                                                QSpinBox())
        self.boxes["label_rows"] = self.label_form.add_field("label_rows", _("Rows"), QSpinBox())
        self.boxes["label_columns"].setRange(1, 6)
        self.boxes["label_rows"].setRange(1, 20)
        label_names = {"label_width_mm": _("Label width"), "label_height_mm": _("Label height"),
                       "label_top_mm": _("Top margin of the sheet"),
                       "label_left_mm": _("Side margin of the sheet")}
        for name in LABEL_FIELDS:
            self.boxes[name] = self.label_form.add_field(name, label_names[name], _mm_box(300))
        label_group = QGroupBox(_("Address labels (A4 sheet)"))
        QVBoxLayout(label_group).addWidget(self.label_form)

        explain = QLabel(_("Print the calibration page at actual size, fold it at the marks "
                           "and slide it into an envelope: the dashed frame must sit inside "
                           "the window. If it does not, change the distances and try again."))
        explain.setWordWrap(True)
        self.save_button = QPushButton(_("Save"))
        self.calibrate_button = QPushButton(_("Show calibration page"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.calibrate_button)
        buttons.addStretch(1)
        settings_column = QWidget()
        column = QVBoxLayout(settings_column)
        column.setContentsMargins(0, 0, 0, 0)
        # The settings scroll on a small screen; Save stays in view below them.
        column.addWidget(scrolling(window_group, label_group, explain), 1)
        column.addLayout(buttons)
        column.addWidget(self.status)
        settings_column.setMaximumWidth(460)

        self.preview = PdfPreview()
        layout = QHBoxLayout(self)
        layout.addWidget(settings_column)
        layout.addWidget(self.preview, 1)
        self.preview.clear(_("The calibration page appears here."))

        self.save_button.clicked.connect(self.save)
        self.calibrate_button.clicked.connect(self.show_calibration)

    # ---- values ---------------------------------------------------------------------

    def load(self) -> None:
        settings = load_letter_settings()
        self.window_side.setCurrentIndex(max(0, self.window_side.findData(settings.window_side)))
        for name, box in self.boxes.items():
            box.setValue(getattr(settings, name))

    def settings_from_form(self) -> LetterSettings:
        """The stored settings with this page's values in place (not yet checked)."""
        values = {name: box.value() for name, box in self.boxes.items()}
        values["window_side"] = self.window_side.currentData()
        return dataclasses.replace(load_letter_settings(), **values)

    def _show_error(self, exc: GviaError) -> None:
        field = getattr(exc, "field", None)
        form = self.label_form if field and field.startswith("label") else self.window_form
        (self.window_form if form is self.label_form else self.label_form).clear_errors()
        form.show_error(exc)

    def save(self) -> bool:
        try:
            save_letter_settings(self.settings_from_form())
        except GviaError as exc:
            self._show_error(exc)
            return False
        self.window_form.clear_errors()
        self.label_form.clear_errors()
        self.status.setText(_("Saved. New letters use these positions."))
        saved_and_announced(self, events.SETTINGS)
        self.saved.emit()
        return True

    def show_calibration(self) -> None:
        """The calibration page for the values on screen (saved or not), ready to print."""
        try:
            settings = self.settings_from_form().validate()
        except GviaError as exc:
            self._show_error(exc)
            return
        # reportlab's mailing module writes to a file name, not a stream: a moment's file
        # in the private print folder, removed as soon as it is read.
        with scratch_file("envelope-calibration.pdf") as path:
            write_output(path, lambda partial: render_calibration_page(partial, settings))
            data = path.read_bytes()
        self.preview.show_pdf_bytes(data, "envelope-calibration.pdf")
        self.preview.set_note(_("Print at 100% (no “fit to page”)."))
        self.calibration_ready.emit()
