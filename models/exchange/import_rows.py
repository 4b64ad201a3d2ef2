"""The row checks of an import: every row of a clients, invoices or payments file read
into the values to write, or its problems named by line and column.

`RowChecker.read` opens the files and reads each once to its end (models/exchange/tabular.py:
a file that cannot be read as a table is refused before any row is checked; date columns
are seen whole). `RowChecker.check` then checks every row against the rules, the other
files and the database, collecting *every* problem (`errors`), and puts what is to be
written in the plan's temporary tables (models/exchange/import_plan.py); writing it is
models/exchange/import_writer.py's job.

Keys: clients by external id (else by normalised name), invoices by document number
(`0012` = `12`), payments by reference. A row whose key exists with the same data is
skipped, so importing a file again adds nothing; with different data it is an error:
an import never overwrites what is in the database.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import peewee as pw

from models.common import terms as terms_rules
from models.common.dates import (
    EXCEL_1904_OFFSET,
    EXCEL_EPOCH,
    could_be_day_first,
    could_be_month_first,
    format_date,
    parse_date,
)
from models.common.errors import ValidationError
from models.common.i18n import _, language, ngettext
from models.common.money import amount_currency, format_money, parse_amount, parse_currency
from models.common.text import clean_text, document_number_key, search_key
from models.db.connection import database
from models.db.settings import load_profile
from models.exchange.import_fields import excel_error, screen
from models.exchange.import_plan import ImportPlan, KeyLines, PlanStore, plan_table
from models.exchange.tabular import (
    FIELDS_BY_KIND,
    ExcelErrorValue,
    Table,
    TableError,
    TableRow,
    cell_text,
    header_key,
    read_table,
)
from models.ledger.clients import (
    GENDERS,
    HOME_COUNTRY,
    LETTER_LANGUAGES,
    Client,
    country_name,
)
from models.ledger.services import validate_client_fields

REQUIRED = {
    "clients": (("name",),),
    "invoices": (("number",), ("client",), ("issue_date",), ("amount",)),
    # A payment's client may be left to the invoice it names.
    "payments": (("reference",), ("date",), ("amount",), ("client", "invoice")),
}
DATE_FIELDS = {"clients": (), "invoices": ("issue_date", "due_date"),
               "payments": ("date", "check_date")}
CHECK_CHUNK = 2000  # rows checked between two lookups in the database and the plan
CANCEL_EVERY = 1000  # rows of a first pass between two questions "cancelled?"
LOOKUP_CHUNK = 5000  # keys per IN-list of a lookup
MEMO_LIMIT = 10_000  # distinct cells remembered per cache before it starts afresh
# The years a ledger's dates may fall in (models/common/dates.py reads typed dates the same way).
FIRST_YEAR, LAST_YEAR = 1900, 2199
_LAST_SERIAL = (dt.date(LAST_YEAR, 12, 31) - EXCEL_EPOCH).days

# The words a file may use for a document kind, a payment method and a client kind.
INVOICE_KIND_WORDS = {
    "invoice": "invoice", "tax invoice": "invoice",
    "חשבונית": "invoice", "חשבונית מס": "invoice",  # hebrew: recognised input
    "demand": "demand", "proforma": "demand",
    "חשבון עסקה": "demand", "דרישת תשלום": "demand",  # hebrew: recognised input
    "receipt_invoice": "receipt_invoice", "receipt invoice": "receipt_invoice",
    "חשבונית מס קבלה": "receipt_invoice",  # hebrew: recognised input
    "חשבונית מס/קבלה": "receipt_invoice",  # hebrew: recognised input
}
CREDIT_NOTE_WORDS = {
    "credit", "credit note",
    "זיכוי", "חשבונית זיכוי", "חשבונית מס זיכוי",  # hebrew: input
}
METHOD_WORDS = {
    "transfer": "transfer", "bank transfer": "transfer", "wire": "transfer",
    "העברה": "transfer", "העברה בנקאית": "transfer",  # hebrew: recognised input
    "העברת בנק": "transfer", "הפקדה": "transfer",  # hebrew: recognised input
    "check": "check", "cheque": "check",
    "שיק": "check", "צ'ק": "check", "צ׳ק": "check",  # hebrew: recognised input
    "שק": "check", "המחאה": "check",  # hebrew: recognised input
    "card": "card", "credit card": "card", "credit": "card",
    "אשראי": "card", "כרטיס אשראי": "card",  # hebrew: recognised input
    "כרטיס": "card",  # hebrew: recognised input
    "cash": "cash", "מזומן": "cash", "מזומנים": "cash",  # hebrew: recognised input
    "bit": "bit", "ביט": "bit",  # hebrew: recognised input
    "other": "other", "paybox": "other", "paypal": "other",
    "אחר": "other", "פייבוקס": "other",  # hebrew: recognised input
}
CLIENT_KIND_WORDS = {
    "person": "person", "private": "person", "individual": "person",
    "פרטי": "person", "אדם פרטי": "person",  # hebrew: recognised input
    "company": "company", "business": "company",
    "עסק": "company", "חברה": "company", 'בע"מ': "company",  # hebrew: recognised input
    "עוסק": "company", "עוסק מורשה": "company",  # hebrew: recognised input
    "עוסק פטור": "company",  # hebrew: recognised input
    "public_body": "public_body", "public body": "public_body", "government": "public_body",
    "גוף ציבורי": "public_body", "משרד ממשלתי": "public_body",  # hebrew: recognised input
    "תאגיד סטטוטורי": "public_body",  # hebrew: recognised input
    "local_authority": "local_authority", "local authority": "local_authority",
    "municipality": "local_authority",
    "רשות מקומית": "local_authority", "עירייה": "local_authority",  # hebrew: recognised input
    "מועצה מקומית": "local_authority", "מועצה אזורית": "local_authority",  # hebrew: recognised input
}
LETTER_LANGUAGE_WORDS = {
    "he": "he", "hebrew": "he", "עברית": "he", "עב": "he",  # hebrew: recognised input
    "en": "en", "english": "en", "אנגלית": "en", "אנג": "en",  # hebrew: recognised input
}
GENDER_WORDS = {
    "female": "female", "f": "female", "woman": "female",
    "נקבה": "female", "אישה": "female", "אשה": "female",  # hebrew: recognised input
    "male": "male", "m": "male", "man": "male",
    "זכר": "male", "גבר": "male",  # hebrew: recognised input
    "unknown": "unknown", "not stated": "unknown",
    "לא ידוע": "unknown", "לא צוין": "unknown",  # hebrew: recognised input
}
_INVOICE_KINDS = {header_key(k): v for k, v in INVOICE_KIND_WORDS.items()}
_CREDIT_NOTE_KINDS = {header_key(k) for k in CREDIT_NOTE_WORDS}
_METHODS = {header_key(k): v for k, v in METHOD_WORDS.items()}
_CLIENT_KINDS = {header_key(k): v for k, v in CLIENT_KIND_WORDS.items()}
_LETTER_LANGUAGES = {header_key(k): v for k, v in LETTER_LANGUAGE_WORDS.items()}
_GENDERS = {header_key(k): v for k, v in GENDER_WORDS.items()}


@dataclass(frozen=True)
class RowError:
    """One problem of a file: at `line`, or (None) of the file as a whole. `problems`
    names the row's problems one by one, (column header or "" for the row as a whole,
    message); `reason` is all of them in one sentence."""
    file_name: str
    line: int | None
    reason: str
    problems: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        if self.line is None:
            return _("In the file {file}: {reason}").format(file=self.file_name,
                                                            reason=self.reason)
        return _("Line {line} of the file {file}: {reason}").format(
            line=self.line, file=self.file_name, reason=self.reason)


def remember(cache: dict, key, value):
    """cache[key] = value, the cache emptied first when full: repeated cells (clients,
    dates, amounts) stay cheap, a million unique ones do not pile up in memory."""
    if len(cache) >= MEMO_LIMIT:
        cache.clear()
    cache[key] = value
    return value


# ---- one row's checks ----------------------------------------------------------------

class RowCheck:
    """Reads the cells of one row and collects its problems, each named by its column.

    Every cell is screened first (length, control characters, digits; see
    models/exchange/import_fields.py). A refused cell reads as empty afterwards and the later
    checks of its column stay silent, so the row is reported once for it."""

    __slots__ = ("table", "row", "clean", "reasons", "problems", "refused")

    def __init__(self, table: Table, row: TableRow, clean: Callable[[object], str]):
        self.table = table
        self.row = row
        self.clean = clean
        self.reasons: list[str] = []
        self.problems: list[tuple[str, str]] = []  # (column header or "", message)
        self.refused: set[str] = set()
        if row.missing_fields:
            self._add("", _missing_fields(row.missing_fields, table))
        for column in row.stray_columns:
            self._add("", _("There is a value in column {column}, which has no "
                            "heading.").format(column=column))
        self._screen()

    def _add(self, header: str, message: str) -> None:
        self.problems.append((header, message))
        self.reasons.append(f"{header}: {message}" if header else message)

    def _screen(self) -> None:
        values = self.row.values
        for name, value in values.items():
            if value.__class__ is not str:
                if isinstance(value, ExcelErrorValue):  # a workbook's #DIV/0!, #REF!, …
                    self.fail(name, excel_error(value))
                    self.refused.add(name)
                    values[name] = ""
                    continue
                if not isinstance(value, (int, float)):
                    continue  # dates and booleans of a workbook
                value = cell_text(value)
            reason = screen(name, value) if value else None
            if reason:
                self.fail(name, reason)
                self.refused.add(name)
                values[name] = ""

    def has(self, name: str) -> bool:
        return name in self.table.headers

    def raw(self, name: str):
        return self.row.values.get(name, "")

    def text(self, name: str) -> str:
        return self.clean(self.row.values.get(name, ""))

    def fail(self, name: str | None, message: str) -> None:
        if name in self.refused:
            return
        self._add(self.table.headers.get(name, name) or "", message)

    def attempt(self, name: str, parse: Callable, *args):
        """`parse(*args)`, or None with the problem recorded."""
        try:
            return parse(*args)
        except ValidationError as exc:
            self.fail(name, str(exc))
            return None

    @property
    def is_ok(self) -> bool:
        return not self.reasons


def _missing_fields(missing: int, table: Table) -> str:
    needed = table.header_fields
    have = needed - missing
    fields = ngettext("{count} field", "{count} fields", have).format(count=f"{have:,}")
    return _("The row has {fields}, and the heading row {needed}: a delimiter may be missing "
             "from it, or quotation marks (\") on an earlier row were not closed in their "
             "place.").format(fields=fields, needed=needed)


class DateColumn:
    """Reads one date column, choosing dd/mm or mm/dd for the whole column: a spreadsheet
    exported on an American system writes 12/25/2025, an Israeli one 25/12/2025.

    A column where some a/b/y value can only be mm/dd (12/25/2025) and none only dd/mm is
    read month-first; values valid both ways are read the Israeli way; a column holding
    both kinds is an error of the file, reported once with an example of each. The
    column is seen whole (`observe`, on the first pass over the file) before any row is
    read (`decide`, then `parse`).
    """

    def __init__(self, table: Table, name: str, forced_month_first: bool):
        self.name = name
        self.header = table.headers[name]
        self.is_1904 = table.is_date1904
        self.forced = forced_month_first
        self.month_first = forced_month_first
        self.is_conflicting = False
        self.cache: dict = {}
        self.us_only: tuple[int, str] | None = None
        self.il_only: tuple[int, str] | None = None
        self._seen: set[str] = set()

    def observe(self, line: int, value) -> None:
        if (not isinstance(value, str) or not value or value in self._seen
                or (self.us_only and self.il_only)):
            return
        if len(self._seen) >= MEMO_LIMIT:
            self._seen.clear()
        self._seen.add(value)
        if screen(self.name, value):
            return  # refused with its row; it tells nothing about the column's order
        month_first, day_first = could_be_month_first(value), could_be_day_first(value)
        if month_first and not day_first and self.us_only is None:
            self.us_only = (line, value)
        elif day_first and not month_first and self.il_only is None:
            self.il_only = (line, value)

    def decide(self, table: Table, checker: "RowChecker") -> None:
        us_only, il_only = self.us_only, self.il_only
        self.month_first = self.forced or (us_only is not None and il_only is None)
        if self.forced:
            return
        if us_only and il_only:
            self.is_conflicting = True
            checker.file_error(table, None, _(
                "Column '{header}' has dates in day/month order (such as {day_first} on "
                "line {day_first_line}) and also in month/day order (such as {month_first} "
                "on line {month_first_line}). Please write all the dates in the column in "
                "the same order.").format(
                header=self.header, day_first=il_only[1], day_first_line=il_only[0],
                month_first=us_only[1], month_first_line=us_only[0]))
        elif us_only:
            checker.notes.append(_(
                "The dates in column '{header}' of the file {file} were read in month/day "
                "order (such as {example}), as an American Excel writes them.").format(
                header=self.header, file=table.file_name, example=us_only[1]))

    def parse(self, value) -> dt.date:
        key = value if isinstance(value, (str, int, float)) else None
        if key is not None and key in self.cache:
            cached = self.cache[key]
            if isinstance(cached, ValidationError):
                raise cached
            return cached
        try:
            result = self._parse(value)
        except ValidationError as exc:
            if key is not None:
                remember(self.cache, key, exc)
            raise
        if key is not None:
            remember(self.cache, key, result)
        return result

    def _parse(self, value) -> dt.date:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self._check_serial(value)
        day = self._read(value)
        # A workbook's own date cells can hold any year; the app's dates are these.
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(_("The year in the date {date} is not plausible.").format(
                date=day.isoformat()))
        return day

    def _check_serial(self, value: int | float) -> None:
        """A number in a date column is an Excel serial; 99999999 is no date (and would
        overflow Python's dates)."""
        last = _LAST_SERIAL - (EXCEL_1904_OFFSET if self.is_1904 else 0)
        if not (math.isfinite(value) and 1 <= value < last + 1):
            raise ValidationError(_("The number {number} is not a date: an Excel date is a "
                                    "serial number between 1 and {last}.").format(
                number=cell_text(value), last=f"{last:,}"))

    def _read(self, value) -> dt.date:
        if self.is_conflicting:  # already reported for the column; read what can be read
            try:
                return parse_date(value, date1904=self.is_1904)
            except ValidationError:
                return parse_date(value, month_first=True, date1904=self.is_1904)
        try:
            return parse_date(value, month_first=self.month_first, date1904=self.is_1904)
        except ValidationError:
            if self.forced and isinstance(value, str) and could_be_day_first(value):
                raise ValidationError(_("'{value}' is not a valid date in month/day order "
                                        "(month/day reading was chosen).").format(
                    value=value)) from None
            raise


# ---- directories of what exists: in the database, and in this import's files ----------
# Lookups of many keys are SQL in chunks: building peewee IN-queries over 100,000 keys
# costs seconds in Python alone.

_INVOICE_COLUMNS = ("id", "number", "number_key", "client", "kind", "issue_date", "due_date",
                    "amount_agorot", "currency", "description", "cancelled_date")
_INVOICES_BY_KEY_SQL = """
SELECT id, number, number_key, client_id, kind, issue_date, due_date, amount_agorot, currency,
       description, cancelled_date
FROM invoice WHERE number_key IN ({marks})"""
_PLANNED_INVOICES_BY_KEY_SQL = f"""
SELECT ref, client_ref, number, number_key, currency
FROM {plan_table('invoice')} WHERE number_key IN ({{marks}})"""
_PAYMENT_COLUMNS = ("id", "reference", "client", "date", "amount_agorot", "currency", "method")
_PAYMENTS_BY_REFERENCE_SQL = """
SELECT id, reference, client_id, date, amount_agorot, currency, method
FROM payment WHERE reference IN ({marks})"""


def amount_currency_of(check: RowCheck) -> str | None:
    try:
        return amount_currency(check.raw("amount"))
    except ValidationError:
        return None  # the amount's own parse names the problem


def _select_in(sql: str, values) -> list[tuple]:
    """Rows of `sql` whose `{marks}` IN-list is filled with `values`, chunk by chunk."""
    rows = []
    for chunk in pw.chunked(list(values), LOOKUP_CHUNK):
        rows += database.execute_sql(sql.format(marks=",".join("?" * len(chunk))),
                                     chunk).fetchall()
    return rows


@dataclass(frozen=True)
class _KnownInvoice:
    ref: int
    client_ref: int | None
    number: str
    currency: str
    is_cancelled: bool


class _ClientBook:
    """Clients by external id and by name key, from the database and the clients file.
    Held in memory: a ledger has thousands of clients, not millions."""

    def __init__(self):
        self.rows: dict[int, dict] = {}
        self.by_external: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        self.terms: dict[int, str | None] = {}
        self.names: dict[int, str] = {}
        self.unusable: set[str] = set()  # keys of clients-file rows that had errors
        for row in Client.select().dicts():
            self.rows[row["id"]] = row
            self.add(row["id"], row["external_id"], row["name"], row["terms"])
        self.db_by_external = dict(self.by_external)
        self.db_by_name = {k: list(v) for k, v in self.by_name.items()}

    def add(self, ref: int, external_id: str | None, name: str, terms: str | None) -> None:
        if external_id:
            self.by_external[external_id] = ref
        self.by_name[search_key(name)].append(ref)
        self.terms[ref] = terms
        self.names[ref] = name

    def resolve(self, text: str) -> int | None:
        """The client a row names (external id first, then name); None when the row that
        defined it in the clients file was bad (already reported)."""
        if not text:
            raise ValidationError(_("The client is missing."))
        if text in self.by_external:
            return self.by_external[text]
        key = search_key(text)
        refs = self.by_name.get(key, [])
        if len(refs) == 1:
            return refs[0]
        if len(refs) > 1:
            raise ValidationError(_("There is more than one client named '{name}'; please "
                                    "write the client number instead of the name.").format(
                name=text))
        if text in self.unusable or key in self.unusable:
            return None
        raise ValidationError(_("The client '{name}' was not found, neither in the database "
                                "nor in the clients file.").format(name=text))


class _InvoiceBook:
    """Invoices by number key, looked up a chunk of rows at a time: existing ones from
    the database, new ones from the plan; keys of bad invoice rows are kept whole."""

    def __init__(self, store: PlanStore):
        self.store = store
        self.known: dict[str, _KnownInvoice] = {}
        self.unusable: set[str] = set()

    @staticmethod
    def existing(keys) -> dict[str, dict]:
        """Invoices in the database with these number keys, as dicts."""
        found = {}
        for row in _select_in(_INVOICES_BY_KEY_SQL, keys):
            invoice = dict(zip(_INVOICE_COLUMNS, row))
            for name in ("issue_date", "due_date"):
                invoice[name] = dt.date.fromisoformat(invoice[name])
            found[invoice["number_key"]] = invoice
        return found

    def load(self, keys) -> None:
        """`known` becomes the invoices with these keys, in the database or planned."""
        keys = set(keys)
        self.known = {key: _KnownInvoice(inv["id"], inv["client"], inv["number"],
                                         inv["currency"], inv["cancelled_date"] is not None)
                      for key, inv in self.existing(keys).items()}
        self.store.flush("invoice")
        for ref, client_ref, number, key, currency in _select_in(
                _PLANNED_INVOICES_BY_KEY_SQL, keys - set(self.known)):
            self.known[key] = _KnownInvoice(-ref, client_ref, number, currency, False)


# ---- the checker ---------------------------------------------------------------------

class RowChecker:
    """Reads the files and checks their rows. `progress` has `tick(count)` (a row done;
    it may raise to cancel) and `check_cancelled()`; `refusals` names the files that
    cannot be read at all, `errors` every bad row, `notes` what the user should know."""

    def __init__(self, month_first: bool, progress,
                 mappings: dict[str, dict[str, str | None]] | None = None):
        self.month_first = month_first
        self.mappings = mappings or {}
        self.progress = progress
        self.errors: list[RowError] = []
        self.refusals: list[RowError] = []
        self.notes: list[str] = []
        self.profile = load_profile()
        self.opened: list[Table] = []
        self.date_columns: dict[str, dict[str, DateColumn]] = {}
        self.memo: dict[str, str] = {}
        self.number_keys: dict[str, str] = {}
        self.currencies: dict[str, str] = {}
        self.amounts: dict = {}

    # -- cells, remembered --

    def clean(self, value) -> str:
        """clean_text of a cell, remembered: most cells repeat (clients, dates, methods)."""
        if value.__class__ is not str:
            return clean_text(cell_text(value))
        cleaned = self.memo.get(value)
        if cleaned is None:
            cleaned = remember(self.memo, value, clean_text(value))
        return cleaned

    def number_key(self, number: str) -> str:
        key = self.number_keys.get(number)
        if key is None:
            key = remember(self.number_keys, number, document_number_key(number))
        return key

    def amount(self, value) -> int:
        """parse_amount, remembered per distinct cell (payment amounts repeat a lot)."""
        key = (value.__class__, value)
        found = self.amounts.get(key)
        if found is None:
            try:
                found = parse_amount(value)
            except ValidationError as exc:
                found = exc
            remember(self.amounts, key, found)
        if isinstance(found, ValidationError):
            raise found
        return found

    def row_currency(self, check: RowCheck, text: str) -> str | None:
        """The row's currency: its currency column, else the sign in its amount (`£80`),
        else shekels; a sign that contradicts the column is the row's mistake."""
        currency = check.attempt("currency", self.currency, text)
        sign = amount_currency_of(check)
        if sign and not text:
            return sign
        if sign and currency and sign != currency:
            check.fail("amount", _("The amount is written in {sign} and the currency column "
                                   "says {currency}.").format(sign=sign, currency=currency))
        return currency

    def currency(self, text: str) -> str:
        if text not in self.currencies:
            remember(self.currencies, text, parse_currency(text or None))
        return self.currencies[text]

    # -- errors --

    def file_error(self, table_or_name, line: int | None, reason: str) -> None:
        name = table_or_name if isinstance(table_or_name, str) else table_or_name.file_name
        self.errors.append(RowError(name, line, reason))

    def row_done(self, check: RowCheck) -> bool:
        if check.reasons:
            self.errors.append(RowError(check.table.file_name, check.row.line,
                                        " ".join(check.reasons), tuple(check.problems)))
        return check.is_ok

    # -- reading --

    def read(self, paths: dict[str, Path]) -> dict[str, Table]:
        """Every file opened and read once to its end; a file that cannot be read as a
        table is named in `refusals` (the caller refuses the import)."""
        tables = {}
        refuse = self.refusals.append
        for kind, path in paths.items():
            self.progress.check_cancelled()
            try:
                table = read_table(path, kind, self.mappings.get(kind))
            except TableError as exc:
                refuse(RowError(path.name, exc.line, str(exc)))
                continue
            self.opened.append(table)
            missing = [alternatives for alternatives in REQUIRED[kind]
                       if not any(name in table.headers for name in alternatives)]
            if missing:
                refuse(RowError(table.file_name, table.header_line, " ".join(
                    _missing_column(kind, alternatives) for alternatives in missing)))
                continue
            try:
                self.scan(table)
            except TableError as exc:
                refuse(RowError(table.file_name, exc.line, str(exc)))
                continue
            if table.ignored_headers:
                self.notes.append(_("These columns of the file {file} were not imported: "
                                    "{columns}.").format(
                    file=table.file_name, columns=", ".join(table.ignored_headers)))
            tables[kind] = table
        return tables

    def scan(self, table: Table) -> None:
        """The first pass over a file: its rows counted (and the file read to its end,
        so a broken one is refused before any row is checked), its date columns seen."""
        columns = [DateColumn(table, name, self.month_first)
                   for name in DATE_FIELDS[table.kind] if name in table.headers]
        for count, (line, values) in enumerate(table.columns([c.name for c in columns]),
                                               start=1):
            for column, value in zip(columns, values):
                column.observe(line, value)
            if count % CANCEL_EVERY == 0:
                self.progress.check_cancelled()
        self.date_columns[table.kind] = {column.name: column for column in columns}

    def close(self) -> None:
        for table in self.opened:
            table.close()

    def rows_of(self, table: Table):
        """A table's rows a chunk at a time, each already screened: lookups in the
        database and the plan are made per chunk, not per row."""
        chunk = []
        for row in table:
            chunk.append(RowCheck(table, row, self.clean))
            if len(chunk) == CHECK_CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    # -- checking --

    def check(self, tables: dict[str, Table], plan: ImportPlan) -> None:
        """Every row of every table checked; a file that changed or broke since its first
        pass is named in `refusals` and the checking stops."""
        self.clients = _ClientBook()
        self.invoices = _InvoiceBook(plan.store)
        checks = {"clients": self.check_clients, "invoices": self.check_invoices,
                  "payments": self.check_payments}
        for kind, table in tables.items():
            try:
                checks[kind](table, plan)
            except TableError as exc:
                self.refusals.append(RowError(exc.file_name or table.file_name, exc.line,
                                              str(exc)))
                return

    def check_clients(self, table: Table, plan: ImportPlan) -> None:
        book = self.clients
        seen_external: dict[str, int] = {}
        seen_names: dict[str, int] = {}
        for checks in self.rows_of(table):
            for check in checks:
                self.progress.tick()
                self.check_client(check, book, seen_external, seen_names, plan)

    def check_client(self, check: RowCheck, book: _ClientBook, seen_external: dict,
                     seen_names: dict, plan: ImportPlan) -> None:
        row, table = check.row, check.table
        values = self.client_values(check)
        external_id = check.text("external_id") or None
        name = values.get("name") or check.text("name")
        key = search_key(name)
        existing = None
        if external_id:
            if external_id in seen_external:
                check.fail("external_id", _("Client number {number} already appears on line "
                                            "{line}.").format(
                    number=external_id, line=seen_external[external_id]))
            seen_external.setdefault(external_id, row.line)
            existing = book.db_by_external.get(external_id)
        elif key:
            if key in seen_names:
                check.fail("name", _("The client '{name}' already appears on line "
                                     "{line}.").format(name=name, line=seen_names[key]))
            seen_names.setdefault(key, row.line)
            matches = book.db_by_name.get(key, [])
            if len(matches) > 1:
                check.fail("name", _("The database has several clients named '{name}'; "
                                     "please add a client number column to tell them "
                                     "apart.").format(name=name))
            elif matches:
                existing = matches[0]
        if existing is not None and check.is_ok:
            differences = _client_differences(book.rows[existing], values, table.headers)
            if differences:
                check.fail(None, _("The client '{name}' already exists in the database with "
                                   "other details ({differences}). An import never "
                                   "overwrites existing data: please correct the file or "
                                   "the client's card.").format(
                    name=name, differences="; ".join(differences)))
        if not self.row_done(check):
            book.unusable.update(k for k in (external_id, key, name) if k)
        elif existing is not None:
            plan.skipped["clients"] += 1
        else:
            if key in book.db_by_name and external_id:
                self.notes.append(_("The client '{name}' (line {line} of the file {file}) "
                                    "was added as a new client, although a client with the "
                                    "same name already exists. If it is the same client, "
                                    "please merge them.").format(
                    name=name, line=row.line, file=table.file_name))
            ref = -plan.store.add("client", (
                external_id, values["name"], values["search_key"], values.get("kind", "company"),
                values.get("tax_id", ""), values.get("email", ""), values.get("phone", ""),
                values.get("address", ""), values.get("city", ""), values.get("zip", ""),
                values.get("terms"), values.get("notes", ""),
                values.get("country", HOME_COUNTRY), values.get("letter_language", "he"),
                values.get("gender", "unknown"), values.get("salutation", "")))
            book.add(ref, external_id, name, values.get("terms"))

    def client_values(self, check: RowCheck) -> dict:
        """The row's client fields as the services check them (validate_client_fields),
        each problem named by its column. The country comes first: a postcode abroad is
        checked by that country's rule, not as an Israeli one."""
        values = {}
        country = HOME_COUNTRY
        if "country" in check.refused:
            check.refused.add("zip")  # no country to check the postcode by
        for name in ("country", "name", "tax_id", "email", "phone", "zip", "terms", "address",
                     "city", "notes", "salutation"):
            if not check.has(name):
                continue
            text = check.text(name)
            if text or name == "name":
                try:
                    values.update(validate_client_fields({name: text}, country))
                except ValidationError as exc:
                    check.fail(name, str(exc))
                    if name == "country":
                        check.refused.add("zip")  # no country to check the postcode by
                if name == "country":
                    country = values.get("country", country)
        if check.has("kind") and check.text("kind"):
            kind = _CLIENT_KINDS.get(header_key(check.text("kind")))
            if kind is None:
                check.fail("kind", _("The client type '{kind}' is not recognised; please "
                                     "write 'person', 'company', 'public body' or 'local "
                                     "authority'.").format(kind=check.text("kind")))
            else:
                values["kind"] = kind
        if check.has("letter_language") and check.text("letter_language"):
            letters_in = _LETTER_LANGUAGES.get(header_key(check.text("letter_language")))
            if letters_in is None:
                check.fail("letter_language", _(
                    "The letters' language '{language}' is not recognised; please write "
                    "Hebrew or English (he / en).").format(
                    language=check.text("letter_language")))
            else:
                values["letter_language"] = letters_in
        if check.has("gender") and check.text("gender"):
            gender = _GENDERS.get(header_key(check.text("gender")))
            if gender is None:
                check.fail("gender", _("The gender '{gender}' is not recognised; please write "
                                       "female, male, or leave the cell empty.").format(
                    gender=check.text("gender")))
            else:
                values["gender"] = gender
        return values

    def check_invoices(self, table: Table, plan: ImportPlan) -> None:
        columns = self.date_columns["invoices"]
        for column in columns.values():
            column.decide(table, self)
        seen = KeyLines(plan.store, "invoices")
        for checks in self.rows_of(table):
            numbers = [check.text("number") for check in checks]
            keys = [self.number_key(number) if number else "" for number in numbers]
            existing = self.invoices.existing(set(keys) - {""})
            seen.prepare(keys)
            for check, number, key in zip(checks, numbers, keys):
                self.progress.tick()
                self.check_invoice(check, number, key, existing.get(key), seen, columns,
                                   plan)
        seen.flush()

    def check_invoice(self, check: RowCheck, number: str, key: str, existing: dict | None,
                      seen: KeyLines, columns: dict[str, DateColumn],
                      plan: ImportPlan) -> None:
        row = check.row
        if not number:
            check.fail("number", _("The invoice number is missing."))
        elif seen.first_line(key) is not None:
            check.fail("number", _("Invoice number {number} already appears on line "
                                   "{line}.").format(number=number,
                                                     line=seen.first_line(key)))
        seen.note(key, row.line)
        client_ref = check.attempt("client", self.clients.resolve, check.text("client"))
        issue = check.attempt("issue_date", columns["issue_date"].parse, check.raw("issue_date"))
        due_given = None
        if "due_date" in columns and check.text("due_date"):
            due_given = check.attempt("due_date", columns["due_date"].parse,
                                      check.raw("due_date"))
        amount = self.invoice_amount(check)
        currency = self.row_currency(check, check.text("currency"))
        kind = self.invoice_kind(check)
        description = check.text("description")
        due, fixed = due_given, False
        if issue and client_ref is not None:
            computed = terms_rules.due_date(
                issue, self.clients.terms.get(client_ref) or self.profile.default_terms,
                eom_reading=self.profile.eom_reading)
            due, fixed = due_given or computed, due_given is not None and due_given != computed
        if issue and due and due < issue:
            check.fail("due_date", _("The due date {due} is earlier than the invoice date "
                                     "{issue}.").format(due=format_date(due),
                                                        issue=format_date(issue)))
        if existing is not None and check.is_ok and client_ref is not None:
            differences = _differences(existing, check.table.headers, self.clients.names, {
                "client": client_ref, "issue_date": issue, "amount_agorot": amount,
                "currency": currency, "due_date": due_given,
                "kind": kind if check.text("kind") else None,
                "description": description or None})
            if differences:
                check.fail(None, _("Invoice {number} already exists in the database with "
                                   "other details ({differences}). An import never "
                                   "overwrites existing data.").format(
                    number=number, differences="; ".join(differences)))
        if not self.row_done(check) or client_ref is None:
            self.invoices.unusable.add(key)
        elif existing is not None:
            plan.skipped["invoices"] += 1
        else:
            plan.store.add("invoice", (client_ref, number, key, kind, issue.isoformat(),
                                       due.isoformat(), int(fixed), amount, currency,
                                       description))

    @staticmethod
    def invoice_amount(check: RowCheck) -> int | None:
        try:
            return parse_amount(check.raw("amount"))
        except ValidationError as exc:
            message = str(exc)
            try:
                if parse_amount(check.raw("amount"), allow_negative=True) < 0:
                    message = _("{reason} A credit note is not an invoice: please record it "
                                "as a credit note.").format(reason=message)
            except ValidationError:
                pass
            check.fail("amount", message)
            return None

    @staticmethod
    def invoice_kind(check: RowCheck) -> str:
        text = check.text("kind")
        if not text:
            return "invoice"
        key = header_key(text)
        if key in _CREDIT_NOTE_KINDS:
            check.fail("kind", _("A credit note is not an invoice; please record it as a "
                                 "credit note, not in the invoices import."))
        elif key not in _INVOICE_KINDS:
            check.fail("kind", _("The document type '{kind}' is not recognised; you may "
                                 "write: tax invoice, demand, receipt invoice.").format(
                kind=text))
        return _INVOICE_KINDS.get(key, "invoice")

    def check_payments(self, table: Table, plan: ImportPlan) -> None:
        columns = self.date_columns["payments"]
        for column in columns.values():
            column.decide(table, self)
        names_invoices = "invoice" in table.headers
        seen = KeyLines(plan.store, "payments")
        methods: dict[str, str | None] = {}
        for checks in self.rows_of(table):
            references = [check.text("reference") for check in checks]
            existing = self.existing_payments(set(references) - {""})
            seen.prepare(references)
            if names_invoices:
                self.invoices.load({self.number_key(n) for n in
                                    (check.text("invoice") for check in checks) if n})
            for check, reference in zip(checks, references):
                self.progress.tick()
                self.check_payment(check, reference, existing.get(reference), seen, columns,
                                   methods, plan)
        seen.flush()

    @staticmethod
    def existing_payments(references) -> dict[str, dict]:
        found = {}
        for row in _select_in(_PAYMENTS_BY_REFERENCE_SQL, references):
            payment = dict(zip(_PAYMENT_COLUMNS, row))
            payment["date"] = dt.date.fromisoformat(payment["date"])
            found[payment["reference"]] = payment
        return found

    def check_payment(self, check: RowCheck, reference: str, old: dict | None,
                      seen: KeyLines, columns: dict[str, DateColumn], methods: dict,
                      plan: ImportPlan) -> None:
        row = check.row
        if not reference:
            check.fail("reference", _("The reference is missing; it is how a payment already "
                                      "imported is recognised."))
        elif seen.first_line(reference) is not None:
            check.fail("reference", _("The reference {reference} already appears on line "
                                      "{line}.").format(reference=reference,
                                                        line=seen.first_line(reference)))
        seen.note(reference, row.line)
        invoice = self.named_invoice(check)
        client_ref = None
        if check.text("client") or invoice is None:
            client_ref = check.attempt("client", self.clients.resolve, check.text("client"))
        elif invoice is not False:
            client_ref = invoice.client_ref
        day = check.attempt("date", columns["date"].parse, check.raw("date"))
        amount = check.attempt("amount", self.amount, check.raw("amount"))
        currency_text = check.text("currency")
        currency = self.row_currency(check, currency_text)
        if invoice and not currency_text and not amount_currency_of(check):
            currency = invoice.currency
        method = self.payment_method(check, methods)
        check_number = check.text("check_number") or (reference if method == "check" else "")
        check_date = None
        if "check_date" in columns and check.text("check_date"):
            check_date = check.attempt("check_date", columns["check_date"].parse,
                                       check.raw("check_date"))
        if invoice and client_ref is not None:
            self.check_named_invoice(check, invoice, client_ref, currency)
        if old is not None and check.is_ok and client_ref is not None:
            differences = _differences(old, check.table.headers, self.clients.names, {
                "client": client_ref, "date": day, "amount_agorot": amount,
                "currency": currency, "method": method if check.text("method") else None})
            if differences:
                check.fail(None, _("A payment with the reference {reference} already exists "
                                   "in the database with other details ({differences}). An "
                                   "import never overwrites existing data.").format(
                    reference=reference, differences="; ".join(differences)))
        if not self.row_done(check) or client_ref is None or invoice is False:
            return
        if old is not None:
            plan.skipped["payments"] += 1
            return
        check_date = check_date if method == "check" else None
        plan.store.add("payment", (
            client_ref, day.isoformat(), amount, currency, method, reference, check_number,
            check_date.isoformat() if check_date else None, invoice.ref if invoice else None))

    def check_named_invoice(self, check: RowCheck, invoice: _KnownInvoice, client_ref: int,
                            currency: str | None) -> None:
        if invoice.client_ref != client_ref:
            check.fail("invoice", _("Invoice {number} belongs to another client "
                                    "('{client}').").format(
                number=invoice.number, client=self.clients.names[invoice.client_ref]))
        elif currency and invoice.currency != currency:
            check.fail("invoice", _("Invoice {number} is in {invoice_currency} and the "
                                    "payment in {currency}.").format(
                number=invoice.number, invoice_currency=invoice.currency, currency=currency))
        elif invoice.is_cancelled:
            check.fail("invoice", _("Invoice {number} is cancelled.").format(
                number=invoice.number))

    def named_invoice(self, check: RowCheck):
        """The invoice a payment names: _KnownInvoice, None (names none), or False (it
        names a bad row of the invoices file, already reported)."""
        number = check.text("invoice") if check.has("invoice") else ""
        if not number:
            return None
        key = self.number_key(number)
        invoice = self.invoices.known.get(key)
        if invoice is None:
            if key in self.invoices.unusable:
                return False
            check.fail("invoice", _("Invoice {number} was not found, neither in the database "
                                    "nor in the invoices file.").format(number=number))
            return False
        return invoice

    @staticmethod
    def payment_method(check: RowCheck, cache: dict) -> str:
        text = check.text("method")
        if not text:
            return "transfer"
        if text not in cache:
            remember(cache, text, _METHODS.get(header_key(text)))
        method = cache[text]
        if method is None:
            check.fail("method", _("The payment method '{method}' is not recognised; you may "
                                   "write: transfer, check, card, cash, bit, other.").format(
                method=text))
            return "transfer"
        return method


# ---- comparing a file row with what the database holds --------------------------------

def _shown(value) -> str:
    if value in (None, ""):
        return _("empty")
    if isinstance(value, dt.date):
        return format_date(value)
    return str(value)


def _difference(header: str, old, new, show=_shown) -> str:
    return _("{column}: {old} in the database, {new} in the file").format(
        column=header, old=show(old), new=show(new))


# Client fields stored as codes, shown in words when a file and the database differ.
_CLIENT_CODES_SHOWN = {
    "country": lambda code: country_name(code, language()),
    "letter_language": lambda code: LETTER_LANGUAGES.get(code, code),
    "gender": lambda code: GENDERS.get(code, code),
}


def _client_differences(existing: dict, values: dict, headers: dict[str, str]) -> list[str]:
    out = []
    for name, new in values.items():
        if name == "search_key":
            continue
        old = existing[name]
        if name == "name":
            if existing["search_key"] != values["search_key"]:
                out.append(_difference(headers[name], old, new))
        elif new not in ("", None) and old != new:  # an empty cell says nothing, erases nothing
            show = _CLIENT_CODES_SHOWN.get(name)
            out.append(_difference(headers[name], show(old), show(new)) if show
                       else _difference(headers[name], old, new))
    return out


def _differences(existing: dict, headers: dict[str, str], client_names: dict[int, str],
                 new: dict) -> list[str]:
    """What the file says differently from the database row, field by field, in words.
    A value of None was not given in the file and is not compared."""
    out = []
    for column, value in new.items():
        old = existing[column]
        if value is None or old == value:
            continue
        header = headers.get(column.removesuffix("_agorot"), column)
        if column == "amount_agorot":
            old, value = (format_money(old, existing["currency"]),
                          format_money(value, existing["currency"]))
        elif column == "client":
            old, value = client_names.get(old, old), client_names.get(value, value)
        out.append(_difference(header, old, value))
    return out


def _missing_column(kind: str, alternatives: tuple[str, ...]) -> str:
    """`Column 'client / לקוח' or 'invoice / מספר חשבונית' is missing.`"""
    names = [" / ".join(FIELDS_BY_KIND[kind][name][:2]) for name in alternatives]
    if len(names) == 1:
        return _("Column '{column}' is missing.").format(column=names[0])
    return _("Column '{column}' or '{other}' is missing.").format(column=names[0],
                                                                  other=names[1])
