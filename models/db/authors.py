"""Who is making a row: the `created_by` the program writes (migration 0014).

On one person's SQLite file it is the computer's login name. On a shared ledger the
server writes the signed-in role itself (models/db/postgres/guards.py) and ignores what
the program sends, so nothing is asked of the computer there.
"""
from __future__ import annotations

import getpass

from models.db import dialect


def author() -> str:
    """The login name to record with a new row; '' when it cannot be known."""
    if dialect.is_office():
        return ""  # the server writes session_user
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no name in the environment, no pwd entry
        return ""
