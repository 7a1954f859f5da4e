"""``salesflow lead list | show | edit | assign``: finding, reading, changing, assigning.

``lead list`` shows labels, national phone numbers and ¥ amounts to people, and the stored
codes, E.164 phones and exact yuan strings in JSON and CSV. Unassigned leads waiting more
than one working day are flagged. ``lead edit`` and ``lead assign`` report on stderr what
changed; the audit trail records it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli import context
from salesflow.cli.lead import fields
from salesflow.cli.lead.app import app
from salesflow.cli.lead.fields import lead_input_from
from salesflow.cli.output import Column, FormatOption, OutputFormat, render
from salesflow.i18n import _, format_date, help_format, ngettext
from salesflow.workflow.contacts import format_phone
from salesflow.workflow.glossary import SOURCES, STAGES, label
from salesflow.workflow.money import format_yuan

if TYPE_CHECKING:
    from salesflow.workflow.lead_views import LeadRow

SORT_HELP = _("Sort by: created (newest first), amount, company, stage, grade, next-step, owner.")
OVERDUE_MARK = "⚠"
DATA_KEYS = (
    "id",
    "company",
    "contact",
    "phone",
    "email",
    "province",
    "city",
    "source",
    "stage",
    "grade",
    "score",
    "amount",
    "owner",
    "next_step_date",
    "next_step_action",
    "created_at",
    "assignment_overdue",
)


def _yuan(text: str | None) -> str:
    return "" if text is None else format_yuan(int(Decimal(text) * 100))


def _people_row(row: LeadRow) -> dict[str, Any]:
    """A lead as people read it in a table: labels, local times, short region."""
    region = " ".join(part for part in (row.province, row.city) if part)
    step = " ".join(
        part
        for part in (
            format_date(row.next_step_date) if row.next_step_date else "",
            row.next_step_action,
        )
        if part
    )
    return {
        "id": row.id,
        "company": row.company,
        "contact": row.contact,
        "phone": format_phone(row.phone),
        "region": region,
        "source": label(SOURCES, row.source),
        "stage": label(STAGES, row.stage),
        "grade": row.grade if row.score is None else f"{row.grade} ({row.score})",
        "amount": _yuan(row.amount),
        "owner": row.owner or _("unassigned"),
        "next_step": step,
        "created_at": row.created_at,
        "flag": f"{OVERDUE_MARK} " + _("overdue") if row.assignment_overdue else "",
    }


def people_columns() -> list[Column]:
    return [
        Column("id", _("ID"), justify="right"),
        Column("company", _("Company")),
        Column("contact", _("Contact")),
        Column("phone", _("Phone")),
        Column("region", _("Region")),
        Column("source", _("Source")),
        Column("stage", _("Stage")),
        Column("grade", _("Grade")),
        Column("amount", _("Amount"), justify="right"),
        Column("owner", _("Owner")),
        Column("next_step", _("Next step")),
        Column("created_at", _("Created")),
        Column("flag", _("Flag")),
    ]


@app.command("list", help=_("List the leads you may see, filtered, searched and sorted."))
def list_(
    mine: Annotated[
        bool | None,
        typer.Option(
            "--mine/--all",
            help=_("Only my leads (the default for reps), or all I may see."),
        ),
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", metavar="USER", help=_("Only this user's leads."))
    ] = None,
    unassigned: Annotated[
        bool,
        typer.Option("--unassigned", help=_("Only leads nobody owns yet (overdue ones flagged).")),
    ] = False,
    stage: Annotated[
        list[str] | None,
        typer.Option(
            "--stage",
            help=help_format("Only this stage (repeatable): {codes}.", codes=", ".join(STAGES)),
        ),
    ] = None,
    grade: Annotated[
        list[str] | None, typer.Option("--grade", help=_("Only this grade (repeatable): A, B, C."))
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            help=help_format("Only this source (repeatable): {codes}.", codes=", ".join(SOURCES)),
        ),
    ] = None,
    province: fields.Province = None,
    city: fields.City = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            "-s",
            metavar="TEXT",
            help=_("Find TEXT in company names, contact names, phones and emails."),
        ),
    ] = None,
    created_since: Annotated[
        str | None,
        typer.Option(
            "--created-since",
            metavar="DATE",
            help=_("Only leads created on or after DATE (YYYY-MM-DD, or 7d for 7 days ago)."),
        ),
    ] = None,
    sort: Annotated[str, typer.Option("--sort", metavar="KEY", help=SORT_HELP)] = "created",
    limit: Annotated[int, typer.Option("--limit", help=_("Show at most N leads."))] = 50,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.assignment import may_assign
    from salesflow.workflow.lead_views import find_leads, parse_since

    since = parse_since(created_since) if created_since is not None else None
    with context.acting() as (session, actor):
        page = find_leads(
            session,
            actor,
            mine=mine,
            owner=owner,
            unassigned=unassigned,
            stage=stage,
            grade=grade,
            source=source,
            province=province,
            city=city,
            search=search,
            created_since=since,
            sort=sort,
            limit=limit,
        )
        assigns = may_assign(actor)
    if fmt in (OutputFormat.json, OutputFormat.csv):
        render(page.rows, [Column(key, key) for key in DATA_KEYS], fmt)
    else:
        columns = people_columns()
        if not any(row.assignment_overdue for row in page.rows):
            columns = [column for column in columns if column.key != "flag"]
        render(
            [_people_row(row) for row in page.rows],
            columns,
            fmt,
            empty_message=_("No leads match."),
        )
    overdue = sum(1 for row in page.rows if row.assignment_overdue)
    if overdue and assigns:  # the pool is the manager's to assign (SPEC §2.1)
        context.note(
            ngettext(
                "{count} unassigned lead waited more than one working day: "
                "'salesflow lead assign ID --to USER'.",
                "{count} unassigned leads waited more than one working day: "
                "'salesflow lead assign ID --to USER'.",
                overdue,
            ).format(count=overdue)
        )
    if page.more:
        context.note(
            _(
                "Showing the first {limit} leads; more match. Use --limit or narrow the filters."
            ).format(limit=limit)
        )


@app.command("show", help=_("Show one lead: customer, contacts, grade, stage, next step."))
def show(
    lead_id: Annotated[str, typer.Argument(metavar="ID", help=_("Lead number, e.g. 42."))],
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.cli.lead.card import render_card
    from salesflow.workflow.lead_access import parse_lead_id
    from salesflow.workflow.lead_views import lead_card

    number = parse_lead_id(lead_id)
    with context.acting() as (session, actor):
        card = lead_card(session, actor, number)
    render_card(card, fmt)


CLEARABLE_HELP = _(
    "Empty this field (repeatable), e.g. --clear email. Company, contact and source cannot "
    "be emptied."
)


@app.command("edit", help=_("Change a lead, its customer or its contact (checked and audited)."))
def edit(
    lead_id: Annotated[str, typer.Argument(metavar="ID", help=_("Lead number, e.g. 42."))],
    company: fields.Company = None,
    contact: fields.Contact = None,
    title: fields.Title = None,
    phone: fields.Phone = None,
    email: fields.Email = None,
    wechat: fields.Wechat = None,
    province: Annotated[
        str | None, typer.Option("--province", help=_("Province, e.g. 浙江 or 浙江省."))
    ] = None,
    city: Annotated[str | None, typer.Option("--city", help=_("City, e.g. 杭州."))] = None,
    county: fields.County = None,
    industry: fields.Industry = None,
    employees: fields.Employees = None,
    founded_year: fields.FoundedYear = None,
    source: fields.Source = None,
    referrer: fields.Referrer = None,
    need: fields.Need = None,
    amount: fields.Amount = None,
    notes: fields.Notes = None,
    expected_close: Annotated[
        str | None,
        typer.Option("--expected-close", metavar="DATE", help=_("Expected close date.")),
    ] = None,
    clear: Annotated[
        list[str] | None, typer.Option("--clear", metavar="FIELD", help=CLEARABLE_HELP)
    ] = None,
) -> None:
    from salesflow.workflow.capture import describe_match, edit_lead, reason_label
    from salesflow.workflow.lead_access import parse_lead_id
    from salesflow.workflow.lead_input import option_name

    number = parse_lead_id(lead_id)
    changes = lead_input_from(locals())
    cleared = tuple(name.strip().lstrip("-").replace("-", "_").lower() for name in clear or [])
    with context.acting(write=True) as (session, actor):
        result = edit_lead(session, actor, number, changes, clear=cleared)
        warnings = [
            _("Similar customer: {record}, owner {owner} ({why}).").format(
                record=describe_match(session, match),
                owner=match.owner or _("unassigned"),
                why=reason_label(match.reason),
            )
            for match in result.warnings
        ]
        changed = [option_name(name) for name in result.changed]
    for warning in warnings:
        context.note(warning)
    if changed:
        context.note(_("Updated lead {id}: {fields}.").format(id=number, fields=", ".join(changed)))
    else:
        context.note(_("Nothing changed for lead {id}.").format(id=number))


@app.command("assign", help=_("Give a lead to a rep (managers within their team, and up)."))
def assign(
    lead_id: Annotated[str, typer.Argument(metavar="ID", help=_("Lead number, e.g. 42."))],
    to: Annotated[
        str | None,
        typer.Option(
            "--to", metavar="USER", help=_("The new owner; '-' returns it to the unassigned pool.")
        ),
    ] = None,
) -> None:
    from salesflow.workflow.assignment import assign_lead, assignable_users
    from salesflow.workflow.lead_access import lead_for_update, parse_lead_id

    number = parse_lead_id(lead_id)
    if to is None:
        from salesflow.cli.prompts import ask_choice, can_prompt

        choices: list[tuple[str, str]] = []
        if can_prompt():
            with context.acting() as (session, actor):
                lead_for_update(session, actor, number)  # refuse before asking, not after
                choices = [(u.username, u.display_name) for u in assignable_users(session, actor)]
            choices.append(("-", _("unassigned (pool)")))
        to = ask_choice(_("Assign lead {id} to?").format(id=number), choices, option="--to")
    with context.acting(write=True) as (session, actor):
        result = assign_lead(session, actor, number, to)
    if not result.changed:
        who = result.owner or _("the unassigned pool")
        context.note(
            _("Lead {id} is already with {owner}; nothing changed.").format(id=number, owner=who)
        )
        return
    if result.owner is None:
        context.note(_("Lead {id} is back in the unassigned pool.").format(id=number))
    else:
        context.note(
            _("Assigned lead {id} to {owner} ({name}).").format(
                id=number, owner=result.owner, name=result.owner_name
            )
        )
    if result.customer_moved:
        context.note(_("Customer {id} moved with it.").format(id=result.customer_id))
    elif result.customer_owner != result.owner:
        context.note(
            _("Customer {id} stays with {owner}: it has other leads of theirs.").format(
                id=result.customer_id, owner=result.customer_owner or _("unassigned")
            )
        )


@app.command(
    "claim",
    help=_(
        "Take an unassigned lead from the pool (公海) as your own; of two people claiming "
        "it at once, one gets it."
    ),
)
def claim(
    lead_id: Annotated[str, typer.Argument(metavar="ID", help=_("Lead number, e.g. 42."))],
) -> None:
    from salesflow.workflow.assignment import claim_lead
    from salesflow.workflow.lead_access import parse_lead_id

    number = parse_lead_id(lead_id)
    with context.acting(write=True) as (session, actor):
        result = claim_lead(session, actor, number)
    if not result.changed:
        context.note(_("Lead {id} is already yours; nothing changed.").format(id=number))
        return
    context.note(_("Lead {id} is yours now.").format(id=number))
    if result.customer_moved:
        context.note(_("Customer {id} moved with it.").format(id=result.customer_id))
