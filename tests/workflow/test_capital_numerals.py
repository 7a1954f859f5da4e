"""大写金额: known cases from the invoice rules, and a round trip through an independent parser."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.workflow.capital_numerals import capital_yuan

# (fen, capitals). The People's Bank of China's own examples (《正确填写票据和结算凭证的基本
# 规定》) are marked; where the rules allow a 零 or none we write none.
KNOWN = [
    (0, "零元整"),
    (1, "壹分"),
    (5, "伍分"),
    (10, "壹角"),
    (50, "伍角"),
    (55, "伍角伍分"),
    (100, "壹元整"),
    (101, "壹元零壹分"),
    (110, "壹元壹角"),
    (1000, "壹拾元整"),
    (1100, "壹拾壹元整"),
    (10100, "壹佰零壹元整"),
    (11000, "壹佰壹拾元整"),
    (32504, "叁佰贰拾伍元零肆分"),  # PBoC: ¥325.04
    (100_450, "壹仟零肆元伍角"),
    (140_950, "壹仟肆佰零玖元伍角"),  # PBoC: ¥1,409.50
    (600_714, "陆仟零柒元壹角肆分"),  # PBoC: ¥6,007.14
    (168_032, "壹仟陆佰捌拾元叁角贰分"),  # PBoC: ¥1,680.32 (the form without 零)
    (1_000_000, "壹万元整"),
    (1_000_100, "壹万零壹元整"),
    (1_001_000, "壹万零壹拾元整"),
    (1_010_000, "壹万零壹佰元整"),
    (1_100_000, "壹万壹仟元整"),
    (10_000_000, "壹拾万元整"),
    (10_700_053, "壹拾万柒仟元伍角叁分"),  # PBoC: ¥107,000.53 (the form without 零)
    (1_000_010_007, "壹仟万零壹佰元零柒分"),
    (1_234_567_890, "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角"),
    (10_000_000_000, "壹亿元整"),
    (10_000_100_000, "壹亿零壹仟元整"),
    (10_001_000_000, "壹亿零壹万元整"),
    (10_100_000_000, "壹亿零壹佰万元整"),
    (11_000_000_000, "壹亿壹仟万元整"),
    (100_000_000_000_000, "壹万亿元整"),
    (123_456_789_012_345, "壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万零壹佰贰拾叁元肆角伍分"),
]


@pytest.mark.parametrize(("fen", "expected"), KNOWN)
def test_known_amounts(fen: int, expected: str) -> None:
    assert capital_yuan(fen) == expected


def test_prefix() -> None:
    assert capital_yuan(10_000_000, prefix=True) == "人民币壹拾万元整"


@pytest.mark.parametrize("bad", [-1, 10**20])
def test_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError, match="out of range"):
        capital_yuan(bad)


DIGITS = {char: value for value, char in enumerate("零壹贰叁肆伍陆柒捌玖")}
UNITS = {"拾": 10, "佰": 100, "仟": 1000}


def parse_capitals(text: str) -> int:
    """An independent reader: capitals back to fen (accepts what the rules allow)."""
    body = text.removeprefix("人民币").removesuffix("整")
    yuan_text, sep, cents_text = body.partition("元")
    if not sep:  # less than a yuan
        yuan_text, cents_text = "", body
    total = section = number = 0
    for char in yuan_text:
        if char in DIGITS:
            number = DIGITS[char]
        elif char in UNITS:
            section += number * UNITS[char]
            number = 0
        elif char == "万":
            section = (section + number) * 10_000
            number = 0
        elif char == "亿":
            total = (total + section + number) * 100_000_000
            section = number = 0
        else:
            raise AssertionError(f"unexpected {char!r} in {text!r}")
    yuan = total + section + number
    cents = 0
    for value, unit in re.findall(r"([壹贰叁肆伍陆柒捌玖])([角分])", cents_text):
        cents += DIGITS[value] * (10 if unit == "角" else 1)
    return yuan * 100 + cents


@given(st.integers(min_value=0, max_value=10**13))
def test_round_trip(fen: int) -> None:
    text = capital_yuan(fen)
    assert parse_capitals(text) == fen
    assert "零零" not in text
    if fen:
        assert not re.search(r"零[万亿元]", text)  # no zero read just before a unit
    assert not text.startswith("拾")  # a leading ten is 壹拾
    assert text.endswith(("整", "角", "分"))
    assert text.endswith("整") == (fen % 100 == 0)
    assert ("元" in text) == (fen >= 100 or fen == 0)


@given(st.integers(min_value=1, max_value=10**13))
def test_only_the_capital_characters(fen: int) -> None:
    assert set(capital_yuan(fen)) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")
