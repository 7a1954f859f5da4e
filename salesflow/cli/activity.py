"""``salesflow activity``: log a contact with a lead and set its next step; list the log.

``activity log`` asks, in a terminal, for what is missing (the kind, the summary, and the
next step of an open lead); with ``--no-input`` or without a terminal a missing value is
an error naming its option. It prints the new activity's number on stdout and the next
step on stderr. ``activity list`` prints the log with the usual ``--format`` choices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from salesflow.cli import context, groups
from salesflow.cli.output import Column, FormatOption, OutputFormat, render
from salesflow.i18n import _, format_date, help_format

if TYPE_CHECKING:
    from salesflow.workflow.activities import LogResult

app = groups.activity

KIND_HELP = _("Kind of contact: call, visit, meeting, email, wechat or note (or its label).")
DATE_FORMS = _("YYYY-MM-DD, today, tomorrow, +3d, +2w, friday, next monday, 下周一")


def _kind_label(code: str) -> str:
    from salesflow.workflow.glossary import ACTIVITY_KINDS, label

    return label(ACTIVITY_KINDS, code)


def _lead_is_open(number: int) -> bool:
    """Whether the lead needs a next step; checks first that the actor may log on it."""
    from salesflow.workflow.lead_access import lead_for_update
    from salesflow.workflow.stage_config import load_stages

    with context.acting(write=True) as (session, actor):
        return lead_for_update(session, actor, number).stage not in load_stages().closed_codes


def _next_date_problem(text: str) -> str | None:
    """Why ``text`` is no next date (a day in the past, or not a day), or ``None``."""
    from datetime import date

    from salesflow.workflow.dates import parse_day
    from salesflow.workflow.errors import InputError

    try:
        day = parse_day(text, date.today())
    except InputError as exc:
        return exc.message
    if day < date.today():
        return _("{date} is in the past; give today or a later day.").format(date=format_date(day))
    return None


def _ask_missing(
    number: int,
    kind: str | None,
    summary: str | None,
    next_action: str | None,
    *,
    outcome: str | None = None,
    next_date: str | None = None,
    details: bool = False,
) -> tuple[str, str, str | None, str | None, str | None]:
    """The missing kind and summary, and an open lead's next step, asked in a terminal.

    With ``details`` the outcome and the next step's date are asked too (both may be left
    empty: no outcome, and the date of the grade's cadence). Returns kind, summary,
    outcome, next date and next action, the last three ``None`` when not given.
    Without a terminal a missing kind or summary is an error naming its option; a missing
    next step is left to the workflow, which knows whether the lead needs one.
    """
    from salesflow.cli.prompts import ask_choice, ask_text, ask_validated, can_prompt
    from salesflow.workflow.glossary import ACTIVITY_KINDS

    # Whether the lead may be logged on, and needs a next step, is known before asking.
    is_open = can_prompt() and None in (kind, summary, next_action) and _lead_is_open(number)
    if kind is None:
        choices = [(code, _kind_label(code)) for code in ACTIVITY_KINDS]
        kind = ask_choice(_("What kind of contact?"), choices, option="--kind")
    if summary is None:
        summary = ask_text(_("What happened?"), option="--summary")
    if details and outcome is None:
        outcome = ask_text(_("The outcome, if any (empty: none):"), option="--outcome") or None
    if next_action is None and is_open:
        next_action = ask_text(_("What is the next step?"), option="--next-action")
        if details and next_date is None:
            next_date = (
                ask_validated(
                    _("When is it due? (empty: the grade's cadence; {forms})").format(
                        forms=DATE_FORMS
                    ),
                    option="--next-date",
                    check=_next_date_problem,
                )
                or None
            )
    return kind, summary, outcome, next_date, next_action


def log_contact(
    number: int,
    *,
    kind: str | None = None,
    summary: str | None = None,
    outcome: str | None = None,
    next_date: str | None = None,
    next_action: str | None = None,
    at: str | None = None,
    details: bool = False,
) -> LogResult:
    """Ask for what is missing, log the contact in its own transaction, and say so.

    ``activity log`` and ``lead advance`` (filling in a missing activity, with ``details``:
    the outcome and the next date are asked too) both log through here. The activity's
    number is not printed: stdout belongs to the calling command.
    """
    from salesflow.workflow.activities import log_activity

    kind, summary, outcome, next_date, next_action = _ask_missing(
        number,
        kind,
        summary,
        next_action,
        outcome=outcome,
        next_date=next_date,
        details=details,
    )
    with context.acting(write=True) as (session, actor):
        result = log_activity(
            session,
            actor,
            number,
            kind=kind,
            summary=summary,
            outcome=outcome,
            next_date=next_date,
            next_action=next_action,
            occurred_at=at,
        )
    _tell_next_step(result)
    return result


@app.command(
    "log",
    help=_(
        "Log a contact with a lead and set its next step (required while the lead is open; "
        "the date defaults to the grade's cadence: A 7, B 14, C 30 days)."
    ),
)
def log(
    lead_id: Annotated[
        str, typer.Argument(metavar="LEAD", help=_("The lead number (42, #42 or L42)."))
    ],
    kind: Annotated[str | None, typer.Option("--kind", "-k", help=KIND_HELP)] = None,
    summary: Annotated[
        str | None, typer.Option("--summary", "-s", help=_("What happened, in a sentence or two."))
    ] = None,
    outcome: Annotated[
        str | None, typer.Option("--outcome", help=_("The result: what was agreed or learned."))
    ] = None,
    next_date: Annotated[
        str | None,
        typer.Option(
            "--next-date",
            metavar="DATE",
            help=help_format("When the next step is due: {forms}.", forms=DATE_FORMS),
        ),
    ] = None,
    next_action: Annotated[
        str | None,
        typer.Option("--next-action", metavar="TEXT", help=_("What the next step is.")),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="DATETIME",
            help=_("When the contact happened, e.g. '2026-11-24 15:30' or yesterday (else now)."),
        ),
    ] = None,
) -> None:
    from salesflow.workflow.lead_access import parse_lead_id

    number = parse_lead_id(lead_id, field="LEAD")
    result = log_contact(
        number,
        kind=kind,
        summary=summary,
        outcome=outcome,
        next_date=next_date,
        next_action=next_action,
        at=at,
    )
    print(result.activity_id)


def _tell_next_step(result: LogResult) -> None:
    context.note(
        _("Logged {kind} {id} on lead {lead}.").format(
            kind=_kind_label(result.kind), id=result.activity_id, lead=result.lead_id
        )
    )
    if result.next_date is None:
        return
    when = format_date(result.next_date)
    context.note(_("Next step: {action}, due {date}.").format(action=result.next_action, date=when))
    if result.date_from_cadence and result.lead_ungraded:
        context.note(
            _(
                "Lead {id} is not graded, so the date follows the C cadence ({days} days); "
                "'salesflow lead grade {id}' grades it."
            ).format(id=result.lead_id, days=result.cadence_days)
        )
    elif result.date_from_cadence:
        context.note(
            _(
                "The date follows the grade {grade} cadence ({days} days); "
                "--next-date sets another."
            ).format(grade=result.cadence_grade, days=result.cadence_days)
        )


def activity_columns() -> list[Column]:
    return [
        Column("id", _("ID"), justify="right"),
        Column("occurred_at", _("When")),
        Column("lead_id", _("Lead"), justify="right"),
        Column("company", _("Company")),
        Column("kind", _("Kind"), show=_kind_label),
        Column("user", _("By")),
        Column("summary", _("Summary")),
        Column("outcome", _("Outcome")),
        Column("next_date", _("Next date")),
        Column("next_action", _("Next step")),
    ]


@app.command("list", help=_("List logged activities you can see, newest first."))
def list_(
    lead: Annotated[
        str | None, typer.Option("--lead", metavar="ID", help=_("Only this lead's activities."))
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", metavar="USER", help=_("Only activities by this user."))
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", "-k", help=KIND_HELP)] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE",
            help=help_format("From this day on: {forms}.", forms=DATE_FORMS),
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", metavar="DATE", help=_("Up to and including this day.")),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help=_("At most this many rows."))] = 100,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.activities import list_activities

    with context.acting() as (session, actor):
        rows = list_activities(
            session, actor, lead=lead, user=user, kind=kind, since=since, until=until, limit=limit
        )
    render(
        rows,
        activity_columns(),
        fmt,
        title=_("Activities"),
        empty_message=_("No activities match."),
    )
