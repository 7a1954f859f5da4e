"""Test helpers: run the CLI in-process, and snapshot a database to prove it unchanged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

# Sets the process time zone for the rest of a test (the ``zone`` fixture).
SetZone = Callable[[str], None]


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


class Cli:
    """Runs ``salesflow ARGS`` in this process and captures its output."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, *args: str) -> Result:
        from salesflow.cli.main import run
        from tests import write_guard

        write_guard.install()
        write_guard.violations.clear()
        self.capsys.readouterr()
        code = run(list(args))
        out, err = self.capsys.readouterr()
        assert not write_guard.violations, (
            "wrote outside a write transaction (use acting(write=True)):",
            write_guard.violations,
        )
        return Result(code, out, err)


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, for comparing a database before and after a command."""
    from sqlalchemy import MetaData, create_engine, select

    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            return {
                name: sorted(
                    (tuple(row) for row in connection.execute(select(table)).all()), key=repr
                )
                for name, table in sorted(metadata.tables.items())
            }
    finally:
        engine.dispose()


def assert_one_line_error(result: Result, code: int) -> None:
    assert result.exit_code == code, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def assert_refused_unchanged(cli: Cli, url: str, args: list[str], code: int, needle: str) -> None:
    """Running ``args`` fails with one clear line naming ``needle``, and writes nothing."""
    before = snapshot(url)
    result = cli(*args)
    assert_one_line_error(result, code)
    assert needle in result.stderr
    assert snapshot(url) == before


def migrate(url: str, *steps: tuple[str, str]) -> None:
    """Run Alembic steps on ``url`` directly, e.g. ``("downgrade", "0006"), ("upgrade",
    "head")``: an older schema for a test, as an older salesflow left it."""
    from alembic import command
    from sqlalchemy import create_engine

    from salesflow.store.migrate import alembic_config

    engine = create_engine(url)
    try:
        config = alembic_config()
        for direction, revision in steps:
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                getattr(command, direction)(config, revision)
    finally:
        engine.dispose()
