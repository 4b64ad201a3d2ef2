"""The rows the screens list carry who recorded each one (migration 0014), read in the
same statement as the rest of the row: the client card's payments and timeline (log
entries and letters) and the letter archive. On a file the author is the computer's login
name; on a server, the role signed in."""
import datetime as dt

from models.contact import contact_log
from models.db.connection import database
from models.ledger import services
from models.letters.archive import archive_letter_ids, archive_rows
from models.queries.client_list import client_payments
from reports.batch import produce_letters

AS_OF = dt.date(2026, 11, 22)


def expected_author(engine: str) -> str:
    if engine == "sqlite":
        return "dana"  # LOGNAME, below
    return database.execute_sql("SELECT session_user").fetchone()[0]


def test_payments_timeline_and_archive_rows_name_their_author(db, engine, client,
                                                              monkeypatch):
    monkeypatch.setenv("LOGNAME", "dana")
    author = expected_author(engine)
    services.add_invoice(client.id, "101", dt.date(2026, 8, 1), "1000")
    services.record_payment(client.id, dt.date(2026, 9, 1), "300")
    contact_log.log_contact(client.id, dt.datetime(2026, 9, 2, 10, 0), "phone",
                            summary="שיחה על היתרה")
    produce_letters("reminder", [client.id], AS_OF)

    assert [p.created_by for p in client_payments(client.id)] == [author]
    items = contact_log.timeline(client.id)
    assert sorted((i.source, i.created_by) for i in items) == [("letter", author),
                                                               ("log", author)]
    rows = archive_rows(archive_letter_ids())
    assert [r.created_by for r in rows.values()] == [author]
    assert archive_letter_ids(sort="by") == list(rows)  # the "By" column sorts in SQL
