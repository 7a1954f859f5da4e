"""Fuzzed input to the lead commands and activity logging (see tests/fuzz/runner.py)."""

from __future__ import annotations

from tests.fuzz import commands
from tests.fuzz.runner import Fuzzer


def test_lead_commands(fuzzer: Fuzzer) -> None:
    for command in commands.LEADS:
        fuzzer.fuzz(command)
    fuzzer.finish()
