"""Working days in mainland China: weekends, public holidays and make-up workdays (调休).

Data: the maintained ``holidays`` package (``holidays.China``), which knows both the days
off and the weekend days that become working days to make up for them. Pure rules.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from typing import Any


@cache
def _calendar(year: int) -> Any:
    import holidays

    return holidays.country_holidays("CN", years=range(year - 1, year + 2))


def is_working_day(day: date) -> bool:
    return bool(_calendar(day.year).is_working_day(day))


def next_working_day(day: date) -> date:
    """The first working day after ``day``."""
    following = day + timedelta(days=1)
    while not is_working_day(following):
        following += timedelta(days=1)
    return following


def local_date(moment: datetime) -> date:
    """The calendar date of a stored UTC timestamp in the person's time zone."""
    return moment.astimezone().date()


def assignment_overdue(created: date, today: date) -> bool:
    """An unassigned lead must be assigned by the end of the next working day (SPEC §2.1)."""
    return today > next_working_day(created)
