"""Is this office ledger what Gvia made it? `check` on a PostgreSQL server.

    check_office(db)            -> list[str]   every line below; empty when all is well
    schema_problems(db)         -> list[str]   tables, columns and their constraints,
                                               indexes, triggers (and whether they are on),
                                               the guards' functions, views, migrations
    file_problems(db)           -> list[str]   each archived letter and attachment has its
                                               kept file (stored_file), the same bytes
    expected_catalog(db)        -> Catalog     what the migrations define, read as below
    read_catalog(db, schema)    -> Catalog     one schema's objects, by name

The expected schema is not written down a second time. Inside one transaction that is
always rolled back, the migrations in PostgreSQL's form (models/db/postgres/schema.py)
run into a scratch schema of the same database, and its catalog is read; nothing of it
is ever committed, so a check killed halfway leaves nothing behind. (It needs the right
to create a schema in the database, which the office's administrator has; a user
without it is told so in one line, and the other checks still run.) Everything is
compared by name, with the schema's own name taken out of the definitions.

SQLite's own checks (integrity_check, foreign_key_check) have no counterpart: the server
keeps its pages and enforces every reference itself. A dropped or NOT VALID reference
is a changed table definition, a switched-off trigger a line of its own.
"""
from __future__ import annotations

from dataclasses import dataclass

from playhouse.migrations import Runner

from models.common.i18n import N_, _, ngettext
from models.db import connection, schema_check
from models.db.postgres import schema
from models.db.postgres.faults import NotPermittedError

SCRATCH = "gvia_check_expected"
HINT = N_("someone may have changed the database outside Gvia")


@dataclass(frozen=True)
class Catalog:
    """One schema's objects, by name, as schema_check's Schema holds SQLite's."""
    tables: dict[str, str]                  # name -> its constraints, normalised
    columns: dict[str, dict[str, tuple]]    # table -> column -> (type, not null, default,
                                            #                     identity), in their order
    indexes: dict[str, tuple[str, str]]     # name -> (table, definition)
    triggers: dict[str, tuple[str, str]]    # name -> (table, definition)
    disabled: frozenset[str]                # triggers switched off (ALTER ... DISABLE)
    functions: dict[str, str]               # name -> definition
    views: dict[str, str]
    migrations: frozenset[str]


# ---- reading a catalog -------------------------------------------------------------------

def _rows(db, sql: str, *params) -> list[tuple]:
    return db.execute_sql(sql, params).fetchall()


def _unqualified(text: str, name: str) -> str:
    return schema_check.normalise_sql(text.replace(f"{name}.", "").replace(f'"{name}".', ""))


def read_catalog(db, name: str) -> Catalog:
    """The objects of schema `name`; call with it first on the search path, so that the
    server writes their definitions without it."""
    tables = {t for (t,) in _rows(db, "SELECT c.relname FROM pg_class c JOIN pg_namespace n "
                                      "ON n.oid = c.relnamespace WHERE n.nspname = ? "
                                      "AND c.relkind IN ('r', 'p')", name)}
    constraints: dict[str, list[str]] = {t: [] for t in tables}
    for table, constraint, definition, valid in _rows(db, """
            SELECT c.relname, co.conname, pg_get_constraintdef(co.oid), co.convalidated
            FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ? ORDER BY co.conname""", name):
        valid_text = "" if valid else " NOT VALID"
        constraints[table].append(f"{constraint} {_unqualified(definition, name)}{valid_text}")
    columns: dict[str, dict[str, tuple]] = {t: {} for t in tables}
    for table, column, kind, not_null, default, identity in _rows(db, """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid), a.attidentity
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND a.attnum > 0
              AND NOT a.attisdropped ORDER BY c.relname, a.attnum""", name):
        columns[table][column] = (kind, bool(not_null), default, identity)
    indexes = {index: (table, _unqualified(definition, name))
               for index, table, definition in _rows(
                   db, "SELECT indexname, tablename, indexdef FROM pg_indexes "
                       "WHERE schemaname = ?", name)}
    triggers, disabled = {}, set()
    for trigger, table, definition, enabled in _rows(db, """
            SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid), t.tgenabled
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ? AND NOT t.tgisinternal""", name):
        triggers[trigger] = (table, _unqualified(definition, name))
        if enabled == "D":
            disabled.add(trigger)
    functions = {function: _unqualified(definition, name)
                 for function, definition in _rows(db, """
                     SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p
                     JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ?""",
                                                   name)}
    views = {view: _unqualified(definition, name) for view, definition in _rows(
        db, "SELECT viewname, definition FROM pg_views WHERE schemaname = ?", name)}
    migrations = frozenset()
    if schema_check.HISTORY_TABLE in tables:
        migrations = frozenset(m for (m,) in _rows(
            db, f'SELECT name FROM "{name}".{schema_check.HISTORY_TABLE}'))
    return Catalog({t: "; ".join(constraints[t]) for t in tables}, columns, indexes,
                   triggers, frozenset(disabled), functions, views, migrations)


def _current_schema(db) -> str:
    (name,) = db.execute_sql("SELECT current_schema()").fetchone()
    return name


def expected_catalog(db) -> Catalog:
    """What the migrations give an empty schema: run into a scratch one, read, rolled
    back. Raises NotPermittedError when the user may not create a schema."""
    runner = Runner(db, directory=str(connection.MIGRATIONS_DIR))
    with db.atomic() as transaction:
        try:
            db.execute_sql(f"CREATE SCHEMA {SCRATCH}")
            db.execute_sql(f"SET LOCAL search_path TO {SCRATCH}")
            runner.History.create_table(safe=False)  # in the scratch schema (search path)
            for migration in runner.migrations():
                for sql in schema.statements(migration.name, migration.load()):
                    db.execute_sql(sql)
                db.execute_sql(f"INSERT INTO {schema_check.HISTORY_TABLE} (name, applied) "
                               "VALUES (?, now())", (migration.name,))
            return read_catalog(db, SCRATCH)
        finally:
            transaction.rollback()  # nothing of the scratch schema stays (SET LOCAL neither)


# ---- comparing -----------------------------------------------------------------------------

_FUNCTION_LINES = (
    N_("The function {name} is missing — the protection it gives the data is not working; "
       "{hint}."),
    N_("A function {name} was found that is not part of Gvia — {hint}."),
    N_("The function {name} was changed and is not as Gvia created it — {hint}."),
)


def _table_lines(expected: Catalog, actual: Catalog, hint: str) -> list[str]:
    lines = []
    for name in sorted(expected.tables.keys() - actual.tables.keys()):
        lines.append(_("The table {name} ({what}) is missing from the database — its data is "
                       "not there; {hint}.").format(name=name, what=schema_check._what(name),
                                                     hint=hint))
    for name in sorted(actual.tables.keys() - expected.tables.keys()):
        lines.append(_("A table {name} was found that is not part of Gvia — {hint}.").format(
            name=name, hint=hint))
    for name in sorted(expected.tables.keys() & actual.tables.keys()):
        column_lines = schema_check._column_differences(
            name, expected.columns[name], actual.columns[name], hint)
        lines += column_lines
        if not column_lines and expected.tables[name] != actual.tables[name]:
            lines.append(_("The definition of the table {name} ({what}) was changed: its "
                           "constraints or keys are not as Gvia created them — {hint}.").format(
                             name=name, what=schema_check._what(name), hint=hint))
    return lines


def _function_lines(expected: dict, actual: dict, hint: str) -> list[str]:
    missing, extra, changed = _FUNCTION_LINES
    return ([_(missing).format(name=n, hint=hint) for n in sorted(expected.keys() - actual.keys())]
            + [_(extra).format(name=n, hint=hint) for n in sorted(actual.keys() - expected.keys())]
            + [_(changed).format(name=n, hint=hint)
               for n in sorted(expected.keys() & actual.keys()) if expected[n] != actual[n]])


def _disabled_lines(expected: Catalog, actual: Catalog, hint: str) -> list[str]:
    return [_("The trigger {name} is switched off — the protection it gives the data is not "
              "working; {hint}.").format(name=name, hint=hint)
            for name in sorted(actual.disabled - expected.disabled)
            if name in expected.triggers]


def _migration_lines(expected: frozenset, actual: frozenset) -> list[str]:
    lines = [_("The update {name} of the ledger's structure is not recorded as done.").format(
                 name=name) for name in sorted(expected - actual)]
    lines += [_("The ledger's update history records an unknown update: {name}.").format(
                  name=name) for name in sorted(actual - expected)]
    return lines


def compare(expected: Catalog, actual: Catalog) -> list[str]:
    """Every difference between the two catalogs, one line each."""
    hint = _(HINT)
    # A missing table's indexes and triggers went with it: its own line says so.
    indexes = {n: v for n, v in expected.indexes.items() if v[0] in actual.tables}
    triggers = {n: v for n, v in expected.triggers.items() if v[0] in actual.tables}
    return (_migration_lines(expected.migrations, actual.migrations)
            + _table_lines(expected, actual, hint)
            + schema_check._object_differences("index", indexes, actual.indexes, {}, hint)
            + schema_check._object_differences("trigger", triggers, actual.triggers, {}, hint)
            + _disabled_lines(expected, actual, hint)
            + _function_lines(expected.functions, actual.functions, hint)
            + schema_check._view_differences(expected.views, actual.views))


def schema_problems(db) -> list[str]:
    ledger = _current_schema(db)
    try:
        expected = expected_catalog(db)
    except NotPermittedError:
        return [_("The structure of the ledger was not compared: your user on the server may "
                  "not create a schema in this database, which the comparison needs. Ask the "
                  "office's administrator to run the check.")]
    return compare(expected, read_catalog(db, ledger))


# ---- the kept files ------------------------------------------------------------------------

def file_problems(db) -> list[str]:
    """Each attachment and archived letter against its stored_file row (migration 0015):
    there, and for an attachment the bytes recorded when it was attached."""
    tables = set(db.get_tables(schema=_current_schema(db)))
    if "stored_file" not in tables:
        return []
    lines = []
    for entry, name, stored, found, same in _rows(db, """
            SELECT a.entry_id, a.original_name, a.stored_path, f.path IS NOT NULL,
                   f.sha256 = lower(a.sha256) AND f.size_bytes = a.size_bytes
            FROM contact_attachment a LEFT JOIN stored_file f ON f.path = a.stored_path
            ORDER BY a.id"""):
        if not found:
            problem = _("is missing from the database's kept files.")
        elif not same:
            problem = _("does not match the fingerprint (sha256) recorded when it was "
                        "attached — {hint}.").format(hint=_(HINT))
        else:
            continue
        lines.append(_("The attachment '{name}' of the log entry {entry} ({stored}) "
                       "{problem}").format(name=name, entry=entry, stored=stored,
                                           problem=problem))
    for file_path, count, first in _rows(db, """
            SELECT l.file_path, COUNT(*), MIN(l.id) FROM letter l
            LEFT JOIN stored_file f ON f.path = 'letters/' || l.file_path
            WHERE f.path IS NULL GROUP BY l.file_path ORDER BY MIN(l.id)"""):
        which = ngettext("letter {first}", "{count} letters (the first: {first})",
                         count).format(count=count, first=first)
        lines.append(_("The PDF file of {which} is missing from the database's kept files "
                       "({file}).").format(which=which, file=file_path))
    return lines


def check_office(db) -> list[str]:
    """All the checks of an office ledger; empty when all is well."""
    return schema_problems(db) + file_problems(db)
