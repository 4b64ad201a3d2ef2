"""The letters screen: one tab per task. The main window builds it as
`LettersView(opened_db, parent)`; the tabs hold no SQL (models/, reports/ do the work)."""
from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ui.i18n import _
from ui.letters.archive_widget import LetterArchiveWidget
from ui.letters.batch_page import BatchPage
from ui.letters.envelope_page import EnvelopePage
from ui.letters.produce_page import ProduceLetterPage
from ui.letters.template_page import TemplatePage
from ui.widgets.unsaved import guard_tabs


class LettersView(QWidget):
    def __init__(self, opened_db, parent=None):
        super().__init__(parent)
        self.opened_db = opened_db
        self.produce_page = ProduceLetterPage()
        self.batch_page = BatchPage()
        self.archive = LetterArchiveWidget()
        self.template_page = TemplatePage()
        self.envelope_page = EnvelopePage()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.produce_page, _("Letter to a client"))
        self.tabs.addTab(self.batch_page, _("Letters to many clients"))
        self.tabs.addTab(self.archive, _("Archive and registered mail"))
        self.tabs.addTab(self.template_page, _("Letter wording"))
        self.tabs.addTab(self.envelope_page, _("Envelope and labels"))
        guard_tabs(self.tabs)  # leaving unsaved wording asks first
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def produce_for(self, kind: str, client_id: int, name: str, as_of) -> None:
        """Open the single-letter tab on this choice (from a client card, a Today task)."""
        self.tabs.setCurrentWidget(self.produce_page)
        self.produce_page.choose(kind, client_id, name, as_of)
