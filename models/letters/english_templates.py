"""The English wording of the letters a client abroad gets (Client.letter_language 'en'):
the dunning letters and the statement, from resources/templates/en/<kind>.txt. Same form
and placeholders as the Hebrew templates (models.letters.templates); reports.english fills
them. The debt notice under §13B2 of the Israeli Consumer Protection Law, and the other
kinds, stay Hebrew: ENGLISH_KINDS says which kinds have an English version.

Public API:
    ENGLISH_KINDS
    has_english(kind) -> bool
    english_template(kind) -> str          raises ValidationError for a kind without one
"""
from __future__ import annotations

from functools import lru_cache

from models.common.errors import ValidationError
from models.common.i18n import _
from models.letters.templates import TEMPLATE_DIR, validate_template

ENGLISH_KINDS = ("reminder", "second-reminder", "final-warning", "statement")
ENGLISH_TEMPLATE_DIR = TEMPLATE_DIR / "en"


def has_english(kind: str) -> bool:
    return kind in ENGLISH_KINDS


@lru_cache(maxsize=None)
def english_template(kind: str) -> str:
    if not has_english(kind):
        raise ValidationError(_("The letter '{kind}' has no English version; it is written "
                                "in Hebrew.").format(kind=kind), field="kind")
    text = (ENGLISH_TEMPLATE_DIR / f"{kind}.txt").read_text(encoding="utf-8")
    validate_template(text)
    return text
