"""``salesflow report kpi`` (绩效指标): team, process and individual KPIs of a period.

The figures come from :mod:`salesflow.workflow.kpis`; :func:`kpi_blocks` turns them into
report blocks (also used by ``report monthly``) and the command prints them as a table,
JSON, CSV or Markdown.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli import groups
from salesflow.cli.output import FormatOption, OutputFormat
from salesflow.cli.report_options import (
    TeamOption,
    UserOption,
    period_meta,
    period_name,
    reporting,
    scope_meta,
    scope_name,
)
from salesflow.cli.report_output import (
    COUNT,
    DECIMAL,
    MONEY,
    PERCENT,
    Bar,
    Block,
    ChartBlock,
    Field,
    FiguresBlock,
    Kind,
    ReportDocument,
    TableBlock,
    labelled,
    render_document,
)
from salesflow.i18n import _, format_date, format_datetime
from salesflow.workflow.glossary import GRADES, LOST_REASONS, SOURCES, STAGES, label

if TYPE_CHECKING:
    from salesflow.workflow.kpi_process import WinRate
    from salesflow.workflow.kpis import KpiReport, PersonKpis

app = groups.report

PERIOD_KINDS = ("week", "month", "quarter", "year")


@app.command(
    "kpi",
    help=_(
        "The KPIs (绩效指标) of a month, quarter or year: revenue signed and collected, new "
        "customers, pipeline; conversion between stages, win rate by source and grade, "
        "days per stage and where deals get stuck, sales cycle, time to first contact, "
        "satisfaction, complaint deadlines; revenue, visits, contracts and target "
        "attainment per person; why deals were lost. Your own by default."
    ),
)
def kpi(
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar="PERIOD",
            help=_(
                "The month (2026-11), quarter (2026-Q4), year (2026) or ISO week "
                "(2026-W47) to report on (default: this month)."
            ),
        ),
    ] = None,
    team: TeamOption = False,
    user: UserOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.kpis import kpi_report
    from salesflow.workflow.report_periods import month_period, parse_report_period

    chosen = (
        parse_report_period(period, option="--period", kinds=PERIOD_KINDS)
        if period is not None
        else month_period(date.today())
    )
    now = datetime.now(UTC)
    with reporting(team=team, user=user) as (session, scope):
        report = kpi_report(session, scope, chosen, now=now)
    render_document(kpi_document(report), fmt)


# ---------------------------------------------------------------------------------------
# Kinds of value


NO_GRADE = "-"


def _grade_data(code: str) -> str | None:
    return None if code == NO_GRADE else code


def _grade_people(code: str) -> str:
    return _("No grade") if code == NO_GRADE else label(GRADES, code)


GRADE = Kind(_grade_data, _grade_people)
NO_REASON = "none"  # leads lost without a reason (as in the weekly report)


def _reason_data(code: str) -> str | None:
    return None if code == NO_REASON else code


def _reason_people(code: str) -> str:
    return _("No reason given") if code == NO_REASON else label(LOST_REASONS, code)


REASON = Kind(_reason_data, _reason_people)


def _person_data(line: PersonKpis) -> str | None:
    return None if line.person is None else line.person.username


def _person_people(line: PersonKpis) -> str:
    return _("Unassigned pool") if line.person is None else line.person.display_name


PERSON = Kind(_person_data, _person_people)


def _target_fen(target: Any) -> int | None:
    return None if target is None else int(target.amount_fen)


# ---------------------------------------------------------------------------------------
# Blocks


def team_block(report: KpiReport) -> FiguresBlock:
    t = report.team
    items: list[tuple[Field, Any]] = [
        (Field("signed", _("Contracts signed"), COUNT), t.signed),
        (Field("signed_value", _("Revenue signed"), MONEY), t.signed_fen),
        (Field("target", _("Target"), MONEY), _target_fen(t.target)),
        (Field("attainment_pct", _("Target attainment"), PERCENT), t.attainment),
        (Field("collected", _("Payments received"), COUNT), t.collected),
        (Field("collected_value", _("Revenue collected (回款)"), MONEY), t.collected_fen),
        (Field("new_customers", _("New customers (first contract)"), COUNT), t.new_customers),
        (Field("pipeline_leads", _("Open leads (now)"), COUNT), t.pipeline.leads),
        (Field("pipeline_value", _("Pipeline value (now)"), MONEY), t.pipeline.amount_fen),
        (
            Field("pipeline_weighted", _("Pipeline, weighted (now)"), MONEY),
            t.pipeline.weighted_fen,
        ),
    ]
    return FiguresBlock("team", _("Team KPIs"), items)


def conversion_block(report: KpiReport) -> TableBlock:
    fields = [
        Field("stage", _("From stage"), labelled(STAGES)),
        Field("moves", _("Moves out"), COUNT),
        Field("forward", _("Forward"), COUNT),
        Field("lost", _("Lost"), COUNT),
        Field("back", _("Back"), COUNT),
        Field("conversion_pct", _("Conversion"), PERCENT),
    ]
    rows = [
        {
            "stage": row.stage,
            "moves": row.moves,
            "forward": row.forward,
            "lost": row.lost,
            "back": row.back,
            "conversion_pct": row.conversion,
        }
        for row in report.process.conversion
    ]
    return TableBlock("conversion", _("Stage-to-stage conversion"), fields, rows)


def conversion_chart(report: KpiReport) -> ChartBlock:
    bars = [
        Bar(row.stage, label(STAGES, row.stage), row.conversion)
        for row in report.process.conversion
        if row.conversion is not None
    ]
    return ChartBlock("conversion_chart", _("Conversion to a later stage"), bars, PERCENT)


def _win_rows(rows: tuple[WinRate, ...], key: str, none: str) -> list[dict[str, Any]]:
    return [
        {
            key: none if row.group is None else row.group,
            "won": row.won,
            "lost": row.lost,
            "win_rate_pct": row.rate,
        }
        for row in rows
    ]


def _win_fields(first: Field) -> list[Field]:
    return [
        first,
        Field("won", _("Won"), COUNT),
        Field("lost", _("Lost"), COUNT),
        Field("win_rate_pct", _("Win rate"), PERCENT),
    ]


def win_source_block(report: KpiReport) -> TableBlock:
    fields = _win_fields(Field("source", _("Source"), labelled(SOURCES)))
    rows = _win_rows(report.process.by_source, "source", "other")
    return TableBlock("win_rate_by_source", _("Win rate by source"), fields, rows)


def win_grade_block(report: KpiReport) -> TableBlock:
    fields = _win_fields(Field("grade", _("Grade"), GRADE))
    rows = _win_rows(report.process.by_grade, "grade", NO_GRADE)
    return TableBlock("win_rate_by_grade", _("Win rate by grade"), fields, rows)


def stage_days_block(report: KpiReport) -> TableBlock:
    fields = [
        Field("stage", _("Stage"), labelled(STAGES)),
        Field("moves", _("Leads that left it"), COUNT),
        Field("average_days", _("Average days in stage"), DECIMAL),
    ]
    rows = [
        {"stage": row.stage, "moves": row.moves, "average_days": row.average_days}
        for row in report.process.stage_days
    ]
    return TableBlock("stage_days", _("Average days per stage"), fields, rows)


def process_block(report: KpiReport) -> FiguresBlock:
    p = report.process
    stuck = p.stuck
    items: list[tuple[Field, Any]] = [
        (
            Field("stuck_stage", _("Where deals get stuck (longest stage)"), labelled(STAGES)),
            None if stuck is None else stuck.stage,
        ),
        (
            Field("stuck_days", _("Average days there"), DECIMAL),
            None if stuck is None else stuck.average_days,
        ),
        (Field("cycle_won", _("Leads won"), COUNT), p.cycle.won),
        (Field("cycle_days", _("Sales cycle, average days"), DECIMAL), p.cycle.average_days),
        (Field("new_leads", _("New leads"), COUNT), p.first_contact.new_leads),
        (Field("contacted", _("New leads contacted"), COUNT), p.first_contact.contacted),
        (Field("not_contacted", _("Not contacted yet"), COUNT), p.first_contact.not_contacted),
        (
            Field("first_contact_hours", _("Time to first contact, average hours"), DECIMAL),
            p.first_contact.average_hours,
        ),
        (Field("satisfaction_visits", _("Return visits scored"), COUNT), p.satisfaction.visits),
        (
            Field("satisfaction", _("Average satisfaction (1-5)"), DECIMAL),
            p.satisfaction.average,
        ),
        (Field("complaints_counted", _("Complaints due or answered"), COUNT), p.complaints.counted),
        (Field("complaints_on_time", _("Answered on time"), COUNT), p.complaints.on_time),
        (Field("complaints_late", _("Answered late"), COUNT), p.complaints.late),
        (Field("complaints_overdue", _("Overdue, unanswered"), COUNT), p.complaints.overdue),
        (Field("complaints_not_due", _("Not yet due"), COUNT), p.complaints.not_due),
        (
            Field("complaint_compliance_pct", _("Complaint deadline compliance"), PERCENT),
            p.complaints.compliance,
        ),
    ]
    return FiguresBlock("process", _("Process KPIs"), items)


def people_block(report: KpiReport) -> TableBlock:
    fields = [
        Field("user", _("Person"), PERSON),
        Field("signed", _("Contracts"), COUNT),
        Field("signed_value", _("Revenue signed"), MONEY),
        Field("collected_value", _("Collected"), MONEY),
        Field("visits", _("Visits"), COUNT),
        Field("target", _("Target"), MONEY),
        Field("attainment_pct", _("Attainment"), PERCENT),
    ]
    rows = [
        {
            "user": line,
            "signed": line.signed,
            "signed_value": line.signed_fen,
            "collected_value": line.collected_fen,
            "visits": line.visits,
            "target": _target_fen(line.target),
            "attainment_pct": line.attainment,
        }
        for line in report.people
    ]
    total = None
    if report.scope.kind == "team":
        from salesflow.workflow.targets import attainment, sum_targets

        # The people's own targets added up (the team's target is in the team block).
        t = report.team
        target = sum_targets([line.target for line in report.people if line.person is not None])
        total = {
            "signed": t.signed,
            "signed_value": t.signed_fen,
            "collected_value": t.collected_fen,
            "visits": sum(line.visits for line in report.people),
            "target": _target_fen(target),
            "attainment_pct": attainment(t.signed_fen, target),
        }
    return TableBlock("people", _("Individual KPIs"), fields, rows, total=total)


def people_chart(report: KpiReport) -> ChartBlock:
    bars = [
        Bar(
            "" if line.person is None else line.person.username,
            _person_people(line),
            line.signed_fen,
        )
        for line in report.people
    ]
    return ChartBlock("people_chart", _("Revenue signed by person"), bars, MONEY)


def lost_block(report: KpiReport) -> TableBlock:
    fields = [
        Field("reason", _("Reason"), REASON),
        Field("leads", _("Leads lost"), COUNT),
        Field("amount", _("Amount"), MONEY),
    ]
    rows = [
        {
            "reason": NO_REASON if row.reason is None else row.reason,
            "leads": row.leads,
            "amount": row.amount_fen,
        }
        for row in report.lost_reasons
    ]
    total = {"leads": report.lost, "amount": report.lost_fen} if rows else None
    return TableBlock(
        "lost_reasons",
        _("Why deals were lost"),
        fields,
        rows,
        total=total,
        empty=_("No deals lost in the period."),
    )


def lost_chart(report: KpiReport) -> ChartBlock:
    bars = [
        Bar(
            NO_REASON if row.reason is None else row.reason,
            _reason_people(NO_REASON if row.reason is None else row.reason),
            row.leads,
        )
        for row in report.lost_reasons
    ]
    return ChartBlock("lost_reasons_chart", _("Deals lost by reason"), bars, COUNT)


def kpi_blocks(report: KpiReport) -> list[Block]:
    """Every KPI as report blocks, in reading order (``report kpi``, ``report monthly``)."""
    return [
        team_block(report),
        process_block(report),
        conversion_block(report),
        conversion_chart(report),
        stage_days_block(report),
        win_source_block(report),
        win_grade_block(report),
        people_block(report),
        people_chart(report),
        lost_block(report),
        lost_chart(report),
    ]


def kpi_document(report: KpiReport) -> ReportDocument:
    meta = {
        **period_meta(report.period),
        **scope_meta(report.scope),
        "as_of": report.now.isoformat(),
    }
    title = _("KPIs (绩效指标) {period} — {whose}").format(
        period=period_name(report.period), whose=scope_name(report.scope)
    )
    subtitle = _("{start} to {end}; the pipeline and complaint deadlines as of {now}.").format(
        start=format_date(report.period.start),
        end=format_date(report.period.end),
        now=format_datetime(report.now),
    )
    return ReportDocument("kpi", title, meta, subtitle, kpi_blocks(report))
