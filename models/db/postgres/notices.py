"""Change notices of a shared office: which table another person's program just changed.

Migration 0016 makes the server announce every INSERT, UPDATE and DELETE on a table the
screens show, once per statement, on the channel CHANNEL with the table's name
(`pg_notify`). `ChangeListener` listens on a connection of its own and hands the names
over as they come, each with the server process that wrote it, so a program can leave
out its own changes (it has refreshed for those already): see `this_connection_pid`.

A connection that drops is made again; what was announced meanwhile is lost, so the
listener then gives EVERYTHING, and the screens reload all they show.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg

CHANNEL = "gvia_changes"  # the same word as migration 0016's frozen text
EVERYTHING = "*"  # notices may have been missed: reload everything
_WAKE_S = 0.5  # how often a waiting listener looks whether it was stopped
_RECONNECT_S = 2.0


@dataclass(frozen=True)
class Notice:
    table: str
    pid: int  # the server process (one per connection) that made the change


class ChangeListener:
    """A blocking iterator of Notices from the ledger's server, until `stop()`."""

    def __init__(self, conninfo: str, **params):
        self.conninfo = conninfo
        self.params = params
        self._stopped = threading.Event()
        self.listening = threading.Event()  # set once LISTEN is in force

    @classmethod
    def of(cls, db) -> "ChangeListener":
        """A listener on the server and with the credentials of the open ledger `db`
        (an OfficeDatabase)."""
        return cls(db.database, **db.connect_params)

    def stop(self) -> None:
        self._stopped.set()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def __iter__(self) -> Iterator[Notice]:
        missed = False
        while not self.stopped:
            try:
                with psycopg.connect(self.conninfo, autocommit=True, **self.params) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    if missed:
                        yield Notice(EVERYTHING, 0)
                    while not self.stopped:
                        for note in conn.notifies(timeout=_WAKE_S):
                            yield Notice(note.payload, note.pid)
            except psycopg.OperationalError:
                self.listening.clear()
                missed = True
                self._stopped.wait(_RECONNECT_S)


def this_connection_pid() -> int | None:
    """The server process of this thread's connection to the open ledger (None when it
    is not a shared office, or no connection is open): notices it made are our own."""
    from models.db.connection import database
    from models.db.postgres.connection import OfficeDatabase

    db = database.obj
    if not isinstance(db, OfficeDatabase) or db.is_closed():
        return None
    return db.connection().info.backend_pid
