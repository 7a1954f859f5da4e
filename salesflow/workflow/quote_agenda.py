"""The quote sections of the agenda (``salesflow today``), registered in
:data:`salesflow.workflow.agenda.SECTIONS`:

* ``approvals``: the requests the agenda's owner may decide
  (:func:`salesflow.workflow.approvals.decidable_by`), oldest first, with the quote, the
  company, what is asked, who asked and how many days it has waited; only for someone
  who decides approvals (``None`` otherwise);
* ``expiring_quotes``: the owner's current quotes (not superseded) in draft, pending,
  approved or sent whose last valid day is the agenda's day or one of the next three,
  soonest first. Already expired ones are not here: they are no longer about to expire.

Like the lead sections, each is one SQL query: the first ``limit`` rows with the total
counted by a window over the same rows, always inside the actor's scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlmodel import col

from salesflow.store.models import Approval, Customer, Lead, Quote
from salesflow.workflow.approval_rules import ApprovalRules, load_rules
from salesflow.workflow.money import yuan_text

if TYPE_CHECKING:
    from salesflow.workflow.agenda import AgendaQuery, AgendaSection

EXPIRING_WITHIN_DAYS = 3
EXPIRING_STATUSES = ("draft", "pending", "approved", "sent")


@dataclass(frozen=True)
class WaitingApproval:
    """A request waiting for the agenda's owner to decide."""

    approval_id: int
    quote: str
    version: int
    lead_id: int
    company: str
    kind: str
    asked: str
    total: str | None
    requested_by: str
    requested_at: datetime
    days_waiting: int


@dataclass(frozen=True)
class ExpiringQuote:
    """A current quote of the owner whose validity ends soon."""

    quote: str
    version: int
    lead_id: int
    company: str
    status: str
    valid_until: date
    days_left: int  # 0: its last valid day is the agenda's day
    total: str | None


def approvals_section(
    query: AgendaQuery, rules: ApprovalRules | None = None
) -> AgendaSection | None:
    from salesflow.workflow.agenda import AgendaSection
    from salesflow.workflow.approvals import approval_listing, approval_row, decidable_by

    where = decidable_by(query.session, query.owner, rules or load_rules())
    if where is None:
        return None
    statement = (
        approval_listing(func.count().over().label("total"))
        .where(*where, query.scope.owner_clause(col(Lead.owner_id)))
        .order_by(col(Approval.requested_at), col(Approval.id))
        .limit(query.limit)
    )
    records = query.session.execute(statement).all()
    items = []
    for record in records:
        row = approval_row(record, query.day)
        items.append(
            WaitingApproval(
                approval_id=row.id,
                quote=row.quote,
                version=row.version,
                lead_id=row.lead_id,
                company=row.company,
                kind=row.kind,
                asked=row.asked,
                total=row.total,
                requested_by=row.requested_by,
                requested_at=row.requested_at,
                days_waiting=row.days_waiting,
            )
        )
    total = int(records[0].total) if records else 0
    return AgendaSection(key="approvals", total=total, items=tuple(items))


def expiring_quotes_section(query: AgendaQuery) -> AgendaSection:
    from salesflow.workflow.agenda import AgendaSection

    last = query.day + timedelta(days=EXPIRING_WITHIN_DAYS)
    statement = (
        select_columns(
            col(Quote.number),
            col(Quote.version),
            col(Quote.lead_id),
            col(Customer.name),
            col(Quote.status),
            col(Quote.valid_until),
            col(Quote.total_fen),
            func.count().over().label("total"),
        )
        .join(Lead, col(Lead.id) == col(Quote.lead_id))
        .join(Customer, col(Customer.id) == col(Quote.customer_id))
        .where(
            query.scope.owner_clause(col(Lead.owner_id)),
            col(Quote.owner_id) == query.owner.id,
            col(Quote.superseded_at).is_(None),
            col(Quote.status).in_(EXPIRING_STATUSES),
            col(Quote.valid_until) >= query.day,
            col(Quote.valid_until) <= last,
        )
        .order_by(col(Quote.valid_until), col(Quote.number))
        .limit(query.limit)
    )
    records = query.session.execute(statement).all()
    items = tuple(
        ExpiringQuote(
            quote=number,
            version=version,
            lead_id=lead_id,
            company=company,
            status=status,
            valid_until=valid_until,
            days_left=(valid_until - query.day).days,
            total=yuan_text(total_fen),
        )
        for number, version, lead_id, company, status, valid_until, total_fen, _t in records
    )
    total = int(records[0].total) if records else 0
    return AgendaSection(key="expiring_quotes", total=total, items=items)
