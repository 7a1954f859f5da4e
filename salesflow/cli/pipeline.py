"""``salesflow pipeline show``: the pipeline by stage, owner, province, grade or source.

People get a table with ¥ amounts, labels and a totals row, or with ``--funnel`` a bar
funnel over the stages; JSON and CSV carry codes, usernames and exact yuan strings, the
same as ``lead list``. The figures and their definitions live in
:mod:`salesflow.workflow.pipeline`.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli import context, groups
from salesflow.cli.output import FormatOption, OutputFormat, markdown_table, stdout_console
from salesflow.i18n import _
from salesflow.workflow.glossary import GRADES, SOURCES, STAGES, label
from salesflow.workflow.money import format_yuan, yuan_text

if TYPE_CHECKING:
    from salesflow.workflow.pipeline import FunnelStep, GroupFigures, PipelineReport

app = groups.pipeline

BY_HELP = _(
    "Group open leads by: stage (default), owner (or rep), province (or region), grade, source."
)
CLOSING_HELP = _(
    "Only leads expected to close from the report day through the end of PERIOD: 30d, 2w, "
    "3m, this-month, this-quarter; or within next-month, a month (2026-12) or a quarter "
    "(2026-Q4). Leads without an expected close date are left out."
)
TOTAL = "total"  # the totals row's group in CSV
BAR = "█"
DEFAULT_BAR_WIDTH = 40
NO_VALUE = "—"


@app.command(
    "show",
    help=_(
        "Open leads grouped by stage, owner, province, grade or source: count, amount, "
        "weighted amount, average age and conversion to the next stage (win rate for the "
        "other groupings), with totals; --funnel draws the stage funnel."
    ),
)
def show(
    by: Annotated[str, typer.Option("--by", metavar="GROUP", help=BY_HELP)] = "stage",
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            metavar="USER",
            help=_("Only this user's leads; '-' for the unassigned pool."),
        ),
    ] = None,
    team: Annotated[
        bool,
        typer.Option(
            "--team",
            help=_(
                "Only leads owned by your team (managers; everyone's for directors and "
                "admins), without the unassigned pool."
            ),
        ),
    ] = False,
    closing_in: Annotated[
        str | None, typer.Option("--closing-in", metavar="PERIOD", help=CLOSING_HELP)
    ] = None,
    funnel: Annotated[
        bool,
        typer.Option(
            "--funnel",
            help=_("Draw the funnel: how many leads reached each stage and went on to the next."),
        ),
    ] = False,
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help=_("Report as of DATE (YYYY-MM-DD; default today): ages and --closing-in."),
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.dates import parse_day
    from salesflow.workflow.periods import parse_period
    from salesflow.workflow.pipeline import parse_grouping, pipeline_report

    report_day = parse_day(day, date.today(), option="--date") if day is not None else date.today()
    grouping = parse_grouping(by)
    closing = parse_period(closing_in, report_day) if closing_in is not None else None
    with context.acting() as (session, actor):
        report = pipeline_report(
            session,
            actor,
            by=grouping,
            owner=owner,
            team=team,
            closing=closing,
            day=report_day,
            funnel=funnel,
        )
    if funnel:
        render_funnel(report, fmt)
    else:
        render_report(report, fmt)


# ---------------------------------------------------------------------------------------
# Values


def pct_number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def pct_text(value: Decimal | None) -> str:
    return NO_VALUE if value is None else f"{value}%"


def _decimal_text(value: Decimal | None) -> str:
    return NO_VALUE if value is None else str(value)


def group_label(by: str, row: GroupFigures) -> str:
    """How people read a group: a translated label, a display name, the province."""
    if row.group is None:
        return _("unassigned") if by == "owner" else _("none")
    if by == "stage":
        return label(STAGES, row.group)
    if by == "grade":
        return label(GRADES, row.group)
    if by == "source":
        return label(SOURCES, row.group)
    if by == "owner" and row.name:
        return f"{row.name} ({row.group})"
    return row.group


def group_header(by: str) -> str:
    return {
        "stage": _("Stage"),
        "owner": _("Owner"),
        "province": _("Province"),
        "grade": _("Grade"),
        "source": _("Source"),
    }[by]


def data_row(by: str, row: GroupFigures) -> dict[str, Any]:
    """A row for JSON and CSV: codes, usernames, exact yuan strings, plain numbers."""
    data: dict[str, Any] = {"group": row.group}
    if by == "owner":
        data["name"] = row.name
    data.update(
        count=row.count,
        amount=yuan_text(row.amount_fen),
        weighted=yuan_text(row.weighted_fen),
        no_amount=row.no_amount,
        avg_age_days=pct_number(row.avg_age_days),
    )
    if by == "stage":
        data.update(reached=row.reached, conversion_pct=pct_number(row.conversion))
    else:
        data.update(won=row.won, lost=row.lost, win_rate_pct=pct_number(row.win_rate))
    return data


def people_headers(by: str) -> list[tuple[str, bool]]:
    """(header, right-justified) for the table and Markdown."""
    headers = [
        (group_header(by), False),
        (_("Leads"), True),
        (_("Amount"), True),
        (_("Weighted"), True),
        (_("No amount"), True),
        (_("Avg age (days)"), True),
    ]
    if by == "stage":
        headers += [(_("Reached"), True), (_("To next stage"), True)]
    else:
        headers += [(_("Won"), True), (_("Lost"), True), (_("Win rate"), True)]
    return headers


def people_cells(by: str, row: GroupFigures, *, total: bool = False) -> list[str]:
    cells = [
        _("Total") if total else group_label(by, row),
        str(row.count),
        format_yuan(row.amount_fen),
        format_yuan(row.weighted_fen),
        str(row.no_amount),
        _decimal_text(row.avg_age_days),
    ]
    if by == "stage":
        cells += [str(row.reached), pct_text(row.conversion)]
    else:
        cells += [str(row.won), str(row.lost), pct_text(row.win_rate)]
    return cells


def _filters_data(report: PipelineReport) -> dict[str, Any]:
    closing = report.closing
    return {
        "date": report.day.isoformat(),
        "closing_in": None
        if closing is None
        else {"from": closing.start.isoformat(), "to": closing.end.isoformat()},
    }


# ---------------------------------------------------------------------------------------
# The report


def render_report(report: PipelineReport, fmt: OutputFormat) -> None:
    import csv

    by = report.by
    if fmt is OutputFormat.json:
        totals = data_row(by, report.totals)
        del totals["group"]
        totals.pop("name", None)
        data = {
            "by": by,
            **_filters_data(report),
            "rows": [data_row(by, row) for row in report.rows],
            "totals": totals,
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt is OutputFormat.csv:
        rows = [data_row(by, row) for row in report.rows]
        totals = data_row(by, report.totals)
        totals["group"] = TOTAL
        keys = list(totals)
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(keys)
        for row in [*rows, totals]:
            writer.writerow(["" if row[k] is None else row[k] for k in keys])
        return
    if not report.rows:
        context.note(_("No leads match."))
        return
    headers = people_headers(by)
    body = [people_cells(by, row) for row in report.rows]
    total = people_cells(by, report.totals, total=True)
    if fmt is OutputFormat.markdown:
        sys.stdout.write(markdown_table([h for h, _right in headers], [*body, total]))
        return
    _print_table(headers, body, total)


def _print_table(headers: list[tuple[str, bool]], body: list[list[str]], total: list[str]) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    for header, right in headers:
        table.add_column(header, justify="right" if right else "left", no_wrap=True)
    for index, cells in enumerate(body):
        # Text() so that brackets in data are shown, never read as console markup.
        table.add_row(*(Text(c) for c in cells), end_section=index == len(body) - 1)
    table.add_row(*(Text(c) for c in total), style="bold")
    stdout_console().print(table)


# ---------------------------------------------------------------------------------------
# The funnel


def bar_length(reached: int, most: int, width: int) -> int:
    """Cells of bar for ``reached`` out of ``most``: proportional, half-up, at least 1."""
    if reached <= 0 or most <= 0:
        return 0
    cells = int((Decimal(reached * width) / most).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return max(1, min(width, cells))


def funnel_lines(steps: list[tuple[str, int, str]], width: int) -> list[tuple[str, str, str]]:
    """The funnel as (before bar, bar, after bar) text per line, header first.

    ``steps`` holds each stage's label, reached count and conversion text. Labels are
    padded by their width in terminal cells (rich.cells.cell_len), so Chinese labels line
    up with English ones; the bars are centred, so the lines draw a funnel.
    """
    from rich.cells import cell_len

    head = (_("Stage"), _("Reached"), _("To next stage"))
    label_width = max(cell_len(text) for text in [head[0], *(s[0] for s in steps)])
    count_width = max(len(head[1]), *(len(str(s[1])) for s in steps))
    pct_width = max(cell_len(head[2]), *(cell_len(s[2]) for s in steps))
    most = max((s[1] for s in steps), default=0)

    def pad(text: str, size: int) -> str:
        return text + " " * (size - cell_len(text))

    lines = [
        (
            pad(head[0], label_width) + "  " + " " * width,
            "",
            "  "
            + head[1].rjust(count_width)
            + "  "
            + " " * (pct_width - cell_len(head[2]))
            + head[2],
        )
    ]
    for text, reached, conversion in steps:
        cells = bar_length(reached, most, width)
        left = (width - cells) // 2
        lines.append(
            (
                pad(text, label_width) + "  " + " " * left,
                BAR * cells,
                " " * (width - cells - left)
                + "  "
                + str(reached).rjust(count_width)
                + "  "
                + " " * (pct_width - cell_len(conversion))
                + conversion,
            )
        )
    return lines


def _funnel_data(step: FunnelStep) -> dict[str, Any]:
    return {
        "stage": step.stage,
        "reached": step.reached,
        "current": step.current,
        "conversion_pct": pct_number(step.conversion),
    }


def render_funnel(report: PipelineReport, fmt: OutputFormat) -> None:
    import csv

    steps = report.funnel or []
    if fmt is OutputFormat.json:
        data = {"by": "stage", **_filters_data(report), "funnel": [_funnel_data(s) for s in steps]}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt is OutputFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["stage", "reached", "current", "conversion_pct"])
        for step in steps:
            row = _funnel_data(step)
            writer.writerow(["" if v is None else v for v in row.values()])
        return
    labelled = [
        (label(STAGES, s.stage), s.reached, "" if s.conversion is None else f"↓ {s.conversion}%")
        for s in steps
    ]
    if fmt is OutputFormat.markdown:
        headers = [_("Stage"), _("Reached"), _("Now"), _("To next stage")]
        rows = [
            [label(STAGES, s.stage), str(s.reached), str(s.current), pct_text(s.conversion)]
            for s in steps
        ]
        sys.stdout.write(markdown_table(headers, rows))
        return
    _print_funnel(labelled)


def _print_funnel(labelled: list[tuple[str, int, str]]) -> None:
    from rich.text import Text

    console = stdout_console()
    width = DEFAULT_BAR_WIDTH
    if console.is_terminal:
        from rich.cells import cell_len

        fixed = max(cell_len(s[0]) for s in labelled) + 24
        width = max(10, min(60, console.width - fixed))
    for index, (before, bar, after) in enumerate(funnel_lines(labelled, width)):
        line = Text(before, style="bold" if index == 0 else "")
        line.append(bar, style="cyan")
        line.append(after, style="bold" if index == 0 else "")
        console.print(line, no_wrap=True, overflow="ignore", crop=False)
