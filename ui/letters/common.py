"""What the letters screens share: the names of letter kinds and registered-mail states
(translated when asked) and a kind chooser. (The date field is ui.widgets.date_edit's.)"""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from models.letters.archive import LETTER_KINDS, kind_name
from ui import events
from ui.i18n import _
from ui.widgets.display import date_text

# Events after which a letter's figures may differ: drafts are redone, lists reloaded.
LETTER_DATA_KINDS = {events.CLIENTS, events.INVOICES, events.PAYMENTS, events.SETTINGS,
                     events.LETTERS, events.DATABASE}


def kind_label(code: str) -> str:
    """A letter kind's name: the models' one table (models.letters.archive.LETTER_KINDS)."""
    return kind_name(code)


def mail_status_label(row) -> str:
    """Registered-mail state of an archive row (models.letters.archive.ArchiveRow)."""
    status = row.mail_status
    if status == "refused":
        return _("Refused on {date}").format(date=date_text(row.refused_date))
    if status == "delivered":
        return _("Delivered on {date}").format(date=date_text(row.receipt_date))
    if status == "sent":
        return _("Sent by registered mail on {date}").format(date=date_text(row.sent_date))
    return _("Not registered")


def kind_box(include_all: bool = False) -> QComboBox:
    """A chooser of letter kinds; item data is the kind code ('' for "all kinds")."""
    box = QComboBox()
    if include_all:
        box.addItem(_("All kinds"), "")
    for code in LETTER_KINDS:
        box.addItem(kind_label(code), code)
    return box


def set_kind(box: QComboBox, code: str) -> None:
    index = box.findData(code)
    if index >= 0:
        box.setCurrentIndex(index)
