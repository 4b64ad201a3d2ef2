"""Import of clients, invoices and payments from CSV/XLSX files: all or nothing.

The order of work: open the files and read each once to its end, then check every row
against the rules and the database, collecting *every* problem (the row checks:
models/exchange/import_rows.py); if there is any, raise ImportFailed listing them all;
else plan the payments' allocations with the one allocation rule and write everything
in one transaction with bulk inserts (the bulk writer: models/exchange/import_writer.py).

Memory does not grow with the files: rows are read a chunk at a time, and what is to be
written waits in temporary tables (models/exchange/import_plan.py), not in Python objects.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from models.common.errors import GviaError
from models.common.i18n import _, ngettext
from models.common.money import format_money
from models.db import bulk
from models.db.connection import database
from models.exchange import import_writer
from models.exchange.import_plan import KINDS, ImportPlan, PlanStore
from models.exchange.import_rows import RowChecker, RowError

PROGRESS_EVERY = 1000


# ---- what the caller gets ------------------------------------------------------------

class ImportFailed(GviaError):
    """Some rows are wrong; nothing was written. `errors` lists every one."""

    def __init__(self, errors: list[RowError]):
        self.errors = list(errors)
        n = len(self.errors)
        found = ngettext("{count} error was found", "{count} errors were found",
                         n).format(count=f"{n:,}")
        super().__init__(_("The import failed and nothing was written: {found}.").format(
            found=found))

    def report(self) -> str:
        """The headline, then every bad row on its own line."""
        return "\n".join([str(self), *(str(e) for e in self.errors)])


class ImportRefused(GviaError):
    """A file cannot be read as a table at all (missing, not a regular file, not CSV or
    xlsx, damaged, an unbalanced quote, a wrong header); no row was checked and nothing
    was written. `errors` names each such file, one line each."""

    def __init__(self, errors: list[RowError]):
        self.errors = list(errors)
        super().__init__(_("The import failed and nothing was written.") + " "
                         + "\n".join(map(str, self.errors)))


class ImportCancelled(GviaError):
    def __init__(self):
        super().__init__(_("The import was cancelled; nothing was written."))


@dataclass
class ImportResult:
    is_dry_run: bool
    kinds: tuple[str, ...]  # the files given, in import order
    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    credit_agorot: dict[str, int] = field(default_factory=dict)  # currency -> left as credit
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """A few lines: what was (or would be) added, skipped, left as credit."""
        lines = []
        added = _join([_kind_count(k, self.added[k]) for k in self.kinds if self.added[k]])
        if self.is_dry_run:
            lines.append(_("Check only: the files are in order and nothing was written."))
            lines.append(_("The import would add: {added}.").format(added=added) if added
                         else _("The import would add nothing."))
        else:
            lines.append(_("The import is complete. Added: {added}.").format(added=added)
                         if added else _("The import is complete. Nothing new was added."))
        skipped = _join([_kind_count(k, self.skipped[k]) for k in self.kinds if self.skipped[k]])
        if skipped:
            lines.append(_("Already in the database, and so skipped: {skipped}.").format(
                skipped=skipped))
        for currency, agorot in sorted(self.credit_agorot.items()):
            lines.append(_("{amount} of the payments were not allocated to invoices and "
                           "remain as credit on the clients' balances.").format(
                amount=format_money(agorot, currency)))
        return "\n".join(lines + self.notes)


def _kind_count(kind: str, n: int) -> str:
    if kind == "clients":
        text = ngettext("{count} client", "{count} clients", n)
    elif kind == "invoices":
        text = ngettext("{count} invoice", "{count} invoices", n)
    else:
        text = ngettext("{count} payment", "{count} payments", n)
    return text.format(count=f"{n:,}")


def _join(parts: list[str]) -> str:
    """`a, b and c`. Hebrew writes the `ו` joined to the last word, `ו-` before a digit:
    two messages, told apart by the placeholder's name."""
    if len(parts) < 2:
        return "".join(parts)
    items, last = ", ".join(parts[:-1]), parts[-1]
    if last[0].isdigit():
        return _("{items} and {number}").format(items=items, number=last)
    return _("{items} and {last}").format(items=items, last=last)


class _Progress:
    """Rows done out of `total` (checking, then writing), reported every PROGRESS_EVERY
    rows; the caller's `is_cancelled` is asked as often."""

    def __init__(self, report: Callable[[int, int], None] | None,
                 is_cancelled: Callable[[], bool] | None):
        self.report = report
        self.is_cancelled = is_cancelled
        self.done = 0
        self.total = 0

    def tick(self, count: int = 1) -> None:
        before, self.done = self.done, self.done + count
        if before // PROGRESS_EVERY != self.done // PROGRESS_EVERY:
            self.check_cancelled()
            if self.report:
                self.report(min(self.done, self.total), self.total)

    def check_cancelled(self) -> None:
        if self.is_cancelled and self.is_cancelled():
            raise ImportCancelled()

    def finish(self) -> None:
        if self.report:
            self.report(self.total, self.total)


# ---- the entry point -----------------------------------------------------------------

def import_files(*, clients=None, invoices=None, payments=None, dry_run: bool = False,
                 month_first: bool = False,
                 mappings: dict[str, dict[str, str | None]] | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 is_cancelled: Callable[[], bool] | None = None) -> ImportResult:
    """Import the given files (paths; any may be None) all or nothing.

    Raises ImportRefused (a file that cannot be read as a table at all, before any row
    is checked), ImportFailed (every bad row), ImportCancelled, or returns the
    ImportResult.
    `dry_run` checks everything, duplicates against the database included, and writes
    nothing. `month_first` forces a/b/yyyy dates to be read as mm/dd. `mappings` gives,
    per kind, the field each header of that file holds (header -> field, or None to
    leave the column out), before the headings the import recognises by itself
    (models.exchange.tabular.read_table).
    """
    paths = {"clients": clients, "invoices": invoices, "payments": payments}
    meter = _Progress(progress, is_cancelled)
    checker = RowChecker(month_first, meter, mappings)
    try:
        tables = checker.read({k: Path(p) for k, p in paths.items() if p is not None})
        if checker.refusals:
            raise ImportRefused(checker.refusals)
        meter.total = 2 * sum(t.row_count for t in tables.values())  # checking, writing
        result = ImportResult(dry_run, tuple(k for k in KINDS if paths[k] is not None))
        # Validation reads and the writes share one transaction, so nothing can change in
        # between; a real import keeps the ledger's writes to itself from the start
        # (bulk.transaction). The plan's temporary tables live in it too: a failure rolls
        # them back with the rest.
        with (database.atomic() if dry_run
              else bulk.current().transaction(import_writer.WRITTEN_TABLES)):
            plan = ImportPlan(PlanStore(database))
            checker.check(tables, plan)
            if checker.refusals:
                raise ImportRefused(checker.refusals)
            if checker.errors:
                raise ImportFailed(checker.errors)
            import_writer.plan_allocations(plan)
            if not dry_run:
                import_writer.write(plan, meter)
            # The last progress call comes before the commit: a caller that cancels from
            # its progress callback still finds nothing written.
            meter.finish()
            result.added = plan.added()
            plan.store.drop()
    finally:
        checker.close()
    result.skipped = plan.skipped
    result.credit_agorot = {c: a for c, a in plan.credit_agorot.items() if a}
    result.notes = checker.notes
    return result
