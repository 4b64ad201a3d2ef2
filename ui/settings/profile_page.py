"""Settings page: the business profile, default terms, the aging buckets, and what the
letters print besides the profile — the logo, a scanned signature and the signer's name and
title (kept in the letter settings, models.letters.archive.LetterSettings).

Every field is checked when the user leaves it and again on save, by the rules in
models.prevention.profile_rules; the Hebrew message appears under the form and the cursor goes
to the field at fault.
"""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from models.common.errors import ValidationError
from models.common.terms import COMMON_TERMS, EOM_DAYS, EOM_MONTHS
from models.db.settings import (
    BUSINESS_TYPES,
    BusinessProfile,
    load_profile,
    save_profile,
)
from models.letters.archive import load_letter_settings, save_letter_settings
from models.letters.images import missing_images
from models.prevention.profile_rules import (
    profile_texts,
    validate_field,
    validate_profile,
    validate_signer,
)
from ui import events
from ui.i18n import _
from ui.settings.image_field import ImageField
from ui.widgets.bidi import path_text
from ui.widgets.labels import business_type_label
from ui.widgets.saved import saved_and_announced
from ui.widgets.unsaved import Unsaved, field_values

LEFT_TO_RIGHT_FIELDS = ("tax_id", "zip", "phone", "email", "bit_phone", "iban", "swift",
                        "hourly_rate", "aging_buckets")


# Said on the page when a chosen image's file is gone (models.letters.images.missing_images).
MISSING_IMAGE = {
    "logo": lambda: _("The logo file {path} was not found: letters are printed without the "
                      "logo until you choose it again."),
    "signature": lambda: _("The signature file {path} was not found: letters are printed "
                           "without the signature until you choose it again."),
}


class ProfilePage(Unsaved, QWidget):
    saved = Signal()          # the profile was stored
    invalid = Signal(str)     # a Hebrew message explaining what is wrong

    def __init__(self, parent=None):
        super().__init__(parent)
        self.fields: dict[str, QWidget] = {}
        self.error_field: str | None = None  # the field the message on screen is about
        self._build()

    # ---- layout ---------------------------------------------------------------------

    def _line(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        if placeholder:
            edit.setPlaceholderText(placeholder)
        if name in LEFT_TO_RIGHT_FIELDS:
            edit.setLayoutDirection(Qt.LeftToRight)  # numbers and addresses read left to right
        edit.editingFinished.connect(lambda: self.check_field(name))
        self.fields[name] = edit
        return edit

    def _combo(self, name: str, items: dict[str, str], editable: bool = False) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        box.setEditable(editable)
        for code, label in items.items():
            box.addItem(label, code)
        self.fields[name] = box
        return box

    def _build(self) -> None:
        business = QGroupBox(_("Business"))
        form = QFormLayout(business)
        form.addRow(_("Business name:"), self._line("name"))
        form.addRow(_("Business type:"), self._combo("business_type", {
            code: business_type_label(code) for code in BUSINESS_TYPES}))
        self.tax_id_label = QLabel()
        form.addRow(self.tax_id_label, self._line("tax_id", "123456782"))
        self.fields["business_type"].currentIndexChanged.connect(self._on_business_type)

        contact = QGroupBox(_("Address and contact"))
        form = QFormLayout(contact)
        form.addRow(_("Address:"), self._line("address"))
        form.addRow(_("City:"), self._line("city"))
        form.addRow(_("Postal code:"), self._line("zip", "6100000"))
        form.addRow(_("Phone:"), self._line("phone", "03-1234567"))
        form.addRow(_("E-mail:"), self._line("email", "name@example.co.il"))

        paid = QGroupBox(_("Getting paid"))
        form = QFormLayout(paid)
        bank = QPlainTextEdit()
        bank.setObjectName("bank_details")
        bank.setPlaceholderText(_("Bank, branch and account number"))
        bank.setFixedHeight(self.fontMetrics().height() * 4)
        self.fields["bank_details"] = bank
        form.addRow(_("Bank details:"), bank)
        form.addRow(_("Phone for Bit:"), self._line("bit_phone", "050-1234567"))
        iban = self._line("iban", "IL62 0108 0000 0009 9999 999")
        iban.setToolTip(_("Printed in letters about a debt in a foreign currency, for payment "
                          "from abroad."))
        form.addRow(_("IBAN:"), iban)
        form.addRow(_("SWIFT / BIC:"), self._line("swift", "POALILIT"))
        form.addRow(_("Hourly rate (₪):"), self._line("hourly_rate", "250"))

        terms = QGroupBox(_("Payment terms and aging"))
        form = QFormLayout(terms)
        terms_box = self._combo("default_terms", {t: t for t in COMMON_TERMS}, editable=True)
        terms_box.lineEdit().editingFinished.connect(lambda: self.check_field("default_terms"))
        form.addRow(_("Default payment terms:"), terms_box)
        form.addRow(_("Reading of \"shotef + N\":"), self._combo("eom_reading", {
            EOM_DAYS: _("End of the month, then N days (shotef+30 from 5/11 = 30/12)"),
            EOM_MONTHS: _("End of the N/30-th following month (shotef+30 from 5/11 = 31/12)"),
        }))
        form.addRow(_("Aging bucket limits (days):"), self._line("aging_buckets", "30,60,90,120"))

        letterhead = QGroupBox(_("Letterhead and signature"))
        form = QFormLayout(letterhead)
        self.logo = ImageField(_("Choose the logo for the letterhead"))
        self.signature = ImageField(_("Choose a scanned signature"))
        self.signer_name = QLineEdit()
        self.signer_name.setObjectName("signer_name")
        self.signer_name.setPlaceholderText(_("For example: Dana Levi"))
        self.signer_title = QLineEdit()
        self.signer_title.setObjectName("signer_title")
        self.signer_title.setPlaceholderText(_("For example: owner"))
        form.addRow(_("Logo:"), self.logo)
        form.addRow(_("Signature:"), self.signature)
        form.addRow(_("Signed by:"), self.signer_name)
        form.addRow(_("Signer's title:"), self.signer_title)
        for image in (self.logo, self.signature):
            image.refused.connect(lambda text: self.show_message(text, error_field="form"))

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("profileMessage")
        self.save_button = QPushButton(_("Save"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)

        inner = QWidget()
        column = QVBoxLayout(inner)
        for group in (business, contact, paid, letterhead, terms):
            column.addWidget(group)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self._on_business_type()

    def _on_business_type(self, *_args) -> None:
        is_company = self.fields["business_type"].currentData() == "company"
        self.tax_id_label.setText(_("Company number:") if is_company
                                  else _("ID / dealer number:"))

    # ---- values ---------------------------------------------------------------------

    def text_of(self, name: str) -> str:
        widget = self.fields[name]
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QComboBox):
            return widget.currentText() if widget.isEditable() else (widget.currentData() or "")
        return widget.text()

    def set_text(self, name: str, value: str) -> None:
        widget = self.fields[name]
        if isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value)
        elif isinstance(widget, QComboBox):
            if widget.isEditable():
                widget.setCurrentText(value)
            else:
                widget.setCurrentIndex(max(0, widget.findData(value)))
        else:
            widget.setText(value)

    def values(self) -> dict[str, str]:
        return {name: self.text_of(name) for name in self.fields}

    def load(self, profile: BusinessProfile | None = None) -> None:
        profile = profile or load_profile()
        for name, text in profile_texts(profile).items():
            if name in self.fields:
                self.set_text(name, text)
        letters = load_letter_settings()
        self.logo.set_path(letters.logo_path)
        self.signature.set_path(letters.signature_path)
        self.signer_name.setText(letters.signer_name)
        self.signer_title.setText(letters.signer_title)
        self.show_message("")
        self.warn_missing_images(letters)
        self.mark_clean()

    def unsaved_state(self) -> dict:
        return {**field_values(self), "logo": self.logo.path(),
                "signature": self.signature.path()}

    def discard(self) -> None:
        self.load()

    def warn_missing_images(self, letters) -> None:
        """A logo or signature chosen before the images were kept in the ledger, whose file
        was since moved or deleted: said here, not left out of the letters unnoticed."""
        missing = missing_images(letters)
        if missing:
            self.show_message(" ".join(MISSING_IMAGE[kind]().format(path=path_text(path))
                                       for kind, path in missing), error_field="form")

    def show_stored_buckets(self) -> None:
        """The aging limits as stored (saved elsewhere, e.g. from the aging screen), leaving
        the rest of what is typed here untouched."""
        self.set_text("aging_buckets", profile_texts(load_profile())["aging_buckets"])
        self.mark_fields_clean(self.fields["aging_buckets"])

    # ---- checking and saving --------------------------------------------------------

    def show_message(self, text: str, *, error_field: str | None = None) -> None:
        self.message.setText(text)
        font = self.message.font()
        font.setBold(bool(error_field))  # a problem stands out from "saved"
        self.message.setFont(font)
        self.error_field = error_field
        if error_field:
            self.invalid.emit(text)

    def _point_at(self, error: ValidationError) -> None:
        self.show_message(str(error), error_field=error.field or "form")
        widget = self.fields.get(error.field) or {"signer_name": self.signer_name,
                                                  "signer_title": self.signer_title}.get(
            error.field)
        if widget is not None:
            widget.setFocus(Qt.OtherFocusReason)
            if isinstance(widget, QLineEdit):
                widget.selectAll()

    def check_field(self, name: str) -> bool:
        """Check one field as the user leaves it; clears an earlier message once fixed."""
        try:
            validate_field(name, self.text_of(name), self.text_of("business_type"))
        except ValidationError as exc:
            self.show_message(str(exc), error_field=name)
            return False
        if self.error_field == name:
            self.show_message("")
        return True

    def save(self) -> bool:
        try:
            profile = validate_profile(self.values())
            signer = validate_signer(self.signer_name.text(), self.signer_title.text())
        except ValidationError as exc:
            self._point_at(exc)
            return False
        try:
            # A chosen logo or signature is taken into the ledger here (its file may
            # have gone since it was chosen: then nothing is saved, and the page says so).
            save_letter_settings(dataclasses.replace(
                load_letter_settings(), logo_path=self.logo.path(),
                signature_path=self.signature.path(), signer_name=signer[0],
                signer_title=signer[1]))
        except ValidationError as exc:
            self.show_message(str(exc), error_field="form")
            return False
        save_profile(profile)
        self.load(profile)  # show the values as stored (padded numbers, canonical terms)
        self.show_message(_("The profile was saved."))
        saved_and_announced(self, events.SETTINGS)
        self.saved.emit()
        return True
