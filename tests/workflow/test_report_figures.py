"""The shared report figures (report_figures.py) against plain Python over the fixed data set
(tests/report_data.py), on SQLite and PostgreSQL: a rep's own day and week, a manager's
and a director's team, per person adding up to the team."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

import pytest

from salesflow.store.models import ACTIVITY_KIND_CODES
from salesflow.workflow.report_figures import (
    PeriodFigures,
    figures_by_person,
    period_figures,
    sum_figures,
)
from salesflow.workflow.report_periods import day_period, week_period
from salesflow.workflow.report_scope import report_scope
from tests.helpers import SetZone
from tests.report_data import (
    LOST,
    REPORT_DAY,
    SHANGHAI,
    WON,
    ReportData,
    build_report_data,
    local_day,
)
from tests.workflow.test_lead_views import acting

STAGE_ORDER = (
    "new",
    "contacted",
    "qualified",
    "proposal",
    "negotiation",
    "contract",
    WON,
    LOST,
)


# ------------------------------------------------------------------ the plain definitions


class Scope:
    """Who counts: ``owners`` None is everyone; ``unassigned`` adds ownerless records."""

    def __init__(self, owners: frozenset[int] | None, unassigned: bool) -> None:
        self.owners = owners
        self.unassigned = unassigned

    def owns(self, owner_id: int | None) -> bool:
        if owner_id is None:
            return self.unassigned
        return self.owners is None or owner_id in self.owners

    def did(self, user_id: int | None) -> bool:
        return self.owners is None or user_id in self.owners


def scope_of(data: ReportData, username: str, *, team: bool) -> Scope:
    if not team:
        return Scope(frozenset({data.user_id(username)}), False)
    role = data.users[username].role
    return Scope(None if role in ("director", "admin") else data.team_ids(username), True)


def expected_figures(
    data: ReportData,
    scope: Scope,
    start: date,
    end: date,
    person: Callable[[int | None], bool] = lambda _: True,
) -> dict[str, Any]:
    """Every figure of PeriodFigures from the records, written from the definitions;
    ``person`` narrows to one person's records (the per-person table)."""

    def within(moment: datetime | None) -> bool:
        return moment is not None and start <= local_day(moment) <= end

    def on(day: date | None) -> bool:
        return day is not None and start <= day <= end

    def owned(owner_id: int | None) -> bool:
        return scope.owns(owner_id) and person(owner_id)

    def done_by(user_id: int | None) -> bool:
        return scope.did(user_id) and person(user_id)

    leads = {lead.id: lead for lead in data.leads}
    contracts = {contract.id: contract for contract in data.contracts}
    contacts = dict.fromkeys(ACTIVITY_KIND_CODES, 0)
    for activity in data.activities:
        if within(activity.occurred_at) and done_by(activity.user_id):
            contacts[activity.kind] += 1
    moves = dict.fromkeys(STAGE_ORDER, 0)
    for change in data.stage_changes:
        if (
            change.from_stage is not None
            and within(change.changed_at)
            and owned(leads[change.lead_id].owner_id)
        ):
            moves[change.to_stage] += 1
    sent = [q for q in data.quotes if within(q.sent_at) and owned(q.owner_id)]
    signed = [c for c in data.contracts if c.signed and on(c.signed_on) and owned(c.owner_id)]
    receipts = [
        r for r in data.receipts if on(r.received_on) and owned(contracts[r.contract_id].owner_id)
    ]
    closed = [lead for lead in data.leads if within(lead.closed_at) and owned(lead.owner_id)]
    return {
        "new_leads": sum(1 for x in data.leads if within(x.created_at) and owned(x.owner_id)),
        "contacts": contacts,
        "visits": contacts["visit"],
        "return_visits": sum(
            1
            for v in data.service_visits
            if v.status == "done" and on(v.visited_on) and done_by(v.user_id)
        ),
        "stage_moves": moves,
        "quotes_sent": len(sent),
        "quotes_sent_fen": sum(q.total_fen for q in sent),
        "contracts_signed": len(signed),
        "contracts_signed_fen": sum(c.total_fen for c in signed),
        "payments": len(receipts),
        "payments_fen": sum(r.amount_fen for r in receipts),
        "won": sum(1 for lead in closed if lead.stage == WON),
        "lost": sum(1 for lead in closed if lead.stage == LOST),
    }


def only(key: int | None) -> Callable[[int | None], bool]:
    """The records of one person (``None``: the unassigned ones)."""
    return lambda owner: owner == key


def as_dict(figures: PeriodFigures) -> dict[str, Any]:
    return asdict(figures)


# ------------------------------------------------------------------------------ tests


def test_a_reps_own_day_and_week(team: str, zone: SetZone) -> None:
    zone(SHANGHAI)
    data = build_report_data(team)
    scope = scope_of(data, "li.na", team=False)
    with acting(team, "li.na") as (session, actor):
        report = report_scope(session, actor)
        day = period_figures(session, report, day_period(REPORT_DAY))
        week = period_figures(session, report, week_period(REPORT_DAY))
    assert as_dict(day) == expected_figures(data, scope, REPORT_DAY, REPORT_DAY)
    period = week_period(REPORT_DAY)
    assert as_dict(week) == expected_figures(data, scope, period.start, period.end)
    assert list(day.contacts) == list(ACTIVITY_KIND_CODES)
    assert day.contact_total == sum(n for k, n in day.contacts.items() if k != "note")
    assert week.contact_total > 0
    assert week.new_leads > 0


@pytest.mark.parametrize("head", ["wang.qiang", "zhao.min"])
def test_a_team_and_its_people_add_up(team: str, zone: SetZone, head: str) -> None:
    zone(SHANGHAI)
    data = build_report_data(team)
    scope = scope_of(data, head, team=True)
    period = week_period(REPORT_DAY)
    with acting(team, head) as (session, actor):
        report = report_scope(session, actor, team=True)
        whole = period_figures(session, report, period)
        people = figures_by_person(session, report, period)
    assert as_dict(whole) == expected_figures(data, scope, period.start, period.end)
    assert as_dict(sum_figures(people.values())) == as_dict(whole)
    # every seller of the team is listed (zeros too), in username order, before the others
    listed = [key for key in people if key is not None]
    assert listed[: len(report.people)] == [p.id for p in report.people]
    for key, figures in people.items():
        expected = expected_figures(data, scope, period.start, period.end, person=only(key))
        assert as_dict(figures) == expected, data.username(key)
    if head == "zhao.min":
        # the unassigned pool has its own row: leads without an owner were created that week
        assert None in people
        assert people[None].new_leads > 0


def test_the_day_follows_the_time_zone(team: str, zone: SetZone) -> None:
    data = build_report_data(team)
    found = {}
    for name in (SHANGHAI, "UTC"):
        zone(name)
        scope = scope_of(data, "zhao.min", team=True)
        with acting(team, "zhao.min") as (session, actor):
            figures = period_figures(
                session, report_scope(session, actor, team=True), day_period(REPORT_DAY)
            )
        assert as_dict(figures) == expected_figures(data, scope, REPORT_DAY, REPORT_DAY)
        found[name] = figures
    # the lead created at 00:30 on the 18th in Shanghai is the 17th in UTC
    assert found[SHANGHAI].new_leads != found["UTC"].new_leads


def test_empty_figures_have_every_kind_and_stage() -> None:
    empty = PeriodFigures()
    assert list(empty.contacts) == list(ACTIVITY_KIND_CODES)
    assert list(empty.stage_moves) == list(STAGE_ORDER)
    assert empty.contact_total == 0
    assert empty.stage_move_total == 0
    assert as_dict(sum_figures([])) == as_dict(empty)
