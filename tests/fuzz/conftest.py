"""Hypothesis profiles for the fuzz tests, and a summary of the examples each command got.

Profiles (``HYPOTHESIS_PROFILE`` picks one; else ``ci`` when ``CI=true``, else ``dev``):

* ``ci``: derandomized, so every CI run tries the same examples;
* ``dev``: random examples on every run (``--hypothesis-seed N`` repeats one);
* ``deep``: random, ten times as many examples, for a long run by hand.

None keeps an example database, so no ``.hypothesis`` folder appears in the repository.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.fuzz.runner import Fuzzer
from tests.fuzz.world import build
from tests.helpers import Cli

_COMMON = {
    "database": None,
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("ci", derandomize=True, **_COMMON)  # type: ignore[arg-type]
settings.register_profile("dev", **_COMMON)  # type: ignore[arg-type]
settings.register_profile("deep", max_examples=1000, **_COMMON)  # type: ignore[arg-type]

_IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if _IN_CI else "dev"))


@pytest.fixture(autouse=True)
def built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typer builds the whole command tree on every run, a tenth of a second once every
    group is loaded: the fuzz tests, which run thousands of commands in one process, build
    it once. Only the building is shared; every run still parses and runs the command."""
    import typer.main

    from salesflow.cli.groups import register_commands
    from salesflow.cli.main import app

    register_commands()
    built = _BUILT.get("command")
    if built is None:
        built = _BUILT["command"] = typer.main.get_command(app)
    original = typer.main.get_command

    def get_command(typer_instance: typer.Typer) -> object:
        return built if typer_instance is app else original(typer_instance)

    monkeypatch.setattr(typer.main, "get_command", get_command)


_BUILT: dict[str, object] = {}


@pytest.fixture
def fuzzer(
    team: str, cli: Cli, tmp_path: Path, record_property: Callable[[str, object], None]
) -> Fuzzer:
    """A runner on the sample team plus :mod:`tests.fuzz.world` (on each backend)."""
    build(team, cli)
    return Fuzzer(cli, team, tmp_path / "fuzz", record_property)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    counts: dict[tuple[str, str], int] = {}
    exits: dict[str, dict[str, int]] = {}
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get(
        "failed", []
    ):
        if getattr(report, "when", "call") != "call":
            continue
        backend = "postgresql" if "[postgresql" in report.nodeid else "sqlite"
        for name, value in getattr(report, "user_properties", []):
            if isinstance(name, str) and name.startswith("fuzz "):
                key = (name.removeprefix("fuzz "), backend)
                counts[key] = counts.get(key, 0) + int(value)
            elif isinstance(name, str) and name.startswith("fuzz-exit "):
                command, _space, code = name.removeprefix("fuzz-exit ").rpartition(" ")
                per_code = exits.setdefault(command, {})
                per_code[code] = per_code.get(code, 0) + int(value)
    if not counts:
        return
    terminalreporter.write_sep("-", "fuzz examples per command: sqlite / postgresql (exits)")
    for name in sorted({name for name, _backend in counts}):
        sqlite, postgresql = counts.get((name, "sqlite"), 0), counts.get((name, "postgresql"), 0)
        codes = ", ".join(f"{code}: {n}" for code, n in sorted(exits.get(name, {}).items()))
        terminalreporter.write_line(f"{name:32} {sqlite:5} / {postgresql:<5} (exit {codes})")
    total = sum(counts.values())
    terminalreporter.write_line(f"{'total':32} {total:5}")
