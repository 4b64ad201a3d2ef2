"""The log a person fixing the program reads: a rotating file in the per-user log folder
with the errors' types and our own code's frames, and nothing personal (no client
names, amounts, nor paths outside the program)."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

from models.common import logs


@pytest.fixture
def log_folder(tmp_path, monkeypatch):
    folder = tmp_path / "logs"
    monkeypatch.setenv("GVIA_LOG_DIR", str(folder))
    yield folder
    handler = logs._handler()
    if handler is not None:
        logs.log.removeHandler(handler)
        handler.close()


def _raise_from_our_code(name: str):
    """An error raised inside the program's code, with a client's name in its message."""
    from cli.launch import with_file_argument

    try:
        with_file_argument(None, set())  # no list at all: our code fails on it
    except Exception as exc:  # noqa: BLE001
        raise RuntimeError(f"client {name} owes 12,345.67") from exc


def test_the_log_is_a_rotating_file_in_the_log_folder(log_folder):
    path = logs.start_logging("demo")
    assert path == log_folder / "gvia.log" and logs.current_log_path() == path
    assert logs.start_logging("demo") == path  # once is enough
    assert sum(getattr(h, "_gvia_log", False) for h in logs.log.handlers) == 1
    handler = logs._handler()
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    assert handler.maxBytes == logs.MAX_BYTES and handler.backupCount == logs.BACKUP_COUNT
    text = path.read_text("utf-8")
    assert "start demo: Gvia " in text and "Python " in text


def test_an_error_is_logged_with_our_frames_and_nothing_personal(log_folder, tmp_path):
    path = logs.start_logging("the window")
    name = "כהן ובניו בע\"מ"
    try:
        _raise_from_our_code(name)
    except RuntimeError:
        assert logs.log_exception(*sys.exc_info(), where="the window") == path
    text = path.read_text("utf-8")
    assert "unexpected error in the window: RuntimeError" in text
    assert "cli/launch.py:" in text and "in with_file_argument" in text  # our code, by path
    assert "which came from" in text and "TypeError" in text  # the cause too
    assert "[test_logs.py:" in text  # outside the program: the file's name only
    assert name not in text and "12,345.67" not in text  # the message is not written
    assert str(Path.home()) not in text.replace(str(log_folder), "")
    assert str(tmp_path) not in text


def test_a_log_folder_that_cannot_be_written_leaves_the_program_running(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("GVIA_LOG_DIR", str(blocker / "logs"))  # a folder inside a file
    assert logs.start_logging("demo") is None
    try:
        raise ValueError("x")
    except ValueError:
        assert logs.log_exception(*sys.exc_info(), where="test") is None  # and no crash


def test_missing_standard_streams_become_the_null_device(monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    logs.guard_streams()
    print("nobody reads this")
    sys.stdout.flush()
    assert not sys.stderr.isatty()
