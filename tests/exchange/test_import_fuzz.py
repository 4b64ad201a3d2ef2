"""A bounded fuzz of the CSV and XLSX readers: every import is exact or refused.

Each example writes a clients file (name, city, notes) and imports it into an empty
ledger (a real database file; see `import_and_roll_back`). The outcome must be one of two:

- an exact import: the ledger holds exactly the rows of the file, in order, each with the
  file's values (as the app stores free text: marks removed, spaces collapsed);
- a refusal that names the lines: ImportFailed with every error on a line where a row
  of the file starts, or ImportRefused for a file that is no table, and the ledger is
  untouched.

What "the rows of the file" are is decided independently of the app: for a CSV by a small
strict reader written here (RFC 4180 as Python's csv reads it), for a workbook by what the
test wrote, or, for a sheet whose XML was mutated, by openpyxl's ordinary (not read-only)
reader. A file those say is well formed, with plainly valid values, must be imported.
"""
import datetime as dt
import io
import random
import re
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from models.common.errors import GviaError
from models.common.text import clean_text, search_key
from models.exchange.importing import ImportFailed, ImportRefused, import_files
from models.ledger.clients import Client

SHEET = "xl/worksheets/sheet1.xml"
HEADER = ["name", "city", "notes"]
LIMITS = (200, 200, 2000)
# Spaces the reader trims from a cell's edges (models/exchange/tabular.py keeps control
# characters that Python calls spaces, so that they are refused instead of vanishing).
EDGE_SPACE = " \t\n\r\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009" \
             "\u200a\u2028\u2029\u202f\u205f\u3000"
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Characters that make a value plainly valid in any of the three columns.
SAFE = set("אבגדהוזחטיכלמנסעפצקרשתabcXYZ0123456789 -.'\",")
FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


def import_and_roll_back(db, **files):
    """(outcome, the ledger's clients before, after): outcome is the ImportResult or the
    GviaError raised; any other exception is a crash and fails the test. The import runs
    inside a transaction that is rolled back afterwards (its own transaction becomes a
    savepoint of it), so every example meets the same empty ledger without the cost of
    a fresh one."""
    with db.db.atomic() as transaction:
        before = clients()
        try:
            outcome = import_files(**files)
        except GviaError as exc:
            outcome = exc
        after = clients()
        transaction.rollback()
    return outcome, before, after


def clients():
    return [(c.name, c.city, c.notes) for c in Client.select().order_by(Client.id)]


def is_filled(value) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip(EDGE_SPACE)))


def stored(value) -> str:
    """A file value as the ledger keeps it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):  # a date cell: its date, or its date and time
        value = value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, float):
        value = str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return clean_text(str(value).strip(EDGE_SPACE))


def plainly_valid(rows: list[list]) -> bool:
    """Rows no rule of the import can object to: safe characters only, within the limits,
    a name with a letter in it, no two names alike."""
    keys = set()
    for row in rows:
        if len(row) != 3:
            return False
        texts = ["" if v is None else str(v) for v in row]
        if any(not set(t) <= SAFE or len(t) > limit for t, limit in zip(texts[:2], LIMITS)):
            return False
        if not set(texts[2]) <= SAFE | {"\r", "\n"} or len(texts[2].strip()) > LIMITS[2]:
            return False
        name = stored(row[0])
        if not re.search("[א-תa-zA-Z0-9]", name) or search_key(name) in keys:
            return False
        keys.add(search_key(name))
    return True


def check_outcome(outcome, before, after, rows, row_lines, *, must_import: bool,
                  whole_file_refusal_allowed: bool = False):
    """The oracle. `rows`: the file's data rows; `row_lines`: the lines they start on
    (None: any line); `must_import`: the rows are plainly valid, so a refusal is wrong;
    `whole_file_refusal_allowed`: the file may be refused as no table at all."""
    if isinstance(outcome, (ImportFailed, ImportRefused)):
        assert after == before, "a refused import wrote to the ledger"
        assert not must_import, f"a well-formed file with valid rows was refused: {outcome}"
        if isinstance(outcome, ImportRefused):
            for error in outcome.errors:
                assert error.line is None or error.line >= 1, error
                assert re.search("[א-ת]", error.reason)
            if not whole_file_refusal_allowed:
                pytest.fail(f"a readable file was refused as a whole: {outcome}")
        else:
            for error in outcome.errors:
                assert error.line in row_lines if row_lines is not None else (
                    error.line and error.line >= 1), f"{error} does not name a row of the file"
        return
    assert not isinstance(outcome, GviaError), outcome
    expected = [tuple(stored(v) for v in row) for row in rows]
    assert after == before + expected, "the ledger does not hold exactly the file's rows"


# ---- CSV -----------------------------------------------------------------------------

class Malformed(Exception):
    def __init__(self, line: int):
        self.line = line


def reference_records(text: str) -> list[tuple[int, list[str]]]:
    """(line it starts on, fields) for every record of `text`, read strictly: a quote
    opens a quoted field only at the field's start, "" inside one is a quote, and after
    the closing quote comes a comma or the end of the line. Lines end at \\r\\n, \\r or
    \\n, and are counted where a record starts. Raises Malformed(line) on a quote that
    is not closed, or closed in the wrong place."""
    records, at, line, end = [], 0, 1, len(text)
    while at < end:
        start, fields = line, []
        while True:
            field = []
            if text.startswith('"', at):
                at += 1
                while True:
                    if at >= end:
                        raise Malformed(start)
                    char = text[at]
                    if char == '"':
                        if text.startswith('"', at + 1):
                            field.append('"')
                            at += 2
                            continue
                        at += 1
                        break
                    if char == "\r" and text.startswith("\n", at + 1):
                        field.append("\r\n")
                        at += 2
                        line += 1
                        continue
                    if char in "\r\n":
                        line += 1
                    field.append(char)
                    at += 1
                if at < end and text[at] not in ",\r\n":
                    raise Malformed(start)
            else:
                while at < end and text[at] not in ",\r\n":
                    field.append(text[at])
                    at += 1
            fields.append("".join(field))
            if text.startswith(",", at):
                at += 1
                continue
            if text.startswith("\r\n", at):
                at += 2
            elif at < end:
                at += 1
            line += 1
            break
        records.append((start, fields))
    return records


CSV_CHARS = st.sampled_from([",", '"', '""', "\n", "\r\n", "\r", " ", "\t", "\x00", "\x1f",
                             "\x85", "\xa0", "\u200f", "٣", "３", "7", "א", "ש", "b", "Z",
                             "-", ".", "'", "😀", "\ufeff"])
SAFE_TEXT = st.lists(st.sampled_from(sorted(SAFE)), min_size=1, max_size=12).map("".join)
ANY_CELL = st.one_of(
    st.lists(CSV_CHARS | st.characters(codec="utf-8"), max_size=8).map("".join),
    SAFE_TEXT,
    st.integers(195, 205).map(lambda n: "ל" * n),
)
# Notes may hold line breaks: a quoted cell spanning lines, which must stay one cell.
SAFE_NOTES = st.lists(st.sampled_from(sorted(SAFE) + ["\n", "\r\n"]), max_size=12).map("".join)
# How one field is written: as csv.writer would, always quoted, bare (a comma, quote or
# line break in it then breaks the row), or with a quote left open or closed early.
WAYS = st.sampled_from(["minimal"] * 4 + ["quoted", "bare", "open", "early"])


def unique_name(text: str, n: int) -> str:
    """A plainly valid name for row n: starting with a letter, unlike any other row's."""
    return f"ש{text} {n}"


def write_field(value: str, way: str) -> str:
    if way == "minimal":
        needs = any(c in value for c in ',"\r\n') or value[:1] == '"'
        return '"' + value.replace('"', '""') + '"' if needs else value
    if way == "quoted":
        return '"' + value.replace('"', '""') + '"'
    if way == "bare":
        return value
    if way == "open":
        return '"' + value.replace('"', '""')
    return '"' + value.replace('"', '""') + '"' + (value[:1] or "x")  # "early"


@st.composite
def csv_files(draw):
    """(text, encoding) of a clients CSV: written correctly with plainly valid values; or
    the same with one defect (a quote left open or closed early, a comma or quote left
    unquoted, a field too few or too many); or anything at all (any characters, fields
    written any way, rows of any width)."""
    mode = draw(st.sampled_from(["clean", "one defect", "one defect", "chaos"]))
    if mode == "chaos":
        rows = draw(st.lists(st.lists(st.tuples(ANY_CELL, WAYS), min_size=1, max_size=5),
                             min_size=1, max_size=5))
        # Mostly three fields a row; sometimes fewer or more.
        rows = [cells if draw(st.integers(0, 3)) == 0 else (cells + [("", "minimal")] * 3)[:3]
                for cells in rows]
    else:
        values = draw(st.lists(st.tuples(SAFE_TEXT, SAFE_TEXT, SAFE_NOTES), min_size=1,
                               max_size=5))
        way = st.sampled_from(["minimal", "minimal", "quoted"])
        rows = [[(value, draw(way)) for value in (unique_name(name, n), city, notes)]
                for n, (name, city, notes) in enumerate(values)]
        if mode == "one defect":
            row = draw(st.integers(0, len(rows) - 1))
            column = draw(st.integers(0, 2))
            defect = draw(st.sampled_from(["open", "early", "bare", "fewer", "more"]))
            value = rows[row][column][0]
            if defect == "bare":
                rows[row][column] = (value + draw(st.sampled_from([",", ',"', "\n", "\r\n"]))
                                     + value, "bare")
            elif defect == "fewer":
                del rows[row][draw(st.integers(0, 2)):]
            elif defect == "more":
                rows[row].append((draw(SAFE_TEXT), "minimal"))
            else:
                rows[row][column] = (value, defect)
    newline = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    lines = [",".join(HEADER)] + [",".join(write_field(v, w) for v, w in cells)
                                  for cells in rows]
    text = newline.join(lines) + draw(st.sampled_from([newline, ""]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16"]))
    return text, encoding


@FUZZ
@given(csv_files())
def test_a_random_csv_is_imported_exactly_or_refused_naming_its_lines(db, tmp_path, case):
    text, encoding = case
    path = tmp_path / "clients.csv"
    path.write_bytes(text.encode(encoding))

    outcome, before, after = import_and_roll_back(db, clients=path)
    event(type(outcome).__name__)

    try:
        records = reference_records(text)
    except Malformed as fault:
        # Refused as a whole, naming the line where the broken quote starts (or, for a
        # file of control characters, refused as no text at all).
        assert isinstance(outcome, ImportRefused), f"an unbalanced quote was imported: {after}"
        assert after == before
        lines = [e.line for e in outcome.errors]
        assert lines == [fault.line] or (lines == [None] and CONTROL.search(text)), outcome
        return
    data = [(line, fields) for line, fields in records[1:] if any(map(is_filled, fields))]
    misfits = [line for line, fields in data
               if len(fields) < 3 or any(map(is_filled, fields[3:]))]
    rows = [fields[:3] for _line, fields in data]
    if misfits:
        # Rows wider or narrower than the header: refused, each named.
        assert isinstance(outcome, ImportFailed) or (
            isinstance(outcome, ImportRefused) and CONTROL.search(text)), outcome
        if isinstance(outcome, ImportFailed):
            assert set(misfits) <= {e.line for e in outcome.errors}
    check_outcome(outcome, before, after, rows, {line for line, _ in data},
                  must_import=bool(rows) and not misfits and plainly_valid(rows),
                  whole_file_refusal_allowed=not rows or bool(CONTROL.search(text)))


# ---- XLSX ----------------------------------------------------------------------------

XML_CHARS = st.characters(codec="utf-8", exclude_characters="\ufffe\uffff",
                          exclude_categories=("Cs", "Cc")) | st.sampled_from(
    ["\t", "\n", "\x7f", "\x85", "\xa0", "٣", "３", " ", "\u200f"])
XLSX_VALUE = st.one_of(
    st.none(),
    st.lists(XML_CHARS, max_size=8).map("".join).map(
        lambda t: "x" + t if t.startswith("=") else t),  # "=..." would be a formula
    SAFE_TEXT,
    st.integers(-10**15, 10**15),
    # openpyxl writes a float with 16 significant digits ("%.16g"): the file holds that.
    st.floats(allow_nan=False, allow_infinity=False).map(lambda f: float("%.16g" % f)),
)
PLAIN_VALUE = st.one_of(SAFE_TEXT, st.integers(-10**6, 10**6),
                        st.floats(-1e6, 1e6).map(lambda f: float("%.16g" % f)))
XLSX_ROWS = st.one_of(
    st.lists(st.lists(XLSX_VALUE, min_size=3, max_size=3), min_size=1, max_size=6),
    st.lists(st.tuples(SAFE_TEXT, PLAIN_VALUE, st.none() | PLAIN_VALUE), min_size=2,
             max_size=8).map(lambda rows: [[unique_name(name, n), city, notes]
                                           for n, (name, city, notes) in enumerate(rows)]),
)


def write_workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "clients"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rezip(raw: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if info.filename == SHEET else data)
    return out.getvalue()


def mutate(data: bytes, seed: int, start: int = 0) -> bytes:
    """`data` with one to three bytes past `start` flipped, dropped or doubled."""
    rng = random.Random(seed)
    data = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(start, len(data))
        how = rng.randrange(3)
        if how == 0:
            data[at] ^= 1 << rng.randrange(8)
        elif how == 1:
            del data[at]
        else:
            data.insert(at, data[at])
    return bytes(data)


def openpyxl_rows(raw: bytes):
    """The data rows openpyxl's ordinary reader sees, None when it cannot read the file."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), data_only=True)
        rows = [list(row) for row in book.active.iter_rows(min_row=2, values_only=True)]
    except Exception:
        return None
    return rows


@FUZZ
@given(rows=XLSX_ROWS,
       damage=st.sampled_from(["none", "stale dimension", "stale dimension", "zip bytes",
                               "sheet xml", "sheet xml"]),
       dimension=st.sampled_from(["A1", "A1:B2", "A1:C3", "B2:C2"]),
       seed=st.integers(0, 2**32))
def test_a_random_workbook_is_imported_exactly_or_refused(db, tmp_path, rows, damage,
                                                          dimension, seed):
    raw = write_workbook(rows)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        xml = archive.read(SHEET)
    header_end = xml.index(b"</row>") + len(b"</row>")  # the header row is left alone
    if damage == "stale dimension":
        stale = b'<dimension ref="%s"/>' % dimension.encode()
        raw = rezip(raw, lambda x: re.sub(rb'<dimension ref="[^"]*"\s*/>', stale, x))
    elif damage == "zip bytes":
        raw = mutate(raw, seed)
    elif damage == "sheet xml":
        raw = rezip(raw, lambda x: mutate(x, seed, header_end))
    path = tmp_path / "clients.xlsx"
    path.write_bytes(raw)

    outcome, before, after = import_and_roll_back(db, clients=path)
    event(f"{damage}: {type(outcome).__name__}")

    if damage == "sheet xml":
        # The XML says something else now: what openpyxl's ordinary reader makes of it.
        read = openpyxl_rows(raw)
        if read is None:  # nothing to compare with, but a refusal still writes nothing
            if isinstance(outcome, GviaError):
                assert after == before
            return
        data = [row for row in read if any(map(is_filled, row))]
        if any(len(row) > 3 and any(map(is_filled, row[3:])) for row in data):
            assert isinstance(outcome, (ImportFailed, ImportRefused)) and after == before
            return
        rows = [(row + [None] * 3)[:3] for row in data]
        check_outcome(outcome, before, after, rows, None, must_import=False,
                      whole_file_refusal_allowed=True)
        return
    data = [(line, row) for line, row in enumerate(rows, start=2) if any(map(is_filled, row))]
    check_outcome(outcome, before, after, [row for _, row in data], {line for line, _ in data},
                  must_import=damage != "zip bytes" and bool(data) and plainly_valid(
                      [row for _, row in data]),
                  whole_file_refusal_allowed=damage == "zip bytes" or not data)
