"""How the program is started by the desktop: a ledger file opened from the file manager.

Windows (the installer's file association), Linux (a .desktop file's `%f`) and a
shortcut all start `Gvia PATH`: a path where a command would be is read as `--db PATH`,
so double-clicking a `.gvia` or `.db` file opens that ledger. (macOS sends the path as
an event to the running application instead: ui/desktop.py.)
"""
from __future__ import annotations

import argparse
from pathlib import Path

LEDGER_SUFFIXES = (".gvia", ".db")
_OPTIONS_WITH_VALUE = ("--db", "--lang")


def command_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:  # argparse keeps its subcommands there
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def is_ledger_file(text: str) -> bool:
    path = Path(text)
    return path.suffix.lower() in LEDGER_SUFFIXES or (
        len(path.parts) > 1 and path.is_file())


def with_file_argument(argv: list[str], commands: set[str]) -> list[str]:
    """`argv` with a ledger path given where a command would be turned into `--db PATH`
    (only before a command, and only when no --db was given)."""
    index = 0
    while index < len(argv) and argv[index].startswith("-"):
        if argv[index] == "--":
            return argv
        index += 2 if argv[index] in _OPTIONS_WITH_VALUE else 1
    if index >= len(argv) or argv[index] in commands or not is_ledger_file(argv[index]):
        return argv
    if any(arg == "--db" or arg.startswith("--db=") for arg in argv[:index]):
        return argv
    return ["--db", argv[index], *argv[:index], *argv[index + 1:]]
