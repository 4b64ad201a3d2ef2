"""Printing a letter PDF through the system print dialog.

QPrinter cannot print a PDF file, so each page is rendered to an image (PDFium) and
painted on the printer. The page is painted at its true size from the paper's corner
(full-page mode, no fit-to-margins scaling): the address must land in the envelope window
exactly where the calibration page says it will.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget

from ui.letters.pdf_pages import POINTS_PER_INCH, PdfPages

MAX_PRINT_DPI = 300  # sharp text; more only multiplies the data sent to the printer


def new_printer() -> QPrinter:
    printer = QPrinter(QPrinter.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.A4))
    printer.setPageOrientation(QPageLayout.Portrait)
    printer.setFullPage(True)
    return printer


def ask_printer(parent: QWidget | None, page_count: int) -> QPrinter | None:
    """The system print dialog; None when the user cancels. Tests replace this function."""
    printer = new_printer()
    dialog = QPrintDialog(printer, parent)
    dialog.setMinMax(1, max(1, page_count))
    if dialog.exec() != QPrintDialog.Accepted:
        return None
    return printer


def chosen_pages(printer: QPrinter, page_count: int) -> list[int]:
    """0-based page indexes the dialog asked for (all pages, or a From–To range)."""
    if printer.printRange() == QPrinter.PageRange and printer.fromPage() > 0:
        first = max(1, printer.fromPage())
        last = min(page_count, printer.toPage() or page_count)
        return list(range(first - 1, last))
    return list(range(page_count))


def print_pages(pages: PdfPages, printer: QPrinter,
                on_page: Callable[[int, int], bool] | None = None) -> int:
    """Paint the chosen pages on `printer`. `on_page(done, total)` returning False stops.

    Returns the number of pages printed.
    """
    indexes = chosen_pages(printer, len(pages))
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    printed = 0
    try:
        device_dpi = printer.resolution()
        for number, index in enumerate(indexes):
            if number:
                printer.newPage()
            width_pt, height_pt = pages.size_points(index)
            target = QRectF(0, 0, width_pt / POINTS_PER_INCH * device_dpi,
                            height_pt / POINTS_PER_INCH * device_dpi)
            painter.drawImage(target, pages.render(index, dpi))
            printed += 1
            if on_page is not None and not on_page(printed, len(indexes)):
                break
    finally:
        painter.end()
    return printed
