"""The one date field of the app: typed as dd/mm/yyyy in one piece, with a calendar.

`DateEdit` is a line edit, not a QDateEdit. A QDateEdit typed into the section under the
mouse (often ignoring the keys) and Tab walked day → month → year; here a click selects
the whole date so typing replaces it, and Tab leaves the field in one press.

What the user types is read by models.common.dates.parse_date, the app's one reading of
a date, after two conveniences of the keyboard: run-together digits ("05032026",
"050326") and spaces as separators. So "5/3/2026", "5.3.26" and "05032026" all give
05/03/2026, and the text is normalised to that when the user leaves the field (the same
date, written the usual way). An entry that is not a date, or is outside the field's
range, is never changed: it stays as typed, framed in red, with the reason in its
tooltip, and `date()` is None until it is corrected.

F4 or Alt+Down (or the calendar button) opens a calendar whose week starts on Sunday,
with Friday and Saturday painted as the weekend (models.common.holidays.FRIDAY/SATURDAY).

The owning form reads python dates only: `date()`, `setDate(day)`, `dateChanged(day)`,
`required_date(field)` (the date, or a ValidationError naming the form's field).
`confirm_far_date(parent, *days)` asks before a form saves a date more than ten years
from today; `check_far_dates(parent, field=day, ...)` does the same for a FormDialog.
`DateTimeEdit` is the same date field with a time (HH:MM) beside it.
"""
from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QDate, QPoint, QRectF, QRegularExpression, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QRegularExpressionValidator,
    QTextCharFormat,
)
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from models.common.dates import format_date, parse_date
from models.common.errors import ValidationError
from models.common.holidays import FRIDAY, SATURDAY
from ui.i18n import _, ngettext
from ui.widgets import clock

ALERT_COLOUR = QColor("#c62828")    # an entry that is not a date
WEEKEND_COLOUR = QColor("#c62828")  # Friday and Saturday in the calendar
FAR_YEARS = 10                      # further from today than this asks first
EARLIEST = dt.date(2000, 1, 1)      # the first "as of" date of the reports and letters

_TYPABLE = QRegularExpression(r"[0-9./\- ]{0,12}")
_RUN_TOGETHER = re.compile(r"^(\d{2})(\d{2})(\d{4}|\d{2})$")
_DAY_FIRST = re.compile(r"^\d{1,2}[./\-]\d{1,2}[./\-](?:\d{2}|\d{4})$")
_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_TIME = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?$")


# ---- python dates <-> Qt ------------------------------------------------------------------

def qdate(day: dt.date) -> QDate:
    """For Qt's own calendar widgets; forms never see a QDate."""
    return QDate(day.year, day.month, day.day)


def pydate(value) -> dt.date | None:
    """A QDate (from a QCalendarWidget) or a date as a python date; None stays None."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date(value.year(), value.month(), value.day())


def parse_typed(text: str) -> dt.date:
    """The date a user typed, or a ValidationError that says why it is not one."""
    compact = re.sub(r"\s*([./\-])\s*", r"\1", text.strip())
    compact = re.sub(r"\s+", "/", compact)
    if not compact:
        raise ValidationError(_("Type a date, for example 22/11/2026."))
    run = _RUN_TOGETHER.match(compact)
    if run:
        compact = "/".join(run.groups())
    elif not (_DAY_FIRST.match(compact) or _ISO.match(compact)):
        raise ValidationError(_("'{text}' is not a date: type day/month/year, for example "
                                "22/11/2026.").format(text=text.strip()))
    return parse_date(compact)


def setup_calendar(calendar: QCalendarWidget) -> QCalendarWidget:
    """An Israeli week: Sunday first, Friday and Saturday painted as the weekend."""
    calendar.setFirstDayOfWeek(Qt.Sunday)
    calendar.setGridVisible(True)
    calendar.setVerticalHeaderFormat(QCalendarWidget.NoVerticalHeader)
    ordinary, weekend = QTextCharFormat(), QTextCharFormat()
    ordinary.setForeground(calendar.palette().color(QPalette.Text))
    weekend.setForeground(WEEKEND_COLOUR)
    for python_weekday in range(7):  # Monday = 0 in python, Qt.Monday = 1
        day = Qt.DayOfWeek(python_weekday + 1)
        is_weekend = python_weekday in (FRIDAY, SATURDAY)
        calendar.setWeekdayTextFormat(day, weekend if is_weekend else ordinary)
    return calendar


def calendar_icon(colour: QColor) -> QIcon:
    """A small calendar page, drawn (no icon file to ship)."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing, True)
    painter.setPen(QPen(colour, 1.2))
    painter.drawRoundedRect(QRectF(1.5, 2.5, 13, 12), 1.5, 1.5)
    painter.fillRect(QRectF(1.5, 2.5, 13, 3.5), colour)
    for x in (4.5, 7.5, 10.5):
        for y in (8.5, 11.5):
            painter.fillRect(QRectF(x, y, 1.6, 1.6), colour)
    painter.end()
    return QIcon(pixmap)


class _MarkedLineEdit(QLineEdit):
    """A line edit that frames itself in red, with the reason as its tooltip."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._error = ""
        self._hint = ""
        self._select_on_click = False

    def error(self) -> str:
        """Why the entry is refused; '' when it is fine (or not yet checked)."""
        return self._error

    def set_hint(self, text: str) -> None:
        self._hint = text
        if not self._error:
            self.setToolTip(text)

    def _set_error(self, message: str) -> None:
        if message == self._error:
            return
        self._error = message
        self.setToolTip(message or self._hint)
        palette = self.palette()
        palette.setColor(QPalette.Text, ALERT_COLOUR if message
                         else QGuiApplication.palette().color(QPalette.Text))
        self.setPalette(palette)
        self.update()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self._error:
            painter = QPainter(self)
            painter.setRenderHint(QPainter.Antialiasing, True)
            painter.setPen(QPen(ALERT_COLOUR, 2))
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 3, 3)

    # A click into the field selects the whole entry, so what is typed next replaces it.
    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self._select_on_click = event.reason() == Qt.MouseFocusReason

    def mousePressEvent(self, event) -> None:
        super().mousePressEvent(event)
        if self._select_on_click:
            self._select_on_click = False
            self.selectAll()


class CalendarPopup(QFrame):
    """The calendar under a date field; a click or Enter picks the day, Esc closes."""
    picked = Signal(object)  # datetime.date

    def __init__(self, parent: QWidget):
        super().__init__(parent, Qt.Popup)
        self.setFrameShape(QFrame.StyledPanel)
        # The field is left to right (its digits); the calendar reads like the window.
        self.setLayoutDirection(QGuiApplication.layoutDirection())
        self.calendar = setup_calendar(QCalendarWidget(self))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.calendar)
        self.calendar.clicked.connect(self._pick)
        self.calendar.activated.connect(self._pick)

    def _pick(self, value: QDate) -> None:
        self.hide()
        self.picked.emit(pydate(value))

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)

    def open_at(self, field: QWidget, day: dt.date, minimum: dt.date | None,
                maximum: dt.date | None) -> None:
        self.calendar.setDateRange(qdate(minimum or dt.date(1900, 1, 1)),
                                   qdate(maximum or dt.date(2199, 12, 31)))
        self.calendar.setSelectedDate(qdate(day))
        self.adjustSize()
        size = self.sizeHint()
        # Under the field, aligned with the field's leading edge in the window's direction.
        if self.layoutDirection() == Qt.RightToLeft:
            anchor = field.mapToGlobal(QPoint(field.width() - size.width(), field.height()))
        else:
            anchor = field.mapToGlobal(QPoint(0, field.height()))
        screen = field.screen().availableGeometry() if field.screen() else None
        if screen is not None:
            x = min(max(anchor.x(), screen.left()), screen.right() - size.width())
            y = anchor.y()
            if y + size.height() > screen.bottom():  # no room below: open above the field
                y = field.mapToGlobal(QPoint(0, 0)).y() - size.height()
            anchor = QPoint(x, max(y, screen.top()))
        self.move(anchor)
        self.show()
        self.calendar.setFocus(Qt.PopupFocusReason)


class DateEdit(_MarkedLineEdit):
    """A date typed as dd/mm/yyyy, or picked from the calendar (F4 / Alt+Down)."""
    dateChanged = Signal(object)  # datetime.date: a valid date replaced another

    def __init__(self, day: dt.date | None = None, parent=None, *,
                 minimum: dt.date | None = None, maximum: dt.date | None = None):
        super().__init__(parent)
        self._minimum, self._maximum = minimum, maximum
        self._date: dt.date | None = None  # the valid date last shown or announced
        self._popup: CalendarPopup | None = None
        # Dates read left to right in both languages: 22/11/2026, never 2026/11/22.
        self.setLayoutDirection(Qt.LeftToRight)
        self.setValidator(QRegularExpressionValidator(_TYPABLE, self))
        self.setPlaceholderText(_("dd/mm/yyyy"))
        self.set_hint(_("Type the date as day/month/year; F4 opens the calendar."))
        self.calendar_action = self.addAction(
            calendar_icon(self.palette().color(QPalette.ButtonText)), QLineEdit.TrailingPosition)
        self.calendar_action.setToolTip(_("Choose from a calendar (F4)"))
        self.calendar_action.triggered.connect(self.show_calendar)
        self.editingFinished.connect(self.commit)
        self.textEdited.connect(self._on_edited)
        width = self.fontMetrics().horizontalAdvance("00/00/00000") + 44
        self.setMinimumWidth(width)
        if day is not None:
            self.setDate(day)

    # ---- the value --------------------------------------------------------------------

    def date(self) -> dt.date | None:
        """The date in the field now (typed or picked); None when it is not a valid date."""
        try:
            return self._read()
        except ValidationError:
            return None

    def valid_date(self) -> dt.date | None:
        """For a page that shows results for a date (a preview, a filter): the date typed
        now when it is one, else the last valid date the field held (what is on screen)."""
        return self.date() or self._date

    def required_date(self, field: str | None = None) -> dt.date:
        """The date, or a ValidationError naming `field` (the form shows it there)."""
        try:
            return self._read()
        except ValidationError as exc:
            self._set_error(str(exc))
            raise ValidationError(str(exc), field=field) from None

    def setDate(self, day) -> None:
        """Show `day` (a python date; None empties the field)."""
        day = pydate(day)
        if day is None:
            self.clear()
            self._set_error("")
            self._date = None
            return
        self.setText(format_date(day))
        self.commit()

    def minimumDate(self) -> dt.date | None:
        return self._minimum

    def maximumDate(self) -> dt.date | None:
        return self._maximum

    def setMinimumDate(self, day: dt.date | None) -> None:
        self._minimum = pydate(day)
        self._recheck()

    def setMaximumDate(self, day: dt.date | None) -> None:
        self._maximum = pydate(day)
        self._recheck()

    def setDateRange(self, minimum: dt.date | None, maximum: dt.date | None) -> None:
        self._minimum, self._maximum = pydate(minimum), pydate(maximum)
        self._recheck()

    def _read(self) -> dt.date:
        day = parse_typed(self.text())
        if self._minimum is not None and day < self._minimum:
            raise ValidationError(_("The date must be on or after {date}.").format(
                date=format_date(self._minimum)))
        if self._maximum is not None and day > self._maximum:
            raise ValidationError(_("The date must be on or before {date}.").format(
                date=format_date(self._maximum)))
        return day

    def _recheck(self) -> None:
        if self.text().strip():
            self.commit()

    def commit(self) -> None:
        """Leaving the field: a date is written dd/mm/yyyy and announced; anything else
        stays as typed, in red."""
        try:
            day = self._read()
        except ValidationError as exc:
            self._set_error(str(exc))
            return
        self._set_error("")
        written = format_date(day)
        if self.text() != written:
            self.setText(written)
        if day != self._date:
            self._date = day
            self.dateChanged.emit(day)

    def _on_edited(self, _text: str) -> None:
        if self.error() and self.date() is not None:
            self._set_error("")  # corrected: the red goes as soon as it is a date

    # ---- the calendar -----------------------------------------------------------------

    def calendar_popup(self) -> CalendarPopup:
        if self._popup is None:
            self._popup = CalendarPopup(self)
            self._popup.picked.connect(self._picked)
        return self._popup

    def show_calendar(self) -> None:
        if not self.isEnabled() or self.isReadOnly():
            return
        self.calendar_popup().open_at(self, self.date() or self._date or clock.today(),
                                      self._minimum, self._maximum)

    def _picked(self, day: dt.date) -> None:
        self.setDate(day)
        self.setFocus(Qt.OtherFocusReason)
        self.selectAll()

    def keyPressEvent(self, event) -> None:
        key, modifiers = event.key(), event.modifiers()
        if key == Qt.Key_F4 or (key == Qt.Key_Down and modifiers & Qt.AltModifier):
            self.show_calendar()
            return
        super().keyPressEvent(event)


class TimeEdit(_MarkedLineEdit):
    """A time of day typed as HH:MM ("930" and "9:30" give 09:30)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setLayoutDirection(Qt.LeftToRight)
        self.setValidator(QRegularExpressionValidator(QRegularExpression(r"[0-9:. ]{0,5}"),
                                                      self))
        self.setPlaceholderText(_("hh:mm"))
        self.set_hint(_("Type the time as hours:minutes, for example 14:30."))
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("00:000") + 24)
        self.editingFinished.connect(self.commit)

    def time(self) -> dt.time | None:
        try:
            return self._read()
        except ValidationError:
            return None

    def setTime(self, value: dt.time) -> None:
        self.setText(value.strftime("%H:%M"))
        self._set_error("")

    def _read(self) -> dt.time:
        text = self.text().strip()
        match = _TIME.match(text.replace(" ", ""))
        if len(text) in (3, 4) and text.isdigit():  # 930 -> 9:30, 1430 -> 14:30
            match = _TIME.match(f"{text[:-2]}:{text[-2:]}")
        if match:
            hour, minute = int(match.group(1)), int(match.group(2) or 0)
            if hour < 24 and minute < 60:
                return dt.time(hour, minute)
        raise ValidationError(_("'{text}' is not a time: type hours:minutes, for example "
                                "14:30.").format(text=text))

    def commit(self) -> None:
        try:
            value = self._read()
        except ValidationError as exc:
            self._set_error(str(exc))
            return
        self.setTime(value)


class DateTimeEdit(QWidget):
    """A date field and a time field side by side (Tab goes from one to the other)."""

    def __init__(self, value: dt.datetime | None = None, parent=None):
        super().__init__(parent)
        self.setLayoutDirection(Qt.LeftToRight)  # 22/11/2026 14:30, as it is written
        self.date_edit = DateEdit()
        self.time_edit = TimeEdit()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.date_edit, 1)
        row.addWidget(self.time_edit)
        self.setFocusProxy(self.date_edit)
        if value is not None:
            self.setDateTime(value)

    def setDateTime(self, value: dt.datetime) -> None:
        self.date_edit.setDate(value.date())
        self.time_edit.setTime(value.time())

    def setDate(self, day: dt.date) -> None:
        self.date_edit.setDate(day)

    def dateTime(self) -> dt.datetime | None:
        day, time = self.date_edit.date(), self.time_edit.time()
        return dt.datetime.combine(day, time) if day and time else None

    def required_datetime(self, field: str | None = None) -> dt.datetime:
        day = self.date_edit.required_date(field)
        time = self.time_edit.time()
        if time is None:
            self.time_edit.commit()
            raise ValidationError(self.time_edit.error() or _("Type the time."), field=field)
        return dt.datetime.combine(day, time)


# ---- dates far from today -----------------------------------------------------------------

def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def far_dates(*days: dt.date | None, today: dt.date | None = None) -> list[dt.date]:
    """The days more than FAR_YEARS years before or after today."""
    today = today or clock.today()
    earliest, latest = _years_from(today, -FAR_YEARS), _years_from(today, FAR_YEARS)
    return [d for d in days if d is not None and not earliest <= d <= latest]


def confirm_far_date(parent: QWidget | None, *days: dt.date | None) -> bool:
    """True when no day is far from today, or the user confirms the far ones (a question
    whose default answer is no)."""
    from ui.widgets import dialogs

    far = far_dates(*days)
    if not far:
        return True
    text = ngettext(
        "The date {dates} is more than {years} years from today. Is it correct?",
        "The dates {dates} are more than {years} years from today. Are they correct?",
        len(far)).format(dates=", ".join(format_date(d) for d in far), years=FAR_YEARS)
    return dialogs.confirm(parent, _("Check the date"), text, _("Yes, save it"))


def check_far_dates(parent: QWidget | None, **fields: dt.date | None) -> None:
    """For a form's save: ask about dates far from today; when the user does not confirm,
    a ValidationError naming the first far field keeps the form open there."""
    if confirm_far_date(parent, *fields.values()):
        return
    far = set(far_dates(*fields.values()))
    field = next(name for name, day in fields.items() if day in far)
    raise ValidationError(_("Correct the date, or save again and confirm it."), field=field)
