"""The migrated schema matches the models, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import column, create_engine, table, update

from salesflow.store.database import open_workspace
from salesflow.store.migrate import compare_with_models, head_revision, pending_revisions
from salesflow.store.schema import SCHEMA_HEAD
from tests.helpers import Cli, assert_one_line_error, migrate, snapshot


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


def test_downgrade_to_base_then_init_again(db_url: str, cli: Cli) -> None:
    assert cli("init").exit_code == 0
    migrate(db_url, ("downgrade", "base"))
    engine = create_engine(db_url)
    try:
        pending = pending_revisions(engine)
        assert pending[0] == "0001"
        assert pending[-1] == SCHEMA_HEAD
    finally:
        engine.dispose()
    check = cli("db", "check", "-f", "json")
    assert check.exit_code == 1
    assert "salesflow init" in check.stdout
    assert_one_line_error(cli("user", "list"), 2)
    assert cli("init").exit_code == 0
    assert cli("db", "check").exit_code == 0


NEXT_REVISION = '''"""A later release adds a table."""
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("release_notes", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("release_notes")
'''


@pytest.fixture
def next_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The migration scripts of a future salesflow: today's plus one more revision."""
    from salesflow.store import database, migrate

    scripts = tmp_path / "migrations"
    shutil.copytree(Path(migrate.__file__).parent / "migrations", scripts)
    (scripts / "versions" / "9999_release_notes.py").write_text(
        NEXT_REVISION.format(head=SCHEMA_HEAD)
    )
    monkeypatch.setattr(migrate, "SCRIPT_LOCATION", str(scripts))
    monkeypatch.setattr(database, "SCHEMA_HEAD", "9999")
    return "9999"


def test_older_database_is_upgraded_on_open_and_audited(
    team: str, cli: Cli, next_release: str
) -> None:
    before = snapshot(team)
    refused = cli("--as", "ghost", "user", "list")
    assert_one_line_error(refused, 2)
    assert snapshot(team) == before, "an unknown user must not trigger the upgrade"

    result = cli("--as", "li.na", "user", "list", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert f"from {SCHEMA_HEAD} to {next_release}" in result.stderr
    assert "release_notes" in snapshot(team)
    events = json.loads(cli("audit", "list", "--entity", "schema", "-f", "json").stdout)
    assert [(e["user"], e["action"], e["summary"]) for e in events] == [
        ("li.na", "upgrade", f"{SCHEMA_HEAD} -> {next_release}")
    ]
    again = cli("db", "upgrade")
    assert again.exit_code == 0
    assert "up to date" in again.stderr


def test_db_upgrade_applies_and_audits(team: str, cli: Cli, next_release: str) -> None:
    result = cli("--as", "zhao.min", "db", "upgrade")
    assert result.exit_code == 0, result.stderr
    assert f"to {next_release}" in result.stderr
    check = json.loads(cli("db", "check", "-f", "json").stdout)
    assert {c["check"]: c["ok"] for c in check}["schema"] is True
    events = json.loads(cli("audit", "list", "--entity", "schema", "-f", "json").stdout)
    assert [e["user"] for e in events] == ["zhao.min"]


def test_db_check_reports_pending_without_applying(team: str, cli: Cli, next_release: str) -> None:
    before = snapshot(team)
    result = cli("db", "check", "-f", "json")
    assert result.exit_code == 1
    schema = {c["check"]: c for c in json.loads(result.stdout)}["schema"]
    assert next_release in schema["detail"]
    assert snapshot(team) == before


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


@pytest.mark.parametrize(
    "command", [["db", "check"], ["db", "upgrade"], ["user", "list"], ["audit", "list"]]
)
def test_commands_need_an_initialized_database(db_url: str, cli: Cli, command: list[str]) -> None:
    before = snapshot(db_url) if not db_url.startswith("sqlite") else None
    result = cli(*command)
    assert result.exit_code in (1, 2)
    assert "salesflow init" in (result.stderr + result.stdout)
    if before is not None:
        assert snapshot(db_url) == before  # the empty PostgreSQL database stays empty


def test_upgrading_to_0007_fills_in_when_each_move_entered_the_stage_it_left(
    team: str,
) -> None:
    """0007 adds stage_changes.from_entered_at and works it out for the moves already
    there: the time of the lead's latest earlier move into the stage the move leaves."""
    from sqlmodel import Session, col, select

    from salesflow.store.models import StageChange
    from tests.report_data import build_report_data

    data = build_report_data(team)
    expected = {}
    for lead in data.leads:
        rows = data.history(lead.id)
        for index, row in enumerate(rows):
            into = [r.changed_at for r in rows[:index] if r.to_stage == row.from_stage]
            expected[row.id] = max(into) if row.from_stage is not None and into else None
    assert any(value is not None for value in expected.values())
    migrate(team, ("downgrade", "0006"), ("upgrade", "head"))
    engine = create_engine(team)
    try:
        with Session(engine) as session:
            found = {
                change.id: change.from_entered_at
                for change in session.exec(select(StageChange).order_by(col(StageChange.id)))
            }
        assert compare_with_models(engine) == []
    finally:
        engine.dispose()
    assert found == expected


def test_upgrading_to_0007_fills_in_each_leads_first_contact(team: str) -> None:
    """0007 adds leads.first_contact_at and works it out for the leads already there: the
    earliest activity on the lead that is not a note; empty when it has none."""
    from sqlmodel import Session, select

    from salesflow.store.models import Lead
    from tests.report_data import build_report_data

    data = build_report_data(team)
    expected: dict[int, datetime | None] = {lead.id: None for lead in data.leads}
    for activity in data.activities:
        if activity.kind != "note":
            first = expected[activity.lead_id]
            expected[activity.lead_id] = min(activity.occurred_at, first or activity.occurred_at)
    noted = {a.lead_id for a in data.activities if a.kind == "note"}
    assert any(expected[lead] is not None for lead in noted), "a note before the first contact"
    assert any(value is None for value in expected.values())
    migrate(team, ("downgrade", "0006"), ("upgrade", "head"))
    engine = create_engine(team)
    try:
        with Session(engine) as session:
            found = dict(session.exec(select(Lead.id, Lead.first_contact_at)).all())
        assert compare_with_models(engine) == []
    finally:
        engine.dispose()
    assert found == expected
