"""Reading quotes: one quote with its lines and versions, and lists filtered in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from salesflow.i18n import _
from salesflow.store.models import Contact, Customer, Lead, Quote, QuoteLine, User
from salesflow.workflow.errors import InputError, NotFound
from salesflow.workflow.glossary import QUOTE_STATUSES, parse_code
from salesflow.workflow.identity import find_user
from salesflow.workflow.lead_access import parse_lead_id
from salesflow.workflow.quote_status import OPEN_STATUSES, shown_status
from salesflow.workflow.quotes import quote_for_reading
from salesflow.workflow.visibility import scope_for

MAX_LIST = 10_000
MAX_EXPIRING_DAYS = 3660


@dataclass(frozen=True)
class QuoteRow:
    number: str
    version: int
    current: bool
    lead_id: int
    company: str
    owner: str | None
    status: str  # as shown: expired for an open quote past its validity
    total_fen: int
    max_discount_bp: int
    payment_terms: str
    valid_until: date
    created_at: datetime


@dataclass(frozen=True)
class LineView:
    position: int
    sku: str
    name: str
    unit: str
    quantity_milli: int
    list_price_fen: int
    unit_price_fen: int
    discount_bp: int
    tax_rate_bp: int
    subtotal_fen: int
    discount_fen: int
    tax_fen: int
    total_fen: int


@dataclass(frozen=True)
class VersionView:
    version: int
    status: str
    total_fen: int
    created_at: datetime
    superseded_at: datetime | None


@dataclass(frozen=True)
class QuoteView:
    id: int
    number: str
    version: int
    current: bool
    lead_id: int
    company: str
    contact: str | None
    owner: str | None
    status: str
    stored_status: str
    currency: str
    valid_until: date
    payment_terms: str
    payment_terms_note: str | None
    delivery_terms: str | None
    notes: str | None
    discount_bp: int
    max_discount_bp: int
    list_value_fen: int
    subtotal_fen: int
    discount_fen: int
    tax_fen: int
    total_fen: int
    created_at: datetime
    submitted_at: datetime | None
    sent_at: datetime | None
    decided_at: datetime | None
    reject_reason: str | None  # the customer's, when they rejected a sent quote
    superseded_at: datetime | None
    lines: list[LineView]
    versions: list[VersionView]
    # The newest approval request of this version that was rejected (it sent the quote
    # back to draft): who rejected it and why.
    approval_rejected_by: str | None = None
    approval_rejection: str | None = None


def _username(session: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    user = session.get(User, user_id)
    return user.username if user else None


def show_quote(
    session: Session,
    actor: User,
    raw: str,
    *,
    version: int | None = None,
    today: date | None = None,
) -> QuoteView:
    day = today or date.today()
    quote = quote_for_reading(session, actor, raw, version=version)
    assert quote.id is not None
    customer = session.get(Customer, quote.customer_id)
    contact = session.get(Contact, quote.contact_id) if quote.contact_id else None
    lines = session.exec(
        select(QuoteLine).where(QuoteLine.quote_id == quote.id).order_by(col(QuoteLine.position))
    ).all()
    versions = session.exec(
        select(Quote).where(Quote.number == quote.number).order_by(col(Quote.version))
    ).all()
    from salesflow.workflow.approvals import latest_rejection

    rejection = latest_rejection(session, quote.id) if quote.status == "draft" else None
    return QuoteView(
        approval_rejected_by=rejection.decided_by if rejection else None,
        approval_rejection=rejection.comment if rejection else None,
        id=quote.id,
        number=quote.number,
        version=quote.version,
        current=quote.superseded_at is None,
        lead_id=quote.lead_id,
        company=customer.name if customer else "",
        contact=contact.name if contact else None,
        owner=_username(session, quote.owner_id),
        status=shown_status(quote.status, quote.valid_until, day),
        stored_status=quote.status,
        currency=quote.currency,
        valid_until=quote.valid_until,
        payment_terms=quote.payment_terms,
        payment_terms_note=quote.payment_terms_note,
        delivery_terms=quote.delivery_terms,
        notes=quote.notes,
        discount_bp=quote.discount_bp,
        max_discount_bp=quote.max_discount_bp,
        list_value_fen=quote.list_value_fen,
        subtotal_fen=quote.subtotal_fen,
        discount_fen=quote.discount_fen,
        tax_fen=quote.tax_fen,
        total_fen=quote.total_fen,
        created_at=quote.created_at,
        submitted_at=quote.submitted_at,
        sent_at=quote.sent_at,
        decided_at=quote.decided_at,
        reject_reason=quote.reject_reason,
        superseded_at=quote.superseded_at,
        lines=[
            LineView(
                position=line.position,
                sku=line.sku,
                name=line.name,
                unit=line.unit,
                quantity_milli=line.quantity_milli,
                list_price_fen=line.list_price_fen,
                unit_price_fen=line.unit_price_fen,
                discount_bp=line.discount_bp,
                tax_rate_bp=line.tax_rate_bp,
                subtotal_fen=line.subtotal_fen,
                discount_fen=line.discount_fen,
                tax_fen=line.tax_fen,
                total_fen=line.total_fen,
            )
            for line in lines
        ],
        versions=[
            VersionView(
                version=v.version,
                status=shown_status(v.status, v.valid_until, day),
                total_fen=v.total_fen,
                created_at=v.created_at,
                superseded_at=v.superseded_at,
            )
            for v in versions
        ],
    )


def _status_clause(code: str, today: date) -> Any:
    if code == "expired":
        return col(Quote.status).in_(OPEN_STATUSES) & (col(Quote.valid_until) < today)
    if code in OPEN_STATUSES:
        return (col(Quote.status) == code) & (col(Quote.valid_until) >= today)
    return col(Quote.status) == code


def list_quotes(
    session: Session,
    actor: User,
    *,
    lead: int | str | None = None,
    status: str | None = None,
    owner: str | None = None,
    expiring_in: int | None = None,
    all_versions: bool = False,
    limit: int = 100,
    today: date | None = None,
) -> list[QuoteRow]:
    """Quotes on leads the actor may see, newest first, in one query."""
    day = today or date.today()
    if not 1 <= limit <= MAX_LIST:
        raise InputError(
            _("The limit must be between 1 and {most} (--limit).").format(most=MAX_LIST)
        )
    owner_user = User.__table__.alias("owner_user")  # type: ignore[attr-defined]
    statement: Any = (
        select(Quote, Customer.name, owner_user.c.username)
        .join(Lead, col(Lead.id) == col(Quote.lead_id))
        .join(Customer, col(Customer.id) == col(Quote.customer_id))
        .outerjoin(owner_user, owner_user.c.id == col(Quote.owner_id))
        .where(scope_for(session, actor).owner_clause(col(Lead.owner_id)))
    )
    if not all_versions:
        statement = statement.where(col(Quote.superseded_at).is_(None))
    if lead is not None:
        statement = statement.where(col(Quote.lead_id) == parse_lead_id(lead, field="--lead"))
    if status is not None:
        statement = statement.where(
            _status_clause(parse_code(QUOTE_STATUSES, status, field="--status"), day)
        )
    if owner is not None:
        person = find_user(session, owner)
        if person is None:
            raise NotFound(
                _("Unknown user '{name}' (--owner).").format(name=owner),
                hint=_("'salesflow user list' shows the users."),
            )
        statement = statement.where(col(Quote.owner_id) == person.id)
    if expiring_in is not None:
        if not 0 <= expiring_in <= MAX_EXPIRING_DAYS:
            raise InputError(
                _("--expiring-in takes 0 to {most} days.").format(most=MAX_EXPIRING_DAYS)
            )
        statement = statement.where(
            col(Quote.status).in_(OPEN_STATUSES),
            col(Quote.valid_until) >= day,
            col(Quote.valid_until) <= day + timedelta(days=expiring_in),
        )
    statement = statement.order_by(
        col(Quote.created_at).desc(), col(Quote.number).desc(), col(Quote.version).desc()
    ).limit(limit)
    return [
        QuoteRow(
            number=quote.number,
            version=quote.version,
            current=quote.superseded_at is None,
            lead_id=quote.lead_id,
            company=company,
            owner=username,
            status=shown_status(quote.status, quote.valid_until, day),
            total_fen=quote.total_fen,
            max_discount_bp=quote.max_discount_bp,
            payment_terms=quote.payment_terms,
            valid_until=quote.valid_until,
            created_at=quote.created_at,
        )
        for quote, company, username in session.exec(statement).all()
    ]
