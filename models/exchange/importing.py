"""Import of clients, invoices and payments from CSV/XLSX files: all or nothing.

The order of work: open the files and read each once to its end (models/exchange/tabular.py:
a file that cannot be read as a table is refused, ImportRefused, before any row is
checked; date columns are seen whole); check
every row against the rules and the database, collecting *every* problem; if there is
any, raise ImportFailed listing them all; else plan the payments' allocations with the
one allocation rule (`allocation.plan_allocation`) and write everything in one
transaction with bulk inserts (the invoices' derived paid columns set in one statement:
_paid_columns_set_based).

Memory does not grow with the files: rows are read a chunk at a time, and what is to be
written waits in temporary tables (models/exchange/import_plan.py), not in Python objects.

Keys: clients by external id (else by normalised name), invoices by document number
(`0012` = `12`), payments by reference. A row whose key exists with the same data is
skipped, so importing a file again adds nothing; with different data it is an error:
an import never overwrites what is in the database.
"""
from __future__ import annotations

import datetime as dt
import math
import sqlite3
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
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
from models.common.errors import GviaError, ValidationError
from models.common.money import format_money, parse_amount, parse_currency
from models.common.text import clean_text, document_number_key, search_key
from models.db.connection import database
from models.db.settings import load_profile
from models.exchange.import_fields import excel_error, screen
from models.exchange.import_plan import KeyLines, PlanStore, plan_table
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
from models.ledger.allocation import OpenInvoice, allocation_order, plan_allocation
from models.ledger.clients import Client
from models.ledger.invoices import Invoice
from models.ledger.payments import Allocation, Payment
from models.ledger.services import validate_client_fields

KINDS = ("clients", "invoices", "payments")
REQUIRED = {
    "clients": (("name",),),
    "invoices": (("number",), ("client",), ("issue_date",), ("amount",)),
    # A payment's client may be left to the invoice it names.
    "payments": (("reference",), ("date",), ("amount",), ("client", "invoice")),
}
DATE_FIELDS = {"clients": (), "invoices": ("issue_date", "due_date"),
               "payments": ("date", "check_date")}
INSERT_CHUNK = 2000
CHECK_CHUNK = 2000  # rows checked between two lookups in the database and the plan
PROGRESS_EVERY = 1000
MEMO_LIMIT = 10_000  # distinct cells remembered per cache before it starts afresh
# The years a ledger's dates may fall in (models/common/dates.py reads typed dates the same way).
FIRST_YEAR, LAST_YEAR = 1900, 2199
_LAST_SERIAL = (dt.date(LAST_YEAR, 12, 31) - EXCEL_EPOCH).days

INVOICE_KIND_WORDS = {
    "invoice": "invoice", "tax invoice": "invoice", "חשבונית": "invoice", "חשבונית מס": "invoice",
    "demand": "demand", "חשבון עסקה": "demand", "דרישת תשלום": "demand", "proforma": "demand",
    "receipt_invoice": "receipt_invoice", "receipt invoice": "receipt_invoice",
    "חשבונית מס קבלה": "receipt_invoice", "חשבונית מס/קבלה": "receipt_invoice",
}
CREDIT_NOTE_WORDS = {"credit", "credit note", "זיכוי", "חשבונית זיכוי", "חשבונית מס זיכוי"}
METHOD_WORDS = {
    "transfer": "transfer", "bank transfer": "transfer", "wire": "transfer", "העברה": "transfer",
    "העברה בנקאית": "transfer", "העברת בנק": "transfer", "הפקדה": "transfer",
    "check": "check", "cheque": "check", "שיק": "check", "צ'ק": "check", "צ׳ק": "check",
    "שק": "check", "המחאה": "check",
    "card": "card", "credit card": "card", "credit": "card", "אשראי": "card",
    "כרטיס אשראי": "card", "כרטיס": "card",
    "cash": "cash", "מזומן": "cash", "מזומנים": "cash",
    "bit": "bit", "ביט": "bit",
    "other": "other", "אחר": "other", "paybox": "other", "פייבוקס": "other", "paypal": "other",
}
CLIENT_KIND_WORDS = {
    "person": "person", "private": "person", "individual": "person", "פרטי": "person",
    "אדם פרטי": "person", "company": "company", "business": "company", "עסק": "company",
    "חברה": "company", 'בע"מ': "company", "עוסק": "company", "עוסק מורשה": "company",
    "עוסק פטור": "company",
}
_INVOICE_KINDS = {header_key(k): v for k, v in INVOICE_KIND_WORDS.items()}
_CREDIT_NOTE_KINDS = {header_key(k) for k in CREDIT_NOTE_WORDS}
_METHODS = {header_key(k): v for k, v in METHOD_WORDS.items()}
_CLIENT_KINDS = {header_key(k): v for k, v in CLIENT_KIND_WORDS.items()}


# ---- what the caller gets ------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    file_name: str
    line: int | None  # None: the file as a whole
    reason: str

    def __str__(self) -> str:
        if self.line is None:
            return f"בקובץ {self.file_name}: {self.reason}"
        return f"שורה {self.line} בקובץ {self.file_name}: {self.reason}"


class ImportFailed(GviaError):
    """Some rows are wrong; nothing was written. `errors` lists every one."""

    def __init__(self, errors: list[RowError]):
        self.errors = list(errors)
        found = ("נמצאה שגיאה אחת" if len(self.errors) == 1
                 else f"נמצאו {len(self.errors):,} שגיאות")
        super().__init__(f"הייבוא נכשל ולא נכתב דבר: {found}.")

    def report(self) -> str:
        """The headline, then every bad row on its own line."""
        return "\n".join([str(self), *(str(e) for e in self.errors)])


class ImportRefused(GviaError):
    """A file cannot be read as a table at all (missing, not a regular file, not CSV or
    xlsx, damaged, an unbalanced quote, a wrong header); no row was checked and nothing
    was written. `errors` names each such file, one line each."""

    def __init__(self, errors: list[RowError]):
        self.errors = list(errors)
        super().__init__("הייבוא נכשל ולא נכתב דבר. " + "\n".join(map(str, self.errors)))


class ImportCancelled(GviaError):
    def __init__(self):
        super().__init__("הייבוא בוטל; לא נכתב דבר.")


@dataclass
class ImportResult:
    is_dry_run: bool
    kinds: tuple[str, ...]  # the files given, in import order
    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    credit_agorot: dict[str, int] = field(default_factory=dict)  # currency -> left as credit
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """A few Hebrew lines: what was (or would be) added, skipped, left as credit."""
        lines = []
        added = _join([_kind_count(k, self.added[k]) for k in self.kinds if self.added[k]])
        if self.is_dry_run:
            lines.append("בדיקה בלבד: הקבצים תקינים ולא נכתב דבר.")
            lines.append(f"בייבוא יתווספו: {added}." if added else "בייבוא לא יתווסף דבר.")
        else:
            lines.append(f"הייבוא הושלם. נוספו: {added}." if added
                         else "הייבוא הושלם. לא נוסף דבר חדש.")
        skipped = _join([_kind_count(k, self.skipped[k]) for k in self.kinds if self.skipped[k]])
        if skipped:
            lines.append(f"כבר היו במסד הנתונים ולכן דולגו: {skipped}.")
        for currency, agorot in sorted(self.credit_agorot.items()):
            lines.append(f"{format_money(agorot, currency)} מהתשלומים לא שויכו לחשבוניות "
                         "ונשארו כזיכוי ביתרת הלקוחות.")
        return "\n".join(lines + self.notes)


def _count(n: int, one: str, many: str) -> str:
    return one if n == 1 else f"{n:,} {many}"


def _kind_count(kind: str, n: int) -> str:
    one, many = {"clients": ("לקוח אחד", "לקוחות"), "invoices": ("חשבונית אחת", "חשבוניות"),
                 "payments": ("תשלום אחד", "תשלומים")}[kind]
    return _count(n, one, many)


def _join(parts: list[str]) -> str:
    """`א, ב וג`; Hebrew writes `ו-` before a digit."""
    if len(parts) < 2:
        return "".join(parts)
    last = parts[-1]
    return ", ".join(parts[:-1]) + (" ו-" if last[0].isdigit() else " ו") + last


# ---- the entry point -----------------------------------------------------------------

def import_files(*, clients=None, invoices=None, payments=None, dry_run: bool = False,
                 month_first: bool = False,
                 progress: Callable[[int, int], None] | None = None,
                 is_cancelled: Callable[[], bool] | None = None) -> ImportResult:
    """Import the given files (paths; any may be None) all or nothing.

    Raises ImportRefused (a file that cannot be read as a table at all, before any row
    is checked), ImportFailed (every bad row), ImportCancelled, or returns the
    ImportResult.
    `dry_run` checks everything, duplicates against the database included, and writes
    nothing. `month_first` forces a/b/yyyy dates to be read as mm/dd.
    """
    paths = {"clients": clients, "invoices": invoices, "payments": payments}
    job = _ImportJob(month_first, progress, is_cancelled)
    try:
        tables = job.read({k: Path(p) for k, p in paths.items() if p is not None})
        result = ImportResult(dry_run, tuple(k for k in KINDS if paths[k] is not None))
        # Validation reads and the writes share one transaction, so nothing can change in
        # between; a real import takes the write lock up front (IMMEDIATE). The plan's
        # temporary tables live in it too: a failure rolls them back with the rest.
        with database.atomic(**({} if dry_run else {"lock_type": "IMMEDIATE"})):
            plan = _Plan(PlanStore(database.connection()))
            job.check(tables, plan)
            if job.errors:
                raise ImportFailed(job.errors)
            job.plan_allocations(plan)
            if not dry_run:
                try:
                    job.write(plan)
                except (pw.IntegrityError, sqlite3.IntegrityError) as exc:
                    # Every rule is checked before writing; this is the database's own net.
                    raise GviaError(f"הייבוא נעצר בשמירה ולא נכתב דבר ({exc}).") from exc
            # The last progress call comes before the commit: a caller that cancels from
            # its progress callback still finds nothing written.
            job.finish()
            result.added = {k: plan.store.counts[_PLAN_TABLE[k]] for k in KINDS}
            plan.store.drop()
    finally:
        job.close()
    result.skipped = plan.skipped
    result.credit_agorot = {c: a for c, a in plan.credit_agorot.items() if a}
    result.notes = job.notes
    return result


# ---- the plan: what would be written -------------------------------------------------

_PLAN_TABLE = {"clients": "client", "invoices": "invoice", "payments": "payment"}


@dataclass
class _Plan:
    """The rows to write are in `store`'s temporary tables (see models/exchange/import_plan.py)."""
    store: PlanStore
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    credit_agorot: dict[str, int] = field(default_factory=lambda: defaultdict(int))


@dataclass(frozen=True)
class _KnownInvoice:
    ref: int
    client_ref: int | None
    number: str
    currency: str
    is_cancelled: bool


def _remember(cache: dict, key, value):
    """cache[key] = value, the cache emptied first when full: repeated cells (clients,
    dates, amounts) stay cheap, a million unique ones do not pile up in memory."""
    if len(cache) >= MEMO_LIMIT:
        cache.clear()
    cache[key] = value
    return value


# ---- one row's checks ----------------------------------------------------------------

class _RowCheck:
    """Reads the cells of one row and collects its problems, each named by its column.

    Every cell is screened first (length, control characters, digits; see
    models/exchange/import_fields.py). A refused cell reads as empty afterwards and the later
    checks of its column stay silent, so the row is reported once for it."""

    __slots__ = ("table", "row", "clean", "reasons", "refused")

    def __init__(self, table: Table, row: TableRow, clean: Callable[[object], str]):
        self.table = table
        self.row = row
        self.clean = clean
        self.reasons: list[str] = []
        self.refused: set[str] = set()
        if row.missing_fields:
            self.reasons.append(_missing_fields(row.missing_fields, table))
        for column in row.stray_columns:
            self.reasons.append(f"יש ערך בעמודה {column}, שאין לה כותרת.")
        self._screen()

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
        header = self.table.headers.get(name, name)
        self.reasons.append(f"{header}: {message}" if header else message)

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
    return (f"בשורה {_count(have, 'שדה אחד', 'שדות')}, ובשורת הכותרות {needed}: ייתכן "
            "שחסר בה מפריד, או שמירכאות (\") בשורה קודמת לא נסגרו במקומן.")


class _DateColumn:
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

    def decide(self, table: Table, job: "_ImportJob") -> None:
        us_only, il_only = self.us_only, self.il_only
        self.month_first = self.forced or (us_only is not None and il_only is None)
        if self.forced:
            return
        if us_only and il_only:
            self.is_conflicting = True
            job.file_error(table, None, (
                f"בעמודה '{self.header}' יש תאריכים בסדר יום/חודש (כמו {il_only[1]} בשורה "
                f"{il_only[0]}) וגם בסדר חודש/יום (כמו {us_only[1]} בשורה {us_only[0]}). "
                "כתבו את כל התאריכים בעמודה באותו סדר."))
        elif us_only:
            job.notes.append(f"התאריכים בעמודה '{self.header}' בקובץ {table.file_name} נקראו "
                             f"בסדר חודש/יום (כמו {us_only[1]}), כפי שנכתבו ב-Excel אמריקאי.")

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
                _remember(self.cache, key, exc)
            raise
        if key is not None:
            _remember(self.cache, key, result)
        return result

    def _parse(self, value) -> dt.date:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self._check_serial(value)
        day = self._read(value)
        # A workbook's own date cells can hold any year; the app's dates are these.
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(f"השנה בתאריך {day.isoformat()} אינה סבירה.")
        return day

    def _check_serial(self, value: int | float) -> None:
        """A number in a date column is an Excel serial; 99999999 is no date (and would
        overflow Python's dates)."""
        last = _LAST_SERIAL - (EXCEL_1904_OFFSET if self.is_1904 else 0)
        if not (math.isfinite(value) and 1 <= value < last + 1):
            raise ValidationError(f"המספר {cell_text(value)} אינו תאריך: תאריך של Excel "
                                  f"הוא מספר סידורי בין 1 ל-{last:,}.")

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
                raise ValidationError(f"'{value}' אינו תאריך תקין בסדר חודש/יום "
                                      "(נבחרה קריאה בסדר חודש/יום).") from None
            raise


# ---- directories of what exists: in the database, and in this import's files ----------
# Lookups of many keys are raw SQL in chunks: building peewee IN-queries over 100,000
# keys costs seconds in Python alone.

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
# The open amount now, as allocation.open_invoices computes it (amount minus allocations
# not reversed; cancelled invoices excluded), for many clients in one statement.
_OPEN_INVOICES_SQL = """
SELECT i.id, i.client_id, i.currency, i.number, i.issue_date, i.due_date,
       i.amount_agorot - COALESCE(SUM(a.amount_agorot), 0) AS open_agorot
FROM invoice i LEFT JOIN allocation a ON a.invoice_id = i.id AND a.reversed_date IS NULL
WHERE i.client_id IN ({marks}) AND i.cancelled_date IS NULL
GROUP BY i.id HAVING open_agorot > 0"""
LOOKUP_CHUNK = 5000


def _select_in(sql: str, values) -> list[tuple]:
    """Rows of `sql` whose `{marks}` IN-list is filled with `values`, chunk by chunk."""
    conn = database.connection()
    rows = []
    for chunk in pw.chunked(list(values), LOOKUP_CHUNK):
        rows += conn.execute(sql.format(marks=",".join("?" * len(chunk))), chunk).fetchall()
    return rows


def _open_invoices_of(client_ids) -> dict[tuple[int, str], list[OpenInvoice]]:
    """Open invoices of the given (existing) clients, by (client id, currency)."""
    found = defaultdict(list)
    for inv_id, client_id, currency, number, issue, due, open_agorot in _select_in(
            _OPEN_INVOICES_SQL, client_ids):
        found[client_id, currency].append(OpenInvoice(
            inv_id, number, dt.date.fromisoformat(issue), dt.date.fromisoformat(due),
            open_agorot))
    return found


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
            raise ValidationError("חסר לקוח.")
        if text in self.by_external:
            return self.by_external[text]
        key = search_key(text)
        refs = self.by_name.get(key, [])
        if len(refs) == 1:
            return refs[0]
        if len(refs) > 1:
            raise ValidationError(f"יש יותר מלקוח אחד בשם '{text}'; כתבו את מספר הלקוח במקום השם.")
        if text in self.unusable or key in self.unusable:
            return None
        raise ValidationError(f"הלקוח '{text}' לא נמצא, לא במסד הנתונים ולא בקובץ הלקוחות.")


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


# ---- the job -------------------------------------------------------------------------

class _ImportJob:
    def __init__(self, month_first: bool, progress, is_cancelled):
        self.month_first = month_first
        self.progress = progress
        self.is_cancelled = is_cancelled
        self.errors: list[RowError] = []
        self.refusals: list[RowError] = []  # files that cannot be read at all
        self.notes: list[str] = []
        self.done = 0
        self.total = 0
        self.profile = load_profile()
        self.opened: list[Table] = []
        self.date_columns: dict[str, dict[str, _DateColumn]] = {}
        self.memo: dict[str, str] = {}
        self.number_keys: dict[str, str] = {}
        self.currencies: dict[str, str] = {}
        self.amounts: dict = {}

    # -- progress and errors --

    def tick(self, count: int = 1) -> None:
        before, self.done = self.done, self.done + count
        if before // PROGRESS_EVERY != self.done // PROGRESS_EVERY:
            self.check_cancelled()
            if self.progress:
                self.progress(min(self.done, self.total), self.total)

    def clean(self, value) -> str:
        """clean_text of a cell, remembered: most cells repeat (clients, dates, methods)."""
        if value.__class__ is not str:
            return clean_text(cell_text(value))
        cleaned = self.memo.get(value)
        if cleaned is None:
            cleaned = _remember(self.memo, value, clean_text(value))
        return cleaned

    def number_key(self, number: str) -> str:
        key = self.number_keys.get(number)
        if key is None:
            key = _remember(self.number_keys, number, document_number_key(number))
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
            _remember(self.amounts, key, found)
        if isinstance(found, ValidationError):
            raise found
        return found

    def currency(self, text: str) -> str:
        if text not in self.currencies:
            _remember(self.currencies, text, parse_currency(text or None))
        return self.currencies[text]

    def check_cancelled(self) -> None:
        if self.is_cancelled and self.is_cancelled():
            raise ImportCancelled()

    def finish(self) -> None:
        if self.progress:
            self.progress(self.total, self.total)

    def file_error(self, table_or_name, line: int | None, reason: str) -> None:
        name = table_or_name if isinstance(table_or_name, str) else table_or_name.file_name
        self.errors.append(RowError(name, line, reason))

    def row_done(self, check: _RowCheck) -> bool:
        if check.reasons:
            self.file_error(check.table, check.row.line, " ".join(check.reasons))
        return check.is_ok

    # -- reading --

    def read(self, paths: dict[str, Path]) -> dict[str, Table]:
        """Every file opened and read once to its end; raises ImportRefused naming each
        file that cannot be read as a table."""
        tables = {}
        refuse = self.refusals.append
        for kind, path in paths.items():
            self.check_cancelled()
            try:
                table = read_table(path, kind)
            except TableError as exc:
                refuse(RowError(path.name, exc.line, str(exc)))
                continue
            self.opened.append(table)
            missing = [alternatives for alternatives in REQUIRED[kind]
                       if not any(name in table.headers for name in alternatives)]
            if missing:
                refuse(RowError(table.file_name, table.header_line, " ".join(
                    f"חסרה עמודה '{_column_names(kind, alternatives)}'."
                    for alternatives in missing)))
                continue
            try:
                self.scan(table)
            except TableError as exc:
                refuse(RowError(table.file_name, exc.line, str(exc)))
                continue
            if table.ignored_headers:
                self.notes.append(f"בקובץ {table.file_name} לא יובאו העמודות: "
                                  f"{', '.join(table.ignored_headers)}.")
            tables[kind] = table
        if self.refusals:
            raise ImportRefused(self.refusals)
        rows = sum(t.row_count for t in tables.values())
        self.total = rows * 2  # checking, then writing
        return tables

    def scan(self, table: Table) -> None:
        """The first pass over a file: its rows counted (and the file read to its end,
        so a broken one is refused before any row is checked), its date columns seen."""
        columns = [_DateColumn(table, name, self.month_first)
                   for name in DATE_FIELDS[table.kind] if name in table.headers]
        for count, (line, values) in enumerate(table.columns([c.name for c in columns]),
                                               start=1):
            for column, value in zip(columns, values):
                column.observe(line, value)
            if count % PROGRESS_EVERY == 0:
                self.check_cancelled()
        self.date_columns[table.kind] = {column.name: column for column in columns}

    def close(self) -> None:
        for table in self.opened:
            table.close()

    def rows_of(self, table: Table):
        """A table's rows a chunk at a time, each already screened: lookups in the
        database and the plan are made per chunk, not per row."""
        chunk = []
        for row in table:
            chunk.append(_RowCheck(table, row, self.clean))
            if len(chunk) == CHECK_CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    # -- checking --

    def check(self, tables: dict[str, Table], plan: _Plan) -> None:
        self.clients = _ClientBook()
        self.invoices = _InvoiceBook(plan.store)
        checks = {"clients": self.check_clients, "invoices": self.check_invoices,
                  "payments": self.check_payments}
        for kind, table in tables.items():
            try:
                checks[kind](table, plan)
            except TableError as exc:  # the file changed, or broke, since its first pass
                raise ImportRefused([RowError(exc.file_name or table.file_name, exc.line,
                                              str(exc))]) from None

    def check_clients(self, table: Table, plan: _Plan) -> None:
        book = self.clients
        seen_external: dict[str, int] = {}
        seen_names: dict[str, int] = {}
        for checks in self.rows_of(table):
            for check in checks:
                self.tick()
                self.check_client(check, book, seen_external, seen_names, plan)

    def check_client(self, check: _RowCheck, book: _ClientBook, seen_external: dict,
                     seen_names: dict, plan: _Plan) -> None:
        row, table = check.row, check.table
        values = self.client_values(check)
        external_id = check.text("external_id") or None
        name = values.get("name") or check.text("name")
        key = search_key(name)
        existing = None
        if external_id:
            if external_id in seen_external:
                check.fail("external_id", f"מספר הלקוח {external_id} מופיע כבר בשורה "
                                          f"{seen_external[external_id]}.")
            seen_external.setdefault(external_id, row.line)
            existing = book.db_by_external.get(external_id)
        elif key:
            if key in seen_names:
                check.fail("name", f"הלקוח '{name}' מופיע כבר בשורה {seen_names[key]}.")
            seen_names.setdefault(key, row.line)
            matches = book.db_by_name.get(key, [])
            if len(matches) > 1:
                check.fail("name", f"במסד הנתונים יש כמה לקוחות בשם '{name}'; "
                                   "הוסיפו עמודת מספר לקוח כדי להבחין ביניהם.")
            elif matches:
                existing = matches[0]
        if existing is not None and check.is_ok:
            differences = _client_differences(book.rows[existing], values, table.headers)
            if differences:
                check.fail(None, f"הלקוח '{name}' כבר קיים במסד הנתונים עם נתונים אחרים "
                                 f"({'; '.join(differences)}). הייבוא אינו דורס נתונים "
                                 "קיימים: תקנו את הקובץ או את כרטיס הלקוח.")
        if not self.row_done(check):
            book.unusable.update(k for k in (external_id, key, name) if k)
        elif existing is not None:
            plan.skipped["clients"] += 1
        else:
            if key in book.db_by_name and external_id:
                self.notes.append(f"הלקוח '{name}' (שורה {row.line} בקובץ {table.file_name}) "
                                  "נוסף כלקוח חדש, אף שכבר יש לקוח בשם זהה. אם זה אותו "
                                  "לקוח, מזגו ביניהם.")
            ref = -plan.store.add("client", (
                external_id, values["name"], values["search_key"], values.get("kind", "company"),
                values.get("tax_id", ""), values.get("email", ""), values.get("phone", ""),
                values.get("address", ""), values.get("city", ""), values.get("zip", ""),
                values.get("terms"), values.get("notes", "")))
            book.add(ref, external_id, name, values.get("terms"))

    def client_values(self, check: _RowCheck) -> dict:
        values = {}
        for name in ("name", "tax_id", "email", "phone", "zip", "terms", "address", "city",
                     "notes"):
            if not check.has(name):
                continue
            text = check.text(name)
            if text or name == "name":
                try:
                    values.update(validate_client_fields({name: text}))
                except ValidationError as exc:
                    check.fail(name, str(exc))
        if check.has("kind") and check.text("kind"):
            kind = _CLIENT_KINDS.get(header_key(check.text("kind")))
            if kind is None:
                check.fail("kind", f"סוג הלקוח '{check.text('kind')}' אינו מוכר; "
                                   "כתבו 'עסק' או 'אדם פרטי'.")
            else:
                values["kind"] = kind
        return values

    def check_invoices(self, table: Table, plan: _Plan) -> None:
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
                self.tick()
                self.check_invoice(check, number, key, existing.get(key), seen, columns,
                                   plan)
        seen.flush()

    def check_invoice(self, check: _RowCheck, number: str, key: str, existing: dict | None,
                      seen: KeyLines, columns: dict[str, _DateColumn], plan: _Plan) -> None:
        row = check.row
        if not number:
            check.fail("number", "חסר מספר חשבונית.")
        elif seen.first_line(key) is not None:
            check.fail("number", f"מספר החשבונית {number} מופיע כבר בשורה "
                                 f"{seen.first_line(key)}.")
        seen.note(key, row.line)
        client_ref = check.attempt("client", self.clients.resolve, check.text("client"))
        issue = check.attempt("issue_date", columns["issue_date"].parse, check.raw("issue_date"))
        due_given = None
        if "due_date" in columns and check.text("due_date"):
            due_given = check.attempt("due_date", columns["due_date"].parse,
                                      check.raw("due_date"))
        amount = self.invoice_amount(check)
        currency = check.attempt("currency", self.currency, check.text("currency"))
        kind = self.invoice_kind(check)
        description = check.text("description")
        due, fixed = due_given, False
        if issue and client_ref is not None:
            computed = terms_rules.due_date(
                issue, self.clients.terms.get(client_ref) or self.profile.default_terms,
                eom_reading=self.profile.eom_reading)
            due, fixed = due_given or computed, due_given is not None and due_given != computed
        if issue and due and due < issue:
            check.fail("due_date", f"תאריך התשלום {format_date(due)} מוקדם מתאריך "
                                   f"החשבונית {format_date(issue)}.")
        if existing is not None and check.is_ok and client_ref is not None:
            differences = _differences(existing, check.table.headers, self.clients.names, {
                "client": client_ref, "issue_date": issue, "amount_agorot": amount,
                "currency": currency, "due_date": due_given,
                "kind": kind if check.text("kind") else None,
                "description": description or None})
            if differences:
                check.fail(None, f"חשבונית {number} כבר קיימת במסד הנתונים עם נתונים אחרים "
                                 f"({'; '.join(differences)}). הייבוא אינו דורס נתונים קיימים.")
        if not self.row_done(check) or client_ref is None:
            self.invoices.unusable.add(key)
        elif existing is not None:
            plan.skipped["invoices"] += 1
        else:
            plan.store.add("invoice", (client_ref, number, key, kind, issue.isoformat(),
                                       due.isoformat(), int(fixed), amount, currency,
                                       description))

    @staticmethod
    def invoice_amount(check: _RowCheck) -> int | None:
        try:
            return parse_amount(check.raw("amount"))
        except ValidationError as exc:
            message = str(exc)
            try:
                if parse_amount(check.raw("amount"), allow_negative=True) < 0:
                    message += " חשבונית זיכוי אינה חשבונית: רשמו אותה כזיכוי."
            except ValidationError:
                pass
            check.fail("amount", message)
            return None

    @staticmethod
    def invoice_kind(check: _RowCheck) -> str:
        text = check.text("kind")
        if not text:
            return "invoice"
        key = header_key(text)
        if key in _CREDIT_NOTE_KINDS:
            check.fail("kind", "חשבונית זיכוי אינה חשבונית; רשמו אותה כזיכוי ולא בייבוא החשבוניות.")
        elif key not in _INVOICE_KINDS:
            check.fail("kind", f"סוג המסמך '{text}' אינו מוכר; אפשר: חשבונית מס, חשבון עסקה, "
                               "חשבונית מס קבלה.")
        return _INVOICE_KINDS.get(key, "invoice")

    def check_payments(self, table: Table, plan: _Plan) -> None:
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
                self.tick()
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

    def check_payment(self, check: _RowCheck, reference: str, old: dict | None,
                      seen: KeyLines, columns: dict[str, _DateColumn], methods: dict,
                      plan: _Plan) -> None:
        row = check.row
        if not reference:
            check.fail("reference", "חסרה אסמכתא; לפיה מזהים תשלום שכבר יובא.")
        elif seen.first_line(reference) is not None:
            check.fail("reference", f"האסמכתא {reference} מופיעה כבר בשורה "
                                    f"{seen.first_line(reference)}.")
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
        currency = check.attempt("currency", self.currency, currency_text)
        if invoice and not currency_text:
            currency = invoice.currency
        method = self.payment_method(check, methods)
        check_number = check.text("check_number") or (reference if method == "check" else "")
        check_date = None
        if "check_date" in columns and check.text("check_date"):
            check_date = check.attempt("check_date", columns["check_date"].parse,
                                       check.raw("check_date"))
        if invoice and client_ref is not None:
            if invoice.client_ref != client_ref:
                check.fail("invoice", f"חשבונית {invoice.number} שייכת ללקוח אחר "
                                      f"('{self.clients.names[invoice.client_ref]}').")
            elif currency and invoice.currency != currency:
                check.fail("invoice", f"חשבונית {invoice.number} במטבע {invoice.currency} "
                                      f"והתשלום ב-{currency}.")
            elif invoice.is_cancelled:
                check.fail("invoice", f"חשבונית {invoice.number} מבוטלת.")
        if old is not None and check.is_ok and client_ref is not None:
            differences = _differences(old, check.table.headers, self.clients.names, {
                "client": client_ref, "date": day, "amount_agorot": amount,
                "currency": currency, "method": method if check.text("method") else None})
            if differences:
                check.fail(None, f"תשלום עם האסמכתא {reference} כבר קיים במסד הנתונים עם "
                                 f"נתונים אחרים ({'; '.join(differences)}). הייבוא אינו "
                                 "דורס נתונים קיימים.")
        if not self.row_done(check) or client_ref is None or invoice is False:
            return
        if old is not None:
            plan.skipped["payments"] += 1
            return
        check_date = check_date if method == "check" else None
        plan.store.add("payment", (
            client_ref, day.isoformat(), amount, currency, method, reference, check_number,
            check_date.isoformat() if check_date else None, invoice.ref if invoice else None))

    def named_invoice(self, check: _RowCheck):
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
            check.fail("invoice", f"חשבונית {number} לא נמצאה, לא במסד הנתונים ולא בקובץ "
                                  "החשבוניות.")
            return False
        return invoice

    @staticmethod
    def payment_method(check: _RowCheck, cache: dict) -> str:
        text = check.text("method")
        if not text:
            return "transfer"
        if text not in cache:
            _remember(cache, text, _METHODS.get(header_key(text)))
        method = cache[text]
        if method is None:
            check.fail("method", f"אמצעי התשלום '{text}' אינו מוכר; אפשר: העברה, שיק, אשראי, "
                                 "מזומן, ביט, אחר.")
            return "transfer"
        return method

    # -- allocation: the one rule, applied in date order, a payment at a time --

    def plan_allocations(self, plan: _Plan) -> None:
        store = plan.store
        clients = [ref for (ref,) in store.query(
            f"SELECT DISTINCT client_ref FROM {plan_table('payment')}")]
        if not clients:
            return
        existing = _open_invoices_of([ref for ref in clients if ref > 0])
        new_by_pair: dict[tuple[int, str], list[OpenInvoice]] = defaultdict(list)
        for ref, client_ref, currency, number, issue, due, amount in store.query(
                _PLANNED_OPEN_INVOICES_SQL).fetchall():
            new_by_pair[client_ref, currency].append(OpenInvoice(
                -ref, number, dt.date.fromisoformat(issue), dt.date.fromisoformat(due), amount))
        books: dict[tuple[int, str], _OpenBook] = {}
        for ref, client_ref, currency, day, amount, invoice_ref, check_date in store.query(
                _PAYMENTS_IN_DATE_ORDER_SQL):
            pair = client_ref, currency
            book = books.get(pair)
            if book is None:
                book = books[pair] = _OpenBook(existing.get(pair, []) + new_by_pair.get(pair, []))
            if invoice_ref is not None:
                named = book.get(invoice_ref)
                targets = [named] if named and named.open_agorot > 0 else []
            else:
                targets = book.in_order()
            # `targets` is already in allocation order (the book sorted it once with
            # allocation_order); keep_order spares a re-sort for every payment.
            allocations = plan_allocation(amount, targets, keep_order=True)
            # Same rule as Payment.effective_date: a post-dated check counts from its date.
            applied = check_date if check_date and check_date > day else day
            for invoice, part in allocations:
                store.add("allocation", (invoice, ref, part, applied))
            left = amount - book.apply(allocations)
            if left:
                plan.credit_agorot[currency] += left

    # -- writing --

    def write(self, plan: _Plan) -> None:
        # Straight from the plan's temporary tables with INSERT … SELECT, a chunk at a
        # time: no Python object per row, and ids given explicitly (see `insert`).
        now = dt.datetime.now().isoformat(timespec="seconds")
        plan.store.flush()
        client_base = self.insert(Client, _CLIENT_WRITE, plan.store, "client", now=now)
        invoice_base = self.insert(Invoice, _INVOICE_WRITE, plan.store, "invoice", now=now,
                                   client_base=client_base)
        payment_base = self.insert(Payment, _PAYMENT_WRITE, plan.store, "payment", now=now,
                                   client_base=client_base)
        with _paid_columns_set_based():
            self.insert(Allocation, _ALLOCATION_WRITE, plan.store, "allocation",
                        invoice_base=invoice_base, payment_base=payment_base, count=False)

    def insert(self, model, write: tuple[str, str], store: PlanStore, name: str, *,
               count: bool = True, **params) -> int:
        """Insert plan table `name` into `model`'s table with ids following the table's
        largest; returns that largest id (the base: a new row's id is base + its ref)."""
        columns, select = write
        conn = database.connection()
        table = model._meta.table_name
        base = conn.execute(f"SELECT MAX(id) FROM {table}").fetchone()[0] or 0
        sql = (f"INSERT INTO {table} (id, {columns}) SELECT :base + ref, {select} "
               f"FROM {plan_table(name)} WHERE ref > :low AND ref <= :high ORDER BY ref")
        total = store.counts[name]
        for low in range(0, total, INSERT_CHUNK):
            conn.execute(sql, {**params, "base": base, "low": low, "high": low + INSERT_CHUNK})
            if count:
                self.tick(min(INSERT_CHUNK, total - low))
        return base


# How each plan table becomes rows of the ledger: (columns, the SELECT list giving them).
# A provisional id (negative: new in this import) becomes base - ref.
def _real(column: str, base: str) -> str:
    return f"CASE WHEN {column} > 0 THEN {column} ELSE :{base} - {column} END"


_CLIENT_WRITE = (
    "external_id, name, search_key, kind, tax_id, email, phone, address, city, zip, terms, "
    "notes, created_at",
    "external_id, name, search_key, kind, tax_id, email, phone, address, city, zip, terms, "
    "notes, :now")
_INVOICE_WRITE = (
    "number, number_key, client_id, kind, issue_date, due_date, is_due_date_fixed, "
    "amount_agorot, currency, description, created_at",
    f"number, number_key, {_real('client_ref', 'client_base')}, kind, issue_date, due_date, "
    "is_due_date_fixed, amount_agorot, currency, description, :now")
_PAYMENT_WRITE = (
    "client_id, date, amount_agorot, currency, method, reference, check_number, check_date, "
    "created_at",
    f"{_real('client_ref', 'client_base')}, date, amount_agorot, currency, method, reference, "
    "check_number, check_date, :now")
_ALLOCATION_WRITE = (
    "invoice_id, payment_id, amount_agorot, applied_date",
    f"{_real('invoice_ref', 'invoice_base')}, :payment_base + payment_ref, amount_agorot, "
    "applied_date")
_PLANNED_OPEN_INVOICES_SQL = f"""
SELECT ref, client_ref, currency, number, issue_date, due_date, amount_agorot
FROM {plan_table('invoice')}
WHERE client_ref IN (SELECT client_ref FROM {plan_table('payment')})"""
# Date order, file order among payments of one date: the order they were made in.
_PAYMENTS_IN_DATE_ORDER_SQL = f"""
SELECT ref, client_ref, currency, date, amount_agorot, invoice_ref, check_date
FROM {plan_table('payment')} ORDER BY date, ref"""


# Migration 0005's trigger `allocation_paid_new` keeps invoice.paid_agorot and
# paid_changed_date one allocation at a time: ~2 s of a 100,000-payment import. The
# import drops it inside its own transaction, gives the invoices it touched the same
# sums and dates in one statement, and recreates it from the definition the schema holds
# (sqlite_master, so it is exactly what the migrations made). A failed import rolls the
# drop back with everything else.
_PAID_TRIGGER = "allocation_paid_new"
_ADD_PAID_SQL = """
UPDATE invoice SET paid_agorot = paid_agorot + added.paid,
       paid_changed_date = MAX(COALESCE(paid_changed_date, ''), added.changed)
FROM (SELECT invoice_id,
             SUM(CASE WHEN reversed_date IS NULL THEN amount_agorot ELSE 0 END) AS paid,
             MAX(MAX(applied_date), COALESCE(MAX(reversed_date), '')) AS changed
      FROM allocation WHERE id > ? GROUP BY invoice_id) AS added
WHERE invoice.id = added.invoice_id"""


@contextmanager
def _paid_columns_set_based():
    """Inside it, allocations may be inserted (ids above the largest so far) without the
    per-row trigger; on leaving, the invoices' paid columns are what the trigger gives."""
    conn = database.connection()
    (trigger_sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                  "AND name = ?", (_PAID_TRIGGER,)).fetchone()
    last_id = conn.execute("SELECT COALESCE(MAX(id), 0) FROM allocation").fetchone()[0]
    conn.execute(f"DROP TRIGGER {_PAID_TRIGGER}")
    try:
        yield
        conn.execute(_ADD_PAID_SQL, (last_id,))
    finally:
        conn.execute(trigger_sql)


class _OpenBook:
    """One client's open invoices in one currency, sorted once in allocation order;
    open amounts go down as the import's payments are planned."""

    def __init__(self, invoices: list[OpenInvoice]):
        self.items = sorted(invoices, key=allocation_order)
        self.position = {inv.id: i for i, inv in enumerate(self.items)}
        self.start = 0  # everything before it is fully paid

    def get(self, ref: int) -> OpenInvoice | None:
        index = self.position.get(ref)
        return None if index is None else self.items[index]

    def in_order(self):
        while self.start < len(self.items) and self.items[self.start].open_agorot <= 0:
            self.start += 1
        return (self.items[i] for i in range(self.start, len(self.items)))

    def apply(self, allocations: list[tuple[int, int]]) -> int:
        """Lower the open amounts by a planned allocation; returns the amount allocated."""
        total = 0
        for ref, amount in allocations:
            index = self.position[ref]
            inv = self.items[index]
            self.items[index] = OpenInvoice(inv.id, inv.number, inv.issue_date, inv.due_date,
                                            inv.open_agorot - amount)
            total += amount
        return total


# ---- comparing a file row with what the database holds --------------------------------

def _shown(value) -> str:
    if value in (None, ""):
        return "ריק"
    if isinstance(value, dt.date):
        return format_date(value)
    return str(value)


def _difference(header: str, old, new, show=_shown) -> str:
    return f"{header}: במסד {show(old)}, בקובץ {show(new)}"


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
            out.append(_difference(headers[name], old, new))
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


def _column_names(kind: str, alternatives: tuple[str, ...]) -> str:
    return "' או '".join(" / ".join(FIELDS_BY_KIND[kind][name][:2]) for name in alternatives)
