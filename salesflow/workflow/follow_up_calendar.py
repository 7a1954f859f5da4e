"""The follow-ups of an agenda as an iCalendar file (RFC 5545) a phone calendar imports.

Every open lead of the agenda's owner that has a next step becomes one all-day event:
overdue, due on the day, and every later one (at most :data:`MAX_EVENTS`, the soonest
first; the result says how many there were). An overdue step is put on the agenda's day,
not on its past date, so it shows up where the person looks today, its summary saying
since when it is overdue. Each event's UID is stable per lead
(``lead-42-next-step@salesflow``): importing a newer file updates the event (a moved
date, a new action) instead of adding a second one. Calendars only replace an event
by a newer revision, so every file is one: its events carry ``LAST-MODIFIED`` (when the
file was made) and a ``SEQUENCE`` that grows with it (minutes since 2026-01-01), and an
overdue step moved to a later agenda day replaces the earlier one.

The events carry the lead number, stage, contact and phone: the file leaves the system,
so writing it is recorded in the audit trail like an export (:func:`record_calendar_export`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from salesflow.i18n import _, format_date
from salesflow.store.audit import record_event
from salesflow.store.models import User
from salesflow.store.types import utcnow
from salesflow.workflow.agenda import AgendaItem, AgendaQuery, agenda_query, lead_section
from salesflow.workflow.contacts import format_phone
from salesflow.workflow.glossary import STAGES, label

MAX_EVENTS = 500
SEQUENCE_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
PRODID = "-//salesflow//follow-ups//EN"


@dataclass(frozen=True)
class FollowUpCalendar:
    content: bytes  # the .ics file, UTF-8
    events: int  # events written
    total: int  # follow-ups there were (more than ``events`` when capped)
    user: str


def event_uid(lead_id: int) -> str:
    return f"lead-{lead_id}-next-step@salesflow"


def follow_ups(query: AgendaQuery) -> tuple[int, tuple[AgendaItem, ...]]:
    """The owner's open leads with a next step, soonest first: their count and the first."""
    wide = replace(query, limit=MAX_EVENTS)

    def where(lead: Any) -> list[Any]:
        return [
            wide.scope.owner_clause(lead.owner_id),
            lead.owner_id == wide.owner.id,
            lead.stage.not_in(sorted(wide.closed_stages)),
            lead.next_step_date.is_not(None),
        ]

    section = lead_section(wide, "follow_ups", where, lambda lead: [lead.next_step_date])
    return section.total, section.items


def follow_up_calendar(
    session: Session,
    actor: User,
    *,
    whose: str | None,
    day: date,
    now: datetime | None = None,
) -> FollowUpCalendar:
    """The calendar file of ``whose``'s follow-ups (default: the actor's), as bytes."""
    query = agenda_query(session, actor, whose=whose, day=day)
    total, items = follow_ups(query)
    content = calendar_bytes(items, day=day, owner=query.owner, now=now or utcnow())
    return FollowUpCalendar(
        content=content, events=len(items), total=total, user=query.owner.username
    )


@dataclass(frozen=True)
class _Texts:
    """The event texts, translated once per file rather than once per event."""

    overdue: str
    step: str
    follow_up: str
    lead: str
    stage: str
    grade: str
    contact: str
    phone: str
    due: str
    show: str

    @classmethod
    def translated(cls) -> _Texts:
        return cls(
            overdue=_("Overdue since {date}: {action} — {company}"),
            step=_("{action} — {company}"),
            follow_up=_("follow up"),
            lead=_("Lead {id}"),
            stage=_("Stage: {stage}"),
            grade=_("Grade: {grade}"),
            contact=_("Contact: {name}"),
            phone=_("Phone: {phone}"),
            due=_("Due: {date}"),
            show=_("'salesflow lead show {id}' shows the lead."),
        )


def _summary(item: AgendaItem, day: date, texts: _Texts) -> str:
    action = item.next_step_action or texts.follow_up
    if item.next_step_date is not None and item.next_step_date < day:
        return texts.overdue.format(
            date=format_date(item.next_step_date), action=action, company=item.company
        )
    return texts.step.format(action=action, company=item.company)


def _description(item: AgendaItem, texts: _Texts, stages: dict[str, str]) -> str:
    lines = [
        texts.lead.format(id=item.lead_id),
        texts.stage.format(stage=stages.get(item.stage, item.stage)),
    ]
    if item.grade:
        lines.append(texts.grade.format(grade=item.grade))
    if item.contact:
        lines.append(texts.contact.format(name=item.contact))
    if item.phone:
        lines.append(texts.phone.format(phone=format_phone(item.phone)))
    if item.next_step_date is not None:
        lines.append(texts.due.format(date=format_date(item.next_step_date)))
    lines.append(texts.show.format(id=item.lead_id))
    return "\n".join(lines)


def calendar_bytes(
    items: tuple[AgendaItem, ...], *, day: date, owner: User, now: datetime
) -> bytes:
    """An RFC 5545 calendar with one all-day event per follow-up."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add(
        "x-wr-calname",
        _("salesflow follow-ups of {name}").format(name=owner.display_name or owner.username),
    )
    texts = _Texts.translated()
    stages = {code: label(STAGES, code) for code in STAGES}
    revision = max(0, int((now - SEQUENCE_EPOCH).total_seconds()) // 60)
    for item in items:
        if item.next_step_date is None:
            continue
        on = max(item.next_step_date, day)
        event = Event()
        event.add("uid", event_uid(item.lead_id))
        event.add("dtstamp", now)
        event.add("last-modified", now)
        event.add("sequence", revision)
        event.add("dtstart", on)
        event.add("dtend", on + timedelta(days=1))
        event.add("summary", _summary(item, day, texts))
        event.add("description", _description(item, texts, stages))
        event.add("transp", "TRANSPARENT")
        event.add("categories", ["salesflow"])
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def record_calendar_export(session: Session, *, calendar: FollowUpCalendar, path: str) -> None:
    """The calendar file holds contacts and phones: its writing is audited as an export."""
    record_event(
        session,
        action="export",
        entity="leads",
        entity_id="*",
        summary=f"{calendar.events} follow-ups of {calendar.user} as ics to {path}",
    )
