"""Import of clients, invoices and payments: the README's import contract (encodings,
delimiters, Hebrew headers, Israeli dates and amounts, all or nothing, idempotent).

Every file is written by the test itself, in the encoding and shape under test, and
imported into a real temporary database.
"""
import csv
import datetime as dt
import io
import random

import openpyxl
import peewee as pw
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from models.db.opening import open_database
from models.db.settings import load_profile, save_profile
from models.exchange.importing import (
    ImportCancelled,
    ImportFailed,
    ImportRefused,
    import_files,
)
from models.ledger import services
from models.ledger.clients import Client
from models.ledger.invoices import Invoice
from models.ledger.payments import Allocation, Payment
from models.queries.aging import aging_report

AS_OF = dt.date(2026, 11, 22)

CLIENT_HEADER = ["מספר לקוח", "שם", "ח.פ.", "טלפון", "מיקוד", "תנאי תשלום"]
INVOICE_HEADER = ["מספר חשבונית", "לקוח", "תאריך", "סכום"]
PAYMENT_HEADER = ["אסמכתא", "לקוח", "תאריך", "סכום", "אמצעי תשלום", "מספר חשבונית"]
CLIENTS = [
    ["C1", 'כהן ובניו בע"מ', "514000009", "03-1234567", "6100000", "שוטף+30"],
    ["C2", "לוי שירותים", "", "", "", "נטו 45"],
]


def write_csv(folder, name, header, rows, *, encoding="utf-8", delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path = folder / name
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_text(folder, name, text, encoding="utf-8"):
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def failures(**files) -> list[str]:
    """The report lines of an import that must fail, after checking nothing was written."""
    before = table_counts()
    with pytest.raises(ImportFailed) as info:
        import_files(**files)
    assert table_counts() == before
    return [str(error) for error in info.value.errors]


def refusal(**files) -> list[str]:
    """The lines of an import refused before any row was read (a file that is no table),
    after checking nothing was written."""
    before = table_counts()
    with pytest.raises(ImportRefused) as info:
        import_files(**files)
    assert table_counts() == before
    lines = [str(error) for error in info.value.errors]
    assert str(info.value).splitlines() == [f"הייבוא נכשל ולא נכתב דבר. {lines[0]}", *lines[1:]]
    return lines


def table_counts():
    return (Client.select().count(), Invoice.select().count(), Payment.select().count(),
            Allocation.select().count())


def invoice_failure(tmp_path, rows, header=INVOICE_HEADER) -> list[str]:
    clients = write_csv(tmp_path, "clients.csv", CLIENT_HEADER, CLIENTS)
    invoices = write_csv(tmp_path, "invoices.csv", header, rows)
    return failures(clients=clients, invoices=invoices)


@pytest.fixture
def ledger_files(tmp_path):
    """Two clients, three invoices, three payments: a small consistent ledger."""
    clients = write_csv(tmp_path, "clients.csv", CLIENT_HEADER, CLIENTS)
    invoices = write_csv(tmp_path, "invoices.csv", INVOICE_HEADER, [
        ["0012", "C1", "05/11/2026", "1,170 ₪"],
        ["13", "לוי שירותים", "01/09/2026", '500 ש"ח'],
        ["14", "C1", "15/08/2026", "2,000.50"],
    ])
    payments = write_csv(tmp_path, "payments.csv", PAYMENT_HEADER, [
        ["R1", "C1", "10/11/2026", "1000", "העברה", ""],
        ["R2", "לוי שירותים", "02/09/2026", "700", "שיק", "13"],
    ])
    return {"clients": clients, "invoices": invoices, "payments": payments}


# ---- a whole import ------------------------------------------------------------------

def test_ledger_is_imported_with_due_dates_from_terms_and_allocations(db, ledger_files):
    result = import_files(**ledger_files)

    assert result.added == {"clients": 2, "invoices": 3, "payments": 2}
    cohen = Client.get(Client.external_id == "C1")
    assert (cohen.name, cohen.tax_id, cohen.zip, cohen.terms) == (
        'כהן ובניו בע"מ', "514000009", "6100000", "שוטף+30")
    due = {i.number: i.due_date for i in Invoice.select()}
    assert due == {"0012": dt.date(2026, 12, 30),  # שוטף+30: 30/11 + 30
                   "13": dt.date(2026, 10, 16),  # נטו 45
                   "14": dt.date(2026, 9, 30)}
    # R1 names no invoice: the oldest due (14) takes it all; R2 pays 13 and leaves 200 credit.
    paid = {(a.payment.reference, a.invoice.number): a.amount_agorot for a in Allocation.select()}
    assert paid == {("R1", "14"): 100000, ("R2", "13"): 50000}
    assert Payment.get(Payment.reference == "R2").check_number == "R2"
    assert result.credit_agorot == {"ILS": 20000}
    assert "נוספו: 2 לקוחות, 3 חשבוניות ו-2 תשלומים" in result.summary()


def test_what_is_added_by_hand_after_an_import_gets_new_ids(db, client, ledger_files):
    """The import gives its rows their ids itself (after the ledger's largest); a client,
    an invoice and a payment added afterwards through the app are not refused for an id
    already taken (on a server: the identity sequences moved past the import's)."""
    import_files(**ledger_files)
    imported = {model: model.select(pw.fn.MAX(model.id)).scalar()
                for model in (Client, Invoice, Payment, Allocation)}
    other = services.add_client(name="לקוח חדש בע\"מ")
    invoice = services.add_invoice(other.id, "99", dt.date(2026, 11, 1), "100")
    payment = services.record_payment(other.id, dt.date(2026, 11, 2), "60")
    allocation = Allocation.get(Allocation.payment == payment.id)
    assert (other.id, invoice.id, payment.id, allocation.id) == tuple(
        imported[model] + 1 for model in (Client, Invoice, Payment, Allocation))


def test_aging_after_import_has_the_expected_numbers(db, ledger_files):
    import_files(**ledger_files)

    rows = {r.client: r for r in aging_report(AS_OF).rows}
    cohen, levi = rows['כהן ובניו בע"מ'], rows["לוי שירותים"]
    # 0012: 1,170 not yet due; 14: 2,000.50 - 1,000 = 1,000.50, 53 days overdue (due 30/09).
    assert cohen.buckets == [117000, 0, 100050, 0, 0, 0]
    assert (levi.total, levi.credit) == (0, 20000)


def test_reimport_adds_nothing(db, ledger_files):
    import_files(**ledger_files)
    before = table_counts()

    result = import_files(**ledger_files)

    assert table_counts() == before
    assert result.added == {"clients": 0, "invoices": 0, "payments": 0}
    assert result.skipped == {"clients": 2, "invoices": 3, "payments": 2}
    assert "לא נוסף דבר חדש" in result.summary()


def test_dry_run_checks_everything_and_writes_nothing(db, ledger_files, tmp_path):
    result = import_files(**ledger_files, dry_run=True)

    assert table_counts() == (0, 0, 0, 0)
    assert result.added == {"clients": 2, "invoices": 3, "payments": 2}
    assert "לא נכתב דבר" in result.summary()

    # Duplicates are checked against the database in a dry run too.
    import_files(**ledger_files)
    changed = write_csv(tmp_path, "changed.csv", INVOICE_HEADER,
                        [["12", "C1", "05/11/2026", "1,171"]])
    with pytest.raises(ImportFailed) as info:
        import_files(invoices=changed, dry_run=True)
    assert "כבר קיימת במסד הנתונים עם נתונים אחרים" in info.value.report()


def test_one_bad_row_anywhere_writes_nothing(db, ledger_files, tmp_path):
    payments = write_csv(tmp_path, "payments.csv", PAYMENT_HEADER, [
        ["R1", "C1", "10/11/2026", "1000", "העברה", ""],
        ["R2", "C2", "31/02/2026", "700", "העברה", ""],
    ])

    errors = failures(**{**ledger_files, "payments": payments})

    assert errors == ["שורה 3 בקובץ payments.csv: תאריך: התאריך '31/02/2026' אינו קיים בלוח השנה."]


def test_every_bad_row_is_listed_with_its_line_and_reason(db, tmp_path):
    errors = invoice_failure(tmp_path, [
        ["1", "C1", "01/01/2026", "100"],
        ["2", "C1", "2024-13-01", "100"],
        ["3", "C1", "01/01/2026", "0"],
        ["4", "C9", "01/01/2026", "100"],
    ])

    assert [e.split(":")[0] for e in errors] == [
        "שורה 3 בקובץ invoices.csv", "שורה 4 בקובץ invoices.csv", "שורה 5 בקובץ invoices.csv"]
    with pytest.raises(ImportFailed) as info:
        import_files(invoices=tmp_path / "invoices.csv", clients=tmp_path / "clients.csv")
    report = info.value.report().splitlines()
    assert report[0] == "הייבוא נכשל ולא נכתב דבר: נמצאו 3 שגיאות."
    assert report[1:] == errors


def test_a_row_with_several_problems_is_one_line_naming_each(db, tmp_path):
    errors = invoice_failure(tmp_path, [["", "C9", "00/00/0000", "-5"]])

    assert len(errors) == 1
    for fragment in ("חסר מספר חשבונית", "C9", "00/00/0000", "חיובי"):
        assert fragment in errors[0]


# ---- files: encodings, delimiters, shapes ----------------------------------------------

@pytest.mark.parametrize("encoding, delimiter", [
    ("utf-8", ","), ("utf-8-sig", ","), ("cp1255", ","), ("utf-16", "\t"), ("utf-8", ";"),
])
def test_encodings_and_delimiters_are_detected(db, tmp_path, encoding, delimiter):
    path = write_csv(tmp_path, "clients.csv", CLIENT_HEADER, CLIENTS, encoding=encoding,
                     delimiter=delimiter)

    import_files(clients=path)

    assert sorted(c.name for c in Client.select()) == sorted(['כהן ובניו בע"מ', "לוי שירותים"])


def test_quoted_newlines_trailing_columns_and_line_numbers(db, tmp_path):
    text = ('שם;כתובת;מיקוד;;\r\n'
            '"כהן";"הרצל 1\r\nדירה 4";6100000;;\r\n'
            '"לוי";"";12;;\r\n')
    path = write_text(tmp_path, "clients.csv", text, "cp1255")

    errors = failures(clients=path)

    # The address cell spans lines 2-3, so the next row starts on physical line 4.
    assert errors == ["שורה 4 בקובץ clients.csv: מיקוד: המיקוד '12' אינו תקין: מיקוד בישראל מורכב מ-7 ספרות בדיוק."]
    import_files(clients=write_text(tmp_path, "ok.csv", text.replace(";12;", ";;")))
    assert Client.get(Client.name == "כהן").address == "הרצל 1 דירה 4"


def test_a_value_under_no_header_is_an_error(db, tmp_path):
    path = write_text(tmp_path, "clients.csv", "name,,city\r\nכהן,שכחו כותרת,חיפה\r\n")

    assert failures(clients=path) == [
        "שורה 2 בקובץ clients.csv: יש ערך בעמודה 2, שאין לה כותרת."]


def test_unknown_columns_are_named_in_the_summary(db, tmp_path):
    path = write_text(tmp_path, "clients.csv", "name,fax\r\nכהן,03-5555555\r\n")

    result = import_files(clients=path)

    assert "לא יובאו העמודות: fax" in result.summary()


@pytest.mark.parametrize("text, reason", [
    ("name,city,Name\r\nכהן,חיפה,לוי\r\n", "שורה 1 בקובץ clients.csv: הכותרת 'Name' מופיעה פעמיים"),
    ("name,שם\r\nכהן,לוי\r\n", "שורה 1 בקובץ clients.csv: העמודות 'name' ו-'שם' הן אותו שדה"),
    ("", "בקובץ clients.csv: הקובץ ריק."),
    ("\r\n \r\n", "בקובץ clients.csv: הקובץ ריק."),
    ("name,city\r\n", "בקובץ clients.csv: בקובץ יש רק שורת כותרות, בלי נתונים."),
    ("city,zip\r\nחיפה,3100000\r\n", "שורה 1 בקובץ clients.csv: חסרה עמודה 'name / שם'."),
])
def test_bad_file_shapes_are_explained(db, tmp_path, text, reason):
    path = write_text(tmp_path, "clients.csv", text)

    errors = refusal(clients=path)

    assert len(errors) == 1 and errors[0].startswith(reason)


def test_excel_sep_hint_line_and_line_numbers_after_it(db, tmp_path):
    path = write_text(tmp_path, "clients.csv", "sep=;\r\nשם;מיקוד\r\nכהן;6100000\r\nלוי;12\r\n")

    assert failures(clients=path) == [
        "שורה 4 בקובץ clients.csv: מיקוד: המיקוד '12' אינו תקין: מיקוד בישראל מורכב מ-7 ספרות בדיוק."]


@pytest.mark.parametrize("content, fragment", [
    (b"PK\x03\x04not really a workbook", "קובץ ה-Excel פגום"),
    (b"\xd0\xcf\x11\xe0old excel", "בפורמט הישן (xls)"),
    (b"\x00\x01\x02\x00\xff\x00\x10", "אינו קובץ טקסט"),
    ("שם\r\nכהן\r\n".encode("utf-16-le"), None),  # UTF-16 without a BOM is still read
])
def test_files_that_are_not_csv_or_xlsx(db, tmp_path, content, fragment):
    path = tmp_path / "clients.csv"
    path.write_bytes(content)

    if fragment is None:
        import_files(clients=path)
        assert Client.get().name == "כהן"
    else:
        errors = refusal(clients=path)
        assert len(errors) == 1 and fragment in errors[0]


def test_missing_file_is_reported_not_raised(db, tmp_path):
    assert refusal(clients=tmp_path / "nope.csv") == ["בקובץ nope.csv: הקובץ לא נמצא."]


def test_english_headers_in_any_case_and_spacing(db, tmp_path):
    clients = write_text(tmp_path, "c.csv", " External_ID ,NAME,Terms\r\nA7,Acme Ltd,net 30\r\n")
    invoices = write_text(tmp_path, "i.csv",
                          "Number,Client,Issue Date,Due Date,AMOUNT,Currency,Description\r\n"
                          "INV-1,A7,2026-10-01,2026-10-20,$250.00,usd,Design work\r\n")

    import_files(clients=clients, invoices=invoices)

    invoice = Invoice.get()
    assert (invoice.client.name, invoice.currency, invoice.amount_agorot, invoice.due_date,
            invoice.is_due_date_fixed) == ("Acme Ltd", "USD", 25000, dt.date(2026, 10, 20), True)


def test_xlsx_with_several_sheets_date_cells_and_numbers(db, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "הוראות"  # an empty first sheet
    clients = book.create_sheet("לקוחות")
    clients.append(["מספר לקוח", "שם", "ח.פ."])
    clients.append([17, "כהן", 12345674])  # Excel dropped the ID's leading zero
    invoices = book.create_sheet("חשבוניות")
    invoices.append(["מספר חשבונית", "לקוח", "תאריך", "סכום"])
    invoices.append([12.0, 17, dt.datetime(2026, 10, 5), 1234.5])
    invoices.append([13, 17, 46300, 99])  # a date left as an Excel serial number
    path = tmp_path / "ledger.xlsx"
    book.save(path)

    import_files(clients=path, invoices=path)

    assert Client.get().tax_id == "012345674"
    rows = {i.number: (i.issue_date, i.amount_agorot) for i in Invoice.select()}
    assert rows == {"12": (dt.date(2026, 10, 5), 123450), "13": (dt.date(2026, 10, 5), 9900)}


def test_xlsx_1904_workbook_serial_dates(db, tmp_path):
    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.append(["name"])
    sheet.append(["כהן"])
    invoices = book.create_sheet("invoices")
    invoices.append(["number", "client", "issue_date", "amount"])
    invoices.append([1, "כהן", 44196, 10])  # 44196 days after 1 Jan 1904
    path = tmp_path / "mac.xlsx"
    book.save(path)

    import_files(clients=path, invoices=path)

    assert Invoice.get().issue_date == dt.date(1904, 1, 1) + dt.timedelta(days=44196)


# ---- dates -----------------------------------------------------------------------------

@pytest.mark.parametrize("value, fragment", [
    ("31/02/2024", "'31/02/2024' אינו קיים בלוח השנה"),
    ("2024-13-01", "'2024-13-01' אינו קיים בלוח השנה"),
    ("00/00/0000", "00/00/0000"),
    ("אתמול", "אינו תאריך מוכר"),
    ("", "חסר תאריך"),
])
def test_bad_dates_are_rejected(db, tmp_path, value, fragment):
    errors = invoice_failure(tmp_path, [["1", "C1", value, "100"]])

    assert len(errors) == 1 and errors[0].startswith("שורה 2 בקובץ invoices.csv: תאריך: ")
    assert fragment in errors[0]


def test_two_digit_years_and_serials_are_read(db, tmp_path):
    clients = write_csv(tmp_path, "clients.csv", CLIENT_HEADER, CLIENTS)
    invoices = write_csv(tmp_path, "invoices.csv", INVOICE_HEADER, [
        ["1", "C1", "1/2/24", "100"], ["2", "C1", "45658", "100"], ["3", "C1", "2025-3-7", "1"]])

    import_files(clients=clients, invoices=invoices)

    assert {i.number: i.issue_date for i in Invoice.select()} == {
        "1": dt.date(2024, 2, 1), "2": dt.date(2025, 1, 1), "3": dt.date(2025, 3, 7)}


def test_a_column_of_us_dates_is_read_month_first(db, tmp_path):
    clients = write_csv(tmp_path, "clients.csv", CLIENT_HEADER, CLIENTS)
    invoices = write_csv(tmp_path, "invoices.csv", INVOICE_HEADER, [
        ["1", "C1", "12/25/2025", "100"], ["2", "C1", "01/02/2025", "100"]])

    result = import_files(clients=clients, invoices=invoices)

    assert {i.number: i.issue_date for i in Invoice.select()} == {
        "1": dt.date(2025, 12, 25), "2": dt.date(2025, 1, 2)}
    assert "נקראו בסדר חודש/יום" in result.summary()


def test_ambiguous_dates_are_read_day_first_unless_month_first_is_asked(db, tmp_path):
    clients = write_csv(tmp_path, "clients.csv", CLIENT_HEADER, CLIENTS)
    invoices = write_csv(tmp_path, "invoices.csv", INVOICE_HEADER, [["1", "C1", "05/11/2026", "1"]])
    import_files(clients=clients, invoices=invoices, dry_run=True)
    import_files(clients=clients, invoices=invoices, month_first=True)

    assert Invoice.get().issue_date == dt.date(2026, 5, 11)


def test_a_column_mixing_both_date_orders_is_an_error_naming_the_column(db, tmp_path):
    errors = invoice_failure(tmp_path, [
        ["1", "C1", "25/12/2025", "100"], ["2", "C1", "12/26/2025", "100"]])

    assert len(errors) == 1
    assert errors[0].startswith("בקובץ invoices.csv: בעמודה 'תאריך' יש תאריכים בסדר יום/חודש")
    assert "25/12/2025 בשורה 2" in errors[0] and "12/26/2025 בשורה 3" in errors[0]


def test_due_before_issue_is_rejected(db, tmp_path):
    errors = invoice_failure(tmp_path, [["1", "C1", "10/11/2026", "100", "01/11/2026"]],
                             header=INVOICE_HEADER + ["תאריך לתשלום"])

    assert errors == ["שורה 2 בקובץ invoices.csv: תאריך לתשלום: תאריך התשלום 01/11/2026 "
                      "מוקדם מתאריך החשבונית 10/11/2026."]


def test_missing_due_date_follows_the_business_default_terms(db, tmp_path):
    profile = load_profile()
    profile.default_terms = "נטו 60"
    save_profile(profile)
    clients = write_text(tmp_path, "c.csv", "שם\r\nבלי תנאים\r\n")
    invoices = write_text(tmp_path, "i.csv",
                          'מספר מסמך,לקוח,תאריך,סה"כ\r\n5,בלי תנאים,01/03/2026,10\r\n')

    import_files(clients=clients, invoices=invoices)

    assert Invoice.get().due_date == dt.date(2026, 4, 30)


# ---- amounts ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, fragment", [
    ("0", "גדול מאפס"),
    ("-100", "חשבונית זיכוי אינה חשבונית"),
    ("(1,234.00)", "חשבונית זיכוי אינה חשבונית"),
    ("99999999999", "גדול באופן חריג"),
    ("10.123", "יותר משתי ספרות"),
    ("שלוש מאות", "אינו סכום תקין"),
])
def test_bad_amounts_are_rejected(db, tmp_path, value, fragment):
    errors = invoice_failure(tmp_path, [["1", "C1", "01/01/2026", value]])

    assert len(errors) == 1 and errors[0].startswith("שורה 2 בקובץ invoices.csv: סכום: ")
    assert fragment in errors[0]


def test_amount_formats_israeli_spreadsheets_use(db, tmp_path):
    clients = write_csv(tmp_path, "clients.csv", CLIENT_HEADER, CLIENTS)
    invoices = write_csv(tmp_path, "invoices.csv", INVOICE_HEADER, [
        ["1", "C1", "01/01/2026", "₪1,234.50"], ["2", "C1", "01/01/2026", '1 234,50 ש"ח'],
        ["3", "C1", "01/01/2026", "12,5"]])

    import_files(clients=clients, invoices=invoices)

    assert sorted(i.amount_agorot for i in Invoice.select()) == [1250, 123450, 123450]


def test_a_credit_note_row_is_not_an_invoice(db, tmp_path):
    errors = invoice_failure(tmp_path, [["1", "C1", "01/01/2026", "100", "חשבונית זיכוי"]],
                             header=INVOICE_HEADER + ["סוג מסמך"])

    assert "חשבונית זיכוי אינה חשבונית" in errors[0]


# ---- identity: keys, duplicates, existing rows -----------------------------------------

def test_unknown_client_is_rejected(db, tmp_path):
    errors = invoice_failure(tmp_path, [["1", "גולדברג", "01/01/2026", "100"]])

    assert errors == ["שורה 2 בקובץ invoices.csv: לקוח: הלקוח 'גולדברג' לא נמצא, "
                      "לא במסד הנתונים ולא בקובץ הלקוחות."]


def test_client_is_found_by_name_despite_marks_and_gershayim(db, client, tmp_path):
    invoices = write_csv(tmp_path, "invoices.csv", INVOICE_HEADER,
                         [["1", "כהן ובניו\u200f בע״מ", "01/01/2026", "100"]])

    import_files(invoices=invoices)

    assert Invoice.get().client_id == client.id


def test_duplicate_invoice_number_in_the_file_including_leading_zeros(db, tmp_path):
    errors = invoice_failure(tmp_path, [
        ["12", "C1", "01/01/2026", "100"], ["0012", "C1", "01/01/2026", "100"]])

    assert errors == ["שורה 3 בקובץ invoices.csv: מספר חשבונית: מספר החשבונית 0012 מופיע "
                      "כבר בשורה 2."]


def test_0012_in_the_database_matches_12_in_the_file(db, client, tmp_path):
    services.add_invoice(client.id, "0012", dt.date(2026, 1, 1), "100")
    same = write_csv(tmp_path, "same.csv", INVOICE_HEADER,
                     [["12", client.name, "01/01/2026", "100.00"]])
    other = write_csv(tmp_path, "other.csv", INVOICE_HEADER,
                      [["12", client.name, "01/01/2026", "150"]])

    assert import_files(invoices=same).skipped["invoices"] == 1
    errors = failures(invoices=other)

    assert Invoice.select().count() == 1
    assert len(errors) == 1 and "חשבונית 12 כבר קיימת במסד הנתונים עם נתונים אחרים" in errors[0]
    assert "סכום: במסד" in errors[0] and "100.00" in errors[0] and "150.00" in errors[0]


def test_client_key_existing_with_different_data_is_an_error(db, tmp_path):
    path = write_csv(tmp_path, "clients.csv", CLIENT_HEADER, CLIENTS)
    import_files(clients=path)
    changed = [list(CLIENTS[0]), CLIENTS[1]]
    changed[0][3] = "04-7654321"
    path = write_csv(tmp_path, "clients.csv", CLIENT_HEADER, changed)

    errors = failures(clients=path)

    assert errors == ["שורה 2 בקובץ clients.csv: הלקוח 'כהן ובניו בע\"מ' כבר קיים במסד הנתונים "
                      "עם נתונים אחרים (טלפון: במסד 03-1234567, בקובץ 04-7654321). הייבוא אינו "
                      "דורס נתונים קיימים: תקנו את הקובץ או את כרטיס הלקוח."]
    assert Client.get(Client.external_id == "C1").phone == "03-1234567"


def test_client_without_external_id_is_matched_by_name(db, client, tmp_path):
    path = write_text(tmp_path, "c.csv", 'שם,תנאי תשלום\r\nכהן ובניו בע"מ,שוטף + 30\r\n')

    result = import_files(clients=path)

    assert (result.added["clients"], result.skipped["clients"]) == (0, 1)


def test_duplicate_client_in_the_file(db, tmp_path):
    path = write_csv(tmp_path, "clients.csv", CLIENT_HEADER, [CLIENTS[0], CLIENTS[0]])

    assert failures(clients=path) == [
        "שורה 3 בקובץ clients.csv: מספר לקוח: מספר הלקוח C1 מופיע כבר בשורה 2."]


def test_tax_id_missing_its_leading_zero_is_repadded(db, tmp_path):
    path = write_text(tmp_path, "c.csv", "שם,ת.ז.\r\nכהן,12345674\r\nלוי,18\r\n")

    import_files(clients=path)

    assert sorted(c.tax_id for c in Client.select()) == ["000000018", "012345674"]


def test_tax_id_with_a_wrong_check_digit_is_rejected(db, tmp_path):
    path = write_text(tmp_path, "c.csv", "שם,מספר עוסק\r\nכהן,123456789\r\n")

    assert failures(clients=path) == [
        "שורה 2 בקובץ c.csv: מספר עוסק: מספר הזהות או מספר החברה 123456789 אינו תקין "
        "(ספרת הביקורת לא מתאימה)."]


def test_a_bad_client_row_does_not_also_fail_its_invoices(db, tmp_path):
    clients = write_text(tmp_path, "c.csv", "מספר לקוח,שם,מיקוד\r\nC5,כהן,12\r\n")
    invoices = write_csv(tmp_path, "i.csv", INVOICE_HEADER, [["1", "C5", "01/01/2026", "1"]])

    errors = failures(clients=clients, invoices=invoices)

    assert [e.split(":")[0] for e in errors] == ["שורה 2 בקובץ c.csv"]


# ---- payments --------------------------------------------------------------------------

def test_payment_naming_another_clients_invoice_is_rejected(db, ledger_files, tmp_path):
    payments = write_csv(tmp_path, "payments.csv", PAYMENT_HEADER,
                         [["R9", "C2", "01/11/2026", "100", "העברה", "14"]])

    errors = failures(**{**ledger_files, "payments": payments})

    assert errors == ["שורה 2 בקובץ payments.csv: מספר חשבונית: חשבונית 14 שייכת ללקוח אחר "
                      "('כהן ובניו בע\"מ')."]


def test_payment_in_another_currency_than_its_invoice_is_rejected(db, ledger_files, tmp_path):
    payments = write_csv(tmp_path, "payments.csv", PAYMENT_HEADER + ["מטבע"],
                         [["R9", "C1", "01/11/2026", "100", "העברה", "14", "USD"]])

    errors = failures(**{**ledger_files, "payments": payments})

    assert errors == ["שורה 2 בקובץ payments.csv: מספר חשבונית: חשבונית 14 במטבע ILS "
                      "והתשלום ב-USD."]


@pytest.mark.parametrize("word, method", [
    ("העברה בנקאית", "transfer"), ("צ'ק", "check"), ("שיק", "check"), ("אשראי", "card"),
    ("מזומן", "cash"), ("ביט", "bit"), ("Credit Card", "card"), ("", "transfer"),
])
def test_payment_methods_in_hebrew_and_english(db, client, tmp_path, word, method):
    payments = write_csv(tmp_path, "p.csv", PAYMENT_HEADER,
                         [["R1", client.name, "01/11/2026", "100", word, ""]])

    import_files(payments=payments)

    assert Payment.get().method == method


def test_unknown_payment_method_and_missing_reference(db, client, tmp_path):
    payments = write_csv(tmp_path, "p.csv", PAYMENT_HEADER,
                         [["R1", client.name, "01/11/2026", "100", "יהלומים", ""],
                          ["", client.name, "01/11/2026", "100", "", ""]])

    errors = failures(payments=payments)

    assert errors[0].startswith("שורה 2 בקובץ p.csv: אמצעי תשלום: אמצעי התשלום 'יהלומים' אינו מוכר")
    assert errors[1].startswith("שורה 3 בקובץ p.csv: אסמכתא: חסרה אסמכתא")


def test_payment_reference_existing_with_different_data_is_an_error(db, client, tmp_path):
    services.record_payment(client.id, dt.date(2026, 11, 1), "100", reference="R1")
    payments = write_csv(tmp_path, "p.csv", PAYMENT_HEADER,
                         [["R1", client.name, "02/11/2026", "100", "", ""]])

    errors = failures(payments=payments)

    assert errors == ["שורה 2 בקובץ p.csv: תשלום עם האסמכתא R1 כבר קיים במסד הנתונים עם נתונים "
                      "אחרים (תאריך: במסד 01/11/2026, בקובץ 02/11/2026). הייבוא אינו דורס "
                      "נתונים קיימים."]


def test_payments_are_allocated_in_date_order_not_file_order(db, client, tmp_path):
    services.add_invoice(client.id, "1", dt.date(2026, 1, 1), "100")
    services.add_invoice(client.id, "2", dt.date(2026, 2, 1), "100")
    payments = write_csv(tmp_path, "p.csv", PAYMENT_HEADER, [
        ["LATE", client.name, "20/03/2026", "100", "", ""],
        ["EARLY", client.name, "10/03/2026", "100", "", ""]])

    import_files(payments=payments)

    paid = {a.payment.reference: a.invoice.number for a in Allocation.select()}
    assert paid == {"EARLY": "1", "LATE": "2"}


def test_bulk_allocation_equals_recording_payments_one_by_one(tmp_path):
    """The import's in-memory allocation gives exactly what services.record_payment gives
    row by row in date order: same invoices, amounts and dates, same credit left over."""
    rng = random.Random(7)
    names = [f"לקוח {n}" for n in range(4)]
    invoices = []
    for n in range(1, 41):
        issue = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(200))
        due = issue + dt.timedelta(days=rng.choice([0, 0, 10, 45]))
        invoices.append([str(n), rng.choice(names), issue.strftime("%d/%m/%Y"),
                         due.strftime("%d/%m/%Y"),
                         f"{rng.randint(50, 900)}.{rng.randint(0, 99):02d}",
                         rng.choice(["ILS", "ILS", "ILS", "USD"])])
    by_number = {row[0]: row for row in invoices}
    batches = [[], []]  # two imports: the second meets invoices partly paid by the first
    for n in range(1, 81):
        number = rng.choice(list(by_number)) if rng.random() < 0.3 else ""
        name = by_number[number][1] if number else rng.choice(names)
        currency = by_number[number][5] if number else rng.choice(["ILS", "USD"])
        day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(300))
        batches[n % 2].append([f"P{n}", name, day.strftime("%d/%m/%Y"),
                               f"{rng.randint(10, 700)}", currency, number])
    clients_csv = write_text(tmp_path, "c.csv", "שם\r\n" + "\r\n".join(names) + "\r\n")
    invoices_csv = write_csv(tmp_path, "i.csv", ["number", "client", "issue_date", "due_date",
                                                 "amount", "currency"], invoices)
    payment_header = ["reference", "client", "date", "amount", "currency", "invoice"]
    payment_files = [write_csv(tmp_path, f"p{i}.csv", payment_header, rows)
                     for i, rows in enumerate(batches)]

    def allocations():
        return sorted((a.payment.reference, a.invoice.number, a.amount_agorot, a.applied_date)
                      for a in Allocation.select())

    with open_database(tmp_path / "bulk.db"):
        import_files(clients=clients_csv, invoices=invoices_csv)
        for path in payment_files:
            import_files(payments=path)
        bulk = allocations()
        bulk_aging = [(r.client, r.currency, r.buckets, r.credit)
                      for r in aging_report(dt.date(2026, 12, 31)).rows]

    with open_database(tmp_path / "one_by_one.db") as opened:
        import_files(clients=clients_csv, invoices=invoices_csv)
        for rows in batches:
            by_date = sorted(rows, key=lambda r: dt.datetime.strptime(r[2], "%d/%m/%Y"))
            with opened.db.atomic():  # one commit (fsync) per batch keeps the test fast
                for ref, name, day, amount, currency, number in by_date:
                    invoice_ids = [Invoice.get(Invoice.number == number).id] if number else None
                    services.record_payment(services.find_client(name).id,
                                            dt.datetime.strptime(day, "%d/%m/%Y").date(), amount,
                                            currency=currency, reference=ref,
                                            invoice_ids=invoice_ids)
        one_by_one = allocations()
        one_by_one_aging = [(r.client, r.currency, r.buckets, r.credit)
                            for r in aging_report(dt.date(2026, 12, 31)).rows]

    assert len(bulk) > 40
    assert any(credit for *_, credit in bulk_aging)  # some money was left as credit
    assert bulk == one_by_one
    assert bulk_aging == one_by_one_aging


def test_post_dated_check_is_allocated_from_its_own_date(db, client, tmp_path):
    services.add_invoice(client.id, "1", dt.date(2026, 1, 1), "100")
    payments = write_csv(tmp_path, "p.csv", PAYMENT_HEADER[:5] + ["מספר שיק", "תאריך פירעון"],
                         [["R1", client.name, "01/02/2026", "100", "שיק", "4471", "15/03/2026"]])

    import_files(payments=payments)

    payment = Payment.get()
    assert (payment.check_number, payment.check_date) == ("4471", dt.date(2026, 3, 15))
    assert Allocation.get().applied_date == dt.date(2026, 3, 15)


# ---- progress and cancelling -----------------------------------------------------------

def test_progress_is_reported_and_cancelling_writes_nothing(db, ledger_files):
    seen = []
    import_files(**ledger_files, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] > 0

    with pytest.raises(ImportCancelled):
        import_files(**{k: v for k, v in ledger_files.items()},
                     is_cancelled=lambda: True, progress=lambda d, t: None)


def test_cancelling_midway_through_writing_leaves_the_database_unchanged(db, tmp_path):
    rows = [[f"לקוח {n}"] for n in range(3000)]
    path = write_csv(tmp_path, "c.csv", ["שם"], rows)
    seen = []

    def cancel_once_writing() -> bool:
        # Progress counts the 3,000 rows checked, then the rows written.
        return bool(seen) and seen[-1][0] > len(rows)

    with pytest.raises(ImportCancelled):
        import_files(clients=path, is_cancelled=cancel_once_writing,
                     progress=lambda done, total: seen.append((done, total)))

    assert seen[-1][0] > len(rows)  # it was cancelled while writing
    assert Client.select().count() == 0
