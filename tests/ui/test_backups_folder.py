"""Settings → Backups: "Check the ledger" runs what `gvia check` runs, off the UI thread, and
names each problem as the command line does; "Back up to a folder…" writes a new copy into
any folder (a USB drive, a cloud folder), verifies it there, never writes over the ledger or
an earlier backup, can be cancelled, and remembers the folder."""
import datetime as dt
import sqlite3

import pytest

from main import main
from models.common.errors import GviaError
from models.db.connection import database
from models.db.backup import BackupCancelled, backup_database, backup_to_folder, verify_backup
from models.db.schema_check import check_database
from models.ledger import services
from ui.background import wait_for_all
from ui.settings import backups_page
from ui.settings.backups_page import FOLDER_KEY, BackupsPage
from ui.widgets.persist import app_settings

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def page(qtbot, db):
    widget = BackupsPage(db)
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    yield widget
    wait_for_all()


@pytest.fixture
def usb(tmp_path):
    folder = tmp_path / "USB drive"
    folder.mkdir()
    return folder


def test_check_the_ledger_says_it_is_sound(qtbot, page):
    with qtbot.waitSignal(page.check_finished, timeout=10000) as done:
        page.check_button.click()
        assert page.is_busy() and not page.check_button.isEnabled()  # off the UI thread
    assert done.args == [[]]
    assert page.check_result.text() == "מסד הנתונים תקין."
    assert not page.check_problems.isVisible()
    assert not page.is_busy() and page.check_button.isEnabled()


def test_check_the_ledger_names_problems_as_the_command_line_does(qtbot, page, db, capsys):
    client = services.add_client(name="כהן")
    services.add_invoice(client.id, "INV-1", dt.date(2026, 11, 1), "100")
    conn = db.db.connection()
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE invoice SET client_id = 999")  # an invoice of no client
    conn.execute("PRAGMA foreign_keys = ON")
    with qtbot.waitSignal(page.check_finished, timeout=10000) as done:
        page.check_ledger()
    problems = done.args[0]
    assert problems and problems == check_database(db.db, db.path.parent)
    assert "בעיה" in page.check_result.text()
    assert page.check_problems.isVisible()
    assert page.check_problems.text() == "\n".join(problems)
    # `gvia check` prints the same lines (after a note that the app has the ledger open).
    try:
        assert main(["check", "--db", str(db.path)]) != 0
    finally:
        database.initialize(db.db)  # the command's reader unbound the models on closing
    assert capsys.readouterr().err.strip().endswith("\n".join(problems))


def test_a_backup_to_a_chosen_folder_is_written_verified_and_remembered(qtbot, page, db, usb):
    services.add_client(name="לקוח בגיבוי")
    page.ask_folder = lambda: str(usb)
    with qtbot.waitSignal(page.backup_finished, timeout=10000) as done:
        page.folder_button.click()
    first = done.args[0]
    assert first.startswith(str(usb))
    assert sorted(p.name for p in usb.iterdir()) == [first.rsplit("/", 1)[-1]]  # no leftovers
    assert "ונבדק" in page.status.text()
    assert verify_backup(first) == []
    copy = sqlite3.connect(f"file:{first}?mode=ro", uri=True)
    try:
        assert copy.execute("SELECT name FROM client").fetchall() == [("לקוח בגיבוי",)]
    finally:
        copy.close()
    assert app_settings().value(FOLDER_KEY) == str(usb)
    assert page.remembered_folder() == str(usb)

    # A second backup is a new file; the first is untouched.
    before = open(first, "rb").read()
    with qtbot.waitSignal(page.backup_finished, timeout=10000) as again:
        page.back_up_to_folder(str(usb))
    assert again.args[0] != first
    assert len(list(usb.glob("*.db"))) == 2  # (reading the first above left its -shm)
    assert open(first, "rb").read() == before


def test_an_existing_backup_or_the_ledger_is_never_written_over(db, usb):
    first = backup_to_folder(db.db, db.path, usb)
    before = first.read_bytes()
    with pytest.raises(GviaError):
        backup_database(db.db, db.path, dest=first)
    with pytest.raises(GviaError):
        backup_database(db.db, db.path, dest=db.path)
    assert first.read_bytes() == before


def test_a_cancelled_backup_leaves_nothing_in_the_folder(db, usb):
    for n in range(12):  # a ledger of a few MB: the copy takes several steps
        services.add_client(name=f"לקוח {n}", notes="הערה " * 40000)
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2  # after the first pages were copied

    with pytest.raises(BackupCancelled) as err:
        backup_to_folder(db.db, db.path, usb, is_cancelled=cancelled)
    assert "בוטל" in str(err.value)
    assert list(usb.iterdir()) == []


def test_the_cancel_button_stops_a_folder_backup(qtbot, page, usb, monkeypatch):
    warned = []
    monkeypatch.setattr(backups_page.QMessageBox, "warning", lambda *args: warned.append(args))
    page.ask_folder = lambda: str(usb)
    page._cancel.set()
    page._cancel.clear = lambda: None  # pressed before the copy's first page
    with qtbot.waitSignal(page.failed, timeout=10000) as failed:
        page.back_up_to_folder()
    assert "בוטל" in failed.args[0] and "בוטל" in warned[0][2]  # said in a message box
    assert list(usb.iterdir()) == []
    assert not page.cancel_button.isVisible() and page.folder_button.isEnabled()


def test_a_damaged_copy_fails_verification(db, usb):
    copy = backup_to_folder(db.db, db.path, usb)
    data = bytearray(copy.read_bytes())
    data[4096 * 3: 4096 * 3 + 2000] = b"\xff" * 2000  # scribble over a page
    copy.write_bytes(bytes(data))
    assert verify_backup(copy)
    other = usb / "photo.db"
    other.write_bytes(sqlite3.sqlite_version.encode() * 500)
    assert verify_backup(other)


def test_a_missing_folder_is_explained(db, tmp_path):
    with pytest.raises(GviaError) as err:
        backup_to_folder(db.db, db.path, tmp_path / "unplugged")
    assert "unplugged" in str(err.value) and "לא נמצאה" in str(err.value)
