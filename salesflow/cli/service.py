"""``salesflow service``: after-sales work (售后服务) in four sub-groups.

* ``visit``: return visits (回访): ``log`` (with a satisfaction score 1–5; completes the
  scheduled visit it is for), ``schedule``, ``list``;
* ``ticket``: complaints and issues with a first-response deadline: ``open``,
  ``respond``, ``resolve``, ``list``;
* ``care``: the care calendar (birthdays, contract anniversaries, public holidays with
  suggested greetings): ``upcoming``, and ``birthday`` to set a contact's birthday;
* ``referral``: ``ask`` records a request for referrals; ``list`` shows referrers, their
  referred leads and won value, and with ``--thank LEAD`` records the thanks first.

A customer is its number as ``lead show`` prints it (C154 or 154) or its exact name.
Write commands print the new record's number on stdout and say what they did on stderr.
"""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.cli import context, groups
from salesflow.cli.agenda_service import occasion_text
from salesflow.cli.output import Column, FormatOption, OutputFormat, render
from salesflow.i18n import N_, _, format_date, format_datetime, help_format

app = groups.service

visit_app = typer.Typer(
    help=_("Return visits (回访): log, schedule and list."), no_args_is_help=True
)
ticket_app = typer.Typer(
    help=_("Service tickets (工单): open, respond, resolve and list; 24-hour first response."),
    no_args_is_help=True,
)
care_app = typer.Typer(
    help=_("The care calendar (客户关怀): birthdays, anniversaries, holidays and greetings."),
    no_args_is_help=True,
)
referral_app = typer.Typer(
    help=_("Referrals (转介绍): ask customers, list referrers, thank them."),
    no_args_is_help=True,
)
app.add_typer(visit_app, name="visit")
app.add_typer(ticket_app, name="ticket")
app.add_typer(care_app, name="care")
app.add_typer(referral_app, name="referral")

CUSTOMER_HELP = _("The customer: its number as 'lead show' prints it (C154) or its exact name.")
DATE_FORMS = _("YYYY-MM-DD, today, yesterday, tomorrow, +3d, friday, next monday")

CustomerArg = Annotated[str, typer.Argument(metavar="CUSTOMER", help=CUSTOMER_HELP)]


def _status(table: str, code: str) -> str:
    from salesflow.workflow import glossary

    labels: dict[str, tuple[str, str]] = getattr(glossary, table)
    return glossary.label(labels, code)


def _yes(value: bool) -> str:
    return _("yes") if value else ""


def _moment(value: object) -> str:
    from datetime import datetime

    if isinstance(value, datetime):
        return format_datetime(value)
    return "" if value is None else str(value)


def _yuan(text: object) -> str:
    from decimal import Decimal

    from salesflow.workflow.money import format_yuan

    return "" if text is None else format_yuan(int(Decimal(str(text)) * 100))


# ---------------------------------------------------------------- visits


@visit_app.command(
    "log",
    help=_(
        "Record a return visit with a satisfaction score. It completes the scheduled visit "
        "given by --visit, or the customer's only scheduled visit due by the visit's day; "
        "else it adds a new visit."
    ),
)
def visit_log(
    customer: CustomerArg,
    satisfaction: Annotated[
        str, typer.Option("--satisfaction", "-s", help=_("How satisfied the customer is: 1 to 5."))
    ],
    note: Annotated[str, typer.Option("--note", "-n", help=_("What was said or found."))],
    on: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help=help_format("The visit's day (else today): {forms}.", forms=DATE_FORMS),
        ),
    ] = None,
    visit: Annotated[
        int | None,
        typer.Option("--visit", metavar="ID", help=_("The scheduled visit this completes.")),
    ] = None,
) -> None:
    from salesflow.workflow.service_visits import log_visit

    with context.acting(write=True) as (session, actor):
        result = log_visit(
            session, actor, customer, satisfaction=satisfaction, note=note, on=on, visit_id=visit
        )
    if result.completed_scheduled and result.scheduled_on is not None:
        context.note(
            _("Completed visit {id} to {company} (scheduled for {date}).").format(
                id=result.visit_id, company=result.company, date=format_date(result.scheduled_on)
            )
        )
    else:
        context.note(
            _("Logged visit {id} to {company}.").format(id=result.visit_id, company=result.company)
        )
    print(result.visit_id)


@visit_app.command("schedule", help=_("Plan a return visit to a customer on a day."))
def visit_schedule(
    customer: CustomerArg,
    on: Annotated[
        str,
        typer.Option(
            "--on",
            metavar="DATE",
            help=help_format("The day of the visit: {forms}.", forms=DATE_FORMS),
        ),
    ],
    note: Annotated[
        str | None, typer.Option("--note", "-n", help=_("What the visit is for."))
    ] = None,
) -> None:
    from salesflow.workflow.service_visits import schedule_visit

    with context.acting(write=True) as (session, actor):
        result = schedule_visit(session, actor, customer, on=on, note=note)
    assert result.scheduled_on is not None
    context.note(
        _("Scheduled visit {id} to {company} on {date}.").format(
            id=result.visit_id, company=result.company, date=format_date(result.scheduled_on)
        )
    )
    print(result.visit_id)


def visit_columns() -> list[Column]:
    return [
        Column("id", _("ID"), justify="right"),
        Column("customer_id", _("Customer"), show=lambda v: f"C{v}"),
        Column("company", _("Company")),
        Column("status", _("Status"), show=lambda v: _status("VISIT_STATUSES", v)),
        Column("scheduled_on", _("Scheduled")),
        Column("overdue", _("Overdue"), show=_yes),
        Column("visited_on", _("Visited")),
        Column("satisfaction", _("Satisfaction"), justify="right"),
        Column("user", _("By")),
        Column("contract", _("Contract")),
        Column("note", _("Note")),
    ]


@visit_app.command("list", help=_("List return visits of the customers you can see."))
def visit_list(
    scheduled: Annotated[
        bool, typer.Option("--scheduled", help=_("Only visits still to be made."))
    ] = False,
    customer: Annotated[
        str | None, typer.Option("--customer", "-c", metavar="CUSTOMER", help=CUSTOMER_HELP)
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.service_visits import list_visits

    with context.acting() as (session, actor):
        rows = list_visits(session, actor, scheduled_only=scheduled, customer=customer)
    render(rows, visit_columns(), fmt, title=_("Return visits"), empty_message=_("No visits."))


# ---------------------------------------------------------------- tickets


@ticket_app.command(
    "open", help=_("Open a ticket for a customer; the first response is due within 24 hours.")
)
def ticket_open(
    customer: CustomerArg,
    title: Annotated[str, typer.Option("--title", "-t", help=_("What the issue is, in a line."))],
    description: Annotated[
        str | None, typer.Option("--description", "-d", help=_("The details."))
    ] = None,
    assignee: Annotated[
        str | None,
        typer.Option("--assignee", metavar="USER", help=_("Who handles it (else nobody yet).")),
    ] = None,
    hours: Annotated[
        int,
        typer.Option(
            "--response-hours", metavar="HOURS", help=_("Hours allowed for the first response.")
        ),
    ] = 24,
) -> None:
    from salesflow.workflow.service_tickets import open_ticket

    with context.acting(write=True) as (session, actor):
        ticket = open_ticket(
            session,
            actor,
            customer,
            title=title,
            description=description,
            assignee=assignee,
            response_hours=hours,
        )
        number, due = ticket.id, ticket.response_due_at
    context.note(
        _("Opened ticket {id}; first response due by {due}.").format(id=number, due=_moment(due))
    )
    print(number)


@ticket_app.command(
    "respond",
    help=_("Respond to a ticket: the first response stops its clock; later ones are added."),
)
def ticket_respond(
    ticket_id: Annotated[str, typer.Argument(metavar="ID", help=_("The ticket number."))],
    text: Annotated[str, typer.Option("--text", "-t", help=_("The response."))],
) -> None:
    from salesflow.workflow.service_tickets import respond, response_flag

    with context.acting(write=True) as (session, actor):
        ticket = respond(session, actor, ticket_id, text=text)
        number = ticket.id
        flag = response_flag(
            ticket.response_due_at, ticket.first_response_at, ticket.resolved_at, ticket.opened_at
        )
    if flag == "late":
        context.note(_("Responded to ticket {id} (the first response was late).").format(id=number))
    else:
        context.note(_("Responded to ticket {id}.").format(id=number))
    print(number)


@ticket_app.command("resolve", help=_("Resolve a ticket with what was done."))
def ticket_resolve(
    ticket_id: Annotated[str, typer.Argument(metavar="ID", help=_("The ticket number."))],
    resolution: Annotated[
        str, typer.Option("--resolution", "-r", help=_("How the issue was solved."))
    ],
) -> None:
    from salesflow.workflow.service_tickets import resolve

    with context.acting(write=True) as (session, actor):
        number = resolve(session, actor, ticket_id, resolution=resolution).id
    context.note(_("Resolved ticket {id}.").format(id=number))
    print(number)


def _flag(code: str) -> str:
    return {"overdue": _("overdue"), "late": _("late")}.get(code, "")


def ticket_columns() -> list[Column]:
    return [
        Column("id", _("ID"), justify="right"),
        Column("customer_id", _("Customer"), show=lambda v: f"C{v}"),
        Column("company", _("Company")),
        Column("title", _("Title")),
        Column("status", _("Status"), show=lambda v: _status("TICKET_STATUSES", v)),
        Column("flag", _("Response"), show=_flag),
        Column("opened_at", _("Opened"), show=_moment),
        Column("response_due_at", _("Response due"), show=_moment),
        Column("first_response_at", _("First response"), show=_moment),
        Column("assignee", _("Assignee")),
        Column("opened_by", _("Opened by")),
        Column("resolved_at", _("Resolved"), show=_moment),
    ]


@ticket_app.command(
    "list",
    help=_(
        "List tickets you can see, by response deadline; the response column says "
        "overdue (no response past the deadline) or late (responded after it)."
    ),
)
def ticket_list(
    open_only: Annotated[
        bool, typer.Option("--open", help=_("Only tickets not yet resolved."))
    ] = False,
    overdue: Annotated[
        bool, typer.Option("--overdue", help=_("Only tickets whose response is overdue or late."))
    ] = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.service_tickets import list_tickets

    with context.acting() as (session, actor):
        rows = list_tickets(session, actor, open_only=open_only, overdue_only=overdue)
    render(rows, ticket_columns(), fmt, title=_("Service tickets"), empty_message=_("No tickets."))


# ---------------------------------------------------------------- care calendar


# What each kind of care event is called (JSON keeps the code).
CARE_KINDS = {
    "birthday": N_("Birthday"),
    "anniversary": N_("Contract anniversary"),
    "holiday": N_("Holiday"),
}


def _care_kind(code: str) -> str:
    english = CARE_KINDS.get(code)
    return _(english) if english else code


def care_columns() -> list[Column]:
    return [
        Column("day", _("Date")),
        Column("days_away", _("In days"), justify="right"),
        Column("kind", _("Kind"), show=_care_kind),
        Column("occasion", _("Occasion"), show=occasion_text),
        Column("customer_id", _("Customer"), show=lambda v: "" if v is None else f"C{v}"),
        Column("company", _("Company")),
        Column("contact", _("Contact")),
        Column("detail", _("Detail")),
        Column("greeting", _("Suggested greeting")),
    ]


@care_app.command(
    "upcoming",
    help=_(
        "Birthdays, contract anniversaries and public holidays in the next days, "
        "each with a suggested greeting."
    ),
)
def care_upcoming(
    days: Annotated[
        int,
        typer.Option("--days", metavar="N", help=_("How many days ahead (0 to 366).")),
    ] = 14,
    start: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help=_("Count from this day (else today).")),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from datetime import date

    from salesflow.workflow.care_reminders import care_events
    from salesflow.workflow.dates import parse_day

    first = parse_day(start, date.today(), option="--from") if start else date.today()
    with context.acting() as (session, actor):
        events = care_events(session, actor, start=first, days=days)
    render(
        events,
        care_columns(),
        fmt,
        title=_("Care calendar"),
        empty_message=_("Nothing in the care calendar for these days."),
    )


@care_app.command(
    "birthday",
    help=_(
        "Set the birthday of a customer's contact: --on MM-DD (year unknown) or YYYY-MM-DD; "
        "--contact picks the contact when there are several."
    ),
)
def care_birthday(
    customer: CustomerArg,
    on: Annotated[
        str, typer.Option("--on", metavar="DATE", help=_("The birthday: MM-DD or YYYY-MM-DD."))
    ],
    contact: Annotated[
        str | None,
        typer.Option("--contact", metavar="NAME", help=_("The contact's name (or number).")),
    ] = None,
) -> None:
    from salesflow.workflow.care_reminders import set_birthday

    with context.acting(write=True) as (session, actor):
        person = set_birthday(session, actor, customer, on=on, contact=contact)
        number, name = person.id, person.name
    context.note(_("Set the birthday of {name}.").format(name=name))
    print(number)


# ---------------------------------------------------------------- referrals


@referral_app.command("ask", help=_("Record that a customer was asked for referrals."))
def referral_ask(
    customer: CustomerArg,
    note: Annotated[str | None, typer.Option("--note", "-n", help=_("What was said."))] = None,
) -> None:
    from salesflow.workflow.referrals import ask_referral

    with context.acting(write=True) as (session, actor):
        number = ask_referral(session, actor, customer, note=note).id
    context.note(_("Recorded referral request {id}.").format(id=number))
    print(number)


def _stage_label(code: object) -> str:
    from salesflow.workflow.glossary import STAGES, label

    return label(STAGES, str(code)) if code else ""


def referral_columns() -> list[Column]:
    return [
        Column("referrer_id", _("Referrer"), show=lambda v: f"C{v}"),
        Column("referrer", _("Referrer company")),
        Column("referrer_won", _("Referrer won"), justify="right", show=_yuan),
        Column("lead_id", _("Lead"), justify="right"),
        Column("company", _("Referred company")),
        Column("stage", _("Stage"), show=_stage_label),
        Column("won_value", _("Won value"), justify="right", show=_yuan),
        Column("thanked_on", _("Thanked")),
        Column("thanked_by", _("Thanked by")),
    ]


@referral_app.command(
    "list",
    help=_(
        "Referring customers, their referred leads, won value and thanks; "
        "--thank LEAD records the thanks for that lead first (once per lead)."
    ),
)
def referral_list(
    thank: Annotated[
        str | None,
        typer.Option("--thank", metavar="LEAD", help=_("Record thanks for this referred lead.")),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", "-n", help=_("With --thank: how you thanked."))
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.errors import InputError
    from salesflow.workflow.referrals import referral_report, thank_referrer

    if note is not None and thank is None:
        raise InputError(_("--note goes with --thank LEAD (--note)."))
    if thank is not None:
        with context.acting(write=True) as (session, actor):
            lead_id = thank_referrer(session, actor, thank, note=note).lead_id
        context.note(_("Thanked the referrer of lead {id}.").format(id=lead_id))
    with context.acting() as (session, actor):
        rows = referral_report(session, actor)
    render(rows, referral_columns(), fmt, title=_("Referrals"), empty_message=_("No referrals."))
