"""Who may see which records: the one place this rule lives.

* rep, legal, service: their own records and unassigned ones;
* manager: everything owned by their team (themselves and everyone below them in the
  ``manager_id`` tree) and unassigned records;
* director, admin: everything.

A workflow function that reads or writes owned records gets a :class:`Scope` for its
actor and uses :meth:`Scope.owner_clause` in its query or :meth:`Scope.ensure_visible` on a
single record. Records outside the scope are reported as not found, so their existence
does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, true
from sqlmodel import Session, col, select

from salesflow.i18n import _
from salesflow.store.models import User
from salesflow.workflow.errors import NotFound
from salesflow.workflow.roles import scope_kind


@dataclass(frozen=True)
class Scope:
    """The set of owners whose records an actor may see (``None``: all of them)."""

    actor_id: int
    owner_ids: frozenset[int] | None

    @property
    def sees_everything(self) -> bool:
        return self.owner_ids is None

    def can_see(self, owner_id: int | None) -> bool:
        return self.owner_ids is None or owner_id is None or owner_id in self.owner_ids

    def owner_clause(self, owner_column: Any, *, include_unassigned: bool = True) -> Any:
        """A WHERE clause limiting ``owner_column`` to this scope."""
        if self.owner_ids is None:
            return true()
        clause: ColumnElement[bool] = owner_column.in_(sorted(self.owner_ids))
        if include_unassigned:
            clause = or_(clause, owner_column.is_(None))
        return clause

    def ensure_visible(self, owner_id: int | None, *, what: str, ident: object) -> None:
        if not self.can_see(owner_id):
            raise NotFound(_("No {what} {ident}.").format(what=what, ident=ident))


def team_member_ids(session: Session, manager_id: int) -> frozenset[int]:
    """The manager and everyone below them in the team tree."""
    members = {manager_id}
    frontier = {manager_id}
    while frontier:
        rows = session.exec(select(User.id).where(col(User.manager_id).in_(frontier))).all()
        frontier = {member for member in rows if member is not None} - members
        members |= frontier
    return frozenset(members)


def scope_for(session: Session, actor: User) -> Scope:
    assert actor.id is not None
    kind = scope_kind(actor.role)
    if kind == "all":
        return Scope(actor.id, None)
    if kind == "team":
        return Scope(actor.id, team_member_ids(session, actor.id))
    return Scope(actor.id, frozenset({actor.id}))
