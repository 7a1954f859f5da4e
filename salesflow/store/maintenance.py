"""Database-level care: integrity checks and online backups."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from salesflow.i18n import _
from salesflow.store.database import Workspace
from salesflow.workflow.errors import ConfigurationError, Refused


@dataclass(frozen=True)
class CheckResult:
    check: str
    ok: bool
    detail: str


def integrity_checks(workspace: Workspace) -> list[CheckResult]:
    """SQLite: ``integrity_check`` and ``foreign_key_check``; PostgreSQL: a live query."""
    with workspace.engine.connect() as connection:
        if workspace.backend == "sqlite":
            rows = connection.exec_driver_sql("PRAGMA integrity_check").scalars().all()
            integrity_ok = rows == ["ok"]
            fk_rows = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            return [
                CheckResult("integrity", integrity_ok, "; ".join(str(r) for r in rows[:5])),
                CheckResult(
                    "foreign_keys",
                    not fk_rows,
                    _("ok")
                    if not fk_rows
                    else _("{count} broken references").format(count=len(fk_rows)),
                ),
            ]
        version = connection.execute(select(func.version())).scalar_one()
        return [CheckResult("connection", True, str(version).split(",")[0])]


def backup_sqlite(workspace: Workspace, destination: Path, *, force: bool) -> int:
    """Copy a live SQLite database to ``destination`` with SQLite's online backup API.

    The copy is written beside the destination and renamed into place, so a failed backup
    never leaves a half-written file; the file is readable by its owner only. Returns the
    size of the backup in bytes.
    """
    source = workspace.sqlite_path
    if source is None:
        raise Refused(
            _("salesflow backs up SQLite databases only; this one is PostgreSQL."),
            hint=_(
                "Use pg_dump, for example: pg_dump --format=custom --file=BACKUP.dump '{url}'"
            ).format(url=workspace.display_url),
        )
    destination = destination.expanduser().absolute()
    own_files = {Path(f"{source.resolve()}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}
    if destination.resolve() in own_files:
        raise Refused(
            _("The backup file cannot be the database itself or one of its journal files."),
            hint=_("Choose a path outside {path}*.").format(path=source),
        )
    if destination.is_dir():
        raise ConfigurationError(
            _("{path} is a folder; give the backup a file name.").format(path=destination)
        )
    if destination.exists() and not destination.is_file():
        raise ConfigurationError(
            _("{path} is not a regular file; salesflow will not replace it.").format(
                path=destination
            )
        )
    if destination.exists() and not force:
        raise Refused(
            _("The backup file {path} already exists.").format(path=destination),
            hint=_("Pass --force to overwrite it, or choose another path."),
        )
    if not destination.parent.is_dir():
        raise ConfigurationError(
            _("The folder {path} does not exist.").format(path=destination.parent)
        )
    try:
        descriptor, temporary = tempfile.mkstemp(
            prefix=".salesflow-backup-", dir=destination.parent
        )
    except OSError as exc:
        raise ConfigurationError(
            _("Cannot write in {path}: {reason}.").format(
                path=destination.parent, reason=exc.strerror
            )
        ) from exc
    os.close(descriptor)
    try:
        # closing(): a sqlite3 connection's own "with" commits but does not close.
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(temporary)) as copy:
            live.backup(copy)
        os.chmod(temporary, 0o600)
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return destination.stat().st_size
