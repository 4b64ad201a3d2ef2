"""The one translation entry point, for every layer: gettext catalogs over English source
strings, Hebrew by default.

    from models.common.i18n import _, N_, ngettext

`_("...")` translates now (messages, errors, reasons built at run time). `N_("...")` only
marks a string that is stored before the language is known (a module-level table); it is
translated where it is shown, with `_(value)`. The catalogs are every .po file under
resources/locale/<lang>/LC_MESSAGES (ui_*.po for the screens, domain_*.po for models/,
reports/ and cli/), merged and read with babel when first needed (a few milliseconds), so
there is no compile step to forget. Until `set_language` is called the language is Hebrew,
so a library caller or a test sees what a user sees.

A letter is a Hebrew document whatever the interface language: the code that writes one
runs `with translated_as("he"):`, so a sentence it takes from the domain (terms explained,
a holiday's name) comes out Hebrew, in that thread only (see docs/architecture.md).
"""
from __future__ import annotations

import gettext
import io
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from models.common.resources import resource_path

DOMAIN = "gvia"
DEFAULT_LANG = "he"
LANGUAGES = ("he", "en")

_translations: gettext.NullTranslations | None = None  # loaded on first use
_lang = DEFAULT_LANG
_in_thread = threading.local()  # .translations: a translated_as block's, else None


def locale_dir() -> Path:
    return resource_path("locale")


def po_paths(lang: str) -> list[Path]:
    return sorted((locale_dir() / lang / "LC_MESSAGES").glob("*.po"))


def read_catalog(path: Path, lang: str):
    from babel.messages.pofile import read_po

    with open(path, "rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


@lru_cache(maxsize=None)
def load_catalog(lang: str) -> gettext.NullTranslations:
    """All of the language's .po files merged into one translations object."""
    if lang == "en":
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo

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


@contextmanager
def translated_as(lang: str):
    """Translate into `lang` in this thread while the block runs (documents: Hebrew)."""
    previous = getattr(_in_thread, "translations", None)
    _in_thread.translations = load_catalog(lang)
    try:
        yield
    finally:
        _in_thread.translations = previous


def _current() -> gettext.NullTranslations:
    block = getattr(_in_thread, "translations", None)
    if block is not None:
        return block
    if _translations is None:
        set_language(_lang)
    return _translations


def _(message: str) -> str:
    return _current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for the catalogs without translating it yet."""
    return message


class Labels(Mapping):
    """Stored code -> its name in the language in force. The names are msgids (N_) written
    at import, before the language is known, so each lookup translates: every reader (a
    screen, a document, the command line) gets `TABLE[code]`, `.get(code)` and `.items()`
    in its own language; iterating gives the codes."""

    def __init__(self, names: dict[str, str]):
        self._names = dict(names)

    def __getitem__(self, code: str) -> str:
        return _(self._names[code])

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)
