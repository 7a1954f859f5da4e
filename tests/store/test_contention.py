"""Waiting for SQLite's write lock with back-off, and the clear message when it never comes."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from salesflow.store import contention
from salesflow.store.contention import (
    DatabaseBusy,
    begin_immediate,
    known_failure,
    pauses,
    retry_busy,
)
from tests.helpers import Cli, assert_one_line_error, snapshot


def locked() -> OperationalError:
    return OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_pauses_double_up_to_the_longest_with_jitter() -> None:
    steady = pauses(first=0.01, longest=0.08, jitter=lambda: 0.5)
    assert [round(next(steady), 4) for _ in range(6)] == [0.01, 0.02, 0.04, 0.08, 0.08, 0.08]
    low, high = pauses(jitter=lambda: 0.0), pauses(jitter=lambda: 0.999)
    assert next(low) == pytest.approx(contention.FIRST_PAUSE_S * 0.5)
    assert next(high) == pytest.approx(contention.FIRST_PAUSE_S * 1.499)


def test_a_lock_that_comes_free_is_taken_after_retries() -> None:
    clock = FakeClock()
    answers = [locked(), locked(), locked(), None]
    statements: list[str] = []

    def execute(statement: str) -> None:
        statements.append(statement)
        answer = answers.pop(0)
        if answer is not None:
            raise answer

    attempts = begin_immediate(execute, clock=clock, sleep=clock.sleep)
    assert attempts == 4
    assert statements == ["BEGIN IMMEDIATE"] * 4
    assert len(clock.slept) == 3
    assert clock.slept[0] < clock.slept[2]  # backing off


def test_a_lock_that_never_comes_is_one_clear_error() -> None:
    clock = FakeClock()

    def execute(_statement: str) -> None:
        raise locked()

    with pytest.raises(DatabaseBusy) as caught:
        begin_immediate(execute, wait_s=5, clock=clock, sleep=clock.sleep)
    assert "The database is busy" in caught.value.message
    assert "5 seconds" in caught.value.message
    assert "Nothing was saved" in caught.value.message
    assert clock.now <= 5
    assert len(clock.slept) > 5


def test_other_errors_are_not_retried() -> None:
    calls = []

    def broken() -> None:
        calls.append(1)
        raise OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: leads"))

    with pytest.raises(OperationalError):
        retry_busy(broken)
    assert calls == [1]


def test_postgres_conflicts_read_as_one_clear_message() -> None:
    class Orig(Exception):
        def __init__(self, state: str) -> None:
            super().__init__("deadlock detected")
            self.sqlstate = state

    deadlock = OperationalError("UPDATE", {}, Orig("40P01"))
    found = known_failure(deadlock)
    assert found is not None
    assert "at the same moment" in found.message
    assert known_failure(OperationalError("UPDATE", {}, Orig("23505"))) is None
    assert known_failure(locked()) is not None


def test_a_write_waits_for_a_held_lock_then_gives_up_cleanly(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'salesflow.db'}"
    monkeypatch.setenv("SALESFLOW_DB_URL", url)
    assert cli("init", "--sample-team").exit_code == 0
    monkeypatch.setattr(contention, "LOCK_WAIT_S", 0.3)
    monkeypatch.setattr("salesflow.store.database.SQLITE_BUSY_TIMEOUT_MS", 10)
    before = snapshot(url)
    holder = sqlite3.connect(tmp_path / "salesflow.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        args = ("--as", "li.na", "--no-input", "lead", "add", "--company", "杭州等待科技有限公司")
        result = cli(*args, "--source", "website")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_one_line_error(result, 1)
    assert "The database is busy" in result.stderr
    assert snapshot(url) == before
    # Once the lock is free, the same command goes through.
    again = cli(*args, "--source", "website")
    assert again.exit_code == 0, again.stderr


def test_a_write_waits_past_the_busy_timeout_for_a_lock_that_comes_free(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's own wait is cut to 10 ms; the lock is held for 0.5 s: the command gets it
    through salesflow's retries, not SQLite's busy handler."""
    url = f"sqlite:///{tmp_path / 'salesflow.db'}"
    monkeypatch.setenv("SALESFLOW_DB_URL", url)
    assert cli("init", "--sample-team").exit_code == 0
    monkeypatch.setattr("salesflow.store.database.SQLITE_BUSY_TIMEOUT_MS", 10)
    attempts: list[int] = []
    original = contention.begin_immediate

    def counting(execute: Callable[[str], object], **options: Any) -> int:
        attempts.append(original(execute, **options))
        return attempts[-1]

    monkeypatch.setattr(contention, "begin_immediate", counting)
    holder = sqlite3.connect(
        tmp_path / "salesflow.db", isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, lambda: holder.execute("ROLLBACK"))
    release.start()
    try:
        result = cli(
            "--as", "li.na", "--no-input", "lead", "add", "--company", "杭州重试科技有限公司",
            "--source", "website",
        )  # fmt: skip
    finally:
        release.join()
        holder.close()
    assert result.exit_code == 0, result.stderr
    assert attempts, "no write lock was taken"
    assert attempts[0] > 1, attempts
