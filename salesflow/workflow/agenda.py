"""My agenda for one day (``salesflow today``): what needs doing, section by section.

The agenda belongs to one person, its *owner* (the acting user, or someone whose records
the actor may see: :func:`agenda_owner`). It is a list of sections, each produced by a
function in :data:`SECTIONS`, the registry that later features extend: approvals waiting
for me (the approvals issue), quotes about to expire (quotes), payments due (payments) and
care dates such as birthdays and festivals (after-sales) each append one ``(key, function)``
pair there. The quote sections (``approvals``, ``expiring_quotes``) live in
:mod:`salesflow.workflow.quote_agenda`. A section function gets an :class:`AgendaQuery`
and returns an :class:`AgendaSection`, or ``None`` when the section does not apply to the owner (the
unassigned pool of a rep). There are no placeholder sections: a key appears once its
feature exists.

The lead sections, over the owner's open leads (stage not won or lost by the flags of
:func:`~salesflow.workflow.stage_config.load_stages`, so a custom ``stages.toml`` counts;
see :func:`closed_stages`):

* ``overdue``: a next step dated before the day, oldest first, with the days overdue;
* ``due_today``: a next step dated on the day;
* ``no_next_step``: no next step at all, oldest lead first;
* ``cadence``: graded, and the last contact more than the grade's cadence ago (rubric:
  A 7, B 14, C 30 days by default), longest without contact first;
* ``stale``: the last contact ``stale_days`` (default 30) or more days ago, graded or not,
  longest without contact first. A lead may be in both ``cadence`` and ``stale``: one asks
  "is this grade followed up often enough", the other "is this deal going cold";
* ``pool`` (only for a manager, director or admin): unassigned open leads, oldest first,
  flagged when older than one working day (SPEC §2.1).

The last contact is the lead's ``last_activity_at``, else its creation: the activities
table is never read. Days are calendar days in the person's time zone; each cutoff is
computed here and compared with the stored UTC instants. Each section is one SQL query:
its rows (at most ``limit``) with the section's total counted by a window over the same
filtered leads, so the agenda stays fast however many leads a person owns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, or_
from sqlalchemy import select as select_columns
from sqlmodel import Session, col

from salesflow.config import DEFAULT_STALE_DAYS, MAX_STALE_DAYS
from salesflow.i18n import _
from salesflow.store.models import Contact, Customer, Lead, User
from salesflow.workflow.assignment import may_assign
from salesflow.workflow.errors import InputError, NotFound, PermissionDenied
from salesflow.workflow.identity import find_user
from salesflow.workflow.money import yuan_text
from salesflow.workflow.roles import scope_kind
from salesflow.workflow.rubric import Rubric, load_rubric
from salesflow.workflow.stage_config import default_stages, load_stages
from salesflow.workflow.visibility import Scope, scope_for
from salesflow.workflow.workdays import assignment_overdue, local_date

DEFAULT_LIMIT = 10
MAX_LIMIT = 1000


@dataclass(frozen=True)
class AgendaItem:
    """One lead in a section: stored codes, exact yuan text, local calendar dates."""

    lead_id: int
    company: str
    contact: str | None
    phone: str | None  # E.164
    stage: str
    grade: str | None
    amount: str | None
    owner: str | None
    next_step_date: date | None
    next_step_action: str | None
    days_overdue: int | None  # the next step is this many days late (None: not late)
    last_contact: date  # the last activity's day, else the day the lead was created
    days_since_contact: int
    cadence_days: int | None  # the grade's follow-up cadence (None: not graded)
    created: date
    assignment_overdue: bool  # unassigned for more than one working day


@dataclass(frozen=True)
class AgendaSection:
    """A section: how many records it holds, and the first of them (dataclass rows)."""

    key: str
    total: int
    items: tuple[Any, ...]

    @property
    def more(self) -> int:
        """How many records the limit left out."""
        return max(0, self.total - len(self.items))


@dataclass(frozen=True)
class Agenda:
    day: date
    user: str
    display_name: str
    role: str
    stale_days: int
    limit: int
    sections: tuple[AgendaSection, ...]

    def section(self, key: str) -> AgendaSection | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def empty(self) -> bool:
        return all(section.total == 0 for section in self.sections)


@dataclass(frozen=True)
class AgendaQuery:
    """What a section function needs: whose agenda, for which day, seen by whom."""

    session: Session
    actor: User
    owner: User
    scope: Scope  # the actor's: every query stays inside it
    day: date
    stale_days: int
    limit: int
    closed_stages: frozenset[str]
    rubric: Rubric


SectionFunction = Callable[[AgendaQuery], AgendaSection | None]


def day_start(day: date) -> datetime:
    """Local midnight at the start of ``day``, as a UTC instant."""
    return datetime.combine(day, time()).astimezone().astimezone(UTC)


def agenda_owner(session: Session, actor: User, whose: str | None) -> User:
    """The person whose agenda is shown: the actor, or a user inside the actor's scope.

    A rep sees only their own agenda, a manager their team's, a director or admin anyone's.
    An unknown name is "not found" (exit 2); a known one out of sight is refused (exit 1).
    """
    if whose is None or not whose.strip() or whose.strip().lower() == actor.username.lower():
        return actor
    owner = find_user(session, whose)
    if owner is None:
        raise NotFound(
            _("Unknown user '{name}' (--as).").format(name=whose.strip()),
            hint=_("'salesflow user list' shows the users."),
        )
    if not scope_for(session, actor).can_see(owner.id):
        hint = (
            _("A manager sees the agendas of their own team.")
            if scope_kind(actor.role) == "team"
            else _("Your role sees only your own agenda.")
        )
        raise PermissionDenied(
            _("You may not see the agenda of {name}.").format(name=owner.username), hint=hint
        )
    return owner


def closed_stages() -> frozenset[str]:
    """The stages that close a lead, by the won and lost flags of the stages in use.

    A stage a custom ``stages.toml`` leaves out keeps its default flag: a lead stored at
    ``won`` before the team made ``contract`` its won stage is still closed, and one at a
    dropped open stage is still open.
    """
    in_use = load_stages()
    return in_use.closed_codes | (default_stages().closed_codes - set(in_use.codes))


def check_limit(limit: int, *, option: str = "--limit", most: int = MAX_LIMIT) -> int:
    if not 1 <= limit <= most:
        raise InputError(
            _("{option} must be between 1 and {most}, not {value}.").format(
                option=option, most=most, value=limit
            )
        )
    return limit


def check_stale_days(days: int | None) -> int:
    if days is None:
        return DEFAULT_STALE_DAYS
    return check_limit(days, option="--stale-days", most=MAX_STALE_DAYS)


# -- the lead sections ---------------------------------------------------------------
# Each condition and order takes the Lead entity, so a section could filter an alias of it.

Conditions = Callable[[Any], list[Any]]


def _open_leads_of(query: AgendaQuery) -> Conditions:
    def where(lead: Any) -> list[Any]:
        return [
            query.scope.owner_clause(lead.owner_id),
            lead.owner_id == query.owner.id,
            lead.stage.not_in(sorted(query.closed_stages)),
        ]

    return where


def _contacted_before(lead: Any, moment: datetime) -> Any:
    """The last contact (activity, else creation) is before ``moment``; index-friendly."""
    return or_(
        lead.last_activity_at < moment,
        and_(lead.last_activity_at.is_(None), lead.created_at < moment),
    )


def _last_contact(lead: Any) -> Any:
    return func.coalesce(lead.last_activity_at, lead.created_at)


def lead_section(
    query: AgendaQuery, key: str, where: Conditions, order: Callable[[Any], list[Any]]
) -> AgendaSection:
    """The leads matching ``where``, first ``limit`` in ``order``, and their count: one query.

    The inner query picks the lead ids and counts every match (a window over the filtered
    leads, so they are read once, without joins); only the picked rows are joined with
    their company, contact and owner.
    """
    picked = (
        select_columns(col(Lead.id).label("lead_id"), func.count().over().label("total"))
        .where(*where(Lead))
        .order_by(*order(Lead), col(Lead.id))
        .limit(query.limit)
        .subquery("picked")
    )
    statement = (
        select_columns(
            col(Lead.id),
            col(Customer.name),
            col(Contact.name),
            col(Contact.phone),
            col(Lead.stage),
            col(Lead.grade),
            col(Lead.amount_fen),
            col(User.username),
            col(Lead.next_step_date),
            col(Lead.next_step_action),
            col(Lead.last_activity_at),
            col(Lead.created_at),
            picked.c.total,
        )
        .select_from(picked)
        .join(Lead, col(Lead.id) == picked.c.lead_id)
        .join(Customer, col(Customer.id) == col(Lead.customer_id))
        .outerjoin(Contact, col(Contact.id) == col(Lead.contact_id))
        .outerjoin(User, col(User.id) == col(Lead.owner_id))
        .order_by(*order(Lead), col(Lead.id))
    )
    records = query.session.execute(statement).all()
    items = tuple(_item(query, record) for record in records)
    return AgendaSection(key=key, total=int(records[0].total) if records else 0, items=items)


def _item(query: AgendaQuery, record: Any) -> AgendaItem:
    (
        lead_id,
        company,
        contact,
        phone,
        stage,
        grade,
        amount_fen,
        owner,
        next_date,
        next_action,
        last_activity_at,
        created_at,
        _total,
    ) = record
    last = local_date(last_activity_at or created_at)
    created = local_date(created_at)
    late = next_date is not None and next_date < query.day
    return AgendaItem(
        lead_id=lead_id,
        company=company,
        contact=contact,
        phone=phone,
        stage=stage,
        grade=grade,
        amount=yuan_text(amount_fen),
        owner=owner,
        next_step_date=next_date,
        next_step_action=next_action,
        days_overdue=(query.day - next_date).days if late else None,
        last_contact=last,
        days_since_contact=(query.day - last).days,
        cadence_days=query.rubric.cadence_for(grade) if grade else None,
        created=created,
        assignment_overdue=owner is None and assignment_overdue(created, query.day),
    )


def overdue_section(query: AgendaQuery) -> AgendaSection:
    mine = _open_leads_of(query)
    return lead_section(
        query,
        "overdue",
        lambda lead: [*mine(lead), lead.next_step_date < query.day],
        lambda lead: [lead.next_step_date],
    )


def due_today_section(query: AgendaQuery) -> AgendaSection:
    mine = _open_leads_of(query)
    return lead_section(
        query,
        "due_today",
        lambda lead: [*mine(lead), lead.next_step_date == query.day],
        lambda lead: [lead.created_at],
    )


def no_next_step_section(query: AgendaQuery) -> AgendaSection:
    mine = _open_leads_of(query)
    return lead_section(
        query,
        "no_next_step",
        lambda lead: [*mine(lead), lead.next_step_date.is_(None)],
        lambda lead: [lead.created_at],
    )


def cadence_section(query: AgendaQuery) -> AgendaSection:
    """Graded leads whose last contact is more than the grade's cadence before the day."""
    mine = _open_leads_of(query)
    # Contact on day - cadence is still on time; the day before it is a breach.
    cutoffs = [
        (grade, day_start(query.day - timedelta(days=days)))
        for grade, days in query.rubric.cadence_days
    ]

    def where(lead: Any) -> list[Any]:
        breached = [
            and_(lead.grade == grade, _contacted_before(lead, cutoff)) for grade, cutoff in cutoffs
        ]
        return [*mine(lead), or_(*breached)]

    return lead_section(query, "cadence", where, lambda lead: [_last_contact(lead)])


def stale_section(query: AgendaQuery) -> AgendaSection:
    """Open leads with no contact for ``stale_days`` days or more."""
    mine = _open_leads_of(query)
    cutoff = day_start(query.day - timedelta(days=query.stale_days - 1))
    return lead_section(
        query,
        "stale",
        lambda lead: [*mine(lead), _contacted_before(lead, cutoff)],
        lambda lead: [_last_contact(lead)],
    )


def pool_section(query: AgendaQuery) -> AgendaSection | None:
    """Unassigned open leads the actor may see, oldest first; for those who assign."""
    if not may_assign(query.owner):
        return None

    def where(lead: Any) -> list[Any]:
        return [
            query.scope.owner_clause(lead.owner_id),
            lead.owner_id.is_(None),
            lead.stage.not_in(sorted(query.closed_stages)),
        ]

    return lead_section(query, "pool", where, lambda lead: [lead.created_at])


def approvals_section(query: AgendaQuery) -> AgendaSection | None:
    """Approvals waiting for the owner to decide (:mod:`salesflow.workflow.quote_agenda`)."""
    from salesflow.workflow.quote_agenda import approvals_section as waiting

    return waiting(query)


def expiring_quotes_section(query: AgendaQuery) -> AgendaSection | None:
    """The owner's quotes whose validity ends within three days (quote_agenda)."""
    from salesflow.workflow.quote_agenda import expiring_quotes_section as expiring

    return expiring(query)


def payments_due_section(query: AgendaQuery) -> AgendaSection | None:
    """Payments due on the owner's contracts (:mod:`salesflow.workflow.payment_agenda`)."""
    from salesflow.workflow.payment_agenda import payments_due_section as due

    return due(query)


def visits_section(query: AgendaQuery) -> AgendaSection | None:
    """Return visits scheduled for the owner (:mod:`salesflow.workflow.service_agenda`)."""
    from salesflow.workflow.service_agenda import visits_section as visits

    return visits(query)


def tickets_section(query: AgendaQuery) -> AgendaSection | None:
    """The owner's open service tickets, late first (:mod:`salesflow.workflow.service_agenda`)."""
    from salesflow.workflow.service_agenda import tickets_section as tickets

    return tickets(query)


def care_section(query: AgendaQuery) -> AgendaSection | None:
    """Birthdays, contract anniversaries and holidays of the coming week (service_agenda)."""
    from salesflow.workflow.service_agenda import care_section as care

    return care(query)


# The registry: sections in the order they are shown. Later features append here.
SECTIONS: list[tuple[str, SectionFunction]] = [
    ("overdue", overdue_section),
    ("due_today", due_today_section),
    ("no_next_step", no_next_step_section),
    ("cadence", cadence_section),
    ("stale", stale_section),
    ("pool", pool_section),
    ("approvals", approvals_section),
    ("expiring_quotes", expiring_quotes_section),
    ("payments_due", payments_due_section),
    ("visits", visits_section),
    ("tickets", tickets_section),
    ("care", care_section),
]


def agenda_query(
    session: Session,
    actor: User,
    *,
    whose: str | None,
    day: date,
    stale_days: int | None = None,
    limit: int = DEFAULT_LIMIT,
) -> AgendaQuery:
    """Check the options and resolve whose agenda it is (shared with the calendar file)."""
    return AgendaQuery(
        session=session,
        actor=actor,
        owner=agenda_owner(session, actor, whose),
        scope=scope_for(session, actor),
        day=day,
        stale_days=check_stale_days(stale_days),
        limit=check_limit(limit),
        closed_stages=closed_stages(),
        rubric=load_rubric(),
    )


def build_agenda(
    session: Session,
    actor: User,
    *,
    whose: str | None,
    day: date,
    stale_days: int | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Agenda:
    """The agenda of ``whose`` (default: the actor) for ``day``; see the module doc."""
    query = agenda_query(session, actor, whose=whose, day=day, stale_days=stale_days, limit=limit)
    sections = []
    for key, function in SECTIONS:
        section = function(query)
        if section is not None:
            assert section.key == key, (section.key, key)
            sections.append(section)
    return Agenda(
        day=day,
        user=query.owner.username,
        display_name=query.owner.display_name,
        role=query.owner.role,
        stale_days=query.stale_days,
        limit=query.limit,
        sections=tuple(sections),
    )
