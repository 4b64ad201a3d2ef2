"""The batch tab's "clients whose next dunning step is this letter": ticked, the search lists
only the clients the dunning plan has brought to that letter (in the background)."""
import datetime as dt

import pytest

from models.contact.contact_log import log_contact
from models.ledger import services
from ui.background import wait_for_all
from ui.letters.batch_page import BatchPage

AS_OF = dt.date(2026, 11, 22)
ISSUED = dt.date(2026, 9, 1)
TIMEOUT = 10000


@pytest.fixture(autouse=True)
def settle():
    yield
    wait_for_all()  # no worker may outlive the database file


def test_the_stage_choice_lists_only_clients_due_for_this_letter(qtbot, db, client):
    # כהן ובניו: 8 days overdue, reminder due. Acme: reminder already sent, waits for the
    # second reminder. A private person without a debt notice: the notice is due first.
    services.add_invoice(client.id, "A-1", ISSUED, "1000", due_date=AS_OF - dt.timedelta(days=8))
    acme = services.add_client(name="Acme Ltd.", kind="company")
    services.add_invoice(acme.id, "B-1", ISSUED, "700", due_date=AS_OF - dt.timedelta(days=10))
    log_contact(acme.id, AS_OF - dt.timedelta(days=2), "letter", action="reminder",
                recorded_at=dt.datetime(2026, 11, 22, 9))
    person = services.add_client(name="דנה לוי", kind="person")
    services.add_invoice(person.id, "P-1", ISSUED, "300", due_date=AS_OF - dt.timedelta(days=8))

    page = BatchPage()
    qtbot.addWidget(page)
    page.as_of.setDate(AS_OF)

    def find(kind: str) -> set[int]:
        page.kind.setCurrentIndex(page.kind.findData(kind))
        with qtbot.waitSignal(page.candidates_ready, timeout=TIMEOUT):
            page.find_candidates()
        return set(page.model.checked_ids())

    # The usual list asks the dunning engine too: only the clients at the reminder.
    assert find("reminder") == {client.id}
    page.at_stage.setChecked(True)
    assert find("reminder") == {client.id}
    assert find("debt-notice") == {person.id}
    assert find("second-reminder") == set()
    assert page.count_label.text() == "אין לקוח שצריך לקבל את המכתב הזה נכון לתאריך זה."
    # A statement is no dunning step: the choice is greyed out and the usual list is used.
    page.kind.setCurrentIndex(page.kind.findData("statement"))
    assert not page.at_stage.isEnabled() and not page.by_stage()
    assert find("statement") == {client.id, acme.id, person.id}


def test_the_same_letter_again_within_the_gap_asks_first(qtbot, db, client, monkeypatch):
    from models.letters.archive import Letter
    from ui.widgets import dialogs

    services.add_invoice(client.id, "A-1", ISSUED, "1000", due_date=AS_OF - dt.timedelta(days=8))
    page = BatchPage()
    qtbot.addWidget(page)
    page.as_of.setDate(AS_OF)
    page.kind.setCurrentIndex(page.kind.findData("reminder"))
    asked = []

    def produce(answer: bool):
        monkeypatch.setattr(dialogs, "confirm", lambda *args: asked.append(args[2]) or answer)
        page.model.set_candidates([])
        page.model.add(client.id, client.name)
        with qtbot.waitSignal(page.batch_finished, timeout=TIMEOUT) as finished:
            page.produce()
        return finished.args[0].result

    assert produce(False).written == 1 and asked == []  # the first time: no question
    page.model.add(client.id, client.name)
    with qtbot.waitSignal(page.failed, timeout=TIMEOUT):
        monkeypatch.setattr(dialogs, "confirm", lambda *args: asked.append(args[2]) or False)
        page.produce()  # declined: the client is skipped, so nothing is produced
    assert len(asked) == 1 and "כבר קיבל" in asked[0]
    assert Letter.select().count() == 1
    assert produce(True).written == 1  # "send again"
    assert Letter.select().count() == 2
