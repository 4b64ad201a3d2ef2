"""הגדרות: the business profile (with terms and aging buckets), the dunning plans, the
prevention and negotiation figures, the backups (and the ledger's check) and the interface
language, under a warning when the database file sits where SQLite's WAL mode is unsafe."""
from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from ui import events
from ui.collection.dunning_editor import DunningPlanPage
from ui.i18n import _
from ui.negotiation.rules_page import NegotiationRulesPage
from ui.prevention.prevention_page import PreventionPage
from ui.settings.backups_page import BackupsPage
from ui.settings.language_page import LanguagePage
from ui.settings.profile_page import ProfilePage
from ui.settings.storage_notice import storage_warning
from ui.widgets.unsaved import guard_tabs


class SettingsView(QWidget):
    def __init__(self, opened_db, parent=None):
        super().__init__(parent)
        self.opened_db = opened_db
        self.storage_notice = QLabel()
        self.storage_notice.setWordWrap(True)
        self.storage_notice.setFrameShape(QLabel.StyledPanel)
        self.storage_notice.setAutoFillBackground(True)
        # The palette's tooltip colours: noticeable on any theme, no hard-coded colour.
        self.storage_notice.setBackgroundRole(QPalette.ToolTipBase)
        self.storage_notice.setForegroundRole(QPalette.ToolTipText)
        self.profile_page = ProfilePage()
        self.backups_page = BackupsPage(opened_db)
        self.dunning_page = DunningPlanPage()
        self.prevention_page = PreventionPage()
        self.negotiation_page = NegotiationRulesPage()
        self.language_page = LanguagePage()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.profile_page, _("Business profile"))
        self.tabs.addTab(self.dunning_page, _("Dunning plan"))
        self.tabs.addTab(self.prevention_page, _("Prevention"))
        self.tabs.addTab(self.negotiation_page, _("Negotiation and hand-over"))
        self.tabs.addTab(self.backups_page, _("Backups"))
        self.tabs.addTab(self.language_page, _("Language"))
        guard_tabs(self.tabs)  # leaving a tab with unsaved changes asks first
        layout = QVBoxLayout(self)
        layout.addWidget(self.storage_notice)
        layout.addWidget(self.tabs, 1)
        if opened_db.path is not None:  # an office's ledger is on its server, not a disk here
            self.show_storage_warning(storage_warning(opened_db.path))
        self.profile_page.load()
        self.prevention_page.load()
        self.negotiation_page.load()
        events.events.data_changed.connect(self._on_data_changed)

    def show_storage_warning(self, text: str | None) -> None:
        self.storage_notice.setText(text or "")
        self.storage_notice.setVisible(bool(text))

    def show_dunning_plan(self) -> None:
        self.tabs.setCurrentWidget(self.dunning_page)

    def show_backups(self) -> None:
        self.tabs.setCurrentWidget(self.backups_page)

    def _on_data_changed(self, kinds: frozenset) -> None:
        if events.DATABASE in kinds:  # a restore replaced everything, the profile too
            self.profile_page.load()
            self.prevention_page.load()
            self.negotiation_page.load()
            self.backups_page.reload()
        elif events.SETTINGS in kinds:  # e.g. buckets saved as the default on the aging screen
            self.profile_page.show_stored_buckets()
