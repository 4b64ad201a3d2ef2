"""Producing letters: choose the clients, compose, draw one PDF, archive it, log every letter.

Used by the command line (`letters_command`) and by the app's background worker
(`produce_letters` with `progress(done, total)` and `is_cancelled()`; call it inside
`models.db.connection.worker_connection()` on a worker thread).

Who gets a letter in an `--all` run (`select_clients`):
- debt-notice: private persons with an undisputed invoice past due that no debt notice
  dated on or after its due date has covered yet;
- reminder, second-reminder, final-warning: clients with an undisputed invoice past due;
  a private person only once the debt-notice gate is open (notice sent + 14 days);
  the others are skipped and listed;
- statement: clients whose balance as of the date is not zero (debt or credit);
- paid-in-full: clients who owe nothing and hold no credit, paid something in the last
  30 days (a setting), and have had no paid-in-full letter since that payment;
- deposit-request: clients with a deposit requested and not received by the date;
- terms-confirmation: those clients again, unless they got a terms confirmation on or
  after their earliest awaited request (a new job starts: its terms are confirmed once).

Each run writes ONE PDF into the archive folder (`<database folder>/letters/`), named
from the date, the kind and — for a single letter — the client's sanitised name; `out`
receives a copy. Every letter gets an archive row pointing at that file and its pages.
A cancelled run leaves no file and no rows.

Public API:
    produce_letters(kind, client_ids, as_of, out=None, *, progress=None, is_cancelled=None,
                    strict=False, letter_date=None) -> BatchResult
    select_clients(kind, as_of) -> list[int]
    letters_command(*, kind, client, all_clients, out, as_of) -> int    (main.py)
"""
from __future__ import annotations

import datetime as dt
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from models.common.errors import GviaError, ValidationError
from models.common.i18n import _
from models.db.outputs import check_output_path, private_dir, write_output
from models.db.settings import load_profile
from models.ledger.clients import clients_by_id
from models.ledger.services import find_client
from models.letters.archive import (
    COLLECTION_KINDS,
    LETTER_KINDS,
    LetterRecord,
    archive_dir,
    debt_notice_gates,
    kind_name,
    latest_letters,
    load_letter_settings,
    record_letters,
    safe_file_name,
)
from models.letters.templates import get_template
from models.negotiation.settlement_info import (
    load_settlement_info,
    settlement_letter_clients,
)
from models.prevention.deposits import deposits_due
from models.queries import letter_data as letter_queries
from reports import letter_data, settlement_letters
from reports.hebrew import in_hebrew
from reports.letters import INTEREST_KINDS, NothingToSend, compose
from reports.pdf import LetterPdf

Progress = Callable[[int, int], None]


@dataclass
class BatchResult:
    kind: str
    written: int = 0
    pages: int = 0
    archive_path: Path | None = None
    out: Path | None = None
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (id, name, why)
    cancelled: bool = False


def check_kind(kind: str) -> str:
    if kind not in LETTER_KINDS:
        names = ", ".join(LETTER_KINDS)
        raise ValidationError(_("Unknown letter kind: '{kind}'. The possible kinds: {names}.")
                              .format(kind=kind, names=names), field="kind")
    return kind


def client_not_found(client_id: int) -> ValidationError:
    return ValidationError(_("Client number {id} was not found.").format(id=client_id))


def select_clients(kind: str, as_of: dt.date) -> list[int]:
    """The clients an `--all` run writes to (see the module docstring)."""
    check_kind(kind)
    if kind in settlement_letters.KINDS:
        return settlement_letter_clients(kind, as_of)
    if kind in ("deposit-request", "terms-confirmation"):
        return _deposit_clients(kind, as_of)
    if kind in ("statement", "paid-in-full"):
        balances = letter_queries.balances(as_of)
        if kind == "statement":
            return sorted(cid for cid, by in balances.items() if any(by.values()))
        settings = load_letter_settings()
        since = as_of - dt.timedelta(days=settings.paid_in_full_days)
        confirmed = latest_letters("paid-in-full", as_of)
        data = letter_data.load_letter_data(
            [cid for cid in letter_queries.recent_payers(since, as_of)
             if cid in balances and not any(balances[cid].values())], as_of)
        return sorted(cid for cid, d in data.items()
                      if not d.invoices and d.last_payment_date
                      and confirmed.get(cid, dt.date.min) < d.last_payment_date)
    overdue = letter_queries.overdue_clients(as_of)
    if kind == "debt-notice":
        kinds = letter_queries.client_kinds()
        notified = latest_letters("debt-notice", as_of)
        return sorted(cid for cid, latest_due in overdue.items()
                      if kinds.get(cid) == "person"
                      and notified.get(cid, dt.date.min) < latest_due)
    return sorted(overdue)


def _deposit_clients(kind: str, as_of: dt.date) -> list[int]:
    first_request: dict[int, dt.date] = {}
    for due in deposits_due(as_of):
        first_request[due.client_id] = min(first_request.get(due.client_id, dt.date.max),
                                           due.requested_date)
    if kind == "deposit-request":
        return sorted(first_request)
    confirmed = latest_letters("terms-confirmation", as_of)
    return sorted(cid for cid, first in first_request.items()
                  if confirmed.get(cid, dt.date.min) < first)


def archive_path(kind: str, as_of: dt.date, clients: list[tuple[int, str]]) -> Path:
    """A new file in the letters archive named after the date, the kind and the client
    (sanitised), or the number of letters in a batch; never an existing file."""
    folder = private_dir(archive_dir())
    if len(clients) == 1:
        cid, name = clients[0]
        stem = f"{as_of:%Y-%m-%d}_{kind}_{safe_file_name(name, 60)}_{cid}"
    else:
        stem = f"{as_of:%Y-%m-%d}_{kind}_{len(clients)}-letters_{dt.datetime.now():%H%M%S}"
    path = folder / f"{stem}.pdf"
    counter = 2
    while path.exists():
        path = folder / f"{stem}_{counter}.pdf"
        counter += 1
    return path


def produce_letters(kind: str, client_ids: list[int], as_of: dt.date,
                    out: Path | None = None, *, progress: Progress | None = None,
                    is_cancelled: Callable[[], bool] | None = None, strict: bool = False,
                    letter_date: dt.date | None = None, force: bool = False) -> BatchResult:
    """Letters of `kind` to these clients as of `as_of`, into one archived PDF.

    strict: a client who gets no letter (nothing overdue, consumer gate closed …) is an
    error (the single-client case); otherwise it is skipped and listed in the result.
    out: a copy of the PDF; an existing file there is replaced only with `force`.
    """
    check_kind(kind)
    if out is not None:
        check_output_path(out, force=force)  # refuse before any letter is archived
    result = BatchResult(kind)
    profile, settings = load_profile(), load_letter_settings()
    template = get_template(kind)
    data = letter_data.load_letter_data(client_ids, as_of, with_interest=kind in INTEREST_KINDS)
    settled = (load_settlement_info(kind, client_ids, as_of)
               if kind in settlement_letters.KINDS else None)
    # The consumer-law gate of every private person in the batch, read at once.
    gates = (debt_notice_gates(clients_by_id([cid for cid, d in data.items() if d.is_person])
                               .values(), as_of, settings.debt_notice_wait_days)
             if kind in COLLECTION_KINDS else {})
    total = len(client_ids)
    contents = []
    for done, cid in enumerate(client_ids, start=1):
        if is_cancelled and is_cancelled():
            result.cancelled = True
            return result
        item = data.get(cid)
        if item is None:
            raise client_not_found(cid)
        try:
            if cid in gates and not gates[cid].is_open:
                raise NothingToSend(gates[cid].message)
            if settled is not None:
                contents.append(settlement_letters.compose_settlement(
                    kind, item, settled.get(cid), profile, settings, template, as_of, letter_date))
            else:
                contents.append(compose(kind, item, profile, settings, template, as_of, letter_date))
        except NothingToSend as exc:
            if strict:
                raise
            result.skipped.append((cid, item.name, str(exc)))
        if progress and (done % 25 == 0 or done == total):
            progress(done, total * 2)  # composing is the first half, drawing the second
    if not contents:
        raise NothingToSend(_("There are no letters to produce ({kind}) as of {date}.").format(
            kind=kind_name(kind), date=f"{as_of:%d/%m/%Y}"))
    path = archive_path(kind, as_of, [(c.client_id, c.client_name) for c in contents])
    records: list[LetterRecord] = []
    pages = 0

    def draw(partial: Path) -> None:
        nonlocal pages
        pdf = LetterPdf(str(partial), profile, settings, title=in_hebrew(LETTER_KINDS[kind]))
        for done, content in enumerate(contents, start=1):
            if is_cancelled and is_cancelled():
                raise _Cancelled
            first, count = pdf.add(content)
            records.append(LetterRecord(
                content.client_id, kind, content.letter_date, as_of, content.subject,
                content.amount_agorot, content.currency, content.deadline_date,
                path.name, first, count))
            if progress and (done % 25 == 0 or done == len(contents)):
                progress(total + done * total // len(contents), total * 2)
        pdf.save()
        pages = pdf.page_count

    try:
        # The file is whole on disk before the rows naming it are committed: a crash in
        # between leaves an unnamed file, which models.db.outputs.sweep_orphans removes.
        write_output(path, draw)
    except _Cancelled:
        result.cancelled = True
        return result
    record_letters(records)
    result.written, result.pages, result.archive_path = len(records), pages, path
    if out is not None:
        result.out = copy_out(path, out, force=force, what=_("The letters were saved"))
    return result


class _Cancelled(Exception):
    """The user cancelled while the PDF was being drawn (its partial file is removed)."""


def copy_out(archived: Path, out: str | Path, *, force: bool, what: str) -> Path:
    """A copy of an archived file at `out` (the command line's --out, a save dialog).

    what: the translated start of the message if the copy fails ("The letters were saved")."""
    try:
        return write_output(out, lambda partial: shutil.copyfile(archived, partial),
                            force=force)
    except GviaError as exc:
        raise GviaError(_("{what} in the archive ({file}), but the copy was not written: "
                          "{error}").format(what=what, file=archived.name, error=exc)) from exc


def letters_command(*, kind: str, client: str | None, all_clients: bool, out: Path,
                    as_of: dt.date, force: bool = False) -> int:
    """`python main.py letters`: returns the number of letters written to `out`."""
    check_kind(kind)
    check_output_path(out, force=force)
    if all_clients:
        ids = select_clients(kind, as_of)
        if not ids:
            raise NothingToSend(_('No clients get the letter "{kind}" as of {date}.').format(
                kind=kind_name(kind), date=f"{as_of:%d/%m/%Y}"))
    else:
        ids = [find_client(client).id]
    result = produce_letters(kind, ids, as_of, Path(out), strict=not all_clients, force=force)
    for cid, name, why in result.skipped:
        print(_("Skipped client {id}: {reason}").format(id=cid, reason=why), file=sys.stderr)
    return result.written
