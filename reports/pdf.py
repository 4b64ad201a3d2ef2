"""Letters on A4 paper with reportlab: letterhead, the address where a DL window envelope
shows it, date, subject, body, tables, payment box, signature, fold marks, page numbers.

Layout (millimetres from the top-left corner of the page):
- letterhead 15–38: business name, type and number, address, phone and e-mail; logo at
  the left when set;
- address field (DIN 5008 type B by default): `window_top_mm` from the top,
  `window_side_mm` from the left (or right) edge, `window_width_mm` x `window_height_mm`.
  Its top line holds the sender's return address in small print, and "בדואר רשום" for a
  registered letter; then "לכבוד" and the recipient. Lines are wrapped and cut to stay
  inside the window;
- date block on the other side, level with the window;
- subject and body below the window; tables and boxes break across pages, the table
  header repeating; the signature block is kept together;
- fold marks for a DL envelope at 105 and 210 mm, in the left margin;
- "עמוד n מתוך m" at the foot when a letter runs over one page.

Every string goes through reports.hebrew (wrap in logical order, reorder per line) and
reports.fonts.printable (no missing-glyph boxes; the fonts carry Cyrillic, Greek and
Arabic too). The letter's names and addresses (the client's name, the recipient lines,
the business's name, address, phone and e-mail) are isolated wherever they appear
(reports.hebrew.isolate_phrases), so `Silverline Health Ltd.` keeps its final period
inside a Hebrew sentence; the isolate controls themselves are never drawn. Nothing here
parses markup: text is drawn with `drawRightString`, so `<a href=…>` or `<img src=…>` in
a client's name prints literally and cannot become a link or pull in a file.

Public API:
    LetterPdf(out, profile, settings)   .add(content) -> (first_page, page_count); .save()
    render_letters(contents, out, profile, settings) -> list[(first_page, page_count)]
    clear_text_caches()                 forget shaped lines (a cold start, for benchmarks)
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Iterable

from babel.dates import format_date
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen.canvas import Canvas

from models.common.i18n import translated_as
from models.db.settings import BUSINESS_TYPES, BusinessProfile
from models.letters.archive import LetterSettings
from reports.address import phone_for, sender_parts
from reports import hebrew
from reports.fonts import printable, register_fonts
from reports.hebrew import in_hebrew, isolate, isolate_phrases, text_width, visual, wrap
from reports.letters import InfoBox, LetterContent, Paragraph, SignatureForm, Table

PAGE_W, PAGE_H = A4
MARGIN = 20 * mm
CONTENT_W = PAGE_W - 2 * MARGIN
# Tight enough that a final warning with six invoices, the interest table, the payment
# box and the signature fits on one page; sizes stay at or above 10 pt body, 9 pt tables.
BOTTOM = 15 * mm
PAGE_NUMBER_Y = 8 * mm
BODY_SIZE, BODY_LEADING, PARAGRAPH_GAP = 10.5, 13.5, 3.5
TABLE_SIZE, TABLE_LEADING, ROW_PAD = 9, 10.5, 2.5
ROW_H = TABLE_LEADING + ROW_PAD  # a one-line table row
BLOCK_GAP = 6  # after a table or a box
BOX_LEADING = 11.5
FOLD_MARKS_MM = (105, 210)
GREY = 0.35


@dataclass
class _Page:
    ops: list[tuple] = field(default_factory=list)
    mirrored: bool = False  # an English letter: lines, boxes and images drawn mirrored


# The layout's own words, by the letter's direction (Hebrew letters, English letters).
RTL_WORDS = {"sender": "שולח: {}", "registered": "בדואר רשום", "to": "לכבוד",
             "phone": "טלפון {}", "email": "דוא\"ל {}",
             "client": "מספר לקוח: {}", "deadline": "מועד אחרון לתשלום: {}",
             "subject": "הנדון: {}", "regards": "בכבוד רב,", "page": "עמוד {} מתוך {}"}
LTR_WORDS = {"sender": "From: {}", "registered": "Registered mail", "to": "",
             "phone": "Tel. {}", "email": "E-mail {}",
             "client": "Client no. {}", "deadline": "Payment due by: {}",
             "subject": "Re: {}", "regards": "Yours sincerely,", "page": "Page {} of {}"}


Shaped = tuple[str, float]  # a line in visual order, and its width in points


def _first_strong(line: str) -> str:
    """'R' when the line's first letter is Hebrew (or Arabic), else 'L' (UAX #9, P2)."""
    for ch in line:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "R"
        if kind == "L":
            return "L"
    return "L"


def _measured(line: str, font: str, size: float, base: str = "R") -> Shaped:
    # "auto" (an English letter): a Hebrew line in it, the business's own details say,
    # keeps its own order, and is still aligned with the rest of the letter.
    shown = visual(line, _first_strong(line) if base == "auto" else base)
    return shown, stringWidth(shown, font, size)


@lru_cache(maxsize=8192)
def _shape(text: str, font: str, size: float, width: float, max_lines: int = 0,
           base: str = "R") -> tuple[Shaped, ...]:
    """Visual lines of `text` with their widths; with max_lines, the last kept line ends in '…'.

    Cached: letters repeat headers, dates and wording.
    """
    logical = wrap(printable(text), font, size, width)
    if max_lines and len(logical) > max_lines:
        last = logical[max_lines - 1]
        while last and text_width(last + "…", font, size) > width:
            last = last[:-1]
        logical = logical[:max_lines - 1] + [last.rstrip() + "…"]
    return tuple(_measured(line, font, size, base) for line in logical)


@lru_cache(maxsize=4096)
def _label(text: str, font: str, size: float, base: str = "R") -> Shaped:
    """One short line of our own wording (never wrapped): `לכבוד`, a table heading."""
    return _measured(printable(text), font, size, base)


def clear_text_caches() -> None:
    for cached in (_shape, _label, printable):
        cached.cache_clear()
    hebrew.clear_caches()


class _Layout:
    """Lays one letter out into pages of drawing operations (before knowing the count)."""

    def __init__(self, content: LetterContent, profile: BusinessProfile,
                 settings: LetterSettings, fonts):
        self.c = content
        self.profile = profile
        self.s = settings
        self.regular, self.bold = fonts.regular, fonts.bold
        self.pages: list[_Page] = []
        # An English letter (content.language 'en') reads left to right: the page is laid
        # out as the mirror image of the Hebrew one (_Page.mirrored; text starts where a
        # Hebrew line ends), except the address window, which stays over the envelope's
        # window, and the date block, which stays at the right.
        self.ltr = getattr(content, "language", "he") == "en"
        self.base = "auto" if self.ltr else "R"
        self.words = LTR_WORDS if self.ltr else RTL_WORDS
        self.y = 0.0
        self.date_bottom = PAGE_H  # set by date_block
        # The letter's names and addresses, isolated wherever a line holds them.
        self.phrases = tuple(x.strip() for x in (
            content.client_name, *content.recipient_lines, profile.name, profile.address,
            profile.city, profile.phone, profile.email) if x and x.strip())

    # -- primitives --------------------------------------------------------------------
    def iso(self, text: str) -> str:
        return isolate_phrases(text, self.phrases)

    def _shape(self, text: str, font: str, size: float, width: float,
               max_lines: int = 0) -> tuple[Shaped, ...]:
        return _shape(self.iso(text), font, size, width, max_lines, self.base)

    def _label(self, text: str, font: str, size: float) -> Shaped:
        return _label(text, font, size, self.base)

    def text(self, shaped: Shaped, right: float, y: float, font: str, size: float, *,
             left: float | None = None, fixed: bool = False) -> None:
        """A line ending at `right` (Hebrew); in an English letter, starting at the mirror
        of `right`, or at `left` when given; `fixed` keeps the Hebrew placement."""
        line, width = shaped
        if not self.ltr or fixed:
            x = right - width
        else:
            x = left if left is not None else PAGE_W - right
        self.pages[-1].ops.append(("text", font, size, x, y, line))

    def label(self, text: str, right: float, y: float, font: str, size: float, **where) -> None:
        self.text(self._label(text, font, size), right, y, font, size, **where)

    def new_page(self) -> None:
        self.pages.append(_Page(mirrored=self.ltr))
        if len(self.pages) > 1:
            header = f"{isolate(self.c.client_name)} — {self.c.subject}"
            for line in self._shape(header, self.regular, 8, CONTENT_W, 1):
                self.text(line, PAGE_W - MARGIN, PAGE_H - 14 * mm, self.regular, 8)
            self.pages[-1].ops.append(("line", MARGIN, PAGE_H - 16 * mm,
                                       PAGE_W - MARGIN, PAGE_H - 16 * mm, 0.4))
            self.y = PAGE_H - 24 * mm

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.new_page()

    # -- first page ----------------------------------------------------------------------
    def letterhead(self) -> None:
        p = self.profile
        right = PAGE_W - MARGIN
        y = PAGE_H - 20 * mm
        for line in self._shape(p.name or " ", self.bold, 16, CONTENT_W * 0.7, 1):
            self.text(line, right, y, self.bold, 16)
        details = []
        if self.ltr:  # an English letter names the business type in English
            with translated_as("en"):
                kind = BUSINESS_TYPES.get(p.business_type, "")
        else:
            kind = in_hebrew(BUSINESS_TYPES.get(p.business_type, ""))
        if kind or p.tax_id:
            details.append(" ".join(x for x in (kind, p.tax_id) if x))
        address = ", ".join(isolate(x) for x in
                            (p.address, " ".join(y for y in (p.city, p.zip) if y)) if x)
        if address:
            details.append(address)
        contact = "  |  ".join(x for x in (
            self.words["phone"].format(isolate(phone_for(p.phone, self.c.abroad)))
            if p.phone else "",
            self.words["email"].format(isolate(p.email)) if p.email else "") if x)
        if contact:
            details.append(contact)
        y -= 6 * mm
        for detail in details[:3]:
            for line in self._shape(detail, self.regular, 9, CONTENT_W * 0.7, 1):
                self.text(line, right, y, self.regular, 9)
            y -= 4.2 * mm
        self.pages[-1].ops.append(("line", MARGIN, PAGE_H - 38 * mm, right, PAGE_H - 38 * mm, 0.6))
        if self.s.logo_path and Path(self.s.logo_path).is_file():
            self.pages[-1].ops.append(("image", self.s.logo_path, MARGIN, PAGE_H - 36 * mm,
                                       40 * mm, 20 * mm))

    def window_box(self) -> tuple[float, float, float, float]:
        """(left, top, width, height) of the address window, in points from bottom-left."""
        s = self.s
        width, height = s.window_width_mm * mm, s.window_height_mm * mm
        left = s.window_side_mm * mm if s.window_side == "left" else \
            PAGE_W - s.window_side_mm * mm - width
        return left, PAGE_H - s.window_top_mm * mm, width, height

    def address_block(self) -> None:
        left, top, width, height = self.window_box()
        pad = 3 * mm
        right, inner = left + width - pad, width - 2 * pad
        at = {"left": left + pad}  # an English letter: lines start at the window's left
        words = self.words
        p = self.profile
        sender = ", ".join(isolate(x) for x in sender_parts(p, self.c.abroad))
        y = top - 4 * mm
        if sender:  # a letter abroad may take two lines: its last word, ISRAEL, must show
            lines = self._shape(words["sender"].format(sender), self.regular, 6.5, inner,
                                2 if self.c.abroad else 1)
            for k, line in enumerate(lines):
                self.text(line, right, y - k * 2.6 * mm, self.regular, 6.5, **at)
            y -= (len(lines) - 1) * 1.6 * mm
        y -= 6 * mm
        bottom = top - height + 2 * mm
        if self.c.is_registered:
            self.label(words["registered"], right, y, self.bold, 10, **at)
            y -= 5 * mm
        if words["to"]:
            self.label(words["to"], right, y, self.regular, 10, **at)
            y -= 4.6 * mm
        for index, item in enumerate(self.c.recipient_lines):
            font = self.bold if index == 0 else self.regular
            room = int((y - bottom) // (4.6 * mm)) + 1
            if room <= 0:
                break
            for line in self._shape(item, font, 10, inner, min(room, 2 if index == 0 else 1)):
                self.text(line, right, y, font, 10, **at)
                y -= 4.6 * mm

    def date_block(self) -> None:
        left, top, width, _ = self.window_box()
        if self.s.window_side == "left":
            right, room = PAGE_W - MARGIN, PAGE_W - MARGIN - (left + width) - 5 * mm
        else:
            right, room = left - 10 * mm, left - 10 * mm - MARGIN
        y = top - 10 * mm
        for item in self.c.date_lines + [self.words["client"].format(self.c.client_id)]:
            for line in self._shape(item, self.regular, 10, room, 1):
                self.text(line, right, y, self.regular, 10, fixed=True)
            y -= 5 * mm
        if self.c.deadline_date:
            y -= 2 * mm
            day = self.c.deadline_date
            shown = format_date(day, "d MMMM y", locale="en_GB") if self.ltr else f"{day:%d/%m/%Y}"
            self.label(self.words["deadline"].format(shown), right, y, self.bold, 10, fixed=True)
            y -= 5 * mm
        self.date_bottom = y

    def subject(self) -> None:
        _, top, _, height = self.window_box()
        # Just below the window and the date block, whichever ends lower.
        self.y = min(top - height, self.date_bottom) - 6 * mm
        for line in self._shape(self.words["subject"].format(self.c.subject), self.bold, 12,
                                CONTENT_W, 3):
            right = PAGE_W - MARGIN
            self.text(line, right, self.y, self.bold, 12)
            w = line[1]
            self.pages[-1].ops.append(("line", right - w, self.y - 2, right, self.y - 2, 0.6))
            self.y -= 6.5 * mm
        self.y -= 1 * mm

    # -- body ----------------------------------------------------------------------------
    def paragraph(self, block: Paragraph) -> None:
        font = self.bold if block.bold else self.regular
        for line in self._shape(block.text, font, BODY_SIZE, CONTENT_W):
            self.need(BODY_LEADING)
            self.text(line, PAGE_W - MARGIN, self.y - BODY_SIZE, font, BODY_SIZE)
            self.y -= BODY_LEADING
        self.y -= PARAGRAPH_GAP

    def _row(self, cells: list[str], widths: list[float], font: str, fill: float | None) -> None:
        shaped = [self._shape(cell, font, TABLE_SIZE, w - 3 * mm, 3) if cell else []
                  for cell, w in zip(cells, widths)]
        height = max([len(s) for s in shaped] + [1]) * TABLE_LEADING + ROW_PAD
        ops = self.pages[-1].ops
        if fill is not None:
            ops.append(("rect", MARGIN, self.y - height, CONTENT_W, height, fill))
        right = PAGE_W - MARGIN
        for lines, width in zip(shaped, widths):  # the first column at the right
            y = self.y - TABLE_SIZE - ROW_PAD / 2
            for line in lines:
                self.text(line, right - 1.5 * mm, y, font, TABLE_SIZE)
                y -= TABLE_LEADING
            right -= width
        self.y -= height
        ops.append(("line", MARGIN, self.y, PAGE_W - MARGIN, self.y, 0.3))

    def table(self, block: Table) -> None:
        scale = CONTENT_W / sum(block.widths)
        widths = [w * scale for w in block.widths]
        if block.heading:
            self.need(BODY_LEADING + 3 * TABLE_LEADING)
            self.label(block.heading, PAGE_W - MARGIN, self.y - BODY_SIZE, self.bold, BODY_SIZE)
            self.y -= BODY_LEADING
        self.need(3 * ROW_H)
        self._row(block.columns, widths, self.bold, 0.9)
        for row in block.rows:
            if self.y - ROW_H * 2 < BOTTOM:
                self.new_page()
                self._row(block.columns, widths, self.bold, 0.9)
            self._row(row, widths, self.regular, None)
        if block.total_row:
            self.need(ROW_H)
            self._row(block.total_row, widths, self.bold, 0.95)
        self.y -= BLOCK_GAP

    def info_box(self, block: InfoBox) -> None:
        inner = CONTENT_W - 8 * mm
        lines = [(line, self.regular) for item in block.lines
                 for line in self._shape(item, self.regular, 9.5, inner)]
        height = (len(lines) + 1) * BOX_LEADING + 8
        self.need(height)
        self.pages[-1].ops.append(("box", MARGIN, self.y - height, CONTENT_W, height))
        right = PAGE_W - MARGIN - 4 * mm
        y = self.y - 13
        self.label(block.title, right, y, self.bold, 10)
        for line, font in lines:
            y -= BOX_LEADING
            self.text(line, right, y, font, 9.5)
        self.y -= height + BLOCK_GAP

    def signature(self) -> None:
        has_image = bool(self.s.signature_path) and Path(self.s.signature_path).is_file()
        height = 4 + BODY_LEADING * (1 + len(self.c.signature_lines)) + (18 * mm if has_image else 0)
        self.need(height)
        right = PAGE_W - MARGIN
        self.y -= 4
        self.label(self.c.closing or self.words["regards"], right, self.y - BODY_SIZE,
                   self.regular, BODY_SIZE)
        self.y -= BODY_LEADING
        if has_image:
            self.pages[-1].ops.append(("image", self.s.signature_path, right - 50 * mm,
                                       self.y - 17 * mm, 50 * mm, 16 * mm))
            self.y -= 18 * mm
        for index, item in enumerate(self.c.signature_lines):
            font = self.bold if index == 0 else self.regular
            for line in self._shape(item, font, BODY_SIZE, CONTENT_W / 2, 1):
                self.text(line, right, self.y - BODY_SIZE, font, BODY_SIZE)
                self.y -= BODY_LEADING

    def signature_form(self, block: SignatureForm) -> None:
        """Title, statement, then labelled lines to fill in, two to a row (right first)."""
        row_h = 12 * mm
        rows = (len(block.fields) + 1) // 2
        height = 8 * mm + BODY_LEADING * 3 + rows * row_h
        self.need(height)
        right = PAGE_W - MARGIN
        self.y -= 5 * mm
        self.pages[-1].ops.append(("line", MARGIN, self.y, right, self.y, 0.3))
        self.y -= 3 * mm
        self.label(block.title, right, self.y - BODY_SIZE, self.bold, BODY_SIZE)
        self.y -= BODY_LEADING
        for line in self._shape(block.statement, self.regular, BODY_SIZE, CONTENT_W, 2):
            self.text(line, right, self.y - BODY_SIZE, self.regular, BODY_SIZE)
            self.y -= BODY_LEADING
        column = CONTENT_W / 2
        for index, name in enumerate(block.fields):
            if index % 2 == 0:
                self.y -= row_h
            col_right = right - (index % 2) * column
            label = self._label(f"{name}:", self.regular, BODY_SIZE)
            self.text(label, col_right, self.y, self.regular, BODY_SIZE)
            line_right = col_right - label[1] - 2 * mm
            self.pages[-1].ops.append(("line", col_right - column + 6 * mm, self.y - 1,
                                       line_right, self.y - 1, 0.5))

    def build(self) -> list[_Page]:
        self.new_page()
        self.letterhead()
        self.address_block()
        self.date_block()
        self.subject()
        for block in self.c.blocks:
            if isinstance(block, Paragraph):
                self.paragraph(block)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, InfoBox):
                self.info_box(block)
        self.signature()
        for block in self.c.blocks:  # the recipient signs below the sender
            if isinstance(block, SignatureForm):
                self.signature_form(block)
        return self.pages


_CHUNK_CACHE_SIZE = 8192  # lines; the ones every letter repeats come straight back


class _TextStream:
    """The PDF text operators of a page, as reportlab's text object writes them for a
    TrueType font (ttfonts.splitString + getSubsetInternalName, the route its docs give
    for rolling your own), with each line's encoded chunks kept per document.

    A batch draws the same labels, wording and dates thousands of times; encoding a line
    char by char is the costliest part of drawing it. A line maps to the same chunks for
    the whole document: splitString assigns a character its subset code once, for good.
    """

    def __init__(self, doc):
        self.doc = doc
        # (font, line) -> ((subset font, "(…) Tj"), …)
        self.chunks: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
        self.selects: dict[tuple[str, float], str] = {}  # (subset font, size) -> "… Tf"

    def _chunks(self, font: str, line: str) -> tuple[tuple[str, str], ...]:
        key = (font, line)
        found = self.chunks.get(key)
        if found is None:
            if len(self.chunks) >= _CHUNK_CACHE_SIZE:  # a memo: bounded, recomputed at will
                self.chunks.clear()
            face = getFont(font)
            found = self.chunks[key] = tuple(
                (face.getSubsetInternalName(subset, self.doc), f"({escapePDF(part)}) Tj")
                for subset, part in face.splitString(line, self.doc))
        return found

    def code(self, ops: list[tuple]) -> str:
        """One BT … ET object for ("text", font, size, x, y, line) operations."""
        out = ["BT"]
        current = None
        for _, font, size, x, y, line in ops:
            out.append(f"1 0 0 1 {fp_str(x, y)} Tm")
            for subset_font, part in self._chunks(font, line):
                if current != (subset_font, size):
                    current = (subset_font, size)
                    select = self.selects.get(current)
                    if select is None:
                        select = self.selects[current] = f"{subset_font} {fp_str(size)} Tf"
                    out.append(select)
                out.append(part)
        out.append("ET")
        return "\n".join(out)


def _mirror(op: tuple) -> tuple:
    """A line, rectangle, box or image drawn at its mirror image across the page's middle
    (an English letter; its text is placed by _Layout.text)."""
    kind = op[0]
    if kind == "line":
        _, x1, y1, x2, y2, width = op
        return ("line", PAGE_W - x1, y1, PAGE_W - x2, y2, width)
    if kind in ("rect", "box"):
        x, y, w, h = op[1:5]
        return (kind, PAGE_W - x - w, y, w, h, *op[5:])
    if kind == "image":
        _, path, x, y, w, h = op
        return ("image", path, PAGE_W - x - w, y, w, h)
    return op


class LetterPdf:
    """One PDF file holding any number of letters, each starting on a new page."""

    def __init__(self, out: str | Path | BinaryIO, profile: BusinessProfile,
                 settings: LetterSettings, *, title: str = "מכתבים"):
        self.fonts = register_fonts()
        self.profile, self.settings = profile, settings
        self.canvas = Canvas(out if not isinstance(out, Path) else str(out), pagesize=A4,
                             initialFontName=self.fonts.regular, initialFontSize=10)
        self.canvas.setTitle(title)
        self.canvas.setAuthor(printable(profile.name) or "Gvia")
        self.canvas.setCreator("Gvia")
        self.page_count = 0
        self._images: dict[str, ImageReader] = {}
        self._text = _TextStream(self.canvas._doc)  # reportlab offers no public getter

    def add(self, content: LetterContent) -> tuple[int, int]:
        """Lay out and draw one letter; returns (first page number, page count)."""
        pages = _Layout(content, self.profile, self.settings, self.fonts).build()
        first = self.page_count + 1
        for number, page in enumerate(pages, start=1):
            self._draw(page, number, len(pages))
        self.page_count += len(pages)
        return first, len(pages)

    def _draw(self, page: _Page, number: int, total: int) -> None:
        c = self.canvas
        c.setStrokeGray(GREY)
        c.setLineWidth(0.3)
        for y_mm in FOLD_MARKS_MM:
            y = PAGE_H - y_mm * mm
            c.line(4 * mm, y, 9 * mm, y)
        c.setStrokeGray(0)
        # Graphics first, then all the text in one text object: far cheaper than one
        # drawRightString (a text object each) per line.
        texts = []
        for op in page.ops:
            kind = op[0]
            if page.mirrored and kind != "text":
                op = _mirror(op)
            if kind == "text":
                texts.append(op)
            elif kind == "line":
                c.setLineWidth(op[5])
                c.line(*op[1:5])
            elif kind == "rect":
                c.setFillGray(op[5])
                c.rect(*op[1:5], stroke=0, fill=1)
                c.setFillGray(0)
            elif kind == "box":
                c.setLineWidth(0.6)
                c.roundRect(*op[1:5], 2 * mm, stroke=1, fill=0)
            elif kind == "image":
                self._image(*op[1:])
        if total > 1:
            words = LTR_WORDS if page.mirrored else RTL_WORDS
            line, width = _label(words["page"].format(number, total), self.fonts.regular, 8)
            texts.append(("text", self.fonts.regular, 8, (PAGE_W - width) / 2, PAGE_NUMBER_Y, line))
        c.addLiteral(self._text.code(texts))
        c.showPage()

    def _image(self, path: str, x: float, y: float, w: float, h: float) -> None:
        """A logo or scanned signature chosen in the settings; a broken file is skipped."""
        try:
            reader = self._images.get(path) or ImageReader(path)
            self._images[path] = reader
            self.canvas.drawImage(reader, x, y, w, h, preserveAspectRatio=True, anchor="c",
                                  mask="auto")
        except Exception:  # noqa: BLE001 - a bad image must not cost the user the letter
            self._images.pop(path, None)

    def save(self) -> None:
        if self.page_count == 0:
            self.canvas.showPage()
        self.canvas.save()


def render_letters(contents: Iterable[LetterContent], out, profile: BusinessProfile,
                   settings: LetterSettings) -> list[tuple[int, int]]:
    pdf = LetterPdf(out, profile, settings)
    ranges = [pdf.add(content) for content in contents]
    pdf.save()
    return ranges


