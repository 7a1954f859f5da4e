"""The payment plan parser: shares, remainders in fen, and plans refused naming --plan."""

from __future__ import annotations

from datetime import date

import pytest

from salesflow.workflow.errors import InputError
from salesflow.workflow.payment_plan import PlanPart, parse_plan

TODAY = date(2026, 11, 24)


def test_percentages_and_a_date() -> None:
    parts = parse_plan("30%:sign,70%:2026-12-31", 1_130_000, TODAY)
    assert parts == [
        PlanPart(1, 339_000, 3000, "sign", None),
        PlanPart(2, 791_000, 7000, None, date(2026, 12, 31)),
    ]


def test_default_plan_is_whole_on_delivery() -> None:
    assert parse_plan("100%:delivery", 100, TODAY) == [PlanPart(1, 100, 10000, "delivery", None)]


def test_rounding_remainder_goes_to_the_last_part() -> None:
    parts = parse_plan("33.33%:sign, 33.33%:delivery, 33.34%:+30d", 100_001, TODAY)
    # 100001 × 33.33% = 33330.33 -> 33330 twice; 33.34% -> 33340; 1 fen left over.
    assert [p.amount_fen for p in parts] == [33_330, 33_330, 33_341]
    assert sum(p.amount_fen for p in parts) == 100_001
    assert parts[2].due_on == date(2026, 12, 24)


def test_amounts_and_percentages_mixed() -> None:
    parts = parse_plan("3000:sign,5万:2026-12-31,50%:delivery", 106_000_00, TODAY)
    assert [p.amount_fen for p in parts] == [3000_00, 50_000_00, 53_000_00]
    assert [p.share_bp for p in parts] == [None, None, 5000]


def test_chinese_event_words_and_punctuation() -> None:
    parts = parse_plan("30%：签约，70%：交付", 1000, TODAY)
    assert [(p.due_event, p.amount_fen) for p in parts] == [("sign", 300), ("delivery", 700)]


@pytest.mark.parametrize(
    ("plan", "needle"),
    [
        ("30%:sign,60%:delivery", "90%"),
        ("0%:sign,100%:delivery", "more than 0%"),
        ("-30%:sign,130%:delivery", "more than 0%"),
        ("-100:sign,100%:delivery", "negative"),
        ("0:sign,100%:delivery", "more than 0"),
        ("30%:2026-13-45,70%:delivery", "2026-13-45"),
        ("30%:payday,70%:delivery", "payday"),
        ("30%,70%:delivery", "SHARE:WHEN"),
        ("", "empty part"),
        ("50%:sign,,50%:delivery", "empty part"),
        ("abc%:sign", "not a percentage"),
        ("12.345%:sign", "two decimals"),
        ("150%:sign", "more than 100%"),
        ("lots:sign", "not an amount"),
        ("100%:sign,10:delivery", "100"),
    ],
)
def test_bad_plans_are_refused_naming_the_option(plan: str, needle: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_plan(plan, 1_130_000, TODAY)
    assert "--plan" in caught.value.message
    assert needle in caught.value.message


def test_a_share_worth_less_than_a_fen_is_refused() -> None:
    with pytest.raises(InputError, match="less than one fen"):
        parse_plan("0.01%:sign,99.99%:delivery", 100, TODAY)
