"""Log a contact with a client (call, meeting, e-mail, letter, fax, SMS, WhatsApp): when,
how, with whom, what was said and learned, open questions, the debtor's tactics, minutes
spent, attachments, a follow-up date and — optionally — a promise to pay.

The same dialog writes a CORRECTION: a saved entry is evidence and never changes, so
"correct" opens this form filled from the original (shown read-only on top) and saves a
new entry that points at it (models.contact.contact_log.correct_entry). Every rule is the
domain's; its Hebrew message is shown next to the field it names.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.common.errors import GviaError, ValidationError
from models.common.money import CURRENCIES
from models.contact.contact_log import (
    ACTIONS,
    CHANNELS,
    DIRECTIONS,
    MAX_MINUTES,
    TACTICS,
    ContactLogEntry,
    correct_entry,
    find_entry,
    log_contact,
)
from models.contact.promises import log_contact_with_promise
from models.ledger import services
from models.queries.client_list import contact_persons
from ui import events
from ui.collection.labels import (
    action_label,
    channel_label,
    direction_label,
    tactic_label,
)
from ui.i18n import _
from ui.widgets import clock
from ui.widgets.client_picker import ClientPicker
from ui.widgets.date_edit import DateEdit, DateTimeEdit
from ui.widgets.dialogs import GviaDialog
from ui.widgets.display import auto_dir, date_text
from ui.widgets.bidi import path_text
from ui.widgets.forms import ValidatedForm
from ui.widgets.saved import saved_and_announced

# Actions a user may record by hand ("status" is written by the status dialog only).
LOGGABLE_ACTIONS = tuple(code for code in ACTIONS if code != "status")
PROMISE_FIELDS = ("amount", "currency", "promised_date")


def now_on_clock() -> dt.datetime:
    """The app's today (tests pin it) at the current time of day, to the minute."""
    return dt.datetime.combine(clock.today(), dt.datetime.now().time()).replace(
        second=0, microsecond=0)


def text_box(lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().height() * lines + 12)
    return box


class LogContactDialog(GviaDialog):
    def __init__(self, parent=None, *, client_id: int | None = None,
                 corrects_id: int | None = None, channel: str = "phone",
                 action: str | None = None, summary: str = ""):
        super().__init__(parent)
        self.entry: ContactLogEntry | None = None
        self.promise = None
        self.original = find_entry(corrects_id) if corrects_id is not None else None
        if corrects_id is not None and self.original is None:
            raise ValidationError(_("The log entry to correct was not found."))
        if self.original is not None:
            client_id = self.original.client_id
        self.setWindowTitle(_("Correct a log entry") if self.original else _("Log a contact"))
        self._build(client_id)
        if self.original is not None:
            self._fill_from(self.original)
        else:
            self.set_channel(channel)
            self.set_action(action)
            self.summary.setPlainText(summary)
        self.resize(980, 620)

    # ---- layout ---------------------------------------------------------------------

    def _build(self, client_id: int | None) -> None:
        layout = QVBoxLayout(self)
        if self.original is not None:
            notice = QLabel(_("A saved entry never changes. This correction is saved as a "
                              "new entry linked to the original, and both stay in the log."))
            notice.setWordWrap(True)
            layout.addWidget(notice)
            self.original_view = QLabel(self._original_text(self.original))
            self.original_view.setObjectName("original_entry")
            self.original_view.setWordWrap(True)
            self.original_view.setFrameShape(QLabel.StyledPanel)
            self.original_view.setTextInteractionFlags(Qt.TextSelectableByMouse)
            layout.addWidget(self.original_view)
        columns = QHBoxLayout()
        layout.addLayout(columns, 1)
        self.form = form = ValidatedForm()
        self.side = side = ValidatedForm()
        columns.addWidget(form, 3)
        columns.addWidget(side, 2)

        self.client = ClientPicker()
        form.add_field("client", _("Client"), self.client)
        if client_id is not None:
            client = services.get_client(client_id)
            self.client.set_client(client.id, client.name)
            self.client.setEnabled(False)
        self.occurred = form.add_field("occurred_at", _("When"), DateTimeEdit(now_on_clock()))
        self.channel = form.add_field("channel", _("Channel"), QComboBox())
        for code in CHANNELS:
            self.channel.addItem(channel_label(code), code)
        self.direction = form.add_field("direction", _("Direction"), QComboBox())
        for code in DIRECTIONS:
            self.direction.addItem(direction_label(code), code)
        self.contact = form.add_field("contact_person", _("With whom"), QComboBox())
        self.contact.setEditable(True)
        self.contact.lineEdit().setPlaceholderText(_("A contact person, or type a name"))
        self.summary = form.add_field("summary", _("What was said and learned"), text_box(7))
        self.open_questions = form.add_field("open_questions", _("Open questions"), text_box(3))
        self.action = form.add_field("action", _("Collection step taken"), QComboBox())
        self.action.addItem(_("None"), None)
        for code in LOGGABLE_ACTIONS:
            self.action.addItem(action_label(code), code)
        self.minutes = form.add_field("minutes", _("Minutes spent"), QSpinBox())
        self.minutes.setRange(0, MAX_MINUTES)
        self.minutes.setLayoutDirection(Qt.LeftToRight)
        form.layout().addStretch(1)  # fields keep their height; the spare room goes below

        tactics = QWidget()
        grid = QGridLayout(tactics)
        grid.setContentsMargins(0, 0, 0, 0)
        self.tactic_boxes: dict[str, QCheckBox] = {}
        for n, code in enumerate(TACTICS):
            box = QCheckBox(tactic_label(code))
            grid.addWidget(box, n // 2, n % 2)
            self.tactic_boxes[code] = box
        side.add_field("tactics", _("Tactics observed"), tactics)
        self.tactics_note = side.add_field("tactics_note", _("Other tactics, details"),
                                           QLineEdit())
        follow = QWidget()
        row = QHBoxLayout(follow)
        row.setContentsMargins(0, 0, 0, 0)
        self.has_follow_up = QCheckBox(_("Follow up on"))
        self.follow_up = DateEdit(clock.today() + dt.timedelta(days=7))
        self.follow_up.setEnabled(False)
        self.has_follow_up.toggled.connect(self.follow_up.setEnabled)
        row.addWidget(self.has_follow_up)
        row.addWidget(self.follow_up, 1)
        side.add_field("follow_up_date", _("Follow-up"), follow)

        files = QWidget()
        column = QVBoxLayout(files)
        column.setContentsMargins(0, 0, 0, 0)
        self.attachments = QListWidget()
        self.attachments.setFixedHeight(self.fontMetrics().height() * 3 + 12)
        buttons = QHBoxLayout()
        add = QPushButton(_("Add files…"))
        add.clicked.connect(self.add_attachments)
        remove = QPushButton(_("Remove"))
        remove.clicked.connect(self.remove_attachment)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        column.addWidget(self.attachments)
        column.addLayout(buttons)
        side.add_field("attachments", _("Attachments"), files)

        self.promise_box = QGroupBox(_("The client promised to pay"))
        self.promise_box.setCheckable(True)
        self.promise_box.setChecked(False)
        self.promise_form = ValidatedForm()
        self.promise_amount = self.promise_form.add_field("amount", _("Amount"), QLineEdit())
        self.promise_amount.setLayoutDirection(Qt.LeftToRight)
        self.promise_amount.setAlignment(Qt.AlignRight | Qt.AlignAbsolute | Qt.AlignVCenter)
        self.promise_currency = self.promise_form.add_field("currency", _("Currency"),
                                                            QComboBox())
        for code in CURRENCIES:
            self.promise_currency.addItem(code, code)
        self.promise_date = self.promise_form.add_field("promised_date", _("Pay by"),
                                                        DateEdit())
        self.promise_date.setDate(clock.today() + dt.timedelta(days=7))
        box_layout = QVBoxLayout(self.promise_box)
        box_layout.addWidget(self.promise_form)
        side.layout().addWidget(self.promise_box)
        side.layout().addStretch(1)
        # A promise is made in a conversation, not in a correction of one.
        self.promise_box.setVisible(self.original is None)

        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.client.client_changed.connect(lambda _cid: self.load_contacts())
        self.load_contacts()

    def _original_text(self, entry: ContactLogEntry) -> str:
        first = entry.summary.split("\n", 1)[0]
        return _("Original entry of {date} ({channel}): {summary}").format(
            date=date_text(entry.occurred.date()), channel=channel_label(entry.channel),
            summary=auto_dir(first[:300]) or "—")

    # ---- values ---------------------------------------------------------------------

    def load_contacts(self) -> None:
        text = self.contact.currentText()
        self.contact.clear()
        self.contact.addItem("", None)
        client_id = self.client.client_id()
        if client_id is not None:
            for person in contact_persons(client_id):
                label = f"{person.name} ({person.role})" if person.role else person.name
                self.contact.addItem(label, person.id)
        self.contact.setEditText(text)

    def set_channel(self, code: str) -> None:
        index = self.channel.findData(code)
        if index >= 0:
            self.channel.setCurrentIndex(index)

    def set_action(self, code: str | None) -> None:
        index = self.action.findData(code)
        if index < 0 and code:  # e.g. a status change being corrected keeps its action
            self.action.addItem(action_label(code), code)
            index = self.action.count() - 1
        self.action.setCurrentIndex(max(index, 0))

    def set_contact(self, person_id: int | None, name: str) -> None:
        index = self.contact.findData(person_id) if person_id is not None else -1
        if index > 0:
            self.contact.setCurrentIndex(index)
        else:
            self.contact.setEditText(name)

    def contact_choice(self) -> tuple[int | None, str]:
        """(contact person id, typed name): a listed person only when the text is theirs."""
        index = self.contact.currentIndex()
        text = self.contact.currentText().strip()
        if index > 0 and self.contact.itemText(index) == text:
            return self.contact.itemData(index), ""
        return None, text

    def attachment_paths(self) -> list[Path]:
        return [Path(self.attachments.item(i).data(Qt.UserRole))
                for i in range(self.attachments.count())]

    def choose_files(self) -> list[str]:
        """Ask for files to attach (tests replace this)."""
        paths, _filter = QFileDialog.getOpenFileNames(self, _("Attach files"))
        return paths

    def add_attachments(self) -> None:
        known = {str(p) for p in self.attachment_paths()}
        for path in self.choose_files():
            if path and path not in known:
                self.attachments.addItem(path_text(Path(path).name))
                item = self.attachments.item(self.attachments.count() - 1)
                item.setData(Qt.UserRole, path)
                item.setToolTip(path_text(path))

    def remove_attachment(self) -> None:
        row = self.attachments.currentRow()
        if row >= 0:
            self.attachments.takeItem(row)

    def _fill_from(self, entry: ContactLogEntry) -> None:
        occurred = entry.occurred
        self.occurred.setDateTime(occurred)
        self.set_channel(entry.channel)
        self.direction.setCurrentIndex(max(self.direction.findData(entry.direction), 0))
        self.set_contact(entry.contact_person_id, entry.contact_name)
        self.summary.setPlainText(entry.summary)
        self.open_questions.setPlainText(entry.open_questions)
        self.set_action(entry.action)
        self.minutes.setValue(entry.minutes)
        for code in entry.tactic_codes:
            if code in self.tactic_boxes:
                self.tactic_boxes[code].setChecked(True)
        self.tactics_note.setText(entry.tactics_note)
        if entry.follow_up_date:
            self.has_follow_up.setChecked(True)
            self.follow_up.setDate(entry.follow_up_date)

    def values(self) -> dict:
        """The entry's fields, named as models.contact.contact_log.log_contact takes them."""
        person_id, name = self.contact_choice()
        return dict(
            occurred_at=self.occurred.required_datetime("occurred_at"),
            channel=self.channel.currentData(),
            direction=self.direction.currentData(), contact_person_id=person_id,
            contact_name=name, summary=self.summary.toPlainText(),
            open_questions=self.open_questions.toPlainText(),
            tactics=[code for code, box in self.tactic_boxes.items() if box.isChecked()],
            tactics_note=self.tactics_note.text(), minutes=self.minutes.value(),
            follow_up_date=(self.follow_up.required_date("follow_up_date")
                            if self.has_follow_up.isChecked() else None),
            action=self.action.currentData(), attachments=self.attachment_paths())

    # ---- saving ---------------------------------------------------------------------

    def clear_errors(self) -> None:
        for form in (self.form, self.side, self.promise_form):
            form.clear_errors()

    def show_error(self, error: GviaError) -> None:
        name = getattr(error, "field", None)
        for form in (self.promise_form, self.side, self.form):
            if name in form.fields:
                form.show_error(error)
                return
        self.form.show_error(error)

    def save(self) -> bool:
        self.clear_errors()
        client_id = self.client.client_id()
        if client_id is None:
            self.show_error(ValidationError(_("Choose a client from the list."), field="client"))
            return False
        try:
            values = self.values()
            if self.original is not None:
                self.entry = correct_entry(self.original.id, **values)
            elif self.promise_box.isChecked():
                self.entry, self.promise = log_contact_with_promise(
                    client_id, amount=self.promise_amount.text(),
                    promised_date=self.promise_date.required_date("promised_date"),
                    currency=self.promise_currency.currentData(), **values)
            else:
                self.entry = log_contact(client_id, **values)
        except GviaError as exc:
            self.show_error(exc)
            return False
        saved_and_announced(self, events.CONTACT_LOG)
        self.accept()
        return True

    @classmethod
    def ask(cls, parent=None, **kwargs) -> ContactLogEntry | None:
        """Run the dialog; the saved entry, or None when cancelled."""
        dialog = cls(parent, **kwargs)
        dialog.exec()
        return dialog.entry
