"""Leaving a page with unsaved changes asks first: Save / Discard / Cancel.

A page with an editable form mixes in `Unsaved` and

* calls `mark_clean()` whenever it has just shown what is stored (after loading, after a
  save);
* has `save() -> bool` (False: a problem, shown on the page) and `discard()` (show what is
  stored again).

`is_dirty()` compares what the page's fields hold now with what they held at
`mark_clean()`: every line edit, text box, spin box, combo box and check box inside the
page (a nested Unsaved page counts for itself). A page whose state is not in its fields
(a plan edited in memory) overrides `unsaved_state()`.

Whatever leaves a page calls `confirm_leave(widget)`: the main window's screen switch and
its close, the tab widgets (`guard_tabs`), a card's Close. It finds the dirty pages in
`widget`, asks once, and saves or discards them all; False means "stay".

Tests replace `ui.widgets.unsaved.ask_save` instead of clicking through the message box.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from ui.i18n import _

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def field_value(widget: QWidget):
    """What a field holds, as a comparable value (None: not a field)."""
    if isinstance(widget, QLineEdit):
        if widget.isReadOnly() or isinstance(widget.parentWidget(),
                                             (QComboBox, QAbstractSpinBox)):
            return None  # shown by its combo or spin box
        return widget.text()
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return None if widget.isReadOnly() else widget.toPlainText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QComboBox):
        return (widget.currentIndex(), widget.currentText())
    if isinstance(widget, (QCheckBox, QRadioButton)):
        return widget.isChecked()
    return None


def put_field_value(widget: QWidget, value) -> None:
    """`widget` set back to a value `field_value` read from it (None: left as it is)."""
    if value is None or field_value(widget) == value:
        return
    if isinstance(widget, QComboBox):
        index, text = value
        if widget.isEditable() and widget.itemText(index) != text:
            widget.setEditText(text)  # typed, not chosen
        else:
            widget.setCurrentIndex(index)
    elif isinstance(widget, (QCheckBox, QRadioButton)):
        widget.setChecked(value)
    elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
        widget.setPlainText(value)
    elif isinstance(widget, (QLineEdit, QAbstractSpinBox)):
        line = widget if isinstance(widget, QLineEdit) else widget.lineEdit()
        line.setText(value)
        commit = getattr(widget, "commit", None)  # a date field reads what it was given
        if commit is not None:
            commit()
        elif isinstance(widget, QAbstractSpinBox):
            widget.interpretText()


def field_values(root: QWidget) -> dict:
    """widget -> value for the fields inside `root`, not those of a nested Unsaved page."""
    values, stack = {}, list(root.findChildren(QWidget, options=Qt.FindDirectChildrenOnly))
    while stack:
        widget = stack.pop()
        if isinstance(widget, Unsaved):
            continue
        value = field_value(widget)
        if value is not None:
            values[widget] = value
        stack.extend(widget.findChildren(QWidget, options=Qt.FindDirectChildrenOnly))
    return values


class Unsaved:
    """Mixed into a QWidget page; see the module's docstring."""
    _clean_state = None

    def unsaved_state(self):
        return field_values(self)

    def mark_clean(self) -> None:
        self._clean_state = self.unsaved_state()

    def mark_fields_clean(self, *widgets: QWidget) -> None:
        """These fields were just filled from what is stored (the others keep their
        typing and their stored values)."""
        if isinstance(self._clean_state, dict):
            self._clean_state.update({w: v for w, v in self.unsaved_state().items()
                                      if w in widgets})

    def is_dirty(self) -> bool:
        if self._clean_state is None:
            return False  # never shown anything stored yet
        now = self.unsaved_state()
        if isinstance(now, dict) and isinstance(self._clean_state, dict):
            # A field made since (a row added) is compared from its next mark_clean.
            return any(key in self._clean_state and self._clean_state[key] != value
                       for key, value in now.items())
        return now != self._clean_state

    def save(self) -> bool:
        raise NotImplementedError

    def discard(self) -> None:
        raise NotImplementedError


def dirty_pages(widget: QWidget | None) -> list[Unsaved]:
    """The pages in `widget` (itself included) whose fields differ from what is stored."""
    if widget is None:
        return []
    pages = [widget] if isinstance(widget, Unsaved) else []
    pages += [w for w in widget.findChildren(QWidget) if isinstance(w, Unsaved)]
    return [page for page in pages if page.is_dirty()]


def prompt_box(parent: QWidget | None) -> QMessageBox:
    """The question, with Save (the default), Discard and Cancel (Esc: stay)."""
    box = QMessageBox(QMessageBox.Warning, _("Unsaved changes"),
                      _("Some changes were not saved. Save them before leaving?"),
                      QMessageBox.NoButton, parent)
    box.setObjectName("unsavedPrompt")
    save = box.addButton(_("Save"), QMessageBox.AcceptRole)
    discard = box.addButton(_("Discard"), QMessageBox.DestructiveRole)
    cancel = box.addButton(_("Cancel"), QMessageBox.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    for button, answer in ((save, SAVE), (discard, DISCARD), (cancel, CANCEL)):
        button.setProperty("answer", answer)
    return box


def ask_save(parent: QWidget | None) -> str:
    """SAVE, DISCARD or CANCEL (the default: stay). Replace this in tests."""
    box = prompt_box(parent)
    box.exec()
    clicked = box.clickedButton()
    return clicked.property("answer") if clicked is not None else CANCEL


def confirm_leave(widget: QWidget | None) -> bool:
    """May the user leave `widget`? Asks when something in it is dirty: Save (every dirty
    page saves; a page that cannot shows why and the user stays), Discard (they show what
    is stored again) or Cancel (stay, the typing intact)."""
    pages = dirty_pages(widget)
    if not pages:
        return True
    answer = ask_save(widget.window() if widget is not None else None)
    if answer == SAVE:
        for page in pages:
            if not page.save():
                _bring_into_view(page)
                return False
        return True
    if answer == DISCARD:
        for page in pages:
            page.discard()
        return True
    return False


def _bring_into_view(page: QWidget) -> None:
    """Show the tabs that hold a page which could not save, so its message is seen."""
    child, parent = page, page.parentWidget()
    while parent is not None:
        if isinstance(parent, QTabWidget) and parent.indexOf(child) >= 0:
            parent.setCurrentWidget(child)
        child, parent = parent, parent.parentWidget()


def guard_tabs(tabs: QTabWidget) -> None:
    """Leaving a tab with unsaved changes asks first; Cancel goes back to it."""
    state = {"page": tabs.currentWidget(), "busy": False}

    def changed(_index: int) -> None:
        if state["busy"]:
            return
        old, new = state["page"], tabs.currentWidget()
        if old is not None and old is not new and tabs.indexOf(old) >= 0:
            state["busy"] = True
            try:
                stay = not confirm_leave(old)
                if stay:
                    tabs.setCurrentWidget(old)
            finally:
                state["busy"] = False
            if stay:
                return
        state["page"] = tabs.currentWidget()

    tabs.currentChanged.connect(changed)
