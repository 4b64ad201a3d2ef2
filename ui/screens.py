"""The screens of the main window, in menu order: THE list (the side list, the Go menu
and Ctrl+1…6 follow it).

Each screen's class is imported by a plain `from … import …` in its loader, so a
freezing tool (PyInstaller) sees every screen when it analyses the program, while the
window still imports a screen only on its first visit (importing all of them at start
would add about a second before the window appears).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ui.i18n import _


@dataclass(frozen=True)
class Screen:
    key: str
    title: Callable[[], str]  # translated when shown
    class_name: str
    load: Callable[[], type]  # the view class: called with (opened_db, window)

    def view_class(self) -> type:
        return self.load()


def _today() -> type:
    from ui.today.today_view import TodayView
    return TodayView


def _clients() -> type:
    from ui.clients.clients_view import ClientsView
    return ClientsView


def _invoices() -> type:
    from ui.invoices.invoices_view import InvoicesView
    return InvoicesView


def _aging() -> type:
    from ui.aging.aging_view import AgingView
    return AgingView


def _letters() -> type:
    from ui.letters.letters_view import LettersView
    return LettersView


def _settings() -> type:
    from ui.settings.settings_view import SettingsView
    return SettingsView


SCREENS: tuple[Screen, ...] = (
    Screen("today", lambda: _("Today"), "TodayView", _today),
    Screen("clients", lambda: _("Clients"), "ClientsView", _clients),
    Screen("invoices", lambda: _("Invoices"), "InvoicesView", _invoices),
    Screen("aging", lambda: _("Debt aging"), "AgingView", _aging),
    Screen("letters", lambda: _("Letters"), "LettersView", _letters),
    Screen("settings", lambda: _("Settings"), "SettingsView", _settings),
)
