"""The weekly and monthly reports (period_review.py, weekly_report.py) against plain Python
over the fixed data set (tests/report_data.py), on SQLite and PostgreSQL.

Every expected figure is worked out here from the records, from the definitions in the
README: totals against the period before and the target, the per-person table, top open
deals by weighted amount, stalled deals, lost deals by reason, and the following period's
planned follow-ups. Targets are checked against hand arithmetic. A week edge (Sunday 22 Nov
16:30 UTC, Monday 00:30 in Shanghai) moves rows between weeks with the time zone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from salesflow.store.models import LOST_REASON_CODES
from salesflow.workflow.errors import InputError, PermissionDenied
from salesflow.workflow.period_review import PeriodReview, PersonRow
from salesflow.workflow.report_scope import report_scope
from salesflow.workflow.weekly_report import (
    month_to_report,
    monthly_report,
    week_to_report,
    weekly_report,
)
from tests.helpers import SetZone
from tests.report_data import (
    EDGE_WEEK,
    LOST,
    OPEN_STAGES,
    REPORT_DAY,
    SHANGHAI,
    ReportData,
    build_report_data,
    local_day,
)
from tests.workflow.test_lead_views import acting
from tests.workflow.test_report_figures import Scope, expected_figures, scope_of

# The default stage configuration's probabilities (stages.toml), percent.
PROBABILITY = {
    "new": 10,
    "contacted": 20,
    "qualified": 30,
    "proposal": 50,
    "negotiation": 70,
    "contract": 90,
}
SELLERS = ("rep", "manager", "director")

W46 = (date(2026, 11, 9), date(2026, 11, 15))
W47 = (date(2026, 11, 16), date(2026, 11, 22))
W48 = (date(2026, 11, 23), date(2026, 11, 29))
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
DECEMBER = (date(2026, 12, 1), date(2026, 12, 31))
AFTER_W47 = date(2026, 11, 30)

# Targets worked out by hand (fen). li.na has a target for 2026-W47 itself; the others are
# day shares: zhang.wei's November 400,000.00 × 7/30; liu.yang's Q4 900,000.00 × 7/92 (a
# week) or × 30/92 (November); team wang.qiang's November 1,200,000.00 × 7/30; team
# zhao.min's 2026 8,000,000.00 × 7/365 or × 30/365 — each rounded half-up to the fen.
WEEK_TARGETS = {
    ("user", "li.na"): 120_000_00,  # exact
    ("user", "zhang.wei"): 9_333_333,  # 280,000,000 / 30 = 9,333,333.33
    ("user", "liu.yang"): 6_847_826,  # 630,000,000 / 92 = 6,847,826.09
    ("team", "wang.qiang"): 28_000_000,  # 840,000,000 / 30
    ("team", "zhao.min"): 15_342_466,  # 5,600,000,000 / 365 = 15,342,465.75
}
MONTH_TARGETS = {
    ("user", "li.na"): 500_000_00,  # exact
    ("user", "zhang.wei"): 400_000_00,  # exact
    ("user", "liu.yang"): 29_347_826,  # 2,700,000,000 / 92 = 29,347,826.09
    ("team", "wang.qiang"): 1_200_000_00,  # exact
    ("team", "zhao.min"): 65_753_425,  # 24,000,000,000 / 365 = 65,753,424.66
}


# ------------------------------------------------------------------ the plain definitions


def pct(part: int, whole: int | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Case:
    actor: str
    team: bool
    user: str | None
    period: tuple[date, date]
    previous: tuple[date, date]
    following: tuple[date, date]
    targets: dict[tuple[str, str], int]

    @property
    def subject(self) -> str:
        return self.user or self.actor


def expected_review(
    data: ReportData, case: Case, *, today: date, stale_days: int
) -> dict[str, Any]:
    """Everything the review shows, from the records."""
    scope: Scope = scope_of(data, case.subject, team=case.team)
    start, end = case.period
    customers = {c.id: c.name for c in data.customers}

    def name(owner_id: int | None) -> str | None:
        return data.username(owner_id)

    current = expected_figures(data, scope, start, end)
    previous = expected_figures(data, scope, *case.previous)
    kind = "team" if case.team else "user"
    target = case.targets.get((kind, case.subject))
    totals = (current, previous, target, pct(current["contracts_signed_fen"], target))

    # people: sellers in scope by username, then others with figures, then the pool
    in_scope = [
        u for u in data.users.values() if u.role in SELLERS and scope.did(u.id) and scope.owns(u.id)
    ]
    ids: list[int | None] = [u.id for u in sorted(in_scope, key=lambda u: u.username)]

    def of(key: int | None) -> dict[str, Any]:
        return expected_figures(data, scope, start, end, person=lambda owner: owner == key)

    def shown(figures: dict[str, Any]) -> bool:
        contacts = sum(n for kind, n in figures["contacts"].items() if kind != "note")
        return any(
            figures[name]
            for name in ("new_leads", "visits", "quotes_sent", "contracts_signed", "payments")
        ) or bool(contacts)

    others = sorted(u.id for u in data.users.values() if u.id not in ids and shown(of(u.id)))
    ids += others
    if scope.unassigned and shown(of(None)):
        ids.append(None)
    people = []
    for key in ids:
        figures = of(key)
        person_target = None if key is None else case.targets.get(("user", name(key) or ""))
        people.append(
            (name(key), figures, person_target, pct(figures["contracts_signed_fen"], person_target))
        )

    open_leads = [
        lead for lead in data.leads if lead.stage in OPEN_STAGES and scope.owns(lead.owner_id)
    ]

    # top deals
    weighted = [
        (lead, (lead.amount_fen * PROBABILITY[lead.stage] + 50) // 100)
        for lead in open_leads
        if lead.amount_fen is not None
    ]
    weighted.sort(key=lambda pair: (-pair[1], -(pair[0].amount_fen or 0), pair[0].id))
    top = [
        (
            lead.id,
            customers[lead.customer_id],
            name(lead.owner_id),
            lead.stage,
            lead.amount_fen,
            weight,
            lead.expected_close,
            lead.next_step_date,
        )
        for lead, weight in weighted[:10]
    ]

    # stalled: judged on the period's end, or today while the period runs
    day = min(end, max(today, start))
    stale = []
    for lead in open_leads:
        last = lead.last_activity_at or lead.created_at
        since = (day - local_day(last)).days
        if since >= stale_days:
            stale.append((last, lead, since))
    stale.sort(key=lambda item: (item[0], item[1].id))
    stalled = [
        (
            lead.id,
            customers[lead.customer_id],
            name(lead.owner_id),
            lead.stage,
            local_day(last),
            lead.last_activity_at is not None,
            since,
            max(0, (day - local_day(lead.stage_entered_at)).days),
        )
        for last, lead, since in stale[:15]
    ]

    # lost in the period
    lost_leads = sorted(
        (
            lead
            for lead in data.leads
            if lead.stage == LOST
            and lead.closed_at is not None
            and start <= local_day(lead.closed_at) <= end
            and scope.owns(lead.owner_id)
        ),
        key=lambda lead: (lead.closed_at, lead.id),
    )
    by_reason: dict[str | None, int] = dict.fromkeys(LOST_REASON_CODES, 0)
    for lead in lost_leads:
        by_reason[lead.lost_reason] = by_reason.get(lead.lost_reason, 0) + 1
    lost = [
        (
            lead.id,
            customers[lead.customer_id],
            name(lead.owner_id),
            lead.amount_fen,
            lead.lost_reason,
            lead.competitor,
            local_day(lead.closed_at),
        )
        for lead in lost_leads[:30]
        if lead.closed_at is not None
    ]

    # follow-ups of the following period
    first, last_day = case.following
    planned = sorted(
        (
            lead
            for lead in open_leads
            if lead.next_step_date is not None and first <= lead.next_step_date <= last_day
        ),
        key=lambda lead: (lead.next_step_date, lead.id),
    )
    follow_ups = [
        (
            lead.next_step_date,
            lead.id,
            customers[lead.customer_id],
            name(lead.owner_id),
            lead.next_step_action,
        )
        for lead in planned[:30]
    ]
    return {
        "totals": totals,
        "people": people,
        "top": top,
        "review_day": day,
        "stalled": (stalled, len(stale)),
        "lost_by_reason": by_reason,
        "lost": (lost, len(lost_leads)),
        "follow_ups": (follow_ups, len(planned)),
    }


def _who(row: PersonRow) -> str | None:
    return None if row.person is None else row.person.username


def plain_review(review: PeriodReview) -> dict[str, Any]:
    """The review in the shape of :func:`expected_review`."""

    def owner(person: Any) -> str | None:
        return None if person is None else person.username

    totals = review.totals
    return {
        "totals": (
            asdict(totals.current),
            asdict(totals.previous),
            None if totals.target is None else totals.target.amount_fen,
            totals.attainment,
        ),
        "people": [
            (
                _who(row),
                asdict(row.figures),
                None if row.target is None else row.target.amount_fen,
                row.attainment,
            )
            for row in review.people
        ],
        "top": [
            (
                d.lead_id,
                d.customer,
                owner(d.owner),
                d.stage,
                d.amount_fen,
                d.weighted_fen,
                d.expected_close,
                d.next_step_date,
            )
            for d in review.top_deals
        ],
        "review_day": review.review_day,
        "stalled": (
            [
                (
                    d.lead_id,
                    d.customer,
                    owner(d.owner),
                    d.stage,
                    d.last_contact,
                    d.contacted,
                    d.days_since_contact,
                    d.days_in_stage,
                )
                for d in review.stalled.rows
            ],
            review.stalled.total,
        ),
        "lost_by_reason": review.lost_by_reason,
        "lost": (
            [
                (
                    d.lead_id,
                    d.customer,
                    owner(d.owner),
                    d.amount_fen,
                    d.reason,
                    d.competitor,
                    d.lost_on,
                )
                for d in review.lost.rows
            ],
            review.lost.total,
        ),
        "follow_ups": (
            [
                (f.day, f.lead_id, f.customer, owner(f.owner), f.action)
                for f in review.follow_ups.rows
            ],
            review.follow_ups.total,
        ),
    }


def run_review(
    url: str, case: Case, *, key: str, today: date, stale_days: int = 30
) -> PeriodReview:
    with acting(url, case.actor) as (session, actor):
        scope = report_scope(session, actor, team=case.team, user=case.user)
        if "W" in key:
            return weekly_report(
                session, scope, week_to_report(key, today), today=today, stale_days=stale_days
            )
        return monthly_report(
            session, scope, month_to_report(key, today), today=today, stale_days=stale_days
        )


def week_case(actor: str, *, team: bool = False, user: str | None = None) -> Case:
    return Case(actor, team, user, W47, W46, W48, WEEK_TARGETS)


def month_case(actor: str, *, team: bool = False, user: str | None = None) -> Case:
    return Case(actor, team, user, NOVEMBER, OCTOBER, DECEMBER, MONTH_TARGETS)


def check(url: str, data: ReportData, case: Case, key: str, *, today: date, stale: int = 30) -> Any:
    review = run_review(url, case, key=key, today=today, stale_days=stale)
    got = plain_review(review)
    want = expected_review(data, case, today=today, stale_days=stale)
    for section in want:
        assert got[section] == want[section], section
    return review


# ------------------------------------------------------------------------------ tests

WEEK_CASES = {
    "li.na": week_case("li.na"),
    "wang.qiang --team": week_case("wang.qiang", team=True),
    "zhao.min --team": week_case("zhao.min", team=True),
}


@pytest.mark.parametrize("name", list(WEEK_CASES))
def test_the_week_in_review(team: str, zone: SetZone, name: str) -> None:
    zone(SHANGHAI)
    data = build_report_data(team)
    case = WEEK_CASES[name]
    # judged on today while the week runs, on its Sunday once it is over
    review = check(team, data, case, "2026-W47", today=REPORT_DAY)
    assert review.review_day == REPORT_DAY
    after = check(team, data, case, "2026-W47", today=AFTER_W47)
    assert after.review_day == W47[1]
    assert review.period.key == "2026-W47"
    assert review.previous.key == "2026-W46"
    assert (review.following.start, review.following.end) == W48
    # the table has a row per seller in scope, and its rows add up to the totals
    totals = review.totals.current
    assert sum(r.figures.contracts_signed_fen for r in review.people) == (
        totals.contracts_signed_fen
    )
    assert sum(r.figures.new_leads for r in review.people) == totals.new_leads
    assert [_who(r) for r in review.people][: len(review.scope.people)] == [
        p.username for p in review.scope.people
    ]
    if name == "li.na":
        assert [_who(r) for r in review.people] == ["li.na"]


def test_the_sections_are_not_empty(team: str, zone: SetZone) -> None:
    """The data set exercises every section of a director's week (guards the comparison
    above from passing on empty lists)."""
    zone(SHANGHAI)
    build_report_data(team)
    review = run_review(team, WEEK_CASES["zhao.min --team"], key="2026-W47", today=REPORT_DAY)
    assert review.top_deals
    assert review.stalled.rows
    assert review.lost.rows
    assert review.follow_ups.rows
    assert review.totals.target is not None
    assert any(r.person is None for r in review.people)  # the pool's new leads
    # zhou.xin (service) did a return visit that week, nothing the table shows: no row
    assert "zhou.xin" not in [_who(r) for r in review.people]
    assert sum(review.lost_by_reason.values()) == review.lost.total == review.totals.current.lost


def test_a_long_list_shows_its_first_rows_and_counts_all(team: str, zone: SetZone) -> None:
    zone(SHANGHAI)
    data = build_report_data(team)
    case = WEEK_CASES["zhao.min --team"]
    review = check(team, data, case, "2026-W47", today=AFTER_W47, stale=1)
    assert review.stalled.total > len(review.stalled.rows) == 15
    assert review.stalled.more == review.stalled.total - 15


def test_the_week_follows_the_time_zone(team: str, zone: SetZone) -> None:
    """Sunday 22 Nov 16:30 UTC is Monday 23 Nov (W48) in Shanghai: the lead created and
    the deal won at that instant count in W47 in UTC only."""
    data = build_report_data(team)
    case = WEEK_CASES["zhao.min --team"]
    found = {}
    for name in (SHANGHAI, "UTC"):
        zone(name)
        found[name] = check(team, data, case, "2026-W47", today=AFTER_W47)
    shanghai, utc = found[SHANGHAI].totals.current, found["UTC"].totals.current
    edge = [lead for lead in data.leads if lead.created_at == EDGE_WEEK and lead.owner_id]
    assert edge, "the data set has a lead created on the week edge"
    assert shanghai.new_leads != utc.new_leads
    assert shanghai.won != utc.won


MONTH_CASES = {
    "li.na": month_case("li.na"),
    "wang.qiang --team": month_case("wang.qiang", team=True),
    "zhao.min --team": month_case("zhao.min", team=True),
    "liu.yang": month_case("liu.yang"),
}


@pytest.mark.parametrize("name", list(MONTH_CASES))
def test_the_month_in_review(team: str, zone: SetZone, name: str) -> None:
    zone(SHANGHAI)
    data = build_report_data(team)
    review = check(team, data, MONTH_CASES[name], "2026-11", today=REPORT_DAY)
    assert review.period.key == "2026-11"
    assert review.previous.key == "2026-10"
    assert (review.following.start, review.following.end) == DECEMBER


def test_targets_exact_and_pro_rata(team: str, zone: SetZone) -> None:
    """li.na's week target is the one set for 2026-W47; zhang.wei's is 7/30 of November's."""
    zone(SHANGHAI)
    data = build_report_data(team)
    li_na = run_review(team, week_case("li.na"), key="2026-W47", today=REPORT_DAY)
    assert li_na.totals.target is not None
    assert (li_na.totals.target.amount_fen, li_na.totals.target.exact) == (120_000_00, True)
    signed = li_na.totals.current.contracts_signed_fen
    assert signed > 0
    assert li_na.totals.attainment == pct(signed, 120_000_00)
    # zhang.wei's own report, run by his manager
    case = week_case("wang.qiang", user="zhang.wei")
    zhang = check(team, data, case, "2026-W47", today=REPORT_DAY)
    assert zhang.totals.target is not None
    assert (zhang.totals.target.amount_fen, zhang.totals.target.exact) == (9_333_333, False)
    # in the team table: each their own target, the pool none, the team's in the totals
    team_week = run_review(team, WEEK_CASES["wang.qiang --team"], key="2026-W47", today=REPORT_DAY)
    targets = {_who(r): r.target and r.target.amount_fen for r in team_week.people}
    assert targets["li.na"] == 120_000_00
    assert targets["zhang.wei"] == 9_333_333
    assert targets["wang.qiang"] is None
    assert team_week.totals.target is not None
    assert team_week.totals.target.amount_fen == 28_000_000


def test_without_a_target_there_is_no_attainment(team: str, zone: SetZone) -> None:
    zone(SHANGHAI)
    build_report_data(team)
    review = run_review(team, week_case("chen.jing"), key="2026-W47", today=REPORT_DAY)
    assert review.totals.target is None
    assert review.totals.attainment is None
    assert review.people[0].target is None
    assert review.people[0].attainment is None


def test_a_quiet_period_has_empty_sections(team: str) -> None:
    build_report_data(team)
    review = run_review(team, week_case("li.na"), key="2030-W10", today=REPORT_DAY)
    assert review.totals.current.new_leads == 0
    assert review.totals.target is None
    assert review.lost.total == 0
    assert not review.lost.rows
    assert review.follow_ups.total == 0
    assert review.review_day == date(2030, 3, 4)  # a week not begun: its Monday


def test_bad_periods_and_scopes_are_refused(team: str) -> None:
    with pytest.raises(InputError, match="--week"):
        week_to_report("2026-11", REPORT_DAY)
    with pytest.raises(InputError, match="--week"):
        week_to_report("2026-W54", REPORT_DAY)
    with pytest.raises(InputError, match="--period"):
        month_to_report("2026-W47", REPORT_DAY)
    with pytest.raises(InputError, match="--period"):
        month_to_report("2026-13", REPORT_DAY)
    with pytest.raises(InputError, match="--week"):
        week_to_report("2025-W53", REPORT_DAY)  # 2025 has 52 ISO weeks
    assert week_to_report("2026-W53", REPORT_DAY).end == date(2027, 1, 3)
    assert week_to_report(None, REPORT_DAY).key == "2026-W47"
    assert week_to_report("2026年第47周", REPORT_DAY).key == "2026-W47"
    assert month_to_report(None, REPORT_DAY).key == "2026-11"
    with acting(team, "li.na") as (session, actor), pytest.raises(PermissionDenied):
        report_scope(session, actor, team=True)
