"""Dates as people type them (a pure rule)."""

from __future__ import annotations

from datetime import date

import pytest

from salesflow.workflow.dates import parse_day
from salesflow.workflow.errors import InputError

WEDNESDAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("2026/12/01", date(2026, 12, 1)),
        (" 2026/1/5 ", date(2026, 1, 5)),
        ("today", WEDNESDAY),
        ("Today", WEDNESDAY),
        ("今天", WEDNESDAY),
        ("tomorrow", date(2026, 11, 26)),
        ("明天", date(2026, 11, 26)),
        ("+3d", date(2026, 11, 28)),
        ("+2w", date(2026, 12, 9)),
        ("+0d", WEDNESDAY),
        ("monday", date(2026, 11, 30)),
        ("wednesday", date(2026, 12, 2)),  # the coming one, never today
        ("friday", date(2026, 11, 27)),
        ("sunday", date(2026, 11, 29)),
        ("next monday", date(2026, 11, 30)),
        ("next friday", date(2026, 12, 4)),  # Friday of next week
        ("Next  Sunday", date(2026, 12, 6)),
        ("下周一", date(2026, 11, 30)),
        ("下周三", date(2026, 12, 2)),
        ("下周五", date(2026, 12, 4)),
        ("下周日", date(2026, 12, 6)),
    ],
)
def test_accepted_forms(text: str, expected: date) -> None:
    assert parse_day(text, WEDNESDAY) == expected


def test_next_weekday_from_a_sunday_is_the_following_week() -> None:
    sunday = date(2026, 11, 29)
    assert parse_day("monday", sunday) == date(2026, 11, 30)
    assert parse_day("next monday", sunday) == date(2026, 11, 30)
    assert parse_day("sunday", sunday) == date(2026, 12, 6)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "soon",
        "2026-13-01",
        "2026-02-30",
        "+3",
        "+3m",
        "-3d",
        "next",
        "next week",
        "last monday",
        "下周",
        "12/01/2026",
        "+99999d",
    ],
)
def test_bad_forms_name_the_option_and_list_the_forms(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_day(text, WEDNESDAY, option="--since")
    assert "--since" in caught.value.message
    assert caught.value.hint is not None
    assert "tomorrow" in caught.value.hint
    assert "+3d" in caught.value.hint
