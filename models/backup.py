"""Backups and restore with SQLite's online backup API, each copy verified."""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import peewee

from models.errors import GviaError

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
                    dest: Path | None = None, progress: Progress | None = None) -> Path:
    """Copy the live database to a new file and verify the copy; returns its path."""
    if dest is None:
        folder = backup_dir(db_path)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        dest = folder / f"{Path(db_path).stem}-{stamp}-{reason}.db"
    _copy(db.connection(), Path(dest), progress)
    return Path(dest)


def _copy(source: sqlite3.Connection, dest: Path, progress: Progress | None) -> None:
    if dest.is_dir() or not dest.parent.is_dir():
        raise GviaError(f"לא ניתן לכתוב את הגיבוי אל {dest}: התיקייה לא קיימת או שזו תיקייה.")
    tmp = dest.with_name(dest.name + ".part")
    try:
        target = sqlite3.connect(tmp)
    except sqlite3.Error as exc:
        raise GviaError(f"לא ניתן ליצור את קובץ הגיבוי {dest} ({exc}).") from exc
    try:
        def step(status, remaining, total):
            if progress:
                progress(total - remaining, total)

        source.backup(target, pages=256, progress=step)
        result = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
    if result != "ok":
        tmp.unlink(missing_ok=True)
        raise GviaError(f"הגיבוי נכשל באימות ({result}); הקובץ המקורי לא שונה.")
    os.replace(tmp, dest)
    try:
        os.chmod(dest, stat.S_IRUSR | stat.S_IWUSR)
    except OSError:
        pass


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


def restore_database(db: peewee.SqliteDatabase, db_path: Path, source: Path,
                     progress: Progress | None = None) -> Path:
    """Replace the open database's content with a backup; the current state is backed up first.

    Returns the path of the safety backup taken before restoring.
    """
    source = Path(source)
    if not source.is_file():
        raise GviaError(f"קובץ הגיבוי {source} לא נמצא.")
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            check = src.execute("PRAGMA integrity_check").fetchone()[0]
            app_id = src.execute("PRAGMA application_id").fetchone()[0]
            version = src.execute("PRAGMA user_version").fetchone()[0]
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise GviaError(f"הקובץ {source.name} אינו גיבוי תקין ({exc}).") from exc
    from models.db import APPLICATION_ID, migrate, schema_version

    if check != "ok" or app_id != APPLICATION_ID:
        raise GviaError(f"הקובץ {source.name} אינו גיבוי תקין של גבייה; לא שוחזר דבר.")
    if version > schema_version():
        raise GviaError(f"הגיבוי {source.name} נוצר בגרסה חדשה יותר של גבייה; עדכנו את התוכנה.")
    safety = backup_database(db, db_path, reason="before-restore")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        def step(status, remaining, total):
            if progress:
                progress(total - remaining, total)

        src.backup(db.connection(), pages=256, progress=step)
    finally:
        src.close()
    if version < schema_version():
        migrate(db)
    return safety
