"""The process KPIs (过程指标) of a report period: how leads move, how fast, how well served.

Each figure is one aggregate query (``GROUP BY`` where it has groups); only grouped rows
come back to Python, which then only sorts them into the configured stage order and the
glossary's order. The definitions (the README repeats them):

* **stage-to-stage conversion**: for each open stage *s* (configured order), the moves out
  of *s* in the period -- stage changes with ``from_stage`` = *s* and ``changed_at`` in the
  period, on leads in scope (by the lead's current owner) -- split into *forward* (to a
  later stage of the order open stages..., won), *lost* (to the lost stage) and *back* (to
  an earlier open stage). Conversion = forward / all moves out of *s*. A move to a stage
  that is not in the stages in use is left out.
* **win rate by source and by grade**: leads in scope closed in the period (``closed_at``
  in the period, now at the won or the lost stage): won / (won + lost) per source (every
  source of the glossary, in its order) and per grade (A, B, C, then no grade).
* **average days per stage**: for each open stage *s*, over the moves out of *s* in the
  period (as above), the time since the lead entered *s*, as each move records it
  (``from_entered_at``: the lead's ``stage_entered_at`` when it moved, which is the
  ``changed_at`` of its latest earlier stage change into *s*); a move without it is left
  out. The mean in days, one decimal. The stage with the longest mean is where deals get
  stuck (:attr:`ProcessKpis.stuck`).
* **sales cycle**: leads in scope won in the period: the mean days from ``created_at`` to
  ``closed_at``.
* **time to first contact**: leads in scope created in the period: the first activity on
  the lead that is not a note (kept in ``leads.first_contact_at``); the mean hours from
  ``created_at`` to it (never negative), over the leads contacted; how many were contacted
  and how many not (yet).
* **satisfaction**: service visits done (status ``done``) with ``visited_on`` in the
  period and a score, counted for the owner of the visit's contract when it has one
  (owned, like a contract), else for the visit's user (done, like an activity); the mean
  score.
* **complaint deadline compliance**: tickets opened in the period, counted like
  satisfaction: for the owner of the ticket's contract, else for its assignee (unassigned
  ones in team reports only). A ticket counts once it is answered or
  its ``response_due_at`` has passed as of ``now``; on time = ``first_response_at`` <=
  ``response_due_at``; compliance = on time / counted. Also: late (answered after the
  deadline), overdue (unanswered, deadline passed) and not yet due (unanswered, deadline
  still ahead; not counted).

Durations are taken in the database to the second (:class:`epoch_seconds`) and summed
there; averages are :func:`~salesflow.workflow.pipeline.average` (one decimal, half-up,
None without anything to average).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlalchemy import select as select_columns
from sqlmodel import Session, col

from salesflow.store.aggregates import epoch_seconds, greatest
from salesflow.store.models import (
    Contract,
    Lead,
    ServiceTicket,
    ServiceVisit,
    StageChange,
)
from salesflow.workflow.glossary import GRADES, SOURCES
from salesflow.workflow.pipeline import average, percent
from salesflow.workflow.report_periods import ReportPeriod
from salesflow.workflow.report_scope import ReportScope
from salesflow.workflow.stage_config import StageConfig

SECONDS_PER_DAY = 86_400
SECONDS_PER_HOUR = 3_600
DONE = "done"


@dataclass(frozen=True)
class StageConversion:
    """The moves out of one open stage in the period."""

    stage: str
    forward: int
    lost: int
    back: int

    @property
    def moves(self) -> int:
        return self.forward + self.lost + self.back

    @property
    def conversion(self) -> Decimal | None:
        return percent(self.forward, self.moves)


@dataclass(frozen=True)
class WinRate:
    """Leads closed in the period in one group (a source, a grade; None: no grade)."""

    group: str | None
    won: int
    lost: int

    @property
    def closed(self) -> int:
        return self.won + self.lost

    @property
    def rate(self) -> Decimal | None:
        return percent(self.won, self.closed)


@dataclass(frozen=True)
class StageDays:
    """How long the leads that left a stage in the period had been in it."""

    stage: str
    moves: int  # moves out of the stage with a known entry
    seconds: int  # their time in the stage, added up

    @property
    def average_days(self) -> Decimal | None:
        return average(self.seconds, self.moves * SECONDS_PER_DAY)


@dataclass(frozen=True)
class SalesCycle:
    won: int
    seconds: int

    @property
    def average_days(self) -> Decimal | None:
        return average(self.seconds, self.won * SECONDS_PER_DAY)


@dataclass(frozen=True)
class FirstContact:
    new_leads: int
    contacted: int
    seconds: int  # created to first contact, added up over the contacted leads

    @property
    def not_contacted(self) -> int:
        return self.new_leads - self.contacted

    @property
    def average_hours(self) -> Decimal | None:
        return average(self.seconds, self.contacted * SECONDS_PER_HOUR)


@dataclass(frozen=True)
class Satisfaction:
    visits: int  # return visits done in the period with a score
    total: int  # their scores added up

    @property
    def average(self) -> Decimal | None:
        return average(self.total, self.visits)


@dataclass(frozen=True)
class Complaints:
    on_time: int
    late: int
    overdue: int  # unanswered, deadline passed
    not_due: int  # unanswered, deadline still ahead (not counted)

    @property
    def counted(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def compliance(self) -> Decimal | None:
        return percent(self.on_time, self.counted)


@dataclass(frozen=True)
class ProcessKpis:
    conversion: tuple[StageConversion, ...]  # open stages, configured order
    by_source: tuple[WinRate, ...]  # every source, glossary order
    by_grade: tuple[WinRate, ...]  # A, B, C, then None (no grade)
    stage_days: tuple[StageDays, ...]  # open stages, configured order
    cycle: SalesCycle
    first_contact: FirstContact
    satisfaction: Satisfaction
    complaints: Complaints

    @property
    def stuck(self) -> StageDays | None:
        """The stage with the longest average time (the first of equals); None without any."""
        timed = [row for row in self.stage_days if row.average_days is not None]
        if not timed:
            return None
        return max(timed, key=lambda row: row.average_days or Decimal(0))


def _seconds(later: Any, earlier: Any) -> Any:
    return epoch_seconds(later) - epoch_seconds(earlier)


def _count(value: Any) -> int:
    return int(value or 0)


def moves_out(
    session: Session, scope: ReportScope, period: ReportPeriod, config: StageConfig
) -> list[tuple[str, str, int, int, int]]:
    """The moves out of open stages in the period, grouped by (from, to): how many, how
    many know when their lead entered the stage left, and the seconds spent in it.

    One GROUP BY over the ``ix_stage_changes_period`` index, which holds every column it
    reads; leads are joined only when the scope must filter by owner.
    """
    start, end = period.utc_bounds()
    source, target = col(StageChange.from_stage), col(StageChange.to_stage)
    entered = col(StageChange.from_entered_at)
    statement = (
        select_columns(
            source,
            target,
            func.count(),
            func.count(entered),
            func.sum(_seconds(col(StageChange.changed_at), entered)),
        )
        .select_from(StageChange)
        .where(
            source.in_(config.open_codes),
            col(StageChange.changed_at) >= start,
            col(StageChange.changed_at) < end,
        )
        .group_by(source, target)
    )
    if not (scope.everyone and scope.unassigned):
        statement = statement.join(Lead, col(Lead.id) == col(StageChange.lead_id)).where(
            scope.owner_clause(col(Lead.owner_id))
        )
    return [
        (origin, destination, int(n), _count(timed), _count(seconds))
        for origin, destination, n, timed, seconds in session.execute(statement).all()
    ]


def stage_conversion(
    moves: list[tuple[str, str, int, int, int]], config: StageConfig
) -> tuple[StageConversion, ...]:
    """Moves out of each open stage, forward, lost or back."""
    order = (*config.open_codes, config.won)
    counts = {code: [0, 0, 0] for code in config.open_codes}  # forward, lost, back
    for origin, destination, n, _timed, _seconds_in in moves:
        if destination == config.lost:
            counts[origin][1] += n
        elif destination in order and destination != origin:
            later = order.index(destination) > order.index(origin)
            counts[origin][0 if later else 2] += n
    return tuple(StageConversion(code, *counts[code]) for code in config.open_codes)


def win_rates(
    session: Session, scope: ReportScope, period: ReportPeriod, config: StageConfig
) -> tuple[tuple[WinRate, ...], tuple[WinRate, ...]]:
    """Won and lost leads closed in the period, by source and by grade (a query each)."""
    start, end = period.utc_bounds()
    stage = col(Lead.stage)
    found: list[dict[str | None, list[int]]] = []
    for group in (col(Lead.source), col(Lead.grade)):
        statement = (
            select_columns(group, stage, func.count())
            .where(
                col(Lead.closed_at) >= start,
                col(Lead.closed_at) < end,
                stage.in_((config.won, config.lost)),
                scope.owner_clause(col(Lead.owner_id)),
            )
            .group_by(group, stage)
        )
        counts: dict[str | None, list[int]] = {}
        for key, code, n in session.execute(statement).all():
            counts.setdefault(key, [0, 0])[0 if code == config.won else 1] += int(n)
        found.append(counts)
    by_source, by_grade = found
    sources = [*SOURCES, *sorted(k for k in by_source if k is not None and k not in SOURCES)]
    grades: list[str | None] = [*GRADES, None]
    return (
        tuple(WinRate(code, *by_source.get(code, (0, 0))) for code in sources),
        tuple(WinRate(code, *by_grade.get(code, (0, 0))) for code in grades),
    )


def stage_days(
    moves: list[tuple[str, str, int, int, int]], config: StageConfig
) -> tuple[StageDays, ...]:
    """Time in each open stage of the leads that left it in the period: each move's
    ``changed_at - from_entered_at`` (moves without an entry time are left out)."""
    found = {code: [0, 0] for code in config.open_codes}
    for origin, _destination, _n, timed, seconds in moves:
        found[origin][0] += timed
        found[origin][1] += seconds
    return tuple(StageDays(code, *found[code]) for code in config.open_codes)


def sales_cycle(
    session: Session, scope: ReportScope, period: ReportPeriod, config: StageConfig
) -> SalesCycle:
    """Leads won in the period and their days from creation to winning, added up."""
    start, end = period.utc_bounds()
    statement = select_columns(
        func.count(), func.sum(_seconds(col(Lead.closed_at), col(Lead.created_at)))
    ).where(
        col(Lead.stage) == config.won,
        col(Lead.closed_at) >= start,
        col(Lead.closed_at) < end,
        scope.owner_clause(col(Lead.owner_id)),
    )
    won, seconds = session.execute(statement).one()
    return SalesCycle(_count(won), _count(seconds))


def first_contact(session: Session, scope: ReportScope, period: ReportPeriod) -> FirstContact:
    """Leads created in the period, and how soon they were first contacted (not a note).

    One aggregate over the ``ix_leads_created_owner_first`` index, which holds every
    column it reads: each lead's first contact is kept in ``leads.first_contact_at``
    (:mod:`salesflow.workflow.first_contact`).
    """
    start, end = period.utc_bounds()
    first, created = col(Lead.first_contact_at), col(Lead.created_at)
    wait = greatest(_seconds(first, created), 0)
    statement = select_columns(
        func.count(), func.count(first), func.sum(case((first.is_not(None), wait)))
    ).where(created >= start, created < end, scope.owner_clause(col(Lead.owner_id)))
    new, contacted, seconds = session.execute(statement).one()
    return FirstContact(_count(new), _count(contacted), _count(seconds))


def satisfaction(session: Session, scope: ReportScope, period: ReportPeriod) -> Satisfaction:
    """Scored return visits done in the period: by the contract's owner, else the visitor."""
    contract = col(ServiceVisit.contract_id)
    score = col(ServiceVisit.satisfaction)
    statement = (
        select_columns(func.count(score), func.sum(score))
        .select_from(ServiceVisit)
        .outerjoin(Contract, col(Contract.id) == contract)
        .where(
            col(ServiceVisit.status) == DONE,
            col(ServiceVisit.visited_on) >= period.start,
            col(ServiceVisit.visited_on) <= period.end,
            score.is_not(None),
            or_(
                and_(contract.is_not(None), scope.owner_clause(col(Contract.owner_id))),
                and_(contract.is_(None), scope.person_clause(col(ServiceVisit.user_id))),
            ),
        )
    )
    visits, total = session.execute(statement).one()
    return Satisfaction(_count(visits), _count(total))


def complaints(
    session: Session, scope: ReportScope, period: ReportPeriod, now: datetime
) -> Complaints:
    """Tickets opened in the period by how their first response met its deadline (one
    query): by the owner of the ticket's contract, else by its assignee, like satisfaction
    (the service desk answers complaints about a seller's customers)."""
    start, end = period.utc_bounds()
    answered = col(ServiceTicket.first_response_at)
    due = col(ServiceTicket.response_due_at)
    contract = col(ServiceTicket.contract_id)

    def tally(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    statement = (
        select_columns(
            tally(and_(answered.is_not(None), answered <= due)),
            tally(and_(answered.is_not(None), answered > due)),
            tally(and_(answered.is_(None), due < now)),
            tally(and_(answered.is_(None), due >= now)),
        )
        .select_from(ServiceTicket)
        .outerjoin(Contract, col(Contract.id) == contract)
        .where(
            col(ServiceTicket.opened_at) >= start,
            col(ServiceTicket.opened_at) < end,
            or_(
                and_(contract.is_not(None), scope.owner_clause(col(Contract.owner_id))),
                and_(contract.is_(None), scope.owner_clause(col(ServiceTicket.assignee_id))),
            ),
        )
    )
    on_time, late, overdue, not_due = session.execute(statement).one()
    return Complaints(_count(on_time), _count(late), _count(overdue), _count(not_due))


def process_kpis(
    session: Session,
    scope: ReportScope,
    period: ReportPeriod,
    config: StageConfig,
    *,
    now: datetime,
) -> ProcessKpis:
    by_source, by_grade = win_rates(session, scope, period, config)
    moves = moves_out(session, scope, period, config)
    return ProcessKpis(
        conversion=stage_conversion(moves, config),
        by_source=by_source,
        by_grade=by_grade,
        stage_days=stage_days(moves, config),
        cycle=sales_cycle(session, scope, period, config),
        first_contact=first_contact(session, scope, period),
        satisfaction=satisfaction(session, scope, period),
        complaints=complaints(session, scope, period, now),
    )
