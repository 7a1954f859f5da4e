"""Configuration: where the database URL and the acting user come from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import Cli, assert_one_line_error


def _settings(cli: Cli, *args: str) -> dict[str, dict[str, str]]:
    result = cli(*args, "config", "show", "-f", "json")
    assert result.exit_code == 0, result.stderr
    return {row["setting"]: row for row in json.loads(result.stdout)}


def test_default_is_sqlite_in_data_dir(cli: Cli, isolated_home: Path) -> None:
    shown = _settings(cli)
    assert shown["database_url"]["value"] == f"sqlite:///{isolated_home / 'salesflow.db'}"
    assert shown["database_url"]["source"] == "default"
    assert shown["user"] == {"setting": "user", "value": "boss", "source": "os-login"}
    table = cli("config", "show").stdout
    assert "operating-system login" in table


def test_precedence_flag_env_file_default(
    cli: Cli, isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolated_home.mkdir()
    config = isolated_home / "config.toml"
    config.write_text(f'database_url = "{tmp_path}/file.db"\nuser = "li.na"\n')
    shown = _settings(cli)
    assert shown["database_url"]["value"] == f"sqlite:///{tmp_path}/file.db"
    assert shown["database_url"]["source"] == "config-file"
    assert shown["config_file"]["value"] == str(config)
    assert shown["user"]["value"] == "li.na"

    monkeypatch.setenv("SALESFLOW_DB_URL", "postgresql://me:secret@db.example/sales")
    monkeypatch.setenv("SALESFLOW_USER", "wang.qiang")
    shown = _settings(cli)
    assert shown["database_url"]["value"] == "postgresql+psycopg://me:***@db.example/sales"
    assert shown["database_url"]["source"] == "SALESFLOW_DB_URL"
    assert shown["user"]["source"] == "SALESFLOW_USER"

    shown = _settings(cli, "--db", "other.db", "--as", "zhao.min")
    assert shown["database_url"]["value"] == f"sqlite:///{Path.cwd() / 'other.db'}"
    assert shown["database_url"]["source"] == "--db"
    assert shown["user"] == {"setting": "user", "value": "zhao.min", "source": "--as"}


def test_broken_config_file_is_one_line(cli: Cli, isolated_home: Path) -> None:
    isolated_home.mkdir()
    (isolated_home / "config.toml").write_text("database_url = \n")
    assert_one_line_error(cli("config", "show"), 2)


def test_misspelled_setting_is_refused(cli: Cli, isolated_home: Path) -> None:
    isolated_home.mkdir()
    (isolated_home / "config.toml").write_text('databse_url = "x.db"\n')
    result = cli("config", "show")
    assert_one_line_error(result, 2)
    assert "databse_url" in result.stderr


def test_config_file_user_is_used(cli: Cli, team: str, isolated_home: Path) -> None:
    isolated_home.mkdir(exist_ok=True)
    (isolated_home / "config.toml").write_text('user = "zhang.wei"\n')
    me = json.loads(cli("user", "whoami", "-f", "json").stdout)
    assert me["username"] == "zhang.wei"
    assert me["source"] == "config-file"
