"""The client card's negotiation tab: the case file, the limits, the settlement and the
hand-over options, one page each, in the order the work is done."""
from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ui.i18n import _
from ui.negotiation.case_file_page import CaseFilePage
from ui.negotiation.handover_page import HandoverPage
from ui.negotiation.limits_page import LimitsPage
from ui.negotiation.settlement_page import SettlementPage


class NegotiationTab(QWidget):
    def __init__(self, client_id: int, parent=None):
        super().__init__(parent)
        self.client_id = client_id
        self.pages = QTabWidget()
        self.case_file = CaseFilePage(client_id)
        self.limits = LimitsPage(client_id)
        self.settlement = SettlementPage(client_id)
        self.handover = HandoverPage(client_id)
        self.pages.addTab(self.case_file, _("Case file"))
        self.pages.addTab(self.limits, _("Limits and positions"))
        self.pages.addTab(self.settlement, _("Settlement"))
        self.pages.addTab(self.handover, _("Hand-over"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
