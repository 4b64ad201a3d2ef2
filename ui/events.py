"""What changed, broadcast: a service call reports the kinds of data it touched and open
views decide whether to refresh (as Anki's operations do). No timers, no polling."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

CLIENTS = "clients"
INVOICES = "invoices"
PAYMENTS = "payments"
SETTINGS = "settings"
LETTERS = "letters"
CONTACT_LOG = "contact_log"  # log entries, promises, status changes
NEGOTIATION = "negotiation"  # negotiations, settlements, case records, expenses
DATABASE = "database"  # the whole file was replaced (restore, import)


class _Events(QObject):
    data_changed = Signal(frozenset)


events = _Events()


def announce(*kinds: str) -> None:
    """Tell every open view that these kinds of data changed."""
    events.data_changed.emit(frozenset(kinds))
