"""Which customer an after-sales command is about, and who may serve it.

A customer is named by its number as ``lead show`` prints it (``C154`` or ``154``) or by
its exact company name. The actor sees a customer when they may see at least one of its
leads (:mod:`salesflow.workflow.visibility`); service staff, whose job after-sales is
(SPEC §2.7), also see every customer that has bought (lifecycle "customer"). Any other
customer is "not found", so its existence does not leak. Service staff, reps, managers,
directors and admins record after-sales work; legal does not.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from salesflow.i18n import _
from salesflow.store.models import Customer, Lead, User
from salesflow.workflow.errors import InputError, NotFound, PermissionDenied
from salesflow.workflow.record_ids import storable
from salesflow.workflow.roles import role_label
from salesflow.workflow.visibility import scope_for

SERVES_CUSTOMERS = frozenset({"service", "rep", "manager", "director", "admin"})
_NUMBER = re.compile(r"[Cc]?(\d{1,12})")


def visible_customers(session: Session, actor: User) -> Any:
    """A subquery of the ids of the customers the actor may see."""
    scope = scope_for(session, actor)
    through_leads = select(col(Lead.customer_id)).where(scope.owner_clause(col(Lead.owner_id)))
    if actor.role != "service":
        return through_leads
    return select(col(Customer.id)).where(
        or_(col(Customer.lifecycle) == "customer", col(Customer.id).in_(through_leads))
    )


def find_customer(session: Session, actor: User, text: str, *, field: str = "CUSTOMER") -> Customer:
    """The customer named by ``text`` among those the actor may see; else NotFound."""
    raw = unicodedata.normalize("NFC", text or "").strip()
    if not raw:
        raise InputError(_("No customer given ({field}).").format(field=field))
    visible = col(Customer.id).in_(visible_customers(session, actor))
    number = _NUMBER.fullmatch(raw)
    if number is not None:
        customer_id = int(number.group(1))
        found = (
            session.exec(select(Customer).where(col(Customer.id) == customer_id, visible)).all()
            if storable(customer_id)
            else []
        )
    elif "\0" in raw:  # no name has one, and PostgreSQL refuses it in a query
        found = []
    else:
        found = session.exec(
            select(Customer).where(col(Customer.name) == raw, visible).order_by(col(Customer.id))
        ).all()
    if not found:
        raise NotFound(
            _("No customer '{name}' ({field}).").format(name=raw, field=field),
            hint=_("Give the customer number from 'salesflow lead show' (C154) or the exact name."),
        )
    if len(found) > 1:
        numbers = ", ".join(f"C{c.id}" for c in found)
        raise InputError(
            _("Several customers are named '{name}': {numbers} ({field}).").format(
                name=raw, numbers=numbers, field=field
            ),
            hint=_("Give the customer number instead."),
        )
    return found[0]


def ensure_serves(actor: User) -> None:
    """Refuse a role that does no after-sales work."""
    if actor.role not in SERVES_CUSTOMERS:
        raise PermissionDenied(
            _("Your role ({role}) does not record after-sales work.").format(
                role=role_label(actor.role)
            )
        )


def clean_text(value: str | None, *, option: str, limit: int, required: bool = False) -> str | None:
    """Trimmed NFC text (``None`` when empty); refuses control characters and overlong text."""
    from salesflow.workflow.activities import clean_activity_text

    text = clean_activity_text(value, option=option, limit=limit)
    if text is None and required:
        raise InputError(_("The value is empty ({option}).").format(option=option))
    return text
