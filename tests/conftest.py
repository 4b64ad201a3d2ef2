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


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "gvia.db"


@pytest.fixture
def db(db_path):
    """An open, migrated, empty Gvia database in a temporary file."""
    from models.db.opening import open_database

    opened = open_database(db_path)
    yield opened
    opened.close()


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
