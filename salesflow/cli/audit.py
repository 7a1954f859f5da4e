"""``salesflow audit``: who changed what, when, from which value to which."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.cli import context, groups
from salesflow.cli.output import Column, FormatOption, OutputFormat, render
from salesflow.i18n import _

app = groups.audit


@app.command("list", help=_("List audited changes, newest first, one line per changed field."))
def list_(
    entity: Annotated[
        str | None, typer.Option("--entity", help=_("Kind of record, e.g. users."))
    ] = None,
    entity_id: Annotated[str | None, typer.Option("--id", help=_("Record ID."))] = None,
    user: Annotated[
        str | None, typer.Option("--user", help=_("Only changes made by this user."))
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help=_("Newest N events."))] = 200,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.audit import list_audit

    with context.acting() as (session, actor):
        lines = list_audit(
            session, actor, entity=entity, entity_id=entity_id, user=user, limit=limit
        )
    columns = [
        Column("event_id", _("Event"), justify="right"),
        Column("occurred_at", _("When")),
        Column("user", _("User")),
        Column("action", _("Action")),
        Column("entity", _("Record")),
        Column("entity_id", _("ID")),
        Column("field", _("Field")),
        Column("old_value", _("Old")),
        Column("new_value", _("New")),
        Column("summary", _("Note")),
    ]
    render(lines, columns, fmt, empty_message=_("No audited changes match."))
