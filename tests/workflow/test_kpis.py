"""The KPIs (kpis.py, kpi_process.py) against plain Python over the fixed data set
(tests/report_data.py), on SQLite and PostgreSQL: every KPI of a rep, a manager's team and
a director's team for a month, a quarter and a year, and a month edge that moves with the
time zone.

The oracle below is written from the definitions in the README, over the records
:func:`build_report_data` returns; it calls nothing of the report code.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest

from salesflow.store.models import LOST_REASON_CODES, SOURCE_CODES
from salesflow.workflow.kpis import KpiReport, kpi_report
from salesflow.workflow.report_periods import parse_report_period
from salesflow.workflow.report_scope import report_scope
from tests.helpers import SetZone
from tests.report_data import (
    EDGE_MONTH,
    LOST,
    MONTH,
    OPEN_STAGES,
    QUARTER,
    SHANGHAI,
    WON,
    YEAR,
    ReportData,
    build_report_data,
    local_day,
)
from tests.workflow.test_lead_views import acting

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
# SPEC §4's default probabilities (stages.toml).
PROBABILITY = {
    "new": 10,
    "contacted": 20,
    "qualified": 30,
    "proposal": 50,
    "negotiation": 70,
    "contract": 90,
}
SELLERS = ("rep", "manager", "director")
GRADES = ("A", "B", "C", None)
CASES = (
    ("li.na", False),
    ("wang.qiang", True),
    ("zhao.min", True),
)


# ------------------------------------------------------------------ the plain definitions


def pct(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def mean(total: float | int, count: int, unit: int = 1) -> Decimal | None:
    if count == 0:
        return None
    value = Decimal(int(total)) / Decimal(count * unit)
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


def seconds(later: datetime, earlier: datetime) -> int:
    return int((later - earlier).total_seconds())


class Oracle:
    """Every KPI of one report, from the records and the definitions (plain Python)."""

    def __init__(self, data: ReportData, username: str, team: bool, key: str) -> None:
        self.data = data
        self.username = username
        self.team = team
        self.key = key
        period = parse_report_period(key, option="--period")  # only the days of the key
        self.start, self.end = period.start, period.end
        self.subject = data.user_id(username)
        role = data.users[username].role
        if not team:
            self.owners: frozenset[int] | None = frozenset({self.subject})
        elif role in ("director", "admin"):
            self.owners = None
        else:
            self.owners = data.team_ids(username)
        self.leads = {lead.id: lead for lead in data.leads}
        self.contracts = {c.id: c for c in data.contracts}

    # Who counts.
    def owns(self, owner_id: int | None) -> bool:
        if owner_id is None:
            return self.team
        return self.owners is None or owner_id in self.owners

    def did(self, user_id: int | None) -> bool:
        return self.owners is None or user_id in self.owners

    # When.
    def within(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= local_day(moment) <= self.end

    def on(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def target(self, kind: str, subject: int) -> int | None:
        """Set for exactly the period, else each day's share of the month, quarter or year
        target covering it (finest first), half-up once; None if a day has none."""
        mine = [
            t for t in self.data.targets if (t.team_id if kind == "team" else t.user_id) == subject
        ]
        for target in mine:
            if target.period == self.key:
                return target.amount_fen
        rank = {"month": 0, "quarter": 1, "year": 2}

        def kind_of(period: str) -> str:
            if "W" in period:
                return "week"
            if "Q" in period:
                return "quarter"
            return "month" if "-" in period else "year"

        ranked = sorted(
            (t for t in mine if kind_of(t.period) in rank), key=lambda t: rank[kind_of(t.period)]
        )
        total = Fraction(0)
        day = self.start
        while day <= self.end:
            cover = next((t for t in ranked if t.starts_on <= day <= t.ends_on), None)
            if cover is None:
                return None
            total += Fraction(cover.amount_fen, (cover.ends_on - cover.starts_on).days + 1)
            day += timedelta(days=1)
        return int((total * 2 + 1) // 2)

    # The records that count.
    def signed(self) -> list[Any]:
        return [
            c
            for c in self.data.contracts
            if c.signed and self.on(c.signed_on) and self.owns(c.owner_id)
        ]

    def receipts(self) -> list[Any]:
        return [
            r
            for r in self.data.receipts
            if self.on(r.received_on) and self.owns(self.contracts[r.contract_id].owner_id)
        ]

    def closed(self) -> list[Any]:
        return [
            x
            for x in self.data.leads
            if self.within(x.closed_at) and self.owns(x.owner_id) and x.stage in (WON, LOST)
        ]

    def moves_out(self, stage: str) -> list[Any]:
        return [
            c
            for c in self.data.stage_changes
            if c.from_stage == stage
            and self.within(c.changed_at)
            and self.owns(self.leads[c.lead_id].owner_id)
        ]

    def visits_of(self, user_id: int | None) -> int:
        return sum(
            1
            for a in self.data.activities
            if a.kind == "visit" and self.within(a.occurred_at) and a.user_id == user_id
            and self.did(a.user_id)
        )  # fmt: skip

    # The KPIs.
    def team_kpis(self) -> dict[str, Any]:
        signed, receipts = self.signed(), self.receipts()
        firsts: dict[int, Any] = {}
        for c in self.data.contracts:
            if c.signed and c.signed_on is not None:
                best = firsts.get(c.customer_id)
                if best is None or (c.signed_on, c.id) < (best.signed_on, best.id):
                    firsts[c.customer_id] = c
        open_leads = [
            x for x in self.data.leads if x.stage in OPEN_STAGES and self.owns(x.owner_id)
        ]
        target = self.target("team" if self.team else "user", self.subject)
        signed_fen = sum(c.total_fen for c in signed)
        return {
            "signed": len(signed),
            "signed_fen": signed_fen,
            "collected": len(receipts),
            "collected_fen": sum(r.amount_fen for r in receipts),
            "target": target,
            "attainment": pct(signed_fen, target) if target else None,
            "new_customers": sum(
                1 for c in firsts.values() if self.on(c.signed_on) and self.owns(c.owner_id)
            ),
            "pipeline": (
                len(open_leads),
                sum(x.amount_fen or 0 for x in open_leads),
                sum(((x.amount_fen or 0) * PROBABILITY[x.stage] + 50) // 100 for x in open_leads),
            ),
        }  # fmt: skip

    def conversion(self) -> list[Any]:
        order = (*OPEN_STAGES, WON)
        rows = []
        for stage in OPEN_STAGES:
            moves = self.moves_out(stage)
            here = order.index(stage)
            forward = sum(
                1 for c in moves if c.to_stage in order and order.index(c.to_stage) > here
            )
            lost = sum(1 for c in moves if c.to_stage == LOST)
            back = sum(1 for c in moves if c.to_stage in order and order.index(c.to_stage) < here)
            rows.append((stage, forward, lost, back, pct(forward, forward + lost + back)))
        return rows

    def stage_days(self) -> list[Any]:
        rows = []
        for stage in OPEN_STAGES:
            timed = total = 0
            for move in self.moves_out(stage):
                entries = [
                    c.changed_at
                    for c in self.data.history(move.lead_id)
                    if c.to_stage == stage and c.changed_at < move.changed_at
                ]
                if entries:
                    timed += 1
                    total += seconds(move.changed_at, max(entries))
            rows.append((stage, timed, mean(total, timed, 86_400)))
        return rows

    def stuck(self) -> str | None:
        timed = [row for row in self.stage_days() if row[2] is not None]
        if not timed:
            return None
        longest = max(row[2] for row in timed)
        return str(next(row[0] for row in timed if row[2] == longest))

    def rates(self, field: str, groups: tuple[Any, ...]) -> list[Any]:
        closed = self.closed()
        rows = []
        for group in groups:
            won = sum(1 for x in closed if getattr(x, field) == group and x.stage == WON)
            lost = sum(1 for x in closed if getattr(x, field) == group and x.stage == LOST)
            rows.append((group, won, lost, pct(won, won + lost)))
        return rows

    def cycle(self) -> tuple[int, Decimal | None]:
        won = [x for x in self.closed() if x.stage == WON]
        total = sum(seconds(x.closed_at, x.created_at) for x in won)
        return len(won), mean(total, len(won), 86_400)

    def first_contact(self) -> tuple[Any, ...]:
        created = [
            x for x in self.data.leads if self.within(x.created_at) and self.owns(x.owner_id)
        ]
        waits = []
        for lead in created:
            contacts = [
                a.occurred_at
                for a in self.data.activities
                if a.lead_id == lead.id and a.kind != "note"
            ]
            if contacts:
                waits.append(max(0, seconds(min(contacts), lead.created_at)))
        return (
            len(created), len(waits), len(created) - len(waits), mean(sum(waits), len(waits), 3_600)
        )  # fmt: skip

    def satisfaction(self) -> tuple[int, Decimal | None]:
        scores = [
            v.satisfaction
            for v in self.data.service_visits
            if v.status == "done"
            and self.on(v.visited_on)
            and v.satisfaction is not None
            and (
                self.owns(self.contracts[v.contract_id].owner_id)
                if v.contract_id is not None
                else self.did(v.user_id)
            )
        ]
        return len(scores), mean(sum(s for s in scores if s is not None), len(scores))

    def complaints(self, now: datetime) -> tuple[Any, ...]:
        # A ticket counts for its contract's owner, else for its assignee.
        tickets = [
            t
            for t in self.data.tickets
            if self.within(t.opened_at)
            and self.owns(
                self.contracts[t.contract_id].owner_id
                if t.contract_id is not None
                else t.assignee_id
            )
        ]
        answered = [
            (t.first_response_at, t.response_due_at)
            for t in tickets
            if t.first_response_at is not None
        ]
        waiting = [t for t in tickets if t.first_response_at is None]
        on_time = sum(1 for first, due in answered if first <= due)
        late = len(answered) - on_time
        overdue = sum(1 for t in waiting if t.response_due_at < now)
        return (
            on_time,
            late,
            overdue,
            len(waiting) - overdue,
            pct(on_time, len(tickets) - len(waiting) + overdue),
        )

    def person_line(self, user_id: int | None) -> tuple[Any, ...]:
        mine = [c for c in self.signed() if c.owner_id == user_id]
        paid = sum(
            r.amount_fen
            for r in self.receipts()
            if self.contracts[r.contract_id].owner_id == user_id
        )
        goal = None if user_id is None else self.target("user", user_id)
        fen = sum(c.total_fen for c in mine)
        return (
            self.data.username(user_id), len(mine), fen, paid, self.visits_of(user_id), goal,
            pct(fen, goal) if goal else None,
        )  # fmt: skip

    def people(self) -> list[Any]:
        """The scope's sellers in username order, then others with figures, then the pool."""
        if self.team:
            listed = sorted(
                u.username
                for u in self.data.users.values()
                if u.role in SELLERS and (self.owners is None or u.id in self.owners)
            )
        else:
            listed = [self.username]
        listed_ids = {self.data.user_id(name) for name in listed}
        visitors = {
            a.user_id
            for a in self.data.activities
            if a.kind == "visit" and self.within(a.occurred_at) and self.did(a.user_id)
        }
        owners = {c.owner_id for c in self.signed()} | {
            self.contracts[r.contract_id].owner_id for r in self.receipts()
        }
        others = sorted((owners | visitors) - listed_ids, key=lambda x: (x is None, x or 0))
        return [self.person_line(self.data.user_id(name)) for name in listed] + [
            self.person_line(other) for other in others
        ]

    def lost_reasons(self) -> list[Any]:
        lost = [x for x in self.closed() if x.stage == LOST]
        rows = []
        for reason in (*LOST_REASON_CODES, None):
            mine = [x for x in lost if x.lost_reason == reason]
            if mine:
                rows.append((reason, len(mine), sum(x.amount_fen or 0 for x in mine)))
        return rows

    def all(self, now: datetime) -> dict[str, Any]:
        return {
            "team": self.team_kpis(),
            "conversion": self.conversion(),
            "by_source": self.rates("source", SOURCE_CODES),
            "by_grade": self.rates("grade", GRADES),
            "stage_days": self.stage_days(),
            "stuck": self.stuck(),
            "cycle": self.cycle(),
            "first_contact": self.first_contact(),
            "satisfaction": self.satisfaction(),
            "complaints": self.complaints(now),
            "people": self.people(),
            "lost_reasons": self.lost_reasons(),
        }


# --------------------------------------------------------------------------- the report


def actual(report: KpiReport) -> dict[str, Any]:
    """The report in the oracle's shape."""
    t, p = report.team, report.process
    fc, c = p.first_contact, p.complaints
    return {
        "team": {
            "signed": t.signed,
            "signed_fen": t.signed_fen,
            "collected": t.collected,
            "collected_fen": t.collected_fen,
            "target": None if t.target is None else t.target.amount_fen,
            "attainment": t.attainment,
            "new_customers": t.new_customers,
            "pipeline": (t.pipeline.leads, t.pipeline.amount_fen, t.pipeline.weighted_fen),
        },
        "conversion": [(r.stage, r.forward, r.lost, r.back, r.conversion) for r in p.conversion],
        "by_source": [(r.group, r.won, r.lost, r.rate) for r in p.by_source],
        "by_grade": [(r.group, r.won, r.lost, r.rate) for r in p.by_grade],
        "stage_days": [(r.stage, r.moves, r.average_days) for r in p.stage_days],
        "stuck": None if p.stuck is None else p.stuck.stage,
        "cycle": (p.cycle.won, p.cycle.average_days),
        "first_contact": (fc.new_leads, fc.contacted, fc.not_contacted, fc.average_hours),
        "satisfaction": (p.satisfaction.visits, p.satisfaction.average),
        "complaints": (c.on_time, c.late, c.overdue, c.not_due, c.compliance),
        "people": [
            (
                None if line.person is None else line.person.username,
                line.signed,
                line.signed_fen,
                line.collected_fen,
                line.visits,
                None if line.target is None else line.target.amount_fen,
                line.attainment,
            )
            for line in report.people
        ],
        "lost_reasons": [(r.reason, r.leads, r.amount_fen) for r in report.lost_reasons],
    }


def run(url: str, username: str, team: bool, key: str, now: datetime = NOW) -> KpiReport:
    period = parse_report_period(key, option="--period")
    with acting(url, username) as (session, actor):
        scope = report_scope(session, actor, team=team)
        return kpi_report(session, scope, period, now=now)


def compare(url: str, data: ReportData, username: str, team: bool, key: str) -> dict[str, Any]:
    expected = Oracle(data, username, team, key).all(NOW)
    got = actual(run(url, username, team, key))
    for name, value in expected.items():
        assert got[name] == value, (username, team, key, name)
    return got


@pytest.mark.parametrize("key", [MONTH, QUARTER, YEAR])
def test_every_kpi_matches_the_definitions(team: str, zone: SetZone, key: str) -> None:
    zone(SHANGHAI)
    data = build_report_data(team)
    for username, whole_team in CASES:
        compare(team, data, username, whole_team, key)


def test_the_data_exercises_the_kpis(team: str, zone: SetZone) -> None:
    """The fixed data gives the month real figures (not zeros everywhere)."""
    zone(SHANGHAI)
    data = build_report_data(team)
    got = compare(team, data, "zhao.min", True, MONTH)
    assert got["team"]["signed"]
    assert got["team"]["collected"]
    assert got["team"]["new_customers"]
    assert got["team"]["target"] is not None
    assert any(row[1] and row[3] is not None for row in got["conversion"])
    assert any(row[3] for row in got["conversion"])  # a move back
    assert any(row[2] for row in got["conversion"])  # a loss
    assert got["stuck"] is not None
    assert got["cycle"][0]
    assert got["first_contact"][2]
    assert got["satisfaction"][0]
    on_time, late, overdue, not_due, _ = got["complaints"]
    assert on_time
    assert late
    assert overdue
    assert not_due
    assert any(line[5] is not None for line in got["people"])
    assert got["lost_reasons"]
    # The team's total is its own target (1,200,000.00 for wang.qiang's in November).
    wang = compare(team, data, "wang.qiang", True, MONTH)
    assert wang["team"]["target"] == 1_200_000_00


def test_the_month_follows_the_time_zone(team: str, zone: SetZone) -> None:
    """EDGE_MONTH (31 Oct 17:00 UTC) is 1 November in Shanghai and 31 October in UTC: the
    lead created then, the deal won and the one lost then move between the months."""
    data = build_report_data(team)
    zone(SHANGHAI)
    shanghai = compare(team, data, "zhao.min", True, MONTH)
    zone("UTC")
    utc = compare(team, data, "zhao.min", True, MONTH)
    assert local_day(EDGE_MONTH) == date(2026, 10, 31)
    assert shanghai["first_contact"][0] == utc["first_contact"][0] + 1
    assert shanghai["cycle"][0] == utc["cycle"][0] + 1
    assert sum(r[1] for r in shanghai["lost_reasons"]) == sum(r[1] for r in utc["lost_reasons"]) + 1
    compare(team, data, "zhao.min", True, "2026-10")


def test_a_period_without_anything(team: str) -> None:
    got = actual(run(team, "zhao.min", True, "2030-01"))
    assert got["team"]["signed"] == 0
    assert got["team"]["attainment"] is None
    assert all(row[4] is None for row in got["conversion"])
    assert got["stuck"] is None
    assert got["cycle"] == (0, None)
    assert got["complaints"] == (0, 0, 0, 0, None)
    assert got["lost_reasons"] == []
