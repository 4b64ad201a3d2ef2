"""An unexpected error in the window is written to the log and shown in a dialog with the
summary, "Copy details" and the log's path, instead of the program dying silently; an
error of a background thread is shown by the window's thread; the same error is shown
once. The log keeps nothing personal."""
from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from models.common import logs
from ui import crash

pytestmark = pytest.mark.usefixtures("isolated")

CLIENT = "כהן ובניו בע\"מ"


@pytest.fixture
def log_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("GVIA_LOG_DIR", str(tmp_path / "logs"))
    logs.start_logging("the window")
    yield tmp_path / "logs"
    handler = logs._handler()
    if handler is not None:
        logs.log.removeHandler(handler)
        handler.close()


@pytest.fixture
def dialogs(monkeypatch):
    """The dialogs the handlers open (their exec() returns at once)."""
    shown = []

    def record(dialog):
        shown.append(dialog)
        return 0

    monkeypatch.setattr(crash.CrashDialog, "exec", record)
    monkeypatch.setattr(crash, "_shown", set())
    monkeypatch.setattr(crash, "_showing", False)
    return shown


def _error_in_a_slot():
    try:
        {"balance": 1}[CLIENT]  # a bug: the key is a client's name
    except KeyError:
        return sys.exc_info()


def test_an_error_in_the_window_is_logged_and_shown_with_its_details(qtbot, log_folder,
                                                                      dialogs):
    crash._excepthook(*_error_in_a_slot())
    logged = (log_folder / "gvia.log").read_text("utf-8")
    assert "unexpected error in the window: KeyError" in logged
    assert "in _error_in_a_slot" in logged and CLIENT not in logged

    (dialog,) = dialogs
    qtbot.addWidget(dialog)
    texts = "\n".join(label.text() for label in dialog.findChildren(QLabel))
    assert CLIENT in texts  # the summary the user reads
    assert str(log_folder / "gvia.log") in dialog.findChild(QLabel, "logPath").text()
    assert "Traceback" in dialog.details and "KeyError" in dialog.details
    assert dialog.details.startswith("Gvia ")  # version and system first
    assert dialog.text.toPlainText() == dialog.details

    dialog.copy_button.click()
    assert QApplication.clipboard().text() == dialog.details


def test_the_same_error_is_shown_once_and_logged_every_time(qtbot, log_folder, dialogs):
    for _ in range(3):
        crash._excepthook(*_error_in_a_slot())
    assert len(dialogs) == 1
    logged = (log_folder / "gvia.log").read_text("utf-8")
    assert logged.count("unexpected error in the window: KeyError") == 3
    for dialog in dialogs:
        qtbot.addWidget(dialog)


def test_an_error_in_a_background_thread_is_shown_by_the_window(qtbot, qapp, log_folder,
                                                                  dialogs, monkeypatch):
    monkeypatch.setattr(threading, "excepthook", crash._thread_excepthook)
    crash.connect_thread_errors(qapp)

    def work():
        raise ZeroDivisionError("1,234.56 / 0")

    worker = threading.Thread(target=work, name="letters")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(dialogs) == 1)
    qtbot.addWidget(dialogs[0])
    assert "1,234.56 / 0" in dialogs[0].details
    logged = (log_folder / "gvia.log").read_text("utf-8")
    assert "unexpected error in letters: ZeroDivisionError" in logged
    assert "1,234.56" not in logged


def test_the_handlers_are_installed_for_the_window(monkeypatch):
    installed = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(crash, "qInstallMessageHandler", installed.append)
    crash.install_crash_handlers()
    assert sys.excepthook is crash._excepthook
    assert threading.excepthook is crash._thread_excepthook
    assert installed == [crash._qt_messages]


def test_a_start_that_fails_shows_the_dialog(qtbot, log_folder, dialogs, capsys):
    try:
        raise RuntimeError("the window could not be built")
    except RuntimeError as exc:
        crash.show_fatal(exc)
    assert len(dialogs) == 1
    qtbot.addWidget(dialogs[0])
    assert "Traceback" in dialogs[0].details
    assert "the window could not be built" in capsys.readouterr().err
    assert "unexpected error in the start: RuntimeError" in \
        (log_folder / "gvia.log").read_text("utf-8")
