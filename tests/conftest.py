"""Shared fixtures: an isolated home per test, both database backends, and a CLI runner.

Every test that takes ``db_url`` runs twice: on a SQLite file and on a real PostgreSQL
server. Outside CI, the PostgreSQL half is skipped (with the reason shown) when no server
can be started; in CI (``CI=true``) that is a failure instead.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import Cli, SetZone
from tests.pg import PgServer, PostgresUnavailable, running_server

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
ENV_VARS = (
    "SALESFLOW_DB_URL",
    "SALESFLOW_USER",
    "SALESFLOW_CONFIG",
    "SALESFLOW_LANG",
    "SALESFLOW_DEBUG",
    "SALESFLOW_NO_INPUT",
    "NO_COLOR",
    # The locale's language variables above LANG (LANG itself is set to C.UTF-8).
    "LANGUAGE",
    "LC_ALL",
    "LC_MESSAGES",
)
ADMIN = "boss"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config and data in a temp folder; the OS login is 'boss'; no stray settings."""
    home = tmp_path / "home"
    monkeypatch.setenv("SALESFLOW_HOME", str(home))
    monkeypatch.setenv("LOGNAME", ADMIN)
    monkeypatch.setenv("LANG", "C.UTF-8")
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def zone() -> Iterator[SetZone]:
    """Set the process time zone (TZ) for a test; the original one comes back afterwards,
    and ``time.tzset()`` runs again so the C library sees each change."""

    original = os.environ.get("TZ")

    def set_zone(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield set_zone
    if original is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = original
    time.tzset()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    try:
        manager = running_server()
        server = manager.__enter__()
    except PostgresUnavailable as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL is mandatory in CI and could not start: {exc}")
        pytest.skip(f"PostgreSQL tests skipped outside CI: {exc}")
    try:
        yield server
    finally:
        manager.__exit__(None, None, None)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """An empty database on each backend, also set as SALESFLOW_DB_URL for the CLI."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'salesflow.db'}"
        monkeypatch.setenv("SALESFLOW_DB_URL", url)
        yield url
        return
    server: PgServer = request.getfixturevalue("pg_server")
    with server.database() as url:
        monkeypatch.setenv("SALESFLOW_DB_URL", url)
        yield url


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(capsys)


@pytest.fixture
def team(db_url: str, cli: Cli) -> str:
    """A database initialized with the admin 'boss' and the sample team."""
    result = cli("init", "--sample-team")
    assert result.exit_code == 0, result.stderr
    return db_url


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    counts: dict[str, int] = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            if "[postgresql" in getattr(report, "nodeid", ""):
                counts[outcome] = counts.get(outcome, 0) + 1
    if counts:
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
        terminalreporter.write_line(f"PostgreSQL-backed tests: {summary}")
