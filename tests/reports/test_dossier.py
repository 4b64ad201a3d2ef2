"""The case file PDF and the hand-over dossier: text in logical order, embedded font,
page counts, completeness (every invoice, payment, letter and log entry), the appended
letter pages, archive and log, hostile names printed literally."""
import datetime as dt

import pytest
from factory import setup_business
from pdfcheck import fonts, has_phrase, links_and_images, page_count, pdf_text, words

from models.contact.contact_log import log_contact, timeline
from models.db.settings import load_profile, save_profile
from models.ledger import services
from models.letters.archive import Letter, archive_dir, record_registered_mail
from models.negotiation.negotiations import (
    add_case_record,
    add_expense,
    add_relation,
    start_negotiation,
)
from reports.batch import produce_letters
from reports.case_file_pdf import write_case_file_pdf
from reports.dossier import write_dossier_pdf

AS_OF = dt.date(2026, 11, 22)


def _ledger(name='כהן ובניו בע"מ', invoices=4):
    setup_business()
    profile = load_profile()
    profile.hourly_rate_agorot = 30000
    save_profile(profile)
    client = services.add_client(name=name, kind="company", terms="שוטף+30")
    numbers = []
    for k in range(invoices):
        inv = services.add_invoice(client.id, f"D-{k + 1:03d}", dt.date(2026, 2, 1)
                                   + dt.timedelta(days=30 * k), f"{1000 + k}")
        numbers.append(inv.number)
    services.record_payment(client.id, dt.date(2026, 4, 15), "500", reference="TR-777")
    check = services.record_payment(client.id, dt.date(2026, 5, 1), "300", method="check",
                                    check_number="98765")
    services.bounce_payment(check.id, dt.date(2026, 5, 8))
    log_contact(client.id, dt.datetime(2026, 9, 1, 9, 30), "phone", contact_name="רונית",
                summary="הבטיחה לבדוק עם הנהלת החשבונות", minutes=15, tactics=["procrastination"])
    log_contact(client.id, dt.datetime(2026, 9, 20, 14, 0), "meeting", summary="פגישה במשרד הלקוח",
                minutes=60, tactics=["threats"])
    add_case_record(client.id, "complaint", dt.date(2026, 8, 1), "תלונה על עיכוב במסירה")
    add_relation(client.id, "client", "יעל", "decides")
    add_expense(client.id, dt.date(2026, 9, 2), "40", "דואר רשום")
    start_negotiation(client.id, dt.date(2026, 11, 1))
    reminder = produce_letters("reminder", [client.id], dt.date(2026, 10, 1), strict=True)
    warning = produce_letters("final-warning", [client.id], dt.date(2026, 10, 20), strict=True)
    record_registered_mail(Letter.get(Letter.kind == "final-warning").id, "RR555IL",
                           dt.date(2026, 10, 21))
    return client, numbers, reminder.pages + warning.pages


@pytest.fixture
def ledger(db):
    return _ledger()


def test_case_file_pdf_sections_font_and_figures(ledger, tmp_path):
    client, numbers, _ = ledger
    out = tmp_path / "case.pdf"
    pages = write_case_file_pdf(client.id, AS_OF, out)
    assert pages == page_count(out) >= 2
    text = pdf_text(out)
    w = words(text)
    assert fonts(out) == {("Heebo-Regular", True), ("Heebo-Bold", True)}
    for phrase in ("תיק הכנה למשא ומתן", "הסכומים הפתוחים", "היקף הקשר והתנהגות תשלום",
                   "מחלוקות, תלונות ותביעות", "מערכות יחסים", "עלות הגבייה עד כה",
                   "אפשרויות העברה לטיפול", "להמשיך כלקוח או לטפל כחייב",
                   "תלונה על עיכוב במסירה", "מקבל ההחלטות", "הערכה בלבד"):
        assert has_phrase(text, phrase), phrase
    assert set(numbers) - {"D-001"} <= set(w)          # open invoices listed (D-001 paid)
    assert "98765" in w                                   # the bounced check
    assert "75" in w and "דקות" in w                      # 15 + 60 minutes logged
    # 75 minutes × 300 ₪ = 375 ₪ + 40 ₪ expenses = 415 ₪
    assert "415.00" in text
    assert has_phrase(text, "איומים: 1")
    assert "Page" not in text and has_phrase(text, f"עמוד 1 מתוך {pages}")


def test_dossier_is_complete_and_has_the_letter_pages(ledger, tmp_path):
    client, numbers, letter_pages = ledger
    out = tmp_path / "dossier.pdf"
    path = write_dossier_pdf(client.id, AS_OF, out)
    assert path.parent == archive_dir() and path.is_file()
    assert out.read_bytes() == path.read_bytes()
    total = page_count(out)
    text = pdf_text(out)
    w = words(text)
    assert set(numbers) <= set(w)                                  # every invoice
    assert {"TR-777", "98765"} <= set(w)                           # every payment
    assert "15/04/2026" in text and "08/05/2026" in text           # payment and bounce dates
    assert "RR555IL" in text                                       # registered mail
    assert has_phrase(text, "הבטיחה לבדוק עם הנהלת החשבונות")       # every log entry
    assert has_phrase(text, "פגישה במשרד הלקוח")
    assert has_phrase(text, "ציר הזמן")
    assert fonts(out) >= {("Heebo-Regular", True), ("Heebo-Bold", True)}
    # the archived letters follow the dossier's own pages, in letter-date order
    own = total - letter_pages
    tail = pdf_text(out, own + 1, total)
    assert has_phrase(tail, "ייתכן שמדובר בהחמצה בלבד")              # the reminder's wording
    assert has_phrase(pdf_text(out, total, total), "התראה לפני נקיטת הליכים")  # the last letter
    assert not has_phrase(pdf_text(out, own, own), "ייתכן שמדובר בהחמצה בלבד")
    # and it is logged on the client
    logged = [i for i in timeline(client.id) if "תיק העברה" in i.summary]
    assert logged and path.name in logged[0].summary


def test_dossier_chronological_table_is_in_date_order(ledger, tmp_path):
    client, _, letter_pages = ledger
    out = tmp_path / "d.pdf"
    write_dossier_pdf(client.id, AS_OF, out)
    own = page_count(out) - letter_pages
    text = pdf_text(out, 1, own)
    timeline_part = text[text.index("ציר הזמן"):]
    days = [dt.datetime.strptime(d, "%d/%m/%Y").date()
            for d in __import__("re").findall(r"\d\d/\d\d/\d{4}", timeline_part)]
    event_days = [d for d in days if d != AS_OF]
    assert event_days[0] == dt.date(2026, 2, 1)
    # the date column runs forward (dates inside the details may be later)
    starts = __import__("re").findall(r"^(\d\d/\d\d/\d{4})", timeline_part, flags=8)
    parsed = [dt.datetime.strptime(d, "%d/%m/%Y").date() for d in starts]
    assert parsed == sorted(parsed)


def test_a_missing_archived_letter_is_listed_not_fatal(ledger, tmp_path):
    client, _, _ = ledger
    for letter in Letter.select():
        letter.path.unlink(missing_ok=True)
    out = tmp_path / "d.pdf"
    write_dossier_pdf(client.id, AS_OF, out)
    assert has_phrase(pdf_text(out), "הקובץ חסר בארכיון")


@pytest.mark.parametrize("name", ["A<B Ltd", "<a href=x>", "<img src=y>"])
def test_hostile_names_in_case_file_and_dossier(db, tmp_path, name):
    client, _, _ = _ledger(name, invoices=2)
    case = tmp_path / "case.pdf"
    write_case_file_pdf(client.id, AS_OF, case)
    dossier = tmp_path / "dossier.pdf"
    archived = write_dossier_pdf(client.id, AS_OF, dossier)
    for path in (case, dossier):
        assert links_and_images(path) == (0, 0)
        assert name.strip("<>") in pdf_text(path)
    assert archived.parent == archive_dir()
    assert "<" not in archived.name and ">" not in archived.name
