"""A desktop program's habits, for ui/app.py: the app icon and version, a ledger file
opened from the file manager, one window per database, errors shown not swallowed.

    install_desktop(app)               icon, version, file-open events, thread errors
    app_icon() -> QIcon                resources/icons/gvia-<size>.png (tools/make_icons.py)
    file_opened_at_start(app) -> Path | None   macOS: the file the program was opened with
    claim_window(app, path) -> bool    False: that database's window is open in another
                                       start, which was brought forward (end this one)
    attach_window(app, window, path)   the window to bring forward, and to compare with a
                                       file opened later
    bring_forward(window)

Windows and Linux pass an opened file on the command line (cli/launch.py turns it into
`--db`); macOS sends it to the running application as a QFileOpenEvent, also at start.
A file opened while a window is up: its own database brings the window forward, another
one starts a new window on it (a second process, as a second start would).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QProcess
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from models.common.logs import log
from models.common.resources import app_root, is_frozen, resource_path
from models.common.version import app_version

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    icon = QIcon()
    for size in ICON_SIZES:
        path = resource_path("icons", f"gvia-{size}.png")
        if path.is_file():
            icon.addFile(str(path))
    return icon


def same_file(a: Path, b: Path) -> bool:
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def bring_forward(window: QWidget) -> None:
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
    QApplication.alert(window)  # where the system keeps the focus, the taskbar flashes


def start_window_on(path: Path) -> bool:
    """A new program on another ledger (a file opened while this one is open)."""
    arguments = ["--db", str(path)]
    if not is_frozen():
        arguments = [str(app_root() / "main.py"), *arguments]
    started = QProcess.startDetached(sys.executable, arguments)
    return bool(started[0] if isinstance(started, tuple) else started)


class Desktop(QObject):
    """The application's file-open events and its window (one per process)."""

    def __init__(self, app: QApplication):
        super().__init__(app)
        self.window: QWidget | None = None
        self.path: Path | None = None
        self.pending: list[Path] = []
        self.server = None
        self.wants_window = False  # a second start asked before the window was up
        app.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.FileOpen:
            name = event.file() or event.url().toLocalFile()
            if name:
                self.open_file(Path(name))
            return True
        return False

    def open_file(self, path: Path) -> None:
        log.info("a file was opened from the file manager")
        if self.window is None:
            self.pending.append(path)
        elif self.path is not None and same_file(path, self.path):
            bring_forward(self.window)
        else:
            start_window_on(path)

    def activate(self) -> None:
        if self.window is None:
            self.wants_window = True
        else:
            bring_forward(self.window)


def desktop_of(app: QApplication) -> Desktop:
    desktop = getattr(app, "_gvia_desktop", None)
    if desktop is None:
        desktop = Desktop(app)
        app._gvia_desktop = desktop
    return desktop


def install_desktop(app: QApplication) -> None:
    from ui.crash import connect_thread_errors

    app.setApplicationVersion(app_version())
    app.setWindowIcon(app_icon())
    app.setDesktopFileName("gvia")
    desktop_of(app)
    connect_thread_errors(app)


def file_opened_at_start(app: QApplication) -> Path | None:
    """The ledger the program was started to open by a file-open event (macOS)."""
    desktop = desktop_of(app)
    if sys.platform == "darwin" and not desktop.pending:
        app.processEvents()  # the launch's event arrives with the first events
    return desktop.pending.pop(0) if desktop.pending else None


def claim_window(app: QApplication, path: Path) -> bool:
    from ui.single_instance import claim

    server = claim(path, app)
    if server is None:
        return False
    desktop = desktop_of(app)
    desktop.server = server
    server.activated.connect(desktop.activate)
    app.aboutToQuit.connect(server.close)  # a restart's new start must be able to listen
    return True


def attach_window(app: QApplication, window: QWidget, path: Path) -> None:
    desktop = desktop_of(app)
    desktop.window, desktop.path = window, path
    if desktop.wants_window:
        desktop.wants_window = False
        bring_forward(window)
    pending, desktop.pending = desktop.pending, []
    for path_opened in pending:
        desktop.open_file(path_opened)
