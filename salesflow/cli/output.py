"""One way to print lists and records: ``--format table|json|csv|markdown``.

JSON and CSV carry the stored, language-neutral codes and ISO timestamps, so scripts can
rely on them whatever the person's language; tables and Markdown show translated headers
and labels. Only data is written to stdout.
"""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import typer

from salesflow.i18n import _, format_date, format_datetime


class OutputFormat(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help=_("Output format: table, json, csv or markdown."),
    ),
]


@dataclass(frozen=True)
class Column:
    """A column: the data key, the header people read, and how a value is shown to them."""

    key: str
    header: str
    justify: Literal["left", "right", "center"] = "left"
    show: Callable[[Any], str] | None = None


def plain(value: Any) -> Any:
    """A JSON-friendly, language-neutral form of a value."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, enum.Enum):
        return value.value
    return value


def csv_value(value: Any) -> str:
    """A CSV cell: like JSON's values, with booleans as true/false and empty for missing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(plain(value))


def shown(value: Any) -> str:
    """How a value reads in a table: local time, yes/no, empty for missing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    return str(plain(value))


def yuan_cell(text: str | None) -> str:
    """An exact yuan string of a row ("1234.50", as JSON carries it) as people read money."""
    from salesflow.workflow.money import format_yuan

    return "" if text is None else format_yuan(int(Decimal(text) * 100))


def as_mapping(row: Any) -> Mapping[str, Any]:
    if is_dataclass(row) and not isinstance(row, type):
        return asdict(row)
    if isinstance(row, Mapping):
        return row
    raise TypeError(f"cannot render {type(row).__name__}")


def _cell(column: Column, row: Mapping[str, Any]) -> str:
    value = row.get(column.key)
    return column.show(value) if column.show and value is not None else shown(value)


def render(
    rows: Sequence[Any],
    columns: Sequence[Column],
    fmt: OutputFormat,
    *,
    title: str | None = None,
    empty_message: str | None = None,
) -> None:
    import csv
    import json

    records = [as_mapping(row) for row in rows]
    out = sys.stdout
    if fmt is OutputFormat.json:
        data = [{c.key: plain(r.get(c.key)) for c in columns} for r in records]
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif fmt is OutputFormat.csv:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c.key for c in columns])
        for r in records:
            writer.writerow([csv_value(r.get(c.key)) for c in columns])
    elif fmt is OutputFormat.markdown:
        out.write(
            markdown_table(
                [c.header for c in columns], [[_cell(c, r) for c in columns] for r in records]
            )
        )
    elif not records:
        print(empty_message or _("Nothing to show."), file=sys.stderr)
    else:
        _rich_table(records, columns, title)


def render_record(record: Any, fields: Sequence[Column], fmt: OutputFormat) -> None:
    """One record: a two-column table for people, an object for JSON, one row for CSV."""
    import json

    data = as_mapping(record)
    if fmt is OutputFormat.json:
        sys.stdout.write(
            json.dumps(
                {c.key: plain(data.get(c.key)) for c in fields}, ensure_ascii=False, indent=2
            )
            + "\n"
        )
        return
    if fmt is OutputFormat.csv:
        render([data], fields, fmt)
        return
    pairs = [{"field": c.header, "value": _cell(c, data)} for c in fields]
    render(pairs, [Column("field", _("Field")), Column("value", _("Value"))], fmt)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A pipe table whose columns line up in a monospaced font, wide characters included."""
    from rich.cells import cell_len

    def escape(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    cells = [[escape(h) for h in headers]] + [[escape(v) for v in row] for row in rows]
    widths = [max(3, *(cell_len(row[i]) for row in cells)) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        padded = [v + " " * (w - cell_len(v)) for v, w in zip(values, widths, strict=True)]
        return "| " + " | ".join(padded) + " |"

    rule = "| " + " | ".join("-" * w for w in widths) + " |"
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])]) + "\n"


def stdout_console() -> Any:
    from rich.console import Console

    # Piped tables keep their natural width instead of wrapping at 80 columns.
    width = None if sys.stdout.isatty() else 10_000
    # NO_COLOR: no escape codes at all, not even bold.
    plain_text = "NO_COLOR" in os.environ
    return Console(file=sys.stdout, width=width, color_system=None if plain_text else "auto")


def _rich_table(
    records: Sequence[Mapping[str, Any]], columns: Sequence[Column], title: str | None
) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False)
    for column in columns:
        table.add_column(column.header, justify=column.justify, overflow="fold")
    for record in records:
        # Text() so that brackets in data are shown, never read as console markup.
        table.add_row(*(Text(_cell(c, record)) for c in columns))
    stdout_console().print(table)
