"""Gvia (גבייה): start the window, or run a command-line subcommand without a screen.

    python main.py [--db PATH]              open the app
    python main.py PATH                     open that ledger (a file opened from the file manager)
    python main.py SUBCOMMAND --help        demo, import, aging, letters, today, backup, restore
    python main.py --version

A mistake of the user's gets one line and exit 2; anything unexpected gets one line
naming the log (models/common/logs.py) and exit 1, in the window a dialog (ui/crash.py).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from cli.arguments import EXIT_USER_ERROR, build_parser, language_from
from cli.commands import run_command
from cli.launch import command_names, with_file_argument
from models.common.i18n import _, set_language
from models.common.logs import guard_streams, log_exception, start_logging

EXIT_UNEXPECTED = 1  # a fault of the program: one line and the log's path


def unexpected(exc: BaseException) -> int:
    """A bug: the user gets one line and where the log is; the log gets the traceback.
    GVIA_DEBUG=1 lets it through with its traceback, for a developer."""
    if os.environ.get("GVIA_DEBUG"):
        raise exc
    path = log_exception(type(exc), exc, exc.__traceback__, "the command line")
    kind = type(exc).__name__
    message = (_("An unexpected error stopped the command ({kind}). The details were "
                 "written to the log: {path}").format(kind=kind, path=path) if path else
               _("An unexpected error stopped the command ({kind}).").format(kind=kind))
    print(_("Error: {message}").format(message=message), file=sys.stderr)
    return EXIT_UNEXPECTED


def main(argv: list[str] | None = None) -> int:
    guard_streams()  # a program without a console (Windows) has no stdout to flush
    argv = list(sys.argv[1:] if argv is None else argv)
    argv = with_file_argument(argv, command_names(build_parser()))  # `gvia FILE`
    set_language(language_from(argv))
    args = build_parser().parse_args(argv)
    start_logging("the window" if args.command is None else args.command)
    if args.command is None:
        from ui.crash import install_crash_handlers, show_fatal

        install_crash_handlers()
        from ui.app import run_app
        from ui.i18n import start_language
        from ui.restart import relaunch_if_requested

        # No --lang flag: the language chosen in Settings → Language (Hebrew by default).
        try:
            code = run_app(args.db, lang=start_language(args.lang))
        except Exception as exc:  # noqa: BLE001 - the window never opened: say why
            show_fatal(exc)
            return EXIT_UNEXPECTED
        relaunch_if_requested()  # the language changed and the user asked to restart now
        return code
    from models.common.errors import GviaError

    try:
        return run_command(args)
    except GviaError as exc:
        print(_("Error: {message}").format(message=exc), file=sys.stderr)
        return EXIT_USER_ERROR
    except Exception as exc:
        # A fault of the disk or the file (full, I/O error, locked, read-only, damaged)
        # gets its true name; anything else is a bug and keeps its traceback.
        from models.db.faults import as_fault

        db_arg = getattr(args, "db", None)
        on_disk = db_arg and not isinstance(db_arg, str)  # a server's URL is a str
        fault = as_fault(exc, Path(db_arg).resolve() if on_disk else None)
        if fault is None and not isinstance(exc, OSError):
            return unexpected(exc)
        where = getattr(exc, "filename", None)
        message = fault or _("Cannot access the file {file}: {reason}.").format(
            file=where or "", reason=exc.strerror or exc)
        print(_("Error: {message}").format(message=message), file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print(_("Cancelled."), file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
