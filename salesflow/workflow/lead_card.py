"""The card of one lead: customer, contacts, latest grade breakdown, stage, next step.

Everything ``lead show`` prints, gathered in a few small queries and returned as plain
dataclasses with the stored codes. The latest grading is the grading module's own
:class:`~salesflow.workflow.grading.GradeView` (breakdown decoded by ``parse_breakdown``),
so the card and ``lead grade --history`` read one stored format the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, func, select

from salesflow.store.models import Contact, Customer, ImportBatch, Lead, LeadGrade, User
from salesflow.workflow.activities import latest_activities
from salesflow.workflow.capture import suggest_next_step
from salesflow.workflow.grading import GradeView, latest_grade
from salesflow.workflow.lead_access import customer_of, lead_for_reading
from salesflow.workflow.money import yuan_text
from salesflow.workflow.stage_config import load_stages
from salesflow.workflow.workdays import assignment_overdue, local_date

CARD_ACTIVITIES = 20  # the newest ones; 'activity list --lead ID' shows them all


@dataclass(frozen=True)
class CustomerView:
    id: int
    name: str
    province: str | None
    city: str | None
    county: str | None
    region_code: str | None
    industry: str | None
    employees: int | None
    founded_year: int | None
    lifecycle: str
    value_type: str | None
    personality: str | None
    owner: str | None
    notes: str | None


@dataclass(frozen=True)
class ContactView:
    id: int
    name: str
    title: str | None
    phone: str | None
    email: str | None
    wechat: str | None
    decision_maker: bool
    primary: bool  # the lead's own contact


@dataclass(frozen=True)
class NextStepView:
    """The stored next step, or (``suggested``) what salesflow proposes."""

    date: date | None
    action: str | None
    suggested: bool


@dataclass(frozen=True)
class ActivityView:
    """A logged contact (a call, a visit, ...), newest first on the card."""

    id: int
    kind: str
    occurred_at: datetime
    user: str | None
    summary: str
    outcome: str | None = None
    next_date: date | None = None
    next_action: str | None = None


@dataclass(frozen=True)
class LeadCard:
    id: int
    stage: str
    grade: str | None
    score: int | None
    source: str
    need: str | None
    amount: str | None
    expected_close: date | None
    owner: str | None
    owner_name: str | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    referrer: str | None
    referrer_customer_id: int | None
    lost_reason: str | None
    competitor: str | None
    notes: str | None
    external_ref: str | None
    import_batch_id: int | None
    import_file: str | None
    assignment_overdue: bool
    next_step: NextStepView | None
    customer: CustomerView
    contacts: list[ContactView]
    grading: GradeView | None  # the newest grading, as ``lead grade --history`` lists it
    grade_history: int  # how many gradings the lead has had
    activities: list[ActivityView] = field(default_factory=list)


def _username(session: Session, user_id: int | None) -> User | None:
    return session.get(User, user_id) if user_id is not None else None


def _grading(session: Session, actor: User, lead_id: int) -> tuple[GradeView | None, int]:
    """The newest grading and how many gradings the lead has had."""
    count = session.exec(
        select(func.count()).select_from(LeadGrade).where(col(LeadGrade.lead_id) == lead_id)
    ).one()
    return latest_grade(session, actor, lead_id), int(count)


def _contacts(session: Session, customer_id: int, primary_id: int | None) -> list[ContactView]:
    contacts = session.exec(
        select(Contact).where(Contact.customer_id == customer_id).order_by(col(Contact.id))
    ).all()
    views = [
        ContactView(
            id=c.id or 0,
            name=c.name,
            title=c.title,
            phone=c.phone,
            email=c.email,
            wechat=c.wechat,
            decision_maker=c.decision_maker,
            primary=c.id == primary_id,
        )
        for c in contacts
    ]
    return sorted(views, key=lambda view: not view.primary)


def _next_step(lead: Lead, today: date) -> NextStepView | None:
    if lead.next_step_date is not None or lead.next_step_action:
        return NextStepView(lead.next_step_date, lead.next_step_action, suggested=False)
    if lead.stage in load_stages().closed_codes:
        return None
    # Due dates count from the day the lead came in, so a late step shows as late.
    suggestion = suggest_next_step(lead, min(today, local_date(lead.created_at)))
    return NextStepView(suggestion.due, suggestion.code, suggested=True)


def lead_card(
    session: Session, actor: User, lead_id: int, *, today: date | None = None
) -> LeadCard:
    """Everything about one lead the actor may see (else :class:`NotFound`)."""
    lead = lead_for_reading(session, actor, lead_id)
    assert lead.id is not None
    day = today or date.today()
    customer = customer_of(session, lead)
    owner = _username(session, lead.owner_id)
    creator = _username(session, lead.created_by_id)
    customer_owner = _username(session, customer.owner_id)
    referrer = lead.referrer_name
    if lead.referrer_customer_id is not None:
        referred_by = session.get(Customer, lead.referrer_customer_id)
        referrer = referred_by.name if referred_by else referrer
    batch = session.get(ImportBatch, lead.import_batch_id) if lead.import_batch_id else None
    grading, history = _grading(session, actor, lead.id)
    return LeadCard(
        id=lead.id,
        stage=lead.stage,
        grade=lead.grade,
        score=lead.score,
        source=lead.source,
        need=lead.need,
        amount=yuan_text(lead.amount_fen),
        expected_close=lead.expected_close,
        owner=owner.username if owner else None,
        owner_name=owner.display_name if owner else None,
        created_by=creator.username if creator else None,
        created_at=lead.created_at,
        updated_at=lead.updated_at,
        closed_at=lead.closed_at,
        referrer=referrer,
        referrer_customer_id=lead.referrer_customer_id,
        lost_reason=lead.lost_reason,
        competitor=lead.competitor,
        notes=lead.notes,
        external_ref=lead.external_ref,
        import_batch_id=lead.import_batch_id,
        import_file=batch.file_name if batch else None,
        assignment_overdue=(
            lead.owner_id is None
            and lead.stage not in load_stages().closed_codes
            and assignment_overdue(local_date(lead.created_at), day)
        ),
        next_step=_next_step(lead, day),
        customer=CustomerView(
            id=customer.id or 0,
            name=customer.name,
            province=customer.province,
            city=customer.city,
            county=customer.county,
            region_code=customer.region_code,
            industry=customer.industry,
            employees=customer.employees,
            founded_year=customer.founded_year,
            lifecycle=customer.lifecycle,
            value_type=customer.value_type,
            personality=customer.personality,
            owner=customer_owner.username if customer_owner else None,
            notes=customer.notes,
        ),
        contacts=_contacts(session, customer.id or 0, lead.contact_id),
        grading=grading,
        grade_history=history,
        activities=[
            ActivityView(
                id=row.id,
                kind=row.kind,
                occurred_at=row.occurred_at,
                user=row.user,
                summary=row.summary,
                outcome=row.outcome,
                next_date=row.next_date,
                next_action=row.next_action,
            )
            for row in latest_activities(session, lead.id, limit=CARD_ACTIVITIES)
        ],
    )
