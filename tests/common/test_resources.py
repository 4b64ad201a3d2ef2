"""The program finds its own files where a frozen bundle keeps them: migrations, letter
templates, catalogs and fonts come from models.common.resources, and a bundle that lacks
its migrations says so instead of failing on `max()` of nothing."""
from __future__ import annotations

import importlib
import shutil
import sys
from pathlib import Path

import peewee
import pytest

from models.common import resources

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bundle(tmp_path, monkeypatch):
    """A stand-in for a PyInstaller bundle: sys.frozen and sys._MEIPASS point at it."""
    folder = tmp_path / "_internal"
    folder.mkdir()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(folder), raising=False)
    yield folder
    from models.common import i18n

    # A catalog read from this empty bundle must not stay cached for the other tests.
    monkeypatch.undo()
    i18n.load_catalog.cache_clear()
    i18n.set_language(i18n.language())


def test_from_source_the_files_are_the_repository_s():
    assert not resources.is_frozen()
    assert resources.app_root() == ROOT
    assert resources.resource_path("locale") == ROOT / "resources" / "locale"
    assert resources.migrations_dir() == ROOT / "models" / "db" / "migrations"


def test_frozen_the_files_are_the_bundle_s(bundle):
    assert resources.is_frozen()
    assert resources.app_root() == bundle
    assert resources.resource_path("fonts", "x.ttf") == bundle / "resources" / "fonts" / "x.ttf"
    assert resources.migrations_dir() == bundle / "models" / "db" / "migrations"


def test_every_file_finder_asks_the_locator(bundle):
    from models.common import i18n
    from reports import fonts

    assert i18n.locale_dir() == bundle / "resources" / "locale"
    assert i18n.po_paths("he") == []  # nothing copied into this bundle yet
    with pytest.raises(Exception) as missing:
        fonts.font_files()
    assert "GviaHeebo-Regular.ttf" in str(missing.value) and str(bundle) in str(missing.value)


def test_migrations_are_listed_from_the_bundle_and_run_from_it(bundle, monkeypatch):
    shutil.copytree(ROOT / "models" / "db" / "migrations", bundle / "models" / "db" / "migrations",
                    ignore=shutil.ignore_patterns("__pycache__"))
    from models.db import connection

    # MIGRATIONS_DIR is read once, at import: as a frozen program's start would.
    monkeypatch.setattr(connection, "MIGRATIONS_DIR", resources.migrations_dir())
    names = connection.migration_names()
    source = sorted(p.stem for p in (ROOT / "models/db/migrations").glob("[0-9]*.py"))
    assert names == source and names[0] == "0001_initial"
    assert connection.schema_version() == int(source[-1][:4])
    db = peewee.SqliteDatabase(":memory:")
    db.connect()
    assert connection.migrate(db) == source  # every script ran, from the bundle's copy
    assert db.execute_sql("PRAGMA user_version").fetchone()[0] == int(source[-1][:4])


def test_a_bundle_without_migrations_says_so_plainly(bundle, monkeypatch, tmp_path):
    from models.common.errors import DatabaseOpenError
    from models.db.opening import open_database

    from models.db import connection

    # MIGRATIONS_DIR is read once, at import: as a frozen program's start would.
    monkeypatch.setattr(connection, "MIGRATIONS_DIR", resources.migrations_dir())
    with pytest.raises(DatabaseOpenError) as refused:
        connection.schema_version()
    message = str(refused.value)
    assert "incomplete" in message or "אינה שלמה" in message
    assert str(bundle / "models" / "db" / "migrations") in message
    with pytest.raises(DatabaseOpenError):  # opening a ledger stops there, nothing written
        open_database(tmp_path / "new.db")
    assert not (tmp_path / "new.db").exists() or (tmp_path / "new.db").stat().st_size == 0


def test_the_letter_templates_come_from_the_locator():
    templates = importlib.import_module("models.letters.templates")
    assert templates.TEMPLATE_DIR == resources.resource_path("templates")
    assert templates.default_template("reminder").strip()
