"""Fuzzed input to the commands that manage people: users and targets."""

from __future__ import annotations

from tests.fuzz import commands
from tests.fuzz.runner import Fuzzer


def test_user_and_target_commands(fuzzer: Fuzzer) -> None:
    for command in commands.PEOPLE:
        fuzzer.fuzz(command)
    fuzzer.finish()
