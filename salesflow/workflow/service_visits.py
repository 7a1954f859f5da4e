"""Return visits (回访): schedule them, log them with a satisfaction score, list them.

Logging a visit (:func:`log_visit`) completes a scheduled one when it can tell which:

* ``visit_id`` given: that scheduled visit of the customer (one already done or
  cancelled is refused);
* else, if the customer has exactly one scheduled visit due on or before the visit's day,
  that one is completed;
* several due: refused, asking for ``--visit ID`` (the ids are in the message);
* none due: a new visit is recorded as done.

Satisfaction is a whole number from 1 to 5. The visit's day defaults to today and may
not be in the future. A visit scheduled without a user gets the person who logs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case
from sqlmodel import Session, col, select

from salesflow.i18n import _, format_date
from salesflow.store.models import Contract, Customer, ServiceVisit, User
from salesflow.workflow.dates import parse_day
from salesflow.workflow.errors import InputError, NotFound, Refused
from salesflow.workflow.glossary import VISIT_STATUSES, label
from salesflow.workflow.record_ids import storable
from salesflow.workflow.service_customers import (
    clean_text,
    ensure_serves,
    find_customer,
    visible_customers,
)

MAX_NOTE = 2000


@dataclass(frozen=True)
class VisitResult:
    visit_id: int
    customer_id: int
    company: str
    completed_scheduled: bool  # a scheduled visit was completed (else a new one was added)
    scheduled_on: date | None
    visited_on: date | None


@dataclass(frozen=True)
class VisitRow:
    id: int
    customer_id: int
    company: str
    status: str
    scheduled_on: date | None
    visited_on: date | None
    overdue: bool  # scheduled and its day has passed
    satisfaction: int | None
    user: str | None
    contract: str | None
    note: str | None


def parse_satisfaction(value: int | str | None) -> int:
    text = "" if value is None else str(value).strip()
    if not text.isdecimal() or not 1 <= int(text) <= 5:
        raise InputError(
            _(
                "Satisfaction must be a whole number from 1 to 5, not '{value}' (--satisfaction)."
            ).format(value=text)
        )
    return int(text)


def _day(value: date | str | None, today: date, option: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return parse_day(value, today, option=option)


def log_visit(
    session: Session,
    actor: User,
    customer: str,
    *,
    satisfaction: int | str | None,
    note: str | None,
    on: date | str | None = None,
    visit_id: int | None = None,
    today: date | None = None,
) -> VisitResult:
    """Record a return visit; see the module doc for which scheduled visit it completes."""
    day = today or date.today()
    score = parse_satisfaction(satisfaction)
    text = clean_text(note, option="--note", limit=MAX_NOTE, required=True)
    visited = _day(on, day, "--date") or day
    if visited > day:
        raise InputError(
            _("The visit day {date} is in the future (--date).").format(date=format_date(visited)),
            hint=_("Plan it instead: 'salesflow service visit schedule'."),
        )
    ensure_serves(actor)
    found = find_customer(session, actor, customer)
    assert found.id is not None
    assert actor.id is not None
    visit = _scheduled_to_complete(session, found.id, visited, visit_id)
    completed = visit is not None
    if visit is None:
        visit = ServiceVisit(customer_id=found.id, user_id=actor.id, status="done")
    visit.status = "done"
    visit.visited_on = visited
    visit.satisfaction = score
    visit.note = text if not visit.note else f"{visit.note}\n{text}"
    if visit.user_id is None:
        visit.user_id = actor.id
    session.add(visit)
    session.flush()
    assert visit.id is not None
    return VisitResult(
        visit_id=visit.id,
        customer_id=found.id,
        company=found.name,
        completed_scheduled=completed,
        scheduled_on=visit.scheduled_on,
        visited_on=visited,
    )


def _scheduled_to_complete(
    session: Session, customer_id: int, visited: date, visit_id: int | None
) -> ServiceVisit | None:
    if visit_id is not None:
        visit = (
            session.get(ServiceVisit, visit_id, with_for_update=True)
            if storable(visit_id)
            else None
        )
        if visit is None or visit.customer_id != customer_id:
            raise NotFound(
                _("No visit {id} of this customer (--visit).").format(id=visit_id),
                hint=_("'salesflow service visit list --scheduled' shows them."),
            )
        if visit.status != "scheduled":
            raise Refused(
                _("Visit {id} is already {status}; only a scheduled visit is completed.").format(
                    id=visit_id, status=label(VISIT_STATUSES, visit.status)
                )
            )
        return visit
    due = session.exec(
        select(ServiceVisit)
        .where(
            col(ServiceVisit.customer_id) == customer_id,
            col(ServiceVisit.status) == "scheduled",
            col(ServiceVisit.scheduled_on) <= visited,
        )
        .order_by(col(ServiceVisit.scheduled_on), col(ServiceVisit.id))
        .with_for_update()
    ).all()
    if len(due) > 1:
        ids = ", ".join(str(v.id) for v in due)
        raise InputError(
            _("Several scheduled visits are due: {ids}; say which one (--visit).").format(ids=ids)
        )
    return due[0] if due else None


def schedule_visit(
    session: Session,
    actor: User,
    customer: str,
    *,
    on: date | str,
    note: str | None = None,
    today: date | None = None,
) -> VisitResult:
    """Plan a return visit by the actor on a day from today on."""
    day = today or date.today()
    when = _day(on, day, "--on")
    assert when is not None
    if when < day:
        raise InputError(
            _("The day {date} is in the past (--on).").format(date=format_date(when)),
            hint=_("Log a visit that happened with 'salesflow service visit log'."),
        )
    text = clean_text(note, option="--note", limit=MAX_NOTE)
    ensure_serves(actor)
    found = find_customer(session, actor, customer)
    assert found.id is not None
    visit = ServiceVisit(
        customer_id=found.id, user_id=actor.id, status="scheduled", scheduled_on=when, note=text
    )
    session.add(visit)
    session.flush()
    assert visit.id is not None
    return VisitResult(visit.id, found.id, found.name, False, when, None)


def list_visits(
    session: Session,
    actor: User,
    *,
    scheduled_only: bool = False,
    customer: str | None = None,
    today: date | None = None,
    limit: int = 500,
) -> list[VisitRow]:
    """Visits of the customers the actor may see: scheduled ones first by day, then done."""
    day = today or date.today()
    statement = (
        select(ServiceVisit, Customer.name, User.username, Contract.number)
        .join(Customer, col(Customer.id) == col(ServiceVisit.customer_id))
        .outerjoin(User, col(User.id) == col(ServiceVisit.user_id))
        .outerjoin(Contract, col(Contract.id) == col(ServiceVisit.contract_id))
        .where(col(ServiceVisit.customer_id).in_(visible_customers(session, actor)))
    )
    if scheduled_only:
        statement = statement.where(col(ServiceVisit.status) == "scheduled")
    if customer is not None:
        found = find_customer(session, actor, customer, field="--customer")
        statement = statement.where(col(ServiceVisit.customer_id) == found.id)
    statement = statement.order_by(
        case((col(ServiceVisit.status) == "scheduled", 0), else_=1),
        col(ServiceVisit.scheduled_on),
        col(ServiceVisit.visited_on).desc(),
        col(ServiceVisit.id),
    ).limit(limit)
    return [
        VisitRow(
            id=visit.id or 0,
            customer_id=visit.customer_id,
            company=company,
            status=visit.status,
            scheduled_on=visit.scheduled_on,
            visited_on=visit.visited_on,
            overdue=visit.status == "scheduled"
            and visit.scheduled_on is not None
            and visit.scheduled_on < day,
            satisfaction=visit.satisfaction,
            user=username,
            contract=number,
            note=visit.note,
        )
        for visit, company, username, number in session.exec(statement).all()
    ]
