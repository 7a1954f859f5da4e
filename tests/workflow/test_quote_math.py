"""The quote money rule of salesflow.workflow.quote_math: exact, half-up per line."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.workflow.quote_math import (
    LineInput,
    half_up,
    price_line,
    price_quote,
    quantity_text,
)

lines = st.builds(
    LineInput,
    quantity_milli=st.integers(1, 10_000_000),
    list_price_fen=st.integers(0, 10_000_000_00),
    unit_price_fen=st.integers(0, 10_000_000_00),
    discount_bp=st.integers(0, 9_999),
    tax_rate_bp=st.sampled_from([0, 300, 600, 900, 1300]) | st.integers(0, 10_000),
)


def decimal_half_up(value: Fraction) -> int:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@given(st.integers(-(10**15), 10**15), st.integers(1, 10**6))
def test_half_up_matches_decimal(numerator: int, denominator: int) -> None:
    value = Fraction(numerator, denominator)
    # Decimal's default precision (28 digits) is ample for these sizes.
    assert half_up(numerator, denominator) == decimal_half_up(value)


@given(st.lists(lines, min_size=1, max_size=20), st.integers(0, 9_999))
def test_total_is_the_sum_of_the_lines_plus_tax(items: list[LineInput], quote_bp: int) -> None:
    totals = price_quote(items, quote_bp)
    assert totals.total_fen == sum(line.net_fen for line in totals.lines) + totals.tax_fen
    assert totals.total_fen == totals.subtotal_fen - totals.discount_fen + totals.tax_fen
    assert totals.tax_fen == sum(line.tax_fen for line in totals.lines)
    for item, line in zip(items, totals.lines, strict=True):
        assert all(isinstance(v, int) for v in vars(line).values())
        assert line.subtotal_fen == decimal_half_up(
            Fraction(item.quantity_milli * item.unit_price_fen, 1000)
        )
        assert line.line_discount_fen == decimal_half_up(
            Fraction(line.subtotal_fen * item.discount_bp, 10_000)
        )
        after_line = line.subtotal_fen - line.line_discount_fen
        assert line.quote_discount_fen == decimal_half_up(Fraction(after_line * quote_bp, 10_000))
        assert line.tax_fen == decimal_half_up(Fraction(line.net_fen * item.tax_rate_bp, 10_000))
        assert 0 <= line.net_fen <= line.subtotal_fen
    assert 0 <= totals.max_discount_bp <= 10_000


def test_a_worked_example() -> None:
    # 3 x ¥1,999.99 at 5% off, whole quote 2% off, 13% VAT.
    line = price_line(LineInput(3000, 199999, 199999, 500, 1300), 200)
    assert line.subtotal_fen == 599997
    assert line.line_discount_fen == 30000  # 29999.85 -> 30000
    assert line.quote_discount_fen == 11400  # 569997 x 2% = 11399.94 -> 11400
    assert line.net_fen == 558597
    assert line.tax_fen == 72618  # 72617.61 -> 72618
    assert line.total_fen == 631215


def test_a_price_below_list_counts_as_a_discount() -> None:
    totals = price_quote([LineInput(1000, 10000, 8800), LineInput(1000, 10000, 10000, 500)])
    assert totals.max_discount_bp == 1200
    above = price_quote([LineInput(1000, 10000, 12000)])
    assert above.max_discount_bp == 0
    # 10.001% rounds up to 10.01%: above a 10% authority.
    assert price_quote([LineInput(1000, 100000, 89999)]).max_discount_bp == 1001


@pytest.mark.parametrize(
    "line",
    [
        LineInput(0, 100, 100),
        LineInput(1000, -1, 100),
        LineInput(1000, 100, 100, discount_bp=10_000),
        LineInput(1000, 100, 100, tax_rate_bp=10_001),
    ],
)
def test_impossible_lines_are_refused(line: LineInput) -> None:
    with pytest.raises(ValueError, match=r"must|cannot"):
        price_line(line)


@pytest.mark.parametrize(
    ("milli", "text"), [(1000, "1"), (10_000, "10"), (1500, "1.5"), (1234, "1.234"), (50, "0.05")]
)
def test_quantities_read_as_written(milli: int, text: str) -> None:
    assert quantity_text(milli) == text
