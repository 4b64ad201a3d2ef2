"""The PDF font family: Heebo regular (400) and bold (700), with Cyrillic, Greek and
Arabic glyphs added from Noto, registered with reportlab.

Heebo ships (package `fontpkg-heebo`, SIL OFL) as one variable font with Hebrew and
Latin only. reportlab embeds only a variable font's default outlines and has no font
fallback (a glyph the font lacks prints as an empty box), so we build one static font
per weight with fontTools, once, and keep it in the per-user cache folder:

- Heebo cut at the weight (400 or 700);
- every character Heebo lacks that Noto Sans has (`fontpkg-noto-sans`, OFL: Cyrillic,
  Greek, Latin extended, the isolate controls as empty glyphs), cut at the same weight
  and scaled to Heebo's 2048 units per em;
- every character both lack that Noto Sans Arabic has (`fontpkg-noto-sans-arabic`, OFL:
  the Arabic letters and their presentation forms, which reports.hebrew.join_arabic
  produces), likewise.

The layout tables are dropped (reportlab uses none). A missing Noto package only narrows
the coverage; Heebo alone still works. The cache key holds every source's size and
modification time, so an upgraded font package produces a new font. Every PDF module
draws with these two names and gets the wider coverage for free.

The scripts the fonts cover are the ones models.common.text lets a name be typed in
(`unprintable_characters`); tests/reports/test_hebrew.py checks the two agree.

Public API:
    register_fonts() -> FontFamily     idempotent; returns the reportlab font names
    printable(text) -> str             characters the fonts lack replaced by '?'
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
_VERSION = 2  # of the build below: a change to it makes new cached fonts
# Invisible characters the shaping step removes anyway; never worth a '?'.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff\n]")


@dataclass(frozen=True)
class FontFamily:
    regular: str
    bold: str


def _source_font() -> Path:
    import fontpkg

    return Path(fontpkg.path("heebo"))


def _fallback_fonts() -> list[Path]:
    """Noto Sans, then Noto Sans Arabic: those of them that are installed."""
    found = []
    try:
        import fontpkg
    except ImportError:
        return found
    for name in ("noto-sans", "noto-sans-arabic"):
        try:
            found.append(Path(fontpkg.path(name)))
        except Exception:  # noqa: BLE001 - a missing fallback narrows coverage, no more
            continue
    return found


def cache_dir() -> Path:
    """Where the static instances live; GVIA_FONT_CACHE overrides (tests, portable use)."""
    override = os.environ.get("GVIA_FONT_CACHE")
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_cache_path("Gvia", appauthor=False) / "fonts"


def _cut(path: Path, weight: int, keep: set[int] | None = None):
    """A static instance of a variable font at `weight` (normal width), subset to the
    characters in `keep` first when given (the cut is then quick)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib.instancer import instantiateVariableFont

    font = TTFont(str(path))
    for table in ("GSUB", "GPOS", "GDEF", "MATH") + (() if keep is None else ("STAT",)):
        if table in font:  # never read: decoding the layout tables is most of the cost
            del font[table]
    if keep is not None:
        options = subset.Options()
        options.layout_features = []
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(keep))
        subsetter.subset(font)
    if "fvar" in font:
        axes = {axis.axisTag: axis for axis in font["fvar"].axes}
        location = {"wght": max(axes["wght"].minValue, min(axes["wght"].maxValue, weight))}
        if "wdth" in axes:
            location["wdth"] = 100
        font = instantiateVariableFont(font, location, inplace=True,
                                       updateFontNames=keep is None)
    return font


# What the fallbacks add: the scripts names and addresses may be typed in (the rule at
# entry), the Arabic presentation forms join_arabic prints them with, and the isolates.
_EXTRA_RANGES = ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF), (0x2066, 0x2069))


def _wanted(code: int) -> bool:
    from models.common.text import PRINTABLE_RANGES

    return code not in (0x20, 0xA0) and any(
        low <= code <= high for low, high in (*PRINTABLE_RANGES, *_EXTRA_RANGES))


def _build(weight: int, sources: list[Path], target: Path) -> None:
    import io

    from fontTools.merge import Merger
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    from models.db.outputs import write_output

    base = _cut(sources[0], weight)
    upem = base["head"].unitsPerEm
    covered = set(base.getBestCmap())
    parts = [base]
    for source in sources[1:]:
        wanted = {code for code in TTFont(str(source), lazy=True).getBestCmap()
                  if _wanted(code)} - covered
        if not wanted:
            continue
        part = _cut(source, weight, wanted)
        if part["head"].unitsPerEm != upem:
            scale_upem(part, upem)
        covered |= set(part.getBestCmap())
        parts.append(part)
    if len(parts) == 1:
        merged = base
    else:
        buffers = []
        for part in parts:
            buffer = io.BytesIO()
            part.save(buffer)
            buffer.seek(0)
            buffers.append(buffer)
        merged = Merger().merge(buffers)
        _keep_metrics(merged, base)
    write_output(target, lambda partial: merged.save(str(partial)), force=True)


def _keep_metrics(merged, base) -> None:
    """Heebo's own vertical metrics and bounding box: the line heights, the descriptor a
    PDF reader sees and where text extraction puts each line stay exactly as before."""
    for attr in ("xMin", "yMin", "xMax", "yMax"):
        setattr(merged["head"], attr, getattr(base["head"], attr))
    for attr in ("ascent", "descent", "lineGap"):
        setattr(merged["hhea"], attr, getattr(base["hhea"], attr))
    for attr in ("sTypoAscender", "sTypoDescender", "sTypoLineGap", "usWinAscent",
                 "usWinDescent", "sxHeight", "sCapHeight"):
        if hasattr(base["OS/2"], attr):
            setattr(merged["OS/2"], attr, getattr(base["OS/2"], attr))


def _static_instance(weight: int) -> Path:
    sources = [_source_font(), *_fallback_fonts()]
    key = "-".join(f"{p.stat().st_size}-{int(p.stat().st_mtime)}" for p in sources)
    folder = cache_dir()
    target = folder / f"Gvia-{weight}-{_VERSION}-{len(sources)}-{key}.ttf"
    if target.exists():
        return target
    from models.db.outputs import private_dir

    private_dir(folder)
    # A private temporary name, then a rename: two processes may build the cache at once,
    # and the same font from either is fine to keep (hence force).
    _build(weight, sources, target)
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
