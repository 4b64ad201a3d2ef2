"""The whole ledger in one workbook: it re-opens in openpyxl with a sheet per table (right
to left, Hebrew headings, the heading row frozen), the right number of rows, money as
exact numbers in their currency's format, dates as date cells, open balances by the one
open-as-of rule; it is never written over the ledger, and a cancelled export leaves no
file."""
import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from models.common.errors import GviaError
from models.contact.contact_log import log_contact
from models.db.outputs import OutputExists
from models.exchange.ledger_export import ExportCancelled, export_ledger
from models.ledger import services

AS_OF = dt.date(2026, 11, 22)
D = dt.date


@pytest.fixture
def ledger(db):
    cohen = services.add_client(name='כהן ובניו בע"מ', kind="company", external_id="C1",
                                terms="שוטף+30", phone="03-1234567")
    atlas = services.add_client(name="=Atlas Ventures LLC", kind="company", country="US")
    first = services.add_invoice(cohen.id, "1001", D(2026, 9, 1), "1,170.00",
                                 description="ייעוץ ספטמבר")
    second = services.add_invoice(cohen.id, "1002", D(2026, 10, 1), "2,340.55")
    services.add_invoice(atlas.id, "1003", D(2026, 10, 5), "1,000.00", currency="USD")
    cancelled = services.add_invoice(cohen.id, "1004", D(2026, 10, 6), "99.99")
    services.cancel_invoice(cancelled.id, D(2026, 10, 7))
    services.record_payment(cohen.id, D(2026, 10, 10), "1,500.00", reference="TR-1",
                            invoice_ids=[first.id, second.id])
    # 1,000 dollars pay invoice 1003, 250 stay as credit.
    services.record_payment(atlas.id, D(2026, 11, 1), "1,250.00", currency="USD",
                            method="card", reference="CC-9")
    # A post-dated check: its money counts from its own date, after AS_OF.
    services.record_payment(cohen.id, D(2026, 11, 15), "100.00", method="check",
                            reference="CH-5", check_number="5", check_date=D(2026, 12, 31))
    services.add_credit_note(cohen.id, "8001", D(2026, 10, 20), "200.00",
                             invoice_id=second.id, reason="הנחה")
    log_contact(cohen.id, dt.datetime(2026, 11, 2, 10, 30), "phone", summary="הבטיח לשלם",
                follow_up_date=D(2026, 11, 9))
    return {"cohen": cohen, "atlas": atlas}


def rows(sheet) -> list[dict]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_the_workbook_holds_every_table(ledger, tmp_path):
    path = tmp_path / "ledger.xlsx"
    result = export_ledger(path, as_of=AS_OF)
    assert result.counts == {"clients": 2, "invoices": 4, "credit_notes": 1, "payments": 3,
                             "contact_log": 1}
    assert result.counts_text() == ("2 לקוחות, 4 חשבוניות, חשבונית זיכוי אחת, 3 תשלומים, "
                                    "רישום אחד ביומן הפניות")

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["לקוחות", "חשבוניות", "חשבוניות זיכוי", "תשלומים",
                               "יומן פניות"]
    for sheet in book.worksheets:
        assert sheet.sheet_view.rightToLeft
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.b
        assert all(sheet.column_dimensions[c].width >= 8 for c in "ABC")
    clients = {r["שם לקוח"]: r for r in rows(book["לקוחות"])}
    assert clients['כהן ובניו בע"מ']["מספר לקוח"] == "C1"
    assert clients['כהן ובניו בע"מ']["טלפון"] == "03-1234567"
    assert clients['כהן ובניו בע"מ']["תנאי תשלום"] == "שוטף+30"
    # A name that starts like a formula stays text, exactly as typed.
    atlas = book["לקוחות"]["C2"] if book["לקוחות"]["C2"].value.startswith("=") else \
        book["לקוחות"]["C3"]
    assert (atlas.value, atlas.data_type) == ("=Atlas Ventures LLC", "s")


def test_money_is_exact_and_formatted_dates_are_dates(ledger, tmp_path):
    path = tmp_path / "ledger.xlsx"
    export_ledger(path, as_of=AS_OF)
    book = openpyxl.load_workbook(path)
    sheet = book["חשבוניות"]
    header = [c.value for c in sheet[1]]
    amount = header.index("סכום") + 1
    by_number = {r["מספר חשבונית"]: r for r in rows(sheet)}
    cells = {sheet.cell(row, 1).value: sheet.cell(row, amount)
             for row in range(2, sheet.max_row + 1)}
    assert '"₪"' in cells["1001"].number_format and "#,##0.00" in cells["1001"].number_format
    assert '"$"' in cells["1003"].number_format
    assert sum(money(r["סכום"]) for r in by_number.values() if r["מטבע"] == "ILS") == \
        Decimal("3610.54")
    assert money(by_number["1002"]["סכום"]) == Decimal("2340.55")
    assert by_number["1001"]["תאריך החשבונית"] == dt.datetime(2026, 9, 1)
    assert sheet.cell(2, header.index("תאריך החשבונית") + 1).is_date

    # Open balances as of AS_OF: 1001 paid in full, 1002 paid 330 and credited 200, the
    # cancelled one owes nothing; the post-dated check does not count yet.
    assert money(by_number["1001"]["יתרה פתוחה"]) == 0
    assert money(by_number["1002"]["יתרה פתוחה"]) == Decimal("1810.55")
    assert money(by_number["1002"]["שולם או זוכה"]) == Decimal("530.00")
    assert money(by_number["1004"]["יתרה פתוחה"]) == 0
    assert by_number["1004"]["תאריך הביטול"] == dt.datetime(2026, 10, 7)

    payments = {r["אסמכתא"]: r for r in rows(book["תשלומים"])}
    assert payments["TR-1"]["חשבוניות ששולמו"] == "1001, 1002"
    assert money(payments["TR-1"]["הוקצה לחשבוניות"]) == Decimal("1500.00")
    assert money(payments["CC-9"]["הוקצה לחשבוניות"]) == Decimal("1000.00")
    assert money(payments["CC-9"]["לא הוקצה (זכות)"]) == Decimal("250.00")
    assert payments["CC-9"]["אמצעי תשלום"] == "כרטיס אשראי"
    assert payments["CH-5"]["תאריך השיק"] == dt.datetime(2026, 12, 31)
    assert sum(money(r["סכום"]) for r in payments.values() if r["מטבע"] == "ILS") == \
        Decimal("1600.00")

    [note] = rows(book["חשבוניות זיכוי"])
    assert (note["מספר חשבונית זיכוי"], money(note["סכום"]), note["לחשבונית"]) == (
        "8001", Decimal("200.00"), "1002")

    [entry] = rows(book["יומן פניות"])
    assert entry["מתי"] == dt.datetime(2026, 11, 2, 10, 30)
    assert entry["מעקב בתאריך"] == dt.datetime(2026, 11, 9)
    assert entry["תקציר"] == "הבטיח לשלם"


def test_an_empty_ledger_is_a_workbook_of_headings(db, tmp_path):
    result = export_ledger(tmp_path / "empty.xlsx", as_of=AS_OF)
    assert set(result.counts.values()) == {0}
    book = openpyxl.load_workbook(tmp_path / "empty.xlsx")
    assert [sheet.max_row for sheet in book.worksheets] == [1] * 5


@pytest.mark.sqlite_only
def test_never_over_the_ledger_file(ledger, db):
    before = db.path.read_bytes()
    with pytest.raises(GviaError):
        export_ledger(db.path, as_of=AS_OF)
    assert db.path.read_bytes() == before


def test_never_over_an_existing_file(ledger, tmp_path):
    existing = tmp_path / "old.xlsx"
    existing.write_bytes(b"keep me")
    with pytest.raises(OutputExists):
        export_ledger(existing, as_of=AS_OF)
    assert existing.read_bytes() == b"keep me"
    export_ledger(existing, as_of=AS_OF, force=True)
    assert openpyxl.load_workbook(existing).sheetnames[0] == "לקוחות"


def test_a_cancelled_export_leaves_no_file(ledger, tmp_path, monkeypatch):
    from models.exchange import ledger_export

    monkeypatch.setattr(ledger_export, "PROGRESS_EVERY", 1)
    reports = []

    def progress(done, total):
        reports.append((done, total))

    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "ledger.xlsx"
    with pytest.raises(ExportCancelled):
        export_ledger(path, as_of=AS_OF, progress=progress,
                      is_cancelled=lambda: len(reports) >= 3)
    assert not path.exists()
    assert list(folder.iterdir()) == []  # no temporary file left either
    assert reports[0] == (0, 11)
