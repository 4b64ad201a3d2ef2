"""The case file (תיק הכנה למשא ומתן) as a document PDF: A4 portrait, right to left, a
title block, numbered sections with headings, label/value lists, tables (header row
repeated on a new page), boxes; a running header and "עמוד n מתוך m" on every page.

The small document engine here (`Heading`, `Facts` plus reports.letters' `Paragraph`,
`Table`, `InfoBox`; `DocumentPdf`) is shared with reports.dossier. Every string goes
through reports.hebrew.shape (logical-order wrap, per-line reorder) and
reports.fonts.printable, and is drawn as plain text: nothing parses markup, so a client
named `<a href=x>` prints literally and makes no link or image.

Public API:
    case_file_blocks(case, options) -> list[block]      the case file's sections
    write_case_file_pdf(client_id, as_of, out) -> int   (page count)
    Heading, Facts, DocumentPdf(title, header).render(blocks, out) -> int
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from models.common.dates import format_date
from models.common.i18n import translated_as
from models.queries.aging import bucket_titles
from reports.fonts import printable, register_fonts
from reports.hebrew import in_hebrew, shape, visual
from reports.letters import InfoBox, Paragraph, Table, format_money

PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
CONTENT_W = PAGE_W - 2 * MARGIN
RIGHT = PAGE_W - MARGIN
TOP = PAGE_H - 22 * mm
BOTTOM = 18 * mm
BODY, BODY_LEAD = 9.5, 13.5
CELL, CELL_LEAD = 8.3, 10.4
MAX_CELL_LINES = 40


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Facts:
    """Label: value lines, two columns (labels at the right)."""
    rows: list[tuple[str, str]]
    label_share: float = 0.36


@dataclass
class _Page:
    ops: list[tuple] = field(default_factory=list)


class DocumentPdf:
    """Lays out blocks into pages of drawing operations, then draws them with page numbers."""

    def __init__(self, title: str, header: str, subtitle_lines: list[str] = ()):
        fonts = register_fonts()
        self.regular, self.bold = fonts.regular, fonts.bold
        self.title, self.header, self.subtitle_lines = title, header, list(subtitle_lines)
        self.pages: list[_Page] = []
        self.y = 0.0
        self.section = 0

    # ---- primitives -------------------------------------------------------------------
    def _text(self, line: str, right: float, y: float, font: str, size: float) -> None:
        self.pages[-1].ops.append(("text", font, size, right, y, line))

    def _lines(self, text: str, font: str, size: float, width: float) -> list[str]:
        return shape(printable(text or ""), font, size, width)[:MAX_CELL_LINES]

    def _new_page(self) -> None:
        self.pages.append(_Page())
        if len(self.pages) == 1:
            self.y = TOP
            return
        for line in self._lines(self.header, self.regular, 8, CONTENT_W)[:1]:
            self._text(line, RIGHT, PAGE_H - 13 * mm, self.regular, 8)
        self.pages[-1].ops.append(("line", MARGIN, PAGE_H - 15 * mm, RIGHT, PAGE_H - 15 * mm, 0.4))
        self.y = PAGE_H - 22 * mm

    def _need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self._new_page()

    # ---- blocks -------------------------------------------------------------------------
    def _title(self) -> None:
        for line in self._lines(self.title, self.bold, 16, CONTENT_W)[:2]:
            self._text(line, RIGHT, self.y - 16, self.bold, 16)
            self.y -= 21
        for item in self.subtitle_lines:
            for line in self._lines(item, self.regular, 9.5, CONTENT_W):
                self._text(line, RIGHT, self.y - 9.5, self.regular, 9.5)
                self.y -= 13
        self.y -= 4
        self.pages[-1].ops.append(("line", MARGIN, self.y, RIGHT, self.y, 0.8))
        self.y -= 8

    def heading(self, block: Heading) -> None:
        self._need(40)
        self.section += 1
        self.y -= 4
        for line in self._lines(f"{self.section}. {block.text}", self.bold, 12, CONTENT_W)[:2]:
            self._text(line, RIGHT, self.y - 12, self.bold, 12)
            self.y -= 16
        self.pages[-1].ops.append(("line", MARGIN, self.y + 1, RIGHT, self.y + 1, 0.4))
        self.y -= 6

    def paragraph(self, block: Paragraph) -> None:
        font = self.bold if block.bold else self.regular
        for line in self._lines(block.text, font, BODY, CONTENT_W):
            self._need(BODY_LEAD)
            self._text(line, RIGHT, self.y - BODY, font, BODY)
            self.y -= BODY_LEAD
        self.y -= 4

    def facts(self, block: Facts) -> None:
        label_w = CONTENT_W * block.label_share
        value_w = CONTENT_W - label_w
        for label, value in block.rows:
            labels = self._lines(label, self.bold, BODY, label_w - 3 * mm)
            values = self._lines(value or "—", self.regular, BODY, value_w)
            rows = max(len(labels), len(values), 1)
            self._need(rows * BODY_LEAD)
            for n in range(rows):
                y = self.y - BODY - n * BODY_LEAD
                if n < len(labels):
                    self._text(labels[n], RIGHT, y, self.bold, BODY)
                if n < len(values):
                    self._text(values[n], RIGHT - label_w, y, self.regular, BODY)
            self.y -= rows * BODY_LEAD + 1.5
        self.y -= 4

    def _row(self, cells: list[str], widths: list[float], font: str, fill: float | None) -> None:
        shaped = [self._lines(cell, font, CELL, w - 2.4 * mm) if cell else []
                  for cell, w in zip(cells, widths)]
        height = max([len(s) for s in shaped] + [1]) * CELL_LEAD + 4
        if self.y - height < BOTTOM:
            return self._overflow(cells, widths, font, fill, height)
        ops = self.pages[-1].ops
        if fill is not None:
            ops.append(("rect", MARGIN, self.y - height, CONTENT_W, height, fill))
        right = RIGHT
        for lines, width in zip(shaped, widths):  # the first column at the right
            y = self.y - CELL - 1.5
            for line in lines:
                self._text(line, right - 1.2 * mm, y, font, CELL)
                y -= CELL_LEAD
            right -= width
        self.y -= height
        ops.append(("line", MARGIN, self.y, RIGHT, self.y, 0.3))

    def _overflow(self, cells, widths, font, fill, height) -> None:
        self._new_page()
        if self._header_row is not None and fill is None:
            self._row(*self._header_row)
        self._row(cells, widths, font, fill)

    def table(self, block: Table) -> None:
        scale = CONTENT_W / sum(block.widths)
        widths = [w * scale for w in block.widths]
        self._header_row = None
        if block.heading:
            self._need(BODY_LEAD + 3 * (CELL_LEAD + 4))
            for line in self._lines(block.heading, self.bold, BODY + 0.5, CONTENT_W)[:2]:
                self._text(line, RIGHT, self.y - BODY, self.bold, BODY + 0.5)
                self.y -= BODY_LEAD
        self._need(3 * (CELL_LEAD + 4))
        self._row(block.columns, widths, self.bold, 0.9)
        self._header_row = (block.columns, widths, self.bold, 0.9)
        for row in block.rows:
            self._row(row, widths, self.regular, None)
        if block.total_row:
            self._row(block.total_row, widths, self.bold, 0.95)
        self._header_row = None
        self.y -= 8

    def info_box(self, block: InfoBox) -> None:
        inner = CONTENT_W - 8 * mm
        lines = [line for item in block.lines for line in self._lines(item, self.regular, BODY, inner)]
        height = (len(lines) + 1) * 13 + 10
        if height > TOP - BOTTOM:  # longer than a page: print as a heading and paragraphs
            self.paragraph(Paragraph(block.title, bold=True))
            for item in block.lines:
                self.paragraph(Paragraph(item))
            return
        self._need(height)
        self.pages[-1].ops.append(("box", MARGIN, self.y - height, CONTENT_W, height))
        right = RIGHT - 4 * mm
        y = self.y - 14
        for line in self._lines(block.title, self.bold, 10, inner)[:1]:
            self._text(line, right, y, self.bold, 10)
        for line in lines:
            y -= 13
            self._text(line, right, y, self.regular, BODY)
        self.y -= height + 8

    def layout(self, blocks: list) -> list[_Page]:
        self.pages, self.section, self._header_row = [], 0, None
        self._new_page()
        self._title()
        for block in blocks:
            if isinstance(block, Heading):
                self.heading(block)
            elif isinstance(block, Facts):
                self.facts(block)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, InfoBox):
                self.info_box(block)
            elif isinstance(block, Paragraph):
                self.paragraph(block)
        return self.pages

    # ---- drawing ------------------------------------------------------------------------
    def render(self, blocks: list, out: str | Path | BinaryIO, *, author: str = "") -> int:
        pages = self.layout(blocks)
        canvas = Canvas(str(out) if isinstance(out, Path) else out, pagesize=A4,
                        initialFontName=self.regular, initialFontSize=10)
        canvas.setTitle(printable(self.title))
        canvas.setAuthor(printable(author) or "Gvia")
        canvas.setCreator("Gvia")
        for number, page in enumerate(pages, start=1):
            text = canvas.beginText()
            current = None
            for op in page.ops:
                if op[0] == "text":
                    _, font, size, right, y, line = op
                    if current != (font, size):
                        text.setFont(font, size)
                        current = (font, size)
                    text.setTextOrigin(right - stringWidth(line, font, size), y)
                    text.textOut(line)
                elif op[0] == "line":
                    canvas.setLineWidth(op[5])
                    canvas.line(*op[1:5])
                elif op[0] == "rect":
                    canvas.setFillGray(op[5])
                    canvas.rect(*op[1:5], stroke=0, fill=1)
                    canvas.setFillGray(0)
                elif op[0] == "box":
                    canvas.setLineWidth(0.6)
                    canvas.roundRect(*op[1:5], 2 * mm, stroke=1, fill=0)
            canvas.drawText(text)
            canvas.setFont(self.regular, 8)
            canvas.drawCentredString(PAGE_W / 2, 10 * mm, visual(f"עמוד {number} מתוך {len(pages)}"))
            canvas.showPage()
        canvas.save()
        return len(pages)


# ---- the case file's content ----------------------------------------------------------------

def _money_list(amounts: dict[str, int]) -> str:
    if not amounts:
        return format_money(0)
    return ", ".join(format_money(amounts[c], c)
                     for c in sorted(amounts, key=lambda c: (c != "ILS", c)))


def _date(day: dt.date | None) -> str:
    return format_date(day) if day else "—"


def _promises_text(counts) -> str:
    """Kept, broken (with how many of them were partly kept) and pending promises."""
    if not counts.total:
        return "לא ניתנו הבטחות תשלום"
    broken = f"הופרו: {counts.broken}"
    if counts.partly_kept:
        broken += f" (מהן קוימו חלקית: {counts.partly_kept})"
    return f"קוימו: {counts.kept}, {broken}, ממתינות: {counts.pending}"


def _yes(value: bool) -> str:
    return "כן" if value else "לא"


def _count(n: int, one: str, many: str) -> str:
    """`n` things in Hebrew, whose singular reads on its own: "יום אחד", not "1 ימים"."""
    return one if n == 1 else f"{n} {many}"


def _names(counts: dict[str, int]) -> str:
    return ", ".join(f"{in_hebrew(k)}: {v}" for k, v in counts.items())


def _next_step_lines(step) -> list[str]:
    """The dunning engine's verdict (CaseFile.next_step), worded when the case file was
    built inside translated_as("he"); the names go through in_hebrew all the same."""
    lines = [f"הצעד: {in_hebrew(step.name)} ({in_hebrew(step.state_name)})" if step.name
             else f"מצב: {in_hebrew(step.state_name)}",
             f"הסיבה: {step.reason}"]
    if step.invoice_numbers:
        lines.append(("החשבונית שהצעד חל עליה: " if len(step.invoice_numbers) == 1
                      else "החשבוניות שהצעד חל עליהן: ") + ", ".join(step.invoice_numbers))
    return lines


def case_file_blocks(case, options=None) -> list:
    """The sections of the case file (models.collection.case_file.CaseFile), in reading order;
    `options` (models.collection.handover.handover_options) adds the hand-over section."""
    from models.negotiation.negotiations import CHECKLIST, STEPS

    blocks: list = []
    ind = case.indicator
    box = [f"המלצה: {in_hebrew(ind.verdict_name)}."]
    box += [f"בעד המשך הקשר: {r}" for r in ind.keep_reasons]
    box += [f"בעד טיפול כחייב: {r}" for r in ind.debtor_reasons]
    if not ind.keep_reasons and not ind.debtor_reasons:
        box.append("אין עדיין נתונים מספיקים לשיקול.")
    blocks.append(InfoBox("להמשיך כלקוח או לטפל כחייב?", box))
    if case.next_step is not None:
        blocks.append(InfoBox("הצעד הבא במדרג הגבייה", _next_step_lines(case.next_step)))
    if case.limitation_warning:
        blocks.append(InfoBox("התיישנות", [case.limitation_warning]))

    blocks.append(Heading("פרטי הלקוח"))
    blocks.append(Facts([
        ("שם", case.client_name),
        ("סוג", "אדם פרטי" if case.is_person else "עסק"),
        ("מספר ח.פ. / ת.ז.", case.tax_id or "—"),
        ("טלפון", case.phone or "—"),
        ("דוא\"ל", case.email or "—"),
        ("כתובת", case.address or "—"),
        ("חשבונית ראשונה", _date(case.first_invoice_date)
         + (f" (לפני {case.relationship_years:.1f} שנים)" if case.relationship_years else "")),
    ]))

    blocks.append(Heading("הסכומים הפתוחים"))
    blocks.append(Facts([
        ("יתרה פתוחה", _money_list(case.open_agorot)),
        ("מתוכה בפיגור", _money_list(case.overdue_agorot)),
        ("זיכוי בחשבון", _money_list(case.credit_agorot) if case.credit_agorot else "—"),
        ("הפיגור הוותיק ביותר", _count(case.oldest_overdue_days, "יום אחד", "ימים")
         if case.oldest_overdue_days else "—"),
    ]))
    for line in case.aging:
        titles = bucket_titles(line.boundaries)
        blocks.append(Table(["טווח", "סכום"], [2.5, 1.5],
                            [[t, format_money(v, line.currency)] for t, v in zip(titles, line.buckets)],
                            ["סה\"כ", format_money(line.total, line.currency)],
                            heading=f"גיול החוב ({line.currency})"))
    if case.open_invoices:
        blocks.append(Table(
            ["חשבונית", "תאריך", "לתשלום עד", "סכום", "יתרה", "ימי פיגור", "הערה"],
            [1.1, 1.0, 1.0, 1.2, 1.2, 0.8, 0.9],
            [[i.number, format_date(i.issue_date), format_date(i.due_date),
              format_money(i.amount_agorot, i.currency), format_money(i.open_agorot, i.currency),
              str(max(i.days_overdue, 0)), "במחלוקת" if i.is_disputed else ""]
             for i in case.open_invoices], heading="החשבוניות הפתוחות"))

    blocks.append(Heading("היקף הקשר והתנהגות תשלום"))
    promises = _promises_text(case.promises)
    blocks.append(Facts([
        ("סך הרכישות (חשבוניות)", f"{_money_list(case.invoiced_agorot)} "
         + ("בחשבונית אחת" if case.invoice_count == 1 else f"ב-{case.invoice_count} חשבוניות")),
        ("סך התשלומים שהתקבלו", _money_list(case.paid_agorot)),
        ("ממוצע ימי איחור", f"{case.average_days_late:.1f}" if case.average_days_late is not None else "—"),
        ("חשבוניות ששולמו באיחור", f"{case.share_paid_late:.0%} מתוך {case.settled_invoices}"
         if case.share_paid_late is not None else "—"),
        ("התשלום האחרון", _date(case.last_payment_date)),
        ("הבטחות תשלום", promises),
        ("שיקים שחזרו", str(len(case.bounced_checks)) if case.bounced_checks else "אין"),
    ]))
    if case.bounced_checks:
        blocks.append(Table(["מספר שיק", "התקבל", "חזר", "סכום"], [1.2, 1, 1, 1.2],
                            [[b.check_number or "—", format_date(b.date), format_date(b.bounced_date),
                              format_money(b.amount_agorot, b.currency)] for b in case.bounced_checks],
                            heading="שיקים שחזרו"))
    if case.broken_promises:
        blocks.append(Table(["ניתנה ביום", "לתשלום עד", "סכום", "התקבל בזמן", "לא התקבל"],
                            [1, 1, 1.2, 1.2, 1.2],
                            [[format_date(p.made_date), format_date(p.promised_date),
                              format_money(p.amount_agorot, p.currency),
                              format_money(min(p.paid_agorot, p.amount_agorot), p.currency),
                              format_money(p.outstanding_agorot, p.currency)]
                             for p in case.broken_promises],
                            heading="הבטחות תשלום שהופרו"))

    blocks.append(Heading("מחלוקות, תלונות ותביעות"))
    if case.case_records:
        blocks.append(Table(["תאריך", "סוג", "נושא", "מצב", "הערות"], [0.9, 1.0, 2.2, 0.7, 2.0],
                            [[format_date(r.record_date), in_hebrew(r.kind_name), r.subject,
                              in_hebrew(r.status_name),
                              r.notes] for r in case.case_records]))
    else:
        blocks.append(Paragraph("לא נרשמו מחלוקות, תלונות או תביעות."))
    if case.disputed_invoices:
        blocks.append(Paragraph("חשבוניות פתוחות במחלוקת: " + ", ".join(
            f"{i.number} ({format_money(i.open_agorot, i.currency)})" for i in case.disputed_invoices)))

    blocks.append(Heading("מערכות יחסים"))
    if case.relations:
        blocks.append(Table(["צד", "שם", "תפקיד", "הערות"], [1.0, 1.5, 1.4, 2.4],
                            [[in_hebrew(r.side_name), r.name, in_hebrew(r.role_name), r.notes]
                             for r in case.relations]))
    else:
        blocks.append(Paragraph("לא נרשמו אנשי מפתח: מי מחליט אצל הלקוח, מי משלם ומי אצלנו מכיר אותו."))

    blocks.append(Heading("תיעוד הקשר וטקטיקות שנצפו"))
    c = case.contacts
    hours = f"{c.minutes // 60}:{c.minutes % 60:02d}"
    blocks.append(Facts([
        ("רשומות תיעוד", str(c.entries)),
        ("לפי ערוץ", _names(c.channel_names()) or "—"),
        ("הפנייה האחרונה", format_date(c.last_contact.date()) if c.last_contact else "—"),
        ("זמן טיפול מתועד", f"{_count(c.minutes, 'דקה אחת', 'דקות')} ({hours} שעות)"),
        ("מכתבים שהופקו", str(c.letters)),
        ("טקטיקות שנצפו", _names(c.tactic_names()) or "לא נרשמו"),
    ]))

    blocks.append(Heading("עלות הגבייה עד כה"))
    cost = case.cost
    rate = format_money(cost.hourly_rate_agorot) if cost.hourly_rate_agorot else "לא הוגדר"
    other = {k: v for k, v in cost.expenses_agorot.items() if k != "ILS"}
    rows = [
        ("זמן", (f"{_count(cost.minutes, 'דקה אחת', 'דקות')} × {rate} לשעה = "
                 f"{format_money(cost.time_agorot)}")),
        ("הוצאות שנרשמו", (f"{format_money(cost.expenses_agorot.get('ILS', 0))} "
                           f"({_count(cost.expense_count, 'הוצאה אחת', 'הוצאות')})")
         + (f", וגם {_money_list(other)}" if other else "")),
        ("סה\"כ עלות הגבייה", format_money(cost.total_agorot)),
        ("ביחס לחוב", f"{cost.share_of_debt_percent}% מ-{format_money(cost.debt_agorot)}"
         if cost.share_of_debt_percent is not None else "אין חוב פתוח בשקלים"),
        ("ביחס לערך הלקוח", f"{cost.share_of_value_percent}% מ-{format_money(cost.lifetime_paid_agorot)} ששילם עד היום"
         if cost.share_of_value_percent is not None else "הלקוח טרם שילם"),
    ]
    blocks.append(Facts(rows))
    for note in case.notes:
        blocks.append(Paragraph(note))

    blocks.append(Heading("המשא ומתן"))
    n = case.negotiation
    if n is None:
        blocks.append(Paragraph("טרם נפתח משא ומתן. עמדת הפתיחה המומלצת: תשלום מלוא החוב, עכשיו."))
    else:
        discount = (f"{format_money(n.discount_agorot, n.currency)} ({n.discount_percent}%)"
                    if n.discount_agorot is not None else "לא נקבע")
        blocks.append(Facts([
            ("נפתח ב", format_date(n.opened_date)),
            ("עמדת פתיחה", f"{format_money(n.opening_agorot, n.currency)}, במלואו ומיד"),
            ("הסכום המינימלי", format_money(n.min_amount_agorot, n.currency)
             if n.min_amount_agorot is not None else "לא נקבע"),
            ("ההנחה המרבית", discount),
            ("מספר תשלומים מרבי", str(n.max_instalments) if n.max_instalments is not None else "לא נקבע"),
            ("מועד סיום אחרון", _date(n.latest_final_date)),
            *[(f"מותר: {in_hebrew(STEPS[k])}", _yes(v)) for k, v in n.steps.items()],
            *[(f"רשימת הכנה: {in_hebrew(CHECKLIST[k])}", _yes(v)) for k, v in n.checklist.items()],
        ], label_share=0.5))
        if n.notes:
            blocks.append(Paragraph(f"הערות: {n.notes}"))
    for line in case.settlement_lines:
        blocks.append(Paragraph(line))

    if options:
        blocks.append(Heading("אפשרויות העברה לטיפול"))
        if case.next_step is not None:
            blocks.append(Paragraph(
                "העברה לטיפול היא הצעד הבא במדרג הגבייה." if case.next_step.is_handover_due
                else "העברה לטיפול אינה הצעד הבא במדרג הגבייה כעת; האפשרויות מובאות לעיון."))
        rows = []
        for o in options:
            needs = "; ".join(r.text + ("" if r.is_met else " (חסר)") for r in o.requirements)
            rows.append([in_hebrew(o.name), "פתוחה" if o.is_available else "לא פתוחה כעת", needs,
                         format_money(o.estimated_cost_agorot) if o.amount_agorot else "—"])
        blocks.append(Table(["אפשרות", "מצב", "מה נדרש", "עלות משוערת"], [1.6, 0.9, 3.4, 1.0], rows))
        notes = sorted({note for o in options for note in o.notes})
        blocks.append(Paragraph("העלויות הן הערכה בלבד (אחוז מהחוב ולא פחות ממינימום, לפי "
                                "ההגדרות), ואינן ייעוץ משפטי." + (" " + " ".join(notes) if notes else "")))
    return blocks


def write_case_file_pdf(client_id: int, as_of: dt.date, out: str | Path | BinaryIO) -> int:
    """Write the client's case file as of the date to `out`; returns the page count."""
    from models.collection.case_file import build_case_file
    from models.db.settings import load_profile

    profile = load_profile()
    with translated_as("he"):  # a Hebrew document: the reasons and labels it takes, too
        case = build_case_file(client_id, as_of)
        return DocumentPdf(
            f"תיק הכנה למשא ומתן: {case.client_name}",
            f"תיק הכנה למשא ומתן — {case.client_name} — נכון ל-{format_date(as_of)}",
            [f"נכון ל-{format_date(as_of)}" + (f" | {profile.name}" if profile.name else ""),
             "מסמך פנימי לעבודה. אין למסור אותו ללקוח."],
        ).render(case_file_blocks(case, case.next_step.routes()), out,
                 author=profile.name)
