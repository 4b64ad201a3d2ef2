"""Reading an import file (CSV or XLSX) into named columns and numbered rows.

Owns everything about the *file*: that it is a regular file at all, its encoding (BOM ->
UTF-8 / UTF-16, else strict UTF-8, else Windows-1255), its delimiter (`,` `;` TAB),
quoted newlines and unbalanced quotes, trailing empty columns, the sheet of a workbook,
and which header means which field (English or Hebrew, matched case-, space- and
mark-insensitively; a caller's `mapping` of headers to fields comes first). What the values
*mean* is models/exchange/import_rows.py's job.

`preview_table` opens a file with the same defences and returns its header, what each
column was recognised as and its first rows, without requiring any column to be known:
the import wizard shows it and lets the user map the columns.

A Table reads its header at once and its data rows afresh on every pass (`for row in
table`), straight from the file: memory stays the same for ten rows or a million. The
file is opened once; a pass that finds it changed since it was opened stops.

Line numbers are the ones a person sees: the header is line 1 when it is the first line;
a CSV row with a newline inside a quoted cell counts by the physical line it starts on;
an XLSX row is its row number in the sheet.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import os
import re
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from models.common.errors import GviaError
from models.common.i18n import N_, _
from models.common.text import search_key
from models.exchange.import_fields import (
    MAX_DATA_ROWS,
    MAX_FILE_BYTES,
    MAX_LINE_CHARS,
    MAX_SHARED_STRINGS_BYTES,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_DIRECTORY_BYTES,
)

# field -> header names it accepts, English and Hebrew, plus a few common extras (the
# README's "Command line" section lists the import columns).
FIELDS_BY_KIND: dict[str, dict[str, tuple[str, ...]]] = {
    "clients": {
        "external_id": ("external_id", "מספר לקוח"),  # hebrew: recognised headings
        "name": ("name", "שם", "שם לקוח"),  # hebrew: recognised headings
        "tax_id": ("tax_id", "ח.פ.", "ת.ז.", "מספר עוסק"),  # hebrew: headings
        "email": ("email", 'דוא"ל'),  # hebrew: recognised headings
        "phone": ("phone", "טלפון"),  # hebrew: recognised headings
        "address": ("address", "כתובת"),  # hebrew: recognised headings
        "city": ("city", "עיר"),  # hebrew: recognised headings
        "zip": ("zip", "מיקוד"),  # hebrew: recognised headings
        "terms": ("terms", "תנאי תשלום"),  # hebrew: recognised headings
        "kind": ("kind", "סוג לקוח"),  # hebrew: recognised headings
        "notes": ("notes", "הערות"),  # hebrew: recognised headings
        "country": ("country", "מדינה", "ארץ"),  # hebrew: recognised headings
        "letter_language": ("letter_language", "שפת מכתבים", "שפת המכתבים",  # hebrew: headings
                            "language", "שפה"),  # hebrew: recognised headings
        "gender": ("gender", "מגדר", "מין"),  # hebrew: recognised headings
        "salutation": ("salutation", "תואר"),  # hebrew: recognised headings
    },
    "invoices": {
        "number": ("number", "מספר חשבונית", "מספר מסמך"),  # hebrew: headings
        "client": ("client", "לקוח"),  # hebrew: recognised headings
        "issue_date": ("issue_date", "תאריך"),  # hebrew: recognised headings
        "due_date": ("due_date", "תאריך לתשלום"),  # hebrew: recognised headings
        "amount": ("amount", "סכום", 'סה"כ'),  # hebrew: recognised headings
        "currency": ("currency", "מטבע"),  # hebrew: recognised headings
        "description": ("description", "תיאור"),  # hebrew: recognised headings
        "kind": ("kind", "סוג מסמך"),  # hebrew: recognised headings
    },
    "payments": {
        "reference": ("reference", "אסמכתא"),  # hebrew: recognised headings
        "client": ("client", "לקוח"),  # hebrew: recognised headings
        "date": ("date", "תאריך"),  # hebrew: recognised headings
        "amount": ("amount", "סכום"),  # hebrew: recognised headings
        "method": ("method", "אמצעי תשלום"),  # hebrew: recognised headings
        "invoice": ("invoice", "מספר חשבונית"),  # hebrew: recognised headings
        "currency": ("currency", "מטבע"),  # hebrew: recognised headings
        "check_number": ("check_number", "מספר שיק"),  # hebrew: recognised headings
        "check_date": ("check_date", "תאריך פירעון"),  # hebrew: recognised headings
    },
}

# Workbook sheets that hold each kind, as header keys (see `header_key`).
SHEET_NAMES = {
    "clients": ("clients", "client", "לקוחות"),  # hebrew: recognised sheet name
    "invoices": ("invoices", "invoice", "חשבוניות"),  # hebrew: recognised sheet name
    "payments": ("payments", "payment", "תשלומים"),  # hebrew: recognised sheet name
}
FILE_LABELS = {"clients": N_("the clients file"), "invoices": N_("the invoices file"),
               "payments": N_("the payments file")}
# Each field in words, for a person choosing which column holds it (msgids: translated
# where shown).
FIELD_LABELS: dict[str, dict[str, str]] = {
    "clients": {
        "external_id": N_("Client number"), "name": N_("Client name"),
        "tax_id": N_("Company or ID number"), "email": N_("E-mail"), "phone": N_("Phone"),
        "address": N_("Address"), "city": N_("City"), "zip": N_("Postal code"),
        "terms": N_("Payment terms"), "kind": N_("Client type"), "notes": N_("Notes"),
        "country": N_("Country"), "letter_language": N_("Language of the letters"),
        "gender": N_("Gender"), "salutation": N_("Title (Mr, Dr…)"),
    },
    "invoices": {
        "number": N_("Invoice number"), "client": N_("Client (number or name)"),
        "issue_date": N_("Invoice date"), "due_date": N_("Due date"),
        "amount": N_("Amount"), "currency": N_("Currency"),
        "description": N_("Description"), "kind": N_("Document type"),
    },
    "payments": {
        "reference": N_("Reference"), "client": N_("Client (number or name)"),
        "date": N_("Payment date"), "amount": N_("Amount"),
        "method": N_("Payment method"), "invoice": N_("Invoice number paid"),
        "currency": N_("Currency"), "check_number": N_("Check number"),
        "check_date": N_("Check date"),
    },
}
PREVIEW_ROWS = 10

_KEY_NOISE = re.compile(r"[\s_\-.'\"/]")
_DELIMITERS = (",", ";", "\t")
_SEP_HINT = re.compile(r"^sep=(.)\s*$")  # Excel's optional first line, e.g. `sep=;`
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Spaces trimmed from the edges of a cell: Python's whitespace minus the control
# characters it counts as spaces (\x0b \x0c \x1c-\x1f \x85), which must stay visible to
# the checks instead of vanishing.
_EDGE_SPACE = (" \t\n\r\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
               "\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 .xls
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_HEAD_BYTES = 4000
_UTF16_ASCII_SHARE = 8  # at least one character in 8 of a UTF-16 table is ASCII
_DECODE_BLOCK = 1 << 20
# A text file holds hardly any control characters; at least this many, and more than
# one character in BINARY_SHARE, means a binary file (a PDF, a picture, a program).
_BINARY_CONTROLS = 4
_BINARY_SHARE = 20
_HEADER_SHOWN = 60  # characters of a header quoted back in a message
_PREVIEW_CHARS = 80  # characters of a cell shown in a preview
_EXACT_FLOAT_INTS = 2 ** 53  # a double holds every integer below this exactly
_NOT_TEXT = N_("The file is neither a text file (CSV) nor an Excel file (xlsx).")
_CHANGED = N_("The file changed during the import; please close the program that writes to "
              "it and try again.")

class TableError(GviaError):
    """The file as a whole cannot be read; `line` is where reading stopped, when known
    (1 for a header problem). `file_name` is set when the error comes from a pass."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line
        self.file_name: str | None = None


class ExcelErrorValue(str):
    """A workbook cell Excel marks as an error (#DIV/0!, #REF!, #N/A, …): its text, known
    to be no data, whatever column it is in."""

    __slots__ = ()


@dataclass(slots=True)
class TableRow:
    line: int
    values: dict[str, object]  # field -> raw value ("" when empty); XLSX keeps numbers/dates
    stray_columns: list[int] = field(default_factory=list)  # values under no header
    missing_fields: int = 0  # CSV: fields the row lacks up to the header's last column


class Table:
    """An import file, open: its header, and its data rows on every `for row in table`."""

    def __init__(self, file_name: str, kind: str, source: "_CsvSource | _XlsxSource",
                 header_line: int, header_cells: list,
                 mapping: dict[str, str | None] | None = None):
        self.file_name = file_name
        self.kind = kind
        self.header_line = header_line
        self.encoding = getattr(source, "encoding", "")
        self.is_date1904 = getattr(source, "is_date1904", False)
        self.sheet = getattr(source, "sheet_title", "")
        self.row_count: int | None = None  # known after the first full pass
        self._source = source
        columns, self.headers, self.ignored_headers = _read_header(kind, header_cells,
                                                                   header_line, mapping)
        # A CSV row must reach the header's last titled column (fewer fields mean a
        # missing delimiter or a misplaced quote); a workbook row just ends earlier.
        filled = [i for i, cell in enumerate(header_cells) if _is_filled(cell)]
        self.header_fields = filled[-1] + 1 if isinstance(source, _CsvSource) else 0
        self._make_row = _row_maker(columns, header_cells, self.header_fields)
        self._index = {name: index for index, name in columns.items()}

    def __iter__(self) -> Iterator[TableRow]:
        make_row = self._make_row
        for line, cells in self._records():
            yield make_row(line, cells)

    def columns(self, names) -> Iterator[tuple[int, tuple]]:
        """(line, the trimmed cells of fields `names`) for every data row: a pass that
        looks at a few columns of the whole file without building its rows."""
        indexes = [self._index[name] for name in names]
        for line, cells in self._records():
            count = len(cells)
            yield line, tuple(_trimmed(cells[i]) if i < count else "" for i in indexes)

    def _records(self) -> Iterator[tuple[int, list]]:
        header_line = self.header_line
        count = 0
        try:
            for line, cells in self._source.records():
                if line <= header_line:
                    continue
                count += 1
                if count > MAX_DATA_ROWS:
                    raise TableError(_("The file has more than {limit} data rows; please "
                                       "split it into several files.").format(
                        limit=f"{MAX_DATA_ROWS:,}"), line=line)
                yield line, cells
            self._source.file.check_unchanged()
            if not count:
                raise TableError(_("The file has only a heading row, without data."))
        except TableError as exc:
            exc.file_name = self.file_name
            raise
        except OSError as exc:  # a disk or network error in the middle of a pass
            error = TableError(_unreadable(exc.strerror or exc))
            error.file_name = self.file_name
            raise error from None
        self.row_count = count

    def close(self) -> None:
        self._source.close()

    def __enter__(self) -> "Table":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def header_key(text) -> str:
    """`Issue Date`, `issue_date`, `\\ufeffתאריך`, `ח.פ.`/`חפ` -> one comparable key."""
    return _KEY_NOISE.sub("", search_key(cell_text(text)))


def _alias_index(kind: str) -> dict[str, str]:
    return {header_key(alias): name
            for name, aliases in FIELDS_BY_KIND[kind].items() for alias in aliases}


def cell_text(value) -> str:
    """A cell as text: an XLSX number 12.0 is `12` (invoice numbers, ID numbers, phones);
    a float past the integers a double holds exactly is written as Excel shows it
    (`1e+20`), not as the 21 digits it stands for."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT_FLOAT_INTS:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return str(value)


def read_table(path: str | Path, kind: str,
               mapping: dict[str, str | None] | None = None) -> Table:
    """Open `path` (CSV or XLSX, by content) as a `kind` file and read its header.
    `mapping`: header as written -> field of FIELDS_BY_KIND[kind], or None to leave the
    column out; it overrides the recognised headings, the headers it does not name are
    recognised as usual. Raises TableError. The caller closes the Table."""
    path = Path(path)
    source_file = _SourceFile(path)
    try:
        source = _open_source(source_file, kind)
        header_line, header_cells = source.header()
        return Table(path.name, kind, source, header_line, header_cells, mapping)
    except OSError as exc:  # a disk or network error while reading
        source_file.close()
        raise TableError(_unreadable(exc.strerror or exc)) from None
    except BaseException:
        source_file.close()
        raise


@dataclass
class TablePreview:
    """The head of an import file as a person checks it before importing."""
    file_name: str
    kind: str
    sheet: str  # the workbook's sheet read ("" for a CSV)
    header_line: int
    headers: list[str]  # every titled column's header as written, in file order
    recognised: list[str | None]  # the field each header is recognised as, or None
    rows: list[tuple[int, list[str]]]  # (line, the cells under `headers` as text)


def preview_table(path: str | Path, kind: str, rows: int = PREVIEW_ROWS) -> TablePreview:
    """The header and first `rows` data rows of `path` as a `kind` file, with what the
    import recognises each header as. Refuses what read_table refuses about the file
    itself (TableError: not a file, not a table, damaged, a heading twice); a header that
    matches no field is not an error here, the person may map it."""
    path = Path(path)
    source_file = _SourceFile(path)
    try:
        source = _open_source(source_file, kind)
        try:
            header_line, header_cells = source.header()
            titled = _titled_columns(header_cells, header_line)
            aliases = _alias_index(kind)
            shown = []
            for line, cells in source.records():
                if line <= header_line:
                    continue
                if len(shown) == rows:
                    break
                shown.append((line, [_preview_cell(cells[i]) if i < len(cells) else ""
                                     for i, _text, _key in titled]))
            return TablePreview(path.name, kind, getattr(source, "sheet_title", ""),
                                header_line, [text for _i, text, _key in titled],
                                [aliases.get(key) for _i, _text, key in titled], shown)
        finally:
            source.close()
    except OSError as exc:
        source_file.close()
        raise TableError(_unreadable(exc.strerror or exc)) from None
    except BaseException:
        source_file.close()
        raise


def _open_source(source_file: "_SourceFile", kind: str) -> "_CsvSource | _XlsxSource":
    head = source_file.head()
    if head.startswith(_OLE_MAGIC):
        raise TableError(_("This is an Excel file in the old format (xls). Please save "
                           "it as xlsx or CSV and try again."))
    if head.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)):
        return _XlsxSource(source_file, kind)
    return _CsvSource(source_file)


def _preview_cell(cell) -> str:
    if isinstance(cell, dt.datetime) and cell.time() == dt.time():
        cell = cell.date()
    if isinstance(cell, dt.date) and not isinstance(cell, dt.datetime):
        return cell.strftime("%d/%m/%Y")
    text = " ".join(_CONTROL.sub("?", cell_text(_trimmed(cell))).splitlines())
    return text if len(text) <= _PREVIEW_CHARS else text[:_PREVIEW_CHARS] + "…"


# ---- the file itself -----------------------------------------------------------------

class _SourceFile:
    """The file, checked to be a regular file before it is opened (a device, a FIFO or
    a directory would block or never end), opened once, read from its start per pass."""

    def __init__(self, path: Path):
        try:
            info = os.stat(path)
        except FileNotFoundError:
            raise TableError(_("The file was not found.")) from None
        except OSError as exc:
            raise TableError(_unreadable(exc.strerror)) from None
        _check_kind(info)
        # O_NONBLOCK: should the path be swapped for a FIFO after the check above,
        # opening it still returns at once, and fstat below refuses it.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(path, flags)
        except IsADirectoryError:
            raise TableError(_("This is a folder, not a file.")) from None
        except PermissionError:
            raise TableError(_("There is no permission to read the file.")) from None
        except OSError as exc:
            raise TableError(_unreadable(exc.strerror)) from None
        try:
            info = os.fstat(fd)
            _check_kind(info)
            self.handle = os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise
        self.size = info.st_size
        self._identity = (info.st_size, info.st_mtime_ns)

    def head(self) -> bytes:
        return self.rewind().read(_HEAD_BYTES)

    def rewind(self):
        self.handle.seek(0)
        return self.handle

    def check_unchanged(self) -> None:
        info = os.fstat(self.handle.fileno())
        if (info.st_size, info.st_mtime_ns) != self._identity:
            raise TableError(_(_CHANGED))

    def close(self) -> None:
        self.handle.close()


def _check_kind(info: os.stat_result) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise TableError(_("This is a folder, not a file."))
    if not stat.S_ISREG(info.st_mode):
        raise TableError(_("This is not a regular file (but a device, a pipe or a socket); "
                           "please choose a CSV or xlsx file."))
    if info.st_size > MAX_FILE_BYTES:
        raise TableError(_("The file is too large ({size} MB); the most allowed is {limit} MB. "
                           "Please split it into several files.").format(
            size=f"{info.st_size / 2**20:,.0f}", limit=f"{MAX_FILE_BYTES / 2**20:,.0f}"))


def _unreadable(reason) -> str:
    return _("The file cannot be read ({error}).").format(error=reason)


# ---- CSV -----------------------------------------------------------------------------

def sniff_encoding(source_file: _SourceFile) -> str:
    """BOM first, then strict UTF-8, then Windows-1255; the whole file must decode."""
    head = source_file.head()
    if head.startswith(_UTF8_BOM):
        encoding = "utf-8-sig"
    elif head.startswith(_UTF16_BOMS):
        encoding = "utf-16"
    elif b"\x00" in head and _utf16_without_bom(head):
        encoding = _utf16_without_bom(head)
        if not _decodes(source_file, encoding) or _CONTROL.search(
                head.decode(encoding, "replace")[:2000]):
            raise TableError(_(_NOT_TEXT))
        return encoding
    else:
        encoding = "utf-8" if _decodes(source_file, "utf-8") else "cp1255"
    if _looks_binary(head.decode(encoding, "replace")):
        raise TableError(_(_NOT_TEXT))
    if not _decodes(source_file, encoding):
        raise TableError(_(
            "The file's encoding cannot be recognised (UTF-8, UTF-16 and Windows-1255 were "
            "tried). Please save it in Excel as \"CSV UTF-8\" and try again."))
    return encoding


def _utf16_without_bom(head: bytes) -> str | None:
    # ASCII characters (delimiters, newlines, digits, spaces) leave a zero byte beside
    # them, always on the same side, and a table has many of them; a few zero bytes
    # are a UTF-8 or Windows-1255 text with a NUL in it (refused by its row), or binary.
    pairs = len(head) // 2
    for encoding, zero_side, other_side in (("utf-16-le", head[1::2], head[0::2]),
                                            ("utf-16-be", head[0::2], head[1::2])):
        if (other_side.count(0) == 0 and zero_side.count(0) * _UTF16_ASCII_SHARE >= pairs
                and re.search("[\r\n]", head.decode(encoding, "replace"))):
            return encoding
    return None


def _looks_binary(text: str) -> bool:
    controls = len(_CONTROL.findall(text))
    return controls >= _BINARY_CONTROLS and controls * _BINARY_SHARE > len(text)


def _decodes(source_file: _SourceFile, encoding: str) -> bool:
    """Whether the whole file decodes, read a block at a time (never all of it at once)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    handle = source_file.rewind()
    try:
        while block := handle.read(_DECODE_BLOCK):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def sniff_delimiter(first_line: str, encoding: str) -> str:
    """The delimiter that splits the header line most; UTF-16 "Unicode text" uses TAB."""
    counts = {d: _count_outside_quotes(first_line, d) for d in _DELIMITERS}
    best = max(counts.values())
    if best == 0:
        return "\t" if encoding.startswith("utf-16") else ","
    if encoding.startswith("utf-16") and counts["\t"] == best:
        return "\t"
    return next(d for d in _DELIMITERS if counts[d] == best)


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == char and not quoted:
            count += 1
    return count


class _CsvSource:
    """Records of a CSV as (starting physical line, cells), blank lines left out."""

    def __init__(self, source_file: _SourceFile):
        self.file = source_file
        self.encoding = sniff_encoding(source_file)
        first = self._first_line()
        if first is None:
            raise TableError(_("The file is empty."))
        # Lines up to `skip` hold nothing to read: blank ones, and Excel's `sep=` hint.
        self.skip, first_line = first
        hint = _SEP_HINT.match(first_line.rstrip("\r\n"))
        if hint:
            self.delimiter = hint.group(1)
            self.skip += 1
        else:
            self.delimiter = sniff_delimiter(first_line, self.encoding)

    def _first_line(self) -> tuple[int, str] | None:
        with self._text() as text:
            for index, line in enumerate(_lines(text)):
                if line.strip():
                    return index, line
        return None

    def _text(self):
        return _TextPass(self.file.rewind(), self.encoding)

    def header(self) -> tuple[int, list]:
        for line, cells in self.records():
            return line, cells
        raise TableError(_("The file is empty."))

    def records(self) -> Iterator[tuple[int, list]]:
        with self._text() as text:
            # strict: a quote closed in the wrong place is an error, not a silent merge.
            reader = csv.reader(_lines(text), delimiter=self.delimiter, strict=True)
            previous_end = 0
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    start = previous_end + 1
                    raise TableError(_csv_problem(exc, start, reader.line_num),
                                     line=start) from None
                except UnicodeDecodeError:  # it decoded whole when opened
                    raise TableError(_(_CHANGED)) from None
                start, previous_end = previous_end + 1, reader.line_num
                if start > self.skip and any(map(_is_filled, cells)):
                    yield start, cells

    def close(self) -> None:
        self.file.close()


class _TextPass:
    """The file as text for one pass; leaves the file open for the next pass."""

    def __init__(self, handle, encoding: str):
        self.wrapper = io.TextIOWrapper(handle, encoding=encoding, newline="")

    def __enter__(self) -> io.TextIOWrapper:
        return self.wrapper

    def __exit__(self, *exc) -> None:
        self.wrapper.detach()


def _lines(text: io.TextIOWrapper) -> Iterator[str]:
    """Physical lines as the csv module counts them (\\r, \\n, \\r\\n), none longer than
    MAX_LINE_CHARS: a file without line breaks is not read into memory whole."""
    readline = text.readline
    number = 0
    while line := readline(MAX_LINE_CHARS):
        number += 1
        if len(line) == MAX_LINE_CHARS:
            raise TableError(_("Line {line} is longer than {limit} characters; this is not "
                               "a CSV file of a table.").format(
                line=f"{number:,}", limit=f"{MAX_LINE_CHARS - 1:,}"), line=number)
        yield line


def _csv_problem(exc: csv.Error, start: int, stopped: int) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return _("Quotation marks (\") opened on line {line} were not closed by the end of "
                 "the file, so all the lines after them were read as one cell. Please "
                 "correct the quotation marks and try again.").format(line=start)
    if "expected after" in text:
        if stopped == start:
            return _("Unbalanced quotation marks (\") on line {line}: closing quotation marks "
                     "must be followed by a delimiter or the end of the line. Please correct "
                     "the quotation marks and try again.").format(line=start)
        return _("Unbalanced quotation marks (\") on lines {first}-{last}: closing quotation "
                 "marks must be followed by a delimiter or the end of the line. Please "
                 "correct the quotation marks and try again.").format(first=start,
                                                                      last=stopped)
    if "field larger than field limit" in text:
        return _("Line {line} has a cell longer than {limit} characters; closing quotation "
                 "marks may be missing from it.").format(
            line=start, limit=f"{csv.field_size_limit():,}")
    return _("The CSV structure is broken on line {line}.").format(line=start)


# ---- XLSX ----------------------------------------------------------------------------

class _XlsxSource:
    """Rows of one sheet of a workbook, streamed straight from the sheet's XML (see
    `_sheet_rows`) and read to the sheet's real end, whatever its <dimension> claims."""

    def __init__(self, source_file: _SourceFile, kind: str):
        self.file = source_file
        _check_archive(source_file)
        import openpyxl

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # unsupported extensions, missing styles
                self.book = openpyxl.load_workbook(source_file.rewind(), read_only=True,
                                                   data_only=True)
        except Exception:  # openpyxl meets a damaged archive with any error type
            raise TableError(_damaged(_("it cannot be opened"))) from None
        try:
            self.is_date1904 = self.book.epoch.year == 1904
            self.sheet, self._header = self._sheet_with_data(kind)
            self.sheet_title = self.sheet.title
        except BaseException:
            self.book.close()
            raise

    def _sheet_with_data(self, kind: str):
        """The sheet named for `kind` first, else the first with a filled row."""
        wanted = {header_key(n) for n in SHEET_NAMES[kind]}
        sheets = self.book.worksheets
        named = [s for s in sheets if header_key(s.title) in wanted]
        for sheet in named + [s for s in sheets if s not in named]:
            for record in self._rows_of(sheet):
                return sheet, record
        raise TableError(_("The Excel file has no sheet with data."))

    def header(self) -> tuple[int, list]:
        return self._header

    def records(self) -> Iterator[tuple[int, list]]:
        return self._rows_of(self.sheet)

    def _rows_of(self, sheet) -> Iterator[tuple[int, list]]:
        line = 0
        try:
            for line, cells in _sheet_rows(self.book, sheet):
                if any(map(_is_filled, cells)):
                    yield line, cells
        except TableError:
            raise
        except Exception:  # the XML parser and zlib meet damage with any error type
            if line:
                what = _("the sheet '{sheet}' cannot be read after line {line}").format(
                    sheet=sheet.title, line=f"{line:,}")
            else:
                what = _("the sheet '{sheet}' cannot be read from its start").format(
                    sheet=sheet.title)
            raise TableError(_damaged(what)) from None

    def close(self) -> None:
        try:
            self.book.close()
        finally:
            self.file.close()


# What a sheet of Excel can hold: a row or column beyond these is a damaged file.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_COLUMNS = 16_384
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DATA_TAG, _ROW_TAG, _CELL_TAG = _NS + "sheetData", _NS + "row", _NS + "c"
_VALUE_TAG, _INLINE_TAG, _TEXT_TAG, _RUN_TAG = _NS + "v", _NS + "is", _NS + "t", _NS + "r"
# What the format lets a row, a cell and an inline string hold. Anything else in them
# is damage, and skipping it would lose a value without a word.
_ROW_PARTS = frozenset({_CELL_TAG, _NS + "extLst"})
_CELL_PARTS = frozenset({_VALUE_TAG, _INLINE_TAG, _NS + "f", _NS + "extLst"})
_INLINE_PARTS = frozenset({_TEXT_TAG, _RUN_TAG, _NS + "rPh", _NS + "phoneticPr"})
_CELL_TYPES = frozenset({"n", "s", "b", "d", "e", "str", "inlineStr"})
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,9})")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# A number cell written out longer than this (a double needs at most 24 characters) is
# kept as its text, so the row check names it as over-long instead of Python choking on
# a 5,000-digit int or turning it into infinity.
_LONGEST_NUMBER = 40
_SHOWN_VALUE = 30


def _sheet_rows(book, sheet) -> Iterator[tuple[int, list]]:
    """(row number, the row's values from column A) for every <row> of `sheet`'s XML.

    openpyxl's own row reader is not used: it believes a damaged sheet without a word.
    It stops at a stale <dimension>, drops a row numbered lower than the one before it,
    lets a later cell overwrite an earlier one at the same address, reads a 5,000-digit
    number as an error and a date-formatted huge number as "#VALUE!", and pads out
    every row before one numbered 2,000,000,000. Here each of those is refused with its
    row named, or kept as written for the row check to name. Values are decoded as
    openpyxl decodes them (its shared strings, date styles and epoch); each row is
    dropped from memory once read, so memory stays flat for any number of rows.
    """
    from openpyxl.utils.cell import column_index_from_string, get_column_letter
    from openpyxl.utils.datetime import from_excel, from_ISO8601
    from openpyxl.xml.functions import iterparse

    strings = sheet._shared_strings
    date_styles = book._date_formats
    timedelta_styles = book._timedelta_formats
    epoch = book.epoch
    title = sheet.title

    def damaged(what: str, line: int | None = None) -> TableError:
        return TableError(_damaged(_("in the sheet '{sheet}', {problem}").format(
            sheet=title, problem=what)), line=line)

    def value_of(cell, kind: str, ref: str, line: int):
        if kind == "inlineStr":
            inline = cell.find(_INLINE_TAG)
            if inline is None:  # openpyxl reads an inline string written as <v> as empty
                return cell.findtext(_VALUE_TAG) or None
            return _inline_text(inline, damaged, ref, line)
        value = cell.findtext(_VALUE_TAG) or None
        if value is None or kind == "str":  # "str": the text a formula gave
            return value
        if kind == "e":
            return ExcelErrorValue(value)
        if kind == "n":
            number = _number_cell(value)
            if number is None:
                raise damaged(_("cell {cell} holds '{value}', which is not a number, "
                                "although the cell is marked as a number").format(
                    cell=ref, value=_shown_value(value)), line)
            style = cell.get("s")
            if style and number.__class__ is not str and int(style) in date_styles:
                try:
                    return from_excel(number, epoch, timedelta=int(style) in timedelta_styles)
                except (OverflowError, ValueError):
                    pass  # no date: the number stays, and the date check names it
            return number
        if kind == "s":
            index = int(value)
            if index < 0:
                raise IndexError(index)
            return strings[index]
        if kind == "b":
            return bool(int(value))
        return from_ISO8601(value)  # "d"

    previous = 0
    with sheet._get_source() as source:
        rows_parent = None
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                if element.tag == _DATA_TAG:
                    rows_parent = element
                continue
            if element.tag != _ROW_TAG:
                continue
            line = previous = _row_number(element.get("r"), previous, damaged)
            values: list = []
            column = 0
            for cell in element:
                if cell.tag not in _ROW_PARTS:
                    raise damaged(_("row {line} has a part that is not a cell").format(
                        line=f"{line:,}"), line)
                if cell.tag != _CELL_TAG:
                    continue
                ref = cell.get("r")
                if ref is None:
                    at = column + 1
                else:
                    match = _CELL_REF.fullmatch(ref)
                    if match is None or int(match[2]) != line:
                        raise damaged(_("the cell '{cell}' is recorded in row {line}").format(
                            cell=_shown_value(ref), line=f"{line:,}"), line)
                    at = column_index_from_string(match[1].upper())
                if at <= column or at > XLSX_MAX_COLUMNS:
                    raise damaged(_("row {line} has a cell that appears twice, out of its "
                                    "place or after Excel's last column").format(
                        line=f"{line:,}"), line)
                column = at
                kind = cell.get("t", "n")
                if kind not in _CELL_TYPES or any(p.tag not in _CELL_PARTS for p in cell):
                    raise damaged(_("cell {cell} has a structure that is not a cell's").format(
                        cell=f"{get_column_letter(at)}{line}"), line)
                value = value_of(cell, kind, f"{get_column_letter(at)}{line}", line)
                if value is None:
                    continue
                if len(values) < at - 1:
                    values.extend([None] * (at - 1 - len(values)))
                values.append(value)
            yield line, values
            (rows_parent if rows_parent is not None else element).clear()


def _row_number(text: str | None, previous: int, damaged) -> int:
    if text is None:
        number = previous + 1
    else:
        try:
            number = int(text)
        except ValueError:
            value = float(text)  # ValueError: the sheet is damaged
            if not value.is_integer():
                raise
            number = int(value)
    if not 1 <= number <= XLSX_MAX_ROWS:
        raise damaged(_("row {number} is recorded, and an Excel sheet has only rows 1 to "
                        "{last}").format(number=f"{number:,}", last=f"{XLSX_MAX_ROWS:,}"))
    if number <= previous:
        raise damaged(_("row {number} is recorded after row {previous}").format(
            number=f"{number:,}", previous=f"{previous:,}"))
    return number


def _number_cell(text: str):
    """The number a number cell holds: int or float as openpyxl reads it, its text when
    it is too long to be a real one (or past a float's range), None when no number."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    if len(text) > _LONGEST_NUMBER:
        return text
    if "." in text or "e" in text or "E" in text:
        value = float(text)
        return value if math.isfinite(value) else text
    return int(text)


def _inline_text(inline, damaged, ref: str, line: int) -> str:
    """An inline string's text: its plain part and its formatted runs, as openpyxl's
    Text.content reads it (phonetic runs left out)."""
    parts = [inline.findtext(_TEXT_TAG) or ""]
    for part in inline:
        if part.tag == _RUN_TAG:
            parts.append(part.findtext(_TEXT_TAG) or "")
        elif part.tag not in _INLINE_PARTS:
            raise damaged(_("cell {cell} has a structure that is not text").format(cell=ref),
                          line)
    return "".join(parts)


def _shown_value(text: str) -> str:
    text = _CONTROL.sub("?", text)
    return text if len(text) <= _SHOWN_VALUE else text[:_SHOWN_VALUE] + "…"


def _damaged(what: str) -> str:
    return _("The Excel file is damaged or is not xlsx: {problem}. Please open it in Excel, "
             "save it again and try again.").format(problem=what)


def _check_archive(source_file: _SourceFile) -> None:
    """Before anything is unpacked: the archive's directory and declared unpacked sizes
    are within what a workbook needs (zipfile never unpacks past a declared size)."""
    import zipfile

    handle = source_file.rewind()
    tail_size = min(source_file.size, 22 + 0xFFFF)  # end record and the longest comment
    handle.seek(source_file.size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(_EMPTY_ZIP_MAGIC)
    if at >= 0 and len(tail) >= at + 16:
        if int.from_bytes(tail[at + 12:at + 16], "little") > MAX_ZIP_DIRECTORY_BYTES:
            raise TableError(_damaged(_("it has more parts than a workbook has")))
    try:
        with zipfile.ZipFile(source_file.rewind()) as archive:
            parts = archive.infolist()
    except Exception:  # zipfile meets a damaged directory with several error types
        raise TableError(_damaged(_("the structure of the archive is broken"))) from None
    if sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        raise TableError(_damaged(_("it unpacks to more than {size} GB").format(
            size=f"{MAX_UNPACKED_BYTES / 2**30:,.0f}")))
    shared = sum(p.file_size for p in parts if p.filename.lower().endswith("sharedstrings.xml"))
    if shared > MAX_SHARED_STRINGS_BYTES:
        raise TableError(_damaged(_("its table of strings is larger than can be read")))


def _trimmed(cell):
    """A cell's value: text without its edge spaces, "" for an empty cell, else as is."""
    if cell.__class__ is str:
        return cell.strip(_EDGE_SPACE)
    return "" if cell is None else cell


def _is_filled(value) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip(_EDGE_SPACE)))


# ---- header and rows -----------------------------------------------------------------

def _titled_columns(header_cells, header_line: int) -> list[tuple[int, str, str]]:
    """(index, header as written, header key) of every column with a heading; a heading
    written twice is refused (no one could tell its two columns apart)."""
    titled = []
    seen: set[str] = set()
    for index, cell in enumerate(header_cells):
        text = cell_text(cell).replace("\ufeff", "")
        key = header_key(text)
        if not key:
            continue
        if key in seen:
            raise TableError(_("The heading '{heading}' appears twice; each column needs a "
                               "different heading.").format(heading=_shown_header(cell)),
                             line=header_line)
        seen.add(key)
        titled.append((index, text.strip(_EDGE_SPACE), key))
    return titled


def _read_header(kind: str, header_cells, header_line: int,
                 mapping: dict[str, str | None] | None = None):
    """(column index -> field, field -> header as written, headers not imported).
    `mapping` (header -> field or None) comes before the recognised headings."""
    aliases = _alias_index(kind)
    chosen = {}
    for header, name in (mapping or {}).items():
        if name and name not in FIELDS_BY_KIND[kind]:
            raise ValueError(f"{name!r} is not a field of {kind}")
        chosen[header_key(header)] = name or None
    columns: dict[int, str] = {}
    headers: dict[str, str] = {}
    ignored = []
    for index, _text, key in _titled_columns(header_cells, header_line):
        written = _shown_header(header_cells[index])
        name = chosen[key] if key in chosen else aliases.get(key)
        if name is None:
            ignored.append(written)
            continue
        if name in headers:
            raise TableError(_("The columns '{first}' and '{second}' are the same field; "
                               "please keep only one.").format(first=headers[name],
                                                               second=written),
                             line=header_line)
        headers[name] = written
        columns[index] = name
    if not headers:
        expected = ", ".join(a[0] for a in FIELDS_BY_KIND[kind].values())
        raise TableError(_("The heading row does not match {file}; headings such as these "
                           "were expected: {expected}.").format(
            file=_(FILE_LABELS[kind]), expected=expected), line=header_line)
    return columns, headers, ignored


def _shown_header(cell) -> str:
    """A header as a message quotes it: no control characters, not endless."""
    text = _CONTROL.sub("?", cell_text(cell).replace("\ufeff", "")).strip()
    return text if len(text) <= _HEADER_SHOWN else text[:_HEADER_SHOWN] + "…"


def _row_maker(columns: dict[int, str], header_cells, needed: int):
    """A function (line, cells) -> TableRow; built once per file, called for every row.
    `needed`: the fields a row must have (0: any number)."""
    named = sorted(columns.items())
    width = len(header_cells)
    # Beyond the titled columns, empty fields are tolerated (spreadsheets write them)
    # and values are reported as stray.
    unnamed = [i for i, cell in enumerate(header_cells) if not _is_filled(cell)]

    def make_row(line: int, cells) -> TableRow:
        count = len(cells)
        values = {}
        for index, name in named:  # _trimmed, inline: this runs for every cell
            cell = cells[index] if index < count else None
            values[name] = (cell.strip(_EDGE_SPACE) if cell.__class__ is str
                            else "" if cell is None else cell)
        stray = [i + 1 for i in unnamed if i < count and _is_filled(cells[i])]
        if count > width:
            stray += [i + 1 for i in range(width, count) if _is_filled(cells[i])]
        return TableRow(line, values, stray, needed - count if count < needed else 0)
    return make_row
