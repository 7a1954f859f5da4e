"""lead add: options and wizard, normalization, duplicate (撞单) protection, refusals."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.helpers import Cli, assert_one_line_error, assert_refused_unchanged

YUNQI = [
    "--company",
    "杭州云栖科技有限公司",
    "--contact",
    "王磊",
    "--title",
    "采购经理",
    "--phone",
    "138 0013 8000",
    "--email",
    "Wang.Lei@YunQi.cn",
    "--wechat",
    "wangl_yunqi",
    "--province",
    "浙江",
    "--city",
    "杭州",
    "--county",
    "西湖",
    "--industry",
    "软件和信息技术",
    "--employees",
    "120",
    "--founded-year",
    "2015",
    "--source",
    "展会",
    "--need",
    "销售管理系统",
    "--amount",
    "12万",
    "--notes",
    "展会上交换名片",
]


def add(cli: Cli, user: str, *args: str) -> Any:
    return cli("--as", user, "--no-input", "lead", "add", *args)


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql)).all()]
    finally:
        engine.dispose()


def test_add_with_every_option_stores_normalized_values(cli: Cli, team: str) -> None:
    result = add(cli, "li.na", *YUNQI)
    assert result.exit_code == 0, result.stderr
    lead_id = int(result.stdout.strip())
    assert "Next step" in result.stderr
    assert f"lead grade {lead_id}" in result.stderr
    row = query(
        team,
        "SELECT c.name, c.name_key, c.province, c.city, c.county, c.employees, c.founded_year,"
        " c.industry, k.name, k.title, k.phone, k.email, k.wechat, l.source, l.amount_fen,"
        " l.need, l.notes, l.stage, u.username"
        " FROM leads l JOIN customers c ON c.id = l.customer_id"
        " JOIN contacts k ON k.id = l.contact_id JOIN users u ON u.id = l.owner_id"
        f" WHERE l.id = {lead_id}",
    )
    assert row == [
        (
            "杭州云栖科技有限公司",
            "杭州云栖科技",
            "浙江省",
            "杭州市",
            "西湖区",
            120,
            2015,
            "软件和信息技术",
            "王磊",
            "采购经理",
            "+8613800138000",
            "wang.lei@yunqi.cn",
            "wangl_yunqi",
            "trade-show",
            12_000_000,
            "销售管理系统",
            "展会上交换名片",
            "new",
            "li.na",
        )
    ]
    events = query(team, "SELECT entity, action FROM audit_events WHERE action = 'create'")
    assert {("customers", "create"), ("contacts", "create"), ("leads", "create")} <= set(events)


def test_json_output_is_the_new_lead(cli: Cli, team: str) -> None:
    result = add(cli, "li.na", *YUNQI, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["owner"] == "li.na"
    assert data["source"] == "trade-show"
    assert data["stage"] == "new"
    assert data["next_step"]["code"] == "first-contact"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--company", "杭州云栖科技股份有限公司", "--source", "website"], "by company name"),
        (["--company", "新公司", "--contact", "x", "--phone", "13800138000", "--source", "phone"],
         "by phone"),
        (["--company", "新公司", "--contact", "x", "--email", "WANG.LEI@yunqi.cn",
          "--source", "phone"], "by email"),
    ],
)  # fmt: skip
def test_duplicate_of_another_reps_customer_is_refused_naming_the_owner(
    cli: Cli, team: str, args: list[str], needle: str
) -> None:
    assert add(cli, "li.na", *YUNQI).exit_code == 0
    assert_refused_unchanged(cli, team, ["--as", "zhang.wei", "--no-input", "lead", "add", *args],
                             1, needle)  # fmt: skip
    result = add(cli, "zhang.wei", *args)
    assert "li.na" in result.stderr
    assert "撞单" in result.stderr
    assert "customer 1" in result.stderr


def test_own_duplicate_points_to_attach_to(cli: Cli, team: str) -> None:
    assert add(cli, "li.na", *YUNQI).exit_code == 0
    result = add(cli, "li.na", "--company", "杭州 云栖科技", "--source", "website")
    assert_one_line_error(result, 1)
    assert "--attach-to 1" in result.stderr
    attached = add(
        cli,
        "li.na",
        "--attach-to",
        "1",
        "--contact",
        "赵敏",
        "--phone",
        "13900139000",
        "--source",
        "phone",
        "--need",
        "二期扩容",
    )
    assert attached.exit_code == 0, attached.stderr
    rows = query(team, "SELECT customer_id FROM leads ORDER BY id")
    assert rows == [(1,), (1,)]
    assert query(team, "SELECT count(*) FROM contacts WHERE customer_id = 1") == [(2,)]


def test_attach_to_someone_elses_customer_is_refused(cli: Cli, team: str) -> None:
    assert add(cli, "li.na", *YUNQI).exit_code == 0
    assert_refused_unchanged(
        cli,
        team,
        ["--as", "zhang.wei", "--no-input", "lead", "add", "--attach-to", "1", "--source", "web"],
        2,
        "customer",
    )
    assert_refused_unchanged(
        cli,
        team,
        ["--as", "wang.qiang", "--no-input", "lead", "add", "--attach-to", "1",
         "--source", "website"],
        1,
        "not yours",
    )  # fmt: skip


def test_pool_duplicate_asks_for_assignment(cli: Cli, team: str) -> None:
    result = add(cli, "zhou.xin", "--company", "青岛海滨物流有限公司", "--source", "phone")
    assert result.exit_code == 0, result.stderr
    assert "unassigned" in result.stderr
    assert "lead assign" in result.stderr
    refused = add(cli, "li.na", "--company", "青岛海滨物流", "--source", "website")
    assert_one_line_error(refused, 1)
    assert "unassigned pool" in refused.stderr


def test_similar_name_warns_and_still_adds(cli: Cli, team: str) -> None:
    assert add(cli, "li.na", *YUNQI).exit_code == 0
    result = add(cli, "zhang.wei", "--company", "杭州云栖科技发展有限公司", "--source", "website")
    assert result.exit_code == 0, result.stderr
    assert "Similar customer" in result.stderr
    assert "杭州云栖科技有限公司" in result.stderr
    assert result.stdout.strip() == "2"


def test_manager_assigns_within_team_and_may_leave_unassigned(cli: Cli, team: str) -> None:
    done = add(cli, "wang.qiang", "--company", "甲公司", "--source", "website", "--owner", "li.na")
    assert done.exit_code == 0, done.stderr
    pool = add(cli, "wang.qiang", "--company", "乙公司", "--source", "website", "--owner", "-")
    assert pool.exit_code == 0, pool.stderr
    owners = query(team, "SELECT owner_id IS NULL FROM leads ORDER BY id")
    assert owners == [(False,), (True,)]


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        pytest.param(["--as", "li.na", "--source", "website"], 2, "--company", id="li.na-1"),
        pytest.param(
            ["--as", "li.na", "--company", "  ", "--source", "website"],
            2,
            "--company",
            id="li.na-2",
        ),
        pytest.param(["--as", "li.na", "--company", "甲公司"], 2, "--source", id="li.na-3"),
        pytest.param(
            ["--as", "li.na", "--company", "甲公司", "--source", "fax"], 2, "--source", id="li.na-4"
        ),
        pytest.param(
            [
                "--as",
                "li.na",
                "--company",
                "甲",
                "--contact",
                "x",
                "--phone",
                "12345",
                "--source",
                "phone",
            ],
            2,
            "--phone",
            id="li.na-5",
        ),
        pytest.param(
            [
                "--as",
                "li.na",
                "--company",
                "甲",
                "--contact",
                "x",
                "--email",
                "li@",
                "--source",
                "phone",
            ],
            2,
            "--email",
            id="li.na-6",
        ),
        pytest.param(
            ["--as", "li.na", "--company", "甲", "--phone", "13800138000", "--source", "phone"],
            2,
            "--contact",
            id="li.na-7",
        ),
        pytest.param(
            ["--as", "li.na", "--company", "甲", "--province", "火星", "--source", "phone"],
            2,
            "--province",
            id="li.na-8",
        ),
        pytest.param(
            [
                "--as",
                "li.na",
                "--company",
                "甲",
                "--province",
                "浙江",
                "--city",
                "北京",
                "--source",
                "phone",
            ],
            2,
            "--city",
            id="li.na-9",
        ),
        pytest.param(
            ["--as", "li.na", "--company", "甲", "--amount", "-5", "--source", "phone"],
            2,
            "--amount",
            id="li.na-10",
        ),
        pytest.param(
            ["--as", "li.na", "--company", "甲", "--amount", "lots", "--source", "phone"],
            2,
            "--amount",
            id="li.na-11",
        ),
        pytest.param(
            ["--as", "li.na", "--company", "甲", "--notes", "长" * 10_000, "--source", "phone"],
            2,
            "--notes",
            id="li.na-12",
        ),
        pytest.param(
            ["--as", "li.na", "--company", "甲" * 201, "--source", "phone"],
            2,
            "--company",
            id="li.na-13",
        ),
        pytest.param(
            ["--as", "li.na", "--company", "甲\x1b[31m", "--source", "phone"],
            2,
            "control",
            id="li.na-14",
        ),
        pytest.param(
            ["--as", "li.na", "--company", "甲", "--source", "referral"],
            2,
            "--referrer",
            id="li.na-15",
        ),
        pytest.param(
            ["--as", "li.na", "--company", "甲", "--employees", "0", "--source", "phone"],
            2,
            "--employees",
            id="li.na-16",
        ),
        pytest.param(
            ["--as", "li.na", "--company", "甲", "--employees", "many", "--source", "phone"],
            2,
            "--employees",
            id="li.na-17",
        ),
        pytest.param(
            ["--as", "li.na", "--company", "甲", "--founded-year", "3000", "--source", "phone"],
            2,
            "--founded-year",
            id="li.na-18",
        ),
        pytest.param(
            ["--as", "li.na", "--company", "甲", "--source", "phone", "--owner", "zhang.wei"],
            1,
            "cannot give",
            id="li.na-19",
        ),
        pytest.param(
            ["--as", "li.na", "--company", "甲", "--source", "phone", "--owner", "-"],
            1,
            "unassigned",
            id="li.na-20",
        ),
        pytest.param(
            ["--as", "li.na", "--company", "甲", "--source", "phone", "--owner", "ghost"],
            2,
            "--owner",
            id="li.na-21",
        ),
        pytest.param(
            ["--as", "wang.qiang", "--company", "甲", "--source", "phone", "--owner", "liu.yang"],
            1,
            "cannot give",
            id="wang.qiang-22",
        ),
        pytest.param(
            ["--as", "wang.qiang", "--company", "甲", "--source", "phone", "--owner", "sun.li"],
            2,
            "cannot own",
            id="wang.qiang-23",
        ),
        pytest.param(
            ["--as", "sun.li", "--company", "甲", "--source", "phone"],
            1,
            "does not capture",
            id="sun.li-24",
        ),
        pytest.param(
            ["--as", "li.na", "--attach-to", "99", "--source", "phone"],
            2,
            "--attach-to",
            id="li.na-25",
        ),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    cli: Cli, team: str, args: list[str], code: int, needle: str
) -> None:
    command = ["--no-input", *args[:2], "lead", "add", *args[2:]]
    assert_refused_unchanged(cli, team, command, code, needle)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_wizard_in_a_terminal(cli: Cli, team: str) -> None:
    """Drive the questionary wizard for real: a duplicate is caught as soon as it is typed."""
    import pexpect

    assert add(cli, "li.na", *YUNQI).exit_code == 0
    child = pexpect.spawn(
        sys.executable,
        ["-m", "salesflow", "--as", "wang.qiang", "lead", "add"],
        env=dict(os.environ),
        encoding="utf-8",
        dimensions=(40, 160),
    )
    answers = [
        ("Company name", "杭州云栖科技"),
    ]
    child.expect("Company name", timeout=60)
    child.send("杭州云栖科技\r")
    child.expect("li.na", timeout=30)  # the duplicate, named with its owner
    child.send("\x7f" * 6 + "苏州星河精密机械有限公司\r")
    for prompt, answer in [
        ("Contact person", "周建国"),
        ("Their title", "采购经理"),
        ("Phone", "138 1234 5679"),
        ("Email", "zhou@xinghe.cn"),
        ("WeChat", ""),
        ("Province", "江苏"),
        ("City", "苏州"),
        ("County", ""),
        ("Industry", "装备制造"),
        ("Employees", "350"),
        ("Year founded", "2009"),
    ]:
        child.expect(prompt, timeout=30)
        child.send(answer + "\r")
        answers.append((prompt, answer))
    child.expect("Source channel", timeout=30)
    child.send("\x1b[B\r")  # arrow down: phone inquiry
    child.expect("need", timeout=30)
    child.send("数控机床改造\r")
    child.expect("Estimated amount", timeout=30)
    child.send("-5\r")
    child.expect("negative", timeout=30)
    child.send("\x7f\x7f45万\r")
    child.expect("Notes", timeout=30)
    child.send("\r")
    child.expect("Owner", timeout=30)
    child.send("\x1b[A\r")  # arrow up from wang.qiang: li.na
    child.expect(pexpect.EOF, timeout=60)
    child.close()
    assert child.exitstatus == 0, child.before
    rows = query(
        team,
        "SELECT c.name, c.province, c.city, l.source, l.amount_fen, u.username FROM leads l"
        " JOIN customers c ON c.id = l.customer_id JOIN users u ON u.id = l.owner_id"
        " WHERE l.id = 2",
    )
    assert rows == [("苏州星河精密机械有限公司", "江苏省", "苏州市", "phone", 45_000_000, "li.na")]


def test_csv_and_markdown_output_describe_the_new_lead(cli: Cli, team: str) -> None:
    result = add(cli, "li.na", "--company", "温州瓯江阀门有限公司", "--source", "来电", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert header.startswith("id,customer_id,company,owner,source,stage")
    assert ",温州瓯江阀门有限公司,li.na,phone,new," in row
    shown = add(cli, "li.na", "--company", "乙公司", "--source", "名录", "-f", "markdown")
    assert "| Source" in shown.stdout
    assert "Purchased or shared list" in shown.stdout


def test_edit_refuses_a_value_and_clear_together(cli: Cli, team: str) -> None:
    assert add(cli, "li.na", *YUNQI).exit_code == 0
    assert_refused_unchanged(
        cli,
        team,
        ["--as", "li.na", "lead", "edit", "1", "--clear", "email", "--email", "a@b.cn"],
        2,
        "--email",
    )
