"""``lead advance``, ``lead lose``, ``lead reopen`` and ``lead history``: the pipeline.

A refused advance (exit 1) names everything missing; in a terminal, when what is missing
is a proposal note, it offers to take it there and then and tries again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from salesflow.cli import context
from salesflow.cli.lead.app import app
from salesflow.cli.output import Column, FormatOption, OutputFormat, render
from salesflow.i18n import _

if TYPE_CHECKING:
    from salesflow.workflow.pipeline_moves import MoveResult

LeadArg = Annotated[str, typer.Argument(metavar="ID", help=_("The lead number (42, #42 or L42)."))]
NoteOption = Annotated[
    str | None, typer.Option("--note", metavar="TEXT", help=_("Why; required to move back."))
]


def _stage_label(code: str) -> str:
    from salesflow.workflow.glossary import STAGES, label

    return label(STAGES, code)


def _told(result: MoveResult) -> None:
    print(result.lead_id)
    context.note(
        _("Lead {id}: {old} -> {new}.").format(
            id=result.lead_id,
            old=_stage_label(result.from_stage),
            new=_stage_label(result.to_stage),
        )
    )


@app.command("advance", help=_("Move a lead to the next stage (or --to STAGE), checking gates."))
def advance(
    lead_id: LeadArg,
    to: Annotated[
        str | None, typer.Option("--to", metavar="STAGE", help=_("The stage to move to."))
    ] = None,
    note: NoteOption = None,
    proposal: Annotated[
        str | None,
        typer.Option(
            "--proposal", metavar="TEXT", help=_("The proposal, recorded as a note activity.")
        ),
    ] = None,
) -> None:
    from salesflow.cli.prompts import ask_text, can_prompt
    from salesflow.workflow.pipeline_moves import GateRefused, advance_lead

    try:
        with context.acting(write=True) as (session, actor):
            result = advance_lead(session, actor, lead_id, to=to, note=note, proposal=proposal)
    except GateRefused as refusal:
        keys = {key for key, _text in refusal.missing}
        if proposal is not None or keys != {"proposal"} or not can_prompt():
            raise
        context.note(refusal.message)
        proposal = ask_text(_("The proposal, in a sentence or two:"), option="--proposal")
        with context.acting(write=True) as (session, actor):
            result = advance_lead(session, actor, lead_id, to=to, note=note, proposal=proposal)
    _told(result)


@app.command("lose", help=_("Close a lead as lost, with a reason."))
def lose(
    lead_id: LeadArg,
    reason: Annotated[
        str,
        typer.Option(
            "--reason",
            metavar="CODE",
            help=_("Why: price, competitor, no-budget, no-decision, timing or other."),
        ),
    ],
    competitor: Annotated[
        str | None,
        typer.Option(
            "--competitor", metavar="NAME", help=_("Who won it (with --reason competitor).")
        ),
    ] = None,
    note: NoteOption = None,
) -> None:
    from salesflow.workflow.pipeline_moves import lose_lead

    with context.acting(write=True) as (session, actor):
        result = lose_lead(session, actor, lead_id, reason=reason, competitor=competitor, note=note)
    _told(result)
    if result.competitor_missing:
        context.note(_("Tip: --competitor NAME records who won it."))


@app.command("reopen", help=_("Reopen a won or lost lead at the stage it closed from."))
def reopen(
    lead_id: LeadArg,
    to: Annotated[
        str | None, typer.Option("--to", metavar="STAGE", help=_("The stage to reopen at."))
    ] = None,
    note: NoteOption = None,
) -> None:
    from salesflow.workflow.pipeline_moves import reopen_lead

    with context.acting(write=True) as (session, actor):
        result = reopen_lead(session, actor, lead_id, to=to, note=note)
    _told(result)


@app.command("history", help=_("Show when a lead entered and left each stage."))
def history(lead_id: LeadArg, fmt: FormatOption = OutputFormat.table) -> None:
    from salesflow.workflow.pipeline_moves import stage_history

    with context.acting() as (session, actor):
        result = stage_history(session, actor, lead_id)
    render(
        result.rows,
        [
            Column("stage", _("Stage"), show=_stage_label),
            Column("entered_at", _("Entered")),
            Column("left_at", _("Left")),
            Column("days", _("Days"), justify="right"),
            Column("by", _("By")),
            Column("note", _("Note")),
        ],
        fmt,
        title=_("Stage history of lead {id}").format(id=result.lead_id),
    )
    if result.cycle_days is not None:
        context.note(_("Sales cycle: {days} days.").format(days=result.cycle_days))
