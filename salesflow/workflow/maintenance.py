"""Care of the database itself: schema upgrades, health checks, backups and restores."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from salesflow.i18n import _
from salesflow.store.audit import record_event
from salesflow.store.database import Workspace, current_revision, open_workspace, parse_url
from salesflow.store.maintenance import (
    BackupFile,
    CheckResult,
    backup_sqlite,
    check_apart,
    check_replaceable,
    integrity_checks,
    libpq_url,
    read_backup,
    restore_sqlite,
)
from salesflow.store.models import User
from salesflow.workflow.errors import PermissionDenied, Refused
from salesflow.workflow.identity import check_can_act
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


def restore_database(
    raw_url: str, backup: Path, *, username: str, source: str, force: bool
) -> BackupFile:
    """Replace the SQLite database at ``raw_url`` with the salesflow backup ``backup``.

    Only an active admin of the current database (when there is one) who is also an active
    admin in the backup may restore; an existing database is replaced only with ``force``.
    The restored database keeps its schema revision: the next normal open upgrades it. The
    caller audits the restore in the restored database.
    """
    url = parse_url(raw_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise Refused(
            _("salesflow restores SQLite databases only; this one is PostgreSQL."),
            hint=_(
                "Use pg_restore, for example: pg_restore --clean --dbname='{url}' BACKUP.dump"
            ).format(url=libpq_url(url)),
        )
    database = Path(url.database).expanduser().absolute()
    found = read_backup(backup, username=username)
    check_apart(found.path, database)
    if database.parent.is_dir() or database.exists():
        check_replaceable(
            database,
            force=force,
            exists=Refused(
                _("The database {path} already exists.").format(path=database),
                hint=_("Pass --force to replace it with the backup."),
            ),
        )
    if database.exists():
        _check_admin_of_current(raw_url, username, source=source)
    account = found.account
    if account is None or not account.active or account.role not in MANAGES_USERS:
        raise PermissionDenied(
            _("'{name}' is not an active admin in the backup {path}.").format(
                name=username, path=found.path
            ),
            hint=_("Restore as a user who is an admin in the backup, with --as."),
        )
    # A first restore on a new machine makes the data folder, as 'salesflow init' would.
    database.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    restore_sqlite(found.path, database)
    return found


def _check_admin_of_current(raw_url: str, username: str, *, source: str) -> None:
    """The acting user must be an active admin of the database about to be replaced."""
    from sqlalchemy import column, func, select, table

    workspace = open_workspace(raw_url, upgrade=False)
    try:
        if current_revision(workspace.engine) is None:
            return  # no salesflow tables: no one to ask
        check_can_act(workspace.engine, username, source=source)
        users = table("users", column("username"), column("role"))
        with workspace.engine.connect() as connection:
            role = connection.execute(
                select(users.c.role).where(func.lower(users.c.username) == username.strip().lower())
            ).scalar_one()
    finally:
        workspace.dispose()
    if role not in MANAGES_USERS:
        raise PermissionDenied(
            _("Only an admin can restore the database; you are {role}.").format(
                role=role_label(role)
            )
        )


def record_restore(session: Session, workspace: Workspace, backup: BackupFile) -> None:
    """Audit a restore in the restored database, for the acting user."""
    record_event(
        session,
        action="restore",
        entity="database",
        entity_id=workspace.backend,
        summary=str(backup.path),
    )
