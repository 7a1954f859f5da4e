"""Report periods (report_periods.py): every spelling, ISO week-years, neighbours, and the
UTC bounds of local days in Shanghai and in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from salesflow.workflow.errors import InputError
from salesflow.workflow.report_periods import (
    KINDS,
    ReportPeriod,
    day_period,
    month_period,
    parse_report_period,
    period_of,
    week_period,
)
from tests.helpers import SetZone


def period(text: str) -> ReportPeriod:
    return parse_report_period(text, option="--period")


@pytest.mark.parametrize(
    ("text", "start", "end", "kind", "key"),
    [
        ("2026-11-18", date(2026, 11, 18), date(2026, 11, 18), "day", "2026-11-18"),
        ("2026-11-8", date(2026, 11, 8), date(2026, 11, 8), "day", "2026-11-08"),
        ("2026年11月18日", date(2026, 11, 18), date(2026, 11, 18), "day", "2026-11-18"),
        ("2026-W47", date(2026, 11, 16), date(2026, 11, 22), "week", "2026-W47"),
        ("2026w47", date(2026, 11, 16), date(2026, 11, 22), "week", "2026-W47"),
        ("2026-w7", date(2026, 2, 9), date(2026, 2, 15), "week", "2026-W07"),
        ("2026年第47周", date(2026, 11, 16), date(2026, 11, 22), "week", "2026-W47"),
        ("2026年47周", date(2026, 11, 16), date(2026, 11, 22), "week", "2026-W47"),
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30), "month", "2026-11"),
        ("2026-2", date(2026, 2, 1), date(2026, 2, 28), "month", "2026-02"),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29), "month", "2028-02"),
        ("2026年11月", date(2026, 11, 1), date(2026, 11, 30), "month", "2026-11"),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "quarter", "2026-Q4"),
        ("2026q1", date(2026, 1, 1), date(2026, 3, 31), "quarter", "2026-Q1"),
        ("2026年Q2", date(2026, 4, 1), date(2026, 6, 30), "quarter", "2026-Q2"),
        ("2026年第3季度", date(2026, 7, 1), date(2026, 9, 30), "quarter", "2026-Q3"),
        ("2026年4季", date(2026, 10, 1), date(2026, 12, 31), "quarter", "2026-Q4"),
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "year", "2026"),
        ("2026年", date(2026, 1, 1), date(2026, 12, 31), "year", "2026"),
        ("  2026 - W47 ", date(2026, 11, 16), date(2026, 11, 22), "week", "2026-W47"),
    ],
)
def test_every_spelling(text: str, start: date, end: date, kind: str, key: str) -> None:
    assert period(text) == ReportPeriod(start, end, kind, key)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # 2020 has 53 ISO weeks; its week 53 runs into 2021.
        ("2020-W53", date(2020, 12, 28), date(2021, 1, 3)),
        # Week 1 of 2026 starts in 2025 (the week with the year's first Thursday).
        ("2026-W01", date(2025, 12, 29), date(2026, 1, 4)),
        ("2025-W01", date(2024, 12, 30), date(2025, 1, 5)),
        ("2026-W53", date(2026, 12, 28), date(2027, 1, 3)),
    ],
)
def test_iso_week_years(text: str, start: date, end: date) -> None:
    found = period(text)
    assert (found.start, found.end, found.days) == (start, end, 7)
    assert found.start.weekday() == 0


def test_week_key_uses_the_iso_year() -> None:
    assert week_period(date(2026, 1, 1)).key == "2026-W01"
    assert week_period(date(2025, 12, 29)).key == "2026-W01"
    assert week_period(date(2021, 1, 3)).key == "2020-W53"
    assert week_period(date(2027, 1, 1)).key == "2026-W53"


@pytest.mark.parametrize(
    "text",
    ["2021-W53", "2026-W00", "2026-W54", "2026-13", "2026-00", "2026-02-30", "2026-Q5",
     "2026-Q0", "26-11", "November", "", "   ", "2026-11-18T10:00", "2026/11", "0999",
     "2026年13月"],
)  # fmt: skip
def test_bad_forms_name_the_option(text: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_report_period(text, option="--week", kinds=("week",))
    assert "--week" in raised.value.message
    assert raised.value.hint is not None
    assert "2026-W47" in raised.value.hint


def test_a_kind_not_asked_for_is_refused() -> None:
    with pytest.raises(InputError) as raised:
        parse_report_period("2026-11-18", option="--period", kinds=("month", "quarter", "year"))
    assert "--period" in raised.value.message
    assert raised.value.hint is not None
    assert "2026-11" in raised.value.hint
    assert "2026-W47" not in raised.value.hint
    assert parse_report_period("2026-W47", option="--week", kinds=("week",)).kind == "week"


@pytest.mark.parametrize(
    ("text", "previous", "following"),
    [
        ("2026-11-01", "2026-10-31", "2026-11-02"),
        ("2026-W47", "2026-W46", "2026-W48"),
        ("2026-W01", "2025-W52", "2026-W02"),
        ("2021-W01", "2020-W53", "2021-W02"),
        ("2026-W53", "2026-W52", "2027-W01"),
        ("2026-01", "2025-12", "2026-02"),
        ("2026-12", "2026-11", "2027-01"),
        ("2026-Q1", "2025-Q4", "2026-Q2"),
        ("2026-Q4", "2026-Q3", "2027-Q1"),
        ("2026", "2025", "2027"),
    ],
)
def test_previous_and_following(text: str, previous: str, following: str) -> None:
    found = period(text)
    assert found.previous() == period(previous)
    assert found.following() == period(following)
    assert found.previous().end.toordinal() + 1 == found.start.toordinal()
    assert found.following().start.toordinal() - 1 == found.end.toordinal()


def test_period_of_each_kind_contains_the_day() -> None:
    day = date(2026, 11, 18)
    keys = {kind: period_of(kind, day).key for kind in KINDS}
    assert keys == {
        "day": "2026-11-18",
        "week": "2026-W47",
        "month": "2026-11",
        "quarter": "2026-Q4",
        "year": "2026",
    }
    for kind in KINDS:
        assert day in period_of(kind, day)
    assert date(2026, 12, 1) not in month_period(day)
    assert "2026-11-18" not in day_period(day)


def test_utc_bounds_in_shanghai(zone: SetZone) -> None:
    zone("Asia/Shanghai")
    start, end = period("2026-W47").utc_bounds()
    assert start == datetime(2026, 11, 15, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 22, 16, 0, tzinfo=UTC)
    day_start, day_end = period("2026-11-18").utc_bounds()
    assert (day_start, day_end) == (
        datetime(2026, 11, 17, 16, 0, tzinfo=UTC),
        datetime(2026, 11, 18, 16, 0, tzinfo=UTC),
    )
    # 00:30 on the 18th in Shanghai is 16:30 UTC on the 17th: inside the 18th.
    moment = datetime(2026, 11, 17, 16, 30, tzinfo=UTC)
    assert day_start <= moment < day_end
    year_start, year_end = period("2026").utc_bounds()
    assert year_start == datetime(2025, 12, 31, 16, 0, tzinfo=UTC)
    assert year_end == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)


def test_utc_bounds_in_utc(zone: SetZone) -> None:
    zone("UTC")
    start, end = period("2026-11-18").utc_bounds()
    assert (start, end) == (
        datetime(2026, 11, 18, tzinfo=UTC),
        datetime(2026, 11, 19, tzinfo=UTC),
    )
    moment = datetime(2026, 11, 17, 16, 30, tzinfo=UTC)
    assert not start <= moment < end
    month_start, month_end = period("2026-11").utc_bounds()
    assert (month_start, month_end) == (
        datetime(2026, 11, 1, tzinfo=UTC),
        datetime(2026, 12, 1, tzinfo=UTC),
    )


def test_utc_bounds_across_a_daylight_saving_change(zone: SetZone) -> None:
    zone("Europe/Berlin")
    # 2026-03-29 has 23 hours in Berlin (clocks go forward at 02:00).
    start, end = period("2026-03-29").utc_bounds()
    assert start == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
