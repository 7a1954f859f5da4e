"""Reading the audit trail (writing it is automatic: see salesflow.store.audit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from salesflow.i18n import _
from salesflow.store.models import AuditChange, AuditEvent, User
from salesflow.workflow.errors import InputError
from salesflow.workflow.identity import find_user
from salesflow.workflow.visibility import scope_for

SYSTEM_ACTOR = "system"


@dataclass(frozen=True)
class AuditLine:
    """One changed field of one audited write (events without fields give one line)."""

    event_id: int
    occurred_at: datetime
    user: str
    action: str
    entity: str
    entity_id: str
    field: str | None
    old_value: str | None
    new_value: str | None
    summary: str | None


def list_audit(
    session: Session,
    actor: User,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    user: str | None = None,
    limit: int = 200,
) -> list[AuditLine]:
    """The newest ``limit`` audited writes the actor may see, newest first.

    Directors and admins see every event; a manager sees what their team did; everyone
    else sees what they did themselves.
    """
    if limit < 1:
        raise InputError(_("--limit must be at least 1."))
    scope = scope_for(session, actor)
    statement = select(AuditEvent).where(
        scope.owner_clause(col(AuditEvent.actor_id), include_unassigned=scope.sees_everything)
    )
    if entity is not None:
        statement = statement.where(AuditEvent.entity == entity.strip().lower())
    if entity_id is not None:
        statement = statement.where(AuditEvent.entity_id == entity_id.strip())
    if user is not None:
        if user.strip().lower() == SYSTEM_ACTOR:
            statement = statement.where(col(AuditEvent.actor_id).is_(None))
        else:
            named = find_user(session, user)
            if named is None:
                raise InputError(_("Unknown user '{name}' (--user).").format(name=user))
            statement = statement.where(AuditEvent.actor_id == named.id)
    statement = statement.order_by(col(AuditEvent.occurred_at).desc(), col(AuditEvent.id).desc())
    events = session.exec(statement.limit(limit)).all()
    if not events:
        return []
    event_ids = [event.id for event in events]
    changes: dict[int, list[AuditChange]] = {}
    for change in session.exec(
        select(AuditChange)
        .where(col(AuditChange.event_id).in_(event_ids))
        .order_by(col(AuditChange.id))
    ).all():
        changes.setdefault(change.event_id, []).append(change)
    usernames = {u.id: u.username for u in session.exec(select(User)).all()}
    lines: list[AuditLine] = []
    for event in events:
        assert event.id is not None
        who = usernames.get(event.actor_id, SYSTEM_ACTOR) if event.actor_id else SYSTEM_ACTOR
        fields: list[AuditChange | None] = [*changes.get(event.id, [])] or [None]
        for item in fields:
            lines.append(
                AuditLine(
                    event_id=event.id,
                    occurred_at=event.occurred_at,
                    user=who,
                    action=event.action,
                    entity=event.entity,
                    entity_id=event.entity_id,
                    field=item.field if item else None,
                    old_value=item.old_value if item else None,
                    new_value=item.new_value if item else None,
                    summary=event.summary,
                )
            )
    return lines
