"""Assigning leads (分配): who may give a lead to whom, and what moves with it.

Managers assign within their team tree (and take leads from the unassigned pool);
directors and admins assign anywhere. Reps, legal and service do not assign, but reps,
managers and directors may claim (领取) an unassigned lead from the pool for themselves.
The new owner must be an active rep, manager or director (the same rule as ``lead add
--owner``).

The customer moves with the lead unless another of its leads belongs to someone else: a
customer has one owner, and the duplicate check (撞单) names that owner. Every change is
recorded by the audited session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from salesflow.i18n import _
from salesflow.store.models import Customer, Lead, User
from salesflow.workflow.capture import SELLING_ROLES, UNASSIGNED, resolve_owner
from salesflow.workflow.errors import PermissionDenied, Refused
from salesflow.workflow.lead_access import lead_for_update
from salesflow.workflow.roles import role_label, scope_kind
from salesflow.workflow.visibility import scope_for

ASSIGNS = frozenset({"manager", "director", "admin"})


@dataclass(frozen=True)
class AssignResult:
    """What an assignment did: ``changed`` is False when the lead already had that owner."""

    lead_id: int
    customer_id: int
    previous: str | None
    owner: str | None
    owner_name: str | None
    changed: bool
    customer_moved: bool
    customer_owner: str | None


def may_assign(actor: User) -> bool:
    """Managers, directors and admins assign leads (a pure rule)."""
    return actor.role in ASSIGNS


def require_assigner(actor: User) -> None:
    """Only managers, directors and admins assign leads."""
    if not may_assign(actor):
        raise PermissionDenied(
            _(
                "Your role ({role}) does not assign leads; a manager, director or admin does."
            ).format(role=role_label(actor.role)),
            hint=_("Ask your manager to assign it."),
        )


def assignable_users(session: Session, actor: User) -> list[User]:
    """The active people in sales the actor may give leads to (for a prompt)."""
    require_assigner(actor)
    statement = (
        select(User)
        .where(col(User.active).is_(True), col(User.role).in_(sorted(SELLING_ROLES)))
        .order_by(col(User.username))
    )
    if scope_kind(actor.role) == "team":
        statement = statement.where(
            scope_for(session, actor).owner_clause(col(User.id), include_unassigned=False)
        )
    return list(session.exec(statement).all())


def _username(session: Session, user_id: int | None) -> str | None:
    user = session.get(User, user_id) if user_id is not None else None
    return user.username if user else None


def assign_lead(session: Session, actor: User, lead_id: int, to: str) -> AssignResult:
    """Give lead ``lead_id`` to user ``to`` (``-`` returns it to the unassigned pool)."""
    require_assigner(actor)
    lead = lead_for_update(session, actor, lead_id)
    if to.strip().lower() in UNASSIGNED:
        target: User | None = None
    else:
        target = resolve_owner(session, actor, to, field="--to")
    return _hand_over(session, lead, target)


def require_claimer(actor: User) -> None:
    """Reps, managers and directors take leads from the pool; legal, service and admin don't."""
    if actor.role not in SELLING_ROLES:
        raise PermissionDenied(
            _("Your role ({role}) does not take leads from the unassigned pool.").format(
                role=role_label(actor.role)
            ),
            hint=_("Reps, managers and directors claim leads."),
        )


def claim_lead(session: Session, actor: User, lead_id: int) -> AssignResult:
    """Take unassigned lead ``lead_id`` from the pool (公海) as the actor's own.

    The lead's row is locked and read again before it changes hands, so of two people
    claiming the same lead at once exactly one gets it; the other is told it is no longer
    in the pool. A lead the actor cannot see is "not in the pool" too, as if absent.
    A lead whose customer has another lead of someone else's stays in the pool (撞单):
    their manager decides.
    """
    require_claimer(actor)
    lead = session.get(Lead, lead_id, with_for_update=True, populate_existing=True)
    if lead is None or not scope_for(session, actor).can_see(lead.owner_id):
        # A lead the actor cannot see reads as one that does not exist (nothing leaks).
        raise Refused(
            _("Lead {id} is not in the unassigned pool.").format(id=lead_id),
            hint=_("'salesflow lead list --unassigned' shows the leads still in the pool."),
        )
    if lead.owner_id is not None and lead.owner_id != actor.id:
        raise Refused(
            _("Lead {id} is not in the unassigned pool: {owner} has it.").format(
                id=lead_id, owner=_username(session, lead.owner_id)
            ),
            hint=_("'salesflow lead list --unassigned' shows the leads still in the pool."),
        )
    # The customer's row too, before asking whose its other leads are: two people claiming
    # two leads of one customer at once must not both get one.
    session.get(Customer, lead.customer_id, with_for_update=True, populate_existing=True)
    others = select(Lead.owner_id).where(
        Lead.customer_id == lead.customer_id,
        Lead.id != lead.id,
        col(Lead.owner_id).is_not(None),
        Lead.owner_id != actor.id,
    )
    holder = session.exec(others.limit(1)).first()
    if holder is not None:
        raise Refused(
            _(
                "Lead {id}'s customer already has leads of {owner} (撞单); a manager assigns it."
            ).format(id=lead_id, owner=_username(session, holder)),
            hint=_("Ask your manager: 'salesflow lead assign {id} --to YOU'.").format(id=lead_id),
        )
    return _hand_over(session, lead, actor)


def _hand_over(session: Session, lead: Lead, target: User | None) -> AssignResult:
    """Make ``target`` (None: the pool) the owner of locked ``lead``, with its customer
    unless another of the customer's leads belongs to someone else."""
    assert lead.id is not None
    target_id = target.id if target is not None else None
    customer = session.get(Customer, lead.customer_id, with_for_update=True, populate_existing=True)
    assert customer is not None  # a foreign key guarantees it
    previous = _username(session, lead.owner_id)
    if lead.owner_id == target_id:
        return AssignResult(
            lead_id=lead.id,
            customer_id=customer.id or 0,
            previous=previous,
            owner=previous,
            owner_name=target.display_name if target else None,
            changed=False,
            customer_moved=False,
            customer_owner=_username(session, customer.owner_id),
        )
    lead.owner_id = target_id
    lead.updated_at = datetime.now(UTC)
    session.add(lead)
    from salesflow.workflow.quotes import follow_lead_owner

    follow_lead_owner(session, lead)
    others = select(Lead.id).where(
        Lead.customer_id == customer.id,
        Lead.id != lead.id,
        col(Lead.owner_id).is_not(None),
    )
    if target_id is not None:
        others = others.where(Lead.owner_id != target_id)
    moved = False
    if customer.owner_id != target_id and session.exec(others.limit(1)).first() is None:
        customer.owner_id = target_id
        session.add(customer)
        moved = True
    session.flush()
    return AssignResult(
        lead_id=lead.id,
        customer_id=customer.id or 0,
        previous=previous,
        owner=target.username if target else None,
        owner_name=target.display_name if target else None,
        changed=True,
        customer_moved=moved,
        customer_owner=_username(session, customer.owner_id),
    )
