"""Backups and restore of an office ledger (PostgreSQL) with pg_dump and pg_restore, each
checked as SQLite's are (models/db/backup.py).

A backup is `pg_dump -Fc` (the custom format) written to a part file, then verified
before it takes its name: `pg_restore --list` must read it, and its rows must be the
ledger's, table by table, as of the same snapshot (the dump and the count share one
exported snapshot, so other people's work meanwhile is no false alarm). The rows are
counted by restoring it into a scratch database when the role may create one, else by
reading the file's data. A restore refuses a file that is not a Gvia dump or is from a
newer version, saves the current ledger first, restores in one transaction and counts
again; a dump of an older version is then migrated, or the saved ledger put back.

The tools get the URL through --dbname and the password through PGPASSWORD, never on
their command line (which others on the computer can see).
"""
from __future__ import annotations

import datetime as dt
import glob
import os
import re
import secrets
import shutil
import subprocess
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import peewee
import psycopg
from psycopg import sql

from models.common.errors import GviaError
from models.common.i18n import _
from models.db import connection
from models.db.backup import EmptyBackupError, backup_dir, make_private_folder, part_file
from models.db.postgres import faults
from models.db.postgres.opening import migrate, migrating

# Where installers put the client tools when they are not on PATH, newest version first.
_TOOL_FOLDERS = (
    "/usr/lib/postgresql/*/bin",                          # Debian, Ubuntu
    "/usr/pgsql-*/bin",                                   # Red Hat, Fedora
    "/opt/homebrew/opt/postgresql@*/bin", "/opt/homebrew/opt/libpq/bin",  # macOS, Homebrew
    "/usr/local/opt/postgresql@*/bin", "/usr/local/opt/libpq/bin",
    "/Applications/Postgres.app/Contents/Versions/*/bin",
    "/Library/PostgreSQL/*/bin",                          # macOS, EDB installer
    "C:/Program Files/PostgreSQL/*/bin",                  # Windows
)
# The tables every Gvia ledger has: a dump without them is another program's.
_GVIA_TABLES = {"schema_migration", "client", "invoice", "payment"}
# Another office computer holding a lock: the restore gives up rather than wait forever.
_LOCK_TIMEOUT_MS = 60_000


@dataclass(frozen=True)
class OfficeBackup:
    path: Path
    counts: dict[str, int]  # rows per table, as the ledger had them
    restored_in_scratch: bool  # False: the role may not create a database; rows read instead


# ---- the tools -------------------------------------------------------------------------

def _version_key(folder: str) -> tuple:
    return tuple(int(n) for n in re.findall(r"\d+", folder))


def find_tool(name: str) -> str:
    """pg_dump / pg_restore: from PATH, else from the usual install folders."""
    found = shutil.which(name)
    if found:
        return found
    for pattern in _TOOL_FOLDERS:
        for folder in sorted(glob.glob(pattern), key=_version_key, reverse=True):
            for candidate in (name, name + ".exe"):
                path = os.path.join(folder, candidate)
                if os.path.isfile(path) and os.access(path, os.X_OK):
                    return path
    raise GviaError(_(
        "PostgreSQL's {tool} program was not found, and office backups need it. Install "
        "the PostgreSQL client tools (Debian or Ubuntu: apt-get install postgresql-client; "
        "macOS: brew install libpq; Windows: the PostgreSQL installer), or add the folder "
        "that holds {tool} to PATH.").format(tool=name))


def tool_target(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password, and the environment that carries the password."""
    parts = urllib.parse.urlsplit(url)
    env = dict(os.environ)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in query if k != "password"]
    for key, value in query:
        if key == "password":
            env["PGPASSWORD"] = value
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _sep, hostport = netloc.rpartition("@")
        user, colon, password = userinfo.partition(":")
        if colon:
            env["PGPASSWORD"] = urllib.parse.unquote(password)
        netloc = f"{user}@{hostport}" if user else hostport
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc,
                                                  query=urllib.parse.urlencode(kept))), env


def _with_database(url: str, dbname: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + dbname))


def _run(tool: str, args: list[str], env: dict[str, str]):
    try:
        done = subprocess.run([find_tool(tool), *args], env=env, capture_output=True,
                              text=True, encoding="utf-8", errors="replace")
    except OSError as exc:
        raise GviaError(_("Cannot run {tool}: {error}").format(tool=tool, error=exc)) from exc
    return done


def _tool_error(done) -> str:
    """The tool's own reason, in one line."""
    lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error:" in line] or lines
    return re.sub(r"^\S+: error: ", "", errors[0]) if errors else f"exit {done.returncode}"


# ---- reading a dump --------------------------------------------------------------------

def _listed_tables(path: Path, env: dict[str, str]) -> set[str] | None:
    """The tables `pg_restore --list` names in the file; None when it cannot read it."""
    done = _run("pg_restore", ["--list", str(path)], env)
    if done.returncode:
        return None
    return set(re.findall(r"^\d+; \d+ \d+ TABLE \S+ (\S+) ", done.stdout, re.M))


def _read_data(path: Path, env: dict[str, str], tables=(), on_row=None) -> dict[str, int]:
    """Rows per table of the file's data, read by pg_restore in one pass (COPY text: a
    row a line); `on_row(table, line)` sees each row."""
    args = ["--data-only", "--file=-"] + [f"--table={t}" for t in tables] + [str(path)]
    proc = subprocess.Popen([find_tool("pg_restore"), *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8",
                            errors="replace")
    counts, table = {}, None
    with proc:
        for line in proc.stdout:
            if table is None:
                match = _COPY.match(line)
                if match:
                    table = match.group(1).strip('"')
                    counts[table] = 0
            elif line == "\\.\n":
                table = None
            else:
                counts[table] += 1
                if on_row is not None:
                    on_row(table, line)
        error = proc.stderr.read().strip()
    if proc.returncode:
        raise GviaError(_("pg_restore could not read the file {name}: {error}").format(
            name=Path(path).name, error=error.splitlines()[0] if error else proc.returncode))
    return counts


_COPY = re.compile(r"COPY (?:\S+\.)?(\S+) \(.*\) FROM stdin;$")


def dump_counts(path: Path, env: dict[str, str] | None = None) -> dict[str, int]:
    """Rows per table in the dump at `path`."""
    return _read_data(path, env if env is not None else dict(os.environ))


def dump_migrations(path: Path, env: dict[str, str] | None = None) -> list[str]:
    """The migrations the ledger in the dump had; GviaError when it is not a Gvia dump."""
    env = env if env is not None else dict(os.environ)
    path = Path(path)
    if not path.is_file():
        raise GviaError(_("The backup file {path} was not found.").format(path=path))
    tables = _listed_tables(path, env)
    if tables is None or not _GVIA_TABLES <= tables:
        raise GviaError(_("The file {name} is not a Gvia backup; nothing was restored.").format(
            name=path.name))
    names = []
    # id, name, applied: the name is the second column.
    _read_data(path, env, ["schema_migration"],
               lambda _table, row: names.append(row.split("\t")[1]))
    return sorted(names)


# ---- counting the ledger ---------------------------------------------------------------

def table_counts(conn: psycopg.Connection) -> dict[str, int]:
    """Rows per table of the ledger, as `conn`'s transaction sees them."""
    tables = [name for (name,) in conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = "
        "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")]
    return {name: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(
        sql.Identifier(name))).fetchone()[0] for name in tables}


def _differences(expected: dict[str, int], found: dict[str, int]) -> list[str]:
    return [_("{table}: {found} rows instead of {expected}").format(
        table=name, found=found.get(name, 0), expected=expected.get(name, 0))
        for name in sorted(set(expected) | set(found))
        if expected.get(name, 0) != found.get(name, 0)]


def _connect(url: str, **kwargs) -> psycopg.Connection:
    try:
        return psycopg.connect(url, **kwargs)
    except psycopg.Error as exc:
        raise faults.named(exc) from exc


def _may_create_database(conn: psycopg.Connection) -> bool:
    return bool(conn.execute("SELECT rolsuper OR rolcreatedb FROM pg_roles "
                             "WHERE rolname = current_user").fetchone()[0])


# ---- backup ----------------------------------------------------------------------------

def office_backup_dir() -> Path:
    """Office backups made without --out: the user's own backups folder."""
    return backup_dir(connection.default_db_path())


def backup_name(url: str, reason: str) -> str:
    """`<database>-<date>-<time>-<µs>-<reason>.dump`, as SQLite's backups are named."""
    dbname = urllib.parse.urlsplit(url).path.lstrip("/") or "office"
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return f"{dbname}-{stamp}-{reason}.dump"


def backup_office(url: str, *, dest: Path | None = None, reason: str = "manual",
                  folder: Path | None = None, replace_existing: bool = False) -> OfficeBackup:
    """Dump the office ledger at `url` to a new file and verify it; see the module's note.

    Without `dest`, the file is named by backup_name in `folder` (default: the user's
    backups folder). An existing file is replaced only when `replace_existing` says so.
    """
    if dest is None:
        folder = Path(folder) if folder is not None else office_backup_dir()
        make_private_folder(folder)
        dest = folder / backup_name(url, reason)
    dest = Path(dest)
    if dest.is_dir() or not dest.parent.is_dir():
        raise GviaError(_("Cannot write the backup to {path}: the folder does not exist, or "
                          "it is a folder.").format(path=dest))
    if dest.exists() and not replace_existing:
        raise GviaError(_("The file {path} already exists; choose another name (or --force "
                          "to replace it).").format(path=dest))
    target, env = tool_target(url)
    tmp = part_file(dest, "backup")
    try:
        counts, scratch = _dump_verified(url, target, env, tmp)
        os.replace(tmp, dest)
    except OSError as exc:
        raise GviaError(_("Cannot save the backup as {path}: {error}").format(
            path=dest, error=exc.strerror or exc)) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return OfficeBackup(dest, counts, scratch)


def _dump_verified(url: str, target: str, env: dict[str, str],
                   tmp: Path) -> tuple[dict[str, int], bool]:
    tmp.unlink(missing_ok=True)  # a part file left by a crash
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # owner-only
    with _connect(url) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        try:
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            counts = table_counts(conn)
            may_create = _may_create_database(conn)
        except psycopg.Error as exc:
            raise faults.named(exc) from exc
        done = _run("pg_dump", ["--format=custom", f"--snapshot={snapshot}",
                                f"--file={tmp}", f"--dbname={target}"], env)
        conn.rollback()
    if done.returncode:
        raise GviaError(_("The backup failed; the ledger was not changed: {error}").format(
            error=_tool_error(done)))
    if _listed_tables(tmp, env) is None:
        raise GviaError(_("The backup failed verification (pg_restore cannot read it); the "
                          "ledger was not changed."))
    found = _scratch_counts(url, target, env, tmp) if may_create else dump_counts(tmp, env)
    problems = _differences(counts, found)
    if problems:
        raise GviaError(_("The backup failed verification ({result}); the ledger was not "
                          "changed.").format(result="; ".join(problems[:5])))
    return counts, may_create


def _scratch_counts(url: str, target: str, env: dict[str, str], dump: Path) -> dict[str, int]:
    """Rows per table after restoring `dump` into a throwaway database."""
    scratch = f"gvia_check_{secrets.token_hex(6)}"
    name = sql.Identifier(scratch)
    with _connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(name))
        try:
            done = _run("pg_restore", ["--no-owner", "--no-acl", "--exit-on-error",
                                       "--single-transaction",
                                       f"--dbname={_with_database(target, scratch)}",
                                       str(dump)], env)
            if done.returncode:
                raise GviaError(_("The backup failed verification: it could not be restored "
                                  "({error}); the ledger was not changed.").format(
                                    error=_tool_error(done)))
            with _connect(_with_database(url, scratch)) as conn:
                return table_counts(conn)
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


# ---- restore ---------------------------------------------------------------------------

def check_office_dump(path: Path, env: dict[str, str] | None = None) -> tuple[dict[str, int], bool]:
    """The dump's rows per table, when it is a Gvia dump this program can restore, and
    whether its schema is older (the restore then brings it up to date)."""
    names = dump_migrations(path, env)
    known = sorted(connection.migration_names())
    newer = sorted(set(names) - set(known))
    if newer:
        raise GviaError(_("The backup {name} was created by a newer version of Gvia; "
                          "update the program.").format(name=Path(path).name))
    if names != known[:len(names)]:  # migrations missing in the middle: not ours to mend
        raise GviaError(_("The backup {name} is at schema version {version}, not "
                          "{expected}.").format(name=Path(path).name,
                                                version=(names[-1][:4] if names else "0"),
                                                expected=connection.schema_version()))
    return dump_counts(path, env), len(names) < len(known)


def restore_office(ledger, source: Path, *, allow_empty: bool = False,
                   folder: Path | None = None) -> OfficeBackup:
    """Replace the office ledger's content with the dump `source`; returns the safety
    backup made first (in `folder`, default the user's backups folder).

    The restore is one transaction: it is whole or nothing. The rows are then counted
    against the dump's."""
    source = Path(source)
    target, env = tool_target(ledger.url)
    expected, older = check_office_dump(source, env)
    if not allow_empty and not (expected.get("client") or expected.get("invoice")) \
            and not _ledger_is_empty(ledger.url):
        raise EmptyBackupError(
            _("The backup {name} contains no client and no invoice, and the live "
              "database has data. Restoring from it would delete all of it; if that is "
              "really what you mean, confirm (on the command line: --force).").format(
                name=source.name))
    safety = backup_office(ledger.url, reason="before-restore", folder=folder)
    if older:  # its tables replace these, but what the newer schema added would stay
        _clear_ledger(ledger)
    try:
        _pg_restore(ledger, source, target, env)
    except GviaError:
        if older:
            _put_back(ledger, safety.path, target, env)
        raise
    with _connect(ledger.url) as conn:
        problems = _differences(expected, table_counts(conn))
    if problems:
        raise GviaError(_("The restore did not bring back every row ({problems}). The "
                          "previous state was saved as {saved}.").format(
                            problems="; ".join(problems[:5]), saved=safety.path))
    if older:
        _bring_up_to_date(ledger, source, safety.path, target, env)
    return safety


def _put_back(ledger, safety: Path, target: str, env: dict[str, str]) -> None:
    """The ledger as it was before a restore that failed midway (it was cleared)."""
    try:
        _pg_restore(ledger, safety, target, env)
    except GviaError as exc:
        raise GviaError(_("The restore failed, and the ledger could not be put back as it "
                          "was ({error}). Its state before the restore is saved in {saved}; "
                          "restore that file.").format(error=exc, saved=safety)) from exc


def _clear_ledger(ledger) -> None:
    """Every table and function of the ledger dropped, in one transaction (a backup of it
    was just made)."""
    if not ledger.db.is_closed():
        ledger.db.close()
    with _connect(ledger.url) as conn:
        conn.execute(f"SET LOCAL lock_timeout = {_LOCK_TIMEOUT_MS}")
        tables = [sql.Identifier(name) for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
        functions = [sql.SQL(name) for (name,) in conn.execute(
            "SELECT oid::regprocedure::text FROM pg_proc "
            "WHERE pronamespace = current_schema()::regnamespace AND prokind = 'f'")]
        try:
            if tables:
                conn.execute(sql.SQL("DROP TABLE {} CASCADE").format(
                    sql.SQL(", ").join(tables)))
            if functions:
                conn.execute(sql.SQL("DROP FUNCTION {} CASCADE").format(
                    sql.SQL(", ").join(functions)))
        except psycopg.errors.LockNotAvailable:
            raise GviaError(_("The restore failed; the database stayed as it was ({error}).")
                            .format(error=_("others are working in the ledger right now; "
                                            "ask them to close Gvia and try again"))) from None


def _pg_restore(ledger, source: Path, target: str, env: dict[str, str]) -> None:
    """`source` in place of the ledger's tables, in one transaction: whole or nothing."""
    if not ledger.db.is_closed():
        ledger.db.close()  # our own session holds nothing while the tables are replaced
    env = {**env, "PGOPTIONS": f"-c lock_timeout={_LOCK_TIMEOUT_MS}"}
    done = _run("pg_restore", ["--clean", "--if-exists", "--single-transaction",
                               "--exit-on-error", f"--dbname={target}", str(source)], env)
    try:
        ledger.db.connect()
    except (peewee.DatabaseError, peewee.InterfaceError) as exc:
        raise faults.named(exc) from exc
    if done.returncode:
        error = _tool_error(done)
        if "lock timeout" in error:
            error = _("others are working in the ledger right now; ask them to close Gvia "
                      "and try again")
        raise GviaError(_("The restore failed; the database stayed as it was ({error}).")
                        .format(error=error))


def _bring_up_to_date(ledger, source: Path, safety: Path, target: str,
                      env: dict[str, str]) -> None:
    """An older backup, restored, is migrated as opening it would; should a migration
    fail, the ledger as it was before the restore is put back."""
    try:
        with migrating(ledger.db):
            migrate(ledger.db)
    except (peewee.DatabaseError, GviaError) as exc:
        error = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        _put_back(ledger, safety, target, env)
        raise GviaError(_("The backup {name} is from an older version of Gvia and could "
                          "not be brought up to date ({error}). The ledger is as it was "
                          "before the restore.").format(name=source.name, error=error)
                        ) from exc


def _ledger_is_empty(url: str) -> bool:
    with _connect(url) as conn:
        return not conn.execute("SELECT EXISTS (SELECT 1 FROM client) OR "
                                "EXISTS (SELECT 1 FROM invoice)").fetchone()[0]
