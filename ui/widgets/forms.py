"""A form that shows each ValidationError next to the field it names.

Fields are registered under the names the services use in `ValidationError.field`
(`name`, `tax_id`, `due_date`, `number`, …); an error naming no known field is shown at
the top of the form. The message is the service's own Hebrew text. A service that found
several problems raises one ValidationErrors (models.common.errors): all of them appear
at once, each under its field, in red, and the cursor goes to the first.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from models.common.errors import GviaError, ValidationError
from models.common.money import parse_amount
from models.db.concurrency import EditedElsewhereError
from ui.i18n import _
from ui.style import OVERDUE, state_colour
from ui.widgets.display import ltr
from ui.widgets.unsaved import field_value, put_field_value


def error_colour(palette: QPalette) -> QColor:
    """The red that error text is written in: the style's overdue red (ui.style), in the
    twin readable on the palette's window colour."""
    return state_colour(OVERDUE, palette)


def alert_label() -> QLabel:
    """Bold, in red, hidden until it has something to say."""
    label = QLabel()
    label.setWordWrap(True)
    label.setVisible(False)
    palette = label.palette()
    palette.setColor(QPalette.WindowText, error_colour(palette))
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
        self.general_error.clear()
        self.general_error.setVisible(False)
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)

    def show_error(self, error: GviaError) -> None:
        """Show every message next to its field (those naming no field of this form at the
        top), and put the cursor in the first field at fault."""
        self.clear_errors()
        self.add_errors(_errors_of(error))
        self.focus_first_error()

    def add_errors(self, errors: list[GviaError]) -> None:
        """Show these messages too (without clearing the ones on screen)."""
        for one in errors:
            name = getattr(one, "field", None)
            label = self.errors.get(name) if name else None
            if label is None or self.fields[name].parentWidget().isHidden():
                label = self.general_error  # no such field here, or its row is hidden
            text = self._value_isolated(name, str(one))
            if not label.isHidden() and label.text():
                if text in label.text().split("\n"):
                    continue
                text = label.text() + "\n" + text
            label.setText(text)
            label.setVisible(True)

    def _value_isolated(self, name: str | None, message: str) -> str:
        """A message quoting what was typed in a left-to-right field (an e-mail, a phone, a
        postal code) keeps that value in its own order inside the Hebrew sentence:
        'david@', not '@david'."""
        widget = self.fields.get(name) if name else None
        if isinstance(widget, QLineEdit) and widget.layoutDirection() == Qt.LeftToRight:
            typed = widget.text().strip()
            if typed and typed in message:
                return message.replace(typed, ltr(typed))
        return message

    def error_fields(self) -> list[str]:
        """The fields that show a message now, in the form's order."""
        return [name for name in self.fields if not self.errors[name].isHidden()]

    def focus_first_error(self) -> None:
        names = self.error_fields()
        if names:
            self.fields[names[0]].setFocus()

    def error_text(self, name: str | None = None) -> str:
        """The message shown for `name` (or at the top); '' when none. For tests too."""
        label = self.general_error if name is None else self.errors[name]
        return label.text()

    def reload_keeping_typed(self, error: EditedElsewhereError, reload: Callable[[], None],
                             fields_of: Mapping[str, str] | None = None) -> None:
        """Another person saved first: `reload` shows what is stored, then every field
        they did not change gets back what the user typed, and the ones they changed are
        marked. `fields_of` names the form field of a stored field named otherwise."""
        typed = {name: field_value(widget) if widget.isEnabled() else None  # not typed in
                 for name, widget in self.fields.items()}
        reload()
        theirs = {(fields_of or {}).get(name, name) for name in error.fields}
        for name, widget in self.fields.items():
            if name not in theirs:
                put_field_value(widget, typed[name])
        self.clear_errors()
        self.add_errors([error] + [ValidationError(_("Changed by someone else meanwhile: "
                                                     "this is what is stored now."), field=name)
                                   for name in self.fields if name in theirs])
        self.focus_first_error()


def _errors_of(error: GviaError) -> list[GviaError]:
    """The single problems inside `error` (a ValidationErrors holds several)."""
    return list(error.errors) if isinstance(error, ValidationError) else [error]


class FormGroup:
    """Several ValidatedForms that are filled as one (the steps of a wizard): an error
    goes to the form that has its field, one naming no field to the first form."""

    def __init__(self, forms: list[ValidatedForm]):
        self.forms = list(forms)

    def form_of(self, name: str | None) -> ValidatedForm | None:
        return next((form for form in self.forms if name in form.fields), None)

    def clear_errors(self) -> None:
        for form in self.forms:
            form.clear_errors()

    def show_error(self, error: GviaError) -> ValidatedForm:
        """Show every message in its form; returns the first form with a problem (its
        first field at fault has the cursor)."""
        self.clear_errors()
        first = None
        for one in _errors_of(error):
            form = self.form_of(getattr(one, "field", None)) or self.forms[0]
            form.add_errors([one])
            first = first or form
        first = first or self.forms[0]
        first.focus_first_error()
        return first

    def error_text(self, name: str | None = None) -> str:
        form = self.forms[0] if name is None else self.form_of(name)
        return form.error_text(name) if form is not None else ""
