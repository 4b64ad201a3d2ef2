"""Who is signed in to a shared office ledger, as the main window's status bar says it
(models.db.postgres.roles.signed_in answers; this module only words it)."""
from __future__ import annotations

from models.common.errors import GviaError
from models.db.postgres.roles import signed_in
from ui.i18n import _
from ui.widgets.display import auto_dir


def signed_in_text(opened) -> str:
    """"Signed in as dana (Collector)" on an office ledger; '' on a file, or when the
    server cannot be asked now (the status bar then simply leaves it out)."""
    if not getattr(opened, "is_office", False):
        return ""
    try:
        person = signed_in(opened.db)
    except GviaError:  # the server away for a moment: the screens say so themselves
        return ""
    if person.group_label:
        return _("Signed in as {user} ({role})").format(user=auto_dir(person.user),
                                                        role=person.group_label)
    return _("Signed in as {user}").format(user=auto_dir(person.user))
