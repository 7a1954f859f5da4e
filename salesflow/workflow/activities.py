"""The activity log (跟进记录): calls, visits, meetings, emails, WeChat messages and notes.

Logging a contact with an open lead must set the next step (SPEC §4, follow-up cadence):
the action is required, and the date, when not given, is the lead's grade cadence counted
from the day of the contact (A 7, B 14, C 30 days in the default rubric; never before
today). An ungraded lead gets the C cadence, the loosest: the result says so, so the
person is told to grade it. A next date before today is refused. On a won or lost lead
the next step is optional.

Writes go through ORM objects, so the activity and the lead's new next step,
``last_activity_at``, ``first_contact_at`` (when the activity is its earliest contact
that is not a note) and ``updated_at`` are all in the audit trail. A rep logs only on
their own leads (:func:`~salesflow.workflow.lead_access.lead_for_update`); someone else's
lead is "not found" when it is out of sight, refused when it is visible but not theirs.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from salesflow.i18n import _, format_date, format_datetime
from salesflow.store.models import Activity, Customer, Lead, User
from salesflow.store.types import utcnow
from salesflow.workflow.dates import parse_day
from salesflow.workflow.errors import InputError, NotFound
from salesflow.workflow.first_contact import after_contact
from salesflow.workflow.glossary import ACTIVITY_KINDS, parse_code
from salesflow.workflow.identity import find_user
from salesflow.workflow.lead_access import lead_for_update, parse_lead_id
from salesflow.workflow.rubric import load_rubric
from salesflow.workflow.stage_config import load_stages
from salesflow.workflow.visibility import scope_for
from salesflow.workflow.workdays import local_date

MAX_SUMMARY = 2000
MAX_OUTCOME = 2000
MAX_ACTION = 200
MAX_LIST = 10_000
UNGRADED_CADENCE_GRADE = "C"
# A clock a few minutes ahead of the server's is not a contact in the future.
CLOCK_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class LogResult:
    """What ``log_activity`` wrote, and how the next step's date was chosen."""

    activity_id: int
    lead_id: int
    kind: str
    occurred_at: datetime
    next_date: date | None
    next_action: str | None
    date_from_cadence: bool  # the next date was not given: today + the grade's cadence
    cadence_grade: str | None  # the grade whose cadence was used (C for an ungraded lead)
    cadence_days: int | None
    lead_ungraded: bool


@dataclass(frozen=True)
class ActivityRow:
    """One activity as ``activity list`` shows it."""

    id: int
    occurred_at: datetime
    lead_id: int
    company: str
    kind: str
    user: str
    summary: str
    outcome: str | None
    next_date: date | None
    next_action: str | None


def clean_activity_text(
    value: str | None, *, option: str, limit: int, multiline: bool = True
) -> str | None:
    """Trimmed NFC text, ``None`` when empty; refuses control characters and overlong text."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        return None
    allowed = "\n" if multiline else ""
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text):
        raise InputError(
            _("The value contains control characters ({option}).").format(option=option)
        )
    if len(text) > limit:
        raise InputError(
            _("The value is {length} characters long; at most {limit} are kept ({option}).").format(
                length=len(text), limit=limit, option=option
            )
        )
    return text


def parse_moment(text: str, today: date, *, option: str = "--at") -> datetime:
    """A time as people type it: ISO (``2026-11-24 15:30``) or a day (midnight, local)."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("/", "-"))
    except ValueError:
        moment = datetime.combine(parse_day(value, today, option=option), time())
    if moment.tzinfo is None:
        moment = moment.astimezone()  # the person's local time zone
    return moment.astimezone(UTC)


def _day(value: date | str | None, today: date, option: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if not value.strip():
        return None
    return parse_day(value, today, option=option)


def _occurred(value: datetime | str | None, today: date, now: datetime) -> datetime:
    if value is None:
        return now
    moment = parse_moment(value, today) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.astimezone()
    moment = moment.astimezone(UTC)
    if moment > now + CLOCK_SLACK:
        raise InputError(
            _("The activity time {moment} is in the future (--at).").format(
                moment=format_datetime(moment)
            ),
            hint=_("Log an activity once it has happened; plan the next one with --next-date."),
        )
    return moment


def log_activity(
    session: Session,
    actor: User,
    lead_id: int | str,
    *,
    kind: str,
    summary: str | None,
    outcome: str | None = None,
    next_date: date | str | None = None,
    next_action: str | None = None,
    occurred_at: datetime | str | None = None,
    today: date | None = None,
) -> LogResult:
    """Record one contact with a lead and set the lead's next step; see the module doc."""
    number = parse_lead_id(lead_id)
    day = today or date.today()
    now = utcnow()
    code = parse_code(ACTIVITY_KINDS, kind, field="--kind")
    text = clean_activity_text(summary, option="--summary", limit=MAX_SUMMARY)
    if text is None:
        raise InputError(
            _("The summary is empty (--summary)."),
            hint=_("Say in a sentence what happened: --summary TEXT."),
        )
    result_text = clean_activity_text(outcome, option="--outcome", limit=MAX_OUTCOME)
    action = clean_activity_text(
        next_action, option="--next-action", limit=MAX_ACTION, multiline=False
    )
    step_date = _day(next_date, day, "--next-date")
    moment = _occurred(occurred_at, day, now)
    if step_date is not None and step_date < day:
        raise InputError(
            _("The next date {date} is in the past (--next-date).").format(
                date=format_date(step_date)
            ),
            hint=_("Give today or a later day, e.g. --next-date tomorrow."),
        )

    lead = lead_for_update(session, actor, number)
    assert lead.id is not None
    assert actor.id is not None
    # Open means neither won nor lost by the flags of the stages in use, whatever the names.
    is_open = lead.stage not in load_stages().closed_codes
    wants_step = is_open or step_date is not None or action is not None
    if wants_step and action is None:
        message = (
            _("Lead {id} is open: the next step is required (--next-action).")
            if is_open
            else _("A next date needs the step itself (--next-action).")
        )
        raise InputError(
            message.format(id=lead.id),
            hint=_("Say what happens next, e.g. --next-action 'send the quote'."),
        )
    cadence_grade: str | None = None
    cadence_days: int | None = None
    defaulted = wants_step and step_date is None
    if defaulted:
        cadence_grade = lead.grade or UNGRADED_CADENCE_GRADE
        cadence_days = load_rubric().cadence_for(cadence_grade)
        step_date = max(day, local_date(moment) + timedelta(days=cadence_days))

    activity = Activity(
        lead_id=lead.id,
        customer_id=lead.customer_id,
        user_id=actor.id,
        kind=code,
        occurred_at=moment,
        summary=text,
        outcome=result_text,
        next_date=step_date if wants_step else None,
        next_action=action,
        created_at=now,
    )
    session.add(activity)
    if wants_step:
        lead.next_step_date = step_date
        lead.next_step_action = action
    if lead.last_activity_at is None or moment > lead.last_activity_at:
        lead.last_activity_at = moment
    first = after_contact(lead.first_contact_at, code, moment)
    if first != lead.first_contact_at:
        lead.first_contact_at = first
    lead.updated_at = now
    session.add(lead)
    session.flush()
    assert activity.id is not None
    return LogResult(
        activity_id=activity.id,
        lead_id=lead.id,
        kind=code,
        occurred_at=moment,
        next_date=activity.next_date,
        next_action=action,
        date_from_cadence=defaulted,
        cadence_grade=cadence_grade,
        cadence_days=cadence_days,
        lead_ungraded=lead.grade is None,
    )


def _listing() -> Any:
    """Activities with their company and author, newest first."""
    return (
        select(Activity, Customer.name, User.username)
        .join(Customer, col(Customer.id) == col(Activity.customer_id))
        .join(User, col(User.id) == col(Activity.user_id))
        .order_by(col(Activity.occurred_at).desc(), col(Activity.id).desc())
    )


def _rows(session: Session, statement: Any) -> list[ActivityRow]:
    return [
        ActivityRow(
            id=activity.id or 0,
            occurred_at=activity.occurred_at,
            lead_id=activity.lead_id,
            company=company,
            kind=activity.kind,
            user=username,
            summary=activity.summary,
            outcome=activity.outcome,
            next_date=activity.next_date,
            next_action=activity.next_action,
        )
        for activity, company, username in session.exec(statement).all()
    ]


def _day_start(day: date) -> datetime:
    """Local midnight at the start of ``day``, in UTC (what stored timestamps compare to)."""
    return datetime.combine(day, time()).astimezone().astimezone(UTC)


def list_activities(
    session: Session,
    actor: User,
    *,
    lead: int | str | None = None,
    user: str | None = None,
    kind: str | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
    limit: int = 100,
    today: date | None = None,
) -> list[ActivityRow]:
    """Activities on leads the actor may see, newest first, in one query.

    ``since`` and ``until`` are days in the person's time zone, both included.
    """
    day = today or date.today()
    if not 1 <= limit <= MAX_LIST:
        raise InputError(
            _("The limit must be between 1 and {most} (--limit).").format(most=MAX_LIST)
        )
    statement = (
        _listing()
        .join(Lead, col(Lead.id) == col(Activity.lead_id))
        .where(scope_for(session, actor).owner_clause(col(Lead.owner_id)))
    )
    if lead is not None:
        statement = statement.where(col(Activity.lead_id) == parse_lead_id(lead, field="--lead"))
    if user is not None:
        person = find_user(session, user)
        if person is None:
            raise NotFound(
                _("Unknown user '{name}' (--user).").format(name=user),
                hint=_("'salesflow user list' shows the users."),
            )
        statement = statement.where(col(Activity.user_id) == person.id)
    if kind is not None:
        statement = statement.where(
            col(Activity.kind) == parse_code(ACTIVITY_KINDS, kind, field="--kind")
        )
    first = _day(since, day, "--since")
    last = _day(until, day, "--until")
    if first is not None and last is not None and last < first:
        raise InputError(
            _("--until {until} is before --since {since}.").format(
                until=format_date(last), since=format_date(first)
            )
        )
    if first is not None:
        statement = statement.where(col(Activity.occurred_at) >= _day_start(first))
    if last is not None:
        statement = statement.where(
            col(Activity.occurred_at) < _day_start(last + timedelta(days=1))
        )
    statement = statement.order_by(col(Activity.occurred_at).desc(), col(Activity.id).desc()).limit(
        limit
    )
    return _rows(session, statement)


def latest_activities(session: Session, lead_id: int, *, limit: int = 20) -> list[ActivityRow]:
    """The newest activities of one lead (the caller has checked the lead is visible)."""
    statement = _listing().where(col(Activity.lead_id) == lead_id).limit(limit)
    return _rows(session, statement)
