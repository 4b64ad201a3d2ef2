"""Build the fonts Gvia ships: resources/fonts/GviaHeebo-{Regular,Bold}.ttf, with their
licence (OFL.txt) and a README naming the sources and their versions.

Run by a developer when a source font changes (the result is committed; the program
itself never builds a font and needs neither fontTools nor a font package):

    pip install -e ".[dev]"        # fonttools and the fontpkg-* source packages
    python tools/build_fonts.py    # rewrites resources/fonts/

Heebo (SIL OFL) ships as one variable font with Hebrew and Latin only. reportlab embeds
only a variable font's default outlines and has no font fallback (a glyph the font lacks
prints as an empty box), so each weight is made one static font:

- Heebo cut at the weight (400 or 700), its layout tables kept for the screens;
- every character Heebo lacks that Noto Sans has (Cyrillic, Greek, Latin extended, the
  isolate controls as empty glyphs), cut at the same weight, layout dropped, scaled to
  Heebo's 2048 units per em;
- every character both lack that Noto Sans Arabic has (the Arabic letters and their
  presentation forms, which reports.hebrew.join_arabic produces), likewise.

Heebo's names, vertical metrics and bounding box are kept, so a PDF names the fonts
Heebo-Regular and Heebo-Bold and lines sit where they always did. The scripts covered
are the ones models.common.text lets a name be typed in (PRINTABLE_RANGES); the test
tests/reports/test_hebrew.py checks the two agree. The output is the same bytes for the
same sources (no time stamp is written).
"""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "resources" / "fonts"
WEIGHTS = {"GviaHeebo-Regular.ttf": 400, "GviaHeebo-Bold.ttf": 700}
SOURCES = ("heebo", "noto-sans", "noto-sans-arabic")  # fontpkg names, the base first
LAYOUT = ("GSUB", "GPOS", "GDEF")
# What the fallbacks add: the scripts names and addresses may be typed in (the rule at
# entry), the Arabic presentation forms join_arabic prints them with, and the isolates.
EXTRA_RANGES = ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF), (0x2066, 0x2069))


def source_font(name: str) -> Path:
    import fontpkg

    return Path(fontpkg.path(name))


def source_info(name: str) -> dict:
    """The package's metadata.json (family, version, copyright, upstream commit)."""
    return json.loads((source_font(name).parents[1] / "metadata.json").read_text("utf-8"))


def wanted(code: int) -> bool:
    from models.common.text import PRINTABLE_RANGES

    return code not in (0x20, 0xA0) and any(
        low <= code <= high for low, high in (*PRINTABLE_RANGES, *EXTRA_RANGES))


def cut(path: Path, weight: int, keep: set[int] | None = None):
    """A static instance of a variable font at `weight` (normal width). With `keep`, a
    fallback: subset to those characters first and without layout tables."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib.instancer import instantiateVariableFont

    font = TTFont(str(path), recalcTimestamp=False)
    if keep is not None:
        for table in (*LAYOUT, "MATH", "STAT"):
            if table in font:
                del font[table]
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


def keep_metrics(merged, base) -> None:
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


def saved(font) -> io.BytesIO:
    buffer = io.BytesIO()
    font.save(buffer)
    buffer.seek(0)
    return buffer


def build(weight: int):
    from fontTools.merge import Merger
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    paths = [source_font(name) for name in SOURCES]
    base = cut(paths[0], weight)
    # The merger joins glyph sets and character maps; Heebo's layout tables (kerning,
    # mark positioning for the screens) are put back afterwards, unchanged: the
    # fallbacks' glyphs get none, and Heebo's glyph names are kept by the merge.
    layout = {tag: base[tag] for tag in LAYOUT if tag in base}
    for tag in layout:
        del base[tag]
    upem = base["head"].unitsPerEm
    covered = set(base.getBestCmap())
    parts = [base]
    for path in paths[1:]:
        extra = {code for code in TTFont(str(path), lazy=True).getBestCmap()
                 if wanted(code)} - covered
        if not extra:
            continue
        part = cut(path, weight, extra)
        if part["head"].unitsPerEm != upem:
            scale_upem(part, upem)
        covered |= set(part.getBestCmap())
        parts.append(part)
    base_glyphs = base.getGlyphOrder()
    merged = Merger().merge([saved(part) for part in parts])
    if merged.getGlyphOrder()[:len(base_glyphs)] != base_glyphs:
        raise SystemExit("the merge renamed Heebo's glyphs: its layout tables cannot follow")
    for tag, table in layout.items():
        merged[tag] = table
    keep_metrics(merged, base)
    merged["head"].modified = merged["head"].created = base["head"].created
    merged.recalcTimestamp = False  # the same sources give the same bytes
    return merged


LICENCE_HEADER = """These fonts are Modified Versions of the fonts named in README.md, made by
tools/build_fonts.py. They are licensed under the SIL Open Font License, Version 1.1,
as the sources are, and keep the sources' copyright notices:

"""


def write_licence(infos: list[dict]) -> None:
    text = source_font(SOURCES[0]).parents[1] / "LICENSE"
    licence = text.read_text("utf-8")
    body = licence[licence.index("-----"):]  # the licence itself, after the notice
    notices = "\n".join(info["copyright"] for info in infos)
    (OUT / "OFL.txt").write_text(LICENCE_HEADER + notices + "\n\n" + body, "utf-8")


def write_readme(infos: list[dict]) -> None:
    rows = "\n".join(
        f"| {info['family']} | {info['version']} | fontpkg-{info['slug']} "
        f"| {info['source']['repo']}, {info['source']['path']} @ {info['source']['commit'][:12]} |"
        for info in infos)
    (OUT / "README.md").write_text(f"""# The fonts Gvia ships

`GviaHeebo-Regular.ttf` (400) and `GviaHeebo-Bold.ttf` (700): the letters' and reports'
fonts (reports/fonts.py registers them with reportlab) and the window's font (ui/app.py).
Each is Heebo cut at its weight, with the characters Heebo lacks taken from Noto Sans
(Cyrillic, Greek, Latin extended) and Noto Sans Arabic (the Arabic letters and their
joined forms), so a name typed in any script the app accepts prints.

Built by `python tools/build_fonts.py` from:

| family | version | package | upstream |
| --- | --- | --- | --- |
{rows}

Licence: SIL Open Font License 1.1, in OFL.txt beside this file. No source declares a
Reserved Font Name.
""", "utf-8")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for filename, weight in WEIGHTS.items():
        font = build(weight)
        font.save(str(OUT / filename))
        print(f"{filename}: {(OUT / filename).stat().st_size:,} bytes, "
              f"{len(font.getBestCmap()):,} characters")
    infos = [source_info(name) for name in SOURCES]
    write_licence(infos)
    write_readme(infos)
    return 0


if __name__ == "__main__":
    sys.exit(main())
