"""Finding one lead for the acting user, to read it or to change it.

Reading follows :mod:`salesflow.workflow.visibility`: a lead outside the actor's scope is
"not found". Changing a lead needs more than seeing it: reps, legal and service change only
the leads they own (an unassigned lead is the manager's to assign first); a manager changes
their team's leads and unassigned ones; a director or admin changes any.
"""

from __future__ import annotations

from sqlmodel import Session

from salesflow.i18n import _
from salesflow.store.models import Customer, Lead, User
from salesflow.workflow.errors import InputError, NotFound, PermissionDenied
from salesflow.workflow.record_ids import storable
from salesflow.workflow.roles import scope_kind
from salesflow.workflow.visibility import Scope, scope_for


def parse_lead_id(raw: str | int, *, field: str = "ID") -> int:
    """A lead number as people write it: 42, #42 or L42."""
    text = str(raw).strip().lstrip("#").removeprefix("L").removeprefix("l")
    if not text.isdecimal() or len(text) > 12:
        raise InputError(
            _("'{value}' is not a lead number ({field}).").format(value=raw, field=field),
            hint=_("'salesflow lead list' shows the numbers."),
        )
    if not storable(int(text)):
        raise NotFound(
            _("No lead {id}.").format(id=int(text)),
            hint=_("'salesflow lead list' shows the leads you can see."),
        )
    return int(text)


def lead_for_reading(session: Session, actor: User, lead_id: int) -> Lead:
    """The lead, if the actor may see it; else :class:`NotFound`."""
    lead = session.get(Lead, lead_id)
    scope = scope_for(session, actor)
    if lead is None or not scope.can_see(lead.owner_id):
        raise NotFound(
            _("No lead {id}.").format(id=lead_id),
            hint=_("'salesflow lead list' shows the leads you can see."),
        )
    return lead


def may_change(scope: Scope, actor: User, owner_id: int | None) -> bool:
    """Whether ``actor`` may change a record owned by ``owner_id`` (a pure rule)."""
    kind = scope_kind(actor.role)
    if kind == "all":
        return True
    if kind == "team":
        return scope.can_see(owner_id)
    return owner_id is not None and owner_id == actor.id


def lead_for_update(session: Session, actor: User, lead_id: int) -> Lead:
    """The lead, locked for this transaction, if the actor may change it."""
    lead = session.get(Lead, lead_id, with_for_update=True)
    scope = scope_for(session, actor)
    if lead is None or not scope.can_see(lead.owner_id):
        raise NotFound(
            _("No lead {id}.").format(id=lead_id),
            hint=_("'salesflow lead list' shows the leads you can see."),
        )
    if not may_change(scope, actor, lead.owner_id):
        if lead.owner_id is None:
            raise PermissionDenied(
                _("Lead {id} is unassigned; a manager assigns it first.").format(id=lead_id),
                hint=_("Ask your manager: 'salesflow lead assign {id} --to YOU'.").format(
                    id=lead_id
                ),
            )
        raise PermissionDenied(
            _(
                "Lead {id} belongs to someone else; only its owner or their manager may change it."
            ).format(id=lead_id)
        )
    return lead


def customer_of(session: Session, lead: Lead) -> Customer:
    customer = session.get(Customer, lead.customer_id)
    assert customer is not None  # a foreign key guarantees it
    return customer
