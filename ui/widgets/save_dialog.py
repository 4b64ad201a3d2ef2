"""The answer of a save dialog turned into the file to write.

QFileDialog.getSaveFileName asks before replacing the exact name the user picked (we never
pass DontConfirmOverwrite). When we add the file type's suffix ourselves, the dialog never
saw that name, so we ask here. The refusal of the ledger, its backups and the archive is
models.db.outputs' rule and applies after the dialog, whatever was confirmed.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from models.db.outputs import check_output_path, chosen_path
from ui.i18n import _
from ui.widgets import dialogs
from ui.widgets.display import ltr


def output_target(parent: QWidget | None, chosen: str, suffix: str) -> tuple[Path, bool] | None:
    """(path, replace) for the dialog's answer with `suffix` added when missing, or None
    when the user declines to replace an existing file. Raises GviaError for a path that
    must not be written (the database, a backup, an archived letter)."""
    path, confirmed = chosen_path(chosen, suffix)
    if not confirmed and path.exists():
        if not dialogs.confirm(parent, _("Replace the file?"),
                               _("The file {file} already exists. Replace it?").format(
                                   file=ltr(str(path))), _("Replace")):
            return None
        confirmed = True
    return check_output_path(path, force=confirmed), confirmed
