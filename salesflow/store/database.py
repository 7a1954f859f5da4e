"""Opening a salesflow database: URL checks, engine set-up and the schema version check."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, column, create_engine, event, inspect, select, table
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from salesflow.config import mask_password
from salesflow.i18n import _
from salesflow.store import contention
from salesflow.store.audit import AuditedSession, set_actor
from salesflow.store.contention import known_failure, retry_busy
from salesflow.store.schema import SCHEMA_HEAD
from salesflow.workflow.errors import ConfigurationError, InputError

# SQLite's own wait for a lock, per attempt; salesflow.store.contention retries around it.
SQLITE_BUSY_TIMEOUT_MS = 5_000
PG_CONNECT_TIMEOUT_S = 5
WRITE_OPTION = "salesflow_write"
T = TypeVar("T")


class NotInitialized(InputError):
    """There is no salesflow database at the configured place yet."""


@dataclass
class SchemaChange:
    """What opening the database did to its schema (for the CLI to report)."""

    from_revision: str | None
    to_revision: str


@dataclass
class Workspace:
    """One salesflow database: its URL, engine, and how its schema was brought up to date."""

    url: URL
    engine: Engine
    schema_change: SchemaChange | None = field(default=None)
    schema_change_recorded: bool = field(default=False)
    created_file: Path | None = field(default=None)

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    @property
    def sqlite_path(self) -> Path | None:
        if self.backend != "sqlite" or not self.url.database:
            return None
        return Path(self.url.database)

    @property
    def display_url(self) -> str:
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def session(
        self, *, actor_id: int | str | None = "unset", write: bool = False
    ) -> Iterator[Any]:
        """A unit of work: committed when the block ends, rolled back if it raises.

        ``actor_id`` is the user the audit trail records (``None``: the system); until it
        is set, with :func:`salesflow.store.audit.set_actor`, the session cannot write.

        ``write=True`` takes SQLite's write lock at the start, so concurrent writers wait
        for each other (retrying with back-off, :mod:`salesflow.store.contention`) instead
        of failing on lock upgrade. A transaction that loses to another writer (SQLite
        still locked after the whole wait, a PostgreSQL deadlock) is rolled back and
        reported as :class:`~salesflow.store.contention.DatabaseBusy`.
        """
        with AuditedSession(self.engine, expire_on_commit=False) as session:
            try:
                if actor_id is None or isinstance(actor_id, int):
                    set_actor(session, actor_id)
                if write:
                    session.connection(execution_options={WRITE_OPTION: True})
                yield session
                session.commit()
            except DBAPIError as exc:
                session.rollback()
                known = known_failure(exc)
                if known is not None:
                    raise known from exc
                raise
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()

    def discard_if_created(self) -> None:
        """Remove the SQLite file this open created (a failed ``init`` leaves nothing)."""
        self.engine.dispose()
        if self.created_file is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.created_file}{suffix}").unlink(missing_ok=True)
            self.created_file = None


def parse_url(raw: str) -> URL:
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError) as exc:
        raise ConfigurationError(
            _("The database URL '{url}' cannot be parsed.").format(url=mask_password(raw)),
            hint=_("Use sqlite:///PATH, a file path, or postgresql://USER@HOST/DBNAME."),
        ) from exc
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        raise ConfigurationError(
            _("A SQLite database URL must name a file."),
            hint=_("For example sqlite:////home/me/salesflow.db, or just the file path."),
        )
    return url


def _sqlite_engine(url: URL) -> Engine:
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # salesflow issues BEGIN itself (below) so that transactions mean what they say.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        if connection.get_execution_options().get(WRITE_OPTION, False):
            contention.begin_immediate(connection.exec_driver_sql)
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


def usable(path: Path, look: Callable[[], T], *, hint: str | None = None) -> T:
    """``look()`` at ``path``; a name the file system refuses (too long, a NUL) is one
    clear error instead of an unexpected failure."""
    try:
        return look()
    except (OSError, ValueError) as exc:
        raise ConfigurationError(
            _("Cannot use the path {path}: {reason}.").format(
                path=path, reason=getattr(exc, "strerror", None) or exc
            ),
            hint=hint,
        ) from exc


def _exists(path: Path) -> bool:
    """Whether the database file exists (see :func:`usable`)."""
    return usable(path, path.exists, hint=_("Check --db or SALESFLOW_DB_URL."))


def _create_sqlite_file(path: Path) -> None:
    blocker = next((p for p in path.parents if _exists(p) and not p.is_dir()), None)
    if blocker is not None:
        raise ConfigurationError(
            _("Cannot create the database file {path}: {blocker} is a file, not a folder.").format(
                path=path, blocker=blocker
            ),
            hint=_("Choose a writable place with --db or SALESFLOW_DB_URL."),
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(descriptor)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise ConfigurationError(
            _("Cannot create the database file {path}: {reason}.").format(
                path=path, reason=getattr(exc, "strerror", None) or exc
            ),
            hint=_("Choose a writable place with --db or SALESFLOW_DB_URL."),
        ) from exc


def create_engine_for(url: URL) -> Engine:
    try:
        if url.get_backend_name() == "sqlite":
            return _sqlite_engine(url)
        return create_engine(
            url,
            pool_pre_ping=True,
            connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
        )
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise ConfigurationError(
            _("The database URL '{url}' names an unsupported driver.").format(
                url=url.render_as_string(hide_password=True)
            ),
            hint=_("Use sqlite:///PATH or postgresql://USER@HOST/DBNAME."),
        ) from exc


def current_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the database, or ``None`` for an empty database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        version = table("alembic_version", column("version_num"))
        return connection.execute(select(version.c.version_num)).scalar_one_or_none()


def describe_db_failure(exc: DBAPIError, url: URL) -> ConfigurationError:
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    where = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite" and "not a database" in reason:
        return ConfigurationError(
            _("The file {path} is not a salesflow database ({reason}).").format(
                path=url.database, reason=reason
            ),
            hint=_("Check --db or SALESFLOW_DB_URL."),
        )
    return ConfigurationError(
        _("Cannot open the database {url}: {reason}.").format(url=where, reason=reason),
        hint=_("Check --db or SALESFLOW_DB_URL, and that the server is running."),
    )


def open_workspace(
    raw_url: str,
    *,
    create: bool = False,
    upgrade: bool = True,
    before_upgrade: Callable[[Engine], None] | None = None,
) -> Workspace:
    """Open the database at ``raw_url``, bringing an older schema up to date.

    ``create`` makes a missing SQLite file and an empty schema (``salesflow init``);
    without it a missing database is reported. ``upgrade=False`` leaves the schema as
    it is (``salesflow db check`` reports pending migrations instead of applying them).
    ``before_upgrade`` runs before an existing schema is upgraded and may refuse (the CLI
    checks there that the acting user exists, so a refused command changes nothing).
    """
    url = parse_url(raw_url)
    path = Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None
    created_file = None
    if path is not None and not _exists(path):
        if not create:
            raise NotInitialized(
                _("There is no salesflow database at {path}.").format(path=path),
                hint=_("Run 'salesflow init' to create it, or point --db at another one."),
            )
        engine = create_engine_for(url)  # an unknown driver fails before the file exists
        _create_sqlite_file(path)
        created_file = path
    else:
        engine = create_engine_for(url)
    workspace = Workspace(url=url, engine=engine, created_file=created_file)
    try:
        # Opening reads the schema's revision; a moment of SQLite's exclusive lock (another
        # command's last connection closing, a checkpoint) is waited out, not reported.
        revision, _attempts = retry_busy(lambda: current_revision(engine))
        if revision == SCHEMA_HEAD or not upgrade:
            return workspace
        if revision is None and not create:
            raise NotInitialized(
                _("The database {url} has no salesflow tables yet.").format(
                    url=workspace.display_url
                ),
                hint=_("Run 'salesflow init' to create them."),
            )
        from salesflow.store.migrate import upgrade_to_head

        if revision is not None and before_upgrade is not None:
            before_upgrade(engine)
        workspace.schema_change = upgrade_to_head(engine)
        return workspace
    except DBAPIError as exc:
        workspace.discard_if_created()
        raise describe_db_failure(exc, url) from exc
    except BaseException:
        workspace.discard_if_created()
        raise
