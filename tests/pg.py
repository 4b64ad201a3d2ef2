"""The PostgreSQL server the tests run against: a throwaway cluster started for the run
(tools/pg_cluster.py), or an existing server named by GVIA_TEST_POSTGRES (a superuser's
URL). Each test gets its own database, copied from a template ledger migrated once."""
from __future__ import annotations

import itertools
import os
import re
import shutil
import tempfile
import urllib.parse
from pathlib import Path

import psycopg

from tools import pg_cluster

TEMPLATE = "gvia_test_template"


class Server:
    def __init__(self, url: str, folder: Path | None):
        self.url = url  # a superuser's URL, on its maintenance database
        self.folder = folder  # the cluster started for this run, or None
        self._count = itertools.count(1)
        self._template_ready = False

    @classmethod
    def start(cls) -> "Server":
        given = os.environ.get("GVIA_TEST_POSTGRES")
        if given:
            return cls(given, None)
        # Not under pytest's own folders: those are private to us, and the server runs
        # as another account when we are root. A short path, too (a socket's is limited).
        folder = Path(tempfile.mkdtemp(prefix="gvia-pg-"))
        return cls(pg_cluster.start(folder), folder)

    def stop(self) -> None:
        if self.folder is not None:
            pg_cluster.stop(self.folder)
            shutil.rmtree(self.folder, ignore_errors=True)

    def url_of(self, dbname: str) -> str:
        parts = urllib.parse.urlsplit(self.url)
        return urllib.parse.urlunsplit(parts._replace(path="/" + dbname))

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True)

    def _make_template(self) -> None:
        from models.db.opening import open_database

        with self.admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        open_database(self.url_of(TEMPLATE)).close()
        self._template_ready = True

    def new_database(self, label: str, *, template: str = "template0") -> str:
        """An empty database (or a copy of `template`); its URL."""
        name = f"t{next(self._count)}_{re.sub(r'[^a-z0-9]+', '_', label.lower())}"[:60]
        with self.admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url_of(name)

    def new_ledger(self, label: str) -> str:
        """A fresh, migrated, empty Gvia ledger; its URL."""
        if not self._template_ready:
            self._make_template()
        return self.new_database(label, template=TEMPLATE)

    def drop(self, url: str) -> None:
        name = urllib.parse.urlsplit(url).path.lstrip("/")
        with self.admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
