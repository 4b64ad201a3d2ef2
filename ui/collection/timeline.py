"""A client's contact log as a timeline: every entry and every letter, newest first,
filterable by channel, dates and text; corrections shown linked to what they correct;
the client's promises to pay with their state (broken ones highlighted); the log exported
to CSV. Nothing here edits or deletes a saved entry: "Correct…" adds a new one."""
from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models.common.errors import GviaError
from models.contact.contact_log import (
    CHANNELS,
    TimelineItem,
    attachment_file,
    log_csv_text,
    timeline,
)
from models.contact.promises import PromiseCounts, PromiseStatus, evaluate_promises
from models.db.outputs import write_output
from ui import events
from ui.collection.labels import (
    action_label,
    channel_label,
    direction_label,
    promise_state_label,
    tactic_label,
)
from ui.collection.log_dialog import LogContactDialog
from ui.i18n import _
from ui.widgets import clock, dialogs
from ui.widgets.date_edit import DateEdit
from ui.widgets.display import auto_dir, date_text, ltr, money_text
from ui.widgets.list_model import Column, ListTableModel
from ui.widgets.save_dialog import output_target
from ui.widgets.table_view import GviaTableView
from ui.style import OVERDUE, state_colour

REFRESHING_KINDS = {events.CONTACT_LOG, events.LETTERS, events.PAYMENTS, events.CLIENTS,
                    events.DATABASE}
ITEM_ROLE = Qt.UserRole + 2  # the TimelineItem / PromiseStatus behind a row
ATTACHMENT_SCHEME = "gvia-attachment"  # a link to a file the ledger keeps


def when_text(item: TimelineItem) -> str:
    moment = item.occurred_at
    if item.source == "letter" or (moment.hour, moment.minute) == (0, 0):
        return date_text(moment.date())
    return ltr(f"{moment:%d/%m/%Y %H:%M}")


def link_text(item: TimelineItem) -> str:
    """How an entry relates to its corrections (both stay in the log)."""
    parts = []
    if item.corrects_id:
        parts.append(_("Corrects #{id}").format(id=item.corrects_id))
    if item.corrected_by:
        parts.append(_("Corrected by {ids}").format(
            ids=", ".join(f"#{i}" for i in item.corrected_by)))
    return "; ".join(parts)


def timeline_columns() -> list[Column]:
    return [
        Column(lambda: _("No."), lambda i: ltr(f"#{i.id}") if i.source == "log" else "",
               lambda i: (i.source, i.id)),
        Column(lambda: _("When"), when_text, lambda i: i.occurred_at),
        Column(lambda: _("Channel"), lambda i: channel_label(i.channel), lambda i: i.channel),
        Column(lambda: _("Direction"), lambda i: direction_label(i.direction).split(" (")[0]),
        Column(lambda: _("With whom"), lambda i: auto_dir(i.contact_name)),
        Column(lambda: _("Step"), lambda i: action_label(i.action)),
        Column(lambda: _("Minutes"), lambda i: ltr(str(i.minutes)) if i.minutes else "",
               lambda i: i.minutes, is_amount=True),
        Column(lambda: _("Follow-up"), lambda i: date_text(i.follow_up_date),
               lambda i: i.follow_up_date or dt.date.min),
        Column(lambda: _("Correction"), link_text),
        # Who recorded it (an office's signed-in person); nothing for rows made before.
        Column(lambda: _("By"), lambda i: auto_dir(i.created_by), lambda i: i.created_by),
        Column(lambda: _("Summary"), lambda i: auto_dir(i.summary.split("\n", 1)[0][:200]),
               tooltip=lambda i: i.summary, stretch=True),
    ]


class TimelineTableModel(ListTableModel):
    """Read-only rows; a corrected entry is struck through, a correction in italics."""

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        item: TimelineItem = self._items[index.row()]
        if role == ITEM_ROLE:
            return item
        if role == Qt.FontRole and (item.is_corrected or item.corrects_id):
            font = QFont()
            font.setStrikeOut(item.is_corrected)
            font.setItalic(bool(item.corrects_id) and not item.is_corrected)
            return font
        if role == Qt.ForegroundRole and item.is_corrected:
            return QPalette().color(QPalette.Disabled, QPalette.Text)
        return super().data(index, role)


def promise_columns() -> list[Column]:
    return [
        Column(lambda: _("Promised on"), lambda p: date_text(p.made_date), lambda p: p.made_date),
        Column(lambda: _("Pay by"), lambda p: date_text(p.promised_date),
               lambda p: p.promised_date),
        Column(lambda: _("Amount"), lambda p: money_text(p.amount_agorot, p.currency),
               lambda p: p.amount_agorot, is_amount=True),
        Column(lambda: _("Received"), lambda p: money_text(min(p.paid_agorot, p.amount_agorot),
                                                           p.currency),
               lambda p: p.paid_agorot, is_amount=True),
        Column(lambda: _("State"), lambda p: promise_state_label(p.state), lambda p: p.state),
    ]


class PromisesTableModel(ListTableModel):
    """The client's promises; broken and partly kept ones stand out (bold, in red)."""

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        promise: PromiseStatus = self._items[index.row()]
        if role == ITEM_ROLE:
            return promise
        if promise.is_broken:
            if role == Qt.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ForegroundRole:
                return state_colour(OVERDUE)  # broken: the overdue red (ui.style)
        return super().data(index, role)


def attachment_url(relative: str) -> QUrl:
    """An attachment's link in the detail pane: its name in the ledger, made a file only
    when clicked (on a server that means fetching it)."""
    url = QUrl()
    url.setScheme(ATTACHMENT_SCHEME)
    url.setPath(relative)
    return url


def entry_html(item: TimelineItem, direction: str = "rtl") -> str:
    """Everything an entry holds, for the detail pane (user text escaped)."""
    esc = html.escape
    rows = [(_("When"), when_text(item)), (_("Channel"), channel_label(item.channel)),
            (_("Direction"), direction_label(item.direction))]
    if item.contact_name:
        rows.append((_("With whom"), item.contact_name))
    if item.action:
        rows.append((_("Collection step taken"), action_label(item.action)))
    if item.minutes:
        rows.append((_("Minutes spent"), str(item.minutes)))
    if item.follow_up_date:
        rows.append((_("Follow-up"), date_text(item.follow_up_date)))
    if item.tactics or item.tactics_note:
        tactics = [tactic_label(t) for t in item.tactics] + ([item.tactics_note]
                                                             if item.tactics_note else [])
        rows.append((_("Tactics observed"), ", ".join(tactics)))
    if link_text(item):
        rows.append((_("Correction"), link_text(item)))
    if item.created_by:
        rows.append((_("Recorded by"), auto_dir(item.created_by)))
    side = "right" if direction == "rtl" else "left"
    parts = [f"<div dir='{direction}'><table dir='{direction}' align='{side}' cellpadding='2'>"]
    parts += [f"<tr><th align='{side}'>{esc(k)}</th><td align='{side}'>{esc(v)}</td></tr>"
              for k, v in rows]
    parts.append("</table><br clear='all'>")
    for title, text in ((_("What was said and learned"), item.summary),
                        (_("Open questions"), item.open_questions)):
        if text:
            parts.append(f"<p><b>{esc(title)}</b><br>{esc(text).replace(chr(10), '<br>')}</p>")
    if item.attachments:
        links = "<br>".join(f"<a href='{esc(attachment_url(p).toString())}'>"
                            f"{esc(Path(p).name)}</a>" for p in item.attachments)
        parts.append(f"<p><b>{esc(_('Attachments'))}</b><br>{links}</p>")
    parts.append("</div>")
    return "".join(parts)


class ClientTimelineWidget(QWidget):
    loaded = Signal()

    def __init__(self, client_id: int, parent=None):
        super().__init__(parent)
        self.client_id = client_id
        self._build()
        self.reload()
        events.events.data_changed.connect(self._on_data_changed)

    # ---- hooks a test replaces ------------------------------------------------------

    def ask_save_path(self, suggested: str) -> str | None:
        # The dialog asks before replacing a file (no DontConfirmOverwrite).
        path, _chosen = QFileDialog.getSaveFileName(self, _("Export the contact log"),
                                                    suggested, _("CSV files (*.csv)"))
        return path or None

    def open_file(self, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # ---- layout ---------------------------------------------------------------------

    def _build(self) -> None:
        self.channel = QComboBox()
        self.channel.addItem(_("All channels"), None)
        for code in CHANNELS:
            self.channel.addItem(channel_label(code), code)
        self.use_from = QCheckBox(_("From"))
        self.date_from = DateEdit()
        self.date_from.setDate(clock.today() - dt.timedelta(days=90))
        self.use_to = QCheckBox(_("To"))
        self.date_to = DateEdit()
        self.date_to.setDate(clock.today())
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search the log"))
        self.search.setClearButtonEnabled(True)
        filters = QHBoxLayout()
        channel_label_ = QLabel(_("Channel:"))
        channel_label_.setBuddy(self.channel)
        for widget in (channel_label_, self.channel, self.use_from, self.date_from,
                       self.use_to, self.date_to):
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)

        self.log_button = QPushButton(_("Log contact…"))
        self.correct_button = QPushButton(_("Correct…"))
        self.correct_button.setToolTip(_("A saved entry is never changed: the correction is "
                                         "a new entry linked to it."))
        self.open_button = QPushButton(_("Open attachment"))
        self.export_button = QPushButton(_("Export CSV…"))
        actions = QHBoxLayout()
        for button in (self.log_button, self.correct_button, self.open_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.export_button)

        self.model = TimelineTableModel(timeline_columns(), lambda i: i.id, self)
        self.table = GviaTableView("client_timeline")
        self.table.setModel(self.model)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.anchorClicked.connect(
            lambda url: self.open_file(attachment_file(url.path())))
        self.promises_model = PromisesTableModel(promise_columns(), lambda p: p.promise_id, self)
        self.promises = GviaTableView("client_promises")
        self.promises.setModel(self.promises_model)
        promises_box = QWidget()
        column = QVBoxLayout(promises_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(QLabel(_("Promises to pay")))
        column.addWidget(self.promises)

        lower = QSplitter(Qt.Horizontal)
        lower.addWidget(self.detail)
        lower.addWidget(promises_box)
        splitter = QSplitter(Qt.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.count_label = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.count_label)

        self.channel.currentIndexChanged.connect(lambda _i: self.reload())
        for box in (self.use_from, self.use_to):
            box.toggled.connect(lambda _on: self.reload())
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self._on_date_changed)
        self.search.textChanged.connect(lambda _t: self.reload())
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.table.row_opened.connect(lambda _index: self.correct_selected())
        self.log_button.clicked.connect(self.log_contact)
        self.correct_button.clicked.connect(self.correct_selected)
        self.open_button.clicked.connect(self.open_attachment)
        self.export_button.clicked.connect(self.export_csv)
        self._update_buttons()

    # ---- data -----------------------------------------------------------------------

    def filters(self) -> dict:
        return dict(channels=[self.channel.currentData()] if self.channel.currentData() else None,
                    date_from=self.date_from.valid_date() if self.use_from.isChecked() else None,
                    date_to=self.date_to.valid_date() if self.use_to.isChecked() else None,
                    text=self.search.text().strip() or None)

    def set_filters(self, *, channel: str | None = None, date_from: dt.date | None = None,
                    date_to: dt.date | None = None, text: str = "") -> None:
        """Set every filter at once (one reload)."""
        widgets = (self.channel, self.use_from, self.use_to, self.date_from, self.date_to,
                   self.search)
        for widget in widgets:
            widget.blockSignals(True)
        self.channel.setCurrentIndex(max(self.channel.findData(channel), 0) if channel else 0)
        self.use_from.setChecked(date_from is not None)
        self.use_to.setChecked(date_to is not None)
        if date_from:
            self.date_from.setDate(date_from)
        if date_to:
            self.date_to.setDate(date_to)
        self.search.setText(text)
        for widget in widgets:
            widget.blockSignals(False)
        self.reload()

    def _on_date_changed(self, _date: dt.date) -> None:
        if self.use_from.isChecked() or self.use_to.isChecked():
            self.reload()

    def reload(self) -> None:
        """One client's log is small (tens to hundreds of rows): read on the UI thread."""
        selected = self.selected_item()
        try:
            items = timeline(self.client_id, **self.filters())
            promises = evaluate_promises(clock.today(), client_id=self.client_id)
        except GviaError as exc:
            self.count_label.setText(str(exc))
            return
        self.model.set_items(items)
        self.promises_model.set_items(sorted(promises, key=lambda p: p.promised_date,
                                             reverse=True))
        self.table.resizeColumnsToContents()
        self.promises.resizeColumnsToContents()
        broken = PromiseCounts.of(promises).broken
        text = _("{count} entries shown").format(count=len(items))
        if broken:
            text += " · " + _("{count} broken promises").format(count=broken)
        self.count_label.setText(text)
        if selected is not None:
            self.select(selected.source, selected.id)
        self._on_current()
        self.loaded.emit()

    def _on_data_changed(self, kinds: frozenset) -> None:
        if kinds & REFRESHING_KINDS:
            self.reload()

    def items(self) -> list[TimelineItem]:
        return self.model.items()

    def selected_item(self) -> TimelineItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item_at(rows[0].row()) if rows else None

    def select(self, source: str, item_id: int) -> bool:
        for row, item in enumerate(self.model.items()):
            if (item.source, item.id) == (source, item_id):
                self.table.select_row(row)
                return True
        return False

    def _on_current(self, *_args) -> None:
        item = self.selected_item()
        direction = "rtl" if self.isRightToLeft() else "ltr"
        self.detail.setHtml(entry_html(item, direction) if item else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        item = self.selected_item()
        self.correct_button.setEnabled(item is not None and item.source == "log")
        self.open_button.setEnabled(item is not None and bool(item.attachments))

    # ---- actions --------------------------------------------------------------------

    def log_contact(self):
        return LogContactDialog.ask(self, client_id=self.client_id)

    def correct_selected(self):
        item = self.selected_item()
        if item is None or item.source != "log":
            return None
        return LogContactDialog.ask(self, corrects_id=item.id)

    def open_attachment(self) -> None:
        item = self.selected_item()
        if item is not None and item.attachments:
            # Log attachments and archived letters both live in the database folder.
            self.open_file(attachment_file(item.attachments[0]))

    def export_csv(self) -> Path | None:
        path = self.ask_save_path(f"contact-log-{self.client_id}.csv")
        if not path:
            return None
        try:
            target = output_target(self, path, ".csv")
            if target is None:
                return None
            return write_output(target[0], log_csv_text(self.client_id), force=target[1])
        except GviaError as exc:
            dialogs.show_error(self, str(exc))
            return None
