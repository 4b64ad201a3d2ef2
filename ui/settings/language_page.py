"""Settings page: the interface language (Hebrew or English), kept in the user's QSettings
(ui.i18n.store_language) and used from the next start when no `--lang` flag is given.
Qt cannot swap every string, direction and locale of open windows, so after a change the
page offers to restart now (ui.restart: each window closes the ordinary way first) or later.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ui import restart
from ui.i18n import _, language, store_language, stored_language

# Each language is offered in its own name, so it can be found by someone who cannot read
# the other one.
LANGUAGE_NAMES = {"he": "עברית", "en": "English"}  # hebrew: the language's own name


class LanguagePage(QWidget):
    language_saved = Signal(str)  # the code stored for the next start

    def __init__(self, parent=None):
        super().__init__(parent)
        intro = QLabel(_("The language of the screens and menus. Letters keep their own "
                         "language: Hebrew, or the one chosen on the client's card."))
        intro.setWordWrap(True)
        self.language_box = QComboBox()
        self.language_box.setObjectName("language")
        for code, name in LANGUAGE_NAMES.items():
            self.language_box.addItem(name, code)
        self.language_box.setCurrentIndex(
            max(0, self.language_box.findData(stored_language() or language())))
        self.language_box.activated.connect(self._on_chosen)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("languageMessage")
        form = QFormLayout()
        form.addRow(_("Interface language:"), self.language_box)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)

    # ---- hooks a test replaces ------------------------------------------------------

    def ask_restart_now(self) -> bool:
        box = QMessageBox(QMessageBox.Question, _("Language"),
                          _("The new language is used from the next start of Gvia. Restart "
                            "now? Open windows close first, as when quitting."),
                          QMessageBox.NoButton, self)
        now = box.addButton(_("Restart now"), QMessageBox.AcceptRole)
        later = box.addButton(_("Later"), QMessageBox.RejectRole)
        box.setDefaultButton(later)
        box.exec()
        return box.clickedButton() is now

    def restart_now(self) -> bool:
        return restart.request_restart()

    # ---- choosing -------------------------------------------------------------------

    def chosen(self) -> str:
        return self.language_box.currentData()

    def choose(self, code: str) -> None:
        """Pick `code` as the user would in the list."""
        self.language_box.setCurrentIndex(self.language_box.findData(code))
        self._on_chosen(self.language_box.currentIndex())

    def _on_chosen(self, _index: int) -> None:
        code = self.chosen()
        store_language(code)
        self.language_saved.emit(code)
        if code == language():
            self.message.setText(_("Saved. Gvia is already in this language."))
            return
        self.message.setText(_("Saved: Gvia starts in {language} from its next start.").format(
            language=LANGUAGE_NAMES[code]))
        if self.ask_restart_now() and not self.restart_now():
            self.message.setText(_("A window is still open, so Gvia did not restart. The new "
                                   "language applies from the next start."))
