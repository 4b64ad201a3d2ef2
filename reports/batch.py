"""Producing letters: choose the clients, compose, draw one PDF, archive it, log every letter.

Used by the command line (`letters_command`) and by the app's background worker
(`produce_letters` with `progress(done, total)` and `is_cancelled()`; call it inside
`models.db.connection.worker_connection()` on a worker thread).

Who gets a letter in an `--all` run (`select_clients`):
- debt-notice, reminder, second-reminder, final-warning: the clients whose step due as of
  the date is that letter — the dunning engine's answer
  (models.collection.dunning.clients_at_letter_stage) — and the clients who got that letter
  within the minimum gap (they are skipped, with the reason, unless `force`/`resend`);
- such a letter demands only the invoices the engine lets it: nothing paused (a signed
  settlement being paid, a pending promise, a dispute, a post-dated check in hand) and,
  for a private person, only invoices whose debt notice is 14 days old (demanded_invoices);
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

A settlement breach is written to the contact log before the letters are archived
(models.negotiation.settlement_status.record_breaches, once per breach): for the clients
written to, as of the letter's date (or the calculation date, if later). The engine already
treats a breach as a breach; the log then holds it before a letter, a final warning above
all, is on record on its basis.

Public API:
    produce_letters(kind, client_ids, as_of, out=None, *, progress=None, is_cancelled=None,
                    strict=False, letter_date=None) -> BatchResult
    select_clients(kind, as_of) -> list[int]
    repeated_letters(kind, client_ids, as_of, letter_date=None) -> {client_id: date}
    demanded_invoices(kind, client_ids, as_of) -> {client_id: set of invoice ids}
    log_breaches(client_ids, day) -> int             settlement breaches into the contact log
    letters_command(*, kind, client, all_clients, out, as_of, force) -> int    (main.py)
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from models.collection.dunning import LETTER_CODES, client_steps, clients_at_letter_stage
from models.common.errors import GviaError, ValidationError
from models.common.i18n import _
from models.contact.rules import load_rules
from models.db.outputs import check_output_path, private_dir, write_output
from models.db.settings import load_profile
from models.ledger.clients import clients_by_id
from models.ledger.services import find_client
from models.letters.archive import (
    COLLECTION_KINDS,
    LETTER_KINDS,
    LetterRecord,
    archive_dir,
    archive_file_taken,
    debt_notice_gates,
    kind_name,
    latest_letters,
    load_letter_settings,
    record_letters,
    safe_file_name,
)
from models.letters.templates import get_templates
from models.negotiation.settlement_info import (
    load_settlement_info,
    settlement_letter_clients,
)
from models.negotiation.settlement_status import record_breaches
from models.prevention.deposits import deposits_due
from models.prevention.policy import days_text
from models.queries import letter_data as letter_queries
from reports import letter_data, settlement_letters
from reports.hebrew import in_hebrew
from reports.letters import INTEREST_KINDS, NothingToSend, compose_for_client
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
    repeated: list[int] = field(default_factory=list)  # skipped: sent within the gap
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
    # The dunning letters: the engine's clients at this stage, and those who had this
    # letter within the gap (skipped with the reason unless sent again on purpose).
    since = as_of - dt.timedelta(days=load_rules().letter_gap_days)
    recent = [cid for cid, day in latest_letters(kind, as_of).items() if day > since]
    return sorted(set(clients_at_letter_stage(kind, as_of)) | set(recent))


def repeated_letters(kind: str, client_ids: list[int], as_of: dt.date,
                     letter_date: dt.date | None = None) -> dict[int, dt.date]:
    """The clients who already got a dunning letter of `kind` within the minimum gap
    before this one (CollectionRules.letter_gap_days) -> the day of that letter. The app
    asks before sending again; an `--all` run skips them unless `force`."""
    if kind not in LETTER_CODES:
        return {}
    day = letter_date or as_of
    gap = dt.timedelta(days=load_rules().letter_gap_days)
    wanted = set(client_ids)
    return {cid: sent for cid, sent in latest_letters(kind, max(day, as_of)).items()
            if cid in wanted and sent + gap > day}


def demanded_invoices(kind: str, client_ids: list[int], as_of: dt.date
                      ) -> dict[int, set[int]]:
    """Client -> the open invoices a dunning letter of `kind` may list and demand, as the
    engine says: none that is paused (under a signed settlement being paid, a pending
    promise, in dispute, a post-dated check in hand). For a private person's reminder or
    warning, produce_letters keeps of these only the invoices past the consumer gate
    (GateStatus.covers: their debt notice is 14 days old)."""
    steps = client_steps(as_of, client_ids=client_ids)
    paused = {inv.invoice_id for step in steps.values() for inv, _why in step.paused}
    out: dict[int, set[int]] = {cid: set() for cid in client_ids}
    for inv in letter_queries.open_invoices(client_ids, as_of):
        if inv.invoice_id not in paused:
            out[inv.client_id].add(inv.invoice_id)
    return out


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
    while archive_file_taken(path.name):  # a file here, or (a server) one kept already
        path = folder / f"{stem}_{counter}.pdf"
        counter += 1
    return path


def produce_letters(kind: str, client_ids: list[int], as_of: dt.date,
                    out: Path | None = None, *, progress: Progress | None = None,
                    is_cancelled: Callable[[], bool] | None = None, strict: bool = False,
                    letter_date: dt.date | None = None, force: bool = False,
                    resend: bool | None = None) -> BatchResult:
    """Letters of `kind` to these clients as of `as_of`, into one archived PDF.

    strict: a client who gets no letter (nothing overdue, consumer gate closed, the same
    letter sent within the gap …) is an error (the single-client case); otherwise it is
    skipped and listed in the result.
    out: a copy of the PDF; an existing file there is replaced only with `force`.
    resend: send a dunning letter again although the same kind went to the client within
    the minimum gap (default: `force`).
    """
    check_kind(kind)
    if out is not None:
        check_output_path(out, force=force)  # refuse before any letter is archived
    resend = force if resend is None else resend
    result = BatchResult(kind)
    profile, settings = load_profile(), load_letter_settings()
    templates = get_templates(kind)  # language -> wording
    data = letter_data.load_letter_data(client_ids, as_of, with_interest=kind in INTEREST_KINDS)
    settled = (load_settlement_info(kind, client_ids, as_of)
               if kind in settlement_letters.KINDS else None)
    repeated = {} if resend else repeated_letters(kind, client_ids, as_of, letter_date)
    if kind in LETTER_CODES:
        # A dunning letter demands only what the engine lets it (nothing paused).
        allowed = demanded_invoices(kind, [cid for cid in client_ids if cid in data], as_of)
        data = {cid: _only(item, allowed.get(cid, set())) for cid, item in data.items()}
    # The consumer-law gate of every private person in the batch, read at once; the
    # letter demands only the invoices past it.
    gates = (debt_notice_gates(
        clients_by_id([cid for cid, d in data.items() if d.is_person]).values(), as_of,
        settings.debt_notice_wait_days,
        {cid: [i.due_date for i in d.overdue] for cid, d in data.items() if d.is_person})
             if kind in COLLECTION_KINDS else {})
    for cid, gate in gates.items():
        if gate.is_open:
            item = data[cid]
            data[cid] = _only(item, {i.invoice_id for i in item.invoices
                                     if i.due_date >= as_of or gate.covers(i.due_date)})
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
            if cid in repeated:
                result.repeated.append(cid)
                raise NothingToSend(_(
                    "Client '{name}' was already sent this letter ({kind}) on {date}; the same "
                    "letter again only {gap} later.").format(
                        name=item.name, kind=kind_name(kind), date=f"{repeated[cid]:%d/%m/%Y}",
                        gap=days_text(load_rules().letter_gap_days)))
            if cid in gates and not gates[cid].is_open:
                raise NothingToSend(gates[cid].message)
            if settled is not None:
                contents.append(settlement_letters.compose_settlement(
                    kind, item, settled.get(cid), profile, settings, templates["he"], as_of,
                    letter_date))
            else:
                contents.append(compose_for_client(kind, item, profile, settings, templates,
                                                   as_of, letter_date))
        except NothingToSend as exc:
            if strict:
                raise
            result.skipped.append((cid, item.name, str(exc)))
        if progress and (done % 25 == 0 or done == total):
            progress(done, total * 2)  # composing is the first half, drawing the second
    if not contents:
        nothing = NothingToSend(_("There are no letters to produce ({kind}) as of {date}.")
                                .format(kind=kind_name(kind), date=f"{as_of:%d/%m/%Y}"))
        nothing.result = result  # what was skipped, and why
        raise nothing
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
    log_breaches({c.client_id for c in contents}, max(as_of, letter_date or as_of))
    record_letters(records)
    result.written, result.pages, result.archive_path = len(records), pages, path
    if out is not None:
        result.out = copy_out(path, out, force=force, what=_("The letters were saved"))
    return result


def log_breaches(client_ids: set[int], day: dt.date) -> int:
    """Write to the contact log the settlement breaches of these clients as of `day` that
    it does not hold yet (record_breaches: once each, never one that began after today).
    Returns the number written."""
    return len(record_breaches(day, client_ids=client_ids))


def _only(item, invoice_ids: set[int]):
    """The client's letter data with only the invoices a dunning letter may demand (and
    their interest lines)."""
    invoices = [i for i in item.invoices if i.invoice_id in invoice_ids]
    if len(invoices) == len(item.invoices):
        return item
    interest = item.interest
    if interest is not None:
        interest = dataclasses.replace(
            interest, lines=[line for line in interest.lines if line.invoice_id in invoice_ids])
    return dataclasses.replace(item, invoices=invoices, interest=interest)


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
    try:
        result = produce_letters(kind, ids, as_of, Path(out), strict=not all_clients,
                                 force=force)
    except NothingToSend as exc:
        _print_skipped(getattr(exc, "result", None))
        raise
    _print_skipped(result)
    return result.written


def _print_skipped(result: BatchResult | None) -> None:
    if result is None:
        return
    for cid, name, why in result.skipped:
        print(_("Skipped client {id}: {reason}").format(id=cid, reason=why), file=sys.stderr)
    if result.repeated:
        print(_("To send a letter again within the gap, add --force."), file=sys.stderr)
