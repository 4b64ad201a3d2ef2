"""The deadline rule, file names from client names, the archive and the registered-mail register."""
import datetime as dt

import pytest

from models.common.errors import ValidationError
from models.common.holidays import (
    deadline_date,
    hebrew_date,
    holiday_name,
    is_business_day,
)
from models.letters.archive import (
    Letter,
    LetterRecord,
    debt_notice_gate,
    letters_for_client,
    record_letters,
    record_refusal,
    record_registered_mail,
    record_return_receipt,
    safe_file_name,
)


def test_deadline_is_n_days_ahead_on_a_business_day():
    assert deadline_date(dt.date(2026, 11, 22), 14) == dt.date(2026, 12, 6)  # a Sunday


def test_deadline_moves_off_friday_and_saturday():
    assert deadline_date(dt.date(2026, 11, 20), 14) == dt.date(2026, 12, 6)  # Fri -> Sun
    assert deadline_date(dt.date(2026, 11, 21), 14) == dt.date(2026, 12, 6)  # Sat -> Sun


def test_deadline_moves_off_holidays():
    # 07/09/2026 + 14 = Yom Kippur 5787 (Monday 21/09/2026) -> Tuesday.
    assert holiday_name(dt.date(2026, 9, 21)) == "יום הכיפורים"
    assert deadline_date(dt.date(2026, 9, 7), 14) == dt.date(2026, 9, 22)
    # First day of Pesach 5787 is Thursday 22/04/2027: Thu, Fri, Sat -> Sunday.
    assert deadline_date(dt.date(2027, 4, 8), 14) == dt.date(2027, 4, 25)


@pytest.mark.parametrize("day", [dt.date(2024, 5, 14), dt.date(2025, 5, 1), dt.date(2026, 4, 22),
                                 dt.date(2028, 5, 2)])
def test_independence_day_follows_the_moving_rule(day):
    assert holiday_name(day) == "יום העצמאות"
    assert not is_business_day(day)


def test_hebrew_calendar_date():
    assert hebrew_date(dt.date(2026, 11, 22)) == "י״ב כסלו תשפ״ז"


@pytest.mark.parametrize("name, expected", [
    ('כהן בע"מ', "כהן בע_מ"), ("a/b\\c", "a_b_c"), ("../../etc/passwd", "etc_passwd"),
    ("CON", "_CON"), ("nul.txt", "_nul.txt"), ("name.", "name"), ("\u202eexe.pdf", "exe.pdf"),
    ("   ", "letter"), ("<a href=x>", "a href=x"),
])
def test_file_names_from_client_names_are_safe(name, expected):
    assert safe_file_name(name) == expected


def test_long_names_are_capped():
    assert len(safe_file_name("ש" * 300)) == 80


def _letter(client, kind="final-warning", day=dt.date(2026, 11, 22)):
    record_letters([LetterRecord(client.id, kind, day, day, "נושא", 100, "ILS", None,
                                 "x.pdf", 1, 1)])
    return Letter.select().order_by(Letter.id.desc()).get()


def test_registered_mail_register(client):
    letter = _letter(client)
    with pytest.raises(ValidationError, match="לא נרשם"):
        record_return_receipt(letter.id, dt.date(2026, 11, 30))
    record_registered_mail(letter.id, "RR 123 456 789 IL", dt.date(2026, 11, 23))
    with pytest.raises(ValidationError, match="כבר נרשם"):
        record_registered_mail(letter.id, "RR2", dt.date(2026, 11, 23))
    with pytest.raises(ValidationError, match="מוקדם"):
        record_return_receipt(letter.id, dt.date(2026, 11, 1))
    record_return_receipt(letter.id, dt.date(2026, 11, 29))
    with pytest.raises(ValidationError, match="אישור מסירה"):
        record_refusal(letter.id, dt.date(2026, 11, 30))
    (row,) = letters_for_client(client.id)
    assert row.registeredmail.registered_number == "RR123456789IL"
    assert row.registeredmail.receipt_date == dt.date(2026, 11, 29)


def test_consumer_gate_opens_14_days_after_the_notice_was_sent(db):
    from models.ledger import services

    person = services.add_client(name="ישראל ישראלי", kind="person")
    company = services.add_client(name="חברה בע\"מ", kind="company")
    assert debt_notice_gate(company, dt.date(2026, 11, 22), 14).is_open
    assert not debt_notice_gate(person, dt.date(2026, 11, 22), 14).is_open
    notice = _letter(person, "debt-notice", dt.date(2026, 11, 1))
    # Sent by registered mail two days after its date: the 14 days count from sending.
    record_registered_mail(notice.id, "RR1", dt.date(2026, 11, 3))
    assert not debt_notice_gate(person, dt.date(2026, 11, 16), 14).is_open
    gate = debt_notice_gate(person, dt.date(2026, 11, 17), 14)
    assert gate.is_open and gate.notice_sent == dt.date(2026, 11, 3)
