"""Application start-up: Qt, right-to-left Hebrew locale, the app's own font, a visible
focus ring (ui.widgets.focus_ring), the icon and a desktop program's habits (ui.desktop:
a file opened from the file manager, one window per database), the database, the main
window (and the welcome on first start)."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox


def load_app_font(app: QApplication) -> None:
    """Heebo (OFL), the letters' own font files (resources/fonts, reports.fonts): Hebrew,
    Latin and digits in one font, so the window does not depend on what fonts the system
    happens to have."""
    from PySide6.QtGui import QFont, QFontDatabase

    from models.common.errors import GviaError
    from models.common.logs import log
    from reports.fonts import font_files

    try:
        paths = font_files()
    except GviaError:  # an incomplete installation: the system font still shows Hebrew
        log.warning("the window's font files are missing")
        return
    families = []
    for path in paths:
        font_id = QFontDatabase.addApplicationFont(str(path))
        families += QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if families:
        font = QFont(families[0])
        font.setPointSizeF(max(app.font().pointSizeF(), 10.0))
        app.setFont(font)


def create_application(argv: list[str] | None = None, lang: str | None = None) -> QApplication:
    """The QApplication, its language and direction set before any widget exists."""
    from ui import i18n

    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Gvia")
    app.setOrganizationName("Gvia")
    i18n.install_qt(app, i18n.set_language(lang))
    load_app_font(app)
    from ui.widgets.focus_ring import install_focus_ring

    install_focus_ring(app)  # the widget with the keyboard focus is always visible
    from ui.style import apply_style

    apply_style(app)  # Gvia's tiles, empty states and state colours (ui.style)
    from ui.desktop import install_desktop

    install_desktop(app)  # icon, version, files opened from the file manager
    return app


def check_database_in_background(window) -> None:
    """A large database is scanned for damage after the window is up, not before."""
    from models.db.connection import quick_check
    from ui.background import run_in_background
    from ui.i18n import _

    def report(problems: list[str]) -> None:
        if problems:
            QMessageBox.warning(window, _("Gvia"), _(
                "The database check found damage ({details}). Restore a recent backup "
                "from Settings → Backups.").format(details="; ".join(problems[:3])))

    run_in_background(quick_check, owner=window, on_done=report)


def back_up_daily_in_background(window, opened) -> None:
    """The automatic daily backup, made after the window is up so start-up stays quick."""
    from models.db.backup import backup_if_due
    from ui.background import run_in_background

    def failed(message: str) -> None:
        window.statusBar().showMessage(message, 15000)

    run_in_background(lambda: backup_if_due(opened.db, opened.path), owner=window,
                      on_error=failed)


def quit_after_show(window) -> None:
    """With GVIA_QUIT_AFTER_SHOW=<file> (the smoke test of a frozen build, packaging/
    smoke.py): once the event loop has shown the window, write the time into <file> and
    close the window as a user would, so the program ends the normal way."""
    import os

    target = os.environ.get("GVIA_QUIT_AFTER_SHOW")
    if not target:
        return
    import time

    from PySide6.QtCore import QTimer

    def shown() -> None:
        Path(target).write_text(f"{time.time():.3f}\n", encoding="utf-8")
        window.close()

    QTimer.singleShot(0, shown)


def open_signed_in(target, attempts: int = 3):
    """Open the ledger; an office server that wants a password has it asked for (up to
    `attempts` times). None when the user cancelled the sign-in."""
    from models.db.opening import open_database
    from models.db.postgres.opening import PasswordNeeded
    from ui.open_database import ask_password

    password, reason = None, ""
    for _attempt in range(attempts):
        try:
            return open_database(target, password=password)
        except PasswordNeeded as exc:
            reason = str(exc) if password is not None else ""
            password = ask_password(None, str(target), reason)
            if password is None:
                return None
    return open_database(target, password=password)


def run_app(db_path: Path | None, lang: str | None = None) -> int:
    app = create_application(lang=lang)
    from models.common.errors import DatabaseOpenError, DatabaseReadOnlyError
    from models.db.connection import default_db_path
    from models.db.opening import open_database
    from ui import desktop
    from ui.i18n import _
    from ui.main_window import MainWindow
    from ui.open_database import forget_target, remembered_target
    from ui.welcome import WelcomeDialog, needs_welcome

    path = (db_path or desktop.file_opened_at_start(app) or remembered_target()
            or default_db_path())
    if not desktop.claim_window(app, path):
        return 0  # this database's window is open: it was brought forward instead
    try:
        try:
            opened = open_signed_in(path)
            if opened is None:
                return 0  # the sign-in to the office server was cancelled
        except DatabaseReadOnlyError as exc:
            # A read-only file stays read-only: open it for reading, and say so.
            opened = open_database(path, read_only=True)
            QMessageBox.information(None, _("Gvia"), _(
                "{reason}\n\nThe database was opened read-only: you can view everything, "
                "but changes cannot be saved.").format(reason=str(exc)))
    except DatabaseOpenError as exc:
        if str(path) == str(remembered_target()):
            forget_target()  # so the next start is not refused the same way
        QMessageBox.critical(None, _("Gvia"), str(exc))
        return 2
    try:
        window = MainWindow(opened)
        desktop.attach_window(app, window, path)
        window.show()
        if not opened.checked_fully:
            check_database_in_background(window)
        if not opened.read_only and not getattr(opened, "is_office", False):
            back_up_daily_in_background(window, opened)  # an office's: on its server
        if needs_welcome():
            WelcomeDialog.ask(window)
        quit_after_show(window)  # GVIA_QUIT_AFTER_SHOW: packaging/smoke.py
        return app.exec()
    finally:
        from ui.background import wait_for_all
        wait_for_all()
        opened.close()
