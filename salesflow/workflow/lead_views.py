"""Finding leads: the filtered, sorted list and the one-lead card.

:func:`list_leads` is one SQL query (leads joined with their customer, contact and owner):
visibility, every filter, the sort and the limit run in the database, so a list stays fast
at 100,000 leads. Rows carry language-neutral codes, E.164 phones and exact yuan strings;
the CLI adds labels. :func:`lead_card` (from :mod:`salesflow.workflow.lead_card`) gathers
everything known about one lead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import case, func, or_
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from salesflow.i18n import _
from salesflow.store.models import STAGE_CODES, Contact, Customer, Lead, User
from salesflow.workflow.companies import company_key
from salesflow.workflow.errors import InputError
from salesflow.workflow.glossary import GRADES, SOURCES, STAGES, parse_code
from salesflow.workflow.identity import find_user
from salesflow.workflow.lead_card import LeadCard, lead_card
from salesflow.workflow.lead_input import parse_day
from salesflow.workflow.money import yuan_text
from salesflow.workflow.regions import normalize_region
from salesflow.workflow.stage_config import load_stages
from salesflow.workflow.visibility import scope_for
from salesflow.workflow.workdays import assignment_overdue, local_date

SORT_KEYS = ("created", "amount", "company", "stage", "grade", "next-step", "owner")
DEFAULT_LIMIT = 50
# A search term made only of these is also looked for among phone numbers.
_PHONE_LIKE = re.compile(r"^[\d\s+\-().]+$")
_MIN_PHONE_DIGITS = 4


@dataclass(frozen=True)
class LeadRow:
    """One lead in a list: stored codes, E.164 phone, exact yuan text."""

    id: int
    company: str
    contact: str | None
    phone: str | None
    email: str | None
    province: str | None
    city: str | None
    source: str
    stage: str
    grade: str | None
    score: int | None
    amount: str | None
    owner: str | None
    next_step_date: date | None
    next_step_action: str | None
    created_at: datetime
    assignment_overdue: bool


@dataclass(frozen=True)
class LeadPage:
    """The rows of one list, and whether more leads matched than the limit let through."""

    rows: list[LeadRow]
    more: bool


def parse_since(text: str, *, today: date | None = None) -> date:
    """--created-since as a date (2026-03-01) or a number of days back (7d)."""
    value = text.strip().lower()
    match = re.fullmatch(r"(\d{1,5})\s*d", value)
    if match:
        return (today or date.today()) - timedelta(days=int(match.group(1)))
    return parse_day(text, "created_since", "--created-since")


def _codes(table: dict[str, tuple[str, str]], raw: str | list[str] | None, option: str) -> set[str]:
    values = [raw] if isinstance(raw, str) else list(raw or [])
    return {parse_code(table, value, field=option) for value in values if value.strip()}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column: Any, needle: str) -> Any:
    """Case-insensitive substring match, the same on SQLite and PostgreSQL."""
    return func.lower(column).like(f"%{_escape_like(needle.lower())}%", escape="\\")


def search_clause(text: str) -> Any:
    """--search: company name or its key, or any contact's name, phone or email."""
    term = text.strip()
    company = [_contains(Customer.name, term)]
    key = company_key(term)
    if key:
        company.append(col(Customer.name_key).like(f"%{_escape_like(key)}%", escape="\\"))
    people = [_contains(Contact.name, term), _contains(Contact.email, term)]
    digits = re.sub(r"\D", "", term)
    if _PHONE_LIKE.match(term) and len(digits) >= _MIN_PHONE_DIGITS:
        # Stored phones are E.164: +86 followed by the number without its trunk 0, so
        # "138 0013 8000", "+86 138-0013-8000" and "0571 8888 8888" all find theirs.
        people.append(col(Contact.phone).like(f"%{digits.lstrip('0') or digits}%"))
    matching_contact = select(Contact.customer_id).where(or_(*people))
    return or_(*company, col(Customer.id).in_(matching_contact))


def _region_filter(province: str | None, city: str | None) -> list[Any]:
    if not (province and province.strip()) and not (city and city.strip()):
        return []
    region = normalize_region(province, city)
    assert region is not None
    clauses = [Customer.province == region.province]
    # A municipality (北京市) is its own city; its customers may have no city stored.
    if city and city.strip() and region.city not in (None, region.province):
        clauses.append(Customer.city == region.city)
    return clauses


def _order(sort: str) -> list[Any]:
    key = sort.strip().lower().replace("_", "-")
    newest = [col(Lead.created_at).desc(), col(Lead.id).desc()]
    if key == "created":
        return newest
    if key == "amount":
        return [col(Lead.amount_fen).is_(None), col(Lead.amount_fen).desc(), *newest]
    if key == "company":
        return [col(Customer.name), *newest]
    if key == "stage":
        order = case({code: i for i, code in enumerate(STAGE_CODES)}, value=col(Lead.stage))
        return [order, *newest]
    if key == "grade":
        return [col(Lead.grade).is_(None), col(Lead.grade), col(Lead.score).desc(), *newest]
    if key == "next-step":
        return [col(Lead.next_step_date).is_(None), col(Lead.next_step_date), *newest]
    if key == "owner":
        return [col(User.username).is_(None), col(User.username), *newest]
    raise InputError(
        _("Cannot sort by '{key}' (--sort).").format(key=sort),
        hint=_("Choose one of: {keys}.").format(keys=", ".join(SORT_KEYS)),
    )


def find_leads(
    session: Session,
    actor: User,
    *,
    mine: bool | None = None,
    owner: str | None = None,
    unassigned: bool = False,
    stage: str | list[str] | None = None,
    grade: str | list[str] | None = None,
    source: str | list[str] | None = None,
    province: str | None = None,
    city: str | None = None,
    search: str | None = None,
    created_since: date | None = None,
    sort: str = "created",
    limit: int = DEFAULT_LIMIT,
    today: date | None = None,
) -> LeadPage:
    """The leads the actor may see that match every given filter, in one query.

    ``mine`` (own leads only) is the default for reps; ``False`` lifts it (a rep still
    sees only their own and unassigned leads). ``owner`` or ``unassigned`` lift it too.
    """
    if limit < 1:
        raise InputError(_("--limit must be at least 1."))
    if owner is not None and unassigned:
        raise InputError(_("--owner and --unassigned exclude each other."))
    if mine and (owner is not None or unassigned):
        option = "--owner" if owner is not None else "--unassigned"
        raise InputError(_("--mine and {option} exclude each other.").format(option=option))
    if mine is None:
        mine = actor.role == "rep" and owner is None and not unassigned
    statement = (
        select_columns(
            col(Lead.id),
            col(Customer.name),
            col(Contact.name),
            col(Contact.phone),
            col(Contact.email),
            col(Customer.province),
            col(Customer.city),
            col(Lead.source),
            col(Lead.stage),
            col(Lead.grade),
            col(Lead.score),
            col(Lead.amount_fen),
            col(User.username),
            col(Lead.next_step_date),
            col(Lead.next_step_action),
            col(Lead.created_at),
        )
        .select_from(Lead)
        .join(Customer, col(Customer.id) == col(Lead.customer_id))
        .outerjoin(Contact, col(Contact.id) == col(Lead.contact_id))
        .outerjoin(User, col(User.id) == col(Lead.owner_id))
        .where(scope_for(session, actor).owner_clause(col(Lead.owner_id)))
    )
    if mine:
        statement = statement.where(col(Lead.owner_id) == actor.id)
    if unassigned:
        statement = statement.where(col(Lead.owner_id).is_(None))
    if owner is not None:
        user = find_user(session, owner)
        if user is None:
            raise InputError(
                _("No user '{name}' (--owner).").format(name=owner),
                hint=_("'salesflow user list' shows the users."),
            )
        statement = statement.where(col(Lead.owner_id) == user.id)
    for column, table, raw, option in (
        (Lead.stage, STAGES, stage, "--stage"),
        (Lead.grade, GRADES, grade, "--grade"),
        (Lead.source, SOURCES, source, "--source"),
    ):
        codes = _codes(table, raw, option)
        if codes:
            statement = statement.where(col(column).in_(sorted(codes)))
    for clause in _region_filter(province, city):
        statement = statement.where(clause)
    if search is not None and search.strip():
        statement = statement.where(search_clause(search))
    if created_since is not None:
        since = datetime.combine(created_since, time()).astimezone()  # local midnight
        statement = statement.where(col(Lead.created_at) >= since)
    statement = statement.order_by(*_order(sort)).limit(limit + 1)
    records = session.execute(statement).all()
    day = today or date.today()
    closed = load_stages().closed_codes
    rows = [_row(record, day, closed) for record in records[:limit]]
    return LeadPage(rows=rows, more=len(records) > limit)


def list_leads(
    session: Session,
    actor: User,
    *,
    mine: bool | None = None,
    owner: str | None = None,
    unassigned: bool = False,
    stage: str | list[str] | None = None,
    grade: str | list[str] | None = None,
    source: str | list[str] | None = None,
    province: str | None = None,
    city: str | None = None,
    search: str | None = None,
    created_since: date | None = None,
    sort: str = "created",
    limit: int = DEFAULT_LIMIT,
    today: date | None = None,
) -> list[LeadRow]:
    """The rows of :func:`find_leads`, without saying whether more matched."""
    return find_leads(
        session,
        actor,
        mine=mine,
        owner=owner,
        unassigned=unassigned,
        stage=stage,
        grade=grade,
        source=source,
        province=province,
        city=city,
        search=search,
        created_since=created_since,
        sort=sort,
        limit=limit,
        today=today,
    ).rows


def _row(record: Any, today: date, closed: frozenset[str]) -> LeadRow:
    (
        lead_id,
        company,
        contact,
        phone,
        email,
        province,
        city,
        source,
        stage,
        grade,
        score,
        amount_fen,
        owner,
        next_date,
        next_action,
        created_at,
    ) = record
    overdue = (
        owner is None and stage not in closed and assignment_overdue(local_date(created_at), today)
    )
    return LeadRow(
        id=lead_id,
        company=company,
        contact=contact,
        phone=phone,
        email=email,
        province=province,
        city=city,
        source=source,
        stage=stage,
        grade=grade,
        score=score,
        amount=yuan_text(amount_fen),
        owner=owner,
        next_step_date=next_date,
        next_step_action=next_action,
        created_at=created_at,
        assignment_overdue=overdue,
    )


__all__ = [
    "SORT_KEYS",
    "LeadCard",
    "LeadPage",
    "LeadRow",
    "find_leads",
    "lead_card",
    "list_leads",
    "parse_since",
    "search_clause",
]
