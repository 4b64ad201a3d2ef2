"""Today (היום), the home screen: what to do today. Totals at the top (overdue per currency,
expected this week), a small chart of the overdue trend, and the grouped list — invoices
falling due soon, collection steps due, settlements breached, promises due or broken,
settlement instalments, follow-ups, checks to deposit, deposits awaited — each task with its
action one click away (the underlined cell): produce the letter, log the call, record the
payment, hand the debt over.

The list is computed by models.collection.today.today_list (the same builder `python main.py today`
prints), which takes seconds on a very large book: it runs on a pool thread
(ui.background) behind a busy indicator, so the screen paints at once. It is recomputed
when a service reports a change (ui.events).
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from models.collection.today import TodayList, today_list
from reports.batch import BatchResult, produce_letters
from ui import events, style
from ui.background import run_in_background
from ui.collection.log_dialog import LogContactDialog
from ui.collection.status_dialog import StatusDialog
from ui.i18n import _
from ui.today.today_model import (
    ACTION_TEXTS,
    TASK_ROLE,
    Columns,
    Task,
    TodayTreeModel,
    build_groups,
)
from ui.today.trend_chart import TrendChart
from ui.widgets import clock, dialogs
from ui.widgets.display import amounts_list, auto_dir, date_text, ltr, money_text
from ui.widgets.empty_state import ListOverlay
from ui.widgets.table_view import narrow_columns
from ui.widgets.tiles import KpiTile, TileGrid

SAMPLE_ROWS = 50    # rows per group measured to size the columns
MAX_COLUMN = 360    # px: a long task is elided rather than pushing details away
MAX_NAME_COLUMN = 280  # px: a long client name too (its tooltip holds it whole)
REFRESHING_KINDS = {events.CLIENTS, events.INVOICES, events.PAYMENTS, events.SETTINGS,
                    events.LETTERS, events.CONTACT_LOG, events.DATABASE}


class TotalsStrip(TileGrid):
    """Overdue and expected this week (per currency, never added), and the counts: six
    tiles, each its label right above its number, three to a row (fits 1280 px)."""

    KEYS = ("overdue", "expected", "actions", "promises", "follow_ups", "checks")

    def __init__(self, parent=None):
        super().__init__(columns=3, parent=parent)
        titles = {"overdue": _("Overdue"), "expected": _("Expected this week"),
                  "actions": _("Steps due"), "promises": _("Promises due or broken"),
                  "follow_ups": _("Follow-ups"), "checks": _("Checks to deposit")}
        self.tile: dict[str, KpiTile] = {}
        for n, key in enumerate(self.KEYS):  # the money first
            tile = self.add_tile(KpiTile(titles[key], object_name=f"today_{key}",
                                         large=n < 2))
            self.tile[key] = tile
        self.values = self.tile  # each tile's text(): what its number says

    def show_today(self, today: TodayList) -> None:
        for key, amounts, tone in (("overdue", today.overdue_totals, style.OVERDUE),
                                   ("expected", today.expected_week, style.PAID)):
            # The main currency large; any other one smaller below it (never added up).
            first, *others = amounts_list(amounts) or [money_text(0)]
            self.tile[key].set_value(first, tone if any(amounts.values()) else None,
                                     detail=" · ".join(others))
        broken = bool(today.promises_broken)
        counts = {"actions": (len(today.actions), None),
                  "promises": (len(today.promises_due) + len(today.promises_broken),
                               style.OVERDUE if broken else None),
                  "follow_ups": (len(today.follow_ups), None),
                  "checks": (len(today.checks), style.PENDING if today.checks else None)}
        for key, (count, tone) in counts.items():
            self.tile[key].set_value(ltr(str(count)), tone)


class TodayView(QWidget):
    loaded = Signal()                 # a computed list is on screen
    letter_produced = Signal(object)  # BatchResult
    failed = Signal(str)              # a Hebrew message the user has been shown

    def __init__(self, opened_db=None, parent=None):
        super().__init__(parent)
        self.opened_db = opened_db
        self._today: TodayList | None = None
        self._generation = 0
        self._is_stale = True
        self._build()
        events.events.data_changed.connect(self._on_data_changed)

    # ---- hooks a test replaces ------------------------------------------------------

    def as_of(self) -> dt.date:
        return clock.today()

    def show_letter(self, task: Task, result: BatchResult) -> None:
        """Show the letter just produced, from the archive (print or save it there)."""
        from models.letters.archive import archive_letter_ids, archive_rows
        from ui.letters.archive_widget import LetterPreviewDialog

        ids = archive_letter_ids(client_id=task.client_id, kind=task.letter_kind)
        if ids:
            row = archive_rows([max(ids)])[max(ids)]
            LetterPreviewDialog(row, self).show()

    def show_error(self, message: str) -> None:
        self.status.setText(message)
        self.failed.emit(message)
        if self.isVisible():
            dialogs.show_error(self, message)

    # ---- layout ---------------------------------------------------------------------

    def _build(self) -> None:
        self.title = QLabel()
        self.title.setFont(style.title_font(self.title.font()))
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: the time depends on the size of the book
        self.busy.setTextVisible(False)
        self.busy.setFixedWidth(120)
        self.busy.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.refresh_button = QPushButton(_("Refresh"))
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.busy)
        top.addWidget(self.status, 1)
        top.addWidget(self.refresh_button)

        self.totals = TotalsStrip()
        self.chart = TrendChart()
        strip = QHBoxLayout()
        strip.addWidget(self.totals, 3)
        strip.addWidget(self.chart, 2)

        self.card_button = QPushButton(_("Open client card"))
        self.log_button = QPushButton(_("Log contact…"))
        self.payment_button = QPushButton(_("Record payment…"))
        self.letters_button = QPushButton(_("Open in the letters screen"))
        buttons = QHBoxLayout()
        for button in (self.card_button, self.log_button, self.payment_button,
                       self.letters_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.model = TodayTreeModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.tree.setUniformRowHeights(True)  # thousands of rows on a big book
        self.tree.setContextMenuPolicy(Qt.CustomContextMenu)
        self.tree.setMouseTracking(True)
        header = self.tree.header()
        narrow_columns(header)  # a date column need not be as wide as a name
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Columns.DETAILS, QHeaderView.Stretch)
        header.setSectionResizeMode(Columns.ACTION, QHeaderView.Fixed)
        # Loading, then (when there is nothing) what the list will hold: over the list.
        self.empty = ListOverlay(self.tree)
        self.empty.set_empty(
            _("Nothing to do today"),
            _("Invoices falling due, steps of the collection plan, promises and "
              "follow-ups will appear here."))
        self.empty.show_loading(_("Working out today's tasks…"))  # until the first answer

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(strip)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.timeout.connect(self.refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.tree.clicked.connect(self._on_clicked)
        self.tree.activated.connect(self._on_activated)  # double-click or Enter
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self.card_button.clicked.connect(lambda: self._with_task(self.open_card))
        self.log_button.clicked.connect(lambda: self._with_task(self.log_contact))
        self.payment_button.clicked.connect(lambda: self._with_task(self.record_payment))
        self.letters_button.clicked.connect(lambda: self._with_task(self.open_in_letters))
        self._show_title()
        self._update_buttons()

    def _show_title(self) -> None:
        self.title.setText(_("Today — {date}").format(date=date_text(self.as_of())))

    # ---- loading --------------------------------------------------------------------

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._is_stale:
            self._refresh_timer.start(0)  # paint first, then compute

    def _on_data_changed(self, kinds: frozenset) -> None:
        if not kinds & REFRESHING_KINDS:
            return
        if self.isVisible():
            self._refresh_timer.start(0)
        else:
            self._is_stale = True

    def is_busy(self) -> bool:
        return not self.busy.isHidden()

    def refresh(self) -> None:
        """Compute the list for today on a pool thread; the newest request wins."""
        self._refresh_timer.stop()
        self._is_stale = False
        self._generation += 1
        generation = self._generation
        as_of = self.as_of()
        self._show_title()
        self.busy.show()
        self.status.setText(_("Working out today's tasks…"))
        self.empty.show_loading(_("Working out today's tasks…"))

        def compute():
            if generation != self._generation:
                return None  # a newer request is already queued: skip the work
            today = today_list(as_of)
            # babel reads its Hebrew locale data (~0.5 s) the first time money is formatted;
            # let that happen here rather than when the rows are painted.
            money_text(0)
            return today, build_groups(today)

        run_in_background(compute, owner=self,
                          on_done=lambda result: self._apply(generation, result),
                          on_error=lambda message: self._failed(generation, message))

    def _apply(self, generation: int, result: tuple[TodayList, list] | None) -> None:
        if result is None or generation != self._generation:
            return
        today, groups = result
        self._today = today
        self.busy.hide()
        self.status.clear()
        self.totals.show_today(today)
        currencies = sorted({c for _day, amounts in today.trend for c in amounts},
                            key=lambda c: (c != "ILS", c))
        self.chart.set_trend(today.trend, currencies[0] if currencies else "ILS")
        self.model.set_groups(groups)
        self.tree.expandAll()
        for row, group in enumerate(self.model.groups()):
            if group.key == "paused":  # for reference, not for action: folded
                self.tree.collapse(self.model.index(row, 0))
        for row in range(self.model.rowCount()):  # a group's title spans the row
            self.tree.setFirstColumnSpanned(row, QModelIndex(), True)
        self._fit_columns(groups)
        self.empty.show_result(0 if today.is_empty else self.model.rowCount())
        self._update_buttons()
        self.loaded.emit()

    def _fit_columns(self, groups: list) -> None:
        """Widths from the texts themselves, measured on the first rows of each group
        (resizeColumnToContents reads every row's data: seconds on thousands of tasks).
        The action column fits its longest possible text, so none is cut off below."""
        # Bold: an alert row is bold, and must not be cut off where a plain one fits.
        bold = QFont(self.tree.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        sample = [task for group in groups for task in group.tasks[:SAMPLE_ROWS]]
        padding = 24
        for column in (Columns.TASK, Columns.CLIENT, Columns.AMOUNT, Columns.DATE):
            widest = max((metrics.horizontalAdvance(t.texts()[column]) for t in sample),
                         default=0)
            if column == Columns.TASK:  # tasks sit one level in, below the group's arrow
                widest += self.tree.indentation() * (2 if self.tree.rootIsDecorated() else 1)
            header = metrics.horizontalAdvance(str(self.model.headerData(column, Qt.Horizontal)))
            # The details column (stretched) gets what is left: a name is elided first.
            most = MAX_NAME_COLUMN if column == Columns.CLIENT else MAX_COLUMN
            self.tree.setColumnWidth(column, min(max(widest, header) + padding, most))
        self.tree.setColumnWidth(Columns.ACTION, padding + max(
            metrics.horizontalAdvance(text()) for text in ACTION_TEXTS.values()))

    def _failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.busy.hide()
            self.empty.show_result()
            self.show_error(message)

    def today(self) -> TodayList | None:
        return self._today

    # ---- tasks ----------------------------------------------------------------------

    def selected_task(self) -> Task | None:
        index = self.tree.currentIndex()
        return index.data(TASK_ROLE) if index.isValid() else None

    def select_task(self, group_key: str, row: int = 0) -> Task | None:
        index = self.model.index_of(group_key, row)
        if not index.isValid():
            return None
        self.tree.setCurrentIndex(index)
        return self.selected_task()

    def _update_buttons(self) -> None:
        task = self.selected_task()
        for button in (self.card_button, self.log_button, self.payment_button):
            button.setEnabled(task is not None)
        self.letters_button.setEnabled(task is not None and task.letter_kind is not None
                                       and self._letters_view_available())

    def _with_task(self, action) -> None:
        task = self.selected_task()
        if task is not None:
            action(task)

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.column() == Columns.ACTION and index.data(TASK_ROLE) is not None:
            self.run_action(index.data(TASK_ROLE))

    def _on_activated(self, index: QModelIndex) -> None:
        task = index.data(TASK_ROLE)
        # On the action cell the click has already run it.
        if task is not None and index.column() != Columns.ACTION:
            self.run_action(task)

    def _context_menu(self, position) -> None:
        task = self.tree.indexAt(position).data(TASK_ROLE)
        if task is None:
            return
        menu = QMenu(self)
        menu.addAction(task.action_text, lambda: self.run_action(task))
        menu.addSeparator()
        menu.addAction(_("Open client card"), lambda: self.open_card(task))
        menu.addAction(_("Log contact…"), lambda: self.log_contact(task))
        menu.addAction(_("Record payment…"), lambda: self.record_payment(task))
        if task.letter_kind and self._letters_view_available():
            menu.addAction(_("Open in the letters screen"), lambda: self.open_in_letters(task))
        menu.exec(self.tree.viewport().mapToGlobal(position))

    def run_action(self, task: Task):
        """The task's own action (the underlined cell)."""
        handlers = {"letter": self.produce_letter, "call": self.log_contact,
                    "email": self.log_contact, "log": self.log_contact,
                    "handover": self.hand_over, "payment": self.record_payment,
                    "card": self.open_card, "instalment": self.record_instalment}
        return handlers[task.action](task)

    def produce_letter(self, task: Task) -> None:
        """Produce, archive and log the letter in the background, then show it."""
        kind, as_of = task.letter_kind, self.as_of()
        self.busy.show()
        self.status.setText(_("Producing the letter to {client}…").format(
            client=auto_dir(task.client_name)))

        def work() -> BatchResult:
            return produce_letters(kind, [task.client_id], as_of, strict=True)

        def done(result: BatchResult) -> None:
            self.busy.hide()
            self.status.setText(_("The letter was produced and filed in the archive."))
            events.announce(events.LETTERS)
            self.letter_produced.emit(result)
            self.show_letter(task, result)

        def failed(message: str) -> None:
            self.busy.hide()
            self.show_error(message)

        run_in_background(work, owner=self, on_done=done, on_error=failed)

    def log_contact(self, task: Task):
        channel = "email" if task.action == "email" else "phone"
        action = task.action if task.action in ("call", "email") else None
        summary = ""
        if task.invoice_numbers and task.group == "actions":
            summary = _("About invoices {numbers}: ").format(
                numbers=", ".join(task.invoice_numbers[:20]))  # the entry's own text: no isolates
        return LogContactDialog.ask(self, client_id=task.client_id, channel=channel,
                                    action=action, summary=summary)

    def hand_over(self, task: Task):
        return StatusDialog.ask(self, client_id=task.client_id, status="handed_over",
                                reason=_("The collection plan reached the hand-over step."))

    def record_payment(self, task: Task):
        from ui.payments.payment_dialog import PaymentDialog

        return PaymentDialog.ask(self, client_id=task.client_id)

    def record_instalment(self, task: Task):
        from ui.negotiation.settlement_dialogs import InstalmentPaymentDialog

        return InstalmentPaymentDialog.ask(task.source.settlement_id, parent=self)

    def open_card(self, task: Task):
        from ui.clients.client_card import ClientCard

        return ClientCard.open(task.client_id, self)

    # ---- the letters screen ---------------------------------------------------------

    def _main_window(self):
        window = self.window()
        return window if hasattr(window, "go_to") and hasattr(window, "screens") else None

    def _letters_view_available(self) -> bool:
        window = self._main_window()
        return window is not None and any(s.key == "letters" for s in window.screens)

    def open_in_letters(self, task: Task) -> None:
        """The letters screen with this letter chosen (to edit the date, print later…)."""
        window = self._main_window()
        if window is None or not task.letter_kind:
            return
        view = window.go_to("letters")
        view.produce_for(task.letter_kind, task.client_id, task.client_name, self.as_of())
