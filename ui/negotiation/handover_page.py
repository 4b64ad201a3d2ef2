"""Hand-over options (העברה לטיפול): each route — small claims, a liquidated-amount claim at
the Execution Office, executing a bounced check, a lawyer, a collection agency — with what
it needs (met or missing), its estimated cost against the debt, the limitation warning, a
reminder when the negotiation's limits did not allow a legal hand-over, and the dossier
for whoever takes the case over. At the top, whether hand-over is due: the dunning
engine's answer (models.collection.case_file.next_step), with its reason, so the page and
the plan never disagree; the routes are the engine's (ClientStep.routes)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from models.collection.case_file import NextStep, next_step
from models.collection.handover import HandoverOption, limitation_warning
from models.common.errors import GviaError
from models.negotiation.negotiations import latest_negotiation, step_warnings
from ui import events
from ui.i18n import _
from ui.widgets import clock
from ui.widgets.dialogs import ErrorHook
from ui.widgets.display import date_text, ltr, money_text
from ui.widgets.list_model import Column, ListTableModel
from ui.widgets.table_view import GviaTableView

REFRESHING = {events.NEGOTIATION, events.PAYMENTS, events.INVOICES, events.LETTERS,
              events.SETTINGS, events.CLIENTS, events.CONTACT_LOG, events.DATABASE}


def needs_text(option: HandoverOption) -> str:
    return "; ".join(("✓ " if r.is_met else "✗ ") + r.text for r in option.requirements)


def option_columns() -> list[Column]:
    return [
        Column(lambda: _("Route"), lambda o: o.name),
        Column(lambda: _("Open to you"), lambda o: _("Yes") if o.is_available else _("No"),
               lambda o: o.is_available),
        Column(lambda: _("Estimated cost"), lambda o: money_text(o.estimated_cost_agorot),
               lambda o: o.estimated_cost_agorot, is_amount=True),
        Column(lambda: _("Of the debt"), lambda o: ltr(f"{o.cost_share_percent}%")
               if o.cost_share_percent is not None else "", lambda o: o.cost_share_percent or 0),
        Column(lambda: _("What it needs"), needs_text, tooltip=needs_text),
    ]


def due_text(step: NextStep) -> str:
    """Whether hand-over is the step to take now, in the engine's words."""
    if step.is_handover_due:
        return _("Hand-over is the next step: {reason}").format(reason=step.reason)
    if step.step == "handover" and step.step_date is not None:  # waiting for its day
        return _("Hand-over is not due yet: it is the next step, from {date}.").format(
            date=date_text(step.step_date))
    if step.name:
        return _("Hand-over is not due yet. The next step is {step}: {reason}").format(
            step=step.name, reason=step.reason)
    return _("Hand-over is not due: {reason}").format(reason=step.reason)


class HandoverPage(ErrorHook, QWidget):
    def __init__(self, client_id: int, parent=None):
        super().__init__(parent)
        self.client_id = client_id
        column = QVBoxLayout(self)
        self.due = QLabel()
        self.due.setWordWrap(True)
        self.due.setTextFormat(Qt.PlainText)
        font = self.due.font()
        font.setBold(True)
        self.due.setFont(font)
        column.addWidget(self.due)
        self.limitation = QLabel()
        self.limitation.setWordWrap(True)
        self.limitation.setTextFormat(Qt.PlainText)
        column.addWidget(self.limitation)
        self.model = ListTableModel(option_columns(), lambda o: hash(o.code), self)
        self.view = GviaTableView("handover_options")
        self.view.setModel(self.model)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._show_details())
        column.addWidget(self.view, 1)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.PlainText)
        column.addWidget(self.details)
        row = QHBoxLayout()
        self.dossier_button = QPushButton(_("Hand-over dossier…"))
        self.dossier_button.setToolTip(_("One PDF with the case file, every invoice and payment, "
                                         "the letters sent and the whole contact log"))
        self.dossier_button.clicked.connect(self.make_dossier)
        row.addWidget(self.dossier_button)
        row.addStretch(1)
        column.addLayout(row)
        self.refresh()
        events.events.data_changed.connect(self._on_data_changed)

    def refresh(self) -> None:
        today = clock.today()
        self.step = step = next_step(self.client_id, today)
        self.due.setText(due_text(step))
        warnings = [w for w in (limitation_warning(self.client_id, today),) if w]
        warnings += step_warnings(latest_negotiation(self.client_id), ("allow_legal",))
        self.limitation.setText("\n".join(warnings))
        self.limitation.setVisible(bool(warnings))
        self.model.set_items(step.routes())  # the engine's routes, listed whatever the step
        self.view.resizeColumnsToContents()
        self._show_details()

    def _show_details(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        option = self.model.item_at(rows[0].row()) if rows else None
        if option is None:
            self.details.setText(_("Choose a route to see what it needs."))
            return
        lines = [option.name] + [("✓ " if r.is_met else "✗ ") + r.text for r in option.requirements]
        lines += option.notes + [option.cost_note]
        self.details.setText("\n".join(lines))

    def _on_data_changed(self, kinds: frozenset) -> None:
        if kinds & REFRESHING:
            try:
                self.refresh()
            except GviaError:
                pass  # the client is gone (a restore replaced the file): the card closes

    def dossier(self):
        from reports.dossier import write_dossier_pdf

        try:
            path = write_dossier_pdf(self.client_id, clock.today(), None)
        except (GviaError, OSError) as exc:
            self.show_error(str(exc))
            return None
        events.announce(events.LETTERS, events.CONTACT_LOG)
        return path

    def make_dossier(self) -> None:
        from ui.negotiation.pdf_dialog import PdfDialog

        path = self.dossier()
        if path is not None:
            PdfDialog.show_file(path, _("Hand-over dossier"), parent=self)
