"""First run: the first admin, and the sample team from sample_data/."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, func, select

from salesflow.i18n import _
from salesflow.store.audit import set_actor
from salesflow.store.models import User
from salesflow.workflow.errors import ConfigurationError, InputError
from salesflow.workflow.identity import find_user
from salesflow.workflow.users import add_user


@dataclass(frozen=True)
class SetupResult:
    admin: str
    admin_created: bool
    sample_users_added: list[str]


def sample_data_dir() -> Path:
    """sample_data/ as installed in the package, or beside it in a source checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "sample_data", package_dir.parent / "sample_data"):
        if candidate.is_dir():
            return candidate
    raise ConfigurationError(_("The sample data folder is missing from this installation."))


def ensure_first_admin(session: Session, username: str) -> tuple[User, bool]:
    """The first admin: created (by the system) when the database has no users yet."""
    if session.exec(select(func.count()).select_from(User)).one() > 0:
        existing = find_user(session, username)
        if existing is None:
            existing = session.exec(
                select(User).where(User.role == "admin").order_by(User.id)  # type: ignore[arg-type]
            ).first()
        if existing is None:
            raise InputError(_("The database has users but no admin."))
        return existing, False
    admin = add_user(session, None, username=username, role="admin", display_name=username)
    return admin, True


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


def initialize(session: Session, *, admin_username: str, sample: bool) -> SetupResult:
    admin, created = ensure_first_admin(session, admin_username)
    added: list[str] = []
    if sample:
        set_actor(session, admin.id)
        added = load_sample_team(session, admin)
    return SetupResult(admin=admin.username, admin_created=created, sample_users_added=added)
