"""The contact log is evidence: append-only in the service layer and in SQLite itself,
corrections are new entries, attachments are copied, the timeline filters, the export
opens in Excel. Status changes are logged and kept."""
import datetime as dt
import sqlite3

import peewee
import pytest

from models.common.errors import GviaError, ValidationError
from models.contact.client_status import change_status, status_history
from models.contact.contact_log import (
    ContactAttachment,
    ContactLogEntry,
    attachment_file_name,
    correct_entry,
    database_folder,
    log_contact,
    log_csv_text,
    timeline,
)
from models.ledger import services
from models.ledger.clients import Client

WRITTEN = dt.datetime(2026, 12, 31, 12, 0)  # when the tests type their entries in


def _log(client_id, when, channel="phone", **kw):
    kw.setdefault("recorded_at", WRITTEN)
    return log_contact(client_id, when, channel, **kw)


@pytest.fixture
def call(client):
    return _log(client.id, dt.datetime(2026, 11, 20, 10, 30), summary="דיברתי עם רונית",
                open_questions="מתי יאשרו את החשבונית?", tactics=["procrastination"],
                minutes=12, follow_up_date=dt.date(2026, 11, 27))


def test_saved_entry_cannot_be_changed_or_deleted_through_the_model(call):
    call.summary = "נוסח אחר"
    with pytest.raises(GviaError):
        call.save()
    with pytest.raises(GviaError):
        call.delete_instance()
    with pytest.raises(GviaError):
        ContactLogEntry.update(summary="x").execute()
    assert ContactLogEntry.get_by_id(call.id).summary == "דיברתי עם רונית"


@pytest.mark.parametrize("sql", [
    "UPDATE contact_log SET summary = 'שונה' WHERE id = ?",
    "DELETE FROM contact_log WHERE id = ?",
])
def test_raw_sql_update_and_delete_are_refused_by_triggers(db, call, sql):
    with pytest.raises(peewee.IntegrityError, match="append-only"):
        db.db.execute_sql(sql, (call.id,))
    assert ContactLogEntry.get_by_id(call.id).summary == "דיברתי עם רונית"


def _another_program(db, db_path):
    """Another program's connection to the ledger (the file, or the server's database) and
    the error its refused change raises."""
    if db.path is None:
        import psycopg

        return psycopg.connect(db.url, autocommit=True), psycopg.IntegrityError
    return sqlite3.connect(db_path), sqlite3.IntegrityError


@pytest.mark.parametrize("table", ["contact_log", "contact_attachment", "promise",
                                   "client_status_change"])
def test_every_evidence_table_refuses_change_from_another_program(db, db_path, client, tmp_path,
                                                                   table):
    from models.contact.promises import record_promise

    source = tmp_path / "note.txt"
    source.write_text("x")
    entry = _log(client.id, dt.datetime(2026, 11, 20, 10, 0), attachments=[source])
    record_promise(entry.id, 500, dt.date(2026, 11, 30))
    change_status(client.id, "on_hold", reason="לא משלם", changed_at=dt.date(2026, 11, 20),
                  recorded_at=WRITTEN)
    other, refused = _another_program(db, db_path)
    try:
        with pytest.raises(refused, match="append-only"):
            other.execute(f"UPDATE {table} SET id = id + 1000")
        with pytest.raises(refused, match="append-only"):
            other.execute(f"DELETE FROM {table}")
        assert other.execute(f"SELECT count(*) FROM {table}").fetchone()[0] >= 1
    finally:
        other.close()


def test_correction_is_a_new_entry_and_both_show(client, call):
    fixed = correct_entry(call.id, summary="דיברתי עם רונית מהנהלת החשבונות", minutes=15,
                          recorded_at=WRITTEN)
    assert fixed.id != call.id and fixed.corrects_id == call.id
    assert fixed.open_questions == call.open_questions  # untouched fields carried over
    items = {i.id: i for i in timeline(client.id)}
    assert set(items) == {call.id, fixed.id}
    assert items[call.id].corrected_by == [fixed.id] and items[call.id].is_corrected
    assert items[fixed.id].corrects_id == call.id
    assert ContactLogEntry.get_by_id(call.id).minutes == 12


def test_timeline_filters_by_channel_dates_and_text(client, call):
    _log(client.id, dt.datetime(2026, 11, 5, 9, 0), "email", direction="out",
         summary="נשלח דף חשבון")
    _log(client.id, dt.datetime(2026, 11, 25, 16, 0), "meeting",
         summary="פגישה במשרד; טען שהעבודה לא הושלמה", tactics=["disputes_amount_quality"])
    assert [i.channel for i in timeline(client.id)] == ["meeting", "phone", "email"]
    assert [i.channel for i in timeline(client.id, newest_first=False)] == ["email", "phone", "meeting"]
    assert [i.channel for i in timeline(client.id, channels=["email"])] == ["email"]
    in_range = timeline(client.id, date_from=dt.date(2026, 11, 20), date_to=dt.date(2026, 11, 20))
    assert [i.id for i in in_range] == [call.id]
    # Text search ignores niqqud and finds tactic labels too.
    assert [i.id for i in timeline(client.id, text="רוֹנִית")] == [call.id]
    assert [i.channel for i in timeline(client.id, text="ערעור על הסכום")] == ["meeting"]


def test_letters_from_the_archive_appear_in_the_timeline(client, call):
    from models.letters.archive import (
        LetterRecord,
        record_letters,
        record_registered_mail,
    )

    from models.db.outputs import private_dir
    from models.letters.archive import archive_dir

    (private_dir(archive_dir()) / "a.pdf").write_bytes(b"%PDF-1.4 reminder")  # written first
    record_letters([LetterRecord(client.id, "reminder", dt.date(2026, 11, 21), dt.date(2026, 11, 21),
                                 "תזכורת לתשלום", 100000, "ILS", None, "a.pdf", 1, 1)])
    letter_id = client.letters[0].id
    record_registered_mail(letter_id, "RR123456789IL", dt.date(2026, 11, 23))
    letters = [i for i in timeline(client.id) if i.source == "letter"]
    assert len(letters) == 1
    assert letters[0].occurred_at.date() == dt.date(2026, 11, 23)  # the day it was sent
    assert letters[0].action == "reminder" and "RR123456789IL" in letters[0].summary
    assert timeline(client.id, channels=["phone"])[0].id == call.id


def test_bad_input_is_refused_in_hebrew_and_nothing_is_written(client):
    other = services.add_client(name="לקוח אחר")
    person = services.add_contact_person(other.id, "דנה")
    cases = [
        dict(channel="pigeon"),
        dict(direction="sideways"),
        dict(tactics=["bribery"]),
        dict(minutes=-5),
        dict(minutes="רבע שעה"),
        dict(follow_up_date=dt.date(2026, 11, 1)),
        dict(contact_person_id=person.id),
        dict(attachments=["/no/such/file.pdf"]),
    ]
    for case in cases:
        kwargs = dict(channel="phone", recorded_at=WRITTEN)
        kwargs.update(case)
        with pytest.raises(ValidationError) as info:
            log_contact(client.id, dt.datetime(2026, 11, 20, 10, 0), **kwargs)
        assert any("\u0590" <= ch <= "\u05ff" for ch in str(info.value)), case
    with pytest.raises(ValidationError, match="בעתיד"):
        log_contact(client.id, dt.datetime(2027, 3, 1), "phone", recorded_at=WRITTEN)
    assert ContactLogEntry.select().count() == 0


def test_attachments_are_copied_next_to_the_database_with_safe_names(db, client, tmp_path):
    source = tmp_path / 'הסכם "כהן" בע"מ.pdf'
    source.write_bytes(b"%PDF-1.4 evidence")
    entry = _log(client.id, dt.datetime(2026, 11, 20, 10, 0), "email", direction="in",
                 attachments=[source])
    att = ContactAttachment.get(ContactAttachment.entry == entry)
    stored = att.path()
    folder = db.path.parent if db.path is not None else database_folder()  # a server: cache
    assert stored.parent.parent == folder / "attachments"
    assert stored.read_bytes() == b"%PDF-1.4 evidence" and source.exists()
    assert '"' not in stored.name and att.original_name == source.name
    source.write_bytes(b"changed later")
    assert stored.read_bytes() == b"%PDF-1.4 evidence"  # a copy, not a link
    assert timeline(client.id)[0].attachments == [att.stored_path]


@pytest.mark.parametrize("name, expected", [
    ("con.txt", "_con.txt"),
    ("../../etc/passwd", "etc_passwd"),
    ("invoice\u202eFDP.exe", "invoice_FDP.exe"),
    ("...", "letter"),
])
def test_attachment_names_are_sanitised(name, expected):
    assert attachment_file_name(name) == expected


def test_export_is_csv_with_bom_and_neutralised_formulas(client, call):
    _log(client.id, dt.datetime(2026, 11, 21, 8, 0), "sms", summary="=HYPERLINK(\"x\")")
    text = log_csv_text()
    assert text.startswith("\ufeffentry_id,client_id,client,")
    assert "'=HYPERLINK" in text and "דחיינות" in text and "כהן ובניו" in text
    assert text.count("\r\n") == 3


def test_status_change_is_logged_kept_and_sets_the_client_status(client):
    change_status(client.id, "in_collection", reason="לא ענה לשתי תזכורות",
                  changed_at=dt.date(2026, 11, 10), recorded_at=WRITTEN)
    change_status(client.id, "handed_over", reason="הועבר לעו\"ד לוי",
                  changed_at=dt.date(2026, 12, 1), recorded_at=WRITTEN)
    # Recorded late but dated earlier: history grows, the current status stays the newest.
    change_status(client.id, "on_hold", reason="עצרנו עבודה חדשה",
                  changed_at=dt.date(2026, 11, 1), recorded_at=WRITTEN)
    assert Client.get_by_id(client.id).status == "handed_over"
    history = status_history(client.id)
    assert [h.new_status for h in history] == ["on_hold", "in_collection", "handed_over"]
    logged = [i for i in timeline(client.id) if i.action == "status"]
    assert len(logged) == 3 and "הועבר לעו\"ד לוי" in logged[0].summary


def test_status_change_needs_a_reason_and_a_real_change(client):
    with pytest.raises(ValidationError, match="סיבת"):
        change_status(client.id, "on_hold", reason="  ", changed_at=dt.date(2026, 11, 1))
    with pytest.raises(ValidationError, match="כבר"):
        change_status(client.id, "active", reason="שוב", changed_at=dt.date(2026, 11, 1))
    with pytest.raises(ValidationError):
        change_status(client.id, "vanished", reason="?", changed_at=dt.date(2026, 11, 1))
