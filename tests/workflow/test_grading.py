"""Grading rules without a database: the rubric's bands, thresholds, and its checks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from salesflow.workflow.errors import ConfigurationError, InputError
from salesflow.workflow.grading import (
    GradingInputs,
    breakdown_json,
    input_text,
    missing_inputs,
    parse_breakdown,
    parse_founded_year,
    parse_grading_options,
    parse_rating,
    score_lead,
)
from salesflow.workflow.rubric import (
    CRITERIA,
    default_rubric,
    default_text,
    load_rubric,
    parse_rubric,
)
from salesflow.workflow.strategies import STRATEGIES, TIPS, strategy_for, tip_for

YEAR = 2025
# Each worth the criterion's full points: 20 + 10 + 20 + 20 + 20 + 10 = 100.
FULL = GradingInputs(
    as_of_year=YEAR,
    employees=5000,
    founded_year=1990,
    budget_fen=200_000_000,
    need_fit=5,
    likelihood=5,
    decision_maker=True,
)


def points(inputs: GradingInputs, criterion: str) -> int:
    scored = score_lead(default_rubric(), inputs)
    return next(line.points for line in scored.breakdown if line.criterion == criterion)


def test_full_marks_are_100_and_grade_a() -> None:
    scored = score_lead(default_rubric(), FULL)
    assert scored.total == 100
    assert scored.grade == "A"
    assert [line.criterion for line in scored.breakdown] == list(CRITERIA)
    assert sum(line.max_points for line in scored.breakdown) == 100


@pytest.mark.parametrize(
    ("employees", "expected"),
    [(1, 4), (19, 4), (20, 8), (99, 8), (100, 12), (499, 12), (500, 16), (1999, 16), (2000, 20)],
)
def test_company_size_band_edges(employees: int, expected: int) -> None:
    assert points(replace(FULL, employees=employees), "company_size") == expected


@pytest.mark.parametrize(
    ("founded", "expected"),
    [(YEAR, 1), (YEAR - 1, 3), (YEAR - 2, 3), (YEAR - 3, 5), (YEAR - 4, 5), (YEAR - 5, 8),
     (YEAR - 9, 8), (YEAR - 10, 10)],
)  # fmt: skip
def test_years_in_business_band_edges(founded: int, expected: int) -> None:
    assert points(replace(FULL, founded_year=founded), "years_in_business") == expected


@pytest.mark.parametrize(
    ("fen", "expected"),
    [
        (0, 0),
        (999_999, 0),  # ¥9,999.99: below the first band
        (1_000_000, 4),
        (4_999_999, 4),
        (5_000_000, 8),
        (20_000_000, 12),
        (49_999_999, 12),
        (50_000_000, 16),
        (99_999_999, 16),
        (100_000_000, 20),
    ],
)
def test_budget_band_edges_in_exact_fen(fen: int, expected: int) -> None:
    assert points(replace(FULL, budget_fen=fen), "budget") == expected


@pytest.mark.parametrize(("rating", "expected"), [(1, 0), (2, 5), (3, 10), (4, 15), (5, 20)])
def test_ratings(rating: int, expected: int) -> None:
    assert points(replace(FULL, need_fit=rating), "need_fit") == expected
    assert points(replace(FULL, likelihood=rating), "likelihood") == expected


def test_decision_maker() -> None:
    assert points(FULL, "decision_maker") == 10
    assert points(replace(FULL, decision_maker=False), "decision_maker") == 0


@pytest.mark.parametrize(
    ("likelihood", "decision_maker", "need_fit", "total", "grade"),
    [
        (2, False, 5, 75, "A"),  # 100 - 15 - 10
        (1, True, 4, 75, "A"),  # 100 - 20 - 5
        (1, False, 5, 70, "B"),
        (1, False, 2, 55, "B"),
        (2, False, 1, 55, "B"),
        (1, True, 1, 60, "B"),
        (1, False, 1, 50, "B"),
    ],
)
def test_thresholds(
    likelihood: int, decision_maker: bool, need_fit: int, total: int, grade: str
) -> None:
    inputs = replace(FULL, likelihood=likelihood, decision_maker=decision_maker, need_fit=need_fit)
    scored = score_lead(default_rubric(), inputs)
    assert (scored.total, scored.grade) == (total, grade)


def test_one_point_below_each_threshold() -> None:
    rubric = default_rubric()
    # 100 - 4 (500 employees) - 2 (5 years) - 15 (likelihood 2) - 5 (need fit 4) = 74
    almost_a = replace(
        FULL, employees=500, founded_year=YEAR - 5, likelihood=2, need_fit=4, decision_maker=True
    )
    assert (score_lead(rubric, almost_a).total, score_lead(rubric, almost_a).grade) == (74, "B")
    # 100 - 20 (likelihood 1) - 20 (need fit 1) - 4 (500 employees) - 7 (1 year) = 49
    almost_b = replace(FULL, likelihood=1, need_fit=1, employees=500, founded_year=YEAR - 1)
    assert (score_lead(rubric, almost_b).total, score_lead(rubric, almost_b).grade) == (49, "C")
    assert rubric.grade_for(0) == "C"
    assert rubric.grade_for(100) == "A"


def test_missing_inputs_are_reported_not_scored() -> None:
    empty = GradingInputs(as_of_year=YEAR)
    assert missing_inputs(empty) == [
        "--employees",
        "--founded-year",
        "--budget",
        "--need-fit",
        "--likelihood",
        "--decision-maker",
    ]
    partial = replace(FULL, budget_fen=None, likelihood=None)
    assert missing_inputs(partial) == ["--budget", "--likelihood"]
    with pytest.raises(InputError, match="Missing for grading: --budget, --likelihood"):
        score_lead(default_rubric(), partial)
    # False and zero are known values, not missing ones.
    known = replace(FULL, decision_maker=False, budget_fen=0)
    assert missing_inputs(known) == []


def test_breakdown_round_trips_through_json() -> None:
    scored = score_lead(default_rubric(), replace(FULL, budget_fen=12_345_678))
    text = breakdown_json(scored.breakdown)
    assert '"300000' not in text
    assert '"123456.78"' in text  # exact yuan text, never a float
    assert parse_breakdown(text) == scored.breakdown
    budget = next(line for line in scored.breakdown if line.criterion == "budget")
    assert input_text("budget", budget.input) == "¥123,456.78"
    assert input_text("decision_maker", True) == "yes"


def test_option_checks_name_the_flag() -> None:
    with pytest.raises(InputError, match="--need-fit"):
        parse_rating(7, field="--need-fit")
    with pytest.raises(InputError, match="--likelihood"):
        parse_rating("0", field="--likelihood")
    with pytest.raises(InputError, match="--founded-year"):
        parse_founded_year(YEAR + 1, this_year=YEAR)
    assert parse_founded_year("1800", this_year=YEAR) == 1800
    with pytest.raises(InputError, match="--founded-year"):
        parse_founded_year(1799, this_year=YEAR)
    with pytest.raises(InputError, match="--employees"):
        parse_grading_options(this_year=YEAR, employees=0)
    with pytest.raises(InputError, match="--employees"):
        parse_grading_options(this_year=YEAR, employees=10_000_001)
    with pytest.raises(InputError, match="--budget"):
        parse_grading_options(this_year=YEAR, budget="-5")
    with pytest.raises(InputError, match="--personality"):
        parse_grading_options(this_year=YEAR, personality="grumpy")
    parsed = parse_grading_options(
        this_year=YEAR, budget="20万", value_type="战略价值型", personality="Indecisive"
    )
    assert (parsed.budget_fen, parsed.value_type, parsed.personality) == (
        20_000_000,
        "strategic",
        "hesitant",
    )


def test_every_value_type_and_personality_has_advice() -> None:
    from salesflow.workflow.glossary import PERSONALITIES, VALUE_TYPES

    assert set(STRATEGIES) == set(VALUE_TYPES)
    assert set(TIPS) == set(PERSONALITIES)
    assert len(TIPS) == 18
    assert all(len(text) < 200 for text in [*STRATEGIES.values(), *TIPS.values()])
    assert strategy_for("intrinsic")
    assert tip_for("haggler")
    assert strategy_for(None) is None
    assert tip_for("unknown") is None


# --- the rubric file -------------------------------------------------------------------


def test_default_rubric_is_shipped_in_the_package() -> None:
    from importlib.resources import files

    resource = files("salesflow.workflow").joinpath("rubric.toml")
    assert resource.is_file()
    rubric = default_rubric()
    assert rubric.ident == "default"
    assert rubric.is_default
    assert rubric.thresholds == (("A", 75), ("B", 50))
    assert rubric.cadence_days == (("A", 7), ("B", 14), ("C", 30))
    assert [c.max_points for c in rubric.criteria] == [20, 10, 20, 20, 20, 10]


def _edit(old: str, new: str) -> str:
    text = default_text()
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (_edit("A = 75", "A = 45"), "grades.B"),  # thresholds not descending
        (_edit("A = 75", "A = 50"), "grades.B"),
        (_edit("A = 75", "A = 101"), "grades.A"),
        (_edit("B = 50", 'B = "fifty"'), "grades.B"),
        (_edit("B = 50\n", "B = 50\nD = 10\n"), "grades.D"),
        (_edit("max_points = 10\n\n", "max_points = 15\n\n"),
         "criteria: the max_points of the criteria add up to 105"),
        (_edit("{ at_least = 100, points = 12 }", "{ at_least = 20, points = 12 }"),
         "criteria.company_size.bands[2].at_least"),  # band values not increasing
        (_edit("{ at_least = 100, points = 12 }", "{ at_least = 100, points = 6 }"),
         "criteria.company_size.bands[2].points"),
        (_edit("{ at_least = 2000, points = 20 }", "{ at_least = 2000, points = 18 }"),
         "criteria.company_size.bands[4].points"),  # top band below max_points
        (_edit("{ at_least = 10000, points = 4 }", "{ at_least = 10000.5, points = 4 }"),
         "criteria.budget.bands[0].at_least"),  # no floats for money
        (_edit("points = [0, 5, 10, 15, 20]", "points = [0, 5, 10, 20]"),
         "criteria.need_fit.points"),
        (_edit("points = [0, 5, 10, 15, 20]", "points = [0, 5, 12, 10, 20]"),
         "criteria.need_fit.points[3]"),
        (_edit("[criteria.likelihood]", "[criteria.likelyhood]"), "criteria.likelyhood"),
        (_edit("C = 30", "C = 0"), "cadence_days.C"),
        (_edit("C = 30\n", ""), "cadence_days.C"),
        ("[grades]\nA = 75\nB = 50\n", "criteria"),
        ("this is = not toml [", "not valid TOML"),
    ],
)  # fmt: skip
def test_bad_rubric_is_refused_naming_file_and_key(text: str, key: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        parse_rubric(text, source="/etc/team/rubric.toml")
    assert "/etc/team/rubric.toml" in refused.value.message
    assert key in refused.value.message


def test_override_in_config_dir_replaces_the_default(isolated_home: Path) -> None:
    assert load_rubric().ident == "default"
    isolated_home.mkdir(parents=True, exist_ok=True)
    override = isolated_home / "rubric.toml"
    override.write_text(_edit("A = 75", "A = 90"), encoding="utf-8")
    rubric = load_rubric()
    assert rubric.source == str(override)
    assert not rubric.is_default
    assert rubric.ident.startswith("custom:")
    assert len(rubric.ident) == len("custom:") + 12
    assert rubric.ident == load_rubric().ident  # stable
    assert rubric.thresholds == (("A", 90), ("B", 50))
    assert score_lead(rubric, FULL).grade == "A"
    assert score_lead(rubric, replace(FULL, need_fit=3)).grade == "A"  # 90
    assert score_lead(rubric, replace(FULL, likelihood=2)).grade == "B"  # 85: A by default
    assert score_lead(default_rubric(), replace(FULL, likelihood=2)).grade == "A"
    # Replaced whole: a partial override is refused rather than merged with the default.
    override.write_text("[grades]\nA = 80\nB = 60\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="criteria"):
        load_rubric()
    # The shipped text copied unchanged is the default rubric, by content.
    override.write_text(default_text(), encoding="utf-8")
    assert load_rubric().ident == "default"
