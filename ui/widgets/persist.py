"""Where window and dialog geometry is remembered: the user's QSettings (per machine, not
in the database: a window size is not business data). Tests point QSettings elsewhere."""
from __future__ import annotations

from PySide6.QtCore import QSettings


def app_settings() -> QSettings:
    return QSettings(QSettings.IniFormat, QSettings.UserScope, "Gvia", "gvia-ui")
