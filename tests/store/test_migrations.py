"""The migrated schema matches the models, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import column, create_engine, table, update

from salesflow.store.database import open_workspace
from salesflow.store.migrate import compare_with_models, head_revision, pending_revisions
from salesflow.store.schema import SCHEMA_HEAD
from tests.helpers import Cli, assert_one_line_error


def test_schema_head_constant_matches_the_scripts() -> None:
    assert head_revision() == SCHEMA_HEAD


def test_empty_database_upgrades_to_head_with_no_difference(db_url: str) -> None:
    workspace = open_workspace(db_url, create=True)
    try:
        assert workspace.schema_change is not None
        assert workspace.schema_change.from_revision is None
        assert workspace.schema_change.to_revision == SCHEMA_HEAD
        assert compare_with_models(workspace.engine) == []
        assert pending_revisions(workspace.engine) == []
    finally:
        workspace.dispose()


def test_downgrade_and_upgrade_again(db_url: str, cli: Cli) -> None:
    from alembic import command

    from salesflow.store.migrate import alembic_config

    assert cli("init").exit_code == 0
    engine = create_engine(db_url)
    try:
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert pending_revisions(engine) == [SCHEMA_HEAD]
    finally:
        engine.dispose()
    check = cli("db", "check", "-f", "json")
    assert check.exit_code == 1
    assert "salesflow init" in check.stdout
    assert_one_line_error(cli("user", "list"), 2)
    assert cli("db", "upgrade").exit_code == 0
    assert cli("db", "check").exit_code == 0


def test_newer_schema_is_refused(db_url: str, cli: Cli) -> None:
    assert cli("init").exit_code == 0
    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            version = table("alembic_version", column("version_num"))
            connection.execute(update(version).values(version_num="9999"))
    finally:
        engine.dispose()
    result = cli("user", "list")
    assert_one_line_error(result, 1)
    assert "9999" in result.stderr


@pytest.mark.parametrize("command", [["db", "check"], ["user", "list"], ["audit", "list"]])
def test_commands_need_an_initialized_database(db_url: str, cli: Cli, command: list[str]) -> None:
    result = cli(*command)
    assert result.exit_code in (1, 2)
    assert "salesflow init" in (result.stderr + result.stdout)


def test_db_upgrade_needs_an_existing_database(db_url: str, cli: Cli) -> None:
    result = cli("db", "upgrade")
    if db_url.startswith("sqlite"):
        # No file: nothing is created; init is the command that creates a database.
        assert_one_line_error(result, 2)
        assert "salesflow init" in result.stderr
    else:
        # An empty PostgreSQL database (made by its DBA) gets the schema, but no users.
        assert result.exit_code == 0
        assert "from empty to" in result.stderr
        assert cli("db", "check").exit_code == 0
