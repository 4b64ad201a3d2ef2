"""The main window: navigation among the screens, menus, status bar."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow


class MainWindow(QMainWindow):
    def __init__(self, opened_db):
        super().__init__()
        self.opened_db = opened_db
        self.setWindowTitle("גבייה")
        self.resize(1100, 700)
        self.setCentralWidget(QLabel("ברוכים הבאים לגבייה"))
        self.statusBar().showMessage(f"מסד נתונים: {opened_db.path}")
