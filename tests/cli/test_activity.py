"""``salesflow activity log`` and ``activity list`` through the CLI, on both backends."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, update
from sqlmodel import col, select

from salesflow.store.models import Activity, AuditChange, AuditEvent, Lead, StageChange
from tests.duplicate_data import acting_as, reading
from tests.helpers import Cli, assert_one_line_error, assert_refused_unchanged

GRADE_INPUTS = [
    "--employees", "150", "--founded-year", "2010", "--budget", "30万",
    "--need-fit", "4", "--likelihood", "3", "--decision-maker",
]  # fmt: skip


def add_lead(cli: Cli, user: str, company: str) -> int:
    result = cli(
        "--as", user, "--no-input", "lead", "add", "--company", company, "--source", "website"
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return int(result.stdout.strip())


def log(cli: Cli, user: str, lead: int | str, *args: str) -> tuple[int, str]:
    result = cli("--as", user, "--no-input", "activity", "log", str(lead), *args)
    assert result.exit_code == 0, result.stderr
    return int(result.stdout.strip()), result.stderr


def test_logging_sets_the_next_step_and_is_audited(cli: Cli, team: str) -> None:
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    activity, stderr = log(
        cli, "li.na", f"L{lead}", "--kind", "电话沟通", "--summary", "聊了需求\n约了演示",
        "--outcome", "对方有兴趣", "--next-date", "2099-01-05", "--next-action", "上门演示",
    )  # fmt: skip
    assert "2099-01-05" in stderr
    assert "上门演示" in stderr
    with reading(team) as session:
        row = session.get(Activity, activity)
        assert row is not None
        assert (row.lead_id, row.kind, row.summary, row.outcome) == (
            lead,
            "call",
            "聊了需求\n约了演示",
            "对方有兴趣",
        )
        assert row.next_date == date(2099, 1, 5)
        saved = session.get(Lead, lead)
        assert saved is not None
        assert saved.next_step_date == date(2099, 1, 5)
        assert saved.next_step_action == "上门演示"
        assert saved.last_activity_at is not None
        assert saved.last_activity_at == row.occurred_at
        inserted = session.exec(
            select(AuditEvent).where(
                AuditEvent.entity == "activities", AuditEvent.entity_id == str(activity)
            )
        ).one()
        assert inserted.action == "create"
        fields = session.exec(
            select(AuditChange.field)
            .join(AuditEvent, col(AuditEvent.id) == AuditChange.event_id)
            .where(
                AuditEvent.entity == "leads",
                AuditEvent.entity_id == str(lead),
                AuditEvent.action == "update",
            )
        ).all()
        assert {"next_step_date", "next_step_action", "last_activity_at"} <= set(fields)


def test_next_date_defaults_from_the_grade_cadence(cli: Cli, team: str) -> None:
    lead = add_lead(cli, "li.na", "华东精密机械有限公司")
    # Ungraded: the C cadence, and the person is told so.
    _, stderr = log(cli, "li.na", lead, "-k", "visit", "-s", "初次拜访", "--next-action", "回访")
    with reading(team) as session:
        saved = session.get(Lead, lead)
        assert saved is not None
        assert saved.next_step_date == date.today() + timedelta(days=30)
    assert "not graded" in stderr

    graded = cli("--as", "li.na", "--no-input", "lead", "grade", str(lead), *GRADE_INPUTS)
    assert graded.exit_code == 0, graded.stderr
    with reading(team) as session:
        saved = session.get(Lead, lead)
        assert saved is not None
        grade = saved.grade
    assert grade in {"A", "B", "C"}
    days = {"A": 7, "B": 14, "C": 30}[grade]
    _, stderr = log(
        cli, "li.na", lead, "-k", "wechat", "-s", "发了资料", "--next-action", "电话跟进"
    )
    with reading(team) as session:
        saved = session.get(Lead, lead)
        assert saved is not None
        assert saved.next_step_date == date.today() + timedelta(days=days)
    assert f"grade {grade} cadence ({days} days)" in stderr

    activity, _ = log(cli, "li.na", lead, "-k", "email", "-s", "报价", "--next-date", "+3d",
                      "--next-action", "确认报价")  # fmt: skip
    with reading(team) as session:
        row = session.get(Activity, activity)
        assert row is not None
        assert row.next_date == date.today() + timedelta(days=3)


def test_bad_input_is_refused_and_nothing_changes(cli: Cli, team: str) -> None:
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    other = add_lead(cli, "zhang.wei", "宁波海天塑机有限公司")
    base = ["--as", "li.na", "--no-input", "activity", "log", str(lead)]
    ok = ["-k", "call", "-s", "聊了", "--next-action", "回电"]
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    cases: list[tuple[list[str], int, str]] = [
        ([*base, *ok, "--next-date", "someday"], 2, "--next-date"),
        ([*base, *ok, "--next-date", yesterday], 2, "in the past"),
        ([*base, "-k", "call", "-s", "聊了"], 2, "--next-action"),
        ([*base, "-k", "fax", "-s", "聊了", "--next-action", "回电"], 2, "--kind"),
        ([*base, "-k", "call", "-s", "   ", "--next-action", "回电"], 2, "--summary"),
        ([*base, "-k", "call", "-s", "长" * 10_000, "--next-action", "回电"], 2, "--summary"),
        ([*base, "-k", "call", "--next-action", "回电"], 2, "--summary"),
        ([*base, "-s", "聊了", "--next-action", "回电"], 2, "--kind"),
        ([*base, *ok, "--at", "2999-01-01 10:00"], 2, "--at"),
        (["--as", "li.na", "--no-input", "activity", "log", str(other), *ok], 2,
         f"No lead {other}"),
        (["--as", "li.na", "--no-input", "activity", "log", "abc", *ok], 2, "lead number"),
    ]  # fmt: skip
    for args, code, needle in cases:
        assert_refused_unchanged(cli, team, args, code, needle)


def test_manager_may_log_on_the_team_lead_but_the_other_team_may_not(cli: Cli, team: str) -> None:
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    log(cli, "wang.qiang", lead, "-k", "meeting", "-s", "来司面谈", "--next-action", "出方案")
    assert_refused_unchanged(
        cli, team,
        ["--as", "chen.jing", "--no-input", "activity", "log", str(lead), "-k", "call",
         "-s", "x", "--next-action", "y"],
        2, "No lead",
    )  # fmt: skip


def test_closed_lead_needs_no_next_step(cli: Cli, team: str) -> None:
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    with acting_as(team, "li.na") as (session, _actor):
        saved = session.get(Lead, lead)
        assert saved is not None
        saved.stage = "won"
        session.add(saved)
    assert_refused_unchanged(
        cli, team,
        ["--as", "li.na", "--no-input", "activity", "log", str(lead), "-k", "note", "-s", "x",
         "--next-date", "tomorrow"],
        2, "--next-action",
    )  # fmt: skip
    activity, stderr = log(cli, "li.na", lead, "-k", "note", "-s", "合同已签")
    assert "Next step" not in stderr
    with reading(team) as session:
        row = session.get(Activity, activity)
        assert row is not None
        assert (row.next_date, row.next_action) == (None, None)


def test_list_filters_visibility_and_json(cli: Cli, team: str) -> None:
    mine = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    theirs = add_lead(cli, "zhang.wei", "宁波海天塑机有限公司")
    first, _ = log(cli, "li.na", mine, "-k", "call", "-s", "一", "--next-action", "a",
                   "--at", "2026-01-05 10:00")  # fmt: skip
    second, _ = log(cli, "li.na", mine, "-k", "visit", "-s", "二", "--next-action", "b")
    third, _ = log(cli, "zhang.wei", theirs, "-k", "call", "-s", "三", "--next-action", "c")

    def ids(user: str, *args: str) -> list[int]:
        result = cli("--as", user, "activity", "list", "-f", "json", *args)
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
        return [row["id"] for row in json.loads(result.stdout)]

    assert ids("li.na") == [second, first]  # newest first; not zhang.wei's
    assert ids("zhang.wei") == [third]
    assert ids("wang.qiang") == [third, second, first]
    assert ids("liu.yang") == []
    assert ids("wang.qiang", "--lead", str(mine)) == [second, first]
    assert ids("wang.qiang", "--user", "zhang.wei") == [third]
    assert ids("wang.qiang", "--kind", "上门拜访") == [second]
    assert ids("wang.qiang", "--since", "2026-01-05", "--until", "2026-01-05") == [first]
    assert ids("wang.qiang", "--since", "today") == [third, second]
    assert ids("wang.qiang", "--limit", "1") == [third]
    assert ids("li.na", "--lead", str(theirs)) == []

    row = json.loads(cli("--as", "li.na", "activity", "list", "-f", "json").stdout)[0]
    assert row["kind"] == "visit"
    assert row["lead_id"] == mine
    assert row["company"] == "杭州云栖科技有限公司"
    assert row["user"] == "li.na"
    table = cli("--as", "li.na", "activity", "list")
    assert "Visit" in table.stdout
    assert_one_line_error(cli("activity", "list", "--since", "whenever"), 2)
    assert_one_line_error(cli("activity", "list", "--user", "nobody"), 2)
    assert_one_line_error(cli("activity", "list", "--kind", "fax"), 2)


def test_lead_show_lists_the_activities(cli: Cli, team: str) -> None:
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    empty = cli("--as", "li.na", "lead", "show", str(lead))
    assert "No activities logged yet" in empty.stdout
    log(cli, "li.na", lead, "-k", "call", "-s", "第一次电话", "--next-action", "寄样品")
    shown = cli("--as", "li.na", "lead", "show", str(lead))
    assert shown.exit_code == 0, shown.stderr
    assert "第一次电话" in shown.stdout
    assert "Phone call" in shown.stdout
    card = json.loads(cli("--as", "li.na", "lead", "show", str(lead), "-f", "json").stdout)
    assert [a["summary"] for a in card["activities"]] == ["第一次电话"]
    assert card["activities"][0]["next_action"] == "寄样品"


def test_merge_moves_the_activities(cli: Cli, team: str) -> None:
    keep = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    other = add_lead(cli, "li.na", "云栖软件（杭州）有限公司")
    moved, _ = log(cli, "li.na", other, "-k", "call", "-s", "旧记录", "--next-action", "回电")
    assert cli("--as", "li.na", "lead", "advance", str(other)).exit_code == 0
    with reading(team) as session:
        merged = session.get(Lead, other)
        assert merged is not None
        contacted_at = merged.last_activity_at
        assert contacted_at is not None
    result = cli("--as", "li.na", "lead", "merge", str(keep), str(other), "--yes")
    assert result.exit_code == 0, result.stderr
    assert "1 activity" in result.stderr
    assert "2 stage changes" in result.stderr  # the merged lead's own history, deleted
    with reading(team) as session:
        row = session.get(Activity, moved)
        assert row is not None
        kept = session.get(Lead, keep)
        assert kept is not None
        assert (row.lead_id, row.customer_id) == (keep, kept.customer_id)
        # The last contact comes with the activity, so today does not call the lead stale.
        assert kept.last_activity_at == contacted_at
        history = session.exec(select(StageChange).where(StageChange.lead_id == keep)).all()
        assert [(h.from_stage, h.to_stage) for h in history] == [(None, "new")]
        assert not session.exec(select(StageChange).where(StageChange.lead_id == other)).all()
    listed = json.loads(
        cli("--as", "li.na", "activity", "list", "--lead", str(keep), "-f", "json").stdout
    )
    assert [r["id"] for r in listed] == [moved]


CONTRACT_IS_WON = """
[[stages]]
code = "new"
probability = 10
[[stages]]
code = "contacted"
probability = 20
[[stages]]
code = "negotiation"
probability = 70
[[stages]]
code = "contract"
probability = 100
won = true
[[stages]]
code = "lost"
probability = 0
lost = true
"""


def test_open_and_closed_follow_the_stage_flags_not_names(
    cli: Cli, team: str, isolated_home: Path
) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "stages.toml").write_text(CONTRACT_IS_WON, encoding="utf-8")
    signed = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    talking = add_lead(cli, "li.na", "宁波海曙贸易有限公司")
    engine = create_engine(team)
    try:
        with engine.begin() as connection:
            connection.execute(update(Lead).where(col(Lead.id) == signed).values(stage="contract"))
    finally:
        engine.dispose()
    # "contract" is the won stage here: a thank-you call needs no next step ...
    log(cli, "li.na", signed, "-k", "call", "-s", "thank-you call")
    # ... while an open lead still must have one.
    refused = cli("--as", "li.na", "--no-input", "activity", "log", str(talking), "-k", "call",
                  "-s", "price talk")  # fmt: skip
    assert refused.exit_code == 2
    assert "--next-action" in refused.stderr
