"""Import of clients, invoices and payments from CSV/XLSX files: all or nothing.

The order of work: read the files (models/tabular.py); check every row against the rules
and the database, collecting *every* problem; if there is any, raise ImportFailed listing
them all; else plan the payments' allocations in memory with the one allocation rule
(`allocation.plan_allocation`) and write everything in one transaction with bulk inserts
(the invoices' derived paid columns set in one statement: _paid_columns_set_based).

Keys: clients by external id (else by normalised name), invoices by document number
(`0012` = `12`), payments by reference. A row whose key exists with the same data is
skipped, so importing a file again adds nothing; with different data it is an error:
an import never overwrites what is in the database.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import peewee as pw

from models import terms as terms_rules
from models.allocation import OpenInvoice, allocation_order, plan_allocation
from models.clients import Client
from models.dates import could_be_day_first, could_be_month_first, format_date, parse_date
from models.db import database
from models.errors import GviaError, ValidationError
from models.invoices import Invoice
from models.money import format_money, parse_amount, parse_currency
from models.payments import Allocation, Payment
from models.services import validate_client_fields
from models.settings import load_profile
from models.tabular import (FIELDS_BY_KIND, Table, TableError, TableRow, cell_text, header_key,
                            read_table)
from models.text import clean_text, document_number_key, search_key

KINDS = ("clients", "invoices", "payments")
REQUIRED = {
    "clients": (("name",),),
    "invoices": (("number",), ("client",), ("issue_date",), ("amount",)),
    # A payment's client may be left to the invoice it names.
    "payments": (("reference",), ("date",), ("amount",), ("client", "invoice")),
}
INSERT_CHUNK = 2000
PROGRESS_EVERY = 1000
MAX_NUMBER_LENGTH = 40

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

    Raises ImportFailed (every bad row), ImportCancelled, or returns the ImportResult.
    `dry_run` checks everything, duplicates against the database included, and writes
    nothing. `month_first` forces a/b/yyyy dates to be read as mm/dd.
    """
    paths = {"clients": clients, "invoices": invoices, "payments": payments}
    job = _ImportJob(month_first, progress, is_cancelled)
    tables = job.read({k: Path(p) for k, p in paths.items() if p is not None})
    result = ImportResult(dry_run, tuple(k for k in KINDS if paths[k] is not None))
    # Validation reads and the writes share one transaction, so nothing can change in
    # between; a real import takes the write lock up front (IMMEDIATE).
    with database.atomic(**({} if dry_run else {"lock_type": "IMMEDIATE"})):
        plan = job.check(tables)
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
    result.added = {k: len(getattr(plan, k)) for k in KINDS}
    result.skipped = plan.skipped
    result.credit_agorot = {c: a for c, a in plan.credit_agorot.items() if a}
    result.notes = job.notes
    return result


# ---- the plan: what would be written -------------------------------------------------

@dataclass
class _NewInvoice:
    ref: int
    client_ref: int
    number: str
    number_key: str
    kind: str
    issue_date: dt.date
    due_date: dt.date
    is_due_date_fixed: bool
    amount_agorot: int
    currency: str
    description: str


@dataclass
class _NewPayment:
    ref: int
    order: int  # position in the file: the tie-break among payments of one date
    client_ref: int
    date: dt.date
    amount_agorot: int
    currency: str
    method: str
    reference: str
    check_number: str
    check_date: dt.date | None
    invoice_ref: int | None
    allocations: list[tuple[int, int]] = field(default_factory=list)

    @property
    def effective_date(self) -> dt.date:
        """Same rule as Payment.effective_date: a post-dated check counts from its date."""
        if self.check_date and self.check_date > self.date:
            return self.check_date
        return self.date


@dataclass
class _Plan:
    """New rows refer to each other by provisional ids: existing rows by their positive
    id, new ones by -1, -2, … (real ids are given when writing)."""
    clients: list[dict] = field(default_factory=list)
    invoices: list[_NewInvoice] = field(default_factory=list)
    payments: list[_NewPayment] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    credit_agorot: dict[str, int] = field(default_factory=lambda: defaultdict(int))


@dataclass(frozen=True)
class _KnownInvoice:
    ref: int
    client_ref: int | None
    number: str
    currency: str
    is_cancelled: bool


# ---- one row's checks ----------------------------------------------------------------

class _RowCheck:
    """Reads the cells of one row and collects its problems, each named by its column."""

    def __init__(self, table: Table, row: TableRow, clean: Callable[[object], str]):
        self.table = table
        self.row = row
        self.clean = clean
        self.reasons: list[str] = []
        for column in row.stray_columns:
            self.reasons.append(f"יש ערך בעמודה {column}, שאין לה כותרת.")

    def has(self, name: str) -> bool:
        return name in self.table.headers

    def raw(self, name: str):
        return self.row.values.get(name, "")

    def text(self, name: str) -> str:
        return self.clean(self.row.values.get(name, ""))

    def fail(self, name: str | None, message: str) -> None:
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


class _DateColumn:
    """Reads one date column, choosing dd/mm or mm/dd for the whole column (BAD_INPUT 11).

    A column where some a/b/y value can only be mm/dd (12/25/2025) and none only dd/mm is
    read month-first; values valid both ways are read the Israeli way; a column holding
    both kinds is an error of the file, reported once with an example of each.
    """

    def __init__(self, table: Table, name: str, forced_month_first: bool, job: "_ImportJob"):
        self.header = table.headers[name]
        self.is_1904 = table.is_date1904
        self.forced = forced_month_first
        self.is_conflicting = False
        self.cache: dict = {}
        us_only = il_only = None
        seen = set()
        for row in table.rows:
            value = row.values.get(name)
            if not isinstance(value, str) or not value or value in seen:
                continue
            seen.add(value)
            month_first, day_first = could_be_month_first(value), could_be_day_first(value)
            if month_first and not day_first and us_only is None:
                us_only = (row.line, value)
            elif day_first and not month_first and il_only is None:
                il_only = (row.line, value)
        self.month_first = forced_month_first or (us_only is not None and il_only is None)
        if forced_month_first:
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
                self.cache[key] = exc
            raise
        if key is not None:
            self.cache[key] = result
        return result

    def _parse(self, value) -> dt.date:
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
    """Clients by external id and by name key, from the database and the clients file."""

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
    """Invoices by number key: existing ones (loaded by key) and this import's new ones."""

    def __init__(self):
        self.known: dict[str, _KnownInvoice] = {}
        self.existing: dict[str, dict] = {}
        self.unusable: set[str] = set()

    def load(self, keys) -> None:
        missing = {k for k in keys if k not in self.known}
        for row in _select_in(_INVOICES_BY_KEY_SQL, missing):
            invoice = dict(zip(_INVOICE_COLUMNS, row))
            for name in ("issue_date", "due_date"):
                invoice[name] = dt.date.fromisoformat(invoice[name])
            self.existing[invoice["number_key"]] = invoice
            self.known[invoice["number_key"]] = _KnownInvoice(
                invoice["id"], invoice["client"], invoice["number"], invoice["currency"],
                invoice["cancelled_date"] is not None)


# ---- the job -------------------------------------------------------------------------

class _ImportJob:
    def __init__(self, month_first: bool, progress, is_cancelled):
        self.month_first = month_first
        self.progress = progress
        self.is_cancelled = is_cancelled
        self.errors: list[RowError] = []
        self.notes: list[str] = []
        self.done = 0
        self.total = 0
        self.profile = load_profile()
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
            cleaned = self.memo[value] = clean_text(value)
        return cleaned

    def number_key(self, number: str) -> str:
        key = self.number_keys.get(number)
        if key is None:
            key = self.number_keys[number] = document_number_key(number)
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
            self.amounts[key] = found
        if isinstance(found, ValidationError):
            raise found
        return found

    def currency(self, text: str) -> str:
        if text not in self.currencies:
            self.currencies[text] = parse_currency(text or None)
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
        tables = {}
        for kind, path in paths.items():
            self.check_cancelled()
            try:
                table = read_table(path, kind)
            except TableError as exc:
                self.file_error(path.name, exc.line, str(exc))
                continue
            missing = [alternatives for alternatives in REQUIRED[kind]
                       if not any(name in table.headers for name in alternatives)]
            for alternatives in missing:
                self.file_error(table, table.header_line,
                                f"חסרה עמודה '{_column_names(kind, alternatives)}'.")
            if missing:
                continue
            if table.ignored_headers:
                self.notes.append(f"בקובץ {table.file_name} לא יובאו העמודות: "
                                  f"{', '.join(table.ignored_headers)}.")
            tables[kind] = table
        rows = sum(len(t.rows) for t in tables.values())
        self.total = rows * 2  # checking, then writing
        return tables

    # -- checking --

    def check(self, tables: dict[str, Table]) -> _Plan:
        plan = _Plan()
        self.clients = _ClientBook()
        self.invoices = _InvoiceBook()
        if "clients" in tables:
            self.check_clients(tables["clients"], plan)
        if "invoices" in tables:
            self.check_invoices(tables["invoices"], plan)
        if "payments" in tables:
            self.check_payments(tables["payments"], plan)
        return plan

    def check_clients(self, table: Table, plan: _Plan) -> None:
        book = self.clients
        seen_external: dict[str, int] = {}
        seen_names: dict[str, int] = {}
        for row in table.rows:
            self.tick()
            check = _RowCheck(table, row, self.clean)
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
                ref = -(len(plan.clients) + 1)
                plan.clients.append({**values, "external_id": external_id})
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
        book = self.invoices
        numbers = {self.clean(r.values["number"]) for r in table.rows}
        book.load(self.number_key(n) for n in numbers if n)
        issue_column = _DateColumn(table, "issue_date", self.month_first, self)
        due_column = (_DateColumn(table, "due_date", self.month_first, self)
                      if "due_date" in table.headers else None)
        seen: dict[str, int] = {}
        for row in table.rows:
            self.tick()
            check = _RowCheck(table, row, self.clean)
            number = check.text("number")
            key = self.number_key(number) if number else ""
            if not number:
                check.fail("number", "חסר מספר חשבונית.")
            elif len(number) > MAX_NUMBER_LENGTH:
                check.fail("number", f"מספר החשבונית ארוך מדי (עד {MAX_NUMBER_LENGTH} תווים).")
            elif key in seen:
                check.fail("number", f"מספר החשבונית {number} מופיע כבר בשורה {seen[key]}.")
            seen.setdefault(key, row.line)
            client_ref = check.attempt("client", self.clients.resolve, check.text("client"))
            issue = check.attempt("issue_date", issue_column.parse, check.raw("issue_date"))
            due_given = None
            if due_column and check.text("due_date"):
                due_given = check.attempt("due_date", due_column.parse, check.raw("due_date"))
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
            existing = book.existing.get(key)
            if existing is not None and check.is_ok and client_ref is not None:
                differences = _differences(existing, table.headers, self.clients.names, {
                    "client": client_ref, "issue_date": issue, "amount_agorot": amount,
                    "currency": currency, "due_date": due_given,
                    "kind": kind if check.text("kind") else None,
                    "description": description or None})
                if differences:
                    check.fail(None, f"חשבונית {number} כבר קיימת במסד הנתונים עם נתונים אחרים "
                                     f"({'; '.join(differences)}). הייבוא אינו דורס נתונים קיימים.")
            if not self.row_done(check) or client_ref is None:
                book.unusable.add(key)
            elif existing is not None:
                plan.skipped["invoices"] += 1
            else:
                ref = -(len(plan.invoices) + 1)
                plan.invoices.append(_NewInvoice(ref, client_ref, number, key, kind, issue, due,
                                                 fixed, amount, currency, description))
                book.known[key] = _KnownInvoice(ref, client_ref, number, currency, False)

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
        references = {self.clean(r.values["reference"]) for r in table.rows}
        existing = {}
        for row in _select_in(_PAYMENTS_BY_REFERENCE_SQL, references - {""}):
            payment = dict(zip(_PAYMENT_COLUMNS, row))
            payment["date"] = dt.date.fromisoformat(payment["date"])
            existing[payment["reference"]] = payment
        if "invoice" in table.headers:
            numbers = {self.clean(r.values["invoice"]) for r in table.rows}
            self.invoices.load(self.number_key(n) for n in numbers if n)
        date_column = _DateColumn(table, "date", self.month_first, self)
        check_date_column = (_DateColumn(table, "check_date", self.month_first, self)
                             if "check_date" in table.headers else None)
        methods: dict[str, str | None] = {}
        seen: dict[str, int] = {}
        for order, row in enumerate(table.rows):
            self.tick()
            check = _RowCheck(table, row, self.clean)
            reference = check.text("reference")
            if not reference:
                check.fail("reference", "חסרה אסמכתא; לפיה מזהים תשלום שכבר יובא.")
            elif reference in seen:
                check.fail("reference", f"האסמכתא {reference} מופיעה כבר בשורה {seen[reference]}.")
            seen.setdefault(reference, row.line)
            invoice = self.named_invoice(check)
            client_ref = None
            if check.text("client") or invoice is None:
                client_ref = check.attempt("client", self.clients.resolve, check.text("client"))
            elif invoice is not False:
                client_ref = invoice.client_ref
            day = check.attempt("date", date_column.parse, check.raw("date"))
            amount = check.attempt("amount", self.amount, check.raw("amount"))
            currency_text = check.text("currency")
            currency = check.attempt("currency", self.currency, currency_text)
            if invoice and not currency_text:
                currency = invoice.currency
            method = self.payment_method(check, methods)
            check_number = check.text("check_number") or (reference if method == "check" else "")
            check_date = None
            if check_date_column and check.text("check_date"):
                check_date = check.attempt("check_date", check_date_column.parse,
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
            old = existing.get(reference)
            if old is not None and check.is_ok and client_ref is not None:
                differences = _differences(old, table.headers, self.clients.names, {
                    "client": client_ref, "date": day, "amount_agorot": amount,
                    "currency": currency, "method": method if check.text("method") else None})
                if differences:
                    check.fail(None, f"תשלום עם האסמכתא {reference} כבר קיים במסד הנתונים עם "
                                     f"נתונים אחרים ({'; '.join(differences)}). הייבוא אינו "
                                     "דורס נתונים קיימים.")
            if not self.row_done(check) or client_ref is None or invoice is False:
                continue
            if old is not None:
                plan.skipped["payments"] += 1
                continue
            plan.payments.append(_NewPayment(
                -(len(plan.payments) + 1), order, client_ref, day, amount, currency, method,
                reference, check_number, check_date if method == "check" else None,
                invoice.ref if invoice else None))

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
            cache[text] = _METHODS.get(header_key(text))
        method = cache[text]
        if method is None:
            check.fail("method", f"אמצעי התשלום '{text}' אינו מוכר; אפשר: העברה, שיק, אשראי, "
                                 "מזומן, ביט, אחר.")
            return "transfer"
        return method

    # -- allocation: the one rule, applied in memory in date order --

    def plan_allocations(self, plan: _Plan) -> None:
        new_by_pair: dict[tuple[int, str], list[OpenInvoice]] = defaultdict(list)
        for inv in plan.invoices:
            new_by_pair[inv.client_ref, inv.currency].append(
                OpenInvoice(inv.ref, inv.number, inv.issue_date, inv.due_date,
                            inv.amount_agorot))
        existing = _open_invoices_of({p.client_ref for p in plan.payments if p.client_ref > 0})
        books: dict[tuple[int, str], _OpenBook] = {}
        for payment in sorted(plan.payments, key=lambda p: (p.date, p.order)):
            pair = payment.client_ref, payment.currency
            book = books.get(pair)
            if book is None:
                book = books[pair] = _OpenBook(existing.get(pair, []) + new_by_pair.get(pair, []))
            if payment.invoice_ref is not None:
                named = book.get(payment.invoice_ref)
                targets = [named] if named and named.open_agorot > 0 else []
            else:
                targets = book.in_order()
            # `targets` is already in allocation order (the book sorted it once with
            # allocation_order); keep_order spares a re-sort for every payment.
            payment.allocations = plan_allocation(payment.amount_agorot, targets,
                                                  keep_order=True)
            left = payment.amount_agorot - book.apply(payment.allocations)
            if left:
                plan.credit_agorot[payment.currency] += left

    # -- writing --

    def write(self, plan: _Plan) -> None:
        # sqlite3's executemany on peewee's own connection, inside its transaction:
        # peewee's insert_many spends ~0.1 ms per row building SQL text, most of the
        # 10-second budget for 100,000 payments with their allocations.
        now = dt.datetime.now().isoformat(timespec="seconds")
        client_id = self.insert(Client, (
            "external_id", "name", "search_key", "kind", "tax_id", "email", "phone", "address",
            "city", "zip", "terms", "notes", "created_at"), (
            (c.get("external_id"), c["name"], c["search_key"], c.get("kind", "company"),
             c.get("tax_id", ""), c.get("email", ""), c.get("phone", ""), c.get("address", ""),
             c.get("city", ""), c.get("zip", ""), c.get("terms"), c.get("notes", ""), now)
            for c in plan.clients))
        invoice_id = self.insert(Invoice, (
            "number", "number_key", "client_id", "kind", "issue_date", "due_date",
            "is_due_date_fixed", "amount_agorot", "currency", "description", "created_at"), (
            (i.number, i.number_key, client_id(i.client_ref), i.kind, i.issue_date.isoformat(),
             i.due_date.isoformat(), int(i.is_due_date_fixed), i.amount_agorot, i.currency,
             i.description, now)
            for i in plan.invoices))
        payment_id = self.insert(Payment, (
            "client_id", "date", "amount_agorot", "currency", "method", "reference",
            "check_number", "check_date", "created_at"), (
            (client_id(p.client_ref), p.date.isoformat(), p.amount_agorot, p.currency, p.method,
             p.reference, p.check_number, p.check_date.isoformat() if p.check_date else None,
             now)
            for p in plan.payments))
        with _paid_columns_set_based():
            self.insert(Allocation, (
                "invoice_id", "payment_id", "amount_agorot", "applied_date"), (
                (invoice_id(inv_ref), payment_id(p.ref), amount, p.effective_date.isoformat())
                for p in plan.payments for inv_ref, amount in p.allocations), count=False)

    def insert(self, model, columns: tuple[str, ...], rows, *, count: bool = True
               ) -> Callable[[int], int]:
        """Insert `rows` with explicit ids following the table's largest; returns the
        function that turns a provisional id (negative: new) into the real one."""
        conn = database.connection()
        table = model._meta.table_name
        base = conn.execute(f"SELECT MAX(id) FROM {table}").fetchone()[0] or 0
        sql = (f"INSERT INTO {table} (id, {', '.join(columns)}) "
               f"VALUES ({', '.join('?' * (len(columns) + 1))})")
        numbered = ((base + i, *row) for i, row in enumerate(rows, start=1))
        for chunk in pw.chunked(numbered, INSERT_CHUNK):
            conn.executemany(sql, chunk)
            if count:
                self.tick(len(chunk))

        def real_id(ref: int) -> int:
            return ref if ref > 0 else base - ref
        return real_id


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
