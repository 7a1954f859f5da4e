"""``salesflow pipeline show`` through the CLI, on SQLite and PostgreSQL.

Every expected figure is worked out here from the leads as written down in :data:`LEADS`
(amounts, ages, how far each lead got), not from salesflow's code.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from tests.cli.import_files import query, write_csv
from tests.cli.test_activity import GRADE_INPUTS
from tests.helpers import Cli, assert_one_line_error

DAY = "2026-06-30"
REPORT_DAY = date(2026, 6, 30)
DEFAULT_STAGES = {
    "new": 10,
    "contacted": 20,
    "qualified": 30,
    "proposal": 50,
    "negotiation": 70,
    "contract": 90,
}
ORDER = [*DEFAULT_STAGES, "won"]


@dataclass(frozen=True)
class Planned:
    """One lead: as imported, where it ends up after the moves, and how far it got."""

    company: str
    owner: str  # "-" unassigned
    imported: str  # stage in the imported file
    stage: str  # stage after the moves of build()
    furthest: str  # furthest stage reached, worked out by hand
    amount: str  # yuan as typed, "" none
    created: str
    province: str
    source: str
    expected_close: str = ""
    closed: str = ""
    reason: str = ""


LEADS = [
    # 10,000.05 yuan at 10%: 1,000.005 yuan, half-up to 1,000.01.
    Planned("甲一科技有限公司", "li.na", "new", "new", "new", "10000.05", "2026-06-20", "浙江",
            "website", "2026-07-15"),
    # Imported at negotiation, then moved back to contacted: it reached negotiation.
    Planned("甲二科技有限公司", "li.na", "negotiation", "contacted", "negotiation", "",
            "2026-06-01", "浙江", "phone"),
    # 333.33 yuan at 30%: 99.999 yuan, half-up to 100.00.
    Planned("乙三机械有限公司", "zhang.wei", "qualified", "qualified", "qualified", "333.33",
            "2026-05-01", "江苏", "trade-show", "2026-09-10"),
    Planned("乙四机械有限公司", "zhang.wei", "proposal", "proposal", "proposal", "12万",
            "2026-04-15", "江苏", "website", "2026-07-31"),
    Planned("丙五电子有限公司", "liu.yang", "negotiation", "negotiation", "negotiation", "5000",
            "2026-06-29", "广东", "event", "2026-12-01"),
    Planned("丁六贸易有限公司", "-", "new", "new", "new", "200", "2026-06-30", "", "website"),
    Planned("甲七科技有限公司", "li.na", "won", "won", "won", "8000", "2026-03-01", "浙江",
            "website", closed="2026-05-01"),
    # Imported as lost, no history: it counts as having reached the first stage only.
    Planned("乙八机械有限公司", "zhang.wei", "lost", "lost", "new", "3000", "2026-03-01", "江苏",
            "phone", closed="2026-04-01", reason="price"),
    # Lost from proposal through 'lead lose': it reached proposal.
    Planned("甲九科技有限公司", "li.na", "proposal", "lost", "proposal", "1000", "2026-05-20",
            "浙江", "website"),
    # Logged a call and advanced: it reached contacted.
    Planned("甲十科技有限公司", "li.na", "new", "contacted", "contacted", "100", "2026-06-10",
            "浙江", "phone"),
]  # fmt: skip
TEAMS = {"wang.qiang": {"wang.qiang", "li.na", "zhang.wei"}, "chen.jing": {"chen.jing", "liu.yang"}}


def fen(amount: str) -> int | None:
    if not amount:
        return None
    text = amount.replace("万", "")
    yuan = Decimal(text) * (10_000 if amount.endswith("万") else 1)
    return int(yuan * 100)


def age(lead: Planned) -> int:
    return (REPORT_DAY - date.fromisoformat(lead.created)).days


def half_up(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else float(half_up(Decimal(100 * part) / whole))


def yuan(fen_amount: int) -> str:
    return f"{Decimal(fen_amount) / 100:.2f}"


def expected_figures(leads: list[Planned], probabilities: dict[str, int]) -> dict[str, Any]:
    """count, amount, weighted, no_amount and avg age of the open ones among ``leads``."""
    open_leads = [lead for lead in leads if lead.stage in probabilities]
    amounts = [fen(lead.amount) for lead in open_leads]
    weighted = 0
    for lead, amount in zip(open_leads, amounts, strict=True):
        if amount is not None:
            exact = Decimal(amount) * probabilities[lead.stage] / 100
            weighted += int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    ages = [age(lead) for lead in open_leads]
    return {
        "count": len(open_leads),
        "amount": yuan(sum(a for a in amounts if a is not None)),
        "weighted": yuan(weighted),
        "no_amount": sum(1 for a in amounts if a is None),
        "avg_age_days": float(half_up(Decimal(sum(ages)) / len(ages))) if ages else None,
    }


def reached(leads: list[Planned], order: list[str], stage: str) -> int:
    return sum(
        1
        for lead in leads
        if lead.furthest in order and order.index(lead.furthest) >= order.index(stage)
    )


def show(cli: Cli, user: str, *args: str) -> Any:
    result = cli("--as", user, "pipeline", "show", "--date", DAY, "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def build(cli: Cli, url: str, tmp_path: Path) -> dict[str, int]:
    """Import LEADS as the admin, then make the moves; the lead IDs by company."""
    header = ["company", "owner", "stage", "amount", "created_at", "province", "source"]
    header += ["expected_close", "closed_at", "lost_reason"]
    rows = [
        [
            *(lead.company, lead.owner, lead.imported, lead.amount, lead.created),
            *(lead.province, lead.source, lead.expected_close, lead.closed, lead.reason),
        ]
        for lead in LEADS
    ]
    done = cli("lead", "import", str(write_csv(tmp_path / "leads.csv", rows, header=header)))
    assert done.exit_code == 0, done.stderr
    found = query(url, "SELECT l.id, c.name FROM leads l JOIN customers c ON c.id = l.customer_id")
    ids = {company: int(number) for number, company in found}

    def run(*args: str) -> None:
        result = cli("--as", "li.na", "--no-input", *args)
        assert result.exit_code == 0, result.stderr

    run("lead", "advance", str(ids["甲二科技有限公司"]), "--to", "contacted", "--note", "需求变了")
    run("lead", "lose", str(ids["甲九科技有限公司"]), "--reason", "price")
    tenth = str(ids["甲十科技有限公司"])
    run("activity", "log", tenth, "-k", "call", "-s", "聊了", "--next-action", "回电")
    run("lead", "advance", tenth)
    run("lead", "grade", str(ids["甲一科技有限公司"]), *GRADE_INPUTS)
    return ids


@pytest.fixture
def pipeline(cli: Cli, team: str, tmp_path: Path) -> dict[str, int]:
    ids = build(cli, team, tmp_path)
    stages = dict(query(team, "SELECT id, stage FROM leads"))
    assert {ids[lead.company]: lead.stage for lead in LEADS} == stages
    return ids


def visible(user: str) -> list[Planned]:
    if user in TEAMS:
        return [lead for lead in LEADS if lead.owner in TEAMS[user] or lead.owner == "-"]
    if user in {"li.na", "zhang.wei", "liu.yang"}:
        return [lead for lead in LEADS if lead.owner in {user, "-"}]
    return list(LEADS)


def test_by_stage_figures_conversion_and_totals(cli: Cli, pipeline: dict[str, int]) -> None:
    for user in ("boss", "wang.qiang", "li.na", "chen.jing"):
        leads = visible(user)
        report = show(cli, user)
        assert report["by"] == "stage"
        assert report["date"] == DAY
        assert [row["group"] for row in report["rows"]] == list(DEFAULT_STAGES)
        for index, row in enumerate(report["rows"]):
            stage = row["group"]
            in_stage = [lead for lead in leads if lead.stage == stage]
            expected = expected_figures(in_stage, DEFAULT_STAGES)
            expected["reached"] = reached(leads, ORDER, stage)
            expected["conversion_pct"] = pct(
                reached(leads, ORDER, ORDER[index + 1]), expected["reached"]
            )
            assert row == {"group": stage, **expected}, (user, stage)
        totals = expected_figures(leads, DEFAULT_STAGES)
        totals["reached"] = len(leads)
        totals["conversion_pct"] = pct(reached(leads, ORDER, "won"), len(leads))
        assert report["totals"] == totals, user
    # The same figures, written out, for everyone (the admin sees all ten leads).
    rows = {row["group"]: row for row in show(cli, "boss")["rows"]}
    assert rows["new"]["weighted"] == "1020.01"  # 1,000.01 + 20.00
    assert rows["qualified"]["weighted"] == "100.00"
    assert [rows[s]["reached"] for s in DEFAULT_STAGES] == [10, 7, 6, 5, 3, 1]
    assert [rows[s]["conversion_pct"] for s in DEFAULT_STAGES] == [
        70.0, 85.7, 83.3, 60.0, 33.3, 100.0,
    ]  # fmt: skip
    assert [rows[s]["avg_age_days"] for s in DEFAULT_STAGES] == [
        5.0, 24.5, 60.0, 76.0, 1.0, None,
    ]  # fmt: skip
    totals = show(cli, "boss")["totals"]
    assert (totals["count"], totals["no_amount"], totals["avg_age_days"]) == (7, 1, 28.0)
    assert totals["amount"] == "135633.38"
    # 1,000.01 + 100.00 + 60,000.00 + 3,500.00 + 20.00 + 20.00
    assert totals["weighted"] == "64640.01"
    assert totals["conversion_pct"] == 10.0


def test_by_owner_province_grade_source(cli: Cli, pipeline: dict[str, int], team: str) -> None:
    by_owner = show(cli, "wang.qiang", "--by", "owner")
    assert by_owner == show(cli, "wang.qiang", "--by", "rep")
    leads = visible("wang.qiang")
    groups = [row["group"] for row in by_owner["rows"]]
    # Largest weighted first; the unassigned pool last.
    assert groups == ["zhang.wei", "li.na", None]
    for row in by_owner["rows"]:
        owner = row["group"] or "-"
        mine = [lead for lead in leads if lead.owner == owner]
        won = sum(1 for lead in mine if lead.stage == "won")
        lost = sum(1 for lead in mine if lead.stage == "lost")
        assert row == {
            "group": row["group"],
            "name": {"zhang.wei": "张伟", "li.na": "李娜", None: None}[row["group"]],
            **expected_figures(mine, DEFAULT_STAGES),
            "won": won,
            "lost": lost,
            "win_rate_pct": pct(won, won + lost),
        }
    assert by_owner["rows"][1]["win_rate_pct"] == 50.0  # li.na: one won, one lost
    assert by_owner["rows"][0]["win_rate_pct"] == 0.0  # zhang.wei: one lost
    assert by_owner["rows"][2]["win_rate_pct"] is None  # nothing closed in the pool
    assert by_owner["totals"]["win_rate_pct"] == pct(1, 3)

    by_province = show(cli, "boss", "--by", "province")
    assert by_province == show(cli, "boss", "--by", "region")
    provinces = {row["group"]: row for row in by_province["rows"]}
    assert set(provinces) == {"浙江省", "江苏省", "广东省", None}
    assert list(provinces)[-1] is None
    assert provinces["浙江省"]["count"] == 3
    assert provinces["浙江省"]["amount"] == "10100.05"
    assert provinces[None]["count"] == 1

    by_source = show(cli, "boss", "--by", "source")
    assert [row["group"] for row in by_source["rows"]] == [
        "website",
        "phone",
        "trade-show",
        "event",
    ]  # fmt: skip  (the glossary's order)
    assert by_source["rows"][0]["count"] == 3  # 甲一, 乙四, 丁六 are open

    grades = dict(query(team, "SELECT id, grade FROM leads"))
    first = grades[pipeline["甲一科技有限公司"]]
    assert first in {"A", "B", "C"}
    by_grade = show(cli, "boss", "--by", "grade")
    assert [row["group"] for row in by_grade["rows"]] == [first, None]
    assert [row["count"] for row in by_grade["rows"]] == [1, 6]
    assert by_grade["rows"][0]["weighted"] == "1000.01"
    for report in (by_owner, by_province, by_source, by_grade):
        sums = {
            key: sum(Decimal(str(row[key])) for row in report["rows"])
            for key in ("count", "amount", "weighted", "no_amount", "won", "lost")
        }
        assert {key: Decimal(str(report["totals"][key])) for key in sums} == sums


def test_owner_and_team_scopes(cli: Cli, pipeline: dict[str, int]) -> None:
    def counted(user: str, *args: str) -> tuple[int, int, int]:
        totals = show(cli, user, *args)["totals"]
        closed = show(cli, user, "--by", "owner", *args)["totals"]
        return totals["count"], totals["reached"], closed["won"] + closed["lost"]

    assert counted("boss") == (7, 10, 3)
    assert counted("wang.qiang", "--owner", "li.na") == (3, 5, 2)
    assert counted("li.na", "--owner", "-") == (1, 1, 0)
    assert counted("li.na", "--owner", "LI.NA") == (3, 5, 2)
    assert counted("wang.qiang", "--team") == (5, 8, 3)  # no unassigned pool
    assert counted("chen.jing", "--team") == (1, 1, 0)
    assert counted("zhao.min", "--team") == (6, 9, 3)  # every owned lead
    for user, args in (
        ("li.na", ["--owner", "zhang.wei"]),
        ("wang.qiang", ["--owner", "liu.yang"]),
        ("boss", ["--owner", "nobody"]),
    ):
        result = cli("--as", user, "pipeline", "show", *args)
        assert_one_line_error(result, 2)
        assert f"No user '{args[1]}' (--owner)" in result.stderr
    for user in ("li.na", "sun.li", "zhou.xin"):
        result = cli("--as", user, "pipeline", "show", "--team")
        assert_one_line_error(result, 1)
        assert "--team" in result.stderr
    both = cli("--as", "boss", "pipeline", "show", "--team", "--owner", "li.na")
    assert_one_line_error(both, 2)
    assert "--owner and --team" in both.stderr


@pytest.mark.parametrize(
    ("period", "companies"),
    [
        ("30d", {"甲一科技有限公司"}),  # through 2026-07-30: 乙四 (07-31) is out
        ("31d", {"甲一科技有限公司", "乙四机械有限公司"}),
        ("2w", set()),  # through 07-14
        ("next-month", {"甲一科技有限公司", "乙四机械有限公司"}),
        ("this-month", set()),
        ("this-quarter", set()),
        ("3m", {"甲一科技有限公司", "乙四机械有限公司", "乙三机械有限公司"}),
        ("2026-Q3", {"甲一科技有限公司", "乙四机械有限公司", "乙三机械有限公司"}),
        ("2026-12", {"丙五电子有限公司"}),
        ("2026-q4", {"丙五电子有限公司"}),
    ],
)
def test_closing_in(cli: Cli, pipeline: dict[str, int], period: str, companies: set[str]) -> None:
    report = show(cli, "boss", "--closing-in", period)
    chosen = [lead for lead in LEADS if lead.company in companies]
    expected = expected_figures(chosen, DEFAULT_STAGES)
    assert {k: report["totals"][k] for k in expected} == expected
    assert report["totals"]["reached"] == len(chosen)
    assert report["closing_in"] is not None


@pytest.mark.parametrize("period", ["soon", "0d", "2026-13", "2026-Q5", "30x", ""])
def test_bad_period_is_one_error(cli: Cli, team: str, period: str) -> None:
    result = cli("pipeline", "show", "--closing-in", period)
    assert_one_line_error(result, 2)
    assert "--closing-in" in result.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--by", "colour"], "--by"),
        (["--date", "someday"], "--date"),
        (["--funnel", "--by", "owner"], "--funnel"),
    ],
)
def test_bad_options(cli: Cli, team: str, args: list[str], needle: str) -> None:
    result = cli("pipeline", "show", *args)
    assert_one_line_error(result, 2)
    assert needle in result.stderr


def test_every_format(cli: Cli, pipeline: dict[str, int]) -> None:
    base = ["--as", "boss", "pipeline", "show", "--date", DAY]
    table = cli(*base)
    assert table.exit_code == 0, table.stderr
    lines = table.stdout.rstrip("\n").splitlines()
    assert "Total" in lines[-1]
    assert "¥1,020.01" in table.stdout
    assert "¥135,633.38" in table.stdout
    assert "70.0%" in table.stdout
    assert len({cell_len(line) for line in lines}) == 1  # a clean grid

    rows = list(csv.DictReader(io.StringIO(cli(*base, "-f", "csv").stdout)))
    assert [row["group"] for row in rows] == [*DEFAULT_STAGES, "total"]
    assert rows[-1]["amount"] == "135633.38"
    assert rows[-1]["conversion_pct"] == "10.0"
    assert rows[-2]["avg_age_days"] == ""  # contract: nobody there

    markdown = cli(*base, "-f", "markdown").stdout.splitlines()
    assert markdown[1].startswith("| ---")
    assert markdown[-1].startswith("| Total")
    assert len({cell_len(line) for line in markdown}) == 1

    owners = cli("--as", "boss", "pipeline", "show", "--by", "owner", "--date", DAY)
    lines = owners.stdout.rstrip("\n").splitlines()
    assert any("李娜 (li.na)" in line for line in lines)
    assert any("unassigned" in line for line in lines)
    assert len({cell_len(line) for line in lines}) == 1  # Chinese names line up
    csv_owner = list(csv.DictReader(io.StringIO(cli(*base, "--by", "owner", "-f", "csv").stdout)))
    assert csv_owner[-1]["group"] == "total"
    assert csv_owner[-2]["group"] == ""  # the unassigned pool


def test_funnel(cli: Cli, pipeline: dict[str, int]) -> None:
    data = show(cli, "boss", "--funnel")
    assert [step["stage"] for step in data["funnel"]] == ORDER
    assert [step["reached"] for step in data["funnel"]] == [10, 7, 6, 5, 3, 1, 1]
    assert [step["current"] for step in data["funnel"]] == [2, 2, 1, 1, 1, 0, 1]
    assert [step["conversion_pct"] for step in data["funnel"]] == [
        70.0, 85.7, 83.3, 60.0, 33.3, 100.0, None,
    ]  # fmt: skip
    drawn = cli("--as", "boss", "pipeline", "show", "--funnel", "--date", DAY)
    assert drawn.exit_code == 0, drawn.stderr
    lines = drawn.stdout.rstrip("\n").splitlines()
    assert len(lines) == 1 + len(ORDER)
    assert len({cell_len(line) for line in lines}) == 1
    bars = [line.count("█") for line in lines[1:]]
    assert bars[0] == 40
    assert bars == sorted(bars, reverse=True)
    assert bars[1] == 28  # 7/10 of 40
    assert "↓ 70.0%" in lines[1]
    rows = list(csv.DictReader(io.StringIO(cli(*drawn_args("csv")).stdout)))
    assert [row["reached"] for row in rows] == ["10", "7", "6", "5", "3", "1", "1"]
    assert "| Won" in cli(*drawn_args("markdown")).stdout


def drawn_args(fmt: str) -> list[str]:
    return ["--as", "boss", "pipeline", "show", "--funnel", "--date", DAY, "-f", fmt]


def test_no_color_means_no_escape_codes(
    cli: Cli, pipeline: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    for args in ([], ["--funnel"]):
        result = cli("--as", "boss", "pipeline", "show", *args)
        assert result.exit_code == 0
        assert "\x1b[" not in result.stdout


def test_a_teams_own_stages_change_the_report(
    cli: Cli, pipeline: dict[str, int], isolated_home: Path
) -> None:
    # Contract is the won stage now and the old 'won' stage is gone; other probabilities.
    stages = {"new": 5, "contacted": 25, "qualified": 40, "proposal": 60, "negotiation": 80}
    text = "".join(
        f'[[stages]]\ncode = "{code}"\nprobability = {p}\n\n' for code, p in stages.items()
    )
    text += '[[stages]]\ncode = "contract"\nprobability = 100\nwon = true\n\n'
    text += '[[stages]]\ncode = "lost"\nprobability = 0\nlost = true\n'
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "stages.toml").write_text(text, encoding="utf-8")
    order = [*stages, "contract"]
    # 甲七 sits at a stage no longer in use: it counts only as a lead that started.
    leads = [lead if lead.stage != "won" else replace(lead, furthest="new") for lead in LEADS]
    report = show(cli, "boss")
    assert [row["group"] for row in report["rows"]] == list(stages)
    for index, row in enumerate(report["rows"]):
        in_stage = [lead for lead in leads if lead.stage == row["group"]]
        assert {k: row[k] for k in ("count", "amount", "weighted", "no_amount")} == {
            k: v
            for k, v in expected_figures(in_stage, stages).items()
            if k in ("count", "amount", "weighted", "no_amount")
        }
        assert row["reached"] == reached(leads, order, row["group"])
        assert row["conversion_pct"] == pct(reached(leads, order, order[index + 1]), row["reached"])
    assert report["rows"][0]["weighted"] == "510.00"  # 10,000.05 × 5% = 500.0025, + 10.00
    assert [row["conversion_pct"] for row in report["rows"]] == [60.0, 83.3, 80.0, 50.0, 0.0]
    assert report["totals"]["conversion_pct"] == 0.0
    assert show(cli, "boss", "--by", "owner")["totals"]["won"] == 0
    assert [s["stage"] for s in show(cli, "boss", "--funnel")["funnel"]] == order


def test_funnel_lines_line_up_chinese_labels() -> None:
    from salesflow.cli.pipeline import BAR, bar_length, funnel_lines

    steps = [("新线索", 240, "↓ 58.8%"), ("需求确认", 99, "↓ 69.7%"), ("Won", 25, "")]
    lines = ["".join(parts) for parts in funnel_lines(steps, 30)]
    assert len({cell_len(line) for line in lines}) == 1
    assert [line.count(BAR) for line in lines] == [0, 30, 12, 3]  # 99/240*30 = 12.4
    # The counts start in the same terminal column on every line.
    columns = {cell_len(line[: line.index(str(n))]) + len(str(n)) for line, (_t, n, _c) in
               zip(lines[1:], steps, strict=True)}  # fmt: skip
    assert len(columns) == 1
    assert bar_length(1, 1000, 30) == 1  # never invisible
    assert bar_length(0, 1000, 30) == 0
