"""Backups and restore with SQLite's online backup API, each copy verified.

A backup goes to the 'backups' folder beside the ledger, or to any folder the user chooses
(a USB stick, a cloud folder: backup_to_folder), where the copy is then opened read-only and
put through the same checks a restore puts a backup through (verify_backup)."""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import peewee

from models.common.errors import GviaError
from models.common.i18n import _
from models.db import writer_lock
from models.db.connection import (
    APPLICATION_ID,
    clear_damage_mark,
    migrate,
    readonly_uri,
    schema_version,
)
from models.db.faults import as_fault
from models.db.schema_check import (
    foreign_key_problems,
    integrity_problems,
    schema_differences,
)

KEEP_AUTOMATIC = 10
Progress = Callable[[int, int], None]  # (pages done, pages total)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: dt.datetime
    size_bytes: int


def backup_dir(db_path: Path) -> Path:
    """Backups live next to the database, in a 'backups' folder."""
    return Path(db_path).parent / "backups"


def backup_database(db: peewee.SqliteDatabase, db_path: Path, *, reason: str = "manual",
                    dest: Path | None = None, progress: Progress | None = None,
                    replace_existing: bool = False) -> Path:
    """Copy the live database to a new file and verify the copy; returns its path.

    An existing `dest` is replaced only when `replace_existing` says so, and never when
    it is the live database itself.
    """
    if dest is None:
        folder = backup_dir(db_path)
        make_private_folder(folder)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        dest = folder / f"{Path(db_path).stem}-{stamp}-{reason}.db"
    dest = Path(dest)
    if dest.exists():
        if _same_file(dest, Path(db_path)):
            raise GviaError(_("{path} is the live database itself; choose another file for the "
                              "backup.").format(path=dest))
        if not replace_existing:
            raise GviaError(_("The file {path} already exists; choose another name (or --force "
                              "to replace it).").format(path=dest))
    _copy(db.connection(), dest, progress)
    return dest


def backup_before_migration(db: peewee.SqliteDatabase, db_path: Path, version: int,
                            latest: int) -> Path:
    """The copy taken before a migration; a failed attempt repeated leaves only one."""
    reason = f"before-migration-{version}-to-{latest}"
    made = backup_database(db, db_path, reason=reason)
    # An earlier attempt that failed left the same state behind: the newest copy holds it.
    for older in list_backups(db_path):
        if older.path != made and older.path.stem.endswith("-" + reason):
            older.path.unlink(missing_ok=True)
    return made


def make_private_folder(folder: Path) -> None:
    """Create `folder` (and parents) readable by the user only."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.chmod(folder, stat.S_IRWXU)
    except OSError:
        pass  # a file system without Unix permissions


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _copy(source: sqlite3.Connection, dest: Path, progress: Progress | None) -> None:
    if dest.is_dir() or not dest.parent.is_dir():
        raise GviaError(_("Cannot write the backup to {path}: the folder does not exist, or "
                          "it is a folder.").format(path=dest))
    tmp = part_file(dest, "backup")
    try:
        _create_private(tmp)
        target = sqlite3.connect(tmp)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise _named(exc, _("Cannot create the backup file {path}").format(path=dest)) from exc
    try:
        def step(status, remaining, total):
            if progress:
                progress(total - remaining, total)

        source.backup(target, pages=256, progress=step)
        writer_lock.forget_in_copy(target)
        result = target.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.Error as exc:
        target.close()
        tmp.unlink(missing_ok=True)
        raise _named(exc, _("The backup failed; the original file was not changed")) from exc
    except BaseException:
        # A progress callback that stops the copy (the user cancelled) leaves no part file.
        target.close()
        tmp.unlink(missing_ok=True)
        raise
    target.close()
    if result != "ok":
        tmp.unlink(missing_ok=True)
        raise GviaError(_("The backup failed verification ({result}); the original file was "
                          "not changed.").format(result=result))
    try:
        os.replace(tmp, dest)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _named(exc, _("Cannot save the backup as {path}").format(path=dest)) from exc


class BackupCancelled(GviaError):
    """The user stopped a backup; no file was left behind."""


def backup_to_folder(db: peewee.SqliteDatabase, db_path: Path, folder: Path, *,
                     progress: Progress | None = None,
                     is_cancelled: Callable[[], bool] | None = None) -> Path:
    """A new, verified backup of the live ledger in `folder` (any folder: a USB stick, a
    cloud folder); returns its path.

    The file is named like the backups beside the ledger, so it is never an existing file:
    backup_database refuses to write over one, or over the ledger itself. After the copy,
    `progress(0, 0)` says the verification started: the copy is opened read-only and put
    through the checks a restore makes (verify_backup); a copy that fails them is removed
    and the problem raised. `is_cancelled` is asked between pages: True stops the copy
    (BackupCancelled) and leaves nothing in the folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise GviaError(_("The folder {folder} was not found; choose an existing folder for "
                          "the backup.").format(folder=folder))

    def step(done: int, total: int) -> None:
        if is_cancelled is not None and is_cancelled():
            raise BackupCancelled(_("The backup was cancelled; nothing was written to "
                                    "{folder}.").format(folder=folder))
        if progress:
            progress(done, total)

    step(0, 1)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    dest = folder / f"{Path(db_path).stem}-{stamp}-manual.db"
    made = backup_database(db, db_path, dest=dest, progress=step)
    if progress:
        progress(0, 0)
    problems = verify_backup(made)
    if problems:
        _remove_copy(made)
        raise GviaError(_("The copy written to {folder} failed its check and was removed: "
                          "{problems}. The ledger itself was not changed; try another "
                          "folder or drive.").format(folder=folder,
                                                     problems="; ".join(problems[:5])))
    return made


def verify_backup(path: Path) -> list[str]:
    """What is wrong with the backup file at `path`, opened read-only: a file that is not
    Gvia's or not of this version, then the checks a restore makes on a backup (damage, the
    schema, the references: backup_problems). Empty when the copy can be restored."""
    path = Path(path)
    try:
        conn = sqlite3.connect(readonly_uri(path.resolve()), uri=True)
    except sqlite3.Error as exc:
        return [_("Cannot open {name} for reading ({error}).").format(name=path.name,
                                                                      error=exc)]
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID:
            return [_("The file {name} is not a Gvia backup; nothing was restored.").format(
                name=path.name)]
        if version != schema_version():
            return [_("The backup {name} is at schema version {version}, not {expected}.")
                    .format(name=path.name, version=version, expected=schema_version())]
        return backup_problems(conn)
    except sqlite3.Error as exc:
        return [_("The file {name} is not a valid backup").format(name=path.name)
                + f": {exc}"]
    finally:
        conn.close()
        _drop_empty_journal(path)


def _drop_empty_journal(path: Path) -> None:
    """Reading a copy in WAL mode leaves an empty -wal and a -shm beside it; on a USB stick
    or in a cloud folder they are clutter (and the copy is complete without them)."""
    for suffix in ("-wal", "-shm"):
        extra = Path(str(path) + suffix)
        try:
            if suffix == "-shm" or extra.stat().st_size == 0:
                extra.unlink(missing_ok=True)
        except OSError:
            pass


def _remove_copy(path: Path) -> None:
    for extra in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm")):
        try:
            extra.unlink(missing_ok=True)
        except OSError:
            pass


def part_file(target: Path, what: str) -> Path:
    """The unfinished copy of `target`; the process number lets the start-up sweep
    (models/db/outputs.py) remove it at once when a crash left it behind."""
    return target.with_name(f"{target.name}.gvia-{what}-{os.getpid()}.part")


def _create_private(path: Path) -> None:
    """A new empty file, owner-only from its first moment (a copy of the whole ledger)."""
    path.unlink(missing_ok=True)  # a .part left by a crash
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _named(exc: BaseException, what: str) -> GviaError:
    fault = as_fault(exc)
    return GviaError(f"{what}: {fault if fault else exc}")


def list_backups(db_path: Path) -> list[BackupInfo]:
    """Backups of this database, newest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    infos = []
    for p in folder.glob(f"{Path(db_path).stem}-*.db"):
        st = p.stat()
        infos.append(BackupInfo(p, dt.datetime.fromtimestamp(st.st_mtime), st.st_size))
    return sorted(infos, key=lambda b: b.created, reverse=True)


def backup_if_due(db: peewee.SqliteDatabase, db_path: Path, *, max_age: dt.timedelta =
                  dt.timedelta(days=1), keep: int = KEEP_AUTOMATIC) -> Path | None:
    """The automatic daily backup: make one if the newest is older than `max_age`."""
    existing = list_backups(db_path)
    if existing and dt.datetime.now() - existing[0].created < max_age:
        return None
    made = backup_database(db, db_path, reason="auto")
    autos = [b for b in list_backups(db_path) if b.path.stem.endswith("-auto")]
    for old in autos[keep:]:
        old.path.unlink(missing_ok=True)
    return made


class EmptyBackupError(GviaError):
    """The backup holds no clients and no invoices while the live ledger has data."""


def restore_database(db: peewee.SqliteDatabase, db_path: Path, source: Path,
                     progress: Progress | None = None, *, allow_empty: bool = False) -> Path:
    """Replace the open database's content with a backup; the current state is backed up first.

    The backup is first copied beside the ledger, brought to this version's schema and
    checked in full (integrity, the schema the migrations define, foreign keys): a backup
    that fails any check replaces nothing. Returns the path of the safety backup.
    """
    staged = stage_backup(Path(source), Path(db_path), page_size=_page_size(db.connection()))
    try:
        if not allow_empty and _is_empty(staged) and not _is_empty_connection(db.connection()):
            raise EmptyBackupError(
                _("The backup {name} contains no client and no invoice, and the live "
                  "database has data. Restoring from it would delete all of it; if that is "
                  "really what you mean, confirm (on the command line: --force).").format(
                    name=Path(source).name))
        safety = backup_database(db, db_path, reason="before-restore")
        conn = db.connection()
        holder = writer_lock.read_holder(conn)
        src = sqlite3.connect(staged)
        try:
            def step(status, remaining, total):
                if progress:
                    progress(total - remaining, total)

            src.backup(conn, pages=256, progress=step)
        except sqlite3.Error as exc:
            raise _named(exc, _("The restore failed; the database stayed as it was")) from exc
        finally:
            src.close()
        if holder is not None:
            writer_lock.reclaim(conn, holder.token)
    finally:
        staged.unlink(missing_ok=True)
    clear_damage_mark(Path(db_path))
    db.damaged = False  # the restored content was checked in full
    return safety


def restore_damaged(db_path: Path, source: Path) -> Path:
    """Put a checked backup in place of a ledger that is too damaged to open.

    The damaged file is not deleted: it moves into the backups folder (its journal with
    it), in case something in it is still needed. Returns where it was kept.
    """
    staged = stage_backup(Path(source), db_path)
    try:
        conn = sqlite3.connect(staged)
        try:
            conn.execute("PRAGMA journal_mode = wal")
        finally:
            conn.close()
        folder = backup_dir(db_path)
        make_private_folder(folder)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        # Not named like a backup: it must never be offered for a restore.
        kept = folder / f"{db_path.name}.damaged-{stamp}"
        os.replace(db_path, kept)
        wal = Path(str(db_path) + "-wal")
        if wal.exists():
            os.replace(wal, Path(str(kept) + "-wal"))
        Path(str(db_path) + "-shm").unlink(missing_ok=True)
        os.replace(staged, db_path)
    except OSError as exc:
        raise _named(exc, _("The restore failed")) from exc
    finally:
        staged.unlink(missing_ok=True)
    clear_damage_mark(db_path)
    return kept


def replaces_data_with_nothing(db: peewee.SqliteDatabase, source: Path) -> bool:
    """Whether restoring `source` would leave no clients and no invoices where there are
    some now (a question worth asking twice). An unreadable file says no: the restore
    itself names what is wrong with it."""
    try:
        conn = sqlite3.connect(readonly_uri(Path(source).resolve()), uri=True)
        try:
            empty = _is_empty_connection(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return empty and not _is_empty_connection(db.connection())


def stage_backup(source: Path, db_path: Path, *, page_size: int | None = None) -> Path:
    """A checked, current-schema copy of the backup `source`, beside the ledger.

    Raises GviaError naming what is wrong with the backup; nothing live is touched.
    """
    if not source.is_file():
        raise GviaError(_("The backup file {path} was not found.").format(path=source))
    staged = part_file(db_path, "restore")
    _create_private(staged)
    try:
        try:
            src = sqlite3.connect(readonly_uri(source.resolve()), uri=True)
            target = sqlite3.connect(staged)
            try:
                app_id = src.execute("PRAGMA application_id").fetchone()[0]
                version = src.execute("PRAGMA user_version").fetchone()[0]
                if app_id != APPLICATION_ID:
                    raise GviaError(_("The file {name} is not a Gvia backup; nothing was "
                                      "restored.").format(name=source.name))
                if version > schema_version():
                    raise GviaError(_("The backup {name} was created by a newer version of "
                                      "Gvia; update the program.").format(name=source.name))
                src.backup(target)
                if page_size and target.execute("PRAGMA page_size").fetchone()[0] != page_size:
                    # A live ledger in WAL mode cannot take another page size from a copy,
                    # and the copy can change its own only outside WAL.
                    target.execute("PRAGMA journal_mode = delete")
                    target.execute(f"PRAGMA page_size = {int(page_size)}")
                    target.execute("VACUUM")
                writer_lock.forget_in_copy(target)
            finally:
                src.close()
                target.close()
        except sqlite3.Error as exc:
            raise _named(exc, _("The file {name} is not a valid backup").format(
                name=source.name)) from exc
        staged_db = peewee.SqliteDatabase(str(staged))
        try:
            if version < schema_version():
                migrate(staged_db)
            problems = backup_problems(staged_db.connection())
        except (peewee.DatabaseError, sqlite3.Error) as exc:
            raise _named(exc, _("The backup {name} cannot be updated to this version").format(
                name=source.name)) from exc
        finally:
            staged_db.close()
        if problems:
            raise GviaError(_("The backup {name} failed the check and nothing was restored: "
                              "{problems}").format(name=source.name,
                                                   problems="; ".join(problems[:5])))
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return staged


def backup_problems(conn: sqlite3.Connection) -> list[str]:
    """What makes a copy unfit to restore: damage, a schema that is not ours, broken links."""
    # Attachments are not part of a backup: their files are checked on the live ledger.
    return integrity_problems(conn) + schema_differences(conn) + foreign_key_problems(conn)


def _page_size(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA page_size").fetchone()[0]


def _is_empty(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        return _is_empty_connection(conn)
    finally:
        conn.close()


def _is_empty_connection(conn: sqlite3.Connection) -> bool:
    return not conn.execute(
        "SELECT EXISTS (SELECT 1 FROM client) OR EXISTS (SELECT 1 FROM invoice)").fetchone()[0]
