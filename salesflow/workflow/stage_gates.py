"""What must exist before a lead enters each stage (SPEC §4 stage gates). Pure.

contacted — at least one activity; qualified — a grade and recorded needs; proposal — a
proposal note; negotiation — a sent quote; contract — an accepted quote; won — a signed
contract; lost — a reason.

A proposal note is given with ``lead advance ID --to proposal --proposal TEXT``: the move
records it as a ``note`` activity on the lead and as the note of the stage change. A lead
that entered the proposal stage before (and was moved back) has its proposal already.

Quotes and contracts do not exist in salesflow yet, so their gates always report what is
missing and those moves are refused honestly until they do.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesflow.i18n import _


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


def missing_items(stage: str, facts: GateFacts) -> list[tuple[str, str]]:
    """(key, description) of everything missing to enter ``stage``."""
    items: list[tuple[str, str]] = []
    if stage == "contacted" and facts.activities < 1:
        items.append(("activity", _("an activity ('salesflow activity log')")))
    elif stage == "qualified":
        if facts.grade is None:
            items.append(("grade", _("a grade ('salesflow lead grade')")))
        if not (facts.need or "").strip():
            items.append(("need", _("recorded needs (--need)")))
    elif stage == "proposal" and not facts.proposal:
        items.append(("proposal", _("a proposal note (--proposal)")))
    elif stage == "negotiation" and not facts.sent_quote:
        items.append(("quote", _("a sent quote (salesflow quote, not available yet)")))
    elif stage == "contract" and not facts.accepted_quote:
        items.append(
            ("accepted-quote", _("an accepted quote (salesflow quote, not available yet)"))
        )
    elif stage == "won" and not facts.signed_contract:
        items.append(("contract", _("a signed contract (salesflow contract, not available yet)")))
    elif stage == "lost" and facts.lost_reason is None:
        items.append(("reason", _("a reason (--reason)")))
    return items


def missing_for(stage: str, facts: GateFacts) -> list[str]:
    """Everything missing to enter ``stage``, as people read it; empty when the gate opens."""
    return [text for _key, text in missing_items(stage, facts)]
