"""Fixtures of the screen tests: each test keeps its window sizes in its own folder, sees
'today' as a fixed date, and leaves no background query running past its database."""
import datetime as dt

import pytest

AS_OF = dt.date(2026, 11, 22)


@pytest.fixture
def today() -> dt.date:
    """The date the app's clock gives; a test module may override this fixture."""
    return AS_OF


@pytest.fixture
def isolated(tmp_path, monkeypatch, qapp, today):
    """Use in a module with `pytestmark = pytest.mark.usefixtures("isolated")`."""
    from PySide6.QtCore import QSettings

    from ui.background import wait_for_all
    from ui.widgets import clock

    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "qsettings"))
    monkeypatch.setattr(clock, "today", lambda: today)
    yield
    wait_for_all()  # no background query may outlive the database file
