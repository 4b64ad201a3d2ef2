"""Faults of the disk and the database file, each called by its true name.

SQLite reports a full disk, an I/O error, a lock held by another program, a read-only
file and a damaged file with distinct result codes; Python's OSError does the same with
errno. `as_fault` turns either into a StorageFault whose message is one line in the
interface language, so no command and no screen ever shows a traceback or calls a healthy
file "damaged" because the disk was full.
"""
from __future__ import annotations

import errno
import os
import re
import sqlite3

import peewee

from models.common.errors import GviaError
from models.common.i18n import N_, _

# SQLite primary result codes (the low byte of an extended code).
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_NOMEM = 7
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

DISK_FULL = "disk-full"
IO_ERROR = "io-error"
LOCKED = "locked"
READ_ONLY = "read-only"
DAMAGED = "damaged"
CANNOT_OPEN = "cannot-open"
NO_MEMORY = "no-memory"
# A shared ledger on a server (models/db/postgres/faults.py names its errors so).
CONNECTION_LOST = "connection-lost"
NOT_PERMITTED = "not-permitted"
CHANGED_ELSEWHERE = "changed-elsewhere"

# Marked here, translated when a fault is raised or shown (message()).
MESSAGES = {
    DISK_FULL: N_("The disk is full: there is no room left to write. Free up some disk space "
                  "and try again; nothing was partly saved."),
    IO_ERROR: N_("Disk input/output error: the operating system could not read or write. "
                 "The disk or the external drive may be faulty or disconnected; nothing was "
                 "partly saved."),
    LOCKED: N_("The database is currently locked by another program (not Gvia) that is "
               "writing to it. Close that program and try again."),
    READ_ONLY: N_("The file or its folder is set to read-only, so changes cannot be saved "
                  "there."),
    DAMAGED: N_("The database file is damaged. Do not keep working in it: restore it from a "
                "backup (python main.py restore)."),
    CANNOT_OPEN: N_("The database file or its helper files (-wal, -shm) cannot be opened. "
                    "Check that the folder exists and that you have permission to write "
                    "in it."),
    NO_MEMORY: N_("There is not enough free memory to complete the operation. Close other "
                  "programs and try again."),
    CONNECTION_LOST: N_("The connection to the office database server was lost. What was "
                        "saved before stays saved; the last change was not saved. Check the "
                        "network and try again."),
    NOT_PERMITTED: N_("Your user on the office database is not allowed to make this "
                      "change. Ask the business owner to do it, or to widen your "
                      "permissions."),
    CHANGED_ELSEWHERE: N_("Someone else changed the same data a moment ago, so your change "
                          "was not saved. The screen now shows their change; check it and "
                          "try again."),
}


def message(kind: str) -> str:
    """The fault's one line, in the interface language."""
    return _(MESSAGES[kind])


_SQLITE_KINDS = {
    SQLITE_FULL: DISK_FULL, SQLITE_IOERR: IO_ERROR, SQLITE_BUSY: LOCKED, SQLITE_LOCKED: LOCKED,
    SQLITE_READONLY: READ_ONLY, SQLITE_PERM: READ_ONLY, SQLITE_CORRUPT: DAMAGED,
    SQLITE_NOTADB: DAMAGED, SQLITE_CANTOPEN: CANNOT_OPEN, SQLITE_NOMEM: NO_MEMORY,
}
# Python before 3.11 gives no result code: the messages SQLite attaches to each one.
_SQLITE_TEXTS = (
    ("database or disk is full", DISK_FULL), ("disk i/o error", IO_ERROR),
    ("database is locked", LOCKED), ("database table is locked", LOCKED),
    ("readonly database", READ_ONLY), ("read-only", READ_ONLY),
    ("malformed", DAMAGED), ("file is not a database", DAMAGED),
    # Python's own reading of a text cell whose bytes were overwritten.
    ("could not decode to utf-8", DAMAGED),
    ("unable to open database file", CANNOT_OPEN), ("out of memory", NO_MEMORY),
)
_ERRNO_KINDS = {
    errno.ENOSPC: DISK_FULL, errno.EDQUOT: DISK_FULL, errno.EFBIG: DISK_FULL,
    errno.EIO: IO_ERROR, errno.EROFS: READ_ONLY, errno.EACCES: READ_ONLY,
    errno.EPERM: READ_ONLY, errno.ENOMEM: NO_MEMORY,
}


class StorageFault(GviaError):
    """The disk or the database file failed; `kind` is one of the names above."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(message(kind) + (f" ({detail})" if detail else ""))
        self.kind = kind


class DatabaseDamagedError(StorageFault):
    """SQLite met a damaged page: writes stop until the user restores."""

    def __init__(self, detail: str = ""):
        super().__init__(DAMAGED, detail)


def _sqlite_error(exc: BaseException) -> sqlite3.Error | None:
    """The sqlite3 error itself, also when peewee has wrapped it (args[0])."""
    seen = set()
    while exc is not None and id(exc) not in seen:  # a chain can loop back on itself
        seen.add(id(exc))
        if isinstance(exc, sqlite3.Error):
            return exc
        if isinstance(exc, peewee.PeeweeException) and exc.args and isinstance(
                exc.args[0], sqlite3.Error):
            return exc.args[0]
        exc = exc.__cause__ or exc.__context__
    return None


def fault_kind(exc: BaseException) -> str | None:
    """Which fault `exc` is, or None when it is not a fault of the disk or the file
    (a constraint, a programming error: those are not the user's storage)."""
    if isinstance(exc, StorageFault):
        return exc.kind
    if isinstance(exc, OSError) and exc.errno in _ERRNO_KINDS:
        return _ERRNO_KINDS[exc.errno]
    error = _sqlite_error(exc)
    if error is None or isinstance(error, sqlite3.IntegrityError):
        return None
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None and (code & 0xFF) in _SQLITE_KINDS:
        return _SQLITE_KINDS[code & 0xFF]
    text = str(error).casefold()
    for fragment, kind in _SQLITE_TEXTS:
        if fragment in text:
            return kind
    return None


# Less room than this left on the disk: an I/O error there is the disk being full.
_NEARLY_FULL_BYTES = 256 * 1024


def _is_nearly_full(folder) -> bool:
    try:
        info = os.statvfs(folder)
    except (OSError, AttributeError):  # no statvfs on Windows; its errors name ENOSPC
        return False
    return info.f_bavail * info.f_frsize < _NEARLY_FULL_BYTES


def as_fault(exc: BaseException, database_file=None) -> StorageFault | None:
    """`exc` as a StorageFault with its true name, or None.

    With `database_file` (the ledger the error came from), two causes SQLite blurs are
    told apart. Some failed writes on a full disk (creating its shared-memory file, a
    write the system cut short) come as I/O errors: where the disk has no room left, the
    disk is full. A page the disk failed to read can come as "malformed": where the
    system cannot read the file's bytes, it is an I/O error, and the file is not damaged.
    """
    kind = fault_kind(exc)
    if kind is None:
        return None
    if database_file is not None:
        if kind == IO_ERROR and _is_nearly_full(os.path.dirname(os.fspath(database_file))):
            return StorageFault(DISK_FULL)
        if kind == DAMAGED and _disk_cannot_read(database_file):
            return StorageFault(IO_ERROR)
    if isinstance(exc, StorageFault):
        return exc
    return DatabaseDamagedError() if kind == DAMAGED else StorageFault(kind)


_READ_CHUNK = 1024 * 1024


def _disk_cannot_read(database_file) -> bool:
    """True when the system fails to read the bytes of the file or of its journal.
    Read only when damage is suspected (rare), so reading it all is affordable."""
    for name in (os.fspath(database_file), os.fspath(database_file) + "-wal"):
        try:
            with open(name, "rb", buffering=0) as fh:
                while fh.read(_READ_CHUNK):
                    pass
        except FileNotFoundError:
            continue
        except OSError as exc:
            if exc.errno == errno.EIO:
                return True
    return False


# integrity_check and quick_check report a page they could not read as a result line,
# "... unable to get the page. error code=N", not as an error: N says why.
_CHECK_ERROR_CODE = re.compile(r"error code=(\d+)")


def check_line_fault(lines) -> StorageFault | None:
    """The fault behind integrity_check / quick_check result lines, when a page could not
    be read because the disk failed (I/O error, no memory) rather than because it is
    damaged; None when the lines describe damage (or nothing)."""
    for line in lines:
        match = _CHECK_ERROR_CODE.search(line or "")
        if match:
            kind = _SQLITE_KINDS.get(int(match.group(1)) & 0xFF)
            if kind not in (None, DAMAGED):
                return StorageFault(kind)
    return None
