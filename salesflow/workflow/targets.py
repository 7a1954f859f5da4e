"""Sales targets (销售目标) and what a period's target is.

A target is the contract value a person or a team should sign in a week, month, quarter
or year. A report asks for the target of its own period; :func:`period_target` answers:

* a target set for exactly that period (``2026-11`` for November) is the answer;
* otherwise each day of the period takes its share of the finest target covering it — a
  month's target spread evenly over its days, else the quarter's over the quarter's days,
  else the year's — and the period's target is the sum of its days' shares, exact in
  fractions and rounded half-up to the fen once at the end. So a quarter whose three months
  have targets gets their sum, and a week gets its days' part of the month's target
  ("pro rata"). Week targets count only for their own week.
* when some day of the period has no target at all, the period has none (``None``): a
  partial sum would read as a real target.

Attainment is signed contract value over the target, in percent with one decimal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import or_
from sqlmodel import Session, col, select

from salesflow.store.models import Target
from salesflow.workflow.pipeline import percent
from salesflow.workflow.report_periods import ReportPeriod

# The finest first: a day's share comes from the first of these that covers it.
SHARE_KINDS = ("month", "quarter", "year")


@dataclass(frozen=True)
class TargetSpan:
    """A target as the rule needs it: its period's kind, days and amount."""

    key: str
    kind: str
    starts_on: date
    ends_on: date
    amount_fen: int

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


@dataclass(frozen=True)
class PeriodTarget:
    amount_fen: int
    exact: bool  # set for exactly this period (else worked out from other targets)


def period_kind(key: str) -> str:
    """The kind of a stored period key: 2026-W47 week, 2026-11 month, 2026-Q4 quarter,
    2026 year."""
    if "W" in key:
        return "week"
    if "Q" in key:
        return "quarter"
    return "month" if "-" in key else "year"


def _half_up(value: Fraction) -> int:
    return int((value * 2 + 1) // 2)


def period_target(period: ReportPeriod, spans: Sequence[TargetSpan]) -> PeriodTarget | None:
    """The target of ``period`` from one subject's targets (see the module's rule)."""
    for span in spans:
        if span.key == period.key:
            return PeriodTarget(span.amount_fen, exact=True)
    ranked = [s for kind in SHARE_KINDS for s in spans if s.kind == kind]
    total = Fraction(0)
    day = period.start
    while day <= period.end:
        covering = next((s for s in ranked if s.starts_on <= day <= s.ends_on), None)
        if covering is None:
            return None
        total += Fraction(covering.amount_fen, covering.days)
        day += timedelta(days=1)
    return PeriodTarget(_half_up(total), exact=False)


def sum_targets(targets: Sequence[PeriodTarget | None]) -> PeriodTarget | None:
    """The people's targets added up (a per-person table's total line): only when every
    one of them has a target, since a partial sum would read as the whole team's."""
    if not targets or any(target is None for target in targets):
        return None
    present = [target for target in targets if target is not None]
    return PeriodTarget(
        sum(target.amount_fen for target in present), all(target.exact for target in present)
    )


def attainment(signed_fen: int, target: PeriodTarget | None) -> Decimal | None:
    """Signed value over the target, percent with one decimal; None without a target."""
    if target is None or target.amount_fen == 0:
        return None
    return percent(signed_fen, target.amount_fen)


def target_spans(
    session: Session,
    period: ReportPeriod,
    *,
    user_ids: Sequence[int] = (),
    team_ids: Sequence[int] = (),
) -> dict[tuple[str, int], list[TargetSpan]]:
    """The targets overlapping ``period`` of these users and teams, by ("user"|"team", id)."""
    if not user_ids and not team_ids:
        return {}
    statement = select(Target).where(
        col(Target.starts_on) <= period.end,
        col(Target.ends_on) >= period.start,
        or_(col(Target.user_id).in_(sorted(user_ids)), col(Target.team_id).in_(sorted(team_ids))),
    )
    found: dict[tuple[str, int], list[TargetSpan]] = {}
    for target in session.exec(statement):
        if target.user_id is not None and target.user_id in user_ids:
            key = ("user", target.user_id)
        elif target.team_id is not None and target.team_id in team_ids:
            key = ("team", target.team_id)
        else:
            continue
        found.setdefault(key, []).append(
            TargetSpan(
                target.period,
                period_kind(target.period),
                target.starts_on,
                target.ends_on,
                target.amount_fen,
            )
        )
    return found
