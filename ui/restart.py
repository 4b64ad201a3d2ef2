"""Restarting the app in place (after the interface language changed): every window is
closed the ordinary way (each saves its state and may ask about unsaved work), the event
loop ends, run_app closes the database, and main.py then starts the same command again.

The command is the one this process was started with (sys.orig_argv), minus a `--lang`
flag, so the language just chosen in the settings is the one the new start reads.
"""
from __future__ import annotations

import os
import subprocess
import sys

_requested = False
_database = None  # the ledger the new start opens, when it is another one


def request_restart(database=None) -> bool:
    """Close every window and leave the event loop, for main.py to start again (in
    `database`, a path or a server URL, when given). False (and nothing restarts) when a
    window declined to close."""
    global _requested, _database
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return False
    app.closeAllWindows()
    if any(widget.isWindow() and widget.isVisible() for widget in app.topLevelWidgets()):
        return False
    _requested, _database = True, database
    app.quit()
    return True


def restart_requested() -> bool:
    return _requested


def restart_command(argv: list[str] | None = None, database=None) -> list[str]:
    """The command line to start again: this interpreter, its options, the script and its
    arguments (sys.orig_argv), without `--lang X` / `--lang=X`. Starting in another
    `database`, only the interpreter, its options and the script are kept, then `--db`."""
    argv = list(sys.orig_argv if argv is None else argv)
    if database is not None:
        # A frozen program is its own script; else orig_argv ends with sys.argv.
        script_end = 1 if getattr(sys, "frozen", False) else len(argv) - len(sys.argv) + 1
        return [sys.executable, *argv[1:script_end], "--db", str(database)]
    command, skip = [sys.executable], False
    for arg in argv[1:]:
        if skip:
            skip = False
        elif arg == "--lang":
            skip = True
        elif not arg.startswith("--lang="):
            command.append(arg)
    return command


def relaunch_if_requested() -> None:
    """Start the app again when a restart was asked for (called by main.py once run_app
    has closed the database). On POSIX the process is replaced; Windows has no exec that
    keeps the console, so a new process starts and this one ends."""
    if not _requested:
        return
    command = restart_command(database=_database)
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "nt":
        subprocess.Popen(command)
        return
    os.execv(command[0], command)
