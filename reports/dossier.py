"""The hand-over dossier (תיק העברה) for a lawyer or a collection agency: one PDF with the
case file, every invoice, every payment, the letters sent and the whole contact log, then
one chronological table of all of it, followed by the archived PDFs of the letters
themselves (their own pages, appended with pypdfium2).

The file is archived in the letters archive folder (models.letters.archive.archive_dir, named
with safe_file_name) and the contact log records that it was produced; `out` receives a
copy. A letter whose archived file is missing is listed as missing, not skipped.

Public API:
    dossier_blocks(client_id, as_of) -> (blocks, letters to append)
    write_dossier_pdf(client_id, as_of, out) -> Path   (the archived file)
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from models.common.dates import format_date
from models.common.i18n import _, translated_as
from models.contact.contact_log import CHANNELS, DIRECTIONS, TACTICS
from models.db.outputs import check_output_path, write_output
from models.ledger.payments import PAYMENT_METHODS
from models.letters.archive import LETTER_KINDS, letters_for_client
from reports.batch import archive_path, copy_out
from reports.case_file_pdf import DocumentPdf, Heading, case_file_blocks
from reports.hebrew import in_hebrew
from reports.letters import Paragraph, Table, format_money

INVOICE_STATES = {"cancelled": "בוטלה", "paid": "שולמה", "disputed": "במחלוקת",  # hebrew: document text
                  "overdue": "בפיגור", "open": "פתוחה"}  # hebrew: document text


@dataclass(frozen=True)
class _Event:
    day: dt.date
    time: str
    order: int
    kind: str
    details: str
    amount: str


@dataclass(frozen=True)
class AppendedLetter:
    path: Path
    first_page: int
    page_count: int
    title: str


def dossier_blocks(client_id: int, as_of: dt.date):
    """The dossier's sections and the archived letters whose pages follow them."""
    from models.collection.case_file import build_case_file
    from models.collection.handover import handover_options
    from models.contact.contact_log import timeline
    from models.queries.client_list import client_invoices, client_payments

    case = build_case_file(client_id, as_of)
    blocks = [Heading("תיק ההכנה"), *case_file_blocks(case, handover_options(client_id, as_of))]  # hebrew: document text
    events: list[_Event] = []

    invoices = sorted(client_invoices(client_id, as_of), key=lambda i: (i.issue_date, i.number))
    blocks.append(Heading("כל החשבוניות"))  # hebrew: document text
    rows = []
    for i in invoices:
        rows.append([i.number, format_date(i.issue_date), format_date(i.due_date),
                     format_money(i.amount_agorot, i.currency), format_money(i.paid_agorot, i.currency),
                     format_money(max(i.open_agorot, 0), i.currency), INVOICE_STATES[i.state]])
        events.append(_Event(i.issue_date, "", 0, "חשבונית", f"חשבונית {i.number}, לתשלום עד "  # hebrew: document text
                             f"{format_date(i.due_date)}" + (f" ({i.description})" if i.description else ""),
                             format_money(i.amount_agorot, i.currency)))
        if i.cancelled_date:
            events.append(_Event(i.cancelled_date, "", 1, "ביטול", f"חשבונית {i.number} בוטלה", ""))  # hebrew: document text
    blocks.append(Table(["מספר", "תאריך", "לתשלום עד", "סכום", "שולם", "יתרה", "מצב"],  # hebrew: document text
                        [1.1, 1.0, 1.0, 1.15, 1.15, 1.15, 0.8], rows)
                  if rows else Paragraph("אין חשבוניות."))  # hebrew: document text

    payments = sorted(client_payments(client_id), key=lambda p: (p.date, p.id))
    blocks.append(Heading("כל התשלומים"))  # hebrew: document text
    rows = []
    for p in payments:
        method = in_hebrew(PAYMENT_METHODS.get(p.method, p.method))
        ref = " ".join(x for x in (p.check_number and f"שיק {p.check_number}", p.reference) if x)  # hebrew: document text
        applied = ", ".join(number for number, _ in p.applied_to)
        rows.append([format_date(p.date), format_money(p.amount_agorot, p.currency), method, ref,
                     applied, f"חזר ב-{format_date(p.bounced_date)}" if p.bounced_date else ""])  # hebrew: document text
        events.append(_Event(p.date, "", 2, "תשלום", " ".join(  # hebrew: document text
            x for x in (method, ref, f"על חשבוניות {applied}" if applied else "") if x),  # hebrew: document text
            format_money(p.amount_agorot, p.currency)))
        if p.bounced_date:
            events.append(_Event(p.bounced_date, "", 3, "שיק חזר",  # hebrew: document text
                                 f"{method} {ref} חזר".strip(), format_money(p.amount_agorot, p.currency)))  # hebrew: document text
    blocks.append(Table(["תאריך", "סכום", "אמצעי", "אסמכתא", "שויך לחשבוניות", "הערה"],  # hebrew: document text
                        [0.9, 1.1, 0.9, 1.2, 1.4, 1.0], rows)
                  if rows else Paragraph("לא התקבלו תשלומים."))  # hebrew: document text

    letters = sorted(letters_for_client(client_id), key=lambda l: (l.letter_date, l.id))
    blocks.append(Heading("המכתבים שנשלחו"))  # hebrew: document text
    rows, appended = [], []
    for letter in letters:
        mail = getattr(letter, "registeredmail", None)
        mail = mail if mail is not None and getattr(mail, "id", None) else None
        registered = ""
        if mail is not None:
            registered = f"רשום {mail.registered_number}, נשלח {format_date(mail.sent_date)}"  # hebrew: document text
            if mail.receipt_date:
                registered += f", נמסר {format_date(mail.receipt_date)}"  # hebrew: document text
            if mail.refused_date:
                registered += f", סורב {format_date(mail.refused_date)}"  # hebrew: document text
        name = in_hebrew(LETTER_KINDS.get(letter.kind, letter.kind))
        exists = letter.path.is_file()
        rows.append([format_date(letter.letter_date), name, letter.subject,
                     format_money(letter.amount_agorot, letter.currency) if letter.amount_agorot else "",
                     registered, "מצורף בסוף התיק" if exists else "הקובץ חסר בארכיון"])  # hebrew: document text
        events.append(_Event(mail.sent_date if mail else letter.letter_date, "", 4, "מכתב",  # hebrew: document text
                             f"{name}: {letter.subject}" + (f" ({registered})" if registered else ""),
                             format_money(letter.amount_agorot, letter.currency)
                             if letter.amount_agorot else ""))
        if exists:
            appended.append(AppendedLetter(letter.path, letter.first_page, letter.page_count,
                                           f"{format_date(letter.letter_date)} {name}"))
    blocks.append(Table(["תאריך", "סוג", "הנדון", "סכום", "דואר רשום", "עותק"],  # hebrew: document text
                        [0.9, 1.2, 2.0, 1.0, 1.7, 1.0], rows)
                  if rows else Paragraph("לא נשלחו מכתבים."))  # hebrew: document text

    entries = [i for i in timeline(client_id, newest_first=False) if i.source == "log"]
    blocks.append(Heading("יומן התיעוד המלא"))  # hebrew: document text
    rows = []
    for e in entries:
        parts = [e.summary]
        if e.open_questions:
            parts.append(f"שאלות פתוחות: {e.open_questions}")  # hebrew: document text
        if e.tactics:
            parts.append("טקטיקות: " + ", ".join(in_hebrew(TACTICS.get(t, t)) for t in e.tactics))  # hebrew: document text
        if e.tactics_note:
            parts.append(e.tactics_note)
        if e.corrects_id:
            parts.append(f"(מתקן את רשומה {e.corrects_id})")  # hebrew: document text
        if e.corrected_by:
            parts.append("(תוקן ברשומה " + ", ".join(map(str, e.corrected_by)) + ")")  # hebrew: document text
        text = " | ".join(p for p in parts if p)
        when = e.occurred_at
        channel = in_hebrew(CHANNELS.get(e.channel, e.channel))
        rows.append([f"{format_date(when.date())} {when:%H:%M}", str(e.id),
                     channel, in_hebrew(DIRECTIONS.get(e.direction, "")).split(" ")[0],
                     e.contact_name, text, str(e.minutes or "")])
        events.append(_Event(when.date(), f"{when:%H:%M}", 5, "תיעוד",  # hebrew: document text
                             f"{channel} (רשומה {e.id}): {text}", ""))  # hebrew: document text
    blocks.append(Table(["מועד", "רשומה", "ערוץ", "כיוון", "עם", "תוכן", "דקות"],  # hebrew: document text
                        [1.2, 0.6, 0.7, 0.6, 0.9, 3.6, 0.5], rows)
                  if rows else Paragraph("אין רשומות תיעוד."))  # hebrew: document text

    events.sort(key=lambda ev: (ev.day, ev.time, ev.order))
    blocks.append(Heading("ציר הזמן: כל האירועים לפי סדר התאריכים"))  # hebrew: document text
    blocks.append(Table(["תאריך", "אירוע", "פרטים", "סכום"], [1.1, 0.8, 4.2, 1.1],  # hebrew: document text
                        [[f"{format_date(ev.day)} {ev.time}".strip(), ev.kind, ev.details, ev.amount]
                         for ev in events]) if events else Paragraph("אין אירועים."))  # hebrew: document text
    if appended:
        blocks.append(Paragraph(_appended_note(len(appended)), bold=True))
    return case, blocks, appended


def _appended_note(count: int) -> str:
    if count == 1:  # Hebrew has its own singular: not "1 המכתבים"
        return "בעמודים שאחרי הטבלה מצורף העותק של המכתב שנשלח, כפי שנשמר בארכיון."  # hebrew: document text
    return (f"בעמודים שאחרי הטבלה מצורפים העותקים של {count} "  # hebrew: document text
            "המכתבים שנשלחו, כפי שנשמרו בארכיון.")


def _render(case, blocks, profile, as_of: dt.date, buffer) -> int:
    """The dossier's own pages (the letters' copies are appended after)."""
    return DocumentPdf(
        f"תיק העברה לטיפול: {case.client_name}",  # hebrew: document text
        f"תיק העברה לטיפול — {case.client_name} — נכון ל-{format_date(as_of)}",  # hebrew: document text
        [f"נכון ל-{format_date(as_of)}" + (f" | {profile.name}" if profile.name else ""),  # hebrew: document text
         "לעורך הדין או לחברת הגבייה: תיק ההכנה, החשבוניות, התשלומים, המכתבים, התיעוד "  # hebrew: document text
         "וציר זמן, ואחריהם עותקי המכתבים."],
    ).render(blocks, buffer, author=profile.name)


def write_dossier_pdf(client_id: int, as_of: dt.date, out: str | Path | None, *,
                      force: bool = False) -> Path:
    """Write the dossier, archive it, log it on the client; returns the archived path
    (`out`, when given, receives a copy; an existing file there only with `force`)."""
    import pypdfium2 as pdfium

    from models.contact.contact_log import log_contact
    from models.db.settings import load_profile

    if out is not None:
        check_output_path(out, force=force)  # refuse before anything is archived
    profile = load_profile()
    buffer = io.BytesIO()
    with translated_as("he"):  # a Hebrew document: the reasons and labels it takes, too
        case, blocks, appended = dossier_blocks(client_id, as_of)
        pages = _render(case, blocks, profile, as_of, buffer)
    path = archive_path("dossier", as_of, [(client_id, case.client_name)])
    total = 0

    def assemble(partial: Path) -> None:
        nonlocal total
        doc = pdfium.PdfDocument(buffer.getvalue())
        try:
            for letter in appended:
                source = pdfium.PdfDocument(str(letter.path))
                try:
                    last = min(len(source), letter.first_page - 1 + letter.page_count)
                    doc.import_pages(source, pages=list(range(letter.first_page - 1, last)))
                finally:
                    source.close()
            total = len(doc)
            doc.save(str(partial))
        finally:
            doc.close()

    # Whole on disk before the log entry naming it is committed (see sweep_orphans).
    write_output(path, assemble)
    when = min(as_of, dt.date.today())
    # A record in the contact log, printed in later dossiers: Hebrew like the documents.
    log_contact(client_id, when, "other", summary=(
        f"הופק תיק העברה לטיפול (עורך דין או חברת גבייה) נכון ל-{format_date(as_of)}: "  # hebrew: contact log record
        f"{total} עמודים, מתוכם {total - pages} עמודי מכתבים מצורפים. "
        f"הקובץ בארכיון המכתבים: {path.name}"))
    if out is not None:
        copy_out(path, out, force=force, what=_("The dossier was saved"))
    return path
