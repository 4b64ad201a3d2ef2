"""A QTableView set up the way every Gvia table wants it: whole-row selection, sorting
through the model (in SQL), columns sized to their content, geometry of columns
remembered, and `row_opened` — Enter or a double-click on a row — which each list connects
to its "open" action. `open_on_enter(view, slot)` gives any other item view the same keys.

Columns fit their content (measured on the first RESIZE_ROWS rows, whenever the rows are
replaced or their data changes): amounts, dates and numbers are shown whole, a long text
column at most MAX_COLUMN wide; one long text column (the model's `stretch_column`, or
the one `set_stretch_column` names; else the last) takes the width that is left. Once the
user drags a column's edge, the widths are theirs: they are kept and remembered. A cell
whose text does not fit shows it whole in its tooltip."""
from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView, QToolTip

from ui.widgets.persist import app_settings

RESIZE_ROWS = 100
MAX_COLUMN = 320   # px: a long name or description is elided rather than pushing the rest
PADDING = 12       # px beside the measured text
HEADER_EXTRA = 34  # px beside a column's title: its margins and the sort arrow


OPEN_KEYS = (Qt.Key_Return, Qt.Key_Enter)


def narrow_columns(header: QHeaderView) -> None:
    """Let a column be as narrow as its content. Qt's default least width is the font's
    widest glyph plus margins: with Heebo (and its fallbacks) 131 px, so a 5-digit number
    or a date column could not be narrower than a client's name."""
    header.setMinimumSectionSize(max(24, header.fontMetrics().averageCharWidth() * 3))


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
        self._user_sized_key = f"tables/{settings_key}/user_sized"
        self._stretch: int | None = None
        self._fitting = False
        self.user_sized = bool(app_settings().value(self._user_sized_key, False, type=bool))
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.timeout.connect(self.fit_columns)
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
        narrow_columns(header)
        # resizeColumnsToContents() reads every row by default: 2 s on a client with
        # 1,300 invoices. The first rows (and the visible ones) are enough to size columns.
        header.setResizeContentsPrecision(RESIZE_ROWS)
        header.sectionResized.connect(self._section_resized)

    # ---- columns sized to their content ----------------------------------------------

    def setModel(self, model) -> None:
        old = self.model()
        if old is not None:
            for signal in (old.modelReset, old.dataChanged):
                try:
                    signal.disconnect(self._schedule_fit)
                except (RuntimeError, TypeError):
                    pass
        super().setModel(model)
        if model is not None:
            model.modelReset.connect(self._schedule_fit)
            model.dataChanged.connect(self._schedule_fit)
            self._apply_stretch()
            self._schedule_fit()

    def set_stretch_column(self, column: int | None) -> None:
        """The long text column that takes the width left over (None: the last one)."""
        self._stretch = column
        self._apply_stretch()

    def stretch_column(self) -> int | None:
        if self._stretch is not None:
            return self._stretch
        return getattr(self.model(), "stretch_column", None)

    def _apply_stretch(self) -> None:
        header = self.horizontalHeader()
        column = self.stretch_column()
        if column is None or self.model() is None \
                or not 0 <= column < self.model().columnCount():
            header.setStretchLastSection(True)
            return
        header.setStretchLastSection(False)
        for section in range(header.count()):
            header.setSectionResizeMode(
                section, QHeaderView.Stretch if section == column else QHeaderView.Interactive)

    def _schedule_fit(self, *_args) -> None:
        if not self.user_sized:
            self._fit_timer.start(0)  # once, after a burst of changes

    def fit_columns(self) -> None:
        """Each column as wide as its header and its first rows' text (a text column at
        most MAX_COLUMN); the stretch column gets the rest."""
        model = self.model()
        if model is None:
            return
        self._fit_timer.stop()
        self._apply_stretch()
        header = self.horizontalHeader()
        stretch = self.stretch_column()
        last = header.count() - 1 if header.stretchLastSection() else None
        self._fitting = True
        try:
            for column in range(model.columnCount()):
                if column in (stretch, last) or header.isSectionHidden(column):
                    continue
                width = max(self.sizeHintForColumn(column) + PADDING,
                            self._header_width(column))
                header.resizeSection(column, min(width, MAX_COLUMN))
        finally:
            self._fitting = False

    def _header_width(self, column: int) -> int:
        """Room for the column's title and the sort arrow beside it."""
        header = self.horizontalHeader()
        title = self.model().headerData(column, Qt.Horizontal, Qt.DisplayRole) or ""
        return header.fontMetrics().horizontalAdvance(str(title)) + HEADER_EXTRA

    def _section_resized(self, section: int, _old: int, _new: int) -> None:
        # A drag of a column's edge (the mouse is down): from now on the widths are the
        # user's. Resizes by the program or by the stretch column are not.
        if (self._fitting or section == self.stretch_column()
                or not QApplication.mouseButtons() & Qt.LeftButton):
            return
        if not self.user_sized:
            self.user_sized = True
            app_settings().setValue(self._user_sized_key, True)

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.ToolTip:
            index = self.indexAt(event.pos())
            if index.isValid() and not index.data(Qt.ToolTipRole):
                text = index.data(Qt.DisplayRole)
                if isinstance(text, str) and text and self._is_elided(index, text):
                    QToolTip.showText(event.globalPos(), text, self.viewport(),
                                      self.visualRect(index))
                    return True
        return super().viewportEvent(event)

    def _is_elided(self, index: QModelIndex, text: str) -> bool:
        """Whether the cell is too narrow for its text (a tooltip then shows it whole)."""
        return self.fontMetrics().horizontalAdvance(text) + PADDING > \
            self.visualRect(index).width()

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
        """The header as it was left (sort, order of columns, widths); True when restored.
        Widths the user never dragged are fitted to the content again."""
        state = app_settings().value(self._settings_key)
        restored = bool(state) and self.horizontalHeader().restoreState(state)
        if restored:
            self._apply_stretch()
        return restored

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
