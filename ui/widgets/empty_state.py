"""What a list shows when it has no rows: "Loading…" while they are being computed, never
"empty"; once loaded and empty, what to do next, with the buttons that do it ("No
clients yet — add your first client / import"); and, when a search or a filter hides
every row, that nothing matches (not the first-use invitation).

One overlay for every list: it lies over the view's viewport (the header stays visible)
and lets clicks through to nothing else, and is hidden as soon as the list has rows.

    overlay = ListOverlay(view)
    overlay.set_empty(_("No clients yet"), _("Add your first client, or import …"),
                      [(_("Add a client…"), self.new_client), (_("Import…"), importer)])
    overlay.show_loading()                            # the query has started
    overlay.show_result(count, filtered=bool(search))  # it is done
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from ui.i18n import _

LOADING, EMPTY, NO_MATCH, HIDDEN = "loading", "empty", "no_match", "hidden"


class ListOverlay(QFrame):
    def __init__(self, view: QAbstractScrollArea):
        super().__init__(view)
        self.setObjectName("emptyState")
        self._view = view
        self.state = HIDDEN
        self._empty_title = _("Nothing here yet")
        self._empty_text = ""
        self._no_match_text = _("Nothing matches the search or the filter.")
        self.title = QLabel()
        self.title.setObjectName("emptyStateTitle")
        self.text = QLabel()
        self.text.setObjectName("emptyStateText")
        for label in (self.title, self.text):
            label.setAlignment(Qt.AlignCenter)
            label.setWordWrap(True)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.buttons.addStretch(1)
        self.action_buttons: list[QPushButton] = []
        column = QVBoxLayout(self)
        column.setContentsMargins(24, 24, 24, 24)
        column.addStretch(1)
        column.addWidget(self.title)
        column.addWidget(self.text)
        column.addSpacing(8)
        column.addLayout(self.buttons)
        column.addStretch(2)
        self.setAutoFillBackground(False)
        view.installEventFilter(self)
        self.hide()

    # ---- what to say ----------------------------------------------------------------

    def set_empty(self, title: str, text: str = "",
                  actions: list[tuple[str, Callable[[], object]]] = ()) -> None:
        """The invitation shown when the list is loaded and has nothing in it."""
        self._empty_title, self._empty_text = title, text
        for button in self.action_buttons:
            self.buttons.removeWidget(button)
            button.deleteLater()
        self.action_buttons = []
        for n, (label, slot) in enumerate(actions):
            button = QPushButton(label, self)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
            self.buttons.insertWidget(1 + n, button)
            self.action_buttons.append(button)
        if self.state == EMPTY:
            self._show(EMPTY)

    def set_no_match(self, text: str) -> None:
        self._no_match_text = text

    # ---- when to say it -----------------------------------------------------------------

    def show_loading(self, text: str | None = None) -> None:
        """The rows are being computed: says so while the list is still empty."""
        if self._rows() == 0:
            self._show(LOADING, text)

    def show_result(self, count: int | None = None, *, filtered: bool = False) -> None:
        """The rows are in: hidden when there are some, else the invitation (or, with a
        search or filter on, that nothing matches)."""
        count = self._rows() if count is None else count
        if count:
            self._show(HIDDEN)
        else:
            self._show(NO_MATCH if filtered else EMPTY)

    def _rows(self) -> int:
        model = getattr(self._view, "model", lambda: None)()
        return model.rowCount() if model is not None else 0

    def _show(self, state: str, loading_text: str | None = None) -> None:
        self.state = state
        if state == HIDDEN:
            self.hide()
            return
        titles = {LOADING: loading_text or _("Loading…"), EMPTY: self._empty_title,
                  NO_MATCH: self._no_match_text}
        self.title.setText(titles[state])
        self.text.setText(self._empty_text if state == EMPTY else "")
        self.text.setVisible(state == EMPTY and bool(self._empty_text))
        for button in self.action_buttons:
            button.setVisible(state == EMPTY)
        self._place()
        self.show()
        self.raise_()

    def message(self) -> str:
        """What the overlay says now ("" when hidden): for tests and screen readers."""
        if self.state == HIDDEN:
            return ""
        return " ".join(t for t in (self.title.text(), self.text.text()) if t and
                        (t == self.title.text() or self.text.isVisible()))

    # ---- geometry -----------------------------------------------------------------------

    def _place(self) -> None:
        viewport = self._view.viewport() if hasattr(self._view, "viewport") else self._view
        self.setGeometry(viewport.geometry())

    def eventFilter(self, watched, event) -> bool:
        if watched is self._view and event.type() in (QEvent.Resize, QEvent.Show,
                                                       QEvent.LayoutRequest):
            if self.isVisible():
                self._place()
        return False
