"""Reading lead files: encodings, header detection, --map, .xlsx cells and ragged rows."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from salesflow.workflow.errors import InputError
from salesflow.workflow.lead_files import (
    LeadTable,
    SourceRow,
    cell_text,
    header_key,
    open_lead_file,
    parse_map,
    table_from_rows,
)

CHINESE = (
    "公司名称,联系人,手机,邮箱,省份,线索来源\n"
    "杭州云栖科技有限公司,张伟,13800138000,zw@yunqi.cn,浙江,展会\n"
)


def rows_of(table: LeadTable) -> list[SourceRow]:
    with table:
        return list(table.rows)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8"), ("gb18030", "gb18030"), ("gbk", "gb18030")],
)
def test_encodings_are_detected(tmp_path: Path, encoding: str, expected: str) -> None:
    table = open_lead_file(write(tmp_path / "leads.csv", CHINESE, encoding))
    assert table.encoding == expected
    assert table.headers[0] == "公司名称"  # no byte-order mark left on the first header
    (row,) = rows_of(table)
    assert table.values(row)["company"] == "杭州云栖科技有限公司"
    assert table.values(row)["contact"] == "张伟"


def test_a_file_in_neither_encoding_is_refused_naming_the_row(tmp_path: Path) -> None:
    path = write(tmp_path / "latin1.csv", "company,contact\nCafé Müller,José\n", "latin-1")
    with pytest.raises(InputError) as caught:
        open_lead_file(path)
    assert "neither UTF-8 nor GB18030" in caught.value.message
    assert "row 2" in caught.value.message
    assert caught.value.hint is not None
    assert "UTF-8" in caught.value.hint


def test_garbage_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(b"company\n\xff\xfe\x80\x81\x00\xff\n")
    with pytest.raises(InputError, match="neither UTF-8 nor GB18030"):
        open_lead_file(path)


def test_utf16_is_refused_with_how_to_save_it(tmp_path: Path) -> None:
    path = write(tmp_path / "excel.csv", "company\nACME\n", "utf-16")
    with pytest.raises(InputError) as caught:
        open_lead_file(path)
    assert "UTF-16" in caught.value.message
    assert "CSV UTF-8" in (caught.value.hint or "")


def test_chinese_headers_map_to_fields() -> None:
    headers = [
        "客户名称",
        "姓名",
        "职位",
        "联系电话",
        "电子邮件",
        "微信",
        "省",
        "城市",
        "县区",
        "行业",
        "人数",
        "成立年份",
        "渠道",
        "介绍人",
        "需求",
        "预计金额(元)",
        "备注",
        "归属人",
        "销售阶段",
        "创建日期",
        "成交日期",
        "丢单原因",
        "竞争对手",
        "外部编号",
        "预计成交日期",
    ]
    table = table_from_rows("x.csv", headers, [])
    assert [headers[i] for i in table.columns.values()] == headers
    assert list(table.columns) == [
        "company",
        "contact",
        "title",
        "phone",
        "email",
        "wechat",
        "province",
        "city",
        "county",
        "industry",
        "employees",
        "founded_year",
        "source",
        "referrer",
        "need",
        "amount",
        "notes",
        "owner",
        "stage",
        "created_at",
        "closed_at",
        "lost_reason",
        "competitor",
        "external_ref",
        "expected_close",
    ]
    assert table.ignored == []


def test_english_and_canonical_headers_map_to_fields() -> None:
    headers = [
        "Company",
        "Contact Name",
        "Mobile",
        "E-mail",
        "Owner",
        "Stage",
        "Created",
        "Closed",
        "founded_year",
        "Lead Source",
        "created_at",
    ]
    table = table_from_rows("x.csv", headers, [])
    assert table.columns == {
        "company": 0,
        "contact": 1,
        "phone": 2,
        "email": 3,
        "owner": 4,
        "stage": 5,
        "created_at": 10,
        "closed_at": 7,
        "founded_year": 8,
        "source": 9,
    }
    # Two columns for one field: the field's own name wins; the other is ignored, not merged.
    assert table.ignored == ["Created"]


def test_an_exported_lead_id_does_not_take_the_external_ref_column() -> None:
    table = table_from_rows("x.csv", ["lead_id", "company", "external_ref"], [])
    assert table.columns == {"company": 1, "external_ref": 2}
    assert table.ignored == ["lead_id"]
    crm = table_from_rows("x.csv", ["Lead ID", "Company"], [])
    assert crm.columns == {"external_ref": 0, "company": 1}


def test_header_matching_ignores_case_width_spaces_and_marks() -> None:
    assert header_key(" *Company Name ") == header_key("company_name") == "companyname"
    assert header_key("ＥＭＡＩＬ") == "email"
    assert header_key("预计金额（元）") == header_key("预计金额")


def test_unknown_columns_are_listed_as_ignored() -> None:
    table = table_from_rows("x.csv", ["公司名称", "客户等级", "", "Fax"], [])
    assert table.ignored == ["客户等级", "Fax"]


def test_map_names_columns_and_can_ignore_one() -> None:
    table = table_from_rows(
        "x.csv",
        ["客户全称", "手机号码", "电话", "备注"],
        [],
        mapping="客户全称=company，电话=phone, 手机号码=-",
    )
    assert table.columns == {"company": 0, "phone": 2, "notes": 3}
    assert table.ignored == ["手机号码"]


def test_map_overrides_a_detected_column() -> None:
    table = table_from_rows("x.csv", ["公司名称", "单位名称"], [], mapping="单位名称=company")
    assert table.columns == {"company": 1}
    assert table.ignored == ["公司名称"]


@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ("公司名称", "is not COLUMN=FIELD"),
        ("公司名称=firm", "'firm' in --map is not a lead field"),
        ("客户全称=company", "does not have: 客户全称"),
    ],
)
def test_bad_map_is_refused(spec: str, needle: str) -> None:
    with pytest.raises(InputError) as caught:
        table_from_rows("x.csv", ["公司名称", "手机"], [], mapping=spec)
    assert needle in caught.value.message


def test_map_parses_field_names_loosely() -> None:
    assert parse_map("Founded=founded-year, X = ignore") == {
        "founded": "founded_year",
        "x": "-",
    }


def test_a_header_without_company_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        table_from_rows("x.csv", ["联系人", "手机"], [])
    assert "no company column" in caught.value.message
    assert "--map" in (caught.value.hint or "")


def test_ragged_rows_are_invalid_rows_numbered_as_in_a_spreadsheet(tmp_path: Path) -> None:
    text = (
        "公司名称,联系人,手机\n"
        "甲公司,张伟,13800138000\n"
        "乙公司,李娜\n"
        "\n"
        "丙公司,王强,13900139000,extra\n"
        "丁公司,赵敏,13700137000,,\n"
    )
    rows = rows_of(open_lead_file(write(tmp_path / "ragged.csv", text)))
    assert [(r.number, r.problem is None) for r in rows] == [
        (2, True),
        (3, False),
        (5, False),
        (6, True),  # trailing empty cells are not ragged
    ]
    assert rows[1].problem is not None
    assert "2 cells where the header has 3" in rows[1].problem
    assert "4 cells" in (rows[2].problem or "")


def test_a_quoted_cell_over_several_lines_is_one_row(tmp_path: Path) -> None:
    text = '公司名称,备注\n甲公司,"第一行\n第二行"\n乙公司,好\n'
    rows = rows_of(open_lead_file(write(tmp_path / "multi.csv", text)))
    assert [r.number for r in rows] == [2, 3]
    assert rows[0].cells[1] == "第一行\n第二行"


def test_tab_and_semicolon_files_are_read(tmp_path: Path) -> None:
    for name, sep in (("tab.csv", "\t"), ("semi.csv", ";")):
        text = sep.join(["company", "phone"]) + "\n" + sep.join(["ACME, Inc.", "1"]) + "\n"
        (row,) = rows_of(open_lead_file(write(tmp_path / name, text)))
        assert row.cells == ("ACME, Inc.", "1")


def test_an_escaped_formula_cell_reads_back_without_its_apostrophe(tmp_path: Path) -> None:
    text = "company,notes\n'=cmd|' /C calc'!A0,'-2\nO'Brien Ltd,'quoted'\n"
    rows = rows_of(open_lead_file(write(tmp_path / "escaped.csv", text)))
    assert rows[0].cells == ("=cmd|' /C calc'!A0", "-2")
    assert rows[1].cells == ("O'Brien Ltd", "'quoted'")


def test_xlsx_cells_become_the_text_people_typed(tmp_path: Path) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["公司名称", "手机", "员工数", "创建时间", "预计金额", "备注"])
    sheet.append(["杭州云栖科技", 13800138000.0, 120, datetime(2024, 3, 1), 12345.5, None])
    sheet.append(["上海华信", 13900139000, 45.0, datetime(2024, 3, 2, 9, 30), 1e16, "好"])
    workbook.create_sheet("second").append(["ignored"])
    path = tmp_path / "leads.xlsx"
    workbook.save(path)
    table = open_lead_file(path)
    rows = rows_of(table)
    assert [table.values(r) for r in rows] == [
        {
            "company": "杭州云栖科技",
            "phone": "13800138000",
            "employees": "120",
            "created_at": "2024-03-01",
            "amount": "12345.5",
            "notes": None,
        },
        {
            "company": "上海华信",
            "phone": "13900139000",
            "employees": "45",
            "created_at": "2024-03-02 09:30:00",
            "amount": "10000000000000000",
            "notes": "好",
        },
    ]
    assert [r.number for r in rows] == [2, 3]
    assert all(r.problem is None for r in rows)


def test_xlsx_value_beyond_the_header_is_ragged(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["公司名称", "手机"])
    sheet.append(["甲公司"])
    sheet.append(["乙公司", "13800138000", "stray"])
    path = tmp_path / "ragged.xlsx"
    workbook.save(path)
    rows = rows_of(open_lead_file(path))
    assert rows[0].problem is None  # a short row in a workbook is empty cells
    assert rows[1].problem is not None


def test_cell_text() -> None:
    assert cell_text(None) is None
    assert cell_text(True) == "true"
    assert cell_text(date(2026, 1, 2)) == "2026-01-02"
    assert cell_text(13800138000.0) == "13800138000"
    assert cell_text(0.1) == "0.1"
    assert cell_text(-3.0) == "-3"


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0", "reads .csv and .xlsx"),
        ("notes.txt", b"company\n", "reads .csv and .xlsx"),
        ("broken.xlsx", b"company\nACME\n", "cannot be read as an Excel workbook"),
        ("empty.csv", b"\n\n", "empty"),
    ],
)
def test_unreadable_files_are_refused(
    tmp_path: Path, name: str, content: bytes, needle: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=needle):
        open_lead_file(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="There is no file"):
        open_lead_file(tmp_path / "nope.csv")


def test_a_bad_byte_is_found_on_its_row_with_old_mac_line_ends(tmp_path: Path) -> None:
    # Old Mac Excel saves "CSV (Macintosh)": lone carriage returns, a one-byte encoding.
    path = tmp_path / "mac.csv"
    path.write_bytes(b"company,contact\rCaf\xba x,y\r")
    with pytest.raises(InputError) as caught:
        open_lead_file(path)
    assert "byte 0xBA on row 2" in caught.value.message
    quoted = tmp_path / "quoted.csv"
    quoted.write_bytes(b'company,notes\n"A","two\nlines"\nB,\xba x\n')
    with pytest.raises(InputError) as caught:
        open_lead_file(quoted)
    assert "on row 3" in caught.value.message


def test_other_crms_headers_map_to_fields() -> None:
    headers = [
        "Account Name",
        "Lead Source",
        "Close Date",
        "Created Date",
        "流失原因",
        "Closed Date",
        "Date Closed",
        "Create Date",
        "输单原因",
        "成交日期",
        "关闭日期",
    ]
    table = table_from_rows("crm.csv", headers, [])
    assert table.columns == {
        "company": 0,
        "source": 1,
        "closed_at": 2,
        "created_at": 3,
        "lost_reason": 4,
    }
    for header, name in (
        ("Closed Date", "closed_at"),
        ("Date Closed", "closed_at"),
        ("Create Date", "created_at"),
        ("输单原因", "lost_reason"),
        ("成交日期", "closed_at"),
        ("关闭日期", "closed_at"),
    ):
        assert table_from_rows("x.csv", ["company", header], []).columns[name] == 1


def test_a_formula_cell_without_a_computed_value_is_marked(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["company", "amount", "notes"])
    sheet.append(["A", "=1+1", "=B2"])
    sheet.append(["B", 5, "x"])
    workbook.save(tmp_path / "f.xlsx")
    with open_lead_file(tmp_path / "f.xlsx") as table:
        rows = list(table.rows)
    assert [(r.number, r.cells, r.formula_columns) for r in rows] == [
        (2, ("A", None, None), (1, 2)),
        (3, ("B", "5", "x"), ()),
    ]
