"""Alembic, driven from inside salesflow (there is no alembic.ini to find).

The scripts live in the package (``salesflow/store/migrations``), so an installed salesflow
can always upgrade the database it opens. SQLite migrations use batch mode. An upgrade
holds the database's upgrade lock (SQLite's write lock, a PostgreSQL advisory lock) from
reading the revision to committing, so two laptops upgrading at once run it only once.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, func, select

from salesflow.i18n import _
from salesflow.store.database import WRITE_OPTION, SchemaChange, current_revision
from salesflow.workflow.errors import DatabaseError

SCRIPT_LOCATION = "salesflow.store:migrations"
# Any fixed number: the key of the PostgreSQL advisory lock that serializes upgrades.
MIGRATION_LOCK_KEY = 7_305_120_261


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    assert head is not None
    return head


def pending_revisions(engine: Engine) -> list[str]:
    """Revisions between the database's schema and the head, oldest first."""
    revision = current_revision(engine)
    scripts = script_directory()
    if revision is not None and not _is_known(scripts, revision):
        raise _newer_schema(revision)
    steps = list(scripts.iterate_revisions("head", revision))
    return [script.revision for script in reversed(steps)]


def upgrade_to_head(engine: Engine) -> SchemaChange | None:
    """Bring the schema to the head revision; ``None`` if it already was.

    The upgrade holds the database's upgrade lock from before it reads the revision until
    it commits: SQLite's write lock (``BEGIN IMMEDIATE``), PostgreSQL's advisory lock. Two
    laptops upgrading at once therefore run it once; the second finds the head in place.
    """
    scripts = script_directory()
    head = head_revision()
    config = alembic_config()
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK_KEY)))
            before = MigrationContext.configure(connection).get_current_revision()
            if before == head:
                return None
            if before is not None and not _is_known(scripts, before):
                raise _newer_schema(before)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    return SchemaChange(from_revision=before, to_revision=head)


def compare_with_models(engine: Engine) -> list[object]:
    """Differences between the database's schema and the models (empty when in step)."""
    from alembic.autogenerate import compare_metadata
    from sqlmodel import SQLModel

    import salesflow.store.models  # noqa: F401  (registers the tables)

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))


def _is_known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except CommandError:  # what alembic raises for an id it does not know
        return False


def _newer_schema(revision: str) -> DatabaseError:
    return DatabaseError(
        _("The database schema is at revision {revision}, unknown to this salesflow.").format(
            revision=revision
        ),
        hint=_("Upgrade salesflow on this machine before using this database."),
    )
