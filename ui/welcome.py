"""First start: a short welcome that asks for the business profile (the letters are
signed with it) and offers a way to begin — empty, with demo data, or by importing files.

Demo data and imports run on a pool thread with a progress bar and a cancel button;
both write in one transaction, so a cancel leaves nothing half-written.
"""
from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from models.common.errors import GviaError
from models.common.terms import COMMON_TERMS
from models.db.settings import BUSINESS_TYPES, load_profile, save_profile
from models.prevention.profile_rules import validate_profile
from ui import events
from ui.background import run_in_background
from ui.clients.client_form import ltr_line_edit
from ui.i18n import _
from ui.widgets import clock
from ui.widgets.dialogs import GviaDialog
from ui.widgets.forms import ValidatedForm
from ui.widgets.labels import business_type_label

DEMO_CLIENTS, DEMO_INVOICES = 60, 400


class OperationCancelled(GviaError):
    """The user pressed Cancel; the work's transaction is rolled back."""


def needs_welcome() -> bool:
    return not load_profile().is_set_up


class WelcomeDialog(GviaDialog):
    finished_work = Signal(str)  # a Hebrew summary of what demo data / import added

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Welcome to Gvia"))
        self._cancel = threading.Event()
        self.result_text = ""
        layout = QVBoxLayout(self)
        intro = QLabel(_("Gvia keeps your clients, invoices and payments, shows who owes what "
                         "and for how long, and prepares the letters. First, a few details "
                         "about your business: they appear on every letter."))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.form = ValidatedForm()
        self.name = self.form.add_field("name", _("Business name"), QLineEdit())
        self.business_type = self.form.add_field("business_type", _("Business type"),
                                                 QComboBox())
        for code in BUSINESS_TYPES:
            self.business_type.addItem(business_type_label(code), code)
        self.business_type.setCurrentIndex(self.business_type.findData("licensed"))
        self.tax_id = self.form.add_field("tax_id", _("ID / company number"), ltr_line_edit())
        self.phone = self.form.add_field("phone", _("Phone"), ltr_line_edit())
        self.email = self.form.add_field("email", _("E-mail"), ltr_line_edit())
        self.address = self.form.add_field("address", _("Address"), QLineEdit())
        self.city = self.form.add_field("city", _("City"), QLineEdit())
        self.default_terms = self.form.add_field("default_terms", _("Usual payment terms"),
                                                 QComboBox())
        self.default_terms.setEditable(True)
        for terms in COMMON_TERMS:
            self.default_terms.addItem(terms)
        layout.addWidget(self.form)

        start = QGroupBox(_("How would you like to start?"))
        grid = QGridLayout(start)
        self.empty_button = QPushButton(_("Start with an empty ledger"))
        self.demo_button = QPushButton(_("Load demo data to look around"))
        self.import_button = QPushButton(_("Import clients and invoices (CSV / Excel)…"))
        self.empty_button.clicked.connect(self.start_empty)
        self.demo_button.clicked.connect(self.load_demo)
        self.import_button.clicked.connect(self.import_data)
        grid.addWidget(self.empty_button, 0, 0)
        grid.addWidget(self.demo_button, 0, 1)
        grid.addWidget(self.import_button, 1, 0, 1, 2)
        layout.addWidget(start)

        work = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self._cancel.set)
        work.addWidget(self.progress, 1)
        work.addWidget(self.cancel_button)
        layout.addLayout(work)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("welcome_message")
        layout.addWidget(self.message)
        self.close_buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.close_buttons.rejected.connect(self.reject)
        layout.addWidget(self.close_buttons)
        self._set_busy(False)
        self.resize(560, 620)

    # ---- the profile ----------------------------------------------------------------

    def save_profile(self) -> bool:
        """Validate and store the profile (keeping settings the welcome does not ask)."""
        current = load_profile()
        values = {"name": self.name.text(), "business_type": self.business_type.currentData(),
                  "tax_id": self.tax_id.text(), "phone": self.phone.text(),
                  "email": self.email.text(), "address": self.address.text(),
                  "city": self.city.text(), "default_terms": self.default_terms.currentText(),
                  "eom_reading": current.eom_reading,
                  "aging_buckets": ",".join(str(b) for b in current.aging_buckets)}
        try:
            profile = validate_profile(values)
        except GviaError as exc:
            self.form.show_error(exc)
            return False
        self.form.clear_errors()
        save_profile(profile)
        events.announce(events.SETTINGS)
        return True

    # ---- the ways to start ----------------------------------------------------------

    def start_empty(self) -> None:
        if self.save_profile():
            self.accept()

    def load_demo(self) -> None:
        if not self.save_profile():
            return
        from models.demo.generator import make_demo

        as_of = clock.today()
        self._run(lambda progress: make_demo(clients=DEMO_CLIENTS, invoices=DEMO_INVOICES,
                                             seed=1, as_of=as_of, progress=progress),
                  lambda counts: _("Demo data loaded: {clients} clients, {invoices} invoices, "
                                   "{payments} payments.").format(**counts))

    def choose_import_files(self) -> dict[str, Path] | None:
        """Ask for the files (a test replaces this). Keys: clients, invoices, payments."""
        chosen = {}
        for kind, title in (("clients", _("Clients file (optional)")),
                            ("invoices", _("Invoices file (optional)")),
                            ("payments", _("Payments file (optional)"))):
            path, _filter = QFileDialog.getOpenFileName(
                self, title, "", _("Spreadsheets (*.csv *.xlsx)"))
            if path:
                chosen[kind] = Path(path)
        return chosen or None

    def import_data(self) -> None:
        if not self.save_profile():
            return
        files = self.choose_import_files()
        if not files:
            return
        from models.exchange.importing import ImportFailed, import_files

        def work(progress):
            try:
                return import_files(**files, progress=progress,
                                    is_cancelled=self._cancel.is_set)
            except ImportFailed as failed:
                raise GviaError(failed.report()) from None

        self._run(work, lambda result: result.summary())

    def _run(self, work, describe) -> None:
        self._cancel.clear()
        self._set_busy(True)
        self.message.setText(_("Working…"))

        def with_cancel(report):
            def progress(done: int, total: int) -> None:
                if self._cancel.is_set():
                    raise OperationCancelled(_("Cancelled; nothing was written."))
                report(done, total)
            return work(progress)

        run_in_background(with_cancel, owner=self,
                          on_done=lambda result: self._done(describe(result)),
                          on_error=self._failed, on_progress=self._progressed)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setValue(int(done * 100 / total) if total else 0)

    def _done(self, text: str) -> None:
        self._set_busy(False)
        self.progress.setValue(100)
        self.result_text = text
        self.message.setText(text)
        events.announce(events.DATABASE)
        self.finished_work.emit(text)
        self.close_buttons.button(QDialogButtonBox.Close).setText(_("Start working"))

    def _failed(self, text: str) -> None:
        self._set_busy(False)
        self.progress.setValue(0)
        self.message.setText(text)
        self.finished_work.emit(text)

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy or self.progress.value() > 0)
        self.cancel_button.setVisible(busy)
        for button in (self.empty_button, self.demo_button, self.import_button):
            button.setEnabled(not busy)
        self.close_buttons.setEnabled(not busy)

    def reject(self) -> None:
        if self.cancel_button.isVisible():
            return  # work is running: Cancel stops it first
        super().reject()

    @classmethod
    def ask(cls, parent=None) -> bool:
        """Show the welcome; True when a profile was saved."""
        dialog = cls(parent)
        dialog.exec()
        return load_profile().is_set_up
