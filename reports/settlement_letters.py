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

The wording is the user's template (models.letters.templates); the figures, tables and
signature blocks come from here. The body names the parties by their roles (הנושה, החייב);
the debtor's own statement above its signature agrees with who signs (`reports.address.signer_voice`): a
business in the first person plural, through an authorised signatory who writes name and
role and adds the stamp; a man or a woman in the singular of that gender; a person of
unknown gender in forms that need none ("חתימתי להלן היא הודאה בחוב…"). No slash forms.

`SettlementInfo` is plain data that models.negotiation.settlement_info reads (a fixed
number of statements per batch; it also answers who gets these letters in an `--all`
run); `compose_settlement` is pure.

Public API:
    KINDS
    compose_settlement(kind, data, info, profile, settings, template, as_of, letter_date=None)
    signer_voice(data) -> 'plural' | 'male' | 'female' | 'neutral'
    sample_info(kind, as_of) -> SettlementInfo   (the template editor's preview)
"""
from __future__ import annotations

import datetime as dt

from models.common.dates import format_date
from models.common.i18n import _, translated_as
from models.db.settings import BUSINESS_TYPES, BusinessProfile
from models.ledger.open_invoice import OpenInvoice
from models.ledger.payments import PAYMENT_METHODS
from models.letters.archive import LetterSettings
from models.negotiation.settlement_info import (
    InstalmentLine,
    MeetingNote,
    SettlementInfo,
)
from reports.address import is_abroad, signer_voice
from reports.hebrew import in_hebrew
from reports.letter_data import ClientLetterData
from reports.letters import (
    CLIENT_SIGNATURE_FIELDS,
    InfoBox,
    LetterContent,
    NothingToSend,
    Paragraph,
    SignatureForm,
    Table,
    common_values,
    format_money,
    recipient_lines,
)
from reports.templates import fill

KINDS = ("settlement", "meeting-summary")
DRAFT_MARK = "טיוטה"  # hebrew: letter text
COVERED_COLUMNS = ["מספר חשבונית", "תאריך", "לתשלום עד", "סכום החשבונית", "יתרה בהסדר"]  # hebrew: letter text
COVERED_WIDTHS = [1.3, 1.0, 1.0, 1.3, 1.3]
INSTALMENT_COLUMNS = ["מס'", "מועד", "סכום", "אמצעי תשלום", "מספר שיק"]  # hebrew: letter text
INSTALMENT_WIDTHS = [0.5, 1.0, 1.3, 1.3, 1.3]
SIGNER_FIELDS = ["שם החותם", "תפקיד", "תאריך", "חתימה"]  # hebrew: letter text


# ---- composing --------------------------------------------------------------------------

def _money(agorot: int, info: SettlementInfo) -> str:
    return format_money(agorot, info.currency)


def covered_table(info: SettlementInfo) -> Table:
    rows = [[c.number, format_date(c.issue_date), format_date(c.due_date),
             _money(c.amount_agorot, info), _money(c.open_agorot, info)] for c in info.covered]
    return Table(COVERED_COLUMNS, COVERED_WIDTHS, rows,
                 ["סה\"כ החוב", "", "", "", _money(info.debt_agorot, info)],  # hebrew: letter text
                 heading="החשבוניות שההסדר חל עליהן")  # hebrew: letter text


def instalments_table(info: SettlementInfo) -> Table:
    rows = []
    if info.down_payment_agorot:
        rows.append(["מקדמה", format_date(info.down_payment_date or info.agreement_date),  # hebrew: letter text
                     _money(info.down_payment_agorot, info), "", ""])
    for line in info.instalments:
        check = " ".join(x for x in (line.check_number, line.check_bank) if x)
        rows.append([str(line.seq), format_date(line.due_date), _money(line.amount_agorot, info),
                     in_hebrew(PAYMENT_METHODS.get(line.method, line.method)), check])
    total = info.down_payment_agorot + sum(l.amount_agorot for l in info.instalments)
    return Table(INSTALMENT_COLUMNS, INSTALMENT_WIDTHS, rows,
                 ["סה\"כ", "", _money(total, info), "", ""], heading="לוח התשלומים")  # hebrew: letter text


def _points_box(title: str, points: list[str], empty: str) -> InfoBox:
    return InfoBox(title, [f"{n}. {p}" for n, p in enumerate(points, start=1)] or [empty])


def parties_box(data: ClientLetterData, info: SettlementInfo, profile: BusinessProfile) -> InfoBox:
    kind = in_hebrew(BUSINESS_TYPES.get(profile.business_type, ""))
    ours = ", ".join(x for x in (profile.name or "העסק", " ".join(  # hebrew: letter text
        y for y in (kind, profile.tax_id) if y), profile.address, profile.city) if x)
    theirs = ", ".join(x for x in (data.name, info.client_tax_id, data.address, data.city) if x)
    return InfoBox("הצדדים", [f"הנושה: {ours}", f"החייב: {theirs}"])  # hebrew: letter text


def _participants(data: ClientLetterData, info: SettlementInfo, profile: BusinessProfile,
                  settings: LetterSettings) -> str:
    ours = settings.signer_name.strip() or profile.name or "העסק"  # hebrew: letter text
    if settings.signer_name.strip() and profile.name:
        ours = f"{ours} ({profile.name})"
    contact = (info.meeting.contact_name if info.meeting and info.meeting.contact_name
               else data.contact_name)
    theirs = f"{contact} ({data.name})" if contact else data.name
    return f"{ours}; {theirs}"


# How the conversation took place, as the summary thanks for it ("תודה על הפגישה שקיימנו").
_MEETING_NOUNS = {"meeting": "הפגישה", "phone": "השיחה הטלפונית"}  # hebrew: letter text


def _values(kind: str, data: ClientLetterData, info: SettlementInfo, profile: BusinessProfile,
            settings: LetterSettings, letter_date: dt.date, as_of: dt.date) -> dict[str, str]:
    money = lambda agorot: _money(agorot, info)  # noqa: E731
    count = len(info.instalments)
    meeting = info.meeting
    discount = ""
    if info.discount_agorot:
        discount = (f"מתוך החוב מוותר הנושה על {money(info.discount_agorot)}, כך שהחייב ישלם "  # hebrew: letter text
                    f"{money(info.settled_agorot)}. הוויתור מותנה: הוא ייכנס לתוקף רק לאחר "
                    "שכל התשלומים לפי הסדר זה ישולמו במלואם ובמועדם. אם ההסדר יופר, "
                    "יעמוד לפירעון מלוא החוב, בלא הנחה, בניכוי מה ששולם בפועל.")
    down = ""
    if info.down_payment_agorot:
        down = (f"ביום {format_date(info.down_payment_date or info.agreement_date)} ישלם החייב "  # hebrew: letter text
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
        "draft_notice": ("טיוטה לעיון: מסמך זה אינו חתום ואינו מחייב עד שיחתמו עליו שני "  # hebrew: letter text
                         "הצדדים." if info.is_draft and kind == "settlement" else ""),
        "meeting_date": format_date(meeting.occurred_at.date()) if meeting else "",
        "meeting_channel": _MEETING_NOUNS.get(meeting.channel, "השיחה") if meeting else "",  # hebrew: letter text
        "participants": _participants(data, info, profile, settings),
        "meeting_notes": f"עיקרי הדברים: {meeting.summary}" if meeting and meeting.summary else "",  # hebrew: letter text
        "meeting_questions": (f"שאלות שעלו ועוד נבדקות: {meeting.open_questions}"  # hebrew: letter text
                              if meeting and meeting.open_questions else ""),
    }


# What the debtor signs, in its own voice (reports.address.audience reads the gender): a
# business speaks as a body, in the plural, through an authorised signatory with its stamp;
# a person in the singular of the gender on file; a person of unknown gender in nouns and
# first-person past forms, which Hebrew does not inflect for gender.
_DEBTOR_STATEMENTS = {
    "settlement": {
        "plural": "קראנו את ההסדר והבנו אותו. אנו מודים בחוב כמפורט בו ומתחייבים לשלמו לפי "  # hebrew: letter text
                  "לוח התשלומים ולפי התנאים שלמעלה. החתימה בשמנו היא של מורשה חתימה, בצירוף חותמת.",
        "male": "קראתי את ההסדר והבנתי אותו. אני מודה בחוב כמפורט בו ומתחייב לשלמו לפי לוח "  # hebrew: letter text
                "התשלומים ולפי התנאים שלמעלה.",
        "female": "קראתי את ההסדר והבנתי אותו. אני מודה בחוב כמפורט בו ומתחייבת לשלמו לפי לוח "  # hebrew: letter text
                  "התשלומים ולפי התנאים שלמעלה.",
        "neutral": "קראתי את ההסדר והבנתי אותו. חתימתי להלן היא הודאה בחוב כמפורט בו "  # hebrew: letter text
                   "והתחייבות לשלמו לפי לוח התשלומים ולפי התנאים שלמעלה.",
    },
    "meeting-summary": {
        "plural": "קראנו את הסיכום, ואנו מאשרים שהוא משקף את מה שהוסכם בינינו.",  # hebrew: letter text
        "male": "קראתי את הסיכום, ואני מאשר שהוא משקף את מה שהוסכם בינינו.",  # hebrew: letter text
        "female": "קראתי את הסיכום, ואני מאשרת שהוא משקף את מה שהוסכם בינינו.",  # hebrew: letter text
        "neutral": "קראתי את הסיכום, וחתימתי להלן היא אישור שהוא משקף את מה שהוסכם בינינו.",  # hebrew: letter text
    },
}
# The lines the debtor fills in: a business's signatory with name, role and stamp; a person.
_DEBTOR_FIELDS = {
    ("settlement", False): CLIENT_SIGNATURE_FIELDS[False],
    ("settlement", True): CLIENT_SIGNATURE_FIELDS[True],
    ("meeting-summary", False): ["שם מלא", "תפקיד", "תאריך", "חתימה"],  # hebrew: letter text
    ("meeting-summary", True): ["שם מלא", "תאריך", "חתימה"],  # hebrew: letter text
}


def _signature_forms(kind: str, data: ClientLetterData, profile: BusinessProfile) -> list:
    ours = profile.name or "העסק"  # hebrew: letter text
    statement = _DEBTOR_STATEMENTS[kind][signer_voice(data)]
    fields = _DEBTOR_FIELDS[kind, data.is_person]
    if kind == "settlement":
        return [SignatureForm(f"חתימת הנושה: {ours}",  # hebrew: letter text
                              "אנו מאשרים את הסדר החוב בתנאים שלמעלה.", SIGNER_FIELDS),  # hebrew: letter text
                SignatureForm(f"חתימת החייב: {data.name}", statement, fields)]  # hebrew: letter text
    return [SignatureForm(f"אישור: {ours}", "הסיכום משקף את מה שנאמר והוסכם.", SIGNER_FIELDS),  # hebrew: letter text
            SignatureForm(f"אישור: {data.name}", statement, fields)]  # hebrew: letter text


def compose_settlement(kind: str, data: ClientLetterData, info: SettlementInfo | None,
                       profile: BusinessProfile, settings: LetterSettings, template: str,
                       as_of: dt.date, letter_date: dt.date | None = None) -> LetterContent:
    """One settlement or meeting-summary letter. NothingToSend without a settlement."""
    if info is None:
        if kind == "settlement":
            why = _("As of {date}, client '{name}' has no signed settlement or draft "
                    "settlement; no letter was produced.")
        else:
            why = _("As of {date}, client '{name}' has no draft or signed settlement; "
                    "no letter was produced.")
        raise NothingToSend(why.format(name=data.name, date=format_date(as_of)))
    if kind == "meeting-summary" and info.meeting is None:
        raise NothingToSend(_(
            "As of {date}, no meeting or phone call with client '{name}' is logged in the "
            "contact log; log the conversation with its date first, then produce its "
            "summary.").format(name=data.name, date=format_date(as_of)))
    with translated_as("he"):  # a Hebrew document, whatever the interface language
        return _settlement_letter(kind, data, info, profile, settings, template, as_of,
                                  letter_date or as_of)


def _settlement_letter(kind: str, data: ClientLetterData, info: SettlementInfo,
                       profile: BusinessProfile, settings: LetterSettings, template: str,
                       as_of: dt.date, letter_date: dt.date) -> LetterContent:
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
            blocks.append(_points_box("הנקודות שהוסכמו", info.agreed_points,  # hebrew: letter text
                                      "לא נרשמו נקודות נוספות."))  # hebrew: letter text
            if draft and info.open_points:
                blocks.append(_points_box("נקודות שעדיין פתוחות (ייסגרו לפני החתימה)",  # hebrew: letter text
                                          info.open_points, ""))
        elif text == "open_points":
            blocks.append(_points_box("נקודות שעדיין פתוחות", info.open_points,  # hebrew: letter text
                                      "אין נקודות פתוחות."))  # hebrew: letter text
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
    date_lines = [f"תאריך: {format_date(letter_date)}"]  # hebrew: letter text
    if settings.show_hebrew_date:
        from models.common.holidays import hebrew_date

        date_lines.append(hebrew_date(letter_date))
    if data.reference:
        date_lines.append(f"סימוכין: {data.reference}")  # hebrew: letter text
    signer = [settings.signer_name, settings.signer_title, profile.name]
    return LetterContent(
        kind=kind, client_id=data.client_id, client_name=data.name,
        recipient_lines=recipient_lines(data), letter_date=letter_date, date_lines=date_lines,
        subject=subject, blocks=blocks, is_registered=False,
        amount_agorot=info.settled_agorot, currency=info.currency,
        deadline_date=info.final_date if kind == "settlement" else None,
        signature_lines=[s for s in signer if s and s.strip()], reference=data.reference,
        abroad=is_abroad(data))


def sample_info(kind: str, as_of: dt.date) -> SettlementInfo:
    """A made-up draft settlement for the template editor's preview."""
    from models.negotiation.settlement_math import monthly_dates

    day = dt.timedelta(days=1)
    first, second = as_of - 95 * day, as_of - 50 * day
    info = SettlementInfo(
        0, "draft", "ILS", as_of, None, 1_021_000, 21_000, 200_000, as_of,
        monthly_dates(as_of, 5)[-1], 3, "512345678",
        covered=[OpenInvoice(0, "1001", 0, "ILS", first, first + 30 * day, 1_170_000, 670_000,
                             False, as_of),
                 OpenInvoice(0, "1002", 0, "ILS", second, second + 30 * day, 351_000, 351_000,
                             False, as_of)],
        agreed_points=["התשלומים יועברו בהעברה בנקאית עד ה-10 בכל חודש.",  # hebrew: sample letter
                       "חשבוניות חדשות ישולמו בתנאי שוטף + 30, בנפרד מההסדר."],  # hebrew: sample letter
        open_points=["מי נושא בעמלות ההעברה."])  # hebrew: sample letter
    info.instalments = [InstalmentLine(n, d, 200_000, "check", f"00012{n}", "לאומי")  # hebrew: sample letter
                        for n, d in enumerate(monthly_dates(as_of, 5)[1:], start=1)]
    info.meeting = MeetingNote(dt.datetime.combine(as_of, dt.time(10, 0)), "meeting",
                               "ישראלה ישראלי", "סוכם על פריסת היתרה לארבעה תשלומים חודשיים "  # hebrew: sample letter
                               "ומקדמה מיידית.", "")
    return info
