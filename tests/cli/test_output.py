"""Output formats: JSON parses and stays language-neutral, CSV, Markdown and tables line up."""

from __future__ import annotations

import csv
import io
import json
import os
import sys

import pytest
from rich.cells import cell_len

from salesflow.cli.output import markdown_table
from tests.helpers import Cli


def test_json_is_data_only_and_uses_codes(cli: Cli, team: str) -> None:
    result = cli("user", "list", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == ""
    users = json.loads(result.stdout)
    by_name = {u["username"]: u for u in users}
    assert by_name["li.na"]["role"] == "rep"
    assert by_name["li.na"]["display_name"] == "李娜"
    assert by_name["li.na"]["manager"] == "wang.qiang"
    assert by_name["boss"]["role"] == "admin"
    assert by_name["boss"]["created_at"].endswith("+00:00")


def test_csv_has_codes_and_one_row_per_user(cli: Cli, team: str) -> None:
    result = cli("user", "list", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 9
    assert {row["role"] for row in rows} == {
        "admin",
        "director",
        "manager",
        "rep",
        "legal",
        "service",
    }
    assert {row["active"] for row in rows} == {"true"}


def test_markdown_columns_line_up_with_chinese_names(cli: Cli, team: str) -> None:
    result = cli("user", "list", "-f", "markdown")
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2 + 9
    widths = {cell_len(line) for line in lines}
    assert len(widths) == 1, lines
    bars = {tuple(i for i, ch in enumerate(line) if ch == "|") for line in lines[2:]}
    assert len({cell_len(line.split("|")[2]) for line in lines}) == 1
    assert bars


def test_markdown_table_escapes_pipes() -> None:
    text = markdown_table(["a"], [["x|y"]])
    assert "x\\|y" in text


def test_table_lines_up_with_wide_characters(cli: Cli, team: str) -> None:
    result = cli("user", "list")
    lines = [line for line in result.stdout.splitlines() if "李娜" in line or "Username" in line]
    assert len(lines) == 2
    header, row = lines
    # The "Role" column starts at the same display column in the header and the row.
    assert cell_len(header[: header.index("Role")]) == cell_len(row[: row.index("Sales rep")])


def test_table_does_not_read_data_as_markup(cli: Cli, team: str) -> None:
    assert (
        cli("user", "add", "mark", "--role", "rep", "--display-name", "[bold]x[/bold]").exit_code
        == 0
    )
    result = cli("user", "list")
    assert "[bold]x[/bold]" in result.stdout


def test_empty_list_says_so_on_stderr(cli: Cli, team: str) -> None:
    result = cli("audit", "list", "--user", "li.na")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.strip() != ""
    assert json.loads(cli("audit", "list", "--user", "li.na", "-f", "json").stdout) == []


def test_bad_format_is_usage_error(cli: Cli, team: str) -> None:
    result = cli("user", "list", "--format", "xml")
    assert result.exit_code == 2


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_no_color_is_respected_on_a_terminal(team: str) -> None:
    import pexpect

    env = dict(os.environ)
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "120"
    child = pexpect.spawn(
        sys.executable, ["-m", "salesflow", "user", "list"], env=env, encoding="utf-8"
    )
    child.expect(pexpect.EOF, timeout=60)
    assert "李娜" in (child.before or "")
    assert "\x1b[" not in (child.before or "")
    env.pop("NO_COLOR")
    child = pexpect.spawn(
        sys.executable, ["-m", "salesflow", "user", "list"], env=env, encoding="utf-8"
    )
    child.expect(pexpect.EOF, timeout=60)
    assert "\x1b[" in (child.before or ""), "a terminal without NO_COLOR gets styled headers"


def test_empty_markdown_keeps_its_header(cli: Cli, team: str) -> None:
    result = cli("audit", "list", "--user", "li.na", "-f", "markdown")
    assert result.exit_code == 0
    assert len(result.stdout.strip().splitlines()) == 2  # header and rule, like CSV's header


@pytest.mark.parametrize(("value", "prompts"), [("0", True), ("false", True), ("1", False)])
def test_no_input_variable_is_an_on_off_switch(
    cli: Cli, team: str, monkeypatch: pytest.MonkeyPatch, value: str, prompts: bool
) -> None:
    from salesflow.cli import context
    from salesflow.cli import prompts as prompt_module

    monkeypatch.setenv("SALESFLOW_NO_INPUT", value)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    cli("user", "list")
    assert context.state.no_input is not prompts
    assert prompt_module.can_prompt() is prompts
