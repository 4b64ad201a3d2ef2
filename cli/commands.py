"""The subcommands: each opens the ledger (a reader or the writer), asks models/ and
reports/, and prints what they return."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from cli.arguments import EXIT_USER_ERROR
from models.common.i18n import _, ngettext


def run_command(args) -> int:
    from models.db.outputs import OutputExists

    handler = COMMANDS[args.command]
    try:
        return handler(args)
    except OutputExists as exc:
        raise OutputExists(exc.path, _("To replace it, add --force.")) from None


def _open(args, *, create: bool = True, read_only: bool = False):
    """The ledger for a command; a reader runs beside a copy of Gvia that is writing."""
    from models.db.connection import default_db_path
    from models.db.opening import open_database

    opened = open_database(args.db or default_db_path(), create=create, read_only=read_only)
    if opened.writer_elsewhere is not None:
        print(_("Note: Gvia is open for writing right now ({writer}); the data is as of the "
                "moment it was read.").format(writer=opened.writer_elsewhere.describe()),
              file=sys.stderr)
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
    print(_("Created: {clients}, {invoices}, {payments}.").format(
        clients=_counted(ngettext("{count} client", "{count} clients", counts["clients"]),
                         counts["clients"]),
        invoices=_counted(ngettext("{count} invoice", "{count} invoices", counts["invoices"]),
                          counts["invoices"]),
        payments=_counted(ngettext("{count} payment", "{count} payments", counts["payments"]),
                          counts["payments"])),
          file=sys.stderr)
    return 0


def cmd_import(args) -> int:
    from models.exchange.importing import ImportFailed, import_files

    if not (args.clients or args.invoices or args.payments):
        print(_("Error: {message}").format(
            message=_("Give at least one file: --clients, --invoices or --payments.")),
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
    print(ngettext("{count} letter written to {file}.", "{count} letters written to {file}.",
                   count).format(count=count, file=args.out), file=sys.stderr)
    return 0


def cmd_today(args) -> int:
    import json

    from cli.today_text import format_today
    from models.collection.today import today_list, today_records

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
        if getattr(opened, "is_office", False):
            return _office_backup(args, opened)
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
        print(_("Restored from {source}. The damaged file was kept as {kept}.").format(
            source=args.source, kept=kept), file=sys.stderr)
        return 0
    with opened:
        if getattr(opened, "is_office", False):
            from models.db.postgres.backup import restore_office

            safety = restore_office(opened, args.source, allow_empty=args.force).path
        else:
            safety = restore_database(opened.db, opened.path, args.source,
                                      allow_empty=args.force)
    print(_("Restored from {source}. The previous state was saved as {saved}.").format(
        source=args.source, saved=safety), file=sys.stderr)
    return 0


def _office_backup(args, opened) -> int:
    """`backup` of an office ledger: a verified pg_dump (models/db/postgres/backup.py)."""
    from models.db.connection import default_db_path
    from models.db.outputs import check_backup_path
    from models.db.postgres.backup import backup_office

    # Never over this computer's own ledger or one of its backups; another file only
    # with --force.
    dest = (check_backup_path(args.out, default_db_path(), force=args.force)
            if args.out is not None else None)
    made = backup_office(opened.url, dest=dest, replace_existing=args.force)
    if not made.restored_in_scratch:
        print(_("Note: your user on the server may not create databases, so the backup "
                "was not test-restored into one; its rows were read from the file and "
                "match the ledger's."), file=sys.stderr)
    print(made.path)
    return 0


def cmd_check(args) -> int:
    from models.db.connection import database, database_path
    from models.db.schema_check import check_database

    with _open(args, create=False, read_only=True) as opened:
        if getattr(opened, "is_office", False):  # a server's ledger: its own check
            from models.db.postgres.check import check_office

            problems = check_office(opened.db)
        else:
            problems = check_database(database.obj, database_path().parent)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return EXIT_USER_ERROR
    print(_("The database is sound."))
    return 0


def cmd_export_ledger(args) -> int:
    from models.db.outputs import check_output_path
    from models.exchange.ledger_export import export_ledger

    with _open(args, create=False, read_only=True) as opened:
        # Never over the ledger or a backup; another file only with --force.
        check_output_path(args.out, opened.path, force=args.force)  # before the work
        result = export_ledger(args.out, as_of=args.as_of or dt.date.today(),
                               db_path=opened.path, force=args.force,
                               progress=_progress_printer("export-ledger"))
    print(_("The ledger was exported to {file}: {counts}.").format(
        file=result.path, counts=result.counts_text()), file=sys.stderr)
    return 0


def cmd_migrate(args) -> int:
    from models.db.postgres.transfer import move_ledger
    from models.queries.aging import aging_report

    result = move_ledger(args.source, args.target, aging=aging_report,
                         progress=_migrate_progress())
    print(_("Moved to {name}: {tables} tables, {rows} rows, {files} files; the aging as of "
            "{date} is identical on both ({count} rows).").format(
                name=result.target, tables=result.tables, rows=f"{result.rows:,}",
                files=f"{result.files:,}", date=f"{result.as_of:%d/%m/%Y}",
                count=f"{result.aging_rows:,}"), file=sys.stderr)
    for stored in result.missing_files:
        print(_("Note: {file} is named in the ledger but was not in the folder of the file; "
                "it was missing there already.").format(file=stored), file=sys.stderr)
    for stored in result.changed_files:
        print(_("Note: the attachment {file} is not the file that was attached (its "
                "fingerprint differs); it was moved as it is.").format(file=stored),
              file=sys.stderr)
    if result.authors_replaced:
        print(_("Note: your user on the server is not a superuser, so the server recorded "
                "you as the author of every moved row (the file keeps the original "
                "names)."), file=sys.stderr)
    return 0



def cmd_office(args) -> int:
    """setup / add-user / users on a shared office's ledger (models/db/postgres/roles.py)."""
    from models.common.errors import GviaError
    from models.db.postgres import roles
    from models.db.postgres.opening import is_office_url

    if not is_office_url(args.db):
        raise GviaError(_("gvia office works on a shared office's server: give --db "
                          "postgresql://user@host/dbname."))
    with _open(args) as opened:  # opening migrates (and grants) as needed
        if args.office_command == "setup":
            made = roles.setup(opened.db)
            print(_("The office is set up on {name}: roles created now: {made}; every role's "
                    "privileges granted.").format(name=opened.name,
                                                  made=", ".join(made) or _("none")))
        elif args.office_command == "add-user":
            name = roles.add_user(opened.db, args.name, args.role, _new_password(args))
            print(_("{user} can now sign in to {name} as {role}.").format(
                user=name, name=opened.name, role=_(roles.LABELS[roles.group_of(args.role)])))
        else:
            for name, group in roles.users(opened.db):
                print(f"{name}\t{_(roles.LABELS[group])}")
    return 0


def _new_password(args) -> str:
    """From stdin's first line, or asked twice on the terminal (never echoed)."""
    import getpass

    from models.common.errors import ValidationError

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(_("Password for {user}: ").format(user=args.name))
    if getpass.getpass(_("The password again: ")) != first:
        raise ValidationError(_("The two passwords are not the same; nothing was changed."))
    return first


def _migrate_progress():
    """The move's progress on stderr: a running count for a person, one line per table
    otherwise."""
    live = sys.stderr.isatty()
    shown = {"what": None}

    def show(what: str, done: int, total: int) -> None:
        if live:
            print(f"\rmigrate: {what} {done:,}/{total:,}", end="", file=sys.stderr, flush=True)
            if done >= total:
                print(file=sys.stderr)
        elif what != shown["what"]:
            shown["what"] = what
            print(f"migrate: {what} {done:,}/{total:,}", file=sys.stderr, flush=True)
    return show


def _counted(text: str, n: int) -> str:
    """An ngettext result with its count filled in, grouped (1,000,000)."""
    return text.format(count=f"{n:,}")


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
            "backup": cmd_backup, "restore": cmd_restore, "check": cmd_check,
            "export-ledger": cmd_export_ledger, "migrate": cmd_migrate,
            "office": cmd_office}
