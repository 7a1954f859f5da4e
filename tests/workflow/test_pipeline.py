"""The pipeline report's pure rules (periods, percentages, weights, funnel) and its SQL
(ages, reached stages, scopes) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest

from salesflow.store.database import open_workspace
from salesflow.store.models import StageChange
from salesflow.workflow.errors import InputError, PermissionDenied
from salesflow.workflow.identity import find_user
from salesflow.workflow.periods import Period, add_months, parse_period
from salesflow.workflow.pipeline import (
    PipelineReport,
    average,
    funnel_steps,
    lead_weight_fen,
    parse_grouping,
    percent,
    pipeline_report,
)
from salesflow.workflow.stage_config import default_stages
from tests.workflow.test_lead_views import acting, add, change

D = date


@pytest.mark.parametrize(
    ("text", "today", "start", "end"),
    [
        ("30d", D(2026, 1, 31), D(2026, 1, 31), D(2026, 3, 2)),
        (" 7 D ", D(2026, 1, 31), D(2026, 1, 31), D(2026, 2, 7)),
        ("2w", D(2026, 1, 31), D(2026, 1, 31), D(2026, 2, 14)),
        ("1m", D(2026, 1, 31), D(2026, 1, 31), D(2026, 2, 28)),
        ("3m", D(2026, 11, 30), D(2026, 11, 30), D(2027, 2, 28)),
        ("this-month", D(2026, 2, 10), D(2026, 2, 10), D(2026, 2, 28)),
        ("本月", D(2024, 2, 10), D(2024, 2, 10), D(2024, 2, 29)),
        ("this-quarter", D(2026, 11, 5), D(2026, 11, 5), D(2026, 12, 31)),
        ("this quarter", D(2026, 1, 1), D(2026, 1, 1), D(2026, 3, 31)),
        ("本季度", D(2026, 6, 30), D(2026, 6, 30), D(2026, 6, 30)),
        ("next-month", D(2026, 12, 15), D(2027, 1, 1), D(2027, 1, 31)),
        ("Next_Month", D(2026, 1, 31), D(2026, 2, 1), D(2026, 2, 28)),
        ("下个月", D(2026, 3, 3), D(2026, 4, 1), D(2026, 4, 30)),
        ("2026-12", D(2026, 1, 1), D(2026, 12, 1), D(2026, 12, 31)),
        ("2024-2", D(2026, 1, 1), D(2024, 2, 1), D(2024, 2, 29)),
        ("2026-Q4", D(2026, 1, 1), D(2026, 10, 1), D(2026, 12, 31)),
        ("2026q1", D(2026, 1, 1), D(2026, 1, 1), D(2026, 3, 31)),
        ("2026-q2", D(2026, 1, 1), D(2026, 4, 1), D(2026, 6, 30)),
    ],
)
def test_periods(text: str, today: date, start: date, end: date) -> None:
    assert parse_period(text, today) == Period(start, end)


@pytest.mark.parametrize(
    "text", ["", "soon", "0d", "-3d", "30", "d", "9999d", "2026-13", "2026-00", "2026-Q5", "Q4"]
)
def test_bad_periods_name_the_option(text: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_period(text, D(2026, 6, 30))
    assert "--closing-in" in refused.value.message
    assert refused.value.hint is not None
    assert "this-quarter" in refused.value.hint


def test_period_helpers() -> None:
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 12, 31), 2) == D(2027, 2, 28)
    assert D(2026, 7, 1) in Period(D(2026, 7, 1), D(2026, 7, 31))
    assert D(2026, 8, 1) not in Period(D(2026, 7, 1), D(2026, 7, 31))


def test_percent_average_and_weight_are_exact_half_up() -> None:
    assert percent(1, 3) == Decimal("33.3")
    assert percent(2, 3) == Decimal("66.7")
    assert percent(1, 16) == Decimal("6.3")  # 6.25
    assert percent(0, 5) == Decimal("0.0")
    assert percent(3, 0) is None
    assert average(5, 2) == Decimal("2.5")
    assert average(1, 8) == Decimal("0.1")  # 0.125
    assert average(3, 16) == Decimal("0.2")  # 0.1875
    assert average(0, 0) is None
    assert lead_weight_fen(1_000_005, 10) == 100_001  # 100,000.5 fen
    assert lead_weight_fen(5, 10) == 1  # half a fen rounds up
    assert lead_weight_fen(4, 10) == 0
    assert lead_weight_fen(33_333, 30) == 10_000  # 9,999.9 fen
    assert lead_weight_fen(10**14, 100) == 10**14


def test_groupings_and_aliases() -> None:
    assert [parse_grouping(t) for t in ("stage", "Owner", "rep", "region", "grade", "SOURCE")] == [
        "stage", "owner", "owner", "province", "grade", "source",
    ]  # fmt: skip
    with pytest.raises(InputError, match="--by"):
        parse_grouping("colour")


def test_funnel_steps() -> None:
    config = default_stages()
    steps = funnel_steps([8, 4, 4, 2, 1, 0, 0], {"new": 4, "won": 0}, config)
    assert [s.stage for s in steps] == [*config.open_codes, config.won]
    assert [s.conversion for s in steps] == [
        Decimal("50.0"), Decimal("100.0"), Decimal("50.0"), Decimal("50.0"), Decimal("0.0"),
        None, None,
    ]  # fmt: skip
    assert [s.current for s in steps][:2] == [4, 0]


def _report(url: str, user: str, **options: Any) -> PipelineReport:
    with acting(url, user) as (session, actor):
        return pipeline_report(session, actor, **options)


def test_ages_count_whole_local_days_on_both_databases(team: str) -> None:
    day = D(2026, 6, 30)

    def local(on: date, at: time) -> datetime:
        return datetime.combine(on, at).astimezone()

    moments = [
        (local(day - timedelta(days=10), time()), 10),
        (local(day - timedelta(days=1), time(23, 59, 59)), 1),
        (local(day, time()), 0),
        (local(day, time(23, 59, 59)), 0),
        (local(day + timedelta(days=2), time(12)), 0),  # after the report day: 0, not -2
    ]
    for index, (moment, _days) in enumerate(moments):
        add(team, "li.na", now=moment, company=f"年龄测试{index}号有限公司", source="website")
    report = _report(team, "li.na", day=day)
    new = report.rows[0]
    assert (new.group, new.count, new.age_days) == ("new", 5, 11)
    assert new.avg_age_days == Decimal("2.2")
    assert (new.amount_fen, new.weighted_fen, new.no_amount) == (0, 0, 5)


def test_reached_follows_the_furthest_stage_in_history(team: str) -> None:
    """A lead moved back keeps its furthest stage; a lost one the stage it was lost from."""
    back = add(team, "li.na", company="回退测试有限公司", source="website", amount="100")
    lost = add(team, "li.na", company="丢单测试有限公司", source="website")
    change(team, back, stage="contacted")
    change(team, lost, stage="lost", lost_reason="price")
    with acting(team, "boss") as (session, _actor):
        session.add(StageChange(lead_id=back, from_stage="new", to_stage="contract"))
        session.add(StageChange(lead_id=back, from_stage="contract", to_stage="contacted"))
        session.add(StageChange(lead_id=lost, from_stage="qualified", to_stage="lost"))
    report = _report(team, "li.na", day=D(2026, 6, 30), funnel=True)
    assert report.funnel is not None
    reached = [s.reached for s in report.funnel]
    assert reached == [2, 2, 2, 1, 1, 1, 0]
    rows = report.rows
    assert [r.count for r in rows] == [0, 1, 0, 0, 0, 0]
    assert rows[1].weighted_fen == 2_000  # 100 yuan at contacted's 20%
    assert report.totals.conversion == Decimal("0.0")


def test_scope_rules(team: str) -> None:
    add(team, "li.na", company="范围测试有限公司", source="website")
    with pytest.raises(PermissionDenied, match="--team"):
        _report(team, "sun.li", team=True)
    with pytest.raises(InputError, match="--owner and --team"):
        _report(team, "boss", team=True, owner="li.na")
    with pytest.raises(InputError, match=r"No user 'li\.na'"):
        _report(team, "liu.yang", owner="li.na")
    with pytest.raises(InputError, match="--funnel"):
        _report(team, "boss", by="owner", funnel=True)
    assert _report(team, "wang.qiang", owner="li.na").totals.count == 1
    assert _report(team, "chen.jing", team=True).totals.count == 0


def test_one_query_per_figure_set(team: str) -> None:
    """Rows come back grouped: the statements run do not grow with the number of leads."""
    from sqlalchemy import event

    for index in range(6):
        add(team, "li.na", company=f"查询测试{index}号有限公司", source="website")
    workspace = open_workspace(team)
    statements: list[str] = []
    try:
        with workspace.session() as session:
            actor = find_user(session, "boss")
            assert actor is not None

            def record(*args: object) -> None:
                statements.append(str(args[2]))

            event.listen(session.get_bind(), "before_cursor_execute", record)
            pipeline_report(session, actor, by="stage", funnel=True)
            pipeline_report(session, actor, by="owner")
    finally:
        workspace.dispose()
    grouped = [s for s in statements if "GROUP BY" in s]
    assert len(grouped) == 3  # stage figures, reached stages, owner figures
    assert all("leads" in s for s in grouped)
    assert not any(
        "FROM leads" in s and "GROUP BY" not in s and "users" not in s for s in statements
    )
