"""``salesflow report daily`` (日报): a day's figures, overdue follow-ups and tomorrow's plan.

The figures and lists come from :mod:`salesflow.workflow.daily_report`; this module turns
them into a :class:`~salesflow.cli.report_output.ReportDocument` (labels from the
glossary: activity kinds, stages) printed as a table, JSON, CSV or Markdown.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli import groups
from salesflow.cli.output import FormatOption, OutputFormat
from salesflow.cli.report_options import (
    TeamOption,
    UserOption,
    period_meta,
    reporting,
    scope_meta,
    scope_name,
)
from salesflow.cli.report_output import (
    COUNT,
    DAY,
    MONEY,
    TEXT,
    Block,
    Field,
    FiguresBlock,
    Kind,
    ReportDocument,
    TableBlock,
    labelled,
    render_document,
)
from salesflow.i18n import _, format_date, pgettext
from salesflow.workflow.glossary import ACTIVITY_KINDS, STAGES, label

if TYPE_CHECKING:
    from salesflow.workflow.daily_report import DailyReport, Owner, PersonDay
    from salesflow.workflow.report_scope import Person

app = groups.report


@app.command(
    "daily",
    help=_(
        "The daily report (日报) of a day: new leads, contacts by kind, visits, stage "
        "moves, quotes sent, contracts signed, payments received, overdue follow-ups and "
        "the plan for the next working day. Your own by default; --team adds a table per "
        "person. --format markdown gives text to paste into a chat or an email."
    ),
)
def daily(
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help=_("The day to report on (YYYY-MM-DD, today, yesterday...; default today)."),
        ),
    ] = None,
    team: TeamOption = False,
    user: UserOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.daily_report import daily_report
    from salesflow.workflow.dates import parse_day

    today = date.today()
    report_day = parse_day(day, today, option="--date") if day is not None else today
    with reporting(team=team, user=user) as (session, scope):
        report = daily_report(session, scope, report_day)
    render_document(daily_document(report), fmt)


# ---------------------------------------------------------------------------------------
# The document


def _owner_name(owner: Owner) -> str:
    return owner.display_name or owner.username or _("unassigned (pool)")


OWNER = Kind(lambda owner: owner.username, _owner_name)


def _person_data(line: PersonDay) -> str | None:
    return None if line.person is None else line.person.username


def _person_name(line: PersonDay) -> str:
    person: Person | None = line.person
    if person is None:
        return _("unassigned (pool)")
    return f"{person.display_name} ({person.username})"


PERSON = Kind(_person_data, _person_name)


def _plan_kind(code: str) -> str:
    return _("Return visit (回访)") if code == "return-visit" else _("Follow-up")


PLAN_KIND = Kind(str, _plan_kind)


def day_block(report: DailyReport) -> FiguresBlock:
    from salesflow.workflow.stage_config import load_stages

    stages = load_stages()
    f = report.figures
    items: list[tuple[Field, Any]] = [
        (Field("new_leads", _("New leads"), COUNT), f.new_leads),
        (Field("contacts", _("Contacts (notes excluded)"), COUNT), f.contact_total),
        (Field("visits", _("Visits (拜访)"), COUNT), f.visits),
        (Field("return_visits", _("Return visits done (回访)"), COUNT), f.return_visits),
        (Field("stage_moves", _("Stage moves"), COUNT), f.stage_move_total),
        (Field("quotes_sent", _("Quotes sent"), COUNT), f.quotes_sent),
        (Field("quotes_sent_value", _("Quotes sent, value"), MONEY), f.quotes_sent_fen),
        (Field("contracts_signed", _("Contracts signed"), COUNT), f.contracts_signed),
        (
            Field("contracts_signed_value", _("Contracts signed, value"), MONEY),
            f.contracts_signed_fen,
        ),
        (Field("payments", _("Payments received"), COUNT), f.payments),
        (Field("payments_value", _("Payments received, amount"), MONEY), f.payments_fen),
        (Field("won", label(STAGES, stages.won), COUNT), f.won),
        (Field("lost", label(STAGES, stages.lost), COUNT), f.lost),
    ]
    return FiguresBlock("day", _("Figures for the day"), items)


def contacts_block(report: DailyReport) -> FiguresBlock:
    figures = report.figures
    items: list[tuple[Field, Any]] = [
        (Field(kind, label(ACTIVITY_KINDS, kind), COUNT), count)
        for kind, count in figures.contacts.items()
    ]
    items.append((Field("total", _("Total (notes excluded)"), COUNT), figures.contact_total))
    return FiguresBlock("contacts", _("Contacts by kind"), items)


def stage_moves_block(report: DailyReport) -> TableBlock:
    rows = [
        {"stage": stage, "moves": count}
        for stage, count in report.figures.stage_moves.items()
        if count
    ]
    fields = [Field("stage", _("Moved into"), labelled(STAGES)), Field("moves", _("Leads"), COUNT)]
    return TableBlock(
        "stage_moves", _("Stage moves"), fields, rows, empty=_("No leads changed stage.")
    )


def _owner_field(report: DailyReport) -> list[Field]:
    # A rep's own report does not repeat their name on every line.
    return [Field("owner", _("Owner"), OWNER)] if report.scope.kind == "team" else []


def overdue_block(report: DailyReport) -> TableBlock:
    fields = [
        Field("lead", _("Lead"), COUNT),
        Field("customer", _("Customer"), TEXT),
        *_owner_field(report),
        Field("action", _("Next step"), TEXT),
        Field("due", _("Due"), DAY),
        Field("days_overdue", _("Days overdue"), COUNT),
    ]
    rows = [
        {
            "lead": item.lead_id,
            "customer": item.customer,
            "owner": item.owner,
            "action": item.action,
            "due": item.due,
            "days_overdue": item.days_overdue,
        }
        for item in report.overdue
    ]
    return TableBlock(
        "overdue",
        _("Overdue follow-ups ({count})").format(count=report.overdue_count),
        fields,
        rows,
        more=report.overdue_more,
        empty=_("No overdue follow-ups."),
    )


def plan_title(report: DailyReport) -> str:
    if report.plan_from == report.plan_to:
        return _("Tomorrow's plan, {day} ({count})").format(
            day=format_date(report.plan_to), count=report.plan_count
        )
    return _("Plan for the next working day, {day}, with {first} to {last} ({count})").format(
        day=format_date(report.plan_to),
        first=format_date(report.plan_from),
        last=format_date(report.plan_to),
        count=report.plan_count,
    )


def plan_block(report: DailyReport) -> TableBlock:
    fields = [
        Field("date", _("Date"), DAY),
        Field("kind", _("What"), PLAN_KIND),
        Field("lead", _("Lead"), COUNT),
        Field("customer", _("Customer"), TEXT),
        *_owner_field(report),
        Field("action", _("Next step"), TEXT),
    ]
    rows = [
        {
            "date": item.day,
            "kind": item.kind,
            "lead": item.lead_id,
            "customer": item.customer,
            "owner": item.owner,
            "action": item.action,
        }
        for item in report.plan
    ]
    return TableBlock(
        "plan", plan_title(report), fields, rows, more=report.plan_more, empty=_("Nothing planned.")
    )


PEOPLE_KINDS = {
    "new_leads": COUNT,
    "contacts": COUNT,
    "visits": COUNT,
    "quotes_sent_value": MONEY,
    "contracts_signed_value": MONEY,
    "payments_value": MONEY,
    "overdue": COUNT,
}


def _person_figures(line: PersonDay) -> dict[str, Any]:
    f = line.figures
    return {
        "new_leads": f.new_leads,
        "contacts": f.contact_total,
        "visits": f.visits,
        "quotes_sent_value": f.quotes_sent_fen,
        "contracts_signed_value": f.contracts_signed_fen,
        "payments_value": f.payments_fen,
        "overdue": line.overdue,
    }


def people_block(report: DailyReport) -> TableBlock:
    headers = {
        "new_leads": _("New leads"),
        "contacts": pgettext("count", "Contacts"),
        "visits": _("Visits"),
        "quotes_sent_value": _("Quotes sent"),
        "contracts_signed_value": _("Signed"),
        "payments_value": _("Received"),
        "overdue": _("Overdue"),
    }
    fields = [Field("user", _("Person"), PERSON)] + [
        Field(key, headers[key], kind) for key, kind in PEOPLE_KINDS.items()
    ]
    rows = [{"user": line, **_person_figures(line)} for line in report.people]
    f = report.figures
    total = {
        "new_leads": f.new_leads,
        "contacts": f.contact_total,
        "visits": f.visits,
        "quotes_sent_value": f.quotes_sent_fen,
        "contracts_signed_value": f.contracts_signed_fen,
        "payments_value": f.payments_fen,
        "overdue": report.overdue_count,
    }
    return TableBlock("people", _("By person"), fields, rows, total=total)


def daily_document(report: DailyReport) -> ReportDocument:
    blocks: list[Block] = [
        day_block(report),
        contacts_block(report),
        stage_moves_block(report),
        overdue_block(report),
        plan_block(report),
    ]
    if report.scope.kind == "team":
        blocks.append(people_block(report))
    meta = {
        **period_meta(report.period),
        **scope_meta(report.scope),
        "plan": {"from": report.plan_from.isoformat(), "to": report.plan_to.isoformat()},
    }
    title = _("Daily report (日报) {day} — {whose}").format(
        day=format_date(report.day), whose=scope_name(report.scope)
    )
    return ReportDocument("daily", title, meta, None, blocks)
