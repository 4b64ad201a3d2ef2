"""The ledger on a PostgreSQL server (a shared office), through peewee and psycopg 3.

The queries of models/ are written once, for both engines. What lets one text run on
both lives here, and nowhere else:
- SQLite's parameter marks (`?`, `:name`) become psycopg's (`%s`, `%(name)s`), and its
  planner hints go (`INDEXED BY name`; `CROSS JOIN t ON`, SQLite's way to fix the join
  order, is a plain JOIN): PostgreSQL's planner takes no hints;
- a date column reads as its ISO text, as SQLite stores it, so a query's rows are the
  same values on both engines (peewee's DateField turns either into a `datetime.date`);
- a whole-number `numeric` (PostgreSQL's SUM over BIGINT) reads as an int, another one
  as a float, as SQLite gives them;
- a lost connection, a refused permission and a conflicting change carry their own
  names (models.db.postgres.faults).
"""
from __future__ import annotations

import re

import peewee
import psycopg
from psycopg.adapt import Loader
from psycopg.types.string import TextLoader

from models.db.postgres import faults

# A quoted literal or identifier (kept as written), a parameter mark, or a lone '%'.
_TOKENS = re.compile(r"""('(?:[^']|'')*'|"(?:[^"]|"")*")|(\?)|(?<![:\w]):([A-Za-z_]\w*)|(%)"""
                     r"|(\bINDEXED BY \w+|\bNOT INDEXED\b)|\bCROSS (JOIN \w+(?: AS)? \w+ ON)\b")


_PSYCOPG_MARK = re.compile(r"%(?:s|\(\w+\)s)")


def psycopg_marks(sql: str) -> str:
    """`sql` written with SQLite's parameter marks, in psycopg's."""
    def swap(match: re.Match) -> str:
        quoted, question, name, percent, hint, join = match.groups()
        if hint:
            return ""
        if join:
            return join
        if quoted:
            return quoted.replace("%", "%%")
        if question:
            return "%s"
        if name:
            return f"%({name})s"
        return "%%"
    return _TOKENS.sub(swap, sql)


class _NumericLoader(Loader):
    """SUM over BIGINT is `numeric` in PostgreSQL: whole numbers come back as int."""

    def load(self, data):
        text = bytes(data).decode()
        if "." not in text and text not in ("NaN", "Infinity", "-Infinity"):
            return int(text)
        return float(text)


def adapt_connection(conn: psycopg.Connection) -> None:
    """The value types every shared query expects (see the module's note)."""
    conn.adapters.register_loader("date", TextLoader)
    conn.adapters.register_loader("numeric", _NumericLoader)


class OfficeDatabase(peewee.PostgresqlDatabase):
    """peewee's PostgreSQL database, speaking the shared queries' dialect.

    `execute_sql` takes SQL as models/ writes it (SQLite's parameter marks); the ORM's
    own statements, already in psycopg's form, go through `execute` untouched.
    """

    def __init__(self, database, **kwargs):
        kwargs.setdefault("prefer_psycopg3", True)
        super().__init__(database, **kwargs)

    def _connect(self):
        conn = super()._connect()
        adapt_connection(conn)
        return conn

    def execute(self, query, **context_options):
        ctx = self.get_sql_context(**context_options)
        sql, params = ctx.sql(query).query()
        return self._execute(sql, params)

    def execute_sql(self, sql, params=None):
        # peewee's own introspection already writes psycopg's marks.
        return self._execute(sql if _PSYCOPG_MARK.search(sql) else psycopg_marks(sql), params)

    def _execute(self, sql, params):
        try:
            return super().execute_sql(sql, params)
        except (peewee.DatabaseError, peewee.InterfaceError) as exc:
            _raise_named(exc)

    # A connection the server dropped (a restart, the network) stays in peewee's hands,
    # closed: outside a transaction the next statement opens a new one; inside, the
    # transaction is gone with it, so the change fails with its name.
    def _lost(self) -> bool:
        conn = self._state.conn
        return not self._state.closed and conn is not None and conn.closed

    def _revive(self) -> None:
        if self._lost():
            if self.in_transaction():
                raise faults.ConnectionLostError()
            self._state.conn.close()  # frees what the client still holds of it
            self._state.reset()
            self._state.dropped = True  # per thread, as peewee's state is
        if not (self._state.closed and getattr(self._state, "dropped", False)):
            return
        try:
            self.connect()  # a server still away: named, and tried again next time
        except (peewee.DatabaseError, peewee.InterfaceError) as exc:
            _raise_named(exc)
        self._state.dropped = False

    def connection(self):
        self._revive()
        return super().connection()

    def cursor(self, *args, **kwargs):
        self._revive()
        return super().cursor(*args, **kwargs)

    def begin(self, *args, **kwargs):
        try:
            return super().begin(*args, **kwargs)
        except (peewee.DatabaseError, peewee.InterfaceError) as exc:
            _raise_named(exc)

    def commit(self):
        # peewee has already popped the transaction: a new connection here would
        # "commit" nothing and report success.
        if self._lost():
            raise faults.ConnectionLostError()
        try:
            return super().commit()
        except (peewee.DatabaseError, peewee.InterfaceError) as exc:
            _raise_named(exc)

    def rollback(self):
        if self._lost():
            return  # the server rolled the transaction back when the connection went
        try:
            return super().rollback()
        except (peewee.DatabaseError, peewee.InterfaceError) as exc:
            _raise_named(exc)


def _raise_named(exc: BaseException):
    """Raise `exc` under its fault's name when it is one, else as it is."""
    fault = faults.named(exc)
    if fault is exc:
        raise exc
    raise fault from exc
