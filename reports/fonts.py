"""The PDF font family: Heebo regular (400) and bold (700), with Cyrillic, Greek and
Arabic glyphs added from Noto, registered with reportlab.

The fonts are files the program ships, resources/fonts/GviaHeebo-{Regular,Bold}.ttf
(SIL OFL; resources/fonts/README.md names the sources), built once by a developer with
tools/build_fonts.py: Heebo cut at each weight, with what it lacks taken from Noto Sans
and Noto Sans Arabic. Nothing is built at run time, so neither fontTools nor a font
package is needed, and a frozen bundle finds them through models.common.resources.
The screens use the same files (ui/app.py). Every PDF module draws with these two names
and gets the wider coverage for free.

The scripts the fonts cover are the ones models.common.text lets a name be typed in
(`unprintable_characters`); tests/reports/test_hebrew.py checks the two agree.

Public API:
    register_fonts() -> FontFamily     idempotent; returns the reportlab font names
    font_files() -> list[Path]         the two TTF files (regular, bold)
    printable(text) -> str             characters the fonts lack replaced by '?'
    font_covers(text) -> bool
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REGULAR = "GviaHeebo"
BOLD = "GviaHeebo-Bold"
FILES = {REGULAR: "GviaHeebo-Regular.ttf", BOLD: "GviaHeebo-Bold.ttf"}
# Invisible characters the shaping step removes anyway; never worth a '?'.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff\n]")


@dataclass(frozen=True)
class FontFamily:
    regular: str
    bold: str


def font_files() -> list[Path]:
    """The regular and the bold font file. A missing one is an incomplete installation,
    said plainly (reportlab would only say it cannot open a file)."""
    from models.common.errors import GviaError
    from models.common.i18n import _
    from models.common.resources import resource_path

    paths = [resource_path("fonts", name) for name in FILES.values()]
    missing = [path for path in paths if not path.is_file()]
    if missing:
        raise GviaError(_("This installation of Gvia is incomplete: the font file {file} is "
                          "missing. Reinstall Gvia.").format(file=missing[0]))
    return paths


@lru_cache(maxsize=1)
def register_fonts() -> FontFamily:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, path in zip(FILES, font_files()):
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR,
                                  boldItalic=BOLD)
    return FontFamily(REGULAR, BOLD)


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    """The characters the regular font maps (the bold one maps the same: one build)."""
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    return frozenset(pdfmetrics.getFont(REGULAR).face.charToGlyph)


def font_covers(text: str) -> bool:
    covered = _covered()
    return all(ord(ch) in covered for ch in _INVISIBLE.sub("", text))


@lru_cache(maxsize=8192)
def printable(text: str) -> str:
    """Replace characters the fonts have no glyph for (emoji, Chinese …) by '?'.

    reportlab has no font fallback: a missing glyph prints as an empty box, which on a
    letter looks like a printing fault. Names and addresses in such scripts are refused
    where they are typed (models.common.text.unprintable_characters), so this only meets
    text stored before that check; a '?' at least shows something was there.
    """
    covered = _covered()
    if covered.issuperset(map(ord, text)):
        return text
    return "".join(ch if ord(ch) in covered or _INVISIBLE.match(ch) else "?" for ch in text)
