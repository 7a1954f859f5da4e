"""The ``payments_due`` section of the agenda (``salesflow today``).

The instalments of the owner's contracts (sent, signed or archived, inside the actor's
scope) that are due up to 7 days after the agenda's day and not yet covered by the money
received (paid oldest due first, as in :mod:`salesflow.workflow.payments`), overdue ones
first: by due day, then contract number and position. Each shows what is still
outstanding on that instalment. One SQL query: the first ``limit`` rows with the total
counted by a window over the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlmodel import col

from salesflow.store.models import Contract, Customer, Lead
from salesflow.workflow.money import yuan_text
from salesflow.workflow.payments import (
    COLLECTING_STATUSES,
    due_window_end,
    dues_paid_in_order,
    received_by_contract,
)

if TYPE_CHECKING:
    from salesflow.workflow.agenda import AgendaQuery, AgendaSection


@dataclass(frozen=True)
class PaymentDueItem:
    """One instalment of the owner's contracts that is due soon or overdue."""

    contract: str
    position: int
    lead_id: int
    company: str
    due_on: date
    outstanding: str  # what is still to be received on this instalment (yuan)
    days_overdue: int | None  # None: not overdue yet


def payments_due_section(query: AgendaQuery) -> AgendaSection | None:
    from salesflow.workflow.agenda import AgendaSection

    dues = dues_paid_in_order(received_by_contract())
    statement = (
        select_columns(
            col(Contract.number),
            dues.c.position,
            col(Contract.lead_id),
            col(Customer.name),
            dues.c.due_on,
            dues.c.amount_fen,
            dues.c.cum,
            dues.c.received,
            func.count().over().label("total"),
        )
        .join(Contract, col(Contract.id) == dues.c.contract_id)
        .join(Lead, col(Lead.id) == col(Contract.lead_id))
        .join(Customer, col(Customer.id) == col(Contract.customer_id))
        .where(
            query.scope.owner_clause(col(Lead.owner_id)),
            col(Contract.owner_id) == query.owner.id,
            col(Contract.status).in_(COLLECTING_STATUSES),
            dues.c.due_on <= due_window_end(query.day),
            dues.c.cum > dues.c.received,
        )
        .order_by(dues.c.due_on, col(Contract.number), dues.c.position)
        .limit(query.limit)
    )
    records = query.session.execute(statement).all()
    items = tuple(
        PaymentDueItem(
            contract=number,
            position=position,
            lead_id=lead_id,
            company=company,
            due_on=due_on,
            outstanding=yuan_text(min(amount, int(cum) - int(received))) or "0.00",
            days_overdue=(query.day - due_on).days if due_on < query.day else None,
        )
        for number, position, lead_id, company, due_on, amount, cum, received, _t in records
    )
    total = int(records[0].total) if records else 0
    return AgendaSection(key="payments_due", total=total, items=items)
