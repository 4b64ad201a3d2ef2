"""An unexpected error in the window: written to the log and shown in a dialog, instead
of the program dying silently (a windowed program has no console to print to).

    install_crash_handlers()     sys.excepthook, threading.excepthook, Qt's messages
    connect_thread_errors(app)   a background thread's error shown by the window's thread
    CrashDialog(summary, details, log_path)   the dialog ("Copy details", the log path)
    show_fatal(exc)              an error that ended the start: log, dialog, then exit

The log gets the error's type and traceback, never its message (models.common.logs);
the dialog shows the message to the user, who may copy every detail to send it on.
An error raised in a slot leaves the program running: the dialog says so, and the same
error is shown once (it is logged every time), so a failing repaint cannot open one
dialog after another. An error in a background thread is logged there and shown by the
window's thread.
"""
from __future__ import annotations

import sys
import threading
import traceback

from PySide6.QtCore import QObject, Qt, QtMsgType, Signal, qInstallMessageHandler
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from models.common.logs import current_log_path, log, log_exception
from models.common.version import app_version
from ui.i18n import _
from ui.widgets.bidi import path_text

_shown: set[tuple] = set()  # the errors already shown (type and where), this session
_showing = False


def summary_of(exc: BaseException) -> str:
    """One line for the user: the message, or the error's kind when it has none."""
    message = str(exc).strip().splitlines()
    return message[0] if message else type(exc).__name__


def details_of(exc_type, exc, tb) -> str:
    """What "Copy details" copies: version, system, the error and its full traceback."""
    import platform

    lines = [f"Gvia {app_version()}, Python {platform.python_version()}, "
             f"{platform.system()} {platform.release()}", ""]
    lines += traceback.format_exception(exc_type, exc, tb)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines).rstrip()


class CrashDialog(QDialog):
    def __init__(self, summary: str, details: str, log_file, parent=None):
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(_("Gvia — an unexpected error"))
        self.details = details
        layout = QVBoxLayout(self)
        heading = QLabel(_("Something went wrong: {summary}").format(summary=summary))
        heading.setWordWrap(True)
        heading.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(heading)
        advice = QLabel(_("What was saved before this is kept. If the error happens "
                          "again, copy the details and attach them to your report of it."))
        advice.setWordWrap(True)
        layout.addWidget(advice)
        if log_file is not None:
            where = QLabel(_("The error was written to the log: {path}").format(
                path=path_text(log_file)))
            where.setObjectName("logPath")
            where.setWordWrap(True)
            where.setTextInteractionFlags(Qt.TextSelectableByMouse)
            layout.addWidget(where)
        self.text = QPlainTextEdit(details)
        self.text.setReadOnly(True)
        self.text.setLayoutDirection(Qt.LeftToRight)  # a traceback reads left to right
        self.text.setMinimumSize(560, 180)
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.copy_button = QPushButton(_("Copy details"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        QApplication.clipboard().setText(self.details)
        self.copy_button.setText(_("Copied"))


def _show(exc_type, exc, tb, log_file) -> None:
    """The dialog, unless this error was shown already or a dialog is open (then the
    user gets one line on the console, where there is one)."""
    global _showing
    frames = traceback.extract_tb(tb)
    key = (exc_type, frames[-1].filename, frames[-1].lineno) if frames else (exc_type,)
    if QApplication.instance() is None or _showing or key in _shown:
        print(_("Error: {message}").format(message=summary_of(exc)), file=sys.stderr)
        return
    _shown.add(key)
    _showing = True
    try:
        CrashDialog(summary_of(exc), details_of(exc_type, exc, tb), log_file,
                    QApplication.activeWindow()).exec()
    finally:
        _showing = False


def _excepthook(exc_type, exc, tb) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    _show(exc_type, exc, tb, log_exception(exc_type, exc, tb, "the window"))


class _ThreadErrors(QObject):
    """Carries an error from a background thread to the window's thread."""
    raised = Signal(object, object, object)


_bridge: _ThreadErrors | None = None


def _thread_excepthook(args) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "a thread"
    log_exception(args.exc_type, args.exc_value, args.exc_traceback, name)
    if _bridge is not None:
        _bridge.raised.emit(args.exc_type, args.exc_value, args.exc_traceback)


def _show_thread_error(exc_type, exc, tb) -> None:
    _show(exc_type, exc, tb, current_log_path())


def _qt_messages(mode, context, message: str) -> None:
    """Qt's own messages: printed as Qt would, and the serious ones logged."""
    if mode in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
        log.error("Qt %s: %s", "fatal" if mode == QtMsgType.QtFatalMsg else "critical",
                  message)
        for handler in log.handlers:
            handler.flush()
    try:
        print(message, file=sys.stderr)
    except Exception:  # noqa: BLE001 - no console: the log has what matters
        pass


def install_crash_handlers() -> None:
    """Route every unexpected error to the log and the dialog (main.py, before the
    window starts; idempotent)."""
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
    qInstallMessageHandler(_qt_messages)


def connect_thread_errors(app: QApplication) -> None:
    """Errors of background threads are shown by the thread of `app` (ui/desktop.py)."""
    global _bridge
    try:
        current = _bridge.parent() if _bridge is not None else None
    except RuntimeError:  # the application it belonged to is gone
        current = None
    if current is not app:
        _bridge = _ThreadErrors(app)
        _bridge.raised.connect(_show_thread_error, Qt.QueuedConnection)


def show_fatal(exc: BaseException) -> None:
    """An error that ended the start (the window never opened): log it and show it."""
    exc_type, tb = type(exc), exc.__traceback__
    log_file = log_exception(exc_type, exc, tb, "the start")
    print(_("Error: {message}").format(message=summary_of(exc)), file=sys.stderr)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    CrashDialog(summary_of(exc), details_of(exc_type, exc, tb), log_file).exec()
    del app
