"""The periods reports cover: a day, an ISO week, a month, a quarter or a year (pure rules).

A report period is a run of whole calendar days in the person's time zone. Its key is
how people type it and how targets store it: ``2026-11-18`` (a day), ``2026-W47`` (an ISO
week, Monday to Sunday; the ISO year can differ from the calendar year around New
Year), ``2026-11`` (a month), ``2026-Q4`` (a quarter) and ``2026`` (a year). Chinese
spellings are read too (``2026年11月``, ``2026年第47周``, ``2026年Q4``, ``2026年``).

Stored timestamps are UTC; :meth:`ReportPeriod.utc_bounds` turns the local days into the
UTC instants a query compares with (the first midnight included, the one after the last
day excluded), so an activity at 23:30 on the 17th in Shanghai (15:30 UTC) belongs to the
17th there and to the 17th in London, but one at 00:30 on the 18th in Shanghai
(16:30 UTC on the 17th) belongs to the 18th in Shanghai. Date columns (signed_on,
received_on, ...) are compared with the days themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from salesflow.i18n import _
from salesflow.workflow.errors import InputError
from salesflow.workflow.periods import month_end, quarter_of, quarter_period

KINDS = ("day", "week", "month", "quarter", "year")
_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WEEK = re.compile(r"(\d{4})-?w(\d{1,2})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-?q([1-4])")
_YEAR = re.compile(r"(\d{4})")
_CHINESE = (
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"), "{0}-{1}-{2}"),
    (re.compile(r"(\d{4})年第?(\d{1,2})周"), "{0}-w{1}"),
    (re.compile(r"(\d{4})年第?([1-4])季度?"), "{0}-q{1}"),
    (re.compile(r"(\d{4})年q([1-4])"), "{0}-q{1}"),
    (re.compile(r"(\d{4})年(\d{1,2})月"), "{0}-{1}"),
    (re.compile(r"(\d{4})年"), "{0}"),
)
FIRST_YEAR = 1900
LAST_YEAR = 9998


@dataclass(frozen=True, order=True)
class ReportPeriod:
    """Whole local days from ``start`` through ``end`` (both included), of one ``kind``."""

    start: date
    end: date
    kind: str
    key: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[first local midnight, the local midnight after the last day) as UTC instants."""
        return local_midnight(self.start), local_midnight(self.end + timedelta(days=1))

    def previous(self) -> ReportPeriod:
        """The period of the same kind just before this one (last week, last month...)."""
        return period_of(self.kind, self.start - timedelta(days=1))

    def following(self) -> ReportPeriod:
        """The period of the same kind just after this one (next week...)."""
        return period_of(self.kind, self.end + timedelta(days=1))


def local_midnight(day: date) -> datetime:
    """The UTC instant at which ``day`` begins in the person's time zone."""
    return datetime.combine(day, time()).astimezone().astimezone(UTC)


def day_period(day: date) -> ReportPeriod:
    return ReportPeriod(day, day, "day", day.isoformat())


def week_period(day: date) -> ReportPeriod:
    """The ISO week (Monday to Sunday) that contains ``day``."""
    year, week, weekday = day.isocalendar()
    monday = day - timedelta(days=weekday - 1)
    return ReportPeriod(monday, monday + timedelta(days=6), "week", f"{year}-W{week:02d}")


def month_period(day: date) -> ReportPeriod:
    first = day.replace(day=1)
    return ReportPeriod(first, month_end(day.year, day.month), "month", f"{day:%Y-%m}")


def quarter_report_period(day: date) -> ReportPeriod:
    quarter = quarter_of(day)
    span = quarter_period(day.year, quarter)
    return ReportPeriod(span.start, span.end, "quarter", f"{day.year}-Q{quarter}")


def year_period(day: date) -> ReportPeriod:
    return ReportPeriod(date(day.year, 1, 1), date(day.year, 12, 31), "year", str(day.year))


_OF = {
    "day": day_period,
    "week": week_period,
    "month": month_period,
    "quarter": quarter_report_period,
    "year": year_period,
}


def period_of(kind: str, day: date) -> ReportPeriod:
    """The period of ``kind`` (day, week, month, quarter, year) that contains ``day``."""
    return _OF[kind](day)


def period_examples(kinds: tuple[str, ...]) -> str:
    examples = {
        "day": "2026-11-18",
        "week": "2026-W47",
        "month": "2026-11",
        "quarter": "2026-Q4",
        "year": "2026",
    }
    return ", ".join(examples[kind] for kind in kinds)


def _normalized(text: str) -> str:
    value = "".join(text.split()).lower()
    for pattern, form in _CHINESE:
        match = pattern.fullmatch(value)
        if match:
            return form.format(*match.groups())
    return value


def _parse(value: str) -> ReportPeriod | None:
    """The period ``value`` spells, or None (also for impossible dates)."""
    try:
        if match := _DAY.fullmatch(value):
            return day_period(date(*(int(part) for part in match.groups())))
        if match := _WEEK.fullmatch(value):
            year, week = int(match.group(1)), int(match.group(2))
            return week_period(date.fromisocalendar(year, week, 1))
        if match := _MONTH.fullmatch(value):
            return month_period(date(int(match.group(1)), int(match.group(2)), 1))
        if match := _QUARTER.fullmatch(value):
            year, quarter = int(match.group(1)), int(match.group(2))
            return quarter_report_period(date(year, 3 * quarter, 1))
        if match := _YEAR.fullmatch(value):
            return year_period(date(int(match.group(1)), 1, 1))
    except ValueError:
        return None
    return None


def parse_report_period(text: str, *, option: str, kinds: tuple[str, ...] = KINDS) -> ReportPeriod:
    """The period ``text`` names, of one of ``kinds``; else :class:`InputError` naming
    ``option`` and showing the forms it takes."""
    period = _parse(_normalized(text))
    if (
        period is None
        or period.kind not in kinds
        or not FIRST_YEAR <= period.start.year <= LAST_YEAR
    ):
        raise InputError(
            _("'{value}' is not a period ({option}).").format(value=text, option=option),
            hint=_("Write one of: {forms}.").format(forms=period_examples(kinds)),
        )
    return period
