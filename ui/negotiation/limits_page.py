"""Authority limits and positions for the client's current negotiation (docs/domain.md,
"Negotiation and the case file"): the opening position (everything owed, now —
prefilled), the lowest amount or the largest discount the user will accept, the most
instalments, the latest final date, the steps the user allows themself, and the
preparation checklist."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.common.errors import GviaError
from models.common.money import parse_amount
from models.negotiation import negotiations as ng
from ui import events
from ui.i18n import _
from ui.negotiation.settlement_dialogs import amount_text, ltr_edit
from ui.widgets import clock
from ui.widgets.date_edit import DateEdit
from ui.widgets.display import date_text, money_text
from ui.widgets.forms import ValidatedForm, field_amount
from ui.widgets.scroll import scrolling
from ui.widgets.saved import saved_and_announced
from ui.widgets.unsaved import Unsaved, confirm_leave


class LimitsPage(Unsaved, QWidget):
    """Typed limits are kept until saved: starting a new negotiation over unsaved ones
    asks first, as leaving the page does (ui.widgets.unsaved)."""

    def __init__(self, client_id: int, parent=None):
        super().__init__(parent)
        self.client_id = client_id
        self.negotiation: ng.Negotiation | None = None
        column = QVBoxLayout(self)
        top = QHBoxLayout()
        self.heading = QLabel()
        self.start_button = QPushButton(_("Start a new negotiation"))
        self.start_button.clicked.connect(self.start)
        top.addWidget(self.heading, 1)
        top.addWidget(self.start_button)
        column.addLayout(top)
        self.form = ValidatedForm()
        self.opening = self.form.add_field("opening_agorot", _("Opening position: pay in full, "
                                                               "now (₪)"), ltr_edit())
        self.minimum = self.form.add_field("min_amount_agorot", _("Lowest amount I accept (₪)"),
                                           ltr_edit())
        self.discount = QLabel()
        self.form.add_field("discount", _("Largest discount"), self.discount)
        self.max_instalments = self.form.add_field("max_instalments", _("Most instalments"),
                                                   QSpinBox())
        self.max_instalments.setRange(0, 120)
        self.max_instalments.setSpecialValueText(_("no limit"))
        self.latest = self.form.add_field("latest_final_date", _("Paid off no later than"),
                                          DateEdit())
        self.has_latest = QCheckBox(_("Set a latest date"))
        self.form.add_field("has_latest", "", self.has_latest)
        self.steps, steps = self._checks(_("Steps I allow myself"), dict(ng.STEPS))
        self.checklist, checklist = self._checks(_("Before the meeting"), dict(ng.CHECKLIST))
        self.prepared = QLabel()
        # The limits scroll on a small screen; Save stays in view below them.
        column.addWidget(scrolling(self.form, steps, checklist, self.prepared), 1)
        self.save_button = QPushButton(_("Save limits"))
        self.save_button.clicked.connect(self.save)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        column.addLayout(row)
        self.minimum.textChanged.connect(lambda *_a: self._show_discount())
        self.opening.textChanged.connect(lambda *_a: self._show_discount())
        self.refresh()

    def _checks(self, title: str, labels: dict) -> tuple[dict[str, QCheckBox], QGroupBox]:
        box = QGroupBox(title)
        inner = QVBoxLayout(box)
        checks = {}
        for name, text in labels.items():
            checks[name] = QCheckBox(text)
            inner.addWidget(checks[name])
        return checks, box

    def refresh(self) -> None:
        self.negotiation = n = ng.latest_negotiation(self.client_id)
        self.form.clear_errors()
        self.form.setEnabled(n is not None)
        self.save_button.setEnabled(n is not None)
        if n is None:
            self.heading.setText(_("No negotiation yet. Starting one fills in the opening "
                                   "position with everything the client owes today."))
            self.mark_clean()
            return
        self.heading.setText(_("Negotiation opened on {date}").format(date=date_text(n.opened_date)))
        self.opening.setText(amount_text(n.opening_agorot))
        self.minimum.setText(amount_text(n.min_amount_agorot) if n.min_amount_agorot is not None
                             else "")
        self.max_instalments.setValue(n.max_instalments or 0)
        self.has_latest.setChecked(n.latest_final_date is not None)
        self.latest.setDate(n.latest_final_date or clock.today())
        for name, check in {**self.steps, **self.checklist}.items():
            check.setChecked(bool(getattr(n, name)))
        self._show_prepared()
        self.mark_clean()  # the limits as stored

    def discard(self) -> None:
        self.refresh()

    def _show_discount(self) -> None:
        try:
            opening = parse_amount(self.opening.text())
            minimum = parse_amount(self.minimum.text()) if self.minimum.text().strip() else None
        except GviaError:
            self.discount.setText("")
            return
        if minimum is None or not opening or minimum > opening:
            self.discount.setText("")
            return
        percent = (opening - minimum) * 100 / opening
        self.discount.setText(_("{amount} ({percent:.1f}%)").format(
            amount=money_text(opening - minimum, self.negotiation.currency if self.negotiation
                              else "ILS"), percent=percent))

    def _show_prepared(self) -> None:
        ready = self.negotiation is not None and self.negotiation.is_prepared
        self.prepared.setText(_("Ready for the meeting.") if ready else
                              _("Tick every line of the checklist before the meeting."))

    def start(self) -> None:
        if not confirm_leave(self):  # the typed limits are those of the current one
            return
        ng.start_negotiation(self.client_id, clock.today())
        events.announce(events.NEGOTIATION)
        self.refresh()

    def save(self) -> bool:
        try:
            ng.update_negotiation(
                self.negotiation.id,
                opening_agorot=field_amount(self.opening.text(), "opening_agorot"),
                min_amount_agorot=field_amount(self.minimum.text(), "min_amount_agorot",
                                               empty=None),
                max_instalments=self.max_instalments.value() or None,
                latest_final_date=self.latest.required_date("latest_final_date")
                if self.has_latest.isChecked()
                else None,
                **{name: check.isChecked() for name, check in {**self.steps,
                                                               **self.checklist}.items()})
        except GviaError as exc:
            self.form.show_error(exc)
            return False
        saved_and_announced(self, events.NEGOTIATION)
        self.refresh()
        return True
