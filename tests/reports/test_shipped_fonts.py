"""The letters' fonts are files the program ships (resources/fonts): a letter renders with
neither fontTools, nor a font package, nor python-bidi to be had, and embeds Heebo with
the Noto glyphs for Cyrillic and Arabic names. The mirroring table is Unicode's."""
from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

from pdfcheck import fonts as pdf_fonts
from pdfcheck import pdf_text

ROOT = Path(__file__).resolve().parents[2]
FONTS = ROOT / "resources" / "fonts"

# Run in a fresh interpreter where importing any of these fails, as in a bundle without them.
CHILD = r'''
import datetime as dt, sys
from pathlib import Path

BLOCKED = ("fontTools", "fontpkg", "bidi")

class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED or name.startswith("fontpkg_"):
            raise ImportError(f"{name} is not installed in this test")

sys.meta_path.insert(0, Blocker())
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests/reports"]
from factory import setup_business
from models.db.opening import open_database
from models.ledger import services
from reports.batch import produce_letters

open_database(Path(sys.argv[2]))
setup_business()
ids = []
for name in ("כהן ובניו בע\"מ", "Иван Петров", "شركة النور"):
    client = services.add_client(name=name, kind="company", address="12 Baker St.", city="חיפה")
    services.add_invoice(client.id, f"50{len(ids)}", dt.date(2026, 8, 1), "2500")
    ids.append(client.id)
result = produce_letters("statement", ids, dt.date(2026, 11, 22), strict=True)
print(result.archive_path)
print(sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED or m.startswith("fontpkg")))
'''


def test_a_letter_renders_from_the_shipped_fonts_alone(tmp_path):
    done = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(tmp_path / "gvia.db")],
                          capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    archive, imported = done.stdout.strip().splitlines()[-2:]
    assert imported == "[]"  # fontTools, fontpkg and python-bidi never imported
    assert pdf_fonts(Path(archive)) == {("Heebo-Regular", True), ("Heebo-Bold", True)}
    text = unicodedata.normalize("NFKC", pdf_text(Path(archive)))
    assert "Иван Петров" in text and "شركة" in text and "ובניו" in text
    assert "?" not in text


def test_the_fonts_ship_with_their_licence_and_sources():
    from reports.fonts import FILES, font_files

    assert [path.name for path in font_files()] == list(FILES.values())
    assert all(path.parent == FONTS for path in font_files())
    licence = (FONTS / "OFL.txt").read_text("utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "The Heebo Project Authors" in licence and "The Noto Project Authors" in licence
    readme = (FONTS / "README.md").read_text("utf-8")
    assert "tools/build_fonts.py" in readme
    assert all(family in readme for family in ("Heebo", "Noto Sans", "Noto Sans Arabic"))


def test_the_shipped_fonts_have_both_weights_and_the_screens_layout():
    from fontTools.ttLib import TTFont

    regular, bold = (TTFont(str(FONTS / name)) for name in
                     ("GviaHeebo-Regular.ttf", "GviaHeebo-Bold.ttf"))
    assert (regular["OS/2"].usWeightClass, bold["OS/2"].usWeightClass) == (400, 700)
    assert regular["name"].getDebugName(1) == bold["name"].getDebugName(1) == "Heebo"
    assert "GPOS" in regular and "GSUB" in regular  # kerning and marks for the window
    assert set(regular.getBestCmap()) == set(bold.getBestCmap())
    assert "fvar" not in regular  # static: reportlab embeds what it draws


def test_the_mirroring_pairs_are_unicode_s_and_include_python_bidi_s():
    from bidi.mirror import MIRRORED as BIDI
    from fontTools.unicodedata import mirrored as unicode_mirror

    from reports.mirroring import MIRRORED

    assert all(unicode_mirror(ord(ch)) == ord(MIRRORED[ch]) for ch in MIRRORED)
    assert all(MIRRORED.get(ch) == mirrored for ch, mirrored in BIDI.items())
    assert MIRRORED["("] == ")" and MIRRORED["«"] == "»"
    assert all(MIRRORED[MIRRORED[ch]] == ch for ch in MIRRORED)  # true pairs only
