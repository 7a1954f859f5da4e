"""Users, roles and teams."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from salesflow.i18n import _
from salesflow.store.models import User
from salesflow.workflow.errors import InputError, NotFound, PermissionDenied, Refused
from salesflow.workflow.identity import find_user
from salesflow.workflow.roles import LEADS_TEAMS, MANAGES_USERS, ROLES, role_label, scope_kind
from salesflow.workflow.visibility import team_member_ids

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
DISPLAY_NAME_MAX = 100


@dataclass(frozen=True)
class UserView:
    """A user as shown in lists: codes plus the names people read."""

    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    manager: str | None
    active: bool
    created_at: datetime


def normalize_username(raw: str) -> str:
    """A username is lower case letters, digits, '.', '_' or '-', starting alphanumeric."""
    name = raw.strip().lower()
    if not USERNAME_PATTERN.match(name):
        raise InputError(
            _("Invalid username '{name}' (NAME).").format(name=raw),
            hint=_("Use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit."),
        )
    return name


def normalize_display_name(raw: str | None, *, fallback: str) -> str:
    if raw is None:
        return fallback
    name = unicodedata.normalize("NFC", raw).strip()
    if not name:
        raise InputError(_("The display name is empty (--display-name)."))
    if len(name) > DISPLAY_NAME_MAX:
        raise InputError(
            _("The display name is longer than {limit} characters (--display-name).").format(
                limit=DISPLAY_NAME_MAX
            )
        )
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise InputError(_("The display name contains control characters (--display-name)."))
    return name


def check_role(raw: str) -> str:
    code = raw.strip().lower()
    if code not in ROLES:
        raise InputError(
            _("Unknown role '{role}' (--role).").format(role=raw),
            hint=_("Choose one of: {roles}.").format(roles=", ".join(ROLES)),
        )
    return code


def add_user(
    session: Session,
    actor: User | None,
    *,
    username: str,
    role: str,
    display_name: str | None = None,
    manager: str | None = None,
) -> User:
    """Create a user. Only an admin may (``actor=None`` is the system, during init)."""
    if actor is not None and actor.role not in MANAGES_USERS:
        raise PermissionDenied(
            _("Only an admin can add users; you are {role}.").format(role=role_label(actor.role))
        )
    name = normalize_username(username)
    role_code = check_role(role)
    shown = normalize_display_name(display_name, fallback=name)
    manager_user: User | None = None
    if manager is not None:
        manager_user = find_user(session, manager)
        if manager_user is None:
            raise InputError(
                _("Unknown user '{name}' (--manager).").format(name=manager),
                hint=_("'salesflow user list' shows the users."),
            )
        if manager_user.role not in LEADS_TEAMS or not manager_user.active:
            raise Refused(
                _("'{name}' cannot lead a team: only an active manager or director can.").format(
                    name=manager_user.username
                )
            )
    if find_user(session, name) is not None:
        raise Refused(_("A user named '{name}' already exists.").format(name=name))
    user = User(
        username=name,
        display_name=shown,
        role=role_code,
        manager_id=manager_user.id if manager_user else None,
    )
    session.add(user)
    session.flush()
    return user


def _view(user: User, managers: dict[int, str]) -> UserView:
    assert user.id is not None
    return UserView(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        role_label=role_label(user.role),
        manager=managers.get(user.manager_id) if user.manager_id else None,
        active=user.active,
        created_at=user.created_at,
    )


def list_users(
    session: Session, actor: User, *, role: str | None = None, team_only: bool = False
) -> list[UserView]:
    """The user directory (names and roles are visible to everyone in the company).

    ``team_only`` narrows it to the actor's own team: for a manager, everyone below them.
    """
    statement = select(User).order_by(col(User.username))
    if role is not None:
        statement = statement.where(User.role == check_role(role))
    if team_only:
        assert actor.id is not None
        statement = statement.where(col(User.id).in_(sorted(team_member_ids(session, actor.id))))
    users = session.exec(statement).all()
    names = {user.id: user.username for user in session.exec(select(User)).all() if user.id}
    return [_view(user, names) for user in users]


@dataclass(frozen=True)
class Identity:
    user: UserView
    source: str
    team_size: int
    sees: str  # a scope code: all, team or own


def whoami(session: Session, actor: User, *, source: str) -> Identity:
    names = {}
    if actor.manager_id:
        manager = session.get(User, actor.manager_id)
        if manager is not None:
            names[actor.manager_id] = manager.username
    assert actor.id is not None
    return Identity(
        user=_view(actor, names),
        source=source,
        team_size=len(team_member_ids(session, actor.id)) - 1,
        sees=scope_kind(actor.role),
    )


def _active_admins(session: Session) -> int:
    statement = select(User).where(User.role == "admin", col(User.active).is_(True))
    return len(session.exec(statement).all())


def edit_user(
    session: Session,
    actor: User,
    *,
    username: str,
    role: str | None = None,
    manager: str | None = None,
    clear_manager: bool = False,
    display_name: str | None = None,
    active: bool | None = None,
) -> User:
    """Change a user's role, manager, display name or active flag (admins only)."""
    if actor.role not in MANAGES_USERS:
        raise PermissionDenied(
            _("Only an admin can edit users; you are {role}.").format(role=role_label(actor.role))
        )
    if (
        role is None
        and manager is None
        and not clear_manager
        and display_name is None
        and (active is None)
    ):
        raise InputError(
            _("Nothing to change."),
            hint=_("Pass --role, --manager, --no-manager, --display-name, --active or --inactive."),
        )
    if manager is not None and clear_manager:
        raise InputError(_("Pass either --manager or --no-manager, not both."))
    user = find_user(session, username)
    if user is None:
        raise NotFound(_("Unknown user '{name}' (NAME).").format(name=username))
    assert user.id is not None
    new_role = check_role(role) if role is not None else user.role
    team = team_member_ids(session, user.id)
    if new_role not in LEADS_TEAMS and len(team) > 1:
        raise Refused(
            _("{name} still leads {count} people; give them another manager first.").format(
                name=user.username, count=len(team) - 1
            )
        )
    losing_admin = user.role == "admin" and (new_role != "admin" or active is False)
    if losing_admin and user.active and _active_admins(session) <= 1:
        raise Refused(_("{name} is the last active admin.").format(name=user.username))
    if active is False and user.id == actor.id:
        raise Refused(_("You cannot deactivate yourself."))
    if manager is not None:
        leader = find_user(session, manager)
        if leader is None:
            raise InputError(_("Unknown user '{name}' (--manager).").format(name=manager))
        if leader.id in team:
            raise Refused(
                _("{leader} is in {name}'s own team; a team cannot report to itself.").format(
                    leader=leader.username, name=user.username
                )
            )
        if leader.role not in LEADS_TEAMS or not leader.active:
            raise Refused(
                _("'{name}' cannot lead a team: only an active manager or director can.").format(
                    name=leader.username
                )
            )
        user.manager_id = leader.id
    if clear_manager:
        user.manager_id = None
    if display_name is not None:
        user.display_name = normalize_display_name(display_name, fallback=user.username)
    if active is not None:
        user.active = active
    user.role = new_role
    session.add(user)
    session.flush()
    return user
