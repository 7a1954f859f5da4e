"""What a period's target is (targets.period_target) and attainment, as pure rules: every
expected figure is worked out by hand in the test."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from salesflow.workflow.report_periods import ReportPeriod, parse_report_period
from salesflow.workflow.targets import (
    PeriodTarget,
    TargetSpan,
    attainment,
    period_kind,
    period_target,
)


def period(text: str) -> ReportPeriod:
    return parse_report_period(text, option="--period")


def span(key: str, amount_fen: int) -> TargetSpan:
    found = period(key)
    return TargetSpan(key, found.kind, found.start, found.end, amount_fen)


@pytest.mark.parametrize(
    ("key", "kind"),
    [("2026-W47", "week"), ("2026-11", "month"), ("2026-Q4", "quarter"), ("2026", "year")],
)
def test_period_kind(key: str, kind: str) -> None:
    assert period_kind(key) == kind
    assert span(key, 1).kind == kind


def test_exact_target_wins() -> None:
    spans = [span("2026-11", 30_000_00), span("2026-W47", 12_345_67), span("2026", 1)]
    assert period_target(period("2026-W47"), spans) == PeriodTarget(12_345_67, exact=True)
    assert period_target(period("2026-11"), spans) == PeriodTarget(30_000_00, exact=True)
    assert period_target(period("2026"), spans) == PeriodTarget(1, exact=True)


def test_a_week_gets_its_days_of_the_month() -> None:
    # W47 (16-22 Nov) is 7 of November's 30 days.
    spans = [span("2026-11", 300_000_00)]
    assert period_target(period("2026-W47"), spans) == PeriodTarget(70_000_00, exact=False)


def test_a_week_across_two_months_takes_days_of_each() -> None:
    # W44 2026 runs Mon 26 Oct - Sun 1 Nov: 6 days of October (31) and 1 of November (30).
    spans = [span("2026-10", 310_000_00), span("2026-11", 300_000_00)]
    assert period("2026-W44").start == date(2026, 10, 26)
    expected = 6 * 10_000_00 + 10_000_00
    assert period_target(period("2026-W44"), spans) == PeriodTarget(expected, exact=False)


def test_a_week_across_the_year_end() -> None:
    # 2026-W53: 28-31 Dec 2026 (4 of December's 31 days) and 1-3 Jan 2027 (3 of 31).
    spans = [span("2026-12", 31_000_00), span("2027-01", 62_000_00)]
    expected = 4 * 1_000_00 + 3 * 2_000_00
    assert period_target(period("2026-W53"), spans) == PeriodTarget(expected, exact=False)


def test_a_quarter_is_the_sum_of_its_months() -> None:
    spans = [span("2026-10", 100_000_00), span("2026-11", 200_000_00), span("2026-12", 333_33)]
    expected = 100_000_00 + 200_000_00 + 333_33
    assert period_target(period("2026-Q4"), spans) == PeriodTarget(expected, exact=False)


def test_months_come_before_the_quarter_and_the_year() -> None:
    # November has a month target; October and December share the quarter's per-day value.
    spans = [span("2026-Q4", 920_000_00), span("2026-11", 500_000_00), span("2026", 1)]
    assert period_target(period("2026-11"), spans) == PeriodTarget(500_000_00, exact=True)
    # A W45 day (2-8 Nov) all in November: 7/30 of the month.
    assert period_target(period("2026-W45"), spans) == PeriodTarget(
        116_666_67, exact=False
    )  # 500,000.00 * 7 / 30 = 116,666.666... -> half-up
    # October: 31 of Q4's 92 days -> 920,000 * 31 / 92 = 310,000.00.
    assert period_target(period("2026-10"), spans) == PeriodTarget(310_000_00, exact=False)


def test_a_year_from_quarters_and_months() -> None:
    # Q1 and Q2 have quarter targets, July to September month targets, and Q4 a quarter
    # target while November also has its own month one (which wins for its days).
    spans = [
        span("2026-Q1", 90_000_00),
        span("2026-Q2", 91_000_00),
        span("2026-07", 31_000_00),
        span("2026-08", 31_000_00),
        span("2026-09", 30_000_00),
        span("2026-Q4", 92_000_00),
        span("2026-11", 60_000_00),
    ]
    # Q4 per day: 92,000 / 92 = 1,000; October and December have 31 + 31 days of it.
    expected = 90_000_00 + 91_000_00 + 92_000_00 + 62 * 1_000_00 + 60_000_00
    assert period_target(period("2026"), spans) == PeriodTarget(expected, exact=False)


def test_the_year_fills_the_days_nothing_finer_covers() -> None:
    # 2026 has 365 days: 365,000.00 is 1,000.00 a day; November has 300,000.00.
    spans = [span("2026", 365_000_00), span("2026-11", 300_000_00)]
    assert period_target(period("2026-Q4"), spans) == PeriodTarget(
        62 * 1_000_00 + 300_000_00, exact=False
    )
    assert period_target(period("2026-W53"), spans) is None  # 1-3 Jan 2027: no target


def test_week_targets_count_only_for_their_own_week() -> None:
    spans = [span("2026-W47", 70_000_00)]
    assert period_target(period("2026-11"), spans) is None
    assert period_target(period("2026-W48"), spans) is None
    both = [span("2026-W47", 70_000_00), span("2026-11", 300_000_00)]
    assert period_target(period("2026-11"), both) == PeriodTarget(300_000_00, exact=True)
    assert period_target(period("2026-W46"), both) == PeriodTarget(70_000_00, exact=False)


def test_an_uncovered_day_means_no_target() -> None:
    spans = [span("2026-10", 100_000_00), span("2026-11", 200_000_00)]
    assert period_target(period("2026-Q4"), spans) is None  # December has none
    assert period_target(period("2026-W49"), spans) is None  # 30 Nov - 6 Dec
    assert period_target(period("2026-W48"), spans) == PeriodTarget(
        46_666_67, exact=False
    )  # 23-29 Nov: 200,000.00 * 7 / 30 = 46,666.666... -> 46,666.67
    assert period_target(period("2026-11"), []) is None


@pytest.mark.parametrize(
    ("amount_fen", "days", "expected"),
    [
        (1, 1, 0),  # 1/30 fen -> 0
        (15, 15, 8),  # 15 fen * 15/30 = 7.5 -> 8 (half-up)
        (45, 5, 8),  # 45 * 5/30 = 7.5 -> 8
        (3, 25, 3),  # 2.5 -> 3
        (1, 15, 1),  # 0.5 -> 1
        (1, 14, 0),  # 0.466... -> 0
    ],
)
def test_half_up_rounding_once_at_the_end(amount_fen: int, days: int, expected: int) -> None:
    # A run of `days` days in November (30 days) out of one month target.
    month = [span("2026-11", amount_fen)]
    run = ReportPeriod(date(2026, 11, 1), date(2026, 11, days), "day", "custom")
    assert period_target(run, month) == PeriodTarget(expected, exact=False)


def test_rounding_is_of_the_sum_not_of_each_day() -> None:
    # 1 fen a month spread over 30 days: each day 1/30 fen, rounding daily would give 0.
    month = [span("2026-11", 100)]  # 1.00 yuan
    week = period("2026-W47")  # 7 days: 100 * 7 / 30 = 23.33 -> 23
    assert period_target(week, month) == PeriodTarget(23, exact=False)
    spans = [span("2026-10", 1), span("2026-11", 1)]  # W44: 6/31 + 1/30 = 0.2268 -> 0
    assert period_target(period("2026-W44"), spans) == PeriodTarget(0, exact=False)


def test_attainment() -> None:
    assert attainment(50_000_00, PeriodTarget(200_000_00, exact=True)) == Decimal("25.0")
    assert attainment(1, PeriodTarget(3, exact=False)) == Decimal("33.3")
    assert attainment(2, PeriodTarget(3, exact=False)) == Decimal("66.7")
    assert attainment(1, PeriodTarget(8, exact=True)) == Decimal("12.5")  # half-up
    assert attainment(3_000_00, PeriodTarget(2_000_00, exact=True)) == Decimal("150.0")
    assert attainment(0, PeriodTarget(1, exact=True)) == Decimal("0.0")
    assert attainment(100, None) is None
    assert attainment(100, PeriodTarget(0, exact=True)) is None
