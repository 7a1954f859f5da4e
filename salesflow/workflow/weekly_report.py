"""The weekly report (周报) and the monthly report (月报): one period review each.

``report weekly`` reviews an ISO week (Monday to Sunday), ``report monthly`` a calendar
month; both are :func:`~salesflow.workflow.period_review.period_review` over their period,
so their sections and definitions are the same. The monthly report adds the KPIs of
:mod:`salesflow.workflow.kpis` (built by the command). Without ``--week`` / ``--period``
the report covers the week or month containing today (the person's calendar day).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from salesflow.workflow.period_review import PeriodReview, period_review
from salesflow.workflow.report_periods import (
    ReportPeriod,
    month_period,
    parse_report_period,
    week_period,
)
from salesflow.workflow.report_scope import ReportScope

WEEK_OPTION = "--week"
MONTH_OPTION = "--period"


def week_to_report(text: str | None, today: date) -> ReportPeriod:
    """The ISO week ``--week`` names (2026-W47, 2026年第47周), else this week."""
    if text is None:
        return week_period(today)
    return parse_report_period(text, option=WEEK_OPTION, kinds=("week",))


def month_to_report(text: str | None, today: date) -> ReportPeriod:
    """The month ``--period`` names (2026-11, 2026年11月), else this month."""
    if text is None:
        return month_period(today)
    return parse_report_period(text, option=MONTH_OPTION, kinds=("month",))


def weekly_report(
    session: Session, scope: ReportScope, week: ReportPeriod, *, today: date, stale_days: int
) -> PeriodReview:
    """The week in review: totals against last week and the target, per person, top open
    deals, stalled and lost deals, and next week's planned follow-ups."""
    assert week.kind == "week"
    return period_review(session, scope, week, today=today, stale_days=stale_days)


def monthly_report(
    session: Session, scope: ReportScope, month: ReportPeriod, *, today: date, stale_days: int
) -> PeriodReview:
    """The month in review: the weekly report's sections over a month (next month's
    follow-ups)."""
    assert month.kind == "month"
    return period_review(session, scope, month, today=today, stale_days=stale_days)
