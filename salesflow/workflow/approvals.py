"""Approvals of quotes (审批): submitting a quote, deciding a request, listing them.

The rules (who may give what, who decides the rest) are pure and live in
:mod:`salesflow.workflow.approval_rules`. Here they meet the database:

* :func:`submit_quote` takes the current version of a draft quote, works out what it
  needs (its largest discount against the authority of its owner, or of the requester when
  it has no owner; its payment terms), writes one pending :class:`Approval` per need and
  sets the quote to pending, or straight to approved when it needs nothing.
* :func:`decide_approval` approves or rejects one pending request. The quote is locked
  first (``SELECT ... FOR UPDATE``), so two decisions on one quote take turns and the last
  approval is never missed; the request itself is then claimed with a conditional update
  (``UPDATE approvals ... WHERE id = ? AND status = 'pending'``), so of two people deciding
  the same request at once exactly one wins and the other is told it was decided. That
  update bypasses the ORM, so its audit event and changes are written here, in the same
  form the audited session writes. When no request of the quote is left pending the quote
  is approved; a rejection sends it back to draft and withdraws its other pending requests.
* :func:`list_approvals` and :func:`decidable_by`, shared with ``salesflow today``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, update
from sqlalchemy import select as select_columns
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from salesflow.i18n import _, format_date
from salesflow.store.audit import ACTOR_KEY, MissingActorError, audit_text
from salesflow.store.models import (
    Approval,
    AuditChange,
    AuditEvent,
    Contract,
    Customer,
    Lead,
    Quote,
    User,
)
from salesflow.store.types import utcnow
from salesflow.workflow.activities import clean_activity_text
from salesflow.workflow.approval_rules import (
    ApprovalRules,
    approvals_needed,
    asked_text,
    check_may_decide,
    load_rules,
)
from salesflow.workflow.errors import InputError, NotFound, PermissionDenied, Refused
from salesflow.workflow.glossary import (
    APPROVAL_STATUSES,
    CONTRACT_STATUSES,
    QUOTE_STATUSES,
    label,
    parse_code,
)
from salesflow.workflow.lead_access import lead_for_update
from salesflow.workflow.money import percent_text, yuan_text
from salesflow.workflow.quote_numbers import parse_number
from salesflow.workflow.record_ids import storable
from salesflow.workflow.roles import SEES_EVERYTHING, role_label
from salesflow.workflow.visibility import scope_for
from salesflow.workflow.workdays import local_date

MAX_COMMENT = 2000
MAX_LIST = 10_000


@dataclass(frozen=True)
class RequestedApproval:
    id: int
    kind: str
    required_role: str
    discount_bp: int | None
    detail: str | None

    @property
    def asked(self) -> str:
        return asked_text(self.kind, self.discount_bp, self.detail)


@dataclass(frozen=True)
class SubmitResult:
    number: str
    version: int
    status: str  # pending, or approved when nothing needed approval
    approvals: tuple[RequestedApproval, ...]
    authority_bp: int  # the authority the discount was compared with
    discount_bp: int


@dataclass(frozen=True)
class DecisionResult:
    approval_id: int
    status: str  # approved | rejected
    number: str
    version: int
    quote_status: str  # the quote's status after the decision
    still_pending: int  # requests of the quote still waiting
    withdrawn: int  # other requests withdrawn by a rejection
    contract: bool = False  # a contract approval: number and quote_status are the contract's


@dataclass(frozen=True)
class ApprovalRow:
    """One approval as ``approval list`` and the agenda show it."""

    id: int
    status: str
    kind: str
    asked: str
    discount: str | None  # percent text, for a discount
    payment_terms: str | None  # the terms code, for payment terms
    quote: str
    version: int
    quote_status: str
    lead_id: int
    company: str
    total: str | None  # the quote's total, exact yuan
    required_role: str
    requested_by: str
    requested_at: datetime
    days_waiting: int
    decided_by: str | None
    decided_at: datetime | None
    comment: str | None
    contract: str | None = None  # the contract number, for a contract approval


# -- submitting ------------------------------------------------------------------------


def _current_quote(session: Session, actor: User, raw: str) -> tuple[Quote, Lead]:
    """The current version of a quote on a lead the actor may change, locked."""
    number = parse_number(raw)
    quote = session.exec(
        select(Quote)
        .where(Quote.number == number, col(Quote.superseded_at).is_(None))
        .order_by(col(Quote.version).desc())
    ).first()
    missing = NotFound(
        _("No quote {number}.").format(number=number),
        hint=_("'salesflow quote list' shows the quotes you can see."),
    )
    if quote is None:
        raise missing
    try:
        lead = lead_for_update(session, actor, quote.lead_id)
    except NotFound:
        raise missing from None
    # Changes to a quote lock its lead first: now the current version is stable.
    session.expire(quote)
    quote = session.exec(
        select(Quote)
        .where(Quote.number == number, col(Quote.superseded_at).is_(None))
        .order_by(col(Quote.version).desc())
    ).first()
    if quote is None:
        raise missing
    session.refresh(quote, with_for_update=True)
    if quote.owner_id != lead.owner_id:
        quote.owner_id = lead.owner_id
    return quote, lead


def authority_of(rules: ApprovalRules, user: User) -> int:
    return rules.authority(user.role, user.discount_authority_bp)


def submit_quote(
    session: Session,
    actor: User,
    raw: str,
    *,
    today: date | None = None,
    rules: ApprovalRules | None = None,
) -> SubmitResult:
    """Ask for the approvals a draft quote needs (see the module doc)."""
    rules = rules or load_rules()
    day = today or date.today()
    quote, _lead = _current_quote(session, actor, raw)
    assert quote.id is not None
    assert actor.id is not None
    if quote.status != "draft":
        raise Refused(
            _("Quote {number} is {status}; only a draft is submitted for approval.").format(
                number=quote.number, status=label(QUOTE_STATUSES, quote.status)
            ),
            hint=_("'salesflow approval list --mine' shows your requests."),
        )
    if quote.valid_until < day:
        raise Refused(
            _("Quote {number} expired on {date}; an expired quote is not submitted.").format(
                number=quote.number, date=format_date(quote.valid_until)
            ),
            hint=_("Revise it with a new validity: 'salesflow quote revise {number}'.").format(
                number=quote.number
            ),
        )
    # The discount is checked against the authority of the lead's current owner (the
    # quote follows its lead: _current_quote brought its owner up to date), or of the
    # submitter for an unassigned lead.
    owner = session.get(User, quote.owner_id) if quote.owner_id is not None else None
    authority = authority_of(rules, owner or actor)
    needs = approvals_needed(
        rules,
        discount_bp=quote.max_discount_bp,
        authority_bp=authority,
        payment_terms=quote.payment_terms,
    )
    now = utcnow()
    rows = [
        Approval(
            kind=need.kind,
            status="pending",
            quote_id=quote.id,
            requested_by_id=actor.id,
            requested_at=now,
            required_role=need.required_role,
            discount_bp=need.discount_bp,
            detail=need.detail,
        )
        for need in needs
    ]
    session.add_all(rows)
    quote.status = "pending" if needs else "approved"
    quote.submitted_at = now
    quote.updated_at = now
    session.add(quote)
    session.flush()
    return SubmitResult(
        number=quote.number,
        version=quote.version,
        status=quote.status,
        approvals=tuple(
            RequestedApproval(
                id=row.id or 0,
                kind=row.kind,
                required_role=row.required_role,
                discount_bp=row.discount_bp,
                detail=row.detail,
            )
            for row in rows
        ),
        authority_bp=authority,
        discount_bp=quote.max_discount_bp,
    )


# -- deciding --------------------------------------------------------------------------


def parse_approval_id(raw: str | int, *, field: str = "ID") -> int:
    """An approval number as people write it: 7, #7 or A7."""
    text = str(raw).strip().lstrip("#").removeprefix("A").removeprefix("a")
    if not text.isdecimal() or len(text) > 12:
        raise InputError(
            _("'{value}' is not an approval number ({field}).").format(value=raw, field=field),
            hint=_("'salesflow approval list' shows the numbers."),
        )
    return int(text)


def _decided_already(session: Session, approval: Approval) -> Refused:
    decider = session.get(User, approval.decided_by_id) if approval.decided_by_id else None
    if approval.status == "withdrawn":
        return Refused(
            _("Approval {id} was withdrawn: its quote changed; nothing is left to decide.").format(
                id=approval.id
            )
        )
    return Refused(
        _("Approval {id} is already {status}{by}; it cannot be decided again.").format(
            id=approval.id,
            status=label(APPROVAL_STATUSES, approval.status).lower(),
            by=_(" by {name}").format(name=decider.username) if decider else "",
        )
    )


def _claim(
    session: Session, approval_id: int, values: dict[str, Any], before: dict[str, Any]
) -> bool:
    """Set ``values`` on the request if it is still pending; audited; whether it was."""
    if ACTOR_KEY not in session.info:
        raise MissingActorError("a decision without an acting user")
    table: Any = Approval.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    result = connection.execute(
        update(table).where(table.c.id == approval_id, table.c.status == "pending").values(**values)
    )
    if int(result.rowcount or 0) != 1:
        return False
    event = connection.execute(
        insert(AuditEvent.__table__).values(  # type: ignore[attr-defined]
            occurred_at=values["decided_at"],
            actor_id=session.info[ACTOR_KEY],
            action="update",
            entity=Approval.__tablename__,
            entity_id=str(approval_id),
        )
    )
    changes = [
        {
            "event_id": event.inserted_primary_key[0],  # type: ignore[index]
            "field": field,
            "old_value": audit_text(before.get(field)),
            "new_value": audit_text(value),
        }
        for field, value in sorted(values.items())
        if audit_text(before.get(field)) != audit_text(value)
    ]
    if changes:
        connection.execute(insert(AuditChange.__table__), changes)  # type: ignore[attr-defined]
    return True


def decide_approval(
    session: Session,
    actor: User,
    raw_id: str | int,
    *,
    approve: bool,
    comment: str | None = None,
    rules: ApprovalRules | None = None,
) -> DecisionResult:
    """Approve or reject one pending request (see the module doc)."""
    rules = rules or load_rules()
    approval_id = parse_approval_id(raw_id)
    text = clean_activity_text(comment, option="--comment", limit=MAX_COMMENT)
    if not approve and text is None:
        raise InputError(
            _("A rejection needs a reason (--comment)."),
            hint=_("Say what would make it acceptable, e.g. --comment 'at most 15%'."),
        )
    approval = session.get(Approval, approval_id) if storable(approval_id) else None
    if approval is None:
        raise NotFound(
            _("No approval {id}.").format(id=approval_id),
            hint=_("'salesflow approval list' shows what waits for you."),
        )
    if approval.contract_id is not None:
        return _decide_contract(session, actor, approval, approve=approve, text=text, rules=rules)
    if approval.quote_id is None:
        raise Refused(
            _("Approval {id} is on neither a quote nor a contract.").format(id=approval_id)
        )
    quote = session.get(Quote, approval.quote_id, with_for_update=True)
    assert quote is not None
    assert actor.id is not None
    session.refresh(approval)  # as it is now that the quote is ours
    if approval.status != "pending":
        raise _decided_already(session, approval)
    if quote.superseded_at is not None or quote.status != "pending":
        raise Refused(
            _("Quote {number} v{version} is no longer waiting for approval ({status}).").format(
                number=quote.number,
                version=quote.version,
                status=label(QUOTE_STATUSES, quote.status)
                if quote.superseded_at is None
                else _("superseded"),
            )
        )
    lead = session.get(Lead, quote.lead_id)
    assert lead is not None
    scope = scope_for(session, actor)
    check_may_decide(
        rules,
        approval_id=approval_id,
        actor_id=actor.id,
        actor_role=actor.role,
        actor_authority_bp=authority_of(rules, actor),
        required_role=approval.required_role,
        discount_bp=approval.discount_bp if approval.kind == "discount" else None,
        requested_by_id=approval.requested_by_id,
        quote_owner_id=quote.owner_id,
        in_actor_team=actor.role in SEES_EVERYTHING or scope.can_see(lead.owner_id),
    )
    status, still_pending, withdrawn, now = _settle(
        session, actor, approval, approve=approve, text=text, of=Approval.quote_id == quote.id
    )
    if not approve:
        quote.status = "draft"
    elif not still_pending:
        quote.status = "approved"
    quote.updated_at = now
    session.add(quote)
    session.flush()
    return DecisionResult(
        approval_id=approval_id,
        status=status,
        number=quote.number,
        version=quote.version,
        quote_status=quote.status,
        still_pending=still_pending,
        withdrawn=withdrawn,
    )


def _settle(
    session: Session, actor: User, approval: Approval, *, approve: bool, text: str | None, of: Any
) -> tuple[str, int, int, datetime]:
    """Claim the decision (a conditional update: exactly one of two deciders wins); on a
    rejection withdraw the other pending requests ``of`` the same quote or contract.
    Returns (status, requests still pending, requests withdrawn, when)."""
    assert approval.id is not None
    now = utcnow()
    status = "approved" if approve else "rejected"
    values = {"status": status, "decided_by_id": actor.id, "decided_at": now, "comment": text}
    before = {"status": "pending", "decided_by_id": None, "decided_at": None, "comment": None}
    if not _claim(session, approval.id, values, before):
        session.refresh(approval)
        raise _decided_already(session, approval)
    session.expire(approval)
    pending = list(session.exec(select(Approval).where(of, Approval.status == "pending")).all())
    if approve:
        return status, len(pending), 0, now
    for other in pending:
        other.status = "withdrawn"
        other.decided_at = now
        session.add(other)
    return status, 0, len(pending), now


def _decide_contract(
    session: Session,
    actor: User,
    approval: Approval,
    *,
    approve: bool,
    text: str | None,
    rules: ApprovalRules,
) -> DecisionResult:
    """A contract approval: the last one approves the contract, a rejection sends it back
    to draft and withdraws its other pending requests."""
    assert approval.id is not None
    assert actor.id is not None
    approval_id = approval.id
    contract = session.get(Contract, approval.contract_id, with_for_update=True)
    assert contract is not None
    session.refresh(approval)
    if approval.status != "pending":
        raise _decided_already(session, approval)
    if contract.status != "pending":
        raise Refused(
            _("Contract {number} is no longer waiting for approval ({status}).").format(
                number=contract.number, status=label(CONTRACT_STATUSES, contract.status)
            )
        )
    lead = session.get(Lead, contract.lead_id)
    assert lead is not None
    scope = scope_for(session, actor)
    check_may_decide(
        rules,
        approval_id=approval_id,
        actor_id=actor.id,
        actor_role=actor.role,
        actor_authority_bp=authority_of(rules, actor),
        required_role=approval.required_role,
        discount_bp=None,
        requested_by_id=approval.requested_by_id,
        quote_owner_id=contract.owner_id,
        in_actor_team=actor.role in SEES_EVERYTHING or scope.can_see(lead.owner_id),
    )
    if not rules.reaches(actor.role, approval.required_role):
        raise PermissionDenied(
            _("Approval {id} needs a {role}; you are {mine}.").format(
                id=approval_id,
                role=role_label(approval.required_role),
                mine=role_label(actor.role),
            )
        )
    signed_off = session.exec(
        select(Approval.id).where(
            Approval.contract_id == contract.id,
            Approval.id != approval_id,
            Approval.status == "approved",
            Approval.decided_by_id == actor.id,
        )
    ).first()
    if approve and signed_off is not None:
        # "A manager and a director as well": two sign-offs by two people.
        raise Refused(
            _(
                "You already approved contract {number} (request {other}); its other "
                "approval must come from someone else."
            ).format(number=contract.number, other=signed_off),
            hint=_("'salesflow approval list' shows who else may decide it."),
        )
    status, still_pending, withdrawn, now = _settle(
        session,
        actor,
        approval,
        approve=approve,
        text=text,
        of=Approval.contract_id == contract.id,
    )
    if not approve:
        contract.status = "draft"
    elif not still_pending:
        contract.status = "approved"
    contract.updated_at = now
    session.add(contract)
    session.flush()
    return DecisionResult(
        approval_id=approval_id,
        status=status,
        number=contract.number,
        version=0,
        quote_status=contract.status,
        still_pending=still_pending,
        withdrawn=withdrawn,
        contract=True,
    )


# -- listing ---------------------------------------------------------------------------


def decidable_by(
    session: Session, decider: User, rules: ApprovalRules, *, waiting: bool = True
) -> list[Any] | None:
    """WHERE clauses for the requests ``decider`` may decide (``None``: none at all).

    With ``waiting`` (the default) only those still to decide: pending, on a current
    quote that waits for approval; without it, decided ones of the same remit too.
    Joined tables: :class:`Approval`, :class:`Quote` and :class:`Lead`.
    """
    if rules.rank(decider.role) is None or not decider.active:
        return None
    assert decider.id is not None
    roles = sorted(
        {role for role in rules.approvers if rules.reaches(decider.role, role)} | {decider.role}
    )
    authority = authority_of(rules, decider)
    still = [
        col(Approval.status) == "pending",
        or_(
            and_(
                col(Approval.contract_id).is_(None),
                col(Quote.status) == "pending",
                col(Quote.superseded_at).is_(None),
            ),
            and_(col(Approval.contract_id).is_not(None), col(Contract.status) == "pending"),
        ),
    ]
    return [
        *(still if waiting else []),
        col(Approval.required_role).in_(roles),
        col(Approval.requested_by_id) != decider.id,
        or_(col(Quote.owner_id).is_(None), col(Quote.owner_id) != decider.id),
        or_(
            col(Approval.kind) != "discount",
            col(Approval.discount_bp).is_(None),
            col(Approval.discount_bp) <= authority,
        ),
        scope_for(session, decider).owner_clause(col(Lead.owner_id)),
    ]


def approval_listing(*extra: Any) -> Any:
    """Approvals with their quote, lead, company, requester and decider."""
    requester = aliased(User, name="requester")
    decider = aliased(User, name="decider")
    return (
        select_columns(
            Approval,
            col(Quote.number),
            col(Quote.version),
            col(Quote.status),
            col(Quote.total_fen),
            col(Lead.id),
            col(Customer.name),
            col(requester.username),
            col(decider.username),
            *extra,
            col(Contract.number).label("contract_number"),
            col(Contract.total_fen).label("contract_total_fen"),
            col(Contract.status).label("contract_status"),
        )
        .outerjoin(Contract, col(Contract.id) == col(Approval.contract_id))
        .join(Quote, col(Quote.id) == func.coalesce(col(Approval.quote_id), col(Contract.quote_id)))
        .join(Lead, col(Lead.id) == col(Quote.lead_id))
        .join(Customer, col(Customer.id) == col(Lead.customer_id))
        .join(requester, col(requester.id) == col(Approval.requested_by_id))
        .outerjoin(decider, col(decider.id) == col(Approval.decided_by_id))
    )


def approval_row(record: Any, day: date) -> ApprovalRow:
    approval: Approval = record[0]
    number, version, quote_status, total_fen, lead_id, company, requester, decider = record[1:9]
    contract = getattr(record, "contract_number", None)
    if contract is not None:
        total_fen = record.contract_total_fen
    return ApprovalRow(
        id=approval.id or 0,
        status=approval.status,
        kind=approval.kind,
        asked=asked_text(approval.kind, approval.discount_bp, approval.detail),
        discount=percent_text(approval.discount_bp) if approval.kind == "discount" else None,
        payment_terms=approval.detail if approval.kind == "payment-terms" else None,
        quote=number,
        version=version,
        quote_status=quote_status,
        lead_id=lead_id,
        company=company,
        total=yuan_text(total_fen),
        required_role=approval.required_role,
        requested_by=requester,
        requested_at=approval.requested_at,
        days_waiting=max(0, (day - local_date(approval.requested_at)).days),
        decided_by=decider,
        decided_at=approval.decided_at,
        comment=approval.comment,
        contract=contract,
    )


def list_approvals(
    session: Session,
    actor: User,
    *,
    mine: bool = False,
    everything: bool = False,
    status: str | None = None,
    limit: int = 100,
    today: date | None = None,
    rules: ApprovalRules | None = None,
) -> list[ApprovalRow]:
    """What waits for the actor (default), what they asked for (``mine``), or everything.

    Waiting requests come oldest first; the others newest first.
    """
    rules = rules or load_rules()
    day = today or date.today()
    if mine and everything:
        raise InputError(_("Pass either --mine or --all, not both."))
    if not 1 <= limit <= MAX_LIST:
        raise InputError(
            _("The limit must be between 1 and {most} (--limit).").format(most=MAX_LIST)
        )
    code = parse_code(APPROVAL_STATUSES, status, field="--status") if status else None
    statement = approval_listing()
    assert actor.id is not None
    if everything:
        if actor.role not in SEES_EVERYTHING:
            raise PermissionDenied(
                _("Only a director or admin lists every approval; you are {role}.").format(
                    role=role_label(actor.role)
                ),
                hint=_(
                    "'salesflow approval list' shows what waits for you; --mine what you asked."
                ),
            )
        order = [col(Approval.requested_at).desc(), col(Approval.id).desc()]
    elif mine:
        # Only on leads the actor still sees: a rep whose lead went to a colleague no
        # longer reads that quote through the requests they once made.
        statement = statement.where(
            col(Approval.requested_by_id) == actor.id,
            scope_for(session, actor).owner_clause(col(Lead.owner_id)),
        )
        order = [col(Approval.requested_at).desc(), col(Approval.id).desc()]
    else:
        where = decidable_by(session, actor, rules, waiting=code in (None, "pending"))
        if where is None:
            return []
        statement = statement.where(and_(*where))
        order = [col(Approval.requested_at), col(Approval.id)]
    if code is not None:
        statement = statement.where(col(Approval.status) == code)
    statement = statement.order_by(*order).limit(limit)
    return [approval_row(record, day) for record in session.execute(statement).all()]


def latest_rejection(session: Session, quote_id: int) -> ApprovalRow | None:
    """The newest rejected request of a quote version (for ``quote show``), if any."""
    statement = (
        approval_listing()
        .where(col(Approval.quote_id) == quote_id, col(Approval.status) == "rejected")
        .order_by(col(Approval.decided_at).desc(), col(Approval.id).desc())
        .limit(1)
    )
    record = session.execute(statement).first()
    return approval_row(record, date.today()) if record is not None else None
