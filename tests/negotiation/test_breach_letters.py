"""A settlement breach is in the contact log before a letter goes out on its basis: producing
letters (the command line, the app's batch: reports.batch.produce_letters) writes each
breach of the clients written to once, however many letters follow."""
import datetime as dt
import subprocess
import sys
from pathlib import Path

from models.contact.contact_log import ContactLogEntry
from models.ledger import services
from models.letters.archive import Letter
from models.negotiation import settlements as st
from models.negotiation.settlements import SettlementEvent
from reports.batch import produce_letters

ROOT = Path(__file__).resolve().parents[2]
SIGNED = dt.date(2026, 6, 15)
AS_OF = dt.date(2026, 11, 22)


def _breached_client(name: str):
    """Signed 15/06/2026 in 3 instalments (15/07, 16/08, 15/09); only the first was paid, so
    the settlement is breached from 20/08 (16/08 + 3 days' grace)."""
    client = services.add_client(name=name, kind="company", address="הרצל 1", city="חיפה")
    invoices = [services.add_invoice(client.id, f"{name[:2]}-{n}", dt.date(2026, 3, 1), "3000")
                for n in (1, 2)]
    s = st.create_settlement(client.id, [i.id for i in invoices], SIGNED, instalment_count=3)
    st.sign_settlement(s.id, SIGNED)
    st.record_instalment_payment(s.id, dt.date(2026, 7, 15), "2000")
    return client, s


def _breach_entries(client_id: int) -> list[tuple[dt.date, str]]:
    return [(e.occurred.date(), e.summary) for e in
            ContactLogEntry.select().where(ContactLogEntry.client == client_id)
            if "הופר" in e.summary]


def test_a_final_warning_from_the_command_line_logs_the_breach_once(tmp_path):
    from models.db.opening import open_database

    path = tmp_path / "gvia.db"
    with open_database(path):
        client, s = _breached_client("אלפא תקשורת בע\"מ")
        assert _breach_entries(client.id) == []  # nobody opened the settlement screen

    def final_warning(*extra):
        return subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "letters", "--db", str(path), "--kind",
             "final-warning", "--client", client.name, "--as-of", AS_OF.isoformat(),
             "--out", str(tmp_path / "warning.pdf"), *extra],
            capture_output=True, text=True, cwd=ROOT, timeout=120)

    done = final_warning()
    assert done.returncode == 0, done.stderr
    again = final_warning("--force")  # the same letter again, on purpose
    assert again.returncode == 0, again.stderr
    with open_database(path):
        assert Letter.select().where(Letter.kind == "final-warning").count() == 2
        (entry,) = _breach_entries(client.id)
        day, summary = entry
        assert day == dt.date(2026, 8, 20)  # dated the day the breach began
        assert "תשלום 2" in summary and "לפירעון מיידי" in summary
        assert [(e.kind, e.event_date, e.line_seq) for e in SettlementEvent.select()] == [
            ("breach", dt.date(2026, 8, 20), 2)]


def test_a_batch_logs_the_breaches_of_the_clients_written_to_only(db):
    written_to, _ = _breached_client("בטא הנדסה בע\"מ")
    left_out, _ = _breached_client("גמא שיווק בע\"מ")
    result = produce_letters("final-warning", [written_to.id], AS_OF, strict=True)
    assert result.written == 1
    assert [day for day, _ in _breach_entries(written_to.id)] == [dt.date(2026, 8, 20)]
    assert _breach_entries(left_out.id) == []  # not written to: its screen records it
    # a statement a week later: the breach is already in the log, nothing is added
    produce_letters("statement", [written_to.id, left_out.id], AS_OF + dt.timedelta(days=7))
    assert len(_breach_entries(written_to.id)) == 1
    assert len(_breach_entries(left_out.id)) == 1  # now written to, logged once


def test_a_cancelled_batch_logs_nothing(db):
    client, _ = _breached_client("דלתא בע\"מ")
    result = produce_letters("final-warning", [client.id], AS_OF, is_cancelled=lambda: True)
    assert result.cancelled and _breach_entries(client.id) == []


def test_a_settlement_kept_to_its_schedule_logs_nothing(db):
    client, s = _breached_client("הדר בע\"מ")
    st.record_instalment_payment(s.id, dt.date(2026, 8, 16), "2000")
    services.add_invoice(client.id, "OTHER-1", dt.date(2026, 5, 1), "800")  # outside it
    result = produce_letters("final-warning", [client.id], dt.date(2026, 9, 1), strict=True)
    assert result.written == 1 and _breach_entries(client.id) == []
