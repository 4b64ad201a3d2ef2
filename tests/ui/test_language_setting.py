"""Settings → Language: the choice is kept in the user's QSettings and read at start when no
--lang flag is given (the flag still wins); after a change the page offers to restart now
or later, and a restart starts the same command again without its --lang flag."""
import sys

import pytest
from PySide6.QtWidgets import QWidget

import ui.app
from main import main
from ui import i18n, restart
from ui.settings.language_page import LanguagePage
from ui.settings.settings_view import SettingsView

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def page(qtbot):
    widget = LanguagePage()
    qtbot.addWidget(widget)
    widget.restarts = []
    widget.restart_now = lambda: widget.restarts.append(True) or True
    return widget


@pytest.fixture
def started(monkeypatch):
    """main() as the window starts, recording the language run_app is given."""
    calls = []
    monkeypatch.setattr(ui.app, "run_app", lambda db, lang=None: calls.append(lang) or 0)
    yield calls
    i18n.set_language("he")


def test_the_settings_list_a_language_page(qtbot, db):
    view = SettingsView(db)
    qtbot.addWidget(view)
    assert view.tabs.tabText(view.tabs.indexOf(view.language_page)) == "שפה"


def test_never_chosen_the_app_starts_in_hebrew(page, started, db_path):
    assert i18n.stored_language() is None
    assert page.chosen() == "he"
    assert main(["--db", str(db_path)]) == 0
    assert started == [None]  # run_app's default: Hebrew


def test_the_chosen_language_is_read_at_start(page, started, db_path):
    page.ask_restart_now = lambda: False      # "Later"
    page.choose("en")
    assert i18n.stored_language() == "en"
    assert page.restarts == []
    assert "English" in page.message.text()
    assert main(["--db", str(db_path)]) == 0
    assert started == ["en"]
    assert main(["--db", str(db_path), "--lang", "he"]) == 0  # a flag still wins
    assert started == ["en", "he"]


def test_restart_now_is_offered_and_asked_for(page):
    asked = []
    page.ask_restart_now = lambda: asked.append(True) or True
    page.choose("en")
    assert asked == [True] and page.restarts == [True]
    page.choose("he")  # the language in force: nothing to restart
    assert asked == [True] and page.restarts == [True]
    assert i18n.stored_language() == "he"


def test_a_restart_runs_the_same_command_without_its_lang_flag(monkeypatch):
    monkeypatch.setattr(sys, "executable", "/usr/bin/python3")
    assert restart.restart_command(["python", "-X", "dev", "main.py", "--db", "/tmp/a b.db",
                                    "--lang", "en"]) == [
        "/usr/bin/python3", "-X", "dev", "main.py", "--db", "/tmp/a b.db"]
    assert restart.restart_command(["python", "main.py", "--lang=he"]) == [
        "/usr/bin/python3", "main.py"]


def test_a_window_that_refuses_to_close_stops_the_restart(qtbot, monkeypatch):
    class Stubborn(QWidget):
        def closeEvent(self, event):
            event.ignore()

    window = Stubborn()
    qtbot.addWidget(window)
    window.show()
    assert restart.request_restart() is False
    assert not restart.restart_requested()
    assert window.isVisible()
