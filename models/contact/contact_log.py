"""The contact log (תיעוד): every call, meeting, e-mail, letter, fax, SMS or WhatsApp with a
client — evidence, so it is APPEND-ONLY.

A saved entry is never edited or deleted: the model refuses it here, and SQLite triggers
(migration 0004) refuse it for any other writer. A correction is a new entry whose
`corrects_id` points at the entry it corrects; the timeline shows both.

API:
    log_contact(client_id, occurred_at, channel, ...) -> ContactLogEntry
    correct_entry(entry_id, ...)                       -> ContactLogEntry (the correction)
    timeline(client_id, channels=, date_from=, date_to=, text=) -> list[TimelineItem]
    log_records() / log_csv_text()                     the whole log for export (CSV with BOM)
    attachments_folder()                               <database folder>/attachments
    attachment_file(relative) -> Path                  an attachment or letter, to open

Attachments are COPIED next to the database (`attachments/<client id>/<entry id>-<n>-<name>`,
the name sanitised) so the evidence travels with the data folder and its backups; on a
shared office's server the copy is kept in the ledger itself, saved with its row
(models.db.files).

Letters produced by the letter engine (models.letters.archive, its own archive) appear in the
timeline read-only, dated when they were sent (the registered-mail date, else the letter's).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import peewee as pw

from models.common.errors import GviaError, ValidationError
from models.common.i18n import N_, _
from models.common.text import clean_text, search_key, strip_marks
from models.db import files
from models.db.authors import author
from models.db.connection import BaseModel, database
from models.ledger.clients import Client, ContactPerson, require_client

# The codes' names are msgids (N_): `label()` translates them for a screen or an export;
# a printed document turns them back into Hebrew (reports.hebrew.in_hebrew).
CHANNELS = {
    "phone": N_("Phone"),
    "meeting": N_("Meeting"),
    "email": N_("E-mail"),
    "letter": N_("Letter"),
    "fax": N_("Fax"),
    "sms": N_("SMS"),
    "whatsapp": N_("WhatsApp"),
    "other": N_("Other"),
}
DIRECTIONS = {"out": N_("Outgoing (we contacted the client)"),
              "in": N_("Incoming (the client contacted us)")}
# Debtor tactics worth recognising (docs/domain.md, "The contact log"); free text goes
# in `tactics_note`.
TACTICS = {
    "procrastination": N_("Procrastination"),
    "other_creditors": N_("Paying other creditors first"),
    "emotional_pressure": N_("Emotional pressure"),
    "threats": N_("Threats"),
    "complaint_collector": N_("Complaint about the person collecting"),
    "counter_claim": N_("Counter-claim"),
    "manager_request": N_("Asks to speak to a manager"),
    "disputes_amount_quality": N_("Disputes the amount or the quality"),
}
# What an entry records for the dunning plan (models.collection.dunning reads these back).
LETTER_KINDS = ("debt-notice", "reminder", "second-reminder", "final-warning")
ACTIONS = {
    "debt-notice": N_("Debt notice sent"),
    "reminder": N_("Reminder sent"),
    "second-reminder": N_("Second reminder sent"),
    "final-warning": N_("Final warning before legal proceedings sent"),
    "call": N_("Collection call"),
    "email": N_("E-mail sent"),
    "handover": N_("Debt handed over"),
    "status": N_("Status change"),
}


def label(table: dict, code: str | None) -> str:
    """A code's name from one of the tables above, in the interface language."""
    if not code:
        return ""
    return _(table[code]) if code in table else code


MAX_TEXT = 20_000
MAX_MINUTES = 24 * 60
MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024
# A contact cannot have happened after it was written down (a day's slack for time zones).
FUTURE_SLACK = dt.timedelta(days=1)


class AppendOnlyModel(BaseModel):
    """A model whose saved rows are final: no update, no delete (the triggers agree)."""

    def save(self, force_insert=False, only=None):
        if self._pk is not None and not force_insert:
            raise GviaError(_("A saved log entry cannot be changed; record a correcting entry "
                              "instead."))
        return super().save(force_insert=force_insert, only=only)

    def delete_instance(self, *args, **kwargs):
        raise GviaError(_("A log entry cannot be deleted."))

    @classmethod
    def update(cls, *args, **kwargs):
        raise GviaError(_("Log entries cannot be changed."))

    @classmethod
    def delete(cls):
        raise GviaError(_("Log entries cannot be deleted."))


class ContactLogEntry(AppendOnlyModel):
    client = pw.ForeignKeyField(Client, backref="log_entries")
    occurred_at = pw.TextField()  # ISO date-time, minutes precision
    recorded_at = pw.TextField()
    channel = pw.TextField()
    direction = pw.TextField()
    contact_person = pw.ForeignKeyField(ContactPerson, null=True)
    contact_name = pw.TextField(default="")
    summary = pw.TextField(default="")
    open_questions = pw.TextField(default="")
    tactics = pw.TextField(default="")  # comma-separated TACTICS codes
    tactics_note = pw.TextField(default="")
    minutes = pw.IntegerField(default=0)
    follow_up_date = pw.DateField(null=True)
    action = pw.TextField(null=True)
    corrects = pw.ForeignKeyField("self", null=True, backref="corrections")
    created_by = pw.TextField(default=author)  # who recorded it (migration 0014)

    class Meta:
        table_name = "contact_log"

    @property
    def occurred(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.occurred_at)

    @property
    def tactic_codes(self) -> list[str]:
        return [t for t in self.tactics.split(",") if t]


class ContactAttachment(AppendOnlyModel):
    entry = pw.ForeignKeyField(ContactLogEntry, backref="attachments")
    original_name = pw.TextField()
    stored_path = pw.TextField(unique=True)  # relative to the database folder
    size_bytes = pw.IntegerField()
    sha256 = pw.TextField()

    def path(self) -> Path:
        return attachment_file(self.stored_path)


# ---- writing -------------------------------------------------------------------------

def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def as_datetime(value: dt.datetime | dt.date, what: str | None = None) -> dt.datetime:
    """`what` names the value in the error (translated; default: the time of the contact)."""
    if isinstance(value, dt.datetime):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(0, 0))
    raise ValidationError(_("{what} is missing or is not a date.").format(
        what=what or _("The time of the contact")), field="occurred_at")


def clean_multiline(text: str | None, what: str) -> str:
    """Free text that keeps its line breaks: marks removed, each line trimmed."""
    if text is None:
        return ""
    text = strip_marks(unicodedata.normalize("NFC", str(text))).replace("\r\n", "\n")
    text = "\n".join(line.strip() for line in text.split("\n")).strip("\n")
    if len(text) > MAX_TEXT:
        raise ValidationError(_("{what} is too long (at most {limit} characters).").format(
            what=what, limit=f"{MAX_TEXT:,}"))
    return text


def _check_choice(value: str, choices: dict, message: str, field_name: str) -> str:
    """`message` is an N_() msgid, translated here; `{value}` in it is the unknown code."""
    if value not in choices:
        raise ValidationError(_(message).format(value=value), field=field_name)
    return value


def _tactics(codes: Iterable[str]) -> str:
    codes = list(dict.fromkeys(codes or ()))
    for code in codes:
        _check_choice(code, TACTICS, N_("Unknown tactic: {value}."), "tactics")
    return ",".join(codes)


def _minutes(value) -> int:
    try:
        minutes = int(value or 0)
    except (TypeError, ValueError):
        raise ValidationError(_("The call length must be a whole number of minutes."),
                              field="minutes") from None
    if minutes < 0 or minutes > MAX_MINUTES:
        raise ValidationError(_("The call length must be from 0 to {limit} minutes.").format(
            limit=MAX_MINUTES), field="minutes")
    return minutes


def _contact(client: Client, person_id: int | None, name: str) -> tuple[int | None, str]:
    if person_id is None:
        return None, clean_text(name)[:200]
    person = ContactPerson.get_or_none(ContactPerson.id == person_id)
    if person is None or person.client_id != client.id:
        raise ValidationError(_("The chosen contact person does not belong to this client."),
                              field="contact_person")
    return person.id, clean_text(name) or person.name


def find_entry(entry_id: int) -> ContactLogEntry | None:
    """The saved log entry with this id, or None."""
    return ContactLogEntry.get_or_none(ContactLogEntry.id == entry_id)


def require_entry(entry_id: int) -> ContactLogEntry:
    """The saved log entry with this id; ValidationError when there is none."""
    entry = find_entry(entry_id)
    if entry is None:
        raise ValidationError(_("Log entry {id} was not found.").format(id=entry_id))
    return entry


def log_contact(client_id: int, occurred_at: dt.datetime | dt.date, channel: str, *,
                direction: str = "out", contact_person_id: int | None = None,
                contact_name: str = "", summary: str = "", open_questions: str = "",
                tactics: Iterable[str] = (), tactics_note: str = "", minutes=0,
                follow_up_date: dt.date | None = None, action: str | None = None,
                attachments: Iterable[str | Path] = (), corrects_id: int | None = None,
                recorded_at: dt.datetime | None = None) -> ContactLogEntry:
    """Record one contact. Everything is validated before anything is written; the
    entry, its attachments' rows and copies succeed or fail together."""
    occurred = as_datetime(occurred_at)
    recorded = as_datetime(recorded_at or _now(), _("The time of recording"))
    if occurred > recorded + FUTURE_SLACK:
        raise ValidationError(_("The time of the contact is in the future; the log records what "
                                "has already happened."), field="occurred_at")
    _check_choice(channel, CHANNELS, N_("Unknown contact channel: {value}."), "channel")
    _check_choice(direction, DIRECTIONS, N_("The direction must be incoming or outgoing."),
                  "direction")
    if action is not None:
        _check_choice(action, ACTIONS, N_("Unknown collection step: {value}."), "action")
    if follow_up_date is not None and follow_up_date < occurred.date():
        raise ValidationError(_("The follow-up date is before the time of the contact."),
                              field="follow_up_date")
    sources = [_check_attachment(Path(p)) for p in attachments]
    values = dict(
        occurred_at=occurred.isoformat(timespec="minutes"),
        recorded_at=recorded.isoformat(timespec="seconds"),
        channel=channel, direction=direction,
        summary=clean_multiline(summary, _("The conversation notes")),
        open_questions=clean_multiline(open_questions, _("The open questions")),
        tactics=_tactics(tactics),
        tactics_note=clean_multiline(tactics_note, _("The tactics details")),
        minutes=_minutes(minutes), follow_up_date=follow_up_date, action=action)
    copied: list[Path] = []
    try:
        with database.atomic():
            client = require_client(client_id)
            if corrects_id is not None:
                original = ContactLogEntry.get_or_none(ContactLogEntry.id == corrects_id)
                if original is None or original.client_id != client.id:
                    raise ValidationError(_("The entry being corrected was not found for this client."),
                                          field="corrects")
            person_id, name = _contact(client, contact_person_id, contact_name)
            entry = ContactLogEntry.create(client=client, contact_person=person_id,
                                           contact_name=name, corrects=corrects_id, **values)
            for n, source in enumerate(sources, start=1):
                copied.append(_store_attachment(entry, n, source))
            return entry
    except BaseException:
        for path in copied:
            path.unlink(missing_ok=True)
        raise


def correct_entry(entry_id: int, *, recorded_at: dt.datetime | None = None,
                  **changes) -> ContactLogEntry:
    """A new entry correcting `entry_id`: it starts as a copy of the original and takes
    `changes` (any log_contact field except the client). The original stays as it was."""
    original = require_entry(entry_id)
    fields_ = dict(occurred_at=original.occurred, channel=original.channel,
                   direction=original.direction, contact_person_id=original.contact_person_id,
                   contact_name=original.contact_name, summary=original.summary,
                   open_questions=original.open_questions, tactics=original.tactic_codes,
                   tactics_note=original.tactics_note, minutes=original.minutes,
                   follow_up_date=original.follow_up_date, action=original.action)
    unknown = set(changes) - set(fields_) - {"attachments"}
    if unknown:
        raise TypeError(f"cannot correct fields: {sorted(unknown)}")
    fields_.update(changes)
    return log_contact(original.client_id, corrects_id=original.id, recorded_at=recorded_at,
                       **fields_)


# ---- attachments ---------------------------------------------------------------------

def attachment_file_name(name: str) -> str:
    """The stored name: the letter archive's sanitiser (letters.safe_file_name) on the
    stem, the extension kept so the file still opens with the right program."""
    from models.letters.archive import safe_file_name

    stem, ext = os.path.splitext(name)
    ext = re.sub(r"[^\w]", "", ext)[:10]
    stem = safe_file_name(stem, max_length=70)
    return f"{stem}.{ext}" if ext else stem


def database_folder() -> Path:
    """Where the attachments are as files: the database's folder (on a server, this
    user's cache folder for the ledger: models.db.files)."""
    return files.folder()


def attachment_file(relative: str) -> Path:
    """An attachment or archived letter named relative to database_folder() (as a
    timeline item lists them), as a file to open."""
    return files.local_file(relative)


def attachments_folder() -> Path:
    return database_folder() / "attachments"


def _check_attachment(path: Path) -> Path:
    if not path.is_file():
        raise ValidationError(_("The attached file {name} was not found.").format(name=path.name),
                              field="attachments")
    if path.stat().st_size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("The file {name} is too large to attach (at most 100 MB).").format(
            name=path.name), field="attachments")
    return path


def _store_attachment(entry: ContactLogEntry, n: int, source: Path) -> Path:
    """Copy one attachment (owner-only) BEFORE its row: the transaction commits after, so
    a crash leaves at most an unnamed file, which models.db.outputs.sweep_orphans removes."""
    from models.db.outputs import private_dir, write_output

    relative = Path("attachments") / str(entry.client_id) / f"{entry.id}-{n}-{attachment_file_name(source.name)}"
    target = database_folder() / relative
    private_dir(target.parent.parent)
    private_dir(target.parent)
    # The entry id is new, so a file already there was left by a crash whose row was
    # rolled back (SQLite hands the id out again): nothing names it.
    target.unlink(missing_ok=True)
    try:
        write_output(target, lambda partial: shutil.copyfile(source, partial))
    except GviaError as exc:
        raise GviaError(_("Cannot copy the file {name}: {reason}").format(
            name=source.name, reason=exc)) from exc
    try:
        data = target.read_bytes()
        ContactAttachment.create(entry=entry, original_name=source.name,
                                 stored_path=relative.as_posix(),
                                 size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
        files.keep(relative.as_posix(), data)  # a server keeps the file with its row
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


# ---- reading -------------------------------------------------------------------------

@dataclass
class TimelineItem:
    """One row of a client's timeline: a log entry, or a letter from the letter archive."""
    source: str  # "log" or "letter"
    id: int
    client_id: int
    occurred_at: dt.datetime
    channel: str
    direction: str
    summary: str
    contact_name: str = ""
    open_questions: str = ""
    tactics: list[str] = field(default_factory=list)
    tactics_note: str = ""
    minutes: int = 0
    follow_up_date: dt.date | None = None
    action: str | None = None
    corrects_id: int | None = None
    corrected_by: list[int] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)  # paths relative to the data folder
    created_by: str = ""  # who recorded it (migration 0014); '' for rows made before

    @property
    def is_corrected(self) -> bool:
        return bool(self.corrected_by)

    def search_text(self) -> str:
        labels = " ".join(label(TACTICS, t) for t in self.tactics if t in TACTICS)
        return search_key(" ".join((self.summary, self.open_questions, self.tactics_note,
                                    self.contact_name, labels)))


def _item(entry: ContactLogEntry, corrected_by: list[int], attachments: list[str]) -> TimelineItem:
    return TimelineItem(
        source="log", id=entry.id, client_id=entry.client_id, occurred_at=entry.occurred,
        channel=entry.channel, direction=entry.direction, summary=entry.summary,
        contact_name=entry.contact_name, open_questions=entry.open_questions,
        tactics=entry.tactic_codes, tactics_note=entry.tactics_note, minutes=entry.minutes,
        follow_up_date=entry.follow_up_date, action=entry.action, corrects_id=entry.corrects_id,
        corrected_by=corrected_by, attachments=attachments, created_by=entry.created_by)


_LETTERS_SQL = """
SELECT l.id, l.kind, l.letter_date, l.subject, l.file_path, rm.sent_date, rm.registered_number,
       l.created_by
FROM letter l LEFT JOIN registered_mail rm ON rm.letter_id = l.id
WHERE l.client_id = ?
"""


def _letter_items(client_id: int) -> list[TimelineItem]:
    from models.letters.archive import LETTER_KINDS as LETTER_NAMES

    items = []
    for lid, kind, letter_date, subject, file_path, sent, registered, created_by in \
            database.execute_sql(_LETTERS_SQL, (client_id,)):
        summary = _(LETTER_NAMES.get(kind, kind)) + (f": {subject}" if subject else "")
        if registered:
            summary += " " + _("(registered mail {number})").format(number=registered)
        items.append(TimelineItem(
            source="letter", id=lid, client_id=client_id,
            occurred_at=dt.datetime.fromisoformat(sent or letter_date), channel="letter",
            direction="out", summary=summary, action=kind,
            attachments=[f"letters/{file_path}"], created_by=created_by))
    return items


def timeline(client_id: int, *, channels: Iterable[str] | None = None,
             date_from: dt.date | None = None, date_to: dt.date | None = None,
             text: str | None = None, newest_first: bool = True) -> list[TimelineItem]:
    """The client's log entries and letters, filtered; corrections and the entries they
    correct both appear (each knows the other)."""
    query = ContactLogEntry.select().where(ContactLogEntry.client == client_id)
    if date_from is not None:
        query = query.where(ContactLogEntry.occurred_at >= date_from.isoformat())
    if date_to is not None:
        query = query.where(ContactLogEntry.occurred_at < (date_to + dt.timedelta(days=1)).isoformat())
    entries = list(query)
    ids = [e.id for e in entries]
    corrected_by: dict[int, list[int]] = {}
    for row in (ContactLogEntry.select(ContactLogEntry.id, ContactLogEntry.corrects)
                .where(ContactLogEntry.client == client_id, ContactLogEntry.corrects.is_null(False))):
        corrected_by.setdefault(row.corrects_id, []).append(row.id)
    files: dict[int, list[str]] = {}
    if ids:
        for att in (ContactAttachment.select().where(ContactAttachment.entry.in_(ids))
                    .order_by(ContactAttachment.id)):
            files.setdefault(att.entry_id, []).append(att.stored_path)
    items = [_item(e, corrected_by.get(e.id, []), files.get(e.id, [])) for e in entries]
    items += [i for i in _letter_items(client_id)
              if (date_from is None or i.occurred_at.date() >= date_from)
              and (date_to is None or i.occurred_at.date() <= date_to)]
    if channels is not None:
        wanted = set(channels)
        items = [i for i in items if i.channel in wanted]
    if text:
        needle = search_key(text)
        items = [i for i in items if needle in i.search_text()]
    items.sort(key=lambda i: (i.occurred_at, i.source, i.id), reverse=newest_first)
    return items


# ---- export --------------------------------------------------------------------------

LOG_COLUMNS = ["entry_id", "client_id", "client", "occurred_at", "recorded_at", "channel",
               "direction", "contact", "summary", "open_questions", "tactics", "tactics_note",
               "minutes", "follow_up_date", "action", "corrects_id", "attachments"]


def log_records(client_id: int | None = None) -> list[dict]:
    """The whole log (or one client's), oldest first, the codes named in the interface
    language for people reading it in a spreadsheet."""
    query = (ContactLogEntry.select(ContactLogEntry, Client).join(Client)
             .order_by(ContactLogEntry.occurred_at, ContactLogEntry.id))
    if client_id is not None:
        query = query.where(ContactLogEntry.client == client_id)
    files: dict[int, list[str]] = {}
    for att in ContactAttachment.select().order_by(ContactAttachment.id):
        files.setdefault(att.entry_id, []).append(att.stored_path)
    return [{
        "entry_id": e.id, "client_id": e.client_id, "client": e.client.name,
        "occurred_at": e.occurred_at.replace("T", " "), "recorded_at": e.recorded_at.replace("T", " "),
        "channel": label(CHANNELS, e.channel), "direction": label(DIRECTIONS, e.direction),
        "contact": e.contact_name, "summary": e.summary, "open_questions": e.open_questions,
        "tactics": ", ".join(label(TACTICS, t) for t in e.tactic_codes),
        "tactics_note": e.tactics_note,
        "minutes": e.minutes,
        "follow_up_date": e.follow_up_date.isoformat() if e.follow_up_date else "",
        "action": label(ACTIONS, e.action) if e.action in ACTIONS else "",
        "corrects_id": e.corrects_id or "", "attachments": "; ".join(files.get(e.id, [])),
    } for e in query]


def log_csv_text(client_id: int | None = None) -> str:
    from models.queries.export import csv_text

    return csv_text(log_records(client_id), LOG_COLUMNS)
