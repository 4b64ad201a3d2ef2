"""The few SQL words the two engines spell differently, asked by the shared queries.

A query in models/ is written once. Where SQLite and PostgreSQL need different words
(date arithmetic, the two-argument MAX and MIN, joining strings of a group), it asks
`current()` for them when it builds its text:

    d = dialect.current()
    sql = f"SELECT {d.days_between('i.due_date', ':as_of')} ..."

This module is SQLite's side; PostgreSQL's is models/db/postgres/dialect.py. Anything a
query may need that is not here is the same on both engines: keep it so (COALESCE(SUM(x),
0) rather than SQLite's total(x), CASE rather than IIF, explicit GROUP BY columns).
"""
from __future__ import annotations


class SqliteDialect:
    name = "sqlite"

    @staticmethod
    def days_between(later: str, earlier: str) -> str:
        """Whole days from `earlier` to `later` (ISO dates, columns or parameters)."""
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    @staticmethod
    def plus_days(day: str, days: str) -> str:
        """The ISO date `days` days after `day`."""
        return f"date({day}, '+' || ({days}) || ' days')"

    @staticmethod
    def greatest(*values: str) -> str:
        """The largest value; NULL when any is NULL (SQLite's two-argument MAX)."""
        return f"MAX({', '.join(values)})"

    @staticmethod
    def least(*values: str) -> str:
        return f"MIN({', '.join(values)})"

    @staticmethod
    def join_text(value: str, separator: str) -> str:
        """The group's values as one text, `separator` between them (an aggregate)."""
        return f"GROUP_CONCAT({value}, '{separator}')"

    @staticmethod
    def lock_client_sql() -> str:
        """A statement that holds the client's row until the transaction ends, so two
        people allocating for one client take turns ('' here: SQLite has one writer)."""
        return ""

    @staticmethod
    def without_rowid() -> str:
        """Ends a CREATE TABLE whose primary key is the table itself (no rowid beside it)."""
        return "WITHOUT ROWID"


def current():
    """The dialect of the open ledger's engine."""
    from models.db.connection import database
    from models.db.postgres.connection import OfficeDatabase
    from models.db.postgres.dialect import PostgresDialect

    return PostgresDialect if isinstance(database.obj, OfficeDatabase) else SqliteDialect


def is_office() -> bool:
    """True when the open ledger is a shared one on a PostgreSQL server."""
    return current().name == "postgresql"
