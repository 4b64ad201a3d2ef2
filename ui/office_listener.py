"""Screens refresh when another person in the office changes something.

The server names each table changed (models/db/postgres/notices.py); a thread of ours
waits for those names and passes them to the UI thread through a queued signal. There
they become the kinds of ui/events.py, a burst is gathered for a moment into one
announcement, and every open view reloads as after a change of its own. Our own changes
are left out: the screen that made them announced them already.
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QTimer, Signal

from models.db.postgres.notices import EVERYTHING, ChangeListener, this_connection_pid
from ui import events

# Each table the notices name, as the kind of data the screens know it by.
KINDS = {
    "client": events.CLIENTS, "contact_person": events.CLIENTS,
    "client_relation": events.CLIENTS,
    "invoice": events.INVOICES, "credit_note": events.INVOICES,
    "payment": events.PAYMENTS, "allocation": events.PAYMENTS,
    "deposit_request": events.PAYMENTS,
    "setting": events.SETTINGS,
    "letter": events.LETTERS, "registered_mail": events.LETTERS,
    "contact_log": events.CONTACT_LOG, "contact_attachment": events.CONTACT_LOG,
    "promise": events.CONTACT_LOG, "client_status_change": events.CONTACT_LOG,
    "negotiation": events.NEGOTIATION, "settlement": events.NEGOTIATION,
    "settlement_invoice": events.NEGOTIATION, "settlement_instalment": events.NEGOTIATION,
    "settlement_point": events.NEGOTIATION, "settlement_event": events.NEGOTIATION,
    "case_record": events.NEGOTIATION, "collection_expense": events.NEGOTIATION,
}
BATCH_MS = 150  # a save touches several tables: one reload for all of them


def kind_of(table: str) -> str:
    """The kind of data a table holds; a table not known here (or notices missed):
    everything may have changed."""
    return KINDS.get(table, events.DATABASE) if table != EVERYTHING else events.DATABASE


class OfficeListener(QObject):
    """Listens to the office server while the window is open; `stop()` ends it."""

    _arrived = Signal(str, int)  # table, server process: emitted on the listening thread

    def __init__(self, db, parent=None):
        super().__init__(parent)
        self._listener = ChangeListener.of(db)
        self._pending: set[str] = set()
        self._batch = QTimer(self)
        self._batch.setSingleShot(True)
        self._batch.setInterval(BATCH_MS)
        self._batch.timeout.connect(self._announce)
        self._arrived.connect(self._on_notice)  # queued: the emitter is another thread
        self._thread = threading.Thread(target=self._listen, name="office-notices",
                                        daemon=True)

    @property
    def listening(self) -> threading.Event:
        return self._listener.listening

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._listener.stop()
        self._batch.stop()
        if self._thread.is_alive():
            self._thread.join(timeout=2)

    def _listen(self) -> None:
        for notice in self._listener:
            self._arrived.emit(notice.table, notice.pid)

    def _on_notice(self, table: str, pid: int) -> None:
        if pid and pid == this_connection_pid():
            return  # our own change: its screen announced it
        self._pending.add(kind_of(table))
        if not self._batch.isActive():
            self._batch.start()

    def _announce(self) -> None:
        kinds, self._pending = self._pending, set()
        if kinds:
            events.announce(*kinds)


def start_for(opened_db, parent=None) -> OfficeListener | None:
    """A running listener when `opened_db` is an office ledger; None for a file."""
    if not getattr(opened_db, "is_office", False):
        return None
    listener = OfficeListener(opened_db.db, parent)
    listener.start()
    return listener
