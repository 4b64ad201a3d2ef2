"""The screens' side of the one translation entry point (models/common/i18n.py): Qt's
own translator, layout direction and QLocale. UI source strings are English; Hebrew is the
default language.

Usage in ui/:  `from ui.i18n import _`  then  `_("Clients")`.
The language chosen in Settings → Language is kept in the user's QSettings (per machine,
like window sizes): the app starts in it when no `--lang` flag is given.
Catalogs: resources/locale/<lang>/LC_MESSAGES/*.po (gvia.po plus one file per feature,
so features can be translated independently).
"""
from __future__ import annotations

from models.common.i18n import (  # noqa: F401  (re-exported for ui/)
    DEFAULT_LANG, LANGUAGES, N_, _, language, load_catalog, ngettext, po_paths, read_catalog,
    set_language)


LANGUAGE_KEY = "ui/language"


def stored_language() -> str | None:
    """The interface language chosen in the settings, or None (never chosen: Hebrew)."""
    from ui.widgets.persist import app_settings

    value = app_settings().value(LANGUAGE_KEY)
    return value if value in LANGUAGES else None


def store_language(lang: str) -> None:
    """Remember `lang` for the next start (it takes effect on restart)."""
    from ui.widgets.persist import app_settings

    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    settings = app_settings()
    settings.setValue(LANGUAGE_KEY, lang)
    settings.sync()


def start_language(flag: str | None) -> str | None:
    """The language to start the window in: the `--lang` flag, else the stored choice."""
    return flag or stored_language()


def is_rtl() -> bool:
    return language() == "he"


def babel_locale() -> str:
    """Money and dates are always formatted the Israeli way."""
    return "he_IL"


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
