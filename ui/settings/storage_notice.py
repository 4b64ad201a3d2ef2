"""The warning shown when the database sits on a network share or in a cloud-synced
folder (the rule and its words are models.db.storage). The settings screen shows it; the
main window's status bar may call `storage_warning(opened_db.path)` too."""
from __future__ import annotations

from pathlib import Path

from models.db.storage import storage_risk, warning_text


def storage_warning(path: str | Path) -> str | None:
    """The warning for a database at `path`, in the interface language, or None."""
    risk = storage_risk(path)
    return warning_text(risk) if risk is not None else None
