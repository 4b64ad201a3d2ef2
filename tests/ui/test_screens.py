"""The main window's screens are one list (ui/screens.py) whose every class is imported by
a plain import statement, so a freezing tool's analysis finds each screen; the window
builds its side list from it and imports nothing by name."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from ui.screens import SCREENS

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("isolated")


def _imports(path: Path) -> dict[str, set[str]]:
    """module -> names imported from it, every `from … import …` of the file."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.setdefault(node.module, set()).update(a.name for a in node.names)
    return found


def test_the_screens_in_menu_order():
    assert [s.key for s in SCREENS] == ["today", "clients", "invoices", "aging", "letters",
                                        "settings"]


def test_every_screen_module_is_listed_and_imported_plainly():
    views = {".".join(p.relative_to(ROOT).with_suffix("").parts)
             for p in (ROOT / "ui").glob("*/*_view.py") if p.parent.name != "widgets"}
    imports = _imports(ROOT / "ui" / "screens.py")
    assert views <= set(imports)  # the analysis sees every screen's module
    for screen in SCREENS:
        cls = screen.view_class()
        assert issubclass(cls, QWidget) and cls.__name__ == screen.class_name
        assert screen.class_name in imports[cls.__module__]
        assert screen.title()  # translated when shown


def test_the_window_imports_no_screen_by_name():
    source = (ROOT / "ui" / "main_window.py").read_text("utf-8")
    assert "import_module" not in source and "find_spec" not in source
    assert "ui.screens" in _imports(ROOT / "ui" / "main_window.py")


def test_the_window_lists_the_screens(qtbot, db):
    from ui.main_window import MainWindow

    window = MainWindow(db)
    qtbot.addWidget(window)
    assert [s.key for s in window.screens] == [s.key for s in SCREENS]
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == \
        [s.title() for s in SCREENS]
    window.go_to("aging")
    assert type(window.stack.currentWidget()).__name__ == "AgingView"


def test_help_about_names_the_version(qtbot, db, monkeypatch):
    from models.common.version import app_version
    from ui import main_window
    from ui.main_window import MainWindow

    shown = []
    monkeypatch.setattr(main_window.QMessageBox, "about",
                        staticmethod(lambda parent, title, text: shown.append(text)))
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.about()
    assert shown and f"גרסה {app_version()}" in shown[0]
