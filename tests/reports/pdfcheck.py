"""Reading our PDFs back: text in logical order (pdftotext), fonts, pages, links, images."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from pypdf import PdfReader

_MARKS = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    """Text in logical order; pdftotext's direction marks removed."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    out = subprocess.run([*args, str(path), "-"], capture_output=True, check=True, text=True)
    return _MARKS.sub("", out.stdout)


_WORD = re.compile(r"[\u05d0-\u05ea\u05b0-\u05c7\"״׳']+|[A-Za-z0-9@][A-Za-z0-9/.,@\-]*")


def words(text: str) -> list[str]:
    """Hebrew words and Latin/number tokens. pdftotext does not un-mirror brackets and
    sometimes glues a space to the wrong side of a Latin run inside Hebrew, so compare
    tokens, not raw strings."""
    return [w.strip(".,:'\"") or w for w in _WORD.findall(text)]


def fonts(path: Path) -> set[str]:
    found = set()
    for page in PdfReader(str(path)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = bool(descriptor and "/FontFile2" in descriptor.get_object())
            found.add((str(font["/BaseFont"]).split("+")[-1], embedded))
    return found


def links_and_images(path: Path) -> tuple[int, int]:
    links = images = 0
    for page in PdfReader(str(path)).pages:
        links += len(page.get("/Annots") or [])
        xobjects = page["/Resources"].get("/XObject") or {}
        images += sum(1 for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image")
    return links, images


def page_count(path: Path) -> int:
    return len(PdfReader(str(path)).pages)


def has_phrase(text: str, phrase: str) -> bool:
    """The phrase's tokens appear consecutively in the text's tokens."""
    hay, needle = words(text), words(phrase)
    return any(hay[i:i + len(needle)] == needle for i in range(len(hay) - len(needle) + 1))
