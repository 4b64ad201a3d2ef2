"""Settings → Prevention: the deposit policy (models.prevention.deposits) and the late-payment terms —
the contractual interest rate on arrears and the fixed collection fee — which live in the
letter settings so the letters, the terms confirmation and models.collection.interest agree."""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.common.errors import GviaError
from models.common.money import plain
from models.letters.archive import load_letter_settings, save_letter_settings
from models.prevention.deposits import load_policy, save_policy
from ui import events
from ui.i18n import _
from ui.widgets.forms import ValidatedForm, field_amount
from ui.widgets.saved import saved_and_announced
from ui.widgets.unsaved import Unsaved


def _percent_spin() -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, 100)
    spin.setSuffix("%")
    return spin


def _ltr_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setLayoutDirection(Qt.LeftToRight)
    edit.setAlignment(Qt.AlignRight | Qt.AlignAbsolute | Qt.AlignVCenter)
    return edit


class PreventionPage(Unsaved, QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.form = form = ValidatedForm()
        self.new_client = form.add_field("new_client_deposit_percent",
                                         _("Deposit from a new client"), _percent_spin())
        self.large_job = form.add_field("large_job_agorot", _("A large job starts at"),
                                        _ltr_edit())
        self.large_job_percent = form.add_field("large_job_deposit_percent",
                                                _("Deposit for a large job"), _percent_spin())
        self.late_percent = form.add_field("late_history_deposit_percent",
                                           _("Deposit from a client who pays late"),
                                           _percent_spin())
        self.late_days = form.add_field("late_days_threshold",
                                        _("\"Pays late\": average days late above"), QSpinBox())
        self.late_days.setRange(0, 365)
        self.interest = form.add_field("interest_rate_percent",
                                       _("Interest on arrears (% a year)"), _ltr_edit())
        self.interest.setPlaceholderText(_("empty: no interest agreed"))
        self.fee = form.add_field("collection_costs_agorot", _("Fixed collection fee"),
                                  _ltr_edit())
        layout.addWidget(form)
        note = QLabel(_("Interest is simple daily interest (Actual/365) on each invoice's open "
                        "amount from the day after its due date; it appears on the final "
                        "warning and the statement only when you set a rate."))
        note.setWordWrap(True)
        layout.addWidget(note)
        row = QHBoxLayout()
        row.addStretch(1)
        self.save_button = QPushButton(_("Save prevention settings"))
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        layout.addStretch(1)
        self.status = QLabel()
        layout.addWidget(self.status)

    def load(self) -> None:
        policy = load_policy()
        self.new_client.setValue(policy.new_client_deposit_percent)
        self.large_job.setText(plain(policy.large_job_agorot))
        self.large_job_percent.setValue(policy.large_job_deposit_percent)
        self.late_percent.setValue(policy.late_history_deposit_percent)
        self.late_days.setValue(policy.late_days_threshold)
        letters = load_letter_settings()
        self.interest.setText(str(letters.interest_rate_percent or ""))
        self.fee.setText(plain(letters.collection_costs_agorot)
                         if letters.collection_costs_agorot else "")
        self.form.clear_errors()
        self.status.clear()
        self.mark_clean()

    def discard(self) -> None:
        self.load()

    def save(self) -> bool:
        try:
            policy = dataclasses.replace(
                load_policy(), new_client_deposit_percent=self.new_client.value(),
                large_job_agorot=field_amount(self.large_job.text(), "large_job_agorot"),
                large_job_deposit_percent=self.large_job_percent.value(),
                late_history_deposit_percent=self.late_percent.value(),
                late_days_threshold=self.late_days.value()).validate()
            letters = dataclasses.replace(
                load_letter_settings(), interest_rate_percent=self.interest.text().strip(),
                collection_costs_agorot=field_amount(self.fee.text(), "collection_costs_agorot"))
            letters.validate()  # both checked before either is stored
            save_policy(policy)
            save_letter_settings(letters)
        except GviaError as exc:
            self.form.show_error(exc)
            return False
        self.form.clear_errors()
        self.mark_clean()
        self.status.setText(_("Saved."))
        saved_and_announced(self, events.SETTINGS)
        return True
