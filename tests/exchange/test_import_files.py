"""Import files are read exactly or refused (the "Data safety" issue, "Imports are exact or
refused"): a workbook is read to its last row whatever its <dimension> says; a CSV with
an unbalanced quote or rows of the wrong width is refused with the lines named; every
malformed file (a broken zip, broken XML, a bad deflate stream or CRC, bad encodings, a
truncated workbook) is one Hebrew line, through models.exchange.importing and through
`python main.py import`, and nothing is written; a device, a FIFO or a folder is refused
at once. Every file is written by the test itself; the ledger is a real temporary file.
"""
import csv
import datetime as dt
import io
import os
import re
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from models.exchange.importing import ImportFailed, ImportRefused, import_files
from models.ledger.clients import Client
from models.ledger.invoices import Invoice
from models.ledger.payments import Payment

ROOT = Path(__file__).resolve().parents[2]
SHEET = "xl/worksheets/sheet1.xml"
NAMES = [f"לקוח {n}" for n in range(1, 11)]
CITIES = ["חיפה", "עכו", "אילת", "צפת", "לוד", "רהט", "אופקים", "ירוחם", "נשר", "טבריה"]


# ---- writing files ---------------------------------------------------------------------

def workbook(rows, title="clients") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def clients_workbook() -> bytes:
    return workbook([["name", "city"], *zip(NAMES, CITIES)])


def rezip(raw: bytes, changes: dict, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """The archive `raw` with member `name` replaced by changes[name](its bytes), written
    afresh (valid sizes and CRCs): the damage is in the part, not in the zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, \
            zipfile.ZipFile(out, "w", compression) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename in changes:
                data = changes[info.filename](data)
            target.writestr(info.filename, data)
    return out.getvalue()


def in_sheet(raw: bytes, old: bytes, new: bytes) -> bytes:
    def change(xml: bytes) -> bytes:
        assert old in xml, old
        return xml.replace(old, new, 1)
    return rezip(raw, {SHEET: change})


def with_shared_strings(raw: bytes) -> bytes:
    """openpyxl writes text as inline strings; Excel keeps it in a shared string table.
    The same workbook, its text moved to xl/sharedStrings.xml as Excel writes it."""
    strings: list[bytes] = []

    def to_shared(match) -> bytes:
        strings.append(match[2])
        return match[1] + b' t="s"><v>' + str(len(strings) - 1).encode() + b"</v></c>"

    def sheet(xml: bytes) -> bytes:
        return re.sub(rb'(<c [^>]*?) t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', to_shared,
                      xml)

    def table() -> bytes:
        items = b"".join(b"<si><t>" + s + b"</t></si>" for s in strings)
        return (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                b'count="%d" uniqueCount="%d">%s</sst>' % (len(strings), len(strings), items))

    def types(xml: bytes) -> bytes:
        return xml.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                           b'ContentType="application/vnd.openxmlformats-officedocument.'
                           b'spreadsheetml.sharedStrings+xml"/></Types>')

    raw = rezip(raw, {SHEET: sheet})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, types(data) if info.filename == "[Content_Types].xml"
                            else data)
        target.writestr("xl/sharedStrings.xml", table())
    return out.getvalue()


def member_data_offset(raw: bytes, name: str) -> tuple[int, int]:
    """Where member `name`'s compressed bytes are in the archive: (offset, length)."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        info = archive.getinfo(name)
    header = info.header_offset
    name_length = int.from_bytes(raw[header + 26:header + 28], "little")
    extra_length = int.from_bytes(raw[header + 28:header + 30], "little")
    return header + 30 + name_length + extra_length, info.compress_size


def write(folder: Path, name: str, content) -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def counts():
    return Client.select().count(), Invoice.select().count(), Payment.select().count()


def refused(**files) -> list[str]:
    """The lines of an import refused as a whole, after checking nothing was written."""
    before = counts()
    with pytest.raises(ImportRefused) as info:
        import_files(**files)
    assert counts() == before
    return [str(error) for error in info.value.errors]


def failed(**files) -> list[str]:
    """The lines of an import refused for its rows, after checking nothing was written."""
    before = counts()
    with pytest.raises(ImportFailed) as info:
        import_files(**files)
    assert counts() == before
    return [str(error) for error in info.value.errors]


def clients_in_ledger():
    return [(c.name, c.city) for c in Client.select().order_by(Client.id)]


# ---- a workbook is read in full --------------------------------------------------------

@pytest.mark.parametrize("dimension", [b'<dimension ref="A1:B3"/>', b'<dimension ref="A1"/>',
                                       b'<dimension ref="A1:XFD1048576"/>', b""])
def test_a_workbook_is_read_to_its_last_row_whatever_its_dimension_says(db, tmp_path,
                                                                         dimension):
    raw = rezip(clients_workbook(), {SHEET: lambda xml: re.sub(
        rb'<dimension ref="[^"]*"\s*/>', dimension, xml)})
    path = write(tmp_path, "clients.xlsx", raw)

    result = import_files(clients=path)

    assert result.added["clients"] == 10
    assert clients_in_ledger() == list(zip(NAMES, CITIES))


def test_a_workbook_with_a_shared_string_table_as_excel_writes_it(db, tmp_path):
    path = write(tmp_path, "clients.xlsx", with_shared_strings(clients_workbook()))
    assert b'<c r="A2" t="s"><v>2</v></c>' in zipfile.ZipFile(path).read(SHEET)

    import_files(clients=path)

    assert clients_in_ledger() == list(zip(NAMES, CITIES))


def _a5(element=b"c", kind=b"inlineStr", text=b"t", inline=b"is") -> bytes:
    """Cell A5 of clients_workbook() as openpyxl writes it, or with a part renamed."""
    return (b'<%s r="A5" t="%s"><%s><%s>%s</%s></%s></%s>'
            % (element, kind, inline, text, NAMES[3].encode(), text, inline, element))


@pytest.mark.parametrize("old, new, line, fragment", [
    # row 4 says it is row 2: openpyxl dropped it and reported success
    (b'<row r="4">', b'<row r="2">', None, "שורה 2 רשומה אחרי שורה 3"),
    # B3 says it is A3: openpyxl wrote the city over the name
    (b'<c r="B3"', b'<c r="A3"', 3, "בשורה 3 יש תא שמופיע פעמיים"),
    (b'<c r="B3"', b'<c r="B5"', 3, "התא 'B5' רשום בשורה 3"),
    (b'<c r="B3"', b'<c r="XFE3"', 3, "אחרי העמודה האחרונה של Excel"),
    # openpyxl filled in every row before it: minutes for 2,000,000,000
    (b'<row r="11">', b'<row r="2000000000">', None,
     "רשומה שורה 2,000,000,000, ובגיליון של Excel יש רק שורות 1 עד 1,048,576"),
    (b'<row r="2">', b'<row r="0">', None, "רשומה שורה 0, ובגיליון של Excel יש רק שורות"),
    # parts the format does not have, which openpyxl skipped or read as something else
    (_a5(), _a5(element=b"x"), 5, "בשורה 5 יש רכיב שאינו תא"),
    (_a5(), _a5(kind=b"inline"), 5, "בתא A5 יש מבנה שאינו של תא"),
    (_a5(), _a5(inline=b"iz"), 5, "בתא A5 יש מבנה שאינו של תא"),
    (_a5(), _a5(text=b"q"), 5, "בתא A5 יש מבנה שאינו של טקסט"),
])
def test_a_damaged_sheet_is_refused_naming_the_row_not_read_around(db, tmp_path, old, new,
                                                                   line, fragment):
    path = write(tmp_path, "clients.xlsx", in_sheet(clients_workbook(), old, new))

    started = time.monotonic()
    errors = refused(clients=path)

    assert time.monotonic() - started < 10
    assert len(errors) == 1
    prefix = f"שורה {line} בקובץ clients.xlsx: " if line else "בקובץ clients.xlsx: "
    assert errors[0].startswith(prefix + "קובץ ה-Excel פגום או שאינו xlsx: בגיליון 'clients', ")
    assert fragment in errors[0]


def test_an_excel_error_cell_is_refused_even_in_a_name_column(db, tmp_path):
    # A CSV name may be "#1 Pizza"; a workbook cell marked as an error is no name at all.
    raw = in_sheet(clients_workbook(), _a5(), b'<c r="A5" t="e"><v>#REF!</v></c>')

    errors = failed(clients=write(tmp_path, "clients.xlsx", raw))

    assert errors == ["שורה 5 בקובץ clients.xlsx: name: בתא יש ערך שגיאה של Excel (#REF!) "
                      "ולא נתון."]


def test_an_inline_string_written_as_a_plain_value_is_read_not_dropped(db, tmp_path):
    raw = in_sheet(clients_workbook(), _a5(),
                   b'<c r="A5" t="inlineStr"><v>' + NAMES[3].encode() + b"</v></c>")

    import_files(clients=write(tmp_path, "clients.xlsx", raw))

    assert clients_in_ledger() == list(zip(NAMES, CITIES))


@pytest.mark.parametrize("value, shown", [(b"abc", "abc"), (b"NaN", "NaN"), (b"inf", "inf"),
                                          ("١٢".encode(), "١٢"), (b"1_000", "1_000")])
def test_a_number_cell_that_holds_no_number_is_refused_naming_the_cell(db, tmp_path, value,
                                                                       shown):
    raw = workbook([["number", "client", "issue_date", "amount"],
                    [1, "כהן", dt.datetime(2026, 1, 1), 10],
                    [2, "כהן", dt.datetime(2026, 1, 2), 7]],
                   title="invoices")
    raw = in_sheet(raw, b'<c r="D3" t="n"><v>7</v>', b'<c r="D3" t="n"><v>' + value + b"</v>")
    clients = write(tmp_path, "clients.csv", "name\r\nכהן\r\n")

    errors = refused(clients=clients, invoices=write(tmp_path, "invoices.xlsx", raw))

    assert errors == [f"שורה 3 בקובץ invoices.xlsx: קובץ ה-Excel פגום או שאינו xlsx: בגיליון "
                      f"'invoices', בתא D3 רשום '{shown}', שאינו מספר, אף שהתא מסומן כמספר. "
                      "פתחו ושמרו אותו מחדש ב-Excel ונסו שוב."]


def test_a_shared_string_index_out_of_the_table_is_refused_not_read_from_its_end(db, tmp_path):
    raw = with_shared_strings(clients_workbook())
    # -1 would be the table's last string to Python; 99 is past its end.
    for index in (b"-1", b"99"):
        path = write(tmp_path, "clients.xlsx",
                     in_sheet(raw, b'<c r="A2" t="s"><v>2</v>', b'<c r="A2" t="s"><v>' + index
                              + b"</v>"))

        errors = refused(clients=path)

        assert len(errors) == 1 and "לא ניתן לקרוא את הגיליון 'clients' אחרי שורה 1" in errors[0]


# ---- a CSV whose quotes or widths are wrong -------------------------------------------

def test_an_unbalanced_quote_is_refused_not_merged_into_one_name(db, tmp_path):
    # The quote opened on line 2 is never closed: lines 2-4 would be one client's name.
    path = write(tmp_path, "clients.csv", 'name,city\r\n"כהן,חיפה\r\nלוי,עכו\r\nמזרחי,אילת\r\n')

    assert refused(clients=path) == [
        'שורה 2 בקובץ clients.csv: מירכאות (") שנפתחו בשורה 2 לא נסגרו עד סוף הקובץ, כך '
        "שכל השורות שאחריהן נקראו כתא אחד. תקנו את המירכאות ונסו שוב."]


def test_a_quote_closed_rows_later_is_refused_naming_where_the_cell_began(db, tmp_path):
    path = write(tmp_path, "clients.csv",
                 'name,city\r\nפרץ,לוד\r\n"כהן,חיפה\r\nלוי,עכו\r\nמזרחי",אילת\r\nגולן,נשר\r\n')

    errors = failed(clients=path)

    # The cell opened on line 3 runs to line 5; the next row starts on line 6 and is fine.
    assert [e.split(": ")[:2] for e in errors] == [["שורה 3 בקובץ clients.csv", "name"]]
    assert "ירידת שורה" in errors[0]


def test_text_after_a_closing_quote_is_refused_naming_the_line(db, tmp_path):
    path = write(tmp_path, "clients.csv", 'name,city\r\nלוי,עכו\r\n"כהן" בע"מ,חיפה\r\n')

    assert refused(clients=path) == [
        'שורה 3 בקובץ clients.csv: מירכאות (") לא מאוזנות בשורה 3: אחרי מירכאות סוגרות צריך '
        "לבוא מפריד או סוף שורה. תקנו את המירכאות ונסו שוב."]


def test_rows_wider_or_narrower_than_the_header_are_refused_each_named(db, tmp_path):
    path = write(tmp_path, "clients.csv", "name,city,notes\r\n"
                 "לוי,עכו,\r\n"            # 2: three fields, one empty: fine
                 "כהן,חיפה,א,ב\r\n"        # 3: a fourth value under no header
                 "מזרחי,אילת\r\n"          # 4: two fields of three
                 "פרץ\r\n"                 # 5: one field of three
                 "גולן,נשר,,,\r\n"         # 6: empty fields past the header: fine
                 "דהן,לוד,ג,,ד\r\n")       # 7: a fifth value

    errors = failed(clients=path)

    assert [e.split(":")[0] for e in errors] == [
        f"שורה {n} בקובץ clients.csv" for n in (3, 4, 5, 7)]
    assert "יש ערך בעמודה 4, שאין לה כותרת" in errors[0]
    assert "בשורה 2 שדות, ובשורת הכותרות 3" in errors[1]
    assert "בשורה שדה אחד, ובשורת הכותרות 3" in errors[2]
    assert "יש ערך בעמודה 5, שאין לה כותרת" in errors[3]


# ---- malformed files: one Hebrew line, through the API and the command line -------------

def _broken_deflate() -> bytes:
    raw = bytearray(clients_workbook())
    offset, length = member_data_offset(bytes(raw), SHEET)
    for at in range(offset + length // 3, offset + length // 3 + 40):
        raw[at] ^= 0xA5
    return bytes(raw)


def _changed_after_zipping() -> bytes:
    # Stored, not deflated: a changed letter still leaves well-formed XML, and only the
    # CRC knows. Reading it anyway would import a client the file never had.
    raw = rezip(clients_workbook(), {}, compression=zipfile.ZIP_STORED)
    old = NAMES[6].encode()
    assert raw.count(old) == 1
    return raw.replace(old, NAMES[6].replace("7", "8").encode())


def _billion_laughs() -> bytes:
    """A DOCTYPE whose entity &j; stands for 10,000,000,000 characters."""
    entities = [b'<!ENTITY a "aaaaaaaaaa">']
    for previous, name in zip(b"abcdefghi", b"bcdefghij"):
        entities.append(b'<!ENTITY %c "%s">' % (name, b"&%c;" % previous * 10))
    return b"<!DOCTYPE worksheet [" + b"".join(entities) + b"]>"


def _entity_bomb() -> bytes:
    def change(xml: bytes) -> bytes:
        xml = _billion_laughs() + xml
        return xml.replace(b"<t>" + NAMES[0].encode() + b"</t>", b"<t>&j;</t>")
    return rezip(clients_workbook(), {SHEET: change})


MALFORMED = {
    "a broken zip": ("clients.xlsx", lambda: b"PK\x03\x04" + bytes(range(256)) * 8,
                     "קובץ ה-Excel פגום או שאינו xlsx: מבנה הארכיון שבור."),
    "an empty zip": ("clients.xlsx", lambda: b"PK\x05\x06" + bytes(18),
                     "קובץ ה-Excel פגום או שאינו xlsx"),
    "a truncated workbook": ("clients.xlsx", lambda: clients_workbook()[:3000],
                             "קובץ ה-Excel פגום או שאינו xlsx: מבנה הארכיון שבור."),
    "broken XML in the sheet": (
        "clients.xlsx", lambda: in_sheet(clients_workbook(), b"</row>", b"</rwo>"),
        "קובץ ה-Excel פגום או שאינו xlsx: לא ניתן לקרוא את הגיליון 'clients'"),
    "broken XML in the workbook part": (
        "clients.xlsx", lambda: rezip(clients_workbook(), {"xl/workbook.xml": lambda x: x[:100]}),
        "קובץ ה-Excel פגום או שאינו xlsx: לא ניתן לפתוח אותו."),
    "a deflate stream that does not inflate": ("clients.xlsx", _broken_deflate,
                                               "קובץ ה-Excel פגום או שאינו xlsx"),
    "a sheet changed after it was zipped (CRC)": (
        "clients.xlsx", _changed_after_zipping, "קובץ ה-Excel פגום או שאינו xlsx"),
    "an XML entity bomb": ("clients.xlsx", _entity_bomb, "קובץ ה-Excel פגום או שאינו xlsx"),
    "a workbook with no data": ("clients.xlsx", lambda: workbook([]),
                                "בקובץ ה-Excel אין גיליון עם נתונים."),
    "neither UTF-8 nor Windows-1255": ("clients.csv", lambda: b"name,city\r\n\xd9\xff,x\r\n",
                                       "לא ניתן לזהות את קידוד הקובץ"),
    "a UTF-8 BOM before bytes that are not UTF-8": (
        "clients.csv", lambda: b"\xef\xbb\xbfname\r\n\xc3\x28\r\n", "לא ניתן לזהות את קידוד הקובץ"),
    "UTF-16 cut in the middle of a character": (
        "clients.csv", lambda: "\ufeffname\r\nכהן\r\n".encode("utf-16-le") + b"\x05",
        "לא ניתן לזהות את קידוד הקובץ"),
    "binary data": ("clients.csv", lambda: bytes(range(1, 32)) * 40,
                    "הקובץ אינו קובץ טקסט (CSV) ואינו קובץ Excel (xlsx)."),
    "an Excel 97 workbook": ("clients.xls",
                             lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
                             "זהו קובץ Excel בפורמט הישן (xls)."),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_file_is_one_hebrew_line_and_nothing_is_written(db, tmp_path, case):
    name, make, fragment = MALFORMED[case]
    path = write(tmp_path, name, make())

    started = time.monotonic()
    with pytest.raises(ImportRefused) as info:
        import_files(clients=path)

    assert time.monotonic() - started < 10
    assert counts() == (0, 0, 0)
    message = str(info.value)
    assert len(message.splitlines()) == 1
    assert message.startswith(f"הייבוא נכשל ולא נכתב דבר. בקובץ {name}: ")
    assert fragment in message
    assert re.search("[\u05d0-\u05ea]", message.split(": ", 1)[1])


def test_two_malformed_files_are_named_one_line_each(db, tmp_path):
    clients = write(tmp_path, "clients.xlsx", clients_workbook()[:3000])
    payments = write(tmp_path, "payments.csv", b"reference,client,date,amount\r\n\xd9\xff\r\n")

    errors = refused(clients=clients, payments=payments)

    assert [e.split(":")[0] for e in errors] == ["בקובץ clients.xlsx", "בקובץ payments.csv"]


def test_a_malformed_file_beside_good_ones_writes_none_of_them(db, tmp_path):
    clients = write(tmp_path, "clients.csv", "name\r\nכהן\r\n")
    invoices = write(tmp_path, "invoices.csv", "number,client,issue_date,amount\r\n"
                                               "1,כהן,01/02/2026,100\r\n")
    payments = write(tmp_path, "payments.xlsx", _broken_deflate())

    errors = refused(clients=clients, invoices=invoices, payments=payments)

    assert len(errors) == 1 and errors[0].startswith("בקובץ payments.xlsx: קובץ ה-Excel פגום")


def test_a_file_changed_while_it_is_imported_is_refused(db, tmp_path):
    # Rows are checked 2,000 at a time, so the file is still being read on the second
    # pass when the first progress report comes.
    path = write(tmp_path, "clients.csv",
                 "name\r\n" + "".join(f"לקוח {n}\r\n" for n in range(4500)))

    def another_program_writes(done: int, total: int) -> None:
        if done < total:  # while the rows are checked, after the first full pass
            with open(path, "a", encoding="utf-8") as appending:
                appending.write("לקוח נוסף\r\n")

    before = counts()
    with pytest.raises(ImportRefused) as info:
        import_files(clients=path, progress=another_program_writes)

    assert counts() == before
    assert str(info.value) == ("הייבוא נכשל ולא נכתב דבר. בקובץ clients.csv: הקובץ השתנה "
                               "בזמן הייבוא; סגרו את התוכנה שכותבת אליו ונסו שוב.")


def test_the_file_content_decides_not_its_name(db, tmp_path):
    """A workbook saved as .csv and a CSV saved as .xlsx are each read for what they are."""
    workbook_as_csv = write(tmp_path, "clients.csv", clients_workbook())
    csv_as_workbook = write(tmp_path, "invoices.xlsx", "number,client,issue_date,amount\r\n"
                                                       f"7,{NAMES[0]},01/02/2026,12.50\r\n")

    import_files(clients=workbook_as_csv, invoices=csv_as_workbook)

    assert clients_in_ledger() == list(zip(NAMES, CITIES))
    invoice = Invoice.get()
    assert (invoice.number, invoice.client.name, invoice.issue_date, invoice.amount_agorot) == (
        "7", NAMES[0], dt.date(2026, 2, 1), 1250)


# ---- numbers no real cell holds ---------------------------------------------------------

def _invoice_book(tmp_path, cell_xml: bytes, column: str) -> Path:
    """An invoices workbook whose row 2 has `cell_xml` as its cell in `column`."""
    raw = workbook([["number", "client", "issue_date", "amount"],
                    [1, "כהן", 1, 10]], title="invoices")
    old = {"A": b'<c r="A2" t="n"><v>1</v></c>', "C": b'<c r="C2" t="n"><v>1</v></c>',
           "D": b'<c r="D2" t="n"><v>10</v></c>'}[column]
    write(tmp_path, "clients.csv", "name\r\nכהן\r\n")
    return write(tmp_path, "invoices.xlsx", in_sheet(raw, old, cell_xml))


@pytest.mark.parametrize("serial, shown", [(b"99999999", "99999999"), (b"1e308", "1e+308"),
                                           (b"2958466", "2958466")])
def test_a_huge_excel_date_serial_is_a_bad_row_naming_the_number(db, tmp_path, serial, shown):
    # C2 is formatted as a date (its style s="1"), as Excel writes a date cell; openpyxl
    # read such a cell whose number is no date as "#VALUE!".
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "invoices"
    sheet.append(["number", "client", "issue_date", "amount"])
    sheet.append([1, "כהן", 1, 10])
    sheet["C2"].number_format = "dd/mm/yyyy"
    buffer = io.BytesIO()
    book.save(buffer)
    raw = rezip(buffer.getvalue(), {SHEET: lambda xml: re.sub(
        rb'(<c r="C2" s="[1-9]\d*" t="n"><v>)1(</v>)', rb"\g<1>" + serial + rb"\g<2>", xml)})
    assert serial in zipfile.ZipFile(io.BytesIO(raw)).read(SHEET)
    clients = write(tmp_path, "clients.csv", "name\r\nכהן\r\n")

    errors = failed(clients=clients, invoices=write(tmp_path, "invoices.xlsx", raw))

    assert errors == [f"שורה 2 בקובץ invoices.xlsx: issue_date: המספר {shown} אינו תאריך: "
                      "תאריך של Excel הוא מספר סידורי בין 1 ל-109,574."]


def test_a_huge_serial_in_a_csv_date_column_is_a_bad_row(db, tmp_path):
    clients = write(tmp_path, "clients.csv", "name\r\nכהן\r\n")
    invoices = write(tmp_path, "invoices.csv",
                     "number,client,issue_date,amount\r\n1,כהן,99999999,10\r\n")

    assert failed(clients=clients, invoices=invoices) == [
        "שורה 2 בקובץ invoices.csv: issue_date: '99999999' אינו תאריך מוכר; כתבו למשל 22/11/2026."]


@pytest.mark.parametrize("column, header, limit", [("A", "number", 40), ("C", "issue_date", 50),
                                                    ("D", "amount", 50)])
def test_a_5000_digit_number_in_a_workbook_is_an_over_long_value(db, tmp_path, column, header,
                                                                 limit):
    digits = b"9" * 5000
    path = _invoice_book(tmp_path, b'<c r="%s2" t="n"><v>%s</v></c>' % (column.encode(), digits),
                         column)

    errors = failed(clients=tmp_path / "clients.csv", invoices=path)

    assert errors == [f"שורה 2 בקובץ invoices.xlsx: {header}: הערך ארוך מדי (5,000 תווים); "
                      f"המרב בעמודה זו הוא {limit}."]


def test_a_number_past_a_floats_range_is_kept_as_written(db, tmp_path):
    path = _invoice_book(tmp_path, b'<c r="D2" t="n"><v>1e400</v></c>', "D")

    errors = failed(clients=tmp_path / "clients.csv", invoices=path)

    assert errors == ["שורה 2 בקובץ invoices.xlsx: amount: '1e400' אינו סכום תקין."]


def test_an_over_long_payment_reference_is_refused_at_101_characters(db, tmp_path):
    clients = write(tmp_path, "clients.csv", "name\r\nכהן\r\n")
    rows = [["R" * 100, "כהן", "01/01/2026", "10"], ["S" * 101, "כהן", "01/01/2026", "10"]]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([["reference", "client", "date",
                                                          "amount"], *rows])
    payments = write(tmp_path, "payments.csv", buffer.getvalue())

    assert failed(clients=clients, payments=payments) == [
        "שורה 3 בקובץ payments.csv: reference: הערך ארוך מדי (101 תווים); המרב בעמודה זו הוא 100."]


# ---- the command line: every malformed file, a device, a FIFO, a folder ----------------

def _not_a_file(folder: Path, case: str) -> Path:
    if case == "/dev/zero":
        return Path("/dev/zero")
    path = folder / {"a FIFO": "fifo.csv", "a folder": "folder.csv",
                     "a link to /dev/zero": "zero.csv"}[case]
    if case == "a FIFO":
        os.mkfifo(path)
    elif case == "a folder":
        path.mkdir()
    else:
        path.symlink_to("/dev/zero")
    return path


NOT_FILES = {"/dev/zero": "זה אינו קובץ רגיל (אלא התקן, צינור או שקע)",
             "a FIFO": "זה אינו קובץ רגיל (אלא התקן, צינור או שקע)",
             "a link to /dev/zero": "זה אינו קובץ רגיל (אלא התקן, צינור או שקע)",
             "a folder": "זו תיקייה ולא קובץ."}


@pytest.fixture(scope="module")
def command_line_runs(tmp_path_factory):
    """`python main.py import` on every malformed file and every non-file, all started at
    once (a process each takes a second to start), each with its own ledger. A run
    that has not ended after 60 s is stopped and recorded as hung."""
    folder = tmp_path_factory.mktemp("cli")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "QT_QPA_PLATFORM": "offscreen"}
    runs = {}
    for n, case in enumerate([*MALFORMED, *NOT_FILES]):
        case_folder = folder / f"case{n}"
        case_folder.mkdir()
        if case in MALFORMED:
            name, make, _fragment = MALFORMED[case]
            path = write(case_folder, name, make())
        else:
            path = _not_a_file(case_folder, case)
        # The clients file is the one under test, beside good invoices and payments files
        # that must not be written either.
        good = ["--invoices", str(write(case_folder, "invoices.csv",
                                        "number,client,issue_date,amount\r\n"
                                        "1,כהן,01/02/2026,100\r\n")),
                "--payments", str(write(case_folder, "payments.csv",
                                        "reference,client,date,amount\r\n"
                                        "R1,כהן,03/02/2026,40\r\n"))]
        db = case_folder / "gvia.db"
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "import", "--db", str(db), "--clients",
             str(path), *good],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
        runs[case] = (process, db, path)
    results = {}
    deadline = time.monotonic() + 60
    for case, (process, db, path) in runs.items():
        try:
            out, err = process.communicate(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            results[case] = None
            continue
        results[case] = (process.returncode, out.decode("utf-8"), err.decode("utf-8"), db, path)
    return results


def _ledger_rows(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return sum(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                   for table in ("client", "invoice", "payment", "allocation"))


@pytest.mark.parametrize("case", [*MALFORMED, *NOT_FILES])
def test_the_command_line_refuses_with_one_line_exit_2_and_writes_nothing(command_line_runs,
                                                                          case):
    result = command_line_runs[case]
    assert result is not None, f"{case}: the import did not end within 60 s"
    code, out, err, db, path = result
    fragment = MALFORMED[case][2] if case in MALFORMED else NOT_FILES[case]

    assert code == 2, err
    assert "Traceback" not in err and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"שגיאה: הייבוא נכשל ולא נכתב דבר. בקובץ {path.name}: ")
    assert fragment in lines[0]
    assert _ledger_rows(db) == 0
