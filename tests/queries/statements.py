"""The SQL statements a call sends, on either engine: the query-count tests' counter.

SQLite names each statement to a trace callback; psycopg has none, so on PostgreSQL the
connection's cursors are made by a subclass that notes each statement before sending it.
Either way the statements are the real ones, run against the real database."""
from __future__ import annotations

from models.db import dialect
from models.db.connection import database


def statements_run_by(call) -> tuple[list[str], object]:
    """(the statements `call` ran, in order; what it returned)."""
    conn = database.obj.connection()
    seen: list[str] = []
    if not dialect.is_office():
        conn.set_trace_callback(seen.append)
        try:
            return seen, call()
        finally:
            conn.set_trace_callback(None)
    factory = conn.cursor_factory

    class Noting(factory):
        def execute(self, query, params=None, **options):
            seen.append(str(query))
            return super().execute(query, params, **options)

    conn.cursor_factory = Noting
    try:
        return seen, call()
    finally:
        conn.cursor_factory = factory
