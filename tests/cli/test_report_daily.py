"""``salesflow report daily`` through the CLI, on SQLite and PostgreSQL, over the fixed
report data set: every format, the options' errors, and who may see whose report.

The expected figures are worked out from the data set's records (tests/workflow/
test_report_figures.py, test_daily_report.py), not from salesflow's code.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from rich.cells import cell_len

from tests.helpers import Cli, SetZone, assert_one_line_error
from tests.report_data import REPORT_DAY, SHANGHAI, TOMORROW, ReportData, build_report_data
from tests.workflow.test_daily_report import expected_overdue, expected_plan
from tests.workflow.test_report_figures import expected_figures, scope_of

DAY = REPORT_DAY.isoformat()


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


@pytest.fixture
def data(team: str, zone: SetZone) -> ReportData:
    zone(SHANGHAI)
    return build_report_data(team)


def daily(cli: Cli, actor: str, *options: str) -> Any:
    result = cli("--as", actor, "report", "daily", *options, "--date", DAY, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def test_json_is_the_reps_day_in_codes_and_yuan(cli: Cli, data: ReportData) -> None:
    document = daily(cli, "li.na")
    assert document["report"] == "daily"
    assert document["period"] == {"kind": "day", "key": DAY, "from": DAY, "to": DAY}
    assert document["scope"]["kind"] == "self"
    assert document["scope"]["user"] == "li.na"
    assert document["plan"] == {"from": TOMORROW.isoformat(), "to": TOMORROW.isoformat()}
    scope = scope_of(data, "li.na", team=False)
    figures = expected_figures(data, scope, REPORT_DAY, REPORT_DAY)
    sections = document["sections"]
    day = sections["day"]
    assert day["new_leads"] == figures["new_leads"]
    assert day["contacts"] == sum(n for k, n in figures["contacts"].items() if k != "note")
    assert day["visits"] == figures["visits"]
    assert day["return_visits"] == figures["return_visits"]
    assert day["quotes_sent"] == figures["quotes_sent"]
    assert day["quotes_sent_value"] == yuan(figures["quotes_sent_fen"])
    assert day["contracts_signed_value"] == yuan(figures["contracts_signed_fen"])
    assert day["payments_value"] == yuan(figures["payments_fen"])
    assert (day["won"], day["lost"]) == (figures["won"], figures["lost"])
    # contacts by kind: codes, every kind
    assert {k: v for k, v in sections["contacts"].items() if k != "total"} == figures["contacts"]
    moves = {row["stage"]: row["moves"] for row in sections["stage_moves"]["rows"]}
    assert moves == {k: n for k, n in figures["stage_moves"].items() if n}
    overdue, count = expected_overdue(data, scope, REPORT_DAY)
    rows = sections["overdue"]["rows"]
    assert [row["lead"] for row in rows] == [item[0] for item in overdue]
    assert len(rows) + sections["overdue"]["more"] == count
    assert rows[0]["due"] == overdue[0][4].isoformat()
    assert "owner" not in rows[0]  # a rep's own report does not repeat their name
    _plan, plan_count = expected_plan(data, scope, REPORT_DAY, TOMORROW)
    assert len(sections["plan"]["rows"]) + sections["plan"]["more"] == plan_count
    assert {row["kind"] for row in sections["plan"]["rows"]} <= {"follow-up", "return-visit"}
    assert "people" not in sections


def test_json_team_has_people_adding_up(cli: Cli, data: ReportData) -> None:
    document = daily(cli, "wang.qiang", "--team")
    people = document["sections"]["people"]
    users = [row["user"] for row in people["rows"]]
    assert users[:3] == ["li.na", "wang.qiang", "zhang.wei"]
    assert set(users) - {None} <= {"li.na", "wang.qiang", "zhang.wei"}
    total = people["total"]
    day = document["sections"]["day"]
    assert total["new_leads"] == day["new_leads"] == sum(r["new_leads"] for r in people["rows"])
    assert total["payments_value"] == day["payments_value"]
    assert (
        total["overdue"]
        == len(document["sections"]["overdue"]["rows"]) + document["sections"]["overdue"]["more"]
    )
    owners = {row["owner"] for row in document["sections"]["overdue"]["rows"]}
    assert owners <= {"li.na", "wang.qiang", "zhang.wei", None}


def test_csv_markdown_and_table(cli: Cli, data: ReportData) -> None:
    base = ("--as", "wang.qiang", "report", "daily", "--team", "--date", DAY)
    result = cli(*base, "-f", "csv")
    assert result.exit_code == 0
    assert result.stderr == ""
    tables = [list(csv.reader(io.StringIO(part))) for part in result.stdout.split("\n\n")]
    sections = [table[1][0] for table in tables if len(table) > 1]
    assert sections == ["day", "contacts", "stage_moves", "overdue", "plan", "people"]
    assert all(table[0][0] == "section" for table in tables)
    day = {row[1]: row[2] for row in tables[0][1:]}
    assert day["quotes_sent_value"].count(".") == 1
    assert "¥" not in day["quotes_sent_value"]
    assert tables[-1][-1][1] == "total"

    markdown = cli(*base, "-f", "markdown")
    assert markdown.exit_code == 0
    assert markdown.stderr == ""
    text = markdown.stdout
    assert text.startswith(f"# Daily report (日报) {DAY} — 王强 (wang.qiang) and team\n")
    for heading in (
        "## Figures for the day",
        "## Contacts by kind",
        "## Stage moves",
        "## Overdue follow-ups (",
        f"## Tomorrow's plan, {TOMORROW.isoformat()} (",
        "## By person",
    ):
        assert heading in text
    assert "- Quotes sent, value: ¥" in text
    assert "| 李娜 (li.na)" in text
    assert "| Total" in text

    table = cli(*base)
    assert table.exit_code == 0
    assert table.stderr == ""
    lines = table.stdout.splitlines()
    assert lines[0] == f"Daily report (日报) {DAY} — 王强 (wang.qiang) and team"
    # the per-person table: Chinese names, every line the same width in terminal cells
    start = lines.index("By person") + 1
    end = lines.index("", start)
    grid = lines[start:end]
    assert any("李娜 (li.na)" in line for line in grid)
    assert grid[-1].startswith("Total")
    assert len({cell_len(line) for line in grid}) == 1
    # the overdue list: Chinese customer names line up too
    start = next(i for i, line in enumerate(lines) if line.startswith("Overdue follow-ups")) + 1
    end = next(i for i in range(start, len(lines)) if not lines[i] or "…" in lines[i])
    grid = lines[start:end]
    assert any("李娜" in line for line in grid)
    assert len({cell_len(line) for line in grid}) == 1


def test_empty_sections_say_so(cli: Cli, data: ReportData) -> None:
    text = cli("--as", "li.na", "report", "daily", "--date", "2030-01-02", "-f", "markdown")
    assert text.exit_code == 0, text.stderr
    assert "No leads changed stage." in text.stdout
    assert "Nothing planned." in text.stdout
    table = cli("--as", "li.na", "report", "daily", "--date", "2030-01-02")
    assert "No leads changed stage." in table.stdout
    assert "Nothing planned." in table.stdout


@pytest.mark.parametrize("value", ["2026-13-01", "someday", "2026-02-30"])
def test_a_bad_date(cli: Cli, data: ReportData, value: str) -> None:
    result = cli("--as", "li.na", "report", "daily", "--date", value)
    assert_one_line_error(result, 2)
    assert "--date" in result.stderr


def test_a_rep_sees_only_their_own(cli: Cli, data: ReportData) -> None:
    team = cli("--as", "li.na", "report", "daily", "--team")
    assert_one_line_error(team, 1)
    assert "--team" in team.stderr
    for other in ("zhang.wei", "wang.qiang", "liu.yang", "zhao.min", "boss", "nobody"):
        result = cli("--as", "li.na", "report", "daily", "--user", other, "-f", "json")
        assert_one_line_error(result, 2)
        assert "No user" in result.stderr
        assert "--user" in result.stderr
    both = cli("--as", "li.na", "report", "daily", "--team", "--user", "li.na")
    assert both.exit_code in (1, 2)
    assert both.stdout == ""
    # her own report by name is hers and nobody else's
    own = daily(cli, "li.na", "--user", "li.na")
    assert own["scope"]["user"] == "li.na"
    assert "people" not in own["sections"]
    lead_owner = {lead.id: data.username(lead.owner_id) for lead in data.leads}
    for key in ("overdue", "plan"):
        for row in own["sections"][key]["rows"]:
            if row.get("lead") is not None:
                assert lead_owner[row["lead"]] == "li.na"


def test_managers_see_their_team_only(cli: Cli, data: ReportData) -> None:
    member = daily(cli, "wang.qiang", "--user", "li.na")
    assert member["scope"] == {
        "kind": "user",
        "user": "li.na",
        "everyone": False,
        "unassigned": False,
    }
    outsider = cli("--as", "wang.qiang", "report", "daily", "--user", "liu.yang")
    assert_one_line_error(outsider, 2)
    assert "--user" in outsider.stderr
    director = daily(cli, "zhao.min", "--user", "liu.yang")
    assert director["scope"]["user"] == "liu.yang"
    everyone = daily(cli, "zhao.min", "--team")
    assert everyone["scope"]["everyone"] is True
    # the unassigned pool gets a row only on a day it has something: a lead came in on the
    # 17th (23:30 in Shanghai), none on the 18th
    assert None not in [row["user"] for row in everyone["sections"]["people"]["rows"]]
    result = cli(
        "--as", "zhao.min", "report", "daily", "--team", "--date", "2026-11-17", "-f", "json"
    )
    rows = json.loads(result.stdout)["sections"]["people"]["rows"]
    assert rows[-1]["user"] is None
    assert rows[-1]["new_leads"] >= 1
