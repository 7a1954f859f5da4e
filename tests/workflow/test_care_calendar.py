"""The care calendar's rules with fixed dates (no database)."""

from __future__ import annotations

from datetime import date

from salesflow.workflow.care_calendar import (
    UNKNOWN_YEAR,
    AnniversaryFact,
    BirthdayFact,
    holiday_events,
    upcoming,
    yearly_on,
)


def test_two_weeks_from_20_september_2026_hold_mid_autumn_and_national_day() -> None:
    events = upcoming(date(2026, 9, 20), 14)
    assert [(e.day, e.occasion) for e in events] == [
        (date(2026, 9, 25), "中秋节 Mid-Autumn Festival"),
        (date(2026, 10, 1), "国庆节 National Day"),
    ]
    assert events[0].days_away == 5
    assert events[0].kind == "holiday"
    assert "中秋快乐" in events[0].greeting


def test_only_the_first_day_of_a_holiday_and_no_make_up_days() -> None:
    days = [e.day for e in holiday_events(date(2026, 1, 1), date(2026, 12, 31))]
    assert days == [
        date(2026, 1, 1),
        date(2026, 2, 17),  # Spring Festival
        date(2026, 5, 1),
        date(2026, 6, 19),  # Dragon Boat
        date(2026, 9, 25),
        date(2026, 10, 1),
    ]


def test_spring_festival_2027_and_the_year_boundary() -> None:
    events = upcoming(date(2026, 12, 25), 60)
    assert [e.day for e in events] == [date(2027, 1, 1), date(2027, 2, 6)]
    assert events[1].occasion == "春节 Spring Festival"


def test_birthdays_with_and_without_a_year() -> None:
    facts = [
        BirthdayFact(1, "王芳", 7, "杭州云帆科技有限公司", date(1980, 9, 22)),
        BirthdayFact(2, "李雷", 8, "宁波海港贸易有限公司", date(UNKNOWN_YEAR, 9, 21)),
        BirthdayFact(3, "不在期内", 8, "宁波海港贸易有限公司", date(1990, 11, 1)),
    ]
    events = [e for e in upcoming(date(2026, 9, 20), 14, birthdays=facts) if e.kind == "birthday"]
    assert [(e.day, e.contact, e.detail) for e in events] == [
        (date(2026, 9, 21), "李雷", None),
        (date(2026, 9, 22), "王芳", "46"),
    ]
    assert events[1].greeting.startswith("王芳，祝您生日快乐")
    assert events[1].customer_id == 7


def test_29_february_is_kept_on_28_february_in_other_years() -> None:
    assert yearly_on(2, 29, 2027) == date(2027, 2, 28)
    assert yearly_on(2, 29, 2028) == date(2028, 2, 29)


def test_contract_anniversaries_from_the_first_year_on() -> None:
    facts = [
        AnniversaryFact("C-2025-0001", 7, "杭州云帆科技有限公司", date(2025, 9, 28)),
        AnniversaryFact("C-2026-0003", 9, "今年签约有限公司", date(2026, 9, 23)),
    ]
    events = [
        e for e in upcoming(date(2026, 9, 20), 14, anniversaries=facts) if e.kind == "anniversary"
    ]
    assert [(e.day, e.company, e.detail) for e in events] == [
        (date(2026, 9, 28), "杭州云帆科技有限公司", "C-2025-0001 · 1"),
    ]
    assert "合作1周年" in events[0].greeting


def test_events_are_ordered_by_day() -> None:
    facts = [BirthdayFact(1, "王芳", 7, "杭州云帆科技有限公司", date(1980, 10, 1))]
    events = upcoming(date(2026, 9, 20), 14, birthdays=facts)
    assert [e.kind for e in events] == ["holiday", "holiday", "birthday"]
