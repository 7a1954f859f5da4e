"""user edit: role, team, name and active flag; every refusal leaves the database as it was."""

from __future__ import annotations

import json

import pytest

from tests.helpers import Cli, assert_one_line_error, assert_refused_unchanged, snapshot


def _users(cli: Cli) -> dict[str, dict[str, object]]:
    return {u["username"]: u for u in json.loads(cli("user", "list", "-f", "json").stdout)}


def test_edit_moves_renames_and_deactivates(cli: Cli, team: str) -> None:
    result = cli(
        "user", "edit", "li.na", "--manager", "chen.jing", "--display-name", "李娜娜", "--inactive"
    )
    assert result.exit_code == 0, result.stderr
    li = _users(cli)["li.na"]
    assert (li["manager"], li["display_name"], li["active"]) == ("chen.jing", "李娜娜", False)
    lines = json.loads(cli("audit", "list", "--entity", "users", "-f", "json").stdout)
    update = [line for line in lines if line["action"] == "update"]
    assert {(line["field"], line["old_value"], line["new_value"]) for line in update} == {
        ("manager_id", "3", "6"),
        ("display_name", "李娜", "李娜娜"),
        ("active", "true", "false"),
    }
    # A deactivated user can no longer act.
    refused = cli("--as", "li.na", "user", "list")
    assert_one_line_error(refused, 1)
    assert cli("user", "edit", "li.na", "--active", "--no-manager").exit_code == 0
    assert _users(cli)["li.na"]["manager"] is None


def test_promote_rep_to_manager_then_lead(cli: Cli, team: str) -> None:
    assert cli("user", "edit", "zhang.wei", "--role", "manager").exit_code == 0
    assert cli("user", "edit", "li.na", "--manager", "zhang.wei").exit_code == 0
    assert _users(cli)["li.na"]["manager"] == "zhang.wei"


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["--as", "wang.qiang", "user", "edit", "li.na", "--inactive"], 1, "Only an admin"),
        (["user", "edit", "li.na"], 2, "Nothing to change"),
        (["user", "edit", "ghost", "--inactive"], 2, "ghost"),
        (["user", "edit", "wang.qiang", "--role", "rep"], 1, "still leads 2"),
        (["user", "edit", "zhao.min", "--manager", "wang.qiang"], 1, "own team"),
        (["user", "edit", "wang.qiang", "--manager", "wang.qiang"], 1, "own team"),
        (["user", "edit", "li.na", "--manager", "zhang.wei"], 1, "cannot lead"),
        (["user", "edit", "boss", "--inactive"], 1, "yourself"),
        (["user", "edit", "boss", "--role", "rep"], 1, "last active admin"),
        (["user", "edit", "li.na", "--role", "chief"], 2, "--role"),
        (["user", "edit", "li.na", "--manager", "chen.jing", "--no-manager"], 2, "not both"),
        (["user", "edit", "li.na", "--display-name", ""], 2, "--display-name"),
        (["user", "edit", "wang.qiang", "--inactive"], 1, "still leads 2"),
        (["user", "edit", "li.na", "--role", "director"], 1, "reports only to another director"),
        (["user", "edit", "boss", "--manager", "zhao.min"], 1, "admin is not part"),
        (
            ["user", "edit", "wang.qiang", "--manager", "chen.jing", "--role", "director"],
            1,
            "reports only to another director",
        ),
    ],
)
def test_bad_edit_changes_nothing(
    cli: Cli, team: str, args: list[str], code: int, needle: str
) -> None:
    assert_refused_unchanged(cli, team, args, code, needle)


def test_admin_cannot_deactivate_self_even_with_another_admin(cli: Cli, team: str) -> None:
    assert cli("user", "add", "admin2", "--role", "admin").exit_code == 0
    before = snapshot(team)
    result = cli("user", "edit", "boss", "--inactive")
    assert_one_line_error(result, 1)
    assert "yourself" in result.stderr
    assert snapshot(team) == before
    assert cli("--as", "admin2", "user", "edit", "boss", "--inactive").exit_code == 0


def test_edit_that_changes_nothing_says_so_and_leaves_no_trace(cli: Cli, team: str) -> None:
    before = snapshot(team)
    result = cli("user", "edit", "li.na", "--display-name", "李娜", "--active")
    assert result.exit_code == 0
    assert "Nothing changed" in result.stderr
    assert snapshot(team) == before


def test_director_may_report_to_a_director(cli: Cli, team: str) -> None:
    assert cli("user", "add", "vp", "--role", "director").exit_code == 0
    assert cli("user", "edit", "zhao.min", "--manager", "vp").exit_code == 0
    assert _users(cli)["zhao.min"]["manager"] == "vp"


def test_discount_authority_is_set_and_cleared(cli: Cli, team: str) -> None:
    assert _users(cli)["li.na"]["discount_authority"] == "10%"
    result = cli("--as", "zhao.min", "user", "edit", "li.na", "--discount-authority", "15%")
    assert result.exit_code == 0, result.stderr
    assert _users(cli)["li.na"]["discount_authority"] == "15%"
    assert cli("user", "edit", "li.na", "--discount-authority", "12.5").exit_code == 0
    me = json.loads(cli("--as", "li.na", "user", "whoami", "-f", "json").stdout)
    assert me["discount_authority"] == "12.5%"
    lines = json.loads(cli("audit", "list", "--entity", "users", "-f", "json").stdout)
    assert ("discount_authority_bp", "1500", "1250") in {
        (line["field"], line["old_value"], line["new_value"]) for line in lines
    }
    assert cli("user", "edit", "li.na", "--discount-authority", "-").exit_code == 0
    assert _users(cli)["li.na"]["discount_authority"] == "10%"


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (
            ["--as", "wang.qiang", "user", "edit", "li.na", "--discount-authority", "15%"],
            1,
            "Only an admin or a director",
        ),
        (
            [
                "--as",
                "zhao.min",
                "user",
                "edit",
                "li.na",
                "--inactive",
                "--discount-authority",
                "5",
            ],
            1,
            "Only an admin",
        ),
        (
            ["--as", "zhao.min", "user", "edit", "zhao.min", "--discount-authority", "5%"],
            1,
            "your own",
        ),
        (["user", "edit", "li.na", "--discount-authority", "120%"], 2, "--discount-authority"),
        (["user", "edit", "li.na", "--discount-authority", "abc"], 2, "--discount-authority"),
    ],
)
def test_bad_discount_authority_changes_nothing(
    cli: Cli, team: str, args: list[str], code: int, needle: str
) -> None:
    assert_refused_unchanged(cli, team, args, code, needle)
