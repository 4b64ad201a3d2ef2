"""The letter archive, the registered-mail register, letter settings and the consumer gate.

Every letter produced (command line or app) gets one `Letter` row: client, kind, the date
printed on it, the as-of date of its figures, the amount demanded, the deadline, and the
archived PDF — a file in `<database folder>/letters/` (path stored relative to that
folder) plus the page range the letter occupies in it (a batch shares one file). On a
shared office's server the PDF itself is kept in the ledger, saved with its rows
(models.db.files). Rows are never edited: the archive is evidence. The contact log reads
them as outgoing letters.

A letter sent by registered mail gets one `RegisteredMail` row: registered number, date
sent, and later either the date of the return receipt or the date it was refused.

Public API:
    LetterSettings, load_letter_settings(), save_letter_settings(s)
    LETTER_KINDS (code -> name msgid), kind_name(code) -> str
    archive_dir() -> Path; safe_file_name(text, max_length=80) -> str
    letter_file(file_path) -> Path; archive_file_taken(name) -> bool   (db.files' store)
    record_letters(records) -> int; letters_for_client(client_id) -> list[Letter]
        (joined: `letter.registeredmail` is the register row, or None)
    latest_letters(kind, as_of) -> {client_id: date of the latest letter of that kind}
    archive_letter_ids(client_id=None, kind=None, text="", sort="date", descending=True)
        -> list[int]; archive_rows(ids) -> dict[id, ArchiveRow]    (the app's archive list)
    record_registered_mail(letter_id, registered_number, sent_date) -> RegisteredMail
    record_return_receipt(letter_id, receipt_date); record_refusal(letter_id, refused_date)
    sent_date(letter) -> date
    the consumer gate, counted per invoice (the one home of it):
    debt_notices_sent(as_of, client_ids=None) -> {client_id: [dates]};
    notice_covering(due, notices); gate_opens_on(due, notices, wait_days);
    first_debt_notices(client_ids, as_of) -> {client_id: date}
    debt_notice_gates(clients, as_of) -> {client_id: GateStatus} (a batch: one statement)
    debt_notice_gate(client, as_of) -> GateStatus (one client, the same answer)
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from bisect import bisect_right
from dataclasses import asdict, dataclass, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable

import peewee as pw

from models.common.errors import ValidationError
from models.common.i18n import N_, _
from models.common.holidays import DEFAULT_DEADLINE_DAYS
from models.common.text import clean_text, search_key
from models.db import files
from models.db.authors import author
from models.db.connection import BaseModel, database
from models.db.settings import get_setting, set_setting
from models.ledger.clients import Client
from models.ledger.open_invoice import invoices_open_as_of
from models.letters import images

# The kinds' names, the one table of them: msgids (N_); kind_name translates one for a
# screen (the letters screens, Letter.kind_name); a document prints it in Hebrew
# (reports.hebrew.in_hebrew), a letter being Hebrew.
LETTER_KINDS = {
    "debt-notice": N_("Debt notice (private person)"),  # §13ב2: to a private person only
    "reminder": N_("Reminder"),
    "second-reminder": N_("Second reminder"),
    "final-warning": N_("Final warning before legal proceedings"),
    "statement": N_("Statement of account"),
    "paid-in-full": N_("Paid-in-full confirmation"),
    "deposit-request": N_("Deposit request"),
    "terms-confirmation": N_("Payment terms confirmation"),
    "settlement": N_("Settlement agreement"),  # the letter's own title: הסדר חוב וכתב התחייבות
    "meeting-summary": N_("Meeting summary"),
}
# Kinds that are a collection step: toward a private person they wait for the debt notice.
COLLECTION_KINDS = ("reminder", "second-reminder", "final-warning")
SETTINGS_KEY = "letters"


def kind_name(kind: str) -> str:
    """A letter kind's name in the interface language (an unknown code as it is)."""
    return _(LETTER_KINDS[kind]) if kind in LETTER_KINDS else kind


class Letter(BaseModel):
    client = pw.ForeignKeyField(Client, backref="letters")
    kind = pw.TextField()
    letter_date = pw.DateField()
    as_of = pw.DateField()
    subject = pw.TextField(default="")
    amount_agorot = pw.IntegerField(default=0)
    currency = pw.TextField(default="ILS")
    deadline_date = pw.DateField(null=True)
    file_path = pw.TextField()  # relative to archive_dir()
    first_page = pw.IntegerField(default=1)
    page_count = pw.IntegerField(default=1)
    created_at = pw.TextField()
    created_by = pw.TextField(default=author)  # who recorded it (migration 0014)

    @property
    def kind_name(self) -> str:
        return kind_name(self.kind)

    @property
    def path(self) -> Path:
        return letter_file(self.file_path)


class RegisteredMail(BaseModel):
    letter = pw.ForeignKeyField(Letter, unique=True, backref="registered")
    registered_number = pw.TextField()
    sent_date = pw.DateField()
    receipt_date = pw.DateField(null=True)
    refused_date = pw.DateField(null=True)
    notes = pw.TextField(default="")


# ---- settings ------------------------------------------------------------------------

@dataclass
class LetterSettings:
    """What the user can set for letters (stored in the database with models.db.settings).

    Window offsets follow DIN 5008 (45 mm from the top, 20 mm from the side, 85 x 45 mm);
    Israeli envelopes vary, so all four are settings, checked with the calibration page.
    """
    deadline_days: int = DEFAULT_DEADLINE_DAYS
    debt_notice_wait_days: int = 14  # consumer law: no collection step before this
    interest_rate_percent: str = ""  # contractual annual rate; empty: not mentioned
    collection_costs_agorot: int = 0
    show_hebrew_date: bool = False
    window_side: str = "left"  # 'left' (DIN) or 'right'
    window_top_mm: float = 45.0
    window_side_mm: float = 20.0
    window_width_mm: float = 85.0
    window_height_mm: float = 45.0
    signer_name: str = ""
    signer_title: str = ""
    logo_path: str = ""
    signature_path: str = ""
    statement_months: int = 12
    paid_in_full_days: int = 30  # --all paid-in-full: clients who settled in these days
    label_columns: int = 3
    label_rows: int = 8
    label_width_mm: float = 70.0
    label_height_mm: float = 37.0
    label_top_mm: float = 0.5
    label_left_mm: float = 0.0

    @property
    def interest_rate(self) -> Decimal | None:
        if not str(self.interest_rate_percent).strip():
            return None
        return Decimal(str(self.interest_rate_percent))

    def validate(self) -> "LetterSettings":
        if not 1 <= int(self.deadline_days) <= 90:
            raise ValidationError(_("The number of days to the deadline must be from 1 to 90."),
                                  field="deadline_days")
        if self.window_side not in ("left", "right"):
            raise ValidationError(_("The envelope window must be on the right or on the left."),
                                  field="window_side")
        try:
            rate = self.interest_rate
        except InvalidOperation:
            raise ValidationError(_("The interest rate '{rate}' is not a number.").format(
                rate=self.interest_rate_percent), field="interest_rate_percent") from None
        if rate is not None and not Decimal(0) <= rate <= Decimal(100):
            raise ValidationError(_("The annual interest rate must be from 0 to 100 percent."),
                                  field="interest_rate_percent")
        if self.collection_costs_agorot < 0:
            raise ValidationError(_("Collection fees cannot be negative."),
                                  field="collection_costs_agorot")
        for name in ("window_top_mm", "window_side_mm", "window_width_mm", "window_height_mm"):
            if not 0 <= float(getattr(self, name)) <= 200:
                raise ValidationError(_("The envelope window measurements must be from 0 to 200 mm."),
                                      field=name)
        if not (1 <= self.label_columns <= 6 and 1 <= self.label_rows <= 20):
            raise ValidationError(_("The label sheet: 1–6 columns and 1–20 rows."), field="label_rows")
        return self


def load_letter_settings() -> LetterSettings:
    """The letter settings; the logo and signature paths point at the copies of the images
    kept in the ledger (models.letters.images)."""
    stored = get_setting(SETTINGS_KEY, {}) or {}
    known = {f.name for f in fields(LetterSettings)}
    return images.with_kept_images(
        LetterSettings(**{k: v for k, v in stored.items() if k in known}))


def save_letter_settings(settings: LetterSettings) -> None:
    """Store the settings; a newly chosen logo or signature is taken into the ledger
    (models.letters.images.keep_images), so moving the original loses nothing."""
    with database.atomic():
        set_setting(SETTINGS_KEY, asdict(images.keep_images(settings.validate())))


# ---- archive -------------------------------------------------------------------------

def archive_dir() -> Path:
    """`<database folder>/letters`: the archived PDFs travel with the data. On a server,
    this user's cache folder's letters/, whose files are kept in the ledger (db.files)."""
    return files.folder() / "letters"


def letter_file(file_path: str) -> Path:
    """The archived PDF `file_path` (relative to archive_dir()) as a file to open or print."""
    return files.local_file(f"letters/{file_path}")


def archive_file_taken(name: str) -> bool:
    """Whether a new archived PDF may not be named `name` (a file there, or one kept)."""
    return files.is_taken(f"letters/{name}")


_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}


def safe_file_name(text: str, max_length: int = 80) -> str:
    """A file-name part built from user text, safe on Windows, macOS and Linux.

    Removes path separators, Windows-illegal characters (`"` of בע"מ included), control
    and direction characters (U+202E would display `fdp.exe` as `exe.pdf`), leading and
    trailing dots and spaces; avoids reserved device names; caps the length.
    """
    text = unicodedata.normalize("NFC", str(text or ""))
    text = _UNSAFE.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip(" ._")
    text = re.sub(r"\.{2,}", ".", text)
    text = text[:max_length].rstrip(" .")
    if not text:
        text = "letter"
    if text.split(".")[0].upper() in _RESERVED:
        text = "_" + text
    return text


@dataclass(frozen=True)
class LetterRecord:
    """One letter to archive (built by reports.batch after the PDF is written)."""
    client_id: int
    kind: str
    letter_date: dt.date
    as_of: dt.date
    subject: str
    amount_agorot: int
    currency: str
    deadline_date: dt.date | None
    file_path: str
    first_page: int
    page_count: int


def record_letters(records: list[LetterRecord]) -> int:
    """Archive rows for letters whose PDF was written; one transaction. Returns the count."""
    now = dt.datetime.now().isoformat(timespec="seconds")
    rows = []
    for rec in records:
        if rec.kind not in LETTER_KINDS:
            raise ValidationError(_("Unknown kind of letter: {kind}.").format(kind=rec.kind),
                                  field="kind")
        rows.append({**asdict(rec), "client": rec.client_id, "created_at": now})
        del rows[-1]["client_id"]
    with database.atomic():
        for start in range(0, len(rows), 500):
            Letter.insert_many(rows[start:start + 500]).execute()
        for file_path in dict.fromkeys(rec.file_path for rec in records):
            files.keep(f"letters/{file_path}")  # a server keeps the PDF with its rows
    return len(rows)


def latest_letters(kind: str, as_of: dt.date) -> dict[int, dt.date]:
    """Client -> the date of its latest letter of `kind` dated by `as_of` (one statement)."""
    query = (Letter.select(Letter.client, pw.fn.MAX(Letter.letter_date))
             .where((Letter.kind == kind) & (Letter.letter_date <= as_of))
             .group_by(Letter.client))
    return {cid: dt.date.fromisoformat(str(day)) for cid, day in query.tuples()}


def letters_for_client(client_id: int) -> list[Letter]:
    """The client's letters, newest first, with their registered-mail rows."""
    query = (Letter.select(Letter, RegisteredMail)
             .join(RegisteredMail, pw.JOIN.LEFT_OUTER)
             .where(Letter.client == client_id)
             .order_by(Letter.letter_date.desc(), Letter.id.desc()))
    return list(query)


ARCHIVE_SORTS = {
    "date": (Letter.letter_date, Letter.id),
    "client": (Client.search_key, Letter.letter_date, Letter.id),
    "kind": (Letter.kind, Letter.letter_date, Letter.id),
    "amount": (Letter.amount_agorot, Letter.id),
    "registered": (RegisteredMail.sent_date, Letter.letter_date, Letter.id),
    "by": (Letter.created_by, Letter.letter_date, Letter.id),
}


def archive_letter_ids(*, client_id: int | None = None, kind: str | None = None,
                       text: str = "", sort: str = "date", descending: bool = True) -> list[int]:
    """The archive's letter ids, filtered and ordered in SQL (the list fetches rows lazily).

    text: part of the client's name (search key) or of a registered-mail number.
    """
    query = (Letter.select(Letter.id).join(Client)
             .switch(Letter).join(RegisteredMail, pw.JOIN.LEFT_OUTER))
    if client_id is not None:
        query = query.where(Letter.client == client_id)
    if kind:
        query = query.where(Letter.kind == kind)
    needle = clean_text(text or "")
    if needle:
        key = search_key(needle)
        query = query.where(Client.search_key.contains(key)
                            | RegisteredMail.registered_number.contains(needle.replace(" ", "")))
    keys = ARCHIVE_SORTS.get(sort, ARCHIVE_SORTS["date"])
    query = query.order_by(*[k.desc() if descending else k.asc() for k in keys])
    return [row[0] for row in query.tuples()]


@dataclass(frozen=True)
class ArchiveRow:
    """One archived letter as the archive list shows it, with its registered-mail state."""
    id: int
    client_id: int
    client_name: str
    kind: str
    letter_date: dt.date
    as_of: dt.date
    amount_agorot: int
    currency: str
    deadline_date: dt.date | None
    file_path: str
    first_page: int
    page_count: int
    registered_number: str = ""
    sent_date: dt.date | None = None
    receipt_date: dt.date | None = None
    refused_date: dt.date | None = None
    created_by: str = ""  # who recorded it (migration 0014); '' for letters made before

    @property
    def path(self) -> Path:
        return letter_file(self.file_path)

    @property
    def mail_status(self) -> str:
        """'none', 'sent', 'delivered' or 'refused' (the interface names them)."""
        if self.refused_date:
            return "refused"
        if self.receipt_date:
            return "delivered"
        return "sent" if self.registered_number else "none"


def archive_rows(ids: list[int]) -> dict[int, ArchiveRow]:
    """Rows for a page of letter ids: two statements at most per 500 ids."""
    rows: dict[int, ArchiveRow] = {}
    ids = list(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        query = (Letter.select(Letter, Client.id, Client.name, RegisteredMail)
                 .join(Client).switch(Letter).join(RegisteredMail, pw.JOIN.LEFT_OUTER)
                 .where(Letter.id.in_(chunk)))
        for letter in query:
            mail = getattr(letter, "registeredmail", None)
            rows[letter.id] = ArchiveRow(
                letter.id, letter.client_id, letter.client.name, letter.kind,
                letter.letter_date, letter.as_of, letter.amount_agorot, letter.currency,
                letter.deadline_date, letter.file_path, letter.first_page, letter.page_count,
                mail.registered_number if mail else "", mail.sent_date if mail else None,
                mail.receipt_date if mail else None, mail.refused_date if mail else None,
                letter.created_by)
    return rows


def get_letter(letter_id: int) -> Letter:
    letter = Letter.get_or_none(Letter.id == letter_id)
    if letter is None:
        raise ValidationError(_("Letter {id} was not found in the archive.").format(id=letter_id))
    return letter


def record_registered_mail(letter_id: int, registered_number: str, sent_date: dt.date,
                           notes: str = "") -> RegisteredMail:
    number = clean_text(registered_number).replace(" ", "")
    if not number:
        raise ValidationError(_("The registered mail number is missing."), field="registered_number")
    if len(number) > 30:
        raise ValidationError(_("The registered mail number is too long."), field="registered_number")
    with database.atomic():
        letter = get_letter(letter_id)
        if sent_date < letter.letter_date:
            raise ValidationError(_("The sending date is before the letter's date."), field="sent_date")
        if RegisteredMail.get_or_none(RegisteredMail.letter == letter):
            raise ValidationError(_("This letter is already recorded as sent by registered mail."))
        return RegisteredMail.create(letter=letter, registered_number=number,
                                     sent_date=sent_date, notes=clean_text(notes))


def _registered(letter_id: int) -> RegisteredMail:
    row = RegisteredMail.get_or_none(RegisteredMail.letter == letter_id)
    if row is None:
        raise ValidationError(_("The letter is not recorded as sent by registered mail; record its "
                                "mail number first."))
    return row


def _record_outcome(letter_id: int, field_name: str, day: dt.date, other_field: str,
                    already: str, too_early: str) -> RegisteredMail:
    """How a registered letter ended: delivered (receipt_date) or refused (refused_date),
    never both, and not before it was sent. `already` and `too_early` are the messages."""
    with database.atomic():
        row = _registered(letter_id)
        if getattr(row, other_field):
            raise ValidationError(already)
        if day < row.sent_date:
            raise ValidationError(too_early, field=field_name)
        setattr(row, field_name, day)
        row.save(only=row.dirty_fields)  # a collector may write these columns only
        return row


def record_return_receipt(letter_id: int, receipt_date: dt.date) -> RegisteredMail:
    return _record_outcome(
        letter_id, "receipt_date", receipt_date, "refused_date",
        _("The letter is already marked as refused."),
        _("The delivery confirmation date is before the sending date."))


def record_refusal(letter_id: int, refused_date: dt.date) -> RegisteredMail:
    return _record_outcome(
        letter_id, "refused_date", refused_date, "receipt_date",
        _("A delivery confirmation is already recorded for the letter."),
        _("The refusal date is before the sending date."))


# When a letter went out: the registered-mail date if recorded, else its own date (an
# expression over Letter LEFT JOIN RegisteredMail; the gate and sent_date read it).
SENT_ON = pw.fn.COALESCE(RegisteredMail.sent_date, Letter.letter_date)


def sent_date(letter: Letter) -> dt.date:
    """When the letter went out (SENT_ON)."""
    day = (Letter.select(SENT_ON).join(RegisteredMail, pw.JOIN.LEFT_OUTER)
           .where(Letter.id == letter.id).scalar())
    return dt.date.fromisoformat(str(day))


# ---- consumer gate (Consumer Protection Law §13ב2; docs/domain.md, "The consumer-law gate")
#
# The one notion of the gate, counted per invoice: a debt notice COVERS an invoice when it
# went out (SENT_ON) after the invoice's due date; a collection step may demand the invoice
# once the first notice covering it is `debt_notice_wait_days` (14) old. A notice about a
# debt since paid does not cover a later invoice. The dunning plan
# (models.collection.dunning), the letters and the hand-over all count it here.

@dataclass(frozen=True)
class GateStatus:
    is_open: bool
    notice_sent: dt.date | None
    opens_on: dt.date | None
    message: str
    # Invoices due before this day have passed the gate (None: none has).
    open_for_due_before: dt.date | None = None

    def covers(self, due_date: dt.date) -> bool:
        """Has an invoice due on `due_date` passed the gate (always, for a business)?"""
        if self.is_open and self.notice_sent is None and self.open_for_due_before is None:
            return True  # a business: no gate
        return self.open_for_due_before is not None and due_date < self.open_for_due_before


def debt_notices_sent(as_of: dt.date, client_ids: Iterable[int] | None = None
                      ) -> dict[int, list[dt.date]]:
    """Client -> the days its debt notices went out (SENT_ON) by `as_of`, oldest first:
    one statement for every client, or one per 500 clients asked for."""
    def read(*where) -> list[tuple]:
        return list(Letter.select(Letter.client, SENT_ON)
                    .join(RegisteredMail, pw.JOIN.LEFT_OUTER)
                    .where((Letter.kind == "debt-notice") & (SENT_ON <= as_of), *where)
                    .order_by(Letter.client, SENT_ON).tuples())
    rows: list[tuple] = []
    if client_ids is None:
        rows = read()
    else:
        ids = list(dict.fromkeys(client_ids))
        for start in range(0, len(ids), 500):
            rows += read(Letter.client.in_(ids[start:start + 500]))
    sent: dict[int, list[dt.date]] = {}
    for cid, day in rows:
        sent.setdefault(cid, []).append(dt.date.fromisoformat(str(day)))
    return sent


def notice_covering(due_date: dt.date, notices: list[dt.date]) -> dt.date | None:
    """The first debt notice (of a client's, oldest first) that covers an invoice due on
    `due_date`: the first one sent after that day."""
    index = bisect_right(notices, due_date)
    return notices[index] if index < len(notices) else None


def gate_opens_on(due_date: dt.date, notices: list[dt.date], wait_days: int) -> dt.date | None:
    """The first day a collection step may demand an invoice due on `due_date` (a private
    person's), or None while no notice covers it."""
    first = notice_covering(due_date, notices)
    return None if first is None else first + dt.timedelta(days=wait_days)


def first_debt_notices(client_ids: Iterable[int], as_of: dt.date) -> dict[int, dt.date]:
    """Client -> when its first debt notice sent by `as_of` went out, for the clients that
    have one (debt_notices_sent's first day)."""
    return {cid: days[0] for cid, days in debt_notices_sent(as_of, client_ids).items()}


def debt_notice_gates(clients: Iterable[Client], as_of: dt.date,
                      wait_days: int | None = None,
                      due_dates: dict[int, Iterable[dt.date]] | None = None
                      ) -> dict[int, GateStatus]:
    """Client id -> may a collection letter go to it as of `as_of`, and for which invoices?
    (a batch asks for all its clients at once.)

    Businesses: always. A private person: the gate is open for the invoices a debt notice
    sent at least `wait_days` (default: the letter setting, 14) ago covers; the status is
    open when one of its overdue invoices has passed it. `due_dates`: each client's overdue
    invoices' due dates, when the caller has read them (else they are read here)."""
    clients = list(clients)
    people = [c for c in clients if c.is_person]
    if people and wait_days is None:
        wait_days = load_letter_settings().debt_notice_wait_days
    notices = debt_notices_sent(as_of, [c.id for c in people]) if people else {}
    if people and due_dates is None:
        due_dates = {}
        for inv in invoices_open_as_of(as_of, due_by=as_of - dt.timedelta(days=1),
                                       client_ids=[c.id for c in people]):
            if not inv.is_disputed:
                due_dates.setdefault(inv.client_id, []).append(inv.due_date)
    return {c.id: _gate(c, notices.get(c.id, []), sorted(due_dates.get(c.id, ())), as_of,
                        wait_days) if c.is_person
            else GateStatus(True, None, None, "") for c in clients}


def debt_notice_gate(client: Client, as_of: dt.date, wait_days: int | None = None) -> GateStatus:
    """The gate of one client (the screens, a single letter): debt_notice_gates' answer."""
    return debt_notice_gates([client], as_of, wait_days)[client.id]


def _gate(client: Client, notices: list[dt.date], due_dates: list[dt.date], as_of: dt.date,
          wait_days: int) -> GateStatus:
    """A private person's gate, from the days its notices went out and the due dates of its
    overdue invoices (oldest first)."""
    old_enough = [n for n in notices if n + dt.timedelta(days=wait_days) <= as_of]
    open_before = old_enough[-1] if old_enough else None
    passed = [d for d in due_dates if open_before is not None and d < open_before]
    if passed or (not due_dates and open_before is not None):
        first = notice_covering(passed[0], notices) if passed else open_before
        return GateStatus(True, first, first + dt.timedelta(days=wait_days), "", open_before)
    first = notice_covering(due_dates[0], notices) if due_dates else (
        notices[-1] if notices else None)
    if first is None:
        return GateStatus(False, None, None, _(
            "Client '{name}' (a private person) has not yet been sent a debt notice; the "
            "Consumer Protection Law requires it before any other collection letter.").format(
                name=client.name), open_before)
    opens_on = first + dt.timedelta(days=wait_days)
    return GateStatus(False, first, opens_on, _(
        "The debt notice to client '{name}' was sent on {sent}; another collection letter "
        "can be sent only from {opens}.").format(
            name=client.name, sent=f"{first:%d/%m/%Y}", opens=f"{opens_on:%d/%m/%Y}"),
        open_before)
