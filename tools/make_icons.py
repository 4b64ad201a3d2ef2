"""Draw Gvia's app icon and write it in every format the platforms want:

    resources/icons/gvia.svg           the drawing (Linux desktops, the source of the rest)
    resources/icons/gvia-<N>.png       16 … 512 pixels (the window icon, ui/desktop.py)
    resources/icons/gvia.ico           Windows (the exe and the installer)
    resources/icons/gvia.icns          macOS (the .app bundle)

Run by a developer when the design changes (the results are committed):

    pip install -e ".[dev]"            # fonttools, to take the letter's outline
    python tools/make_icons.py

The design: a coin in teal shading to Hebrew blue, a thin light ring, and the letter
gimel (ג, for גבייה) in white at its centre. The letter is Heebo Bold's own outline,
taken from resources/fonts/, so the drawing needs no font to show. Rendering uses Qt's
QSvgRenderer and QImage (PySide6, already a dependency); the .ico and .icns containers
are written here by hand (PNG entries, and 32-bit bitmaps for the small Windows sizes).
"""
from __future__ import annotations

import io
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "icons"
FONT = ROOT / "resources" / "fonts" / "GviaHeebo-Bold.ttf"
GIMEL = 0x05D2
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# icns type -> pixels (the @2x types hold the doubled size).
ICNS_TYPES = (("icp4", 16), ("icp5", 32), ("icp6", 64), ("ic07", 128), ("ic08", 256),
              ("ic09", 512), ("ic10", 1024), ("ic11", 32), ("ic12", 64), ("ic13", 256),
              ("ic14", 512))
TEAL, BLUE = "#0d9488", "#1e3a8a"


def letter_path(box: float, centre: tuple[float, float]) -> str:
    """The gimel's outline as SVG path data, scaled to `box` pixels high, centred."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.ttLib import TTFont

    font = TTFont(str(FONT))
    glyphs = font.getGlyphSet()
    glyph = glyphs[font.getBestCmap()[GIMEL]]
    bounds = BoundsPen(glyphs)
    glyph.draw(bounds)
    x_min, y_min, x_max, y_max = bounds.bounds
    scale = box / (y_max - y_min)
    # Font units grow upwards, SVG's downwards: flip, scale and centre the letter.
    dx = centre[0] - (x_min + x_max) / 2 * scale
    dy = centre[1] + (y_min + y_max) / 2 * scale
    pen = SVGPathPen(glyphs, ntos=lambda v: f"{v:.2f}".rstrip("0").rstrip("."))
    glyph.draw(TransformPen(pen, (scale, 0, 0, -scale, dx, dy)))
    return pen.getCommands()


def svg() -> str:
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <title>Gvia</title>
  <defs>
    <linearGradient id="coin" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="{TEAL}"/>
      <stop offset="1" stop-color="{BLUE}"/>
    </linearGradient>
    <linearGradient id="shine" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#ffffff" stop-opacity="0.22"/>
      <stop offset="0.55" stop-color="#ffffff" stop-opacity="0"/>
    </linearGradient>
  </defs>
  <circle cx="128" cy="128" r="120" fill="url(#coin)"/>
  <circle cx="128" cy="128" r="120" fill="url(#shine)"/>
  <circle cx="128" cy="128" r="103" fill="none" stroke="#ffffff" stroke-opacity="0.45" stroke-width="5"/>
  <path fill="#ffffff" d="{letter_path(118, (128, 128))}"/>
</svg>
"""


def render(renderer, size: int):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    image = QImage(size, size, QImage.Format_ARGB32_Premultiplied)
    image.fill(Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def dib_bytes(image) -> bytes:
    """A 32-bit BGRA bitmap as an .ico entry holds it: bottom-up rows, then the AND mask."""
    from PySide6.QtGui import QImage

    size = image.width()
    rows = image.convertToFormat(QImage.Format_ARGB32)
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, size * size * 4,
                         0, 0, 0, 0)
    pixels = io.BytesIO()
    for y in range(size - 1, -1, -1):
        for x in range(size):
            argb = rows.pixel(x, y)
            pixels.write(struct.pack("<I", argb))  # little-endian ARGB is B, G, R, A
    mask_row = ((size + 31) // 32) * 4
    return header + pixels.getvalue() + bytes(mask_row * size)  # alpha decides: mask clear


def ico(images: dict[int, object]) -> bytes:
    entries, blobs = [], []
    offset = 6 + 16 * len(ICO_SIZES)
    for size in ICO_SIZES:
        blob = png_bytes(images[size]) if size >= 256 else dib_bytes(images[size])
        entries.append(struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32,
                                   len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return struct.pack("<HHH", 0, 1, len(ICO_SIZES)) + b"".join(entries) + b"".join(blobs)


def icns(images: dict[int, object]) -> bytes:
    body = b"".join(kind.encode("ascii") + struct.pack(">I", 8 + len(blob)) + blob
                    for kind, size in ICNS_TYPES for blob in [png_bytes(images[size])])
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    OUT.mkdir(parents=True, exist_ok=True)
    drawing = svg()
    (OUT / "gvia.svg").write_text(drawing, "utf-8")
    renderer = QSvgRenderer(QByteArray(drawing.encode("utf-8")))
    if not renderer.isValid():
        raise SystemExit("the SVG did not parse")
    sizes = sorted({*PNG_SIZES, *ICO_SIZES, *(size for _kind, size in ICNS_TYPES)})
    images = {size: render(renderer, size) for size in sizes}
    for size in PNG_SIZES:
        (OUT / f"gvia-{size}.png").write_bytes(png_bytes(images[size]))
    (OUT / "gvia.ico").write_bytes(ico(images))
    (OUT / "gvia.icns").write_bytes(icns(images))
    for path in sorted(OUT.iterdir()):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
