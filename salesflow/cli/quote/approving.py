"""``salesflow quote submit``: ask for the approvals a draft quote needs.

It prints the new approval numbers on stdout (nothing when the quote needs none and is
approved at once) and what was asked, and of whom, on stderr.
"""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.cli import context, groups
from salesflow.i18n import _, ngettext

app = groups.quote


@app.command(
    "submit",
    help=_(
        "Submit a draft quote for approval: a discount beyond the owner's authority or "
        "payment terms other than cash on delivery need a manager or director; with "
        "neither the quote is approved at once. Prints the approval numbers."
    ),
)
def submit(
    number: Annotated[
        str, typer.Argument(metavar="QUOTE", help=_("The quote number, e.g. Q-2026-0001."))
    ],
) -> None:
    from salesflow.workflow.approvals import submit_quote
    from salesflow.workflow.money import percent_text
    from salesflow.workflow.roles import role_label

    with context.acting(write=True) as (session, actor):
        result = submit_quote(session, actor, number)
    for approval in result.approvals:
        print(approval.id)
    if not result.approvals:
        context.note(
            _("Quote {number} needs no approval and is approved; it can be sent.").format(
                number=result.number
            )
        )
        return
    context.note(
        ngettext(
            "Submitted quote {number}: {count} approval requested.",
            "Submitted quote {number}: {count} approvals requested.",
            len(result.approvals),
        ).format(number=result.number, count=len(result.approvals))
    )
    for approval in result.approvals:
        context.note(
            _("Approval {id}: {asked}, by a {role}.").format(
                id=approval.id, asked=approval.asked, role=role_label(approval.required_role)
            )
        )
    if any(approval.kind == "discount" for approval in result.approvals):
        context.note(
            _("The largest discount, {asked}, is beyond an authority of {mine}.").format(
                asked=percent_text(result.discount_bp), mine=percent_text(result.authority_bp)
            )
        )
