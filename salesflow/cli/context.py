"""What one invocation of salesflow knows: the global options, and opening the database."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from salesflow.config import Settings, resolve_settings, source_label
from salesflow.i18n import _

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesflow.store.database import Workspace
    from salesflow.store.models import User


@dataclass
class Invocation:
    db: str | None = None
    as_user: str | None = None
    no_input: bool = False
    debug: bool = False
    lang: str | None = None


state = Invocation()


def reset(
    *,
    db: str | None = None,
    as_user: str | None = None,
    no_input: bool = False,
    debug: bool = False,
    lang: str | None = None,
) -> None:
    """Start an invocation afresh (the process may run several, as the tests do)."""
    state.db, state.as_user, state.no_input, state.debug = db, as_user, no_input, debug
    state.lang = lang


def settings() -> Settings:
    return resolve_settings(cli_db=state.db, cli_user=state.as_user, cli_lang=state.lang)


def note(message: str) -> None:
    """A message for the person (never data): goes to stderr."""
    print(message, file=sys.stderr)


@contextmanager
def open_db(*, create: bool = False, upgrade: bool = True) -> Iterator[Workspace]:
    """Open the database; an older schema is upgraded once the acting user is known."""
    from salesflow.store.database import open_workspace
    from salesflow.workflow.identity import check_can_act

    current = settings()
    user, source = current.user.value, source_label(current.user.source)
    workspace = open_workspace(
        current.database_url.value,
        create=create,
        upgrade=upgrade,
        before_upgrade=lambda engine: check_can_act(engine, user, source=source),
    )
    try:
        change = workspace.schema_change
        if change is not None and change.from_revision is not None:
            note(
                _("Upgraded the database schema from {old} to {new}.").format(
                    old=change.from_revision, new=change.to_revision
                )
            )
        yield workspace
    finally:
        workspace.dispose()


@contextmanager
def acting_in(workspace: Workspace, *, write: bool = False) -> Iterator[tuple[Session, User]]:
    """A unit of work for the current user: committed at the end, rolled back on error."""
    from salesflow.store.audit import set_actor
    from salesflow.workflow.identity import resolve_actor
    from salesflow.workflow.maintenance import record_schema_change

    resolved = settings().user
    # Recording a schema upgrade this open made is a write, whatever the command does.
    write = write or (workspace.schema_change is not None and not workspace.schema_change_recorded)
    with workspace.session(write=write) as session:
        actor = resolve_actor(session, resolved.value, source=source_label(resolved.source))
        set_actor(session, actor.id)
        record_schema_change(session, workspace)
        yield session, actor


@contextmanager
def acting(*, write: bool = False) -> Iterator[tuple[Session, User]]:
    """Open the database and start a unit of work for the current user."""
    with open_db() as workspace, acting_in(workspace, write=write) as acted:
        yield acted
