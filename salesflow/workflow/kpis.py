"""The KPIs (绩效指标) of a month, quarter or year: team, process and individual figures.

:func:`kpi_report` gathers them for a scope (:mod:`salesflow.workflow.report_scope`) and a
period (:mod:`salesflow.workflow.report_periods`). Everything is aggregated in SQL, one
query per figure (``GROUP BY`` for per-group figures); only grouped rows come back.

Team KPIs:

* **revenue signed**: contracts with status signed or archived and ``signed_on`` in the
  period, by the contract's owner: how many, and their ``total_fen``;
* **revenue collected** (回款): payment receipts with ``received_on`` in the period, by the
  owner of their contract;
* **target** and **attainment**: the period's target of the subject (a team report: the
  team of its head; else the person; :func:`salesflow.workflow.targets.period_target`)
  and revenue signed over it;
* **new customers**: customers whose first signed contract of all time (any owner; the
  earliest ``signed_on``, the lower id on the same day) was signed in the period, counted
  when that contract's owner is in scope;
* **pipeline** (a snapshot, *now*): the open leads in scope now: how many, their amounts,
  and their weighted amounts (each lead's amount × its stage's probability, half-up to the
  fen, as in the pipeline report).

Process KPIs: :mod:`salesflow.workflow.kpi_process`.

Individual KPIs, one line per seller of the scope (then anyone else with figures, then the
unassigned pool when it has any): revenue signed (count, value) and collected as above,
visits (activities of kind ``visit``, by the activity's user), the person's target for the
period and attainment. They come from :func:`~salesflow.workflow.report_figures.figures_by_person`
and add up to the team's figures.

Lost-reason breakdown: leads in scope lost in the period (``closed_at`` in the period, now
at the lost stage), by ``lost_reason`` (glossary order, then "no reason"): how many and
their estimated amounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, case, func, or_
from sqlalchemy import select as select_columns
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from salesflow.store.models import Contract, Lead
from salesflow.workflow.glossary import LOST_REASONS
from salesflow.workflow.kpi_process import ProcessKpis, process_kpis
from salesflow.workflow.report_figures import (
    SIGNED_STATUSES,
    PeriodFigures,
    figures_by_person,
    sum_figures,
)
from salesflow.workflow.report_periods import ReportPeriod
from salesflow.workflow.report_scope import Person, ReportScope, people_by_id
from salesflow.workflow.stage_config import StageConfig, load_stages
from salesflow.workflow.targets import PeriodTarget, attainment, period_target, target_spans

# What the KPIs take from the period's figures (the rest would be counted for nothing).
KPI_PARTS = frozenset({"contracts", "payments", "visits"})


@dataclass(frozen=True)
class Pipeline:
    """Open leads in scope now."""

    leads: int
    amount_fen: int
    weighted_fen: int


@dataclass(frozen=True)
class TeamKpis:
    signed: int
    signed_fen: int
    collected: int  # receipts
    collected_fen: int
    target: PeriodTarget | None
    new_customers: int
    pipeline: Pipeline

    @property
    def attainment(self) -> Decimal | None:
        return attainment(self.signed_fen, self.target)


@dataclass(frozen=True)
class PersonKpis:
    """One line of the individual KPIs; ``person`` None is the unassigned pool."""

    person: Person | None
    signed: int
    signed_fen: int
    collected_fen: int
    visits: int
    target: PeriodTarget | None

    @property
    def attainment(self) -> Decimal | None:
        return attainment(self.signed_fen, self.target)


@dataclass(frozen=True)
class LostReason:
    reason: str | None  # None: no reason recorded
    leads: int
    amount_fen: int


@dataclass(frozen=True)
class KpiReport:
    scope: ReportScope
    period: ReportPeriod
    now: datetime
    team: TeamKpis
    process: ProcessKpis
    people: tuple[PersonKpis, ...]
    lost_reasons: tuple[LostReason, ...]  # reasons with lost leads only

    @property
    def lost(self) -> int:
        return sum(row.leads for row in self.lost_reasons)

    @property
    def lost_fen(self) -> int:
        return sum(row.amount_fen for row in self.lost_reasons)


def new_customers(session: Session, scope: ReportScope, period: ReportPeriod) -> int:
    """Customers whose first signed contract ever was signed in the period, in scope."""
    earlier = aliased(Contract)
    before = (
        select_columns(col(earlier.id))
        .where(
            col(earlier.customer_id) == col(Contract.customer_id),
            col(earlier.status).in_(SIGNED_STATUSES),
            col(earlier.signed_on).is_not(None),
            or_(
                col(earlier.signed_on) < col(Contract.signed_on),
                and_(
                    col(earlier.signed_on) == col(Contract.signed_on),
                    col(earlier.id) < col(Contract.id),
                ),
            ),
        )
        .exists()
    )
    statement = select_columns(func.count(func.distinct(col(Contract.customer_id)))).where(
        col(Contract.status).in_(SIGNED_STATUSES),
        col(Contract.signed_on) >= period.start,
        col(Contract.signed_on) <= period.end,
        scope.owner_clause(col(Contract.owner_id)),
        ~before,
    )
    return int(session.execute(statement).scalar_one() or 0)


def pipeline_now(session: Session, scope: ReportScope, config: StageConfig) -> Pipeline:
    """Open leads in scope: count, amount, weighted amount (one aggregate query)."""
    stage = col(Lead.stage)
    amount = col(Lead.amount_fen)
    probability = case(
        {code: config.stage(code).probability for code in config.open_codes},
        value=stage,
        else_=0,
    )
    statement = select_columns(
        func.count(),
        func.coalesce(func.sum(amount), 0),
        func.coalesce(func.sum((amount * probability + 50) // 100), 0),
    ).where(stage.in_(config.open_codes), scope.owner_clause(col(Lead.owner_id)))
    leads, amount_fen, weighted = session.execute(statement).one()
    return Pipeline(int(leads), int(amount_fen), int(weighted))


def lost_reasons(
    session: Session, scope: ReportScope, period: ReportPeriod, config: StageConfig
) -> tuple[LostReason, ...]:
    """Leads lost in the period by reason (one GROUP BY), reasons with losses only."""
    start, end = period.utc_bounds()
    reason = col(Lead.lost_reason)
    statement = (
        select_columns(reason, func.count(), func.coalesce(func.sum(col(Lead.amount_fen)), 0))
        .where(
            col(Lead.stage) == config.lost,
            col(Lead.closed_at) >= start,
            col(Lead.closed_at) < end,
            scope.owner_clause(col(Lead.owner_id)),
        )
        .group_by(reason)
    )
    found = {code: (int(n), int(fen)) for code, n, fen in session.execute(statement).all()}
    order = [*LOST_REASONS, *sorted(k for k in found if k is not None and k not in LOST_REASONS)]
    rows = [LostReason(code, *found[code]) for code in order if code in found]
    if None in found:
        rows.append(LostReason(None, *found[None]))
    return tuple(rows)


def _has_kpis(figures: PeriodFigures) -> bool:
    return bool(figures.contracts_signed or figures.payments_fen or figures.visits)


def people_kpis(
    session: Session,
    scope: ReportScope,
    period: ReportPeriod,
    by_person: dict[int | None, PeriodFigures],
) -> tuple[PersonKpis, ...]:
    """The individual lines: the scope's sellers, others with figures, the pool."""
    listed = {person.id for person in scope.people}
    others = [
        key
        for key, f in by_person.items()
        if key is not None and key not in listed and _has_kpis(f)
    ]
    names = people_by_id(session, others)
    spans = target_spans(session, period, user_ids=sorted(listed | set(others)))
    lines = []
    for key, figures in by_person.items():
        if key is None:
            if not _has_kpis(figures):
                continue
            person = None
        elif key in listed:
            person = scope.person(key)
        elif key in names:
            person = names[key]
        else:
            continue
        target = None if key is None else period_target(period, spans.get(("user", key), []))
        lines.append(
            PersonKpis(
                person=person,
                signed=figures.contracts_signed,
                signed_fen=figures.contracts_signed_fen,
                collected_fen=figures.payments_fen,
                visits=figures.visits,
                target=target,
            )
        )
    return tuple(lines)


def subject_target(
    session: Session, scope: ReportScope, period: ReportPeriod
) -> PeriodTarget | None:
    """The team's target in a team report (its head's team), else the person's."""
    subject = scope.subject.id
    if scope.kind == "team":
        spans = target_spans(session, period, team_ids=[subject]).get(("team", subject), [])
    else:
        spans = target_spans(session, period, user_ids=[subject]).get(("user", subject), [])
    return period_target(period, spans)


def kpi_report(
    session: Session, scope: ReportScope, period: ReportPeriod, *, now: datetime
) -> KpiReport:
    """Every KPI of ``period`` in ``scope``; ``now`` decides which complaint deadlines have
    passed (the pipeline is the database's state now)."""
    config = load_stages()
    by_person = figures_by_person(session, scope, period, KPI_PARTS)
    total = sum_figures(by_person.values())
    team = TeamKpis(
        signed=total.contracts_signed,
        signed_fen=total.contracts_signed_fen,
        collected=total.payments,
        collected_fen=total.payments_fen,
        target=subject_target(session, scope, period),
        new_customers=new_customers(session, scope, period),
        pipeline=pipeline_now(session, scope, config),
    )
    return KpiReport(
        scope=scope,
        period=period,
        now=now,
        team=team,
        process=process_kpis(session, scope, period, config, now=now),
        people=people_kpis(session, scope, period, by_person),
        lost_reasons=lost_reasons(session, scope, period, config),
    )
