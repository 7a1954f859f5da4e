"""The README's first command works: its salesflow steps run, in order, on a fresh home."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.helpers import Cli

README = Path(__file__).resolve().parent.parent / "README.md"


def first_command() -> str:
    match = re.search(r"```sh\n(.+?)\n```", README.read_text(encoding="utf-8"), re.S)
    assert match is not None
    return match.group(1)


def salesflow_steps(command: str) -> list[list[str]]:
    steps = []
    for part in command.split("&&"):
        words = shlex.split(part)
        if words and words[0].endswith("salesflow"):
            steps.append(words[1:])
    return steps


def test_the_main_job_shows_the_sample_pipeline_and_a_daily_report(
    cli: Cli, tmp_path: Path
) -> None:
    command = first_command()
    assert command.startswith("python3 -m venv .venv && .venv/bin/pip install")
    steps = salesflow_steps(command)
    assert steps[0] == ["init", "--sample"]
    assert ["pipeline", "show"] in steps
    assert any(step[i : i + 2] == ["report", "daily"] for step in steps for i in range(len(step)))
    for step in steps:
        result = cli(*step)
        assert result.exit_code == 0, (step, result.stderr)
        if step[0] != "init":
            assert result.stdout.strip(), step
            assert "Traceback" not in result.stderr
