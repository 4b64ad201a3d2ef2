"""The database: one SQLite file, opened safely, claimed by one writer, migrated.

`database` is a peewee proxy every model binds to; `open_database()` points it at a file
after checking that the file is ours, intact and not newer than this program. A writer
claims the ledger (models/db/writer_lock.py); readers open it read-only beside the writer.
"""
from __future__ import annotations

import os
import sqlite3
import stat
import urllib.parse
from pathlib import Path

import peewee
from playhouse.migrations import Runner

from models.common.errors import DatabaseOpenError
from models.common.i18n import _
from models.common.resources import migrations_dir
from models.db import faults
from models.db.faults import DatabaseDamagedError, as_fault

database = peewee.DatabaseProxy()

# 'GVIA' in ASCII: marks a SQLite file as ours (PRAGMA application_id).
APPLICATION_ID = 0x47564941
# The numbered scripts, found where the program's files are (a bundle included).
MIGRATIONS_DIR = migrations_dir()
SQLITE_HEADER = b"SQLite format 3\x00"
DAMAGE_MARKER_SUFFIX = ".damaged"
# Another program writing the file: wait this long for it, then say who is in the way.
BUSY_TIMEOUT_MS = 5000
PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL: a committed payment survives a power cut
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_MS,
    "cache_size": -64000,
    # REPLACE's implicit delete then fires the delete guards of the evidence tables.
    "recursive_triggers": 1,
}
# A reader never writes: query_only turns any attempt into an error, not a change.
READER_PRAGMAS = {
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_MS,
    "cache_size": -64000,
    "query_only": 1,
}


class FlagField(peewee.BooleanField):
    """A yes/no column stored as 0 or 1 on both engines (the schema's INTEGER flags), so
    shared SQL compares it with 0 and 1 the same way everywhere."""

    def db_value(self, value):
        return None if value is None else int(bool(value))


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


class MigrationsMissingError(DatabaseOpenError):
    """The program carries no migration scripts: an incomplete installation."""


def migration_names() -> list[str]:
    """The migrations this program carries, in order ('0001_initial', …). None at all
    means the installation lost its files: that is said plainly, never guessed around."""
    names = sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py"))
    if not names:
        raise MigrationsMissingError(_(
            "This installation of Gvia is incomplete: the database update files are "
            "missing (looked in {folder}). Reinstall Gvia; your data was not touched.").format(
                folder=MIGRATIONS_DIR))
    return names


def schema_version() -> int:
    """The schema version this program writes: the number of the newest migration."""
    return int(migration_names()[-1][:4])


def migration_runner(db: peewee.SqliteDatabase) -> Runner:
    """peewee's runner over our scripts (checked to be there first)."""
    migration_names()
    return Runner(db, directory=str(MIGRATIONS_DIR))


def default_db_path() -> Path:
    """The database in the OS's per-user data folder (created when missing)."""
    import platformdirs

    folder = platformdirs.user_data_path("Gvia", appauthor=False)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "gvia.db"


# Statements that only read; every other one is refused in a ledger known to be damaged.
_READING = ("SELECT", "WITH", "PRAGMA", "EXPLAI")


class LedgerDatabase(peewee.SqliteDatabase):
    """peewee's SQLite database whose disk and file faults carry their true name.

    A full disk, an I/O error, a lock held by another program, a read-only file or a
    damaged page becomes a StorageFault with one clear line. SQLite itself rolls a
    transaction back on a full disk or an I/O error; the ROLLBACK peewee then sends finds
    none, and its "cannot rollback" would hide the real cause, so it is let pass.
    """

    # Set once damage is known: from then on only reading is allowed, until a restore.
    damaged = False

    def execute_sql(self, sql, params=None):
        if self.damaged and not sql.lstrip()[:6].upper().startswith(_READING):
            raise DatabaseDamagedError(_("The change was not saved"))
        try:
            return super().execute_sql(sql, params)
        except peewee.DatabaseError as exc:
            raise self._named(exc) from exc

    def commit(self):
        # A COMMIT writes the journal and the pages: where a full disk or a failing one
        # is met most often.
        try:
            return super().commit()
        except peewee.DatabaseError as exc:
            raise self._named(exc) from exc

    def _named(self, exc: Exception) -> Exception:
        """The StorageFault `exc` is, or `exc` itself when it is not a storage fault.
        Known damage is remembered (and marked beside the file) so writes stop."""
        fault = as_fault(exc, _file_of(self.database))
        if fault is None:
            return exc
        if isinstance(fault, DatabaseDamagedError):
            self.damaged = True
            mark_damaged(_file_of(self.database), str(exc))
        return fault

    def rollback(self):
        try:
            super().rollback()
        except peewee.OperationalError as exc:
            if "no transaction is active" not in str(exc):
                raise


def _damage_marker(path: Path) -> Path:
    """Exists once damage was found: writes stay refused until a restore or a clean check."""
    return Path(str(path) + DAMAGE_MARKER_SUFFIX)


def mark_damaged(path: Path, detail: str) -> None:
    try:
        _damage_marker(path).write_text(detail + "\n", encoding="utf-8")
    except OSError:
        pass  # a folder we cannot write to: the damage is still reported to the user


def is_marked_damaged(path: Path) -> bool:
    return _damage_marker(path).exists()


def clear_damage_mark(path: Path) -> None:
    _damage_marker(path).unlink(missing_ok=True)


def is_read_only(path: Path) -> bool:
    """Read-only for us: no right to write, or no write bit for anyone.

    The second test matters for an administrator, whom the system lets write anything:
    a file the user marked read-only is still meant to stay as it is.
    """
    try:
        return not os.access(path, os.W_OK) or not stat.S_IMODE(path.stat().st_mode) & 0o222
    except OSError:
        return False


def readonly_uri(path: Path) -> str:
    # quote() keeps a name with '#', '?' or '%' one file name inside the URI.
    uri = "file:" + urllib.parse.quote(str(path)) + "?mode=ro"
    shm_missing = not Path(str(path) + "-shm").exists()
    if shm_missing and is_read_only(path.parent):
        # No -shm and no right to create one: with nobody able to write there, read
        # the file as it stands.
        uri += "&immutable=1"
    return uri


def _file_of(name: str) -> Path:
    """The file behind a connection's name (a reader's connection is named by a URI)."""
    if name.startswith("file:"):
        name = urllib.parse.unquote(name[len("file:"):].split("?", 1)[0])
    return Path(name).resolve()


def database_path() -> Path:
    """The file of the open ledger."""
    return _file_of(database.obj.database)


def _pragma(db: peewee.SqliteDatabase, name: str):
    return db.execute_sql(f"PRAGMA {name}").fetchone()[0]


def _pending_migrations(db: peewee.SqliteDatabase) -> list[str]:
    """Migration files not yet recorded as applied (user_version alone could hide a gap)."""
    return [m.name for m in migration_runner(db).status()
            if m.path is not None and not m.applied]


def migrate(db: peewee.SqliteDatabase) -> list[str]:
    """Apply pending numbered migrations; PRAGMA user_version follows the newest."""
    applied = migration_runner(db).up()
    db.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute_sql(f"PRAGMA user_version = {schema_version()}")
    return applied


def restrict_permissions(path: Path) -> None:
    """Database, WAL and shared-memory files readable by the user only.

    Group and other lose every right; the owner's own bits are left as they are, so a
    file the user made read-only stays read-only.
    """
    for suffix in ("", "-wal", "-shm", DAMAGE_MARKER_SUFFIX):
        p = Path(str(path) + suffix)
        try:
            mode = stat.S_IMODE(p.stat().st_mode)
            if mode & 0o077:
                os.chmod(p, mode & 0o700)
        except OSError:
            pass  # missing, or a file system without Unix permissions: nothing to tighten


def sqlite_connection() -> sqlite3.Connection:
    """The raw sqlite3 connection behind the proxy (for the backup API)."""
    return database.obj.connection()


def quick_check() -> list[str]:
    """`PRAGMA quick_check` on the open database; empty list when healthy.

    Found damage is remembered beside the file, so writes stay refused until a restore.
    """
    try:
        problems = [row[0] for row in sqlite_connection().execute("PRAGMA quick_check")
                    if row[0] != "ok"]
    except sqlite3.Error as exc:
        fault = as_fault(exc, database_path())
        if fault is None or fault.kind != faults.DAMAGED:
            raise fault or exc
        problems = [str(exc)]
    fault = faults.check_line_fault(problems)
    if fault is not None:  # the disk failed to read a page: not damage
        raise fault
    if problems:
        database.obj.damaged = True
        mark_damaged(database_path(), "; ".join(problems[:3]))
    return problems


def integrity_check() -> list[str]:
    """Full `PRAGMA integrity_check` and foreign-key check; empty list when healthy."""
    conn = sqlite_connection()
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
    fault = faults.check_line_fault(problems)
    if fault is not None:
        raise fault
    problems += [f"foreign key: {row}" for row in conn.execute("PRAGMA foreign_key_check")]
    return problems


class worker_connection:
    """Open the database connection for the current (background) thread and close it after.

    peewee keeps one connection per thread and we open with autoconnect=False, so a
    worker thread must connect explicitly. Use: `with worker_connection(): ...`.
    """

    def __enter__(self):
        self._opened = database.obj.connect(reuse_if_open=True)
        return self

    def __exit__(self, *exc):
        if self._opened:
            database.obj.close()
