"""The database: one SQLite file, opened safely, locked to one running copy, migrated.

`database` is a peewee proxy every model binds to; `open_database()` points it at a file
after checking that the file is ours, intact and not newer than this program.
"""
from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import filelock
import peewee
from playhouse.migrations import Runner

from models.errors import DatabaseLockedError, DatabaseOpenError

database = peewee.DatabaseProxy()

# 'GVIA' in ASCII: marks a SQLite file as ours (PRAGMA application_id).
APPLICATION_ID = 0x47564941
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_HEADER = b"SQLite format 3\x00"
# Up to this size `PRAGMA quick_check` runs before the database is used. A larger file
# is fully checked only after an unclean shutdown (the marker file below was left
# behind); otherwise the app checks it in the background once the window is up, since
# a full scan of a 500 MB file takes over ten seconds.
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024
OPEN_MARKER_SUFFIX = ".open"
PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL: a committed payment survives a power cut
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "cache_size": -64000,
}


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


def schema_version() -> int:
    """The schema version this program writes: the number of the newest migration."""
    return max(int(p.name[:4]) for p in MIGRATIONS_DIR.glob("[0-9]*.py"))


def default_db_path() -> Path:
    """The database in the OS's per-user data folder (created when missing)."""
    import platformdirs

    folder = platformdirs.user_data_path("Gvia", appauthor=False)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "gvia.db"


class OpenDatabase:
    """A database opened by `open_database`: the connection plus its lock."""

    def __init__(self, path: Path, db: peewee.SqliteDatabase, lock: filelock.BaseFileLock,
                 checked_fully: bool):
        self.path = path
        self.db = db
        self._lock = lock
        self.checked_fully = checked_fully  # False: run quick_check() in the background

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()
        _open_marker(self.path).unlink(missing_ok=True)
        self._lock.release()
        if database.obj is self.db:
            database.initialize(None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_database(path: str | os.PathLike, *, create: bool = True) -> OpenDatabase:
    """Open (or create) the Gvia database at `path` and bind the models to it.

    Raises DatabaseOpenError with a Hebrew message for every problem a user can meet:
    missing folder, a file that is not SQLite or not ours, damage, a newer schema, a lock.
    """
    path = Path(path).expanduser().resolve()
    _check_file(path, create)
    lock = _acquire_lock(path)
    full_check = _needs_full_check(path)
    try:
        db = _connect(path)
        try:
            _check_and_migrate(db, path, full_check)
        except BaseException:
            db.close()
            raise
    except BaseException:
        lock.release()
        raise
    _open_marker(path).touch()
    restrict_permissions(path)
    database.initialize(db)
    return OpenDatabase(path, db, lock, checked_fully=full_check)


def _open_marker(path: Path) -> Path:
    """Exists while a copy of Gvia has the database open; left behind by a crash."""
    return Path(str(path) + OPEN_MARKER_SUFFIX)


def _needs_full_check(path: Path) -> bool:
    if not path.exists() or _open_marker(path).exists():
        return True
    return path.stat().st_size <= QUICK_CHECK_MAX_BYTES


def _check_file(path: Path, create: bool) -> None:
    if path.is_dir():
        raise DatabaseOpenError(f"הנתיב {path} הוא תיקייה ולא קובץ מסד נתונים.")
    if not path.exists():
        if not create:
            raise DatabaseOpenError(f"קובץ מסד הנתונים {path} לא נמצא.")
        if not path.parent.is_dir():
            raise DatabaseOpenError(f"התיקייה {path.parent} לא קיימת; לא ניתן ליצור בה מסד נתונים.")
        return
    try:
        with open(path, "rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseOpenError(f"לא ניתן לקרוא את הקובץ {path}: {exc.strerror}.") from exc
    if header and header != SQLITE_HEADER:
        raise DatabaseOpenError(f"הקובץ {path} אינו מסד נתונים של גבייה (ולא של SQLite).")


def _acquire_lock(path: Path) -> filelock.BaseFileLock:
    # An OS-level lock: the kernel releases it when a crashed copy dies, so a stale
    # lock file left behind never blocks the next start.
    lock = filelock.FileLock(str(path) + ".lock", timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout as exc:
        raise DatabaseLockedError(
            f"מסד הנתונים {path.name} פתוח כבר בעותק אחר של גבייה. סגרו אותו ונסו שוב."
        ) from exc
    except OSError as exc:
        raise DatabaseOpenError(f"לא ניתן לנעול את מסד הנתונים {path}: {exc.strerror}.") from exc
    return lock


def _connect(path: Path) -> peewee.SqliteDatabase:
    db = peewee.SqliteDatabase(str(path), pragmas=PRAGMAS, autoconnect=False)
    try:
        db.connect()
    except peewee.DatabaseError as exc:
        raise DatabaseOpenError(f"הקובץ {path} פגום או אינו מסד נתונים: {exc}.") from exc
    return db


def _pragma(db: peewee.SqliteDatabase, name: str):
    return db.execute_sql(f"PRAGMA {name}").fetchone()[0]


def _check_and_migrate(db: peewee.SqliteDatabase, path: Path, full_check: bool = True) -> None:
    try:
        # Without the full scan, reading the whole schema still catches a damaged header.
        result = _pragma(db, "quick_check") if full_check else "ok"
        app_id = _pragma(db, "application_id")
        version = _pragma(db, "user_version")
        has_tables = db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        # sqlite3's own error too: a damaged page is often met in fetchone(), after
        # peewee's execute_sql (which translates errors) has returned.
        raise DatabaseOpenError(f"הקובץ {path} פגום ולא ניתן לקרוא אותו ({exc}).") from exc
    if result != "ok":
        raise DatabaseOpenError(
            f"בדיקת התקינות של {path.name} נכשלה ({result}). שחזרו מגיבוי (python main.py restore)."
        )
    if has_tables and app_id != APPLICATION_ID:
        raise DatabaseOpenError(f"הקובץ {path} הוא מסד נתונים של תוכנה אחרת, לא של גבייה.")
    latest = schema_version()
    if version > latest:
        raise DatabaseOpenError(
            f"מסד הנתונים {path.name} נוצר בגרסה חדשה יותר של גבייה (סכֵמה {version}, "
            f"גרסה זו מכירה עד {latest}). עדכנו את התוכנה."
        )
    if version == latest and not _pending_migrations(db):
        return
    if has_tables:
        from models.backup import backup_database

        backup_database(db, path, reason=f"before-migration-{version}-to-{latest}")
    migrate(db)


def _pending_migrations(db: peewee.SqliteDatabase) -> list[str]:
    """Migration files not yet recorded as applied (user_version alone could hide a gap)."""
    return [m.name for m in Runner(db, directory=str(MIGRATIONS_DIR)).status()
            if m.path is not None and not m.applied]


def migrate(db: peewee.SqliteDatabase) -> list[str]:
    """Apply pending numbered migrations; PRAGMA user_version follows the newest."""
    applied = Runner(db, directory=str(MIGRATIONS_DIR)).up()
    db.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute_sql(f"PRAGMA user_version = {schema_version()}")
    return applied


def restrict_permissions(path: Path) -> None:
    """Database, WAL, shared-memory and lock files readable by the user only."""
    for suffix in ("", "-wal", "-shm", ".lock", OPEN_MARKER_SUFFIX):
        p = Path(str(path) + suffix)
        if p.exists():
            try:
                os.chmod(p, stat.S_IRUSR | stat.S_IWUSR)
            except OSError:
                pass  # e.g. a file system without Unix permissions: nothing to tighten


def sqlite_connection() -> sqlite3.Connection:
    """The raw sqlite3 connection behind the proxy (for the backup API)."""
    return database.obj.connection()


def quick_check() -> list[str]:
    """`PRAGMA quick_check` on the open database; empty list when healthy."""
    return [row[0] for row in sqlite_connection().execute("PRAGMA quick_check") if row[0] != "ok"]


def integrity_check() -> list[str]:
    """Full `PRAGMA integrity_check` and foreign-key check; empty list when healthy."""
    conn = sqlite_connection()
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
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
