"""What must exist before a lead enters each stage (SPEC §4 stage gates). Pure.

contacted — at least one activity; qualified — a grade and recorded needs; proposal — a
proposal note; negotiation — a sent quote; contract — an accepted quote; won — a signed
contract; lost — a reason.

A proposal note is given with ``lead advance ID --to proposal --proposal TEXT``: the move
records it as a ``note`` activity on the lead and as the note of the stage change. A lead
that entered the proposal stage before (and was moved back) has its proposal already.

A quote counts for negotiation once it is sent ('salesflow quote send', which moves the
lead there itself when the other gates are met) or accepted; for contract it must be
accepted ('salesflow quote accept'). Contracts do not exist in salesflow yet, so the won
gate always reports what is missing and that move is refused honestly until they do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from salesflow.i18n import _

if TYPE_CHECKING:
    from salesflow.workflow.stage_config import StageConfig


@dataclass(frozen=True)
class GateFacts:
    """What a lead has, as far as the gates are concerned."""

    activities: int = 0
    grade: str | None = None
    need: str | None = None
    proposal: bool = False
    sent_quote: bool = False
    accepted_quote: bool = False
    signed_contract: bool = False
    lost_reason: str | None = None


# What ``lead advance`` can take at the terminal when the gate refuses: an activity, a
# grading, the needs and the proposal note. Quotes and contracts are made elsewhere.
FILLABLE = frozenset({"activity", "grade", "need", "proposal"})


def missing_items(
    stage: str, facts: GateFacts, config: StageConfig | None = None
) -> list[tuple[str, str]]:
    """(key, description) of everything missing to enter ``stage``.

    The won and lost gates belong to the stages flagged won and lost in ``config`` (by
    default the stages called so), whatever their codes; the others to their stage.
    """
    items: list[tuple[str, str]] = []
    won, lost = (config.won, config.lost) if config is not None else ("won", "lost")
    if stage == won:
        if not facts.signed_contract:
            items.append(("contract", _("a signed contract ('salesflow contract sign')")))
    elif stage == lost:
        if facts.lost_reason is None:
            items.append(("reason", _("a reason (--reason)")))
    elif stage == "contacted" and facts.activities < 1:
        items.append(("activity", _("an activity ('salesflow activity log')")))
    elif stage == "qualified":
        if facts.grade is None:
            items.append(("grade", _("a grade ('salesflow lead grade')")))
        if not (facts.need or "").strip():
            items.append(("need", _("recorded needs (--need)")))
    elif stage == "proposal" and not facts.proposal:
        items.append(("proposal", _("a proposal note (--proposal)")))
    elif stage == "negotiation" and not facts.sent_quote:
        items.append(("quote", _("a sent quote ('salesflow quote send')")))
    elif stage == "contract" and not facts.accepted_quote:
        items.append(("accepted-quote", _("an accepted quote ('salesflow quote accept')")))
    return items


def missing_for(stage: str, facts: GateFacts, config: StageConfig | None = None) -> list[str]:
    """Everything missing to enter ``stage``, as people read it; empty when the gate opens."""
    return [text for _key, text in missing_items(stage, facts, config)]
