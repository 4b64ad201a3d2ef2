"""Mailing aids: a calibration page for the envelope window, and A4 address-label sheets.

The calibration page prints the address-window frame exactly where letters put the
address (offsets from models.letters.archive.LetterSettings), with a millimetre ruler and the
fold marks: fold it, slide it into an envelope, and adjust the settings until the frame
sits in the window.

Public API:
    render_calibration_page(out, settings)
    render_labels(addresses, out, settings) -> int     addresses: lists of lines; pages written
    fit_label(lines, bold, regular, width, height)     the size and lines of one label
    label_addresses(client_ids) -> list[list[str]]     recipient lines from the database
"""
from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from models.letters.archive import LetterSettings
from reports.fonts import printable, register_fonts
from reports.hebrew import isolate, text_width, visual, wrap

PAGE_W, PAGE_H = A4


def render_calibration_page(out, settings: LetterSettings) -> None:
    fonts = register_fonts()
    c = Canvas(str(out), pagesize=A4, initialFontName=fonts.regular)
    c.setTitle("דף כיול למעטפת חלון")
    width, height = settings.window_width_mm * mm, settings.window_height_mm * mm
    left = settings.window_side_mm * mm if settings.window_side == "left" else \
        PAGE_W - settings.window_side_mm * mm - width
    top = PAGE_H - settings.window_top_mm * mm
    c.setLineWidth(0.8)
    c.setDash(3, 2)
    c.rect(left, top - height, width, height)
    c.setDash()
    c.setFont(fonts.bold, 11)
    c.drawRightString(left + width - 3 * mm, top - 10 * mm, visual("כאן תופיע כתובת הנמען"))
    c.setFont(fonts.regular, 9)
    for i, line in enumerate((
            f"מרחק מלמעלה: {settings.window_top_mm:g} מ\"מ",
            f"מרחק מהצד ({'שמאל' if settings.window_side == 'left' else 'ימין'}): "
            f"{settings.window_side_mm:g} מ\"מ",
            f"גודל החלון: {settings.window_width_mm:g} x {settings.window_height_mm:g} מ\"מ")):
        c.drawRightString(left + width - 3 * mm, top - (17 + 5 * i) * mm, visual(line))
    # Rulers along the top and the left edge, every 5 mm, numbered every 10 mm.
    c.setLineWidth(0.3)
    for x_mm in range(0, 211, 5):
        length = 4 if x_mm % 10 else 7
        c.line(x_mm * mm, PAGE_H, x_mm * mm, PAGE_H - length * mm)
        if x_mm % 10 == 0 and 0 < x_mm < 210:
            c.drawCentredString(x_mm * mm, PAGE_H - 10 * mm, str(x_mm))
    for y_mm in range(0, 298, 5):
        length = 4 if y_mm % 10 else 7
        c.line(0, PAGE_H - y_mm * mm, length * mm, PAGE_H - y_mm * mm)
        if y_mm % 10 == 0 and 0 < y_mm < 297:
            c.drawString(8 * mm, PAGE_H - y_mm * mm - 3, str(y_mm))
    for y_mm in (105, 210):
        c.setDash(1, 2)
        c.line(12 * mm, PAGE_H - y_mm * mm, PAGE_W, PAGE_H - y_mm * mm)
        c.setDash()
        c.drawRightString(PAGE_W - 10 * mm, PAGE_H - y_mm * mm + 2, visual(f"קו קיפול ({y_mm} מ\"מ)"))
    c.setFont(fonts.regular, 10)
    y = PAGE_H - 140 * mm
    for text in ("הדפיסו את הדף בגודל אמיתי (100%, בלי התאמה לדף), קפלו בקווי הקיפול והכניסו למעטפה.",
                 "אם המסגרת המקווקוות אינה בתוך החלון, שנו את המרחקים בהגדרות המכתבים והדפיסו שוב."):
        for line in wrap(text, fonts.regular, 10, PAGE_W - 50 * mm):
            c.drawRightString(PAGE_W - 20 * mm, y, visual(line))
            y -= 6 * mm
    c.showPage()
    c.save()


LABEL_SIZES = (10, 9.5, 9, 8.5, 8, 7.5, 7, 6.5, 6)  # points: the largest that fits is used
LABEL_MIN_SIZE = LABEL_SIZES[-1]


def fit_label(lines: list[str], font_bold: str, font: str, width: float,
              height: float) -> tuple[float, list[tuple[str, str]]]:
    """(size, [(font, logical line)]) for one label: every address line wrapped to `width`
    at the largest size whose lines all fit in `height`. When even the smallest size
    cannot hold them all, the last line that fits ends in '…', so a cut label shows it
    (nothing is dropped without a sign)."""
    for size in LABEL_SIZES:
        leading = size * 1.2
        wrapped = [(font_bold if number == 0 else font, line)
                   for number, item in enumerate(lines) if item and item.strip()
                   for line in wrap(printable(isolate(item.strip())),
                                    font_bold if number == 0 else font, size, width)]
        if len(wrapped) * leading <= height:
            return size, wrapped
    room = max(1, int(height // (LABEL_MIN_SIZE * 1.2)))
    kept = wrapped[:room]
    last_font, last = kept[-1]
    while last and text_width(last + "…", last_font, LABEL_MIN_SIZE) > width:
        last = last[:-1]
    kept[-1] = (last_font, last.rstrip() + "…")
    return LABEL_MIN_SIZE, kept


def render_labels(addresses: list[list[str]], out, settings: LetterSettings) -> int:
    """One label per address, filled row by row from the top right (Hebrew reading order).

    Each label's text is set at the largest size (10 pt down to 6 pt) at which every line
    of the address fits, wrapped to the label's width: a long street keeps its house
    number. Only what cannot fit even at 6 pt is cut, and the cut line ends in '…'.
    """
    fonts = register_fonts()
    c = Canvas(str(out), pagesize=A4, initialFontName=fonts.regular)
    c.setTitle("מדבקות כתובת")
    cols, rows = settings.label_columns, settings.label_rows
    width, height = settings.label_width_mm * mm, settings.label_height_mm * mm
    per_page = cols * rows
    pad = 4 * mm
    pages = 0
    for index, lines in enumerate(addresses):
        slot = index % per_page
        if slot == 0 and index:
            c.showPage()
        if slot == 0:
            pages += 1
        row, col = divmod(slot, cols)
        right = PAGE_W - settings.label_left_mm * mm - col * width
        top = PAGE_H - settings.label_top_mm * mm - row * height
        size, fitted = fit_label(lines, fonts.bold, fonts.regular, width - 2 * pad,
                                 height - 2 * pad)
        y = top - pad - size
        for font, line in fitted:
            c.setFont(font, size)
            c.drawRightString(right - pad, y, visual(line))
            y -= size * 1.2
    if not addresses:
        pages = 1
    c.showPage()
    c.save()
    return pages


def label_addresses(client_ids: list[int]) -> list[list[str]]:
    """The recipient lines letters use, for the same clients, in the same order."""
    import datetime as dt

    from reports.letter_data import load_letter_data
    from reports.letters import recipient_lines

    data = load_letter_data(client_ids, dt.date.max)
    return [recipient_lines(data[cid]) for cid in client_ids if cid in data]
