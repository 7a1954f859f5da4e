"""lead import: dry run, all or nothing, --skip-invalid, bad input, duplicates, history, undo."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.cli.import_files import GOOD, HEADER, count, query, write_csv
from tests.helpers import Cli, assert_one_line_error, assert_refused_unchanged, snapshot


def import_ok(cli: Cli, *args: str) -> list[dict[str, object]]:
    result = cli("lead", "import", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    report: list[dict[str, object]] = json.loads(result.stdout)
    return report


def dry_run(cli: Cli, code: int, *args: str) -> dict[str, object]:
    """A dry run's JSON object (summary and problems), exiting as the import would."""
    result = cli("lead", "import", *args, "--dry-run", "-f", "json")
    assert result.exit_code == code, result.stderr
    report: dict[str, object] = json.loads(result.stdout)
    return report


def problems(report: dict[str, object]) -> list[dict[str, object]]:
    found = report["problems"]
    assert isinstance(found, list)
    return found


def test_import_writes_every_row_with_its_customer_and_contact(
    cli: Cli, team: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "leads.csv", GOOD)
    result = cli("lead", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "Imported 3 leads from leads.csv as batch 1" in result.stderr
    assert "--undo 1" in result.stderr
    assert count(team, "leads") == count(team, "customers") == count(team, "contacts") == 3
    rows = query(
        team,
        "SELECT c.name, c.province, c.city, k.phone, k.email, l.source, l.amount_fen, "
        "u.username, l.import_batch_id, c.import_batch_id, k.import_batch_id "
        "FROM leads l JOIN customers c ON c.id = l.customer_id "
        "JOIN contacts k ON k.id = l.contact_id LEFT JOIN users u ON u.id = l.owner_id "
        "ORDER BY l.id",
    )
    # An admin's import goes to the unassigned pool, as their captures do.
    assert rows[0] == (
        "杭州云栖科技有限公司",
        "浙江省",
        "杭州市",
        "+8613800138000",
        "zw@yunqi.cn",
        "trade-show",
        12_000_000,
        None,
        1,
        1,
        1,
    )
    assert [r[5] for r in rows] == ["trade-show", "website", "phone"]


def test_import_is_audited_as_one_event(cli: Cli, team: str, tmp_path: Path) -> None:
    before = count(team, "audit_events")
    path = write_csv(tmp_path / "leads.csv", GOOD)
    assert cli("lead", "import", str(path)).exit_code == 0
    events = query(
        team,
        "SELECT action, entity, entity_id, summary FROM audit_events ORDER BY id",
    )[before:]
    assert len(events) == 1
    action, entity, entity_id, summary = events[0]
    assert (action, entity, entity_id) == ("import", "import_batches", "1")
    assert "leads.csv" in summary
    assert "3 leads added" in summary
    assert query(team, "SELECT file_name, rows, leads_added, rejected FROM import_batches") == [
        ("leads.csv", 3, 3, 0)
    ]


def test_dry_run_reports_row_field_and_problem_and_writes_nothing(
    cli: Cli, team: str, tmp_path: Path
) -> None:
    rows = [*GOOD, ["北京华兴科技", "赵敏", "12345", "", "北京", "", "展会", "", ""]]
    path = write_csv(tmp_path / "leads.csv", rows)
    before = snapshot(team)
    report = dry_run(cli, 2, str(path))
    assert snapshot(team) == before
    assert report["summary"] == {"rows": 4, "new": 3, "duplicate": 0, "invalid": 1, "warnings": 0}
    assert problems(report) == [
        {
            "row": 5,
            "kind": "invalid",
            "field": "phone",
            "column": "手机",
            "problem": "'12345' is not a valid phone number (column 手机).",
        }
    ]
    result = cli("lead", "import", str(path), "--dry-run")
    assert result.exit_code == 2  # what the import itself would give
    assert "4 rows: 3 new, 0 duplicate, 1 invalid" in result.stderr
    assert "Nothing was written" in result.stderr
    assert "12345" in result.stdout  # the report in its format, the summary on stderr
    for fmt in ("csv", "markdown"):
        result = cli("lead", "import", str(path), "--dry-run", "-f", fmt)
        assert result.exit_code == 2
        assert "12345" in result.stdout
        assert "4 rows" not in result.stdout


def test_dry_run_exits_as_the_import_would(cli: Cli, team: str, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "good.csv", GOOD)
    report = dry_run(cli, 0, str(good))
    assert report == {
        "summary": {"rows": 3, "new": 3, "duplicate": 0, "invalid": 0, "warnings": 0},
        "problems": [],
    }
    one = write_csv(tmp_path / "one.csv", [GOOD[0]])
    assert "1 row: 1 new" in cli("lead", "import", str(one), "--dry-run").stderr
    duplicated = write_csv(tmp_path / "dup.csv", [*GOOD, GOOD[0]])
    report = dry_run(cli, 1, str(duplicated))
    assert report["summary"] == {
        "rows": 4,
        "new": 3,
        "duplicate": 1,
        "invalid": 0,
        "warnings": 0,
    }
    assert count(team, "leads") == 0


def test_one_invalid_row_refuses_the_whole_file(cli: Cli, team: str, tmp_path: Path) -> None:
    rows = [GOOD[0], ["北京华兴科技", "赵敏", "13600136000", "bad@", "北京", "", "展会", "", ""]]
    path = write_csv(tmp_path / "leads.csv", rows)
    assert_refused_unchanged(
        cli, team, ["lead", "import", str(path)], 2, "row 3: 'bad@' is not a valid email"
    )
    result = cli("lead", "import", str(path))
    assert "(column 邮箱)" in result.stderr
    assert "Nothing was imported: 1 of 2 rows is invalid" in result.stderr
    assert "--dry-run" in result.stderr
    assert not (tmp_path / "leads.rejects.csv").exists()


def test_skip_invalid_writes_valid_rows_and_a_rejects_file(
    cli: Cli, team: str, tmp_path: Path
) -> None:
    bad_phone = ["北京华兴科技", "赵敏", "12345", "", "北京", "", "展会", "", ""]
    no_company = ["", "孙丽", "13600136000", "", "", "", "展会", "", ""]
    path = write_csv(tmp_path / "leads.csv", [GOOD[0], bad_phone, GOOD[1], no_company, GOOD[0]])
    report = import_ok(cli, str(path), "--skip-invalid")
    assert [(r["row"], r["kind"], r["field"]) for r in report] == [
        (3, "invalid", "phone"),
        (5, "invalid", "company"),
        (6, "duplicate", "company"),
    ]
    assert count(team, "leads") == 2
    assert query(team, "SELECT rows, leads_added, rejected FROM import_batches") == [(5, 2, 3)]
    rejects = tmp_path / "leads.rejects.csv"
    assert rejects.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["row", "problem", *HEADER]
    assert [line[0] for line in lines[1:]] == ["3", "5", "6"]
    assert lines[1][2:] == bad_phone
    assert "is not a valid phone number (column 手机)" in lines[1][1]
    assert "A value is required (column 公司名称)" in lines[2][1]
    assert "Duplicate of row 2" in lines[3][1]


def test_skip_invalid_rejects_path_can_be_chosen(cli: Cli, team: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", [GOOD[0], ["", "", "", "", "", "", "展会", "", ""]])
    target = tmp_path / "out" / "bad.csv"
    target.parent.mkdir()
    result = cli("lead", "import", str(path), "--skip-invalid", "--rejects", str(target))
    assert result.exit_code == 0, result.stderr
    assert str(target) in result.stderr
    assert target.exists()
    assert count(team, "leads") == 1


BAD_INPUT = [
    (
        "empty required field",
        ["", "赵敏", "13600136000", "", "北京", "", "展会", "", ""],
        "row 3: A value is required (column 公司名称)",
    ),
    (
        "10,000-character company",
        ["华" * 10_000, "赵敏", "13600136000", "", "北京", "", "展会", "", ""],
        "row 3: The value is 10000 characters long; at most 200 are kept (column 公司名称)",
    ),
    (
        "10,000-character phone",
        ["北京华兴科技", "赵敏", "1" * 10_000, "", "北京", "", "展会", "", ""],
        "row 3: The value is 10000 characters long; at most 200 are kept (column 手机)",
    ),
    (
        "invalid phone",
        ["北京华兴科技", "赵敏", "138-0013", "", "北京", "", "展会", "", ""],
        "row 3: '138-0013' is not a valid phone number (column 手机)",
    ),
    (
        "invalid email",
        ["北京华兴科技", "赵敏", "", "zm@@huaxing", "北京", "", "展会", "", ""],
        "row 3: 'zm@@huaxing' is not a valid email address (column 邮箱)",
    ),
    (
        "unknown province",
        ["北京华兴科技", "赵敏", "", "", "火星", "", "展会", "", ""],
        "row 3: Unknown place '火星' (column 省份)",
    ),
    (
        "negative amount",
        ["北京华兴科技", "赵敏", "", "", "北京", "", "展会", "-5000", ""],
        "row 3: The amount cannot be negative (column 预计金额)",
    ),
    (
        "referral without referrer",
        ["北京华兴科技", "赵敏", "", "", "北京", "", "转介绍", "", ""],
        "row 3: A referral needs its referrer: a customer or a person (column referrer)",
    ),
    (
        "unknown owner",
        ["北京华兴科技", "赵敏", "", "", "北京", "", "展会", "", "nobody.here"],
        "row 3: No active user 'nobody.here' (column 负责人)",
    ),
    (
        "ragged row",
        ["北京华兴科技", "赵敏"],
        "row 3: a ragged row: 2 cells where the header has 9",
    ),
]


@pytest.mark.parametrize(
    ("row", "needle"), [b[1:] for b in BAD_INPUT], ids=[b[0] for b in BAD_INPUT]
)
def test_bad_input_names_row_and_field_and_changes_nothing(
    cli: Cli, team: str, tmp_path: Path, row: list[str], needle: str
) -> None:
    path = write_csv(tmp_path / "leads.csv", [GOOD[0], row])
    assert_refused_unchanged(cli, team, ["lead", "import", str(path)], 2, needle)
    result = cli("lead", "import", str(path))
    assert len(result.stderr) < 800  # a 10,000-character value is never echoed whole


def test_dry_run_names_the_field_of_each_bad_input(cli: Cli, team: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", [GOOD[0], *(row for _why, row, _n in BAD_INPUT)])
    report = problems(dry_run(cli, 2, str(path)))
    assert [(r["row"], r["field"]) for r in report] == [
        (3, "company"),
        (4, "company"),
        (5, "phone"),
        (6, "phone"),
        (7, "email"),
        (8, "province"),
        (9, "amount"),
        (10, "referrer"),
        (11, "owner"),
        (12, None),
    ]


def test_a_file_in_a_wrong_encoding_changes_nothing(cli: Cli, team: str, tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes("company,contact,source\nCafé Müller,José,other\n".encode("latin-1"))
    assert_refused_unchanged(
        cli, team, ["lead", "import", str(path)], 2, "neither UTF-8 nor GB18030"
    )


def test_gb18030_and_xlsx_files_import(cli: Cli, team: str, tmp_path: Path) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    gb = write_csv(tmp_path / "gb.csv", [GOOD[0]], encoding="gb18030")
    assert cli("lead", "import", str(gb)).exit_code == 0
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(
        ["上海华信电子有限公司", "李娜", 13900139000, "", "上海", "", "官网/在线咨询", 50000]
    )
    workbook.save(tmp_path / "more.xlsx")
    result = cli("lead", "import", str(tmp_path / "more.xlsx"))
    assert result.exit_code == 0, result.stderr
    assert query(team, "SELECT phone FROM contacts ORDER BY id") == [
        ("+8613800138000",),
        ("+8613900139000",),
    ]
    assert query(team, "SELECT name FROM customers ORDER BY id")[0] == ("杭州云栖科技有限公司",)


def test_map_and_source_default(cli: Cli, team: str, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "list.csv",
        [["杭州云栖科技", "张伟", "13800138000", "VIP"], ["上海华信", "", "", ""]],
        header=["客户全称", "联系人", "Tel.", "等级"],
    )
    result = cli("lead", "import", str(path), "--map", "客户全称=company")
    assert_one_line_error(result, 2)
    assert "no source column" in result.stderr
    result = cli(
        "lead",
        "import",
        str(path),
        "--map",
        "客户全称=company,Tel.=phone",
        "--source",
        "客户名录",
    )
    assert result.exit_code == 0, result.stderr
    assert "Ignored columns: 等级." in result.stderr
    assert query(team, "SELECT source FROM leads") == [("list",), ("list",)]
    assert query(team, "SELECT name, phone FROM contacts") == [("张伟", "+8613800138000")]


def test_a_phone_needs_a_named_contact(cli: Cli, team: str, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "leads.csv", [["杭州云栖科技", "", "13800138000", "", "", "", "展会", "", ""]]
    )
    assert_refused_unchanged(
        cli,
        team,
        ["lead", "import", str(path)],
        2,
        "row 2: The contact person's name is missing (column 联系人)",
    )


def test_rows_without_source_take_the_default(cli: Cli, team: str, tmp_path: Path) -> None:
    rows = [[*GOOD[0][:6], "", *GOOD[0][7:]], GOOD[1]]
    path = write_csv(tmp_path / "leads.csv", rows)
    result = cli("lead", "import", str(path))
    assert_one_line_error(result, 2)
    assert "row 2: A value is required (column 线索来源)" in result.stderr
    assert cli("lead", "import", str(path), "--source", "event").exit_code == 0
    assert query(team, "SELECT source FROM leads ORDER BY id") == [("event",), ("website",)]


def test_duplicates_against_the_database_name_the_record_and_owner(
    cli: Cli, team: str, tmp_path: Path
) -> None:
    first = write_csv(tmp_path / "first.csv", [[*GOOD[0][:8], "li.na"]])
    assert cli("lead", "import", str(first)).exit_code == 0
    same_phone = ["北京华兴科技", "赵敏", "138 0013 8000", "", "北京", "", "展会", "", ""]
    second = write_csv(tmp_path / "second.csv", [GOOD[1], same_phone])
    assert_refused_unchanged(
        cli,
        team,
        ["lead", "import", str(second)],
        1,
        "row 3: Duplicate (撞单): customer 1 杭州云栖科技有限公司 (lead 1) already belongs to "
        "li.na, matched by phone.",
    )
    report = problems(dry_run(cli, 1, str(second)))
    assert report[0]["kind"] == "duplicate"
    assert report[0]["column"] == "手机"
    same_name = write_csv(
        tmp_path / "third.csv", [["杭州云栖科技", "", "", "", "", "", "展会", "", ""]]
    )
    result = cli("lead", "import", str(same_name))
    assert result.exit_code == 1
    assert "matched by company name" in result.stderr


def test_duplicates_within_the_file_name_the_earlier_row(
    cli: Cli, team: str, tmp_path: Path
) -> None:
    again = ["杭州云栖科技股份有限公司", "孙丽", "13600136000", "", "", "", "展会", "", ""]
    same_email = ["北京华兴科技", "孙丽", "", "LN@HUAXIN.CN", "", "", "展会", "", ""]
    path = write_csv(tmp_path / "leads.csv", [*GOOD, again, same_email])
    assert_refused_unchanged(
        cli,
        team,
        ["lead", "import", str(path)],
        1,
        "2 of 5 rows are duplicates; first, row 5: Duplicate of row 2 (by company name).",
    )
    report = problems(dry_run(cli, 1, str(path)))
    assert [(r["row"], r["problem"]) for r in report] == [
        (5, "Duplicate of row 2 (by company name)."),
        (6, "Duplicate of row 3 (by email)."),
    ]


def test_similar_names_are_warnings_not_refusals(cli: Cli, team: str, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "first.csv", [GOOD[2]])
    assert cli("lead", "import", str(first)).exit_code == 0
    similar = ["深圳市腾达电子有限公司", "钱七", "", "", "", "", "展会", "", ""]
    path = write_csv(tmp_path / "second.csv", [similar])
    report = import_ok(cli, str(path))
    assert report[0]["kind"] == "warning"
    assert report[0]["row"] == 2
    assert "Similar name (92): customer 1 深圳腾达电子有限公司" in str(report[0]["problem"])
    assert count(team, "leads") == 2


def test_history_from_another_crm_is_carried_over(cli: Cli, team: str, tmp_path: Path) -> None:
    header = [
        "Company",
        "Contact Name",
        "Mobile",
        "Lead Source",
        "Amount",
        "Owner",
        "Stage",
        "Created",
        "Closed",
        "Lost Reason",
        "Competitor",
        "ID",
        "Expected Close",
    ]
    rows = [
        [
            *("ACME Ltd", "Zhang Wei", "13800138000", "Trade show", "12万", "li.na", "won"),
            *("2024-01-02", "2024-03-01 15:30", "", "", "SF-001", ""),
        ],
        [
            *("Globex Co., Ltd.", "Li Na", "", "phone", "5000", "张伟", "丢单"),
            *("2024-02-01", "2024/04/01", "competitor", "Initech", "SF-002", ""),
        ],
        [
            *("Umbrella Inc", "", "", "website", "", "-", "proposal"),
            *("2023-12-31T08:00:00+08:00", "", "", "", "SF-003", "2026-12-31"),
        ],
    ]
    path = write_csv(tmp_path / "crm.csv", rows, header=header)
    result = cli("lead", "import", str(path))
    assert result.exit_code == 0, result.stderr
    found = query(
        team,
        "SELECT u.username, l.stage, l.amount_fen, l.created_at, l.closed_at, l.lost_reason, "
        "l.competitor, l.external_ref, l.expected_close, c.lifecycle "
        "FROM leads l JOIN customers c ON c.id = l.customer_id "
        "LEFT JOIN users u ON u.id = l.owner_id ORDER BY l.id",
    )
    owners = [row[0] for row in found]
    assert owners == ["li.na", "zhang.wei", None]
    assert [row[1] for row in found] == ["won", "lost", "proposal"]
    assert [row[2] for row in found] == [12_000_000, 500_000, None]
    assert [row[5:8] for row in found] == [
        (None, None, "SF-001"),
        ("competitor", "Initech", "SF-002"),
        (None, None, "SF-003"),
    ]
    assert [row[9] for row in found] == ["customer", "lead", "prospect"]
    assert str(found[2][8]) == "2026-12-31"
    exported = json.loads(cli("lead", "export", "--to", "-", "-f", "json").stdout)
    created = [row["created_at"] for row in exported]
    closed = [row["closed_at"] for row in exported]
    # Dates without a zone are the person's local time (the tests run in UTC).
    assert created == [
        "2024-01-02T00:00:00+00:00",
        "2024-02-01T00:00:00+00:00",
        "2023-12-31T00:00:00+00:00",
    ]
    assert closed == ["2024-03-01T15:30:00+00:00", "2024-04-01T00:00:00+00:00", None]


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        (["won", "2024-01-02", ""], "A won lead needs the date it closed (column Closed)"),
        (["new", "2024-01-02", "2024-02-01"], "Only a won or lost lead has a closed date"),
        (["won", "2024-03-01", "2024-02-01"], "closed before it was created"),
        (["lost", "2024-01-02", "2024-02-01"], "A lost lead needs its lost reason"),
        (["new", "2999-01-01", ""], "The date is in the future (column Created)"),
        (["done", "", ""], "Unknown value 'done' (column Stage)"),
        (["new", "yesterday", ""], "'yesterday' is not a date (column Created)"),
    ],
)
def test_inconsistent_history_is_refused(
    cli: Cli, team: str, tmp_path: Path, row: list[str], needle: str
) -> None:
    header = ["Company", "Source", "Stage", "Created", "Closed"]
    path = write_csv(tmp_path / "crm.csv", [["ACME", "other", *row]], header=header)
    assert_refused_unchanged(cli, team, ["lead", "import", str(path)], 2, needle)


def test_a_rep_imports_own_leads_only(cli: Cli, team: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "mine.csv", [GOOD[0], [*GOOD[1][:8], "liu.yang"]])
    result = cli("--as", "li.na", "lead", "import", str(path))
    assert_one_line_error(result, 2)
    assert "row 3: You cannot give leads to liu.yang (column 负责人)" in result.stderr
    assert cli("--as", "li.na", "lead", "import", str(path), "--skip-invalid").exit_code == 0
    assert query(team, "SELECT u.username FROM leads l JOIN users u ON u.id = l.owner_id") == [
        ("li.na",)
    ]


def test_owner_option_and_roles_that_do_not_capture(cli: Cli, team: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", [GOOD[0]])
    assert_refused_unchanged(
        cli, team, ["--as", "sun.li", "lead", "import", str(path)], 1, "does not capture leads"
    )
    assert_refused_unchanged(
        cli,
        team,
        ["--as", "wang.qiang", "lead", "import", str(path), "--owner", "liu.yang"],
        1,
        "You cannot give leads to liu.yang (--owner)",
    )
    assert cli("--as", "wang.qiang", "lead", "import", str(path), "--owner", "li.na").exit_code == 0
    assert query(team, "SELECT u.username FROM leads l JOIN users u ON u.id = l.owner_id") == [
        ("li.na",)
    ]


def test_service_staff_import_into_the_unassigned_pool(cli: Cli, team: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", [GOOD[0]])
    assert cli("--as", "zhou.xin", "lead", "import", str(path)).exit_code == 0
    assert query(team, "SELECT owner_id, created_by_id FROM leads")[0][0] is None


def test_undo_removes_the_batch_and_is_audited(cli: Cli, team: str, tmp_path: Path) -> None:
    before = snapshot(team)
    path = write_csv(tmp_path / "leads.csv", GOOD)
    assert cli("lead", "import", str(path)).exit_code == 0
    result = cli("lead", "import", "--undo", "1")
    assert result.exit_code == 0, result.stderr
    assert "removed 3 leads, 3 contacts and 3 customers" in result.stderr
    assert result.stdout == ""
    for table in ("leads", "contacts", "customers"):
        assert count(team, table) == 0
    after = snapshot(team)
    assert after["users"] == before["users"]
    events = query(
        team, "SELECT action, entity, entity_id FROM audit_events WHERE entity = 'import_batches'"
    )
    assert ("import", "import_batches", "1") in events
    assert ("undo", "import_batches", "1") in events
    batches = json.loads(cli("lead", "import", "--list", "-f", "json").stdout)
    assert batches[0]["batch"] == 1
    assert batches[0]["undone_by"] == "boss"
    assert batches[0]["undone_at"] is not None
    assert_refused_unchanged(
        cli, team, ["lead", "import", "--undo", "1"], 1, "Import batch 1 was already undone"
    )
    # The same file can be imported again once its batch is undone.
    assert cli("lead", "import", str(path)).exit_code == 0


def test_undo_is_refused_when_later_work_depends_on_the_batch(
    cli: Cli, team: str, tmp_path: Path
) -> None:
    from salesflow.store.database import open_workspace
    from salesflow.store.models import Lead

    path = write_csv(tmp_path / "leads.csv", GOOD)
    assert cli("lead", "import", str(path)).exit_code == 0
    workspace = open_workspace(team)
    try:
        with workspace.session(actor_id=1, write=True) as session:
            session.add(Lead(customer_id=2, source="phone", owner_id=1, created_by_id=1))
    finally:
        workspace.dispose()
    assert_refused_unchanged(
        cli,
        team,
        ["lead", "import", "--undo", "1"],
        1,
        "Import batch 1 cannot be undone: lead 4 was added since and refers to its customer 2.",
    )


def test_undo_is_refused_when_an_imported_lead_changed(cli: Cli, team: str, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from salesflow.store.database import open_workspace
    from salesflow.store.models import Lead

    path = write_csv(tmp_path / "leads.csv", GOOD)
    assert cli("lead", "import", str(path)).exit_code == 0
    workspace = open_workspace(team)
    try:
        with workspace.session(actor_id=1, write=True) as session:
            lead = session.get(Lead, 3)
            assert lead is not None
            lead.stage = "contacted"
            lead.updated_at = datetime.now(UTC)
            session.add(lead)
    finally:
        workspace.dispose()
    assert_refused_unchanged(
        cli, team, ["lead", "import", "--undo", "1"], 1, "lead 3 was changed after the import"
    )


def test_who_may_undo(cli: Cli, team: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", [GOOD[0]])
    assert cli("--as", "zhang.wei", "lead", "import", str(path)).exit_code == 0
    assert_refused_unchanged(
        cli, team, ["--as", "li.na", "lead", "import", "--undo", "1"], 2, "No import batch 1"
    )
    assert_refused_unchanged(
        cli, team, ["--as", "chen.jing", "lead", "import", "--undo", "1"], 2, "No import batch 1"
    )
    assert json.loads(cli("--as", "li.na", "lead", "import", "--list", "-f", "json").stdout) == []
    listed = json.loads(cli("--as", "wang.qiang", "lead", "import", "--list", "-f", "json").stdout)
    assert [b["user"] for b in listed] == ["zhang.wei"]
    assert cli("--as", "wang.qiang", "lead", "import", "--undo", "1").exit_code == 0
    assert count(team, "leads") == 0


def test_usage_errors(cli: Cli, team: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", [GOOD[0]])
    for args in ([], [str(path), "--undo", "1"], ["--list", "--undo", "1"]):
        result = cli("lead", "import", *args)
        assert_one_line_error(result, 2)
        assert "exactly one of FILE, --undo BATCH or --list" in result.stderr
    assert_refused_unchanged(
        cli, team, ["lead", "import", str(path), "--rejects", "x.csv"], 2, "--skip-invalid"
    )
    assert_refused_unchanged(cli, team, ["lead", "import", "--undo", "99"], 2, "No import batch 99")
    assert_refused_unchanged(
        cli, team, ["lead", "import", str(tmp_path / "none.csv")], 2, "There is no file"
    )
    header_only = write_csv(tmp_path / "empty.csv", [])
    assert_refused_unchanged(
        cli, team, ["lead", "import", str(header_only)], 2, "has no rows to import"
    )


def test_rows_added_between_checking_and_writing_are_caught(
    cli: Cli, team: str, tmp_path: Path
) -> None:
    from salesflow.store.database import open_workspace
    from salesflow.workflow.errors import Refused
    from salesflow.workflow.identity import find_user
    from salesflow.workflow.imports import plan_import, write_import
    from salesflow.workflow.lead_files import open_lead_file

    path = write_csv(tmp_path / "leads.csv", GOOD)
    workspace = open_workspace(team)
    try:
        with workspace.session(actor_id=1) as session, open_lead_file(path) as table:
            actor = find_user(session, "boss")
            assert actor is not None
            plan = plan_import(session, actor, table)
        assert plan.new == 3
        other = write_csv(tmp_path / "other.csv", [GOOD[1]])
        assert cli("lead", "import", str(other)).exit_code == 0
        with (
            pytest.raises(Refused, match="row 3: Duplicate"),
            workspace.session(actor_id=1, write=True) as session,
        ):
            write_import(session, actor, plan)
    finally:
        workspace.dispose()
    assert count(team, "leads") == 1


def test_options_that_do_not_apply_are_refused_with_undo_and_list(
    cli: Cli, team: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "leads.csv", GOOD)
    assert cli("lead", "import", str(path)).exit_code == 0
    # --dry-run with --undo once undid the batch for real.
    assert_refused_unchanged(
        cli,
        team,
        ["lead", "import", "--undo", "1", "--dry-run"],
        2,
        "--dry-run applies only to importing a FILE, not to --undo.",
    )
    assert count(team, "leads") == 3
    assert_refused_unchanged(
        cli,
        team,
        ["lead", "import", "--list", "--map", "a=company", "--source", "web", "--owner", "li.na"],
        2,
        "--map, --source, --owner apply only to importing a FILE, not to --list.",
    )
    for option in (["--skip-invalid"], ["--rejects", "x.csv"], ["--lost-reason", "price"]):
        result = cli("lead", "import", "--undo", "1", *option)
        assert_one_line_error(result, 2)
        assert option[0] in result.stderr
    assert count(team, "leads") == 3
    assert cli("lead", "import", "--undo", "1").exit_code == 0


CRM_HEADER = [*HEADER, "外部编号"]


def test_one_customer_with_several_deals_imports_as_one_customer(
    cli: Cli, team: str, tmp_path: Path
) -> None:
    yunqi = GOOD[0][:8]
    rows = [
        [*yunqi, "", "CRM-1"],
        # A second deal of the same customer, with the same contact: the contact is reused.
        [*yunqi[:7], "30000", "", "CRM-2"],
        # A third deal with another contact of that customer.
        ["杭州云栖科技有限公司", "孙丽", "13600136000", "", "", "", "website", "", "", "CRM-3"],
        # The first deal again: a duplicate.
        [*yunqi, "", "CRM-1"],
        # Another company with the first deal's phone: a duplicate.
        ["北京华兴科技", "赵敏", "13800138000", "", "北京", "", "展会", "", "", "CRM-5"],
        # The same company without an identity of its own: a duplicate.
        [*yunqi, "", ""],
        # Another owner: not the same customer's deal, a duplicate.
        [*yunqi, "li.na", "CRM-7"],
    ]
    path = write_csv(tmp_path / "crm.csv", rows, header=CRM_HEADER)
    report = problems(dry_run(cli, 1, str(path)))
    assert [(r["row"], r["kind"], r["problem"]) for r in report] == [
        (5, "duplicate", "Duplicate of row 2 (by company name)."),
        (6, "duplicate", "Duplicate of row 2 (by phone)."),
        (7, "duplicate", "Duplicate of row 2 (by company name)."),
        (8, "duplicate", "Duplicate of row 2 (by company name)."),
    ]
    deals = write_csv(tmp_path / "deals.csv", rows[:3], header=CRM_HEADER)
    result = cli("lead", "import", str(deals))
    assert result.exit_code == 0, result.stderr
    assert "Imported 3 leads" in result.stderr
    assert "warning" not in result.stderr  # a further deal is not a similar name
    assert count(team, "customers") == 1
    assert query(team, "SELECT name, phone FROM contacts ORDER BY id") == [
        ("张伟", "+8613800138000"),
        ("孙丽", "+8613600136000"),
    ]
    assert query(
        team,
        "SELECT l.external_ref, l.customer_id, k.name, l.amount_fen FROM leads l "
        "LEFT JOIN contacts k ON k.id = l.contact_id ORDER BY l.id",
    ) == [
        ("CRM-1", 1, "张伟", 12_000_000),
        ("CRM-2", 1, "张伟", 3_000_000),
        ("CRM-3", 1, "孙丽", None),
    ]
    # Against the database a known company stays a duplicate (撞单), deals or not.
    again = write_csv(tmp_path / "again.csv", [[*yunqi, "", "CRM-9"]], header=CRM_HEADER)
    result = cli("lead", "import", str(again))
    assert result.exit_code == 1
    assert "Duplicate (撞单)" in result.stderr
    assert cli("lead", "import", "--undo", "1").exit_code == 0
    assert count(team, "customers") == count(team, "contacts") == count(team, "leads") == 0


def test_a_further_deal_is_refused_with_its_customers_row(
    cli: Cli, team: str, tmp_path: Path
) -> None:
    first = write_csv(tmp_path / "first.csv", [GOOD[2]])
    assert cli("lead", "import", str(first)).exit_code == 0
    # Row 2 matches the database by phone; row 3 is a further deal of row 2's customer.
    rows = [
        ["新公司", "王强", "13700137000", "", "", "", "展会", "", "", "A-1"],
        ["新公司", "", "", "", "", "", "展会", "", "", "A-2"],
        [*GOOD[1], "A-3"],
    ]
    path = write_csv(tmp_path / "deals.csv", rows, header=CRM_HEADER)
    report = import_ok(cli, str(path), "--skip-invalid")
    assert [(r["row"], r["kind"]) for r in report] == [(2, "duplicate"), (3, "duplicate")]
    assert "row 2, which is not imported" in str(report[1]["problem"])
    assert count(team, "customers") == 2


def test_rejects_file_escapes_formula_cells_like_the_export(
    cli: Cli, team: str, tmp_path: Path
) -> None:
    formula = "=cmd|' /C calc'!A0"
    bad = [formula, "赵敏", "12345", "", "", "", "展会", "", ""]
    path = write_csv(tmp_path / "leads.csv", [GOOD[0], bad])
    assert cli("lead", "import", str(path), "--skip-invalid").exit_code == 0
    with (tmp_path / "leads.rejects.csv").open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[1][2] == "'" + formula
    assert lines[1][4] == "12345"
    # Fixed and imported again, the cell reads back as it was.
    fixed = write_csv(
        tmp_path / "fixed.csv", [[lines[1][2], "赵敏", "", "", "", "", "展会", "", ""]]
    )
    assert cli("lead", "import", str(fixed)).exit_code == 0
    assert query(team, "SELECT name FROM customers ORDER BY id")[-1] == (formula,)


def test_lost_reason_option_fills_lost_rows_without_one(
    cli: Cli, team: str, tmp_path: Path
) -> None:
    header = ["Account Name", "Lead Source", "Stage", "Created Date", "Close Date", "流失原因"]
    rows = [
        ["杭州云栖科技有限公司", "web", "lost", "2024-01-02", "2024-03-01", ""],
        ["上海华信电子有限公司", "web", "lost", "2024-01-02", "2024-03-01", "no-budget"],
        ["深圳腾达电子有限公司", "web", "proposal", "2024-01-02", "", ""],
    ]
    path = write_csv(tmp_path / "lost.csv", rows, header=header)
    result = cli("lead", "import", str(path))
    assert result.exit_code == 2
    assert "A lost lead needs its lost reason (column 流失原因)" in result.stderr
    assert "Ignored columns" not in result.stderr  # every header is known
    result = cli("lead", "import", str(path), "--lost-reason", "price")
    assert result.exit_code == 0, result.stderr
    assert query(team, "SELECT stage, lost_reason FROM leads ORDER BY id") == [
        ("lost", "price"),
        ("lost", "no-budget"),
        ("proposal", None),
    ]
    bad = cli("lead", "import", str(path), "--lost-reason", "nonsense")
    assert_one_line_error(bad, 2)
    assert "--lost-reason" in bad.stderr


def test_closed_won_from_another_crm_imports(cli: Cli, team: str, tmp_path: Path) -> None:
    from salesflow.workflow.errors import SalesflowError
    from salesflow.workflow.glossary import STAGES, parse_code

    try:
        parse_code(STAGES, "Closed Won", field="stage")
    except SalesflowError:
        pytest.skip("stage aliases such as 'Closed Won' are not in the glossary yet")
    header = ["Account Name", "Lead Source", "Stage", "Created Date", "Closed Date"]
    path = write_csv(
        tmp_path / "won.csv",
        [["杭州云栖科技有限公司", "web", "Closed Won", "2024-01-02", "2024-03-01"]],
        header=header,
    )
    result = cli("lead", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert query(team, "SELECT stage FROM leads") == [("won",)]


def test_xlsx_formula_without_a_computed_value_is_invalid(
    cli: Cli, team: str, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(GOOD[0])
    sheet.append([*GOOD[1][:7], "=1000*50", ""])
    workbook.save(tmp_path / "formula.xlsx")
    report = problems(dry_run(cli, 2, str(tmp_path / "formula.xlsx")))
    assert report == [
        {
            "row": 3,
            "kind": "invalid",
            "field": "amount",
            "column": "预计金额",
            "problem": "The cell holds a formula without a computed value (column 预计金额); "
            "open and save the file in Excel.",
        }
    ]
    assert_refused_unchanged(
        cli, team, ["lead", "import", str(tmp_path / "formula.xlsx")], 2, "row 3: The cell"
    )


def test_imported_leads_start_their_stage_history(cli: Cli, team: str, tmp_path: Path) -> None:
    header = ["Company", "Source", "Stage", "Created", "Closed", "Lost Reason"]
    rows = [
        ["ACME Ltd", "website", "won", "2024-01-02", "2024-03-01 15:30", ""],
        ["Globex", "phone", "proposal", "2024-02-01", "", ""],
        ["Initech", "phone", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "crm.csv", rows, header=header)
    assert cli("lead", "import", str(path)).exit_code == 0
    found = query(
        team,
        "SELECT l.id, s.from_stage, s.to_stage, s.changed_at, u.username, s.note, "
        "l.stage_entered_at FROM stage_changes s JOIN leads l ON l.id = s.lead_id "
        "JOIN users u ON u.id = s.changed_by_id ORDER BY l.id",
    )
    assert [row[1:3] + row[4:6] for row in found] == [
        (None, "won", "boss", None),
        (None, "proposal", "boss", None),
        (None, "new", "boss", None),
    ]
    assert all(str(row[3])[:16] == str(row[6])[:16] for row in found)
    assert str(found[0][3]).startswith("2024-03-01 15:30")
    assert str(found[1][3]).startswith("2024-02-01")

    won = cli("lead", "history", "1", "-f", "json")
    assert won.exit_code == 0, won.stderr
    assert [(r["stage"], r["entered_at"], r["by"], r["note"]) for r in json.loads(won.stdout)] == [
        ("won", "2024-03-01T15:30:00+00:00", "boss", "imported")
    ]
    assert "Sales cycle: 59 days." in won.stderr
    proposal = json.loads(cli("lead", "history", "2", "-f", "json").stdout)
    assert [(r["stage"], r["entered_at"]) for r in proposal] == [
        ("proposal", "2024-02-01T00:00:00+00:00")
    ]
    assert proposal[0]["days"] > 200

    result = cli("lead", "import", "--undo", "1")
    assert result.exit_code == 0, result.stderr
    assert count(team, "stage_changes") == 0
    assert count(team, "leads") == 0


def test_undo_is_refused_after_a_later_move(cli: Cli, team: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", GOOD)
    assert cli("lead", "import", str(path)).exit_code == 0
    lose = cli("--no-input", "lead", "lose", "2", "--reason", "price")
    assert lose.exit_code == 0, lose.stderr
    assert_refused_unchanged(
        cli,
        team,
        ["lead", "import", "--undo", "1"],
        1,
        "Import batch 1 cannot be undone: stage change 4 was added since and refers to its lead 2.",
    )
