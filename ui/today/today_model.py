"""The Today list as a two-level tree: groups (steps due, promises, follow-ups, …) and the
tasks in them. Each task carries the one action that deals with it (produce the letter,
log the call, record the payment, …); the view runs it on one click of the action cell.

`build_groups(today)` turns models.collection.today.TodayList — the one Today builder, which the
command line formats too — into tasks (words from the interface);
a task formats its amounts and dates the first time a view asks for them — a big book
lists thousands of tasks, of which a screen shows thirty.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QFont, QPalette

from models.collection.today import TodayList
from models.prevention.deposits import DepositDue
from ui.collection.labels import promise_state_label, step_label
from ui.i18n import _, ngettext
from ui.style import OVERDUE, state_colour
from ui.widgets.display import (
    AMOUNT_ALIGNMENT,
    ID_ROLE,
    SORT_ROLE,
    amounts_text,
    auto_dir,
    date_text,
    ltr,
    money_text,
)

TASK_ROLE = Qt.UserRole + 2  # the Task behind a row (None on a group row)


# Nobody works through thousands of rows by hand (a batch of letters does that); a list
# that long would also freeze the window while the tree lays it out.
MAX_TASKS_SHOWN = 500


class Columns(IntEnum):
    TASK = 0
    CLIENT = 1
    AMOUNT = 2
    DATE = 3
    DETAILS = 4
    ACTION = 5


# What a task's one-click action does (TodayView.run_action dispatches on it).
ACTION_TEXTS = {
    "letter": lambda: _("Produce the letter"),
    "call": lambda: _("Log the call…"),
    "email": lambda: _("Log the e-mail…"),
    "handover": lambda: _("Hand over…"),
    "payment": lambda: _("Record the payment…"),
    "log": lambda: _("Log contact…"),
    "card": lambda: _("Open client card"),
    "instalment": lambda: _("Record the instalment…"),
}


@dataclass
class Task:
    group: str
    client_id: int
    client_name: str
    title: str
    amounts: dict[str, int]         # agorot by currency (never added across currencies)
    date: dt.date | None
    details: str
    action: str                     # ACTION_TEXTS
    is_alert: bool = False          # broken promise, late debt notice: highlighted
    letter_kind: str | None = None
    invoice_numbers: list[str] = field(default_factory=list)
    source: object = None           # the domain record (ActionItem, PromiseStatus, …)

    @property
    def action_text(self) -> str:
        return ACTION_TEXTS[self.action]()

    def texts(self) -> tuple[str, ...]:
        """The display text of each column (Columns order), formatted once, when first
        asked for (babel's money formatting is not free)."""
        cached = self.__dict__.get("_texts")
        if cached is None:
            cached = self.__dict__["_texts"] = (
                self.title, auto_dir(self.client_name), amounts_text(self.amounts),
                date_text(self.date),
                self.details, self.action_text)
        return cached


@dataclass
class Group:
    key: str
    title: str
    tasks: list[Task]   # the first MAX_TASKS_SHOWN, most urgent first
    total: int = 0      # how many there are in all

    @property
    def hidden(self) -> int:
        return max(self.total - len(self.tasks), 0)


def group_titles() -> dict[str, str]:
    return {
        "due_soon": _("Falling due soon — start early"),
        "actions": _("Collection steps due"),
        "breaches": _("Settlements breached — the whole balance is due"),
        "promises": _("Promises to pay due or broken"),
        "instalments": _("Settlement instalments due"),
        "follow_ups": _("Follow-ups due"),
        "checks": _("Post-dated checks to deposit"),
        "deposits": _("Deposits due — do not start the work before the deposit arrives"),
        "paused": _("Paused"),
    }


def _numbers_text(numbers: list[str]) -> str:
    shown = ", ".join(ltr(n) for n in numbers[:5])
    if len(numbers) > 5:
        shown += " " + _("and {count} more").format(count=len(numbers) - 5)
    return shown


def _due_in(days: int) -> str:
    if days == 0:
        return _("Due today")
    return ngettext("Due in {count} day", "Due in {count} days", days).format(
        count=ltr(str(days)))


def _overdue_for(days: int, numbers: list[str]) -> str:
    """"800 days overdue; invoices 10041, 10369" (one invoice: "invoice 10041")."""
    return "; ".join((
        ngettext("{count} day overdue", "{count} days overdue", days).format(
            count=ltr(str(days))),
        _invoices_text(numbers)))


def _invoices_text(numbers: list[str]) -> str:
    return ngettext("invoice {numbers}", "invoices {numbers}", len(numbers)).format(
        numbers=_numbers_text(numbers))


def _deposit_details(d: DepositDue) -> str:
    if d.is_bounced:
        state = _("The deposit's check bounced")
    elif d.days_late > 0:
        state = ngettext("{count} day late", "{count} days late", d.days_late).format(
            count=ltr(str(d.days_late)))
    else:
        state = _due_in(-d.days_late)
    return f"{state}; {auto_dir(d.description)}"


def build_groups(today: TodayList) -> list[Group]:
    """The non-empty groups in the order of a working day; paused last. Only words and
    layout: every item and amount comes from models.collection.today.today_list."""
    as_of = today.as_of
    groups: dict[str, list[Task]] = {key: [] for key in group_titles()}
    cap = MAX_TASKS_SHOWN  # only the tasks listed are built: thousands on a big book
    for c in today.due_soon[:cap]:
        days = (c.due_date - as_of).days
        groups["due_soon"].append(Task(
            "due_soon", c.client_id, c.client_name,
            _("Invoice {number}").format(number=ltr(c.number)),
            {c.currency: c.open_agorot}, c.due_date,
            _due_in(days),
            "card", invoice_numbers=[c.number], source=c))
    for a in today.actions[:cap]:
        numbers = [s.invoice.number for s in a.steps]
        if a.max_days_overdue < 0:  # a courtesy step before the due date
            details = _due_in(-a.max_days_overdue) + "; " + _invoices_text(numbers)
        else:
            details = _overdue_for(a.max_days_overdue, numbers)
        if a.is_notice_late:
            details = _("The debt notice is late!") + " " + details
        action = a.action if a.action in ("letter", "call", "email", "handover") else "log"
        groups["actions"].append(Task(
            "actions", a.client_id, a.client_name,
            step_label(a.action, a.letter_kind, min(s.level.days for s in a.steps)),
            a.open_by_currency, a.step_date, details, action,
            is_alert=a.is_notice_late, letter_kind=a.letter_kind, invoice_numbers=numbers,
            source=a))
    for p in today.promises_due[:cap]:
        groups["promises"].append(Task(
            "promises", p.client_id, p.client_name, _("Promise to pay due"),
            {p.currency: p.amount_agorot}, p.promised_date,
            _("Received so far {paid}; check whether the money arrived").format(
                paid=money_text(min(p.paid_agorot, p.amount_agorot), p.currency)),
            "payment", source=p))
    for p in today.promises_broken[:cap]:
        groups["promises"].append(Task(
            "promises", p.client_id, p.client_name,
            _("Promise {state}").format(state=promise_state_label(p.state)),
            {p.currency: p.amount_agorot}, p.promised_date,
            _("Received {paid} of {amount}; the plan resumes").format(
                paid=money_text(min(p.paid_agorot, p.amount_agorot), p.currency),
                amount=money_text(p.amount_agorot, p.currency)),
            "call", is_alert=True, source=p))
    for f in today.follow_ups[:cap]:
        groups["follow_ups"].append(Task(
            "follow_ups", f.client_id, f.client_name, _("Follow-up"), {}, f.follow_up_date,
            auto_dir(f.summary.split("\n", 1)[0][:120]), "log", source=f))
    for c in today.checks[:cap]:
        groups["checks"].append(Task(
            "checks", c.client_id, c.client_name,
            _("Check {number}").format(number=ltr(c.check_number)) if c.check_number
            else _("Post-dated check"),
            {c.currency: c.amount_agorot}, c.check_date, auto_dir(c.check_bank),
            "card", source=c))
    for d in today.deposits[:cap]:
        groups["deposits"].append(Task(
            "deposits", d.client_id, d.client_name, _("Deposit awaited"),
            {d.currency: d.amount_agorot}, d.due_date, _deposit_details(d), "card",
            is_alert=d.is_bounced or d.days_late > 0, source=d))
    for i in today.instalments[:cap]:
        late = i.due_date < as_of
        groups["instalments"].append(Task(
            "instalments", i.client_id, i.client_name,
            _("Instalment {n}").format(n=ltr(str(i.seq))) if i.seq else _("Down payment"),
            {i.currency: i.owed_agorot}, i.due_date,
            _("Not received yet") if late else _due_in((i.due_date - as_of).days),
            "instalment", is_alert=late, source=i))
    for b in today.breaches[:cap]:
        groups["breaches"].append(Task(
            "breaches", b.settlement.client_id, b.client_name, _("Settlement breached"),
            {b.settlement.currency: b.covered_open_agorot},
            b.tracking.breached_line.line.due_date, b.next_step, "letter", is_alert=True,
            letter_kind="final-warning", source=b))
    for s in today.paused[:cap]:
        groups["paused"].append(Task(
            "paused", s.invoice.client_id, s.invoice.client_name,
            _("Invoice {number}").format(number=ltr(s.invoice.number)),
            {s.invoice.currency: s.invoice.open_agorot}, s.invoice.due_date,
            s.pause_reason, "card", invoice_numbers=[s.invoice.number], source=s))
    totals = {"due_soon": len(today.due_soon), "actions": len(today.actions),
              "promises": len(today.promises_due) + len(today.promises_broken),
              "follow_ups": len(today.follow_ups), "checks": len(today.checks),
              "deposits": len(today.deposits), "instalments": len(today.instalments),
              "breaches": len(today.breaches), "paused": len(today.paused)}
    titles = group_titles()
    return [Group(key, titles[key], tasks[:cap], totals[key])
            for key, tasks in groups.items() if tasks]


class TodayTreeModel(QAbstractItemModel):
    """Groups at the top level, tasks below. A task's index carries its group's row + 1
    as internal id (0 marks a group), so no Python object pointers cross into Qt."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._groups: list[Group] = []
        self._bold, self._link, self._alert_link = QFont(), QFont(), QFont()
        self._bold.setBold(True)
        self._link.setUnderline(True)
        self._alert_link.setUnderline(True)
        self._alert_link.setBold(True)

    def set_groups(self, groups: list[Group]) -> None:
        self.beginResetModel()
        self._groups = list(groups)
        self.endResetModel()

    def groups(self) -> list[Group]:
        return list(self._groups)

    def group(self, key: str) -> Group | None:
        return next((g for g in self._groups if g.key == key), None)

    def task(self, index: QModelIndex) -> Task | None:
        if not index.isValid() or index.internalId() == 0:
            return None
        return self._groups[index.internalId() - 1].tasks[index.row()]

    def index_of(self, group_key: str, row: int, column: int = 0) -> QModelIndex:
        for number, group in enumerate(self._groups):
            if group.key == group_key:
                return self.index(row, column, self.index(number, 0))
        return QModelIndex()

    # ---- Qt -------------------------------------------------------------------------

    def index(self, row, column, parent=QModelIndex()) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index=QModelIndex()) -> QModelIndex:
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent=QModelIndex()) -> int:
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._groups[parent.row()].tasks)
        return 0

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(Columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(Columns):
            return [_("Task"), _("Client"), _("Amount"), _("Date"), _("Details"),
                    _("Action")][section]
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.NoItemFlags
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return self._group_data(self._groups[index.row()], index.column(), role)
        task = self._groups[index.internalId() - 1].tasks[index.row()]
        return self._task_data(task, index.column(), role)

    def _group_data(self, group: Group, column: int, role: int):
        if role == Qt.DisplayRole and column == Columns.TASK:
            if group.hidden:
                return _("{title} ({count}; the first {shown} are listed)").format(
                    title=group.title, count=group.total, shown=len(group.tasks))
            return _("{title} ({count})").format(title=group.title, count=len(group.tasks))
        if role == Qt.FontRole:
            return self._bold
        return None

    def _task_data(self, task: Task, column: int, role: int):
        if role == Qt.DisplayRole:
            return task.texts()[column]
        if role == TASK_ROLE:
            return task
        if role == ID_ROLE:
            return task.client_id
        if role == SORT_ROLE:
            return task.date
        if role == Qt.TextAlignmentRole and column == Columns.AMOUNT:
            return int(AMOUNT_ALIGNMENT)
        if role == Qt.ToolTipRole and column in (Columns.DETAILS, Columns.CLIENT):
            return task.texts()[column]  # whole, where the column elides it
        is_action = column == Columns.ACTION
        if role == Qt.ForegroundRole and is_action:
            return QPalette().color(QPalette.Link)
        if role == Qt.ForegroundRole and task.is_alert:
            return state_colour(OVERDUE)  # broken, breached: the overdue red
        if role == Qt.FontRole and (is_action or task.is_alert):
            if is_action:
                return self._alert_link if task.is_alert else self._link
            return self._bold
        return None
