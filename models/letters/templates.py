"""The user's letter wording: one template per letter kind, the placeholders it may use,
and where it is kept (reports.templates fills it in; reports.letters builds the letter).

A template is plain text. Its first line is the subject (הנדון); after it come paragraphs
separated by blank lines. `{name}` is a placeholder; `{{` and `}}` print braces. A block
placeholder (`{invoice_table}`, `{statement_table}`, `{payment_instructions}`) stands alone
on its line and becomes a table or a box. A name that is not in PLACEHOLDERS or BLOCKS is
a ValidationError naming it, so nothing unknown is ever saved.

The defaults live in resources/templates/<kind>.txt; the user's version is stored in the
database (models.db.settings, key `letter_template.<kind>`); `restore_default` deletes it.

Public API:
    PLACEHOLDERS, BLOCKS                         name -> Hebrew description (for the editor)
    TOKEN                                        the placeholder / brace pattern
    default_template(kind), get_template(kind), save_template(kind, text), restore_default(kind)
    is_customised(kind) -> bool
    validate_template(text) -> None               raises ValidationError
    placeholder_names(text) -> list[str]
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from models.common.errors import ValidationError
from models.db.settings import Setting, get_setting, set_setting
from models.letters.archive import LETTER_KINDS

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "resources" / "templates"
MAX_TEMPLATE_LENGTH = 20000

PLACEHOLDERS = {
    "client_name": "שם הלקוח",
    "contact_name": "איש הקשר אצל הלקוח",
    "business_name": "שם העסק שלך",
    "business_phone": "הטלפון של העסק",
    "business_email": "הדוא\"ל של העסק",
    "letter_date": "תאריך המכתב",
    "as_of_date": "התאריך שלפיו חושבו הסכומים",
    "total_overdue": "סך החוב שמועד תשלומו עבר",
    "total_open": "סך כל היתרה הפתוחה",
    "invoice_count": "מספר החשבונות בטבלה",
    "oldest_due_date": "מועד התשלום המוקדם ביותר",
    "max_days_overdue": "מספר ימי הפיגור הגדול ביותר",
    "deadline_date": "המועד האחרון לתשלום",
    "deadline_days": "מספר הימים עד המועד האחרון",
    "wait_days": "ימי ההמתנה אחרי הודעת חוב",
    "interest_sentence": "משפט על ריבית חוזית (ריק אם לא הוגדר שיעור)",
    "costs_sentence": "משפט על הוצאות גבייה (ריק אם לא הוגדרו)",
    "period_start": "תחילת תקופת דף החשבון",
    "period_end": "סוף תקופת דף החשבון",
    "opening_balance": "יתרת פתיחה",
    "closing_balance": "יתרת סגירה",
    "last_payment_date": "תאריך התשלום האחרון",
    "client_terms": "תנאי התשלום של הלקוח",
    "deposit_total": "סך המקדמות המבוקשות",
    "deposit_due_date": "המועד לתשלום המקדמה",
    "late_payment_terms": "ריבית ודמי גבייה על איחור (ריק אם לא הוגדרו)",
    "settlement_date": "תאריך הסדר החוב",
    "debt_amount": "החוב הקבוע שהחייב מודה בו",
    "settled_amount": "הסכום לתשלום אחרי ההנחה",
    "discount_amount": "סכום ההנחה",
    "discount_sentence": "משפט על ההנחה ועל כך שהיא נמחלת רק בסוף (ריק אם אין הנחה)",
    "down_payment_sentence": "משפט על המקדמה (ריק אם אין מקדמה)",
    "instalment_count": "מספר התשלומים בהסדר",
    "final_date": "המועד האחרון לסיום ההסדר",
    "grace_days": "ימי החסד לפני שתשלום נחשב כלא שולם",
    "draft_notice": "הודעת טיוטה (ריקה בהסדר חתום)",
    "meeting_date": "תאריך השיחה או הפגישה",
    "meeting_channel": "אופן השיחה (פגישה, טלפון)",
    "participants": "מי השתתף בשיחה",
    "meeting_notes": "עיקרי השיחה מהתיעוד (ריק אם לא נרשמו)",
    "meeting_questions": "שאלות פתוחות מהתיעוד (ריק אם אין)",
}
BLOCKS = {
    "invoice_table": "טבלת החשבונות הפתוחים",
    "statement_table": "טבלת התנועות של דף החשבון",
    "payment_instructions": "פרטי התשלום (בנק, ביט)",
    "deposit_table": "טבלת המקדמות המבוקשות",
    "terms_box": "תיבת תנאי התשלום המוסכמים",
    "client_signature": "שורות לחתימת הלקוח (מודפסות אחרי החתימה שלך)",
    "settlement_parties": "תיבת הצדדים להסדר (הנושה והחייב)",
    "covered_invoices_table": "טבלת החשבוניות שההסדר חל עליהן",
    "instalments_table": "לוח התשלומים של ההסדר (מקדמה ותשלומים)",
    "agreed_points": "רשימת הנקודות שהוסכמו",
    "open_points": "רשימת הנקודות שעדיין פתוחות",
    "signatures": "שורות חתימה לשני הצדדים",
}
TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def _check_kind(kind: str) -> None:
    if kind not in LETTER_KINDS:
        raise ValidationError(f"סוג מכתב לא מוכר: '{kind}'. הסוגים האפשריים: "
                              f"{', '.join(LETTER_KINDS)}.", field="kind")


@lru_cache(maxsize=None)
def default_template(kind: str) -> str:
    _check_kind(kind)
    return (TEMPLATE_DIR / f"{kind}.txt").read_text(encoding="utf-8")


def _key(kind: str) -> str:
    return f"letter_template.{kind}"


def get_template(kind: str) -> str:
    """The user's wording for `kind`, or the default."""
    _check_kind(kind)
    return get_setting(_key(kind)) or default_template(kind)


def is_customised(kind: str) -> bool:
    _check_kind(kind)
    return get_setting(_key(kind)) is not None


def save_template(kind: str, text: str) -> None:
    """Store the user's wording after checking every placeholder."""
    _check_kind(kind)
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    validate_template(text)
    set_setting(_key(kind), text)


def restore_default(kind: str) -> None:
    _check_kind(kind)
    Setting.delete().where(Setting.key == _key(kind)).execute()


def placeholder_names(text: str) -> list[str]:
    """The placeholder names a template uses, in order (for the editor's checks)."""
    return [m.group(1) for m in TOKEN.finditer(text) if m.group(1) is not None]


def validate_template(text: str) -> None:
    if not text.strip():
        raise ValidationError("נוסח המכתב ריק.", field="template")
    if len(text) > MAX_TEMPLATE_LENGTH:
        raise ValidationError(f"נוסח המכתב ארוך מדי (עד {MAX_TEMPLATE_LENGTH} תווים).",
                              field="template")
    for line in text.split("\n"):
        for match in TOKEN.finditer(line):
            token, name = match.group(0), match.group(1)
            if token in ("{", "}"):
                raise ValidationError(
                    f"סוגר מסולסל בודד '{token}' בשורה: {line.strip()}. "
                    "כדי להדפיס סוגר כתבו אותו פעמיים ({{ או }}).", field="template")
            if name is None:
                continue
            if name in BLOCKS:
                if line.strip() != token:
                    raise ValidationError(f"מציין המקום {{{name}}} צריך לעמוד לבדו בשורה.",
                                          field="template")
            elif name not in PLACEHOLDERS:
                raise ValidationError(
                    f"מציין המקום {{{name}}} אינו מוכר. אפשר להשתמש ב: "
                    f"{', '.join('{' + n + '}' for n in [*PLACEHOLDERS, *BLOCKS])}.",
                    field="template")
    if not text.strip().split("\n")[0].strip():
        raise ValidationError("השורה הראשונה (הנדון) ריקה.", field="template")
