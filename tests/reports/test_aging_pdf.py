"""The aging report PDF: Hebrew in the right order (text extraction), one table per
currency, hostile names printed literally, pages numbered with the header repeated,
and a page that actually has ink on it."""
import datetime as dt
import re
import subprocess

import pytest

from models.ledger import services
from models.queries.aging import aging_report
from reports.aging_pdf import write_aging_pdf

AS_OF = dt.date(2026, 11, 22)
_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# pdftotext may glue a number to the next word ("עמוד  4מתוך 4"): match loosely.
PAGE_NUMBER = re.compile(r"עמוד\s*(\d+)\s*מתוך\s*(\d+)")


def pdf_text(path) -> str:
    """pdftotext gives Hebrew in logical order, wrapped in embedding marks: drop those."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return _MARKS.sub("", out)


@pytest.fixture
def ledger(db, client):
    services.add_invoice(client.id, "INV-1", dt.date(2026, 8, 5), "1000")
    services.add_invoice(client.id, "INV-2", dt.date(2026, 10, 10), "500")
    services.add_invoice(client.id, "INV-3", dt.date(2026, 6, 1), "2000",
                         due_date=dt.date(2026, 7, 1))
    services.record_payment(client.id, dt.date(2026, 11, 10), "400")
    other = services.add_client(name="<b>A&B</b> סחר")
    services.add_invoice(other.id, "B-1", dt.date(2026, 9, 1), "700", terms="נטו 30")
    services.add_invoice(other.id, "B-2", dt.date(2026, 11, 1), "300", currency="USD",
                         terms="מיידי")
    return client, other


def test_report_reads_in_hebrew_with_every_amount(ledger, tmp_path):
    path = tmp_path / "aging.pdf"
    pages = write_aging_pdf(aging_report(AS_OF), path, business_name="סטודיו דנה")
    assert pages == 1
    text = pdf_text(path)
    for words in ("סטודיו דנה", "דוח גיול חובות", "22/11/2026", "טרם הגיע מועדו",
                  "כהן ובניו", "זיכוי בחשבון"):
        assert words in text, words
    assert PAGE_NUMBER.findall(text) == [("1", "1")]
    for amount in ("500.00", "1,000.00", "1,600.00", "3,100.00", "700.00", "3,800.00"):
        assert amount in text, amount


def test_currencies_get_separate_tables_and_totals(ledger, tmp_path):
    path = tmp_path / "aging.pdf"
    write_aging_pdf(aging_report(AS_OF), path)
    text = pdf_text(path)
    shekel, dollar = text.index("שקל חדש"), text.index("דולר אמריקאי")
    assert shekel < dollar  # shekels first
    assert "3,800.00" in text[shekel:dollar] and "300.00" in text[dollar:]
    assert "4,100.00" not in text  # ILS 3,800 + USD 300 must never be added


def test_a_name_with_markup_prints_as_typed(ledger, tmp_path):
    from pypdf import PdfReader

    path = tmp_path / "aging.pdf"
    write_aging_pdf(aging_report(AS_OF), path)
    page = PdfReader(path).pages[0]
    # Parsed as markup, the tags would vanish. (The leading '<' is a neutral at the start
    # of a right-to-left line, so the bidi algorithm rightly moves it to the far right.)
    assert "b>A&B</b" in page.extract_text() and "b>A&B</b" in pdf_text(path)
    assert "/Annots" not in page  # nothing became a link


def test_long_report_numbers_pages_and_repeats_the_header(db, tmp_path):
    for i in range(70):
        client = services.add_client(name=f"לקוח {i:02d}")
        services.add_invoice(client.id, f"X-{i}", dt.date(2026, 9, 1), "100")
    path = tmp_path / "aging.pdf"
    pages = write_aging_pdf(aging_report(AS_OF), path)
    assert pages >= 3
    text = pdf_text(path)
    assert PAGE_NUMBER.findall(text) == [(str(n), str(pages)) for n in range(1, pages + 1)]
    for page_text in text.split("\f")[:pages]:
        assert "טרם הגיע מועדו" in page_text  # every page can be read on its own
    assert all(f"לקוח {i:02d}" in text for i in range(70))
    assert "7,000.00" in text


def test_nothing_open_gives_one_page_that_says_so(db, tmp_path):
    path = tmp_path / "aging.pdf"
    assert write_aging_pdf(aging_report(AS_OF), path) == 1
    assert "אין חובות פתוחים" in pdf_text(path)


def test_rendered_page_has_the_table_on_it(ledger, tmp_path):
    from PIL import Image

    path = tmp_path / "aging.pdf"
    write_aging_pdf(aging_report(AS_OF), path)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    width, height = image.size
    assert width > height  # landscape: nine columns fit
    # Ink in the right half (the client names and the headings of a Hebrew page).
    right_half = image.crop((width // 2, 0, width, height))
    dark = sum(1 for value in right_half.tobytes() if value < 128)
    assert dark > 200
