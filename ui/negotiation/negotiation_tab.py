"""The client card's negotiation tab: the case file, the limits, the settlement and the
hand-over options, one page each, in the order the work is done."""
from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ui.i18n import _
from ui.negotiation.limits_page import LimitsPage
from ui.negotiation.settlement_page import SettlementPage


class NegotiationTab(QWidget):
    def __init__(self, client_id: int, parent=None):
        super().__init__(parent)
        self.client_id = client_id
        self.pages = QTabWidget()
        self.limits = LimitsPage(client_id)
        self.settlement = SettlementPage(client_id)
        self.pages.addTab(self.limits, _("Limits and positions"))
        self.pages.addTab(self.settlement, _("Settlement"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
