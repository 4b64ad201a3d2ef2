"""Application start-up: Qt, right-to-left Hebrew locale, the database, the main window."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox


def create_application(argv: list[str] | None = None, lang: str | None = None) -> QApplication:
    """The QApplication, its language and direction set before any widget exists."""
    from ui import i18n

    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Gvia")
    app.setOrganizationName("Gvia")
    i18n.install_qt(app, i18n.set_language(lang))
    return app


def run_app(db_path: Path | None, lang: str | None = None) -> int:
    app = create_application(lang=lang)
    from models.db import default_db_path, open_database
    from models.errors import DatabaseOpenError
    from ui.main_window import MainWindow

    try:
        opened = open_database(db_path or default_db_path())
    except DatabaseOpenError as exc:
        QMessageBox.critical(None, "גבייה", str(exc))
        return 2
    window = MainWindow(opened)
    window.show()
    try:
        return app.exec()
    finally:
        opened.close()
