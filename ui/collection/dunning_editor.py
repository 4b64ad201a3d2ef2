"""The dunning plan editor (מדרג גבייה), a page of the settings screen: one plan for
business clients and one for private persons, each an ordered list of levels — days from
the due date and an action (a letter of a kind, a call, an e-mail, a hand-over).

The rules (the consumer plan opens with the debt notice, only a step before the due date
may be optional, …) are models.collection.dunning.validate_plan's; its Hebrew message is shown here.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from models.collection.dunning import (
    ACTION_KINDS,
    MAX_DAYS,
    MIN_DAYS,
    PLAN_KINDS,
    DunningLevel,
    default_plan,
    load_plan,
    save_plan,
    validate_plan,
)
from models.common.errors import GviaError, ValidationError
from models.contact.contact_log import LETTER_KINDS
from ui import events
from ui.collection.labels import dunning_action_label, dunning_letter_label, step_label
from ui.i18n import _, ngettext
from ui.widgets.display import ltr
from ui.widgets.forms import ValidatedForm
from ui.widgets.list_model import Column, ListTableModel
from ui.widgets.table_view import GviaTableView
from ui.widgets.saved import saved_and_announced
from ui.widgets.unsaved import Unsaved


def plan_name(kind: str) -> str:
    return {"company": _("Business clients"), "person": _("Private persons")}.get(kind, kind)


def days_text(days: int) -> str:
    if days == 0:
        return _("On the due date")
    if days < 0:
        return ngettext("{count} day before the due date", "{count} days before the due date",
                        -days).format(count=ltr(str(-days)))
    return ngettext("{count} day after the due date", "{count} days after the due date",
                    days).format(count=ltr(str(days)))


def level_columns() -> list[Column]:
    return [
        Column(lambda: _("When"), lambda lv: days_text(lv.days), lambda lv: lv.days),
        Column(lambda: _("Step"), lambda lv: step_label(lv.action, lv.letter_kind, lv.days)),
        Column(lambda: _("Action"), lambda lv: dunning_action_label(lv.action)),
        Column(lambda: _("Deadline given"), lambda lv: ngettext(
            "{count} day", "{count} days", lv.deadline_days).format(
                count=ltr(str(lv.deadline_days))) if lv.deadline_days else "",
            lambda lv: lv.deadline_days),
        Column(lambda: _("Optional"), lambda lv: _("Yes") if lv.is_optional else ""),
    ]


class DunningPlanPage(Unsaved, QWidget):
    saved = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plans: dict[str, list[DunningLevel]] = {}
        self._loading = False
        self._build()
        self.load()
        events.events.data_changed.connect(self._on_data_changed)

    def _build(self) -> None:
        self.kind_tabs = QTabBar()
        for kind in PLAN_KINDS:
            self.kind_tabs.addTab(plan_name(kind))
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.model = ListTableModel(level_columns(), lambda lv: id(lv), self)
        self.table = GviaTableView("dunning_levels")
        self.table.setModel(self.model)

        self.form = form = ValidatedForm()
        self.days = form.add_field("days", _("Days from the due date"), QSpinBox())
        self.days.setRange(MIN_DAYS, MAX_DAYS)
        self.days.setLayoutDirection(Qt.LeftToRight)
        self.days.setToolTip(_("Negative: before the due date."))
        self.action = form.add_field("action", _("Action"), QComboBox())
        for code in ACTION_KINDS:
            self.action.addItem(dunning_action_label(code), code)
        self.letter_kind = form.add_field("letter_kind", _("Letter"), QComboBox())
        for code in LETTER_KINDS:
            self.letter_kind.addItem(dunning_letter_label(code), code)
        self.deadline = form.add_field("deadline_days", _("Days given to pay"), QSpinBox())
        self.deadline.setRange(0, 90)
        self.deadline.setLayoutDirection(Qt.LeftToRight)
        self.optional = form.add_field("is_optional", _("Optional"),
                                       QCheckBox(_("A courtesy step before the due date")))

        self.add_button = QPushButton(_("Add level"))
        self.remove_button = QPushButton(_("Remove level"))
        self.defaults_button = QPushButton(_("Restore the default plan"))
        self.save_button = QPushButton(_("Save the plans"))
        self.status = QLabel()
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.defaults_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.status)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.kind_tabs)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(form)
        layout.addLayout(buttons)

        self.kind_tabs.currentChanged.connect(lambda _i: self._show_kind())
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._show_level())
        for signal in (self.days.valueChanged, self.action.currentIndexChanged,
                       self.letter_kind.currentIndexChanged, self.deadline.valueChanged,
                       self.optional.toggled):
            signal.connect(lambda *_a: self._edit_level())
        self.add_button.clicked.connect(self.add_level)
        self.remove_button.clicked.connect(self.remove_level)
        self.defaults_button.clicked.connect(self.restore_defaults)
        self.save_button.clicked.connect(self.save)

    # ---- state ----------------------------------------------------------------------

    def kind(self) -> str:
        return list(PLAN_KINDS)[self.kind_tabs.currentIndex()]

    def set_kind(self, kind: str) -> None:
        self.kind_tabs.setCurrentIndex(list(PLAN_KINDS).index(kind))

    def levels(self, kind: str | None = None) -> list[DunningLevel]:
        return list(self.plans[kind or self.kind()])

    def load(self) -> None:
        self.plans = {kind: list(load_plan(kind)) for kind in PLAN_KINDS}
        self.form.clear_errors()
        self.status.clear()
        self._show_kind()
        self.mark_clean()

    def unsaved_state(self) -> dict:
        return {kind: list(levels) for kind, levels in self.plans.items()}

    def discard(self) -> None:
        self.load()

    def _on_data_changed(self, kinds: frozenset) -> None:
        if events.DATABASE in kinds:
            self.load()

    def _show_kind(self, select_row: int = 0) -> None:
        kind = self.kind()
        self.note.setText(
            _("For a private person the plan must open with a debt notice: no other step "
              "after the due date is taken until the notice was sent and its waiting days "
              "passed (Consumer Protection Law, section 13B2).") if kind == "person" else
            _("Levels are counted from each invoice's due date. Disputed invoices, clients "
              "with a pending promise or an active settlement are paused."))
        self.model.set_items(self.plans[kind])
        self.table.resizeColumnsToContents()
        if self.plans[kind]:
            self.table.select_row(min(select_row, len(self.plans[kind]) - 1))
        self._show_level()

    def current_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def select_level(self, row: int) -> None:
        self.table.select_row(row)
        self._show_level()

    def _show_level(self) -> None:
        row = self.current_row()
        level = self.plans[self.kind()][row] if row is not None else None
        self._loading = True
        for widget in (self.days, self.action, self.letter_kind, self.deadline, self.optional):
            widget.setEnabled(level is not None)
        if level is not None:
            self.days.setValue(level.days)
            self.action.setCurrentIndex(self.action.findData(level.action))
            if level.letter_kind:
                self.letter_kind.setCurrentIndex(self.letter_kind.findData(level.letter_kind))
            self.deadline.setValue(level.deadline_days)
            self.optional.setChecked(level.is_optional)
            self.letter_kind.setEnabled(level.action == "letter")
        self.remove_button.setEnabled(level is not None)
        self._loading = False

    def _edit_level(self) -> None:
        """The form changed: the selected level takes its values (checked on save)."""
        row = self.current_row()
        if self._loading or row is None:
            return
        is_letter = self.action.currentData() == "letter"
        self.letter_kind.setEnabled(is_letter)
        level = DunningLevel(days=self.days.value(), action=self.action.currentData(),
                             letter_kind=self.letter_kind.currentData() if is_letter else None,
                             deadline_days=self.deadline.value(),
                             is_optional=self.optional.isChecked())
        self.plans[self.kind()][row] = level
        self.model.set_items(self.plans[self.kind()])
        self.table.select_row(row)
        self.status.setText(_("Changes not saved yet."))

    # ---- actions --------------------------------------------------------------------

    def add_level(self) -> None:
        levels = self.plans[self.kind()]
        last = max((lv.days for lv in levels), default=0)
        levels.append(DunningLevel(days=min(last + 14, MAX_DAYS), action="call"))
        self.status.setText(_("Changes not saved yet."))
        self._show_kind(select_row=len(levels) - 1)

    def remove_level(self) -> None:
        row = self.current_row()
        if row is None:
            return
        del self.plans[self.kind()][row]
        self.status.setText(_("Changes not saved yet."))
        self._show_kind(select_row=max(row - 1, 0))

    def restore_defaults(self) -> None:
        self.plans[self.kind()] = list(default_plan(self.kind()))
        self.status.setText(_("Changes not saved yet."))
        self._show_kind()

    def save(self) -> bool:
        """Both plans are checked first; either both are saved or neither."""
        self.form.clear_errors()
        for kind in PLAN_KINDS:
            try:
                validate_plan(self.plans[kind], kind)
            except ValidationError as exc:
                self.set_kind(kind)
                self.form.show_error(ValidationError(
                    _("{plan}: {problem}").format(plan=plan_name(kind), problem=exc),
                    field=exc.field))
                self.status.clear()
                return False
        try:
            for kind in PLAN_KINDS:
                self.plans[kind] = list(save_plan(kind, self.plans[kind]))
        except GviaError as exc:
            self.form.show_error(exc)
            return False
        self._show_kind()
        self.mark_clean()
        self.status.setText(_("The plans were saved."))
        saved_and_announced(self, events.SETTINGS)
        self.saved.emit()
        return True

    def error_text(self) -> str:
        """The message on screen, wherever the form shows it ('' when none)."""
        texts = [self.form.error_text()] + [self.form.error_text(name) for name in self.form.fields]
        return " ".join(t for t in texts if t)
