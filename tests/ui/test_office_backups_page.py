"""Settings → Backups on a ledger on the office server: there is no file on this computer
to copy, so the page says how the office's backups are made and restored (gvia backup /
restore, models/db/postgres/backup.py) and offers no button that would need a file."""
import pytest
from PySide6.QtWidgets import QLabel, QPushButton

from ui.settings.backups_page import BackupsPage

pytestmark = pytest.mark.usefixtures("isolated")



def test_the_page_of_an_office_ledger_names_the_commands_and_the_ledger(qtbot, office):
    page = BackupsPage(office)
    qtbot.addWidget(page)
    page.show()
    page.reload()  # the settings reload it on every visit

    note = page.findChild(QLabel, "officeBackups").text()
    assert "gvia backup --db" in note and "gvia restore --db" in note
    assert office.name in note
    assert page.findChildren(QPushButton) == [] and not page.is_busy()
