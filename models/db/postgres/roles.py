"""People on a shared ledger: four group roles per server, and what each may do in a
ledger, granted by the server (the program's screens only follow).

Each person signs in as their own LOGIN role, a member of one group; each group is a
member of the one below it, so it has everything that one has, and more:

| group           | may                                                                  |
|-----------------|----------------------------------------------------------------------|
| gvia_readonly   | read everything (aging, Today, the card, the archive)                |
| gvia_collector  | + the contact log and its files, promises, status changes (and      |
|                 |   client.status), letters and registered mail (its receipt/refusal),  |
|                 |   settlement events, negotiations, case records and relations, and    |
|                 |   settlement drafts                                                  |
| gvia_bookkeeper | + clients and contact persons, invoices, credit notes, payments,      |
|                 |   allocations, deposits, collection expenses; of the settings only    |
|                 |   an import's column mappings (a trigger keeps the rest the owner's)  |
| gvia_owner      | everything: every setting, a negotiation's limits, signing and       |
|                 |   cancelling a settlement                                            |

The limits, the signature and the settings are guarded by triggers (models/db/postgres/
guards.py): the program saves whole rows, so a column privilege could not tell a note on
a negotiation from a changed limit, nor one setting from another. The ledger's own owner
(who ran `gvia office setup`) and a superuser may do all, as gvia_owner. PUBLIC may read
and change nothing, and after `setup` not even connect.

The groups are the server's, not one ledger's: a member of gvia_collector is a collector
in every ledger of the server whose owner ran grant_all.

    create_roles(db)                the four groups, where missing (needs CREATEROLE)
    grant_all(db)                   the privileges above on this ledger (its owner runs it
                                    after every migration; idempotent)
    restrict_database(db); setup(db) only the groups connect; all three together
    my_role(db) -> str | None       the signed-in person's group
    signed_in(db) -> SignedIn        who is signed in, their group and its name (a screen's)
    add_user(db, name, group, password); users(db) -> [(name, group)]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import psycopg
from psycopg import sql

from models.common.errors import ValidationError
from models.common.i18n import N_, _
from models.db.postgres import faults
from models.db.postgres.faults import NotPermittedError

READONLY, COLLECTOR, BOOKKEEPER, OWNER = ("gvia_readonly", "gvia_collector",
                                          "gvia_bookkeeper", "gvia_owner")
GROUPS = (READONLY, COLLECTOR, BOOKKEEPER, OWNER)  # lowest first; each is in the one below
# Names a person picks on the command line, and what a screen calls each group.
ROLE_NAMES = {"readonly": READONLY, "collector": COLLECTOR, "bookkeeper": BOOKKEEPER,
              "owner": OWNER}
LABELS = {READONLY: N_("Read only"), COLLECTOR: N_("Collector"),
          BOOKKEEPER: N_("Bookkeeper"), OWNER: N_("Business owner")}

# What each group adds to the one below: table -> privileges ("UPDATE (col)" for columns).
_ADDS = {
    COLLECTOR: {
        "contact_log": "INSERT", "contact_attachment": "INSERT", "promise": "INSERT",
        "client_status_change": "INSERT", "client": "UPDATE (status)",
        "letter": "INSERT", "registered_mail": "INSERT, UPDATE (receipt_date, refused_date)",
        "stored_file": "INSERT", "settlement_event": "INSERT",
        "negotiation": "INSERT, UPDATE", "case_record": "INSERT, UPDATE",
        "client_relation": "INSERT, UPDATE, DELETE",
        "settlement": "INSERT, UPDATE, DELETE", "settlement_invoice": "INSERT, UPDATE, DELETE",
        "settlement_instalment": "INSERT, UPDATE, DELETE",
        "settlement_point": "INSERT, UPDATE, DELETE",
    },
    BOOKKEEPER: {
        "client": "INSERT, UPDATE", "contact_person": "INSERT, UPDATE",
        "invoice": "INSERT, UPDATE", "credit_note": "INSERT, UPDATE",
        "payment": "INSERT, UPDATE", "allocation": "INSERT, UPDATE",
        "deposit_request": "INSERT, UPDATE", "collection_expense": "INSERT, UPDATE",
        "setting": "INSERT, UPDATE",  # only an import's mappings: guards.BOOKKEEPER_SETTINGS
    },
}

_NAME = re.compile(r"[a-z][a-z0-9_.-]{0,62}")


def _run(db, statement) -> None:
    """A statement composed with psycopg's sql (names quoted there), run as it is; a
    refusal named as every other (NotPermittedError)."""
    try:
        db.connection().execute(statement)
    except psycopg.Error as exc:
        fault = faults.named(exc)
        if fault is exc:
            raise
        raise fault from exc


def _exists(db, role: str) -> bool:
    return db.execute_sql("SELECT 1 FROM pg_roles WHERE rolname = ?", (role,)).fetchone() \
        is not None


def create_roles(db) -> list[str]:
    """The four groups, where the server lacks them, each inside the one below; the ones
    made. Needs CREATEROLE (the server's administrator, or the ledger's owner)."""
    made = []
    with db.atomic():
        for group in GROUPS:
            if not _exists(db, group):
                _run(db, sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(group)))
                made.append(group)
        for lower, higher in zip(GROUPS, GROUPS[1:]):
            if not db.execute_sql(
                    "SELECT pg_has_role(?, ?, 'MEMBER')", (higher, lower)).fetchone()[0]:
                _run(db, sql.SQL("GRANT {} TO {}").format(sql.Identifier(lower),
                                                          sql.Identifier(higher)))
    return made


def _owns_database(db) -> bool:
    (owns,) = db.execute_sql(
        "SELECT pg_has_role(current_user, datdba, 'USAGE') FROM pg_database "
        "WHERE datname = current_database()").fetchone()
    return bool(owns)


def grant_all(db) -> list[str]:
    """This ledger's privileges for the groups the server has (none before
    `create_roles`: then only PUBLIC loses its own); the groups granted to."""
    groups = [group for group in GROUPS if _exists(db, group)]
    tables = set(db.get_tables())
    everyone = sql.SQL(", ").join(map(sql.Identifier, groups)) if groups else None
    with db.atomic():
        _revoke(db, everyone)
        if READONLY in groups:
            _run(db, sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(
                sql.Identifier(READONLY)))
        for group, adds in _ADDS.items():
            if group in groups:
                _grant_tables(db, group, {t: p for t, p in adds.items() if t in tables})
        if OWNER in groups:
            owner = sql.Identifier(OWNER)
            _run(db, sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "
                             "public TO {}").format(owner))
            _run(db, sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public "
                             "TO {}").format(owner))
    return groups


def _revoke(db, everyone) -> None:
    """Start from nothing, so a privilege dropped from the table above goes too (a
    table's REVOKE takes its columns' privileges with it)."""
    targets = sql.SQL("PUBLIC") if everyone is None else sql.SQL("PUBLIC, ") + everyone
    _run(db, sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(targets))
    _run(db, sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {}").format(targets))


def restrict_database(db) -> None:
    """Only the groups connect to this ledger's database (and make the temporary tables
    an import uses); PUBLIC, every other role of the server, no longer may. Needs the
    database's owner."""
    if not _owns_database(db):
        raise NotPermittedError(_("Only the owner of the database may set up its users."))
    name = sql.Identifier(db.execute_sql("SELECT current_database()").fetchone()[0])
    with db.atomic():
        _run(db, sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(name))
        _run(db, sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
            name, sql.Identifier(READONLY)))


def setup(db) -> list[str]:
    """`gvia office setup` on a migrated ledger: the groups (made where missing), their
    privileges, and the database closed to everyone else; the groups made."""
    made = create_roles(db)
    grant_all(db)
    restrict_database(db)
    return made


def _grant_tables(db, group: str, privileges: dict[str, str]) -> None:
    for table, words in privileges.items():
        _run(db, sql.SQL("GRANT {} ON {} TO {}").format(
            sql.SQL(words), sql.Identifier(table), sql.Identifier(group)))
        sequence = _id_sequence(db, table) if "INSERT" in words else None
        if sequence:
            _run(db, sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(
                sql.SQL(sequence), sql.Identifier(group)))


def _id_sequence(db, table: str) -> str | None:
    """The sequence that numbers the table's rows, if it has one (an identity `id`)."""
    if "id" not in {column.name for column in db.get_columns(table)}:
        return None
    return db.execute_sql("SELECT pg_get_serial_sequence(?, 'id')", (table,)).fetchone()[0]


# ---- people -------------------------------------------------------------------------

def my_role(db) -> str | None:
    """The group of the person signed in (the highest, if in several): the ledger's own
    owner and a superuser count as gvia_owner; None for a role in no group."""
    (owner,) = db.execute_sql(
        "SELECT pg_has_role(session_user, relowner, 'USAGE') FROM pg_class "
        "WHERE oid = 'setting'::regclass").fetchone()
    if owner:
        return OWNER
    for group in reversed(GROUPS):
        if _exists(db, group) and db.execute_sql(
                "SELECT pg_has_role(session_user, ?, 'USAGE')", (group,)).fetchone()[0]:
            return group
    return None


@dataclass(frozen=True)
class SignedIn:
    """The person signed in to a shared ledger: their role name and their group (None for
    a role in no group)."""
    user: str
    group: str | None

    @property
    def group_label(self) -> str:
        """The group as a screen names it, in the interface language ('' for none)."""
        return _(LABELS[self.group]) if self.group in LABELS else ""


def signed_in(db) -> SignedIn:
    """Who the server says is signed in (session_user, as created_by records) and their
    group (my_role)."""
    (user,) = db.execute_sql("SELECT session_user").fetchone()
    return SignedIn(user, my_role(db))


def check_user_name(name: str) -> str:
    """A name a person signs in with: small Latin letters, digits, '_', '.', '-'."""
    name = (name or "").strip()
    if not _NAME.fullmatch(name) or name.startswith(("pg_", "gvia_")):
        raise ValidationError(_(
            "The user name {name} cannot be used: start with a small Latin letter and use "
            "only small Latin letters, digits, '_', '.' or '-' (up to 63); names starting "
            "with pg_ or gvia_ are reserved.").format(name=name or "''"), field="name")
    return name


def group_of(role: str) -> str:
    """The group a person names on the command line (collector, ...) or its role name."""
    group = ROLE_NAMES.get(role, role)
    if group not in GROUPS:
        raise ValidationError(_("Unknown role {role}: choose one of {choices}.").format(
            role=role, choices=", ".join(ROLE_NAMES)), field="role")
    return group


def add_user(db, name: str, role: str, password: str) -> str:
    """A LOGIN role for one person, in `role`'s group. The password is hashed here
    (SCRAM, by the client library), so the server and its logs never see it."""
    name, group = check_user_name(name), group_of(role)
    if not password:
        raise ValidationError(_("The password cannot be empty."), field="password")
    if not _exists(db, group):
        raise ValidationError(_("The office roles are not set up on this server yet: run "
                                "gvia office setup first."), field="role")
    with db.atomic():
        if _exists(db, name):
            raise ValidationError(_("The user name {name} is already taken on this server; "
                                    "choose another.").format(name=name), field="name")
        pgconn = db.connection().pgconn
        hashed = pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256")
        _run(db, sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
            sql.Identifier(name), sql.Literal(hashed.decode()), sql.Identifier(group)))
    return name


def users(db) -> list[tuple[str, str]]:
    """Who may sign in, and their group (the highest), by name."""
    rows = db.execute_sql(
        "SELECT u.rolname, g.rolname FROM pg_roles u "
        "JOIN pg_auth_members m ON m.member = u.oid JOIN pg_roles g ON g.oid = m.roleid "
        "WHERE u.rolcanlogin AND g.rolname IN (?, ?, ?, ?) ORDER BY u.rolname",
        GROUPS).fetchall()
    best: dict[str, str] = {}
    for name, group in rows:
        if GROUPS.index(group) >= GROUPS.index(best.get(name, READONLY)):
            best[name] = group
    return sorted(best.items())
