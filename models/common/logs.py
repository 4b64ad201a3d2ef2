"""The program's log: a rotating file in the per-user log folder, for what went wrong.

    start_logging(program) -> Path | None   attach the file (idempotent); its path
    log_path() -> Path                      where the log is (GVIA_LOG_DIR overrides)
    log_exception(exc_type, exc, tb, where) -> Path | None   an error, written safely
    describe_exception(exc_type, exc, tb) -> str              what log_exception writes
    guard_streams()                         a None sys.stdout / sys.stderr made harmless

No personal data reaches the log: no client names, amounts or file paths beyond the
program's own. It holds events (start, the version, the system), the type of each error
and the frames of its traceback: a frame of our own code as its path inside the program
(`models/db/opening.py:120 in open_database`), a library's by its file name only, so a
user's home folder never appears. An error's message is not written: it may quote what
the user typed. The log is for the person who fixes the program; the user sees the
message on the screen (ui/crash.py) or on the command line.

A Windows program built without a console has no standard output: sys.stdout and
sys.stderr are None, and the first print or flush() would crash. guard_streams() points
them at the null device first (main.py), so the program runs and errors still reach
the log.
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import platform
import sys
import traceback
from pathlib import Path

LOGGER = "gvia"
FILE_NAME = "gvia.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3  # gvia.log plus gvia.log.1 … .3: at most 4 MB
_FORMAT = "%(asctime)s %(levelname)s [%(process)d %(threadName)s] %(name)s: %(message)s"

log = logging.getLogger(LOGGER)


def log_dir() -> Path:
    override = os.environ.get("GVIA_LOG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_log_path("Gvia", appauthor=False)


def log_path() -> Path:
    return log_dir() / FILE_NAME


def _handler() -> logging.Handler | None:
    for handler in log.handlers:
        if getattr(handler, "_gvia_log", False):
            return handler
    return None


def start_logging(program: str) -> Path | None:
    """Write the 'gvia' logger to the rotating file. Returns its path, or None when the
    folder cannot be written (the program runs on; there is just no log)."""
    path = log_path()
    existing = _handler()
    if existing is not None and Path(existing.baseFilename) == path.resolve():
        return path
    if existing is not None:
        log.removeHandler(existing)
        existing.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True)
    except OSError:
        return None
    handler._gvia_log = True
    handler.setFormatter(logging.Formatter(_FORMAT))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    from models.common.resources import is_frozen
    from models.common.version import app_version

    log.info("start %s: Gvia %s, Python %s, %s %s%s", program, app_version(),
             platform.python_version(), platform.system(), platform.release(),
             ", frozen" if is_frozen() else "")
    return path


def current_log_path() -> Path | None:
    """The file the log is being written to, or None when there is none."""
    handler = _handler()
    return Path(handler.baseFilename) if handler is not None else None


def _frame_text(frame: traceback.FrameSummary, root: Path) -> str:
    path = Path(frame.filename)
    try:
        # A frozen program's code names its files relative to the bundle.
        inside = path.resolve().relative_to(root) if path.is_absolute() else path
    except (ValueError, OSError):
        inside = None
    if inside is not None and inside.parts and inside.parts[0] in _OWN_PACKAGES:
        where = f"{inside.as_posix()}:{frame.lineno} in {frame.name}"
        return f"  {where}\n    {frame.line}" if frame.line else f"  {where}"
    # A library's frame (or the interpreter's): its file name only, never its folder.
    return f"  [{path.name}:{frame.lineno} in {frame.name}]"


_OWN_PACKAGES = {"cli", "models", "reports", "ui", "main.py"}


def describe_exception(exc_type, exc, tb) -> str:
    """The error's type and its frames (and those of the errors it came from), no
    message: see the module's docstring."""
    from models.common.resources import app_root

    root = app_root().resolve()
    parts, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        lines = [f"{exc_type.__module__}.{exc_type.__qualname__}"
                 if exc_type.__module__ not in ("builtins", "__main__")
                 else exc_type.__qualname__]
        lines += [_frame_text(frame, root) for frame in traceback.extract_tb(tb)]
        parts.append("\n".join(lines))
        cause = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
        if cause is None:
            break
        exc, exc_type, tb = cause, type(cause), cause.__traceback__
    return "\nwhich came from\n".join(parts)


def log_exception(exc_type, exc, tb, where: str) -> Path | None:
    """Write an unexpected error to the log (never raises). Returns the log's path."""
    try:
        log.error("unexpected error in %s: %s", where, describe_exception(exc_type, exc, tb))
        for handler in log.handlers:
            handler.flush()
    except Exception:  # noqa: BLE001 - the log must never be the second failure
        pass
    return current_log_path()


def guard_streams() -> None:
    """A missing standard output or error (a windowed exe) becomes the null device."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))
