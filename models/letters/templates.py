"""The user's letter wording: one template per letter kind, the placeholders it may use,
and where it is kept (reports.templates fills it in; reports.letters builds the letter).

A template is plain text. Its first line is the subject (הנדון); after it come paragraphs
separated by blank lines. `{name}` is a placeholder; `{{` and `}}` print braces. A block
placeholder (`{invoice_table}`, `{statement_table}`, `{payment_instructions}`) stands alone
on its line and becomes a table or a box. A name that is not in PLACEHOLDERS or BLOCKS is
a ValidationError naming it, so nothing unknown is ever saved.

Every kind has a Hebrew wording; the dunning letters and the statement (ENGLISH_KINDS)
also have an English one, for a client whose letter language is English. The debt notice
under §13B2 of the Israeli Consumer Protection Law, and the other kinds, stay Hebrew.
Both languages take the same placeholders and blocks (reports.letters fills them).

The defaults live in resources/templates/<kind>.txt (Hebrew) and
resources/templates/en/<kind>.txt (English); the user's version is stored in the database
(models.db.settings, key `letter_template.<kind>` for Hebrew, `letter_template.en.<kind>`
for English); `restore_default` deletes it.

Public API:
    PLACEHOLDERS, BLOCKS                         name -> description msgid (for the editor)
    descriptions()                               (name, translated description) of both
    TOKEN                                        the placeholder / brace pattern
    LANGUAGES, ENGLISH_KINDS
    languages(kind) -> tuple[str, ...]           the languages `kind` is written in, Hebrew first
    has_english(kind) -> bool; check_language(kind, language) -> None   raises ValidationError
    default_template(kind, language='he'), get_template(kind, language='he'),
    get_templates(kind) -> {language: text}, save_template(kind, text, language='he'),
    restore_default(kind, language='he'), is_customised(kind, language='he') -> bool
    validate_template(text) -> None               raises ValidationError
    placeholder_names(text) -> list[str]
"""
from __future__ import annotations

import re
from functools import lru_cache

from models.common.errors import ValidationError
from models.common.i18n import N_, _
from models.common.resources import resource_path
from models.db.settings import Setting, get_setting, set_setting
from models.letters.archive import LETTER_KINDS

TEMPLATE_DIR = resource_path("templates")
LANGUAGES = ("he", "en")
# The kinds with an English version besides the Hebrew one.
ENGLISH_KINDS = ("reminder", "second-reminder", "final-warning", "statement")
MAX_TEMPLATE_LENGTH = 20000

# name -> what it stands for, for the template editor (msgids: descriptions() translates).
PLACEHOLDERS = {
    "client_name": N_("The client's name"),
    "contact_name": N_("The contact person at the client"),
    "greeting": N_("The greeting: the contact person or the client by title and name, or "
                   "an impersonal greeting"),
    "business_name": N_("Your business's name"),
    "business_phone": N_("The business's phone number"),
    "business_email": N_("The business's e-mail address"),
    "letter_date": N_("The letter's date"),
    "as_of_date": N_("The date the amounts were calculated for"),
    "reference": N_("The letter's reference number (also printed under the date)"),
    "total_overdue": N_("The total debt past its due date"),
    "total_open": N_("The whole open balance"),
    "invoice_count": N_("The number of invoices in the table"),
    "oldest_due_date": N_("The earliest due date"),
    "max_days_overdue": N_("The largest number of days overdue"),
    "days_overdue_text": N_("The largest delay in words (one day, 12 days)"),
    "deadline_date": N_("The deadline for payment"),
    "deadline_days": N_("The number of days until the deadline"),
    "deadline_days_text": N_("The days until the deadline, in words"),
    "wait_days": N_("The waiting days after a debt notice"),
    "wait_days_text": N_("The waiting days after a debt notice, in words"),
    "notice_end_date": N_("The day the debt notice's waiting days end"),
    "invoices_sentence": N_("A sentence that the invoices in the table are past due and "
                            "still open"),
    "earlier_letters": N_("A sentence citing the earlier letters about this debt by date and "
                          "reference (empty if the archive holds none)"),
    "payments_since": N_("A sentence about the payments received since the last letter, or "
                         "that none was received (empty if there is nothing to say)"),
    "amount_to_pay": N_("The amount to pay: in a final warning, principal, interest to the "
                        "deadline and the collection fee"),
    "amount_sentence": N_("A final warning's sentence naming the one amount that ends the "
                          "matter if paid by the deadline, and what it is made of"),
    "daily_interest_sentence": N_("A sentence on the interest each further day adds (empty "
                                  "if no rate is set)"),
    "interest_sentence": N_("A sentence about contractual interest (empty if no rate is set)"),
    "costs_sentence": N_("A sentence about collection costs (empty if none are set)"),
    "period_start": N_("The start of the statement period"),
    "period_end": N_("The end of the statement period"),
    "opening_balance": N_("Opening balance"),
    "closing_balance": N_("Closing balance"),
    "last_payment_date": N_("The date of the last payment"),
    "client_terms": N_("The client's payment terms"),
    "deposit_total": N_("The total of the deposits requested"),
    "deposit_due_date": N_("The date the deposit is due"),
    "late_payment_terms": N_("Interest and collection fees for late payment (empty if none "
                             "are set)"),
    "settlement_date": N_("The date of the settlement"),
    "debt_amount": N_("The liquidated debt the debtor acknowledges"),
    "settled_amount": N_("The amount to pay after the discount"),
    "discount_amount": N_("The discount amount"),
    "discount_sentence": N_("A sentence about the discount and that it is waived only at the "
                            "end (empty if there is no discount)"),
    "down_payment_sentence": N_("A sentence about the down payment (empty if there is none)"),
    "instalment_count": N_("The number of instalments in the settlement"),
    "final_date": N_("The last date for completing the settlement"),
    "grace_days": N_("The days of grace before a payment counts as unpaid"),
    "draft_notice": N_("The draft notice (empty in a signed settlement)"),
    "meeting_date": N_("The date of the conversation or meeting"),
    "meeting_channel": N_("How the conversation took place (meeting, phone)"),
    "participants": N_("Who took part in the conversation"),
    "meeting_notes": N_("The main points of the conversation from the log (empty if none "
                        "were recorded)"),
    "meeting_questions": N_("Open questions from the log (empty if there are none)"),
}
BLOCKS = {
    "invoice_table": N_("The table of open invoices"),
    "statement_table": N_("The table of the statement's transactions"),
    "payment_instructions": N_("Payment details (bank, Bit)"),
    "deposit_table": N_("The table of the deposits requested"),
    "terms_box": N_("The box of the agreed payment terms"),
    "client_signature": N_("Lines for the client's signature (printed after your signature)"),
    "settlement_parties": N_("The box of the parties to the settlement (the creditor and the "
                             "debtor)"),
    "covered_invoices_table": N_("The table of the invoices the settlement covers"),
    "instalments_table": N_("The settlement's payment schedule (down payment and instalments)"),
    "agreed_points": N_("The list of the points agreed"),
    "open_points": N_("The list of the points still open"),
    "signatures": N_("Signature lines for both parties"),
}
TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def descriptions() -> list[tuple[str, str]]:
    """Every placeholder and block, in order, with its description in the interface language."""
    return [(name, _(text)) for name, text in [*PLACEHOLDERS.items(), *BLOCKS.items()]]


def _check_kind(kind: str) -> None:
    if kind not in LETTER_KINDS:
        raise ValidationError(_("Unknown kind of letter: '{kind}'. The kinds are: {kinds}.").format(
            kind=kind, kinds=", ".join(LETTER_KINDS)), field="kind")


def has_english(kind: str) -> bool:
    return kind in ENGLISH_KINDS


def languages(kind: str) -> tuple[str, ...]:
    """The languages `kind` is written in: Hebrew, and English for ENGLISH_KINDS."""
    _check_kind(kind)
    return LANGUAGES if has_english(kind) else ("he",)


def check_language(kind: str, language: str) -> None:
    """A ValidationError unless `kind` is written in `language`."""
    _check_kind(kind)
    if language not in LANGUAGES:
        raise ValidationError(_("The letters' language must be Hebrew or English."),
                              field="language")
    if language not in languages(kind):
        raise ValidationError(_("The letter '{kind}' has no English version; it is written "
                                "in Hebrew.").format(kind=kind), field="kind")


@lru_cache(maxsize=None)
def default_template(kind: str, language: str = "he") -> str:
    check_language(kind, language)
    folder = TEMPLATE_DIR if language == "he" else TEMPLATE_DIR / language
    return (folder / f"{kind}.txt").read_text(encoding="utf-8")


def _key(kind: str, language: str) -> str:
    # Hebrew keeps the key it always had, so wording saved before English existed stays.
    return f"letter_template.{kind}" if language == "he" else f"letter_template.{language}.{kind}"


def get_template(kind: str, language: str = "he") -> str:
    """The user's wording for `kind` in `language`, or the default."""
    check_language(kind, language)
    return get_setting(_key(kind, language)) or default_template(kind, language)


def get_templates(kind: str) -> dict[str, str]:
    """The wording of `kind` in each language it is written in."""
    return {language: get_template(kind, language) for language in languages(kind)}


def is_customised(kind: str, language: str = "he") -> bool:
    check_language(kind, language)
    return get_setting(_key(kind, language)) is not None


def save_template(kind: str, text: str, language: str = "he") -> None:
    """Store the user's wording after checking every placeholder."""
    check_language(kind, language)
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    validate_template(text)
    set_setting(_key(kind, language), text)


def restore_default(kind: str, language: str = "he") -> None:
    check_language(kind, language)
    Setting.delete().where(Setting.key == _key(kind, language)).execute()


def placeholder_names(text: str) -> list[str]:
    """The placeholder names a template uses, in order (for the editor's checks)."""
    return [m.group(1) for m in TOKEN.finditer(text) if m.group(1) is not None]


def validate_template(text: str) -> None:
    if not text.strip():
        raise ValidationError(_("The letter wording is empty."), field="template")
    if len(text) > MAX_TEMPLATE_LENGTH:
        raise ValidationError(_("The letter wording is too long (at most {limit} characters).")
                              .format(limit=MAX_TEMPLATE_LENGTH), field="template")
    for line in text.split("\n"):
        for match in TOKEN.finditer(line):
            token, name = match.group(0), match.group(1)
            if token in ("{", "}"):
                raise ValidationError(
                    _("A single curly bracket '{bracket}' in the line: {line}. To print a "
                      "bracket, write it twice ({{{{ or }}}}).").format(
                        bracket=token, line=line.strip()), field="template")
            if name is None:
                continue
            if name in BLOCKS:
                if line.strip() != token:
                    raise ValidationError(
                        _("The placeholder {placeholder} must stand alone on its line.").format(
                            placeholder="{" + name + "}"), field="template")
            elif name not in PLACEHOLDERS:
                raise ValidationError(
                    _("The placeholder {placeholder} is not known. You can use: {known}.").format(
                        placeholder="{" + name + "}",
                        known=", ".join("{" + n + "}" for n in [*PLACEHOLDERS, *BLOCKS])),
                    field="template")
    if not text.strip().split("\n")[0].strip():
        raise ValidationError(_("The first line (the subject) is empty."), field="template")
