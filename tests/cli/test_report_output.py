"""Report documents (report_output.py) in each format: JSON parses with exact yuan, CSV
parses into one section per block, Markdown tables, and the terminal table with Chinese
labels whose columns and bars line up (measured in terminal cells)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from rich.cells import cell_len

from salesflow.cli.output import OutputFormat
from salesflow.cli.report_output import (
    BAR,
    COUNT,
    DAY,
    MONEY,
    PERCENT,
    TEXT,
    Bar,
    ChartBlock,
    CompareBlock,
    Field,
    FiguresBlock,
    Measure,
    ReportDocument,
    TableBlock,
    bar_length,
    labelled,
    render_document,
)
from salesflow.workflow.glossary import STAGES


@pytest.fixture(autouse=True)
def no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


def figures() -> FiguresBlock:
    return FiguresBlock(
        "figures",
        "今日概况",
        [
            (Field("new_leads", "新线索", COUNT), 3),
            (Field("signed", "签约金额", MONEY), 1_234_567_89),
            (Field("rate", "赢单率", PERCENT), Decimal("12.5")),
            (Field("none", "空", MONEY), None),
        ],
    )


def compare() -> CompareBlock:
    return CompareBlock(
        "compare",
        "本周对比",
        "本周",
        "上周",
        [
            Measure("contacts", "联系次数", COUNT, 12, 20),
            Measure("signed", "签约", MONEY, 50_000_00, 20_000_00, 200_000_00, Decimal("25.0")),
            Measure("same", "持平", COUNT, 5, 5),
        ],
    )


def table(more: int = 0) -> TableBlock:
    return TableBlock(
        "people",
        "人员明细",
        [
            Field("user", "销售", TEXT),
            Field("stage", "阶段", labelled(STAGES)),
            Field("amount", "金额", MONEY),
            Field("day", "日期", DAY),
            Field("count", "次数", COUNT),
        ],
        [
            {
                "user": "李娜",
                "stage": "won",
                "amount": 100_00,
                "day": date(2026, 11, 18),
                "count": 7,
            },
            {
                "user": "zhang.wei",
                "stage": "negotiation",
                "amount": 12_345_678_90,
                "day": None,
                "count": 0,
            },
            {
                "user": "欧阳娜娜",
                "stage": "new",
                "amount": None,
                "day": date(2026, 1, 2),
                "count": 12,
            },
        ],
        total={"amount": 12_345_778_90, "count": 19},
        more=more,
    )


def chart() -> ChartBlock:
    return ChartBlock(
        "chart",
        "签约金额",
        [Bar("li.na", "李娜", 300_00), Bar("zhang.wei", "zhang.wei", 100_00),
         Bar("ouyang", "欧阳娜娜", 0), Bar("x", "新线索（官网）", 150_00)],
        MONEY,
    )  # fmt: skip


def document(*blocks: object, more: int = 0) -> ReportDocument:
    chosen = blocks or (figures(), compare(), table(more), chart())
    return ReportDocument(
        report="daily",
        title="日报 2026-11-18",
        meta={"period": {"kind": "day", "key": "2026-11-18"}},
        subtitle="李娜 (li.na)",
        blocks=chosen,  # type: ignore[arg-type]
    )


def rendered(capsys: pytest.CaptureFixture[str], doc: ReportDocument, fmt: OutputFormat) -> str:
    capsys.readouterr()
    render_document(doc, fmt)
    out, err = capsys.readouterr()
    assert err == ""
    return out


def test_json_parses_with_exact_values(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(rendered(capsys, document(more=4), OutputFormat.json))
    assert data["report"] == "daily"
    assert data["period"] == {"kind": "day", "key": "2026-11-18"}
    sections = data["sections"]
    assert list(sections) == ["figures", "compare", "people", "chart"]
    assert sections["figures"] == {
        "new_leads": 3,
        "signed": "1234567.89",
        "rate": 12.5,
        "none": None,
    }
    assert sections["compare"]["contacts"] == {
        "current": 12,
        "previous": 20,
        "change": -8,
        "target": None,
        "attainment_pct": None,
    }
    assert sections["compare"]["signed"] == {
        "current": "50000.00",
        "previous": "20000.00",
        "change": "30000.00",
        "target": "200000.00",
        "attainment_pct": 25.0,
    }
    people = sections["people"]
    assert people["rows"][0] == {
        "user": "李娜",
        "stage": "won",
        "amount": "100.00",
        "day": "2026-11-18",
        "count": 7,
    }
    assert people["rows"][1]["amount"] == "12345678.90"
    assert people["rows"][1]["day"] is None
    assert people["rows"][2]["amount"] is None
    assert people["total"] == {"amount": "12345778.90", "count": 19}
    assert people["more"] == 4
    assert sections["chart"] == [
        {"key": "li.na", "value": "300.00"},
        {"key": "zhang.wei", "value": "100.00"},
        {"key": "ouyang", "value": "0.00"},
        {"key": "x", "value": "150.00"},
    ]


def test_json_is_language_neutral_without_the_title(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(rendered(capsys, document(), OutputFormat.json))
    assert "title" not in data
    assert data["report"] == "daily"


def test_csv_parses_into_sections(capsys: pytest.CaptureFixture[str]) -> None:
    text = rendered(capsys, document(), OutputFormat.csv)
    parts = text.split("\n\n")
    assert len(parts) == 4
    tables = [list(csv.reader(io.StringIO(part))) for part in parts]
    for rows, key in zip(tables, ["figures", "compare", "people", "chart"], strict=True):
        assert rows[0][0] == "section"
        assert all(row[0] == key for row in rows[1:])
        assert all(len(row) == len(rows[0]) for row in rows)
    figures_rows, compare_rows, people_rows, chart_rows = tables
    assert figures_rows[0] == ["section", "key", "value"]
    assert figures_rows[1:] == [
        ["figures", "new_leads", "3"],
        ["figures", "signed", "1234567.89"],
        ["figures", "rate", "12.5"],
        ["figures", "none", ""],
    ]
    assert compare_rows[0] == [
        "section", "key", "current", "previous", "change", "target", "attainment_pct"
    ]  # fmt: skip
    assert compare_rows[2] == ["compare", "signed", "50000.00", "20000.00", "30000.00",
                               "200000.00", "25.0"]  # fmt: skip
    assert people_rows[0] == ["section", "user", "stage", "amount", "day", "count"]
    assert people_rows[1] == ["people", "李娜", "won", "100.00", "2026-11-18", "7"]
    assert people_rows[-1] == ["people", "total", "", "12345778.90", "", "19"]
    assert chart_rows[1] == ["chart", "li.na", "300.00"]


def test_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    text = rendered(capsys, document(more=2), OutputFormat.markdown)
    lines = text.splitlines()
    assert lines[0] == "# 日报 2026-11-18"
    assert "李娜 (li.na)" in lines
    for title in ("## 今日概况", "## 本周对比", "## 人员明细", "## 签约金额"):
        assert title in lines
    assert "- 签约金额: ¥1,234,567.89" in lines
    assert "- 赢单率: 12.5%" in lines
    assert "- 空: —" in lines
    # Pipe tables whose columns line up in cells, wide characters included.
    pipes = [line for line in lines if line.startswith("|")]
    assert pipes
    block: list[str] = []
    for line in [*lines, ""]:
        if line.startswith("|"):
            block.append(line)
            continue
        if block:
            widths = {cell_len(row) for row in block}
            assert len(widths) == 1, block
            block = []
    assert any("| 联系次数" in line and "-8" in line for line in lines)
    assert any("| Won " in line and "¥100.00" in line for line in lines)  # label, not code
    assert any(line.startswith("| Total") and "¥12,345,778.90" in line for line in lines)
    assert "… and 2 more" in lines


def _table_lines(text: str, title: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(title) + 1
    end = next(i for i in range(start, len(lines)) if not lines[i])
    # The rule above a totals row is a line of spaces; it is not a row.
    return [line for line in lines[start:end] if line.strip()]


def test_terminal_table_with_chinese_labels_lines_up(capsys: pytest.CaptureFixture[str]) -> None:
    text = rendered(capsys, document(more=3), OutputFormat.table)
    lines = text.splitlines()
    assert lines[0] == "日报 2026-11-18"
    assert lines[1] == "李娜 (li.na)"
    assert "\x1b" not in text

    people = _table_lines(text, "人员明细")
    header, rule, *rows = people
    assert set(rule.strip()) == {"─"}
    # Right-aligned money: every amount ends in the same cell column.
    money_ends = {cell_len(row[: row.index(".", row.index("¥")) + 3]) for row in rows if "¥" in row}
    assert len(money_ends) == 1, rows
    # The stage column starts in the same cell column on every row.
    starts = set()
    for row, label in zip(rows, ["Won", "Quote and negotiation", "New"], strict=False):
        starts.add(cell_len(row[: row.index(label)]))
    assert len(starts) == 1, rows
    assert "阶段" in header
    assert any("Total" in row and "¥12,345,778.90" in row and "19" in row for row in rows)
    assert "  … and 3 more" in lines

    compare_rows = _table_lines(text, "本周对比")
    contacts = next(row for row in compare_rows if "联系次数" in row)
    signed = next(row for row in compare_rows if row.lstrip().startswith("签约"))
    same = next(row for row in compare_rows if "持平" in row)
    assert "-8" in contacts.split()
    assert "+¥30,000.00" in signed.split()
    assert "25.0%" in signed.split()
    assert "0" in same.split()
    assert "+0" not in same
    assert "-0" not in same
    assert "—" in contacts.split()  # no target


def test_terminal_bars_line_up(capsys: pytest.CaptureFixture[str]) -> None:
    text = rendered(capsys, document(chart()), OutputFormat.table)
    lines = _table_lines(text, "签约金额")
    assert len(lines) == 4
    # Every bar starts in the same cell column, and every value ends in the same one.
    bar_starts = {cell_len(line[: line.index(BAR)]) for line in lines if BAR in line}
    assert len(bar_starts) == 1, lines
    assert len({cell_len(line.rstrip()) for line in lines}) == 1, lines
    counts = [line.count(BAR) for line in lines]
    assert counts == [40, bar_length(100_00, 300_00, 40), 0, 20]
    assert counts[1] == 13  # 40 / 3 = 13.3 -> 13
    assert lines[0].rstrip().endswith("¥300.00")
    assert lines[2].rstrip().endswith("¥0.00")


def test_bar_length() -> None:
    assert bar_length(0, 10, 40) == 0
    assert bar_length(-5, 10, 40) == 0
    assert bar_length(10, 0, 40) == 0
    assert bar_length(1, 1000, 40) == 1  # a tiny value still shows
    assert bar_length(1000, 1000, 40) == 40
    assert bar_length(1, 80, 40) == 1  # 0.5 -> 1 (half-up)
    assert bar_length(3, 80, 40) == 2  # 1.5 -> 2


def test_empty_blocks(capsys: pytest.CaptureFixture[str]) -> None:
    empty_table = TableBlock("rows", "明细", [Field("a", "A")], [], empty="今天没有记录。")
    empty_chart = ChartBlock("bars", "图", [])
    doc = document(empty_table, empty_chart)
    assert "今天没有记录。" in rendered(capsys, doc, OutputFormat.table)
    markdown = rendered(capsys, doc, OutputFormat.markdown)
    assert "今天没有记录。" in markdown
    assert "None." in markdown
    data = json.loads(rendered(capsys, doc, OutputFormat.json))
    assert data["sections"] == {"rows": {"rows": [], "more": 0}, "bars": []}
    text = rendered(capsys, doc, OutputFormat.csv)
    assert text == "section,a\n\nsection,key,value\n"


def test_brackets_in_data_are_not_markup(capsys: pytest.CaptureFixture[str]) -> None:
    block = TableBlock("rows", "明细", [Field("a", "A")], [{"a": "[bold]x[/bold] [red]"}])
    assert "[bold]x[/bold] [red]" in rendered(capsys, document(block), OutputFormat.table)
