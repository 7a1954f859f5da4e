"""Calendar days as people type them: ``2026-12-01``, ``tomorrow``, ``+3d``, ``next monday``.

A pure rule: :func:`parse_day` takes the text and the day it counts from, so the same
input means the same date in tests, scripts and at the terminal. A bare weekday means the
coming such day after today (``friday`` on a Friday is a week later); ``next friday`` and
``下周五`` mean that day of next week, weeks starting on Monday as on Chinese calendars (on a
Wednesday, ``friday`` is in two days and ``next friday`` in nine). Anything else is
refused, listing the forms.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from salesflow.i18n import _
from salesflow.workflow.errors import InputError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_ABBREVIATIONS = {name[:3]: index for index, name in enumerate(WEEKDAYS)}
# 下周一 .. 下周日 (下周天 and 下星期一 are common too).
CHINESE_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
RELATIVE_DAYS = {
    "yesterday": -1,
    "昨天": -1,
    "today": 0,
    "今天": 0,
    "tomorrow": 1,
    "明天": 1,
    "后天": 2,
}
_OFFSET = re.compile(r"\+\s*(\d{1,4})\s*([dw])")
_CHINESE_NEXT = re.compile(r"下(?:周|星期|礼拜)([一二三四五六日天])")
_ISO_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d")


def accepted_forms() -> str:
    return _(
        "YYYY-MM-DD, YYYY/MM/DD, today, tomorrow, yesterday, +3d, +2w, monday..sunday, "
        "next monday..next sunday, 今天, 明天, 下周一..下周日"
    )


def _weekday(name: str) -> int | None:
    if name in WEEKDAYS:
        return WEEKDAYS.index(name)
    return WEEKDAY_ABBREVIATIONS.get(name)


def _next_weekday(today: date, weekday: int) -> date:
    ahead = (weekday - today.weekday()) % 7 or 7
    return today + timedelta(days=ahead)


def _in_next_week(today: date, weekday: int) -> date:
    next_monday = today + timedelta(days=7 - today.weekday())
    return next_monday + timedelta(days=weekday)


def parse_day(text: str, today: date, *, option: str = "--next-date") -> date:
    """The date ``text`` names, counting from ``today``; else :class:`InputError`."""
    value = " ".join(text.strip().lower().split())
    for pattern in _ISO_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    if value in RELATIVE_DAYS:
        return today + timedelta(days=RELATIVE_DAYS[value])
    offset = _OFFSET.fullmatch(value)
    if offset:
        count = int(offset.group(1)) * (7 if offset.group(2) == "w" else 1)
        if count <= 3660:
            return today + timedelta(days=count)
    words = value.split(" ")
    weekday = _weekday(words[-1])
    if weekday is not None and len(words) == 1:
        return _next_weekday(today, weekday)
    if weekday is not None and len(words) == 2 and words[0] == "next":
        return _in_next_week(today, weekday)
    chinese = _CHINESE_NEXT.fullmatch(value)
    if chinese:
        return _in_next_week(today, CHINESE_WEEKDAYS[chinese.group(1)])
    raise InputError(
        _("'{value}' is not a date ({option}).").format(value=text, option=option),
        hint=_("Write one of: {forms}.").format(forms=accepted_forms()),
    )
