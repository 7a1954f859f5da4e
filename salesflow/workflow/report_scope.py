"""Whose figures a report shows: the person running it, one user, or a team.

* no option: the actor's own report (their leads, their contacts);
* ``--user U``: U's report, when the actor may see U's records (a manager their team, a
  director everyone; a rep only themselves);
* ``--team``: a manager's team (them and everyone below them) with the unassigned pool; a
  director's or admin's is everyone. A rep has no team report.

Records owned by someone (leads, quotes, contracts and the money received on them) count
for their *current* owner; things people do (activities, return visits) count for the
person who did them. :meth:`ReportScope.owner_clause` and :meth:`ReportScope.person_clause`
are the WHERE clauses for the two. ``people`` are the sellers (reps, managers, directors)
a per-person table lists, in username order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, true
from sqlmodel import Session, col, select

from salesflow.i18n import _
from salesflow.store.models import User
from salesflow.workflow.errors import InputError, PermissionDenied
from salesflow.workflow.identity import find_user
from salesflow.workflow.roles import scope_kind
from salesflow.workflow.visibility import scope_for, team_member_ids

SELLER_ROLES = ("rep", "manager", "director")


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    display_name: str
    role: str
    active: bool = True


@dataclass(frozen=True)
class ReportScope:
    """``kind`` is "self", "user" or "team"; ``owner_ids`` None means everyone."""

    kind: str
    subject: Person  # whose report: the actor, the --user, or the team's head
    owner_ids: frozenset[int] | None
    unassigned: bool  # unassigned records count too (team reports)
    people: tuple[Person, ...]

    @property
    def everyone(self) -> bool:
        return self.owner_ids is None

    def covers(self, owner_id: int | None) -> bool:
        if owner_id is None:
            return self.unassigned
        return self.owner_ids is None or owner_id in self.owner_ids

    def owner_clause(self, owner_column: Any) -> Any:
        """Records owned in scope (and unassigned ones in a team report)."""
        if self.owner_ids is None:
            return true() if self.unassigned else owner_column.is_not(None)
        clause: ColumnElement[bool] = owner_column.in_(sorted(self.owner_ids))
        if self.unassigned:
            clause = or_(clause, owner_column.is_(None))
        return clause

    def person_clause(self, user_column: Any) -> Any:
        """Things done by people in scope (an activity's or a visit's user)."""
        if self.owner_ids is None:
            return true()
        return user_column.in_(sorted(self.owner_ids))

    def person(self, user_id: int | None) -> Person | None:
        return next((p for p in self.people if p.id == user_id), None)


def as_person(user: User) -> Person:
    assert user.id is not None
    return Person(user.id, user.username, user.display_name, user.role, user.active)


def people_by_id(session: Session, ids: Iterable[int]) -> dict[int, Person]:
    """The users with these ids (for rows of people outside ``scope.people``)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    users = session.exec(select(User).where(col(User.id).in_(wanted))).all()
    return {p.id: p for p in (as_person(u) for u in users)}


def _sellers(session: Session, owner_ids: frozenset[int] | None) -> tuple[Person, ...]:
    statement = select(User).where(col(User.role).in_(SELLER_ROLES), col(User.active).is_(True))
    if owner_ids is not None:
        statement = statement.where(col(User.id).in_(sorted(owner_ids)))
    return tuple(as_person(u) for u in session.exec(statement.order_by(col(User.username))))


def report_scope(
    session: Session, actor: User, *, team: bool = False, user: str | None = None
) -> ReportScope:
    """The scope of a report run by ``actor`` with ``--team`` or ``--user``."""
    if team and user is not None:
        raise InputError(_("--team and --user exclude each other."))
    if team:
        kind = scope_kind(actor.role)
        if kind == "own":
            raise PermissionDenied(
                _("--team reports on colleagues; your role sees only your own records."),
                hint=_("Leave out --team for your own report."),
            )
        assert actor.id is not None
        owners = None if kind == "all" else team_member_ids(session, actor.id)
        return ReportScope("team", as_person(actor), owners, True, _sellers(session, owners))
    if user is not None:
        found = find_user(session, user)
        if found is None or found.id is None or not scope_for(session, actor).can_see(found.id):
            raise InputError(
                _("No user '{name}' (--user).").format(name=user),
                hint=_("'salesflow user list' shows the users."),
            )
        subject = as_person(found)
        return ReportScope("user", subject, frozenset({subject.id}), False, (subject,))
    subject = as_person(actor)
    return ReportScope("self", subject, frozenset({subject.id}), False, (subject,))
