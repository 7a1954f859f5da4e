"""``salesflow report weekly`` (周报) and ``salesflow report monthly`` (月报).

Both print one period review (:mod:`salesflow.workflow.period_review`): totals against the
period before and against the target, a table per person, the top open deals by weighted
amount, stalled deals, the period's lost deals by reason, and the planned follow-ups of
the following period. The monthly report adds the KPI sections of ``report kpi``. This
module turns the review into a :class:`~salesflow.cli.report_output.ReportDocument`
(labels from the glossary) printed as a table, JSON, CSV or Markdown.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli import context, groups
from salesflow.cli.output import FormatOption, OutputFormat
from salesflow.cli.report_options import (
    TeamOption,
    UserOption,
    period_meta,
    period_name,
    reporting,
    scope_meta,
    scope_name,
)
from salesflow.cli.report_output import (
    COUNT,
    DAY,
    MONEY,
    PERCENT,
    TEXT,
    Bar,
    Block,
    ChartBlock,
    CompareBlock,
    Field,
    Kind,
    Measure,
    ReportDocument,
    TableBlock,
    labelled,
    render_document,
)
from salesflow.i18n import _, format_date, pgettext
from salesflow.workflow.glossary import LOST_REASONS, STAGES, label

if TYPE_CHECKING:
    from salesflow.workflow.period_review import PeriodReview, PersonRow
    from salesflow.workflow.report_periods import ReportPeriod
    from salesflow.workflow.report_scope import Person

app = groups.report

NO_REASON = "none"  # the lost-reason bar of leads lost without a reason (JSON key)


@app.command(
    "weekly",
    help=_(
        "The weekly report (周报) of an ISO week: totals against last week and the target, "
        "a table per person with targets and attainment, the top open deals by weighted "
        "amount, stalled deals, lost deals with their reasons, and next week's planned "
        "follow-ups. Your own by default; --team for your team, --user for one user."
    ),
)
def weekly(
    week: Annotated[
        str | None,
        typer.Option(
            "--week",
            metavar="WEEK",
            help=_("The ISO week to report on (2026-W47 or 2026年第47周; default this week)."),
        ),
    ] = None,
    team: TeamOption = False,
    user: UserOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.weekly_report import week_to_report, weekly_report

    today = date.today()
    period = week_to_report(week, today)
    stale_days = int(context.settings().stale_days.value)
    with reporting(team=team, user=user) as (session, scope):
        review = weekly_report(session, scope, period, today=today, stale_days=stale_days)
    render_document(review_document(review), fmt)


@app.command(
    "monthly",
    help=_(
        "The monthly report (月报) of a month: the weekly report's sections for the month "
        "(against last month and the month's targets, next month's follow-ups), then the "
        "month's KPIs. Your own by default; --team for your team, --user for one user."
    ),
)
def monthly(
    period_text: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar="MONTH",
            help=_("The month to report on (2026-11 or 2026年11月; default this month)."),
        ),
    ] = None,
    team: TeamOption = False,
    user: UserOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.weekly_report import month_to_report, monthly_report

    today = date.today()
    period = month_to_report(period_text, today)
    stale_days = int(context.settings().stale_days.value)
    with reporting(team=team, user=user) as (session, scope):
        review = monthly_report(session, scope, period, today=today, stale_days=stale_days)
        kpis = monthly_kpi_blocks(session, scope, period)
    render_document(review_document(review, extra=kpis), fmt)


# KPI sections the monthly review already shows in its own way: the per-person table
# (the review's "By person") and the lost reasons (the review's chart and list).
MONTHLY_REPEATS = frozenset({"people", "lost_reasons", "lost_reasons_chart"})


def monthly_kpi_blocks(session: Any, scope: Any, period: ReportPeriod) -> list[Block]:
    """The KPI sections of ``report kpi`` for the month, after the review's sections,
    without those the review already has (:data:`MONTHLY_REPEATS`).

    Their keys get a ``kpi_`` prefix, so they never collide with the review's in JSON.
    """
    from dataclasses import replace
    from datetime import UTC, datetime

    from salesflow.cli.report_kpi import kpi_blocks
    from salesflow.workflow.kpis import kpi_report

    blocks = kpi_blocks(kpi_report(session, scope, period, now=datetime.now(UTC)))
    return [
        replace(block, key=f"kpi_{block.key}")
        for block in blocks
        if block.key not in MONTHLY_REPEATS
    ]


# ---------------------------------------------------------------------------------------
# Kinds of value


def _person_data(person: Person | None) -> str | None:
    return None if person is None else person.username


def _owner_name(person: Person | None) -> str:
    return _("unassigned (pool)") if person is None else person.display_name


def _person_name(person: Person | None) -> str:
    if person is None:
        return _("unassigned (pool)")
    return f"{person.display_name} ({person.username})"


class _Who:
    """A person cell: the username in JSON/CSV (null for the unassigned pool), the name
    for people. Wraps the value so that the pool (``None``) still reaches the kind."""

    def __init__(self, person: Person | None) -> None:
        self.person = person


OWNER = Kind(lambda who: _person_data(who.person), lambda who: _owner_name(who.person))
PERSON = Kind(lambda who: _person_data(who.person), lambda who: _person_name(who.person))


# ---------------------------------------------------------------------------------------
# Words that depend on the period's kind


def _is_week(period: ReportPeriod) -> bool:
    return period.kind == "week"


def _span(period: ReportPeriod) -> str:
    return _("{first} to {last}").format(
        first=format_date(period.start), last=format_date(period.end)
    )


# ---------------------------------------------------------------------------------------
# Blocks


def totals_block(review: PeriodReview) -> CompareBlock:
    from salesflow.workflow.stage_config import load_stages

    stages = load_stages()
    now, before = review.totals.current, review.totals.previous
    target = review.totals.target
    measures = [
        Measure("new_leads", _("New leads"), COUNT, now.new_leads, before.new_leads),
        Measure(
            "contacts",
            _("Contacts (notes excluded)"),
            COUNT,
            now.contact_total,
            before.contact_total,
        ),
        Measure("visits", _("Visits (拜访)"), COUNT, now.visits, before.visits),
        Measure("quotes_sent", _("Quotes sent"), COUNT, now.quotes_sent, before.quotes_sent),
        Measure(
            "quotes_sent_value",
            _("Quotes sent, value"),
            MONEY,
            now.quotes_sent_fen,
            before.quotes_sent_fen,
        ),
        Measure(
            "contracts_signed",
            _("Contracts signed"),
            COUNT,
            now.contracts_signed,
            before.contracts_signed,
        ),
        Measure(
            "contracts_signed_value",
            _("Contracts signed, value"),
            MONEY,
            now.contracts_signed_fen,
            before.contracts_signed_fen,
            None if target is None else target.amount_fen,
            review.totals.attainment,
        ),
        Measure(
            "payments_value",
            _("Payments received, amount"),
            MONEY,
            now.payments_fen,
            before.payments_fen,
        ),
        Measure("won", label(STAGES, stages.won), COUNT, now.won, before.won),
        Measure("lost", label(STAGES, stages.lost), COUNT, now.lost, before.lost),
    ]
    if _is_week(review.period):
        title = _("This week against last week and the target")
    else:
        title = _("This month against last month and the target")
    return CompareBlock(
        "totals", title, period_name(review.period), period_name(review.previous), measures
    )


PEOPLE_FIELDS = (
    ("new_leads", COUNT),
    ("contacts", COUNT),
    ("visits", COUNT),
    ("quotes_sent_value", MONEY),
    ("contracts_signed", COUNT),
    ("contracts_signed_value", MONEY),
    ("payments_value", MONEY),
    ("target", MONEY),
    ("attainment_pct", PERCENT),
)


def _people_headers(review: PeriodReview) -> dict[str, str]:
    return {
        "new_leads": _("New leads"),
        "contacts": pgettext("count", "Contacts"),
        "visits": _("Visits"),
        "quotes_sent_value": _("Quoted"),
        "contracts_signed": _("Contracts"),
        "contracts_signed_value": _("Signed"),
        "payments_value": _("Received"),
        "target": _("Week target") if _is_week(review.period) else _("Month target"),
        "attainment_pct": _("Attainment"),
    }


def _person_cells(row: PersonRow) -> dict[str, Any]:
    f = row.figures
    return {
        "new_leads": f.new_leads,
        "contacts": f.contact_total,
        "visits": f.visits,
        "quotes_sent_value": f.quotes_sent_fen,
        "contracts_signed": f.contracts_signed,
        "contracts_signed_value": f.contracts_signed_fen,
        "payments_value": f.payments_fen,
        "target": None if row.target is None else row.target.amount_fen,
        "attainment_pct": row.attainment,
    }


def people_block(review: PeriodReview) -> TableBlock:
    from salesflow.workflow.period_review import PersonRow
    from salesflow.workflow.targets import attainment, sum_targets

    headers = _people_headers(review)
    fields = [Field("user", _("Person"), PERSON)] + [
        Field(key, headers[key], kind) for key, kind in PEOPLE_FIELDS
    ]
    rows = [{"user": _Who(row.person), **_person_cells(row)} for row in review.people]
    # The total line adds up the people's own targets (the team's target is in the
    # totals block above), so its column sums like the others.
    totals = review.totals
    people_target = sum_targets([row.target for row in review.people if row.person is not None])
    signed = totals.current.contracts_signed_fen
    total = _person_cells(
        PersonRow(None, totals.current, people_target, attainment(signed, people_target))
    )
    return TableBlock("people", _("By person"), fields, rows, total=total)


def _owner_field(review: PeriodReview) -> list[Field]:
    # A personal report does not repeat its person's name on every line.
    return [Field("owner", _("Owner"), OWNER)] if review.scope.kind == "team" else []


def top_deals_block(review: PeriodReview) -> TableBlock:
    from salesflow.workflow.period_review import TOP_DEALS

    fields = [
        Field("lead", _("Lead"), COUNT),
        Field("customer", _("Customer"), TEXT),
        *_owner_field(review),
        Field("stage", _("Stage"), labelled(STAGES)),
        Field("amount", _("Amount"), MONEY),
        Field("weighted", _("Weighted"), MONEY),
        Field("expected_close", _("Expected close"), DAY),
        Field("next_step_date", _("Next step"), DAY),
    ]
    rows = [
        {
            "lead": deal.lead_id,
            "customer": deal.customer,
            "owner": _Who(deal.owner),
            "stage": deal.stage,
            "amount": deal.amount_fen,
            "weighted": deal.weighted_fen,
            "expected_close": deal.expected_close,
            "next_step_date": deal.next_step_date,
        }
        for deal in review.top_deals
    ]
    return TableBlock(
        "top_deals",
        _("Top {count} open deals by weighted amount").format(count=TOP_DEALS),
        fields,
        rows,
        empty=_("No open deals with an amount."),
    )


def stalled_block(review: PeriodReview) -> TableBlock:
    fields = [
        Field("lead", _("Lead"), COUNT),
        Field("customer", _("Customer"), TEXT),
        *_owner_field(review),
        Field("stage", _("Stage"), labelled(STAGES)),
        Field("last_contact", _("Last contact"), DAY),
        Field("days_since_contact", _("Days since contact"), COUNT),
        Field("days_in_stage", _("Days in stage"), COUNT),
    ]
    rows = [
        {
            "lead": deal.lead_id,
            "customer": deal.customer,
            "owner": _Who(deal.owner),
            "stage": deal.stage,
            "last_contact": deal.last_contact,
            "days_since_contact": deal.days_since_contact,
            "days_in_stage": deal.days_in_stage,
        }
        for deal in review.stalled.rows
    ]
    title = _("Stalled deals: no contact for {days} days or more by {day} ({count})").format(
        days=review.stale_days, day=format_date(review.review_day), count=review.stalled.total
    )
    return TableBlock(
        "stalled",
        title,
        fields,
        rows,
        more=review.stalled.more,
        empty=_("No stalled deals."),
    )


def lost_reasons_block(review: PeriodReview) -> ChartBlock:
    bars = []
    if review.lost.total:
        for code, count in review.lost_by_reason.items():
            if code is None:
                bars.append(Bar(NO_REASON, _("No reason given"), count))
            else:
                bars.append(Bar(code, label(LOST_REASONS, code), count))
    title = _("Lost deals by reason ({count})").format(count=review.lost.total)
    return ChartBlock("lost_reasons", title, bars, COUNT)


def lost_block(review: PeriodReview) -> TableBlock:
    fields = [
        Field("lead", _("Lead"), COUNT),
        Field("customer", _("Customer"), TEXT),
        *_owner_field(review),
        Field("amount", _("Amount"), MONEY),
        Field("reason", _("Reason"), labelled(LOST_REASONS)),
        Field("competitor", _("Competitor"), TEXT),
        Field("lost_on", _("Lost on"), DAY),
    ]
    rows = [
        {
            "lead": deal.lead_id,
            "customer": deal.customer,
            "owner": _Who(deal.owner),
            "amount": deal.amount_fen,
            "reason": deal.reason,
            "competitor": deal.competitor,
            "lost_on": deal.lost_on,
        }
        for deal in review.lost.rows
    ]
    return TableBlock(
        "lost",
        _("Lost deals"),
        fields,
        rows,
        more=review.lost.more,
        empty=_("No deals lost."),
    )


def follow_ups_block(review: PeriodReview) -> TableBlock:
    fields = [
        Field("date", _("Date"), DAY),
        Field("lead", _("Lead"), COUNT),
        Field("customer", _("Customer"), TEXT),
        *_owner_field(review),
        Field("action", _("Next step"), TEXT),
    ]
    rows = [
        {
            "date": item.day,
            "lead": item.lead_id,
            "customer": item.customer,
            "owner": _Who(item.owner),
            "action": item.action,
        }
        for item in review.follow_ups.rows
    ]
    following = review.following
    if _is_week(review.period):
        title = _("Next week's planned follow-ups, {span} ({count})")
    else:
        title = _("Next month's planned follow-ups, {span} ({count})")
    return TableBlock(
        "follow_ups",
        title.format(span=_span(following), count=review.follow_ups.total),
        fields,
        rows,
        more=review.follow_ups.more,
        empty=_("No follow-ups planned."),
    )


def review_blocks(review: PeriodReview) -> list[Block]:
    return [
        totals_block(review),
        people_block(review),
        top_deals_block(review),
        stalled_block(review),
        lost_reasons_block(review),
        lost_block(review),
        follow_ups_block(review),
    ]


def review_document(review: PeriodReview, *, extra: list[Block] | None = None) -> ReportDocument:
    """The weekly or monthly report of ``review``; ``extra`` blocks (the monthly KPIs)
    come last."""
    period = review.period
    weekly_kind = _is_week(period)
    meta = {
        **period_meta(period),
        **scope_meta(review.scope),
        "previous": {
            "key": review.previous.key,
            "from": review.previous.start.isoformat(),
            "to": review.previous.end.isoformat(),
        },
        "following": {
            "key": review.following.key,
            "from": review.following.start.isoformat(),
            "to": review.following.end.isoformat(),
        },
        "review_day": review.review_day.isoformat(),
        "stale_days": review.stale_days,
    }
    if weekly_kind:
        title = _("Weekly report (周报) {period}, {span} — {whose}")
    else:
        title = _("Monthly report (月报) {period}, {span} — {whose}")
    title = title.format(
        period=period_name(period), span=_span(period), whose=scope_name(review.scope)
    )
    return ReportDocument(
        "weekly" if weekly_kind else "monthly",
        title,
        meta,
        None,
        [*review_blocks(review), *(extra or [])],
    )
