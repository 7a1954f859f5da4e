"""The one exception hierarchy of salesflow.

The CLI maps each class to an exit code: 2 for bad input or usage (the person typed
something wrong), 1 for a request refused by a business rule (the input was understood,
the process says no). Every error carries a one-sentence message and an optional hint.
"""

from __future__ import annotations


class SalesflowError(Exception):
    """Base class: a problem the person at the terminal can act on."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(SalesflowError):
    """Bad input or usage: a malformed value, an unknown name, a missing option."""

    exit_code = 2


class FieldError(InputError):
    """Bad input in one field; ``field`` is its canonical name (``phone``, ``company``).

    Imports report it per row and column; the message already names the field the way
    the person wrote it (an option such as ``--phone``, or a column of their file).
    """

    def __init__(self, field: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.field = field


class NotFound(InputError):
    """A named record does not exist (or is not visible to the acting user)."""


class ConfigurationError(InputError):
    """The database URL, config file or data directory cannot be used."""


class Refused(SalesflowError):
    """A business rule refuses the request: a conflict, a missing gate, no authority."""

    exit_code = 1


class PermissionDenied(Refused):
    """The acting user's role does not allow this action."""


class DatabaseError(SalesflowError):
    """The database is unreachable, damaged, or of an unknown schema version."""

    exit_code = 1
