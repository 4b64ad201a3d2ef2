"""The aging report (דוח גיול חובות) as a PDF: A4 landscape, one table per currency with
its own total row (currencies are never added together), the header row repeated on
every page, "עמוד n מתוך m" at the foot.

Right-to-left as a Hebrew reader expects: the client column is at the right and the
buckets run leftwards from "not yet due" to the oldest, then the total and the credit.
Text goes through reports.hebrew (logical-order wrap, per-line reorder) and
reports.fonts.printable; nothing parses markup, so a client named `<b>A&B</b>` prints
as typed.

Public API:
    write_aging_pdf(report, out, *, business_name="") -> int   (the number of pages)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from models.common.dates import format_date
from models.common.money import currency_name, format_amount
from models.queries.aging import AgingReport, AgingRow, bucket_titles
from models.common.i18n import translated_as
from reports.fonts import printable, register_fonts
from reports.hebrew import strip_marks, text_width, visual, wrap

PAGE_W, PAGE_H = landscape(A4)
MARGIN = 15 * mm
CONTENT_W = PAGE_W - 2 * MARGIN
TOP = PAGE_H - MARGIN
BOTTOM = MARGIN + 8 * mm  # room for the page number
SIZE, ROW_H = 9, 6.2 * mm
CLIENT_SHARE = 0.26        # of the table's width; the amount columns share the rest


@dataclass
class _Line:
    """One horizontal band of the report: a heading, a table header or a table row."""
    kind: str                 # "title" | "heading" | "header" | "row" | "total" | "empty"
    cells: list[str]
    height: float


def _one_line(text: str, font: str, size: float, width: float) -> str:
    """`text` on one line in drawing order, cut with '…' when it does not fit."""
    lines = wrap(printable(text), font, size, width)
    line = lines[0] if lines else ""
    if len(lines) > 1:
        while line and text_width(line + "…", font, size) > width:
            line = line[:-1]
        line = line.rstrip() + "…"
    return visual(line)


class _AgingPdf:
    def __init__(self, report: AgingReport, business_name: str):
        self.report = report
        self.business_name = business_name
        fonts = register_fonts()
        self.regular, self.bold = fonts.regular, fonts.bold
        titles = ["לקוח", *bucket_titles(report.boundaries), "סה\"כ", "זיכוי בחשבון"]
        self.header = titles
        amount_w = CONTENT_W * (1 - CLIENT_SHARE) / (len(titles) - 1)
        self.widths = [CONTENT_W * CLIENT_SHARE] + [amount_w] * (len(titles) - 1)
        # Right edges of the columns, the client column at the right.
        self.rights = []
        right = PAGE_W - MARGIN
        for width in self.widths:
            self.rights.append(right)
            right -= width

    def lines(self) -> list[_Line]:
        report = self.report
        out = []
        totals = {row.currency: row for row in report.totals()}
        # Shekels first: most of a freelancer's business; then the others by code.
        for currency in sorted(report.currencies(), key=lambda c: (c != "ILS", c)):
            out.append(_Line("heading", [f"מטבע: {currency_name(currency)}"],
                             9 * mm))
            out.append(_Line("header", self.header, ROW_H))
            for row in (r for r in report.rows if r.currency == currency):
                out.append(_Line("row", self._cells(row, row.client), ROW_H))
            out.append(_Line("total", self._cells(totals[currency], "סה\"כ"), ROW_H + 1 * mm))
        if not out:
            out.append(_Line("empty", ["אין חובות פתוחים ואין זיכויים נכון לתאריך זה."], 9 * mm))
        return out

    @staticmethod
    def _cells(row: AgingRow, label: str) -> list[str]:
        return [label, *(format_amount(v) for v in row.buckets), format_amount(row.total),
                format_amount(row.credit)]

    def paginate(self, lines: list[_Line]) -> list[list[_Line]]:
        """Pages of lines; a continued table repeats its heading and header row."""
        pages: list[list[_Line]] = [[]]
        room = TOP - 24 * mm - BOTTOM  # the first page carries the title block
        heading: _Line | None = None
        for line in lines:
            if line.kind == "heading":
                heading = line
                # Keep a heading with its header row and at least one row.
                if line.height + 3 * ROW_H > room and pages[-1]:
                    pages.append([])
                    room = TOP - 12 * mm - BOTTOM
            elif line.height > room:
                pages.append([])
                room = TOP - 12 * mm - BOTTOM
                if heading is not None and line.kind in ("row", "total"):
                    repeat = [_Line("heading", [heading.cells[0] + " (המשך)"], heading.height),
                              _Line("header", self.header, ROW_H)]
                    pages[-1].extend(repeat)
                    room -= sum(x.height for x in repeat)
            pages[-1].append(line)
            room -= line.height
        return pages

    # ---- drawing --------------------------------------------------------------------

    def draw_text(self, canvas: Canvas, text: str, right: float, y: float, font: str,
                  size: float, width: float) -> None:
        canvas.setFont(font, size)
        canvas.drawRightString(right, y, _one_line(text, font, size, width))

    def draw_title(self, canvas: Canvas) -> None:
        right = PAGE_W - MARGIN
        y = TOP - 6 * mm
        if self.business_name:
            self.draw_text(canvas, self.business_name, right, y, self.bold, 14, CONTENT_W * 0.6)
            y -= 8 * mm
        self.draw_text(canvas, f"דוח גיול חובות נכון ל-{format_date(self.report.as_of)}",
                       right, y, self.bold, 12, CONTENT_W * 0.6)
        limits = ", ".join(str(b) for b in self.report.boundaries)
        canvas.setFont(self.regular, 8)
        canvas.drawString(MARGIN, y, strip_marks(visual(f"גבולות הגיול (ימים): {limits}")))

    def draw_line(self, canvas: Canvas, line: _Line, y: float) -> float:
        """Draw `line` whose top is at `y`; returns the next line's top."""
        baseline = y - line.height + 2 * mm
        if line.kind in ("heading", "empty"):
            self.draw_text(canvas, line.cells[0], PAGE_W - MARGIN, baseline, self.bold, 10.5,
                           CONTENT_W)
            return y - line.height
        font = self.bold if line.kind in ("header", "total") else self.regular
        size = 8 if line.kind == "header" else SIZE
        if line.kind in ("header", "total"):
            canvas.setFillGray(0.92)
            canvas.rect(MARGIN, y - line.height, CONTENT_W, line.height, stroke=0, fill=1)
            canvas.setFillGray(0)
        pad = 1.5 * mm
        for i, (cell, right, width) in enumerate(zip(line.cells, self.rights, self.widths)):
            if i == 0 or line.kind == "header":
                self.draw_text(canvas, cell, right - pad, baseline, font, size, width - 2 * pad)
            elif cell != "0.00" or line.kind == "total":
                # Amounts are right-aligned in their cell so the digits line up.
                canvas.setFont(font, size)
                canvas.drawRightString(right - pad, baseline, strip_marks(cell))
        canvas.setStrokeGray(0.75)
        canvas.setLineWidth(0.3)
        canvas.line(MARGIN, y - line.height, PAGE_W - MARGIN, y - line.height)
        canvas.setStrokeGray(0)
        return y - line.height

    def render(self, out) -> int:
        pages = self.paginate(self.lines())
        canvas = Canvas(out, pagesize=(PAGE_W, PAGE_H))
        canvas.setTitle(f"דוח גיול חובות {format_date(self.report.as_of)}")
        canvas.setAuthor(self.business_name or "Gvia")
        canvas.setCreator("Gvia")
        for number, page in enumerate(pages, start=1):
            if number == 1:
                self.draw_title(canvas)
                y = TOP - 24 * mm
            else:
                y = TOP - 12 * mm
            for line in page:
                y = self.draw_line(canvas, line, y)
            canvas.setFont(self.regular, 8)
            canvas.drawCentredString(PAGE_W / 2, MARGIN,
                                     visual(f"עמוד {number} מתוך {len(pages)}"))
            canvas.showPage()
        canvas.save()
        return len(pages)


def write_aging_pdf(report: AgingReport, out: str | Path | BinaryIO, *,
                    business_name: str = "") -> int:
    """Write the aging report to `out` (a path or a binary stream); returns the page count."""
    target = str(out) if isinstance(out, Path) else out
    with translated_as("he"):  # a Hebrew document, whatever the interface language
        return _AgingPdf(report, business_name).render(target)
