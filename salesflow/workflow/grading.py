"""Grading a lead: A, B or C from a 0-100 score over the rubric's six criteria (SPEC §4).

Scoring is pure (:func:`score_lead`): a missing input is reported by the option that
supplies it, never scored as zero. :func:`grade_lead` merges the inputs given now with the
ones stored on the lead and its customer, refuses while any is still missing, and keeps
every grading as a :class:`LeadGrade` row, so the grade history shows how the view of a
lead changed and under which rubric.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from sqlmodel import Session, col, select

from salesflow.i18n import _
from salesflow.store.models import LeadGrade, User
from salesflow.store.types import utcnow
from salesflow.workflow.errors import InputError
from salesflow.workflow.glossary import PERSONALITIES, VALUE_TYPES, parse_code
from salesflow.workflow.lead_access import customer_of, lead_for_reading, lead_for_update
from salesflow.workflow.lead_input import EARLIEST_FOUNDED, MAX_EMPLOYEES
from salesflow.workflow.money import format_yuan, parse_amount, yuan_text
from salesflow.workflow.rubric import CRITERIA, Rubric, load_rubric

# The option that supplies each criterion's input, in the rubric's order.
OPTIONS: dict[str, str] = {
    "company_size": "--employees",
    "years_in_business": "--founded-year",
    "budget": "--budget",
    "need_fit": "--need-fit",
    "likelihood": "--likelihood",
    "decision_maker": "--decision-maker",
}
RATING_RANGE = (1, 5)

InputValue = int | bool | str  # JSON-ready: whole numbers, yes/no, yuan as exact text
T = TypeVar("T")


# --- pure rules ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class GradingInputs:
    """What the rubric scores; ``None`` is "not known yet"."""

    as_of_year: int  # years in business are counted up to this year
    employees: int | None = None
    founded_year: int | None = None
    budget_fen: int | None = None
    need_fit: int | None = None
    likelihood: int | None = None
    decision_maker: bool | None = None

    def value(self, criterion: str) -> int | None:
        """The input of ``criterion`` in the rubric's unit (years; fen; 0/1 for a flag)."""
        if criterion == "company_size":
            return self.employees
        if criterion == "years_in_business":
            if self.founded_year is None:
                return None
            return max(0, self.as_of_year - self.founded_year)
        if criterion == "budget":
            return self.budget_fen
        if criterion == "need_fit":
            return self.need_fit
        if criterion == "likelihood":
            return self.likelihood
        if criterion == "decision_maker":
            return None if self.decision_maker is None else int(self.decision_maker)
        raise ValueError(criterion)


@dataclass(frozen=True)
class CriterionScore:
    """One line of a grade's breakdown; ``input`` is JSON-ready (budget: yuan text)."""

    criterion: str
    input: InputValue
    points: int
    max_points: int


@dataclass(frozen=True)
class Scored:
    total: int
    grade: str
    breakdown: tuple[CriterionScore, ...]


def missing_inputs(inputs: GradingInputs) -> list[str]:
    """The options whose values the rubric still needs, in the rubric's order."""
    return [OPTIONS[c] for c in CRITERIA if inputs.value(c) is None]


def missing_error(missing: Sequence[str]) -> InputError:
    hint = _("Pass them as options, or run in a terminal to be asked.")
    if "--decision-maker" in missing:
        hint += " " + _("Not reached yet: --no-decision-maker.")
    return InputError(
        _("Missing for grading: {options}.").format(options=", ".join(missing)), hint=hint
    )


def score_lead(rubric: Rubric, inputs: GradingInputs) -> Scored:
    """The score, grade and breakdown; refuses, naming every missing input, if incomplete."""
    missing = missing_inputs(inputs)
    if missing:
        raise missing_error(missing)
    breakdown: list[CriterionScore] = []
    for criterion in rubric.criteria:
        value = inputs.value(criterion.code)
        assert value is not None
        breakdown.append(
            CriterionScore(
                criterion=criterion.code,
                input=_input_value(criterion.code, value),
                points=criterion.points_for(value),
                max_points=criterion.max_points,
            )
        )
    total = sum(line.points for line in breakdown)
    return Scored(total=total, grade=rubric.grade_for(total), breakdown=tuple(breakdown))


def _input_value(criterion: str, value: int) -> InputValue:
    if criterion == "budget":
        text = yuan_text(value)
        assert text is not None
        return text
    if criterion == "decision_maker":
        return bool(value)
    return value


def input_text(criterion: str, value: InputValue | None) -> str:
    """A breakdown input as people read it: "120", "12 years", "¥200,000.00", "4/5", "yes"."""
    if value is None:
        return ""
    if criterion == "decision_maker" or isinstance(value, bool):
        return _("yes") if value else _("no")
    if criterion == "budget":
        return format_yuan(int(Decimal(str(value)) * 100))
    if criterion == "years_in_business":
        return _("{count} years").format(count=value)
    if criterion in {"need_fit", "likelihood"}:
        return f"{value}/{RATING_RANGE[1]}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def breakdown_json(breakdown: Sequence[CriterionScore]) -> str:
    return json.dumps(
        [{f.name: getattr(line, f.name) for f in fields(line)} for line in breakdown],
        ensure_ascii=False,
    )


def parse_breakdown(text: str) -> tuple[CriterionScore, ...]:
    return tuple(CriterionScore(**entry) for entry in json.loads(text))


def _whole(raw: int | str, field: str) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    text = str(raw).strip()
    try:
        return int(text)
    except ValueError:
        raise InputError(
            _("'{value}' is not a whole number ({field}).").format(value=raw, field=field)
        ) from None


def parse_employees(raw: int | str, *, field: str = "--employees") -> int:
    value = _whole(raw, field)
    if not 1 <= value <= MAX_EMPLOYEES:
        raise InputError(
            _("The number of employees must be between 1 and {max} ({field}).").format(
                max=f"{MAX_EMPLOYEES:,}", field=field
            )
        )
    return value


def parse_founded_year(raw: int | str, *, this_year: int, field: str = "--founded-year") -> int:
    value = _whole(raw, field)
    if not EARLIEST_FOUNDED <= value <= this_year:
        raise InputError(
            _("The founding year must be between {first} and {last} ({field}).").format(
                first=EARLIEST_FOUNDED, last=this_year, field=field
            )
        )
    return value


def parse_rating(raw: int | str, *, field: str) -> int:
    low, high = RATING_RANGE
    value = _whole(raw, field)
    if not low <= value <= high:
        raise InputError(
            _("The rating must be from {low} to {high}, not {value} ({field}).").format(
                low=low, high=high, value=raw, field=field
            ),
            hint=_("1 is the weakest, 5 the strongest."),
        )
    return value


@dataclass(frozen=True)
class GradingOptions:
    """The grading options as given, checked and converted; ``None``: not given."""

    employees: int | None = None
    founded_year: int | None = None
    budget_fen: int | None = None
    need_fit: int | None = None
    likelihood: int | None = None
    decision_maker: bool | None = None
    value_type: str | None = None
    personality: str | None = None


def parse_grading_options(
    *,
    this_year: int,
    employees: int | str | None = None,
    founded_year: int | str | None = None,
    budget: str | None = None,
    need_fit: int | str | None = None,
    likelihood: int | str | None = None,
    decision_maker: bool | None = None,
    value_type: str | None = None,
    personality: str | None = None,
) -> GradingOptions:
    """Check every given option (each refusal names its flag); pure, so the CLI can check
    them before it asks for anything."""
    return GradingOptions(
        employees=None if employees is None else parse_employees(employees),
        founded_year=(
            None if founded_year is None else parse_founded_year(founded_year, this_year=this_year)
        ),
        budget_fen=None if budget is None else parse_amount(budget, field="--budget"),
        need_fit=None if need_fit is None else parse_rating(need_fit, field="--need-fit"),
        likelihood=None if likelihood is None else parse_rating(likelihood, field="--likelihood"),
        decision_maker=decision_maker,
        value_type=(
            None
            if value_type is None
            else parse_code(VALUE_TYPES, value_type, field="--value-type")
        ),
        personality=(
            None
            if personality is None
            else parse_code(PERSONALITIES, personality, field="--personality")
        ),
    )


# --- the database side ---------------------------------------------------------------


@dataclass(frozen=True)
class GradeResult:
    lead_id: int
    customer: str
    score: int
    grade: str
    previous_grade: str | None
    breakdown: tuple[CriterionScore, ...]
    value_type: str | None
    personality: str | None
    rubric: str
    graded_at: datetime
    recorded: bool = True  # False: same inputs, rubric and types as the last grading


@dataclass(frozen=True)
class GradeView:
    """One grading from a lead's history."""

    id: int
    lead_id: int
    graded_at: datetime
    graded_by: str | None  # username; None when graded by the system
    score: int
    grade: str
    breakdown: tuple[CriterionScore, ...]
    value_type: str | None
    personality: str | None
    rubric: str


@dataclass(frozen=True)
class GradingGaps:
    """What grading a lead still lacks: the required options, and the optional profile."""

    required: tuple[str, ...]
    value_type: str | None
    personality: str | None


def grading_gaps(session: Session, actor: User, lead_id: int) -> GradingGaps:
    """The options still missing to grade the lead, after checking the actor may grade it.

    Raises like :func:`lead_for_update` (not found, or not the actor's to change), so the
    CLI learns of a refusal before it asks anything.
    """
    lead = lead_for_update(session, actor, lead_id)
    customer = customer_of(session, lead)
    inputs = GradingInputs(
        as_of_year=date.today().year,
        employees=customer.employees,
        founded_year=customer.founded_year,
        budget_fen=lead.budget_fen,
        need_fit=lead.need_fit,
        likelihood=lead.likelihood,
        decision_maker=lead.decision_maker_reached,
    )
    return GradingGaps(
        required=tuple(missing_inputs(inputs)),
        value_type=customer.value_type,
        personality=customer.personality,
    )


def missing_for_grading(session: Session, actor: User, lead_id: int) -> list[str]:
    """The option names still missing to grade the lead (see :func:`grading_gaps`)."""
    return list(grading_gaps(session, actor, lead_id).required)


def grade_lead(
    session: Session,
    actor: User,
    lead_id: int,
    *,
    employees: int | str | None = None,
    founded_year: int | str | None = None,
    budget: str | None = None,
    need_fit: int | str | None = None,
    likelihood: int | str | None = None,
    decision_maker: bool | None = None,
    value_type: str | None = None,
    personality: str | None = None,
    today: date | None = None,
    rubric: Rubric | None = None,
) -> GradeResult:
    """Grade the lead with the given inputs merged over the stored ones, and keep the grade.

    Given inputs are stored (employees and founding year on the customer, the rest on the
    lead), so the next grading asks only for what changed. Nothing is written when any
    input is bad or still missing.
    """
    lead = lead_for_update(session, actor, lead_id)
    customer = customer_of(session, lead)
    this_year = (today or date.today()).year
    given = parse_grading_options(
        this_year=this_year,
        employees=employees,
        founded_year=founded_year,
        budget=budget,
        need_fit=need_fit,
        likelihood=likelihood,
        decision_maker=decision_maker,
        value_type=value_type,
        personality=personality,
    )
    inputs = GradingInputs(
        as_of_year=this_year,
        employees=_either(given.employees, customer.employees),
        founded_year=_either(given.founded_year, customer.founded_year),
        budget_fen=_either(given.budget_fen, lead.budget_fen),
        need_fit=_either(given.need_fit, lead.need_fit),
        likelihood=_either(given.likelihood, lead.likelihood),
        decision_maker=_either(given.decision_maker, lead.decision_maker_reached),
    )
    in_use = rubric or load_rubric()
    scored = score_lead(in_use, inputs)

    now = utcnow()
    previous = lead.grade
    last = session.exec(
        select(LeadGrade)
        .where(LeadGrade.lead_id == lead_id)
        .order_by(col(LeadGrade.graded_at).desc(), col(LeadGrade.id).desc())
    ).first()
    same_types = (given.value_type in (None, customer.value_type)) and (
        given.personality in (None, customer.personality)
    )
    unchanged = (
        last is not None
        and same_types
        and last.rubric == in_use.ident
        and last.breakdown == breakdown_json(scored.breakdown)
        and last.value_type == customer.value_type
        and last.personality == customer.personality
    )
    graded_at = now
    if last is not None and unchanged:
        graded_at = last.graded_at  # nothing new: the history keeps real changes of view only
    else:
        customer.employees = inputs.employees
        customer.founded_year = inputs.founded_year
        if given.value_type is not None:
            customer.value_type = given.value_type
        if given.personality is not None:
            customer.personality = given.personality
        lead.budget_fen = inputs.budget_fen
        lead.need_fit = inputs.need_fit
        lead.likelihood = inputs.likelihood
        lead.decision_maker_reached = inputs.decision_maker
        lead.grade = scored.grade
        lead.score = scored.total
        lead.updated_at = now
        record = LeadGrade(
            lead_id=lead_id,
            graded_at=now,
            graded_by_id=actor.id,
            score=scored.total,
            grade=scored.grade,
            breakdown=breakdown_json(scored.breakdown),
            value_type=customer.value_type,
            personality=customer.personality,
            rubric=in_use.ident,
        )
        session.add_all([customer, lead, record])
        session.flush()
    return GradeResult(
        lead_id=lead_id,
        customer=customer.name,
        score=scored.total,
        grade=scored.grade,
        previous_grade=previous,
        breakdown=scored.breakdown,
        value_type=customer.value_type,
        personality=customer.personality,
        rubric=in_use.ident,
        graded_at=graded_at,
        recorded=not unchanged,
    )


def _either(given: T | None, stored: T | None) -> T | None:
    return stored if given is None else given


def grade_history(session: Session, actor: User, lead_id: int) -> list[GradeView]:
    """Every grading of a lead the actor may see, newest first, with the grader's name."""
    lead_for_reading(session, actor, lead_id)
    return _gradings(session, lead_id)


def latest_grade(session: Session, actor: User, lead_id: int) -> GradeView | None:
    """The lead's newest grading with its breakdown (``None`` if never graded)."""
    lead_for_reading(session, actor, lead_id)
    newest = _gradings(session, lead_id, limit=1)
    return newest[0] if newest else None


def _gradings(session: Session, lead_id: int, *, limit: int | None = None) -> list[GradeView]:
    statement = (
        select(LeadGrade, User.username)
        .join(User, col(User.id) == col(LeadGrade.graded_by_id), isouter=True)
        .where(col(LeadGrade.lead_id) == lead_id)
        .order_by(col(LeadGrade.graded_at).desc(), col(LeadGrade.id).desc())
    )
    if limit is not None:
        statement = statement.limit(limit)
    return [_view(row, username) for row, username in session.exec(statement).all()]


def _view(row: LeadGrade, username: str | None) -> GradeView:
    assert row.id is not None
    return GradeView(
        id=row.id,
        lead_id=row.lead_id,
        graded_at=row.graded_at,
        graded_by=username,
        score=row.score,
        grade=row.grade,
        breakdown=parse_breakdown(row.breakdown),
        value_type=row.value_type,
        personality=row.personality,
        rubric=row.rubric,
    )
