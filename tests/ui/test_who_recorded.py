"""Who made each row (migration 0014), on the screens: the client card's contact log and
payments and the letter archive each name the person who recorded a row, and say nothing
for a row made before authors were kept; on an office ledger the main window's status bar
says who is signed in and in which role (on a file it says nothing of the kind)."""
import datetime as dt
import re
import urllib.parse

import pytest
from PySide6.QtCore import Qt

from models.contact import contact_log
from models.db.opening import open_database
from models.db.postgres import roles
from models.ledger import services
from reports.batch import produce_letters
from tests.db.test_migration_0014 import _old_sqlite
from ui.background import wait_for_all
from ui.clients.client_card import ClientCard
from ui.collection.timeline import entry_html
from ui.letters.archive_widget import LetterArchiveWidget
from ui.main_window import MainWindow

AS_OF = dt.date(2026, 11, 22)
TIMEOUT = 10000
MARKS = re.compile("[\u200e\u200f\u2066-\u2069]")  # the direction marks around names

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture(autouse=True)
def settle():
    yield
    wait_for_all()  # no worker may outlive the database


def plain(text) -> str:
    return MARKS.sub("", text or "")


def by_column(model, row: int) -> str:
    """The "By" cell (על ידי) of a list of Columns, as the user reads it."""
    column = next(n for n, c in enumerate(model.columns) if c.header() == "על ידי")
    return plain(model.index(row, column).data())


def archive_by(model, row: int) -> str:
    return plain(model.index(row, model.Columns.BY).data())


def signed_in_as(monkeypatch, name: str) -> None:
    """The login name the computer gives (getpass reads LOGNAME first)."""
    monkeypatch.setenv("LOGNAME", name)


def load_archive(qtbot, widget):
    with qtbot.waitSignal(widget.loaded, timeout=TIMEOUT):
        widget.reload()


def test_the_card_names_who_recorded_each_payment_and_log_entry(qtbot, client, monkeypatch):
    services.add_invoice(client.id, "101", dt.date(2026, 8, 1), "1000")
    signed_in_as(monkeypatch, "dana")
    services.record_payment(client.id, dt.date(2026, 9, 1), "300")
    contact_log.log_contact(client.id, dt.datetime(2026, 9, 2, 10, 0), "phone",
                            summary="הבטיחו לשלם את היתרה")
    signed_in_as(monkeypatch, "yossi.k")
    services.record_payment(client.id, dt.date(2026, 10, 1), "200")

    card = ClientCard(client.id)
    qtbot.addWidget(card)
    payments = card.payments_model
    assert payments.headerData(len(payments.columns) - 1, Qt.Horizontal) == "על ידי"
    assert [by_column(payments, r) for r in range(payments.rowCount())] == ["yossi.k", "dana"]

    log = card.timeline.model
    assert log.rowCount() == 1
    assert by_column(log, 0) == "dana"
    detail = plain(entry_html(log.item_at(0)))
    assert "נרשם על ידי" in detail and "dana" in detail


def test_the_archive_names_who_recorded_each_letter(qtbot, client, monkeypatch):
    services.add_invoice(client.id, "101", dt.date(2026, 8, 1), "1000")
    signed_in_as(monkeypatch, "dana")
    produce_letters("reminder", [client.id], AS_OF)
    widget = LetterArchiveWidget()
    qtbot.addWidget(widget)
    load_archive(qtbot, widget)
    model = widget.model
    assert model.headerData(model.Columns.BY, Qt.Horizontal) == "על ידי"
    assert archive_by(model, 0) == "dana"

    # The letter in the client's timeline names its author too.
    card = ClientCard(client.id)
    qtbot.addWidget(card)
    letters = [r for r in range(card.timeline.model.rowCount())
               if card.timeline.model.item_at(r).source == "letter"]
    assert [by_column(card.timeline.model, r) for r in letters] == ["dana"]


def test_rows_made_before_authors_were_kept_show_no_author(qtbot, tmp_path, monkeypatch):
    """A ledger of the schema before 0014: its payment, log entry and letter have no
    author, and the screens leave the cell empty (no dash, no placeholder)."""
    signed_in_as(monkeypatch, "dana")
    opened = open_database(_old_sqlite(tmp_path / "old.db"))
    try:
        card = ClientCard(7)
        qtbot.addWidget(card)
        assert card.payments_model.rowCount() == 1
        assert by_column(card.payments_model, 0) == ""
        log = card.timeline.model
        assert {log.item_at(r).source for r in range(log.rowCount())} == {"log", "letter"}
        assert [by_column(log, r) for r in range(log.rowCount())] == ["", ""]
        assert "נרשם על ידי" not in entry_html(log.item_at(0))
        widget = LetterArchiveWidget()
        qtbot.addWidget(widget)
        load_archive(qtbot, widget)
        assert widget.model.rowCount() == 1 and archive_by(widget.model, 0) == ""

        services.record_payment(7, dt.date(2026, 10, 1), "100")  # recorded now: named
        card.refresh()
        assert [by_column(card.payments_model, r) for r in range(2)] == ["dana", ""]
    finally:
        wait_for_all()
        opened.close()


def test_a_file_ledgers_status_bar_names_no_person(qtbot, db, client):
    window = MainWindow(db)  # not shown: Today's background work is not at issue here
    qtbot.addWidget(window)
    assert window.person_label.isHidden() and window.person_label.text() == ""
    assert str(db.path) in window.db_label.text()  # the status bar as before


@pytest.fixture
def office(pg_server):
    """A set-up office ledger and a collector, dana_h, who signs in to it."""
    url = pg_server.new_ledger("who_recorded")
    with open_database(url) as admin:
        roles.setup(admin.db)
        roles.add_user(admin.db, "dana_h", "collector", "a long pass phrase")
    parts = urllib.parse.urlsplit(url)
    yield urllib.parse.urlunsplit(parts._replace(netloc="dana_h@"))
    pg_server.drop(url)
    with pg_server.admin() as conn:
        conn.execute('DROP ROLE IF EXISTS "dana_h"')


def test_an_office_ledgers_status_bar_says_who_is_signed_in_and_as_what(qtbot, office):
    opened = open_database(office)
    try:
        assert roles.signed_in(opened.db) == roles.SignedIn("dana_h", roles.COLLECTOR)
        window = MainWindow(opened)  # not shown: Today's background work is not at issue
        qtbot.addWidget(window)
        assert not window.person_label.isHidden()
        assert plain(window.person_label.text()) == "שם המשתמש: dana_h, תפקיד: גבייה"
        window.close()  # stops its listener to the server
    finally:
        wait_for_all()
        opened.close()
