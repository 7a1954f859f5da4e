"""``salesflow approval``: what waits for me, what I asked for; approve or reject.

``approval list`` shows by default the requests I may decide (pending, oldest first);
``--mine`` what I asked for and ``--all`` (directors and admins) every request, newest
first. ``approval approve ID`` and ``approval reject ID --comment TEXT`` decide one
request; a rejection needs its reason. Messages go to stderr; the list is the only data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from salesflow.cli import context, groups
from salesflow.cli.output import Column, FormatOption, OutputFormat, render
from salesflow.i18n import _, ngettext

if TYPE_CHECKING:
    from salesflow.workflow.approvals import DecisionResult

app = groups.approval

ID_HELP = _("The approval number (7, #7 or A7), from 'salesflow approval list'.")


def _status_label(code: str) -> str:
    from salesflow.workflow.glossary import APPROVAL_STATUSES, label

    return label(APPROVAL_STATUSES, code)


def _kind_label(code: str) -> str:
    from salesflow.workflow.glossary import APPROVAL_KINDS, label

    return label(APPROVAL_KINDS, code)


def _role_label(code: str) -> str:
    from salesflow.workflow.roles import role_label

    return role_label(code)


def _yuan(text: str) -> str:
    from decimal import Decimal

    from salesflow.workflow.money import format_yuan

    return format_yuan(int(Decimal(text) * 100))


def approval_columns() -> list[Column]:
    return [
        Column("id", _("ID"), justify="right"),
        Column("status", _("Status"), show=_status_label),
        Column("quote", _("Quote")),
        Column("contract", _("Contract")),
        Column("version", _("Version"), justify="right"),
        Column("company", _("Company")),
        Column("kind", _("Kind"), show=_kind_label),
        Column("asked", _("Asked")),
        Column("total", _("Total"), justify="right", show=_yuan),
        Column("required_role", _("Needs"), show=_role_label),
        Column("requested_by", _("Requested by")),
        Column("days_waiting", _("Days waiting"), justify="right"),
        Column("decided_by", _("Decided by")),
        Column("comment", _("Comment")),
    ]


@app.command(
    "list",
    help=_(
        "List approvals: by default the requests waiting for you to decide, oldest first; "
        "--mine what you asked for; --all every request (directors and admins)."
    ),
)
def list_(
    mine: Annotated[
        bool, typer.Option("--mine", help=_("The requests you asked for, decided or not."))
    ] = False,
    everything: Annotated[
        bool, typer.Option("--all", help=_("Every request (directors and admins)."))
    ] = False,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            metavar="STATUS",
            help=_("Only this status: pending, approved, rejected or withdrawn."),
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help=_("At most this many rows."))] = 100,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.approvals import list_approvals

    with context.acting() as (session, actor):
        rows = list_approvals(
            session, actor, mine=mine, everything=everything, status=status, limit=limit
        )
    if mine:
        empty = _("You have asked for no approvals.")
    elif everything:
        empty = _("No approvals.")
    else:
        empty = _("Nothing waits for your approval.")
    # Scripts get every field (stored codes); people get the columns above.
    people = fmt in (OutputFormat.table, OutputFormat.markdown)
    columns = approval_columns() if people else _data_columns()
    render(rows, columns, fmt, title=_("Approvals"), empty_message=empty)


def _data_columns() -> list[Column]:
    from dataclasses import fields

    from salesflow.workflow.approvals import ApprovalRow

    return [Column(field.name, field.name) for field in fields(ApprovalRow)]


def _decide(approval_id: str, *, approve: bool, comment: str | None) -> DecisionResult:
    from salesflow.workflow.approvals import decide_approval

    with context.acting(write=True) as (session, actor):
        result = decide_approval(session, actor, approval_id, approve=approve, comment=comment)
    _tell(result)
    return result


def _tell(result: DecisionResult) -> None:
    from salesflow.workflow.glossary import QUOTE_STATUSES, label

    if result.status == "approved":
        context.note(_("Approved request {id}.").format(id=result.approval_id))
    else:
        context.note(_("Rejected request {id}.").format(id=result.approval_id))
    if result.contract:
        if result.quote_status == "approved":
            context.note(
                _("Contract {number} is approved; it can be sent.").format(number=result.number)
            )
        elif result.quote_status == "draft":
            context.note(_("Contract {number} is back in draft.").format(number=result.number))
        else:
            context.note(
                ngettext(
                    "Contract {number} waits for {count} more approval.",
                    "Contract {number} waits for {count} more approvals.",
                    result.still_pending,
                ).format(number=result.number, count=result.still_pending)
            )
        return
    if result.quote_status == "approved":
        context.note(_("Quote {number} is approved; it can be sent.").format(number=result.number))
    elif result.quote_status == "draft":
        context.note(
            _("Quote {number} is back in draft for its owner to change.").format(
                number=result.number
            )
        )
    else:
        context.note(
            ngettext(
                "Quote {number} is {status}: {count} more request waits.",
                "Quote {number} is {status}: {count} more requests wait.",
                result.still_pending,
            ).format(
                number=result.number,
                status=label(QUOTE_STATUSES, result.quote_status),
                count=result.still_pending,
            )
        )


@app.command("approve", help=_("Approve a request that waits for you (audited)."))
def approve(
    approval_id: Annotated[str, typer.Argument(metavar="ID", help=ID_HELP)],
    comment: Annotated[
        str | None, typer.Option("--comment", "-m", help=_("A note for the requester."))
    ] = None,
) -> None:
    _decide(approval_id, approve=True, comment=comment)


@app.command(
    "reject",
    help=_(
        "Reject a request that waits for you; the reason is required. The quote goes back "
        "to draft and its other requests are withdrawn (audited)."
    ),
)
def reject(
    approval_id: Annotated[str, typer.Argument(metavar="ID", help=ID_HELP)],
    comment: Annotated[
        str | None,
        typer.Option("--comment", "-m", help=_("Why, and what would be acceptable (required).")),
    ] = None,
) -> None:
    _decide(approval_id, approve=False, comment=comment)
