"""Moving a lead through the pipeline: advance, lose, reopen, and its stage history.

Every move writes a :class:`~salesflow.store.models.StageChange` row and sets the lead's
``stage_entered_at``; a refusal changes nothing. Forward moves check the gate of every
stage passed (:mod:`salesflow.workflow.stage_gates`); a won or lost lead is reopened
before it moves; a move backwards needs a note, which is recorded. Losing needs a reason
from the glossary's lost reasons.

A lead's history starts with its *entry*: the one row with no ``from_stage``, written when
the lead is created (``lead add``, ``lead import``, the sample load) by
:func:`entry_change`. It enters the stage the lead starts at: for a won or lost lead
carried over from another CRM that is its closed date, else its created date; the lead's
``stage_entered_at`` is set the same way (:func:`entered_at`). The entry's stored note is
empty: notes are data, and an English or Chinese marker would be stored in one person's
language; whether the lead came from an import is already on ``leads.import_batch_id``,
and :func:`stage_history` shows the entry of an imported lead as "imported" in the reader's
language. Moves always have a ``from_stage``, which is how an import's undo tells the
import's own entry rows from later moves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from salesflow.i18n import _
from salesflow.store.models import Activity, Contract, Lead, Quote, StageChange, User
from salesflow.store.types import utcnow
from salesflow.workflow.activities import clean_activity_text
from salesflow.workflow.errors import InputError, Refused
from salesflow.workflow.glossary import LOST_REASONS, STAGES, label, parse_code
from salesflow.workflow.lead_access import lead_for_reading, lead_for_update, parse_lead_id
from salesflow.workflow.stage_config import StageConfig, load_stages
from salesflow.workflow.stage_gates import FILLABLE, GateFacts, missing_items

MAX_NOTE = 2000
MAX_COMPETITOR = 100


class GateRefused(Refused):
    """A forward move whose gates are not met; ``missing`` holds (key, description)."""

    def __init__(
        self, message: str, missing: list[tuple[str, str]], *, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.missing = missing


@dataclass(frozen=True)
class MoveResult:
    lead_id: int
    from_stage: str
    to_stage: str
    backwards: bool = False
    competitor_missing: bool = False


@dataclass(frozen=True)
class HistoryRow:
    stage: str
    entered_at: datetime
    left_at: datetime | None
    days: int
    by: str | None
    note: str | None


@dataclass(frozen=True)
class History:
    lead_id: int
    rows: list[HistoryRow]
    cycle_days: int | None  # from creation to closing, for a won or lost lead


def entered_at(stage: str, created_at: datetime, closed_at: datetime | None) -> datetime:
    """When a new lead entered the stage it starts at: closed for won/lost, else created.

    Only a lead at a won or lost stage has a closed date (lead_input checks that against
    the stages' flags), so the closed date, when there is one, is when it got there.
    """
    return closed_at if closed_at is not None else created_at


def lifecycle_for(stages: Sequence[str | None], config: StageConfig) -> str:
    """A new customer's lifecycle from the stages its deals start at (import, add): a
    customer with a won deal, a prospect with one past the first stage, else a lead."""
    if config.won in stages:
        return "customer"
    progressed = set(config.open_codes[1:])
    return "prospect" if any(s in progressed for s in stages) else "lead"


def entry_change(
    lead_id: int,
    *,
    stage: str,
    created_at: datetime,
    closed_at: datetime | None,
    by_id: int | None,
) -> dict[str, Any]:
    """The values of a new lead's first stage-history row (see the module doc).

    A dict, so the bulk path of imports writes it as it is and ``lead add`` as
    ``StageChange(**values)`` through the audited session.
    """
    return {
        "lead_id": lead_id,
        "from_stage": None,
        "to_stage": stage,
        "changed_at": entered_at(stage, created_at, closed_at),
        "changed_by_id": by_id,
        "note": None,
    }


def _stage_name(code: str) -> str:
    return label(STAGES, code)


def _parse_stage(config: StageConfig, raw: str, option: str) -> str:
    code = parse_code(STAGES, raw, field=option)
    if not config.has(code):
        raise InputError(
            _("Stage '{stage}' is not among the stages in use ({option}).").format(
                stage=raw, option=option
            ),
            hint=_("Choose one of: {codes}.").format(codes=", ".join(config.codes)),
        )
    return code


def gate_facts(session: Session, lead: Lead, *, proposal: bool = False) -> GateFacts:
    activities = session.exec(
        select(func.count()).select_from(Activity).where(Activity.lead_id == lead.id)
    ).one()
    had_proposal = session.exec(
        select(func.count())
        .select_from(StageChange)
        .where(StageChange.lead_id == lead.id, StageChange.to_stage == "proposal")
    ).one()
    quote_statuses = set(
        session.exec(
            select(Quote.status)
            .where(Quote.lead_id == lead.id, col(Quote.status).in_(("sent", "accepted")))
            .distinct()
        ).all()
    )
    signed = session.exec(
        select(func.count())
        .select_from(Contract)
        .where(Contract.lead_id == lead.id, col(Contract.status).in_(("signed", "archived")))
    ).one()
    return GateFacts(
        activities=int(activities),
        signed_contract=bool(signed),
        sent_quote=bool(quote_statuses),
        accepted_quote="accepted" in quote_statuses,
        grade=lead.grade,
        need=lead.need,
        proposal=proposal or bool(had_proposal),
        lost_reason=lead.lost_reason,
    )


def record_move(
    session: Session, actor: User, lead: Lead, to: str, *, note: str | None, now: datetime
) -> StageChange:
    """Move ``lead`` to stage ``to`` at ``now`` and write the move into its history."""
    change = StageChange(
        lead_id=lead.id or 0,
        from_stage=lead.stage,
        to_stage=to,
        changed_at=now,
        changed_by_id=actor.id,
        note=note,
        from_entered_at=lead.stage_entered_at,
    )
    session.add(change)
    lead.stage = to
    lead.stage_entered_at = now
    lead.updated_at = now
    session.add(lead)
    return change


def _refuse_closed(config: StageConfig, lead: Lead) -> None:
    if lead.stage in config.closed_codes:
        raise Refused(
            _("Lead {id} is {stage}; reopen it first.").format(
                id=lead.id, stage=_stage_name(lead.stage)
            ),
            hint=_("'salesflow lead reopen {id}' reopens it.").format(id=lead.id),
        )


def advance_lead(
    session: Session,
    actor: User,
    lead_id: int | str,
    *,
    to: str | None = None,
    note: str | None = None,
    proposal: str | None = None,
    config: StageConfig | None = None,
) -> MoveResult:
    """Move a lead to ``to`` (default: the next stage), checking the gates on the way."""
    config = config or load_stages()
    number = parse_lead_id(lead_id)
    note = clean_activity_text(note, option="--note", limit=MAX_NOTE)
    proposal = clean_activity_text(proposal, option="--proposal", limit=MAX_NOTE)
    target = _parse_stage(config, to, "--to") if to is not None else None
    lead = lead_for_update(session, actor, number)
    _refuse_closed(config, lead)
    order = (*config.open_codes, config.won)
    if lead.stage not in order:
        raise Refused(
            _("Lead {id} is at stage '{stage}', which is not among the stages in use.").format(
                id=lead.id, stage=lead.stage
            ),
            hint=_("Move it with --to STAGE and --note."),
        )
    current = order.index(lead.stage)
    if target is None:
        if current + 1 >= len(order):
            raise Refused(_("Lead {id} is at the last stage.").format(id=lead.id))
        target = order[current + 1]
    if target == config.lost:
        raise Refused(
            _("A lead is lost with 'salesflow lead lose {id} --reason CODE'.").format(id=lead.id)
        )
    wanted = order.index(target)
    if proposal is not None and "proposal" not in order[current + 1 : wanted + 1]:
        raise InputError(
            _(
                "--proposal is for a move into the proposal stage; lead {id} would go from "
                "{start} to {stage}."
            ).format(id=lead.id, start=_stage_name(lead.stage), stage=_stage_name(target)),
            hint=_("Record other notes with 'salesflow activity log {id} --kind note'.").format(
                id=lead.id
            ),
        )
    if wanted == current:
        raise Refused(
            _("Lead {id} is already at {stage}.").format(id=lead.id, stage=_stage_name(target))
        )
    now = utcnow()
    if wanted < current:
        if note is None:
            raise InputError(
                _("Moving lead {id} back to {stage} needs a note saying why (--note).").format(
                    id=lead.id, stage=_stage_name(target)
                )
            )
        record_move(session, actor, lead, target, note=note, now=now)
        return MoveResult(number, order[current], target, backwards=True)
    facts = gate_facts(session, lead, proposal=proposal is not None)
    missing: list[tuple[str, str]] = []
    for code in order[current + 1 : wanted + 1]:
        missing.extend(item for item in missing_items(code, facts, config) if item not in missing)
    if missing:
        hint = None
        if all(key in FILLABLE for key, _text in missing):
            hint = _(
                "In a terminal, 'salesflow lead advance {id}' offers to fill these in there "
                "and then; each one is saved as soon as it is complete."
            ).format(id=lead.id)
        raise GateRefused(
            _("Lead {id} cannot enter {stage}; missing: {missing}.").format(
                id=lead.id,
                stage=_stage_name(target),
                missing="; ".join(text for _key, text in missing),
            ),
            missing,
            hint=hint,
        )
    if proposal is not None:
        session.add(
            Activity(
                lead_id=number,
                customer_id=lead.customer_id,
                user_id=actor.id or 0,
                kind="note",
                occurred_at=now,
                summary=proposal,
                created_at=now,
            )
        )
        lead.last_activity_at = now
        # A note does not contact the customer: the lead's first_contact_at stays.
    start = lead.stage
    record_move(session, actor, lead, target, note=note or proposal, now=now)
    if target == config.won:
        _close(lead, now)
    return MoveResult(number, start, target)


def _close(lead: Lead, now: datetime) -> None:
    """A won or lost lead is closed now and has no next step any more (its last one is
    kept in the activity log); a reopened lead gets a new one with its next contact."""
    lead.closed_at = now
    lead.next_step_date = None
    lead.next_step_action = None


def lose_lead(
    session: Session,
    actor: User,
    lead_id: int | str,
    *,
    reason: str,
    competitor: str | None = None,
    note: str | None = None,
    config: StageConfig | None = None,
) -> MoveResult:
    """Close a lead as lost, with a reason from the glossary (and the competitor, if any)."""
    config = config or load_stages()
    number = parse_lead_id(lead_id)
    code = parse_code(LOST_REASONS, reason, field="--reason")
    competitor = clean_activity_text(
        competitor, option="--competitor", limit=MAX_COMPETITOR, multiline=False
    )
    if competitor is not None and code != "competitor":
        raise InputError(
            _("--competitor goes with --reason competitor, not {reason}.").format(reason=code)
        )
    note = clean_activity_text(note, option="--note", limit=MAX_NOTE)
    lead = lead_for_update(session, actor, number)
    _refuse_closed(config, lead)
    start = lead.stage
    now = utcnow()
    record_move(session, actor, lead, config.lost, note=note, now=now)
    lead.lost_reason = code
    lead.competitor = competitor
    _close(lead, now)
    return MoveResult(
        number, start, config.lost, competitor_missing=code == "competitor" and not competitor
    )


def reopen_lead(
    session: Session,
    actor: User,
    lead_id: int | str,
    *,
    to: str | None = None,
    note: str | None = None,
    config: StageConfig | None = None,
) -> MoveResult:
    """A won or lost lead back to the stage it closed from (or ``to``), recorded."""
    config = config or load_stages()
    number = parse_lead_id(lead_id)
    note = clean_activity_text(note, option="--note", limit=MAX_NOTE)
    target = _parse_stage(config, to, "--to") if to is not None else None
    lead = lead_for_update(session, actor, number)
    if lead.stage not in config.closed_codes:
        raise Refused(
            _("Lead {id} is open ({stage}); only a won or lost lead is reopened.").format(
                id=lead.id, stage=_stage_name(lead.stage)
            )
        )
    if target is None:
        target = session.exec(
            select(StageChange.from_stage)
            .where(StageChange.lead_id == number, StageChange.to_stage == lead.stage)
            .order_by(col(StageChange.changed_at).desc(), col(StageChange.id).desc())
        ).first()
        if target is None or target in config.closed_codes or not config.has(target):
            raise InputError(
                _("Lead {id} has no recorded stage before it closed; say which (--to).").format(
                    id=lead.id
                )
            )
    if target in config.closed_codes:
        raise InputError(
            _("Reopen to an open stage, not {stage} (--to).").format(stage=_stage_name(target))
        )
    start = lead.stage
    record_move(session, actor, lead, target, note=note, now=utcnow())
    lead.closed_at = None
    lead.lost_reason = None
    lead.competitor = None
    return MoveResult(number, start, target)


def stage_history(session: Session, actor: User, lead_id: int | str) -> History:
    """When the lead entered and left each stage, with days in each."""
    number = parse_lead_id(lead_id)
    lead = lead_for_reading(session, actor, number)
    changes = session.exec(
        select(StageChange)
        .where(StageChange.lead_id == number)
        .order_by(col(StageChange.changed_at), col(StageChange.id))
    ).all()
    names = dict(session.exec(select(User.id, User.username)).all())
    now = utcnow()
    first = changes[0].from_stage if changes else lead.stage
    entries: list[tuple[str, datetime, str | None, str | None]] = []
    if first is not None:
        entries.append((first, lead.created_at, None, None))
    for change in changes:
        by = names.get(change.changed_by_id) if change.changed_by_id is not None else None
        note = change.note
        if change.from_stage is None and note is None and lead.import_batch_id is not None:
            note = _("imported")
        entries.append((change.to_stage, change.changed_at, by, note))
    rows: list[HistoryRow] = []
    for index, (stage, entered, by, note) in enumerate(entries):
        left = entries[index + 1][1] if index + 1 < len(entries) else None
        days = ((left or now) - entered).days
        rows.append(HistoryRow(stage, entered, left, max(days, 0), by, note))
    cycle = None
    if lead.closed_at is not None:
        cycle = max((lead.closed_at - lead.created_at).days, 0)
    return History(number, rows, cycle)
