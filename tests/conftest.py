"""Shared fixtures: a real temporary database file per test; Qt offscreen, right-to-left."""
import datetime as dt
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

AS_OF = dt.date(2026, 11, 22)


# The domain's tests run on both engines: the SQLite file and a PostgreSQL server.
BOTH_ENGINES = {"ledger", "queries", "contact", "prevention", "negotiation", "collection",
                "exchange", "demo", "db"}


def pytest_generate_tests(metafunc):
    folder = Path(str(metafunc.definition.fspath)).parent.name
    if ("db" in metafunc.fixturenames and folder in BOTH_ENGINES
            and not metafunc.definition.get_closest_marker("sqlite_only")):
        metafunc.parametrize("engine", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
def engine(request):
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL cluster for this run (tools/pg_cluster.py), or the one
    GVIA_TEST_POSTGRES names; a template ledger, migrated once, to copy per test."""
    from tests.pg import Server

    server = Server.start()
    yield server
    server.stop()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "gvia.db"


@pytest.fixture
def db(request, engine, db_path):
    """An open, migrated, empty Gvia ledger: a temporary file, or a fresh database on the
    test server."""
    from models.db.opening import open_database

    if engine != "postgres":
        opened = open_database(db_path)
        yield opened
        _close_screens(request)
        opened.close()
        return
    server = request.getfixturevalue("pg_server")
    # The office's files are read into the user's cache folder: this test's own.
    request.getfixturevalue("monkeypatch").setenv("XDG_CACHE_HOME", str(db_path.parent / "cache"))
    url = server.new_ledger(request.node.name)
    opened = open_database(url)
    yield opened
    _close_screens(request)
    opened.close()
    server.drop(url)


def _close_screens(request) -> None:
    """A screen test's widgets go, and its background queries end, while the ledger is
    still open: pytest tears `qtbot` down after `db` when the test asked for it first, and
    a table's pending refit or a finishing query would otherwise read a closed ledger."""
    if "qtbot" not in request.fixturenames:
        return
    from PySide6.QtCore import QCoreApplication, QEvent

    from ui.background import wait_for_all

    for ref, before_close in getattr(request.node, "qt_widgets", []):
        widget = ref()
        if widget is not None:
            if before_close is not None:
                before_close(widget)
            widget.close()
            widget.deleteLater()
    request.node.qt_widgets = []  # closed here, so not again by qtbot
    wait_for_all()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)


@pytest.fixture
def office(request, pg_server):
    """An open, migrated, empty ledger on the test server, whatever the engine of `db`."""
    from models.db.opening import open_database

    url = pg_server.new_ledger(request.node.name)
    opened = open_database(url)
    yield opened
    opened.close()
    pg_server.drop(url)


@pytest.fixture
def client(db):
    from models.ledger import services

    return services.add_client(name="כהן ובניו בע\"מ", kind="company", terms="שוטף+30")


@pytest.fixture(scope="session")
def qapp_cls():
    from PySide6.QtWidgets import QApplication
    return QApplication


@pytest.fixture(scope="session")
def qapp(qapp_args, qapp_cls, pytestconfig):
    from ui.app import create_application
    return create_application(qapp_args)
