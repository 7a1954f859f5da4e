"""Bad input and unexpected failures: one line on stderr, the right exit code, no writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import Cli, assert_one_line_error, snapshot


def test_bad_database_url_scheme(cli: Cli, isolated_home: Path) -> None:
    result = cli("--db", "mysql://someone@localhost/crm", "init")
    assert_one_line_error(result, 2)
    assert "mysql" in result.stderr
    assert not isolated_home.exists()


def test_unparseable_database_url(cli: Cli) -> None:
    result = cli("--db", "postgresql://user@host:notaport/db", "user", "list")
    assert_one_line_error(result, 2)


def test_unreachable_postgresql_is_exit_2(cli: Cli) -> None:
    result = cli("--db", "postgresql://nobody@127.0.0.1:1/none", "user", "list")
    assert_one_line_error(result, 2)
    assert "Cannot open the database" in result.stderr


def test_unwritable_path_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = cli("--db", str(blocker / "sub" / "salesflow.db"), "init")
    assert_one_line_error(result, 2)
    assert blocker.read_text() == "not a folder"
    result = cli("--db", "/proc/salesflow-test/salesflow.db", "init")
    assert_one_line_error(result, 2)


def test_missing_database_is_not_created(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "nowhere.db"
    result = cli("--db", str(path), "user", "list")
    assert_one_line_error(result, 2)
    assert "salesflow init" in result.stderr
    assert not path.exists()


def test_file_that_is_not_a_database(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("just some notes, not SQLite" * 100)
    result = cli("--db", str(path), "user", "list")
    assert_one_line_error(result, 2)
    assert path.read_text().startswith("just some notes")


def test_unknown_acting_user_changes_nothing(cli: Cli, team: str) -> None:
    before = snapshot(team)
    result = cli("--as", "ghost", "user", "add", "newbie", "--role", "rep")
    assert_one_line_error(result, 2)
    assert "ghost" in result.stderr
    assert "--as" in result.stderr
    assert snapshot(team) == before


def test_unknown_user_from_environment_names_the_source(
    cli: Cli, team: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESFLOW_USER", "ghost")
    result = cli("user", "list")
    assert_one_line_error(result, 2)
    assert "SALESFLOW_USER" in result.stderr


def test_unexpected_error_traceback_only_with_debug(
    cli: Cli, team: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from salesflow.workflow import users

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(users, "list_users", explode)
    result = cli("user", "list")
    assert_one_line_error(result, 1)
    assert "boom" in result.stderr
    assert "--debug" in result.stderr
    result = cli("--debug", "user", "list")
    assert result.exit_code == 1
    assert "Traceback" in result.stderr
    assert "RuntimeError: boom" in result.stderr


def test_no_input_names_the_missing_option(cli: Cli, team: str) -> None:
    before = snapshot(team)
    result = cli("--no-input", "user", "add", "newbie")
    assert_one_line_error(result, 2)
    assert "--role" in result.stderr
    assert snapshot(team) == before


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:s3cret@host:notaport/db",
        "postgresql://u:s3cret@127.0.0.1:1/db",
        "postgresql://u:p@ss@s3cret@127.0.0.1:1/db",
    ],
)
def test_passwords_never_appear_in_errors(cli: Cli, url: str) -> None:
    result = cli("--db", url, "user", "list")
    assert_one_line_error(result, 2)
    assert "s3cret" not in result.stderr
    shown = cli("--db", url, "config", "show", "-f", "json").stdout
    assert "s3cret" not in shown


def test_missing_driver_is_bad_input(cli: Cli, tmp_path: Path) -> None:
    result = cli("--db", f"sqlite+pysqlcipher:///{tmp_path}/x.db", "init")
    assert_one_line_error(result, 2)
    assert not (tmp_path / "x.db").exists()
