"""Opening a ledger on a PostgreSQL server: connect as the user's own role, refuse a
database that is not a Gvia ledger or is newer than this program, and bring an older one
up to date (one office computer at a time, under an advisory lock).

Several people work in one ledger at once here, so there is no writer's claim: the
server's transactions and row locks keep their changes apart (models/db/postgres/
concurrency.py).
"""
from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager

import peewee
from playhouse.migrations import Runner

from models.common.errors import DatabaseOpenError, ErrorCollector, ValidationError
from models.common.i18n import _
from models.db import connection
from models.db.faults import StorageFault
from models.db.postgres import faults, roles, schema
from models.db.postgres.connection import OfficeDatabase

SCHEMES = ("postgresql://", "postgres://")
# Any number, the same on every computer: migrations of one ledger never run twice at once.
_MIGRATION_LOCK = 0x47564941


def is_office_url(target) -> bool:
    return isinstance(target, str) and target.startswith(SCHEMES)


def display_name(url: str) -> str:
    """The ledger as a person would name it: database@host, never a password."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    host = parts.hostname or (query.get("host") or ["localhost"])[0]
    return f"{parts.path.lstrip('/') or '?'}@{host}"


class OfficeLedger:
    """A ledger opened on a server by `open_office`; shaped like db.opening.OpenDatabase."""

    path = None  # no file: the letters, attachments and backups are the server's
    claim = None
    checked_fully = True
    writer_elsewhere = None
    read_only = False
    is_office = True

    def __init__(self, url: str, db: OfficeDatabase):
        self.url = url
        self.db = db
        self.name = display_name(url)

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()
        if connection.database.obj is self.db:
            connection.database.initialize(None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class PasswordNeeded(DatabaseOpenError):
    """The server wants a password (none was given, or it was wrong): ask, then retry."""


def office_url(host: str, port: str, dbname: str, user: str) -> str:
    """The URL of a ledger on an office server, from what the user typed (no password:
    it is asked for at each sign-in and never stored)."""
    found = ErrorCollector()
    host = " ".join((host or "").split())
    dbname, user = (dbname or "").strip(), (user or "").strip()
    if not host:
        found.add(ValidationError(_("Type the server's name or address."), field="host"))
    port_text = (port or "").strip() or "5432"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        found.add(ValidationError(_("The port is a number from 1 to 65535 (usually 5432)."),
                                  field="port"))
    if not dbname:
        found.add(ValidationError(_("Type the name of the office's database."), field="dbname"))
    if not user:
        found.add(ValidationError(_("Type your user name on the server."), field="user"))
    found.raise_if_any()
    quote = urllib.parse.quote
    where = host if host.startswith("/") else None  # a local socket folder
    if where:
        return f"postgresql://{quote(user)}@/{quote(dbname)}?host={quote(where)}&port={port_text}"
    netloc = f"[{host}]" if ":" in host else host
    return f"postgresql://{quote(user)}@{netloc}:{port_text}/{quote(dbname)}"


def office_parts(url: str) -> dict[str, str]:
    """What office_url() was made from: host, port, dbname, user."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    return {"host": parts.hostname or (query.get("host") or [""])[0],
            "port": str(parts.port or (query.get("port") or ["5432"])[0]),
            "dbname": urllib.parse.unquote(parts.path.lstrip("/")),
            "user": urllib.parse.unquote(parts.username or "")}


def connect(url: str, password: str | None = None) -> OfficeDatabase:
    """A connection to the server, its failure named (no server, wrong password)."""
    extra = {"password": password} if password else {}
    db = OfficeDatabase(url, autoconnect=False, **extra)
    try:
        db.connect()
    except (peewee.DatabaseError, peewee.InterfaceError) as exc:
        raise _open_error(url, exc) from exc
    return db


def open_office(url: str, *, create: bool = True, password: str | None = None
                ) -> OfficeLedger:
    """Open the Gvia ledger at `url` and bind the models to it, migrating it first."""
    connection.schema_version()  # an installation that lost its migrations stops here
    db = connect(url, password)
    try:
        with migrating(db):
            _check_identity(db, url, create)
            migrate(db)
    except StorageFault as exc:
        db.close()
        raise DatabaseOpenError(f"{display_name(url)}: {exc}") from exc
    except BaseException:
        db.close()
        raise
    connection.database.initialize(db)
    return OfficeLedger(url, db)


def _applied(db: OfficeDatabase) -> set[str]:
    if not db.table_exists("schema_migration"):
        return set()
    return {name for (name,) in db.execute_sql("SELECT name FROM schema_migration")}


def _check_identity(db: OfficeDatabase, url: str, create: bool) -> None:
    applied = _applied(db)
    known = set(connection.migration_names())
    if not applied:
        if db.get_tables():
            raise DatabaseOpenError(_(
                "The database {name} holds tables of another program, not a Gvia "
                "ledger.").format(name=display_name(url)))
        if not create:
            raise DatabaseOpenError(_("The database {name} holds no Gvia ledger yet.").format(
                name=display_name(url)))
    newer = sorted(applied - known)
    if newer:
        raise DatabaseOpenError(_(
            "The database {name} was updated by a newer version of Gvia (schema "
            "{version}; this version knows up to {latest}). Update the program.").format(
                name=display_name(url), version=newer[-1][:4],
                latest=connection.schema_version()))


@contextmanager
def migrating(db: OfficeDatabase) -> Iterator[None]:
    """One transaction holding the migration lock: one computer migrates at a time."""
    with db.atomic():
        db.execute_sql("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))
        yield


def migrate(db: OfficeDatabase, target: str | None = None) -> list[str]:
    """Apply the pending migrations, each in PostgreSQL's form (models/db/postgres/
    schema.py), recorded in the same schema_migration table as on SQLite; with `target`
    (a migration's name), only those up to it and it included."""
    if target is not None and target not in connection.migration_names():
        raise ValueError(f"unknown migration {target!r}")
    runner = Runner(db, directory=str(connection.MIGRATIONS_DIR))
    if not runner.History.table_exists():  # CREATE ... IF NOT EXISTS needs CREATE
        runner.History.create_table()
    done = []
    for migration in runner.status():
        if target is not None and migration.name > target:
            break
        if migration.applied or migration.path is None:
            continue
        module = migration.load()
        for sql in schema.statements(migration.name, module):
            db.execute_sql(sql)
        runner.History.create(name=migration.name)
        done.append(migration.name)
    if done:  # a new table or column starts with the office roles' privileges
        roles.grant_all(db)
    return done


def _open_error(url: str, exc: BaseException) -> DatabaseOpenError:
    error = faults.psycopg_error(exc)
    text = str(error or exc).strip().splitlines()[0] if str(error or exc).strip() else ""
    name = display_name(url)
    if "password authentication failed" in text or "no password supplied" in text:
        return PasswordNeeded(_(
            "The server refused the user name or the password for {name}. Check them and "
            "try again.").format(name=name))
    if "does not exist" in text and "database" in text:
        return DatabaseOpenError(_(
            "There is no database {name} on the server. Ask the office's administrator "
            "to create it (README: a shared office).").format(name=name))
    if "permission denied for database" in text:  # a role in none of the office's groups
        return DatabaseOpenError(_(
            "Your user may not open {name}. Ask the business owner to add you to the "
            "office (gvia office add-user).").format(name=name))
    if faults.kind_of(exc) is not None or "connect" in text.casefold():
        return DatabaseOpenError(_(
            "Cannot reach the office database server for {name} ({error}). Check that "
            "the server is running and that this computer is on the office "
            "network.").format(name=name, error=text))
    return DatabaseOpenError(_("Cannot open {name}: {error}.").format(name=name, error=text))
