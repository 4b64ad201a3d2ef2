"""The whole ledger in one Excel workbook: clients, invoices, credit notes, payments (with
the invoices each paid) and the contact log, one sheet each.

For a person (or an accountant) reading it in Excel: headings in the interface language
(Hebrew by default), sheets right to left, the heading row frozen, columns wide enough.
Money cells are numbers with their currency's number format (`"₪" #,##0.00`), written
from agorot as exact decimals; dates are date cells. Text that a spreadsheet would run
as a formula is neutralised (models.queries.export.neutralise).

An invoice's open amount is the one rule of models.ledger.open_as_of, as of the export's
date: a cancelled invoice owes nothing, money of a post-dated check counts from the
check's own date, a bounced check's not at all.

Rows are streamed from the database to the file (openpyxl's write-only workbook), so a
ledger of a million invoices does not sit in memory. The file is written through
models.db.outputs.write_output: never over the ledger or a backup, whole or not at all.

Public API:
    export_ledger(path, *, as_of=None, db_path=None, force=False, progress=None,
                  is_cancelled=None) -> LedgerExport
"""
from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from models.common.errors import GviaError
from models.common.i18n import N_, _, ngettext
from models.common.money import LEDGER_CURRENCIES, to_decimal
from models.contact.contact_log import log_records
from models.db import dialect
from models.db.connection import database
from models.db.outputs import write_output
from models.db.settings import load_profile
from models.ledger.clients import (
    CLIENT_KINDS,
    CLIENT_STATUSES,
    LETTER_LANGUAGES,
    country_name,
)
from models.ledger.invoices import INVOICE_KINDS
from models.ledger.open_as_of import COUNTED_INVOICE, OPEN_AS_OF
from models.ledger.payments import PAYMENT_METHODS

PROGRESS_EVERY = 500  # rows between two progress reports (and questions "cancelled?")
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
_SIGNS = {c.code: c.sign for c in LEDGER_CURRENCIES}

# The kinds of cell a column holds.
TEXT, NUMBER, MONEY, DATE, DATETIME = "text", "number", "money", "date", "datetime"
_WIDTHS = {TEXT: 16, NUMBER: 10, MONEY: 15, DATE: 12, DATETIME: 17}


@dataclass(frozen=True)
class Column:
    header: str  # msgid, translated when the sheet is written
    kind: str = TEXT
    width: int | None = None  # characters; None: the kind's width (or the header's)


@dataclass
class LedgerExport:
    path: Path
    counts: dict[str, int] = field(default_factory=dict)  # sheet key -> rows written

    def counts_text(self) -> str:
        """`3 clients, 12 invoices, …`: what each sheet holds."""
        words = {
            "clients": ngettext("{count} client", "{count} clients", self.counts["clients"]),
            "invoices": ngettext("{count} invoice", "{count} invoices",
                                 self.counts["invoices"]),
            "credit_notes": ngettext("{count} credit note", "{count} credit notes",
                                     self.counts["credit_notes"]),
            "payments": ngettext("{count} payment", "{count} payments",
                                 self.counts["payments"]),
            "contact_log": ngettext("{count} contact log entry", "{count} contact log entries",
                                    self.counts["contact_log"]),
        }
        return ", ".join(text.format(count=f"{self.counts[key]:,}")
                         for key, text in words.items())


class ExportCancelled(GviaError):
    def __init__(self):
        super().__init__(_("The export was cancelled; no file was written."))


# ---- the sheets ------------------------------------------------------------------------

SHEET_TITLES = {
    "clients": N_("Clients"),
    "invoices": N_("Invoices"),
    "credit_notes": N_("Credit notes"),
    "payments": N_("Payments"),
    "contact_log": N_("Contact log"),
}

CLIENT_COLUMNS = (
    Column(N_("ID in Gvia"), NUMBER), Column(N_("Client number")),
    Column(N_("Client name"), width=30), Column(N_("Client type"), width=20),
    Column(N_("Company or ID number"), width=14), Column(N_("Phone"), width=14),
    Column(N_("E-mail"), width=26), Column(N_("Address"), width=26), Column(N_("City")),
    Column(N_("Postal code"), width=11), Column(N_("Country"), width=14),
    Column(N_("Payment terms"), width=14), Column(N_("Status"), width=18),
    Column(N_("Language of the letters"), width=12), Column(N_("Notes"), width=30),
)
INVOICE_COLUMNS = (
    Column(N_("Invoice number"), width=14), Column(N_("Client"), width=30),
    Column(N_("Client ID in Gvia"), NUMBER), Column(N_("Document type"), width=18),
    Column(N_("Invoice date"), DATE), Column(N_("Due date"), DATE), Column(N_("Amount"), MONEY),
    Column(N_("Paid or credited"), MONEY), Column(N_("Open balance"), MONEY),
    Column(N_("Currency"), width=8), Column(N_("Disputed"), width=8),
    Column(N_("Cancelled on"), DATE), Column(N_("Description"), width=30),
)
CREDIT_NOTE_COLUMNS = (
    Column(N_("Credit note number"), width=14), Column(N_("Client"), width=30),
    Column(N_("Client ID in Gvia"), NUMBER), Column(N_("Date"), DATE),
    Column(N_("Amount"), MONEY), Column(N_("Applied to invoices"), MONEY),
    Column(N_("Currency"), width=8), Column(N_("For invoice"), width=14),
    Column(N_("Reason"), width=30),
)
PAYMENT_COLUMNS = (
    Column(N_("Reference"), width=14), Column(N_("Payment date"), DATE),
    Column(N_("Client"), width=30), Column(N_("Client ID in Gvia"), NUMBER),
    Column(N_("Amount"), MONEY), Column(N_("Applied to invoices"), MONEY),
    Column(N_("Not applied (credit)"), MONEY), Column(N_("Currency"), width=8),
    Column(N_("Payment method"), width=14), Column(N_("Check number"), width=12),
    Column(N_("Check date"), DATE), Column(N_("Bounced on"), DATE),
    Column(N_("Invoices paid"), width=30), Column(N_("Notes"), width=30),
)
CONTACT_LOG_COLUMNS = (
    Column(N_("Entry number"), NUMBER), Column(N_("When"), DATETIME),
    Column(N_("Client"), width=30), Column(N_("Client ID in Gvia"), NUMBER),
    Column(N_("Channel")), Column(N_("Direction"), width=22),
    Column(N_("Contact person"), width=18), Column(N_("Summary"), width=50),
    Column(N_("Open questions"), width=30), Column(N_("Tactics"), width=24),
    Column(N_("Note on the tactics"), width=24), Column(N_("Minutes"), NUMBER),
    Column(N_("Follow up on"), DATE), Column(N_("Action"), width=24),
    Column(N_("Corrects entry"), NUMBER), Column(N_("Attachments"), width=30),
    Column(N_("Recorded at"), DATETIME),
)

_CLIENTS_SQL = """
SELECT id, external_id, name, kind, tax_id, phone, email, address, city, zip, country,
       terms, status, letter_language, notes
FROM client ORDER BY name, id"""
_INVOICES_SQL = f"""
SELECT i.number, i.client_id, i.kind, i.issue_date, i.due_date, i.amount_agorot,
       CASE WHEN {COUNTED_INVOICE} THEN {OPEN_AS_OF} END AS open_agorot,
       i.currency, i.is_disputed, i.cancelled_date, i.description
FROM invoice i ORDER BY i.issue_date, i.id"""
_CREDIT_NOTES_SQL = """
SELECT c.number, c.client_id, c.date, c.amount_agorot,
       (SELECT COALESCE(SUM(a.amount_agorot), 0) FROM allocation a
        WHERE a.credit_note_id = c.id AND a.reversed_date IS NULL),
       c.currency, i.number, c.reason
FROM credit_note c LEFT JOIN invoice i ON i.id = c.invoice_id
ORDER BY c.date, c.id"""
# A payment's allocations not reversed: a bounced check's were reversed on its return.
_PAYMENTS_SQL = """
SELECT p.reference, p.date, p.client_id, p.amount_agorot,
       (SELECT COALESCE(SUM(a.amount_agorot), 0) FROM allocation a
        WHERE a.payment_id = p.id AND a.reversed_date IS NULL),
       p.currency, p.method, p.check_number, p.check_date, p.bounced_date,
       (SELECT {numbers} FROM allocation a JOIN invoice i
        ON i.id = a.invoice_id WHERE a.payment_id = p.id AND a.reversed_date IS NULL),
       p.notes
FROM payment p ORDER BY p.date, p.id"""
_COUNT_SQL = """
SELECT (SELECT COUNT(*) FROM client), (SELECT COUNT(*) FROM invoice),
       (SELECT COUNT(*) FROM credit_note), (SELECT COUNT(*) FROM payment)"""


def _day(value) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _moment(value) -> dt.datetime | None:
    if value in (None, ""):
        return None
    moment = dt.datetime.fromisoformat(str(value).replace(" ", "T"))
    return moment.replace(tzinfo=None, microsecond=0)


def _clients(names: dict[int, str]) -> Iterator[list]:
    default_terms = load_profile().default_terms
    for (client_id, external_id, name, kind, tax_id, phone, email, address, city, zip_code,
         country, terms, status, letters_in, notes) in database.execute_sql(_CLIENTS_SQL):
        names[client_id] = name
        yield [client_id, external_id or "", name, CLIENT_KINDS.get(kind, kind), tax_id,
               phone, email, address, city, zip_code, country_name(country),
               terms or default_terms, CLIENT_STATUSES.get(status, status),
               LETTER_LANGUAGES.get(letters_in, letters_in), notes]


def _invoices(names: dict[int, str], as_of: dt.date) -> Iterator[list]:
    disputed = _("Yes")
    for (number, client_id, kind, issued, due, amount, open_agorot, currency, is_disputed,
         cancelled, description) in database.execute_sql(_INVOICES_SQL, {"d": as_of}):
        paid = None if open_agorot is None else (amount - open_agorot, currency)
        yield [number, names.get(client_id, ""), client_id, INVOICE_KINDS.get(kind, kind),
               _day(issued), _day(due), (amount, currency), paid,
               (open_agorot or 0, currency), currency, disputed if is_disputed else "",
               _day(cancelled), description]


def _credit_notes(names: dict[int, str]) -> Iterator[list]:
    for (number, client_id, day, amount, applied, currency, invoice,
         reason) in database.execute_sql(_CREDIT_NOTES_SQL):
        yield [number, names.get(client_id, ""), client_id, _day(day), (amount, currency),
               (applied, currency), currency, invoice or "", reason]


def _payments(names: dict[int, str]) -> Iterator[list]:
    for (reference, day, client_id, amount, applied, currency, method, check_number,
         check_date, bounced, invoices, notes) in database.execute_sql(
            _PAYMENTS_SQL.format(numbers=dialect.current().join_text("i.number", ", "))):
        credit = None if bounced else (amount - applied, currency)
        yield [reference or "", _day(day), names.get(client_id, ""), client_id,
               (amount, currency), (applied, currency), credit, currency,
               PAYMENT_METHODS.get(method, method), check_number, _day(check_date),
               _day(bounced), invoices or "", notes]


def _contact_log(records: list[dict]) -> Iterator[list]:
    for r in records:
        yield [r["entry_id"], _moment(r["occurred_at"]), r["client"], r["client_id"],
               r["channel"], r["direction"], r["contact"], r["summary"],
               r["open_questions"], r["tactics"], r["tactics_note"], r["minutes"] or None,
               _day(r["follow_up_date"]), r["action"], r["corrects_id"] or None,
               r["attachments"], _moment(r["recorded_at"])]


# ---- writing -------------------------------------------------------------------------

class _Meter:
    def __init__(self, total: int, progress, is_cancelled):
        self.total, self.done = total, 0
        self.progress, self.is_cancelled = progress, is_cancelled

    def tick(self) -> None:
        self.done += 1
        if self.done % PROGRESS_EVERY == 0:
            self.report()

    def report(self) -> None:
        if self.is_cancelled is not None and self.is_cancelled():
            raise ExportCancelled()
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)


def _money_format(currency: str) -> str:
    sign = _SIGNS.get(currency, currency).replace('"', "")
    return f'"{sign}" #,##0.00'


def _write_sheet(book, key: str, columns: tuple[Column, ...], rows: Iterable[list],
                 meter: _Meter) -> int:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(_sheet_title(_(SHEET_TITLES[key])))
    sheet.sheet_view.rightToLeft = True
    sheet.freeze_panes = "A2"
    headers = [_(c.header) for c in columns]
    for index, (column, header) in enumerate(zip(columns, headers), start=1):
        width = max(column.width or _WIDTHS[column.kind], len(header) + 2)
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE5EE")
    wrap = Alignment(wrap_text=True, vertical="center")
    heading = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font, cell.fill, cell.alignment = bold, fill, wrap
        heading.append(cell)
    sheet.append(heading)
    formats: dict[str, str] = {}
    count = 0
    for row in rows:
        cells = []
        for column, value in zip(columns, row):
            if value is None or value == "":
                cells.append(None)
            elif column.kind == MONEY:
                agorot, currency = value
                cell = WriteOnlyCell(sheet, value=to_decimal(agorot))
                if currency not in formats:
                    formats[currency] = _money_format(currency)
                cell.number_format = formats[currency]
                cells.append(cell)
            elif column.kind in (DATE, DATETIME):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATE_FORMAT if column.kind == DATE else DATETIME_FORMAT
                cells.append(cell)
            elif column.kind == NUMBER:
                cells.append(value)
            else:
                text = str(value)
                if text.startswith("="):  # openpyxl would write it as a formula
                    cell = WriteOnlyCell(sheet, value=text)
                    cell.data_type = "s"
                    text = cell
                cells.append(text)
        sheet.append(cells)
        count += 1
        meter.tick()
    return count


def _fill(book, counts: dict[str, int], as_of: dt.date, progress, is_cancelled) -> None:
    # One read transaction: every sheet sees the same ledger.
    with database.atomic():
        clients, invoices, credit_notes, payments = database.execute_sql(
            _COUNT_SQL).fetchone()
        log = log_records()
        meter = _Meter(clients + invoices + credit_notes + payments + len(log), progress,
                       is_cancelled)
        meter.report()
        names: dict[int, str] = {}
        counts["clients"] = _write_sheet(book, "clients", CLIENT_COLUMNS, _clients(names),
                                         meter)
        counts["invoices"] = _write_sheet(book, "invoices", INVOICE_COLUMNS,
                                          _invoices(names, as_of), meter)
        counts["credit_notes"] = _write_sheet(book, "credit_notes", CREDIT_NOTE_COLUMNS,
                                              _credit_notes(names), meter)
        counts["payments"] = _write_sheet(book, "payments", PAYMENT_COLUMNS,
                                          _payments(names), meter)
        counts["contact_log"] = _write_sheet(book, "contact_log", CONTACT_LOG_COLUMNS,
                                             _contact_log(log), meter)
    meter.report()  # the last chance to cancel, before the file is saved


def _discard(book) -> None:
    """A workbook given up half written: each sheet's temporary file closed and removed."""
    for sheet in book.worksheets:
        with contextlib.suppress(Exception):
            if not sheet.closed:
                sheet.close()
        with contextlib.suppress(Exception):
            if sheet._writer is not None:
                sheet._writer.cleanup()


_TITLE_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_title(text: str) -> str:
    """A sheet's name as Excel allows it: at most 31 characters, none of []:*?/\\."""
    return text.translate(_TITLE_FORBIDDEN).strip()[:31] or "Gvia"


def export_ledger(path: str | Path, *, as_of: dt.date | None = None,
                  db_path: str | Path | None = None, force: bool = False,
                  progress: Callable[[int, int], None] | None = None,
                  is_cancelled: Callable[[], bool] | None = None) -> LedgerExport:
    """Write the whole ledger to the workbook `path`; returns what was written.

    `as_of` (default today) is the date of the open balances. `db_path`: the ledger the
    file must not overwrite (default: the open one); an existing file is replaced only
    with `force`. `progress(done, total)` is called every PROGRESS_EVERY rows;
    `is_cancelled()` returning True stops the export (ExportCancelled), no file written.
    """
    from openpyxl import Workbook

    as_of = as_of or dt.date.today()
    result = LedgerExport(Path(path))

    def write(temp: Path) -> None:
        book = Workbook(write_only=True)
        try:
            _fill(book, result.counts, as_of, progress, is_cancelled)
            book.save(temp)
        except BaseException:
            _discard(book)
            raise

    result.path = write_output(path, write, db_path=db_path, force=force)
    if progress is not None:
        total = sum(result.counts.values())
        progress(total, total)
    return result
