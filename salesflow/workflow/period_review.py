"""A period in review: what the weekly (周报) and monthly (月报) reports share.

Both reports are one review of a :class:`~salesflow.workflow.report_periods.ReportPeriod`
(an ISO week or a month) in a :class:`~salesflow.workflow.report_scope.ReportScope`
(the actor, one user, or a team). Definitions (the README repeats them):

* **totals**: the scope's :func:`~salesflow.workflow.report_figures.period_figures` for the
  period and for the period before it (last week, last month); the target is the scope's
  own: a user's targets for a personal report, the team head's team targets for ``--team``
  (:func:`~salesflow.workflow.targets.period_target`: exact, else pro rata), and
  attainment is contracts signed (value) over that target.
* **people**: :func:`~salesflow.workflow.report_figures.figures_by_person`: every seller in
  scope (zeros too); then anyone else, and then the unassigned pool, only when they have a
  figure the table shows (new leads, contacts, visits, quotes sent, contracts signed,
  payments); each with their own user target for the period and attainment. The rows add up to the
  totals in every column shown.
* **top deals**: the open leads in scope (a stage neither won nor lost in the stage
  configuration) that have an amount, by weighted amount — amount × the probability of the
  lead's stage, half-up to the fen per lead, worked out in SQL like the pipeline report
  (:func:`~salesflow.workflow.pipeline.lead_weight_fen`) — largest first (then the larger
  amount, then the lower lead id); the first :data:`TOP_DEALS`.
* **stalled deals**: the open leads in scope whose last contact (``last_activity_at``, or
  ``created_at`` when never contacted, as a local calendar day) is ``stale_days`` or more
  days before the review day — the period's last day, or today while the period is still
  running — the same rule as ``salesflow today``'s stale section; the longest without
  contact first, at most :data:`STALLED_SHOWN` listed with the total count. Days in stage
  count from ``stage_entered_at`` (or ``created_at``) to the review day.
* **lost deals**: leads in scope whose ``closed_at`` falls in the period and whose stage is
  the configured lost stage; counted by lost reason (every reason in glossary order, zeros
  too, then those without a reason) and listed in the order they were lost (at most
  :data:`LOST_SHOWN`, with the total).
* **follow-ups**: the open leads in scope with a next step dated in the following period
  (next week, next month), by date, at most :data:`FOLLOW_UPS_SHOWN` with the total.

Leads are taken as they stand now (their current owner, stage, amount and last contact),
also for a past period. Each list is one SQL query that returns only the rows shown and
counts the rest with a window over the same filtered leads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import and_, case, func, or_
from sqlalchemy import select as select_columns
from sqlmodel import Session, col

from salesflow.store.models import Customer, Lead
from salesflow.workflow.glossary import LOST_REASONS
from salesflow.workflow.report_figures import (
    PeriodFigures,
    figures_by_person,
    period_figures,
    sum_figures,
)
from salesflow.workflow.report_periods import ReportPeriod, local_midnight
from salesflow.workflow.report_scope import Person, ReportScope, people_by_id
from salesflow.workflow.stage_config import StageConfig, load_stages
from salesflow.workflow.targets import (
    PeriodTarget,
    TargetSpan,
    attainment,
    period_target,
    target_spans,
)
from salesflow.workflow.workdays import local_date

TOP_DEALS = 10
STALLED_SHOWN = 15
LOST_SHOWN = 30
FOLLOW_UPS_SHOWN = 30

Row = TypeVar("Row")


@dataclass(frozen=True)
class Listing(Generic[Row]):
    """The first rows of a list and how many there are in all."""

    rows: tuple[Row, ...]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass(frozen=True)
class Totals:
    current: PeriodFigures
    previous: PeriodFigures
    target: PeriodTarget | None  # the scope's contract-value target for the period
    attainment: Decimal | None  # contracts signed (value) / target, percent


@dataclass(frozen=True)
class PersonRow:
    person: Person | None  # None: the unassigned pool
    figures: PeriodFigures
    target: PeriodTarget | None
    attainment: Decimal | None


@dataclass(frozen=True)
class OpenDeal:
    lead_id: int
    customer: str
    owner: Person | None
    stage: str
    amount_fen: int
    weighted_fen: int
    expected_close: date | None
    next_step_date: date | None


@dataclass(frozen=True)
class StalledDeal:
    lead_id: int
    customer: str
    owner: Person | None
    stage: str
    last_contact: date  # local day of the last activity, or of the lead's creation
    contacted: bool  # False: never contacted (last_contact is the creation day)
    days_since_contact: int
    days_in_stage: int


@dataclass(frozen=True)
class LostDeal:
    lead_id: int
    customer: str
    owner: Person | None
    amount_fen: int | None
    reason: str | None
    competitor: str | None
    lost_on: date  # local day of closed_at


@dataclass(frozen=True)
class FollowUp:
    day: date
    lead_id: int
    customer: str
    owner: Person | None
    action: str | None


@dataclass(frozen=True)
class PeriodReview:
    scope: ReportScope
    period: ReportPeriod
    previous: ReportPeriod
    following: ReportPeriod
    review_day: date  # the day stalled deals are judged on
    stale_days: int
    totals: Totals
    people: tuple[PersonRow, ...]
    top_deals: tuple[OpenDeal, ...]
    stalled: Listing[StalledDeal]
    lost_by_reason: dict[str | None, int]  # reason code (None: no reason) -> count
    lost: Listing[LostDeal]
    follow_ups: Listing[FollowUp]


def review_day(period: ReportPeriod, today: date) -> date:
    """The day stalled deals are judged on: the period's end, or today while it runs."""
    return min(period.end, max(today, period.start))


# ------------------------------------------------------------------------------ targets


def scope_target(
    scope: ReportScope, period: ReportPeriod, spans: dict[tuple[str, int], list[TargetSpan]]
) -> PeriodTarget | None:
    """The target of the whole scope: the team head's team target, else the user's."""
    kind = "team" if scope.kind == "team" else "user"
    return period_target(period, spans.get((kind, scope.subject.id), []))


def _totals(
    session: Session,
    scope: ReportScope,
    period: ReportPeriod,
    by_person: dict[int | None, PeriodFigures],
) -> Totals:
    # The people's figures add up to the scope's (figures_by_person lists everyone with
    # any): one pass over the period's records instead of two.
    current = sum_figures(by_person.values())
    previous = period_figures(session, scope, period.previous())
    if scope.kind == "team":
        spans = target_spans(session, period, team_ids=[scope.subject.id])
    else:
        spans = target_spans(session, period, user_ids=[scope.subject.id])
    target = scope_target(scope, period, spans)
    return Totals(current, previous, target, attainment(current.contracts_signed_fen, target))


def shows_anything(figures: PeriodFigures) -> bool:
    """Any figure the per-person table shows is not zero."""
    return any(
        (
            figures.new_leads,
            figures.contact_total,
            figures.visits,
            figures.quotes_sent,
            figures.contracts_signed,
            figures.payments,
        )
    )


def _people(
    session: Session,
    scope: ReportScope,
    period: ReportPeriod,
    figures: dict[int | None, PeriodFigures],
) -> tuple[PersonRow, ...]:
    ids = [key for key in figures if key is not None]
    known = {person.id: person for person in scope.people}
    known |= people_by_id(session, [i for i in ids if i not in known])
    spans = target_spans(session, period, user_ids=ids)
    listed = {person.id for person in scope.people}
    rows = []
    for key, person_figures in figures.items():
        if key not in listed and not shows_anything(person_figures):
            continue  # e.g. someone outside the sellers with only return visits or notes
        target = None if key is None else period_target(period, spans.get(("user", key), []))
        rows.append(
            PersonRow(
                person=None if key is None else known[key],
                figures=person_figures,
                target=target,
                attainment=attainment(person_figures.contracts_signed_fen, target),
            )
        )
    return tuple(rows)


# -------------------------------------------------------------------------------- leads


class _Owners:
    """Owners of listed leads as :class:`Person` (scope people first, then looked up)."""

    def __init__(self, session: Session, scope: ReportScope) -> None:
        self.session = session
        self.known = {person.id: person for person in scope.people}

    def resolve(self, ids: Sequence[int | None]) -> dict[int, Person]:
        missing = [i for i in ids if i is not None and i not in self.known]
        self.known |= people_by_id(self.session, missing)
        return self.known

    def get(self, owner_id: int | None) -> Person | None:
        return None if owner_id is None else self.known[owner_id]


def _open(scope: ReportScope, config: StageConfig) -> list[Any]:
    return [
        scope.owner_clause(col(Lead.owner_id)),
        col(Lead.stage).in_(config.open_codes),
    ]


def _weighted(config: StageConfig) -> Any:
    """amount × the stage's probability, half-up per lead (as pipeline.lead_weight_fen)."""
    probability = case(
        {code: config.stage(code).probability for code in config.open_codes},
        value=col(Lead.stage),
        else_=0,
    )
    return (col(Lead.amount_fen) * probability + 50) // 100


def _picked(
    session: Session, where: list[Any], order: list[Any], limit: int, columns: list[Any]
) -> tuple[list[Any], int]:
    """The first ``limit`` leads matching ``where`` in ``order`` (then by id): ``columns``
    and the customer's name per lead, and how many match in all.

    The inner query picks the lead ids and counts every match (a window over the filtered
    leads, without joins); only the picked rows are joined with their customer.
    """
    picked = (
        select_columns(col(Lead.id).label("lead_id"), func.count().over().label("total"))
        .where(*where)
        .order_by(*order, col(Lead.id))
        .limit(limit)
        .subquery("picked")
    )
    statement = (
        select_columns(*columns, col(Customer.name), picked.c.total)
        .select_from(picked)
        .join(Lead, col(Lead.id) == picked.c.lead_id)
        .join(Customer, col(Customer.id) == col(Lead.customer_id))
        .order_by(*order, col(Lead.id))
    )
    rows = session.execute(statement).all()
    return [tuple(row[:-1]) for row in rows], int(rows[0][-1]) if rows else 0


def top_deals(
    session: Session, scope: ReportScope, config: StageConfig, owners: _Owners
) -> tuple[OpenDeal, ...]:
    weighted = _weighted(config)
    rows, _total = _picked(
        session,
        [*_open(scope, config), col(Lead.amount_fen).is_not(None)],
        [weighted.desc(), col(Lead.amount_fen).desc()],
        TOP_DEALS,
        [
            col(Lead.id),
            col(Lead.owner_id),
            col(Lead.stage),
            col(Lead.amount_fen),
            weighted,
            col(Lead.expected_close),
            col(Lead.next_step_date),
        ],
    )
    owners.resolve([row[1] for row in rows])
    return tuple(
        OpenDeal(
            lead_id=lead_id,
            customer=customer,
            owner=owners.get(owner_id),
            stage=stage,
            amount_fen=amount,
            weighted_fen=int(weight),
            expected_close=expected_close,
            next_step_date=next_step,
        )
        for lead_id, owner_id, stage, amount, weight, expected_close, next_step, customer in rows
    )


def _contacted_before(moment: datetime) -> Any:
    """The last contact (activity, else creation) is before ``moment``; index-friendly."""
    return or_(
        col(Lead.last_activity_at) < moment,
        and_(col(Lead.last_activity_at).is_(None), col(Lead.created_at) < moment),
    )


def stalled_deals(
    session: Session,
    scope: ReportScope,
    config: StageConfig,
    owners: _Owners,
    *,
    day: date,
    stale_days: int,
) -> Listing[StalledDeal]:
    """Open leads whose last contact is ``stale_days`` or more days before ``day``."""
    # The last contact's local day is at most day - stale_days: it came before the
    # midnight that begins the day after that.
    cutoff = local_midnight(day - timedelta(days=stale_days - 1))
    rows, total = _picked(
        session,
        [*_open(scope, config), _contacted_before(cutoff)],
        [func.coalesce(col(Lead.last_activity_at), col(Lead.created_at))],
        STALLED_SHOWN,
        [
            col(Lead.id),
            col(Lead.owner_id),
            col(Lead.stage),
            col(Lead.last_activity_at),
            col(Lead.created_at),
            col(Lead.stage_entered_at),
        ],
    )
    owners.resolve([row[1] for row in rows])
    listed = []
    for lead_id, owner_id, stage, contacted_at, created_at, entered_at, customer in rows:
        last_day = local_date(contacted_at or created_at)
        entered = local_date(entered_at or created_at)
        listed.append(
            StalledDeal(
                lead_id=lead_id,
                customer=customer,
                owner=owners.get(owner_id),
                stage=stage,
                last_contact=last_day,
                contacted=contacted_at is not None,
                days_since_contact=(day - last_day).days,
                days_in_stage=max(0, (day - entered).days),
            )
        )
    return Listing(tuple(listed), total)


def _lost_where(scope: ReportScope, period: ReportPeriod, config: StageConfig) -> list[Any]:
    start, end = period.utc_bounds()
    return [
        col(Lead.closed_at) >= start,
        col(Lead.closed_at) < end,
        col(Lead.stage) == config.lost,
        scope.owner_clause(col(Lead.owner_id)),
    ]


def lost_by_reason(
    session: Session, scope: ReportScope, period: ReportPeriod, config: StageConfig
) -> dict[str | None, int]:
    """Lost leads of the period per reason: every reason in glossary order (zeros too),
    then ``None`` (no reason given) when there are any."""
    reason = col(Lead.lost_reason)
    statement = (
        select_columns(reason, func.count())
        .where(*_lost_where(scope, period, config))
        .group_by(reason)
    )
    counts: dict[str | None, int] = dict.fromkeys(LOST_REASONS, 0)
    for code, count in session.execute(statement).all():
        counts[code] = counts.get(code, 0) + int(count)
    if not counts.get(None):
        counts.pop(None, None)
    return counts


def lost_deals(
    session: Session,
    scope: ReportScope,
    period: ReportPeriod,
    config: StageConfig,
    owners: _Owners,
) -> Listing[LostDeal]:
    rows, total = _picked(
        session,
        _lost_where(scope, period, config),
        [col(Lead.closed_at)],
        LOST_SHOWN,
        [
            col(Lead.id),
            col(Lead.owner_id),
            col(Lead.amount_fen),
            col(Lead.lost_reason),
            col(Lead.competitor),
            col(Lead.closed_at),
        ],
    )
    owners.resolve([row[1] for row in rows])
    listed = tuple(
        LostDeal(
            lead_id=lead_id,
            customer=customer,
            owner=owners.get(owner_id),
            amount_fen=amount,
            reason=reason,
            competitor=competitor,
            lost_on=local_date(closed_at),
        )
        for lead_id, owner_id, amount, reason, competitor, closed_at, customer in rows
    )
    return Listing(listed, total)


def follow_ups(
    session: Session,
    scope: ReportScope,
    period: ReportPeriod,
    config: StageConfig,
    owners: _Owners,
) -> Listing[FollowUp]:
    """Open leads with a next step dated in ``period`` (the following week or month)."""
    when = col(Lead.next_step_date)
    rows, total = _picked(
        session,
        [*_open(scope, config), when >= period.start, when <= period.end],
        [when],
        FOLLOW_UPS_SHOWN,
        [when, col(Lead.id), col(Lead.owner_id), col(Lead.next_step_action)],
    )
    owners.resolve([row[2] for row in rows])
    listed = tuple(
        FollowUp(day, lead_id, customer, owners.get(owner_id), action)
        for day, lead_id, owner_id, action, customer in rows
    )
    return Listing(listed, total)


# -------------------------------------------------------------------------------- review


def period_review(
    session: Session,
    scope: ReportScope,
    period: ReportPeriod,
    *,
    today: date,
    stale_days: int,
    config: StageConfig | None = None,
) -> PeriodReview:
    """The review of ``period`` in ``scope`` (see the module docstring)."""
    config = config or load_stages()
    owners = _Owners(session, scope)
    following = period.following()
    day = review_day(period, today)
    by_person = figures_by_person(session, scope, period)
    return PeriodReview(
        scope=scope,
        period=period,
        previous=period.previous(),
        following=following,
        review_day=day,
        stale_days=stale_days,
        totals=_totals(session, scope, period, by_person),
        people=_people(session, scope, period, by_person),
        top_deals=top_deals(session, scope, config, owners),
        stalled=stalled_deals(session, scope, config, owners, day=day, stale_days=stale_days),
        lost_by_reason=lost_by_reason(session, scope, period, config),
        lost=lost_deals(session, scope, period, config, owners),
        follow_ups=follow_ups(session, scope, following, config, owners),
    )
