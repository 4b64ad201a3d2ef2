"""Every letter kind, read back from the PDF: words in logical order, amounts as babel
writes them, deadline, embedded font, page count, no missing glyphs, address in the window."""
import datetime as dt
import subprocess

import pytest
from factory import add_clients, setup_business
from pdfcheck import fonts, has_phrase, page_count, pdf_text, words

from models.common.errors import ValidationError
from models.common.money import format_money
from models.common.text import strip_marks
from models.ledger import services
from models.letters.archive import Letter, archive_dir, letters_for_client
from reports.batch import produce_letters, select_clients
from reports.fonts import font_covers, printable
from reports.letters import NothingToSend

AS_OF = dt.date(2026, 11, 22)


@pytest.fixture
def ledger(db):
    setup_business(interest_rate_percent="4.5", collection_costs_agorot=15000,
                   show_hebrew_date=True, signer_name="דנה לוי")
    acme = services.add_client(name="Acme Ltd (Israel) בע\"מ", kind="company",
                               address="דרך מנחם בגין 132", city="תל אביב", zip="6701101")
    for i in range(3):
        services.add_invoice(acme.id, f"INV-2026/{i + 10}", dt.date(2026, 6, 1) + dt.timedelta(days=30 * i),
                             "1234.50")
    services.record_payment(acme.id, dt.date(2026, 10, 1), "234.50", reference="R1")
    person = services.add_client(name="ישראל ישראלי", kind="person", address="הנביאים 5",
                                 city="ירושלים")
    services.add_invoice(person.id, "7001", dt.date(2026, 8, 1), "2500")
    return acme, person


def _one(kind, client, as_of=AS_OF):
    result = produce_letters(kind, [client.id], as_of, strict=True)
    return result.archive_path, pdf_text(result.archive_path)


def test_reminder_text_amounts_and_font(ledger):
    acme, _ = ledger
    path, text = _one("reminder", acme)
    w = words(text)
    assert {"Acme", "Ltd", "Israel", 'בע"מ', "INV-2026/10", "INV-2026/12", "תזכורת"} <= set(w)
    total = strip_marks(format_money(3 * 123450 - 23450))  # 3,469.00 ₪ as babel writes it
    assert total.split("\xa0")[0] in text and "₪" in text
    assert "22/11/2026" in text
    assert fonts(path) == {("Heebo-Regular", True), ("Heebo-Bold", True)}
    assert page_count(path) == 1


def test_logical_order_of_a_sentence(ledger):
    acme, _ = ledger
    _, text = _one("reminder", acme)
    assert has_phrase(text, "מועד התשלום של 3 החשבוניות המפורטות להלן עבר, והן עדיין פתוחות "
                            "אצלנו")
    # the payment that came after the first due date is stated, and no earlier letter is
    # claimed: the archive holds none
    assert has_phrase(text, "ביום 01/10/2026 התקבל תשלום חלקי של")
    assert not has_phrase(text, "במכתבנו") and not has_phrase(text, "לא התקבל")


def test_final_warning_has_deadline_interest_costs_and_registered_line(ledger):
    acme, _ = ledger
    path, text = _one("final-warning", acme)
    flat = " ".join(text.split())
    assert "06/12/2026" in flat  # 22/11 + 14 days, a Sunday
    assert "בדואר רשום" in flat
    assert has_phrase(text, "ריבית חוזית בשיעור 4.5% לשנה")
    assert "150.00" in flat and "הוצאות גבייה" in flat
    (letter,) = [l for l in letters_for_client(acme.id) if l.kind == "final-warning"]
    assert letter.deadline_date == dt.date(2026, 12, 6)
    assert letter.path == path and path.parent == archive_dir()


def test_statement_balances(ledger):
    acme, _ = ledger
    _, text = _one("statement", acme)
    flat = " ".join(text.split())
    assert "יתרת פתיחה" in flat and "יתרת סגירה" in flat
    assert "3,469.00" in flat and "234.50" in flat and "3,703.50" in flat


def test_debt_notice_then_the_gate(ledger):
    _, person = ledger
    with pytest.raises(ValidationError, match="טרם נשלחה הודעת חוב"):
        produce_letters("reminder", [person.id], AS_OF, strict=True)
    _, text = _one("debt-notice", person)
    assert has_phrase(text, "לחוק הגנת הצרכן") and "ישראל ישראלי" in text
    assert "2,500.00" in text
    with pytest.raises(ValidationError, match="06/12/2026"):
        produce_letters("reminder", [person.id], AS_OF, strict=True)
    _, text = _one("reminder", person, AS_OF + dt.timedelta(days=14))
    assert "ישראל ישראלי" in text


def test_paid_in_full_only_when_nothing_is_owed(ledger):
    acme, _ = ledger
    with pytest.raises(ValidationError, match="יתרה פתוחה"):
        produce_letters("paid-in-full", [acme.id], AS_OF, strict=True)
    services.record_payment(acme.id, dt.date(2026, 11, 15), "3469", reference="R2")
    assert select_clients("paid-in-full", AS_OF) == [acme.id]
    _, text = _one("paid-in-full", acme)
    assert "15/11/2026" in text and "אין יתרת חוב פתוחה" in " ".join(text.split())
    assert select_clients("paid-in-full", AS_OF) == []  # confirmed once


def test_all_selects_by_kind(ledger):
    acme, person = ledger
    # --all asks the dunning plan: acme is months overdue with nothing sent, so its step is
    # the final warning (never a reminder that late); the person first gets the debt notice
    assert select_clients("reminder", AS_OF) == []
    assert select_clients("final-warning", AS_OF) == [acme.id]
    assert select_clients("debt-notice", AS_OF) == [person.id]
    assert select_clients("statement", AS_OF) == [acme.id, person.id]
    result = produce_letters("final-warning", select_clients("final-warning", AS_OF), AS_OF)
    assert result.written == 1 and result.skipped == []


def test_long_letter_gets_page_numbers(db):
    setup_business()
    (cid,) = add_clients(["לקוח עם הרבה חשבונות"], invoices_each=100,
                         first_issue=dt.date(2020, 1, 1))
    result = produce_letters("reminder", [cid], AS_OF, strict=True)
    pages = page_count(result.archive_path)
    assert pages >= 3
    assert has_phrase(pdf_text(result.archive_path, 1), f"עמוד 1 מתוך {pages}")
    last = pdf_text(result.archive_path, pages)
    assert has_phrase(last, f"עמוד {pages} מתוך {pages}") and has_phrase(last, "בכבוד רב")
    assert Letter.get().page_count == pages


def test_every_drawn_character_has_a_glyph(ledger, tmp_path):
    from models.ledger.clients import Client

    acme, _ = ledger
    with pytest.raises(ValidationError, match="😀"):  # refused where it is typed …
        services.update_client(acme.id, name="שם 😀 עם 中文 וניקוד שָׁלוֹם")
    path, text = _one("reminder", acme)
    assert font_covers(text.replace("\n", " ").replace("\x0c", ""))
    # … a name stored before that check gets no letter (the characters are named) …
    Client.update(name="שם 😀 עם 中文 וניקוד שָׁלוֹם").where(Client.id == acme.id).execute()
    with pytest.raises(NothingToSend, match="😀 中 文"):
        _one("reminder", acme, AS_OF + dt.timedelta(days=10))
    # … and where it is printed anyway (a list, a label) a '?' stands in, never a box.
    assert printable("שם 😀 中") == "שם ? ?"


def test_rendered_page_has_the_address_inside_the_window(ledger, tmp_path):
    from PIL import Image

    acme, _ = ledger
    path, _ = _one("reminder", acme)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    per_mm = image.width / 210
    window = image.crop((int(20 * per_mm), int(45 * per_mm), int(105 * per_mm), int(90 * per_mm)))
    below_window = image.crop((int(20 * per_mm), int(91 * per_mm), int(105 * per_mm),
                               int(99 * per_mm)))
    assert window.getextrema()[0] < 100  # dark text inside the DIN window
    assert below_window.getextrema()[0] > 200  # and nothing spilling out below it


def test_calibration_page_and_address_labels(ledger, tmp_path):
    from models.letters.archive import LetterSettings
    from reports.mailing import label_addresses, render_calibration_page, render_labels

    acme, person = ledger
    settings = LetterSettings(window_side="right", window_top_mm=50)
    render_calibration_page(tmp_path / "cal.pdf", settings)
    text = pdf_text(tmp_path / "cal.pdf")
    assert has_phrase(text, "כאן תופיע כתובת הנמען") and has_phrase(text, "מרחק מלמעלה: 50")
    addresses = label_addresses([acme.id, person.id]) * 13  # 26 labels: two sheets of 24
    assert render_labels(addresses, tmp_path / "labels.pdf", settings) == 2
    assert page_count(tmp_path / "labels.pdf") == 2
    assert has_phrase(pdf_text(tmp_path / "labels.pdf", 2), "ישראל ישראלי")
