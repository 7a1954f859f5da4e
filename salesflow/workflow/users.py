"""Users, roles and teams."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from salesflow.i18n import _
from salesflow.store.models import User
from salesflow.workflow.approval_rules import (
    ApprovalRules,
    load_rules,
    parse_authority,
)
from salesflow.workflow.errors import (
    ConfigurationError,
    InputError,
    NotFound,
    PermissionDenied,
    Refused,
)
from salesflow.workflow.identity import find_user
from salesflow.workflow.money import percent_text
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
    # The discount they may give without approval, as a percentage (their own, else
    # their role's by approvals.toml; empty when the rules cannot be read).
    discount_authority: str | None = None
    discount_authority_own: bool = False  # set for them, not their role's


def normalize_username(raw: str, *, field: str = "NAME") -> str:
    """A username is lower case letters, digits, '.', '_' or '-', starting alphanumeric."""
    name = raw.strip().lower()
    if not USERNAME_PATTERN.match(name):
        raise InputError(
            _("Invalid username '{name}' ({field}).").format(name=raw, field=field),
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


def require_user_admin(actor: User | None) -> None:
    """Only an admin manages users (``None`` is the system itself, during init)."""
    if actor is not None and actor.role not in MANAGES_USERS:
        raise PermissionDenied(
            _("Only an admin can add or change users; you are {role}.").format(
                role=role_label(actor.role)
            ),
            hint=_("Ask an admin ('salesflow user list --role admin')."),
        )


SETS_AUTHORITY = frozenset({"admin", "director"})


def require_authority_setter(actor: User) -> None:
    """Only an admin or a director sets someone's discount authority."""
    if actor.role not in SETS_AUTHORITY:
        raise PermissionDenied(
            _("Only an admin or a director sets discount authority; you are {role}.").format(
                role=role_label(actor.role)
            )
        )


def _authority_value(raw: str | None) -> int | None:
    """``--discount-authority``: a percentage in basis points; ``-`` (or nothing) clears it."""
    if raw is None or raw.strip() in {"-", ""}:
        return None
    return parse_authority(raw)


def check_reporting_line(role: str, leader: User) -> None:
    """Whether someone of ``role`` may report to ``leader`` (a pure rule).

    Only an active manager or director leads a team; a director reports only to another
    director; admins stand outside the sales teams.
    """
    if role == "admin":
        raise Refused(
            _("An admin is not part of a sales team, so has no manager."),
            hint=_("Leave out --manager, or pass --no-manager."),
        )
    if leader.role not in LEADS_TEAMS or not leader.active:
        raise Refused(
            _("'{name}' cannot lead a team: only an active manager or director can.").format(
                name=leader.username
            ),
            hint=_("'salesflow user list --role manager' shows the managers."),
        )
    if role == "director" and leader.role != "director":
        raise Refused(
            _("A director reports only to another director; '{name}' is {role}.").format(
                name=leader.username, role=role_label(leader.role)
            )
        )


def _find_leader(session: Session, name: str) -> User:
    leader = find_user(session, name)
    if leader is None:
        raise InputError(
            _("Unknown user '{name}' (--manager).").format(name=name),
            hint=_("'salesflow user list' shows the users."),
        )
    return leader


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
    require_user_admin(actor)
    name = normalize_username(username)
    role_code = check_role(role)
    shown = normalize_display_name(display_name, fallback=name)
    leader = _find_leader(session, manager) if manager is not None else None
    if leader is not None:
        check_reporting_line(role_code, leader)
    if find_user(session, name) is not None:
        raise Refused(
            _("A user named '{name}' already exists.").format(name=name),
            hint=_("Use 'salesflow user edit {name}' to change them.").format(name=name),
        )
    user = User(
        username=name,
        display_name=shown,
        role=role_code,
        manager_id=leader.id if leader else None,
    )
    session.add(user)
    session.flush()
    return user


def _authority_rules() -> ApprovalRules | None:
    """The approval rules, or ``None`` when the file is broken (users are listed anyway)."""
    try:
        return load_rules()
    except ConfigurationError:
        return None


def _authority(user: User, rules: ApprovalRules | None) -> str | None:
    if user.discount_authority_bp is not None:
        return percent_text(user.discount_authority_bp)
    return percent_text(rules.role_authority(user.role)) if rules is not None else None


def _view(user: User, managers: dict[int, str], rules: ApprovalRules | None = None) -> UserView:
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
        discount_authority=_authority(user, rules),
        discount_authority_own=user.discount_authority_bp is not None,
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
    rules = _authority_rules()
    return [_view(user, names, rules) for user in users]


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
        user=_view(actor, names, _authority_rules()),
        source=source,
        team_size=len(team_member_ids(session, actor.id)) - 1,
        sees=scope_kind(actor.role),
    )


def _active_admin_count(session: Session) -> int:
    """Active admins, with their rows locked (PostgreSQL) so two edits cannot both pass."""
    statement = (
        select(User.id).where(User.role == "admin", col(User.active).is_(True)).with_for_update()
    )
    return len(session.exec(statement).all())


@dataclass(frozen=True)
class EditResult:
    user: User
    changed: bool


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
    discount_authority: str | None = None,
) -> EditResult:
    """Change a user's role, manager, display name or active flag (admins only), or their
    discount authority (admins and directors; ``-`` clears it back to the role's)."""
    only_authority = (role, manager, display_name, active) == (None, None, None, None) and (
        not clear_manager
    )
    if only_authority and discount_authority is None:
        raise InputError(
            _("Nothing to change."),
            hint=_(
                "Pass --role, --manager, --no-manager, --display-name, --active, --inactive "
                "or --discount-authority."
            ),
        )
    if only_authority:
        require_authority_setter(actor)
    else:
        require_user_admin(actor)
    authority = _authority_value(discount_authority)
    if manager is not None and clear_manager:
        raise InputError(_("Pass either --manager or --no-manager, not both."))
    user = find_user(session, username)
    if user is None:
        raise NotFound(
            _("Unknown user '{name}' (NAME).").format(name=username),
            hint=_("'salesflow user list' shows the users."),
        )
    assert user.id is not None
    if discount_authority is not None and user.id == actor.id:
        raise PermissionDenied(
            _("You cannot set your own discount authority."),
            hint=_("Ask an admin or a director."),
        )
    before = (
        user.role,
        user.manager_id,
        user.display_name,
        user.active,
        user.discount_authority_bp,
    )
    new_role = check_role(role) if role is not None else user.role
    new_active = user.active if active is None else active
    new_name = (
        normalize_display_name(display_name, fallback=user.username)
        if display_name is not None
        else user.display_name
    )
    team = team_member_ids(session, user.id)
    if manager is not None:
        leader: User | None = _find_leader(session, manager)
    elif clear_manager or user.manager_id is None:
        leader = None
    else:
        leader = session.get(User, user.manager_id)
    if leader is not None:
        if leader.id in team:
            raise Refused(
                _("{leader} is in {name}'s own team; a team cannot report to itself.").format(
                    leader=leader.username, name=user.username
                )
            )
        check_reporting_line(new_role, leader)
    if (new_role not in LEADS_TEAMS or not new_active) and len(team) > 1:
        raise Refused(
            _("{name} still leads {count} people; give them another manager first.").format(
                name=user.username, count=len(team) - 1
            ),
            hint=_("'salesflow user edit NAME --manager OTHER' for each of them."),
        )
    if active is False and user.id == actor.id:
        raise Refused(_("You cannot deactivate yourself."), hint=_("Ask another admin."))
    losing_admin = user.role == "admin" and user.active and (new_role != "admin" or not new_active)
    if losing_admin and _active_admin_count(session) <= 1:
        raise Refused(
            _("{name} is the last active admin.").format(name=user.username),
            hint=_("Make someone else an admin first."),
        )
    user.role = new_role
    user.manager_id = leader.id if leader is not None else None
    user.display_name = new_name
    user.active = new_active
    if discount_authority is not None:
        user.discount_authority_bp = authority
    session.add(user)
    session.flush()
    changed = before != (
        user.role,
        user.manager_id,
        user.display_name,
        user.active,
        user.discount_authority_bp,
    )
    return EditResult(user=user, changed=changed)
