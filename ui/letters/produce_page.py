"""One letter to one client: choose the kind, the client and the date, see the real PDF.

What is on screen first is a DRAFT (reports.draft: the same PDF, not archived). Printing or
saving it produces the letter for real (reports.batch.produce_letters: archived, logged on
the client) and then prints or copies the archived file — so every letter that leaves the
office is in the archive, and trying things out leaves no false evidence behind.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from models.common.dates import format_date
from reports.batch import BatchResult, produce_letters
from reports.draft import draft_letter
from ui import events
from ui.background import run_in_background
from ui.i18n import _
from ui.letters.common import (
    LETTER_DATA_KINDS,
    kind_box,
    kind_label,
    set_kind,
)
from ui.letters.pdf_preview import PdfPreview
from ui.widgets import clock
from ui.widgets.date_edit import EARLIEST, DateEdit
from ui.widgets.client_picker import ClientPicker
from ui.widgets.display import auto_dir, ltr


class ProduceLetterPage(QWidget):
    draft_ready = Signal()      # a draft (or the reason there is none) is on screen
    produced = Signal(object)   # BatchResult of an archived letter
    failed = Signal(str)

    DRAFT_DELAY_MS = 250  # typing a date or a name: wait for a pause

    def __init__(self, parent=None):
        super().__init__(parent)
        self._generation = 0
        self._produced: tuple | None = None   # (kind, client, as_of) of the archived letter
        self._result: BatchResult | None = None
        self._is_stale = True
        self._build()
        events.events.data_changed.connect(self._on_data_changed)

    def _build(self) -> None:
        self.kind = kind_box()
        set_kind(self.kind, "reminder")
        self.client = ClientPicker()
        self.client.setMinimumWidth(260)
        self.as_of = DateEdit(clock.today(), minimum=EARLIEST)
        self.print_button = QPushButton(_("Print…"))
        self.save_button = QPushButton(_("Save as PDF…"))
        top = QHBoxLayout()
        for text, widget in ((_("Letter:"), self.kind), (_("Client:"), self.client),
                             (_("As of:"), self.as_of)):
            label = QLabel(text)
            label.setBuddy(widget)
            top.addWidget(label)
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.print_button)
        top.addWidget(self.save_button)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.preview = PdfPreview(show_actions=False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.preview, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.refresh)
        self.kind.currentIndexChanged.connect(lambda _i: self._schedule())
        self.client.client_changed.connect(lambda _cid: self._schedule())
        self.as_of.dateChanged.connect(lambda _d: self._schedule())
        self.print_button.clicked.connect(self.print_letter)
        self.save_button.clicked.connect(self.save_letter)
        self._set_actions(False)
        self.preview.clear(_("Choose a client to see the letter."))

    # ---- state ----------------------------------------------------------------------

    def choice(self) -> tuple[str, int | None, dt.date]:
        return self.kind.currentData(), self.client.client_id(), self.as_of.valid_date()

    def choose(self, kind: str, client_id: int, name: str, as_of: dt.date) -> None:
        """Select a letter to show (the client card and tests use this)."""
        set_kind(self.kind, kind)
        self.as_of.setDate(as_of)
        self.client.set_client(client_id, name)
        self._schedule()

    def last_result(self) -> BatchResult | None:
        return self._result

    def _set_actions(self, enabled: bool) -> None:
        self.print_button.setEnabled(enabled)
        self.save_button.setEnabled(enabled)

    def _schedule(self) -> None:
        self._timer.start(self.DRAFT_DELAY_MS)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._is_stale:
            self._schedule()

    def _on_data_changed(self, kinds: frozenset) -> None:
        if events.CLIENTS in kinds or events.DATABASE in kinds:
            self.client.reload()
        if kinds & LETTER_DATA_KINDS and not kinds <= {events.LETTERS}:
            self._produced = None  # the figures may differ now: a new draft, a new letter
            if self.isVisible():
                self._schedule()
            else:
                self._is_stale = True

    # ---- the draft ------------------------------------------------------------------

    def refresh(self) -> None:
        """Draw the draft for the current choice on a pool thread."""
        self._timer.stop()
        self._is_stale = False
        self._generation += 1
        generation = self._generation
        kind, client_id, as_of = self.choice()
        if (kind, client_id, as_of) != self._produced:
            self._produced = None
        self._set_actions(False)
        if client_id is None:
            self.status.clear()
            self.preview.clear(_("Choose a client to see the letter."))
            self.draft_ready.emit()
            return
        self.status.setText(_("Preparing the letter…"))

        def done(data: bytes) -> None:
            if generation != self._generation:
                return
            self.preview.show_pdf_bytes(data, f"{kind}-{as_of.isoformat()}.pdf")
            self.preview.set_note(_("Draft: the letter goes into the archive when you print "
                                    "or save it."))
            self.status.setText(_("{kind} to {client}, figures as of {date}.").format(
                kind=kind_label(kind), client=auto_dir(self.client.text()),
                date=ltr(format_date(as_of))))
            self._set_actions(True)
            self.draft_ready.emit()

        def failed(message: str) -> None:
            if generation != self._generation:
                return
            self.status.setText(message)
            self.preview.clear(message)
            self.draft_ready.emit()

        run_in_background(lambda: draft_letter(kind, client_id, as_of), owner=self,
                          on_done=done, on_error=failed)

    # ---- producing, printing, saving ------------------------------------------------

    def _produce_then(self, then: Callable[[], None]) -> None:
        """Archive the letter on screen (once), show the archived file, then `then()`."""
        kind, client_id, as_of = self.choice()
        if client_id is None:
            return
        if self._produced == (kind, client_id, as_of):
            then()
            return
        self._set_actions(False)
        self.status.setText(_("Archiving the letter…"))

        def work() -> BatchResult:
            return produce_letters(kind, [client_id], as_of, strict=True)

        def done(result: BatchResult) -> None:
            self._result = result
            self._produced = (kind, client_id, as_of)
            self.preview.show_pdf_file(result.archive_path)
            self.preview.set_note(_("Archived as {file}.").format(
                file=ltr(result.archive_path.name)))
            self.status.setText(_("The letter was archived and logged on the client."))
            self._set_actions(True)
            events.announce(events.LETTERS)
            self.produced.emit(result)
            then()

        def failed(message: str) -> None:
            self.status.setText(message)
            self._set_actions(self.preview.has_document())
            self.failed.emit(message)

        run_in_background(work, owner=self, on_done=done, on_error=failed)

    def print_letter(self) -> None:
        self._produce_then(self.preview.print_document)

    def save_letter(self) -> None:
        self._produce_then(self.preview.save_copy)
