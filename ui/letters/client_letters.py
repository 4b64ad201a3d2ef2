"""A client's letters, for the client card: what was sent and when, registered-mail state,
and — for a private person — where the consumer-law debt-notice gate stands."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from models.ledger.clients import find_client_by_id
from models.letters.archive import debt_notice_gate
from ui import events
from ui.i18n import _
from ui.letters.archive_widget import LetterArchiveWidget
from ui.widgets import clock
from ui.widgets.display import date_text


def gate_text(client_id: int) -> str:
    """One sentence on the debt-notice gate for a private person; '' for a business."""
    client = find_client_by_id(client_id)
    if client is None or not client.is_person:
        return ""
    today = clock.today()
    gate = debt_notice_gate(client, today)
    if gate.notice_sent is None:
        return _("Private person: send a debt notice before any other collection letter "
                 "(Consumer Protection Law).")
    if not gate.is_open:
        return _("Debt notice sent on {sent}; other collection letters may follow from "
                 "{opens}.").format(sent=date_text(gate.notice_sent),
                                    opens=date_text(gate.opens_on))
    return _("Debt notice sent on {sent}; collection letters are allowed.").format(
        sent=date_text(gate.notice_sent))


class ClientLettersWidget(QWidget):
    def __init__(self, client_id: int, parent=None):
        super().__init__(parent)
        self.client_id = client_id
        self.gate = QLabel()
        self.gate.setWordWrap(True)
        self.archive = LetterArchiveWidget(client_id=client_id)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.gate)
        layout.addWidget(self.archive, 1)
        self.refresh_gate()
        events.events.data_changed.connect(self._on_data_changed)

    def refresh_gate(self) -> None:
        text = gate_text(self.client_id)
        self.gate.setText(text)
        self.gate.setVisible(bool(text))

    def _on_data_changed(self, kinds: frozenset) -> None:
        if kinds & {events.LETTERS, events.CLIENTS, events.DATABASE}:
            self.refresh_gate()
