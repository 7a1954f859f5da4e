"""The daily report (日报) against plain Python over the fixed data set (tests/report_data.py),
on SQLite and PostgreSQL: a rep's own day, a manager's and a director's team, the plan over
a weekend, and the day following the time zone."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import pytest

from salesflow.workflow.daily_report import (
    FOLLOW_UP,
    OVERDUE_LIMIT,
    PLAN_LIMIT,
    RETURN_VISIT,
    DailyReport,
    daily_report,
)
from salesflow.workflow.report_scope import report_scope
from tests.helpers import SetZone
from tests.report_data import (
    EDGE_EARLY_18,
    OPEN_STAGES,
    REPORT_DAY,
    SHANGHAI,
    TOMORROW,
    ReportData,
    build_report_data,
)
from tests.workflow.test_lead_views import acting
from tests.workflow.test_report_figures import Scope, expected_figures, only, scope_of


def run(url: str, username: str, day: date, *, team: bool = False) -> DailyReport:
    with acting(url, username) as (session, actor):
        return daily_report(session, report_scope(session, actor, team=team), day)


def customer_name(data: ReportData, customer_id: int) -> str:
    return data.customer(customer_id).name


def expected_overdue(data: ReportData, scope: Scope, day: date) -> tuple[list[Any], int]:
    """Open leads in scope whose next step was due before ``day``, oldest first."""
    late = [
        lead
        for lead in data.leads
        if lead.stage in OPEN_STAGES
        and scope.owns(lead.owner_id)
        and lead.next_step_date is not None
        and lead.next_step_date < day
    ]
    late.sort(key=lambda lead: (lead.next_step_date, lead.id))
    rows = [
        (
            lead.id,
            customer_name(data, lead.customer_id),
            data.username(lead.owner_id),
            lead.next_step_action,
            lead.next_step_date,
            (day - lead.next_step_date).days,  # type: ignore[operator]
        )
        for lead in late
    ]
    return rows[:OVERDUE_LIMIT], len(rows)


def expected_plan(
    data: ReportData, scope: Scope, after: date, through: date
) -> tuple[list[Any], int]:
    """Follow-ups of open leads in scope and scheduled return visits in (after, through]."""
    items = [
        (lead.next_step_date, 0, lead.id, customer_name(data, lead.customer_id),
         data.username(lead.owner_id), lead.next_step_action)
        for lead in data.leads
        if lead.stage in OPEN_STAGES
        and scope.owns(lead.owner_id)
        and lead.next_step_date is not None
        and after < lead.next_step_date <= through
    ] + [
        (visit.scheduled_on, 1, visit.id, customer_name(data, visit.customer_id),
         data.username(visit.user_id), None)
        for visit in data.service_visits
        if visit.status == "scheduled"
        and scope.did(visit.user_id)
        and visit.scheduled_on is not None
        and after < visit.scheduled_on <= through
    ]  # fmt: skip
    items.sort(key=lambda item: item[:3])
    return items[:PLAN_LIMIT], len(items)


def overdue_rows(report: DailyReport) -> list[Any]:
    return [
        (i.lead_id, i.customer, i.owner.username, i.action, i.due, i.days_overdue)
        for i in report.overdue
    ]


def plan_rows(report: DailyReport) -> list[Any]:
    return [
        (
            item.day,
            0 if item.kind == FOLLOW_UP else 1,
            item.lead_id if item.kind == FOLLOW_UP else item.visit_id,
            item.customer,
            item.owner.username,
            item.action if item.kind == FOLLOW_UP else None,
        )
        for item in report.plan
    ]


def check(data: ReportData, report: DailyReport, scope: Scope, day: date, through: date) -> None:
    assert asdict(report.figures) == expected_figures(data, scope, day, day)
    overdue, overdue_count = expected_overdue(data, scope, day)
    assert (overdue_rows(report), report.overdue_count) == (overdue, overdue_count)
    assert report.overdue_more == overdue_count - len(overdue)
    assert (report.plan_from, report.plan_to) == (day + timedelta(days=1), through)
    plan, plan_count = expected_plan(data, scope, day, through)
    assert (plan_rows(report), report.plan_count) == (plan, plan_count)
    assert all(item.kind in (FOLLOW_UP, RETURN_VISIT) for item in report.plan)


def test_a_reps_own_day(team: str, zone: SetZone) -> None:
    zone(SHANGHAI)
    data = build_report_data(team)
    report = run(team, "li.na", REPORT_DAY)
    scope = scope_of(data, "li.na", team=False)
    check(data, report, scope, REPORT_DAY, TOMORROW)
    assert report.people == ()
    # the data set has something in every list for li.na that day
    assert report.figures.contact_total > 0
    assert report.overdue_count > 0
    assert report.plan
    assert {i.owner.username for i in report.overdue} == {"li.na"}


@pytest.mark.parametrize("head", ["wang.qiang", "zhao.min"])
def test_a_team_day_with_its_people(team: str, zone: SetZone, head: str) -> None:
    zone(SHANGHAI)
    data = build_report_data(team)
    report = run(team, head, REPORT_DAY, team=True)
    scope = scope_of(data, head, team=True)
    check(data, report, scope, REPORT_DAY, TOMORROW)
    # one line per person: the team's sellers first, the unassigned pool last if any
    lines = {None if line.person is None else line.person.id: line for line in report.people}
    sellers = [u.id for u in data.users.values() if u.role in ("rep", "manager", "director")]
    expected_people = sorted(
        (i for i in sellers if scope.owners is None or i in scope.owners),
        key=lambda i: data.username(i) or "",
    )
    assert [line.person.id for line in report.people if line.person][: len(expected_people)] == (
        expected_people
    )
    for key, line in lines.items():
        figures = expected_figures(data, scope, REPORT_DAY, REPORT_DAY, person=only(key))
        assert asdict(line.figures) == figures, data.username(key)
        assert line.overdue == sum(
            1
            for lead in data.leads
            if lead.stage in OPEN_STAGES
            and scope.owns(lead.owner_id)
            and lead.owner_id == key
            and lead.next_step_date is not None
            and lead.next_step_date < REPORT_DAY
        )
    # the lines add up to the team
    assert sum(line.figures.new_leads for line in report.people) == report.figures.new_leads
    assert sum(line.overdue for line in report.people) == report.overdue_count
    assert sum(line.figures.payments_fen for line in report.people) == report.figures.payments_fen
    if head == "wang.qiang":
        assert set(lines) - {None} <= data.team_ids("wang.qiang")


def test_the_plan_over_a_weekend(team: str, zone: SetZone) -> None:
    zone(SHANGHAI)
    data = build_report_data(team)
    friday = date(2026, 11, 20)
    report = run(team, "zhao.min", friday, team=True)
    check(data, report, scope_of(data, "zhao.min", team=True), friday, date(2026, 11, 23))


def test_the_day_follows_the_time_zone(team: str, zone: SetZone) -> None:
    data = build_report_data(team)
    found = {}
    for name in (SHANGHAI, "UTC"):
        zone(name)
        report = run(team, "zhao.min", REPORT_DAY, team=True)
        check(data, report, scope_of(data, "zhao.min", team=True), REPORT_DAY, TOMORROW)
        found[name] = report.figures
    # EDGE_EARLY_18 is 00:30 on the 18th in Shanghai and 16:30 on the 17th in UTC: the
    # lead created, the move into negotiation and the win at that instant change days
    assert EDGE_EARLY_18.date() == date(2026, 11, 17)
    assert found[SHANGHAI].new_leads == found["UTC"].new_leads + 1
    assert found[SHANGHAI].won == found["UTC"].won + 1
    assert found[SHANGHAI].stage_moves["negotiation"] > found["UTC"].stage_moves["negotiation"]
