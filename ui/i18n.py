"""The one locale entry point: gettext catalogs for our strings, Qt's own translator,
layout direction and QLocale. UI source strings are English; Hebrew is the default language.

Usage in ui/:  `from ui.i18n import _`  then  `_("Clients")`.
Catalogs: resources/locale/<lang>/LC_MESSAGES/*.po (gvia.po plus one file per feature,
so features can be translated independently), read with babel at start-up (a few
milliseconds), so there is no separate compile step to forget.
"""
from __future__ import annotations

import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parents[1] / "resources" / "locale"
DOMAIN = "gvia"
DEFAULT_LANG = "he"
LANGUAGES = ("he", "en")

_translations: gettext.NullTranslations = gettext.NullTranslations()
_lang = "en"


def po_paths(lang: str) -> list[Path]:
    return sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po"))


def read_catalog(path: Path, lang: str):
    with open(path, "rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def load_catalog(lang: str) -> gettext.NullTranslations:
    """All of the language's .po files merged into one translations object."""
    if lang == "en":
        return gettext.NullTranslations()
    merged = None
    for path in po_paths(lang):
        catalog = read_catalog(path, lang)
        if merged is None:
            merged = catalog
        else:
            for message in catalog:
                if message.id and message.string:
                    merged[message.id] = message
    if merged is None:
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def set_language(lang: str | None) -> str:
    """Select the catalog for `lang` (default Hebrew). Returns the language in force."""
    global _translations, _lang
    _lang = lang if lang in LANGUAGES else DEFAULT_LANG
    _translations = load_catalog(_lang)
    return _lang


def language() -> str:
    return _lang


def is_rtl() -> bool:
    return _lang == "he"


def babel_locale() -> str:
    """Money and dates are always formatted the Israeli way."""
    return "he_IL"


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def install_qt(app, lang: str) -> None:
    """Qt's own strings (dialog buttons, context menus), direction and QLocale."""
    from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator

    if lang == "he":
        app.setLayoutDirection(Qt.RightToLeft)
        QLocale.setDefault(QLocale(QLocale.Hebrew, QLocale.Israel))
        translator = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.TranslationsPath)
        if translator.load("qtbase_he", folder):
            app.installTranslator(translator)
            app._gvia_translator = translator  # keep it alive as long as the app
    else:
        app.setLayoutDirection(Qt.LeftToRight)
        QLocale.setDefault(QLocale(QLocale.English, QLocale.Israel))
