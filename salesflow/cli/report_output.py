"""How every report is printed: a document of titled blocks, in four formats.

A report (daily, weekly, monthly, KPI, targets) is built as a :class:`ReportDocument`:
a title, language-neutral facts about it (``meta``: the period, whose report) and blocks:

* :class:`FiguresBlock` — named figures (new leads: 3, quotes sent: ¥12,000.00);
* :class:`CompareBlock` — measures this period against the previous one and the target;
* :class:`TableBlock` — rows with columns, optionally a totals row and "n more";
* :class:`ChartBlock` — a horizontal bar chart (a picture where it reads better).

Each value has a :class:`Kind` that says how it reads for people (¥ with separators,
12.5%, a translated label) and what JSON and CSV carry (yuan strings, plain numbers,
stored codes). Formats:

* table (default): a bold title, then each block as a rich table or bars; wide
  (Chinese) characters are measured in terminal cells so columns line up;
* markdown: ``#`` title, ``##`` per block, figures as a bullet list and tables as pipe
  tables — text to paste into a chat or an email;
* json: one object, ``{"report", ...meta, "sections": {block key: data}}``, language
  neutral: codes, usernames, ISO dates, yuan strings and numbers (no titles or labels);
* csv: one CSV table per block, separated by an empty line, each row starting with the
  block's key in a ``section`` column.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from salesflow.cli.output import OutputFormat, markdown_table, stdout_console
from salesflow.i18n import _, format_date, format_datetime
from salesflow.workflow.glossary import label
from salesflow.workflow.money import format_yuan, yuan_text

NO_VALUE = "—"
BAR = "█"
BAR_WIDTH = 40


# ---------------------------------------------------------------------------------------
# Kinds of value


@dataclass(frozen=True)
class Kind:
    data: Callable[[Any], Any]  # JSON/CSV value (never None in; None stays None)
    people: Callable[[Any], str]  # table/Markdown text (never None in; None reads "—")
    right: bool = False


def _decimal_data(value: Decimal) -> float:
    return float(value)


def _day_data(value: date) -> str:
    return value.isoformat()


def _day_people(value: date) -> str:
    if isinstance(value, datetime):
        return format_datetime(value)
    return format_date(value)


TEXT = Kind(str, str)
COUNT = Kind(int, str, right=True)
MONEY = Kind(yuan_text, format_yuan, right=True)  # integer fen in
PERCENT = Kind(_decimal_data, lambda v: f"{v}%", right=True)  # Decimal percent in
DECIMAL = Kind(_decimal_data, str, right=True)  # Decimal in
DAY = Kind(_day_data, _day_people)  # date or datetime in


def labelled(table: dict[str, tuple[str, str]]) -> Kind:
    """A stored code: the code in JSON/CSV, its translated label for people."""
    return Kind(str, lambda code: label(table, code))


def data_value(kind: Kind, value: Any) -> Any:
    return None if value is None else kind.data(value)


def people_value(kind: Kind, value: Any) -> str:
    return NO_VALUE if value is None else kind.people(value)


# ---------------------------------------------------------------------------------------
# Blocks


@dataclass(frozen=True)
class Field:
    key: str
    header: str
    kind: Kind = TEXT


@dataclass(frozen=True)
class FiguresBlock:
    key: str
    title: str
    items: Sequence[tuple[Field, Any]]


@dataclass(frozen=True)
class Measure:
    """One line of a comparison: this period, the previous one, and the target if any."""

    key: str
    label: str
    kind: Kind
    current: int
    previous: int
    target: int | None = None
    attainment: Decimal | None = None  # current over target, percent


@dataclass(frozen=True)
class CompareBlock:
    key: str
    title: str
    current_header: str
    previous_header: str
    measures: Sequence[Measure]


@dataclass(frozen=True)
class TableBlock:
    key: str
    title: str
    fields: Sequence[Field]
    rows: Sequence[Mapping[str, Any]]
    total: Mapping[str, Any] | None = None
    more: int = 0  # rows left out (the block shows the first ones)
    empty: str | None = None


@dataclass(frozen=True)
class Bar:
    key: str  # code or username (JSON)
    label: str  # what people read
    value: int | Decimal  # fen for money charts, a Decimal for percent charts, else a count


@dataclass(frozen=True)
class ChartBlock:
    key: str
    title: str
    bars: Sequence[Bar]
    kind: Kind = COUNT


Block = FiguresBlock | CompareBlock | TableBlock | ChartBlock


@dataclass(frozen=True)
class ReportDocument:
    report: str  # "daily", "weekly", ...
    title: str
    meta: Mapping[str, Any] = field(default_factory=dict)  # JSON-ready
    subtitle: str | None = None
    blocks: Sequence[Block] = ()


# ---------------------------------------------------------------------------------------
# JSON


def _change(measure: Measure) -> int:
    return measure.current - measure.previous


def block_data(block: Block) -> Any:
    if isinstance(block, FiguresBlock):
        return {f.key: data_value(f.kind, value) for f, value in block.items}
    if isinstance(block, CompareBlock):
        return {
            m.key: {
                "current": data_value(m.kind, m.current),
                "previous": data_value(m.kind, m.previous),
                "change": data_value(m.kind, _change(m)),
                "target": data_value(m.kind, m.target),
                "attainment_pct": data_value(PERCENT, m.attainment),
            }
            for m in block.measures
        }
    if isinstance(block, TableBlock):
        data: dict[str, Any] = {
            "rows": [{f.key: data_value(f.kind, row.get(f.key)) for f in block.fields}
                     for row in block.rows],
        }  # fmt: skip
        if block.total is not None:
            data["total"] = {
                f.key: data_value(f.kind, block.total.get(f.key))
                for f in block.fields
                if f.key in block.total
            }
        data["more"] = block.more
        return data
    return [{"key": bar.key, "value": data_value(block.kind, bar.value)} for bar in block.bars]


def document_data(document: ReportDocument) -> dict[str, Any]:
    return {
        "report": document.report,
        **document.meta,
        "sections": {block.key: block_data(block) for block in document.blocks},
    }


# ---------------------------------------------------------------------------------------
# CSV


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _csv_tables(block: Block) -> tuple[list[str], list[list[Any]]]:
    data = block_data(block)
    if isinstance(block, FiguresBlock):
        return ["key", "value"], [[k, v] for k, v in data.items()]
    if isinstance(block, CompareBlock):
        keys = ["current", "previous", "change", "target", "attainment_pct"]
        return ["key", *keys], [[k, *(v[x] for x in keys)] for k, v in data.items()]
    if isinstance(block, TableBlock):
        keys = [f.key for f in block.fields]
        rows = [[row[k] for k in keys] for row in data["rows"]]
        if "total" in data:
            rows.append([data["total"].get(k, "total" if i == 0 else None)
                         for i, k in enumerate(keys)])  # fmt: skip
        return keys, rows
    return ["key", "value"], [[bar["key"], bar["value"]] for bar in data]


def write_csv(document: ReportDocument) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    for index, block in enumerate(document.blocks):
        if index:
            sys.stdout.write("\n")
        header, rows = _csv_tables(block)
        writer.writerow(["section", *header])
        for row in rows:
            writer.writerow([block.key, *(_csv_cell(v) for v in row)])


# ---------------------------------------------------------------------------------------
# People: the cells of each block


def _signed(kind: Kind, value: int) -> str:
    text = people_value(kind, abs(value))
    if value > 0:
        return "+" + text
    return "-" + text if value < 0 else text


def compare_headers(block: CompareBlock) -> list[tuple[str, bool]]:
    return [
        (_("Measure"), False),
        (block.current_header, True),
        (block.previous_header, True),
        (_("Change"), True),
        (_("Target"), True),
        (_("Attainment"), True),
    ]


def compare_cells(block: CompareBlock) -> list[list[str]]:
    return [
        [
            m.label,
            people_value(m.kind, m.current),
            people_value(m.kind, m.previous),
            _signed(m.kind, _change(m)),
            people_value(m.kind, m.target),
            people_value(PERCENT, m.attainment),
        ]
        for m in block.measures
    ]


def table_cells(block: TableBlock) -> list[list[str]]:
    rows = [[people_value(f.kind, row.get(f.key)) for f in block.fields] for row in block.rows]
    if block.total is not None:
        total = block.total
        cells = [people_value(f.kind, total[f.key]) if f.key in total else "" for f in block.fields]
        cells[0] = _("Total")
        rows.append(cells)
    return rows


def more_text(block: TableBlock) -> str | None:
    if block.more <= 0:
        return None
    return _("… and {count} more").format(count=block.more)


def bar_length(value: int | Decimal, most: int | Decimal, width: int) -> int:
    """Cells of bar for ``value`` out of ``most``: proportional, half-up, at least 1."""
    if value <= 0 or most <= 0:
        return 0
    return int(max(1, min(width, (2 * value * width + most) // (2 * most))))


def chart_scale(block: ChartBlock) -> int | Decimal:
    """What a full bar stands for: the largest value; for percentages at least 100%, so
    25% never fills the chart."""
    most = max((bar.value for bar in block.bars), default=0)
    return max(most, 100) if block.kind is PERCENT else most


def chart_lines(block: ChartBlock, width: int) -> list[tuple[str, str, str]]:
    """(label padded to the widest, bar, value text) per bar; labels padded by cells."""
    from rich.cells import cell_len

    if not block.bars:
        return []
    label_width = max(cell_len(bar.label) for bar in block.bars)
    most = chart_scale(block)
    texts = [people_value(block.kind, bar.value) for bar in block.bars]
    text_width = max(cell_len(t) for t in texts)
    lines = []
    for bar, text in zip(block.bars, texts, strict=True):
        cells = bar_length(bar.value, most, width)
        lines.append(
            (
                bar.label + " " * (label_width - cell_len(bar.label)) + "  ",
                BAR * cells,
                " " * (width - cells) + "  " + " " * (text_width - cell_len(text)) + text,
            )
        )
    return lines


# ---------------------------------------------------------------------------------------
# Markdown


def _markdown_block(block: Block) -> str:
    if isinstance(block, FiguresBlock):
        return "".join(f"- {f.header}: {people_value(f.kind, value)}\n" for f, value in block.items)
    if isinstance(block, CompareBlock):
        headers = [h for h, _right in compare_headers(block)]
        return markdown_table(headers, compare_cells(block))
    if isinstance(block, TableBlock):
        if not block.rows:
            return (block.empty or _("None.")) + "\n"
        text = markdown_table([f.header for f in block.fields], table_cells(block))
        more = more_text(block)
        return text + (f"\n{more}\n" if more else "")
    if not block.bars:
        return _("None.") + "\n"
    most = chart_scale(block)
    rows = [[bar.label, people_value(block.kind, bar.value), BAR * bar_length(bar.value, most, 20)]
            for bar in block.bars]  # fmt: skip
    return markdown_table([_("Item"), _("Value"), ""], rows)


def write_markdown(document: ReportDocument) -> None:
    parts = [f"# {document.title}\n"]
    if document.subtitle:
        parts.append(f"\n{document.subtitle}\n")
    for block in document.blocks:
        parts.append(f"\n## {block.title}\n\n{_markdown_block(block)}")
    sys.stdout.write("".join(parts))


# ---------------------------------------------------------------------------------------
# The terminal


def _rich_table(headers: Sequence[tuple[str, bool]], rows: Sequence[Sequence[str]], *,
                total: bool = False) -> Any:  # fmt: skip
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for header, right in headers:
        table.add_column(header, justify="right" if right else "left", overflow="fold")
    for index, cells in enumerate(rows):
        last = total and index == len(rows) - 1
        # Text() so that brackets in data are shown, never read as console markup.
        table.add_row(
            *(Text(c) for c in cells),
            style="bold" if last else None,
            end_section=total and index == len(rows) - 2,
        )
    return table


def _print_block(console: Any, block: Block) -> None:
    from rich.text import Text

    console.print(Text(block.title, style="bold underline"))
    if isinstance(block, FiguresBlock):
        rows = [[f.header, people_value(f.kind, value)] for f, value in block.items]
        console.print(_rich_table([(_("Item"), False), (_("Value"), True)], rows))
    elif isinstance(block, CompareBlock):
        console.print(_rich_table(compare_headers(block), compare_cells(block)))
    elif isinstance(block, TableBlock):
        if not block.rows:
            console.print(Text("  " + (block.empty or _("None.")), style="dim"))
        else:
            headers = [(f.header, f.kind.right) for f in block.fields]
            console.print(_rich_table(headers, table_cells(block), total=block.total is not None))
            more = more_text(block)
            if more:
                console.print(Text("  " + more, style="dim"))
    elif not block.bars:
        console.print(Text("  " + _("None."), style="dim"))
    else:
        width = BAR_WIDTH
        if console.is_terminal:
            from rich.cells import cell_len

            fixed = max(cell_len(b.label) for b in block.bars) + 24
            width = max(10, min(50, console.width - fixed))
        for before, bar, after in chart_lines(block, width):
            line = Text("  " + before)
            line.append(bar, style="cyan")
            line.append(after)
            console.print(line, no_wrap=True, overflow="ignore", crop=False)
    console.print()


def write_table(document: ReportDocument) -> None:
    from rich.text import Text

    console = stdout_console()
    console.print(Text(document.title, style="bold"))
    if document.subtitle:
        console.print(Text(document.subtitle, style="dim"))
    console.print()
    for block in document.blocks:
        _print_block(console, block)


def render_document(document: ReportDocument, fmt: OutputFormat) -> None:
    """Print ``document`` in ``fmt`` on stdout (data only)."""
    if fmt is OutputFormat.json:
        text = json.dumps(document_data(document), ensure_ascii=False, indent=2)
        sys.stdout.write(text + "\n")
    elif fmt is OutputFormat.csv:
        write_csv(document)
    elif fmt is OutputFormat.markdown:
        write_markdown(document)
    else:
        write_table(document)
