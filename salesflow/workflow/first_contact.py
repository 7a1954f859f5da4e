"""When a lead was first contacted: ``leads.first_contact_at``.

A lead's first contact is its earliest activity that is not a note (a note records
something, it does not reach the customer); empty while it has none. The time to first
contact (:func:`salesflow.workflow.kpi_process.first_contact`) reads it from the leads
index alone instead of looking up each new lead's activities.

Every path that adds activities or moves them between leads keeps it right:

* logging one activity (:func:`~salesflow.workflow.activities.log_activity`) through
  :func:`after_contact`: a contact earlier than the current first one (a backdated
  entry) lowers it, a later one leaves it, a note never sets it;
* a stage move with a proposal writes a note: nothing to do;
* activities written in bulk (the sample's activity log, by import batch) set it in the
  database, in the same UPDATE as ``last_activity_at``, from :func:`first_contact_of`;
* a merge moves the merged leads' activities onto the kept lead, whose first contact
  becomes the earliest of theirs (:func:`earliest`).

Migration 0007 fills it in for existing leads with the same definition, spelled out in
SQL (migrations do not import the application).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func
from sqlalchemy import select as sa_select

from salesflow.store.models import Activity

NOTE_KIND = "note"


def is_contact(kind: str) -> bool:
    """Whether an activity of this kind contacts the customer (everything but a note)."""
    return kind != NOTE_KIND


def after_contact(current: datetime | None, kind: str, moment: datetime) -> datetime | None:
    """A lead's first contact once an activity of ``kind`` at ``moment`` is logged on it."""
    if not is_contact(kind) or (current is not None and current <= moment):
        return current
    return moment


def earliest(moments: Iterable[datetime | None]) -> datetime | None:
    """The earliest of some leads' first contacts (None when none was contacted)."""
    known = [moment for moment in moments if moment is not None]
    return min(known) if known else None


def first_contact_of(leads: Table) -> Any:
    """SQL: the first contact of the ``leads`` row being updated or selected, worked out
    from its activities (a correlated scalar subquery; NULL when it has no contact).

    ``UPDATE leads SET first_contact_at = first_contact_of(leads) WHERE ...`` recomputes
    it for the leads a bulk write touched.
    """
    activities: Table = Activity.__table__  # type: ignore[attr-defined]
    return (
        sa_select(func.min(activities.c.occurred_at))
        .where(activities.c.lead_id == leads.c.id, activities.c.kind != NOTE_KIND)
        .correlate(leads)
        .scalar_subquery()
    )
