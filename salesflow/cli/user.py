"""``salesflow user``: the people who use salesflow, their roles and teams."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.cli import context, groups
from salesflow.cli.output import Column, FormatOption, OutputFormat, render, render_record
from salesflow.cli.prompts import ask_choice
from salesflow.config import source_label
from salesflow.i18n import _, help_format, pgettext
from salesflow.workflow.roles import ROLES, role_label, scope_label

app = groups.user

ROLE_HELP = help_format("Role: {roles}.", roles=", ".join(ROLES))


def user_columns() -> list[Column]:
    return [
        Column("username", _("Username")),
        Column("display_name", pgettext("person", "Name")),
        Column("role", _("Role"), show=role_label),
        Column("manager", _("Manager")),
        Column("active", _("Active")),
        Column("discount_authority", _("Discount authority")),
        Column("created_at", _("Created")),
    ]


@app.command("add", help=_("Add a user (admins only)."))
def add(
    name: Annotated[str, typer.Argument(help=_("Login name: letters, digits, '.', '_', '-'."))],
    role: Annotated[str | None, typer.Option("--role", help=ROLE_HELP)] = None,
    manager: Annotated[
        str | None, typer.Option("--manager", help=_("The manager or director they report to."))
    ] = None,
    display_name: Annotated[
        str | None, typer.Option("--display-name", help=_("Name shown to people, e.g. 李娜."))
    ] = None,
) -> None:
    from salesflow.workflow.users import add_user

    if role is None:
        from salesflow.workflow.users import require_user_admin

        with context.acting() as (_session, actor):
            require_user_admin(actor)  # refuse before asking, not after
        role = ask_choice(
            _("Role of {name}?").format(name=name),
            [(code, role_label(code)) for code in ROLES],
            option="--role",
        )
    with context.acting(write=True) as (session, actor):
        created = add_user(
            session, actor, username=name, role=role, display_name=display_name, manager=manager
        )
        label = role_label(created.role)
        username = created.username
    context.note(_("Added user {name} ({role}).").format(name=username, role=label))


@app.command(
    "edit",
    help=_(
        "Change a user's role, team, name or active flag (admins only), or their discount "
        "authority (admins and directors); audited."
    ),
)
def edit(
    name: Annotated[str, typer.Argument(help=_("The user to change."))],
    role: Annotated[str | None, typer.Option("--role", help=ROLE_HELP)] = None,
    manager: Annotated[
        str | None, typer.Option("--manager", help=_("Move them to this manager's team."))
    ] = None,
    no_manager: Annotated[
        bool, typer.Option("--no-manager", help=_("Take them out of any team."))
    ] = False,
    display_name: Annotated[
        str | None, typer.Option("--display-name", help=_("Name shown to people."))
    ] = None,
    active: Annotated[
        bool | None,
        typer.Option(
            "--active/--inactive", help=_("Reactivate, or deactivate someone who has left.")
        ),
    ] = None,
    discount_authority: Annotated[
        str | None,
        typer.Option(
            "--discount-authority",
            metavar="PERCENT",
            help=_(
                "The discount they may give without approval, e.g. 15% (replaces their "
                "role's: rep 10%, manager 20%, director 100% by default); '-' clears it."
            ),
        ),
    ] = None,
) -> None:
    from salesflow.workflow.users import edit_user

    with context.acting(write=True) as (session, actor):
        result = edit_user(
            session,
            actor,
            username=name,
            role=role,
            manager=manager,
            clear_manager=no_manager,
            display_name=display_name,
            active=active,
            discount_authority=discount_authority,
        )
        username, changed = result.user.username, result.changed
    if changed:
        context.note(_("Updated user {name}.").format(name=username))
    else:
        context.note(_("Nothing changed for {name}.").format(name=username))


@app.command("list", help=_("List users with their roles and managers."))
def list_(
    role: Annotated[str | None, typer.Option("--role", help=_("Only users of this role."))] = None,
    team: Annotated[bool, typer.Option("--team", help=_("Only my team."))] = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.users import list_users

    with context.acting() as (session, actor):
        users = list_users(session, actor, role=role, team_only=team)
    render(users, user_columns(), fmt, empty_message=_("No users."))


@app.command(
    "whoami", help=_("Show the acting user, where that name came from, and what they may see.")
)
def whoami(fmt: FormatOption = OutputFormat.table) -> None:
    from dataclasses import asdict

    from salesflow.workflow.users import whoami as identify

    resolved = context.settings().user
    with context.acting() as (session, actor):
        identity = identify(session, actor, source=resolved.source)
    record = {
        **asdict(identity.user),
        "source": identity.source,
        "team_size": identity.team_size,
        "sees": identity.sees,
    }
    fields = [
        *user_columns()[:4],
        Column("discount_authority", _("Discount authority")),
        Column("source", _("Identified by"), show=source_label),
        Column("team_size", _("Team members")),
        Column("sees", _("Sees"), show=scope_label),
    ]
    render_record(record, fields, fmt)
