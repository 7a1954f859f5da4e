"""``salesflow report weekly`` and ``salesflow report monthly`` through the CLI, on SQLite
and PostgreSQL, over the fixed report data set: every format, the options' errors, and
whose report one may run.

Expected figures come from the data set's records (tests/workflow/test_weekly_report.py),
not from salesflow's code.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from salesflow.store.models import LOST_REASON_CODES
from tests.helpers import Cli, SetZone, assert_one_line_error, assert_refused_unchanged
from tests.report_data import (
    OPEN_STAGES,
    SHANGHAI,
    ReportData,
    build_report_data,
)
from tests.workflow.test_weekly_report import expected_review, month_case, pct, week_case

WEEK = "2026-W47"
MONTH = "2026-11"
SECTIONS = ["totals", "people", "top_deals", "stalled", "lost_reasons", "lost", "follow_ups"]


def yuan(fen: int | None) -> str | None:
    if fen is None:
        return None
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@pytest.fixture
def data(team: str, zone: SetZone) -> ReportData:
    zone(SHANGHAI)
    return build_report_data(team)


def report(cli: Cli, actor: str, which: str, *options: str) -> Any:
    result = cli("--as", actor, "report", which, *options, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def check_document(document: Any, want: dict[str, Any], *, team: bool) -> None:
    """The JSON document against :func:`expected_review`: codes, usernames, yuan strings."""
    sections = document["sections"]
    assert list(sections)[: len(SECTIONS)] == SECTIONS
    current, previous, target, attainment = want["totals"]
    totals = sections["totals"]
    assert totals["new_leads"]["current"] == current["new_leads"]
    assert totals["new_leads"]["previous"] == previous["new_leads"]
    contacts = sum(n for kind, n in current["contacts"].items() if kind != "note")
    assert totals["contacts"]["current"] == contacts
    assert totals["visits"]["current"] == current["visits"]
    assert totals["quotes_sent"]["current"] == current["quotes_sent"]
    assert totals["quotes_sent_value"]["current"] == yuan(current["quotes_sent_fen"])
    signed = totals["contracts_signed_value"]
    assert signed == {
        "current": yuan(current["contracts_signed_fen"]),
        "previous": yuan(previous["contracts_signed_fen"]),
        "change": yuan(current["contracts_signed_fen"] - previous["contracts_signed_fen"]),
        "target": yuan(target),
        "attainment_pct": number(attainment),
    }
    assert totals["payments_value"]["current"] == yuan(current["payments_fen"])
    assert (totals["won"]["current"], totals["lost"]["current"]) == (
        current["won"],
        current["lost"],
    )
    assert totals["won"]["target"] is None
    check_people(sections["people"], want)
    check_lists(sections, want, team=team)


def check_people(people: Any, want: dict[str, Any]) -> None:
    current, _previous, _target, _attainment = want["totals"]
    assert [row["user"] for row in people["rows"]] == [p[0] for p in want["people"]]
    for row, (_user, figures, person_target, person_pct) in zip(
        people["rows"], want["people"], strict=True
    ):
        assert row["contracts_signed_value"] == yuan(figures["contracts_signed_fen"])
        assert row["contracts_signed"] == figures["contracts_signed"]
        assert row["visits"] == figures["visits"]
        assert row["target"] == yuan(person_target)
        assert row["attainment_pct"] == number(person_pct)
    assert people["total"]["new_leads"] == current["new_leads"]
    # The total line adds up the people's own targets, when every person has one.
    targets = [t for user, _f, t, _p in want["people"] if user is not None]
    summed = None if not targets or None in targets else sum(targets)
    assert people["total"]["target"] == yuan(summed)
    assert people["total"]["attainment_pct"] == number(pct(current["contracts_signed_fen"], summed))


def check_lists(sections: Any, want: dict[str, Any], *, team: bool) -> None:
    top = sections["top_deals"]["rows"]
    assert [(r["lead"], r["customer"], r["stage"]) for r in top] == [
        t[:2] + t[3:4] for t in want["top"]
    ]
    assert [r["weighted"] for r in top] == [yuan(t[5]) for t in want["top"]]
    assert all(r["stage"] in OPEN_STAGES for r in top)
    if team:
        assert [r["owner"] for r in top] == [t[2] for t in want["top"]]
    else:
        assert all("owner" not in r for r in top)  # a personal report does not repeat its name

    stalled, stalled_total = want["stalled"]
    rows = sections["stalled"]["rows"]
    assert [(r["lead"], r["days_since_contact"], r["days_in_stage"]) for r in rows] == [
        (s[0], s[6], s[7]) for s in stalled
    ]
    assert [r["last_contact"] for r in rows] == [s[4].isoformat() for s in stalled]
    assert len(rows) + sections["stalled"]["more"] == stalled_total

    bars = sections["lost_reasons"]
    lost, lost_total = want["lost"]
    if lost_total:
        expected_bars = [
            {"key": code or "none", "value": n} for code, n in want["lost_by_reason"].items()
        ]
        assert bars == expected_bars
        assert [bar["key"] for bar in bars][: len(LOST_REASON_CODES)] == list(LOST_REASON_CODES)
    else:
        assert bars == []
    rows = sections["lost"]["rows"]
    assert [(r["lead"], r["reason"], r["competitor"], r["lost_on"]) for r in rows] == [
        (x[0], x[4], x[5], x[6].isoformat()) for x in lost
    ]
    assert [r["amount"] for r in rows] == [yuan(x[3]) for x in lost]
    assert len(rows) + sections["lost"]["more"] == lost_total

    follow_ups, follow_total = want["follow_ups"]
    rows = sections["follow_ups"]["rows"]
    assert [(r["date"], r["lead"], r["action"]) for r in rows] == [
        (f[0].isoformat(), f[1], f[4]) for f in follow_ups
    ]
    assert len(rows) + sections["follow_ups"]["more"] == follow_total


# ------------------------------------------------------------------------------ JSON


def test_weekly_json_of_a_rep(cli: Cli, data: ReportData) -> None:
    document = report(cli, "li.na", "weekly", "--week", WEEK)
    assert document["report"] == "weekly"
    assert document["period"] == {
        "kind": "week",
        "key": WEEK,
        "from": "2026-11-16",
        "to": "2026-11-22",
    }
    assert document["scope"]["kind"] == "self"
    assert document["previous"] == {"key": "2026-W46", "from": "2026-11-09", "to": "2026-11-15"}
    assert document["following"] == {"key": "2026-W48", "from": "2026-11-23", "to": "2026-11-29"}
    assert document["stale_days"] == 30
    today = date.today()
    assert (
        document["review_day"]
        == min(date(2026, 11, 22), max(today, date(2026, 11, 16))).isoformat()
    )
    want = expected_review(data, week_case("li.na"), today=today, stale_days=30)
    check_document(document, want, team=False)
    assert list(document["sections"]) == SECTIONS  # no KPIs in the weekly report
    assert [row["user"] for row in document["sections"]["people"]["rows"]] == ["li.na"]
    # li.na has a target for the week itself: 120,000.00
    assert document["sections"]["totals"]["contracts_signed_value"]["target"] == "120000.00"


@pytest.mark.parametrize("head", ["wang.qiang", "zhao.min"])
def test_weekly_json_of_a_team(cli: Cli, data: ReportData, head: str) -> None:
    document = report(cli, head, "weekly", "--week", WEEK, "--team")
    assert document["scope"]["kind"] == "team"
    want = expected_review(data, week_case(head, team=True), today=date.today(), stale_days=30)
    check_document(document, want, team=True)


def test_monthly_json(cli: Cli, data: ReportData) -> None:
    document = report(cli, "zhao.min", "monthly", "--period", MONTH, "--team")
    assert document["report"] == "monthly"
    assert document["period"]["key"] == MONTH
    assert document["previous"]["key"] == "2026-10"
    assert document["following"]["key"] == "2026-12"
    want = expected_review(
        data, month_case("zhao.min", team=True), today=date.today(), stale_days=30
    )
    check_document(document, want, team=True)
    # then the KPIs of `report kpi`, their keys prefixed so none replaces a review section
    kpis = [key for key in document["sections"] if key not in SECTIONS]
    assert kpis
    assert all(key.startswith("kpi_") for key in kpis)
    # without what the review already shows: its people and its lost reasons
    assert {"kpi_team", "kpi_conversion", "kpi_people_chart"} <= set(kpis)
    assert not {"kpi_people", "kpi_lost_reasons", "kpi_lost_reasons_chart"} & set(kpis)
    # zhao.min's team target is the year's 8,000,000.00 × 30/365
    assert document["sections"]["totals"]["contracts_signed_value"]["target"] == "657534.25"


def test_json_is_language_neutral(cli: Cli, data: ReportData) -> None:
    text = cli("--as", "zhao.min", "report", "weekly", "--week", WEEK, "--team", "-f", "json")
    assert text.exit_code == 0
    assert "¥" not in text.stdout
    document = json.loads(text.stdout)
    for row in document["sections"]["stalled"]["rows"]:
        assert row["stage"] in OPEN_STAGES
    for row in document["sections"]["lost"]["rows"]:
        assert row["reason"] is None or row["reason"] in LOST_REASON_CODES
    owners = {row["owner"] for row in document["sections"]["top_deals"]["rows"]}
    assert owners <= {u.username for u in data.users.values()} | {None}
    assert None in [row["user"] for row in document["sections"]["people"]["rows"]]  # the pool


def test_stale_days_from_the_config_file(cli: Cli, data: ReportData, isolated_home: Path) -> None:
    isolated_home.mkdir(exist_ok=True)
    (isolated_home / "config.toml").write_text("stale_days = 7\n")
    document = report(cli, "wang.qiang", "weekly", "--week", WEEK, "--team")
    assert document["stale_days"] == 7
    want = expected_review(
        data, week_case("wang.qiang", team=True), today=date.today(), stale_days=7
    )
    check_document(document, want, team=True)


# ------------------------------------------------------------------------ other formats


def test_csv(cli: Cli, data: ReportData) -> None:
    result = cli("--as", "wang.qiang", "report", "weekly", "--week", WEEK, "--team", "-f", "csv")
    assert result.exit_code == 0
    assert result.stderr == ""
    tables = [list(csv.reader(io.StringIO(part))) for part in result.stdout.split("\n\n")]
    assert all(table[0][0] == "section" for table in tables)
    assert tables[0][0] == [
        "section",
        "key",
        "current",
        "previous",
        "change",
        "target",
        "attainment_pct",
    ]
    assert len(tables) == len(SECTIONS)
    sections = [table[1][0] for table in tables if len(table) > 1]
    assert sections == [s for s in SECTIONS if s in sections]
    assert {"totals", "people", "top_deals", "follow_ups"} <= set(sections)
    totals = {row[1]: row for row in tables[0][1:]}
    assert totals["contracts_signed_value"][5] == "280000.00"  # 1,200,000.00 × 7/30
    assert "¥" not in result.stdout
    people = tables[1]
    assert people[0][:2] == ["section", "user"]
    assert people[-1][1] == "total"


def test_markdown(cli: Cli, data: ReportData) -> None:
    result = cli(
        "--as", "wang.qiang", "report", "weekly", "--week", WEEK, "--team", "-f", "markdown"
    )
    assert result.exit_code == 0
    assert result.stderr == ""
    text = result.stdout
    assert text.startswith(
        "# Weekly report (周报) 2026-W47, 2026-11-16 to 2026-11-22 — 王强 (wang.qiang) and team\n"
    )
    for heading in (
        "## This week against last week and the target",
        "## By person",
        "## Top 10 open deals by weighted amount",
        "## Stalled deals: no contact for 30 days or more by 2026-11-",
        "## Lost deals by reason (",
        "## Lost deals",
        "## Next week's planned follow-ups, 2026-11-23 to 2026-11-29 (",
    ):
        assert heading in text
    assert "| 李娜 (li.na)" in text
    assert "| Total" in text
    assert "¥280,000.00" in text

    month = cli("--as", "li.na", "report", "monthly", "--period", MONTH, "-f", "markdown")
    assert month.exit_code == 0, month.stderr
    assert month.stdout.startswith(
        "# Monthly report (月报) 2026-11, 2026-11-01 to 2026-11-30 — 李娜"
    )
    assert "## This month against last month and the target" in month.stdout
    assert "## Next month's planned follow-ups, 2026-12-01 to 2026-12-31 (" in month.stdout
    assert "Month target" in month.stdout
    # the KPIs follow the review's sections
    assert month.stdout.index("## Team KPIs") > month.stdout.index("## Next month's")


def _grid(lines: list[str], title_start: str) -> list[str]:
    start = next(i for i, line in enumerate(lines) if line.startswith(title_start)) + 1
    end = next(i for i in range(start, len(lines)) if not lines[i] or "…" in lines[i])
    return lines[start:end]


def test_table_lines_up_with_chinese_names(cli: Cli, data: ReportData) -> None:
    result = cli("--as", "zhao.min", "report", "weekly", "--week", WEEK, "--team")
    assert result.exit_code == 0
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "Weekly report (周报) 2026-W47, 2026-11-16 to 2026-11-22 — everyone"
    people = _grid(lines, "By person")
    assert any("李娜 (li.na)" in line for line in people)
    assert people[-1].startswith("Total")
    assert len({cell_len(line) for line in people}) == 1
    for title in ("Top 10 open deals", "Stalled deals", "Next week's planned follow-ups"):
        grid = _grid(lines, title)
        assert any(any("\u4e00" <= ch <= "\u9fff" for ch in line) for line in grid[2:])
        assert len({cell_len(line) for line in grid}) == 1, title
    # the lost-reason chart: one line per reason, labels padded to one width
    start = next(i for i, line in enumerate(lines) if line.startswith("Lost deals by reason"))
    chart = lines[start + 1 : start + 1 + len(LOST_REASON_CODES)]
    assert chart[0].strip().startswith("Price")
    assert any("█" in line for line in chart)
    assert len({cell_len(line) for line in chart}) == 1


# ------------------------------------------------------------------------------ errors


@pytest.mark.parametrize("value", ["2026-11", "2026-W54", "next week", "2026-W4x"])
def test_a_bad_week(cli: Cli, team: str, data: ReportData, value: str) -> None:
    assert_refused_unchanged(
        cli, team, ["--as", "li.na", "report", "weekly", "--week", value], 2, "--week"
    )


@pytest.mark.parametrize("value", ["2026-13", "2026-W47", "November", "2026-Q4"])
def test_a_bad_month(cli: Cli, data: ReportData, value: str) -> None:
    result = cli("--as", "li.na", "report", "monthly", "--period", value)
    assert_one_line_error(result, 2)
    assert "--period" in result.stderr


def test_a_rep_has_no_team_report(cli: Cli, data: ReportData) -> None:
    for which in ("weekly", "monthly"):
        result = cli("--as", "li.na", "report", which, "--team")
        assert_one_line_error(result, 1)
        assert "--team" in result.stderr
        other = cli("--as", "li.na", "report", which, "--user", "zhang.wei")
        assert_one_line_error(other, 2)
        assert "--user" in other.stderr


def test_a_manager_reports_on_a_member(cli: Cli, data: ReportData) -> None:
    document = report(cli, "wang.qiang", "weekly", "--week", WEEK, "--user", "zhang.wei")
    assert document["scope"]["kind"] == "user"
    assert document["scope"]["user"] == "zhang.wei"
    # zhang.wei has only a November target: 400,000.00 × 7/30
    assert document["sections"]["totals"]["contracts_signed_value"]["target"] == "93333.33"
    outside = cli("--as", "wang.qiang", "report", "weekly", "--user", "liu.yang")
    assert_one_line_error(outside, 2)


def test_default_period_is_this_week_and_month(cli: Cli, data: ReportData) -> None:
    today = date.today()
    year, week, _day = today.isocalendar()
    weekly = report(cli, "li.na", "weekly")
    assert weekly["period"]["key"] == f"{year}-W{week:02d}"
    monthly = report(cli, "li.na", "monthly")
    assert monthly["period"]["key"] == f"{today:%Y-%m}"
