"""The after-sales sections of ``salesflow today``, registered in
:data:`salesflow.workflow.agenda.SECTIONS`:

* ``visits``: the owner's scheduled return visits due up to the agenda's day (overdue
  ones, with the days overdue) and in the next 3 days, soonest first;
* ``tickets``: open or responded tickets assigned to the owner, or opened by the owner
  and assigned to nobody; overdue ones first (no first response past the deadline),
  then by deadline. "Now" is the current time for today's agenda, the end of the day for
  another day's.

Each is one SQL query with the total counted by a window over the same rows. Visits stay
inside the actor's scope (customers with a lead the actor may see); tickets are those the
owner handles (an assignee sees their tickets whoever owns the customer's leads). Both are left out
(``None``) for a role that does no after-sales work (legal).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, func, or_
from sqlalchemy import select as select_columns
from sqlmodel import col, select

from salesflow.store.models import Customer, Lead, ServiceTicket, ServiceVisit
from salesflow.store.types import utcnow
from salesflow.workflow.service_customers import SERVES_CUSTOMERS
from salesflow.workflow.service_tickets import response_flag

if TYPE_CHECKING:
    from salesflow.workflow.agenda import AgendaQuery, AgendaSection

VISITS_AHEAD_DAYS = 3


@dataclass(frozen=True)
class VisitDue:
    visit_id: int
    customer_id: int
    company: str
    scheduled_on: date
    days_overdue: int | None  # None: not overdue
    note: str | None


@dataclass(frozen=True)
class TicketDue:
    ticket_id: int
    customer_id: int
    company: str
    title: str
    status: str
    response_due_at: datetime
    flag: str  # overdue | late | ""


def _visible(query: AgendaQuery) -> Any:
    return select(col(Lead.customer_id)).where(query.scope.owner_clause(col(Lead.owner_id)))


def visits_section(query: AgendaQuery) -> AgendaSection | None:
    from salesflow.workflow.agenda import AgendaSection

    if query.owner.role not in SERVES_CUSTOMERS:
        return None
    last = query.day + timedelta(days=VISITS_AHEAD_DAYS)
    statement = (
        select_columns(
            col(ServiceVisit.id),
            col(ServiceVisit.customer_id),
            col(Customer.name),
            col(ServiceVisit.scheduled_on),
            col(ServiceVisit.note),
            func.count().over().label("total"),
        )
        .join(Customer, col(Customer.id) == col(ServiceVisit.customer_id))
        .where(
            col(ServiceVisit.user_id) == query.owner.id,
            col(ServiceVisit.status) == "scheduled",
            col(ServiceVisit.scheduled_on) <= last,
            col(ServiceVisit.customer_id).in_(_visible(query)),
        )
        .order_by(col(ServiceVisit.scheduled_on), col(ServiceVisit.id))
        .limit(query.limit)
    )
    records = query.session.execute(statement).all()
    items = tuple(
        VisitDue(
            visit_id=visit_id,
            customer_id=customer_id,
            company=company,
            scheduled_on=on,
            days_overdue=(query.day - on).days if on < query.day else None,
            note=note,
        )
        for visit_id, customer_id, company, on, note, _t in records
    )
    total = int(records[0].total) if records else 0
    return AgendaSection(key="visits", total=total, items=items)


def _moment(day: date) -> datetime:
    from salesflow.workflow.agenda import day_start

    if day == date.today():
        return utcnow()
    return day_start(day + timedelta(days=1))


def tickets_section(query: AgendaQuery) -> AgendaSection | None:
    from salesflow.workflow.agenda import AgendaSection

    if query.owner.role not in SERVES_CUSTOMERS:
        return None
    now = _moment(query.day)
    late = and_(
        col(ServiceTicket.first_response_at).is_(None), col(ServiceTicket.response_due_at) < now
    )
    statement = (
        select_columns(
            col(ServiceTicket.id),
            col(ServiceTicket.customer_id),
            col(Customer.name),
            col(ServiceTicket.title),
            col(ServiceTicket.status),
            col(ServiceTicket.response_due_at),
            col(ServiceTicket.first_response_at),
            func.count().over().label("total"),
        )
        .join(Customer, col(Customer.id) == col(ServiceTicket.customer_id))
        .where(
            col(ServiceTicket.status) != "resolved",
            or_(
                col(ServiceTicket.assignee_id) == query.owner.id,
                and_(
                    col(ServiceTicket.assignee_id).is_(None),
                    col(ServiceTicket.opened_by_id) == query.owner.id,
                ),
            ),
        )
        .order_by(
            case((late, 0), else_=1), col(ServiceTicket.response_due_at), col(ServiceTicket.id)
        )
        .limit(query.limit)
    )
    records = query.session.execute(statement).all()
    items = tuple(
        TicketDue(
            ticket_id=ticket_id,
            customer_id=customer_id,
            company=company,
            title=title,
            status=status,
            response_due_at=due,
            flag=response_flag(due, responded, None, now),
        )
        for ticket_id, customer_id, company, title, status, due, responded, _t in records
    )
    total = int(records[0].total) if records else 0
    return AgendaSection(key="tickets", total=total, items=items)


CARE_AHEAD_DAYS = 7


def care_section(query: AgendaQuery) -> AgendaSection | None:
    """Care dates of the next week (the day included): birthdays of the owner's customers'
    contacts, contract anniversaries and public holidays, each with a suggested greeting
    (:func:`salesflow.workflow.care_reminders.care_events`)."""
    from salesflow.workflow.agenda import AgendaSection
    from salesflow.workflow.care_reminders import care_events

    if query.owner.role not in SERVES_CUSTOMERS:
        return None
    events = care_events(query.session, query.owner, start=query.day, days=CARE_AHEAD_DAYS)
    return AgendaSection("care", len(events), tuple(events[: query.limit]))
