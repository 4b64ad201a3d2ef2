"""A QTableView set up the way every Gvia table wants it: whole-row selection, sorting
through the model (in SQL), headers that keep their width, geometry of columns remembered,
and `row_opened` — Enter or a double-click on a row — which each list connects to its
"open" action. `open_on_enter(view, slot)` gives any other item view the same keys."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ui.widgets.persist import app_settings

RESIZE_ROWS = 100


OPEN_KEYS = (Qt.Key_Return, Qt.Key_Enter)


def index_to_open(view: QAbstractItemView) -> QModelIndex | None:
    """The selected item Enter opens: the current one when it is selected, else the first
    selected; None when nothing is selected (an unselected current row is not opened)."""
    selection = view.selectionModel()
    if selection is None or view.state() == QAbstractItemView.EditingState:
        return None
    current = view.currentIndex()
    if current.isValid() and selection.isSelected(current):
        return current
    chosen = selection.selectedIndexes()
    return chosen[0] if chosen else None


def is_open_key(event) -> bool:
    return (event.key() in OPEN_KEYS
            and not event.modifiers() & ~(Qt.KeypadModifier | Qt.NoModifier))


class _OpenOnEnter(QObject):
    def __init__(self, view: QAbstractItemView, slot):
        super().__init__(view)
        self._view, self._slot = view, slot

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.KeyPress and is_open_key(event):
            index = index_to_open(self._view)
            if index is not None:
                self._slot(index)
                return True  # not also the dialog's default button
        return False


def open_on_enter(view: QAbstractItemView, slot) -> None:
    """For an item view that is not a GviaTableView: Enter on the selected item, and a
    double-click, call `slot(index)`."""
    view.installEventFilter(_OpenOnEnter(view, slot))
    view.doubleClicked.connect(slot)


class GviaTableView(QTableView):
    row_opened = Signal(QModelIndex)  # Enter on the selected row, or a double-click on one

    def __init__(self, settings_key: str, parent=None):
        super().__init__(parent)
        self._settings_key = f"tables/{settings_key}/header"
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        # resizeColumnsToContents() reads every row by default: 2 s on a client with
        # 1,300 invoices. The first rows (and the visible ones) are enough to size columns.
        header.setResizeContentsPrecision(RESIZE_ROWS)

    def keyPressEvent(self, event) -> None:
        if is_open_key(event):
            index = index_to_open(self)
            if index is not None:
                self.row_opened.emit(index)
                event.accept()  # not also the dialog's default button
                return
        super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        super().mouseDoubleClickEvent(event)
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and event.button() == Qt.LeftButton:
            self.row_opened.emit(index)

    def restore_header(self) -> bool:
        state = app_settings().value(self._settings_key)
        return bool(state) and self.horizontalHeader().restoreState(state)

    def save_header(self) -> None:
        app_settings().setValue(self._settings_key, self.horizontalHeader().saveState())

    def select_row(self, row: int) -> None:
        """Select a whole row. (QTableView.selectRow looks up the column at the viewport's
        leading edge, which under right-to-left can miss every section and select nothing.)"""
        index = self.model().index(row, 0)
        if not index.isValid():
            return
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        self.scrollTo(index)

    def selected_id(self, role) -> int | None:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        return rows[0].data(role) if rows else None
