"""Choose a client by typing part of the name (a combo box with 20,000 entries would be
slow to open and to scroll; a completer over the names is instant)."""
from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit

from models.common.text import search_key
from models.queries.client_list import client_choices
from ui.i18n import _


class ClientPicker(QLineEdit):
    client_changed = Signal(object)  # the chosen client id, or None

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setPlaceholderText(_("Type a client's name"))
        self._by_key: dict[str, int] = {}
        self._names: list[str] = []
        self._client_id: int | None = None
        completer = QCompleter(self)
        completer.setCaseSensitivity(Qt.CaseInsensitive)
        completer.setFilterMode(Qt.MatchContains)
        completer.setMaxVisibleItems(12)
        self._model = QStringListModel(self)
        completer.setModel(self._model)
        self.setCompleter(completer)
        completer.activated.connect(self._resolve)
        self.textChanged.connect(self._resolve)
        self.reload()

    def reload(self) -> None:
        choices = client_choices()
        self._by_key = {}
        for cid, name in choices:
            self._by_key.setdefault(search_key(name), cid)
        self._names = [name for _cid, name in choices]
        self._model.setStringList(self._names)

    def _resolve(self, *_args) -> None:
        client_id = self._by_key.get(search_key(self.text()))
        if client_id != self._client_id:
            self._client_id = client_id
            self.client_changed.emit(client_id)

    def client_id(self) -> int | None:
        return self._client_id

    def set_client(self, client_id: int, name: str) -> None:
        self._by_key.setdefault(search_key(name), client_id)
        self.setText(name)
