"""First run: the first admin, and the sample team from sample_data/."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, func, select

from salesflow.i18n import _
from salesflow.store.audit import set_actor
from salesflow.store.models import User
from salesflow.workflow.errors import ConfigurationError, PermissionDenied
from salesflow.workflow.identity import find_user, resolve_actor
from salesflow.workflow.roles import MANAGES_USERS, role_label
from salesflow.workflow.users import add_user


@dataclass(frozen=True)
class SetupResult:
    acting: str
    admin_created: bool
    admins: list[str]
    sample_users_added: list[str]


def sample_data_dir() -> Path:
    """sample_data/ as installed in the package, or beside it in a source checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "sample_data", package_dir.parent / "sample_data"):
        if candidate.is_dir():
            return candidate
    raise ConfigurationError(_("The sample data folder is missing from this installation."))


def load_sample_team(session: Session, actor: User, path: Path | None = None) -> list[str]:
    """Add the users of sample_data/users.csv that do not exist yet (safe to repeat)."""
    source = path or sample_data_dir() / "users.csv"
    added: list[str] = []
    with source.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if find_user(session, row["username"]) is not None:
                continue
            add_user(
                session,
                actor,
                username=row["username"],
                role=row["role"],
                display_name=row["display_name"] or None,
                manager=row["manager"] or None,
            )
            added.append(row["username"])
    return added


def initialize(session: Session, *, username: str, source: str, sample: bool) -> SetupResult:
    """Make ``username`` the first admin of an empty database, and load the sample team.

    On a database that already has users nothing is created for free: the acting user must
    exist and be active, and only an admin may load the sample team.
    """
    created = session.exec(select(func.count()).select_from(User)).one() == 0
    if created:
        actor = add_user(session, None, username=username, role="admin", display_name=username)
    else:
        actor = resolve_actor(session, username, source=source)
    added: list[str] = []
    if sample:
        if actor.role not in MANAGES_USERS:
            raise PermissionDenied(
                _("Only an admin can load the sample team; you are {role}.").format(
                    role=role_label(actor.role)
                )
            )
        set_actor(session, actor.id)
        added = load_sample_team(session, actor)
    admins = session.exec(
        select(User.username)
        .where(User.role == "admin", col(User.active).is_(True))
        .order_by(col(User.id))
    ).all()
    return SetupResult(
        acting=actor.username, admin_created=created, admins=list(admins), sample_users_added=added
    )
