"""Gvia (גבייה): start the window, or run a command-line subcommand without a screen.

    python main.py [--db PATH]              open the app
    python main.py SUBCOMMAND --help        demo, import, aging, letters, today, backup, restore
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

EXIT_USER_ERROR = 2
# Dates a ledger can mean: far dates would overflow the date arithmetic downstream.
FIRST_DATE, LAST_DATE = dt.date(1990, 1, 1), dt.date(2100, 12, 31)
MAX_DEMO_CLIENTS, MAX_DEMO_INVOICES = 1_000_000, 20_000_000  # as models.demo.generator allows


def _date(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"תאריך לא תקין '{text}' (YYYY-MM-DD)") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise argparse.ArgumentTypeError(
            f"התאריך {text} מחוץ לטווח: יש לציין תאריך בין {FIRST_DATE} ל-{LAST_DATE}")
    return day


def _count(highest: int):
    """An argparse type: a whole number from 0 to `highest`."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' אינו מספר שלם") from None
        if not 0 <= value <= highest:
            raise argparse.ArgumentTypeError(f"{text} מחוץ לטווח: יש לציין מספר בין 0 ל-{highest:,}")
        return value
    return parse


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' אינו מספר שלם") from None


def _client(text: str) -> str:
    """A name, or an id small enough to be one (SQLite ids fit in 64 bits)."""
    if text.strip().isdigit() and len(text.strip()) > 18:
        raise argparse.ArgumentTypeError(f"מספר הלקוח '{text[:30]}' ארוך מדי")
    return text


def _buckets(text: str) -> tuple[int, ...]:
    """--buckets checked while parsing, so a bad value is a usage error like the others."""
    from models.common.errors import ValidationError
    from models.queries.aging import parse_buckets

    try:
        return parse_buckets(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc).rstrip(".")) from None


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line and exit 2, like every other user error."""

    def error(self, message: str):
        self.exit(EXIT_USER_ERROR, f"שגיאה: {self.prog}: {message}\n")


LETTERS_EPILOG = """kinds and who gets one with --all:
  debt-notice      private persons with an undisputed overdue invoice not yet covered
                   by a debt notice (the consumer-law notice, before any other step)
  reminder, second-reminder, final-warning
                   clients with an undisputed overdue invoice; a private person only
                   14 days after the debt notice was sent (others are listed as skipped)
  statement        clients whose balance is not zero (debt or credit), last 12 months
  paid-in-full     clients who owe nothing, paid in the last 30 days, not yet thanked
  deposit-request  clients with a deposit requested and not yet received
  terms-confirmation
                   clients with a deposit awaited who have no terms confirmation since
Every letter is archived next to the database (letters/) and logged on the client."""


def _db_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--db", type=Path, help="database file (default: the per-user data folder)")
    return parent


def build_parser() -> argparse.ArgumentParser:
    db = _db_parent()
    parser = _Parser(prog="gvia", parents=[db],
                                     description="Gvia (גבייה) — getting paid, in Hebrew.")
    parser.add_argument("--lang", choices=("he", "en"), default=None, help="interface language")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("demo", parents=[db], help="fill a database with realistic demo data")
    p.add_argument("--clients", type=_count(MAX_DEMO_CLIENTS), default=60)
    p.add_argument("--invoices", type=_count(MAX_DEMO_INVOICES), default=400)
    p.add_argument("--seed", type=_seed, default=1)
    p.add_argument("--as-of", type=_date, default=None, help="the demo's 'today' (YYYY-MM-DD)")

    p = sub.add_parser("import", parents=[db], help="import clients, invoices, payments (CSV/XLSX)")
    p.add_argument("--clients", type=Path)
    p.add_argument("--invoices", type=Path)
    p.add_argument("--payments", type=Path)
    p.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    p.add_argument("--month-first", action="store_true",
                   help="read ambiguous a/b/yyyy dates as mm/dd (US Excel)")

    p = sub.add_parser("aging", parents=[db], help="debt aging report")
    p.add_argument("--as-of", type=_date, default=None)
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--buckets", type=_buckets, default=None,
                   help="bucket boundaries in days, e.g. 30,60,90,120")
    p.add_argument("--out", type=Path, default=None, help="write to a file instead of stdout")
    p.add_argument("--force", action="store_true", help="replace the --out file if it exists")

    p = sub.add_parser("letters", parents=[db], help="produce letters as one PDF",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog=LETTERS_EPILOG)
    p.add_argument("--kind", required=True, metavar="KIND", help="the letter kind (below)")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--client", type=_client, help="a client's exact name or id")
    who.add_argument("--all", action="store_true", help="every client the kind applies to")
    p.add_argument("--out", type=Path, required=True, help="the PDF to write")
    p.add_argument("--force", action="store_true", help="replace the --out file if it exists")
    p.add_argument("--as-of", type=_date, default=None, help="amounts as of (YYYY-MM-DD)")

    p = sub.add_parser("today", parents=[db], help="what to do today: collection actions")
    p.add_argument("--as-of", type=_date, default=None)
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("backup", parents=[db], help="back up the database (verified copy)")
    p.add_argument("--out", type=Path, default=None, help="backup file (default: backups folder)")
    p.add_argument("--force", action="store_true",
                   help="replace the --out file if it exists (never an existing backup)")

    p = sub.add_parser("restore", parents=[db], help="restore the database from a backup")
    p.add_argument("--from", dest="source", type=Path, required=True)
    p.add_argument("--force", action="store_true",
                   help="restore even a backup that holds no clients and no invoices")

    sub.add_parser("check", parents=[db], help="check the database's integrity")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        from ui.app import run_app

        return run_app(args.db, lang=args.lang)
    from models.common.errors import GviaError

    try:
        return run_command(args)
    except GviaError as exc:
        print(f"שגיאה: {exc}", file=sys.stderr)
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
        message = fault or f"לא ניתן לגשת לקובץ {where or ''}: {exc.strerror or exc}."
        print(f"שגיאה: {message}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("בוטל.", file=sys.stderr)
        return 130


def run_command(args) -> int:
    from models.db.outputs import OutputExists

    handler = COMMANDS[args.command]
    try:
        return handler(args)
    except OutputExists as exc:
        raise OutputExists(exc.path, "כדי להחליף אותו הוסיפו ‎--force.") from None


def _open(args, *, create: bool = True, read_only: bool = False):
    """The ledger for a command; a reader runs beside a copy of Gvia that is writing."""
    from models.db.connection import default_db_path
    from models.db.opening import open_database

    opened = open_database(args.db or default_db_path(), create=create, read_only=read_only)
    if opened.writer_elsewhere is not None:
        print(f"שימו לב: גבייה פתוחה כעת לכתיבה ({opened.writer_elsewhere.describe()}); "
              "הנתונים נכונים לרגע הקריאה.", file=sys.stderr)
    return opened


def _print(text: str, out: Path | None, db_path: Path | None = None,
           force: bool = False) -> None:
    if out is None:
        # Always UTF-8 (the CSV's BOM included), whatever the console's code page: a
        # Hebrew Windows pipe would otherwise be cp1255, which cannot even encode the BOM.
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
    else:
        from models.db.outputs import write_output

        # Never over the ledger, its backups or another file unless --force; whole or not
        # at all (a temporary file renamed into place).
        write_output(out, text, db_path=db_path, force=force)


def cmd_demo(args) -> int:
    from models.demo.generator import make_demo

    with _open(args):
        counts = make_demo(clients=args.clients, invoices=args.invoices, seed=args.seed,
                           as_of=args.as_of or dt.date.today(),
                           progress=_progress_printer("demo"))
    print(f"נוצרו {counts['clients']} לקוחות, {counts['invoices']} חשבוניות, "
          f"{counts['payments']} תשלומים.", file=sys.stderr)
    return 0


def cmd_import(args) -> int:
    from models.exchange.importing import ImportFailed, import_files

    if not (args.clients or args.invoices or args.payments):
        print("שגיאה: יש לציין לפחות קובץ אחד: --clients, --invoices או --payments.",
              file=sys.stderr)
        return EXIT_USER_ERROR
    with _open(args):
        try:
            result = import_files(clients=args.clients, invoices=args.invoices,
                                  payments=args.payments, dry_run=args.dry_run,
                                  month_first=args.month_first)
        except ImportFailed as failed:
            print(failed.report(), file=sys.stderr)
            return EXIT_USER_ERROR
    print(result.summary())
    return 0


def cmd_aging(args) -> int:
    from models.db.outputs import check_output_path
    from models.queries.aging import aging_report, parse_buckets
    from models.queries.export import aging_records, csv_text, json_text

    boundaries = args.buckets or parse_buckets(None)  # parsed and checked by argparse
    with _open(args, create=False, read_only=True) as opened:
        ledger = opened.path
        if args.out is not None:
            check_output_path(args.out, ledger, force=args.force)  # before the work
        report = aging_report(args.as_of or dt.date.today(), boundaries)
    records = aging_records(report)
    amount_columns = [*report.bucket_names, "total", "credit"]
    if args.format == "json":
        text = json_text(records, set(amount_columns)) + "\n"
    else:
        text = csv_text(records, ["client_id", "client", "currency", *amount_columns])
    _print(text, args.out, ledger, args.force)
    return 0


def cmd_letters(args) -> int:
    from reports.batch import letters_command

    with _open(args, create=False):
        count = letters_command(kind=args.kind, client=args.client, all_clients=args.all,
                                out=args.out, as_of=args.as_of or dt.date.today(),
                                force=args.force)
    print(f"נכתבו {count} מכתבים אל {args.out}.", file=sys.stderr)
    return 0


def cmd_today(args) -> int:
    import json

    from models.collection.today import format_today, today_list, today_records

    with _open(args, create=False, read_only=True):
        today = today_list(args.as_of or dt.date.today())
    if args.format == "json":
        _print(json.dumps(today_records(today), ensure_ascii=False, indent=2) + "\n", None)
    else:
        _print(format_today(today), None)
    return 0


def cmd_backup(args) -> int:
    from models.db.backup import backup_database
    from models.db.outputs import check_backup_path

    with _open(args, create=False, read_only=True) as opened:
        # Never over the ledger or an existing backup; another file only with --force.
        dest = (check_backup_path(args.out, opened.path, force=args.force)
                if args.out is not None else None)
        path = backup_database(opened.db, opened.path, dest=dest,
                               replace_existing=args.force)
    print(path)
    return 0


def cmd_restore(args) -> int:
    from models.common.errors import DatabaseLockedError, DatabaseOpenError
    from models.db.backup import restore_damaged, restore_database
    from models.db.connection import default_db_path, is_marked_damaged

    try:
        opened = _open(args)
    except DatabaseLockedError:
        raise
    except DatabaseOpenError:
        path = Path(args.db or default_db_path()).expanduser().resolve()
        if not is_marked_damaged(path):
            raise
        # A damaged ledger cannot be opened to copy into: it is set aside, kept, and
        # the checked backup takes its place.
        kept = restore_damaged(path, args.source)
        print(f"שוחזר מ-{args.source}. הקובץ הפגום נשמר ב-{kept}.", file=sys.stderr)
        return 0
    with opened:
        safety = restore_database(opened.db, opened.path, args.source, allow_empty=args.force)
    print(f"שוחזר מ-{args.source}. המצב הקודם נשמר ב-{safety}.", file=sys.stderr)
    return 0


def cmd_check(args) -> int:
    from models.db.connection import database_path, sqlite_connection
    from models.db.schema_check import check_database

    with _open(args, create=False, read_only=True):
        problems = check_database(sqlite_connection(), database_path().parent)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return EXIT_USER_ERROR
    print("מסד הנתונים תקין.")
    return 0


def _progress_printer(label: str):
    """Progress on stderr for long commands, only when a person is watching."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        print(f"\r{label}: {done}/{total}", end="", file=sys.stderr, flush=True)
        if done >= total:
            print(file=sys.stderr)
    return show


COMMANDS = {"demo": cmd_demo, "import": cmd_import, "aging": cmd_aging, "letters": cmd_letters,
            "today": cmd_today,
            "backup": cmd_backup, "restore": cmd_restore, "check": cmd_check}


if __name__ == "__main__":
    sys.exit(main())
