"""Fuzzed files and paths: imports read fuzzed files; exports, backups and calendars
write to odd paths."""

from __future__ import annotations

from pathlib import Path

from tests.fuzz import commands
from tests.fuzz.runner import Fuzzer


def test_commands_that_read_files(fuzzer: Fuzzer) -> None:
    for command in commands.FILES_IN:
        fuzzer.fuzz(command)
    fuzzer.finish()


def test_commands_that_write_files(fuzzer: Fuzzer, isolated_home: Path) -> None:
    # Quote documents carry our company's name in their header.
    isolated_home.mkdir(exist_ok=True)
    (isolated_home / "config.toml").write_text('company_name = "杭州数帆信息技术有限公司"\n')
    for command in commands.FILES_OUT:
        fuzzer.fuzz(command)
    fuzzer.finish()
