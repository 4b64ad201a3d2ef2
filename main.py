"""Gvia (גבייה): start the window, or run a command-line subcommand without a screen.

    python main.py [--db PATH]              open the app
    python main.py SUBCOMMAND --help        demo, import, aging, letters, today, backup, restore
"""
from __future__ import annotations

import sys
from pathlib import Path

from cli.arguments import EXIT_USER_ERROR, build_parser, language_from
from cli.commands import run_command
from models.common.i18n import _, set_language


def main(argv: list[str] | None = None) -> int:
    set_language(language_from(argv))
    args = build_parser().parse_args(argv)
    if args.command is None:
        from ui.app import run_app

        return run_app(args.db, lang=args.lang)
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
        fault = as_fault(exc, Path(db_arg).resolve() if db_arg else None)
        if fault is None and not isinstance(exc, OSError):
            raise
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
