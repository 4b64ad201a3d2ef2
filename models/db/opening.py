"""Opening a ledger: the checks before anything is written (a foreign file, a hard link, a
read-only file or folder, damage), the writer's claim or a reader's read-only connection,
the migration (with a backup first) and the start-up sweep of what a crash left behind.
The connection itself, its pragmas and the models' proxy live in models/db/connection.py.
"""
from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import peewee

from models.common.errors import DatabaseOpenError, DatabaseReadOnlyError
from models.common.i18n import _, ngettext
from models.db import faults, writer_lock
from models.db.backup import backup_before_migration
from models.db.connection import (
    APPLICATION_ID,
    BUSY_TIMEOUT_MS,
    PRAGMAS,
    READER_PRAGMAS,
    SQLITE_HEADER,
    LedgerDatabase,
    _pending_migrations,
    _pragma,
    clear_damage_mark,
    database,
    is_marked_damaged,
    is_read_only,
    mark_damaged,
    migrate,
    readonly_uri,
    restrict_permissions,
    schema_version,
)
from models.db.faults import StorageFault, as_fault, fault_kind
from models.db.outputs import sweep_orphans
from models.db.postgres.opening import is_office_url, open_office

# Up to this size `PRAGMA quick_check` runs before the database is used. A larger file
# is fully checked only after an unclean shutdown (a stale writer claim was found) or
# known damage; otherwise the app checks it in the background once the window is up,
# since a full scan of a 500 MB file takes over ten seconds.
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024



class OpenDatabase:
    """A database opened by `open_database`: the connection, and the writer claim."""

    def __init__(self, path: Path, db: LedgerDatabase, *, claim: writer_lock.Claim | None,
                 checked_fully: bool, writer_elsewhere: writer_lock.Holder | None = None):
        self.path = path
        self.db = db
        self.claim = claim
        self.checked_fully = checked_fully  # False: run quick_check() in the background
        # For a reader: the copy of Gvia that has the ledger open for writing, if any.
        self.writer_elsewhere = writer_elsewhere

    @property
    def read_only(self) -> bool:
        return self.claim is None

    def close(self) -> None:
        if self.claim is not None and not self.db.is_closed():
            try:
                writer_lock.release(self.db.connection(), self.claim.token)
            except (sqlite3.Error, peewee.DatabaseError):
                pass  # the next opener sees a stale claim of a finished process
        if not self.db.is_closed():
            self.db.close()
        if database.obj is self.db:
            database.initialize(None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

def open_database(path: str | os.PathLike, *, create: bool = True,
                  read_only: bool = False, password: str | None = None) -> OpenDatabase:
    """Open (or create) the Gvia database at `path` and bind the models to it.

    A writer claims the ledger (one at a time, however the file is reached) and migrates
    it; a reader (`read_only=True`) changes nothing and may run beside the writer.
    Raises DatabaseOpenError with a message in the interface language for every problem
    a user can meet:
    missing folder, a file that is not SQLite or not ours, damage, a newer schema, a
    writer already at work, a read-only file, a full disk.
    """
    if is_office_url(path):  # a shared office's server (models/db/postgres/opening.py)
        return open_office(path, create=create, password=password)
    path = Path(path).expanduser().resolve()
    schema_version()  # an installation that lost its migrations stops here, making no file
    exists = _check_file(path, create)
    if read_only:
        if not exists:
            raise _not_found(path)
        return _open_reader(path)
    _check_writable(path, exists)
    probe = _probe(path) if exists else Probe()
    if probe.holder is not None and writer_lock.is_alive(probe.holder):
        raise writer_lock.already_open(path.name, probe.holder)
    db = _connect(path, read_only=False)
    try:
        claim = _claim(db, path)
        try:
            crashed = claim.stale is not None
            full_check = (not exists or crashed or is_marked_damaged(path)
                          or path.stat().st_size <= QUICK_CHECK_MAX_BYTES)
            _check_and_migrate(db, path, full_check)
        except BaseException:
            _release_quietly(db, claim)
            raise
    except BaseException:
        db.close()
        raise
    clear_damage_mark(path)
    restrict_permissions(path)
    _sweep(path)
    database.initialize(db)
    return OpenDatabase(path, db, claim=claim, checked_fully=full_check)

def _sweep(path: Path) -> None:
    """What a crash left behind (unfinished copies, files no row names) goes at start."""
    try:
        sweep_orphans(path)
    except (OSError, sqlite3.Error):
        pass  # tidying up must never keep the user from their ledger

def _open_reader(path: Path) -> OpenDatabase:
    probe = _probe(path)
    holder = probe.holder if probe.holder is not None and writer_lock.is_alive(
        probe.holder) else None
    if probe.version < schema_version() and holder is None and not is_read_only(path):
        # An older ledger nobody is writing: bring it up to date first, as the app would.
        open_database(path, create=False).close()
        probe = _probe(path)
    if probe.version != schema_version():
        raise DatabaseOpenError(
            _("The database {name} is still at an earlier version (schema {version}) and "
              "cannot be updated now. Open it once in Gvia to update it.").format(
                name=path.name, version=probe.version))
    db = _connect(path, read_only=True)
    database.initialize(db)
    return OpenDatabase(path, db, claim=None, checked_fully=True, writer_elsewhere=holder)

def _claim(db: LedgerDatabase, path: Path) -> writer_lock.Claim:
    try:
        return writer_lock.claim(db.connection(), path.name)
    except DatabaseOpenError:
        raise
    except (sqlite3.Error, peewee.DatabaseError, StorageFault) as exc:
        raise _open_fault(path, exc) from exc

def _release_quietly(db: LedgerDatabase, claim: writer_lock.Claim) -> None:
    try:
        writer_lock.release(db.connection(), claim.token)
    except (sqlite3.Error, peewee.DatabaseError):
        pass

def _not_found(path: Path) -> DatabaseOpenError:
    return DatabaseOpenError(_("The database file {path} was not found.").format(path=path))

def _check_file(path: Path, create: bool) -> bool:
    """Whether the file exists; refuses what cannot be a database at all."""
    if path.is_dir():
        raise DatabaseOpenError(
            _("The path {path} is a folder, not a database file.").format(path=path))
    if not path.exists():
        if not create:
            raise _not_found(path)
        if not path.parent.is_dir():
            raise DatabaseOpenError(
                _("The folder {folder} does not exist; a database cannot be created "
                  "in it.").format(folder=path.parent))
        return False
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise DatabaseOpenError(
            _("The path {path} is not a regular file (it is a device, a pipe or a "
              "socket).").format(path=path))
    if info.st_nlink > 1:
        # SQLite keeps the journal (-wal) beside the name it was opened by: two names of
        # one file mean two journals, and the file is damaged as soon as both are used.
        # Always two names or more here, so no singular form is needed.
        raise DatabaseOpenError(
            _("The file {name} has {count} names (hard links). Working in it through two "
              "names may damage it; delete the extra links and leave it a single "
              "name.").format(name=path.name, count=info.st_nlink))
    try:
        with open(path, "rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        if fault_kind(exc) == faults.IO_ERROR:
            raise _open_fault(path, exc) from exc
        raise DatabaseOpenError(_("Cannot read the file {path}: {reason}.").format(
            path=path, reason=exc.strerror)) from exc
    if header and header != SQLITE_HEADER:
        raise DatabaseOpenError(
            _("The file {path} is not a Gvia database (nor an SQLite one).").format(path=path))
    return True

def _check_writable(path: Path, exists: bool) -> None:
    """A read-only file or folder stays as it is: writing needs both, WAL needs the folder."""
    if exists and is_read_only(path):
        raise DatabaseReadOnlyError(
            _("The file {name} is set to read-only. You can look through it (aging, today, "
              "check), but not change it; to work in it, allow writing to it.").format(
                name=path.name))
    if is_read_only(path.parent):
        raise DatabaseReadOnlyError(
            _("The folder {folder} is set to read-only, so {name} and its helper files "
              "cannot be written there. Move the file to a folder that allows "
              "writing.").format(folder=path.parent, name=path.name))

class Probe:
    """What a first, read-only look at an existing file found (nothing written to it)."""

    def __init__(self, app_id: int = 0, version: int = 0, has_tables: bool = False,
                 holder: writer_lock.Holder | None = None):
        self.app_id = app_id
        self.version = version
        self.has_tables = has_tables
        self.holder = holder

def _probe(path: Path) -> Probe:
    """Read the file's identity without writing: a foreign file is refused untouched."""
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise _open_fault(path, exc) from exc
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        if has_tables and app_id != APPLICATION_ID:
            raise DatabaseOpenError(
                _("The file {path} is a database of another program, not of "
                  "Gvia.").format(path=path))
        holder = writer_lock.read_holder(conn)
    except sqlite3.Error as exc:
        raise _open_fault(path, exc) from exc
    finally:
        conn.close()
    return Probe(app_id, version, has_tables, holder)

def _open_fault(path: Path, exc: BaseException) -> DatabaseOpenError:
    """A failure at open time, named for what it is."""
    fault = as_fault(exc, path)
    kind = fault.kind if fault else None
    if kind == faults.DAMAGED:
        return DatabaseOpenError(
            _("The file {path} is damaged and cannot be read ({error}). Restore it from a "
              "backup (python main.py restore).").format(path=path, error=exc))
    if kind == faults.LOCKED:
        seconds = BUSY_TIMEOUT_MS // 1000
        return DatabaseOpenError(ngettext(
            "The database {name} is locked by another program (not Gvia) that is writing "
            "to it; Gvia waited {count} second. Close that program and try again.",
            "The database {name} is locked by another program (not Gvia) that is writing "
            "to it; Gvia waited {count} seconds. Close that program and try again.",
            seconds).format(name=path.name, count=seconds))
    if kind is not None:
        return DatabaseOpenError(f"{path.name}: {faults.message(kind)}")
    return DatabaseOpenError(
        _("Cannot open {path}: {error}.").format(path=path, error=exc))

def _connect(path: Path, *, read_only: bool) -> LedgerDatabase:
    if read_only:
        db = LedgerDatabase(readonly_uri(path), uri=True, pragmas=READER_PRAGMAS,
                            autoconnect=False)
    else:
        db = LedgerDatabase(str(path), pragmas=PRAGMAS, autoconnect=False)
    try:
        db.connect()
    except (peewee.DatabaseError, StorageFault) as exc:
        raise _open_fault(path, exc) from exc
    return db

def _check_and_migrate(db: LedgerDatabase, path: Path, full_check: bool = True) -> None:
    try:
        # Without the full scan, reading the whole schema still catches a damaged header.
        result = _pragma(db, "quick_check") if full_check else "ok"
        version = _pragma(db, "user_version")
        has_tables = db.execute_sql("SELECT count(*) FROM sqlite_master WHERE name <> ?",
                                    (writer_lock.TABLE,)).fetchone()[0] > 0
    except (peewee.DatabaseError, sqlite3.DatabaseError, StorageFault) as exc:
        # sqlite3's own error too: a damaged page is often met in fetchone(), after
        # peewee's execute_sql (which translates errors) has returned.
        fault = as_fault(exc, path)
        if fault is not None and fault.kind == faults.DAMAGED:
            mark_damaged(path, str(exc))
        raise _open_fault(path, exc) from exc
    if result != "ok":
        fault = faults.check_line_fault([result])
        if fault is not None:  # the disk failed to read a page: not damage
            raise _open_fault(path, fault)
        mark_damaged(path, result)
        raise DatabaseOpenError(
            _("The integrity check of {name} failed ({result}). Restore it from a backup "
              "(python main.py restore).").format(name=path.name, result=result))
    latest = schema_version()
    if version > latest:
        raise DatabaseOpenError(
            _("The database {name} was created by a newer version of Gvia (schema {version}; "
              "this version knows up to {latest}). Update the program.").format(
                name=path.name, version=version, latest=latest))
    if version == latest and not _pending_migrations(db):
        return
    if has_tables:
        backup_before_migration(db, path, version, latest)
    try:
        migrate(db)
    except (peewee.DatabaseError, sqlite3.Error, StorageFault) as exc:
        raise _open_fault(path, exc) from exc
