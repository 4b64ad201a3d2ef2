"""A form that shows each ValidationError next to the field it names.

Fields are registered under the names the services use in `ValidationError.field`
(`name`, `tax_id`, `due_date`, `number`, …); an error naming no known field is shown at
the top of the form. The message is the service's own Hebrew text.
"""
from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from models.common.errors import GviaError, ValidationError
from models.common.money import parse_amount


def alert_label() -> QLabel:
    """Bold, in the palette's emphasis colour, hidden until it has something to say."""
    label = QLabel()
    label.setWordWrap(True)
    label.setVisible(False)
    # Colour from the palette (no hard-coded red): the same role links use for emphasis.
    palette = label.palette()
    palette.setColor(QPalette.WindowText, palette.color(QPalette.Link))
    label.setPalette(palette)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def field_amount(text: str, field: str, *, empty=0) -> int | None:
    """Agorot typed in a form field: blank (or zero) gives `empty`; a bad amount is a
    ValidationError naming the field, so the form shows it there."""
    text = text.strip()
    if not text or text.strip("0.") == "":
        return empty
    try:
        return parse_amount(text)
    except ValidationError as exc:
        raise ValidationError(str(exc), field=field) from None


class ValidatedForm(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.general_error = alert_label()
        self.general_error.setObjectName("general_error")
        outer.addWidget(self.general_error)
        self.layout_ = QFormLayout()
        self.layout_.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        outer.addLayout(self.layout_)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

    def add_field(self, name: str, label: str, widget: QWidget) -> QWidget:
        """Add a labelled field with an (initially hidden) error line under it."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = alert_label()
        error.setObjectName(f"error_{name}")
        column.addWidget(error)
        self.layout_.addRow(label, box)
        self.fields[name] = widget
        self.errors[name] = error
        return widget

    def set_row_visible(self, name: str, visible: bool) -> None:
        self.layout_.setRowVisible(self.fields[name].parentWidget(), visible)

    def clear_errors(self) -> None:
        self.general_error.setVisible(False)
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)

    def show_error(self, error: GviaError) -> None:
        """Show the message next to its field (and focus it), or at the top."""
        self.clear_errors()
        name = getattr(error, "field", None)
        label = self.errors.get(name) if name else None
        if label is None:
            label = self.general_error
        label.setText(str(error))
        label.setVisible(True)
        if name in self.fields:
            self.fields[name].setFocus()

    def error_text(self, name: str | None = None) -> str:
        """The message shown for `name` (or at the top); '' when none. For tests too."""
        label = self.general_error if name is None else self.errors[name]
        return label.text()
