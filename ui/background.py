"""Run database work off the UI thread and hand the result back to it.

The window never freezes on a slow query, a backup or an export: the work runs on a
pool thread inside `models.db.connection.worker_connection()` (peewee connections are per thread),
and the result, an error or progress arrives back on the UI thread through a queued
signal. Callbacks of a widget that was closed in the meantime are dropped.
"""
from __future__ import annotations

import sys
import traceback
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

from ui.i18n import _

_pool: QThreadPool | None = None
_running: set["Task"] = set()  # keeps each Task alive until its result is delivered


def pool() -> QThreadPool:
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        # Two threads: a long aging query must not hold up a backup or an export.
        _pool.setMaxThreadCount(2)
        app = QCoreApplication.instance()
        if app is not None:
            # Before main() closes the database, let running work finish.
            app.aboutToQuit.connect(wait_for_all)
    return _pool


def wait_for_all(timeout_ms: int = -1) -> bool:
    """Block until background work is done (application exit, tests)."""
    return pool().waitForDone(timeout_ms)


class Task(QObject):
    """One piece of background work. Its signals are delivered on the UI thread."""

    _finished = Signal(object, object)  # (result, error), emitted from the pool thread
    _progressed = Signal(int, int)  # (done, total), emitted from the pool thread

    def __init__(self, owner: QObject | None, on_done: Callable[[Any], None] | None,
                 on_error: Callable[[str], None] | None,
                 on_progress: Callable[[int, int], None] | None = None):
        super().__init__()
        self._owner = owner
        self._on_done = on_done
        self._on_error = on_error
        self._on_progress = on_progress
        # Connected to our own methods: Task lives on the UI thread, so both are queued
        # and the callbacks run there (a bare lambda would run on the pool thread).
        self._finished.connect(self._deliver)
        self._progressed.connect(self._deliver_progress)

    def _owner_alive(self) -> bool:
        return self._owner is None or shiboken6.isValid(self._owner)

    def _deliver(self, result, error) -> None:
        _running.discard(self)
        if not self._owner_alive():
            return
        if error is None:
            if self._on_done:
                self._on_done(result)
        elif self._on_error:
            self._on_error(error)

    def _deliver_progress(self, done: int, total: int) -> None:
        if self._on_progress and self._owner_alive():
            self._on_progress(done, total)

    def report_progress(self, done: int, total: int) -> None:
        """Called from the pool thread."""
        self._progressed.emit(done, total)


class _Runnable(QRunnable):
    def __init__(self, task: Task, work: Callable[..., Any], wants_progress: bool):
        super().__init__()
        self.setAutoDelete(True)
        self._task = task
        self._work = work
        self._wants_progress = wants_progress

    def run(self) -> None:
        from models.common.errors import GviaError
        from models.db.connection import worker_connection

        result, error = None, None
        try:
            with worker_connection():
                if self._wants_progress:
                    result = self._work(self._task.report_progress)
                else:
                    result = self._work()
        except GviaError as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 — shown politely, logged for support
            traceback.print_exc(file=sys.stderr)
            error = _("Something went wrong: {error}").format(error=exc)
        self._task._finished.emit(result, error)


def run_in_background(work: Callable[..., Any], *, owner: QObject | None = None,
                      on_done: Callable[[Any], None] | None = None,
                      on_error: Callable[[str], None] | None = None,
                      on_progress: Callable[[int, int], None] | None = None) -> Task:
    """Run `work()` on a pool thread (`work(progress)` when `on_progress` is given).

    `on_done(result)` or `on_error(hebrew_message)` then runs on the UI thread, unless
    `owner` (usually the calling widget) was deleted meanwhile.
    """
    task = Task(owner, on_done, on_error, on_progress)
    _running.add(task)
    pool().start(_Runnable(task, work, on_progress is not None))
    return task
