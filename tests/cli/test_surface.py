"""The shape of the command line: help everywhere, fast start-up, global options."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from tests.helpers import Cli

HEAVY = ("sqlmodel", "sqlalchemy", "questionary", "alembic")


def _walk(command: Any, path: str = "salesflow") -> list[tuple[str, Any]]:
    found = [(path, command)]
    for name, sub in getattr(command, "commands", {}).items():
        found += _walk(sub, f"{path} {name}")
    return found


def test_every_command_and_option_has_help() -> None:
    import typer.main

    from salesflow.cli.groups import register_commands
    from salesflow.cli.main import app

    register_commands()
    root = typer.main.get_command(app)
    missing = []
    for path, command in _walk(root):
        if not (command.help or "").strip():
            missing.append(path)
        for param in command.params:
            if getattr(param, "help", None) is None and param.param_type_name == "option":
                missing.append(f"{path} {param.opts[0]}")
            if param.param_type_name == "argument" and not getattr(param, "help", None):
                missing.append(f"{path} {param.name}")
    assert missing == []


def test_help_lists_the_groups(cli: Cli) -> None:
    result = cli("--help")
    assert result.exit_code == 0
    for group in ("init", "user", "config", "db", "audit"):
        assert group in result.stdout


def test_help_imports_no_heavy_module() -> None:
    code = (
        "import sys, json\n"
        "from salesflow.cli.main import run\n"
        "run(['--help'])\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []
    assert "user" in done.stdout


def test_console_script_and_module_entry_points_work(tmp_path: Any) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "salesflow", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("salesflow ")


def test_unknown_option_is_one_line_exit_2(cli: Cli) -> None:
    result = cli("user", "list", "--bogus")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "--bogus" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_command_is_exit_2(cli: Cli) -> None:
    result = cli("frobnicate")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")


def test_group_without_command_shows_help_and_no_empty_error(cli: Cli) -> None:
    result = cli("lead")
    assert result.exit_code == 2
    assert "Usage" in result.stdout
    assert "Error" not in result.stderr
