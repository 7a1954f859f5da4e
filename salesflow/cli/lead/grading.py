"""``salesflow lead grade``: score a lead on the rubric, grade it A/B/C, keep the history.

Every rubric input is also an option. In a terminal only the inputs that are neither given
nor already stored are asked for, and the value type and personality are offered (each
skippable); without a terminal, or with ``--no-input``, the missing inputs are one error
naming every option to pass. Whether the acting user may grade the lead is checked before
anything is asked.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli import context
from salesflow.cli.lead.app import app
from salesflow.cli.output import Column, FormatOption, OutputFormat, plain, render
from salesflow.cli.prompts import (
    ask_choice,
    ask_confirm,
    ask_optional_choice,
    ask_validated,
    can_prompt,
    check_with,
)
from salesflow.i18n import N_, _, help_format
from salesflow.workflow.errors import InputError
from salesflow.workflow.glossary import GRADES, PERSONALITIES, VALUE_TYPES, label
from salesflow.workflow.rubric import TOTAL_POINTS, criterion_label

if TYPE_CHECKING:
    from salesflow.workflow.grading import CriterionScore, GradeResult

# The grading options by the name grade_lead takes them under.
OPTION_KEYS: dict[str, str] = {
    "--employees": "employees",
    "--founded-year": "founded_year",
    "--budget": "budget",
    "--need-fit": "need_fit",
    "--likelihood": "likelihood",
    "--decision-maker": "decision_maker",
    "--value-type": "value_type",
    "--personality": "personality",
}
NEED_FIT_CHOICES = (
    ("1", N_("No real fit")),
    ("2", N_("Weak fit")),
    ("3", N_("Partial fit")),
    ("4", N_("Good fit")),
    ("5", N_("Excellent fit")),
)
LIKELIHOOD_CHOICES = (
    ("1", N_("Very unlikely")),
    ("2", N_("Unlikely")),
    ("3", N_("Possible")),
    ("4", N_("Likely")),
    ("5", N_("Very likely")),
)
VALUE_TYPE_HELP = help_format("Customer value type: {codes}.", codes=", ".join(VALUE_TYPES))
PERSONALITY_HELP = _("Customer personality type, e.g. haggler, hesitant, rational.")


@app.command(
    "grade",
    help=_(
        "Grade a lead A, B or C on the rubric (see 'salesflow config rubric'), asking only "
        "for what is missing; every grading is kept."
    ),
)
def grade(
    lead_id: Annotated[
        str,
        typer.Argument(metavar="ID", help=_("The lead number (42, #42 or L42).")),
    ],
    employees: Annotated[
        int | None, typer.Option("--employees", help=_("Number of employees of the company."))
    ] = None,
    founded_year: Annotated[
        int | None, typer.Option("--founded-year", help=_("Year the company was founded."))
    ] = None,
    budget: Annotated[
        str | None,
        typer.Option(
            "--budget", help=_("Budget or purchasing power in yuan, e.g. 200000 or 20万.")
        ),
    ] = None,
    need_fit: Annotated[
        int | None,
        typer.Option("--need-fit", help=_("How well their need fits our offer, 1 (poor) to 5.")),
    ] = None,
    likelihood: Annotated[
        int | None,
        typer.Option("--likelihood", help=_("Likelihood of cooperation, 1 (low) to 5 (high).")),
    ] = None,
    decision_maker: Annotated[
        bool | None,
        typer.Option(
            "--decision-maker/--no-decision-maker",
            help=_("Whether the decision maker has been reached."),
        ),
    ] = None,
    value_type: Annotated[str | None, typer.Option("--value-type", help=VALUE_TYPE_HELP)] = None,
    personality: Annotated[str | None, typer.Option("--personality", help=PERSONALITY_HELP)] = None,
    history: Annotated[
        bool, typer.Option("--history", help=_("List the lead's grade history instead."))
    ] = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.lead_access import parse_lead_id

    number = parse_lead_id(lead_id)
    values: dict[str, Any] = {
        "employees": employees,
        "founded_year": founded_year,
        "budget": budget,
        "need_fit": need_fit,
        "likelihood": likelihood,
        "decision_maker": decision_maker,
        "value_type": value_type,
        "personality": personality,
    }
    if history:
        given = [option for option, key in OPTION_KEYS.items() if values[key] is not None]
        if given:
            raise InputError(
                _("--history lists the grades; it cannot be combined with {options}.").format(
                    options=", ".join(given)
                )
            )
        show_history(number, fmt)
        return
    result = record_grade(number, values)
    show_grade(result, fmt)
    tell_grade(result)


def record_grade(number: int, values: dict[str, Any] | None = None) -> GradeResult:
    """Ask in a terminal for the inputs missing from ``values``, then grade the lead.

    ``lead grade`` and ``lead advance`` (filling in a missing grade) both grade through
    here; the grading is its own transaction.
    """
    answers: dict[str, Any] = dict.fromkeys(OPTION_KEYS.values()) | (values or {})
    if can_prompt():
        answers = ask_missing(number, answers)

    from salesflow.workflow.grading import grade_lead

    with context.acting(write=True) as (session, actor):
        return grade_lead(session, actor, number, **answers)


def tell_grade(result: GradeResult) -> None:
    """The grading in one line on stderr: new, changed, or nothing changed."""
    if not result.recorded:
        context.note(
            _(
                "Nothing changed since the last grading of lead {id}: {grade}, score {score}."
            ).format(id=result.lead_id, grade=result.grade, score=result.score)
        )
    elif result.previous_grade and result.previous_grade != result.grade:
        context.note(
            _("Graded lead {id}: {grade} (was {previous}), score {score}.").format(
                id=result.lead_id,
                grade=result.grade,
                previous=result.previous_grade,
                score=result.score,
            )
        )
    else:
        context.note(
            _("Graded lead {id}: {grade}, score {score}.").format(
                id=result.lead_id, grade=result.grade, score=result.score
            )
        )


def ask_missing(number: int, values: dict[str, Any]) -> dict[str, Any]:
    """Ask for the inputs neither given nor stored; offer the value type and personality."""
    from salesflow.workflow.grading import (
        grading_gaps,
        parse_employees,
        parse_founded_year,
        parse_grading_options,
    )
    from salesflow.workflow.money import parse_amount

    with context.acting() as (session, actor):
        gaps = grading_gaps(session, actor, number)  # refuses before anything is asked
    this_year = date.today().year
    parse_grading_options(this_year=this_year, **values)  # a bad option fails before asking
    answers = dict(values)
    for option in gaps.required:
        key = OPTION_KEYS[option]
        if answers[key] is not None:
            continue
        if option == "--employees":
            answers[key] = ask_validated(
                _("How many employees does the company have?"),
                option=option,
                check=check_with(parse_employees),
                required=True,
            )
        elif option == "--founded-year":
            answers[key] = ask_validated(
                _("In which year was the company founded?"),
                option=option,
                check=check_with(lambda text: parse_founded_year(text, this_year=this_year)),
                required=True,
            )
        elif option == "--budget":
            answers[key] = ask_validated(
                _("Their budget or purchasing power, in yuan (200000 or 20万)?"),
                option=option,
                check=check_with(lambda text: parse_amount(text, field="--budget")),
                required=True,
            )
        elif option == "--need-fit":
            answers[key] = ask_choice(
                _("How well does their need fit our offer?"),
                [(code, _(text)) for code, text in NEED_FIT_CHOICES],
                option=option,
            )
        elif option == "--likelihood":
            answers[key] = ask_choice(
                _("How likely are they to cooperate?"),
                [(code, _(text)) for code, text in LIKELIHOOD_CHOICES],
                option=option,
            )
        elif option == "--decision-maker":
            answers[key] = ask_confirm(_("Have you reached the decision maker?"), option=option)
    if answers["value_type"] is None and gaps.value_type is None:
        answers["value_type"] = ask_optional_choice(
            _("Customer value type (optional)?"),
            [(code, label(VALUE_TYPES, code)) for code in VALUE_TYPES],
            option="--value-type",
            skip_label=_("Skip for now"),
        )
    if answers["personality"] is None and gaps.personality is None:
        answers["personality"] = ask_optional_choice(
            _("Customer personality (optional)?"),
            [(code, label(PERSONALITIES, code)) for code in PERSONALITIES],
            option="--personality",
            skip_label=_("Skip for now"),
        )
    return answers


def breakdown_columns() -> list[Column]:
    return [
        Column("criterion", _("Criterion")),
        Column("input", _("Input")),
        Column("points", _("Points"), justify="right"),
        Column("max_points", _("Max"), justify="right"),
    ]


def breakdown_for_people(
    breakdown: Sequence[CriterionScore], score: int
) -> list[dict[str, object]]:
    """Rows for :func:`breakdown_columns`: labels, readable inputs, and a total row.

    ``lead show`` can render a :class:`GradeView`'s breakdown with these too.
    """
    from salesflow.workflow.grading import input_text

    rows: list[dict[str, object]] = [
        {
            "criterion": criterion_label(line.criterion),
            "input": input_text(line.criterion, line.input),
            "points": line.points,
            "max_points": line.max_points,
        }
        for line in breakdown
    ]
    total = {"criterion": _("Total"), "input": "", "points": score}
    rows.append({**total, "max_points": sum(line.max_points for line in breakdown)})
    return rows


def show_grade(result: GradeResult, fmt: OutputFormat) -> None:
    """The breakdown with total and grade, then the strategy and the coping tip."""
    from salesflow.workflow.strategies import strategy_for, tip_for

    lines = [
        {
            "criterion": line.criterion,
            "input": line.input,
            "points": line.points,
            "max_points": line.max_points,
        }
        for line in result.breakdown
    ]
    if fmt is OutputFormat.json:
        data = {
            "lead_id": result.lead_id,
            "grade": result.grade,
            "score": result.score,
            "breakdown": lines,
            "value_type": result.value_type,
            "personality": result.personality,
            "rubric": result.rubric,
            "graded_at": plain(result.graded_at),
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt is OutputFormat.csv:
        # One tidy row per criterion; the grade and score repeat on every row.
        keys = ("lead_id", "grade", "score", "criterion", "input", "points", "max_points")
        rows = [
            {"lead_id": result.lead_id, "grade": result.grade, "score": result.score, **line}
            for line in lines
        ]
        render(rows, [Column(key, key) for key in keys], fmt)
        return
    people = breakdown_for_people(result.breakdown, result.score)
    title = _("Lead {id} · {customer}").format(id=result.lead_id, customer=result.customer)
    if fmt is OutputFormat.markdown:
        print(f"### {title}\n")
    render(people, breakdown_columns(), fmt, title=title)
    advice = [
        _("Grade: {grade} (score {score}/{total}).").format(
            grade=label(GRADES, result.grade), score=result.score, total=TOTAL_POINTS
        )
    ]
    strategy = strategy_for(result.value_type)
    if strategy:
        advice.append(
            _("Strategy ({value_type}): {text}").format(
                value_type=label(VALUE_TYPES, result.value_type), text=strategy
            )
        )
    tip = tip_for(result.personality)
    if tip:
        advice.append(
            _("Coping tip ({personality}): {text}").format(
                personality=label(PERSONALITIES, result.personality), text=tip
            )
        )
    print("\n" + "\n\n".join(advice))
    if not strategy and not tip:
        context.note(_("Add --value-type and --personality to see a strategy and a coping tip."))


def show_history(number: int, fmt: OutputFormat) -> None:
    from salesflow.workflow.grading import grade_history

    with context.acting() as (session, actor):
        views = grade_history(session, actor, number)
    columns = [
        Column("graded_at", _("Graded")),
        Column("graded_by", _("By")),
        Column("grade", _("Grade")),
        Column("score", _("Score"), justify="right"),
        Column("value_type", _("Value type"), show=lambda code: label(VALUE_TYPES, code)),
        Column("personality", _("Personality"), show=lambda code: label(PERSONALITIES, code)),
        Column("rubric", _("Rubric")),
    ]
    if fmt is OutputFormat.json:
        columns = [Column("id", "id"), *columns, Column("breakdown", "breakdown")]
    render(
        views,
        columns,
        fmt,
        title=_("Grade history of lead {id}").format(id=number),
        empty_message=_("Lead {id} has not been graded yet.").format(id=number),
    )
