"""PostgreSQL's errors a user can meet, each named as models/db/faults.py names them:
a lost server, a permission the user's role lacks, a change that collided with another
person's (a serialization failure or a deadlock; the transaction was rolled back whole),
a full disk on the server."""
from __future__ import annotations

import psycopg
from psycopg import errors

from models.db import faults
from models.db.faults import StorageFault

_BY_SQLSTATE = {
    "42501": faults.NOT_PERMITTED,      # insufficient_privilege
    "40001": faults.CHANGED_ELSEWHERE,  # serialization_failure
    "40P01": faults.CHANGED_ELSEWHERE,  # deadlock_detected
    "55P03": faults.CHANGED_ELSEWHERE,  # lock_not_available
    "53100": faults.DISK_FULL,          # disk_full
    "53200": faults.NO_MEMORY,          # out_of_memory
    "57P01": faults.CONNECTION_LOST,    # admin_shutdown
    "57P02": faults.CONNECTION_LOST,    # crash_shutdown
    "57P03": faults.CONNECTION_LOST,    # cannot_connect_now
}


class ConnectionLostError(StorageFault):
    def __init__(self, detail: str = ""):
        super().__init__(faults.CONNECTION_LOST, detail)


class NotPermittedError(StorageFault):
    def __init__(self, detail: str = ""):
        super().__init__(faults.NOT_PERMITTED, detail)


class ChangedElsewhereError(StorageFault):
    """Another person's transaction won; retrying the whole change is safe."""

    def __init__(self, detail: str = ""):
        super().__init__(faults.CHANGED_ELSEWHERE, detail)


_CLASSES = {faults.CONNECTION_LOST: ConnectionLostError,
            faults.NOT_PERMITTED: NotPermittedError,
            faults.CHANGED_ELSEWHERE: ChangedElsewhereError}


def psycopg_error(exc: BaseException) -> psycopg.Error | None:
    """The psycopg error itself, also when peewee has wrapped it (args[0])."""
    seen = set()
    while exc is not None and id(exc) not in seen:  # a chain can loop back on itself
        seen.add(id(exc))
        if isinstance(exc, psycopg.Error):
            return exc
        if exc.args and isinstance(exc.args[0], psycopg.Error):
            return exc.args[0]
        exc = exc.__cause__ or exc.__context__
    return None


def kind_of(exc: BaseException) -> str | None:
    error = psycopg_error(exc)
    if error is None:
        return None
    if error.sqlstate in _BY_SQLSTATE:
        return _BY_SQLSTATE[error.sqlstate]
    if isinstance(error, (psycopg.OperationalError, psycopg.InterfaceError)) and (
            error.sqlstate is None or error.sqlstate.startswith("08")):
        return faults.CONNECTION_LOST  # connection_exception, or a closed connection
    return None


def named(exc: BaseException) -> BaseException:
    """The StorageFault `exc` is, or `exc` itself (a constraint, a programming error)."""
    kind = kind_of(exc)
    if kind is None:
        return exc
    error = psycopg_error(exc)
    detail = (error.diag.message_primary or "") if error is not None else ""
    if kind in _CLASSES:
        return _CLASSES[kind](detail)
    return StorageFault(kind, detail)
