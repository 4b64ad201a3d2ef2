"""One window per database: a second start on a ledger that is already open brings that
window forward and ends, instead of opening a second window the writer lock would make
read-only.

The open program listens on a local socket (QLocalServer: a named pipe on Windows, a
Unix socket elsewhere) whose name is a hash of the user and the database's real path,
so two users, or two different ledgers, never meet; only this user may connect. A
second start connects, asks for the window, and exits 0. The single-writer lock
(models/db/writer_lock.py) stays as it is: this is about the window, not the data.

    instance_name(path) -> str
    claim(path, parent) -> InstanceServer | None   None: a program on that database was
                                        asked to show its window (this start should end)
    signal_running(name) -> bool
    InstanceServer(name, parent)        .activated (Signal), .close()
"""
from __future__ import annotations

import getpass
import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from models.common.logs import log

ACTIVATE = b"activate\n"
TIMEOUT_MS = 1500


def instance_name(path: Path | str) -> str:
    # A server's URL names its ledger as it is; a file, by its real path.
    real = path if "://" in str(path) else os.path.normcase(os.path.realpath(path))
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name to be had: the path alone
        user = ""
    digest = hashlib.sha256(os.fsencode(user) + b"\0" + os.fsencode(real)).hexdigest()
    return f"gvia-{digest[:24]}"


def _allow_foreground() -> None:
    """Windows lets only the program in front raise a window: let the first one do it."""
    if os.name == "nt":
        try:
            import ctypes

            ctypes.windll.user32.AllowSetForegroundWindow(-1)  # ASFW_ANY
        except Exception:  # noqa: BLE001 - the window then flashes in the taskbar instead
            pass


def signal_running(name: str, timeout_ms: int = TIMEOUT_MS) -> bool:
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    _allow_foreground()
    socket.write(ACTIVATE)
    sent = socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    return sent


class InstanceServer(QObject):
    """The open program's end: emits `activated` when a second start asks for it."""

    activated = Signal()

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.UserAccessOption)
        self.server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        return self.server.listen(self.name)

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if ACTIVATE.strip() in bytes(socket.readAll()):
            log.info("a second start on the open database: its window was brought forward")
            self.activated.emit()

    def close(self) -> None:
        self.server.close()


def claim(path: Path, parent: QObject | None = None) -> InstanceServer | None:
    """Become the program of this database, or ask the one that is to show itself.

    Returns the listening server, or None when another program has the database open
    (it was asked to bring its window forward). Should listening fail for another
    reason, the server is returned anyway: the program runs, only unguarded."""
    name = instance_name(path)
    if signal_running(name):
        return None
    server = InstanceServer(name, parent)
    if not server.listen():
        if signal_running(name):
            return None  # another start won the race: it has the window
        # A socket left by a program that ended without closing it: nobody answers.
        QLocalServer.removeServer(name)
        if not server.listen():
            log.warning("cannot listen for a second start: %s", server.server.errorString())
    return server
