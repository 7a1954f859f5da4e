"""Catches a SQLite write made outside a write transaction while the CLI runs.

A unit of work that writes must say so (``context.acting(write=True)``), so that SQLite's
write lock is taken when it begins. A deferred transaction that reads and then writes
fails at once with "database is locked" when another command wrote in between (WAL mode
cannot upgrade a stale snapshot), which no test with a single process would notice. The
``cli`` fixture (tests/helpers.py) fails a command whose run made such a write.
"""

from __future__ import annotations

import traceback
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

WRITE_OPTION = "salesflow_write"
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")

violations: list[str] = []


def _check(conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
    if conn.dialect.name != "sqlite" or not statement.lstrip().upper().startswith(WRITES):
        return
    if conn.get_execution_options().get(WRITE_OPTION, False):
        return
    where = [
        f"{frame.filename.split('/salesflow/')[-1]}:{frame.lineno} {frame.name}"
        for frame in traceback.extract_stack()
        if "/salesflow/" in frame.filename and "/salesflow/store/" not in frame.filename
    ]
    violations.append(f"{statement.split()[0:3]} at {' <- '.join(reversed(where[-4:]))}")


def install() -> None:
    if not event.contains(Engine, "before_cursor_execute", _check):
        event.listen(Engine, "before_cursor_execute", _check)
