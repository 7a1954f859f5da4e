"""The daily report (日报): what happened on a day, what is overdue, and what is planned next.

For day D in a scope (:mod:`salesflow.workflow.report_scope`):

* figures for the day: :func:`salesflow.workflow.report_figures.period_figures` over D;
* overdue follow-ups as of D: open leads in scope (stage among the configured open
  stages, by the lead's owner) whose ``next_step_date`` is before D, oldest first (then
  by lead id); days overdue = D - due date;
* the plan: the next working day after D (Chinese holidays and make-up workdays,
  :func:`salesflow.workflow.workdays.next_working_day`) and everything due from the day
  after D through it, so a step planned for the weekend in between is not lost: open
  leads in scope with ``next_step_date`` in (D, next working day], and return visits
  (回访) with status ``scheduled`` and ``scheduled_on`` in that range, by the visit's user;
  in date order, follow-ups before return visits on a day;
* for a team: one line per person (every seller of the team, anyone else with figures or
  overdue follow-ups, and the unassigned pool when it has any), adding up to the team.

Every list is limited in SQL (:data:`OVERDUE_LIMIT`, :data:`PLAN_LIMIT`) with a separate
COUNT for how many there are; nothing loads all rows.

The overdue list and the plan read each lead's *current* next step (the database keeps no
history of rescheduled steps): for a past day they show what is overdue or planned as
the leads stand now, judged against that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as rows_of
from sqlmodel import Session, col, select

from salesflow.store.models import Customer, Lead, ServiceVisit, User
from salesflow.workflow.report_figures import PeriodFigures, figures_by_person, period_figures
from salesflow.workflow.report_periods import ReportPeriod, day_period
from salesflow.workflow.report_scope import Person, ReportScope, people_by_id
from salesflow.workflow.stage_config import load_stages
from salesflow.workflow.workdays import next_working_day

OVERDUE_LIMIT = 20
PLAN_LIMIT = 30
FOLLOW_UP = "follow-up"
RETURN_VISIT = "return-visit"


@dataclass(frozen=True)
class Owner:
    """Whose a listed item is: a user, or nobody (the unassigned pool)."""

    username: str | None
    display_name: str | None


@dataclass(frozen=True)
class OverdueFollowUp:
    lead_id: int
    customer: str
    owner: Owner
    action: str | None
    due: date
    days_overdue: int


@dataclass(frozen=True)
class PlannedItem:
    """A follow-up on a lead (``kind`` follow-up) or a scheduled return visit."""

    kind: str
    day: date
    lead_id: int | None  # None for a return visit
    visit_id: int | None  # None for a follow-up
    customer: str
    owner: Owner
    action: str | None


@dataclass(frozen=True)
class PersonDay:
    """One line of a team's per-person table; ``person`` None is the unassigned pool."""

    person: Person | None
    figures: PeriodFigures
    overdue: int


@dataclass(frozen=True)
class DailyReport:
    day: date
    period: ReportPeriod
    scope: ReportScope
    figures: PeriodFigures
    overdue: tuple[OverdueFollowUp, ...]  # the oldest, at most OVERDUE_LIMIT
    overdue_count: int
    plan_from: date  # the day after ``day``
    plan_to: date  # the next working day
    plan: tuple[PlannedItem, ...]  # at most PLAN_LIMIT
    plan_count: int
    people: tuple[PersonDay, ...]  # team reports only; their overdue add up to overdue_count

    @property
    def overdue_more(self) -> int:
        return self.overdue_count - len(self.overdue)

    @property
    def plan_more(self) -> int:
        return self.plan_count - len(self.plan)


def _open_leads(scope: ReportScope) -> list[Any]:
    return [col(Lead.stage).in_(load_stages().open_codes), scope.owner_clause(col(Lead.owner_id))]


def _owner(username: str | None, display_name: str | None) -> Owner:
    return Owner(username, display_name)


def _overdue(
    session: Session, scope: ReportScope, day: date
) -> tuple[tuple[OverdueFollowUp, ...], int]:
    where = [*_open_leads(scope), col(Lead.next_step_date) < day]
    count = session.exec(select(func.count()).select_from(Lead).where(*where)).one()
    rows = session.execute(
        rows_of(
            col(Lead.id),
            col(Customer.name),
            col(User.username),
            col(User.display_name),
            col(Lead.next_step_action),
            col(Lead.next_step_date),
        )
        .join(Customer, col(Customer.id) == col(Lead.customer_id))
        .outerjoin(User, col(User.id) == col(Lead.owner_id))
        .where(*where)
        .order_by(col(Lead.next_step_date), col(Lead.id))
        .limit(OVERDUE_LIMIT)
    ).all()
    items = tuple(
        OverdueFollowUp(lead_id, customer, _owner(username, name), action, due, (day - due).days)
        for lead_id, customer, username, name, action, due in rows
    )
    return items, int(count)


def _plan(
    session: Session, scope: ReportScope, after: date, through: date
) -> tuple[tuple[PlannedItem, ...], int]:
    leads_where = [
        *_open_leads(scope),
        col(Lead.next_step_date) > after,
        col(Lead.next_step_date) <= through,
    ]
    visits_where = [
        col(ServiceVisit.status) == "scheduled",
        col(ServiceVisit.scheduled_on) > after,
        col(ServiceVisit.scheduled_on) <= through,
        scope.person_clause(col(ServiceVisit.user_id)),
    ]
    lead_count = session.exec(select(func.count()).select_from(Lead).where(*leads_where)).one()
    visit_count = session.exec(
        select(func.count()).select_from(ServiceVisit).where(*visits_where)
    ).one()
    follow_ups = session.execute(
        rows_of(
            col(Lead.next_step_date),
            col(Lead.id),
            col(Customer.name),
            col(User.username),
            col(User.display_name),
            col(Lead.next_step_action),
        )
        .join(Customer, col(Customer.id) == col(Lead.customer_id))
        .outerjoin(User, col(User.id) == col(Lead.owner_id))
        .where(*leads_where)
        .order_by(col(Lead.next_step_date), col(Lead.id))
        .limit(PLAN_LIMIT)
    ).all()
    visits = session.execute(
        rows_of(
            col(ServiceVisit.scheduled_on),
            col(ServiceVisit.id),
            col(Customer.name),
            col(User.username),
            col(User.display_name),
            col(ServiceVisit.note),
        )
        .join(Customer, col(Customer.id) == col(ServiceVisit.customer_id))
        .outerjoin(User, col(User.id) == col(ServiceVisit.user_id))
        .where(*visits_where)
        .order_by(col(ServiceVisit.scheduled_on), col(ServiceVisit.id))
        .limit(PLAN_LIMIT)
    ).all()
    items = [
        PlannedItem(FOLLOW_UP, when, lead_id, None, customer, _owner(user, name), action)
        for when, lead_id, customer, user, name, action in follow_ups
    ] + [
        PlannedItem(RETURN_VISIT, when, None, visit_id, customer, _owner(user, name), note)
        for when, visit_id, customer, user, name, note in visits
    ]
    items.sort(key=lambda item: (item.day, item.kind != FOLLOW_UP, item.lead_id or item.visit_id))
    return tuple(items[:PLAN_LIMIT]), int(lead_count) + int(visit_count)


def _overdue_by_person(session: Session, scope: ReportScope, day: date) -> dict[int | None, int]:
    owner = col(Lead.owner_id)
    rows = session.execute(
        select(owner, func.count())
        .where(*_open_leads(scope), col(Lead.next_step_date) < day)
        .group_by(owner)
    ).all()
    return {key: int(count) for key, count in rows}


def _people(
    session: Session, scope: ReportScope, period: ReportPeriod, day: date
) -> tuple[PersonDay, ...]:
    figures = figures_by_person(session, scope, period)
    overdue = _overdue_by_person(session, scope, day)
    keys: list[int | None] = [key for key in figures if key is not None]
    keys += sorted(key for key in overdue if key is not None and key not in figures)
    if None in figures or None in overdue:
        keys.append(None)
    known = {person.id: person for person in scope.people}
    known |= people_by_id(session, [key for key in keys if key is not None and key not in known])
    return tuple(
        PersonDay(
            None if key is None else known[key],
            figures.get(key) or PeriodFigures(),
            overdue.get(key, 0),
        )
        for key in keys
    )


def daily_report(session: Session, scope: ReportScope, day: date) -> DailyReport:
    """The daily report of ``scope`` for ``day`` (see the module docstring)."""
    period = day_period(day)
    overdue, overdue_count = _overdue(session, scope, day)
    plan_to = next_working_day(day)
    plan, plan_count = _plan(session, scope, day, plan_to)
    people = _people(session, scope, period, day) if scope.kind == "team" else ()
    return DailyReport(
        day=day,
        period=period,
        scope=scope,
        figures=period_figures(session, scope, period),
        overdue=overdue,
        overdue_count=overdue_count,
        plan_from=day + timedelta(days=1),
        plan_to=plan_to,
        plan=plan,
        plan_count=plan_count,
        people=people,
    )
