"""The command line's arguments: each subcommand, its options and their checks (a bad
value gets one line and exit 2 from argparse, before anything is opened)."""
from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from models.common.i18n import _
from models.common.version import app_version
from models.db.postgres.opening import is_office_url

EXIT_USER_ERROR = 2  # a user mistake: one line on stderr, this exit code
# Dates a ledger can mean: far dates would overflow the date arithmetic downstream.
FIRST_DATE, LAST_DATE = dt.date(1990, 1, 1), dt.date(2100, 12, 31)
MAX_DEMO_CLIENTS, MAX_DEMO_INVOICES = 1_000_000, 20_000_000  # as models.demo.generator allows


def _date(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("Invalid date '{text}' (YYYY-MM-DD)").format(text=text)) from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise argparse.ArgumentTypeError(
            _("The date {text} is out of range: give a date between {first} and {last}").format(
                text=text, first=FIRST_DATE, last=LAST_DATE))
    return day


def _count(highest: int):
    """An argparse type: a whole number from 0 to `highest`."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise _not_a_whole_number(text) from None
        if not 0 <= value <= highest:
            raise argparse.ArgumentTypeError(
                _("{text} is out of range: give a number from 0 to {highest}").format(
                    text=text, highest=f"{highest:,}"))
        return value
    return parse


def _not_a_whole_number(text: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(_("'{text}' is not a whole number").format(text=text))


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise _not_a_whole_number(text) from None


def _client(text: str) -> str:
    """A name, or an id small enough to be one (SQLite ids fit in 64 bits)."""
    if text.strip().isdigit() and len(text.strip()) > 18:
        raise argparse.ArgumentTypeError(
            _("The client number '{text}' is too long").format(text=text[:30]))
    return text


def _buckets(text: str) -> tuple[int, ...]:
    """--buckets checked while parsing, so a bad value is a usage error like the others."""
    from models.common.errors import ValidationError
    from models.queries.aging import parse_buckets

    try:
        return parse_buckets(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc).rstrip(".")) from None


def _xlsx_path(text: str) -> Path:
    """An Excel workbook's name: a file ending in .xlsx."""
    path = Path(text)
    if path.suffix.lower() != ".xlsx":
        raise argparse.ArgumentTypeError(
            _("The ledger is exported as an Excel workbook: give a file name ending in "
              ".xlsx (not '{text}')").format(text=text))
    return path


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line and exit 2, like every other user error."""

    def error(self, message: str):
        self.exit(EXIT_USER_ERROR,
                  _("Error: {message}").format(message=f"{self.prog}: {message}") + "\n")


LETTERS_EPILOG = """kinds and who gets one with --all:
  debt-notice, reminder, second-reminder, final-warning
                   the clients whose collection step due as of the date is that letter
                   (the dunning plan, as `today` shows it); a letter demands no paused
                   invoice (settlement being paid, promise, dispute, post-dated check),
                   and a private person's only invoices whose debt notice is 14 days old.
                   A client who got the same letter within 7 days is skipped with the
                   reason; --force sends it again
  statement        clients whose balance is not zero (debt or credit), last 12 months
  paid-in-full     clients who owe nothing, paid in the last 30 days, not yet thanked
  deposit-request  clients with a deposit requested and not yet received
  terms-confirmation
                   clients with a deposit awaited who have no terms confirmation since
Every letter is archived next to the database (letters/) and logged on the client."""


def db_target(text: str) -> Path | str:
    """A ledger file's path, or a shared office's server URL (postgresql://…) as typed."""
    return text if is_office_url(text) else Path(text)


def _office_url(text: str) -> str:
    """`migrate --to`: a shared office's server, never a file."""
    if not is_office_url(text):
        raise argparse.ArgumentTypeError(_(
            "'{text}' is not the address of a server: give postgresql://user@host/dbname"
        ).format(text=text[:80]))
    return text


def _db_parent(default=None) -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--db", type=db_target, default=default,
                        help="database file (default: the per-user data folder), or a shared "
                             "office's server: postgresql://user@host/dbname")
    return parent


def build_parser() -> argparse.ArgumentParser:
    # A subcommand's own --db, when not given, leaves the one before it (`gvia --db X aging`).
    db = _db_parent(default=argparse.SUPPRESS)
    parser = _Parser(prog="gvia", parents=[_db_parent()],
                     description="Gvia (גבייה) — getting paid, in Hebrew.")  # hebrew: its name
    parser.add_argument("--lang", choices=("he", "en"), default=None, help="interface language")
    parser.add_argument("--version", action="version", version=f"Gvia {app_version()}",
                        help="show the version and exit")
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
    p.add_argument("--force", action="store_true",
                   help="replace the --out file if it exists, and send a dunning letter again "
                        "to a client who got the same kind within the minimum gap (7 days)")
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

    p = sub.add_parser("export-ledger", parents=[db],
                       help="export the whole ledger to one Excel workbook (xlsx)")
    p.add_argument("--out", type=_xlsx_path, required=True, help="the .xlsx file to write")
    p.add_argument("--as-of", type=_date, default=None,
                   help="open balances as of (YYYY-MM-DD; default today)")
    p.add_argument("--force", action="store_true", help="replace the --out file if it exists")

    p = sub.add_parser("migrate", help="move a ledger file to a shared office's server")
    p.add_argument("--from", dest="source", type=Path, required=True,
                   help="the ledger file to move (it is left as it is)")
    p.add_argument("--to", dest="target", type=_office_url, required=True,
                   help="an empty database on the server: postgresql://user@host/dbname")

    p = sub.add_parser("office", help="the people of a shared office's ledger (--db URL)")
    office = p.add_subparsers(dest="office_command", metavar="ACTION", required=True)
    office.add_parser("setup", parents=[db], help="migrate the ledger, create the four "
                      "roles if missing and grant their privileges (the database's owner)")
    q = office.add_parser("add-user", parents=[db], help="a person who signs in to the ledger")
    q.add_argument("name", help="the user name they sign in with")
    q.add_argument("--role", required=True, choices=("owner", "bookkeeper", "collector",
                                                     "readonly"))
    q.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of stdin instead of asking")
    office.add_parser("users", parents=[db], help="who may sign in, and with which role")
    return parser


def language_from(argv: list[str] | None) -> str | None:
    """The --lang asked for, read before the full parse so its own messages are in it."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang", choices=("he", "en"), default=None)
    known, _rest = early.parse_known_args(argv)
    return known.lang
