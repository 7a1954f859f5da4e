"""Merging duplicate leads (撞单) into one: ``lead merge KEEP OTHER...``.

Every other lead is folded into the kept one and deleted; its customer, when it is not
the kept lead's customer, is folded into the kept customer and deleted once nothing refers
to it any more:

* its contacts move to the kept customer; a contact with the same phone or email as one
  the kept customer already has is merged into that one instead (empty fields filled,
  references repointed, the duplicate deleted);
* rows that belong to the other lead (:data:`MOVES_WITH_LEAD`) move to the kept lead,
  except its stage history (:data:`DELETED_WITH_LEAD`), which is the other lead's own
  past and is deleted with it: the kept lead's history stays its own, so days in stage,
  the sales cycle and the funnel's "reached" counts are not mixed up; the kept lead's last
  contact becomes the latest of all the merged leads', and its first contact
  (``first_contact_at``) the earliest of theirs (their activities moved with it);
* other leads of the other customer move to the kept customer, and references to the
  other customer (:data:`REFERS_TO_CUSTOMER`) point at the kept one;
* empty fields of the kept lead and kept customer are filled from the others.

Every change goes through ORM objects, so the audit trail holds each moved row and each
filled field, plus one ``merge`` event on the kept lead. :func:`plan_merge` checks the
request and works out what will happen without writing, for a preview; :func:`merge_leads`
does it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, SQLModel, col, func, select

from salesflow.i18n import Nn_, _, ngettext
from salesflow.store.audit import record_event
from salesflow.store.models import (
    Activity,
    Contact,
    Contract,
    Customer,
    Lead,
    LeadGrade,
    Quote,
    ReferralAsk,
    ReferralThanks,
    ServiceTicket,
    ServiceVisit,
    StageChange,
    User,
)
from salesflow.workflow.errors import InputError, PermissionDenied
from salesflow.workflow.first_contact import earliest
from salesflow.workflow.lead_access import customer_of, lead_for_update, may_change
from salesflow.workflow.roles import scope_kind
from salesflow.workflow.visibility import Scope, scope_for


@dataclass(frozen=True)
class Reference:
    """A column of an audited table that points at a lead, a customer or a contact.

    ``one`` and ``many`` say how many rows it holds, for previews and summaries:
    ``"{n} grading"``, ``"{n} gradings"`` (translated when shown).
    """

    model: type[SQLModel]
    column: str
    one: str = "{n} row"
    many: str = "{n} rows"

    @property
    def attribute(self) -> Any:
        return getattr(self.model, self.column)

    def count_text(self, n: int) -> str:
        return ngettext(self.one, self.many, n).format(n=n)


MOVES_WITH_LEAD: tuple[Reference, ...] = (
    Reference(LeadGrade, "lead_id", *Nn_("{n} grading", "{n} gradings")),
    Reference(Activity, "lead_id", *Nn_("{n} activity", "{n} activities")),
    Reference(Quote, "lead_id", *Nn_("{n} quote version", "{n} quote versions")),
    Reference(Contract, "lead_id", *Nn_("{n} contract", "{n} contracts")),
    Reference(ReferralThanks, "lead_id", *Nn_("{n} referral thanks", "{n} referral thanks")),
)
"""What moves with a merged lead: rows that belong to a lead and follow it into the kept one.

A later table whose rows belong to a lead (activities, quotes, stage history, ...) registers
here with its ``lead_id``-style column. ``lead merge`` then moves its rows to the kept lead,
one audited ORM update per row, before the merged lead is deleted; a table left out would
make that delete fail on its foreign key. Tables that point at customers or contacts
register in :data:`REFERS_TO_CUSTOMER` and :data:`REFERS_TO_CONTACT` the same way.
"""

DELETED_WITH_LEAD: tuple[Reference, ...] = (
    Reference(StageChange, "lead_id", *Nn_("{n} stage change", "{n} stage changes")),
)
"""Rows that belong to a merged lead but describe only its own past: deleted with it."""

REFERS_TO_CUSTOMER: tuple[Reference, ...] = (
    Reference(Lead, "referrer_customer_id", *Nn_("{n} referral", "{n} referrals")),
    Reference(
        Activity,
        "customer_id",
        *Nn_("{n} activity of the company", "{n} activities of the company"),
    ),
    Reference(Quote, "customer_id", *Nn_("{n} quote of the company", "{n} quotes of the company")),
    Reference(
        Contract, "customer_id", *Nn_("{n} contract of the company", "{n} contracts of the company")
    ),
    Reference(ServiceVisit, "customer_id", *Nn_("{n} return visit", "{n} return visits")),
    Reference(ServiceTicket, "customer_id", *Nn_("{n} service ticket", "{n} service tickets")),
    Reference(ReferralAsk, "customer_id", *Nn_("{n} referral request", "{n} referral requests")),
    Reference(
        ReferralThanks,
        "referrer_customer_id",
        *Nn_("{n} thanks as referrer", "{n} thanks as referrer"),
    ),
)
"""Columns pointing at a customer, repointed from a merged customer to the kept one.

``leads.customer_id`` and ``contacts.customer_id`` are handled by the merge itself (those
leads and contacts move); anything else that names a customer registers here.
"""

REFERS_TO_CONTACT: tuple[Reference, ...] = (
    Reference(Lead, "contact_id"),
    Reference(Quote, "contact_id"),
    Reference(Contract, "contact_id"),
)
"""Columns pointing at a contact, repointed when a duplicate contact is merged away."""

# Fields filled on the kept record when empty there: each group is filled as a whole
# from the first merged record that has any of it (a region is one place, not three).
LEAD_FILLS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("amount", ("amount_fen",)),
    ("budget", ("budget_fen",)),
    ("need", ("need",)),
    ("notes", ("notes",)),
    ("expected_close", ("expected_close",)),
    ("need_fit", ("need_fit",)),
    ("likelihood", ("likelihood",)),
    ("decision_maker", ("decision_maker_reached",)),
    ("grade", ("grade", "score")),
    ("contact", ("contact_id",)),
    ("next_step", ("next_step_date", "next_step_action")),
    ("referrer", ("referrer_customer_id", "referrer_name")),
    ("external_ref", ("external_ref",)),
)
CUSTOMER_FILLS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("industry", ("industry",)),
    ("employees", ("employees",)),
    ("founded_year", ("founded_year",)),
    ("region", ("province", "city", "county", "region_code")),
    ("value_type", ("value_type",)),
    ("personality", ("personality",)),
    ("notes", ("notes",)),
)
CONTACT_FILLS = ("title", "phone", "email", "wechat")


@dataclass
class ContactMove:
    """A contact of a merged customer, and the kept customer's contact it merges into."""

    contact: Contact
    into: Contact | None  # None: it moves as it is


@dataclass
class MergePlan:
    """What a merge will do, worked out before anything is written."""

    keep: Lead
    keep_customer: Customer
    others: list[Lead]
    other_customers: list[Customer]  # of the other leads, the kept customer excepted
    moving_leads: list[Lead]  # further leads of those customers
    contacts: list[ContactMove]
    moving_rows: dict[Reference, int]  # of MOVES_WITH_LEAD
    deleting_rows: dict[Reference, int]  # of DELETED_WITH_LEAD
    references: dict[Reference, int]  # of REFERS_TO_CUSTOMER
    lead_fills: dict[str, tuple[str, ...]]  # field name -> attributes filled
    customer_fills: dict[str, tuple[str, ...]]
    owners: dict[int, str | None] = field(default_factory=dict)  # lead id -> username

    @property
    def other_ids(self) -> list[int]:
        return [lead.id or 0 for lead in self.others]


@dataclass
class MergeResult:
    keep_id: int
    customer_id: int
    merged: list[int]
    moved_leads: list[int]
    contacts_moved: int
    contacts_merged: int
    moved_rows: dict[Reference, int]
    deleted_rows: dict[Reference, int]
    references: dict[Reference, int]
    lead_filled: list[str]
    customer_filled: list[str]
    customers_deleted: list[int]


def may_merge_owners(scope: Scope, actor: User, owner_ids: set[int | None]) -> bool:
    """Whether ``actor`` may merge leads of these owners into one (a pure rule).

    A rep (or anyone who sees only their own records) merges only their own leads; a
    manager merges within the team and the unassigned pool; a director or admin anything.
    """
    kind = scope_kind(actor.role)
    if kind == "all":
        return True
    if kind == "team":
        return all(scope.can_see(owner) for owner in owner_ids)
    return owner_ids == {actor.id}


def _check_ids(keep_id: int, other_ids: Sequence[int]) -> None:
    if not other_ids:
        raise InputError(
            _("Name at least one lead to merge into lead {id}.").format(id=keep_id),
            hint=_("salesflow lead merge KEEP OTHER..."),
        )
    if keep_id in other_ids:
        raise InputError(
            _("Cannot merge lead {id} into itself.").format(id=keep_id),
            hint=_("Name the lead to keep once, first, and the leads to merge after it."),
        )
    seen: set[int] = set()
    for lead_id in other_ids:
        if lead_id in seen:
            raise InputError(_("Lead {id} is named twice.").format(id=lead_id))
        seen.add(lead_id)


def _empty(obj: Any, attributes: tuple[str, ...]) -> bool:
    return all(getattr(obj, name) in (None, "") for name in attributes)


def _fills(
    target: Any, sources: Sequence[Any], groups: tuple[tuple[str, tuple[str, ...]], ...]
) -> dict[str, tuple[Any, tuple[str, ...]]]:
    """Field name -> (source record, attributes) for each group empty on ``target``."""
    found: dict[str, tuple[Any, tuple[str, ...]]] = {}
    for name, attributes in groups:
        if not _empty(target, attributes):
            continue
        source = next((s for s in sources if not _empty(s, attributes)), None)
        if source is not None:
            found[name] = (source, attributes)
    return found


def _count(session: Session, reference: Reference, ids: Sequence[int]) -> int:
    if not ids:
        return 0
    return session.exec(
        select(func.count()).select_from(reference.model).where(reference.attribute.in_(ids))
    ).one()


def _contact_moves(
    session: Session, keep_customer: Customer, customers: Sequence[Customer]
) -> list[ContactMove]:
    known = list(
        session.exec(
            select(Contact).where(Contact.customer_id == keep_customer.id).order_by(col(Contact.id))
        ).all()
    )
    moves: list[ContactMove] = []
    for customer in customers:
        for contact in session.exec(
            select(Contact).where(Contact.customer_id == customer.id).order_by(col(Contact.id))
        ).all():
            into = next(
                (k for k in known if contact.phone and k.phone == contact.phone),
                None,
            ) or next((k for k in known if contact.email and k.email == contact.email), None)
            moves.append(ContactMove(contact, into))
            if into is None:
                known.append(contact)
    return moves


def plan_merge(session: Session, actor: User, keep_id: int, other_ids: Sequence[int]) -> MergePlan:
    """Check a merge and work out what it will do; writes nothing (locks the leads)."""
    _check_ids(keep_id, other_ids)
    keep = lead_for_update(session, actor, keep_id)
    others = [lead_for_update(session, actor, lead_id) for lead_id in other_ids]
    scope = scope_for(session, actor)
    if not may_merge_owners(scope, actor, {lead.owner_id for lead in (keep, *others)}):
        raise PermissionDenied(
            _("These leads belong to different people; only their manager may merge them."),
        )
    keep_customer = customer_of(session, keep)
    other_customers: list[Customer] = []
    for lead in others:
        customer = customer_of(session, lead)
        known = {keep_customer.id, *(c.id for c in other_customers)}
        if customer.id not in known:
            other_customers.append(customer)
    # A customer is reached through a lead the actor may change; it must be in their view.
    for customer in (keep_customer, *other_customers):
        if not scope.can_see(customer.owner_id):
            raise PermissionDenied(
                _(
                    "Customer {id} belongs to someone else; only its owner's manager may merge it."
                ).format(id=customer.id)
            )
    customer_ids = [c.id or 0 for c in other_customers]
    moving_leads: list[Lead] = []
    if customer_ids:
        moving_leads = list(
            session.exec(
                select(Lead)
                .where(
                    col(Lead.customer_id).in_(customer_ids),
                    col(Lead.id).not_in([keep_id, *other_ids]),
                )
                .order_by(col(Lead.id))
                .with_for_update()
            ).all()
        )
    for lead in moving_leads:
        if not may_change(scope, actor, lead.owner_id):
            raise PermissionDenied(
                _(
                    "Customer {id} has other leads you may not change; ask a manager to merge it."
                ).format(id=lead.customer_id)
            )
    owner_ids = {lead.owner_id for lead in (keep, *others) if lead.owner_id is not None}
    names = (
        dict(session.exec(select(User.id, User.username).where(col(User.id).in_(owner_ids))).all())
        if owner_ids
        else {}
    )
    return MergePlan(
        keep=keep,
        keep_customer=keep_customer,
        others=others,
        other_customers=other_customers,
        moving_leads=moving_leads,
        contacts=_contact_moves(session, keep_customer, other_customers),
        moving_rows={ref: _count(session, ref, list(other_ids)) for ref in MOVES_WITH_LEAD},
        deleting_rows={ref: _count(session, ref, list(other_ids)) for ref in DELETED_WITH_LEAD},
        references={ref: _count(session, ref, customer_ids) for ref in REFERS_TO_CUSTOMER},
        lead_fills={
            name: attributes for name, (_s, attributes) in _fills(keep, others, LEAD_FILLS).items()
        },
        customer_fills={
            name: attributes
            for name, (_s, attributes) in _fills(
                keep_customer, other_customers, CUSTOMER_FILLS
            ).items()
        },
        owners={lead.id or 0: names.get(lead.owner_id) for lead in (keep, *others)},
    )


def _repoint(session: Session, reference: Reference, old_ids: Sequence[int], new_id: int) -> int:
    if not old_ids:
        return 0
    rows = session.exec(select(reference.model).where(reference.attribute.in_(old_ids))).all()
    for row in rows:
        setattr(row, reference.column, new_id)
        session.add(row)
    return len(rows)


def _delete(session: Session, reference: Reference, old_ids: Sequence[int]) -> int:
    if not old_ids:
        return 0
    rows = session.exec(select(reference.model).where(reference.attribute.in_(old_ids))).all()
    for row in rows:
        session.delete(row)
    return len(rows)


def _merge_contact(session: Session, move: ContactMove) -> None:
    contact, into = move.contact, move.into
    assert into is not None
    assert into.id is not None
    for name in CONTACT_FILLS:
        if getattr(into, name) in (None, "") and getattr(contact, name) not in (None, ""):
            setattr(into, name, getattr(contact, name))
    if contact.decision_maker and not into.decision_maker:
        into.decision_maker = True
    session.add(into)
    for reference in REFERS_TO_CONTACT:
        _repoint(session, reference, [contact.id or 0], into.id)


def _nothing_refers_to(session: Session, customer_id: int) -> bool:
    holders = (
        Reference(Lead, "customer_id"),
        Reference(Contact, "customer_id"),
        *REFERS_TO_CUSTOMER,
    )
    return all(_count(session, ref, [customer_id]) == 0 for ref in holders)


def merge_leads(
    session: Session, actor: User, keep_id: int, other_ids: Sequence[int]
) -> MergeResult:
    """Merge ``other_ids`` into ``keep_id`` (see the module docstring); audited."""
    plan = plan_merge(session, actor, keep_id, other_ids)
    keep, keep_customer = plan.keep, plan.keep_customer
    assert keep.id is not None
    assert keep_customer.id is not None
    now = datetime.now(UTC)
    moved_rows = {ref: _repoint(session, ref, plan.other_ids, keep.id) for ref in MOVES_WITH_LEAD}
    deleted_rows = {ref: _delete(session, ref, plan.other_ids) for ref in DELETED_WITH_LEAD}
    contacts = [lead.last_activity_at for lead in (keep, *plan.others) if lead.last_activity_at]
    if contacts and max(contacts) != keep.last_activity_at:
        keep.last_activity_at = max(contacts)
    first = earliest(lead.first_contact_at for lead in (keep, *plan.others))
    if first != keep.first_contact_at:
        keep.first_contact_at = first
    merged_contacts: list[Contact] = []
    for move in plan.contacts:
        if move.into is None:
            move.contact.customer_id = keep_customer.id
            session.add(move.contact)
        else:
            _merge_contact(session, move)
            merged_contacts.append(move.contact)
    for lead in plan.moving_leads:
        lead.customer_id = keep_customer.id
        lead.updated_at = now
        session.add(lead)
    customer_ids = [c.id or 0 for c in plan.other_customers]
    references = {
        ref: _repoint(session, ref, customer_ids, keep_customer.id) for ref in REFERS_TO_CUSTOMER
    }
    session.flush()
    # Filled after the moves, so a merged contact is named by the id it now has.
    lead_fills = _fills(keep, plan.others, LEAD_FILLS)
    for _name, (source, attributes) in lead_fills.items():
        for attribute in attributes:
            setattr(keep, attribute, getattr(source, attribute))
    customer_fills = _fills(keep_customer, plan.other_customers, CUSTOMER_FILLS)
    for _name, (source, attributes) in customer_fills.items():
        for attribute in attributes:
            setattr(keep_customer, attribute, getattr(source, attribute))
    if lead_fills:
        keep.updated_at = now
    session.add(keep)
    session.add(keep_customer)
    session.flush()
    for lead in plan.others:
        session.delete(lead)
    session.flush()
    for contact in merged_contacts:
        session.delete(contact)
    session.flush()
    deleted: list[int] = []
    for customer in plan.other_customers:
        if customer.id is not None and _nothing_refers_to(session, customer.id):
            deleted.append(customer.id)
            session.delete(customer)
    session.flush()
    record_event(
        session,
        action="merge",
        entity="leads",
        entity_id=str(keep.id),
        summary="merged {others} into {keep}".format(
            others=", ".join(str(i) for i in plan.other_ids), keep=keep.id
        ),
    )
    session.flush()
    return MergeResult(
        keep_id=keep.id,
        customer_id=keep_customer.id,
        merged=plan.other_ids,
        moved_leads=[lead.id or 0 for lead in plan.moving_leads],
        contacts_moved=sum(1 for move in plan.contacts if move.into is None),
        contacts_merged=len(merged_contacts),
        moved_rows=moved_rows,
        deleted_rows=deleted_rows,
        references=references,
        lead_filled=list(lead_fills),
        customer_filled=list(customer_fills),
        customers_deleted=deleted,
    )
