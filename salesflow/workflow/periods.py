"""Periods as people type them for ``pipeline show --closing-in`` (pure rules).

A period is a first and a last calendar day, both included. Two families:

* counted from ``today``: ``30d`` (today through today + 30 days), ``2w`` (+14 days),
  ``3m`` (through the same day three months on, the month's last day when it is shorter),
  ``this-month`` and ``this-quarter`` (today through the month's or quarter's last day);
* a whole calendar period: ``next-month``, an ISO month ``2026-12`` or a quarter
  ``2026-Q4`` (its first through its last day, in the past too).

Chinese spellings work as well: 本月, 本季度, 下月 / 下个月. Anything else is refused with one
error naming the option and listing the forms.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from salesflow.i18n import _
from salesflow.workflow.errors import InputError

MAX_DAYS = 3660  # ten years: a longer horizon is a typing mistake
_COUNT = re.compile(r"(\d{1,4})\s*([dwm])")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-?q([1-4])")
_NAMED = {
    "this-month": "this-month",
    "this month": "this-month",
    "本月": "this-month",
    "this-quarter": "this-quarter",
    "this quarter": "this-quarter",
    "本季度": "this-quarter",
    "本季": "this-quarter",
    "next-month": "next-month",
    "next month": "next-month",
    "下月": "next-month",
    "下个月": "next-month",
}


@dataclass(frozen=True)
class Period:
    """From ``start`` through ``end``, both days included."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def period_forms() -> str:
    return _("30d, 2w, 3m, this-month, this-quarter, next-month, 2026-12 (a month), 2026-Q4")


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when that month is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    return Period(date(year, first, 1), month_end(year, first + 2))


def _bad(text: str, option: str) -> InputError:
    return InputError(
        _("'{value}' is not a period ({option}).").format(value=text, option=option),
        hint=_("Write one of: {forms}.").format(forms=period_forms()),
    )


def parse_period(text: str, today: date, *, option: str = "--closing-in") -> Period:
    """The period ``text`` names, counting from ``today``; else :class:`InputError`."""
    value = " ".join(text.strip().lower().split())
    named = _NAMED.get(value) or _NAMED.get(value.replace("_", "-"))
    if named == "this-month":
        return Period(today, month_end(today.year, today.month))
    if named == "this-quarter":
        return Period(today, quarter_period(today.year, quarter_of(today)).end)
    if named == "next-month":
        first = add_months(today.replace(day=1), 1)
        return Period(first, month_end(first.year, first.month))
    count = _COUNT.fullmatch(value)
    if count:
        number, unit = int(count.group(1)), count.group(2)
        if number >= 1:
            if unit == "m":
                end = add_months(today, number)
            else:
                end = today + timedelta(days=number * (7 if unit == "w" else 1))
            if (end - today).days <= MAX_DAYS:
                return Period(today, end)
    month = _MONTH.fullmatch(value)
    if month:
        year, number = int(month.group(1)), int(month.group(2))
        if 1 <= number <= 12 and year >= 1900:
            return Period(date(year, number, 1), month_end(year, number))
    quarter = _QUARTER.fullmatch(value)
    if quarter and int(quarter.group(1)) >= 1900:
        return quarter_period(int(quarter.group(1)), int(quarter.group(2)))
    raise _bad(text, option)
