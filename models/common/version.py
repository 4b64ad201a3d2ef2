"""The program's version, for `--version`, Help → About and the log.

`app_version()` asks the installed package's metadata first, so an installation says
what was installed; a frozen bundle carries no metadata and falls back to the constant.
The constant is setup.cfg's `version` (which the build, packaging/, reads too); a test
(tests/cli/test_launch.py) keeps the two the same.
"""
from __future__ import annotations

__version__ = "0.1.0"


def app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gvia")
    except PackageNotFoundError:
        return __version__
