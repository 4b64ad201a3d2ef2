"""What one cell may hold (models/exchange/import_fields.py): digits other than 0-9 in numbers,
dates, amounts and identifiers, control characters anywhere, over-long values. Each is
refused with its line and its column named, and nothing is written."""
import csv
import io

import openpyxl
import pytest

from models.exchange.import_fields import MAX_FIELD_LENGTH
from models.exchange.importing import ImportFailed, import_files
from models.ledger.clients import Client
from models.ledger.invoices import Invoice
from models.ledger.payments import Payment

CLIENTS = "מספר לקוח,שם\r\nC1,כהן\r\n"


def write_csv(folder, name, header, rows, encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    path = folder / name
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def failures(**files) -> list[str]:
    before = counts()
    with pytest.raises(ImportFailed) as info:
        import_files(**files)
    assert counts() == before
    return [str(error) for error in info.value.errors]


def counts():
    return Client.select().count(), Invoice.select().count(), Payment.select().count()


def invoice_errors(tmp_path, row) -> list[str]:
    clients = tmp_path / "clients.csv"
    clients.write_text(CLIENTS, encoding="utf-8")
    invoices = write_csv(tmp_path, "invoices.csv",
                         ["מספר חשבונית", "לקוח", "תאריך", "סכום", "תיאור"], [row])
    return failures(clients=clients, invoices=invoices)


# ---- digits other than 0-9 -------------------------------------------------------------

@pytest.mark.parametrize("column, value, digit", [
    (3, "١٠٠", "١"),            # Arabic-Indic, in the amount
    (3, "۱۲۳.۵۰", "۱"),         # Extended Arabic-Indic
    (3, "１００", "１"),          # full-width
    (2, "٠١/٠٢/٢٠٢٦", "٠"),     # in the date
    (0, "INV-٧", "٧"),          # in the invoice number
    (0, "\u0967\u0968", "\u0967"),  # Devanagari: any decimal digit that is not 0-9
])
def test_digits_other_than_0_to_9_are_refused_naming_the_column(db, tmp_path, column, value,
                                                                digit):
    row = ["1", "C1", "01/02/2026", "100", ""]
    row[column] = value
    header = ["מספר חשבונית", "לקוח", "תאריך", "סכום"][column]

    errors = invoice_errors(tmp_path, row)

    assert errors == [f"שורה 2 בקובץ invoices.csv: {header}: יש בערך ספרה שאינה 0-9 "
                      f"('{digit}'); כתבו את המספרים בספרות 0-9."]


def test_foreign_digits_in_ids_phones_and_terms_of_clients(db, tmp_path):
    path = write_csv(tmp_path, "c.csv", ["מספר לקוח", "שם", "טלפון", "ח.פ.", "תנאי תשלום"], [
        ["C١", "כהן", "", "", ""],
        ["C2", "לוי", "٠٣-١٢٣٤٥٦٧", "", ""],
        ["C3", "מזרחי", "", "５１４０００００９", ""],
        ["C4", "פרץ", "", "", "שוטף+٣٠"],
    ])

    errors = failures(clients=path)

    assert [e.split(": ")[1] for e in errors] == ["מספר לקוח", "טלפון", "ח.פ.", "תנאי תשלום"]
    assert [e.split(":")[0] for e in errors] == [f"שורה {n} בקובץ c.csv" for n in (2, 3, 4, 5)]


def test_free_text_may_hold_any_digits(db, tmp_path):
    path = write_csv(tmp_path, "c.csv", ["שם", "כתובת", "הערות"],
                     [["مطعم ٣ نجوم", "שדרות ١٢", "קומה ３"]])

    import_files(clients=path)

    client = Client.get()
    assert (client.name, client.address, client.notes) == ("مطعم ٣ نجوم", "שדרות ١٢", "קומה ３")


# ---- control characters ----------------------------------------------------------------

@pytest.mark.parametrize("value, code", [
    ("כה\x00ן", "0000"), ("כהן\x1f", "001F"), ("\x0bכהן", "000B"), ("כ\x85הן", "0085"),
    ("כהן\x7f", "007F"),
])
def test_control_characters_are_refused_even_at_the_edges(db, tmp_path, value, code):
    path = write_csv(tmp_path, "c.csv", ["שם", "עיר"], [["לוי", "חיפה"], [value, "חיפה"]])

    errors = failures(clients=path)

    assert errors == [f"שורה 3 בקובץ c.csv: שם: יש בערך תו בקרה בלתי נראה (U+{code}); "
                      "מחקו אותו ונסו שוב."]


def test_line_breaks_and_tabs_only_in_multiline_text(db, tmp_path):
    good = write_csv(tmp_path, "good.csv", ["שם", "כתובת", "הערות"],
                     [["כהן", "הרצל 1\nדירה 4", "שורה\tראשונה\r\nשורה שנייה"]])
    bad = write_csv(tmp_path, "bad.csv", ["שם", "עיר"], [["כהן\nלוי", "חיפה"],
                                                        ["מזרחי", "תל\tאביב"]])

    import_files(clients=good)
    errors = failures(clients=bad)

    assert Client.get().address == "הרצל 1 דירה 4"
    # The name's line break spans lines 2-3 of the file: the next row starts on line 4.
    assert [e.split(": ")[:2] for e in errors] == [["שורה 2 בקובץ bad.csv", "שם"],
                                                  ["שורה 4 בקובץ bad.csv", "עיר"]]
    assert all("ירידת שורה או טאב" in e for e in errors)


def test_a_line_break_in_a_workbook_cell_of_one_line(db, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["reference", "client", "date", "amount"])
    book.active.append(["R1", "כהן", "01/01/2026", "10"])
    book.active.append(["R\n2", "כהן", "01/01/2026", "10"])  # Alt+Enter in Excel
    path = tmp_path / "p.xlsx"
    book.save(path)
    write_csv(tmp_path, "c.csv", ["שם"], [["כהן"]])

    errors = failures(clients=tmp_path / "c.csv", payments=path)

    assert errors == ["שורה 3 בקובץ p.xlsx: reference: יש בערך ירידת שורה או טאב, ובעמודה "
                      "זו צריך להיות ערך של שורה אחת (בקובץ CSV זה קורה כשמירכאות נפתחות "
                      "ולא נסגרות במקומן)."]


# ---- lengths ---------------------------------------------------------------------------

def _of_length(field: str, length: int) -> str:
    if field == "email":
        return "a" * (length - len("@example.com")) + "@example.com"
    return ("0" if field == "phone" else "C" if field == "external_id" else "א") * length


@pytest.mark.parametrize("header, field", [
    ("שם", "name"), ("כתובת", "address"), ("הערות", "notes"), ('דוא"ל', "email"),
    ("טלפון", "phone"), ("מספר לקוח", "external_id"), ("עיר", "city"),
])
def test_over_long_client_fields_are_refused_past_the_limit(db, tmp_path, header, field):
    limit = MAX_FIELD_LENGTH[field]
    values = [_of_length(field, limit), _of_length(field, limit + 1)]
    if field == "name":
        path = write_csv(tmp_path, "c.csv", ["שם"], [[value] for value in values])
    else:
        path = write_csv(tmp_path, "c.csv", ["שם", header],
                         [[f"לקוח {n}", value] for n, value in enumerate(values)])

    errors = failures(clients=path)

    assert errors[-1] == (f"שורה 3 בקובץ c.csv: {header}: הערך ארוך מדי ({limit + 1:,} תווים); "
                          f"המרב בעמודה זו הוא {limit:,}.")
    assert not any("ארוך מדי" in e for e in errors[:-1])  # the value at the limit is no longer


def test_a_5000_digit_number_is_a_bad_row_not_a_crash(db, tmp_path):
    huge = "9" * 5000
    errors = invoice_errors(tmp_path, [huge, "C1", huge, huge, ""])

    assert errors == ["שורה 2 בקובץ invoices.csv: "
                      "מספר חשבונית: הערך ארוך מדי (5,000 תווים); המרב בעמודה זו הוא 40. "
                      "תאריך: הערך ארוך מדי (5,000 תווים); המרב בעמודה זו הוא 50. "
                      "סכום: הערך ארוך מדי (5,000 תווים); המרב בעמודה זו הוא 50."]


def test_a_payment_naming_a_5000_digit_invoice(db, tmp_path):
    write_csv(tmp_path, "c.csv", ["שם"], [["כהן"]])
    payments = write_csv(tmp_path, "p.csv", ["אסמכתא", "לקוח", "תאריך", "סכום", "מספר חשבונית"],
                         [["R1", "כהן", "01/01/2026", "10", "1" * 5000]])

    errors = failures(clients=tmp_path / "c.csv", payments=payments)

    assert len(errors) == 1 and errors[0].startswith(
        "שורה 2 בקובץ p.csv: מספר חשבונית: הערך ארוך מדי (5,000 תווים)")


def test_excel_error_values_are_refused(db, tmp_path):
    errors = invoice_errors(tmp_path, ["1", "C1", "01/01/2026", "#DIV/0!", ""])

    assert errors == ["שורה 2 בקובץ invoices.csv: סכום: בתא יש ערך שגיאה של Excel (#DIV/0!) "
                      "ולא נתון."]
