"""``lead advance``, ``lead lose``, ``lead reopen`` and ``lead history``: the pipeline.

A refused advance (exit 1) names everything missing. In a terminal, when everything
missing can be given there (an activity, a grade, the needs, a proposal note; not a quote
or a contract), it asks "Fill these in now?" and, unless declined, takes each item in turn
and tries the move once more. Each filled-in item is saved as soon as it is complete, in
its own transaction, through the same path as its own command (``activity log``,
``lead grade``, ``lead edit --need``): a logged contact or a grading is real work and
stays even if the move is refused again. An item left half-answered (Ctrl-C) writes
nothing, though the items finished before it stay. The proposal note is the exception: it
is written with the move itself, as with ``--proposal``. Declining, ``--no-input`` or no
terminal leave the refusal as it is: exit 1, the list of what is missing, nothing written.
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
    from salesflow.cli.prompts import ask_confirm, can_prompt
    from salesflow.workflow.lead_access import parse_lead_id
    from salesflow.workflow.pipeline_moves import GateRefused, advance_lead
    from salesflow.workflow.stage_gates import FILLABLE

    try:
        with context.acting(write=True) as (session, actor):
            result = advance_lead(session, actor, lead_id, to=to, note=note, proposal=proposal)
    except GateRefused as refusal:
        keys = [key for key, _text in refusal.missing]
        if not can_prompt() or not set(keys) <= FILLABLE:
            raise
        context.note(refusal.message)
        if not ask_confirm(_("Fill these in now?"), option="--no-input", default=True):
            raise
        proposal = _fill_in(parse_lead_id(lead_id), keys, proposal)
        with context.acting(write=True) as (session, actor):
            result = advance_lead(session, actor, lead_id, to=to, note=note, proposal=proposal)
    _told(result)


def _fill_in(number: int, keys: list[str], proposal: str | None) -> str | None:
    """Ask for each missing item, saving each as it is complete; returns the proposal."""
    from salesflow.cli.activity import log_contact
    from salesflow.cli.lead.grading import record_grade, tell_grade
    from salesflow.cli.prompts import ask_text

    for key in keys:
        if key == "activity":
            context.note(_("The contact with the lead (activity log):"))
            log_contact(number, details=True)
        elif key == "grade":
            context.note(_("The grading (lead grade):"))
            tell_grade(record_grade(number))
        elif key == "need":
            _record_need(number)
        elif key == "proposal":
            proposal = ask_text(_("The proposal, in a sentence or two:"), option="--proposal")
    return proposal


def _record_need(number: int) -> None:
    """The needs, asked and saved as ``lead edit --need`` saves them."""
    from salesflow.cli.prompts import ask_validated, check_with
    from salesflow.workflow.capture import edit_lead
    from salesflow.workflow.errors import InputError
    from salesflow.workflow.lead_input import LeadInput, clean_lead

    def parse_need(text: str) -> None:
        if clean_lead(LeadInput(need=text), require=frozenset()).need is None:
            raise InputError(_("Say what they need, in a few words."))

    need = ask_validated(
        _("What do they need?"), option="--need", check=check_with(parse_need), required=True
    )
    with context.acting(write=True) as (session, actor):
        edit_lead(session, actor, number, LeadInput(need=need))
    context.note(_("Recorded the needs of lead {id}.").format(id=number))


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
