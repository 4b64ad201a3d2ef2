"""One import file on screen: its first rows under its own headings, and above each column
a choice of the field it holds (or "leave out").

The choices start as models.exchange.import_sources.preview_source offers them (the
mapping remembered for this source, else what the import recognises by itself); this
widget only shows them and collects what the person changes.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.exchange.import_sources import SourcePreview, field_choices, required_columns
from ui.i18n import _
from ui.widgets.bidi import isolate, name_text, path_text

MAPPING_ROW = 0
LEFT_OUT = ""  # the data of the "leave out" choice
MIN_COLUMN_WIDTH = 150
MAX_COLUMN_WIDTH = 260


def needed_text(kind: str) -> str:
    """`Needed: Invoice number, Client (number or name), …` for a file of `kind`."""
    labels = dict(field_choices(kind))
    groups = [_(" or ").join(labels[name] for name in group)
              for group in required_columns(kind)]
    return _("Columns every file of this kind needs: {columns}.").format(
        columns=", ".join(groups))


class MappingTable(QWidget):
    """The preview and the column choices of one file."""

    mapping_changed = Signal()

    def __init__(self, preview: SourcePreview, parent=None):
        super().__init__(parent)
        self.preview = preview
        table = preview.table
        self.kind = table.kind
        self.headers = list(table.headers)

        where = _("File: {file}").format(file=path_text(table.file_name))
        if table.sheet:
            where = _("File: {file}, sheet {sheet}").format(file=path_text(table.file_name),
                                                            sheet=name_text(table.sheet))
        self.where_label = QLabel(where)
        self.where_label.setWordWrap(True)
        if preview.is_remembered:
            origin = _("The columns are chosen as in your last import of a file with these "
                       "headings. Change any that is wrong.")
        else:
            origin = _("The columns were recognised from their headings. Choose the field "
                       "of any column that was not recognised, or leave it out.")
        self.origin_label = QLabel(origin)
        self.origin_label.setWordWrap(True)
        self.needed_label = QLabel(needed_text(self.kind))
        self.needed_label.setWordWrap(True)

        self.table = QTableWidget(1 + len(table.rows), len(self.headers))
        self.table.setObjectName("import_preview")
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.NoSelection)
        self.table.setWordWrap(False)
        self.table.setHorizontalHeaderLabels([isolate(h) for h in self.headers])
        self.table.setVerticalHeaderLabels(
            [_("Import as")] + [str(line) for line, _cells in table.rows])
        vertical = self.table.verticalHeader()
        vertical.setToolTip(_("The line number in the file"))
        labels = [_("Import as")] + [str(line) for line, _cells in table.rows]
        vertical.setFixedWidth(max(map(vertical.fontMetrics().horizontalAdvance, labels)) + 24)
        self.combos: list[QComboBox] = []
        choices = [(_("Leave out"), LEFT_OUT)] + [(label, name) for name, label in
                                                  field_choices(self.kind)]
        for column, header in enumerate(self.headers):
            combo = QComboBox()
            combo.setAccessibleName(_("Import the column {column} as").format(column=header))
            for label, name in choices:
                combo.addItem(label, name)
            combo.setCurrentIndex(max(combo.findData(preview.mapping.get(header) or LEFT_OUT),
                                      0))
            combo.currentIndexChanged.connect(self.mapping_changed)
            self.table.setCellWidget(MAPPING_ROW, column, combo)
            self.combos.append(combo)
        for row, (_line, cells) in enumerate(table.rows, start=1):
            for column, text in enumerate(cells):
                # Each cell in its own direction: a phone `+44 20 7946 0018` or an amount
                # keeps its order inside the right-to-left table.
                item = QTableWidgetItem(isolate(text))
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        self.table.resizeColumnsToContents()
        for column, combo in enumerate(self.combos):
            width = max(self.table.columnWidth(column), combo.sizeHint().width() + 8,
                        MIN_COLUMN_WIDTH)
            self.table.setColumnWidth(column, min(width, MAX_COLUMN_WIDTH))
        self.table.setRowHeight(MAPPING_ROW, max(self.table.rowHeight(MAPPING_ROW),
                                                 self.combos[0].sizeHint().height() + 6)
                                if self.combos else self.table.rowHeight(MAPPING_ROW))

        layout = QVBoxLayout(self)
        layout.addWidget(self.where_label)
        layout.addWidget(self.origin_label)
        layout.addWidget(self.needed_label)
        layout.addWidget(self.table, 1)
        if not table.rows:
            empty = QLabel(_("The file has a heading row and no data rows."))
            layout.addWidget(empty)

    def mapping(self) -> dict[str, str | None]:
        """Header -> the field chosen for it (None: left out)."""
        return {header: combo.currentData() or None
                for header, combo in zip(self.headers, self.combos)}

    def set_field(self, header: str, name: str | None) -> None:
        """Choose `name` for the column `header` (as a person would in its list)."""
        combo = self.combos[self.headers.index(header)]
        combo.setCurrentIndex(combo.findData(name or LEFT_OUT))

    def field_of(self, header: str) -> str | None:
        return self.combos[self.headers.index(header)].currentData() or None

    def focus_first(self) -> None:
        if self.combos:
            self.combos[0].setFocus(Qt.TabFocusReason)
