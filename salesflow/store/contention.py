"""Several people writing at once: waiting for the write lock, and what a conflict means.

SQLite lets one writer in at a time. A salesflow write transaction takes the write lock
when it begins (``BEGIN IMMEDIATE``), so it never fails half-way for want of it; while
another command holds the lock, SQLite's busy handler waits up to its busy timeout, and
:func:`begin_immediate` tries again with a growing, jittered pause until
:data:`LOCK_WAIT_S` seconds have passed in all. Only then does the person hear that the
database is busy, and nothing was written.

PostgreSQL waits on row locks by itself; what can still end a transaction is a deadlock
or a serialization failure, which :func:`known_failure` turns into one clear message.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

from salesflow.i18n import _
from salesflow.workflow.errors import DatabaseError, InputError, SalesflowError

T = TypeVar("T")

# How long, in all, a write waits for the SQLite write lock before giving up.
LOCK_WAIT_S = 60.0
# The first pause between attempts, and the longest one.
FIRST_PAUSE_S = 0.01
LONGEST_PAUSE_S = 0.5

# SQLSTATEs after which running the same transaction again can succeed.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})  # serialization, deadlock, lock


class DatabaseBusy(DatabaseError):
    """The write could not start or finish because others held the records; nothing changed."""


def is_sqlite_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's "database is locked" (or "busy") error."""
    if not isinstance(exc, OperationalError):
        return False
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return "database is locked" in text or "database is busy" in text


def sqlstate(exc: BaseException) -> str | None:
    """The PostgreSQL SQLSTATE of a driver error, if it has one."""
    orig = getattr(exc, "orig", None)
    state = getattr(orig, "sqlstate", None)
    return state if isinstance(state, str) else None


def pauses(
    *,
    first: float = FIRST_PAUSE_S,
    longest: float = LONGEST_PAUSE_S,
    jitter: Callable[[], float] = random.random,
) -> Any:
    """Pauses between attempts: doubling from ``first`` up to ``longest``, each scaled by
    0.5–1.5 so that waiting writers do not all knock at the same moment."""
    pause = first
    while True:
        yield pause * (0.5 + jitter())
        pause = min(pause * 2, longest)


def retry_busy(
    action: Callable[[], T],
    *,
    wait_s: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[T, int]:
    """Run ``action`` until SQLite stops answering "database is locked"; its result and the
    number of attempts it took.

    Raises :class:`DatabaseBusy` once ``wait_s`` seconds (default :data:`LOCK_WAIT_S`) have
    passed; any other error is raised as it is. Only an action that changes nothing before
    it fails may be retried: taking a lock, or reading.
    """
    wait_s = LOCK_WAIT_S if wait_s is None else wait_s
    deadline = clock() + wait_s
    for attempts, pause in enumerate(pauses(), start=1):
        try:
            return action(), attempts
        except OperationalError as exc:
            if not is_sqlite_busy(exc):
                raise
            if clock() + pause >= deadline:
                raise busy_error(wait_s) from exc
        sleep(pause)
    raise AssertionError("pauses() never ends")  # pragma: no cover


def begin_immediate(execute: Callable[[str], object], **options: Any) -> int:
    """Run ``BEGIN IMMEDIATE`` through ``execute`` until SQLite grants the write lock (see
    :func:`retry_busy`); the number of attempts it took."""
    _result, attempts = retry_busy(lambda: execute("BEGIN IMMEDIATE"), **options)
    return attempts


def busy_error(wait_s: float) -> DatabaseBusy:
    return DatabaseBusy(
        _(
            "The database is busy: other salesflow commands kept it locked for {seconds} "
            "seconds. Nothing was saved."
        ).format(seconds=round(wait_s)),
        hint=_("Run the command again; if it keeps happening, look for a stuck salesflow."),
    )


def known_failure(exc: DBAPIError) -> SalesflowError | None:
    """The clear message for a transaction that lost to another writer (or for a value
    PostgreSQL cannot hold), else ``None``."""
    if "cannot contain NUL" in str(exc.orig if exc.orig is not None else exc):
        # psycopg refuses a NUL in a text value before sending it; no value may hold one.
        return InputError(_("A value contains a NUL character (\\0), which no value may hold."))
    if is_sqlite_busy(exc):
        return DatabaseBusy(
            _("The database is busy: another salesflow command is writing. Nothing was saved."),
            hint=_("Run the command again."),
        )
    if sqlstate(exc) in RETRYABLE_SQLSTATES:
        return DatabaseBusy(
            _("Someone else changed the same records at the same moment; nothing was saved."),
            hint=_("Run the command again."),
        )
    return None
