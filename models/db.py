"""The database: one SQLite file, opened safely, claimed by one writer, migrated.

`database` is a peewee proxy every model binds to; `open_database()` points it at a file
after checking that the file is ours, intact and not newer than this program. A writer
claims the ledger (models/writer_lock.py); readers open it read-only beside the writer.
"""
from __future__ import annotations

import os
import sqlite3
import stat
import urllib.parse
from pathlib import Path

import peewee
from playhouse.migrations import Runner

from models import faults, writer_lock
from models.errors import DatabaseLockedError, DatabaseOpenError, DatabaseReadOnlyError
from models.faults import DatabaseDamagedError, StorageFault, as_fault, fault_kind

database = peewee.DatabaseProxy()

# 'GVIA' in ASCII: marks a SQLite file as ours (PRAGMA application_id).
APPLICATION_ID = 0x47564941
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_HEADER = b"SQLite format 3\x00"
# Up to this size `PRAGMA quick_check` runs before the database is used. A larger file
# is fully checked only after an unclean shutdown (a stale writer claim was found) or
# known damage; otherwise the app checks it in the background once the window is up,
# since a full scan of a 500 MB file takes over ten seconds.
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024
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
            raise DatabaseDamagedError("השינוי לא נשמר")
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
                  read_only: bool = False) -> OpenDatabase:
    """Open (or create) the Gvia database at `path` and bind the models to it.

    A writer claims the ledger (one at a time, however the file is reached) and migrates
    it; a reader (`read_only=True`) changes nothing and may run beside the writer.
    Raises DatabaseOpenError with a Hebrew message for every problem a user can meet:
    missing folder, a file that is not SQLite or not ours, damage, a newer schema, a
    writer already at work, a read-only file, a full disk.
    """
    path = Path(path).expanduser().resolve()
    exists = _check_file(path, create)
    if read_only:
        if not exists:
            raise DatabaseOpenError(f"קובץ מסד הנתונים {path} לא נמצא.")
        return _open_reader(path)
    _check_writable(path, exists)
    probe = _probe(path) if exists else Probe()
    if probe.holder is not None and writer_lock.is_alive(probe.holder):
        raise DatabaseLockedError(
            f"מסד הנתונים {path.name} פתוח כבר לכתיבה ({probe.holder.describe()}). "
            "סגרו את העותק הזה ונסו שוב.")
    db = _connect(path, read_only=False)
    try:
        claim = _claim(db, path)
        try:
            crashed = claim.stale is not None
            full_check = (not exists or crashed or _damage_marker(path).exists()
                          or path.stat().st_size <= QUICK_CHECK_MAX_BYTES)
            _check_and_migrate(db, path, full_check)
        except BaseException:
            _release_quietly(db, claim)
            raise
    except BaseException:
        db.close()
        raise
    _damage_marker(path).unlink(missing_ok=True)
    restrict_permissions(path)
    _sweep(path)
    database.initialize(db)
    return OpenDatabase(path, db, claim=claim, checked_fully=full_check)


def _sweep(path: Path) -> None:
    """What a crash left behind (unfinished copies, files no row names) goes at start."""
    from models.outputs import sweep_orphans

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
            f"מסד הנתונים {path.name} עדיין בגרסה קודמת (סכֵמה {probe.version}) ואינו "
            "ניתן לעדכון כעת. פתחו אותו פעם אחת בגבייה כדי לעדכן אותו.")
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


def _check_file(path: Path, create: bool) -> bool:
    """Whether the file exists; refuses what cannot be a database at all."""
    if path.is_dir():
        raise DatabaseOpenError(f"הנתיב {path} הוא תיקייה ולא קובץ מסד נתונים.")
    if not path.exists():
        if not create:
            raise DatabaseOpenError(f"קובץ מסד הנתונים {path} לא נמצא.")
        if not path.parent.is_dir():
            raise DatabaseOpenError(f"התיקייה {path.parent} לא קיימת; לא ניתן ליצור בה מסד נתונים.")
        return False
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise DatabaseOpenError(f"הנתיב {path} אינו קובץ רגיל (התקן, צינור או שקע).")
    if info.st_nlink > 1:
        # SQLite keeps the journal (-wal) beside the name it was opened by: two names of
        # one file mean two journals, and the file is damaged as soon as both are used.
        raise DatabaseOpenError(
            f"לקובץ {path.name} יש {info.st_nlink} שמות (קישורים קשיחים, hard links). "
            "עבודה בו דרך שני שמות עלולה להשחית אותו; מחקו את הקישורים הנוספים "
            "והשאירו לו שם אחד.")
    try:
        with open(path, "rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        if fault_kind(exc) == faults.IO_ERROR:
            raise _open_fault(path, exc) from exc
        raise DatabaseOpenError(f"לא ניתן לקרוא את הקובץ {path}: {exc.strerror}.") from exc
    if header and header != SQLITE_HEADER:
        raise DatabaseOpenError(f"הקובץ {path} אינו מסד נתונים של גבייה (ולא של SQLite).")
    return True


def _check_writable(path: Path, exists: bool) -> None:
    """A read-only file or folder stays as it is: writing needs both, WAL needs the folder."""
    if exists and is_read_only(path):
        raise DatabaseReadOnlyError(
            f"הקובץ {path.name} מוגדר לקריאה בלבד. אפשר לעיין בו (aging, today, check), "
            "אבל לא לשנות אותו; כדי לעבוד בו, אפשרו בו כתיבה.")
    if is_read_only(path.parent):
        raise DatabaseReadOnlyError(
            f"התיקייה {path.parent} מוגדרת לקריאה בלבד, ולכן לא ניתן לכתוב בה את "
            f"{path.name} וקובצי העזר שלו. העבירו את הקובץ לתיקייה שמותר לכתוב בה.")


def is_read_only(path: Path) -> bool:
    """Read-only for us: no right to write, or no write bit for anyone.

    The second test matters for an administrator, whom the system lets write anything:
    a file the user marked read-only is still meant to stay as it is.
    """
    try:
        return not os.access(path, os.W_OK) or not stat.S_IMODE(path.stat().st_mode) & 0o222
    except OSError:
        return False


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
            raise DatabaseOpenError(f"הקובץ {path} הוא מסד נתונים של תוכנה אחרת, לא של גבייה.")
        holder = writer_lock.read_holder(conn)
    except sqlite3.Error as exc:
        raise _open_fault(path, exc) from exc
    finally:
        conn.close()
    return Probe(app_id, version, has_tables, holder)


def readonly_uri(path: Path) -> str:
    # quote() keeps a name with '#', '?' or '%' one file name inside the URI.
    uri = "file:" + urllib.parse.quote(str(path)) + "?mode=ro"
    shm_missing = not Path(str(path) + "-shm").exists()
    if shm_missing and is_read_only(path.parent):
        # No -shm and no right to create one: with nobody able to write there, read
        # the file as it stands.
        uri += "&immutable=1"
    return uri


def _open_fault(path: Path, exc: BaseException) -> DatabaseOpenError:
    """A failure at open time, named for what it is."""
    fault = as_fault(exc, path)
    kind = fault.kind if fault else None
    if kind == faults.DAMAGED:
        return DatabaseOpenError(f"הקובץ {path} פגום ולא ניתן לקרוא אותו ({exc}). "
                                 "שחזרו מגיבוי (python main.py restore).")
    if kind == faults.LOCKED:
        return DatabaseOpenError(
            f"מסד הנתונים {path.name} נעול בידי תוכנה אחרת (לא גבייה) שכותבת אליו; "
            f"המתנו {BUSY_TIMEOUT_MS // 1000} שניות. סגרו אותה ונסו שוב.")
    if kind is not None:
        return DatabaseOpenError(f"{path.name}: {faults.MESSAGES[kind]}")
    return DatabaseOpenError(f"לא ניתן לפתוח את {path}: {exc}.")


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
            f"בדיקת התקינות של {path.name} נכשלה ({result}). שחזרו מגיבוי (python main.py restore)."
        )
    latest = schema_version()
    if version > latest:
        raise DatabaseOpenError(
            f"מסד הנתונים {path.name} נוצר בגרסה חדשה יותר של גבייה (סכֵמה {version}, "
            f"גרסה זו מכירה עד {latest}). עדכנו את התוכנה."
        )
    if version == latest and not _pending_migrations(db):
        return
    if has_tables:
        from models.backup import backup_before_migration

        backup_before_migration(db, path, version, latest)
    try:
        migrate(db)
    except (peewee.DatabaseError, sqlite3.Error, StorageFault) as exc:
        raise _open_fault(path, exc) from exc


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
