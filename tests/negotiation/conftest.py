"""Fixtures of the negotiation tests: another program's connection to the same ledger."""
import sqlite3

import psycopg
import pytest

from models.db.postgres.connection import psycopg_marks


class OtherProgram:
    """A second connection to the ledger, outside the app (the sqlite3 shell, psql), that
    commits each statement: what the database itself refuses, whoever writes.
    `IntegrityError` is the refusal on its engine."""

    def __init__(self, opened):
        if getattr(opened, "is_office", False):
            self.conn = psycopg.connect(opened.url, autocommit=True)
            self.IntegrityError = psycopg.IntegrityError
            self.is_office = True
        else:
            self.conn = sqlite3.connect(opened.path, isolation_level=None)
            self.IntegrityError = sqlite3.IntegrityError
            self.is_office = False

    def execute(self, sql, params=()):
        if self.is_office:
            return self.conn.execute(psycopg_marks(sql), params)
        return self.conn.execute(sql, params)

    def close(self):
        self.conn.close()


@pytest.fixture
def other_program(db):
    conn = OtherProgram(db)
    yield conn
    conn.close()
