"""``salesflow report kpi`` on the fixed data set (tests/report_data.py): every format, the
--period and --team refusals, and stdout carrying only the report."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rich.cells import cell_len

from tests.helpers import Cli, SetZone
from tests.report_data import MONTH, build_report_data

BLOCKS = [
    "team",
    "process",
    "conversion",
    "conversion_chart",
    "stage_days",
    "win_rate_by_source",
    "win_rate_by_grade",
    "people",
    "people_chart",
    "lost_reasons",
    "lost_reasons_chart",
]


@pytest.fixture
def kpi(team: str, cli: Cli, zone: SetZone) -> Cli:
    """The fixed data set, read in UTC (the time zone comes back afterwards)."""
    zone("UTC")
    build_report_data(team)
    return cli


def run(cli: Cli, *args: str) -> str:
    result = cli("--as", "wang.qiang", "report", "kpi", "--period", MONTH, "--team", *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def block_lines(text: str, title: str) -> list[str]:
    """The lines of one block of the table format: after its title, up to the blank line."""
    lines = text.splitlines()
    start = lines.index(title) + 1
    end = lines.index("", start)
    return lines[start:end]


def test_json_is_language_neutral(kpi: Cli) -> None:
    text = run(kpi, "--format", "json")
    assert text.isascii()  # codes, usernames and numbers only
    data = json.loads(text)
    assert data["report"] == "kpi"
    assert data["period"] == {
        "kind": "month",
        "key": MONTH,
        "from": "2026-11-01",
        "to": "2026-11-30",
    }
    assert data["scope"]["kind"] == "team"
    assert list(data["sections"]) == BLOCKS
    team = data["sections"]["team"]
    assert team["target"] == "1200000.00"
    assert isinstance(team["signed_value"], str)
    assert isinstance(team["attainment_pct"], float)
    conversion = data["sections"]["conversion"]["rows"]
    assert [row["stage"] for row in conversion] == [
        "new",
        "contacted",
        "qualified",
        "proposal",
        "negotiation",
        "contract",
    ]
    assert {row["source"] for row in data["sections"]["win_rate_by_source"]["rows"]} >= {
        "referral",
        "website",
    }
    assert data["sections"]["win_rate_by_grade"]["rows"][-1]["grade"] is None
    people = data["sections"]["people"]
    assert [row["user"] for row in people["rows"]][:3] == ["li.na", "wang.qiang", "zhang.wei"]
    # The team's target is the team block's; the people's total adds up their own
    # targets, and wang.qiang has none for November, so there is no sum.
    assert team["target"] == "1200000.00"
    assert [row["target"] for row in people["rows"]][:3] == ["500000.00", None, "400000.00"]
    assert people["total"]["target"] is None
    assert people["total"]["attainment_pct"] is None
    for bar in data["sections"]["conversion_chart"]:
        assert isinstance(bar["value"], float)


def test_csv_parses(kpi: Cli) -> None:
    rows = list(csv.reader(io.StringIO(run(kpi, "--format", "csv"))))
    sections = [row[0] for row in rows if row and row[0] != "section"]
    assert list(dict.fromkeys(sections)) == BLOCKS
    headers = [row for row in rows if row and row[0] == "section"]
    assert len(headers) == len(BLOCKS)
    assert ["section", "user", "signed", "signed_value", "collected_value", "visits", "target",
            "attainment_pct"] in headers  # fmt: skip


def test_markdown_has_headings(kpi: Cli) -> None:
    text = run(kpi, "--format", "markdown")
    lines = text.splitlines()
    assert lines[0].startswith("# KPIs (绩效指标) 2026-11")
    headings = [line for line in lines if line.startswith("## ")]
    assert len(headings) == len(BLOCKS)
    assert "## Individual KPIs" in headings
    assert "- Where deals get stuck (longest stage): " in text


def test_table_lines_up(kpi: Cli) -> None:
    text = run(kpi)
    assert text.splitlines()[0] == "KPIs (绩效指标) 2026-11 — 王强 (wang.qiang) and team"
    people = block_lines(text, "Individual KPIs")
    assert any("李娜" in line for line in people)
    widths = {cell_len(line) for line in people}
    assert len(widths) == 1  # Chinese names measured in cells
    chart = block_lines(text, "Revenue signed by person")
    assert len({cell_len(line) for line in chart}) == 1
    assert any("█" in line for line in chart)
    team = block_lines(text, "Team KPIs")
    assert any("¥1,200,000.00" in line for line in team)


def test_bad_period_is_refused(team: str, cli: Cli) -> None:
    result = cli("--as", "wang.qiang", "report", "kpi", "--period", "2026-13")
    assert result.exit_code == 2
    assert "--period" in result.stderr
    assert result.stdout == ""
    day = cli("--as", "wang.qiang", "report", "kpi", "--period", "2026-11-18")
    assert day.exit_code == 2
    assert "--period" in day.stderr


def test_a_rep_has_no_team(team: str, cli: Cli) -> None:
    result = cli("--as", "li.na", "report", "kpi", "--team")
    assert result.exit_code == 1
    assert "--team" in result.stderr
    assert result.stdout == ""


def test_periods_and_default(kpi: Cli) -> None:
    for period, kind in (("2026-Q4", "quarter"), ("2026", "year"), ("2026-W47", "week")):
        result = kpi("--as", "li.na", "report", "kpi", "--period", period, "-f", "json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["period"]["kind"] == kind
    own = kpi("--as", "li.na", "report", "kpi", "-f", "json")
    assert own.exit_code == 0, own.stderr
    data = json.loads(own.stdout)
    assert data["period"]["kind"] == "month"
    assert data["scope"] == {
        "kind": "self",
        "user": "li.na",
        "everyone": False,
        "unassigned": False,
    }
    assert [row["user"] for row in data["sections"]["people"]["rows"]] == ["li.na"]
    assert "total" not in data["sections"]["people"]
