"""Service tickets (投诉/工单): open, respond, resolve, list; the first-response deadline.

A ticket must get its first response within ``response_hours`` (24 by default) of being
opened: ``response_due_at``. :func:`response_flag` is the rule: ``overdue`` when there is
no response yet and the deadline has passed (for a resolved ticket: it was resolved
after the deadline without a response), ``late`` when the first response came after the
deadline, empty otherwise.

Responses: the first sets ``first_response`` / ``first_response_at`` and the status
``responded``; later ones are appended to ``first_response`` as a new paragraph
``[YYYY-MM-DD HH:MM user] text`` (the first response's time stays what the deadline is
checked against). Resolving sets the resolution; a resolved ticket takes no more
responses and is not resolved twice.

Who: the roles that serve customers, on tickets of customers they may see (also tickets
assigned to them or opened by them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from salesflow.i18n import _
from salesflow.store.models import Customer, ServiceTicket, User
from salesflow.store.types import utcnow
from salesflow.workflow.errors import InputError, NotFound, Refused
from salesflow.workflow.identity import find_user
from salesflow.workflow.record_ids import storable
from salesflow.workflow.service_customers import (
    clean_text,
    ensure_serves,
    find_customer,
    visible_customers,
)

DEFAULT_RESPONSE_HOURS = 24
MAX_RESPONSE_HOURS = 24 * 30
MAX_TITLE = 200
MAX_TEXT = 4000


@dataclass(frozen=True)
class TicketRow:
    id: int
    customer_id: int
    company: str
    title: str
    status: str
    opened_at: datetime
    response_due_at: datetime
    first_response_at: datetime | None
    flag: str  # overdue | late | ""
    opened_by: str | None
    assignee: str | None
    resolved_at: datetime | None


def response_flag(
    due: datetime, first_response_at: datetime | None, resolved_at: datetime | None, now: datetime
) -> str:
    """``overdue``, ``late`` or ``""`` by the rule in the module doc (a pure rule)."""
    if first_response_at is not None:
        return "late" if first_response_at > due else ""
    if resolved_at is not None:
        return "late" if resolved_at > due else ""
    return "overdue" if now > due else ""


def parse_ticket_id(raw: str | int, *, field: str = "ID") -> int:
    text = str(raw).strip().lstrip("#").removeprefix("T").removeprefix("t")
    if not text.isdecimal() or len(text) > 12:
        raise InputError(
            _("'{value}' is not a ticket number ({field}).").format(value=raw, field=field),
            hint=_("'salesflow service ticket list' shows the numbers."),
        )
    return int(text)


def open_ticket(
    session: Session,
    actor: User,
    customer: str,
    *,
    title: str | None,
    description: str | None = None,
    assignee: str | None = None,
    response_hours: int = DEFAULT_RESPONSE_HOURS,
    now: datetime | None = None,
) -> ServiceTicket:
    moment = now or utcnow()
    heading = clean_text(title, option="--title", limit=MAX_TITLE, required=True)
    body = clean_text(description, option="--description", limit=MAX_TEXT)
    if not 1 <= response_hours <= MAX_RESPONSE_HOURS:
        raise InputError(
            _("The response time must be 1 to {most} hours (--response-hours).").format(
                most=MAX_RESPONSE_HOURS
            )
        )
    ensure_serves(actor)
    found = find_customer(session, actor, customer)
    assignee_id = None
    if assignee is not None:
        person = find_user(session, assignee)
        if person is None or not person.active:
            raise NotFound(
                _("Unknown user '{name}' (--assignee).").format(name=assignee),
                hint=_("'salesflow user list' shows the users."),
            )
        ensure_serves(person)
        assignee_id = person.id
    assert found.id is not None
    assert heading is not None
    ticket = ServiceTicket(
        customer_id=found.id,
        title=heading,
        description=body,
        status="open",
        opened_by_id=actor.id,
        assignee_id=assignee_id,
        opened_at=moment,
        response_due_at=moment + timedelta(hours=response_hours),
    )
    session.add(ticket)
    session.flush()
    return ticket


def _ticket_for_update(session: Session, actor: User, ticket_id: int) -> ServiceTicket:
    ensure_serves(actor)
    ticket = (
        session.get(ServiceTicket, ticket_id, with_for_update=True) if storable(ticket_id) else None
    )
    if ticket is not None and actor.id not in (ticket.assignee_id, ticket.opened_by_id):
        seen = session.exec(
            select(Customer.id).where(
                col(Customer.id) == ticket.customer_id,
                col(Customer.id).in_(visible_customers(session, actor)),
            )
        ).first()
        if seen is None:
            ticket = None
    if ticket is None:
        raise NotFound(
            _("No ticket {id}.").format(id=ticket_id),
            hint=_("'salesflow service ticket list' shows the tickets you can see."),
        )
    return ticket


def respond(
    session: Session,
    actor: User,
    ticket_id: int | str,
    *,
    text: str | None,
    now: datetime | None = None,
) -> ServiceTicket:
    moment = now or utcnow()
    number = parse_ticket_id(ticket_id)
    answer = clean_text(text, option="--text", limit=MAX_TEXT, required=True)
    ticket = _ticket_for_update(session, actor, number)
    if ticket.status == "resolved":
        raise Refused(_("Ticket {id} is already resolved.").format(id=number))
    if ticket.first_response_at is None:
        ticket.first_response_at = moment
        ticket.first_response = answer
    else:
        stamp = moment.astimezone().strftime("%Y-%m-%d %H:%M")
        ticket.first_response = f"{ticket.first_response}\n\n[{stamp} {actor.username}] {answer}"
    ticket.status = "responded"
    session.add(ticket)
    session.flush()
    return ticket


def resolve(
    session: Session,
    actor: User,
    ticket_id: int | str,
    *,
    resolution: str | None,
    now: datetime | None = None,
) -> ServiceTicket:
    moment = now or utcnow()
    number = parse_ticket_id(ticket_id)
    text = clean_text(resolution, option="--resolution", limit=MAX_TEXT, required=True)
    ticket = _ticket_for_update(session, actor, number)
    if ticket.status == "resolved":
        raise Refused(_("Ticket {id} is already resolved.").format(id=number))
    ticket.status = "resolved"
    ticket.resolution = text
    ticket.resolved_at = moment
    session.add(ticket)
    session.flush()
    return ticket


def list_tickets(
    session: Session,
    actor: User,
    *,
    open_only: bool = False,
    overdue_only: bool = False,
    now: datetime | None = None,
    limit: int = 500,
) -> list[TicketRow]:
    """Tickets the actor may see, oldest deadline first; see the module doc for the flag."""
    from sqlalchemy.orm import aliased

    moment = now or utcnow()
    opener = aliased(User)
    owner = aliased(User)
    statement = (
        select(ServiceTicket, Customer.name, opener.username, owner.username)
        .join(Customer, col(Customer.id) == col(ServiceTicket.customer_id))
        .outerjoin(opener, opener.id == ServiceTicket.opened_by_id)  # type: ignore[arg-type]
        .outerjoin(owner, owner.id == ServiceTicket.assignee_id)  # type: ignore[arg-type]
        .where(
            or_(
                col(ServiceTicket.customer_id).in_(visible_customers(session, actor)),
                col(ServiceTicket.assignee_id) == actor.id,
                col(ServiceTicket.opened_by_id) == actor.id,
            )
        )
        .order_by(col(ServiceTicket.response_due_at), col(ServiceTicket.id))
        .limit(limit)
    )
    if open_only:
        statement = statement.where(col(ServiceTicket.status) != "resolved")
    rows = []
    for ticket, company, opened_by, assigned in session.exec(statement).all():
        flag = response_flag(
            ticket.response_due_at, ticket.first_response_at, ticket.resolved_at, moment
        )
        if overdue_only and not flag:
            continue
        rows.append(
            TicketRow(
                id=ticket.id or 0,
                customer_id=ticket.customer_id,
                company=company,
                title=ticket.title,
                status=ticket.status,
                opened_at=ticket.opened_at,
                response_due_at=ticket.response_due_at,
                first_response_at=ticket.first_response_at,
                flag=flag,
                opened_by=opened_by,
                assignee=assigned,
                resolved_at=ticket.resolved_at,
            )
        )
    return rows


def local_day(moment: datetime) -> date:
    return moment.astimezone().date()
