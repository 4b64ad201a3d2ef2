"""The PDF font family: Heebo regular (400) and bold (700), registered with reportlab.

Heebo ships (package `fontpkg-heebo`, SIL OFL) as one variable font. reportlab embeds
only a variable font's default outlines, so we cut static 400 and 700 instances with
fontTools once and keep them in the per-user cache folder (about 1 s the first time).
The cache key is the source file's size and modification time, so an upgraded font
package produces new instances.

Public API:
    register_fonts() -> FontFamily     idempotent; returns the reportlab font names
    printable(text) -> str             characters the font lacks replaced by '?'
    font_covers(text) -> bool
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REGULAR = "GviaHeebo"
BOLD = "GviaHeebo-Bold"
_WEIGHTS = {REGULAR: 400, BOLD: 700}
# Invisible characters the shaping step removes anyway; never worth a '?'.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff\n]")


@dataclass(frozen=True)
class FontFamily:
    regular: str
    bold: str


def _source_font() -> Path:
    import fontpkg

    return Path(fontpkg.path("heebo"))


def cache_dir() -> Path:
    """Where the static instances live; GVIA_FONT_CACHE overrides (tests, portable use)."""
    override = os.environ.get("GVIA_FONT_CACHE")
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_cache_path("Gvia", appauthor=False) / "fonts"


def _static_instance(weight: int) -> Path:
    source = _source_font()
    stat = source.stat()
    folder = cache_dir()
    target = folder / f"Heebo-{weight}-{stat.st_size}-{int(stat.st_mtime)}.ttf"
    if target.exists():
        return target
    from fontTools.ttLib import TTFont
    from fontTools.varLib.instancer import instantiateVariableFont

    from models.db.outputs import private_dir, write_output

    private_dir(folder)
    font = instantiateVariableFont(TTFont(str(source)), {"wght": weight}, updateFontNames=True)
    # A private temporary name, then a rename: two processes may build the cache at once,
    # and the same instance from either is fine to keep (hence force).
    write_output(target, lambda partial: font.save(str(partial)), force=True)
    return target


@lru_cache(maxsize=1)
def register_fonts() -> FontFamily:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, weight in _WEIGHTS.items():
        pdfmetrics.registerFont(TTFont(name, str(_static_instance(weight))))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR,
                                  boldItalic=BOLD)
    return FontFamily(REGULAR, BOLD)


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    path = _static_instance(400)
    return frozenset(TTFont(str(path), lazy=True).getBestCmap())


def font_covers(text: str) -> bool:
    covered = _covered()
    return all(ord(ch) in covered for ch in _INVISIBLE.sub("", text))


@lru_cache(maxsize=8192)
def printable(text: str) -> str:
    """Replace characters Heebo has no glyph for (emoji, Chinese, Arabic …) by '?'.

    reportlab has no font fallback: a missing glyph prints as an empty box, which on a
    letter looks like a printing fault. A '?' at least shows something was there.
    """
    covered = _covered()
    if covered.issuperset(map(ord, text)):
        return text
    return "".join(ch if ord(ch) in covered or _INVISIBLE.match(ch) else "?" for ch in text)
