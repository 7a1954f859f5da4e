"""The sample leads' stage history: how each got to the stage it is imported at.

An imported lead starts with one history row: it entered its current stage when it was
created (or closed). Real leads walk the stages one by one, and the pipeline's funnel and
the process KPIs (conversion from stage to stage, days per stage, where deals get stuck)
read that walk. So after ``init --sample`` imports its leads, this writes the walk of
every sample lead, deterministically:

* an open lead walked the configured open stages from the first to its own;
* a won lead walked all of them, then won at its closed time;
* a lost lead walked up to a stage picked from its id (from the first stage to
  negotiation), then was lost at its closed time.

The moves are spread between the lead's creation and its close (open leads: its latest
contact), each stage taking a share of that time by a fixed weight per stage — proposals
take longest, as in the manuals' complaint that deals stall at the proposal — and the
lead's ``stage_entered_at`` becomes its last move. Rows are written in bulk by the lead's
owner, with one audit event.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, update
from sqlmodel import Session, col, select

from salesflow.store.audit import record_event
from salesflow.store.bulk import insert_many
from salesflow.store.models import Lead, StageChange
from salesflow.workflow.stage_config import StageConfig, load_stages

# How long a lead stays in each stage, relatively (unknown stages weigh 2).
STAGE_WEIGHTS = {
    "new": 1,
    "contacted": 2,
    "qualified": 3,
    "proposal": 5,
    "negotiation": 3,
    "contract": 2,
}
LOST_FROM = 5  # a lost lead left from one of the first five open stages
OPEN_TAIL = 0.2  # an open lead has spent this share of its time in its current stage


def walk(stage: str, lead_id: int, config: StageConfig) -> list[str]:
    """The stages a sample lead went through, first to current."""
    chain = list(config.open_codes)
    if stage == config.won:
        return [*chain, stage]
    if stage == config.lost:
        return [*chain[: 1 + lead_id % min(LOST_FROM, len(chain))], stage]
    if stage in chain:
        return chain[: chain.index(stage) + 1]
    return [stage]


def move_times(path: list[str], start: datetime, end: datetime, *, closed: bool) -> list[datetime]:
    """When the lead entered each stage of ``path``: the first at ``start``; a closed
    lead's last at ``end``; the stages in between after their predecessors' shares."""
    if len(path) == 1 or end <= start:
        return [start] * len(path)
    stays = [STAGE_WEIGHTS.get(stage, 2) for stage in path[:-1]]
    span = end - start
    if not closed:
        span = span * (1 - OPEN_TAIL)
    total = sum(stays)
    times, elapsed = [start], 0
    for stay in stays:
        elapsed += stay
        times.append(start + span * elapsed / total)
    return times


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def load_sample_history(session: Session, batch_id: int) -> int:
    """Write the walk of every lead of the sample batch; returns the moves written."""
    config = load_stages()
    leads = session.exec(
        select(Lead).where(Lead.import_batch_id == batch_id).order_by(col(Lead.id))
    ).all()
    now = datetime.now(UTC)
    moves: list[dict[str, Any]] = []
    entered: dict[int, tuple[str, datetime]] = {}  # lead id -> (first stage, when)
    last_moves: dict[int, datetime] = {}
    for lead in leads:
        assert lead.id is not None
        path = walk(lead.stage, lead.id, config)
        if len(path) == 1:
            continue
        start = _aware(lead.created_at)
        closed = lead.closed_at is not None
        if lead.closed_at is not None:
            end = _aware(lead.closed_at)
        elif lead.last_activity_at is not None:
            end = _aware(lead.last_activity_at)
        else:
            end = min(start + timedelta(days=2), now)
        times = move_times(path, start, end, closed=closed)
        entered[lead.id] = (path[0], times[0])
        for index in range(1, len(path)):
            moves.append(
                {
                    "lead_id": lead.id,
                    "from_stage": path[index - 1],
                    "to_stage": path[index],
                    "changed_at": times[index],
                    "changed_by_id": lead.owner_id,
                    "note": None,
                    "from_entered_at": times[index - 1],
                }
            )
        last_moves[lead.id] = times[-1]
    history: Table = StageChange.__table__  # type: ignore[attr-defined]
    leads_table: Table = Lead.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    # Through the connection, like the bulk inserts: one audit event covers the history.
    for lead_id, (first, moment) in entered.items():
        connection.execute(
            update(history)
            .where(history.c.lead_id == lead_id, history.c.from_stage.is_(None))
            .values(to_stage=first, changed_at=moment)
        )
        connection.execute(
            update(leads_table)
            .where(leads_table.c.id == lead_id)
            .values(stage_entered_at=last_moves[lead_id])
        )
    insert_many(session, StageChange, moves)
    record_event(
        session,
        action="import",
        entity="stage_changes",
        entity_id=str(batch_id),
        summary=(
            f"sample stage history for import batch {batch_id}: {len(moves)} moves on "
            f"{len(entered)} leads"
        ),
    )
    session.flush()
    return len(moves)
