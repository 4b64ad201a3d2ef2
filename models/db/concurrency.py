"""Several people writing one ledger at once (a shared office on PostgreSQL), on either
engine's terms: one place for the three guards the use cases take.

- `lock_client`: allocators of one client take turns. Whoever records a payment, a
  credit note, a deposit or a bounce for a client holds the client's row until the
  transaction ends, so what they read as open is still open when they allocate it.
  SQLite has one writer per file (models/db/writer_lock.py): nothing to take there.
- `retried`: a use case the server rolled back because another person's transaction
  collided with it (a serialization failure, a deadlock) is run again, whole, a few
  times, and then the clear message goes up (faults.CHANGED_ELSEWHERE).
- `check_unchanged`: a form saves only over the values it loaded; a row another person
  changed meanwhile is refused with EditedElsewhereError; the form then shows the
  stored values of the fields changed, and keeps what was typed in the others.
"""
from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from models.common.errors import GviaError
from models.common.i18n import _
from models.db import dialect
from models.db.connection import database
from models.db.postgres.faults import ChangedElsewhereError

ATTEMPTS = 5
_PAUSE_S = 0.02  # before a new attempt: a little more each time, never in step

F = TypeVar("F", bound=Callable[..., Any])


def lock_client(client_id: int) -> None:
    """Hold `client_id`'s row for this transaction (before reading what is open)."""
    sql = dialect.current().lock_client_sql()
    if sql:
        database.execute_sql(sql, (client_id,))


def retried(use_case: F) -> F:
    """`use_case` run again from its start when another person's change collided with it.

    Only the outermost use case retries: inside another one's transaction a collision
    goes up to it, since half a transaction is never run again."""
    @functools.wraps(use_case)
    def run(*args, **kwargs):
        if database.in_transaction():
            return use_case(*args, **kwargs)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return use_case(*args, **kwargs)
            except ChangedElsewhereError:
                if attempt == ATTEMPTS:
                    raise
                time.sleep(_PAUSE_S * attempt * (1 + random.random()))
    return run  # type: ignore[return-value]


class EditedElsewhereError(GviaError):
    """The row changed after the form loaded it; `fields` names what changed."""

    def __init__(self, fields: Iterable[str]):
        super().__init__(_("Someone else changed some of these details after you opened "
                           "them, so nothing was saved. The fields they changed are marked "
                           "and show what is stored now; what you typed in the others is "
                           "kept. Check and save again."))
        self.fields = tuple(fields)


def snapshot(row, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` as `row` holds them: what a form loaded."""
    return {name: getattr(row, name) for name in fields}


def check_unchanged(row, loaded: Mapping[str, Any] | None) -> None:
    """Raise EditedElsewhereError when `row` (read inside the saving transaction, after
    its lock) no longer holds the `loaded` values; None checks nothing."""
    if loaded is None:
        return
    changed = [name for name, value in loaded.items() if getattr(row, name) != value]
    if changed:
        raise EditedElsewhereError(changed)
