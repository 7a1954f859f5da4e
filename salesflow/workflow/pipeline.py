"""The pipeline report (销售漏斗): open leads grouped by stage, owner, province, grade or source.

Everything is aggregated in the database: one GROUP BY query over the leads in scope gives
every group's figures, and for the stage view (and its funnel) one more aggregate query
over the stage history finds the leads that once got further than their current stage.
Only grouped rows come back to Python, so the report costs the same two queries at
100,000 leads as at 240.

Definitions (the README repeats them):

* **Rows** are the *open* leads (a stage that is neither won nor lost, in the configured
  order of :mod:`salesflow.workflow.stage_config`) the actor may see
  (:mod:`salesflow.workflow.visibility`), narrowed by ``--owner``, ``--team`` and
  ``--closing-in``.
* **count**: open leads in the group. **no_amount**: those of them without an estimated
  amount; they count in ``count`` but add nothing to the amounts.
* **amount**: the sum of their estimated amounts, exact in fen.
* **weighted**: the sum over the group's leads of amount × the probability of the lead's
  stage, each lead's weight rounded half-up to the fen (:func:`lead_weight_fen`), so the
  totals row is exactly the sum of the rows.
* **avg age**: the mean over open leads of whole days from the lead's creation (its local
  calendar date) to the report day (``--date``, default today); a lead created after the
  report day counts 0. Ages are worked out in SQL to the second
  (:class:`salesflow.store.aggregates.epoch_seconds`). The totals row divides the sum of
  all ages by all open leads (not an average of averages). One decimal, half-up.
* **reached(s)** (stage view and funnel): the number of leads in scope — open, won and
  lost alike — that ever got as far as stage ``s``. A lead's furthest position is the
  highest position among its current stage (unless lost) and every ``from_stage`` and
  ``to_stage`` of its stage history (lost excluded); won comes after every open stage. A
  lead moved backwards keeps the furthest stage it reached; a lost lead keeps the stage it
  was lost from; a lead imported as lost without history (or sitting at a stage no longer
  in the configuration) counts as having reached only the first stage. ``reached`` of
  the first stage is therefore every lead in scope.
* **conversion** of an open stage: reached(next stage) / reached(stage), in percent with
  one decimal; the next stage after the last open one is won. ``None`` when nothing
  reached the stage. The totals row gives the whole funnel's conversion, reached(won) /
  reached(first stage).
* **win rate** (the other views, where "the next stage" means nothing for a group): won /
  (won + lost) among the group's leads in scope, all time; ``None`` without closed leads.
  The totals row gives it for every lead in scope.
* ``--closing-in`` keeps only leads whose expected close date lies in the period (leads
  without one are left out); it narrows the won and lost leads behind conversion and win
  rate too.

Groups: the stage view lists every open stage in the configured order, empty ones with
zeros, so the funnel is complete. The grade and source views follow the glossary's order;
the owner and province views put the largest weighted amount first. The unassigned pool
(owner view) and leads without a grade or province have their own row, last, whose
``group`` is ``None``. In the other views a group with only won or lost leads is listed
too (count 0), so its win rate is shown and the totals add up.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import BigInteger, case, func, literal
from sqlalchemy import select as select_columns
from sqlmodel import Session, col

from salesflow.i18n import _
from salesflow.store.aggregates import epoch_seconds, greatest
from salesflow.store.models import Customer, Lead, StageChange, User
from salesflow.workflow.errors import InputError, PermissionDenied
from salesflow.workflow.glossary import GRADES, SOURCES
from salesflow.workflow.identity import find_user
from salesflow.workflow.periods import Period
from salesflow.workflow.roles import scope_kind
from salesflow.workflow.stage_config import StageConfig, load_stages
from salesflow.workflow.visibility import scope_for

GROUPINGS = ("stage", "owner", "province", "grade", "source")
# SPEC §5 spells two of them differently.
GROUPING_ALIASES = {"rep": "owner", "region": "province"}
UNASSIGNED = "-"  # --owner - : the unassigned pool
SECONDS_PER_DAY = 86_400
_ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class GroupFigures:
    """One row of the report (or its totals, whose ``group`` is ``None``)."""

    group: str | None  # code, username or province; None: unassigned / none / totals
    name: str | None  # the owner's display name (owner view)
    count: int  # open leads
    amount_fen: int
    weighted_fen: int
    no_amount: int
    age_days: int  # the sum of the open leads' ages
    won: int
    lost: int
    reached: int | None = None  # stage view
    leads: int = 0  # every lead of the group in scope, open or closed (stage view's funnel)
    conversion: Decimal | None = None  # stage view: to the next stage, percent

    @property
    def avg_age_days(self) -> Decimal | None:
        return average(self.age_days, self.count)

    @property
    def win_rate(self) -> Decimal | None:
        return percent(self.won, self.won + self.lost)


@dataclass(frozen=True)
class FunnelStep:
    """A stage of the funnel: how many leads reached it, are in it now, and went on."""

    stage: str
    reached: int
    current: int  # open leads now at this stage (won leads for the won stage)
    conversion: Decimal | None  # to the next stage; None for won or when none reached


@dataclass(frozen=True)
class PipelineReport:
    by: str
    day: date
    closing: Period | None
    rows: list[GroupFigures]
    totals: GroupFigures
    funnel: list[FunnelStep] | None


def parse_grouping(text: str) -> str:
    """--by: stage, owner (or rep), province (or region), grade or source."""
    key = text.strip().lower()
    key = GROUPING_ALIASES.get(key, key)
    if key not in GROUPINGS:
        raise InputError(
            _("Cannot group the pipeline by '{key}' (--by).").format(key=text),
            hint=_("Choose one of: {keys}.").format(
                keys=", ".join([*GROUPINGS, *GROUPING_ALIASES])
            ),
        )
    return key


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent, one decimal, half-up; ``None`` when whole is 0."""
    if whole == 0:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


def average(total: int, count: int) -> Decimal | None:
    if count == 0:
        return None
    return (Decimal(total) / Decimal(count)).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


def lead_weight_fen(amount_fen: int, probability: int) -> int:
    """amount × probability %, half-up to the fen (the SQL computes the same per lead)."""
    return (amount_fen * probability + 50) // 100


def _filters(
    session: Session,
    actor: User,
    *,
    owner: str | None,
    team: bool,
    closing: Period | None,
) -> list[Any]:
    """WHERE clauses on ``leads``: visibility, then --owner / --team, then --closing-in."""
    if owner is not None and team:
        raise InputError(_("--owner and --team exclude each other."))
    scope = scope_for(session, actor)
    owner_id = col(Lead.owner_id)
    clauses: list[Any] = [scope.owner_clause(owner_id)]
    if team:
        if scope_kind(actor.role) == "own":
            raise PermissionDenied(
                _("--team shows colleagues' leads; your role sees only your own."),
                hint=_("Leave out --team to see your own leads and the unassigned pool."),
            )
        clauses.append(owner_id.is_not(None))
    if owner is not None:
        if owner.strip() == UNASSIGNED:
            clauses.append(owner_id.is_(None))
        else:
            user = find_user(session, owner)
            if user is None or not scope.can_see(user.id):
                raise InputError(
                    _("No user '{name}' (--owner).").format(name=owner),
                    hint=_("'salesflow user list' shows the users."),
                )
            clauses.append(owner_id == user.id)
    if closing is not None:
        close = col(Lead.expected_close)
        clauses += [close.is_not(None), close >= closing.start, close <= closing.end]
    return clauses


def _group_key(by: str) -> Any:
    return {
        "stage": col(Lead.stage),
        "owner": col(Lead.owner_id),
        "province": col(Customer.province),
        "grade": col(Lead.grade),
        "source": col(Lead.source),
    }[by]


def _age_days(day: date) -> Any:
    """Whole days from a lead's creation to the end of ``day`` (local time), at least 0."""
    end_of_day = int(datetime.combine(day, time(23, 59, 59)).astimezone().timestamp())
    seconds = literal(end_of_day, BigInteger) - epoch_seconds(col(Lead.created_at))
    return greatest(seconds, 0) // SECONDS_PER_DAY


def _group_figures(
    session: Session, by: str, filters: list[Any], config: StageConfig, day: date
) -> dict[Any, GroupFigures]:
    """One GROUP BY query (group, stage): every group's open-lead figures, won and lost.

    Grouping by stage too keeps the SQL to plain sums (a few rows per group come back);
    which stages are open, won or lost is then decided here, from the configuration.
    """
    stage = col(Lead.stage)
    amount = col(Lead.amount_fen)
    probability = case(
        {code: config.stage(code).probability for code in config.open_codes},
        value=stage,
        else_=0,
    )
    key = _group_key(by)
    statement = select_columns(
        key,
        stage,
        func.count(),
        func.sum(amount),
        func.count(amount),
        func.sum((amount * probability + 50) // 100),
        # Only open leads have an age in the report: spare the date arithmetic of the rest.
        func.sum(case((stage.in_(config.open_codes), _age_days(day)))),
    ).select_from(Lead)
    if by == "province":
        statement = statement.join(Customer, col(Customer.id) == col(Lead.customer_id))
    groups = [key] if by == "stage" else [key, stage]
    statement = statement.where(*filters).group_by(*groups)
    totals: dict[Any, list[int]] = {}
    for group, code, *sums in session.execute(statement).all():
        leads, amount_fen, with_amount, weighted, age = (int(v or 0) for v in sums)
        # count, amount, weighted, no amount, age, won, lost, leads
        figures = totals.setdefault(group, [0] * 8)
        figures[7] += leads
        if code in config.open_codes:
            for index, value in enumerate((leads, amount_fen, weighted, leads - with_amount, age)):
                figures[index] += value
        elif code == config.won:
            figures[5] += leads
        elif code == config.lost:
            figures[6] += leads
    return {group: _figures(group, values) for group, values in totals.items()}


def _figures(group: Any, values: list[int]) -> GroupFigures:
    count, amount_fen, weighted, no_amount, age, won, lost, leads = values
    return GroupFigures(
        group=group,
        name=None,
        count=count,
        amount_fen=amount_fen,
        weighted_fen=weighted,
        no_amount=no_amount,
        age_days=age,
        won=won,
        lost=lost,
        leads=leads,
    )


def reached_counts(
    session: Session, filters: list[Any], config: StageConfig, per_stage: dict[str, int]
) -> list[int]:
    """How many leads reached each stage of (open stages..., won).

    ``per_stage`` counts the leads in scope by their current stage (from the stage view's
    GROUP BY). Most leads never went further than where they are; one aggregate query finds
    the others (moved back, lost, reopened) by their stage history, grouped by current and
    furthest position, and moves them up. Only grouped rows come back.
    """
    order = (*config.open_codes, config.won)
    positions = {code: index for index, code in enumerate(order)}

    def position(column: Any) -> Any:
        # Lost, and stages not in use, have no position: 0, the first stage, at least.
        return func.coalesce(case(positions, value=column, else_=None), 0)

    at = [0] * len(order)
    for stage, count in per_stage.items():
        at[positions.get(stage, 0)] += count
    current = position(col(Lead.stage))
    historic = greatest(position(col(StageChange.to_stage)), position(col(StageChange.from_stage)))
    further = (
        select_columns(current.label("current"), func.max(historic).label("furthest"))
        .select_from(StageChange)
        .join(Lead, col(Lead.id) == col(StageChange.lead_id))
        .where(*filters, historic > current)
        .group_by(col(StageChange.lead_id), col(Lead.stage))
        .subquery()
    )
    moved = session.execute(
        select_columns(further.c.current, further.c.furthest, func.count()).group_by(
            further.c.current, further.c.furthest
        )
    ).all()
    for now, furthest, count in moved:
        at[int(now)] -= int(count)
        at[int(furthest)] += int(count)
    # Reaching a stage means reaching it or any later one.
    return [sum(at[index:]) for index in range(len(order))]


def funnel_steps(
    reached: list[int], current: dict[str, int], config: StageConfig
) -> list[FunnelStep]:
    """The funnel over (open stages..., won) from the reached counts (a pure rule)."""
    order = (*config.open_codes, config.won)
    return [
        FunnelStep(
            stage=code,
            reached=reached[index],
            current=current.get(code, 0),
            conversion=percent(reached[index + 1], reached[index])
            if index + 1 < len(order)
            else None,
        )
        for index, code in enumerate(order)
    ]


def _sum(rows: list[GroupFigures], extra: list[GroupFigures]) -> GroupFigures:
    every = [*rows, *extra]
    return GroupFigures(
        group=None,
        name=None,
        count=sum(r.count for r in rows),
        amount_fen=sum(r.amount_fen for r in rows),
        weighted_fen=sum(r.weighted_fen for r in rows),
        no_amount=sum(r.no_amount for r in rows),
        age_days=sum(r.age_days for r in rows),
        won=sum(r.won for r in every),
        lost=sum(r.lost for r in every),
        leads=sum(r.leads for r in every),
    )


def _empty(group: str | None) -> GroupFigures:
    return GroupFigures(group, None, 0, 0, 0, 0, 0, 0, 0)


def _ordered(by: str, figures: dict[Any, GroupFigures]) -> list[GroupFigures]:
    known = [row for key, row in figures.items() if key is not None]
    missing = [figures[None]] if None in figures else []
    if by in ("grade", "source"):
        order = list(GRADES if by == "grade" else SOURCES)
        rank = {code: index for index, code in enumerate(order)}
        known.sort(key=lambda row: (rank.get(str(row.group), len(order)), str(row.group)))
    else:
        known.sort(key=lambda row: (-row.weighted_fen, -row.count, str(row.group)))
    return known + missing


def _with_owner_names(session: Session, rows: list[GroupFigures]) -> list[GroupFigures]:
    ids = [row.group for row in rows if row.group is not None]
    if not ids:
        return rows
    users = {
        user_id: (username, display)
        for user_id, username, display in session.execute(
            select_columns(col(User.id), col(User.username), col(User.display_name)).where(
                col(User.id).in_(ids)
            )
        ).all()
    }
    named = []
    for row in rows:
        if row.group is None:
            named.append(row)
            continue
        username, display = users[row.group]
        named.append(replace(row, group=username, name=display))
    return named


def pipeline_report(
    session: Session,
    actor: User,
    *,
    by: str = "stage",
    owner: str | None = None,
    team: bool = False,
    closing: Period | None = None,
    day: date | None = None,
    funnel: bool = False,
    config: StageConfig | None = None,
) -> PipelineReport:
    """The pipeline the actor may see, grouped ``by``; see the module docstring."""
    config = config or load_stages()
    by = parse_grouping(by)
    day = day or date.today()
    if funnel and by != "stage":
        raise InputError(
            _("--funnel shows the stages; it does not go with --by {by}.").format(by=by)
        )
    filters = _filters(session, actor, owner=owner, team=team, closing=closing)
    figures = _group_figures(session, by, filters, config, day)
    reached: list[int] = []
    if by == "stage":
        per_stage = {str(key): row.leads for key, row in figures.items()}
        reached = reached_counts(session, filters, config, per_stage)
        steps = funnel_steps(reached, {}, config)
        rows = [
            replace(
                figures.get(code) or _empty(code),
                reached=steps[index].reached,
                conversion=steps[index].conversion,
            )
            for index, code in enumerate(config.open_codes)
        ]
        closed = [row for key, row in figures.items() if key not in config.open_codes]
        totals = replace(
            _sum(rows, closed), reached=reached[0], conversion=percent(reached[-1], reached[0])
        )
    else:
        rows = _ordered(by, figures)
        if by == "owner":
            rows = _with_owner_names(session, rows)
        totals = _sum(rows, [])
    steps_out = None
    if funnel:
        current = {str(row.group): row.count for row in rows}
        current[config.won] = totals.won
        steps_out = funnel_steps(reached, current, config)
    return PipelineReport(
        by=by, day=day, closing=closing, rows=rows, totals=totals, funnel=steps_out
    )
