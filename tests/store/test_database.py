"""Engine set-up, the audit listener, health checks and backups."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from sqlmodel import select

from salesflow.store.audit import MissingActorError, set_actor
from salesflow.store.database import open_workspace
from salesflow.store.models import AuditChange, AuditEvent, User
from tests.helpers import Cli, snapshot


def test_sqlite_pragmas(tmp_path: Path) -> None:
    workspace = open_workspace(f"sqlite:///{tmp_path}/p.db", create=True)
    try:
        with workspace.engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert (pragma("PRAGMA busy_timeout").scalar() or 0) >= 5000
    finally:
        workspace.dispose()
    assert stat.S_IMODE((tmp_path / "p.db").stat().st_mode) == 0o600


def test_write_without_actor_is_refused(db_url: str) -> None:
    workspace = open_workspace(db_url, create=True)
    try:

        def add_without_actor() -> None:
            with workspace.session() as session:
                session.add(User(username="x", display_name="x", role="rep"))

        with pytest.raises(MissingActorError):
            add_without_actor()
        with workspace.session() as session:
            assert session.exec(select(User)).all() == []
    finally:
        workspace.dispose()


def test_update_and_delete_record_old_and_new(db_url: str) -> None:
    workspace = open_workspace(db_url, create=True)
    try:
        with workspace.session(actor_id=None) as session:
            user = User(username="x", display_name="旧名", role="rep")
            session.add(user)
            session.flush()
            user_id = user.id
        with workspace.session(actor_id=None) as session:
            user = session.get(User, user_id)
            assert user is not None
            user.display_name = "新名"
            user.active = False
            user.role = "rep"  # unchanged value: not recorded
        with workspace.session(actor_id=None) as session:
            update = session.exec(select(AuditEvent).where(AuditEvent.action == "update")).one()
            changes = session.exec(
                select(AuditChange).where(AuditChange.event_id == update.id)
            ).all()
            assert {(c.field, c.old_value, c.new_value) for c in changes} == {
                ("display_name", "旧名", "新名"),
                ("active", "true", "false"),
            }
            assert update.entity == "users"
            assert update.entity_id == str(user_id)
            set_actor(session, None)
            session.delete(session.get(User, user_id))
        with workspace.session() as session:
            deleted = session.exec(select(AuditEvent).where(AuditEvent.action == "delete")).one()
            assert deleted.entity_id == str(user_id)
    finally:
        workspace.dispose()


def test_db_check_passes_on_a_fresh_database(cli: Cli, team: str) -> None:
    result = cli("db", "check", "-f", "json")
    assert result.exit_code == 0
    checks = json.loads(result.stdout)
    assert all(check["ok"] for check in checks)
    assert "schema" in {check["check"] for check in checks}


def test_db_upgrade_on_current_schema(cli: Cli, team: str) -> None:
    result = cli("db", "upgrade")
    assert result.exit_code == 0
    assert "up to date" in result.stderr


def test_sqlite_backup_round_trip(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path}/live.db"
    monkeypatch.setenv("SALESFLOW_DB_URL", url)
    assert cli("init", "--sample").exit_code == 0
    target = tmp_path / "backup.db"
    result = cli("db", "backup", str(target))
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    copy = snapshot(f"sqlite:///{target}")
    live = snapshot(url)
    # The live database has one more audit event: the backup itself, recorded afterwards.
    assert copy["users"] == live["users"]
    assert len(live["audit_events"]) == len(copy["audit_events"]) + 1

    before = target.read_bytes()
    refused = cli("db", "backup", str(target))
    assert refused.exit_code == 1
    assert "--force" in refused.stderr
    assert target.read_bytes() == before
    assert cli("db", "backup", str(target), "--force").exit_code == 0

    assert cli("--as", "li.na", "db", "backup", str(tmp_path / "rep.db")).exit_code == 1
    assert not (tmp_path / "rep.db").exists()
    missing = cli("db", "backup", str(tmp_path / "no" / "such" / "dir.db"))
    assert missing.exit_code == 2
    assert not list(tmp_path.glob(".salesflow-backup-*"))


def test_backup_refuses_dangerous_destinations(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    live = tmp_path / "live.db"
    monkeypatch.setenv("SALESFLOW_DB_URL", f"sqlite:///{live}")
    assert cli("init").exit_code == 0
    folder = tmp_path / "folder"
    folder.mkdir()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    before = snapshot(f"sqlite:///{live}")
    for target, code in [
        (str(live), 1),
        (f"{live}-wal", 1),
        (f"{live}-shm", 1),
        (str(folder), 2),
        (str(fifo), 2),
        ("/dev/null", 2),
    ]:
        result = cli("db", "backup", target, "--force")
        assert result.exit_code == code, (target, result.stderr)
        assert result.stderr.count("\n") == 1
        assert "Traceback" not in result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)
    assert list(folder.iterdir()) == []
    assert snapshot(f"sqlite:///{live}") == before


@pytest.mark.parametrize("kind", ["update", "delete", "insert"])
def test_bulk_writes_cannot_bypass_the_audit_trail(db_url: str, kind: str) -> None:
    from sqlalchemy import delete, insert, update

    from salesflow.store.audit import BulkWriteError

    workspace = open_workspace(db_url, create=True)
    try:
        with workspace.session(actor_id=None) as session:
            session.add(User(username="x", display_name="x", role="rep"))
        statement = {
            "update": update(User).values(role="admin"),
            "delete": delete(User),
            "insert": insert(User).values(username="y", display_name="y", role="admin"),
        }[kind]

        def bulk() -> None:
            with workspace.session() as session:
                session.exec(statement)

        with pytest.raises(BulkWriteError):
            bulk()
        with workspace.session() as session:
            users = session.exec(select(User)).all()
            assert [(u.username, u.role) for u in users] == [("x", "rep")]
    finally:
        workspace.dispose()
