"""Pure rules of the price list: SKU keys, tax rates, names, and reading price files."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesflow.workflow.errors import InputError
from salesflow.workflow.products import (
    check_price_rows,
    clean_sku,
    format_tax_rate,
    parse_active,
    parse_price,
    parse_tax_rate,
    price_file_from_rows,
    read_price_file,
    sku_key,
)


def test_sku_key_ignores_case_width_and_spaces() -> None:
    assert (
        sku_key("ERP-STD")
        == sku_key("erp-std")
        == sku_key("ＥＲＰ－ＳＴＤ")
        == sku_key("ERP - STD")
    )
    assert sku_key("Straße") == sku_key("STRASSE")
    assert sku_key("ERP-1") != sku_key("ERP-2")


@pytest.mark.parametrize(
    ("text", "bp"),
    [
        ("13%", 1300),
        ("13", 1300),
        ("6%", 600),
        ("0%", 0),
        ("0", 0),
        ("9.5%", 950),
        ("０.５％", 50),
        ("0.13%", 13),
        ("100%", 10000),
        (" 6 % ", 600),
        ("1", 100),
    ],
)
def test_tax_rates_are_percentages(text: str, bp: int) -> None:
    assert parse_tax_rate(text) == bp


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("0.13", "ambiguous"),
        ("101%", "between 0% and 100%"),
        ("-1%", "between 0% and 100%"),
        ("abc", "not a tax rate"),
        ("13.125%", "more than two decimals"),
        ("", "empty"),
        ("1e2", "not a tax rate"),
        ("nan", "not a tax rate"),
    ],
)
def test_bad_tax_rates_are_refused(text: str, needle: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_tax_rate(text, field="--tax-rate")
    assert needle in caught.value.message
    assert "--tax-rate" in caught.value.message


def test_tax_rates_format_back() -> None:
    assert [format_tax_rate(bp) for bp in (1300, 600, 0, 950, 13, 10000)] == [
        "13%",
        "6%",
        "0%",
        "9.5%",
        "0.13%",
        "100%",
    ]
    for bp in range(0, 10001, 7):
        assert parse_tax_rate(format_tax_rate(bp)) == bp


def test_prices_and_skus() -> None:
    assert parse_price("1.28万") == 12_800_00
    assert parse_price("0") == 0
    with pytest.raises(InputError, match="negative"):
        parse_price("-5")
    with pytest.raises(InputError, match="not an amount"):
        parse_price("cheap")
    assert clean_sku("  ERP-STD ") == "ERP-STD"
    for bad in ("", "   ", "A\tB", "X" * 65):
        with pytest.raises(InputError):
            clean_sku(bad)
    assert parse_active("是") is True
    assert parse_active("停用") is False
    assert parse_active("") is None
    with pytest.raises(InputError, match="yes or no"):
        parse_active("maybe")


def test_chinese_headers_and_row_numbers() -> None:
    table = price_file_from_rows(
        "p.csv",
        ["编码", "产品名称", "单位", "单价(元)", "税率", "分类", "启用", "备注"],
        [
            ["A-1", "产品一", "套", "100", "13%", "software", "是", "x"],
            ["", "", "", "", "", "", "", ""],
            ["B-1", "产品二", "台", "abc", "", "", "", ""],
        ],
    )
    assert table.ignored == ["备注"]
    assert [n for n, _cells in table.rows] == [2, 4]
    with pytest.raises(InputError) as caught:
        check_price_rows(table)
    assert "row 4" in caught.value.message
    assert "column 单价(元)" in caught.value.message


def test_duplicate_skus_in_a_file_name_both_rows() -> None:
    table = price_file_from_rows(
        "p.csv",
        ["sku", "name", "unit", "price"],
        [["a-1", "x", "套", "1"], ["A-1", "y", "套", "2"]],
    )
    with pytest.raises(InputError) as caught:
        check_price_rows(table)
    assert "row 3" in caught.value.message
    assert "row 2" in caught.value.message


def test_a_file_without_a_price_column_is_refused() -> None:
    with pytest.raises(InputError, match="price"):
        price_file_from_rows("p.csv", ["sku", "name", "unit"], [])


def test_gb18030_csv_and_xlsx_are_read(tmp_path: Path) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    gbk = tmp_path / "prices.csv"
    gbk.write_bytes("货号,名称,单位,价格\nA-1,企业邮箱,年,150\n".encode("gb18030"))
    (row,) = check_price_rows(read_price_file(gbk))
    assert (row.sku, row.name, row.unit, row.list_price_fen) == ("A-1", "企业邮箱", "年", 15000)
    book = Workbook()
    sheet = book.active
    sheet.append(["SKU", "Name", "Unit", "List price", "Tax rate"])
    sheet.append(["B-2", "Server", "台", 42000.5, "13%"])
    path = tmp_path / "prices.xlsx"
    book.save(path)
    (row,) = check_price_rows(read_price_file(path))
    assert (row.sku, row.list_price_fen, row.tax_rate_bp) == ("B-2", 42000_50, 1300)


def test_a_full_width_sku_is_stored_half_width_with_its_case() -> None:
    assert clean_sku(" ＨＲ－０１ ") == "HR-01"
    assert clean_sku("erp-Std") == "erp-Std"
