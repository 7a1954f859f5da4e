"""The audit trail, recorded for every write made through an :class:`AuditedSession`.

After each flush, every inserted, updated or deleted row of an audited table becomes one
``audit_events`` row and one ``audit_changes`` row per changed field (old -> new, as text).
The acting user is ``session.info["actor_id"]`` (``None`` means the system itself, as
during ``salesflow init``). A flush that writes while no actor was set raises, so a feature
cannot write without leaving a trail, and bulk INSERT/UPDATE/DELETE statements on audited
tables are refused when executed through the session (they would bypass the flush).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlmodel import Session as SQLModelSession
from sqlmodel import SQLModel

from salesflow.store.models import AuditChange, AuditEvent
from salesflow.store.types import utcnow

ACTOR_KEY = "actor_id"
NOT_AUDITED = frozenset({AuditEvent.__tablename__, AuditChange.__tablename__})


class MissingActorError(RuntimeError):
    """A write was flushed by a session that has no acting user (a programming error)."""


class AuditedSession(SQLModelSession):
    """The only session class salesflow writes through."""


class BulkWriteError(RuntimeError):
    """A bulk INSERT/UPDATE/DELETE on an audited table (it would leave no audit trail)."""


def _refuse_bulk_writes(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    target = getattr(state.statement, "table", None)
    if getattr(target, "name", None) not in NOT_AUDITED:
        raise BulkWriteError(
            "bulk writes bypass the audit trail: load the objects and change them instead"
        )


def audit_text(value: Any) -> str | None:
    """A stable text form of a column value for the audit trail."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _entity_id(obj: SQLModel) -> str:
    identity = inspect(obj).identity
    if identity:
        return ",".join(str(part) for part in identity)
    mapper = inspect(obj).mapper
    return ",".join(str(getattr(obj, col.key)) for col in mapper.primary_key)


def _changes(obj: SQLModel, action: str) -> dict[str, tuple[str | None, str | None]]:
    state = inspect(obj)
    changes: dict[str, tuple[str | None, str | None]] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if action == "create":
            new = audit_text(getattr(obj, key))
            if new is not None:
                changes[key] = (None, new)
        elif action == "delete":
            old = audit_text(getattr(obj, key))
            if old is not None:
                changes[key] = (old, None)
        else:
            history = state.attrs[key].history
            if history.has_changes():
                old = audit_text(history.deleted[0]) if history.deleted else None
                new = audit_text(history.added[0]) if history.added else None
                if old != new:
                    changes[key] = (old, new)
    return changes


def _record_flush(session: Session, flush_context: UOWTransaction) -> None:
    writes: list[tuple[str, SQLModel]] = []
    writes += [("create", obj) for obj in session.new]
    writes += [("update", obj) for obj in session.dirty if session.is_modified(obj)]
    writes += [("delete", obj) for obj in session.deleted]
    audited = [
        (action, obj)
        for action, obj in writes
        if getattr(obj, "__tablename__", None) not in NOT_AUDITED
    ]
    if not audited:
        return
    if ACTOR_KEY not in session.info:
        raise MissingActorError("a write was flushed without an acting user")
    actor_id = session.info[ACTOR_KEY]
    connection = session.connection()
    now = utcnow()
    for action, obj in audited:
        changes = _changes(obj, action)
        if action == "update" and not changes:
            continue
        result = connection.execute(
            insert(AuditEvent.__table__).values(  # type: ignore[attr-defined]
                occurred_at=now,
                actor_id=actor_id,
                action=action,
                entity=obj.__tablename__,
                entity_id=_entity_id(obj),
            )
        )
        event_id = result.inserted_primary_key[0]  # type: ignore[index]
        if changes:
            connection.execute(
                insert(AuditChange.__table__),  # type: ignore[attr-defined]
                [
                    {"event_id": event_id, "field": field, "old_value": old, "new_value": new}
                    for field, (old, new) in sorted(changes.items())
                ],
            )


def set_actor(session: Session, actor_id: int | None) -> None:
    """Name the user whose writes this session records (``None``: the system itself)."""
    session.info[ACTOR_KEY] = actor_id


def record_event(
    session: Session,
    *,
    action: str,
    entity: str,
    entity_id: str,
    summary: str | None = None,
) -> None:
    """Record an event that is not a row change (an export, a backup) for the acting user."""
    if ACTOR_KEY not in session.info:
        raise MissingActorError("an event was recorded without an acting user")
    session.add(
        AuditEvent(
            actor_id=session.info[ACTOR_KEY],
            action=action,
            entity=entity,
            entity_id=entity_id,
            summary=summary,
        )
    )


event.listen(AuditedSession, "after_flush", _record_flush)
event.listen(AuditedSession, "do_orm_execute", _refuse_bulk_writes)
