"""Contracts (合同): made from an accepted quote, reviewed by legal, approved, sent, signed.

Flow: ``draft`` -> (submit) ``legal-review`` -> (legal approves) ``pending`` with approval
rows by amount (:func:`contract_approvers`) -> (``approval approve`` of the last one)
``approved`` -> (send) ``sent`` -> (sign) ``signed``. Legal returning it, or an approver
rejecting it, sends it back to ``draft``. Anything before signing can be cancelled.

Signing archives the signed file (:mod:`salesflow.workflow.contract_archive`), wins the
lead, makes the company a customer, schedules return visits 7 and 30 days after the signed
date and dates the instalments due at signing. Every change goes through the audited
session of the caller's unit of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from salesflow.i18n import _, format_date
from salesflow.store.models import (
    Approval,
    Contact,
    Contract,
    ContractLine,
    Customer,
    Lead,
    Quote,
    QuoteLine,
    ServiceVisit,
    User,
)
from salesflow.store.types import utcnow
from salesflow.workflow.activities import clean_activity_text
from salesflow.workflow.approval_rules import DEFAULT_CONTRACT_LIMIT_FEN, load_rules
from salesflow.workflow.capital_numerals import capital_yuan
from salesflow.workflow.contract_archive import archive_copy, check_signed_file, file_sha256
from salesflow.workflow.contract_numbers import next_contract_number, parse_contract_number
from salesflow.workflow.contract_terms import render_terms
from salesflow.workflow.errors import InputError, NotFound, PermissionDenied, Refused
from salesflow.workflow.glossary import (
    CONTRACT_STATUSES,
    PAYMENT_TERMS,
    QUOTE_STATUSES,
    label,
    parse_code,
)
from salesflow.workflow.lead_access import lead_for_reading, lead_for_update, parse_lead_id
from salesflow.workflow.money import yuan_text
from salesflow.workflow.quote_math import quantity_text
from salesflow.workflow.quote_numbers import parse_number
from salesflow.workflow.record_ids import storable
from salesflow.workflow.roles import role_label
from salesflow.workflow.stage_config import load_stages
from salesflow.workflow.visibility import scope_for
from salesflow.workflow.workdays import local_date

NUMBER_ATTEMPTS = 5
MAX_COMMENT = 2000
MAX_SIGNER = 100
# Up to this total (in fen) a manager approves a contract; above it a manager and a director.
VISIT_DAYS = (7, 30)
REVIEWER_ROLE = "legal"
BEFORE_SIGNING = ("draft", "legal-review", "pending", "approved", "sent")


def contract_approvers(
    total_fen: int, limit_fen: int = DEFAULT_CONTRACT_LIMIT_FEN
) -> tuple[str, ...]:
    """The roles that must approve a contract of this total (pure rule; the limit comes
    from approvals.toml, [contract] manager_limit)."""
    return ("manager",) if total_fen <= limit_fen else ("manager", "director")


def _status(code: str) -> str:
    return label(CONTRACT_STATUSES, code)


# -- finding ----------------------------------------------------------------------------


def _missing(number: str) -> NotFound:
    return NotFound(
        _("No contract {number}.").format(number=number),
        hint=_("'salesflow contract list' shows the contracts you can see."),
    )


def contract_for_reading(session: Session, actor: User, raw: str) -> Contract:
    """A contract on a lead the actor may see; legal, who reviews every contract, reads
    them all (SPEC §2.6: legal review)."""
    number = parse_contract_number(raw)
    contract = session.exec(select(Contract).where(Contract.number == number)).first()
    if contract is None:
        raise _missing(number)
    if actor.role == REVIEWER_ROLE:
        return contract
    try:
        lead_for_reading(session, actor, contract.lead_id)
    except NotFound:
        raise _missing(number) from None
    return contract


def contract_for_update(session: Session, actor: User, raw: str) -> tuple[Contract, Lead]:
    """The contract, locked, on a lead the actor may change (the lead is locked first)."""
    number = parse_contract_number(raw)
    contract = session.exec(select(Contract).where(Contract.number == number)).first()
    if contract is None:
        raise _missing(number)
    try:
        lead = lead_for_update(session, actor, contract.lead_id)
    except NotFound:
        raise _missing(number) from None
    session.refresh(contract, with_for_update=True)
    return contract, lead


def _require(contract: Contract, allowed: tuple[str, ...], action: str) -> None:
    if contract.status not in allowed:
        raise Refused(
            _("Contract {number} is {status}; {action}.").format(
                number=contract.number, status=_status(contract.status), action=action
            )
        )


# -- making -----------------------------------------------------------------------------


def _both_languages(table: dict[str, tuple[str, str]], code: str) -> str:
    """'现款现货 Cash on delivery': a code's Chinese and English labels (the code if unknown)."""
    english, chinese = table.get(code, (code, code))
    return chinese if chinese == english else f"{chinese} {english}"


def _terms_values(
    session: Session, contract: Contract, quote: Quote, lines: list[QuoteLine]
) -> dict[str, Any]:
    from salesflow.config import resolve_settings

    settings = resolve_settings()
    customer = session.get(Customer, contract.customer_id)
    contact = session.get(Contact, contract.contact_id) if contract.contact_id else None
    return {
        "contract": {"number": contract.number, "quote": quote.number, "version": quote.version},
        "customer": {"name": customer.name if customer else ""},
        "contact": {"name": contact.name, "phone": getattr(contact, "phone", None)}
        if contact
        else None,
        "lines": [
            {
                "position": line.position,
                "sku": line.sku,
                "name": line.name,
                "unit": line.unit,
                "quantity": quantity_text(line.quantity_milli),
                "unit_price": yuan_text(line.unit_price_fen),
                "discount_bp": line.discount_bp,
                "tax_rate_bp": line.tax_rate_bp,
                "total": yuan_text(line.total_fen),
            }
            for line in lines
        ],
        "totals": {
            "subtotal": yuan_text(quote.subtotal_fen),
            "discount": yuan_text(quote.discount_fen),
            "tax": yuan_text(quote.tax_fen),
            "total": yuan_text(quote.total_fen),
            "currency": quote.currency,
            "capital": capital_yuan(quote.total_fen),
        },
        "payment": {
            "code": quote.payment_terms,
            # The default terms are in both languages, whoever makes the contract.
            "label": _both_languages(PAYMENT_TERMS, quote.payment_terms),
            "note": quote.payment_terms_note,
        },
        "delivery": quote.delivery_terms,
        "company": {
            key.removeprefix("company_"): settings.company_value(key) for key in settings.company
        },
    }


def _template_setting() -> str | None:
    from salesflow.config import resolve_settings

    value = resolve_settings().contract_template.value.strip()
    return value or None


def new_contract(
    session: Session,
    actor: User,
    raw_quote: str,
    *,
    version: int | None = None,
    today: date | None = None,
) -> Contract:
    """Make a draft contract from an accepted quote version (its lines and totals)."""
    day = today or date.today()
    number = parse_number(raw_quote, field="--quote")
    if version is not None and version < 1:
        raise InputError(_("The version must be 1 or more (--version)."))
    statement = select(Quote).where(Quote.number == number)
    if version is not None:
        statement = statement.where(Quote.version == version)
    else:
        statement = statement.where(col(Quote.status) == "accepted")
    # A version the INTEGER column cannot hold (beyond 2**31 - 1) is no version.
    found = version is None or storable(version)
    quote = session.exec(statement.order_by(col(Quote.version).desc())).first() if found else None
    if quote is None and version is None:
        quote = session.exec(
            select(Quote).where(Quote.number == number).order_by(col(Quote.version).desc())
        ).first()
    shown = number if version is None else f"{number} v{version}"
    missing = NotFound(
        _("No quote {number} (--quote).").format(number=shown),
        hint=_("'salesflow quote list' shows the quotes you can see."),
    )
    if quote is None:
        raise missing
    try:
        lead = lead_for_update(session, actor, quote.lead_id)
    except NotFound:
        raise missing from None
    session.refresh(quote)
    if quote.status != "accepted":
        raise Refused(
            _(
                "Quote {number} v{version} is {status}; a contract is made from an accepted "
                "quote (--quote)."
            ).format(
                number=quote.number,
                version=quote.version,
                status=label(QUOTE_STATUSES, quote.status),
            ),
            hint=_("'salesflow quote accept {number}' records the customer's acceptance.").format(
                number=quote.number
            ),
        )
    existing = session.exec(
        select(Contract.number)
        .join(Quote, col(Quote.id) == col(Contract.quote_id))
        .where(Quote.number == quote.number, col(Contract.status) != "cancelled")
    ).first()
    if existing is not None:
        raise Refused(
            _(
                "Quote {number} already has contract {contract}; one contract per quote (--quote)."
            ).format(number=quote.number, contract=existing),
            hint=_("'salesflow contract show {contract}' shows it.").format(contract=existing),
        )
    assert quote.id is not None
    assert actor.id is not None
    lines = list(
        session.exec(
            select(QuoteLine)
            .where(QuoteLine.quote_id == quote.id)
            .order_by(col(QuoteLine.position))
        ).all()
    )
    now = utcnow()
    contract = Contract(
        number="",
        quote_id=quote.id,
        lead_id=quote.lead_id,
        customer_id=quote.customer_id,
        contact_id=quote.contact_id,
        owner_id=lead.owner_id,
        created_by_id=actor.id,
        status="draft",
        currency=quote.currency,
        subtotal_fen=quote.subtotal_fen,
        discount_fen=quote.discount_fen,
        tax_fen=quote.tax_fen,
        total_fen=quote.total_fen,
        payment_terms=quote.payment_terms,
        payment_terms_note=quote.payment_terms_note,
        delivery_terms=quote.delivery_terms,
        terms_text="",
        template="",
        created_at=now,
        updated_at=now,
    )
    template = _template_setting()
    for attempt in range(NUMBER_ATTEMPTS):
        contract.number = next_contract_number(session, day)
        contract.terms_text, contract.template = render_terms(
            _terms_values(session, contract, quote, lines), template
        )
        try:
            with session.begin_nested():
                session.add(contract)
                session.flush()
            break
        except IntegrityError:
            if attempt + 1 == NUMBER_ATTEMPTS:
                raise
    copy_lines(session, contract, lines)
    return contract


def copy_lines(session: Session, contract: Contract, lines: Sequence[QuoteLine]) -> None:
    """The contract's lines: copies of its quote's, so it keeps what was agreed."""
    assert contract.id is not None
    copied = ("position", "product_id", "sku", "name", "unit", "quantity_milli")
    money = ("unit_price_fen", "discount_bp", "tax_rate_bp", "subtotal_fen")
    totals = ("discount_fen", "tax_fen", "total_fen")
    for line in lines:
        values = {name: getattr(line, name) for name in (*copied, *money, *totals)}
        session.add(ContractLine(contract_id=contract.id, **values))
    session.flush()


# -- the review and approval flow -------------------------------------------------------


def submit_contract(session: Session, actor: User, raw: str) -> Contract:
    contract, _lead = contract_for_update(session, actor, raw)
    _require(contract, ("draft",), _("only a draft is submitted for legal review"))
    contract.status = "legal-review"
    contract.updated_at = utcnow()
    session.add(contract)
    session.flush()
    return contract


def review_contract(
    session: Session, actor: User, raw: str, *, approve: bool, comment: str | None
) -> tuple[Contract, list[Approval]]:
    """Legal's review: approve (-> pending, approval rows by amount) or return (-> draft)."""
    text = clean_activity_text(comment, option="--comment", limit=MAX_COMMENT)
    if actor.role != REVIEWER_ROLE:
        raise PermissionDenied(
            _("Contracts are reviewed by {role}; you are {mine}.").format(
                role=role_label(REVIEWER_ROLE), mine=role_label(actor.role)
            )
        )
    if not approve and text is None:
        raise InputError(_("Returning a contract needs a comment saying why (--comment)."))
    number = parse_contract_number(raw)
    contract = session.exec(select(Contract).where(Contract.number == number)).first()
    if contract is None:
        raise _missing(number)
    session.get(Lead, contract.lead_id, with_for_update=True)
    session.refresh(contract, with_for_update=True)
    _require(contract, ("legal-review",), _("only a contract in legal review is reviewed"))
    assert actor.id is not None
    assert contract.id is not None
    now = utcnow()
    contract.reviewed_by_id = actor.id
    contract.reviewed_at = now
    contract.review_comment = text
    contract.updated_at = now
    rows: list[Approval] = []
    if approve:
        contract.status = "pending"
        requester = contract.owner_id or contract.created_by_id or actor.id
        rows = [
            Approval(
                kind="contract",
                status="pending",
                contract_id=contract.id,
                requested_by_id=requester,
                requested_at=now,
                required_role=role,
                detail=contract.number,
            )
            for role in contract_approvers(
                contract.total_fen, load_rules().contract_manager_limit_fen
            )
        ]
        session.add_all(rows)
    else:
        contract.status = "draft"
    session.add(contract)
    session.flush()
    return contract, rows


def send_contract(session: Session, actor: User, raw: str) -> Contract:
    contract, _lead = contract_for_update(session, actor, raw)
    _require(contract, ("approved",), _("only an approved contract is sent"))
    now = utcnow()
    contract.status = "sent"
    contract.sent_at = now
    contract.updated_at = now
    session.add(contract)
    session.flush()
    return contract


def cancel_contract(session: Session, actor: User, raw: str, *, reason: str | None) -> Contract:
    text = clean_activity_text(reason, option="--reason", limit=MAX_COMMENT)
    if text is None:
        raise InputError(_("Cancelling a contract needs a reason (--reason)."))
    contract, _lead = contract_for_update(session, actor, raw)
    _require(contract, BEFORE_SIGNING, _("only a contract not yet signed is cancelled"))
    now = utcnow()
    for pending in session.exec(
        select(Approval).where(Approval.contract_id == contract.id, Approval.status == "pending")
    ).all():
        pending.status = "withdrawn"
        pending.decided_at = now
        session.add(pending)
    contract.status = "cancelled"
    contract.cancelled_at = now
    contract.review_comment = text if contract.review_comment is None else contract.review_comment
    contract.updated_at = now
    session.add(contract)
    session.flush()
    return contract


# -- signing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignResult:
    number: str
    archived: Path
    sha256: str
    lead_id: int
    lead_moved: bool
    visits: tuple[date, ...]
    dues_dated: int


def _win_lead(session: Session, actor: User, lead: Lead, number: str) -> bool:
    """Move the lead to the won stage now that its contract is signed; whether it moved."""
    from salesflow.workflow.pipeline_moves import GateRefused, advance_lead, record_move

    config = load_stages()
    if lead.stage == config.won:
        return False
    note = _("Contract {number} signed.").format(number=number)
    if lead.stage in config.open_codes:
        try:
            with session.begin_nested():
                advance_lead(session, actor, lead.id or 0, to=config.won, note=note, config=config)
            return True
        except GateRefused:
            pass  # an earlier stage's gate: the signature wins it all the same, below
    now = utcnow()
    record_move(session, actor, lead, config.won, note=note, now=now)
    lead.closed_at = now
    lead.next_step_date = None
    lead.next_step_action = None
    session.add(lead)
    return True


def sign_contract(
    session: Session,
    actor: User,
    raw: str,
    *,
    signed_on: date,
    signer: str | None,
    file: str,
    archived: list[Path],
    today: date | None = None,
) -> SignResult:
    """Record the signature of a sent contract and archive the signed file.

    The archived path is appended to ``archived`` as soon as it exists, so the caller can
    remove it when the transaction does not commit.
    """
    day = today or date.today()
    name = clean_activity_text(signer, option="--signer", limit=MAX_SIGNER, multiline=False)
    if name is None:
        raise InputError(_("Who signed for the customer is required (--signer)."))
    if signed_on > day:
        raise InputError(
            _("The signed date {date} is in the future (--signed-on).").format(
                date=format_date(signed_on)
            )
        )
    source = check_signed_file(file)
    contract, lead = contract_for_update(session, actor, raw)
    _require(contract, ("sent",), _("only a sent contract is signed"))
    assert contract.id is not None
    made_on = local_date(contract.created_at)
    if signed_on < made_on:
        raise InputError(
            _(
                "The signed date {date} is before contract {number} was made ({made}) "
                "(--signed-on)."
            ).format(date=format_date(signed_on), number=contract.number, made=format_date(made_on))
        )
    target, digest = archive_copy(source, contract.number)
    archived.append(target)
    now = utcnow()
    contract.status = "signed"
    contract.signed_on = signed_on
    contract.signer = name
    contract.signed_file = str(target)
    contract.signed_sha256 = digest
    contract.signed_at = now
    contract.updated_at = now
    session.add(contract)
    session.flush()
    moved = _win_lead(session, actor, lead, contract.number)
    customer = session.get(Customer, contract.customer_id, with_for_update=True)
    if customer is not None and customer.lifecycle != "customer":
        customer.lifecycle = "customer"
        session.add(customer)
    visits = tuple(signed_on + timedelta(days=days) for days in VISIT_DAYS)
    for when in visits:
        session.add(
            ServiceVisit(
                customer_id=contract.customer_id,
                contract_id=contract.id,
                user_id=contract.owner_id,
                status="scheduled",
                scheduled_on=when,
            )
        )
    from salesflow.workflow.payments import date_sign_instalments

    dated = date_sign_instalments(session, contract)
    session.flush()
    return SignResult(
        number=contract.number,
        archived=target,
        sha256=digest,
        lead_id=lead.id or 0,
        lead_moved=moved,
        visits=visits,
        dues_dated=dated,
    )


@dataclass(frozen=True)
class Verification:
    number: str
    path: str
    expected: str
    actual: str | None  # None: the file is missing

    @property
    def ok(self) -> bool:
        return self.actual == self.expected


def verify_contract(session: Session, actor: User, raw: str) -> Verification:
    contract = contract_for_reading(session, actor, raw)
    if contract.signed_file is None or contract.signed_sha256 is None:
        raise Refused(
            _("Contract {number} is {status}; only a signed contract has a file to verify.").format(
                number=contract.number, status=_status(contract.status)
            )
        )
    path = Path(contract.signed_file)
    try:
        actual: str | None = file_sha256(path)
    except OSError:
        actual = None
    return Verification(contract.number, str(path), contract.signed_sha256, actual)


# -- reading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractRow:
    number: str
    status: str
    quote: str
    version: int
    lead_id: int
    company: str
    owner: str | None
    total: str | None
    signed_on: date | None
    created_at: Any


def list_contracts(
    session: Session,
    actor: User,
    *,
    status: str | None = None,
    owner: str | None = None,
    lead: str | None = None,
    limit: int = 100,
) -> list[ContractRow]:
    """Contracts on leads the actor may see, newest first."""
    from sqlalchemy.orm import aliased

    code = parse_code(CONTRACT_STATUSES, status, field="--status") if status else None
    owner_user = aliased(User)
    statement: Any = (
        select(Contract, Quote.number, Quote.version, Customer.name, owner_user.username)  # type: ignore[call-overload]
        .join(Quote, col(Quote.id) == col(Contract.quote_id))
        .join(Lead, col(Lead.id) == col(Contract.lead_id))
        .join(Customer, col(Customer.id) == col(Contract.customer_id))
        .outerjoin(owner_user, col(owner_user.id) == col(Contract.owner_id))
    )
    if actor.role != REVIEWER_ROLE:  # legal reviews, so reads, every contract
        statement = statement.where(scope_for(session, actor).owner_clause(col(Lead.owner_id)))
    if code is not None:
        statement = statement.where(col(Contract.status) == code)
    if owner is not None:
        user = session.exec(select(User).where(User.username == owner.strip().lower())).first()
        if user is None:
            raise InputError(_("No user '{name}' (--owner).").format(name=owner))
        statement = statement.where(col(Contract.owner_id) == user.id)
    if lead is not None:
        statement = statement.where(col(Contract.lead_id) == parse_lead_id(lead, field="--lead"))
    statement = statement.order_by(col(Contract.created_at).desc(), col(Contract.id).desc())
    return [
        ContractRow(
            number=contract.number,
            status=contract.status,
            quote=quote_number,
            version=quote_version,
            lead_id=contract.lead_id,
            company=company,
            owner=owner_name,
            total=yuan_text(contract.total_fen),
            signed_on=contract.signed_on,
            created_at=contract.created_at,
        )
        for contract, quote_number, quote_version, company, owner_name in session.exec(
            statement.limit(limit)
        ).all()
    ]


def contract_lines(session: Session, contract: Contract) -> list[ContractLine]:
    return list(
        session.exec(
            select(ContractLine)
            .where(ContractLine.contract_id == contract.id)
            .order_by(col(ContractLine.position))
        ).all()
    )


def contract_approvals(session: Session, contract: Contract) -> list[Approval]:
    return list(
        session.exec(
            select(Approval).where(Approval.contract_id == contract.id).order_by(col(Approval.id))
        ).all()
    )
