"""The follow-ups calendar file: revisions that calendars accept as updates."""

from __future__ import annotations

from datetime import UTC, date, datetime

from icalendar import Calendar

from salesflow.store.models import User
from salesflow.workflow.agenda import AgendaItem
from salesflow.workflow.follow_up_calendar import calendar_bytes


def test_every_calendar_file_is_a_newer_revision() -> None:
    item = AgendaItem(
        lead_id=7, company="杭州样例科技有限公司", contact=None, phone=None, stage="contacted",
        grade="B", amount=None, owner="li.na", next_step_date=date(2026, 11, 20),
        next_step_action="回电", days_overdue=4, last_contact=date(2026, 11, 10),
        days_since_contact=14,
        cadence_days=14, created=date(2026, 11, 1), assignment_overdue=False,
    )  # fmt: skip
    owner = User(username="li.na", display_name="李娜", role="rep")
    sequences = []
    for now in (datetime(2026, 11, 24, 9, 0, tzinfo=UTC), datetime(2026, 11, 25, 9, 0, tzinfo=UTC)):
        ics = calendar_bytes((item,), day=now.date(), owner=owner, now=now)
        (event,) = Calendar.from_ical(ics).walk("VEVENT")
        sequences.append(int(str(event["sequence"])))
        assert event.decoded("last-modified") == now
    assert sequences[1] > sequences[0]
