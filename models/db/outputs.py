"""Files Gvia writes: never over the ledger, never half written, readable by the user only,
and nothing left behind by a crash.

Every writer goes through `write_output` (exports, letters, labels, attachments, print
files, the command line's --out). It first calls `check_output_path`, which refuses a path
that reaches — through a symlink, a hard link, `..` or another letter case — the live
database or its side files (-wal, -shm, -journal, .lock, .open, .damaged), anything in its
backups folder, or an existing file of the letter archive or the attachments (evidence).
An existing file is replaced only with `force` (the command line's --force, or the save
dialog's own confirmation). The data goes to a temporary file in the same folder (mode
0600) that is renamed into place, so a failure leaves the old file as it was.

`sweep_orphans(db_path)` removes what a crash can leave: unfinished `.part` copies and
archived letters / attachments that no database row names (files are always written
before the row that names them is committed).

Public API:
    check_output_path(path, db_path=None, *, force=False) -> Path
    check_backup_path(path, db_path, *, force=False) -> Path
    write_output(path, content, *, db_path=None, force=False) -> Path
        content: bytes, str (written as UTF-8) or a callback writing to the path it gets
    chosen_path(chosen, suffix) -> (Path, bool)      a save dialog's answer, suffix added
    private_dir(path) -> Path; make_private(path)     owner-only folders and files
    print_folder() -> Path; scratch_file(name)        per-process print files, removed at exit
    sweep_orphans(db_path, *, min_age=SWEEP_MIN_AGE) -> list[Path]
"""
from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import errno
import os
import re
import shutil
import sqlite3
import stat
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator, Union
from urllib.request import pathname2url

from models.common.errors import GviaError
from models.common.i18n import _

Content = Union[bytes, str, Callable[[Path], object]]
FILE_MODE = stat.S_IRUSR | stat.S_IWUSR
DIR_MODE = stat.S_IRWXU
# Files the database engine and the app keep beside the ledger: never an output.
LEDGER_SIDE_SUFFIXES = ("", "-wal", "-shm", "-journal", ".lock", ".open", ".damaged")
ARCHIVE_FOLDERS = ("letters", "attachments")  # evidence: new files only, never replaced
# A file younger than this may belong to a write still under way (another process).
SWEEP_MIN_AGE = dt.timedelta(minutes=5)
# Our temporary files: "<name>.gvia-<random>-<pid>.part" (the pid tells a dead writer).
_TEMP_MARK = ".gvia-"
_TEMP_PART = re.compile(r"\.gvia-[\w-]+-(\d+)\.part$")
_PRINT_PREFIX = "gvia-print-"
_PRINT_FOLDER = re.compile(r"^gvia-print-(\d+)-")


class OutputExists(GviaError):
    """The output file exists and replacing it was not confirmed."""

    def __init__(self, path: Path, hint: str = ""):
        message = _("The file {path} already exists and was not replaced.").format(path=path)
        super().__init__(message + (f" {hint}" if hint else ""))
        self.path = path


# ---- permissions -----------------------------------------------------------------------

def make_private(path: str | os.PathLike) -> None:
    """Owner-only: 0700 for a folder, 0600 for a file. A file system without Unix
    permissions (FAT, some network shares) has nothing to tighten."""
    try:
        os.chmod(path, DIR_MODE if os.path.isdir(path) else FILE_MODE)
    except OSError:
        pass


def private_dir(path: str | os.PathLike) -> Path:
    """Create (or tighten) one of the app's own folders, owner-only."""
    folder = Path(path)
    try:
        folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    except OSError as exc:
        raise _os_error(exc, folder) from exc
    make_private(folder)
    return folder


# ---- which paths are refused -----------------------------------------------------------

def _key(path: str | os.PathLike) -> str:
    """A spelling-independent name: symlinks and `..` resolved, letter case folded (the
    Windows and macOS disks ignore case, so `GVIA.DB` is the ledger there)."""
    return os.path.normcase(os.path.realpath(path)).casefold()


def _same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    if _key(a) == _key(b):
        return True
    try:
        return os.path.samefile(a, b)  # hard links, bind mounts
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    """Is `path` the folder or anything under it, however either is spelled? (Also
    before the folder exists: a file by its name would keep it from being created.)"""
    key, top = _key(path), _key(folder)
    if key == top or key.startswith(top.rstrip(os.sep) + os.sep):
        return True
    if not os.path.isdir(folder):
        return False
    for ancestor in [path, *path.parents]:
        if os.path.exists(ancestor) and _same_file(ancestor, folder):
            return True
    return False


def _links_into(path: Path, folder: Path) -> bool:
    """Is the existing file `path` a hard link of a file inside `folder`?"""
    try:
        mine = os.stat(path)
        entries = list(os.scandir(folder))
    except OSError:
        return False
    for entry in entries:
        try:
            other = entry.stat()
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (mine.st_dev, mine.st_ino):
            return True
    return False


def _live_database() -> Path | None:
    from models.db.connection import database

    obj = database.obj
    return Path(obj.database) if obj is not None else None


def _ledger_files(db_path: Path) -> list[Path]:
    return [Path(str(db_path) + suffix) for suffix in LEDGER_SIDE_SUFFIXES]


def _target(path: str | os.PathLike) -> Path:
    """The path to write: the folder resolved, the file name as given (a symlink named
    by the user is replaced, not the file it points to)."""
    given = Path(os.path.expanduser(os.fspath(path)))
    if given.is_dir():
        raise GviaError(_("{path} is a folder; give the name of a file (for example "
                          "report.csv).").format(path=given))
    if not given.name or given.name in (".", ".."):
        raise GviaError(_("'{path}' is not a file name.").format(path=path))
    parent = given.parent if str(given.parent) else Path(".")
    if not parent.is_dir():
        raise _no_folder(parent)
    return Path(os.path.realpath(parent)) / given.name


def _no_folder(folder: Path) -> GviaError:
    return GviaError(_("The folder {folder} does not exist; create it or choose another "
                       "folder.").format(folder=folder))


def _refuse_ledger(target: Path, db_path: Path) -> None:
    for side in _ledger_files(db_path):
        if _same_file(target, side):
            raise GviaError(_("Cannot write to {path}: it is Gvia's database file (or one "
                              "of its side files). Choose another file name.").format(
                                path=target))


def _refuse_archive(target: Path, db_path: Path) -> None:
    folder = Path(os.path.realpath(db_path)).parent
    for name in ARCHIVE_FOLDERS:
        if _key(target) == _key(folder / name):
            raise GviaError(_("The name {name} is reserved for Gvia's archive folder next to "
                              "the database. Choose another file name.").format(
                                name=target.name))
        if os.path.lexists(target) and _inside(target, folder / name):
            raise GviaError(_("The file {name} is kept in Gvia's archive and is not "
                              "replaced. Choose another name or another folder.").format(
                                name=target.name))


def _backups_folder(db_path: Path) -> Path:
    from models.db.backup import backup_dir

    return backup_dir(Path(os.path.realpath(db_path)))


def _refuse_special(target: Path) -> None:
    """Only a regular file is ever replaced: renaming over /dev/null or a pipe would
    replace the device itself (and as administrator, succeed)."""
    try:
        info = os.stat(target)
    except OSError:
        return  # nothing there yet (or a dangling link, replaced by the rename)
    if not stat.S_ISREG(info.st_mode):
        raise GviaError(_("{path} is not a regular file (it is a device, a pipe or a "
                          "socket); give the name of a file. To get the output in the "
                          "terminal, leave out --out.").format(path=target))


def _check(path: str | os.PathLike, db_path, *, force: bool, backup: bool) -> Path:
    target = _target(path)
    _refuse_special(target)
    ledger = Path(db_path) if db_path is not None else _live_database()
    if ledger is not None:
        _refuse_ledger(target, ledger)
        backups = _backups_folder(ledger)
        exists = os.path.lexists(target)
        if _key(target) == _key(backups):
            raise GviaError(_("The name {name} is reserved for the backups folder next to "
                              "the database. Choose another file name.").format(
                                name=target.name))
        if backup:
            if exists and (_inside(target, backups) or _links_into(target, backups)):
                raise GviaError(_("The backup {name} already exists and is never "
                                  "replaced. Choose a new name for the backup.").format(
                                    name=target.name))
        elif _inside(target, backups) or (exists and _links_into(target, backups)):
            raise GviaError(_("The backups folder ({folder}) is reserved for backups only. "
                              "Choose another folder for the file.").format(folder=backups))
        _refuse_archive(target, ledger)
    if os.path.lexists(target) and not force:
        raise OutputExists(target)
    return target


def check_output_path(path: str | os.PathLike, db_path: str | os.PathLike | None = None,
                      *, force: bool = False) -> Path:
    """The checked path an export, a letter or a print file may be written to.

    db_path: the ledger to protect (default: the open database). Raises GviaError with
    one line in the interface language; OutputExists when the file exists and `force` is not given.
    """
    return _check(path, db_path, force=force, backup=False)


def check_backup_path(path: str | os.PathLike, db_path: str | os.PathLike, *,
                      force: bool = False) -> Path:
    """Like check_output_path for `backup --out`: a NEW file in the backups folder is
    fine, an existing backup is never replaced, even with `force`."""
    return _check(path, db_path, force=force, backup=True)


def chosen_path(chosen: str | os.PathLike, suffix: str) -> tuple[Path, bool]:
    """A save dialog's answer with `suffix` (".csv") added when missing; the flag tells
    whether the dialog's own overwrite question covered this exact path."""
    path = Path(chosen)
    if path.suffix.lower() == suffix.lower():
        return path, True
    return path.with_name(path.name + suffix), False


# ---- writing ---------------------------------------------------------------------------

def _os_error(exc: OSError, path: Path, temp: Path | None = None) -> GviaError:
    """The disk's real reason, in one line. An error naming another file came from
    reading the source (an attachment, an archived letter), not from writing."""
    where = path.parent
    code = exc.errno
    source = getattr(exc, "filename", None)
    if source and Path(source).parent != where and Path(source) not in (path, temp, where):
        return GviaError(_("Cannot read the file {path}: {reason}.").format(
            path=Path(source).name, reason=exc.strerror or exc))
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return GviaError(_("There is not enough free disk space to write {name} (in the "
                           "folder {folder}). Free up some space and try again; an earlier "
                           "file of the same name was not changed.").format(
                             name=path.name, folder=where))
    if code == errno.EROFS:
        return GviaError(_("The folder {folder} is read-only, so {name} cannot be written "
                           "there. Choose another folder.").format(folder=where, name=path.name))
    if code in (errno.EACCES, errno.EPERM):
        return GviaError(_("There is no permission to write {name} in the folder {folder}. "
                           "Choose another folder or check the permissions.").format(
                             name=path.name, folder=where))
    if code == errno.ENAMETOOLONG:
        return GviaError(_("The file name {name} is too long; choose a shorter "
                           "name.").format(name=path.name))
    if code == errno.ENOENT and not where.is_dir():
        return _no_folder(where)
    return GviaError(_("Cannot write {name} in the folder {folder}: {reason}.").format(
        name=path.name, folder=where, reason=exc.strerror or exc))


def _os_cause(exc: BaseException) -> OSError | None:
    """The OSError behind a library's own exception (reportlab, openpyxl wrap them)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, OSError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _temp_prefix(target: Path) -> str:
    # Short enough that prefix + random + pid stays under the 255-byte name limit.
    name = target.name
    while len(name.encode("utf-8")) > 120:
        name = name[:-1]
    return name + _TEMP_MARK


def _fill(temp: Path, fd: int, content: Content) -> None:
    if callable(content):
        os.close(fd)
        content(temp)
        make_private(temp)  # a library may have recreated the file with default rights
        with open(temp, "rb+") as fh:
            os.fsync(fh.fileno())
        return
    data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _place(temp: Path, target: Path, replace: bool) -> None:
    """Rename into place. Without `replace`, a hard link creates the name only if it is
    still free (another program may have created it since the check)."""
    if replace:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)
    except FileExistsError:
        raise OutputExists(target) from None
    except OSError:
        if os.path.lexists(target):  # a disk without hard links: check, then rename
            raise OutputExists(target) from None
        os.replace(temp, target)
        return
    temp.unlink()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX only; Windows cannot open a folder)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _clear_dead_temps(target: Path) -> None:
    """Temporary copies of this very file left by a writer that died (kill, power cut):
    the sweep knows only the data folder, so an export's folder is tidied here, the next
    time the same file is written."""
    prefix = _temp_prefix(target)
    try:
        leftovers = [p for p in target.parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return
    for path in leftovers:
        match = _TEMP_PART.search(path.name)
        if match and path.name[len(prefix):].count(".") == 1 and not _process_alive(
                int(match.group(1))):
            with contextlib.suppress(OSError):
                path.unlink()


def write_output(path: str | os.PathLike, content: Content, *,
                 db_path: str | os.PathLike | None = None, force: bool = False) -> Path:
    """Write `content` to `path` whole or not at all; returns the path written.

    content: bytes; str (UTF-8, newlines as given); or a callback `write(temp_path)` for
    libraries that write to a file name. The result is owner-only (0600).
    """
    target = check_output_path(path, db_path, force=force)
    _clear_dead_temps(target)
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=_temp_prefix(target),
                                    suffix=f"-{os.getpid()}.part")
    except OSError as exc:
        raise _os_error(exc, target) from exc
    temp = Path(name)
    try:
        _fill(temp, fd, content)
        _place(temp, target, replace=force)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        cause = None if isinstance(exc, GviaError) else _os_cause(exc)
        if cause is not None:
            raise _os_error(cause, target, temp) from exc
        raise
    _sync_folder(target.parent)
    return target


# ---- print files -----------------------------------------------------------------------

_print_folder: Path | None = None
_removal_registered = False


def print_folder() -> Path:
    """This process's folder for print files (owner-only), removed when the app exits:
    a printed letter is a copy of client data and must not outlive the session."""
    global _print_folder, _removal_registered
    if _print_folder is None or not _print_folder.is_dir():
        _print_folder = Path(tempfile.mkdtemp(prefix=f"{_PRINT_PREFIX}{os.getpid()}-"))
        make_private(_print_folder)
        if not _removal_registered:
            atexit.register(remove_print_folder)
            _removal_registered = True
    return _print_folder


def print_file(name: str) -> Path:
    """A free path for a print file in the print folder (the file is not created)."""
    folder = print_folder()
    path = folder / name
    counter = 2
    while path.exists():
        path = folder / f"{Path(name).stem}_{counter}{Path(name).suffix}"
        counter += 1
    return path


@contextlib.contextmanager
def scratch_file(name: str) -> Iterator[Path]:
    """A print file needed only for a moment: removed as soon as the block ends."""
    path = print_file(name)
    try:
        yield path
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


def remove_print_folder() -> None:
    global _print_folder
    if _print_folder is not None:
        shutil.rmtree(_print_folder, ignore_errors=True)
        _print_folder = None


# ---- the sweep -------------------------------------------------------------------------

def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        import psutil
    except ImportError:
        if os.name != "posix":
            return True  # cannot tell: leave it to the age rule
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:
            return True
        return True
    return psutil.pid_exists(pid)


def _old(path: Path, min_age: dt.timedelta) -> bool:
    try:
        return time.time() - path.stat().st_mtime >= min_age.total_seconds()
    except OSError:
        return False


def _stale_part(path: Path, min_age: dt.timedelta) -> bool:
    """An unfinished copy nobody is writing: its writer died, or it stopped changing."""
    match = _TEMP_PART.search(path.name)
    if match and not _process_alive(int(match.group(1))):
        return True
    return _old(path, min_age)


def _parts(folder: Path, db_name: str | None) -> list[Path]:
    """`.part` files in one of our folders; beside the database only those clearly ours
    (the user's own folder may hold a browser's unfinished download)."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.part"):
        if not path.is_file():
            continue
        if db_name is None or _TEMP_PART.search(path.name) or (
                path.name.startswith(Path(db_name).stem) and path.name.endswith(".db.part")):
            found.append(path)
    return found


def _connect_read_only(db_path: Path) -> sqlite3.Connection:
    uri = f"file:{pathname2url(str(db_path))}?mode=ro"
    return sqlite3.connect(uri, uri=True)


def _rows(db_path: Path, sql: str) -> set[str] | None:
    """One column of the ledger, read on a separate read-only connection (the sweep runs
    while the database is being opened); None when it cannot be read."""
    try:
        conn = _connect_read_only(db_path)
    except sqlite3.Error:
        return None
    try:
        return {row[0] for row in conn.execute(sql)}
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _letter_kind(name: str) -> str | None:
    """The kind in an archive name `YYYY-MM-DD_<kind>_….pdf` (a letter kind's code, or
    `dossier`): the names the archive gives. letters/ is Gvia's own folder, and a file
    the user put there under another name is never taken for one of ours."""
    match = re.match(r"^\d{4}-\d{2}-\d{2}_([a-z]+(?:-[a-z]+)*)_.*\.pdf$", name)
    return match.group(1) if match else None


def _archive_files(folder: Path) -> list[Path]:
    """Files in the letters archive with our names (not the user's own, not case files)."""
    if not folder.is_dir():
        return []
    return [p for p in folder.glob("*.pdf") if _letter_kind(p.name) and p.is_file()]


def _attachment_files(folder: Path) -> list[Path]:
    """Stored attachments: `attachments/<client id>/<entry id>-<n>-<name>`."""
    found = []
    if not folder.is_dir():
        return found
    for client in folder.iterdir():
        if client.is_dir() and client.name.isdigit():
            found += [p for p in client.iterdir() if p.is_file()
                      and re.match(r"^\d+-\d+-", p.name) and not p.name.endswith(".part")]
    return found


def _unnamed_letters(db_path: Path, files: list[Path]) -> list[Path]:
    """Archive files no Letter row names (labels: no row names their batch; a dossier:
    no contact-log entry mentions it). Nothing when the rows cannot be read."""
    if not files:
        return []
    letters = _rows(db_path, "SELECT file_path FROM letter")
    dossiers = [p for p in files if _letter_kind(p.name) == "dossier"]
    summaries = (_rows(db_path, "SELECT summary FROM contact_log WHERE summary LIKE "
                                "'%dossier%'") if dossiers else set())
    if letters is None or summaries is None:
        return []
    found = []
    for path in files:
        if path.name.endswith("_labels.pdf"):
            named = path.name[:-len("_labels.pdf")] + ".pdf" in letters
        elif path in dossiers:
            named = any(path.name in text for text in summaries)
        else:
            named = path.name in letters
        if not named:
            found.append(path)
    return found


def _unnamed_attachments(db_path: Path, files: list[Path]) -> list[Path]:
    if not files:
        return []
    stored = _rows(db_path, "SELECT stored_path FROM contact_attachment")
    if stored is None:
        return []
    return [p for p in files
            if f"attachments/{p.parent.name}/{p.name}" not in stored]


def _stale_print_folders() -> list[Path]:
    """Print folders of copies of Gvia that ended without tidying (a crash, a kill)."""
    found = []
    try:
        entries = list(Path(tempfile.gettempdir()).glob(f"{_PRINT_PREFIX}*"))
    except OSError:
        return found
    for path in entries:
        match = _PRINT_FOLDER.match(path.name)
        try:
            mine = path.is_dir() and path.stat().st_uid == os.getuid()
        except (OSError, AttributeError):  # no st_uid meaning on Windows: our user's temp
            mine = path.is_dir()
        if match and mine and not _process_alive(int(match.group(1))):
            found.append(path)
    return found


def _remove(path: Path) -> bool:
    try:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError:
        return False
    return True


def sweep_orphans(db_path: str | os.PathLike, *,
                  min_age: dt.timedelta = SWEEP_MIN_AGE) -> list[Path]:
    """Remove what an interrupted run left behind; returns the paths removed.

    - unfinished `.part` copies beside the database and in letters/, attachments/ and
      backups/ (when their writer is gone, or they are older than `min_age`);
    - archived letters and attachments no database row names, older than `min_age`
      (a file is written before its row is committed, so a crash leaves at most such a
      file; a younger one may be a write whose row is being committed right now);
    - print folders of copies of Gvia that are no longer running.
    Files the rows name, and files whose names are not ours, are never touched.
    """
    db_path = Path(os.path.realpath(db_path))
    folder = db_path.parent
    letters_dir, attachments_dir = folder / "letters", folder / "attachments"
    candidates = [p for p in _parts(folder, db_path.name) if _stale_part(p, min_age)]
    for sub in (letters_dir, _backups_folder(db_path)):
        candidates += [p for p in _parts(sub, None) if _stale_part(p, min_age)]
    if attachments_dir.is_dir():
        for sub in [attachments_dir, *[d for d in attachments_dir.iterdir() if d.is_dir()]]:
            candidates += [p for p in _parts(sub, None) if _stale_part(p, min_age)]
    if db_path.is_file():  # a file younger than min_age is not even looked up
        letters = [p for p in _archive_files(letters_dir) if _old(p, min_age)]
        attached = [p for p in _attachment_files(attachments_dir) if _old(p, min_age)]
        candidates += _unnamed_letters(db_path, letters)
        candidates += _unnamed_attachments(db_path, attached)
    candidates += _stale_print_folders()
    return [p for p in candidates if _remove(p)]
