"""Fuzzed input to the price list, quotes, approvals, contracts and payments."""

from __future__ import annotations

from tests.fuzz import commands
from tests.fuzz.runner import Fuzzer


def test_quote_and_approval_commands(fuzzer: Fuzzer) -> None:
    for command in commands.DEALS:
        fuzzer.fuzz(command)
    fuzzer.finish()


def test_contract_and_payment_commands(fuzzer: Fuzzer) -> None:
    for command in commands.CONTRACTS:
        fuzzer.fuzz(command)
    fuzzer.finish()
