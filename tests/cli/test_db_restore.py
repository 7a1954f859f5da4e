"""``salesflow db restore``: a backup round-trips exactly; anything else is refused."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import (
    Cli,
    assert_one_line_error,
    assert_refused_unchanged,
    migrate,
    snapshot,
)

NEW_LEAD = ["--company", "还原测试公司", "--contact", "王五", "--phone", "13900000000"]


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SQLite database with the sample data, as SALESFLOW_DB_URL."""
    path = tmp_path / "live.db"
    monkeypatch.setenv("SALESFLOW_DB_URL", f"sqlite:///{path}")
    return path


def initialized(cli: Cli, live: Path) -> str:
    result = cli("init", "--sample")
    assert result.exit_code == 0, result.stderr
    return f"sqlite:///{live}"


def back_up(cli: Cli, target: Path) -> dict[str, list[tuple[Any, ...]]]:
    result = cli("db", "backup", str(target))
    assert result.exit_code == 0, result.stderr
    return snapshot(f"sqlite:///{target}")


def add_lead(cli: Cli) -> None:
    result = cli("--as", "li.na", "--no-input", "lead", "add", *NEW_LEAD, "--source", "web")
    assert result.exit_code == 0, result.stderr


def without_restore_event(
    tables: dict[str, list[tuple[Any, ...]]],
) -> tuple[dict[str, list[tuple[Any, ...]]], list[tuple[Any, ...]]]:
    """The tables with the restore's own audit event taken out, and that event."""
    events = tables["audit_events"]
    restores = [row for row in events if "restore" in row and "database" in row]
    return {**tables, "audit_events": [row for row in events if row not in restores]}, restores


def test_restore_round_trips_every_table(cli: Cli, live: Path, tmp_path: Path) -> None:
    url = initialized(cli, live)
    backup = tmp_path / "backup.db"
    saved = back_up(cli, backup)
    add_lead(cli)
    assert snapshot(url) != saved

    result = cli("db", "restore", str(backup), "--force")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert str(backup) in result.stderr
    restored, restores = without_restore_event(snapshot(url))
    assert restored == saved
    assert len(restores) == 1
    assert str(backup) in restores[0]
    assert stat.S_IMODE(live.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".salesflow-backup-*"))
    # The restored database works, and the audit trail names the restore.
    lines = json.loads(cli("audit", "list", "--entity", "database", "-f", "json").stdout)
    assert [(line["action"], line["summary"]) for line in lines][-1] == ("restore", str(backup))
    assert cli("db", "check").exit_code == 0


def test_restore_onto_a_new_machine_needs_no_force(
    cli: Cli, live: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    initialized(cli, live)
    backup = tmp_path / "backup.db"
    saved = back_up(cli, backup)
    fresh = tmp_path / "new" / "data" / "salesflow.db"
    monkeypatch.setenv("SALESFLOW_DB_URL", f"sqlite:///{fresh}")
    result = cli("db", "restore", str(backup))
    assert result.exit_code == 0, result.stderr
    restored, restores = without_restore_event(snapshot(f"sqlite:///{fresh}"))
    assert restored == saved
    assert len(restores) == 1
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_an_older_backup_is_upgraded_after_restoring(cli: Cli, live: Path, tmp_path: Path) -> None:

    from salesflow.store.schema import SCHEMA_HEAD

    url = initialized(cli, live)
    backup = tmp_path / "old.db"
    back_up(cli, backup)
    previous = f"{int(SCHEMA_HEAD) - 1:04d}"
    migrate(f"sqlite:///{backup}", ("downgrade", previous))
    result = cli("db", "restore", str(backup), "--force")
    assert result.exit_code == 0, result.stderr
    assert f"from {previous} to {SCHEMA_HEAD}" in result.stderr
    assert snapshot(url)["alembic_version"] == [(SCHEMA_HEAD,)]
    schema = json.loads(cli("audit", "list", "--entity", "schema", "-f", "json").stdout)
    assert f"{previous} -> {SCHEMA_HEAD}" in {line["summary"] for line in schema}
    database = json.loads(cli("audit", "list", "--entity", "database", "-f", "json").stdout)
    assert ("restore", str(backup)) in {(line["action"], line["summary"]) for line in database}


def other_app_file(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        connection.execute("INSERT INTO notes (body) VALUES ('hello')")
        connection.commit()


def set_revision(path: Path, revision: str) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        connection.commit()


def drop_users(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute("DROP TABLE users")
        connection.commit()


@pytest.mark.parametrize(
    ("kind", "needle"),
    [
        ("random", "not a SQLite database file"),
        ("empty", "not a SQLite database file"),
        ("text", "not a SQLite database file"),
        ("other_app", "no salesflow tables"),
        ("no_users", "no salesflow tables"),
        ("newer", "unknown to this salesflow"),
        ("missing", "no backup file"),
        ("folder", "not a regular file"),
    ],
)
def test_restore_refuses_what_is_not_a_salesflow_backup(
    cli: Cli, live: Path, tmp_path: Path, kind: str, needle: str
) -> None:
    url = initialized(cli, live)
    bad = tmp_path / f"{kind}.db"
    if kind == "random":
        bad.write_bytes(os.urandom(4096))
    elif kind == "empty":
        bad.write_bytes(b"")
    elif kind == "text":
        bad.write_text("id,name\n1,not a database\n")
    elif kind == "other_app":
        other_app_file(bad)
    elif kind == "folder":
        bad.mkdir()
    elif kind in {"newer", "no_users"}:
        back_up(cli, bad)
        set_revision(bad, "9999") if kind == "newer" else drop_users(bad)
    before = bad.read_bytes() if bad.is_file() else None
    assert_refused_unchanged(cli, url, ["db", "restore", str(bad), "--force"], 2, str(bad))
    result = cli("db", "restore", str(bad), "--force")
    assert needle in result.stderr
    assert (bad.read_bytes() if bad.is_file() else None) == before
    assert not list(tmp_path.glob(".salesflow-backup-*"))
    assert not list(tmp_path.glob(f"{kind}.db-*"))  # read-only: nothing made beside it


def test_restore_never_overwrites_without_force(cli: Cli, live: Path, tmp_path: Path) -> None:
    url = initialized(cli, live)
    backup = tmp_path / "backup.db"
    back_up(cli, backup)
    add_lead(cli)
    assert_refused_unchanged(cli, url, ["db", "restore", str(backup)], 1, "--force")


def test_restore_refuses_the_database_itself(cli: Cli, live: Path) -> None:
    url = initialized(cli, live)
    assert_refused_unchanged(cli, url, ["db", "restore", str(live), "--force"], 1, "itself")


def test_only_an_admin_may_restore(cli: Cli, live: Path, tmp_path: Path) -> None:
    url = initialized(cli, live)
    backup = tmp_path / "backup.db"
    back_up(cli, backup)
    # A rep of the current database, who is also a rep in the backup.
    args = ["--as", "li.na", "db", "restore", str(backup), "--force"]
    assert_refused_unchanged(cli, url, args, 1, "admin")
    # An admin of the current database who is no admin in the backup (added after it).
    assert cli("user", "add", "neu", "--role", "admin", "--display-name", "新管理员").exit_code == 0
    args = ["--as", "neu", "db", "restore", str(backup), "--force"]
    assert_refused_unchanged(cli, url, args, 1, str(backup))
    # A deactivated user is refused too.
    assert cli("user", "edit", "neu", "--inactive").exit_code == 0
    assert_refused_unchanged(cli, url, args, 1, "neu")


def test_a_failed_replace_leaves_the_old_database(
    cli: Cli, live: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = initialized(cli, live)
    backup = tmp_path / "backup.db"
    back_up(cli, backup)
    add_lead(cli)
    before = snapshot(url)

    def failing_replace(source: object, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("salesflow.store.maintenance.os.replace", failing_replace)
    result = cli("db", "restore", str(backup), "--force")
    monkeypatch.undo()
    assert_one_line_error(result, 1)
    assert "No space left on device" in result.stderr
    assert snapshot(url) == before
    assert not list(tmp_path.glob(".salesflow-backup-*"))


def test_restore_is_refused_on_postgresql_or_round_trips(
    cli: Cli, team: str, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.db"
    if team.startswith("sqlite"):
        saved = back_up(cli, backup)
        assert cli("db", "restore", str(backup), "--force").exit_code == 0
        restored, restores = without_restore_event(snapshot(team))
        assert restored == saved
        assert len(restores) == 1
    else:
        shutil.copyfile(Path(__file__), backup)  # never read: PostgreSQL is refused first
        assert_refused_unchanged(cli, team, ["db", "restore", str(backup)], 1, "pg_restore")


def test_restore_with_a_postgresql_url_names_pg_restore(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESFLOW_DB_URL", "postgresql://sales:secret@127.0.0.1:1/salesflow")
    result = cli("db", "restore", str(tmp_path / "backup.db"), "--force")
    assert_one_line_error(result, 1)
    assert "pg_restore" in result.stderr
    assert "postgresql://sales:***@127.0.0.1:1/salesflow" in result.stderr
    assert "secret" not in result.stderr


def test_a_database_in_use_is_not_replaced(cli: Cli, live: Path, tmp_path: Path) -> None:
    url = initialized(cli, live)
    backup = tmp_path / "backup.db"
    back_up(cli, backup)
    add_lead(cli)
    with closing(sqlite3.connect(live, isolation_level=None)) as other:
        other.execute("SELECT count(*) FROM users").fetchall()  # another program reading
        assert_refused_unchanged(cli, url, ["db", "restore", str(backup), "--force"], 1, "in use")
    assert not list(tmp_path.glob(".salesflow-backup-*"))


def test_a_current_file_that_is_no_database_is_left_alone(
    cli: Cli, live: Path, tmp_path: Path
) -> None:
    initialized(cli, live)
    backup = tmp_path / "backup.db"
    back_up(cli, backup)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)
    live.write_bytes(b"not a database at all" * 100)
    result = cli("db", "restore", str(backup), "--force")
    assert_one_line_error(result, 2)
    assert str(live) in result.stderr
    assert live.read_bytes() == b"not a database at all" * 100
