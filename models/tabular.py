"""Reading an import file (CSV or XLSX) into named columns and numbered rows.

Owns everything about the *file*: its encoding (BOM -> UTF-8 / UTF-16, else strict UTF-8,
else Windows-1255), its delimiter (`,` `;` TAB), quoted newlines, trailing empty columns,
the sheet of a workbook, and which header means which field (English or Hebrew, matched
case-, space- and mark-insensitively). What the values *mean* is models/importing.py's job.

Line numbers are the ones a person sees: the header is line 1 when it is the first line;
a CSV row with a newline inside a quoted cell counts by the physical line it starts on;
an XLSX row is its row number in the sheet.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from models.errors import GviaError
from models.text import search_key

# field -> header names it accepts (DESIGN.md's import table, plus a few common extras).
FIELDS_BY_KIND: dict[str, dict[str, tuple[str, ...]]] = {
    "clients": {
        "external_id": ("external_id", "מספר לקוח"),
        "name": ("name", "שם", "שם לקוח"),
        "tax_id": ("tax_id", "ח.פ.", "ת.ז.", "מספר עוסק"),
        "email": ("email", 'דוא"ל'),
        "phone": ("phone", "טלפון"),
        "address": ("address", "כתובת"),
        "city": ("city", "עיר"),
        "zip": ("zip", "מיקוד"),
        "terms": ("terms", "תנאי תשלום"),
        "kind": ("kind", "סוג לקוח"),
        "notes": ("notes", "הערות"),
    },
    "invoices": {
        "number": ("number", "מספר חשבונית", "מספר מסמך"),
        "client": ("client", "לקוח"),
        "issue_date": ("issue_date", "תאריך"),
        "due_date": ("due_date", "תאריך לתשלום"),
        "amount": ("amount", "סכום", 'סה"כ'),
        "currency": ("currency", "מטבע"),
        "description": ("description", "תיאור"),
        "kind": ("kind", "סוג מסמך"),
    },
    "payments": {
        "reference": ("reference", "אסמכתא"),
        "client": ("client", "לקוח"),
        "date": ("date", "תאריך"),
        "amount": ("amount", "סכום"),
        "method": ("method", "אמצעי תשלום"),
        "invoice": ("invoice", "מספר חשבונית"),
        "currency": ("currency", "מטבע"),
        "check_number": ("check_number", "מספר שיק"),
        "check_date": ("check_date", "תאריך פירעון"),
    },
}

# Workbook sheets that hold each kind, as header keys (see `header_key`).
SHEET_NAMES = {
    "clients": ("clients", "client", "לקוחות"),
    "invoices": ("invoices", "invoice", "חשבוניות"),
    "payments": ("payments", "payment", "תשלומים"),
}
FILE_LABELS = {"clients": "הלקוחות", "invoices": "החשבוניות", "payments": "התשלומים"}

_KEY_NOISE = re.compile(r"[\s_\-.'\"/]")
_DELIMITERS = (",", ";", "\t")
_SEP_HINT = re.compile(r"^sep=(.)\s*$")  # Excel's optional first line, e.g. `sep=;`
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 .xls


class TableError(GviaError):
    """The file as a whole cannot be read; `line` is 1 for a header problem, else None."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@dataclass
class TableRow:
    line: int
    values: dict[str, object]  # field -> raw value ("" when empty); XLSX keeps numbers/dates
    stray_columns: list[int] = field(default_factory=list)  # values under no header


@dataclass
class Table:
    file_name: str
    kind: str
    headers: dict[str, str]  # field -> the header as written in the file (for messages)
    rows: list[TableRow]
    header_line: int = 1
    ignored_headers: list[str] = field(default_factory=list)
    is_date1904: bool = False
    encoding: str = ""
    sheet: str = ""


def header_key(text) -> str:
    """`Issue Date`, `issue_date`, `\\ufeffתאריך`, `ח.פ.`/`חפ` -> one comparable key."""
    return _KEY_NOISE.sub("", search_key(cell_text(text)))


def _alias_index(kind: str) -> dict[str, str]:
    return {header_key(alias): name
            for name, aliases in FIELDS_BY_KIND[kind].items() for alias in aliases}


def cell_text(value) -> str:
    """A cell as text: an XLSX number 12.0 is `12` (invoice numbers, ID numbers, phones)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return str(value)


def read_table(path: str | Path, kind: str) -> Table:
    """Read `path` (CSV or XLSX, by content) as a `kind` file. Raises TableError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TableError("הקובץ לא נמצא.") from None
    except IsADirectoryError:
        raise TableError("זו תיקייה ולא קובץ.") from None
    except OSError as exc:
        raise TableError(f"לא ניתן לקרוא את הקובץ ({exc.strerror}).") from None
    if data.startswith(_OLE_MAGIC):
        raise TableError("זהו קובץ Excel בפורמט הישן (xls). שמרו אותו כ-xlsx או כ-CSV ונסו שוב.")
    if data.startswith(_ZIP_MAGIC):
        grid, extras = _read_xlsx(data, kind)
    else:
        grid, extras = _read_csv(data)
    return _to_table(path.name, kind, grid, **extras)


# ---- CSV -----------------------------------------------------------------------------

def decode(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding name). BOM first, then strict UTF-8, then Windows-1255."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16"), "utf-16"
    head = data[:4000]
    if b"\x00" in head:
        # UTF-16 without a BOM: ASCII characters (delimiters, newlines) leave a zero byte
        # beside them, always on the same side; anything else with zero bytes is binary.
        encoding = ("utf-16-le" if head[0::2].count(0) == 0 else
                    "utf-16-be" if head[1::2].count(0) == 0 else None)
        if encoding:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                text = ""
            if text and not _CONTROL.search(text[:2000]):
                return text, encoding
        raise TableError("הקובץ אינו קובץ טקסט (CSV) ואינו קובץ Excel (xlsx).")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode(data, "cp1255"), "cp1255"


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise TableError(
            "לא ניתן לזהות את קידוד הקובץ (נבדקו UTF-8, UTF-16 ו-Windows-1255). "
            "שמרו אותו ב-Excel כ-\"CSV UTF-8\" ונסו שוב.") from None


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


def _read_csv(data: bytes) -> tuple[list[tuple[int, list]], dict]:
    """Rows of a CSV as (starting physical line, cells), blank lines left out."""
    text, encoding = decode(data)
    # Physical lines counted the way the csv module counts them (\r, \n, \r\n).
    first = next(((i, line) for i, line in enumerate(io.StringIO(text, newline=""))
                  if line.strip()), None)
    if first is None:
        raise TableError("הקובץ ריק.")
    skip, first_line = first
    hint = _SEP_HINT.match(first_line.rstrip("\r\n"))
    if hint:
        delimiter = hint.group(1)
        skip += 1
    else:
        delimiter = sniff_delimiter(first_line, encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid = []
    try:
        previous_end = 0
        for cells in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if start <= skip or not any(c.strip() for c in cells):
                continue
            grid.append((start, cells))
    except csv.Error as exc:
        raise TableError(f"מבנה ה-CSV שבור סביב שורה {reader.line_num} ({exc}).") from None
    return grid, {"encoding": encoding}


# ---- XLSX ----------------------------------------------------------------------------

def _read_xlsx(data: bytes, kind: str) -> tuple[list[tuple[int, list]], dict]:
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TableError(f"קובץ ה-Excel פגום או שאינו xlsx ({exc}).") from None
    try:
        is_1904 = book.epoch.year == 1904
        wanted = {header_key(n) for n in SHEET_NAMES[kind]}
        sheets = book.worksheets
        named = [s for s in sheets if header_key(s.title) in wanted]
        for sheet in named + [s for s in sheets if s not in named]:
            grid = [(line, list(cells))
                    for line, cells in enumerate(sheet.iter_rows(min_row=1, values_only=True),
                                                 start=1)
                    if any(_is_filled(c) for c in cells)]
            if grid:
                return grid, {"is_date1904": is_1904, "sheet": sheet.title}
    finally:
        book.close()
    raise TableError("בקובץ ה-Excel אין גיליון עם נתונים.")


def _is_filled(value) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


# ---- header and rows -----------------------------------------------------------------

def _to_table(file_name: str, kind: str, grid: list[tuple[int, list]], *,
              encoding: str = "", is_date1904: bool = False, sheet: str = "") -> Table:
    if not grid:
        raise TableError("הקובץ ריק.")
    header_line, header_cells = grid[0]
    aliases = _alias_index(kind)
    columns: dict[int, str] = {}  # column index -> field
    headers: dict[str, str] = {}
    seen: dict[str, str] = {}
    ignored = []
    for index, cell in enumerate(header_cells):
        written = cell_text(cell).replace("\ufeff", "").strip()
        key = header_key(written)
        if not key:
            continue
        if key in seen:
            raise TableError(f"הכותרת '{written}' מופיעה פעמיים; לכל עמודה צריכה להיות כותרת אחרת.",
                             line=header_line)
        seen[key] = written
        name = aliases.get(key)
        if name is None:
            ignored.append(written)
            continue
        if name in headers:
            raise TableError(f"העמודות '{headers[name]}' ו-'{written}' הן אותו שדה; השאירו רק אחת.",
                             line=header_line)
        headers[name] = written
        columns[index] = name
    if not headers:
        expected = ", ".join(a[0] for a in FIELDS_BY_KIND[kind].values())
        raise TableError(f"שורת הכותרות אינה מתאימה לקובץ {FILE_LABELS[kind]}; "
                         f"ציפינו לכותרות כמו: {expected}.", line=header_line)
    make_row = _row_maker(columns, header_cells)
    rows = [make_row(line, cells) for line, cells in grid[1:]]
    if not rows:
        raise TableError("בקובץ יש רק שורת כותרות, בלי נתונים.")
    return Table(file_name, kind, headers, rows, header_line, ignored, is_date1904, encoding, sheet)


def _row_maker(columns: dict[int, str], header_cells: list):
    """A function (line, cells) -> TableRow; built once per file, called for every row."""
    named = sorted(columns.items())
    width = len(header_cells)
    unnamed = [i for i, cell in enumerate(header_cells) if not _is_filled(cell)]

    def make_row(line: int, cells: list) -> TableRow:
        count = len(cells)
        values = {}
        for index, name in named:
            cell = cells[index] if index < count else None
            values[name] = cell.strip() if isinstance(cell, str) else ("" if cell is None else cell)
        stray = [i + 1 for i in unnamed if i < count and _is_filled(cells[i])]
        stray += [i + 1 for i in range(width, count) if _is_filled(cells[i])]
        return TableRow(line, values, stray)
    return make_row
