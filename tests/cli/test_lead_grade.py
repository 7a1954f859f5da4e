"""``salesflow lead grade`` and ``salesflow config rubric`` through the CLI, on both backends."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from salesflow.workflow.rubric import default_text
from tests.helpers import Cli, assert_one_line_error, assert_refused_unchanged, snapshot

ALL_INPUTS = [
    "--employees",
    "150",
    "--founded-year",
    "2010",
    "--budget",
    "30万",
    "--need-fit",
    "4",
    "--likelihood",
    "3",
    "--decision-maker",
]
# 12 (150 employees) + 10 (15+ years) + 12 (¥300,000) + 15 + 10 + 10
ALL_INPUTS_SCORE = 69


def add_lead(
    url: str,
    owner: str | None,
    *,
    company: str = "华东精密机械有限公司",
    employees: int | None = None,
    founded_year: int | None = None,
) -> int:
    """A lead written straight into the store (independent of ``lead add``)."""
    from salesflow.store.database import open_workspace
    from salesflow.store.models import Customer, Lead
    from salesflow.workflow.companies import company_key
    from salesflow.workflow.identity import find_user

    workspace = open_workspace(url)
    try:
        with workspace.session(actor_id=None, write=True) as session:
            owner_id = None
            if owner is not None:
                user = find_user(session, owner)
                assert user is not None
                owner_id = user.id
            customer = Customer(
                name=company,
                name_key=company_key(company),
                name_block="x",
                owner_id=owner_id,
                employees=employees,
                founded_year=founded_year,
            )
            session.add(customer)
            session.flush()
            assert customer.id is not None
            lead = Lead(customer_id=customer.id, source="website", owner_id=owner_id)
            session.add(lead)
            session.flush()
            assert lead.id is not None
            return lead.id
    finally:
        workspace.dispose()


def lead_state(url: str, lead_id: int) -> dict[str, Any]:
    """What grading stores: on the lead, its customer, and its grade rows (oldest first)."""
    from sqlmodel import col, select

    from salesflow.store.database import open_workspace
    from salesflow.store.models import Customer, Lead, LeadGrade

    workspace = open_workspace(url)
    try:
        with workspace.session() as session:
            lead = session.get(Lead, lead_id)
            assert lead is not None
            customer = session.get(Customer, lead.customer_id)
            assert customer is not None
            grades = session.exec(
                select(LeadGrade)
                .where(col(LeadGrade.lead_id) == lead_id)
                .order_by(col(LeadGrade.id))
            ).all()
            return {
                "grade": lead.grade,
                "score": lead.score,
                "budget_fen": lead.budget_fen,
                "need_fit": lead.need_fit,
                "likelihood": lead.likelihood,
                "decision_maker": lead.decision_maker_reached,
                "employees": customer.employees,
                "founded_year": customer.founded_year,
                "value_type": customer.value_type,
                "personality": customer.personality,
                "grades": [
                    {
                        "grade": g.grade,
                        "score": g.score,
                        "breakdown": json.loads(g.breakdown),
                        "rubric": g.rubric,
                        "value_type": g.value_type,
                        "personality": g.personality,
                    }
                    for g in grades
                ],
            }
    finally:
        workspace.dispose()


def test_grading_stores_score_grade_breakdown_and_history(cli: Cli, team: str) -> None:
    lead = add_lead(team, "li.na")
    result = cli("--as", "li.na", "lead", "grade", str(lead), *ALL_INPUTS)
    assert result.exit_code == 0, result.stderr
    assert "Total" in result.stdout
    assert "Company size" in result.stdout
    assert "¥300,000.00" in result.stdout
    assert "B — good customer" in result.stdout
    assert "Graded lead" in result.stderr  # messages on stderr
    state = lead_state(team, lead)
    assert (state["grade"], state["score"]) == ("B", ALL_INPUTS_SCORE)
    assert (state["employees"], state["founded_year"]) == (150, 2010)
    assert (state["budget_fen"], state["need_fit"], state["likelihood"]) == (30_000_000, 4, 3)
    assert state["decision_maker"] is True
    [first] = state["grades"]
    assert first["rubric"] == "default"
    assert [line["criterion"] for line in first["breakdown"]] == [
        "company_size",
        "years_in_business",
        "budget",
        "need_fit",
        "likelihood",
        "decision_maker",
    ]
    assert sum(line["points"] for line in first["breakdown"]) == ALL_INPUTS_SCORE
    assert first["breakdown"][2]["input"] == "300000.00"

    # Regrading asks for nothing stored: only the changed input is given.
    again = cli("--as", "li.na", "--no-input", "lead", "grade", f"L{lead}", "--likelihood", "5")
    assert again.exit_code == 0, again.stderr
    assert "was B" in again.stderr
    state = lead_state(team, lead)
    assert (state["grade"], state["score"]) == ("A", ALL_INPUTS_SCORE + 10)
    assert [g["grade"] for g in state["grades"]] == ["B", "A"]

    history = cli("--as", "li.na", "lead", "grade", str(lead), "--history", "-f", "json")
    assert history.exit_code == 0, history.stderr
    rows = json.loads(history.stdout)
    assert [(r["grade"], r["score"]) for r in rows] == [("A", 79), ("B", 69)]  # newest first
    assert {r["graded_by"] for r in rows} == {"li.na"}
    assert rows[0]["breakdown"][4] == {
        "criterion": "likelihood",
        "input": 5,
        "points": 20,
        "max_points": 20,
    }
    table = cli("--as", "li.na", "lead", "grade", str(lead), "--history")
    assert table.exit_code == 0
    assert "li.na" in table.stdout
    csv = cli("--as", "li.na", "lead", "grade", str(lead), "--history", "-f", "csv")
    assert (
        csv.stdout.splitlines()[0]
        == "graded_at,graded_by,grade,score,value_type,personality,rubric"
    )
    assert len(csv.stdout.splitlines()) == 3


def test_history_of_an_ungraded_lead_and_history_with_grading_options(cli: Cli, team: str) -> None:
    lead = add_lead(team, "li.na")
    empty = cli("--as", "li.na", "lead", "grade", str(lead), "--history")
    assert empty.exit_code == 0
    assert empty.stdout == ""
    assert "not been graded" in empty.stderr
    assert (
        json.loads(
            cli("--as", "li.na", "lead", "grade", str(lead), "--history", "-f", "json").stdout
        )
        == []
    )
    assert_refused_unchanged(
        cli,
        team,
        ["--as", "li.na", "lead", "grade", str(lead), "--history", "--need-fit", "3"],
        2,
        "--need-fit",
    )


def test_json_output_has_only_codes(cli: Cli, team: str) -> None:
    lead = add_lead(team, "li.na")
    result = cli(
        "--as", "li.na", "lead", "grade", str(lead), *ALL_INPUTS,
        "--value-type", "战略价值型", "--personality", "Indecisive", "-f", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {
        "lead_id",
        "grade",
        "score",
        "breakdown",
        "value_type",
        "personality",
        "rubric",
        "graded_at",
    }
    assert (data["grade"], data["score"], data["lead_id"]) == ("B", ALL_INPUTS_SCORE, lead)
    assert (data["value_type"], data["personality"], data["rubric"]) == (
        "strategic",
        "hesitant",
        "default",
    )
    assert data["breakdown"][0] == {
        "criterion": "company_size",
        "input": 150,
        "points": 12,
        "max_points": 20,
    }
    assert data["breakdown"][5]["input"] is True
    for label in ("Strategic", "战略", "Indecisive", "good customer", "Company size"):
        assert label not in result.stdout
    state = lead_state(team, lead)
    assert (state["value_type"], state["personality"]) == ("strategic", "hesitant")
    assert state["grades"][0]["value_type"] == "strategic"

    # Tables show the labels, the strategy and the coping tip.
    table = cli("--as", "li.na", "--no-input", "lead", "grade", str(lead))
    assert table.exit_code == 0, table.stderr
    assert "Strategic-value customer" in table.stdout
    assert "senior management" in table.stdout
    assert "Indecisive" in table.stdout
    csv = cli("--as", "li.na", "--no-input", "lead", "grade", str(lead), "-f", "csv")
    lines = csv.stdout.splitlines()
    assert lines[0] == "lead_id,grade,score,criterion,input,points,max_points"
    assert lines[3] == f"{lead},B,{ALL_INPUTS_SCORE},budget,300000.00,12,20"
    markdown = cli("--as", "li.na", "--no-input", "lead", "grade", str(lead), "-f", "markdown")
    assert "| Total" in markdown.stdout


def test_no_input_names_every_missing_flag_and_writes_nothing(cli: Cli, team: str) -> None:
    lead = add_lead(team, "li.na")
    args = ["--as", "li.na", "--no-input", "lead", "grade", str(lead), "--employees", "50"]
    needle = (
        "Missing for grading: --founded-year, --budget, --need-fit, --likelihood, --decision-maker"
    )
    assert_refused_unchanged(cli, team, args, 2, needle)
    assert "--employees," not in cli(*args).stderr
    assert lead_state(team, lead)["employees"] is None  # the given one was not kept either


def test_only_what_is_not_stored_is_missing(cli: Cli, team: str) -> None:
    from salesflow.store.database import open_workspace
    from salesflow.workflow.grading import missing_for_grading
    from salesflow.workflow.identity import find_user

    lead = add_lead(team, "li.na", employees=300, founded_year=2001)
    assert_refused_unchanged(
        cli,
        team,
        ["--as", "li.na", "--no-input", "lead", "grade", str(lead), "--decision-maker"],
        2,
        "Missing for grading: --budget, --need-fit, --likelihood.",
    )
    workspace = open_workspace(team)
    try:
        with workspace.session() as session:
            actor = find_user(session, "li.na")
            assert actor is not None
            assert missing_for_grading(session, actor, lead) == [
                "--budget",
                "--need-fit",
                "--likelihood",
                "--decision-maker",
            ]
    finally:
        workspace.dispose()


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (["--need-fit", "7"], "--need-fit"),
        (["--likelihood", "0"], "--likelihood"),
        (["--budget=-5"], "--budget"),
        (["--budget", "lots"], "--budget"),
        (["--founded-year", "3000"], "--founded-year"),
        (["--employees", "0"], "--employees"),
        (["--personality", "grumpy"], "--personality"),
        (["--value-type", "cheap"], "--value-type"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(
    cli: Cli, team: str, change: list[str], needle: str
) -> None:
    lead = add_lead(team, "li.na")
    args = ["--as", "li.na", "--no-input", "lead", "grade", str(lead), *ALL_INPUTS, *change]
    assert_refused_unchanged(cli, team, args, 2, needle)


def test_who_may_grade(cli: Cli, team: str) -> None:
    own = add_lead(team, "li.na", company="李娜的客户")
    other_team = add_lead(team, "liu.yang", company="刘洋的客户")
    unassigned = add_lead(team, None, company="无主客户")
    grade = ["--no-input", "lead", "grade"]
    # A rep: another rep's lead is not found, even in the same team; unassigned is refused.
    assert_refused_unchanged(
        cli, team, ["--as", "zhang.wei", *grade, str(own), *ALL_INPUTS], 2, f"No lead {own}"
    )
    assert_refused_unchanged(
        cli, team, ["--as", "li.na", *grade, str(other_team), *ALL_INPUTS], 2, "No lead"
    )
    assert_refused_unchanged(
        cli, team, ["--as", "li.na", *grade, str(unassigned), *ALL_INPUTS], 1, "unassigned"
    )
    # Refused before the missing inputs are mentioned.
    assert_refused_unchanged(cli, team, ["--as", "li.na", *grade, str(unassigned)], 1, "unassigned")
    assert_refused_unchanged(cli, team, ["--as", "zhang.wei", *grade, str(own)], 2, "No lead")
    # Another team's manager does not see it; the rep's own manager grades it.
    assert_refused_unchanged(
        cli, team, ["--as", "chen.jing", *grade, str(own), *ALL_INPUTS], 2, "No lead"
    )
    done = cli("--as", "wang.qiang", *grade, str(own), *ALL_INPUTS)
    assert done.exit_code == 0, done.stderr
    history = json.loads(
        cli("--as", "li.na", "lead", "grade", str(own), "--history", "-f", "json").stdout
    )
    assert [row["graded_by"] for row in history] == ["wang.qiang"]
    # History is for whoever can see the lead.
    hidden = cli("--as", "zhang.wei", "lead", "grade", str(own), "--history")
    assert_one_line_error(hidden, 2)
    bad_id = cli("--as", "li.na", "lead", "grade", "forty-two")
    assert_one_line_error(bad_id, 2)
    assert "forty-two" in bad_id.stderr
    # The director grades anyone's lead, and an unassigned one.
    assert cli("--as", "zhao.min", *grade, str(unassigned), *ALL_INPUTS).exit_code == 0
    assert lead_state(team, unassigned)["grade"] == "B"
    assert lead_state(team, other_team)["grades"] == []  # fmt: skip


def test_grading_under_an_override_records_its_id(cli: Cli, team: str, isolated_home: Path) -> None:
    lead = add_lead(team, "li.na")
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "rubric.toml").write_text(
        default_text().replace("B = 50", "B = 70"), encoding="utf-8"
    )
    result = cli("--as", "li.na", "lead", "grade", str(lead), *ALL_INPUTS, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["grade"] == "C"  # 69 is below the override's B
    assert data["rubric"].startswith("custom:")
    assert lead_state(team, lead)["grades"][0]["rubric"] == data["rubric"]
    (isolated_home / "rubric.toml").write_text(
        default_text().replace("B = 50", "B = 80"), encoding="utf-8"
    )
    assert_refused_unchanged(
        cli, team, ["--as", "li.na", "lead", "grade", str(lead), *ALL_INPUTS], 2, "grades.B"
    )


def test_config_rubric_in_every_format(cli: Cli) -> None:
    table = cli("config", "rubric")
    assert table.exit_code == 0, table.stderr
    for text in ("Company size", "2,000+ employees", "¥1,000,000+", "score 75+", "every 7 days"):
        assert text in table.stdout
    assert "default" in table.stdout

    data = json.loads(cli("config", "rubric", "-f", "json").stdout)
    assert (data["rubric"], data["source"], data["path"]) == ("default", "default", None)
    assert data["criteria"][0]["criterion"] == "company_size"
    assert sum(c["max_points"] for c in data["criteria"]) == data["total_points"] == 100
    budget = next(c for c in data["criteria"] if c["criterion"] == "budget")
    assert budget["bands"][0] == {"at_least": "10000", "points": 4}
    assert data["grades"] == [
        {"grade": "A", "min_score": 75, "cadence_days": 7},
        {"grade": "B", "min_score": 50, "cadence_days": 14},
        {"grade": "C", "min_score": 0, "cadence_days": 30},
    ]

    csv = cli("config", "rubric", "-f", "csv")
    lines = csv.stdout.splitlines()
    assert lines[0] == "section,code,at_least,points,max_points,cadence_days"
    assert "criterion,company_size,2000,20,20," in lines
    assert "grade,A,75,,,7" in lines
    assert "default" in csv.stderr

    markdown = cli("config", "rubric", "-f", "markdown").stdout
    assert "| Company size" in markdown
    assert "| A — key customer" in markdown


def test_config_rubric_shows_the_override(cli: Cli, isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    override = isolated_home / "rubric.toml"
    override.write_text(default_text().replace("A = 75", "A = 80"), encoding="utf-8")
    data = json.loads(cli("config", "rubric", "-f", "json").stdout)
    assert data["source"] == "override"
    assert data["path"] == str(override)
    assert data["rubric"].startswith("custom:")
    assert data["grades"][0]["min_score"] == 80
    table = cli("config", "rubric")
    assert str(override) in table.stdout
    assert "score 80+" in table.stdout

    override.write_text(default_text().replace("max_points = 10\n\n", "max_points = 5\n\n"))
    broken = cli("config", "rubric")
    assert_one_line_error(broken, 2)
    assert str(override) in broken.stderr
    assert "criteria" in broken.stderr
    assert "add up to 95" in broken.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_grading_prompts_in_a_terminal(team: str) -> None:
    """Only the inputs not stored are asked for; value type and personality are offered."""
    import pexpect

    lead = add_lead(team, "li.na", employees=300, founded_year=2001)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "salesflow", "--as", "li.na", "lead", "grade", str(lead)],
        env=dict(os.environ),
        encoding="utf-8",
        dimensions=(40, 120),
    )
    child.expect("budget", timeout=60)
    child.send("abc\r")  # refused under the prompt, asked again
    child.expect("not an amount", timeout=30)
    child.send("\x15")  # clear the line
    child.send("30万\r")
    child.expect("fit our offer", timeout=30)
    child.send("\x1b[B" * 3 + "\r")  # rating 4
    child.expect("likely", timeout=30)
    child.send("\x1b[B" * 2 + "\r")  # rating 3
    child.expect("decision maker", timeout=30)
    child.send("y")
    child.expect("value type", timeout=30)
    child.send("\x1b[B\r")  # the first value type, intrinsic
    child.expect("personality", timeout=30)
    child.send("\r")  # skip
    child.expect(pexpect.EOF, timeout=60)
    child.close()
    transcript = str(child.before)
    assert child.exitstatus == 0, transcript
    state = lead_state(team, lead)
    assert (state["budget_fen"], state["need_fit"], state["likelihood"]) == (30_000_000, 4, 3)
    assert state["decision_maker"] is True
    assert (state["value_type"], state["personality"]) == ("intrinsic", None)
    # 12 (300 employees) + 10 (20+ years) + 12 + 15 + 10 + 10
    assert (state["grade"], state["score"]) == ("B", 69)


def test_regrading_with_nothing_new_keeps_the_history_as_it_is(cli: Cli, team: str) -> None:
    lead_id = add_lead(team, "li.na")
    args = ["--as", "li.na", "--no-input", "lead", "grade", str(lead_id)]
    full = ["--employees", "150", "--founded-year", "2010", "--budget", "30万"]
    full += ["--need-fit", "4", "--likelihood", "3", "--decision-maker"]
    assert cli(*args, *full).exit_code == 0
    before = snapshot(team)
    again = cli(*args)
    assert again.exit_code == 0, again.stderr
    assert "Nothing changed" in again.stderr
    assert snapshot(team) == before
    changed = cli(*args, "--likelihood", "5")
    assert changed.exit_code == 0
    history = json.loads(cli("--as", "li.na", "lead", "grade", str(lead_id), "--history",
                             "-f", "json").stdout)  # fmt: skip
    assert len(history) == 2
