"""One window per database: a second start on the same ledger signals the open program,
which brings its window forward, and ends; another ledger gets its own program. A ledger
opened from the file manager on macOS (a QFileOpenEvent) opens it."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QFileOpenEvent, QIcon
from PySide6.QtWidgets import QApplication, QMainWindow

from ui import desktop
from ui.single_instance import claim, instance_name

pytestmark = pytest.mark.usefixtures("isolated", "fresh_desktop")


@pytest.fixture
def fresh_desktop(qapp, monkeypatch):
    """The application's desktop state as at start (the window of a test goes away)."""
    state = desktop.desktop_of(qapp)
    for name, value in (("window", None), ("path", None), ("pending", []), ("server", None),
                        ("wants_window", False)):
        monkeypatch.setattr(state, name, value)


@pytest.fixture
def servers():
    made = []
    yield made
    for server in made:
        server.close()


def test_the_name_is_the_database_s_real_path(tmp_path):
    ledger = tmp_path / "books.db"
    ledger.touch()
    (tmp_path / "link.db").symlink_to(ledger)
    assert instance_name(ledger) == instance_name(tmp_path / "link.db")
    assert instance_name(ledger) == instance_name(tmp_path / "sub" / ".." / "books.db")
    assert instance_name(ledger) != instance_name(tmp_path / "other.db")
    assert str(tmp_path) not in instance_name(ledger)  # a hash: no path in the name


def test_a_second_start_on_the_same_database_signals_the_first(qtbot, tmp_path, servers):
    ledger = tmp_path / "books.db"
    first = claim(ledger)
    assert first is not None
    servers.append(first)
    with qtbot.waitSignal(first.activated, timeout=5000):
        assert claim(ledger) is None  # the second start: it asked, and should end


def test_another_database_gets_its_own_program(qtbot, tmp_path, servers):
    first = claim(tmp_path / "books.db")
    other = claim(tmp_path / "other.db")
    servers.extend([first, other])
    assert first is not None and other is not None


def test_a_program_that_ended_without_closing_leaves_no_lock_on_the_window(qtbot, tmp_path,
                                                                            servers):
    ledger = tmp_path / "books.db"
    first = claim(ledger)
    first.close()  # it ended (or crashed): nobody answers on the name any more
    again = claim(ledger)
    assert again is not None
    servers.append(again)


def test_the_open_window_is_brought_forward(qtbot, qapp, tmp_path, servers):
    ledger = tmp_path / "books.db"
    window = QMainWindow()
    qtbot.addWidget(window)
    assert desktop.claim_window(qapp, ledger)
    servers.append(desktop.desktop_of(qapp).server)
    desktop.attach_window(qapp, window, ledger)
    window.showMinimized()
    with qtbot.waitSignal(desktop.desktop_of(qapp).server.activated, timeout=5000):
        assert not desktop.claim_window(qapp, ledger)  # a second start: end it
    qtbot.waitUntil(lambda: window.isVisible() and not window.isMinimized())


def test_a_file_opened_from_the_file_manager_opens_it(qtbot, qapp, tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(desktop, "start_window_on", started.append)
    ledger = tmp_path / "books.gvia"
    # At start (macOS sends the file as an event): it is the ledger to open.
    QApplication.sendEvent(qapp, QFileOpenEvent(QUrl.fromLocalFile(str(ledger))))
    assert desktop.file_opened_at_start(qapp) == ledger
    assert desktop.file_opened_at_start(qapp) is None
    # While its window is open: the same file brings it forward, another one gets its own.
    window = QMainWindow()
    qtbot.addWidget(window)
    desktop.attach_window(qapp, window, ledger)
    QApplication.sendEvent(qapp, QFileOpenEvent(str(ledger)))
    assert started == [] and window.isVisible()
    QApplication.sendEvent(qapp, QFileOpenEvent(str(tmp_path / "other.gvia")))
    assert started == [Path(tmp_path / "other.gvia")]


def test_the_application_has_the_icon_and_the_version(qapp):
    from models.common.version import app_version

    assert qapp.applicationVersion() == app_version()
    icon = qapp.windowIcon()
    assert isinstance(icon, QIcon) and not icon.isNull()
    sizes = {size.width() for size in icon.availableSizes()}
    assert {16, 32, 48, 256} <= sizes
