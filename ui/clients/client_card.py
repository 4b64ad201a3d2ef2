"""The client card: who they are (editable, validated), their contact persons, their
invoices and payments with open amounts, days overdue and where each payment went, the
contact log (timeline, promises) and the letters sent, and a strip with their payment
behaviour and promises kept and broken. Everything a call or a letter needs, on one window.

The status is changed only through the status dialog (models.contact.client_status), which
leaves a trail in the log; the details form shows it read-only."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.common.errors import GviaError
from models.contact.bounces import reason_text
from models.contact.promises import PromiseCounts, client_promise_counts
from models.db.concurrency import EditedElsewhereError
from models.ledger import services
from models.queries.client_list import (
    CreditNoteLine,
    InvoiceLine,
    PaymentLine,
    client_credit_notes,
    client_invoices,
    client_payments,
    contact_persons,
    get_payment,
)
from models.queries.statistics import ClientStatistics, client_statistics
from ui import events, style
from ui.clients.client_form import ClientForm, ltr_line_edit
from ui.collection.log_dialog import LogContactDialog
from ui.collection.status_dialog import StatusDialog
from ui.collection.timeline import ClientTimelineWidget
from ui.i18n import _
from ui.invoices import actions as invoice_actions
from ui.invoices.invoice_dialog import InvoiceDialog
from ui.letters.client_letters import ClientLettersWidget
from ui.negotiation.negotiation_tab import NegotiationTab
from ui.payments.bounce import BounceDialog
from ui.payments.payment_dialog import PaymentDialog
from ui.prevention.deposits_tab import DepositsTab
from ui.prevention.terms_guide import TermsGuideDialog
from ui.style import OVERDUE, invoice_state_colour, state_colour
from ui.widgets import clock, dialogs
from ui.widgets.dialogs import GviaDialog
from ui.widgets.display import amounts_text, auto_dir, date_text, ltr, money_text
from ui.widgets.forms import ValidatedForm
from ui.widgets.labels import (
    client_kind_label,
    client_status_label,
    payment_method_label,
)
from ui.widgets.list_model import Column, ListTableModel
from ui.widgets.persist import screen_share
from ui.widgets.scroll import scrolling
from ui.widgets.table_view import GviaTableView
from ui.widgets.saved import saved_and_announced
from ui.widgets.unsaved import Unsaved, confirm_leave, guard_tabs

REFRESHING_KINDS = {events.CLIENTS, events.INVOICES, events.PAYMENTS, events.SETTINGS,
                    events.CONTACT_LOG, events.DATABASE}


def invoice_columns() -> list[Column]:
    return [
        Column(lambda: _("Number"), lambda i: ltr(i.number), lambda i: i.number),
        Column(lambda: _("Issued"), lambda i: date_text(i.issue_date), lambda i: i.issue_date),
        Column(lambda: _("Due"), lambda i: date_text(i.due_date), lambda i: i.due_date),
        Column(lambda: _("Amount"), lambda i: money_text(i.amount_agorot, i.currency),
               lambda i: i.amount_agorot, is_amount=True),
        Column(lambda: _("Paid"), lambda i: money_text(i.paid_agorot, i.currency),
               lambda i: i.paid_agorot, is_amount=True),
        Column(lambda: _("Open"), lambda i: money_text(i.open_agorot, i.currency)
               if i.open_agorot else "", lambda i: i.open_agorot, is_amount=True),
        Column(lambda: _("Days overdue"), lambda i: ltr(str(i.days_overdue))
               if i.days_overdue else "", lambda i: i.days_overdue, is_amount=True,
               foreground=lambda i: invoice_state_colour(i.state)),
        Column(lambda: _("State"), lambda i: i.state_text, lambda i: i.state,
               foreground=lambda i: invoice_state_colour(i.state)),
        Column(lambda: _("Description"), lambda i: auto_dir(i.description),
               tooltip=lambda i: i.description, stretch=True),
    ]


def applied_text(line: PaymentLine | CreditNoteLine) -> str:
    return "; ".join(_("{number}: {amount}").format(number=ltr(number),
                                                    amount=money_text(amount, line.currency))
                     for number, amount in line.applied_to)


def payment_details(line: PaymentLine) -> str:
    parts = []
    if line.check_number:
        parts.append(_("check {number}").format(number=ltr(line.check_number)))
    if line.check_date and line.check_date > line.date:
        parts.append(_("dated {date}").format(date=date_text(line.check_date)))
    if line.reference:
        parts.append(ltr(line.reference))
    return ", ".join(parts)


def bounce_text(line: PaymentLine) -> str:
    """A check that came back: "DD/MM/YYYY – reason (fee ₪25.00)"; '' for any other."""
    if not line.bounced_date:
        return ""
    text = date_text(line.bounced_date)
    reason = reason_text(line.bounce_reason, line.bounce_note)
    if reason:
        text = _("{date} – {reason}").format(date=text, reason=auto_dir(reason))
    if line.bounce_fee_agorot:
        text += " " + _("(fee {amount})").format(amount=money_text(line.bounce_fee_agorot))
    return text


def bounce_tooltip(line: PaymentLine) -> str:
    """The fee line's number too: the debt it added, as the invoices tab lists it."""
    if not line.bounce_fee_number:
        return bounce_text(line)
    return _("{bounce}; the fee was added to the debt as {number}.").format(
        bounce=bounce_text(line), number=ltr(line.bounce_fee_number))


BOUNCED_COLUMN = 4  # in payment_columns


def payment_columns() -> list[Column]:
    return [
        Column(lambda: _("Date"), lambda p: date_text(p.date), lambda p: p.date),
        Column(lambda: _("Amount"), lambda p: money_text(p.amount_agorot, p.currency),
               lambda p: p.amount_agorot, is_amount=True),
        Column(lambda: _("Method"), lambda p: payment_method_label(p.method), lambda p: p.method),
        Column(lambda: _("Details"), payment_details,
               foreground=lambda p: state_colour(OVERDUE) if p.bounced_date else None),
        Column(lambda: _("Bounced"), bounce_text, lambda p: p.bounced_date or dt.date.min,
               tooltip=bounce_tooltip,
               foreground=lambda p: state_colour(OVERDUE) if p.bounced_date else None),
        Column(lambda: _("Applied to"), applied_text, tooltip=applied_text, stretch=True),
        Column(lambda: _("Credit on account"), lambda p: money_text(p.credit_agorot, p.currency)
               if p.credit_agorot else "", lambda p: p.credit_agorot, is_amount=True),
        # Who recorded it (an office's signed-in person); nothing for payments made before.
        Column(lambda: _("By"), lambda p: auto_dir(p.created_by), lambda p: p.created_by),
    ]


def credit_note_columns() -> list[Column]:
    return [
        Column(lambda: _("Number"), lambda n: ltr(n.number), lambda n: n.number),
        Column(lambda: _("Date"), lambda n: date_text(n.date), lambda n: n.date),
        Column(lambda: _("Amount"), lambda n: money_text(n.amount_agorot, n.currency),
               lambda n: n.amount_agorot, is_amount=True),
        Column(lambda: _("Currency"), lambda n: ltr(n.currency), lambda n: n.currency),
        Column(lambda: _("Reason"), lambda n: auto_dir(n.reason), lambda n: n.reason,
               tooltip=lambda n: n.reason),
        Column(lambda: _("Applied to"), applied_text, tooltip=applied_text, stretch=True),
        Column(lambda: _("Credit on account"), lambda n: money_text(n.credit_agorot, n.currency)
               if n.credit_agorot else "", lambda n: n.credit_agorot, is_amount=True),
    ]


def contact_columns() -> list[Column]:
    return [
        Column(lambda: _("Name"), lambda c: auto_dir(c.name), lambda c: c.name, stretch=True),
        Column(lambda: _("Role"), lambda c: auto_dir(c.role), lambda c: c.role),
        Column(lambda: _("Phone"), lambda c: ltr(c.phone), lambda c: c.phone),
        Column(lambda: _("E-mail"), lambda c: ltr(c.email), lambda c: c.email),
    ]


class SummaryStrip(QFrame):
    """Lifetime invoiced, paid, open; average days late, share paid late, last payment."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFrameShape(QFrame.StyledPanel)
        grid = QGridLayout(self)
        self.values: dict[str, QLabel] = {}
        titles = [("invoiced", _("Invoiced (lifetime)")), ("paid", _("Paid")),
                  ("open", _("Open balance")), ("late_days", _("Average days late")),
                  ("late_share", _("Paid late")), ("last_payment", _("Last payment")),
                  ("promises", _("Promises kept / broken"))]
        for column, (key, title) in enumerate(titles):
            caption = QLabel(title)
            value = QLabel()
            value.setObjectName(f"summary_{key}")
            value.setFont(style.scaled_font(value.font(), style.KPI_SMALL_SCALE, bold=True))
            value.setTextInteractionFlags(Qt.TextSelectableByMouse)
            grid.addWidget(caption, 0, column)
            grid.addWidget(value, 1, column)
            self.values[key] = value

    def show_statistics(self, stats: ClientStatistics) -> None:
        self.values["invoiced"].setText(amounts_text(stats.invoiced_agorot) or money_text(0))
        self.values["paid"].setText(amounts_text(stats.paid_agorot) or money_text(0))
        self.values["open"].setText(amounts_text(stats.open_agorot) or money_text(0))
        self.values["late_days"].setText(
            ltr(f"{stats.average_days_late:.1f}") if stats.average_days_late is not None else "—")
        share = stats.share_paid_late
        self.values["late_share"].setText(ltr(f"{share:.0%}") if share is not None else "—")
        self.values["last_payment"].setText(date_text(stats.last_payment_date) or "—")

    def show_promises(self, counts: PromiseCounts) -> None:
        """Kept / broken as models.contact.promises counts them, with the pending ones after them."""
        text = ltr(f"{counts.kept} / {counts.broken}")
        if counts.pending:
            text += " " + _("({count} pending)").format(count=counts.pending)
        self.values["promises"].setText(text)


class DetailsPage(Unsaved, QWidget):
    """The card's details tab: what is typed there and not saved is kept while the card
    reloads (an invoice added, a payment recorded), and closing the card or leaving the
    tab asks to save it first."""

    def __init__(self, card: "ClientCard"):
        super().__init__()
        self.card = card

    def save(self) -> bool:
        return self.card.save_details()

    def discard(self) -> None:
        self.card.load_details(services.get_client(self.card.client_id))
        self.card.form.status.setEnabled(False)


class ClientCard(GviaDialog):
    def __init__(self, client_id: int, parent=None):
        super().__init__(parent)
        self.client_id = client_id
        self.setAttribute(Qt.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setFont(style.title_font(self.title.font()))
        self.subtitle = QLabel()
        heading = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        heading.addLayout(titles, 1)
        self.log_button = QPushButton(_("Log contact…"))
        self.log_button.clicked.connect(self.log_contact)
        self.status_button = QPushButton(_("Change status…"))
        self.status_button.clicked.connect(self.change_status)
        self.guide_button = QPushButton(_("Payment terms guide…"))
        self.guide_button.clicked.connect(self.open_terms_guide)
        heading.addWidget(self.guide_button, 0, Qt.AlignBottom)
        heading.addWidget(self.log_button, 0, Qt.AlignBottom)
        heading.addWidget(self.status_button, 0, Qt.AlignBottom)
        layout.addLayout(heading)
        self.summary = SummaryStrip()
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self._build_details()
        self._build_contacts()
        self._build_invoices()
        self._build_payments()
        self.deposits = DepositsTab(self.client_id)
        self.tabs.addTab(self.deposits, _("Deposits"))
        self._build_collection()
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self._gone = False  # the client no longer exists: closed without asking
        guard_tabs(self.tabs)
        guard_tabs(self.negotiation.pages)
        # As tall as a laptop's screen allows (up to 720): the tabs hold long pages.
        self.resize(screen_share(self, 1000, 720, share=1.0))
        self.refresh()
        events.events.data_changed.connect(self._on_data_changed)

    # ---- tabs -----------------------------------------------------------------------

    def _build_details(self) -> None:
        page = self.details = DetailsPage(self)
        column = QVBoxLayout(page)
        self.form = ClientForm()
        # The form is long: it scrolls on a small screen, and Save stays in view below it.
        column.addWidget(scrolling(self.form), 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.save_button = QPushButton(_("Save changes"))
        self.save_button.clicked.connect(self.save_details)
        row.addWidget(self.save_button)
        column.addLayout(row)
        self.tabs.addTab(page, _("Details"))

    def _build_contacts(self) -> None:
        page = QWidget()
        column = QVBoxLayout(page)
        self.contacts_model = ListTableModel(contact_columns(), lambda c: c.id, self)
        self.contacts_view = GviaTableView("card_contacts")
        self.contacts_view.setModel(self.contacts_model)
        column.addWidget(self.contacts_view, 1)
        self.contact_form = ValidatedForm()
        self.contact_name = self.contact_form.add_field("name", _("Name"), QLineEdit())
        self.contact_role = self.contact_form.add_field("role", _("Role"), QLineEdit())
        self.contact_phone = self.contact_form.add_field("phone", _("Phone"), ltr_line_edit())
        self.contact_email = self.contact_form.add_field("email", _("E-mail"), ltr_line_edit())
        column.addWidget(self.contact_form)
        add = QPushButton(_("Add contact person"))
        add.clicked.connect(self.add_contact)
        column.addWidget(add, 0, Qt.AlignLeading)
        self.tabs.addTab(page, _("Contact persons"))

    def _build_invoices(self) -> None:
        page = QWidget()
        column = QVBoxLayout(page)
        buttons = QHBoxLayout()
        for text, slot in ((_("New invoice…"), self.new_invoice),
                           (_("Edit…"), self.edit_invoice),
                           (_("Disputed / not disputed"), self.toggle_disputed),
                           (_("Cancel invoice…"), self.cancel_invoice),
                           (_("New credit note…"), self.new_credit_note),
                           (_("Record payment…"), self.record_payment)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.invoices_model = ListTableModel(invoice_columns(), lambda i: i.id, self)
        self.invoices_view = GviaTableView("card_invoices")
        self.invoices_view.setModel(self.invoices_model)
        self.invoices_view.horizontalHeader().setSortIndicator(1, Qt.DescendingOrder)  # issued
        self.invoices_view.setSortingEnabled(True)
        self.invoices_view.row_opened.connect(lambda _index: self.edit_invoice())
        # The credit notes under the invoices they lower: a short list, the invoices keep
        # most of the height (the user may drag the divider).
        notes = QWidget()
        notes_column = QVBoxLayout(notes)
        notes_column.setContentsMargins(0, 0, 0, 0)
        self.credit_notes_title = QLabel()
        self.credit_notes_title.setObjectName("card_credit_notes_title")
        notes_column.addWidget(self.credit_notes_title)
        self.credit_notes_model = ListTableModel(credit_note_columns(), lambda n: n.id, self)
        self.credit_notes_view = GviaTableView("card_credit_notes")
        self.credit_notes_view.setModel(self.credit_notes_model)
        self.credit_notes_view.horizontalHeader().setSortIndicator(1, Qt.DescendingOrder)
        self.credit_notes_view.setSortingEnabled(True)
        notes_column.addWidget(self.credit_notes_view, 1)
        self.invoices_split = QSplitter(Qt.Vertical)
        self.invoices_split.setChildrenCollapsible(False)
        self.invoices_split.addWidget(self.invoices_view)
        self.invoices_split.addWidget(notes)
        self.invoices_split.setStretchFactor(0, 3)
        self.invoices_split.setStretchFactor(1, 1)
        column.addWidget(self.invoices_split, 1)
        self.tabs.addTab(page, _("Invoices"))

    def _build_payments(self) -> None:
        page = QWidget()
        column = QVBoxLayout(page)
        buttons = QHBoxLayout()
        record = QPushButton(_("Record payment…"))
        record.clicked.connect(self.record_payment)
        bounce = QPushButton(_("Bounced check…"))
        bounce.clicked.connect(self.bounce_check)
        buttons.addWidget(record)
        buttons.addWidget(bounce)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.payments_model = ListTableModel(payment_columns(), lambda p: p.id, self)
        self.payments_view = GviaTableView("card_payments")
        self.payments_view.setModel(self.payments_model)
        self.payments_view.horizontalHeader().setSortIndicator(0, Qt.DescendingOrder)  # date
        self.payments_view.setSortingEnabled(True)
        column.addWidget(self.payments_view)
        self.tabs.addTab(page, _("Payments"))

    def _build_collection(self) -> None:
        self.timeline = ClientTimelineWidget(self.client_id)
        self.tabs.addTab(self.timeline, _("Contact log"))
        self.letters = ClientLettersWidget(self.client_id)
        self.tabs.addTab(self.letters, _("Letters"))
        self.negotiation = NegotiationTab(self.client_id)
        self.tabs.addTab(self.negotiation, _("Negotiation and settlement"))

    # ---- data -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the card (one client: a handful of small queries)."""
        try:
            client = services.get_client(self.client_id)
        except GviaError:
            self._gone = True
            self.close()  # the client no longer exists (a restore replaced the file)
            return
        as_of = clock.today()
        self.setWindowTitle(_("Client card: {name}").format(name=auto_dir(client.name)))
        self.title.setText(auto_dir(client.name))
        details = [client_kind_label(client.kind), client_status_label(client.status),
                   _("terms: {terms}").format(terms=services.client_terms(client))]
        if client.tax_id:
            details.append(ltr(client.tax_id))
        self.subtitle.setText(" · ".join(details))
        if self.details.is_dirty():
            # Typed and not saved: kept; only the status (changed elsewhere, logged) moves.
            self.form.status.setCurrentIndex(max(self.form.status.findData(client.status), 0))
            self.details.mark_fields_clean(self.form.status)
            self.loaded["status"] = client.status
        else:
            self.load_details(client)
        # Status changes go through "Change status…" so that each one is logged.
        self.form.status.setEnabled(False)
        self.form.status.setToolTip(_("Use \"Change status…\": every change is logged "
                                      "with its reason."))
        self.summary.show_statistics(client_statistics(self.client_id, as_of))
        self.summary.show_promises(client_promise_counts(as_of, self.client_id))
        self.contacts_model.set_items(contact_persons(self.client_id))
        self.invoices_model.set_items(client_invoices(self.client_id, as_of))
        payments = client_payments(self.client_id)
        self.payments_model.set_items(payments)
        # The "Bounced" column only when a check came back: most clients never have one.
        self.payments_view.setColumnHidden(BOUNCED_COLUMN,
                                           not any(p.bounced_date for p in payments))
        self.show_credit_notes(client_credit_notes(self.client_id))
        self.deposits.refresh()
        for view in (self.contacts_view, self.invoices_view, self.payments_view,
                     self.credit_notes_view):
            header = view.horizontalHeader()
            if view.isSortingEnabled():  # keep the order the user chose
                view.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
            view.resizeColumnsToContents()  # tens of rows: cheap, and nothing is cut off

    def show_credit_notes(self, notes: list[CreditNoteLine]) -> None:
        self.credit_notes_model.set_items(notes)
        self.credit_notes_title.setText(
            _("Credit notes ({count})").format(count=len(notes)) if notes else
            _("Credit notes: none yet. \"New credit note…\" lowers what an invoice owes."))
        self.credit_notes_view.setVisible(bool(notes))

    def _on_data_changed(self, kinds: frozenset) -> None:
        if kinds == {events.CONTACT_LOG}:
            # A log entry or a promise: only the promise counts change here (the timeline
            # reloads itself), and a half-edited details form is left alone.
            self.summary.show_promises(client_promise_counts(clock.today(), self.client_id))
        elif kinds & REFRESHING_KINDS:
            self.refresh()

    def reject(self) -> None:
        """Close, Esc or the window's X: unsaved changes on the card are saved, discarded,
        or the card stays open."""
        if not self._gone and not confirm_leave(self):
            return
        super().reject()

    def done(self, result: int) -> None:
        try:
            events.events.data_changed.disconnect(self._on_data_changed)
        except (RuntimeError, TypeError):  # already disconnected (closed twice)
            pass
        super().done(result)

    def selected_invoice(self) -> InvoiceLine | None:
        rows = self.invoices_view.selectionModel().selectedRows()
        return self.invoices_model.item_at(rows[0].row()) if rows else None

    def selected_payment(self) -> PaymentLine | None:
        rows = self.payments_view.selectionModel().selectedRows()
        return self.payments_model.item_at(rows[0].row()) if rows else None

    # ---- actions --------------------------------------------------------------------

    def load_details(self, client) -> None:
        """The details form as stored; a save is checked against what it shows."""
        self.form.load(client)
        self.loaded = services.client_snapshot(client)
        self.details.mark_clean()

    def save_details(self) -> bool:
        try:
            services.update_client(self.client_id, loaded=self.loaded, **self.form.values())
        except EditedElsewhereError as exc:  # another person saved first: show theirs
            self.form.reload_keeping_typed(
                exc, lambda: self.load_details(services.get_client(self.client_id)))
            return False
        except GviaError as exc:
            self.form.show_error(exc)
            return False
        self.form.clear_errors()
        self.details.mark_clean()  # stored: the reload below shows it as stored
        saved_and_announced(self, events.CLIENTS)
        return True

    def add_contact(self) -> bool:
        try:
            services.add_contact_person(self.client_id, self.contact_name.text(),
                                        self.contact_role.text(), self.contact_phone.text(),
                                        self.contact_email.text())
        except GviaError as exc:
            self.contact_form.show_error(exc)
            return False
        self.contact_form.clear_errors()
        for edit in (self.contact_name, self.contact_role, self.contact_phone,
                     self.contact_email):
            edit.clear()
        saved_and_announced(self, events.CLIENTS)
        return True

    def new_invoice(self) -> None:
        InvoiceDialog.ask(self, client_id=self.client_id)

    def edit_invoice(self) -> None:
        line = self.selected_invoice()
        if line is not None:
            invoice_actions.edit_invoice(self, line)

    def toggle_disputed(self) -> None:
        line = self.selected_invoice()
        if line is not None:
            invoice_actions.toggle_disputed(line)

    def cancel_invoice(self) -> None:
        line = self.selected_invoice()
        if line is not None:
            invoice_actions.cancel_invoice(self, line)

    def new_credit_note(self) -> None:
        invoice_actions.new_credit_note(self, self.selected_invoice(), client_id=self.client_id)

    def record_payment(self) -> None:
        line = self.selected_invoice() if self.tabs.currentIndex() == 2 else None
        PaymentDialog.ask(self, client_id=self.client_id,
                          invoice_id=line.id if line and line.open_agorot > 0 else None)

    def log_contact(self):
        return LogContactDialog.ask(self, client_id=self.client_id)

    def change_status(self):
        return StatusDialog.ask(self, client_id=self.client_id)

    def open_terms_guide(self):
        """The guide recommends terms and a deposit from this client's history; terms it
        saves show here at once."""
        guide = TermsGuideDialog(self.client_id, self)
        guide.exec()
        events.announce(events.CLIENTS)
        return guide

    def bounce_check(self) -> None:
        line = self.selected_payment()
        if line is None:
            return
        if line.method != "check":
            dialogs.show_error(self, _("Only a payment by check can bounce."))
            return
        BounceDialog.ask(get_payment(line.id), self)

    @classmethod
    def open(cls, client_id: int, parent=None) -> "ClientCard":
        """Show the card (non-modal: several cards may be open side by side)."""
        card = cls(client_id, parent)
        card.show()
        card.raise_()
        return card
