"""The settlement page of the client's negotiation tab: pick or start a settlement, shape
the draft (discount, down payment, instalments, agreed and open points) while the screen
warns when the proposal crosses the limits set beforehand, sign it, print the agreement
and the meeting summary, record the instalments as they arrive, see a breach (written to
the contact log when first shown) and reinstate the settlement after one."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.common.errors import GviaError
from models.common.money import parse_amount
from models.negotiation import settlements
from models.negotiation.negotiations import Proposal, latest_negotiation, limit_warnings
from models.negotiation.settlement_status import (
    SettlementStatus,
    line_state_name,
    record_breaches,
    record_waiver,
    settlement_status,
)
from ui import events
from ui.i18n import _, ngettext
from ui.negotiation import settlement_dialogs as sd
from ui.widgets import clock, dialogs
from ui.widgets.date_edit import DateEdit
from ui.widgets.dialogs import ErrorHook
from ui.widgets.display import date_text, ltr, money_text
from ui.widgets.forms import alert_label
from ui.widgets.labels import payment_method_label
from ui.widgets.list_model import Column, ListTableModel
from ui.widgets.scroll import scrolling
from ui.widgets.table_view import GviaTableView
from ui.widgets.saved import saved_and_announced
from ui.widgets.unsaved import Unsaved, confirm_leave

REFRESHING = {events.NEGOTIATION, events.PAYMENTS, events.INVOICES, events.DATABASE}


def schedule_columns(currency: str) -> list[Column]:
    return [
        Column(lambda: _("No."), lambda s: _("Down payment") if s.line.seq == 0
               else ltr(str(s.line.seq)), lambda s: s.line.seq),
        Column(lambda: _("Due"), lambda s: date_text(s.line.due_date), lambda s: s.line.due_date),
        Column(lambda: _("Amount"), lambda s: money_text(s.line.amount_agorot, currency),
               lambda s: s.line.amount_agorot, is_amount=True),
        Column(lambda: _("Paid"), lambda s: money_text(s.paid_agorot, currency)
               if s.paid_agorot else "", lambda s: s.paid_agorot, is_amount=True),
        Column(lambda: _("State"), lambda s: line_state_name(s.state), lambda s: s.state),
        Column(lambda: _("Method"), lambda s: s.method_text),
    ]


class _Row:
    """A schedule line with its method and check number, for the table."""

    def __init__(self, status, instalment):
        self.line, self.paid_agorot, self.state = status.line, status.paid_agorot, status.state
        if instalment is None:
            self.method_text = ""
        else:
            check = f" {ltr(instalment.check_number)}" if instalment.check_number else ""
            self.method_text = payment_method_label(instalment.method) + check


class SettlementPage(Unsaved, ErrorHook, QWidget):
    """The terms typed in a draft and not yet saved ("Recalculate instalments") survive
    whatever else is done on the page (a point added, an instalment edited, limits saved):
    the page reloads from the ledger and puts the typed terms back. Leaving the draft
    (another settlement, signing, printing, the card closed) asks to save them first."""
    letter_ready = Signal(object)  # the archived letter's BatchResult

    def __init__(self, client_id: int, parent=None):
        super().__init__(parent)
        self.client_id = client_id
        self.current: SettlementStatus | None = None
        self._saving_terms = False  # a refresh after "Recalculate" shows what was stored
        self._build()
        self.refresh()
        events.events.data_changed.connect(self._on_data_changed)

    # ---- hooks tests replace --------------------------------------------------------

    def show_letter(self, result) -> None:
        from ui.negotiation.pdf_dialog import PdfDialog

        PdfDialog.show_file(result.archive_path, result.kind, parent=self)

    # ---- layout ---------------------------------------------------------------------

    def _build(self) -> None:
        column = QVBoxLayout(self)
        top = QHBoxLayout()
        self.picker = QComboBox()
        self.picker.setMinimumWidth(320)
        self.picker.currentIndexChanged.connect(lambda *_a: self._picked())
        self.new_button = QPushButton(_("New settlement…"))
        self.new_button.clicked.connect(self.new_settlement)
        label = QLabel(_("Settlement:"))
        label.setBuddy(self.picker)
        top.addWidget(label)
        top.addWidget(self.picker)
        top.addWidget(self.new_button)
        top.addStretch(1)
        column.addLayout(top)
        self.state = QLabel()
        self.state.setWordWrap(True)
        font = self.state.font()
        font.setBold(True)
        self.state.setFont(font)
        column.addWidget(self.state)
        self.warnings = alert_label()
        column.addWidget(self.warnings)
        middle = QHBoxLayout()
        middle.addWidget(self._build_terms(), 2)
        middle.addWidget(self._build_points(), 3)
        # The terms scroll on a small screen; the schedule and the buttons stay in view.
        column.addWidget(scrolling(middle, stretch=False))
        self.schedule_model = ListTableModel(schedule_columns("ILS"), lambda r: r.line.seq, self)
        self.schedule_view = GviaTableView("settlement_schedule")
        self.schedule_view.setModel(self.schedule_model)
        self.schedule_view.row_opened.connect(lambda *_a: self.edit_instalment())
        # Three instalments in view however small the screen (the terms scroll instead).
        self.schedule_view.setMinimumHeight(
            self.schedule_view.horizontalHeader().sizeHint().height()
            + 3 * self.schedule_view.verticalHeader().defaultSectionSize() + 4)
        column.addWidget(self.schedule_view, 1)
        column.addLayout(self._build_actions())

    def _build_terms(self) -> QGroupBox:
        box = QGroupBox(_("Terms"))
        form = QFormLayout(box)
        form.setVerticalSpacing(4)
        self.debt = QLabel()
        self.agreement_date = DateEdit()
        self.discount = sd.ltr_edit()
        self.down_payment = sd.ltr_edit()
        self.down_date = DateEdit()
        self.count = QSpinBox()
        self.count.setRange(1, 120)
        self.first_date = DateEdit()
        self.method = sd.method_box()
        self.replan_button = QPushButton(_("Recalculate instalments"))
        self.replan_button.clicked.connect(self.replan)
        for text, widget in ((_("Debt acknowledged"), self.debt),
                             (_("Discount (₪)"), self.discount),
                             (_("Down payment (₪)"), self.down_payment),
                             (_("Down payment on"), self.down_date),
                             (_("Instalments"), self.count),
                             (_("First instalment on"), self.first_date),
                             (_("Paid by"), self.method), ("", self.replan_button)):
            form.addRow(text, widget)
        for edit in (self.discount, self.down_payment):
            edit.textChanged.connect(lambda *_a: self.update_warnings())
        self.count.valueChanged.connect(lambda *_a: self.update_warnings())
        self.first_date.dateChanged.connect(lambda *_a: self.update_warnings())
        return box

    def _build_points(self) -> QGroupBox:
        box = QGroupBox(_("Points of the agreement (tick when agreed)"))
        column = QVBoxLayout(box)
        self.points = QListWidget()
        self.points.itemChanged.connect(self._point_toggled)
        column.addWidget(self.points, 1)
        self.open_points = QLabel()
        self.open_points.setWordWrap(True)
        column.addWidget(self.open_points)
        row = QHBoxLayout()
        self.point_text = QLineEdit()
        self.point_text.setPlaceholderText(_("A point to agree on, e.g. who pays the bank fees"))
        self.point_text.returnPressed.connect(self.add_point)
        self.add_point_button = QPushButton(_("Add point"))
        self.add_point_button.clicked.connect(self.add_point)
        self.remove_point_button = QPushButton(_("Remove"))
        self.remove_point_button.clicked.connect(self.remove_point)
        row.addWidget(self.point_text, 1)
        row.addWidget(self.add_point_button)
        row.addWidget(self.remove_point_button)
        column.addLayout(row)
        return box

    def _build_actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.edit_button = QPushButton(_("Edit instalment…"))
        self.edit_button.setToolTip(_("Date, amount, method and check number of the chosen "
                                      "instalment (also by double-click)"))
        self.sign_button = QPushButton(_("Sign…"))
        self.pay_button = QPushButton(_("Record instalment payment…"))
        self.waiver_button = QPushButton(_("Forgive the discount"))
        self.agreement_button = QPushButton(_("Print agreement…"))
        self.summary_button = QPushButton(_("Meeting summary…"))
        self.reinstate_button = QPushButton(_("Reinstate settlement…"))
        self.reinstate_button.setToolTip(_("The settlement is breached until you reinstate "
                                           "it; a late payment alone does not."))
        self.cancel_button = QPushButton(_("Cancel settlement…"))
        self.delete_button = QPushButton(_("Delete draft"))
        for button, slot in ((self.edit_button, self.edit_instalment),
                             (self.sign_button, self.sign), (self.pay_button, self.record_payment),
                             (self.waiver_button, self.forgive_discount),
                             (self.agreement_button, lambda: self.print_letter("settlement")),
                             (self.summary_button, lambda: self.print_letter("meeting-summary")),
                             (self.reinstate_button, self.reinstate),
                             (self.cancel_button, self.cancel), (self.delete_button, self.delete)):
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        return row

    # ---- showing --------------------------------------------------------------------

    def refresh(self, select_id: int | None = None, *, keep_typed: bool = True) -> None:
        keep = select_id or self.selected_id()
        typed = self._typed_terms() if keep_typed and self.is_dirty() else None
        self.picker.blockSignals(True)
        self.picker.clear()
        today = clock.today()
        for s in settlements.client_settlements(self.client_id):
            state = settlement_status(s.id, today).state_name
            self.picker.addItem(_("{date} · {amount} · {state}").format(
                date=date_text(s.agreement_date), amount=money_text(s.settled_agorot, s.currency),
                state=state), s.id)
        index = self.picker.findData(keep) if keep else 0
        self.picker.setCurrentIndex(max(index, 0))
        self.picker.blockSignals(False)
        self.show_selected()
        if typed is not None and self._shown_id() == typed[0]:
            self._put_back_terms(typed[1])

    # ---- unsaved terms --------------------------------------------------------------

    def _term_widgets(self) -> tuple:
        return (self.agreement_date, self.discount, self.down_payment, self.down_date,
                self.count, self.first_date, self.method)

    def _shown_id(self) -> int | None:
        """The settlement whose terms the form shows (the picker may have moved on)."""
        return self.current.settlement.id if self.current is not None else None

    def _is_draft(self) -> bool:
        return self.current is not None and self.current.settlement.status == "draft"

    def unsaved_state(self):
        if not self._is_draft():
            return {}
        return {w: w.currentIndex() if w is self.method else w.text()
                for w in self._term_widgets()}

    def _typed_terms(self) -> tuple[int | None, dict]:
        return self._shown_id(), self.unsaved_state()

    def _put_back_terms(self, values: dict) -> None:
        if not self._is_draft():
            return  # signed or cancelled meanwhile: its terms are final
        for widget, value in values.items():
            if widget is self.method:
                widget.setCurrentIndex(value)
            elif widget is self.count:
                widget.setValue(int(value))
            else:
                widget.setText(value)
        self.update_warnings()

    def save(self) -> bool:
        """Store the typed terms (as "Recalculate instalments" does)."""
        return self.replan()

    def discard(self) -> None:
        self.refresh(keep_typed=False)

    def _picked(self) -> None:
        """Another settlement chosen in the list: the typed terms of the draft on screen
        are saved, discarded, or the choice is undone."""
        shown = self._shown_id()
        if shown is not None and shown != self.selected_id() and self.is_dirty():
            chosen = self.selected_id()
            self._select_quietly(shown)
            if not confirm_leave(self):
                return
            self._select_quietly(chosen)
        self.show_selected()

    def _select_quietly(self, settlement_id: int) -> None:
        self.picker.blockSignals(True)
        self.picker.setCurrentIndex(max(self.picker.findData(settlement_id), 0))
        self.picker.blockSignals(False)

    def selected_id(self) -> int | None:
        return self.picker.currentData()

    def show_selected(self) -> None:
        sid = self.selected_id()
        self.current = settlement_status(sid, clock.today()) if sid else None
        if self.current is not None and self.current.state == "breached":
            self._log_breach()
        s = self.current.settlement if self.current else None
        is_draft = bool(s) and s.status == "draft"
        if s is None:
            self.state.setText(_("No settlement yet. Start one from the invoices that make up "
                                 "the debt."))
            self.schedule_model.set_items([])
            self.points.clear()
            self.open_points.setVisible(False)
        else:
            self._show_terms(s)
            self._show_points(s, is_draft)
            self._show_schedule(s)
            text = _("State: {state}.").format(state=self.current.state_name)
            step = self.current.next_step
            self.state.setText(f"{text} {step}" if step else text)
        for widget in (self.agreement_date, self.discount, self.down_payment, self.down_date,
                       self.count, self.first_date, self.method, self.replan_button,
                       self.point_text, self.add_point_button, self.remove_point_button,
                       self.delete_button, self.sign_button, self.edit_button):
            widget.setEnabled(is_draft)
        state = self.current.state if self.current else ""
        self.pay_button.setEnabled(bool(s) and s.status == "signed" and state != "completed")
        self.waiver_button.setEnabled(state == "completed" and bool(s.discount_agorot)
                                      and not s.waiver_credit_note_id
                                      and self.current.covered_open_agorot > 0)
        self.reinstate_button.setEnabled(state == "breached")
        self.cancel_button.setEnabled(bool(s) and s.status != "cancelled")
        for button in (self.agreement_button, self.summary_button):
            button.setEnabled(bool(s) and s.status != "cancelled")
        self.update_warnings()
        self.mark_clean()  # the terms as stored

    def _show_terms(self, s) -> None:
        self.debt.setText(money_text(s.debt_agorot, s.currency))
        self.agreement_date.setDate(s.agreement_date)
        lines = settlements.instalments(s.id)
        widgets = (self.discount, self.down_payment, self.count, self.first_date, self.down_date)
        for w in widgets:
            w.blockSignals(True)
        self.discount.setText(sd.amount_text(s.discount_agorot) if s.discount_agorot else "")
        self.down_payment.setText(sd.amount_text(s.down_payment_agorot)
                                  if s.down_payment_agorot else "")
        self.down_date.setDate(s.down_payment_date or s.agreement_date)
        self.count.setValue(max(1, len(lines)))
        self.first_date.setDate(lines[0].due_date if lines
                                else settlements.instalment_dates(s.agreement_date, 2)[1])
        if lines:
            self.method.setCurrentIndex(max(self.method.findData(lines[0].method), 0))
        for w in widgets:
            w.blockSignals(False)

    def _show_points(self, s, is_draft: bool) -> None:
        self.points.blockSignals(True)
        self.points.clear()
        for point in settlements.points(s.id):
            item = QListWidgetItem(point.text)
            item.setData(Qt.UserRole, point.id)
            flags = Qt.ItemIsEnabled | Qt.ItemIsSelectable
            item.setFlags(flags | Qt.ItemIsUserCheckable if is_draft else flags)
            item.setCheckState(Qt.Checked if point.is_agreed else Qt.Unchecked)
            self.points.addItem(item)
        self.points.blockSignals(False)
        left = sum(1 for p in settlements.points(s.id) if not p.is_agreed)
        self.open_points.setText(ngettext(
            "{n} point still open: the settlement cannot be signed until it is agreed.",
            "{n} points still open: the settlement cannot be signed until every point is agreed.",
            left).format(n=left) if left else "")
        self.open_points.setVisible(bool(left))

    def _show_schedule(self, s) -> None:
        by_seq = {l.seq: l for l in settlements.instalments(s.id)}
        self.schedule_model.columns = schedule_columns(s.currency)
        self.schedule_model.set_items([_Row(status, by_seq.get(status.line.seq))
                                       for status in self.current.tracking.lines])
        self.schedule_view.resizeColumnsToContents()

    def proposal(self) -> Proposal | None:
        """What the form puts on the table now (typed, not yet recalculated)."""
        if self.current is None:
            return None
        s = self.current.settlement
        try:
            discount = parse_amount(self.discount.text()) if self.discount.text().strip() else 0
        except GviaError:
            return None
        first = self.first_date.date()
        if first is None:
            return None
        last = settlements.instalment_dates(first, self.count.value())[-1]
        return Proposal(s.debt_agorot - discount, self.count.value(), last,
                        debt_agorot=s.debt_agorot)

    def update_warnings(self) -> None:
        negotiation = self._negotiation()
        proposal = self.proposal()
        warnings = (limit_warnings(negotiation, proposal)
                    if negotiation is not None and proposal is not None else [])
        self.warnings.setText("\n".join(_("Beyond your limits: {warning}").format(warning=w)
                                        for w in warnings))
        self.warnings.setVisible(bool(warnings))

    def _negotiation(self):
        """The limits this settlement answers to: its own negotiation, else the client's
        latest — only when it is in the settlement's currency."""
        if self.current is None:
            return None
        s = self.current.settlement
        negotiation = s.negotiation if s.negotiation_id else latest_negotiation(self.client_id)
        return negotiation if negotiation and negotiation.currency == s.currency else None

    def _log_breach(self) -> None:
        """A breach is evidence: the first time it is seen, it goes to the contact log."""
        try:
            written = record_breaches(clock.today(), client_id=self.client_id)
        except GviaError:
            return  # a ledger opened read-only: shown, written by the writer
        if written:
            events.announce(events.CONTACT_LOG)

    def _on_data_changed(self, kinds: frozenset) -> None:
        if kinds & REFRESHING:
            try:
                self.refresh(keep_typed=not self._saving_terms)
            except GviaError:
                pass  # the client is gone (a restore replaced the file): the card closes

    # ---- actions --------------------------------------------------------------------

    def _run(self, work) -> bool:
        try:
            work()
        except GviaError as exc:
            self.show_error(str(exc))
            return False
        saved_and_announced(self, *sd.CHANGES)
        return True

    def new_settlement(self) -> None:
        if not confirm_leave(self):
            return
        created = sd.NewSettlementDialog.ask(self.client_id, parent=self)
        if created:
            self.refresh(select_id=created)

    def replan(self) -> bool:
        sid = self._shown_id()

        def work():
            settlements.revise_draft(
                sid, agreement_date=self.agreement_date.required_date(),
                discount_agorot=self.discount.text(),
                down_payment_agorot=self.down_payment.text(),
                down_payment_date=self.down_date.required_date(),
                instalment_count=self.count.value(), first_date=self.first_date.required_date(),
                method=self.method.currentData())
        self._saving_terms = True
        try:
            return self._run(work)
        finally:
            self._saving_terms = False

    def add_point(self) -> bool:
        text = self.point_text.text()
        if self._run(lambda: settlements.add_point(self.selected_id(), text)):
            self.point_text.clear()
            return True
        return False

    def remove_point(self) -> None:
        item = self.points.currentItem()
        if item is not None:
            self._run(lambda: settlements.remove_point(item.data(Qt.UserRole)))

    def _point_toggled(self, item: QListWidgetItem) -> None:
        self._run(lambda: settlements.set_point_agreed(item.data(Qt.UserRole),
                                                       item.checkState() == Qt.Checked))

    def edit_instalment(self) -> None:
        rows = self.schedule_view.selectionModel().selectedRows()
        row = self.schedule_model.item_at(rows[0].row()) if rows else None
        s = self.current.settlement if self.current else None
        if row is None or s is None or s.status != "draft" or row.line.seq == 0:
            return
        try:
            sd.InstalmentDialog.ask(s.id, row.line.seq, parent=self)
        except GviaError as exc:
            self.show_error(str(exc))

    def sign(self) -> None:
        if not confirm_leave(self):  # sign the terms on screen, not older ones
            return
        sd.SignDialog.ask(self.selected_id(), parent=self)

    def record_payment(self) -> None:
        sd.InstalmentPaymentDialog.ask(self.selected_id(), parent=self)

    def cancel(self) -> None:
        sd.CancelSettlementDialog.ask(self.selected_id(), parent=self)

    def reinstate(self) -> None:
        sd.ReinstateSettlementDialog.ask(self.selected_id(), parent=self)

    def forgive_discount(self) -> None:
        self._run(lambda: record_waiver(self.selected_id(), clock.today()))

    def delete(self) -> None:
        if dialogs.confirm(self, _("Delete draft"), _("Delete this draft settlement?")):
            self._run(lambda: settlements.delete_draft(self._shown_id()))

    def print_letter(self, kind: str) -> None:
        from reports.batch import produce_letters

        if not confirm_leave(self):  # print the terms on screen, not older ones
            return
        try:
            result = produce_letters(kind, [self.client_id], clock.today(), strict=True)
        except GviaError as exc:
            self.show_error(str(exc))
            return
        events.announce(events.LETTERS, events.CONTACT_LOG)
        self.letter_ready.emit(result)
        self.show_letter(result)
