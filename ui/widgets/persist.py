"""Where window and dialog geometry is remembered: the user's QSettings (per machine, not
in the database: a window size is not business data). Tests point QSettings elsewhere.

A window reopens at the size and place the user left it, but never larger than the screen
it opens on and never off it: a laptop at 125–150 % scaling has a logical screen of only
1280×720 or 1366×768, and a size saved on a big monitor must still fit there with its
title bar and buttons in view (`restore_geometry`, `fit_to_screen`)."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# The frame the window system draws around a window (title bar, borders), in logical
# pixels, kept free on top of the window's own size: before a window is first shown its
# frame is unknown, and Windows at 125–150 % draws about this much.
FRAME_ALLOWANCE = QSize(16, 40)
# What a window may take of the screen when it opens the first time (no size remembered).
FIRST_SHARE = 0.92


def app_settings() -> QSettings:
    return QSettings(QSettings.IniFormat, QSettings.UserScope, "Gvia", "gvia-ui")


def available_area(widget: QWidget | None = None) -> QRect:
    """The part of the screen a window may cover (the task bar left out): the screen under
    the widget's window, else the one Qt gives it, else the primary screen. Tests replace
    this to stand for a laptop's screen."""
    screen = None
    if widget is not None:
        screen = QGuiApplication.screenAt(widget.window().geometry().center()) \
            or widget.screen()
    screen = screen or QGuiApplication.primaryScreen()
    return QRect(screen.availableGeometry()) if screen is not None else QRect(0, 0, 1280, 720)


def frame_size(window: QWidget) -> QSize:
    """The room the window's frame takes (at least FRAME_ALLOWANCE)."""
    extra = window.frameGeometry().size() - window.geometry().size()
    return extra.expandedTo(FRAME_ALLOWANCE)


def largest_size(window: QWidget) -> QSize:
    """The largest size (without the frame) at which the whole window is on its screen."""
    return available_area(window).size() - frame_size(window)


def screen_share(window: QWidget, width: int, height: int,
                 share: float = FIRST_SHARE) -> QSize:
    """width × height, or less where the screen is smaller: at most `share` of it (a
    preview asks for a page's height and gets what the screen has)."""
    room = largest_size(window)
    return QSize(min(width, int(room.width() * share)), min(height, int(room.height() * share)))


def fit_to_screen(window: QWidget, *, move: bool = True) -> None:
    """Shrink a window that would not fit its screen, and (`move`) bring it wholly onto
    it. A maximised or full-screen window is left to the window system."""
    if window.isMaximized() or window.isFullScreen():
        return
    area = available_area(window)
    frame = frame_size(window)
    room = area.size() - frame
    size = window.size().boundedTo(room).expandedTo(window.minimumSize())
    if size != window.size():
        window.resize(size)
    if not move:
        return
    outer = QSize(window.width() + frame.width(), window.height() + frame.height())
    x = max(area.left(), min(window.x(), area.left() + area.width() - outer.width()))
    y = max(area.top(), min(window.y(), area.top() + area.height() - outer.height()))
    if (x, y) != (window.x(), window.y()):
        window.move(x, y)


def center_on_screen(window: QWidget) -> None:
    """Put a window in the middle of its screen (a main window opened the first time)."""
    area = available_area(window)
    frame = frame_size(window)
    window.move(area.left() + max(0, (area.width() - window.width() - frame.width()) // 2),
                area.top() + max(0, (area.height() - window.height() - frame.height()) // 2))


def restore_geometry(window: QWidget, key: str) -> bool:
    """Put the window back where the user left it (the setting `key`), fitted to the screen
    it opens on now. Qt keeps neither place nor size when the screen is not the one they
    were saved on (a laptop without its monitor): the size alone comes back then, fitted,
    and False says the window still needs a place (as when nothing was remembered)."""
    settings = app_settings()
    geometry = settings.value(key)
    if isinstance(geometry, QByteArray) and not geometry.isEmpty() \
            and window.restoreGeometry(geometry):
        fit_to_screen(window)
        return True
    size = settings.value(f"{key}_size")
    if isinstance(size, QSize) and size.isValid():
        window.resize(size)
    fit_to_screen(window, move=False)
    return False


def save_geometry(window: QWidget, key: str) -> None:
    settings = app_settings()
    settings.setValue(key, window.saveGeometry())
    normal = window.normalGeometry() if window.isMaximized() or window.isFullScreen() \
        else window.geometry()
    settings.setValue(f"{key}_size", normal.size())
