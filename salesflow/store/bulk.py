"""Writing many rows at once, for imports, with the audit trail kept per batch.

The audited session refuses bulk statements because they would leave no per-record trail
(see :mod:`salesflow.store.audit`). An import of 100,000 rows cannot afford one audit event
per row, so it writes here instead: each row carries its ``import_batch_id``, and the caller
records one audit event for the whole batch (who, when, which file, how many rows) in the
same transaction. These functions refuse to run in a session that has no acting user.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, select, text
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from salesflow.store.audit import ACTOR_KEY, MissingActorError
from salesflow.store.database import WRITE_OPTION

CHUNK = 1000


def _table(model: type[SQLModel]) -> Any:
    return model.__table__  # type: ignore[attr-defined]


def _new_ids(session: Session, table: Any, count: int) -> list[int]:
    """``count`` unused ids for ``table``, taken before the rows are written.

    PostgreSQL hands them out from the column's sequence, safe under concurrency. SQLite
    has no sequence; write sessions hold its write lock from their first statement
    (``BEGIN IMMEDIATE``), so nobody else can insert until this transaction ends and the
    ids after the current largest are ours.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
        ).scalar_one()
        taken = connection.execute(
            text("SELECT nextval(:sequence) FROM generate_series(1, :count)"),
            {"sequence": sequence, "count": count},
        )
        return [int(row[0]) for row in taken]
    if not connection.get_execution_options().get(WRITE_OPTION, False):
        raise RuntimeError("bulk inserts on SQLite need a write session (write=True)")
    largest = connection.execute(select(func.max(table.c.id))).scalar_one_or_none() or 0
    return list(range(largest + 1, largest + 1 + count))


def insert_many(
    session: Session, model: type[SQLModel], rows: Sequence[dict[str, Any]]
) -> list[int]:
    """Insert ``rows`` into ``model``'s table; returns their new ids in the same order.

    The ids are chosen first (see :func:`_new_ids`) and written with the rows, so the
    driver can send plain multi-row statements instead of one INSERT ... RETURNING a row.
    """
    if ACTOR_KEY not in session.info:
        raise MissingActorError("a bulk insert without an acting user")
    if not rows:
        return []
    table = _table(model)
    ids = _new_ids(session, table, len(rows))
    connection = session.connection()
    statement = insert(table)
    for start in range(0, len(rows), CHUNK):
        chunk = [
            {**row, "id": ids[start + offset]}
            for offset, row in enumerate(rows[start : start + CHUNK])
        ]
        connection.execute(statement, chunk)
    return ids


def delete_where(session: Session, model: type[SQLModel], clause: ColumnElement[bool]) -> int:
    """Delete the rows of ``model`` matching ``clause``; returns how many went."""
    if ACTOR_KEY not in session.info:
        raise MissingActorError("a bulk delete without an acting user")
    result = session.connection().execute(delete(_table(model)).where(clause))
    return int(result.rowcount or 0)
