"""Settings → Negotiation and hand-over: the grace before a missed instalment breaches a
settlement, and every cap, period and estimated fee of the hand-over routes (Israeli
rules change, so each figure is a setting: docs/domain.md, "Figures and where they are
set")."""
from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.collection.handover import LegalRules, load_legal_rules, save_legal_rules
from models.common.errors import GviaError
from models.common.money import plain
from models.negotiation import settlements
from ui import events
from ui.i18n import _
from ui.negotiation.settlement_dialogs import ltr_edit
from ui.widgets.forms import ValidatedForm, field_amount
from ui.widgets.scroll import scrolling
from ui.widgets.saved import saved_and_announced
from ui.widgets.unsaved import Unsaved


def rule_labels() -> dict[str, str]:
    """LegalRules field -> its label (the order of the form)."""
    return {
        "small_claims_cap_agorot": _("Small claims court: the most it hears (₪)"),
        "execution_claim_cap_agorot": _("Liquidated claim at the Execution Office: up to (₪)"),
        "warning_wait_days": _("Days from the registered warning to filing"),
        "check_opposition_days": _("Days a debtor has to oppose a bounced check"),
        "limitation_years": _("Limitation period (years)"),
        "limitation_warn_months": _("Warn this many months before limitation"),
        "small_claims_fee_percent": _("Small claims fee (% of the claim)"),
        "small_claims_fee_min_agorot": _("Small claims fee, at least (₪)"),
        "execution_claim_fee_percent": _("Execution Office claim fee (%)"),
        "execution_claim_fee_min_agorot": _("Execution Office claim fee, at least (₪)"),
        "execution_check_fee_percent": _("Bounced check execution fee (%)"),
        "execution_check_fee_min_agorot": _("Bounced check execution fee, at least (₪)"),
        "lawyer_fee_percent": _("Lawyer's fee (% of the debt)"),
        "lawyer_fee_min_agorot": _("Lawyer's fee, at least (₪)"),
        "agency_fee_percent": _("Collection agency fee (% of the debt)"),
        "agency_fee_min_agorot": _("Collection agency fee, at least (₪)"),
    }


class NegotiationRulesPage(Unsaved, QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.form = ValidatedForm()
        self.grace = self.form.add_field("grace_days", _("Days an instalment may be late "
                                                         "before the settlement is breached"),
                                         QSpinBox())
        self.grace.setRange(0, 60)
        self.business_days = self.form.add_field(
            "business_days", "", QCheckBox(_("Instalment dates keep off Fridays, Saturdays "
                                             "and holidays (moved to the next business day)")))
        self.fields: dict[str, QWidget] = {}
        for name, label in rule_labels().items():
            if name.endswith(("_days", "_years", "_months")):
                widget = QSpinBox()
                widget.setRange(0, 365)
            else:
                widget = ltr_edit()
            self.fields[name] = self.form.add_field(name, label, widget)
        note = QLabel(_("Fees are estimates to compare the routes, not a quote. Check the "
                        "current caps and fees before you file."))
        note.setWordWrap(True)
        # A long form: it scrolls on a small screen, and Save stays in view below it.
        layout.addWidget(scrolling(self.form, note), 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.save_button = QPushButton(_("Save negotiation settings"))
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self.status = QLabel()
        layout.addWidget(self.status)

    def load(self) -> None:
        self.grace.setValue(settlements.grace_days())
        self.business_days.setChecked(settlements.on_business_days())
        rules = load_legal_rules()
        for name, widget in self.fields.items():
            value = getattr(rules, name)
            if isinstance(widget, QSpinBox):
                widget.setValue(value)
            else:
                widget.setText(plain(value) if name.endswith("_agorot") else str(value))
        self.form.clear_errors()
        self.status.clear()
        self.mark_clean()

    def discard(self) -> None:
        self.load()

    def _value(self, name: str, widget: QWidget):
        if isinstance(widget, QSpinBox):
            return widget.value()
        if not name.endswith("_agorot"):
            return widget.text().strip()
        return field_amount(widget.text(), name)

    def save(self) -> bool:
        try:
            rules = dataclasses.replace(LegalRules(), **{
                name: self._value(name, widget) for name, widget in self.fields.items()})
            rules.validate()
            settlements.save_grace_days(self.grace.value())
            settlements.save_on_business_days(self.business_days.isChecked())
            save_legal_rules(rules)
        except GviaError as exc:
            self.form.show_error(exc)
            return False
        self.form.clear_errors()
        self.mark_clean()
        self.status.setText(_("Saved."))
        saved_and_announced(self, events.SETTINGS)
        return True
