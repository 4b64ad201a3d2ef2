"""PostgreSQL's spelling of the words models/db/dialect.py names (see there)."""
from __future__ import annotations


class PostgresDialect:
    name = "postgresql"

    @staticmethod
    def days_between(later: str, earlier: str) -> str:
        return f"(CAST({later} AS date) - CAST({earlier} AS date))"

    @staticmethod
    def plus_days(day: str, days: str) -> str:
        return f"CAST(CAST({day} AS date) + CAST({days} AS integer) AS text)"

    @staticmethod
    def greatest(*values: str) -> str:
        # GREATEST skips NULLs; SQLite's MAX(a, b) is NULL with one: keep SQLite's answer.
        nulls = " OR ".join(f"({v}) IS NULL" for v in values)
        return f"CASE WHEN {nulls} THEN NULL ELSE GREATEST({', '.join(values)}) END"

    @staticmethod
    def least(*values: str) -> str:
        nulls = " OR ".join(f"({v}) IS NULL" for v in values)
        return f"CASE WHEN {nulls} THEN NULL ELSE LEAST({', '.join(values)}) END"

    @staticmethod
    def join_text(value: str, separator: str) -> str:
        return f"string_agg(CAST({value} AS text), '{separator}')"

    @staticmethod
    def lock_client_sql() -> str:
        # NO KEY UPDATE: allocators take turns, while rows that merely name the client
        # (a payment, a log entry: FOR KEY SHARE) are still written beside it.
        return "SELECT id FROM client WHERE id = ? FOR NO KEY UPDATE"

    @staticmethod
    def without_rowid() -> str:
        return ""  # a PostgreSQL table has no rowid to leave out
