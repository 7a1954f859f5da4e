"""Who is acting: the user named by --as, SALESFLOW_USER, the config, or the OS login."""

from __future__ import annotations

from sqlalchemy import Engine, column, table
from sqlmodel import Session, func, select

from salesflow.i18n import _
from salesflow.store.models import User
from salesflow.workflow.errors import InputError, PermissionDenied


def find_user(session: Session, username: str) -> User | None:
    if "\0" in username:  # no name has one, and PostgreSQL refuses it in a query
        return None
    statement = select(User).where(func.lower(User.username) == username.strip().lower())
    return session.exec(statement).first()


def resolve_actor(session: Session, username: str, *, source: str) -> User:
    """The active user called ``username``; ``source`` names where the name came from."""
    user = find_user(session, username)
    if user is None:
        raise InputError(
            _("Unknown user '{name}' (from {source}).").format(name=username, source=source),
            hint=_("Pass --as with an existing user; 'salesflow user list' shows them."),
        )
    if not user.active:
        raise PermissionDenied(
            _("The user '{name}' (from {source}) is deactivated.").format(
                name=user.username, source=source
            ),
            hint=_("Ask an admin to reactivate the account."),
        )
    return user


def check_can_act(engine: Engine, username: str, *, source: str) -> None:
    """Refuse an unknown or deactivated user before an older schema is upgraded.

    Reads only ``users.username`` and ``users.active`` with a Core query, because the
    ``User`` model describes the newest schema, which the database does not have yet.
    """
    users = table("users", column("username"), column("active"))
    with engine.connect() as connection:
        active = (
            None
            if "\0" in username  # no name has one, and PostgreSQL refuses it in a query
            else connection.execute(
                select(users.c.active).where(
                    func.lower(users.c.username) == username.strip().lower()
                )
            ).first()
        )
    if active is None:
        raise InputError(
            _("Unknown user '{name}' (from {source}).").format(name=username, source=source),
            hint=_("Pass --as with an existing user; 'salesflow user list' shows them."),
        )
    if not active[0]:
        raise PermissionDenied(
            _("The user '{name}' (from {source}) is deactivated.").format(
                name=username, source=source
            ),
            hint=_("Ask an admin to reactivate the account."),
        )
