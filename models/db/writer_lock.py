"""One writer per ledger, however the file is reached: the claim is a row inside it.

A lock file beside the database can be deleted, and a hard link, a symlink or another
spelling of the path reaches the same file without seeing it. A row inside the database
travels with the data itself. It is claimed inside `BEGIN IMMEDIATE`, so SQLite's own
write lock makes two claims race-free, and it names its holder (host, process, when)
for the message the second writer gets.

A copy that crashed leaves its row behind. The row is stale when its process is gone
on this host, or when that process number now belongs to a program started at another
moment. A row written on another computer cannot be checked from here and is respected.
"""
from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
import uuid
from dataclasses import dataclass

import psutil

from models.common.errors import DatabaseLockedError
from models.common.i18n import _

TABLE = "gvia_writer"
# The migration that records this table in the schema uses the same text.
CREATE_SQL = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    process_started REAL NOT NULL,
    since TEXT NOT NULL,
    token TEXT NOT NULL
)"""
# Two processes started within this many seconds of the recorded start are one process.
_START_TOLERANCE_S = 1.0


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    process_started: float
    since: dt.datetime
    token: str

    def describe(self) -> str:
        return _("on computer {host}, process {pid}, since {since}").format(
            host=self.host, pid=self.pid, since=self.since.strftime("%d/%m/%Y %H:%M"))


def _this_process_started() -> float:
    return psutil.Process(os.getpid()).create_time()


def _row_holder(row) -> Holder:
    host, pid, started, since, token = row
    return Holder(host, int(pid), float(started), dt.datetime.fromisoformat(since), token)


def read_holder(conn: sqlite3.Connection) -> Holder | None:
    """The recorded writer, or None (no row, or an old ledger without the table)."""
    try:
        row = conn.execute(
            f"SELECT host, pid, process_started, since, token FROM {TABLE} WHERE id = 1"
        ).fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    return _row_holder(row) if row else None


def is_alive(holder: Holder) -> bool:
    """Whether the process that wrote `holder` is still running (unknown: assume yes)."""
    if holder.host != socket.gethostname():
        return True
    try:
        started = psutil.Process(holder.pid).create_time()
    except psutil.NoSuchProcess:
        return False
    except (psutil.AccessDenied, psutil.ZombieProcess):
        return True
    return abs(started - holder.process_started) < _START_TOLERANCE_S


@dataclass(frozen=True)
class Claim:
    token: str
    stale: Holder | None  # the row of a copy that crashed, replaced by this claim


def already_open(name: str, holder: Holder) -> DatabaseLockedError:
    """The error a second writer gets: who has the ledger open, and what to do."""
    return DatabaseLockedError(
        _("The database {name} is already open for writing ({holder}). "
          "Close that copy and try again.").format(name=name, holder=holder.describe()))


def claim(conn: sqlite3.Connection, name: str) -> Claim:
    """Become the ledger's one writer, or raise DatabaseLockedError naming the holder.

    `conn` is a raw connection in autocommit mode; `name` is the file name for messages.
    """
    token = uuid.uuid4().hex
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(CREATE_SQL)
        holder = read_holder(conn)
        if holder is not None and is_alive(holder):
            raise already_open(name, holder)
        conn.execute(
            f"INSERT OR REPLACE INTO {TABLE} (id, host, pid, process_started, since, token) "
            "VALUES (1, ?, ?, ?, ?, ?)",
            (socket.gethostname(), os.getpid(), _this_process_started(),
             dt.datetime.now().replace(microsecond=0).isoformat(), token))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return Claim(token, holder)


def reclaim(conn: sqlite3.Connection, token: str) -> None:
    """Write our row back after the ledger's content was replaced (a restore)."""
    conn.execute(
        f"INSERT OR REPLACE INTO {TABLE} (id, host, pid, process_started, since, token) "
        "VALUES (1, ?, ?, ?, ?, ?)",
        (socket.gethostname(), os.getpid(), _this_process_started(),
         dt.datetime.now().replace(microsecond=0).isoformat(), token))


def release(conn: sqlite3.Connection, token: str) -> None:
    """Give the ledger up; only our own claim is removed."""
    conn.execute(f"DELETE FROM {TABLE} WHERE id = 1 AND token = ?", (token,))


def forget_in_copy(conn: sqlite3.Connection) -> None:
    """A backup must not carry the claim of the program that made it."""
    try:
        conn.execute(f"DELETE FROM {TABLE}")
        conn.commit()
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise
