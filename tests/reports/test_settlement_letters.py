"""The settlement agreement and the meeting summary: content in logical order, the draft
marker, tables, clauses, signatures of both sides, archive and log, `--all` selection,
the command line, the template editor's sample, and hostile names."""
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from factory import setup_business
from pdfcheck import fonts, has_phrase, links_and_images, page_count, pdf_text, words

from models.contact.contact_log import timeline
from models.ledger import services
from models.letters.archive import LETTER_KINDS, Letter
from models.letters.templates import (
    BLOCKS,
    PLACEHOLDERS,
    default_template,
    placeholder_names,
)
from models.negotiation import settlements as st
from reports.batch import produce_letters, select_clients
from reports.draft import draft_letter, sample_letter
from reports.letters import NothingToSend

AS_OF = dt.date(2026, 11, 22)
AGREED = dt.date(2026, 11, 1)
ROOT = Path(__file__).resolve().parents[2]


def _ledger(name='כהן ובניו בע"מ', prefix="S"):
    client = services.add_client(name=name, kind="company", terms="שוטף+30",
                                 address="הרצל 1", city="חיפה", tax_id="")
    a = services.add_invoice(client.id, f"{prefix}-101", dt.date(2026, 3, 1), "6000")
    b = services.add_invoice(client.id, f"{prefix}-102", dt.date(2026, 6, 1), "4000")
    services.add_invoice(client.id, f"{prefix}-103", dt.date(2026, 10, 1), "700")  # ongoing
    from models.contact.contact_log import log_contact
    log_contact(client.id, dt.datetime(2026, 10, 28, 10, 0), "meeting", contact_name="משה לוי",
                summary="הלקוח הסכים לפרוס את החוב", open_questions="האם לשלם בשיקים דחויים")
    s = st.create_settlement(client.id, [a.id, b.id], AGREED, discount_agorot=50000,
                             down_payment_agorot=150000, instalment_count=5, method="check",
                             point_texts=["התשלומים יועברו עד ה-10 בכל חודש"])
    st.add_point(s.id, "עמלות ההעברה על החייב")
    return client, s


@pytest.fixture
def ledger(db):
    setup_business(signer_name="אור כהן")
    return _ledger()


def _sign(s):
    for p in st.points(s.id):
        st.set_point_agreed(p.id, True)
    return st.sign_settlement(s.id, dt.date(2026, 11, 2))


def _one(kind, client):
    result = produce_letters(kind, [client.id], AS_OF, strict=True)
    return result, pdf_text(result.archive_path)


def test_kinds_have_hebrew_names_and_valid_default_templates():
    assert LETTER_KINDS["settlement"] and LETTER_KINDS["meeting-summary"]
    for kind in ("settlement", "meeting-summary"):
        names = placeholder_names(default_template(kind))
        assert names and all(n in PLACEHOLDERS or n in BLOCKS for n in names)


def test_draft_settlement_is_marked_and_lists_open_points(ledger):
    client, s = ledger
    result, text = _one("settlement", client)
    w = words(text)
    assert "טיוטה" in w
    assert has_phrase(text, "מסמך זה אינו חתום ואינו מחייב עד שיחתמו עליו שני הצדדים")
    assert has_phrase(text, "עמלות ההעברה על החייב")   # the open point, to close first
    assert result.written == 1 and Letter.get().kind == "settlement"


def test_signed_settlement_has_every_part(ledger):
    client, s = ledger
    _sign(s)
    result, text = _one("settlement", client)
    w = words(text)
    assert "טיוטה" not in w
    assert {"S-101", "S-102"} <= set(w) and "S-103" not in w      # covered only
    assert "10,000.00" in text and "9,500.00" in text and "500.00" in text  # debt, settled, discount
    assert "1,500.00" in text and "1,600.00" in text               # down payment, instalments
    assert has_phrase(text, "סכום קבוע וסופי")
    assert has_phrase(text, "הוויתור מותנה")
    assert has_phrase(text, "סעיף האצה")
    assert has_phrase(text, "תעמוד כל יתרת החוב לפירעון מיידי")
    assert has_phrase(text, "חשבוניות אחרות, קיימות או עתידיות, ישולמו במועדן")
    assert has_phrase(text, "התשלומים יועברו עד")
    assert has_phrase(text, "חתימת הנושה") and has_phrase(text, "חתימת החייב")
    for day in ("01/12/2026", "01/04/2027"):
        assert day in text
    assert fonts(result.archive_path) == {("Heebo-Regular", True), ("Heebo-Bold", True)}
    assert page_count(result.archive_path) == result.pages
    # archived and on the client's timeline
    letter = Letter.get()
    assert letter.amount_agorot == 950000 and letter.deadline_date == dt.date(2027, 4, 1)
    assert any(i.source == "letter" and i.action == "settlement" for i in timeline(client.id))


def test_meeting_summary_has_date_participants_agreed_and_open(ledger):
    client, s = ledger
    st.set_point_agreed(st.points(s.id)[0].id, True)
    result, text = _one("meeting-summary", client)
    w = words(text)
    assert "טיוטה" not in w and "28/10/2026" in text
    assert has_phrase(text, "אור כהן") and has_phrase(text, "משה לוי")
    assert has_phrase(text, "הלקוח הסכים לפרוס את החוב")
    assert has_phrase(text, "האם לשלם בשיקים דחויים")
    assert has_phrase(text, "הנקודות שהוסכמו") and has_phrase(text, "התשלומים יועברו עד")
    assert has_phrase(text, "נקודות שעדיין פתוחות") and has_phrase(text, "עמלות ההעברה על החייב")
    assert text.count("חתימה") >= 2


def test_all_selects_signed_for_settlement_and_drafts_too_for_summary(db):
    setup_business()
    signed_client, s1 = _ledger("לקוח חתום")
    _sign(s1)
    draft_client, _ = _ledger("לקוח טיוטה", "D")
    services.add_client(name="לקוח בלי הסדר")
    assert select_clients("settlement", AS_OF) == [signed_client.id]
    assert select_clients("meeting-summary", AS_OF) == [signed_client.id, draft_client.id]
    result = produce_letters("meeting-summary", select_clients("meeting-summary", AS_OF), AS_OF)
    assert result.written == 2


def test_a_client_without_a_settlement_gets_nothing(db):
    setup_business()
    lonely = services.add_client(name="לקוח בלי הסדר")
    with pytest.raises(NothingToSend, match="אין"):
        produce_letters("settlement", [lonely.id], AS_OF, strict=True)
    with pytest.raises(NothingToSend):
        draft_letter("meeting-summary", lonely.id, AS_OF)


def test_cancelled_settlement_is_not_printed(ledger):
    client, s = ledger
    st.cancel_settlement(s.id, AS_OF, "הלקוח חזר בו")
    with pytest.raises(NothingToSend):
        produce_letters("settlement", [client.id], AS_OF, strict=True)


def test_template_editor_sample_and_draft_preview(ledger, tmp_path):
    client, _ = ledger
    for kind in ("settlement", "meeting-summary"):
        pdf = sample_letter(kind, AS_OF)
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(pdf)
        assert has_phrase(pdf_text(path), 'דוגמה בע"מ')
        assert draft_letter(kind, client.id, AS_OF).startswith(b"%PDF")
    assert Letter.select().count() == 0   # previews are not archived


@pytest.mark.parametrize("name", ["A<B Ltd", "<a href=x>", "<img src=y>"])
def test_hostile_names_print_literally(db, name):
    setup_business()
    client, s = _ledger(name)
    result = produce_letters("settlement", [client.id], AS_OF, strict=True)
    assert links_and_images(result.archive_path) == (0, 0)
    text = pdf_text(result.archive_path)
    core = name.strip("<>")
    assert core in text


def test_command_line_settlement_and_meeting_summary(tmp_path):
    from models.db.opening import open_database

    path = tmp_path / "gvia.db"
    with open_database(path):
        setup_business()
        client, s = _ledger()
        _sign(s)
        services.add_client(name="לקוח בלי הסדר")

    def run(*args):
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "letters", "--db", path,
                               *map(str, args), "--as-of", "2026-11-22"],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)

    out = tmp_path / "s.pdf"
    done = run("--kind", "settlement", "--all", "--out", out)
    assert done.returncode == 0, done.stderr
    assert has_phrase(pdf_text(out), "סעיף האצה")
    done = run("--kind", "meeting-summary", "--client", 'כהן ובניו בע"מ', "--out", tmp_path / "m.pdf")
    assert done.returncode == 0, done.stderr
    failed = run("--kind", "settlement", "--client", "לקוח בלי הסדר", "--out", tmp_path / "x.pdf")
    assert failed.returncode == 2 and "אין" in failed.stderr and "Traceback" not in failed.stderr
    assert not (tmp_path / "x.pdf").exists()
