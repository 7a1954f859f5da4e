"""lead export: visibility, audit, formula escaping, CSV/XLSX/JSON, and the import round trip."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from salesflow.workflow.exports import escape_cell
from salesflow.workflow.lead_input import LEAD_FIELDS
from tests.cli.import_files import GOOD, count, query, write_csv
from tests.helpers import Cli, assert_refused_unchanged, snapshot

FORMULA = "=cmd|' /C calc'!A0"
HEADER = [
    "公司名称",
    "联系人",
    "职务",
    "手机",
    "邮箱",
    "省份",
    "城市",
    "线索来源",
    "推荐人",
    "预计金额",
    "负责人",
    "阶段",
    "创建时间",
    "关闭时间",
    "丢单原因",
    "竞争对手",
    "备注",
]
ROWS = [
    [
        *("杭州云栖科技有限公司", "张伟", "总经理", "13800138000", "zw@yunqi.cn", "浙江", "杭州"),
        *("展会", "", "12万", "li.na", "won", "2024-01-02", "2024-03-01", "", "", ""),
    ],
    [
        *("上海华信电子有限公司", "李娜", "", "13900139000", "", "上海", "", "转介绍"),
        *("杭州云栖科技", "50000", "zhang.wei", "lost", "2024-02-01", "2024-04-01"),
        *("competitor", "Initech", "+SUM(A1:A9)"),
    ],
    [
        *(FORMULA, "王强", "", "", "@evil.example", "", "", "来电咨询", "", "", "liu.yang"),
        *("", "", "", "", "", "-2+3"),
    ],
    [
        *("深圳腾达电子有限公司", "", "", "", "", "广东", "深圳", "官网/在线咨询", "", ""),
        *("-", "proposal", "", "", "", "", "@SUM(1)"),
    ],
]


@pytest.fixture
def leads(cli: Cli, team: str, tmp_path: Path) -> str:
    """Four leads: li.na's, zhang.wei's (both wang.qiang's team), liu.yang's, unassigned."""
    path = write_csv(tmp_path / "seed.csv", ROWS, header=HEADER)
    result = cli("lead", "import", str(path), "--skip-invalid", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["row"] == 4  # "@evil.example" is not an email
    fixed = [*ROWS[2][:4], "", *ROWS[2][5:]]
    path = write_csv(tmp_path / "fix.csv", [fixed], header=HEADER)
    result = cli("lead", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert count(team, "leads") == 4
    return team


def export_csv(cli: Cli, *args: str) -> list[dict[str, str]]:
    result = (
        cli(*args, "lead", "export", "--to", "-") if args else cli("lead", "export", "--to", "-")
    )
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_export_columns_are_the_import_names(cli: Cli, leads: str) -> None:
    result = cli("lead", "export", "--to", "-")
    header = result.stdout.splitlines()[0].split(",")
    assert header == ["lead_id", *LEAD_FIELDS]
    assert "Exported 4 leads." in result.stderr


def test_visibility_rep_manager_director(cli: Cli, leads: str) -> None:
    def companies(user: str) -> list[str]:
        return sorted(row["company"] for row in export_csv(cli, "--as", user))

    everything = companies("boss")
    assert len(everything) == 4
    assert companies("zhao.min") == everything
    # A rep exports own and unassigned leads only.
    assert companies("li.na") == ["杭州云栖科技有限公司", "深圳腾达电子有限公司"]
    assert companies("liu.yang") == sorted(["深圳腾达电子有限公司", "'" + FORMULA])
    # A manager: the team's and unassigned.
    assert companies("wang.qiang") == [
        "上海华信电子有限公司",
        "杭州云栖科技有限公司",
        "深圳腾达电子有限公司",
    ]
    # Filters narrow within what is visible, never beyond it.
    rows = export_csv(cli, "--as", "li.na")
    assert {r["owner"] for r in rows} == {"li.na", ""}
    result = cli("--as", "li.na", "lead", "export", "--to", "-", "--owner", "zhang.wei")
    assert result.stdout.count("\n") == 1


def test_export_is_audited(cli: Cli, leads: str, tmp_path: Path) -> None:
    target = tmp_path / "mine.csv"
    result = cli("--as", "li.na", "lead", "export", "--to", str(target), "--stage", "won")
    assert result.exit_code == 0, result.stderr
    events = query(
        leads,
        "SELECT u.username, e.action, e.entity, e.summary FROM audit_events e "
        "JOIN users u ON u.id = e.actor_id WHERE e.action = 'export'",
    )
    assert len(events) == 1
    user, action, entity, summary = events[0]
    assert (user, action, entity) == ("li.na", "export", "leads")
    assert summary.startswith("1 leads as csv to ")
    assert str(target) in summary
    assert "stage=won" in summary


def test_formula_cells_are_escaped_in_csv(cli: Cli, leads: str, tmp_path: Path) -> None:
    target = tmp_path / "leads.csv"
    assert cli("lead", "export", "--to", str(target)).exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["lead_id"]: row for row in csv.DictReader(handle)}
    notes = sorted(row["notes"] for row in rows.values() if row["notes"])
    assert notes == ["'+SUM(A1:A9)", "'-2+3", "'@SUM(1)"]
    assert any(row["company"] == "'" + FORMULA for row in rows.values())
    # E.164 phones keep their plus: digits only, they cannot carry a formula.
    assert "+8613800138000" in {row["phone"] for row in rows.values()}
    for row in rows.values():
        for value in row.values():
            assert not value.startswith(("=", "-", "@", "\t")), value


def test_escape_cell_rules() -> None:
    assert escape_cell(FORMULA, "company") == "'" + FORMULA
    assert escape_cell("@SUM(1)", "notes") == "'@SUM(1)"
    assert escape_cell("\r=1", "notes") == "'\r=1"
    assert escape_cell("+8613800138000", "phone") == "+8613800138000"
    assert escape_cell("+1+cmd", "phone") == "'+1+cmd"
    assert escape_cell("+8613800138000", "notes") == "'+8613800138000"
    assert escape_cell("云栖 = 好", "company") == "云栖 = 好"


def test_xlsx_export_opens_with_openpyxl(cli: Cli, leads: str, tmp_path: Path) -> None:
    from decimal import Decimal

    from openpyxl import load_workbook  # type: ignore[import-untyped]

    target = tmp_path / "leads.xlsx"
    result = cli("lead", "export", "--to", str(target))
    assert result.exit_code == 0, result.stderr
    assert "Exported 4 leads to" in result.stderr
    workbook = load_workbook(target, read_only=True)
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    header = rows[0]
    assert header == ["lead_id", *LEAD_FIELDS]
    # Trailing empty cells are not stored: pad each row to the header.
    records = [
        dict(zip(header, row + [None] * (len(header) - len(row)), strict=True)) for row in rows[1:]
    ]
    first = next(r for r in records if r["company"] == "杭州云栖科技有限公司")
    assert first["lead_id"] == 1
    assert Decimal(str(first["amount"])) == Decimal("120000")
    assert first["phone"] == "+8613800138000"
    assert first["created_at"] == "2024-01-02T00:00:00+00:00"
    assert any(r["company"] == "'" + FORMULA for r in records)
    assert not (tmp_path / "leads.xlsx.part").exists()


def test_json_export_parses_with_codes_and_exact_amounts(cli: Cli, leads: str) -> None:
    result = cli("lead", "export", "--to", "-", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data) == 4
    won = next(r for r in data if r["stage"] == "won")
    assert won["amount"] == "120000.00"
    assert won["source"] == "trade-show"
    assert won["province"] == "浙江省"
    assert won["closed_at"] == "2024-03-01T00:00:00+00:00"
    lost = next(r for r in data if r["stage"] == "lost")
    assert lost["referrer"] == "杭州云栖科技有限公司"  # linked to the customer it names
    assert lost["lost_reason"] == "competitor"
    assert any(r["company"] == FORMULA for r in data)  # JSON is data: never escaped


def test_json_file_has_no_byte_order_mark(cli: Cli, leads: str, tmp_path: Path) -> None:
    target = tmp_path / "leads.json"
    assert cli("lead", "export", "--to", str(target), "--source", "phone").exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))[0]["source"] == "phone"


def test_export_filters(cli: Cli, leads: str) -> None:
    def companies(*args: str) -> list[str]:
        result = cli("lead", "export", "--to", "-", "-f", "json", *args)
        assert result.exit_code == 0, result.stderr
        return sorted(r["company"] for r in json.loads(result.stdout))

    assert companies("--stage", "丢单") == ["上海华信电子有限公司"]
    assert companies("--owner", "-") == ["深圳腾达电子有限公司"]
    assert companies("--owner", "li.na") == ["杭州云栖科技有限公司"]
    assert companies("--province", "广东") == ["深圳腾达电子有限公司"]
    assert companies("--source", "referral") == ["上海华信电子有限公司"]
    assert companies("--stage", "contract") == []


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["--to", "leads.txt"], 2, "Cannot tell the export format of 'leads.txt'"),
        (["--to", "-", "--format", "xlsx"], 2, "cannot be written to standard output"),
        (["--to", "-", "--stage", "done"], 2, "Unknown value 'done' (--stage)"),
        (["--to", "-", "--owner", "ghost"], 2, "No user 'ghost' (--owner)"),
        (["--to", "-", "--province", "火星"], 2, "Unknown place '火星'"),
    ],
)
def test_export_refusals_change_nothing(
    cli: Cli, leads: str, args: list[str], code: int, needle: str
) -> None:
    assert_refused_unchanged(cli, leads, ["lead", "export", *args], code, needle)


def test_an_unwritable_destination_is_refused(cli: Cli, leads: str, tmp_path: Path) -> None:
    before = snapshot(leads)
    result = cli("lead", "export", "--to", str(tmp_path / "missing" / "leads.csv"))
    assert result.exit_code == 2
    assert "Cannot write" in result.stderr
    assert snapshot(leads) == before


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_then_import_round_trips_on_a_fresh_database(
    cli: Cli, leads: str, tmp_path: Path, suffix: str
) -> None:
    exported = tmp_path / f"leads.{suffix}"
    assert cli("lead", "export", "--to", str(exported)).exit_code == 0
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert cli("--db", fresh, "init", "--sample-team").exit_code == 0
    result = cli("--db", fresh, "lead", "import", str(exported))
    assert result.exit_code == 0, result.stderr
    assert "Imported 4 leads" in result.stderr
    assert "Ignored columns: lead_id." in result.stderr
    before = json.loads(cli("lead", "export", "--to", "-", "-f", "json").stdout)
    after = json.loads(cli("--db", fresh, "lead", "export", "--to", "-", "-f", "json").stdout)

    def comparable(rows: list[dict[str, object]]) -> list[dict[str, object]]:
        return sorted(
            ({k: v for k, v in row.items() if k != "lead_id"} for row in rows),
            key=lambda row: str(row["company"]),
        )

    assert comparable(after) == comparable(before)


def test_export_streams_more_than_one_chunk(
    cli: Cli, team: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from salesflow.workflow import exports

    monkeypatch.setattr(exports, "CHUNK", 2)
    path = write_csv(tmp_path / "leads.csv", GOOD)
    assert cli("lead", "import", str(path)).exit_code == 0
    rows = export_csv(cli)
    assert [row["lead_id"] for row in rows] == ["1", "2", "3"]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_customer_with_two_leads_round_trips(
    cli: Cli, leads: str, tmp_path: Path, suffix: str
) -> None:
    added = cli(
        *("--as", "li.na", "--no-input", "lead", "add", "--attach-to", "1"),
        *("--source", "web", "--need", "二期"),
    )
    assert added.exit_code == 0, added.stderr
    exported = tmp_path / f"leads.{suffix}"
    assert cli("lead", "export", "--to", str(exported)).exit_code == 0
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert cli("--db", fresh, "init", "--sample-team").exit_code == 0
    result = cli("--db", fresh, "lead", "import", str(exported))
    assert result.exit_code == 0, result.stderr
    assert "Imported 5 leads" in result.stderr
    assert count(fresh, "customers") == 4
    assert query(fresh, "SELECT count(DISTINCT customer_id) FROM leads") == [(4,)]

    def comparable(url: str) -> list[dict[str, object]]:
        args = ("--db", url) if url == fresh else ()
        rows = json.loads(cli(*args, "lead", "export", "--to", "-", "-f", "json").stdout)
        return sorted(
            ({k: v for k, v in row.items() if k != "lead_id"} for row in rows),
            key=lambda row: (str(row["company"]), str(row["need"])),
        )

    assert comparable(fresh) == comparable(leads)
