"""The payment-terms guide: a step-by-step dialog that explains the kinds of terms in plain
Hebrew, shows on a calendar when an invoice issued today would be due, recommends terms and
a deposit from the client's history (models.prevention.policy) with the reasons and the legal
note, and ends with the terms confirmation for the client to sign (reports).

Steps: 1 the payer and the job → 2 the recommendation → 3 the terms on a calendar →
4 the terms confirmation (saved terms, preview, print).

`TermsGuideDialog(client_id=None)`: without a client (the new-client flow, before the
client is saved) the guide explains and recommends, and `chosen_terms()` gives the result;
the confirmation needs a saved client. No rule lives here: every figure comes from models/.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import (
    QButtonGroup,
    QCalendarWidget,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from models.common.errors import GviaError
from models.common.money import parse_amount
from models.common.terms import Terms, due_date, parse_terms
from models.db.settings import load_profile
from models.ledger import services
from models.prevention.deposits import load_policy
from models.prevention.payment_history import client_history
from models.prevention.policy import (
    PAYER_KINDS,
    PaymentHistory,
    Recommendation,
    exceeds_legal_limit,
    explain_terms,
    legal_note,
    payer_name,
    recommend_terms,
)
from reports.batch import produce_letters
from reports.draft import draft_letter
from ui import events
from ui.i18n import _
from ui.letters.pdf_preview import PdfPreview
from ui.widgets import clock
from ui.widgets.date_edit import DateEdit, qdate, setup_calendar
from ui.widgets.dialogs import GviaDialog
from ui.widgets.display import date_text, money_text

STEPS = 4
TERM_KINDS = ("immediate", "net", "eom", "fixed")


class TermsGuideDialog(GviaDialog):
    terms_saved = Signal(str)        # canonical terms stored on the client
    confirmation_printed = Signal(int)  # pages printed

    def __init__(self, client_id: int | None, parent=None):
        super().__init__(parent)
        self.client_id = client_id
        self.today = clock.today()
        self.policy = load_policy()
        self.profile = load_profile()
        self.client = services.get_client(client_id) if client_id is not None else None
        self.history = (client_history(client_id, self.today) if client_id is not None
                        else PaymentHistory())
        self.recommendation: Recommendation | None = None
        self.setWindowTitle(_("Payment terms guide"))
        self._build()
        self.show_step(0)

    # ---- layout ---------------------------------------------------------------------

    def _build(self) -> None:
        self.step_label = QLabel()
        self.stack = QStackedWidget()
        for build in (self._payer_page, self._recommendation_page, self._terms_page,
                      self._confirmation_page):
            self.stack.addWidget(build())
        self.back_button = QPushButton(_("Back"))
        self.next_button = QPushButton(_("Next"))
        self.close_button = QPushButton(_("Close"))
        self.back_button.clicked.connect(lambda: self.show_step(self.stack.currentIndex() - 1))
        self.next_button.clicked.connect(self.next_step)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.step_label)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self.resize(760, 640)

    def _wrapping_label(self, text: str = "") -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        return label

    def _payer_page(self) -> QWidget:
        page = QWidget()
        intro = self._wrapping_label(_(
            "Clear terms agreed before the work starts prevent most debts. Tell the guide "
            "who pays and how big the job is; it recommends terms and a deposit."))
        self.payer_box = QComboBox()
        for code in PAYER_KINDS:
            self.payer_box.addItem(payer_name(code), code)
        if self.client is not None:
            self.payer_box.setCurrentIndex(self.payer_box.findData(self.client.kind))
        self.job_amount = QLineEdit()
        self.job_amount.setLayoutDirection(Qt.LeftToRight)
        self.job_amount.setPlaceholderText("10,000")
        self.job_error = self._wrapping_label()
        self.job_error.setObjectName("error")
        form = QFormLayout()
        if self.client is not None:
            form.addRow(_("Client:"), QLabel(self.client.name))
            form.addRow(_("History:"), self._wrapping_label(self._history_text()))
        else:
            form.addRow(_("Client:"), QLabel(_("New client")))
        form.addRow(_("Who pays:"), self.payer_box)
        form.addRow(_("Job amount (₪):"), self.job_amount)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.job_error)
        layout.addStretch(1)
        return page

    def _history_text(self) -> str:
        h = self.history
        if h.is_new:
            return _("No settled invoices yet.")
        late = h.average_days_late or 0
        return _("{settled} invoices settled, on average {late:.0f} days late; "
                 "{broken} broken promises, {bounced} bounced checks.").format(
            settled=h.settled_invoices, late=late, broken=h.broken_promises,
            bounced=h.bounced_checks)

    def _recommendation_page(self) -> QWidget:
        page = QWidget()
        self.recommended_terms = QLabel()
        self.recommended_terms.setObjectName("heading")
        self.recommended_deposit = QLabel()
        self.reasons = QListWidget()
        self.reasons.setWordWrap(True)
        self.legal = self._wrapping_label()
        self.legal.setFrameShape(QLabel.StyledPanel)
        form = QFormLayout()
        form.addRow(_("Recommended terms:"), self.recommended_terms)
        form.addRow(_("Deposit before the work starts:"), self.recommended_deposit)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("Why:")))
        layout.addWidget(self.reasons, 1)
        layout.addWidget(self.legal)
        return page

    def _terms_page(self) -> QWidget:
        page = QWidget()
        self.kind_group = QButtonGroup(page)
        self.kind_buttons = {}
        labels = {"immediate": _("Immediate (מיידי)"), "net": _("Net N days (נטו N)"),  # hebrew: terms
                  "eom": _("End of month + N (שוטף + N)"), "fixed": _("A fixed date")}  # hebrew: terms
        self.days_spin = QSpinBox()
        self.days_spin.setRange(1, 120)
        self.days_spin.setValue(30)
        self.fixed_date = DateEdit(self.today + dt.timedelta(days=30))
        choices = QVBoxLayout()
        for code in TERM_KINDS:
            button = QRadioButton(labels[code])
            self.kind_group.addButton(button)
            self.kind_buttons[code] = button
            button.toggled.connect(self.update_calendar)
            choices.addWidget(button)
        days_row = QHBoxLayout()
        days_row.addWidget(QLabel(_("Days (N):")))
        days_row.addWidget(self.days_spin)
        days_row.addWidget(QLabel(_("Fixed date:")))
        days_row.addWidget(self.fixed_date)
        days_row.addStretch(1)
        choices.addLayout(days_row)
        self.days_spin.valueChanged.connect(self.update_calendar)
        self.fixed_date.dateChanged.connect(self.update_calendar)
        self.explanation = self._wrapping_label()
        self.due_label = self._wrapping_label()
        self.limit_warning = self._wrapping_label()
        self.calendar = setup_calendar(QCalendarWidget())  # Sunday first, Fri–Sat weekend
        self._marked: list[QDate] = []
        layout = QVBoxLayout(page)
        layout.addLayout(choices)
        layout.addWidget(self.explanation)
        layout.addWidget(self.calendar, 1)
        layout.addWidget(self.due_label)
        layout.addWidget(self.limit_warning)
        return page

    def _confirmation_page(self) -> QWidget:
        page = QWidget()
        self.summary = self._wrapping_label()
        self.print_button = QPushButton(_("Print terms confirmation…"))
        self.print_button.clicked.connect(self.print_confirmation)
        self.status = self._wrapping_label()
        self.preview = PdfPreview(show_actions=False)
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.preview, 1)
        return page

    # ---- steps ----------------------------------------------------------------------

    def show_step(self, index: int) -> None:
        index = max(0, min(STEPS - 1, index))
        self.stack.setCurrentIndex(index)
        titles = [_("Who pays, and for what"), _("Our recommendation"),
                  _("The terms on a calendar"), _("Terms confirmation")]
        self.step_label.setText(_("Step {n} of {total}: {title}").format(
            n=index + 1, total=STEPS, title=titles[index]))
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < STEPS - 1)

    def next_step(self) -> None:
        index = self.stack.currentIndex()
        if index == 0 and not self.recommend():
            return
        if index == 1:
            self.select_terms(self.recommendation.terms)
        if index == 2:
            self.prepare_confirmation()
        self.show_step(index + 1)

    def payer_kind(self) -> str:
        return self.payer_box.currentData()

    def recommend(self) -> bool:
        text = self.job_amount.text().strip()
        try:
            amount = parse_amount(text) if text else 0
        except GviaError as exc:
            self.job_error.setText(str(exc))
            return False
        self.job_error.clear()
        self.recommendation = recommend_terms(self.history, self.payer_kind(), amount,
                                              self.policy)
        rec = self.recommendation
        self.recommended_terms.setText(rec.terms)
        self.recommended_deposit.setText(
            _("{percent}% ({amount})").format(percent=rec.deposit_percent,
                                              amount=money_text(rec.deposit_agorot))
            if rec.deposit_percent else _("None"))
        self.reasons.clear()
        self.reasons.addItems(rec.reasons)
        self.legal.setText(rec.legal_note)
        self.legal.setVisible(bool(rec.legal_note))
        return True

    def select_terms(self, terms: str) -> None:
        parsed = parse_terms(terms)
        if parsed.days:
            self.days_spin.setValue(parsed.days)
        self.kind_buttons[parsed.kind].setChecked(True)
        self.update_calendar()

    def chosen_kind(self) -> str:
        return next((c for c, b in self.kind_buttons.items() if b.isChecked()), "eom")

    def chosen_terms(self) -> str | None:
        """Canonical terms to store on the client; None for a fixed date (typed per invoice)."""
        kind = self.chosen_kind()
        if kind == "fixed":
            return None
        return str(Terms(kind, 0 if kind == "immediate" else self.days_spin.value()))

    def chosen_due_date(self) -> dt.date:
        terms = self.chosen_terms()
        if terms is None:
            return max(self.fixed_date.valid_date() or self.today, self.today)
        return due_date(self.today, terms, eom_reading=self.profile.eom_reading)

    def update_calendar(self) -> None:
        kind = self.chosen_kind()
        self.days_spin.setEnabled(kind in ("net", "eom"))
        self.fixed_date.setEnabled(kind == "fixed")
        for day in self._marked:
            self.calendar.setDateTextFormat(day, QTextCharFormat())
        terms = self.chosen_terms()
        due = self.chosen_due_date()
        self.explanation.setText(explain_terms(terms) if terms else _(
            "A fixed date: you and the client agree on the day itself; type it on the invoice."))
        issued, marked_due = QTextCharFormat(), QTextCharFormat()
        issued.setFontUnderline(True)
        marked_due.setBackground(self.palette().highlight())
        marked_due.setForeground(self.palette().highlightedText())
        self._marked = [qdate(self.today), qdate(due)]
        self.calendar.setDateTextFormat(self._marked[0], issued)
        self.calendar.setDateTextFormat(self._marked[1], marked_due)
        self.calendar.setSelectedDate(qdate(due))
        days = (due - self.today).days
        self.due_label.setText(_("An invoice issued today ({today}) is due on {due}: "
                                 "{days} days to wait.").format(
            today=date_text(self.today), due=date_text(due), days=days))
        over = terms is not None and exceeds_legal_limit(
            terms, self.payer_kind(), self.policy, self.today, eom_reading=self.profile.eom_reading)
        self.limit_warning.setText(legal_note(self.payer_kind(), self.policy) if over else "")

    def prepare_confirmation(self) -> None:
        terms = self.chosen_terms()
        self.summary.setText(_("Chosen terms: {terms}. The client reads them, signs the "
                               "confirmation and returns it before the work starts.").format(
            terms=terms or date_text(self.chosen_due_date())))
        can_print = self.client_id is not None and terms is not None
        self.print_button.setEnabled(can_print)
        if self.client_id is None:
            self.status.setText(_("Save the client first; the confirmation is printed for a "
                                  "saved client."))
        elif terms is None:
            self.status.setText(_("A fixed date is agreed per invoice; the confirmation states "
                                  "the client's standing terms."))
        else:
            self.status.clear()

    # ---- the confirmation ------------------------------------------------------------

    def save_terms(self) -> str:
        terms = self.chosen_terms()
        services.update_client(self.client_id, terms=terms)
        events.announce(events.CLIENTS)
        self.terms_saved.emit(terms)
        return terms

    def print_confirmation(self) -> int:
        """Store the terms on the client, show the letter, and print it (archived and
        logged like every letter that goes out). Returns the pages printed."""
        try:
            self.save_terms()
            self.preview.show_pdf_bytes(
                draft_letter("terms-confirmation", self.client_id, self.today),
                "terms-confirmation.pdf")
            result = produce_letters("terms-confirmation", [self.client_id], self.today,
                                     strict=True)
        except GviaError as exc:
            self.status.setText(str(exc))
            return 0
        events.announce(events.LETTERS)
        self.preview.show_pdf_file(result.archive_path)
        printed = self.preview.print_document()
        self.status.setText(_("The confirmation was archived with the client's letters.")
                            if not printed else
                            _("Printed {pages} page(s); the confirmation is archived with the "
                              "client's letters.").format(pages=printed))
        self.confirmation_printed.emit(printed)
        return printed
