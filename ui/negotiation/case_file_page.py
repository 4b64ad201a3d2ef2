"""The case file page (תיק הכנה): the figures to know before talking to the debtor — what is
open and how old, lifetime purchases and payments, payment behaviour, the contact log
and the tactics seen, the cost of collection against the debt and the client's value, and
a keep-as-client or treat-as-debtor indicator with its reasons — and the records only this
file keeps: disputes and claims, relationships, collection expenses. Printable as a PDF.
At the top, the next collection step as the dunning engine words it (CaseFile.next_step).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.collection.case_file import CaseFile, NextStep, build_case_file
from models.common.errors import GviaError
from models.contact.contact_log import TACTICS, label
from models.negotiation import negotiations as ng
from models.prevention.policy import days_text
from ui import events
from ui.i18n import _, ngettext
from ui.widgets.date_edit import DateEdit as date_edit, pydate, qdate
from ui.negotiation.settlement_dialogs import ltr_edit
from ui.widgets import clock
from ui.widgets.dialogs import ErrorHook, FormDialog
from ui.widgets.display import amounts_text, auto_dir, date_text, ltr, money_text
from ui.widgets.list_model import Column, ListTableModel
from ui.widgets.scroll import scrolling
from ui.widgets.table_view import GviaTableView

REFRESHING = {events.NEGOTIATION, events.PAYMENTS, events.INVOICES, events.CONTACT_LOG,
              events.LETTERS, events.SETTINGS, events.CLIENTS, events.DATABASE}


def _plain(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.PlainText)  # client text never becomes markup
    label.setWordWrap(True)
    return label


def percent_text(value) -> str:
    return "—" if value is None else ltr(f"{value}%")


def next_step_text(step: NextStep) -> str:
    """The engine's next step in a line or two: the step and its state, why, the invoices."""
    line = (_("Next step: {step} ({state}) — {reason}").format(
                step=step.name, state=step.state_name, reason=step.reason) if step.name
            else _("Next step: {state} — {reason}").format(state=step.state_name,
                                                          reason=step.reason))
    numbers = step.invoice_numbers
    if numbers:
        line += "\n" + ngettext("Invoice it covers: {numbers}", "Invoices it covers: {numbers}",
                                len(numbers)).format(numbers=", ".join(ltr(n) for n in numbers))
    return line


def summary_rows(case: CaseFile) -> list[tuple[str, list[tuple[str, str]]]]:
    """The case file's figures as (section, [(caption, value)]) for the screen."""
    cost = case.cost
    promises = case.promises
    tactics = ", ".join(f"{label(TACTICS, code)} ({n})"
                        for code, n in case.contacts.tactics.items())
    return [
        (_("The debt"), [
            (_("Open balance"), amounts_text(case.open_agorot) or money_text(0)),
            (_("Overdue"), amounts_text(case.overdue_agorot) or money_text(0)),
            (_("Oldest overdue"), days_text(case.oldest_overdue_days)
             if case.oldest_overdue_days else "—"),
            (_("Disputed invoices"), str(len(case.disputed_invoices))),
        ]),
        (_("Payment behaviour"), [
            (_("Invoiced (lifetime)"), amounts_text(case.invoiced_agorot) or money_text(0)),
            (_("Paid"), amounts_text(case.paid_agorot) or money_text(0)),
            (_("Average days late"), "—" if case.average_days_late is None
             else ltr(f"{case.average_days_late:.1f}")),
            (_("Paid late"), "—" if case.share_paid_late is None
             else ltr(f"{case.share_paid_late:.0%}")),
            (_("Last payment"), date_text(case.last_payment_date) or "—"),
            (_("Promises kept / broken"), ltr(f"{promises.kept} / {promises.broken}")),
            (_("Bounced checks"), str(len(case.bounced_checks))),
        ]),
        (_("Contact log"), [
            (_("Entries"), str(case.contacts.entries)),
            (_("Last contact"), date_text(case.contacts.last_contact.date())
             if case.contacts.last_contact else "—"),
            (_("Tactics seen"), tactics or "—"),
        ]),
        (_("Cost of collection"), [
            (_("Time"), _("{minutes} minutes = {amount}").format(
                minutes=cost.minutes, amount=money_text(cost.time_agorot))),
            (_("Expenses"), amounts_text(cost.expenses_agorot) or money_text(0)),
            (_("Total"), money_text(cost.total_agorot)),
            (_("Of the debt"), percent_text(cost.share_of_debt_percent)),
            (_("Of the client's value (lifetime paid)"), percent_text(cost.share_of_value_percent)),
        ]),
    ]


def record_columns() -> list[Column]:
    return [
        Column(lambda: _("Date"), lambda r: date_text(r.record_date), lambda r: r.record_date),
        Column(lambda: _("Kind"), lambda r: r.kind_name),
        Column(lambda: _("Subject"), lambda r: auto_dir(r.subject)),
        Column(lambda: _("Status"), lambda r: r.status_name),
        Column(lambda: _("Notes"), lambda r: auto_dir(r.notes)),
    ]


def relation_columns() -> list[Column]:
    return [
        Column(lambda: _("Side"), lambda r: ng.RELATION_SIDES[r.side]),
        Column(lambda: _("Name"), lambda r: auto_dir(r.name)),
        Column(lambda: _("Role"), lambda r: ng.RELATION_ROLES[r.role]),
        Column(lambda: _("Notes"), lambda r: auto_dir(r.notes)),
    ]


def expense_columns() -> list[Column]:
    return [
        Column(lambda: _("Date"), lambda e: date_text(e.expense_date), lambda e: e.expense_date),
        Column(lambda: _("Amount"), lambda e: money_text(e.amount_agorot, e.currency),
               lambda e: e.amount_agorot, is_amount=True),
        Column(lambda: _("Description"), lambda e: auto_dir(e.description)),
    ]


def _choices(options: dict) -> QComboBox:
    box = QComboBox()
    for code, name in options.items():
        box.addItem(name, code)
    return box


class CaseRecordDialog(FormDialog):
    changes = (events.NEGOTIATION,)

    def __init__(self, client_id: int, parent=None):
        super().__init__(_("Dispute, complaint or claim"), parent)
        self.client_id = client_id
        self.kind = self.form.add_field("kind", _("Kind"), _choices(ng.CASE_RECORD_KINDS))
        self.record_date = self.form.add_field("record_date", _("Date"), date_edit())
        self.record_date.setDate(qdate(clock.today()))
        self.subject = self.form.add_field("subject", _("Subject"), QLineEdit())
        self.status = self.form.add_field("status", _("Status"), _choices(ng.CASE_RECORD_STATUSES))
        self.notes = self.form.add_field("notes", _("Notes"), QLineEdit())
        self.resize(480, 300)

    def _save(self) -> None:
        ng.add_case_record(self.client_id, self.kind.currentData(), pydate(self.record_date.date()),
                           self.subject.text(), status=self.status.currentData(),
                           notes=self.notes.text())


class RelationDialog(FormDialog):
    changes = (events.NEGOTIATION,)

    def __init__(self, client_id: int, parent=None):
        super().__init__(_("Relationship"), parent)
        self.client_id = client_id
        self.side = self.form.add_field("side", _("Side"), _choices(ng.RELATION_SIDES))
        self.name = self.form.add_field("name", _("Name"), QLineEdit())
        self.role = self.form.add_field("role", _("Role"), _choices(ng.RELATION_ROLES))
        self.notes = self.form.add_field("notes", _("Notes"), QLineEdit())
        self.resize(440, 260)

    def _save(self) -> None:
        ng.add_relation(self.client_id, self.side.currentData(), self.name.text(),
                        self.role.currentData(), self.notes.text())


class ExpenseDialog(FormDialog):
    changes = (events.NEGOTIATION,)

    def __init__(self, client_id: int, parent=None):
        super().__init__(_("Collection expense"), parent)
        self.client_id = client_id
        self.expense_date = self.form.add_field("expense_date", _("Date"), date_edit())
        self.expense_date.setDate(qdate(clock.today()))
        self.amount = self.form.add_field("amount", _("Amount (₪)"), ltr_edit())
        self.description = self.form.add_field("description", _("Description"), QLineEdit())
        self.resize(440, 220)

    def _save(self) -> None:
        ng.add_expense(self.client_id, pydate(self.expense_date.date()), self.amount.text(),
                       self.description.text())


class CaseFilePage(ErrorHook, QWidget):
    def __init__(self, client_id: int, parent=None):
        super().__init__(parent)
        self.client_id = client_id
        self.case: CaseFile | None = None
        column = QVBoxLayout(self)
        self.next_step = _plain()
        column.addWidget(self.next_step)
        top = QHBoxLayout()
        self.verdict = _plain()
        font = self.verdict.font()
        font.setBold(True)
        self.verdict.setFont(font)
        self.print_button = QPushButton(_("Print case file…"))
        self.print_button.clicked.connect(self.print_case_file)
        top.addWidget(self.verdict, 1)
        top.addWidget(self.print_button)
        column.addLayout(top)
        self.reasons = _plain()
        self.summary = QWidget()
        self.summary_grid = QHBoxLayout(self.summary)
        self.summary_grid.setContentsMargins(0, 0, 0, 0)
        # The reasons and figures scroll on a small screen; the lists stay in view.
        column.addWidget(scrolling(self.reasons, self.summary, stretch=False))
        self.lists = QTabWidget()
        self.records, self.records_view = self._list(
            _("Disputes and claims"), record_columns(), "case_records",
            [(_("Add…"), lambda: CaseRecordDialog.ask(self.client_id, parent=self)),
             (_("Mark resolved"), lambda: self.set_record_status("resolved")),
             (_("Mark closed"), lambda: self.set_record_status("closed"))])
        self.relations, self.relations_view = self._list(
            _("Relationships"), relation_columns(), "case_relations",
            [(_("Add…"), lambda: RelationDialog.ask(self.client_id, parent=self)),
             (_("Remove"), self.remove_relation)])
        self.expenses, _view = self._list(
            _("Collection expenses"), expense_columns(), "case_expenses",
            [(_("Add…"), lambda: ExpenseDialog.ask(self.client_id, parent=self))])
        column.addWidget(self.lists, 1)
        self.refresh()
        events.events.data_changed.connect(self._on_data_changed)

    def _list(self, title: str, columns, key: str, actions) -> tuple[ListTableModel, GviaTableView]:
        page = QWidget()
        inner = QVBoxLayout(page)
        row = QHBoxLayout()
        for text, slot in actions:
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        inner.addLayout(row)
        model = ListTableModel(columns, lambda item: item.id, self)
        view = GviaTableView(key)
        view.setModel(model)
        inner.addWidget(view, 1)
        self.lists.addTab(page, title)
        return model, view

    @staticmethod
    def _selected(model: ListTableModel, view: GviaTableView):
        rows = view.selectionModel().selectedRows()
        return model.item_at(rows[0].row()) if rows else None

    def set_record_status(self, status: str) -> None:
        record = self._selected(self.records, self.records_view)
        if record is not None:
            self._apply(lambda: ng.update_case_record(record.id, status=status))

    def remove_relation(self) -> None:
        relation = self._selected(self.relations, self.relations_view)
        if relation is not None:
            self._apply(lambda: ng.remove_relation(relation.id))

    def _apply(self, work) -> None:
        try:
            work()
        except GviaError as exc:
            self.show_error(str(exc))
            return
        events.announce(events.NEGOTIATION)

    def refresh(self) -> None:
        self.case = case = build_case_file(self.client_id, clock.today())
        self.next_step.setText(next_step_text(case.next_step))
        self.verdict.setText(_("Indicator: {verdict}").format(verdict=case.indicator.verdict_name))
        reasons = ([_("To keep as a client: {reasons}").format(
                        reasons=" ".join(case.indicator.keep_reasons))]
                   if case.indicator.keep_reasons else [])
        if case.indicator.debtor_reasons:
            reasons.append(_("To treat as a debtor: {reasons}").format(
                reasons=" ".join(case.indicator.debtor_reasons)))
        if case.limitation_warning:
            reasons.append(case.limitation_warning)
        self.reasons.setText("\n".join(reasons))
        while self.summary_grid.count():
            item = self.summary_grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for title, rows in summary_rows(case):
            box = QGroupBox(title)
            grid = QGridLayout(box)
            grid.setVerticalSpacing(2)
            for n, (caption, value) in enumerate(rows):
                grid.addWidget(_plain(caption), n, 0)
                grid.addWidget(_plain(value), n, 1)
            self.summary_grid.addWidget(box)
        self.records.set_items(ng.case_records(self.client_id))
        self.relations.set_items(ng.relations(self.client_id))
        self.expenses.set_items(ng.expenses(self.client_id))

    def _on_data_changed(self, kinds: frozenset) -> None:
        if kinds & REFRESHING:
            try:
                self.refresh()
            except GviaError:
                pass  # the client is gone (a restore replaced the file): the card closes

    def pdf_path(self):
        """Write the case file for printing; the path, or None.

        An internal working paper rebuilt on demand, not evidence: it goes to the private
        print folder (removed when the app exits), not into the letters archive, whose
        files are never replaced. The PDF window saves a copy wherever the user wants."""
        from models.db.outputs import print_file, write_output
        from reports.case_file_pdf import write_case_file_pdf

        path = print_file(f"case-file-{self.client_id}-{clock.today():%Y-%m-%d}.pdf")
        today = clock.today()
        try:
            write_output(path, lambda partial: write_case_file_pdf(self.client_id, today,
                                                                   partial))
        except GviaError as exc:
            self.show_error(str(exc))
            return None
        return path

    def print_case_file(self) -> None:
        from ui.negotiation.pdf_dialog import PdfDialog

        path = self.pdf_path()
        if path is not None:
            PdfDialog.show_file(path, _("Case file"), parent=self)
