"""init, user add, user list, user whoami: identity, roles, teams and their refusals."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tests.helpers import Cli, assert_one_line_error, assert_refused_unchanged, snapshot


def test_init_creates_admin_named_after_os_login(cli: Cli, db_url: str) -> None:
    result = cli("init")
    assert result.exit_code == 0, result.stderr
    assert "boss" in result.stderr
    assert result.stdout == ""
    me = json.loads(cli("user", "whoami", "-f", "json").stdout)
    assert me["username"] == "boss"
    assert me["role"] == "admin"
    assert me["source"] == "os-login"
    assert me["sees"] == "all"


def test_init_twice_is_harmless(cli: Cli, team: str) -> None:
    before = snapshot(team)
    result = cli("init", "--sample-team")
    assert result.exit_code == 0
    assert "ready" in result.stderr
    assert snapshot(team) == before


def test_add_and_list_users(cli: Cli, team: str) -> None:
    result = cli(
        "user",
        "add",
        "Wu.Lei",
        "--role",
        "rep",
        "--manager",
        "chen.jing",
        "--display-name",
        "吴磊",
    )
    assert result.exit_code == 0, result.stderr
    users = {u["username"]: u for u in json.loads(cli("user", "list", "-f", "json").stdout)}
    assert users["wu.lei"] == {
        **users["wu.lei"],
        "display_name": "吴磊",
        "role": "rep",
        "manager": "chen.jing",
        "active": True,
    }


def test_list_filters_by_role_and_team(cli: Cli, team: str) -> None:
    reps = json.loads(cli("user", "list", "--role", "rep", "-f", "json").stdout)
    assert sorted(u["username"] for u in reps) == ["li.na", "liu.yang", "zhang.wei"]
    mine = json.loads(cli("--as", "wang.qiang", "user", "list", "--team", "-f", "json").stdout)
    assert sorted(u["username"] for u in mine) == ["li.na", "wang.qiang", "zhang.wei"]
    whole = json.loads(cli("--as", "zhao.min", "user", "list", "--team", "-f", "json").stdout)
    assert len(whole) == 6  # the director, two managers and their three reps


def test_whoami_reports_source_and_scope(
    cli: Cli, team: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESFLOW_USER", "wang.qiang")
    me = json.loads(cli("user", "whoami", "-f", "json").stdout)
    assert me["username"] == "wang.qiang"
    assert me["source"] == "SALESFLOW_USER"
    assert me["team_size"] == 2
    assert me["sees"] == "team"
    me = json.loads(cli("--as", "li.na", "user", "whoami", "-f", "json").stdout)
    assert me["source"] == "--as"
    assert me["team_size"] == 0
    assert me["sees"] == "own"


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["--as", "li.na", "user", "add", "x1", "--role", "rep"], 1, "Only an admin"),
        (["user", "add", "x1", "--role", "boss"], 2, "--role"),
        (["user", "add", "bad name", "--role", "rep"], 2, "Invalid username"),
        (["user", "add", "-x", "--role", "rep"], 2, ""),
        (["user", "add", "li.na", "--role", "rep"], 1, "already exists"),
        (["user", "add", "LI.NA", "--role", "rep"], 1, "already exists"),
        (["user", "add", "x1", "--role", "rep", "--manager", "nobody"], 2, "--manager"),
        (["user", "add", "x1", "--role", "rep", "--manager", "li.na"], 1, "cannot lead"),
        (["user", "add", "x1", "--role", "rep", "--display-name", "  "], 2, "--display-name"),
        (["user", "add", "x1", "--role", "rep", "--display-name", "a\x07b"], 2, "control"),
        (["user", "add", "x1", "--role", "rep", "--display-name", "长" * 101], 2, "longer"),
        (["user", "add", "x" * 65, "--role", "rep"], 2, "Invalid username"),
        (["user", "add", "x1", "--role", "director", "--manager", "wang.qiang"], 1, "director"),
        (["user", "add", "x1", "--role", "admin", "--manager", "zhao.min"], 1, "admin is not"),
        (["--as", "li.na", "--no-input", "user", "add", "x1"], 1, "Only an admin"),
    ],
)
def test_bad_user_add_changes_nothing(
    cli: Cli, team: str, args: list[str], code: int, needle: str
) -> None:
    assert_refused_unchanged(cli, team, args, code, needle)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_role_prompt_in_a_terminal(team: str) -> None:
    """Drive the questionary prompt for --role for real, through a pseudo-terminal."""
    import pexpect

    child = pexpect.spawn(
        sys.executable,
        ["-m", "salesflow", "user", "add", "tty.user", "--display-name", "终端"],
        env=dict(os.environ),
        encoding="utf-8",
        dimensions=(30, 100),
    )
    child.expect("Role of tty.user", timeout=60)
    child.send("\x1b[B")  # arrow down: from "Sales rep" to "Sales manager"
    child.send("\r")
    child.expect(pexpect.EOF, timeout=60)
    child.close()
    assert child.exitstatus == 0, child.before
    done = pexpect.run(
        f"{sys.executable} -m salesflow user list --role manager --format json",
        env=dict(os.environ),
        encoding="utf-8",
    )
    assert "tty.user" in str(done)


def test_init_with_invalid_name_leaves_no_database(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    result = cli("--db", str(path), "--as", "Bad Name", "init")
    assert_one_line_error(result, 2)
    assert "--as" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_init_on_existing_database_checks_the_acting_user(cli: Cli, team: str) -> None:
    before = snapshot(team)
    unknown = cli("--as", "ghost", "init", "--sample")
    assert_one_line_error(unknown, 2)
    assert "ghost" in unknown.stderr
    not_admin = cli("--as", "zhou.xin", "init", "--sample")
    assert_one_line_error(not_admin, 1)
    assert snapshot(team) == before
    # Any active user may bring the schema up to date; the message names the real admins.
    ready = cli("--as", "zhou.xin", "init")
    assert ready.exit_code == 0
    assert "admins: boss" in ready.stderr
    assert snapshot(team) == before


def test_second_database_init_does_not_adopt_another_admin(cli: Cli, db_url: str) -> None:
    assert cli("--as", "alice", "init").exit_code == 0
    result = cli("--as", "ghost", "init", "--sample")
    assert_one_line_error(result, 2)
    users = json.loads(cli("--as", "alice", "user", "list", "-f", "json").stdout)
    assert [u["username"] for u in users] == ["alice"]
