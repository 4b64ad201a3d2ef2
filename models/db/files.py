"""The files kept with the ledger, named by their path relative to the ledger's folder:
archived letters (`letters/<name>.pdf`, models.letters.archive), contact-log attachments
(`attachments/<client id>/<entry id>-<n>-<name>`, models.contact.contact_log) and the copies
of the letter images (`images/<kind>.<ext>`, models.letters.images; their bytes are in
the settings table on both engines).

- On SQLite the files are beside the ledger file, as they always were: `folder()` is the
  ledger's folder, `keep` does nothing (the file is already where it is kept) and
  `local_file` is just the path.
- On a PostgreSQL server (a shared office) no folder is shared by every computer. A file's
  bytes are one `stored_file` row (migration 0015), written by `keep` in the transaction
  of the row that names the file, so both are saved or neither; never changed or deleted.
  `folder()` is this user's cache folder for that ledger (platformdirs' user cache, owner
  only), where a new file is written before it is kept, and where `local_file` writes
  the copy a screen or the printer opens, from the database, when it is missing or
  differs.

Public API:
    folder() -> Path                        where the ledger's files are as files
    local_file(relative) -> Path            a real file to open (written from the store)
    keep(relative, data=None)               store a new file (server only), in the caller's
                                            transaction
    is_taken(relative) -> bool              a name already used, here or on the server
    stored_row(relative, data) -> tuple     one stored_file row (the move to a server)
    STORED_COLUMNS
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
import urllib.parse
from pathlib import Path

import peewee

from models.common.errors import GviaError
from models.common.i18n import _
from models.db import dialect
from models.db.connection import database, database_path
from models.db.outputs import make_private, private_dir

STORED_COLUMNS = ("path", "content", "sha256", "size_bytes", "created_at")
_INSERT = (f"INSERT INTO stored_file ({', '.join(STORED_COLUMNS)}) "
           f"VALUES ({', '.join('?' for _c in STORED_COLUMNS)})")
# (copy, size, mtime) -> its sha256: a copy checked once is not hashed again unchanged.
_checked: dict[tuple[str, int, int], str] = {}


def folder() -> Path:
    """The ledger's folder (SQLite), or this user's cache folder for the server's ledger."""
    if not dialect.is_office():
        return database_path().parent
    import platformdirs

    return private_dir(platformdirs.user_cache_path("Gvia", appauthor=False) / "office"
                       / _office_slug())


def _office_slug() -> str:
    """One folder name per server ledger: readable (database@host), and told apart from
    another server's database of the same name by a digest of the URL (no password)."""
    from models.db.postgres.opening import display_name

    url = database.obj.database
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0] + "@" if len(netloc) == 2 else ""
    ident = urllib.parse.urlunsplit(parts._replace(netloc=user + netloc[-1]))
    readable = re.sub(r"[^\w.@-]+", "_", display_name(url))[:60]
    return f"{readable}-{hashlib.sha256(ident.encode()).hexdigest()[:12]}"


def stored_row(relative: str, data: bytes) -> tuple:
    """The stored_file row of `data` kept as `relative` (the columns of STORED_COLUMNS)."""
    return (relative, data, hashlib.sha256(data).hexdigest(), len(data),
            dt.datetime.now().isoformat(timespec="seconds"))


def keep(relative: str, data: bytes | None = None) -> None:
    """Store the new file `relative` (its bytes, or the file written at folder()/relative)
    with the ledger, in the caller's transaction. Nothing to do on SQLite. A file that was
    never written is not kept: its row names a missing file, as it would on SQLite."""
    if not dialect.is_office():
        return
    if data is None:
        try:
            data = (folder() / relative).read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise GviaError(_("The file {name} could not be read to be saved in the office "
                              "database: {reason}").format(
                                name=Path(relative).name,
                                reason=exc.strerror or exc)) from exc
    try:
        database.execute_sql(_INSERT, stored_row(relative, data))
    except peewee.IntegrityError as exc:
        if not _stored(relative):
            raise
        raise GviaError(_("Another computer of the office has just saved a file named {name}. "
                          "Nothing was saved; please try again.").format(
                            name=Path(relative).name)) from exc


def _stored(relative: str) -> tuple | None:
    return database.execute_sql("SELECT size_bytes, sha256 FROM stored_file WHERE path = ?",
                                (relative,)).fetchone()


def is_taken(relative: str) -> bool:
    """Whether a new file may not be named `relative`: a file is there, or (on a server)
    one of that name is kept in the ledger."""
    if (folder() / relative).exists():
        return True
    return dialect.is_office() and _stored(relative) is not None


def local_file(relative: str) -> Path:
    """The file `relative` as a real file to open or print. On a server, the cached copy,
    written from the ledger when it is missing or differs; a name the ledger keeps no file
    under gives a path with no file, as a lost file does on SQLite."""
    path = folder() / relative
    if not dialect.is_office():
        return path
    known = _stored(relative)
    if known is None or _is_copy(path, *known):
        return path
    (content,) = database.execute_sql("SELECT content FROM stored_file WHERE path = ?",
                                      (relative,)).fetchone()
    _write_copy(path, bytes(content))
    return path


def _is_copy(path: Path, size: int, sha256: str) -> bool:
    try:
        info = path.stat()
    except OSError:
        return False
    if info.st_size != size:
        return False
    key = (str(path), info.st_size, info.st_mtime_ns)
    if key not in _checked:
        try:
            _checked[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return False
    return _checked[key] == sha256


def _write_copy(path: Path, data: bytes) -> None:
    """The copy written whole (a temporary file renamed into place), owner-only."""
    try:
        root = private_dir(folder())
        for parent in reversed(path.parent.relative_to(root).parents):
            private_dir(root / parent)
        private_dir(path.parent)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            make_private(temp)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except (OSError, GviaError) as exc:
        raise GviaError(_("The file {name} could not be copied from the office database to "
                          "{folder}: {reason}").format(
                            name=path.name, folder=path.parent,
                            reason=getattr(exc, "strerror", None) or exc)) from exc
