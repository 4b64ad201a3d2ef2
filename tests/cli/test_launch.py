"""How the program starts as a desktop program: `--version`, a ledger opened from the
file manager (`gvia PATH`), no console at all (a Windows windowed exe), and an
unexpected error on the command line (one line and the log, never a traceback)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import main as entry
from cli.arguments import build_parser
from cli.launch import command_names, with_file_argument
from models.common.version import __version__, app_version

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def log_folder(tmp_path, monkeypatch):
    from models.common import logs

    folder = tmp_path / "logs"
    monkeypatch.setenv("GVIA_LOG_DIR", str(folder))
    yield folder
    handler = logs._handler()
    if handler is not None:
        logs.log.removeHandler(handler)
        handler.close()


def run(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, **(env or {})})


def test_version_is_printed_and_is_the_one_constant():
    done = run("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"Gvia {app_version()}"
    import configparser

    setup = configparser.ConfigParser()
    setup.read(ROOT / "setup.cfg", encoding="utf-8")
    assert setup["metadata"]["version"] == __version__  # a frozen build's fallback agrees


def test_a_frozen_program_without_metadata_still_knows_its_version(monkeypatch):
    import importlib.metadata

    def no_metadata(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", no_metadata)
    assert app_version() == __version__


def test_a_ledger_path_where_a_command_would_be_opens_that_ledger(tmp_path):
    names = command_names(build_parser())
    assert {"demo", "check", "letters"} <= names
    ledger = str(tmp_path / "משרד.gvia")
    assert with_file_argument([ledger], names) == ["--db", ledger]
    assert with_file_argument(["--lang", "en", ledger], names) == ["--db", ledger, "--lang", "en"]
    other = tmp_path / "books.db"
    assert with_file_argument([str(other)], names) == ["--db", str(other)]
    # Commands, options and an explicit --db stay as they are.
    assert with_file_argument(["check", "--db", ledger], names) == ["check", "--db", ledger]
    assert with_file_argument(["--db", ledger], names) == ["--db", ledger]
    assert with_file_argument(["demo"], names) == ["demo"]
    assert with_file_argument([], names) == []


def test_a_ledger_opened_from_the_file_manager_starts_the_window_on_it(tmp_path, monkeypatch,
                                                                        log_folder):
    import threading

    import ui.app
    from ui import crash

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(crash, "qInstallMessageHandler", lambda handler: None)
    started = []
    monkeypatch.setattr(ui.app, "run_app", lambda db, lang=None: started.append(db) or 0)
    ledger = tmp_path / "client books.gvia"
    assert entry.main([str(ledger)]) == 0
    assert started == [ledger]
    assert sys.excepthook is crash._excepthook  # the window's errors reach the dialog


def test_no_console_at_all_does_not_crash_the_program(tmp_path, monkeypatch, db, log_folder):
    # A Windows windowed exe starts with sys.stdout and sys.stderr set to None.
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    assert entry.main(["check", "--db", str(db.path)]) == 0
    assert entry.main(["check", "--db", str(tmp_path / "missing.db")]) == 2  # an error line,
    assert sys.stdout is not None and sys.stderr is not None            # printed to nowhere


def test_an_unexpected_error_is_one_line_naming_the_log(monkeypatch, capsys, log_folder, db):
    def broken(args):
        raise KeyError("כהן ובניו")  # a bug, carrying a client's name

    monkeypatch.setattr(entry, "run_command", broken)
    monkeypatch.delenv("GVIA_DEBUG", raising=False)
    assert entry.main(["check", "--db", str(db.path)]) == entry.EXIT_UNEXPECTED == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "KeyError" in err and str(log_folder / "gvia.log") in err
    logged = (log_folder / "gvia.log").read_text("utf-8")
    assert "unexpected error in the command line: KeyError" in logged
    assert "in broken" in logged and "כהן" not in logged


def test_a_developer_gets_the_traceback_with_gvia_debug(monkeypatch, db, log_folder):
    monkeypatch.setattr(entry, "run_command", lambda args: {}["missing"])
    monkeypatch.setenv("GVIA_DEBUG", "1")
    with pytest.raises(KeyError):
        entry.main(["check", "--db", str(db.path)])
