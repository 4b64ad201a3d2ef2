"""The two letters of a settlement, as reports.letters.LetterContent for reports.pdf:

* `settlement` — the settlement agreement (כתב התחייבות / הסדר חוב) of the client's latest
  settlement that is signed or a draft (a draft says "טיוטה" in its subject, on every
  page's running header, and in a bold opening line): the parties, the covered invoices,
  the fixed debt acknowledged, the discount (forgiven only once everything is paid), the
  down payment, the instalments (number, date, amount, method, check number), the final
  deadline, the acceleration clause, ongoing invoices staying due on their own terms,
  the agreed points, and signature lines for both sides with the date.
* `meeting-summary` — a conversation/meeting summary (סיכום שיחה) for countersignature:
  the date, who took part, what was agreed (the agreed points of the latest draft or
  signed settlement) and what is still open (its open points), the latest meeting or
  phone entry's summary from the contact log, and signature lines.

The wording is the user's template (reports.templates); the figures, tables and
signature blocks come from here. `SettlementInfo` is plain data: `load_settlement_info`
reads it (a fixed number of statements per batch), `compose_settlement` is pure.

Public API:
    KINDS; SettlementInfo; load_settlement_info(kind, client_ids, as_of) -> {id: info}
    compose_settlement(kind, data, info, profile, settings, template, as_of, letter_date=None)
    select_settlement_clients(kind, as_of) -> list[int]
    sample_info(kind, as_of) -> SettlementInfo   (the template editor's preview)
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from models.contact_log import CHANNELS
from models.dates import format_date
from models.db import database
from models.letters import LetterSettings
from models.payments import PAYMENT_METHODS
from models.settings import BUSINESS_TYPES, BusinessProfile
from reports.letter_data import ClientLetterData
from reports.letters import (InfoBox, LetterContent, NothingToSend, Paragraph, SignatureForm,
                             Table, common_values, format_money, recipient_lines)
from reports.templates import fill

KINDS = ("settlement", "meeting-summary")
DRAFT_MARK = "טיוטה"
COVERED_COLUMNS = ["מספר חשבונית", "תאריך", "לתשלום עד", "סכום החשבונית", "יתרה בהסדר"]
COVERED_WIDTHS = [1.3, 1.0, 1.0, 1.3, 1.3]
INSTALMENT_COLUMNS = ["מס'", "מועד", "סכום", "אמצעי תשלום", "מספר שיק"]
INSTALMENT_WIDTHS = [0.5, 1.0, 1.3, 1.3, 1.3]
SIGNER_FIELDS = ["שם החותם", "תפקיד", "תאריך", "חתימה"]
DEBTOR_FIELDS = ["שם מלא", "ת.ז. / ח.פ.", "תפקיד", "תאריך", "חתימה"]


@dataclass(frozen=True)
class CoveredLine:
    number: str
    issue_date: dt.date
    due_date: dt.date
    amount_agorot: int
    open_agorot: int   # as of the agreement date


@dataclass(frozen=True)
class InstalmentLine:
    seq: int           # 0: the down payment
    due_date: dt.date
    amount_agorot: int
    method: str
    check_number: str = ""
    check_bank: str = ""


@dataclass(frozen=True)
class MeetingNote:
    occurred_at: dt.datetime
    channel: str
    contact_name: str
    summary: str
    open_questions: str


@dataclass
class SettlementInfo:
    settlement_id: int
    status: str                       # "draft" or "signed"
    currency: str
    agreement_date: dt.date
    signed_date: dt.date | None
    debt_agorot: int
    discount_agorot: int
    down_payment_agorot: int
    down_payment_date: dt.date | None
    final_date: dt.date
    grace_days: int
    client_tax_id: str = ""
    covered: list[CoveredLine] = field(default_factory=list)
    instalments: list[InstalmentLine] = field(default_factory=list)
    agreed_points: list[str] = field(default_factory=list)
    open_points: list[str] = field(default_factory=list)
    meeting: MeetingNote | None = None

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def settled_agorot(self) -> int:
        return self.debt_agorot - self.discount_agorot


# ---- reading ---------------------------------------------------------------------------

def _latest_settlements(client_ids: list[int], as_of: dt.date, signed_only: bool) -> dict:
    from models.settlements import Settlement

    query = Settlement.select().where(Settlement.client.in_(client_ids))
    signed = (Settlement.status == "signed") & (Settlement.signed_date <= as_of)
    query = query.where(signed if signed_only else signed | (Settlement.status == "draft"))
    latest = {}
    for s in query.order_by(Settlement.agreement_date, Settlement.id):
        latest[s.client_id] = s  # the last one wins
    return latest


def select_settlement_clients(kind: str, as_of: dt.date) -> list[int]:
    """`--all`: clients with a signed settlement (settlement) or a draft or signed one
    (meeting-summary)."""
    from models.settlements import Settlement

    query = Settlement.select(Settlement.client).distinct()
    signed = (Settlement.status == "signed") & (Settlement.signed_date <= as_of)
    query = query.where(signed if kind == "settlement"
                        else signed | ((Settlement.status == "draft")
                                       & (Settlement.agreement_date <= as_of)))
    return sorted(row.client_id for row in query)


_MEETING_SQL = """
SELECT e.client_id, e.occurred_at, e.channel, e.contact_name, e.summary, e.open_questions
FROM contact_log e
WHERE e.client_id IN ({ids}) AND e.channel IN ('meeting', 'phone') AND e.occurred_at < ?
  AND NOT EXISTS (SELECT 1 FROM contact_log x WHERE x.corrects_id = e.id)
ORDER BY e.occurred_at, e.id
"""


def load_settlement_info(kind: str, client_ids: list[int], as_of: dt.date
                         ) -> dict[int, SettlementInfo]:
    """The latest settlement of each client that has one (kind decides which count)."""
    from models.invoices import Invoice
    from models.settlements import (SettlementInstalment, SettlementInvoice, SettlementPoint,
                                    grace_days, open_amounts)

    ids = list(dict.fromkeys(client_ids))
    if not ids:
        return {}
    latest = _latest_settlements(ids, as_of, signed_only=False)
    if not latest:
        return {}
    by_id = {s.id: s for s in latest.values()}
    grace = grace_days()
    conn = database.obj.connection()
    marks = ",".join("?" * len(ids))
    tax_ids = dict(conn.execute(f"SELECT id, tax_id FROM client WHERE id IN ({marks})", ids))
    info = {s.id: SettlementInfo(
        s.id, s.status, s.currency, s.agreement_date, s.signed_date, s.debt_agorot,
        s.discount_agorot, s.down_payment_agorot, s.down_payment_date, s.final_date, grace,
        tax_ids.get(s.client_id) or "") for s in by_id.values()}
    covered = defaultdict(list)
    for row in (SettlementInvoice.select(SettlementInvoice.settlement, Invoice)
                .join(Invoice).where(SettlementInvoice.settlement.in_(list(by_id)))
                .order_by(Invoice.due_date, Invoice.issue_date, Invoice.number)):
        covered[row.settlement_id].append(row.invoice)
    for sid, invoices in covered.items():
        amounts = open_amounts([inv.id for inv in invoices], by_id[sid].agreement_date)
        info[sid].covered = [CoveredLine(inv.number, inv.issue_date, inv.due_date,
                                         inv.amount_agorot, amounts.get(inv.id, 0))
                             for inv in invoices]
    for line in (SettlementInstalment.select()
                 .where(SettlementInstalment.settlement.in_(list(by_id)))
                 .order_by(SettlementInstalment.seq)):
        info[line.settlement_id].instalments.append(InstalmentLine(
            line.seq, line.due_date, line.amount_agorot, line.method, line.check_number,
            line.check_bank))
    for point in (SettlementPoint.select().where(SettlementPoint.settlement.in_(list(by_id)))
                  .order_by(SettlementPoint.position, SettlementPoint.id)):
        target = info[point.settlement_id]
        (target.agreed_points if point.is_agreed else target.open_points).append(point.text)
    meetings = {}
    next_day = (as_of + dt.timedelta(days=1)).isoformat()
    for cid, occurred, channel, contact, summary, questions in conn.execute(
            _MEETING_SQL.format(ids=marks), [*ids, next_day]):
        meetings[cid] = MeetingNote(dt.datetime.fromisoformat(occurred), channel, contact or "",
                                    summary or "", questions or "")
    result = {}
    for cid, s in latest.items():
        item = info[s.id]
        item.meeting = meetings.get(cid)
        if kind == "settlement" and s.status == "signed" and s.signed_date > as_of:
            continue
        result[cid] = item
    return result


# ---- composing --------------------------------------------------------------------------

def _money(agorot: int, info: SettlementInfo) -> str:
    return format_money(agorot, info.currency)


def covered_table(info: SettlementInfo) -> Table:
    rows = [[c.number, format_date(c.issue_date), format_date(c.due_date),
             _money(c.amount_agorot, info), _money(c.open_agorot, info)] for c in info.covered]
    return Table(COVERED_COLUMNS, COVERED_WIDTHS, rows,
                 ["סה\"כ החוב", "", "", "", _money(info.debt_agorot, info)],
                 heading="החשבוניות שההסדר חל עליהן")


def instalments_table(info: SettlementInfo) -> Table:
    rows = []
    if info.down_payment_agorot:
        rows.append(["מקדמה", format_date(info.down_payment_date or info.agreement_date),
                     _money(info.down_payment_agorot, info), "", ""])
    for line in info.instalments:
        check = " ".join(x for x in (line.check_number, line.check_bank) if x)
        rows.append([str(line.seq), format_date(line.due_date), _money(line.amount_agorot, info),
                     PAYMENT_METHODS.get(line.method, line.method), check])
    total = info.down_payment_agorot + sum(l.amount_agorot for l in info.instalments)
    return Table(INSTALMENT_COLUMNS, INSTALMENT_WIDTHS, rows,
                 ["סה\"כ", "", _money(total, info), "", ""], heading="לוח התשלומים")


def _points_box(title: str, points: list[str], empty: str) -> InfoBox:
    return InfoBox(title, [f"{n}. {p}" for n, p in enumerate(points, start=1)] or [empty])


def parties_box(data: ClientLetterData, info: SettlementInfo, profile: BusinessProfile) -> InfoBox:
    kind = BUSINESS_TYPES.get(profile.business_type, "")
    ours = ", ".join(x for x in (profile.name or "העסק", " ".join(
        y for y in (kind, profile.tax_id) if y), profile.address, profile.city) if x)
    theirs = ", ".join(x for x in (data.name, info.client_tax_id, data.address, data.city) if x)
    return InfoBox("הצדדים", [f"הנושה: {ours}", f"החייב: {theirs}"])


def _participants(data: ClientLetterData, info: SettlementInfo, profile: BusinessProfile,
                  settings: LetterSettings) -> str:
    ours = settings.signer_name.strip() or profile.name or "העסק"
    if settings.signer_name.strip() and profile.name:
        ours = f"{ours} ({profile.name})"
    contact = (info.meeting.contact_name if info.meeting and info.meeting.contact_name
               else data.contact_name)
    theirs = f"{contact} ({data.name})" if contact else data.name
    return f"{ours}; {theirs}"


def _values(kind: str, data: ClientLetterData, info: SettlementInfo, profile: BusinessProfile,
            settings: LetterSettings, letter_date: dt.date, as_of: dt.date) -> dict[str, str]:
    money = lambda agorot: _money(agorot, info)  # noqa: E731
    count = len(info.instalments)
    meeting = info.meeting
    discount = ""
    if info.discount_agorot:
        discount = (f"מתוך החוב מוותר הנושה על {money(info.discount_agorot)}, כך שהחייב ישלם "
                    f"{money(info.settled_agorot)}. הוויתור מותנה: הוא ייכנס לתוקף רק לאחר "
                    "שכל התשלומים לפי הסדר זה ישולמו במלואם ובמועדם. אם ההסדר יופר, "
                    "יעמוד לפירעון מלוא החוב, בלא הנחה, בניכוי מה ששולם בפועל.")
    down = ""
    if info.down_payment_agorot:
        down = (f"ביום {format_date(info.down_payment_date or info.agreement_date)} ישלם החייב "
                f"מקדמה בסך {money(info.down_payment_agorot)}.")
    return {
        **common_values(data, profile, letter_date, as_of),
        "settlement_date": format_date(info.agreement_date),
        "debt_amount": money(info.debt_agorot),
        "settled_amount": money(info.settled_agorot),
        "discount_amount": money(info.discount_agorot),
        "discount_sentence": discount,
        "down_payment_sentence": down,
        "instalment_count": str(count),
        "final_date": format_date(info.final_date),
        "grace_days": str(info.grace_days),
        "draft_notice": ("טיוטה לעיון: מסמך זה אינו חתום ואינו מחייב עד שיחתמו עליו שני "
                         "הצדדים." if info.is_draft and kind == "settlement" else ""),
        "meeting_date": format_date(meeting.occurred_at.date()) if meeting else format_date(letter_date),
        "meeting_channel": CHANNELS.get(meeting.channel, "") if meeting else "",
        "participants": _participants(data, info, profile, settings),
        "meeting_notes": f"עיקרי הדברים: {meeting.summary}" if meeting and meeting.summary else "",
        "meeting_questions": (f"שאלות שעלו ועוד נבדקות: {meeting.open_questions}"
                              if meeting and meeting.open_questions else ""),
    }


def _signature_forms(kind: str, data: ClientLetterData, profile: BusinessProfile) -> list:
    ours = profile.name or "העסק"
    if kind == "settlement":
        return [SignatureForm(f"חתימת הנושה: {ours}",
                              "אנו מאשרים את הסדר החוב בתנאים שלמעלה.", SIGNER_FIELDS),
                SignatureForm(f"חתימת החייב: {data.name}",
                              "קראתי והבנתי. אני מודה בחוב כמפורט ומתחייב/ת לשלמו לפי לוח "
                              "התשלומים ולפי התנאים שלמעלה.", DEBTOR_FIELDS)]
    return [SignatureForm(f"אישור: {ours}", "הסיכום משקף את מה שנאמר והוסכם.", SIGNER_FIELDS),
            SignatureForm(f"אישור: {data.name}",
                          "קראתי את הסיכום ואני מאשר/ת שהוא משקף את מה שהוסכם בינינו.",
                          DEBTOR_FIELDS)]


def compose_settlement(kind: str, data: ClientLetterData, info: SettlementInfo | None,
                       profile: BusinessProfile, settings: LetterSettings, template: str,
                       as_of: dt.date, letter_date: dt.date | None = None) -> LetterContent:
    """One settlement or meeting-summary letter. NothingToSend without a settlement."""
    if info is None:
        what = "הסדר חוב חתום או טיוטת הסדר" if kind == "settlement" else "טיוטת הסדר או הסדר חתום"
        raise NothingToSend(f"ללקוח '{data.name}' אין נכון ל-{format_date(as_of)} {what}; "
                            "לא הופק מכתב.")
    letter_date = letter_date or as_of
    filled = fill(template, _values(kind, data, info, profile, settings, letter_date, as_of))
    draft = info.is_draft and kind == "settlement"
    blocks: list = []
    for part_kind, text in filled.parts:
        if part_kind == "text":
            bold = draft and text.startswith(DRAFT_MARK)
            blocks.append(Paragraph(text, bold=bold))
        elif text == "settlement_parties":
            blocks.append(parties_box(data, info, profile))
        elif text == "covered_invoices_table":
            blocks.append(covered_table(info))
        elif text == "instalments_table":
            blocks.append(instalments_table(info))
        elif text == "agreed_points":
            blocks.append(_points_box("הנקודות שהוסכמו", info.agreed_points,
                                      "לא נרשמו נקודות נוספות."))
            if draft and info.open_points:
                blocks.append(_points_box("נקודות שעדיין פתוחות (ייסגרו לפני החתימה)",
                                          info.open_points, ""))
        elif text == "open_points":
            blocks.append(_points_box("נקודות שעדיין פתוחות", info.open_points,
                                      "אין נקודות פתוחות."))
        elif text == "payment_instructions":
            from reports.letters import payment_box

            box = payment_box(profile)
            if box:
                blocks.append(box)
        elif text in ("signatures", "client_signature"):
            blocks.extend(_signature_forms(kind, data, profile))
    if not any(isinstance(b, SignatureForm) for b in blocks):
        blocks.extend(_signature_forms(kind, data, profile))  # both sides always sign
    subject = filled.subject
    if draft and not subject.startswith(DRAFT_MARK):
        subject = f"{DRAFT_MARK} — {subject}"
    date_lines = [f"תאריך: {format_date(letter_date)}"]
    if settings.show_hebrew_date:
        from models.holidays import hebrew_date

        date_lines.append(hebrew_date(letter_date))
    signer = [settings.signer_name, settings.signer_title, profile.name]
    return LetterContent(
        kind=kind, client_id=data.client_id, client_name=data.name,
        recipient_lines=recipient_lines(data), letter_date=letter_date, date_lines=date_lines,
        subject=subject, blocks=blocks, is_registered=False,
        amount_agorot=info.settled_agorot, currency=info.currency,
        deadline_date=info.final_date if kind == "settlement" else None,
        signature_lines=[s for s in signer if s and s.strip()])


def sample_info(kind: str, as_of: dt.date) -> SettlementInfo:
    """A made-up draft settlement for the template editor's preview."""
    from models.settlement_math import monthly_dates

    day = dt.timedelta(days=1)
    first, second = as_of - 95 * day, as_of - 50 * day
    info = SettlementInfo(
        0, "draft", "ILS", as_of, None, 1_021_000, 21_000, 200_000, as_of,
        monthly_dates(as_of, 5)[-1], 3, "512345678",
        covered=[CoveredLine("1001", first, first + 30 * day, 1_170_000, 670_000),
                 CoveredLine("1002", second, second + 30 * day, 351_000, 351_000)],
        agreed_points=["התשלומים יועברו בהעברה בנקאית עד ה-10 בכל חודש.",
                       "חשבוניות חדשות ישולמו בתנאי שוטף + 30, בנפרד מההסדר."],
        open_points=["מי נושא בעמלות ההעברה."])
    info.instalments = [InstalmentLine(n, d, 200_000, "check", f"00012{n}", "לאומי")
                        for n, d in enumerate(monthly_dates(as_of, 5)[1:], start=1)]
    info.meeting = MeetingNote(dt.datetime.combine(as_of, dt.time(10, 0)), "meeting",
                               "ישראלה ישראלי", "סוכם על פריסת היתרה לארבעה תשלומים חודשיים "
                               "ומקדמה מיידית.", "")
    return info
