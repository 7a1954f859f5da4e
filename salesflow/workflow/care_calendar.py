"""The customer-care calendar (客户关怀): which dates are coming, and what to say.

Pure rules, no database. Three kinds of dates:

* ``birthday``: a contact's birthday, every year on its month and day (29 February is
  kept on 28 February in other years). A birthday stored with the year
  :data:`UNKNOWN_YEAR` was given as ``MM-DD`` only: no age is shown for it;
* ``anniversary``: the signing day of a signed (or archived) contract, every year after
  the year it was signed, with the number of years;
* ``holiday``: the Chinese public holidays worth a greeting, taken from the maintained
  ``holidays`` package (``holidays.country_holidays("CN")``): New Year's Day, the Spring
  Festival, Labour Day, the Dragon Boat Festival, the Mid-Autumn Festival and National
  Day, each on its first day only (the days off that follow are not new occasions).
  Tomb-Sweeping Day and make-up days off get no greeting.

Each event carries a suggested greeting in Chinese: a birthday's names the contact, an
anniversary's the company; a holiday's is one text for every customer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

# A birthday given without its year is stored in this (leap) year.
UNKNOWN_YEAR = 1904
MAX_DAYS = 366

# English name in the holidays package -> (English name shown, greeting).
HOLIDAY_GREETINGS: dict[str, tuple[str, str]] = {
    "New Year's Day": (
        "New Year's Day",
        "新年快乐！感谢一直以来的支持，祝新的一年事事顺意。",
    ),
    "Chinese New Year (Spring Festival)": (
        "Spring Festival",
        "新春快乐！恭祝阖家幸福、万事如意，新的一年合作更上一层楼。",
    ),
    "Labor Day": ("Labour Day", "劳动节快乐！感谢您的辛勤付出，假期愉快。"),
    "Dragon Boat Festival": ("Dragon Boat Festival", "端午安康！祝您和家人平安健康。"),
    "Mid-Autumn Festival": (
        "Mid-Autumn Festival",
        "中秋快乐！月圆人团圆，祝阖家幸福美满。",
    ),
    "National Day": ("National Day", "国庆快乐！祝您假期愉快，万事顺遂。"),
}


@dataclass(frozen=True)
class BirthdayFact:
    contact_id: int
    contact: str
    customer_id: int
    company: str
    birthday: date


@dataclass(frozen=True)
class AnniversaryFact:
    contract: str
    customer_id: int
    company: str
    signed_on: date


@dataclass(frozen=True)
class CareEvent:
    """One date to act on: when, what, for whom, and a suggested greeting."""

    day: date
    days_away: int
    kind: str  # birthday | anniversary | holiday
    occasion: str  # e.g. "生日 Birthday", "中秋节 Mid-Autumn Festival"
    customer_id: int | None
    company: str | None
    contact: str | None
    detail: str | None  # age, years since signing, contract number
    greeting: str


def yearly_on(month: int, day: int, year: int) -> date:
    """The date of ``month``/``day`` in ``year`` (29 February: 28 February off leap years)."""
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, month, day - 1)


def _occurrences(month: int, day: int, start: date, end: date) -> list[date]:
    found = []
    for year in range(start.year, end.year + 1):
        when = yearly_on(month, day, year)
        if start <= when <= end:
            found.append(when)
    return found


def birthday_events(facts: Iterable[BirthdayFact], start: date, end: date) -> list[CareEvent]:
    events = []
    for fact in facts:
        for when in _occurrences(fact.birthday.month, fact.birthday.day, start, end):
            known_year = fact.birthday.year != UNKNOWN_YEAR
            age = when.year - fact.birthday.year if known_year else None
            events.append(
                CareEvent(
                    day=when,
                    days_away=(when - start).days,
                    kind="birthday",
                    occasion="生日 Birthday",
                    customer_id=fact.customer_id,
                    company=fact.company,
                    contact=fact.contact,
                    detail=None if age is None else f"{age}",
                    greeting=f"{fact.contact}，祝您生日快乐！身体健康，工作顺利，万事如意。",
                )
            )
    return events


def anniversary_events(facts: Iterable[AnniversaryFact], start: date, end: date) -> list[CareEvent]:
    events = []
    for fact in facts:
        for when in _occurrences(fact.signed_on.month, fact.signed_on.day, start, end):
            years = when.year - fact.signed_on.year
            if years < 1:
                continue
            events.append(
                CareEvent(
                    day=when,
                    days_away=(when - start).days,
                    kind="anniversary",
                    occasion="合作周年 Contract anniversary",
                    customer_id=fact.customer_id,
                    company=fact.company,
                    contact=None,
                    detail=f"{fact.contract} · {years}",
                    greeting=(
                        f"{fact.company}：今天是我们合作{years}周年的日子，"
                        "衷心感谢贵司的信任与支持，期待继续携手共进！"
                    ),
                )
            )
    return events


@cache
def _holidays(year: int) -> tuple[tuple[date, str, str], ...]:
    """(day, English name from the package, Chinese name) for every holiday of ``year``."""
    import holidays

    english = holidays.country_holidays("CN", years=year, language="en_US")
    chinese = holidays.country_holidays("CN", years=year, language="zh_CN")
    return tuple(
        (day, str(name), str(chinese.get(day) or name)) for day, name in sorted(english.items())
    )


def holiday_events(start: date, end: date, *, name: str | None = None) -> list[CareEvent]:
    """The greeting holidays from ``start`` to ``end`` (both included), first days only;
    the greeting is addressed to ``name`` when given."""
    events = []
    for year in range(start.year, end.year + 1):
        previous: str | None = None
        for day, english, chinese in _holidays(year):
            known = HOLIDAY_GREETINGS.get(english)
            # The first day of a run of the same holiday (the day before is not it).
            first = english != previous or not _holiday_on(day - timedelta(days=1), english)
            previous = english
            if known is None or not first or not start <= day <= end:
                continue
            shown, greeting = known
            events.append(
                CareEvent(
                    day=day,
                    days_away=(day - start).days,
                    kind="holiday",
                    occasion=f"{chinese} {shown}",
                    customer_id=None,
                    company=None,
                    contact=None,
                    detail=None,
                    greeting=f"{name}，{greeting}" if name else greeting,
                )
            )
    return events


def _holiday_on(day: date, english: str) -> bool:
    return any(d == day and n == english for d, n, _c in _holidays(day.year))


KIND_ORDER = {"holiday": 0, "birthday": 1, "anniversary": 2}


def upcoming(
    start: date,
    days: int,
    *,
    birthdays: Iterable[BirthdayFact] = (),
    anniversaries: Iterable[AnniversaryFact] = (),
) -> list[CareEvent]:
    """Every care date from ``start`` through ``start + days`` (both included), by date."""
    end = start + timedelta(days=days)
    events = (
        holiday_events(start, end)
        + birthday_events(birthdays, start, end)
        + anniversary_events(anniversaries, start, end)
    )
    return sorted(
        events, key=lambda e: (e.day, KIND_ORDER[e.kind], e.company or "", e.contact or "")
    )
