"""What the import wizard runs off the UI thread, and the bad rows it shows.

The checks and the writing are models.exchange.importing.import_files, the function the
command line's `gvia import` calls: the same checks, all or nothing, a file imported again
adds nothing. The wizard adds a backup before the real import (models.db.backup, the copy
the Backups page makes) and remembers each file's column mapping once it was imported.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from models.exchange.import_rows import RowError
from models.exchange.import_sources import remember_mapping
from models.exchange.importing import (
    ImportCancelled,
    ImportFailed,
    ImportRefused,
    ImportResult,
    import_files,
)
from ui.i18n import _
from ui.widgets.bidi import path_text
from ui.widgets.display import auto_dir, ltr
from ui.widgets.list_model import Column, ListTableModel


@dataclass
class ImportRun:
    """What was asked: the files by kind, each file's column mapping, the date order."""
    files: dict[str, Path]
    mappings: dict[str, dict[str, str | None]]
    headers: dict[str, list[str]]  # each file's headings, for remembering its mapping
    month_first: bool = False


@dataclass
class Outcome:
    result: ImportResult | None = None  # None: refused, failed or cancelled
    errors: list[RowError] = field(default_factory=list)
    message: str = ""  # why there is no result
    is_cancelled: bool = False


def run(request: ImportRun, *, dry_run: bool, progress: Callable[[int, int], None],
        is_cancelled: Callable[[], bool]) -> Outcome:
    """The dry run or the import (on a pool thread), its problems as data."""
    try:
        result = import_files(**request.files, dry_run=dry_run,
                              month_first=request.month_first, mappings=request.mappings,
                              progress=progress, is_cancelled=is_cancelled)
    except ImportRefused as refused:
        return Outcome(errors=refused.errors,
                       message=_("The import failed and nothing was written."))
    except ImportFailed as failed:
        return Outcome(errors=failed.errors, message=str(failed))
    except ImportCancelled as cancelled:
        return Outcome(message=str(cancelled), is_cancelled=True)
    if not dry_run:
        for kind, headers in request.headers.items():
            remember_mapping(kind, headers, request.mappings[kind])
    return Outcome(result=result)


@dataclass(frozen=True)
class Problem:
    file_name: str
    line: int | None
    column: str
    message: str


def problems_of(errors: list[RowError]) -> list[Problem]:
    """One row per problem: a bad row with three problems is three rows, each naming its
    column (a problem of the row or the file as a whole names none)."""
    rows = []
    for error in errors:
        for column, message in error.problems or (("", error.reason),):
            rows.append(Problem(error.file_name, error.line, column, message))
    return rows


def problems_model(parent=None) -> ListTableModel:
    columns = [
        Column(lambda: _("File"), lambda p: path_text(p.file_name), lambda p: p.file_name),
        Column(lambda: _("Line"), lambda p: "" if p.line is None else ltr(f"{p.line:,}"),
               sort_value=lambda p: p.line or 0),
        Column(lambda: _("Column"), lambda p: auto_dir(p.column), lambda p: p.column),
        Column(lambda: _("Problem"), lambda p: p.message, tooltip=lambda p: p.message,
               stretch=True),
    ]
    return ListTableModel(columns, id_of=lambda p: p.line or 0, parent=parent)
