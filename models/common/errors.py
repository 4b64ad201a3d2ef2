"""Errors a user can cause and understand. Each carries a message already translated into
the interface language (models.common.i18n), so it is shown as it is."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


class GviaError(Exception):
    """A problem the user can act on; its text is shown as-is, never a traceback."""


class ValidationError(GviaError):
    """Input that breaks a rule; `field` names the form field, when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field

    @property
    def errors(self) -> list["ValidationError"]:
        """Every problem this error reports, one per field: here, itself."""
        return [self]


class ValidationErrors(ValidationError):
    """Several problems of one form found at once, each a ValidationError naming its field,
    so a form can show all of them next to their fields. Its own text is all the
    messages, one a line, and its `field` the first one's: a caller that knows only
    ValidationError still shows something whole and points at the first field."""

    def __init__(self, errors: Iterable[ValidationError]):
        flat = [one for error in errors for one in error.errors]
        if not flat:
            raise ValueError("ValidationErrors needs at least one error")
        super().__init__("\n".join(str(error) for error in flat), field=flat[0].field)
        self._errors = flat

    @property
    def errors(self) -> list[ValidationError]:
        return list(self._errors)


class ErrorCollector:
    """Runs the checks of a form and keeps every ValidationError instead of stopping at the
    first one:

        found = ErrorCollector()
        name = found.check(clean_name, typed_name)      # None when it failed
        ...
        found.raise_if_any()    # the single error itself, or ValidationErrors
    """

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def check(self, rule: Callable[..., Any], *args, **kwargs) -> Any:
        try:
            return rule(*args, **kwargs)
        except ValidationError as exc:
            self.errors.extend(exc.errors)
            return None

    def add(self, error: ValidationError) -> None:
        self.errors.extend(error.errors)

    def failed(self, field: str) -> bool:
        return any(error.field == field for error in self.errors)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ValidationErrors(self.errors)


class DatabaseOpenError(GviaError):
    """The database file cannot be used (missing, damaged, foreign, newer, locked)."""


class DatabaseLockedError(DatabaseOpenError):
    """Another running copy of Gvia holds the database."""


class DatabaseReadOnlyError(DatabaseOpenError):
    """The file or its folder is read-only: it can be read, not written."""
