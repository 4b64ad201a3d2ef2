"""The wording of each letter kind, edited in plain text with named placeholders.

Saving checks every placeholder (models.letters.templates.save_template): an unknown one is the
engine's Hebrew ValidationError, shown here, and nothing is saved. The preview redraws
the real letter for a made-up client as the user types (reports.draft.sample_letter), so
the wording can be judged without touching real data or the archive.

The kinds with an English version (for clients whose letters are in English) are edited in
Hebrew or in English: the language chooser picks which wording is shown, saved and
previewed (for a made-up client abroad); for the other kinds it stays on Hebrew.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from models.common.errors import GviaError
from models.ledger.clients import LETTER_LANGUAGES
from models.letters.templates import (
    descriptions,
    get_template,
    is_customised,
    languages,
    restore_default,
    save_template,
    validate_template,
)
from reports.draft import sample_letter
from ui import events
from ui.background import run_in_background
from ui.i18n import _
from ui.letters.common import kind_box, kind_label, set_kind
from ui.letters.pdf_preview import PdfPreview
from ui.widgets import clock, dialogs
from ui.widgets.display import ltr
from ui.widgets.forms import alert_label
from ui.widgets.saved import saved_and_announced
from ui.widgets.unsaved import Unsaved

NAME_ROLE = Qt.UserRole


class TemplatePage(Unsaved, QWidget):
    preview_ready = Signal()
    saved = Signal(str)     # the kind whose wording was stored
    restored = Signal(str)  # the kind put back to the default wording

    PREVIEW_DELAY_MS = 500

    def __init__(self, parent=None):
        super().__init__(parent)
        self._generation = 0
        self._loaded_text = ""
        self._current_kind = ""
        self._current_language = "he"
        self._build()
        self.load_kind(self.kind.currentData())

    def _build(self) -> None:
        self.kind = kind_box()
        set_kind(self.kind, "reminder")
        self.state_label = QLabel()
        top = QHBoxLayout()
        label = QLabel(_("Letter:"))
        label.setBuddy(self.kind)
        top.addWidget(label)
        top.addWidget(self.kind)
        self.language = QComboBox()
        for code, name in LETTER_LANGUAGES.items():
            self.language.addItem(name, code)
        language_label = QLabel(_("Language:"))
        language_label.setBuddy(self.language)
        top.addWidget(language_label)
        top.addWidget(self.language)
        top.addWidget(self.state_label)
        top.addStretch(1)

        self.editor = QPlainTextEdit()
        self.editor.setLayoutDirection(Qt.RightToLeft)
        self.editor.setWordWrapMode(QTextOption.WrapAtWordBoundaryOrAnywhere)
        option = self.editor.document().defaultTextOption()
        option.setTextDirection(Qt.RightToLeft)
        self.editor.document().setDefaultTextOption(option)
        hint = QLabel(_("The first line is the subject. Leave an empty line between "
                        "paragraphs. Double-click a placeholder to insert it."))
        hint.setWordWrap(True)
        self.error = alert_label()
        self.error.setObjectName("template_error")
        self.save_button = QPushButton(_("Save wording"))
        self.restore_button = QPushButton(_("Restore default…"))
        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addWidget(self.restore_button)
        actions.addStretch(1)

        self.placeholders = QListWidget()
        for name, description in descriptions():
            item = QListWidgetItem(f"{ltr('{' + name + '}')}  —  {description}")
            item.setData(NAME_ROLE, name)
            item.setToolTip(description)
            self.placeholders.addItem(item)
        self.placeholders.setMinimumWidth(260)

        editing = QWidget()
        editing_layout = QVBoxLayout(editing)
        editing_layout.setContentsMargins(0, 0, 0, 0)
        editing_layout.addWidget(hint)
        editing_layout.addWidget(self.editor, 3)
        editing_layout.addWidget(self.error)
        editing_layout.addLayout(actions)
        editing_layout.addWidget(QLabel(_("Placeholders:")))
        editing_layout.addWidget(self.placeholders, 2)

        self.preview = PdfPreview(show_actions=False)
        self.preview.set_zoom(75)
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(editing)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.refresh_preview)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.language.currentIndexChanged.connect(self._language_changed)
        self.editor.textChanged.connect(self._text_changed)
        self.placeholders.itemDoubleClicked.connect(self._insert_placeholder)
        self.save_button.clicked.connect(self.save)
        self.restore_button.clicked.connect(self.restore)

    # ---- loading and switching ------------------------------------------------------

    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        self.editor.setPlainText(text)

    def is_modified(self) -> bool:
        return self.text() != self._loaded_text

    def is_dirty(self) -> bool:  # ui.widgets.unsaved: leaving the page asks first
        return self.is_modified()

    def discard(self) -> None:
        self.load_kind(self._current_kind, self._current_language)

    def load_kind(self, kind: str, language: str = "he") -> None:
        """Show the wording of `kind` in `language` (Hebrew for a kind written only in
        Hebrew)."""
        written_in = languages(kind)
        language = language if language in written_in else "he"
        self._current_kind, self._current_language = kind, language
        self._set_language_box(language, enabled=len(written_in) > 1)
        self._loaded_text = get_template(kind, language)
        direction = Qt.LeftToRight if language == "en" else Qt.RightToLeft
        self.editor.setLayoutDirection(direction)
        option = self.editor.document().defaultTextOption()
        option.setTextDirection(direction)
        self.editor.document().setDefaultTextOption(option)
        self.editor.blockSignals(True)
        self.editor.setPlainText(self._loaded_text)
        self.editor.blockSignals(False)
        self._clear_error()
        self._update_state()
        self.refresh_preview()

    def _set_language_box(self, language: str, enabled: bool) -> None:
        self.language.blockSignals(True)
        self.language.setCurrentIndex(self.language.findData(language))
        self.language.blockSignals(False)
        self.language.setEnabled(enabled)
        self.language.setToolTip(
            _("The wording for clients whose letters are in English.") if enabled else
            _("The letter '{kind}' has no English version; it is written in Hebrew.")
            .format(kind=kind_label(self._current_kind)))

    def current_language(self) -> str:
        return self._current_language

    def _discard_ok(self) -> bool:
        return not self.is_modified() or dialogs.confirm(
            self, _("Letter wording"),
            _("The wording of “{kind}” was changed and not saved. Discard the changes?")
            .format(kind=kind_label(self._current_kind)), _("Discard"))

    def _kind_changed(self, _index: int) -> None:
        kind = self.kind.currentData()
        if kind == self._current_kind:
            return
        if not self._discard_ok():
            self.kind.blockSignals(True)
            set_kind(self.kind, self._current_kind)
            self.kind.blockSignals(False)
            return
        self.load_kind(kind, self._current_language)

    def _language_changed(self, _index: int) -> None:
        language = self.language.currentData()
        if language == self._current_language:
            return
        if not self._discard_ok():
            self._set_language_box(self._current_language, enabled=True)
            return
        self.load_kind(self._current_kind, language)

    def _update_state(self) -> None:
        customised = is_customised(self._current_kind, self._current_language)
        self.state_label.setText(_("(your wording)") if customised else _("(default wording)"))
        self.restore_button.setEnabled(customised or self.is_modified())

    def _insert_placeholder(self, item: QListWidgetItem) -> None:
        self.editor.insertPlainText("{" + item.data(NAME_ROLE) + "}")
        self.editor.setFocus()

    # ---- checks and preview ---------------------------------------------------------

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(True)

    def _clear_error(self) -> None:
        self.error.clear()
        self.error.setVisible(False)

    def error_text(self) -> str:
        return "" if self.error.isHidden() else self.error.text()

    def _text_changed(self) -> None:
        self._update_state()
        self._timer.start(self.PREVIEW_DELAY_MS)

    def refresh_preview(self) -> None:
        """Redraw the letter with the wording in the editor (not yet saved)."""
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        kind, text, as_of = self._current_kind, self.text(), clock.today()
        language = self._current_language
        try:
            validate_template(text)
        except GviaError as exc:
            self._show_error(str(exc))
            self.preview_ready.emit()
            return
        self._clear_error()

        def done(data: bytes) -> None:
            if generation == self._generation:
                self.preview.show_pdf_bytes(data, f"{kind}-sample.pdf")
                self.preview.set_note(_("Preview with a made-up client."))
                self.preview_ready.emit()

        def failed(message: str) -> None:
            if generation == self._generation:
                self._show_error(message)
                self.preview_ready.emit()

        run_in_background(lambda: sample_letter(kind, as_of, template=text, language=language),
                          owner=self,
                          on_done=done, on_error=failed)

    # ---- save, restore --------------------------------------------------------------

    def save(self) -> bool:
        try:
            save_template(self._current_kind, self.text(), self._current_language)
        except GviaError as exc:
            self._show_error(str(exc))
            return False
        self._clear_error()
        self._loaded_text = self.text()
        self._update_state()
        saved_and_announced(self, events.SETTINGS)
        self.saved.emit(self._current_kind)
        return True

    def restore(self) -> bool:
        kind, language = self._current_kind, self._current_language
        if not dialogs.confirm(self, _("Letter wording"),
                               _("Put back the default wording of “{kind}”? Your own wording "
                                 "will be lost.").format(kind=kind_label(kind)),
                               _("Restore default")):
            return False
        restore_default(kind, language)
        self.load_kind(kind, language)
        events.announce(events.SETTINGS)
        self.restored.emit(kind)
        return True
