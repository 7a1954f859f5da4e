"""Care of the database itself: schema upgrades, health checks, backups."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from salesflow.i18n import _
from salesflow.store.audit import record_event
from salesflow.store.database import Workspace, current_revision
from salesflow.store.maintenance import CheckResult, backup_sqlite, integrity_checks
from salesflow.store.models import User
from salesflow.workflow.errors import PermissionDenied
from salesflow.workflow.roles import MANAGES_USERS, role_label


def record_schema_change(session: Session, workspace: Workspace) -> None:
    """Audit the schema upgrade this opening of the database made, for the acting user."""
    change = workspace.schema_change
    if change is None or workspace.schema_change_recorded:
        return
    record_event(
        session,
        action="upgrade",
        entity="schema",
        entity_id=change.to_revision,
        summary=f"{change.from_revision or '-'} -> {change.to_revision}",
    )
    workspace.schema_change_recorded = True


def check_database(workspace: Workspace) -> list[CheckResult]:
    """Integrity of the data, and whether the schema has migrations still to apply."""
    from salesflow.store.migrate import pending_revisions

    results = integrity_checks(workspace)
    revision = current_revision(workspace.engine)
    pending = pending_revisions(workspace.engine)
    if revision is None:
        detail = _("no salesflow tables; run 'salesflow init'")
    elif pending:
        detail = _("at {revision}; pending: {pending} (run 'salesflow db upgrade')").format(
            revision=revision, pending=", ".join(pending)
        )
    else:
        detail = _("at {revision}, up to date").format(revision=revision)
    results.append(CheckResult("schema", revision is not None and not pending, detail))
    return results


def backup_database(
    session: Session, actor: User, workspace: Workspace, destination: Path, *, force: bool
) -> int:
    """Copy the whole database to ``destination`` (admins only; audited as an export)."""
    if actor.role not in MANAGES_USERS:
        raise PermissionDenied(
            _("Only an admin can back up the database; you are {role}.").format(
                role=role_label(actor.role)
            )
        )
    size = backup_sqlite(workspace, destination, force=force)
    record_event(
        session,
        action="backup",
        entity="database",
        entity_id=workspace.backend,
        summary=str(destination.expanduser().absolute()),
    )
    return size
