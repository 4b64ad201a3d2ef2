"""A person's column mapping: an import file from another program whose headings the import
does not know is imported once its columns are mapped; the mapping overrides or leaves out
recognised columns; it is remembered per source (the set of headings) for next month's
file; a file's head is previewed with what was recognised; each bad row names its columns.
"""
import csv
import datetime as dt
import io

import openpyxl
import pytest

from models.exchange.import_sources import (
    field_choices,
    preview_source,
    remember_mapping,
    remembered_mapping,
    source_signature,
)
from models.exchange.importing import ImportFailed, ImportRefused, import_files
from models.exchange.tabular import TableError, preview_table
from models.ledger.clients import Client
from models.ledger.invoices import Invoice

# What another invoicing program might export: no heading the import knows.
FOREIGN_HEADER = ["Doc No", "Customer", "Doc Date", "Total", "Remarks"]
FOREIGN_MAPPING = {"Doc No": "number", "Customer": "client", "Doc Date": "issue_date",
                   "Total": "amount", "Remarks": None}


def write_csv(folder, name, header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path = folder / name
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


@pytest.fixture
def clients_file(tmp_path):
    return write_csv(tmp_path, "clients.csv", ["מספר לקוח", "שם"],
                     [["C1", "כהן ובניו"], ["C2", "Atlas Ventures LLC"]])


def test_a_file_of_unknown_headings_is_refused_without_a_mapping(db, tmp_path, clients_file):
    invoices = write_csv(tmp_path, "docs.csv", FOREIGN_HEADER,
                         [["101", "C1", "01/11/2026", "1,170.00", "x"]])
    with pytest.raises(ImportRefused) as refused:
        import_files(clients=clients_file, invoices=invoices)
    assert "docs.csv" in str(refused.value)
    assert Invoice.select().count() == 0


def test_a_mapping_imports_a_file_of_unknown_headings(db, tmp_path, clients_file):
    invoices = write_csv(tmp_path, "docs.csv", FOREIGN_HEADER,
                         [["101", "C1", "01/11/2026", "1,170.00", "ignored remark"],
                          ["102", "C2", "15/11/2026", "500", ""]])
    result = import_files(clients=clients_file, invoices=invoices,
                          mappings={"invoices": FOREIGN_MAPPING})
    assert result.added["invoices"] == 2
    first = Invoice.get(Invoice.number == "101")
    assert (first.client.external_id, first.issue_date, first.amount_agorot) == (
        "C1", dt.date(2026, 11, 1), 117000)
    assert first.description == ""  # "Remarks" was left out
    assert any("Remarks" in note for note in result.notes)  # and the summary says so

    # The same file again adds nothing: the mapping does not change the idempotence.
    again = import_files(clients=clients_file, invoices=invoices,
                         mappings={"invoices": FOREIGN_MAPPING})
    assert again.added["invoices"] == 0 and again.skipped["invoices"] == 2


def test_a_mapping_overrides_and_leaves_out_recognised_columns(db, tmp_path, clients_file):
    # `תאריך` is recognised as the invoice date; here the file's `תאריך` is the due date
    # and its `נוצר` is the invoice date. `תיאור` is recognised, and left out.
    invoices = write_csv(tmp_path, "invoices.csv",
                         ["מספר חשבונית", "לקוח", "נוצר", "תאריך", "סכום", "תיאור"],
                         [["7", "C1", "01/11/2026", "30/11/2026", "100", "ייעוץ"]])
    import_files(clients=clients_file, invoices=invoices, mappings={"invoices": {
        "נוצר": "issue_date", "תאריך": "due_date", "תיאור": None}})
    invoice = Invoice.get()
    assert (invoice.issue_date, invoice.due_date, invoice.description) == (
        dt.date(2026, 11, 1), dt.date(2026, 11, 30), "")


def test_two_columns_mapped_to_one_field_are_refused_by_the_import(db, tmp_path,
                                                                   clients_file):
    invoices = write_csv(tmp_path, "docs.csv", FOREIGN_HEADER,
                         [["101", "C1", "01/11/2026", "1,170.00", "x"]])
    with pytest.raises(ImportRefused) as refused:
        import_files(clients=clients_file, invoices=invoices,
                     mappings={"invoices": {**FOREIGN_MAPPING, "Remarks": "number"}})
    assert "'Doc No'" in str(refused.value) and "'Remarks'" in str(refused.value)
    assert Invoice.select().count() == 0


def test_a_mapping_to_a_field_the_kind_has_not_is_a_programming_error(db, tmp_path,
                                                                      clients_file):
    invoices = write_csv(tmp_path, "docs.csv", FOREIGN_HEADER, [["1", "C1", "1/11/2026", "1", ""]])
    with pytest.raises(ValueError):
        import_files(invoices=invoices, mappings={"invoices": {"Doc No": "reference"}})


def test_every_problem_of_a_bad_row_names_its_column(db, tmp_path, clients_file):
    invoices = write_csv(tmp_path, "docs.csv", FOREIGN_HEADER,
                         [["101", "C1", "01/11/2026", "1,170.00", ""],
                          ["102", "C9", "31/02/2026", "abc", ""]])
    with pytest.raises(ImportFailed) as failed:
        import_files(clients=clients_file, invoices=invoices,
                     mappings={"invoices": FOREIGN_MAPPING})
    [error] = failed.value.errors
    assert (error.file_name, error.line) == ("docs.csv", 3)
    assert [column for column, _message in error.problems] == ["Customer", "Doc Date", "Total"]
    # The one-line report (the command line's) still holds every problem.
    assert all(f"{column}: {message}" in error.reason for column, message in error.problems)
    assert Client.select().count() == 0 and Invoice.select().count() == 0


def test_preview_shows_the_head_and_what_was_recognised(tmp_path):
    rows = [[str(n), "C1", "01/11/2026", "100", "שורה\nשנייה" if n == 1 else ""]
            for n in range(1, 15)]
    path = write_csv(tmp_path, "invoices.csv",
                     ["מספר חשבונית", "Customer", "תאריך", "סכום", ""], rows)
    preview = preview_table(path, "invoices")
    assert preview.headers == ["מספר חשבונית", "Customer", "תאריך", "סכום"]
    assert preview.recognised == ["number", None, "issue_date", "amount"]
    assert len(preview.rows) == 10
    assert preview.rows[0] == (2, ["1", "C1", "01/11/2026", "100"])


def test_preview_of_a_workbook_shows_dates_the_israeli_way(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "חשבוניות"
    sheet.append(["מספר חשבונית", "לקוח", "תאריך", "סכום"])
    sheet.append([1001, "C1", dt.date(2026, 11, 3), 1170.5])
    path = tmp_path / "book.xlsx"
    book.save(path)
    preview = preview_table(path, "invoices")
    assert preview.sheet == "חשבוניות"
    assert preview.rows == [(2, ["1001", "C1", "03/11/2026", "1170.5"])]


@pytest.mark.parametrize("content, message", [
    (b"\xd0\xcf\x11\xe0" + b"\0" * 600, "xls"),
    (b"", "ריק"),
])
def test_preview_refuses_what_the_import_refuses(tmp_path, content, message):
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    with pytest.raises(TableError) as refused:
        preview_table(path, "clients")
    assert message in str(refused.value)


def test_the_mapping_is_remembered_per_source(db, tmp_path):
    path = write_csv(tmp_path, "docs.csv", FOREIGN_HEADER, [["1", "C1", "1/11/2026", "1", ""]])
    first = preview_source(path, "invoices")
    assert not first.is_remembered
    assert first.mapping == {h: None for h in FOREIGN_HEADER}

    remember_mapping("invoices", FOREIGN_HEADER, FOREIGN_MAPPING)

    # Next month's file from the same program: other rows, headings in another order.
    header = ["Customer", "doc no", "Doc Date", "Remarks", "TOTAL"]
    later = write_csv(tmp_path, "docs-december.csv", header, [["C1", "2", "1/12/2026", "", "5"]])
    preview = preview_source(later, "invoices")
    assert preview.is_remembered
    assert preview.mapping == {"Customer": "client", "doc no": "number",
                               "Doc Date": "issue_date", "Remarks": None, "TOTAL": "amount"}
    # Another program (one heading more) and another kind of file are other sources.
    assert remembered_mapping("invoices", FOREIGN_HEADER + ["VAT"]) is None
    assert remembered_mapping("payments", FOREIGN_HEADER) is None
    assert source_signature(header) == source_signature(FOREIGN_HEADER)


def test_field_choices_name_every_field_in_the_interface_language():
    choices = dict(field_choices("invoices"))
    assert list(choices) == ["number", "client", "issue_date", "due_date", "amount",
                             "currency", "description", "kind"]
    assert choices["number"] == "מספר חשבונית"
