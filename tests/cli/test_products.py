"""product add | list | show | edit | import: the price list, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.cells import cell_len
from sqlalchemy import create_engine
from sqlmodel import Session, col, select

from salesflow.store.models import AuditEvent, Product
from tests.helpers import Cli, assert_refused_unchanged

ADD = ["--as", "zhao.min", "product", "add"]
ERP = ["--sku", "ERP-STD", "--name", "企业ERP标准版", "--unit", "套", "--price", "128,000"]


def add(cli: Cli, *args: str, who: str = "zhao.min") -> int:
    result = cli("--as", who, "product", "add", *args)
    assert result.exit_code == 0, result.stderr
    return int(result.stdout)


def listed(cli: Cli, *args: str) -> list[dict[str, object]]:
    result = cli("--as", "li.na", "product", "list", "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    data: list[dict[str, object]] = json.loads(result.stdout)
    return data


def products(url: str) -> list[Product]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return list(session.exec(select(Product).order_by(col(Product.id))).all())
    finally:
        engine.dispose()


def test_add_list_show(cli: Cli, team: str) -> None:
    first = add(cli, *ERP, "--category", "software")
    second = add(
        cli,
        "--sku",
        "impl-day",
        "--name",
        "Implementation service",
        "--unit",
        "人天",
        "--price",
        "2400.5",
        "--tax-rate",
        "6%",
        "--category",
        "service",
        who="boss",
    )
    assert second == first + 1
    rows = listed(cli)
    assert [r["sku"] for r in rows] == ["ERP-STD", "impl-day"]
    assert rows[0] == {
        "id": first,
        "sku": "ERP-STD",
        "name": "企业ERP标准版",
        "unit": "套",
        "list_price": "128000.00",
        "tax_rate": "13%",
        "category": "software",
        "active": True,
        "created_at": rows[0]["created_at"],
        "updated_at": rows[0]["updated_at"],
    }
    assert rows[1]["list_price"] == "2400.50"
    assert rows[1]["tax_rate"] == "6%"
    # Search by SKU or name, any case; filter by category.
    assert [r["sku"] for r in listed(cli, "--search", "erp")] == ["ERP-STD"]
    assert [r["sku"] for r in listed(cli, "--search", "SERVICE")] == ["impl-day"]
    assert [r["sku"] for r in listed(cli, "--search", "企业")] == ["ERP-STD"]
    assert [r["sku"] for r in listed(cli, "--category", "Service")] == ["impl-day"]
    assert listed(cli, "--search", "100%") == []
    assert len(listed(cli, "--limit", "1")) == 1
    shown = cli("--as", "li.na", "product", "show", "erp-std", "-f", "json")
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["list_price"] == "128000.00"
    table = cli("--as", "li.na", "product", "show", "ERP-STD")
    assert "¥128,000.00" in table.stdout
    csv_out = cli("--as", "li.na", "product", "list", "-f", "csv").stdout.splitlines()
    assert (
        csv_out[0] == "id,sku,name,unit,list_price,tax_rate,category,active,created_at,updated_at"
    )
    assert ",128000.00,13%,software,true," in csv_out[1]


def test_chinese_names_line_up_in_the_table(cli: Cli, team: str) -> None:
    add(cli, *ERP)
    add(cli, "--sku", "NET-AP", "--name", "Wi-Fi 6 access point", "--unit", "个", "--price", "1650")
    result = cli("--as", "li.na", "product", "list")
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "¥" in line]
    assert len(lines) == 2
    # The unit column starts, and the right-aligned price ends, at the same screen cell.
    starts = {cell_len(line[: line.index(unit)]) for line, unit in zip(lines, "套个", strict=True)}
    ends = {cell_len(line[: line.index(".00") + 3]) for line in lines}
    assert len(starts) == 1, result.stdout
    assert len(ends) == 1, result.stdout


def test_markdown_lines_up(cli: Cli, team: str) -> None:
    add(cli, *ERP)
    result = cli("--as", "li.na", "product", "list", "-f", "markdown")
    widths = {cell_len(line) for line in result.stdout.splitlines()}
    assert len(widths) == 1


def test_edit_changes_and_is_audited(cli: Cli, team: str) -> None:
    add(cli, *ERP)
    result = cli(
        "--as",
        "zhao.min",
        "product",
        "edit",
        "erp-std",
        "--price",
        "13万",
        "--tax-rate",
        "6",
        "--inactive",
    )
    assert result.exit_code == 0, result.stderr
    assert "Existing quotes keep" in result.stderr
    (product,) = products(team)
    assert (product.list_price_fen, product.tax_rate_bp, product.active) == (130_000_00, 600, False)
    assert listed(cli) == []
    assert [r["sku"] for r in listed(cli, "--all")] == ["ERP-STD"]
    again = cli("--as", "boss", "product", "edit", "ERP-STD", "--price", "130000")
    assert again.exit_code == 0
    assert "Nothing changed" in again.stderr
    cleared = cli("--as", "boss", "product", "edit", "ERP-STD", "--category", "", "--active")
    assert cleared.exit_code == 0, cleared.stderr
    assert products(team)[0].category is None
    assert products(team)[0].active is True
    engine = create_engine(team)
    try:
        with Session(engine) as session:
            events = session.exec(
                select(AuditEvent).where(AuditEvent.entity == Product.__tablename__)
            ).all()
    finally:
        engine.dispose()
    assert [e.action for e in events] == ["create", "update", "update"]


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        ([*ERP[:-1], "-5"], 2, "negative (--price)"),
        ([*ERP[:-1], "cheap"], 2, "not an amount of money (--price)"),
        ([*ERP, "--tax-rate", "101%"], 2, "between 0% and 100% (--tax-rate)"),
        ([*ERP, "--tax-rate", "abc"], 2, "not a tax rate (--tax-rate)"),
        ([*ERP, "--tax-rate", "0.13"], 2, "ambiguous (--tax-rate)"),
        (["--sku", "X", "--name", " ", "--unit", "套", "--price", "1"], 2, "name is empty"),
        (["--sku", "X", "--name", "x", "--unit", "", "--price", "1"], 2, "unit is empty"),
        (["--sku", "X" * 65, "--name", "x", "--unit", "套", "--price", "1"], 2, "--sku"),
        (["--sku", "X", "--name", "x", "--unit", "套"], 2, "--price"),
        (["--sku", "erp-std", "--name", "x", "--unit", "套", "--price", "1"], 1, "already"),
        (["--sku", "ＥＲＰ－ＳＴＤ", "--name", "x", "--unit", "套", "--price", "1"], 1, "already"),
        (["--sku", " erp - std ", "--name", "x", "--unit", "套", "--price", "1"], 1, "already"),
    ],
)
def test_bad_adds_are_refused(cli: Cli, team: str, args: list[str], code: int, needle: str) -> None:
    add(cli, *ERP)
    assert_refused_unchanged(cli, team, [*ADD, *args], code, needle)


@pytest.mark.parametrize("who", ["li.na", "wang.qiang", "sun.li"])
def test_only_directors_and_admins_change_the_price_list(cli: Cli, team: str, who: str) -> None:
    add(cli, *ERP)
    assert_refused_unchanged(
        cli,
        team,
        ["--as", who, "product", "add", "--sku", "X", *ERP[2:]],
        1,
        "director or an admin",
    )
    assert_refused_unchanged(
        cli, team, ["--as", who, "product", "edit", "ERP-STD", "--price", "1"], 1, "director"
    )
    assert listed(cli)  # everyone reads it


def test_bad_edits_are_refused(cli: Cli, team: str) -> None:
    add(cli, *ERP)
    edit = ["--as", "zhao.min", "product", "edit"]
    assert_refused_unchanged(cli, team, [*edit, "NOPE", "--price", "1"], 2, "Unknown SKU 'NOPE'")
    assert_refused_unchanged(cli, team, [*edit, "ERP-STD", "--price", "-1"], 2, "--price")
    assert_refused_unchanged(cli, team, [*edit, "ERP-STD", "--name", ""], 2, "--name")
    assert_refused_unchanged(cli, team, [*edit, "ERP-STD", "--tax-rate", "13.5.1"], 2, "tax")
    result = cli("--as", "li.na", "product", "show", "NOPE")
    assert result.exit_code == 2
    assert "product list --search" in result.stderr


def test_find_product_refuses_unknown_and_inactive(cli: Cli, team: str) -> None:
    from salesflow.workflow.errors import InputError
    from salesflow.workflow.products import find_product, search_products

    add(cli, *ERP)
    add(cli, "--sku", "OLD", "--name", "Old thing", "--unit", "个", "--price", "1")
    assert cli("--as", "boss", "product", "edit", "old", "--inactive").exit_code == 0
    engine = create_engine(team)
    try:
        with Session(engine) as session:
            assert find_product(session, "erp-std").name == "企业ERP标准版"
            with pytest.raises(InputError, match=r"Unknown SKU 'X-1' \(--sku\)"):
                find_product(session, "X-1", field="--sku")
            with pytest.raises(InputError, match="inactive"):
                find_product(session, "OLD")
            assert [p.sku for p in search_products(session, "o")] == []
            assert [p.sku for p in search_products(session, "o", active_only=False)] == ["OLD"]
            assert [p.sku for p in search_products(session, None)] == ["ERP-STD"]
    finally:
        engine.dispose()


HEADER = "编码,产品名称,单位,单价,税率,类别,启用\n"


def write(tmp_path: Path, text: str, name: str = "prices.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_adds_then_updates(cli: Cli, team: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + 'A-1,企业邮箱,账号/年,150,6%,cloud,是\nB-2,Server,台,"42,000",,hardware,\n'
        "C-3,Old,套,1,13,software,否\n",
    )
    dry = cli("--as", "zhao.min", "product", "import", path, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "3 added" in dry.stderr
    assert products(team) == []
    result = cli("--as", "zhao.min", "product", "import", path)
    assert result.exit_code == 0, result.stderr
    assert "3 added, 0 updated" in result.stderr
    assert result.stdout == ""
    rows = {p.sku: p for p in products(team)}
    assert rows["B-2"].list_price_fen == 42_000_00
    assert rows["B-2"].tax_rate_bp == 1300  # the default
    assert rows["C-3"].active is False
    # Again: refused without --update, naming the row.
    assert_refused_unchanged(cli, team, ["--as", "zhao.min", "product", "import", path], 1, "row 2")
    changed = write(tmp_path, HEADER + "a-1,企业邮箱,账号/年,180,,,\nB-2,Server,台,42000,,,\n")
    result = cli("--as", "boss", "product", "import", changed, "--update")
    assert result.exit_code == 0, result.stderr
    assert "0 added, 1 updated, 1 unchanged" in result.stderr
    rows = {p.sku: p for p in products(team)}
    assert (rows["A-1"].list_price_fen, rows["A-1"].tax_rate_bp) == (180_00, 600)
    assert rows["A-1"].category == "cloud"


def test_import_reads_xlsx_with_english_headers(cli: Cli, team: str, tmp_path: Path) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    sheet.append(["SKU", "Name", "Unit", "List price", "Tax rate", "Category"])
    sheet.append(["SRV-1", "机架式服务器", "台", 42000, "13%", "hardware"])
    sheet.append(["SVC-1", "Implementation", "person-day", 2400.5, "6%", "service"])
    path = tmp_path / "prices.xlsx"
    book.save(path)
    result = cli("--as", "zhao.min", "product", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert [(r["sku"], r["list_price"]) for r in listed(cli)] == [
        ("SRV-1", "42000.00"),
        ("SVC-1", "2400.50"),
    ]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("A-1,x,套,1,,,\nB-2,y,套,-3,,,\n", "row 3: The amount cannot be negative (column 单价)"),
        ("A-1,x,套,1,101%,,\n", "row 2: The tax rate must be between"),
        ("A-1,,套,1,,,\n", "row 2: The product name is empty (column 产品名称)"),
        ("A-1,x,套,1,,,\na-1,y,套,2,,,\n", "row 3: the SKU a-1 is also on row 2"),
        ("A-1,x,套,1,,,maybe\n", "column 启用"),
        ("A-1,x,套,abc,,,\nB-1,x,套,abc,,,\n", "and 1 more row"),
    ],
)
def test_a_bad_import_writes_nothing(
    cli: Cli, team: str, tmp_path: Path, body: str, needle: str
) -> None:
    path = write(tmp_path, HEADER + body)
    assert_refused_unchanged(cli, team, ["--as", "zhao.min", "product", "import", path], 2, needle)


def test_import_refusals_for_people_and_files(cli: Cli, team: str, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "A-1,x,套,1,,,\n")
    assert_refused_unchanged(
        cli, team, ["--as", "li.na", "product", "import", path], 1, "director or an admin"
    )
    no_price = write(tmp_path, "sku,name,unit\nA,b,c\n", "bad.csv")
    assert_refused_unchanged(
        cli, team, ["--as", "boss", "product", "import", no_price], 2, "no price column"
    )
    assert_refused_unchanged(
        cli, team, ["--as", "boss", "product", "import", str(tmp_path / "x.pdf")], 2, ".xlsx"
    )


def test_sample_price_list_is_loaded_with_init_sample(cli: Cli, db_url: str) -> None:
    result = cli("init", "--sample")
    assert result.exit_code == 0, result.stderr
    assert "Added 21 products to the price list." in result.stderr
    rows = listed(cli, "--all", "--limit", "1000")
    assert len(rows) == 21
    assert sum(not r["active"] for r in rows) == 1
    assert {r["tax_rate"] for r in rows} == {"13%", "6%"}
    assert len({r["category"] for r in rows}) >= 2
