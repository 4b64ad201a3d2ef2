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


def request_restart() -> bool:
    """Close every window and leave the event loop, for main.py to start again. False
    (and nothing restarts) when a window declined to close."""
    global _requested
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return False
    app.closeAllWindows()
    if any(widget.isWindow() and widget.isVisible() for widget in app.topLevelWidgets()):
        return False
    _requested = True
    app.quit()
    return True


def restart_requested() -> bool:
    return _requested


def restart_command(argv: list[str] | None = None) -> list[str]:
    """The command line to start again: this interpreter, its options, the script and its
    arguments (sys.orig_argv), without `--lang X` / `--lang=X`."""
    argv = list(sys.orig_argv if argv is None else argv)
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
    command = restart_command()
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "nt":
        subprocess.Popen(command)
        return
    os.execv(command[0], command)
