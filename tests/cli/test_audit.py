"""The audit trail, as the CLI shows it."""

from __future__ import annotations

import json

from tests.helpers import Cli


def test_user_add_is_audited_field_by_field(cli: Cli, team: str) -> None:
    cli("user", "add", "audited", "--role", "rep", "--manager", "wang.qiang")
    lines = json.loads(cli("audit", "list", "--entity", "users", "-f", "json").stdout)
    mine = [
        line for line in lines if line["field"] == "username" and line["new_value"] == "audited"
    ]
    assert len(mine) == 1
    event = mine[0]
    assert event["user"] == "boss"
    assert event["action"] == "create"
    fields = {
        line["field"]: (line["old_value"], line["new_value"])
        for line in lines
        if line["event_id"] == event["event_id"]
    }
    assert fields["role"] == (None, "rep")
    assert fields["display_name"] == (None, "audited")


def test_audit_filters(cli: Cli, team: str) -> None:
    by_id = json.loads(cli("audit", "list", "--entity", "users", "--id", "1", "-f", "json").stdout)
    assert {line["entity_id"] for line in by_id} == {"1"}
    assert {line["user"] for line in by_id} == {"system"}  # the admin made by init
    by_user = json.loads(cli("audit", "list", "--user", "boss", "-f", "json").stdout)
    assert by_user
    assert {line["user"] for line in by_user} == {"boss"}
    limited = json.loads(cli("audit", "list", "--limit", "1", "-f", "json").stdout)
    assert len({line["event_id"] for line in limited}) == 1


def test_audit_visibility_follows_roles(cli: Cli, team: str) -> None:
    # A rep sees only what they did (nothing yet); a director sees everything.
    assert json.loads(cli("--as", "li.na", "audit", "list", "-f", "json").stdout) == []
    everything = json.loads(cli("--as", "zhao.min", "audit", "list", "-f", "json").stdout)
    assert {line["user"] for line in everything} == {"system", "boss"}


def test_backup_is_audited_or_refused_on_postgresql(cli: Cli, team: str, tmp_path: object) -> None:
    target = f"{tmp_path}/copy.db"
    result = cli("db", "backup", target)
    lines = json.loads(cli("audit", "list", "--entity", "database", "-f", "json").stdout)
    if team.startswith("sqlite"):
        assert result.exit_code == 0, result.stderr
        assert [(line["action"], line["summary"]) for line in lines] == [("backup", target)]
    else:
        assert result.exit_code == 1
        assert "pg_dump" in result.stderr
        assert lines == []
