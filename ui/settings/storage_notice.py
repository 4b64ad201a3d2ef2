"""The warning shown when the database sits on a network share or in a cloud-synced
folder (the rule is models.db.storage). The settings screen shows it; the main window's
status bar may call `storage_warning(opened_db.path)` too."""
from __future__ import annotations

from pathlib import Path

from models.db.storage import CLOUD, StorageRisk, storage_risk
from ui.i18n import _


def warning_for(risk: StorageRisk | None) -> str | None:
    if risk is None:
        return None
    if risk.kind == CLOUD:
        return _("The database is in a folder synced to {service}. Syncing while Gvia is "
                 "open can corrupt it: move it to a local folder and let the sync service "
                 "keep only the backups.").format(service=risk.where)
    return _("The database is on a network drive ({place}). SQLite is not safe there: "
             "move it to a local drive of this computer.").format(place=risk.where)


def storage_warning(path: str | Path) -> str | None:
    """The warning for a database at `path`, in the interface language, or None."""
    return warning_for(storage_risk(path))
