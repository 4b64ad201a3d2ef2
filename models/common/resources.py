"""Where the program's own files are: THE one place that knows, so a frozen bundle
(PyInstaller) finds them as a source checkout or an installed package does.

    app_root() -> Path           the folder that holds the packages (cli, models, ui …)
    resource_path(*parts) -> Path   a file or folder under resources/
    migrations_dir() -> Path     the numbered migration scripts (models/db/migrations)
    is_frozen() -> bool          running from a bundle

From source or an installed package the root is the folder above `models/` (the
repository, or site-packages where `resources` is installed beside `models`). Frozen,
it is the bundle's data folder: `sys._MEIPASS` (a one-folder build's `_internal`, or a
one-file build's unpacked copy), else the executable's folder. The build
(packaging/) copies resources/ and models/db/migrations/ there under the same names.

Nothing here finds a file through package metadata or an import of a data package:
a bundle carries neither.
"""
from __future__ import annotations

import sys
from pathlib import Path


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def app_root() -> Path:
    if is_frozen():
        bundle = getattr(sys, "_MEIPASS", None)
        return Path(bundle) if bundle else Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parents[2]


def resource_path(*parts: str) -> Path:
    """A path under resources/ (it may not exist: the caller says what is missing)."""
    return app_root().joinpath("resources", *parts)


def migrations_dir() -> Path:
    return app_root() / "models" / "db" / "migrations"
