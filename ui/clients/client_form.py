"""The client's details as a validated form: used to add a client and, in the client
card, to edit one. Validation is the service's (models.ledger.services); the form only shows
its Hebrew message next to the field."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLabel, QLineEdit, QPlainTextEdit

from models.common.terms import COMMON_TERMS
from models.ledger.clients import (
    CLIENT_KINDS,
    CLIENT_STATUSES,
    GENDERS,
    HOME_COUNTRY,
    LETTER_LANGUAGES,
    Client,
    country_name,
    country_names,
)
from models.prevention.public_payers import terms_warning
from ui.i18n import _, language
from ui.widgets import clock
from ui.widgets.forms import ValidatedForm
from ui.widgets.labels import client_kind_label, client_status_label

# Typed left to right even in the Hebrew window (digits, addresses of e-mail).
LTR_FIELDS = ("tax_id", "phone", "email", "zip")


def ltr_line_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setLayoutDirection(Qt.LeftToRight)
    edit.setAlignment(Qt.AlignRight | Qt.AlignAbsolute | Qt.AlignVCenter)
    return edit


class ClientForm(ValidatedForm):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.name = self.add_field("name", _("Name"), QLineEdit())
        self.name.setMaxLength(200)
        self.kind = self.add_field("kind", _("Kind"), QComboBox())
        for code in CLIENT_KINDS:
            self.kind.addItem(client_kind_label(code), code)
        self.kind.setCurrentIndex(self.kind.findData("company"))
        self.tax_id = self.add_field("tax_id", _("ID / company number"), ltr_line_edit())
        self.phone = self.add_field("phone", _("Phone"), ltr_line_edit())
        self.email = self.add_field("email", _("E-mail"), ltr_line_edit())
        self.address = self.add_field("address", _("Address"), QLineEdit())
        self.city = self.add_field("city", _("City"), QLineEdit())
        self.zip = self.add_field("zip", _("Postal code"), ltr_line_edit())
        self.country = self.add_field("country", _("Country"), QComboBox())
        self.country.setEditable(True)
        names = sorted(country_names(language()).items(), key=lambda item: item[1])
        for code, name in names:
            self.country.addItem(name, code)
        self.country.completer().setFilterMode(Qt.MatchContains)
        self.country.completer().setCompletionMode(QCompleter.PopupCompletion)
        self.country.setToolTip(_("A letter abroad is addressed for international mail: the "
                                  "country last, in capitals, in English."))
        self.set_country(HOME_COUNTRY)
        self.letter_language = self.add_field("letter_language", _("Letters in"), QComboBox())
        for code, name in LETTER_LANGUAGES.items():
            self.letter_language.addItem(name, code)
        self.letter_language.setToolTip(_("Reminders, the final warning and the statement "
                                          "can be written in English; the debt notice is "
                                          "always in Hebrew."))
        self.gender = self.add_field("gender", _("Addressed as"), QComboBox())
        for code, name in GENDERS.items():
            self.gender.addItem(name, code)
        self.gender.setToolTip(_("For the letters' wording and greeting. For a business: its "
                                 "contact person. Not stated: neutral wording."))
        self.salutation = self.add_field("salutation", _("Title"), QLineEdit())
        self.salutation.setMaxLength(40)
        self.salutation.setPlaceholderText(_("For example: Dr, Adv."))
        self.terms = self.add_field("terms", _("Payment terms"), QComboBox())
        self.terms.setEditable(True)
        self.terms.addItem(_("Business default"), "")
        for terms in COMMON_TERMS:
            self.terms.addItem(terms, terms)
        self.terms.setToolTip(_("For example: immediate (מיידי), net 30 (נטו 30), "  # hebrew: terms
                                "current + 30 (שוטף+30)"))
        # A public payer's terms are limited by law: said under the terms as they are typed.
        self.terms_note = QLabel()
        self.terms_note.setObjectName("terms_note")
        self.terms_note.setWordWrap(True)
        self.terms_note.setVisible(False)
        self.layout_.addRow("", self.terms_note)
        self.kind.currentIndexChanged.connect(lambda _i: self.update_terms_note())
        self.terms.currentTextChanged.connect(lambda _t: self.update_terms_note())
        self.status = self.add_field("status", _("Status"), QComboBox())
        for code in CLIENT_STATUSES:
            self.status.addItem(client_status_label(code), code)
        self.notes = self.add_field("notes", _("Notes"), QPlainTextEdit())
        self.notes.setFixedHeight(self.fontMetrics().height() * 4)
        self.notes.setTabChangesFocus(True)  # Tab goes on to the next field, as everywhere

    def update_terms_note(self) -> None:
        """The Payment Ethics law's note when a public payer's terms exceed its limit."""
        text = terms_warning(self.kind.currentData(), self.terms_value(), clock.today())
        self.terms_note.setText(text)
        self.terms_note.setVisible(bool(text))

    def terms_value(self) -> str:
        text = self.terms.currentText().strip()
        index = self.terms.findText(text)
        return self.terms.itemData(index) if index >= 0 else text

    def values(self) -> dict:
        """Field values as typed, for models.ledger.services.add_client / update_client."""
        return {"name": self.name.text(), "kind": self.kind.currentData(),
                "tax_id": self.tax_id.text(), "phone": self.phone.text(),
                "email": self.email.text(), "address": self.address.text(),
                "city": self.city.text(), "zip": self.zip.text(),
                "terms": self.terms_value(), "status": self.status.currentData(),
                "notes": self.notes.toPlainText(), "country": self.country_value(),
                "letter_language": self.letter_language.currentData(),
                "gender": self.gender.currentData(), "salutation": self.salutation.text()}

    def country_value(self) -> str:
        """The chosen country's code, or the text as typed (the service checks it)."""
        text = self.country.currentText().strip()
        index = self.country.findText(text)
        return self.country.itemData(index) if index >= 0 else text

    def set_country(self, code: str) -> None:
        index = self.country.findData(code)
        if index >= 0:
            self.country.setCurrentIndex(index)
        else:
            self.country.setEditText(country_name(code, language()))

    def load(self, client: Client) -> None:
        self.clear_errors()
        self.name.setText(client.name)
        self.kind.setCurrentIndex(max(self.kind.findData(client.kind), 0))
        self.tax_id.setText(client.tax_id)
        self.phone.setText(client.phone)
        self.email.setText(client.email)
        self.address.setText(client.address)
        self.city.setText(client.city)
        self.zip.setText(client.zip)
        index = self.terms.findData(client.terms or "")
        if index >= 0:
            self.terms.setCurrentIndex(index)
        else:
            self.terms.setEditText(client.terms or "")
        self.status.setCurrentIndex(max(self.status.findData(client.status), 0))
        self.notes.setPlainText(client.notes)
        self.set_country(client.country or HOME_COUNTRY)
        self.letter_language.setCurrentIndex(
            max(self.letter_language.findData(client.letter_language), 0))
        self.gender.setCurrentIndex(max(self.gender.findData(client.gender), 0))
        self.salutation.setText(client.salutation)
