"""Fuzzed input to the after-sales commands: visits, tickets, care calendar, referrals."""

from __future__ import annotations

from tests.fuzz import commands
from tests.fuzz.runner import Fuzzer


def test_service_commands(fuzzer: Fuzzer) -> None:
    for command in commands.SERVICE_COMMANDS:
        fuzzer.fuzz(command)
    fuzzer.finish()
