"""First start: a welcome in steps that collects everything the letters print — the
business, its address and postal code, how to pay it (bank, branch and account; IBAN and
SWIFT for payments from abroad; Bit), the logo, a scanned signature and who signs — then
shows a sample reminder written with what was typed, and offers a way to begin: empty,
with demo data, or by importing files.

Each step checks its fields when the user moves on (every problem at once, each under its
field, by the rules of the settings: models.prevention.profile_rules); the profile is
stored only when the user starts. Every step scrolls, so the dialog fits a 1280×720
screen with its buttons in view.

Demo data and imports run on a pool thread with a progress bar and a cancel button;
both write in one transaction, so a cancel leaves nothing half-written.
"""
from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from models.common.errors import ErrorCollector, GviaError
from models.common.terms import COMMON_TERMS
from models.db.settings import BUSINESS_TYPES, BusinessProfile, load_profile, save_profile
from models.letters.archive import LetterSettings, load_letter_settings, save_letter_settings
from models.prevention.profile_rules import (
    bank_details_text,
    validate_field,
    validate_profile,
    validate_signer,
)
from ui import events
from ui.background import run_in_background
from ui.clients.client_form import ltr_line_edit
from ui.i18n import _
from ui.settings.image_field import ImageField
from ui.widgets import clock
from ui.widgets.dialogs import GviaDialog
from ui.widgets.forms import FormGroup, ValidatedForm, alert_label
from ui.widgets.labels import business_type_label

DEMO_CLIENTS, DEMO_INVOICES = 60, 400
PREVIEW_KIND = "reminder"

# The fields of each step, in the order they are shown (names as the rules name them).
STEP_FIELDS = (
    ("name", "business_type", "tax_id", "default_terms"),
    ("address", "city", "zip", "phone", "email"),
    ("bank", "branch", "account", "iban", "swift", "bit_phone"),
    ("logo", "signature", "signer_name", "signer_title"),
    (),
)


class OperationCancelled(GviaError):
    """The user pressed Cancel; the work's transaction is rolled back."""


def needs_welcome() -> bool:
    return not load_profile().is_set_up


class WelcomeDialog(GviaDialog):
    finished_work = Signal(str)  # a Hebrew summary of what demo data / import added
    preview_ready = Signal()     # the sample letter is on screen
    step_changed = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Welcome to Gvia"))
        self._cancel = threading.Event()
        self._preview_generation = 0
        self.result_text = ""
        self.forms: list[ValidatedForm] = []
        self.steps = QStackedWidget()
        self.step_title = QLabel()
        font = self.step_title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.step_title.setFont(font)
        self.step_count = QLabel()

        self._build_business_step()
        self._build_address_step()
        self._build_payment_step()
        self._build_letterhead_step()
        self._build_start_step()
        self.form = FormGroup(self.forms)

        self.close_button = QPushButton(_("Close"))
        self.back_button = QPushButton(_("Back"))
        self.next_button = QPushButton(_("Next"))
        self.close_button.setAutoDefault(False)
        self.back_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        navigation = QHBoxLayout()
        navigation.addWidget(self.close_button)
        navigation.addStretch(1)
        navigation.addWidget(self.back_button)
        navigation.addWidget(self.next_button)

        heading = QHBoxLayout()
        heading.addWidget(self.step_title, 1)
        heading.addWidget(self.step_count)
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(self.steps, 1)
        layout.addLayout(navigation)
        self.setMinimumSize(520, 420)
        self.resize(760, 620)
        self.show_step(0)
        self._set_busy(False)

    # ---- building the steps ---------------------------------------------------------

    def _add_step(self, title: str, intro: str, form: ValidatedForm | None = None,
                  extra: QWidget | None = None) -> None:
        page = QWidget()
        column = QVBoxLayout(page)
        text = QLabel(intro)
        text.setWordWrap(True)
        column.addWidget(text)
        if form is not None:
            column.addWidget(form)
            self.forms.append(form)
        if extra is not None:
            column.addWidget(extra, 1)
        else:
            column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setWidget(page)
        scroll.setProperty("step_title", title)
        self.steps.addWidget(scroll)

    def _build_business_step(self) -> None:
        form = ValidatedForm()
        self.name = form.add_field("name", _("Business name"), QLineEdit())
        self.business_type = form.add_field("business_type", _("Business type"), QComboBox())
        for code in BUSINESS_TYPES:
            self.business_type.addItem(business_type_label(code), code)
        self.business_type.setCurrentIndex(self.business_type.findData("licensed"))
        self.tax_id = form.add_field("tax_id", _("ID / company number"), ltr_line_edit())
        self.tax_id.setPlaceholderText("123456782")
        self.default_terms = form.add_field("default_terms", _("Usual payment terms"),
                                            QComboBox())
        self.default_terms.setEditable(True)
        for terms in COMMON_TERMS:
            self.default_terms.addItem(terms)
        self._add_step(_("Your business"), _(
            "Gvia keeps your clients, invoices and payments, shows who owes what and for how "
            "long, and prepares the letters. First, a few details about your business: they "
            "appear on every letter."), form)

    def _build_address_step(self) -> None:
        form = ValidatedForm()
        self.address = form.add_field("address", _("Address"), QLineEdit())
        self.address.setPlaceholderText(_("Street and number"))
        self.city = form.add_field("city", _("City"), QLineEdit())
        self.zip = form.add_field("zip", _("Postal code"), ltr_line_edit())
        self.zip.setPlaceholderText("6100000")
        self.phone = form.add_field("phone", _("Phone"), ltr_line_edit())
        self.phone.setPlaceholderText("03-1234567")
        self.email = form.add_field("email", _("E-mail"), ltr_line_edit())
        self.email.setPlaceholderText("name@example.co.il")
        self._add_step(_("Address and contact"), _(
            "The letterhead shows where to reach you; a client who replies by post needs "
            "the full address with its 7-digit postal code."), form)

    def _build_payment_step(self) -> None:
        form = ValidatedForm()
        self.bank = form.add_field("bank", _("Bank"), QLineEdit())
        self.bank.setPlaceholderText(_("For example: Bank Leumi (10)"))
        self.branch = form.add_field("branch", _("Branch"), ltr_line_edit())
        self.branch.setPlaceholderText("800")
        self.account = form.add_field("account", _("Account number"), ltr_line_edit())
        self.account.setPlaceholderText("123456/78")
        self.iban = form.add_field("iban", _("IBAN (optional)"), ltr_line_edit())
        self.iban.setPlaceholderText("IL62 0108 0000 0009 9999 999")
        self.swift = form.add_field("swift", _("SWIFT / BIC (optional)"), ltr_line_edit())
        self.swift.setPlaceholderText("POALILIT")
        self.bit_phone = form.add_field("bit_phone", _("Phone for Bit (optional)"),
                                        ltr_line_edit())
        self.bit_phone.setPlaceholderText("050-1234567")
        self._add_step(_("Getting paid"), _(
            "Every letter tells the client how to pay you. IBAN and SWIFT are printed in "
            "letters about a debt in a foreign currency, for payment from abroad."), form)

    def _build_letterhead_step(self) -> None:
        form = ValidatedForm()
        self.logo = form.add_field("logo", _("Logo"),
                                   ImageField(_("Choose the logo for the letterhead")))
        self.signature = form.add_field("signature", _("Signature"),
                                        ImageField(_("Choose a scanned signature")))
        self.signer_name = form.add_field("signer_name", _("Signed by"), QLineEdit())
        self.signer_name.setPlaceholderText(_("For example: Dana Levi"))
        self.signer_title = form.add_field("signer_title", _("Signer's title"), QLineEdit())
        self.signer_title.setPlaceholderText(_("For example: owner"))
        for name in ("logo", "signature"):
            field: ImageField = form.fields[name]
            field.refused.connect(lambda text, name=name: self._image_refused(name, text))
            field.changed.connect(lambda _path, name=name: self._image_changed(name))
        self._add_step(_("Logo and signature"), _(
            "Optional. The logo is printed at the top of every letter, a scanned signature "
            "(a PNG or JPEG picture) above the signer's name."), form)

    def _build_start_step(self) -> None:
        from ui.letters.pdf_preview import PdfPreview  # the PDF renderer loads on demand

        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.missing = alert_label()
        self.missing.setObjectName("welcome_missing")
        column.addWidget(self.missing)
        self.preview = PdfPreview(show_actions=False)
        self.preview.setMinimumHeight(220)
        column.addWidget(self.preview, 1)

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
        column.addWidget(start)

        work = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self._cancel.set)
        work.addWidget(self.progress, 1)
        work.addWidget(self.cancel_button)
        column.addLayout(work)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("welcome_message")
        column.addWidget(self.message)
        self._add_step(_("Your letters, and how to start"), _(
            "This is how a reminder to a client will look with your details. Go back to "
            "change anything; everything can also be changed later in Settings."),
            extra=box)

    # ---- moving between the steps ---------------------------------------------------

    def step(self) -> int:
        return self.steps.currentIndex()

    def step_count_total(self) -> int:
        return self.steps.count()

    def show_step(self, index: int) -> None:
        index = max(0, min(index, self.steps.count() - 1))
        self.steps.setCurrentIndex(index)
        page = self.steps.currentWidget()
        self.step_title.setText(page.property("step_title"))
        self.step_count.setText(_("Step {step} of {steps}").format(step=index + 1,
                                                                   steps=self.steps.count()))
        last = index == self.steps.count() - 1
        self.back_button.setEnabled(index > 0)
        self.next_button.setVisible(not last)
        self.next_button.setDefault(not last)
        self.empty_button.setDefault(last)
        if last:
            self.refresh_preview()
        elif index < len(self.forms):
            fields = self.forms[index].fields
            first = next(iter(fields.values()), None)
            if first is not None:
                first.setFocus(Qt.OtherFocusReason)
        self.step_changed.emit(index)

    def go_next(self) -> bool:
        """The next step, once this step's fields are right (else every problem shows)."""
        index = self.step()
        if index < len(self.forms):
            found = self._check_step(index)
            form = self.forms[index]
            form.clear_errors()
            if found:
                form.add_errors(found.errors)
                form.focus_first_error()
                return False
        self.show_step(index + 1)
        return True

    def go_back(self) -> None:
        self.show_step(self.step() - 1)

    # ---- checking -------------------------------------------------------------------

    def _texts(self) -> dict[str, str]:
        """The profile fields as typed, as models.prevention.profile_rules reads them."""
        return {"name": self.name.text(), "business_type": self.business_type.currentData(),
                "tax_id": self.tax_id.text(), "default_terms": self.default_terms.currentText(),
                "address": self.address.text(), "city": self.city.text(),
                "zip": self.zip.text(), "phone": self.phone.text(), "email": self.email.text(),
                "iban": self.iban.text(), "swift": self.swift.text(),
                "bit_phone": self.bit_phone.text()}

    def _check_step(self, index: int) -> ErrorCollector:
        found = ErrorCollector()
        texts = self._texts()
        fields = STEP_FIELDS[index]
        for name in fields:
            if name in texts:
                found.check(validate_field, name, texts[name], texts["business_type"])
        if "bank" in fields:
            found.check(self._bank_details)
        if "signer_name" in fields:
            found.check(validate_signer, self.signer_name.text(), self.signer_title.text())
        return found

    def _bank_details(self) -> str:
        return bank_details_text(self.bank.text(), self.branch.text(), self.account.text())

    def typed_profile(self) -> tuple[BusinessProfile, LetterSettings]:
        """The profile and letter settings as typed in every step (keeping settings the
        welcome does not ask); raises ValidationErrors with every problem of every step."""
        current = load_profile()
        values = {**self._texts(), "eom_reading": current.eom_reading,
                  "aging_buckets": ",".join(str(b) for b in current.aging_buckets),
                  "hourly_rate": ""}
        found = ErrorCollector()
        profile = found.check(validate_profile, values)
        bank = found.check(self._bank_details)
        signer = found.check(validate_signer, self.signer_name.text(), self.signer_title.text())
        found.raise_if_any()
        profile = dataclasses.replace(profile, bank_details=bank,
                                      hourly_rate_agorot=current.hourly_rate_agorot)
        settings = dataclasses.replace(load_letter_settings(), logo_path=self.logo.path(),
                                       signature_path=self.signature.path(),
                                       signer_name=signer[0], signer_title=signer[1])
        return profile, settings

    def missing_for_letters(self, profile: BusinessProfile) -> list[str]:
        """What the letters will print without (shown above the sample, not required)."""
        missing = []
        for value, what in ((profile.tax_id, _("ID / company number")),
                            (profile.address, _("Address")), (profile.city, _("City")),
                            (profile.zip, _("Postal code")), (profile.phone, _("Phone")),
                            (profile.bank_details or profile.bit_phone,
                             _("Bank details or Bit"))):
            if not value:
                missing.append(what)
        return missing

    def _image_refused(self, name: str, text: str) -> None:
        form = self.form.form_of(name)
        form.errors[name].setText(text)
        form.errors[name].setVisible(True)

    def _image_changed(self, name: str) -> None:
        self.form.form_of(name).errors[name].setVisible(False)

    # ---- the sample letter ----------------------------------------------------------

    def refresh_preview(self) -> None:
        """Compose the sample reminder from what was typed, off the UI thread."""
        try:
            profile, settings = self.typed_profile()
        except GviaError as exc:
            self.show_step(self.form.forms.index(self.form.show_error(exc)))
            return
        missing = self.missing_for_letters(profile)
        self.missing.setText(_("The letters will be printed without: {fields}. You can add "
                               "them here or later in Settings.").format(
            fields=", ".join(missing)) if missing else "")
        self.missing.setVisible(bool(missing))
        self._preview_generation += 1
        generation = self._preview_generation
        self.preview.clear(_("Preparing the sample letter…"))
        as_of = clock.today()

        def compose() -> bytes:
            from reports.draft import sample_letter

            return sample_letter(PREVIEW_KIND, as_of, profile=profile, settings=settings)

        def done(data: bytes) -> None:
            if generation == self._preview_generation:
                self.preview.show_pdf_bytes(data, "sample-reminder.pdf")
                self.preview_ready.emit()

        def failed(message: str) -> None:
            if generation == self._preview_generation:
                self.preview.clear(message)

        run_in_background(compose, owner=self, on_done=done, on_error=failed)

    # ---- the profile ----------------------------------------------------------------

    def save_profile(self) -> bool:
        """Validate every step and store the profile and the letterhead; a problem sends
        the user to the first step that has one, with every message shown."""
        try:
            profile, settings = self.typed_profile()
        except GviaError as exc:
            self.show_step(self.form.forms.index(self.form.show_error(exc)))
            return False
        self.form.clear_errors()
        save_profile(profile)
        save_letter_settings(settings)
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
        from PySide6.QtWidgets import QFileDialog

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
        self.show_step(self.steps.count() - 1)
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
        self.close_button.setText(_("Start working"))
        self.close_button.setDefault(True)

    def _failed(self, text: str) -> None:
        self._set_busy(False)
        self.progress.setValue(0)
        self.message.setText(text)
        self.finished_work.emit(text)

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy or self.progress.value() > 0)
        self.cancel_button.setVisible(busy)
        for button in (self.empty_button, self.demo_button, self.import_button,
                       self.close_button, self.back_button):
            button.setEnabled(not busy)
        if not busy:
            self.back_button.setEnabled(self.step() > 0)

    def reject(self) -> None:
        if self.cancel_button.isVisibleTo(self):
            return  # work is running: Cancel stops it first
        super().reject()

    @classmethod
    def ask(cls, parent=None) -> bool:
        """Show the welcome; True when a profile was saved."""
        dialog = cls(parent)
        dialog.exec()
        return load_profile().is_set_up
