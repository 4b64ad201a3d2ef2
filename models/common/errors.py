"""Errors a user can cause and understand. Each carries a message already translated into
the interface language (models.common.i18n), so it is shown as it is."""


class GviaError(Exception):
    """A problem the user can act on; its text is shown as-is, never a traceback."""


class ValidationError(GviaError):
    """Input that breaks a rule; `field` names the form field, when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class DatabaseOpenError(GviaError):
    """The database file cannot be used (missing, damaged, foreign, newer, locked)."""


class DatabaseLockedError(DatabaseOpenError):
    """Another running copy of Gvia holds the database."""


class DatabaseReadOnlyError(DatabaseOpenError):
    """The file or its folder is read-only: it can be read, not written."""
