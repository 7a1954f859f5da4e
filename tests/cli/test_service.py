"""``salesflow service`` (visits, tickets, care calendar, referrals) and the after-sales
sections of ``salesflow today``, through the CLI on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine
from sqlmodel import Session, SQLModel, select

from salesflow.store.models import (
    Contact,
    Contract,
    Customer,
    Lead,
    ReferralAsk,
    ReferralThanks,
    ServiceTicket,
    ServiceVisit,
    User,
)
from tests.helpers import Cli, assert_refused_unchanged
from tests.workflow.test_lead_views import add, change

TODAY = date.today()


def lead_of(url: str, owner: str, company: str, contact: str = "张三") -> tuple[int, int]:
    """A lead of ``owner``: (lead number, customer number)."""
    number = add(url, owner, company=company, source="website", contact=contact)
    with Session(create_engine(url)) as session:
        lead = session.get(Lead, number)
        assert lead is not None
        return number, lead.customer_id


def user_id(url: str, username: str) -> int:
    with Session(create_engine(url)) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        assert user.id is not None
        return user.id


def insert(url: str, row: SQLModel) -> int:
    """Write a row straight into the database; its id."""
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            session.add(row)
            session.commit()
            value: int = row.id  # type: ignore[attr-defined]
            return value
    finally:
        engine.dispose()


def rows(url: str, model: Any) -> list[Any]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return list(session.exec(select(model).order_by(model.id)).all())
    finally:
        engine.dispose()


def ok(cli: Cli, user: str, *args: str) -> str:
    result = cli("--as", user, *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def as_json(cli: Cli, user: str, *args: str) -> Any:
    return json.loads(ok(cli, user, *args, "--format", "json"))


# ---------------------------------------------------------------- visits


def test_logging_completes_the_one_scheduled_visit_due(cli: Cli, team: str) -> None:
    _lead, customer = lead_of(team, "li.na", "杭州回访科技有限公司")
    scheduled = insert(
        team,
        ServiceVisit(
            customer_id=customer,
            user_id=user_id(team, "li.na"),
            scheduled_on=TODAY - timedelta(days=2),
        ),
    )
    later = insert(
        team,
        ServiceVisit(
            customer_id=customer,
            user_id=user_id(team, "li.na"),
            scheduled_on=TODAY + timedelta(days=20),
        ),
    )
    result = cli(
        "--as", "li.na", "service", "visit", "log", f"C{customer}", "-s", "4", "--note", "满意"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(scheduled)
    assert "Completed visit" in result.stderr
    visit = next(v for v in rows(team, ServiceVisit) if v.id == scheduled)
    assert (visit.status, visit.visited_on, visit.satisfaction) == ("done", TODAY, 4)

    # Nothing else due by today: a new done visit; --visit completes a later one.
    out = ok(
        cli, "li.na", "service", "visit", "log", "杭州回访科技有限公司", "-s", "5", "--note", "好"
    )
    assert int(out) not in (scheduled, later)
    out = ok(
        cli, "li.na", "service", "visit", "log", str(customer), "-s", "3", "--note", "提前",
        "--visit", str(later),
    )  # fmt: skip
    assert int(out) == later

    listed = as_json(cli, "li.na", "service", "visit", "list", "--customer", f"C{customer}")
    assert sorted(v["status"] for v in listed) == ["done", "done", "done"]
    assert as_json(cli, "li.na", "service", "visit", "list", "--scheduled") == []


def test_several_visits_due_ask_which_one(cli: Cli, team: str) -> None:
    _lead, customer = lead_of(team, "li.na", "杭州两次回访有限公司")
    for days in (10, 3):
        insert(
            team,
            ServiceVisit(customer_id=customer, scheduled_on=TODAY - timedelta(days=days)),
        )
    args = ["--as", "li.na", "service", "visit", "log", f"C{customer}", "-s", "4", "--note", "x"]
    assert_refused_unchanged(cli, team, args, 2, "--visit")


def test_schedule_and_list(cli: Cli, team: str) -> None:
    _lead, customer = lead_of(team, "li.na", "杭州计划回访有限公司")
    out = ok(cli, "li.na", "service", "visit", "schedule", f"C{customer}", "--on", "+3d")
    listed = as_json(cli, "li.na", "service", "visit", "list", "--scheduled")
    assert [(v["id"], v["scheduled_on"], v["overdue"]) for v in listed] == [
        (int(out), (TODAY + timedelta(days=3)).isoformat(), False)
    ]
    assert "杭州计划回访有限公司" in ok(cli, "li.na", "service", "visit", "list")
    # Out of sight for a rep of another team.
    assert as_json(cli, "liu.yang", "service", "visit", "list") == []


def test_visit_refusals_change_nothing(cli: Cli, team: str) -> None:
    _lead, customer = lead_of(team, "li.na", "杭州拒绝回访有限公司")
    _other, others = lead_of(team, "liu.yang", "别队客户有限公司")
    base = ["--as", "li.na", "service", "visit", "log"]
    for score in ("7", "0", "abc"):
        assert_refused_unchanged(
            cli, team, [*base, f"C{customer}", "--satisfaction", score, "--note", "x"], 2,
            "--satisfaction",
        )  # fmt: skip
    assert_refused_unchanged(cli, team, [*base, "C99999", "-s", "3", "--note", "x"], 2, "C99999")
    assert_refused_unchanged(
        cli, team, [*base, "没有这家公司", "-s", "3", "--note", "x"], 2, "没有"
    )
    assert_refused_unchanged(
        cli, team, [*base, f"C{others}", "-s", "3", "--note", "x"], 2, "No customer"
    )
    assert_refused_unchanged(
        cli, team, [*base, f"C{customer}", "-s", "3", "--note", "x", "--date", "+2d"], 2, "--date"
    )
    assert_refused_unchanged(
        cli, team,
        ["--as", "li.na", "service", "visit", "schedule", f"C{customer}", "--on", "2020-01-01"],
        2, "--on",
    )  # fmt: skip
    assert_refused_unchanged(
        cli, team,
        ["--as", "sun.li", "service", "visit", "schedule", f"C{customer}", "--on", "+1d"],
        1, "after-sales",
    )  # fmt: skip


# ---------------------------------------------------------------- tickets


def test_a_ticket_is_opened_answered_and_resolved_once(cli: Cli, team: str) -> None:
    _lead, customer = lead_of(team, "li.na", "杭州工单科技有限公司")
    result = cli(
        "--as", "li.na", "service", "ticket", "open", f"C{customer}", "--title", "设备异响",
        "--assignee", "zhou.xin",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    number = int(result.stdout)
    ticket = rows(team, ServiceTicket)[0]
    assert ticket.response_due_at - ticket.opened_at == timedelta(hours=24)
    assert ticket.assignee_id == user_id(team, "zhou.xin")

    # zhou.xin is assigned, so may answer though the customer's lead is not theirs.
    ok(cli, "zhou.xin", "service", "ticket", "respond", str(number), "--text", "已安排工程师")
    ok(cli, "li.na", "service", "ticket", "respond", f"T{number}", "--text", "明天上门")
    ticket = rows(team, ServiceTicket)[0]
    assert ticket.status == "responded"
    assert ticket.first_response.startswith("已安排工程师\n\n[")
    assert "li.na] 明天上门" in ticket.first_response
    listed = as_json(cli, "li.na", "service", "ticket", "list", "--open")
    assert [(t["id"], t["status"], t["flag"]) for t in listed] == [(number, "responded", "")]

    ok(cli, "li.na", "service", "ticket", "resolve", str(number), "--resolution", "更换轴承")
    args = ["--as", "li.na", "service", "ticket", "resolve", str(number), "--resolution", "再次"]
    assert_refused_unchanged(cli, team, args, 1, "already resolved")
    args = ["--as", "li.na", "service", "ticket", "respond", str(number), "--text", "再次"]
    assert_refused_unchanged(cli, team, args, 1, "already resolved")
    assert as_json(cli, "li.na", "service", "ticket", "list", "--open") == []


def test_overdue_and_late_tickets(cli: Cli, team: str) -> None:
    _lead, customer = lead_of(team, "li.na", "杭州超时工单有限公司")
    opened = datetime.now(UTC) - timedelta(hours=30)
    overdue = insert(
        team,
        ServiceTicket(
            customer_id=customer,
            title="无人响应",
            opened_by_id=user_id(team, "li.na"),
            opened_at=opened,
            response_due_at=opened + timedelta(hours=24),
        ),
    )
    late = insert(
        team,
        ServiceTicket(
            customer_id=customer,
            title="响应迟了",
            status="responded",
            opened_by_id=user_id(team, "li.na"),
            opened_at=opened,
            response_due_at=opened + timedelta(hours=24),
            first_response_at=opened + timedelta(hours=26),
            first_response="抱歉",
        ),
    )
    fresh = ok(cli, "li.na", "service", "ticket", "open", f"C{customer}", "--title", "新问题")
    listed = as_json(cli, "li.na", "service", "ticket", "list", "--overdue")
    assert {(t["id"], t["flag"]) for t in listed} == {(overdue, "overdue"), (late, "late")}
    every = as_json(cli, "li.na", "service", "ticket", "list")
    assert [t["id"] for t in every][-1] == int(fresh)
    assert "late" in ok(cli, "li.na", "service", "ticket", "list")


def test_ticket_refusals_change_nothing(cli: Cli, team: str) -> None:
    _lead, customer = lead_of(team, "li.na", "杭州工单拒绝有限公司")
    _other, others = lead_of(team, "liu.yang", "别队工单客户有限公司")
    base = ["--as", "li.na", "service", "ticket", "open"]
    assert_refused_unchanged(cli, team, [*base, f"C{others}", "--title", "x"], 2, "No customer")
    assert_refused_unchanged(cli, team, [*base, "C99999", "--title", "x"], 2, "C99999")
    assert_refused_unchanged(cli, team, [*base, f"C{customer}", "--title", "  "], 2, "--title")
    assert_refused_unchanged(
        cli, team, [*base, f"C{customer}", "--title", "x", "--assignee", "nobody"], 2, "--assignee"
    )
    theirs = ok(cli, "liu.yang", "service", "ticket", "open", f"C{others}", "--title", "别队")
    args = ["--as", "li.na", "service", "ticket", "respond", theirs.strip(), "--text", "x"]
    assert_refused_unchanged(cli, team, args, 2, "No ticket")
    args = ["--as", "li.na", "service", "ticket", "resolve", "abc", "--resolution", "x"]
    assert_refused_unchanged(cli, team, args, 2, "ID")


# ---------------------------------------------------------------- today


def test_today_shows_visits_and_tickets(cli: Cli, team: str) -> None:
    _lead, customer = lead_of(team, "li.na", "杭州今日售后有限公司")
    me = user_id(team, "li.na")
    late_visit = insert(
        team, ServiceVisit(customer_id=customer, user_id=me, scheduled_on=TODAY - timedelta(days=2))
    )
    soon = insert(
        team, ServiceVisit(customer_id=customer, user_id=me, scheduled_on=TODAY + timedelta(days=3))
    )
    insert(
        team, ServiceVisit(customer_id=customer, user_id=me, scheduled_on=TODAY + timedelta(days=4))
    )
    opened = datetime.now(UTC) - timedelta(hours=30)
    fresh = int(ok(cli, "li.na", "service", "ticket", "open", f"C{customer}", "--title", "新"))
    overdue = insert(
        team,
        ServiceTicket(
            customer_id=customer,
            title="超时",
            opened_by_id=me,
            opened_at=opened,
            response_due_at=opened + timedelta(hours=24),
        ),
    )
    data = json.loads(ok(cli, "li.na", "today", "--format", "json"))
    visits = data["sections"]["visits"]
    assert [(v["visit_id"], v["days_overdue"]) for v in visits["items"]] == [
        (late_visit, 2),
        (soon, None),
    ]
    tickets = data["sections"]["tickets"]
    assert [(t["ticket_id"], t["flag"]) for t in tickets["items"]] == [
        (overdue, "overdue"),
        (fresh, ""),
    ]
    table = ok(cli, "li.na", "today")
    assert "Return visits due" in table
    assert "Open service tickets" in table
    # Someone else's agenda holds none of them.
    other = json.loads(ok(cli, "zhang.wei", "today", "--format", "json"))
    assert other["sections"]["visits"]["total"] == 0
    assert other["sections"]["tickets"]["total"] == 0


# ---------------------------------------------------------------- care calendar


def test_care_birthday_and_upcoming(cli: Cli, team: str) -> None:
    _lead, customer = lead_of(team, "li.na", "杭州关怀科技有限公司", contact="王芳")
    insert(
        team,
        Contract(
            number="C-2025-0001",
            quote_id=_quote_id(team, customer),
            lead_id=_lead,
            customer_id=customer,
            status="signed",
            terms_text="…",
            template="default",
            signed_on=date(2025, 9, 28),
        ),
    )
    out = ok(cli, "li.na", "service", "care", "birthday", f"C{customer}", "--on", "09-22")
    contact = rows(team, Contact)[-1]
    assert int(out) == contact.id
    events = as_json(
        cli, "li.na", "service", "care", "upcoming", "--from", "2026-09-20", "--days", "14"
    )
    assert [(e["day"], e["kind"]) for e in events] == [
        ("2026-09-22", "birthday"),
        ("2026-09-25", "holiday"),
        ("2026-09-28", "anniversary"),
        ("2026-10-01", "holiday"),
    ]
    assert events[0]["greeting"].startswith("王芳")
    assert "杭州关怀科技有限公司" in events[2]["greeting"]
    # Another team's rep sees the holidays only.
    theirs = as_json(
        cli, "liu.yang", "service", "care", "upcoming", "--from", "2026-09-20", "--days", "14"
    )
    assert [e["kind"] for e in theirs] == ["holiday", "holiday"]
    # salesflow today shows the week's care dates.
    agenda = as_json(cli, "li.na", "today", "--date", "2026-09-20")
    care = agenda["sections"]["care"]
    assert [(e["day"], e["kind"]) for e in care["items"]] == [
        ("2026-09-22", "birthday"),
        ("2026-09-25", "holiday"),
    ]
    args = ["--as", "li.na", "service", "care", "birthday", f"C{customer}", "--on", "13-40"]
    assert_refused_unchanged(cli, team, args, 2, "--on")
    args = ["--as", "li.na", "service", "care", "upcoming", "--days", "999"]
    result = cli(*args)
    assert result.exit_code == 2
    assert "--days" in result.stderr


def _quote_id(url: str, customer: int) -> int:
    from tests.quotes import Item, make_quote

    with Session(create_engine(url)) as session:
        lead = session.exec(select(Lead).where(Lead.customer_id == customer)).first()
        assert lead is not None
        assert lead.id is not None
        lead_id = lead.id
    return make_quote(url, lead_id, [Item("SKU-1")], status="accepted")


# ---------------------------------------------------------------- referrals


def test_referrals_ask_list_and_thank_once(cli: Cli, team: str) -> None:
    _lead, referrer = lead_of(team, "li.na", "杭州老客户有限公司")
    won, _c1 = lead_of(team, "li.na", "宁波新客户有限公司")
    open_, _c2 = lead_of(team, "li.na", "温州新客户有限公司")
    change(team, won, source="referral", referrer_customer_id=referrer, stage="won",
           amount_fen=5_000_000)  # fmt: skip
    change(team, open_, source="referral", referrer_customer_id=referrer, amount_fen=9_900)

    asked = ok(cli, "li.na", "service", "referral", "ask", f"C{referrer}", "--note", "年会上提到")
    assert [a.id for a in rows(team, ReferralAsk)] == [int(asked)]

    listed = as_json(cli, "li.na", "service", "referral", "list")
    assert [(r["lead_id"], r["won_value"], r["referrer_won"]) for r in listed] == [
        (won, "50000.00", "50000.00"),
        (open_, None, "50000.00"),
    ]
    listed = as_json(
        cli, "li.na", "service", "referral", "list", "--thank", str(won), "--note", "送了茶叶"
    )
    assert listed[0]["thanked_on"] == TODAY.isoformat()
    assert listed[1]["thanked_on"] is None
    args = ["--as", "li.na", "service", "referral", "list", "--thank", str(won)]
    assert_refused_unchanged(cli, team, args, 1, "already thanked")
    args = ["--as", "li.na", "service", "referral", "list", "--thank", str(_lead)]
    assert_refused_unchanged(cli, team, args, 1, "not referred")
    args = ["--as", "liu.yang", "service", "referral", "list", "--thank", str(open_)]
    assert_refused_unchanged(cli, team, args, 2, "No lead")
    args = ["--as", "liu.yang", "service", "referral", "ask", f"C{referrer}"]
    assert_refused_unchanged(cli, team, args, 2, "No customer")
    assert len(rows(team, ReferralThanks)) == 1
    assert as_json(cli, "liu.yang", "service", "referral", "list") == []
    assert "宁波新客户有限公司" in ok(cli, "li.na", "service", "referral", "list")


def test_service_staff_serve_every_customer_that_has_bought(cli: Cli, team: str) -> None:
    _lead, bought = lead_of(team, "li.na", "杭州已购客户科技有限公司")
    _other, prospect = lead_of(team, "li.na", "杭州潜在客户科技有限公司")
    with Session(create_engine(team)) as session:
        customer = session.get(Customer, bought)
        assert customer is not None
        customer.lifecycle = "customer"
        session.add(customer)
        session.commit()
    opened = ["--as", "zhou.xin", "service", "ticket", "open"]
    ok(cli, "zhou.xin", "service", "ticket", "open", f"C{bought}", "--title", "打印机无法连接")
    # A prospect of a rep's stays the rep's: not found for the service desk.
    assert_refused_unchanged(cli, team, [*opened, f"C{prospect}", "--title", "x"], 2, "No customer")
