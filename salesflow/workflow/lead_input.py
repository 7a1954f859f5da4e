"""A lead as people type it, and the same lead checked and normalized (pure rules).

``lead add``, ``lead edit`` and ``lead import`` all pass their raw text through
:func:`clean_lead`, so a value accepted or refused in one is accepted or refused in all.
Every refusal is a :class:`FieldError` naming the field the way the person wrote it (a
command-line option such as ``--phone``, or a column of an imported file).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time
from typing import TypeVar

from salesflow.i18n import _
from salesflow.workflow.companies import company_block, company_key
from salesflow.workflow.contacts import normalize_email, normalize_phone, normalize_wechat
from salesflow.workflow.errors import FieldError, InputError
from salesflow.workflow.glossary import LOST_REASONS, SOURCES, STAGES, parse_code
from salesflow.workflow.money import parse_amount
from salesflow.workflow.regions import Region, normalize_region
from salesflow.workflow.stage_config import StageConfig, load_stages

# Longest text each field keeps; longer input is refused, never cut.
MAX_LENGTH = {
    "company": 200,
    "contact": 100,
    "title": 100,
    "industry": 100,
    "referrer": 100,
    "need": 2000,
    "notes": 4000,
    "competitor": 100,
    "external_ref": 64,
    "owner": 64,
}
MULTILINE = frozenset({"need", "notes"})
MAX_EMPLOYEES = 10_000_000
EARLIEST_FOUNDED = 1800

T = TypeVar("T")


def in_field(field: str, check: Callable[[], T]) -> T:
    """Run a normalizer; its InputError becomes a FieldError for ``field``."""
    try:
        return check()
    except FieldError:
        raise
    except InputError as exc:
        raise FieldError(field, exc.message, hint=exc.hint) from exc


@dataclass
class LeadInput:
    """A lead as typed or imported: every value raw text, ``None`` when not given."""

    company: str | None = None
    contact: str | None = None
    title: str | None = None
    phone: str | None = None
    email: str | None = None
    wechat: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    industry: str | None = None
    employees: str | None = None
    founded_year: str | None = None
    source: str | None = None
    referrer: str | None = None
    need: str | None = None
    amount: str | None = None
    notes: str | None = None
    owner: str | None = None
    # History carried over from another CRM by ``lead import``.
    stage: str | None = None
    created_at: str | None = None
    closed_at: str | None = None
    lost_reason: str | None = None
    competitor: str | None = None
    external_ref: str | None = None
    expected_close: str | None = None


LEAD_FIELDS = tuple(f.name for f in fields(LeadInput))
HISTORY_FIELDS = (
    "stage",
    "created_at",
    "closed_at",
    "lost_reason",
    "competitor",
    "external_ref",
    "expected_close",
)


def option_name(field: str) -> str:
    """The command-line option of a field: founded_year -> --founded-year."""
    return "--" + field.replace("_", "-")


@dataclass(frozen=True)
class CleanLead:
    """A lead whose every value is checked and in its stored form."""

    company: str | None
    name_key: str | None
    name_block: str | None
    contact: str | None
    title: str | None
    phone: str | None  # E.164
    email: str | None  # lower case
    wechat: str | None
    region: Region | None
    industry: str | None
    employees: int | None
    founded_year: int | None
    source: str | None
    referrer: str | None
    need: str | None
    amount_fen: int | None
    notes: str | None
    owner: str | None
    stage: str | None
    created_at: datetime | None
    closed_at: datetime | None
    lost_reason: str | None
    competitor: str | None
    external_ref: str | None
    expected_close: date | None


def clean_text(value: str | None, field: str, label: str) -> str | None:
    """Trimmed NFC text, or ``None`` when empty; refuses control characters and overlong text."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    if not text:
        return None
    allowed = "\n\t" if field in MULTILINE else ""
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text):
        raise FieldError(
            field, _("The value contains control characters ({field}).").format(field=label)
        )
    limit = MAX_LENGTH.get(field, 200)
    if len(text) > limit:
        raise FieldError(
            field,
            _("The value is {length} characters long; at most {limit} are kept ({field}).").format(
                length=len(text), limit=limit, field=label
            ),
        )
    return text


def _whole_number(text: str, field: str, label: str, low: int, high: int) -> int:
    digits = text.replace(",", "").replace("，", "").strip()
    if digits.endswith(".0"):  # spreadsheets write whole numbers as 120.0
        digits = digits[:-2]
    if not re.fullmatch(r"\d{1,12}", digits):
        raise FieldError(
            field, _("'{value}' is not a whole number ({field}).").format(value=text, field=label)
        )
    number = int(digits)
    if not low <= number <= high:
        raise FieldError(
            field,
            _("{value} is outside {low}-{high} ({field}).").format(
                value=number, low=low, high=high, field=label
            ),
        )
    return number


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def parse_day(text: str, field: str, label: str) -> date:
    """A calendar date as people and spreadsheets write it (2026-11-20, 2026/11/20, ...)."""
    value = text.strip()
    head = value.replace("T", " ").split(" ")[0]
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(head, pattern).date()
        except ValueError:
            continue
    raise FieldError(
        field,
        _("'{value}' is not a date ({field}).").format(value=text, field=label),
        hint=_("Write dates as YYYY-MM-DD."),
    )


def parse_moment(text: str, field: str, label: str) -> datetime:
    """A timestamp (ISO, with or without time and zone); a bare date means local midnight."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("/", "-"))
    except ValueError:
        moment = datetime.combine(parse_day(value, field, label), time())
    if moment.tzinfo is None:
        moment = moment.astimezone()  # the person's local time zone
    return moment.astimezone(UTC)


def _history(
    raw: LeadInput, label: Callable[[str], str], now: datetime, stages: StageConfig | None
) -> tuple[str | None, datetime | None, datetime | None, str | None, date | None]:
    stage_text = raw.stage.strip() if raw.stage else ""
    stage = (
        in_field("stage", lambda: parse_code(STAGES, stage_text, field=label("stage")))
        if stage_text
        else None
    )
    created_text = raw.created_at.strip() if raw.created_at else ""
    closed_text = raw.closed_at.strip() if raw.closed_at else ""
    created = (
        parse_moment(created_text, "created_at", label("created_at")) if created_text else None
    )
    closed = parse_moment(closed_text, "closed_at", label("closed_at")) if closed_text else None
    reason = None
    reason_text = raw.lost_reason.strip() if raw.lost_reason else ""
    if reason_text:
        reason = in_field(
            "lost_reason",
            lambda: parse_code(LOST_REASONS, reason_text, field=label("lost_reason")),
        )
    expected = (
        parse_day(raw.expected_close, "expected_close", label("expected_close"))
        if raw.expected_close and raw.expected_close.strip()
        else None
    )
    for field, moment in (("created_at", created), ("closed_at", closed)):
        if moment is not None and moment > now:
            raise FieldError(
                field, _("The date is in the future ({field}).").format(field=label(field))
            )
    if stage is None and closed is None and not reason:
        return stage, created, closed, reason, expected
    # Won and lost are the stages flagged so in the stages in use, not two names.
    in_use = stages or load_stages()
    won_or_lost = in_use.closed_codes
    if closed is not None and (stage or in_use.codes[0]) not in won_or_lost:
        raise FieldError(
            "closed_at",
            _("Only a won or lost lead has a closed date ({field}).").format(
                field=label("closed_at")
            ),
        )
    if stage in won_or_lost and closed is None:
        raise FieldError(
            "closed_at",
            _("A {stage} lead needs the date it closed ({field}).").format(
                stage=stage, field=label("closed_at")
            ),
        )
    if closed is not None and created is not None and closed < created:
        raise FieldError(
            "closed_at",
            _("The lead closed before it was created ({field}).").format(field=label("closed_at")),
        )
    if stage == in_use.lost and reason is None:
        raise FieldError(
            "lost_reason",
            _("A lost lead needs its lost reason ({field}).").format(field=label("lost_reason")),
            hint=_("One of: {codes}.").format(codes=", ".join(LOST_REASONS)),
        )
    if reason is not None and stage != in_use.lost:
        raise FieldError(
            "lost_reason",
            _("Only a lost lead has a lost reason ({field}).").format(field=label("lost_reason")),
        )
    return stage, created, closed, reason, expected


def clean_lead(
    raw: LeadInput,
    *,
    label: Callable[[str], str] = option_name,
    require: frozenset[str] = frozenset({"company", "source"}),
    now: datetime | None = None,
    stages: StageConfig | None = None,
) -> CleanLead:
    """Check and normalize every given value; the first problem is raised as a FieldError.

    ``label`` names a field in messages (an option, or a column of an imported file);
    ``require`` lists the fields that must not be empty (``lead edit`` requires none).
    ``stages`` are the stages in use (loaded when a stage or closing is given and they are
    not passed; an import passes them once for all its rows).
    """
    moment = now or datetime.now(UTC)
    text = {name: clean_text(getattr(raw, name), name, label(name)) for name in MAX_LENGTH}
    for name in ("company", "contact", "source", "phone", "email", "wechat"):
        value = getattr(raw, name)
        if name in require and (value is None or not str(value).strip()):
            raise FieldError(name, _("A value is required ({field}).").format(field=label(name)))
    for name in sorted(require & set(MAX_LENGTH)):
        if text[name] is None:
            raise FieldError(name, _("A value is required ({field}).").format(field=label(name)))
    company = text["company"]
    key = company_key(company) if company else None

    def given(name: str) -> str | None:
        value = getattr(raw, name)
        return value.strip() if value is not None and value.strip() else None

    phone = given("phone")
    email = given("email")
    wechat = given("wechat")
    cleaned_phone = (
        in_field("phone", lambda: normalize_phone(phone, field=label("phone"))) if phone else None
    )
    cleaned_email = (
        in_field("email", lambda: normalize_email(email, field=label("email"))) if email else None
    )
    cleaned_wechat = (
        in_field("wechat", lambda: normalize_wechat(wechat, field=label("wechat")))
        if wechat
        else None
    )
    if text["contact"] is None and (phone or email or wechat or text["title"]):
        raise FieldError(
            "contact",
            _("The contact person's name is missing ({field}).").format(field=label("contact")),
            hint=_("A phone, email, WeChat or title belongs to a named person."),
        )
    region = _region(given("province"), given("city"), given("county"), label)
    employees = given("employees")
    founded = given("founded_year")
    source_text = given("source")
    source = (
        in_field("source", lambda: parse_code(SOURCES, source_text, field=label("source")))
        if source_text
        else None
    )
    if source == "referral" and text["referrer"] is None:
        raise FieldError(
            "referrer",
            _("A referral needs its referrer: a customer or a person ({field}).").format(
                field=label("referrer")
            ),
        )
    amount = given("amount")
    stage, created, closed, reason, expected = _history(raw, label, moment, stages)
    return CleanLead(
        company=company,
        name_key=key,
        name_block=company_block(key) if key else None,
        contact=text["contact"],
        title=text["title"],
        phone=cleaned_phone,
        email=cleaned_email,
        wechat=cleaned_wechat,
        region=region,
        industry=text["industry"],
        employees=(
            _whole_number(employees, "employees", label("employees"), 1, MAX_EMPLOYEES)
            if employees
            else None
        ),
        founded_year=(
            _whole_number(
                founded, "founded_year", label("founded_year"), EARLIEST_FOUNDED, moment.year
            )
            if founded
            else None
        ),
        source=source,
        referrer=text["referrer"],
        need=text["need"],
        amount_fen=(
            in_field("amount", lambda: parse_amount(amount, field=label("amount")))
            if amount
            else None
        ),
        notes=text["notes"],
        owner=text["owner"],
        stage=stage,
        created_at=created,
        closed_at=closed,
        lost_reason=reason,
        competitor=text["competitor"],
        external_ref=text["external_ref"],
        expected_close=expected,
    )


def _region(
    province: str | None, city: str | None, county: str | None, label: Callable[[str], str]
) -> Region | None:
    """Official place names; the error names the field as the person wrote it."""
    try:
        return cached_region(province, city, county)
    except InputError as exc:
        for name in ("province", "city", "county"):
            option = option_name(name)
            if option in exc.message:
                raise FieldError(
                    name, exc.message.replace(option, label(name)), hint=exc.hint
                ) from exc
        raise


_REGIONS: dict[tuple[str | None, str | None, str | None], Region | None] = {}


def cached_region(province: str | None, city: str | None, county: str | None) -> Region | None:
    """normalize_region, remembered: imports repeat the same few places many times."""
    key = (province, city, county)
    if key not in _REGIONS:
        if len(_REGIONS) > 20_000:
            _REGIONS.clear()
        _REGIONS[key] = normalize_region(province, city, county)
    return _REGIONS[key]
