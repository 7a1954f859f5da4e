"""Database-level care: integrity checks, online backups and restores."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import URL

from salesflow.i18n import _
from salesflow.store.database import Workspace, usable
from salesflow.workflow.errors import ConfigurationError, DatabaseError, Refused

SQLITE_HEADER = b"SQLite format 3\x00"
JOURNAL_SUFFIXES = ("", "-wal", "-shm", "-journal")
BUSY_TIMEOUT_S = 10


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
            ).format(url=libpq_url(workspace.url)),
        )
    destination = destination.expanduser().absolute()
    check_apart(destination, source)
    check_replaceable(
        destination,
        force=force,
        exists=Refused(
            _("The backup file {path} already exists.").format(path=destination),
            hint=_("Pass --force to overwrite it, or choose another path."),
        ),
    )
    # closing(): a sqlite3 connection's own "with" commits but does not close.
    with closing(sqlite3.connect(source)) as live:
        temporary = _copy_beside(live, destination)
    try:
        os.replace(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return destination.stat().st_size


def libpq_url(url: URL) -> str:
    """The URL as PostgreSQL's own tools (pg_dump, pg_restore) take it, password hidden."""
    return url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)


def check_apart(backup: Path, database: Path) -> None:
    """Refuse a backup file that is the database itself or one of its journal files."""
    own_files = {Path(f"{database.resolve()}{suffix}") for suffix in JOURNAL_SUFFIXES}
    if usable(backup, backup.resolve) in own_files:
        raise Refused(
            _("The backup file cannot be the database itself or one of its journal files."),
            hint=_("Choose a path outside {path}*.").format(path=database),
        )


def check_replaceable(path: Path, *, force: bool, exists: Refused) -> None:
    """``path`` may be written: a file name in an existing folder, replaced only if forced.

    ``exists`` is the refusal for an existing file without ``force``.
    """
    if usable(path, path.is_dir):
        raise ConfigurationError(
            _("{path} is a folder; give the backup a file name.").format(path=path)
        )
    if path.exists() and not path.is_file():
        raise ConfigurationError(
            _("{path} is not a regular file; salesflow will not replace it.").format(path=path)
        )
    if path.exists() and not force:
        raise exists
    if not path.parent.is_dir():
        raise ConfigurationError(_("The folder {path} does not exist.").format(path=path.parent))


def _copy_beside(source: sqlite3.Connection, destination: Path) -> Path:
    """Copy ``source`` with the backup API to a new owner-only file beside ``destination``.

    Returns the copy's path; the caller renames it into place (or removes it).
    """
    try:
        descriptor, name = tempfile.mkstemp(prefix=".salesflow-backup-", dir=destination.parent)
    except OSError as exc:
        raise ConfigurationError(
            _("Cannot write in {path}: {reason}.").format(
                path=destination.parent, reason=exc.strerror
            )
        ) from exc
    os.close(descriptor)
    temporary = Path(name)
    try:
        with closing(sqlite3.connect(temporary)) as copy:
            source.backup(copy)
        os.chmod(temporary, 0o600)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


@dataclass(frozen=True)
class Account:
    """A user's standing in a database: role and whether the account is active."""

    role: str
    active: bool


@dataclass(frozen=True)
class BackupFile:
    """A checked salesflow backup: its schema revision and the acting user's account in it."""

    path: Path
    revision: str
    account: Account | None


def read_backup(path: Path, *, username: str) -> BackupFile:
    """Check that ``path`` is a salesflow backup this salesflow can restore, read-only.

    A salesflow backup is a SQLite file whose ``alembic_version`` names one of our schema
    revisions and which has the ``users`` table. Anything else is refused as bad input.
    """
    from salesflow.store.migrate import script_directory

    path = path.expanduser().absolute()
    if not usable(path, path.exists):
        raise ConfigurationError(_("There is no backup file {path}.").format(path=path))
    if not path.is_file():
        raise ConfigurationError(
            _("{path} is not a regular file, so it is not a salesflow backup.").format(path=path)
        )
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise ConfigurationError(
            _("Cannot read the backup file {path}: {reason}.").format(
                path=path, reason=exc.strerror
            )
        ) from exc
    if header != SQLITE_HEADER:
        raise _not_a_backup(path, _("it is not a SQLite database file"))
    try:
        with closing(_open_read_only(path)) as connection:
            if connection.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
                raise _not_a_backup(path, _("the SQLite file is damaged"))
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if "alembic_version" not in tables or "users" not in tables:
                raise _not_a_backup(path, _("it has no salesflow tables"))
            revisions = connection.execute("SELECT version_num FROM alembic_version").fetchall()
            if len(revisions) != 1:
                raise _not_a_backup(path, _("it records no schema revision"))
            revision = str(revisions[0][0])
            known = {script.revision for script in script_directory().walk_revisions()}
            if revision not in known:
                raise _not_a_backup(
                    path,
                    _("its schema revision {revision} is unknown to this salesflow").format(
                        revision=revision
                    ),
                    hint=_("Upgrade salesflow on this machine before restoring this backup."),
                )
            row = connection.execute(
                "SELECT role, active FROM users WHERE lower(username) = ?",
                (username.strip().lower(),),
            ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise _not_a_backup(path, str(exc)) from exc
    account = None if row is None else Account(role=str(row[0]), active=bool(row[1]))
    return BackupFile(path=path, revision=revision, account=account)


def restore_sqlite(backup: Path, database: Path) -> None:
    """Replace the SQLite ``database`` with a copy of the (checked) ``backup`` file.

    The copy is written beside the database with SQLite's backup API and renamed into
    place, so a failure leaves the old database as it was. The old database is first
    switched out of WAL mode (which folds its write-ahead log in and removes it, so no
    stale log is ever applied to the restored file) and held locked while it is replaced.
    """
    with closing(_open_read_only(backup)) as source:
        temporary = _copy_beside(source, database)
    try:
        if not database.exists():
            os.replace(temporary, database)
            return
        with closing(sqlite3.connect(database, timeout=BUSY_TIMEOUT_S)) as live:
            live.isolation_level = None
            try:
                live.execute("PRAGMA journal_mode = DELETE").fetchall()
                live.execute("BEGIN EXCLUSIVE")
            except sqlite3.OperationalError as exc:
                raise Refused(
                    _("The database {path} is in use ({reason}).").format(
                        path=database, reason=exc
                    ),
                    hint=_("Close other salesflow commands and try again."),
                ) from exc
            os.replace(temporary, database)
            live.execute("ROLLBACK")
    except (OSError, sqlite3.Error) as exc:
        temporary.unlink(missing_ok=True)
        raise DatabaseError(
            _("Could not restore {path}: {reason}; the database is unchanged.").format(
                path=database, reason=getattr(exc, "strerror", None) or exc
            )
        ) from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _open_read_only(path: Path) -> sqlite3.Connection:
    # immutable: no locks, and no -wal/-shm files are made beside the backup.
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro&immutable=1", uri=True)


def _not_a_backup(path: Path, reason: str, *, hint: str | None = None) -> ConfigurationError:
    return ConfigurationError(
        _("{path} is not a salesflow backup: {reason}.").format(path=path, reason=reason),
        hint=hint,
    )
