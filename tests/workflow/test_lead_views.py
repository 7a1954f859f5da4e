"""Finding leads (list filters, search, sorts, visibility, overdue flag), the lead card,
and assigning leads: on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from salesflow.store.audit import set_actor
from salesflow.store.database import open_workspace
from salesflow.store.models import Customer, Lead, User
from salesflow.workflow.assignment import assign_lead
from salesflow.workflow.capture import add_lead
from salesflow.workflow.errors import FieldError, InputError, NotFound, PermissionDenied
from salesflow.workflow.grading import GradeResult, grade_lead
from salesflow.workflow.identity import find_user
from salesflow.workflow.lead_input import LeadInput
from salesflow.workflow.lead_views import (
    find_leads,
    lead_card,
    list_leads,
    parse_since,
)
from tests.helpers import Cli, snapshot

# ---------------------------------------------------------------------------------------
# Helpers (the CLI tests use them too)


@contextmanager
def acting(url: str, username: str) -> Iterator[tuple[Session, User]]:
    """An audited unit of work as ``username``, committed at the end."""
    workspace = open_workspace(url)
    try:
        with workspace.session(write=True) as session:
            actor = find_user(session, username)
            assert actor is not None
            set_actor(session, actor.id)
            yield session, actor
    finally:
        workspace.dispose()


def add(
    url: str,
    username: str,
    *,
    now: datetime | None = None,
    attach_to: str | None = None,
    **fields: str,
) -> int:
    """Capture a lead as ``username`` (through the workflow, not the CLI)."""
    with acting(url, username) as (session, actor):
        result = add_lead(session, actor, LeadInput(**fields), now=now, attach_to=attach_to)
        lead_id = result.lead.id
        assert lead_id is not None
        return lead_id


def change(url: str, lead_id: int, **values: Any) -> None:
    """Set stored fields of a lead directly (stage, grade, next step...), audited as boss."""
    with acting(url, "boss") as (session, _actor):
        lead = session.get(Lead, lead_id)
        assert lead is not None
        for name, value in values.items():
            setattr(lead, name, value)
        session.add(lead)


def grade(url: str, username: str, lead_id: int, **inputs: Any) -> GradeResult:
    """Grade a lead as ``username`` through the grading workflow (the real stored format)."""
    with acting(url, username) as (session, actor):
        return grade_lead(session, actor, lead_id, **inputs)


# Inputs worth 12 + 10 + 12 + 15 + 20 + 10 = 79 points on the default rubric: grade A.
GRADED_A: dict[str, Any] = {
    "employees": 120,
    "founded_year": date.today().year - 12,
    "budget": "300000",
    "need_fit": 4,
    "likelihood": 5,
    "decision_maker": True,
    "value_type": "intrinsic",
    "personality": "haggler",
}


def ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def seed(url: str) -> dict[str, int]:
    """Six leads over two teams and the unassigned pool, with stages, grades, next steps."""
    ids = {
        "yunqi": add(
            url,
            "li.na",
            now=ago(5),
            company="杭州云栖科技有限公司",
            contact="王芳",
            phone="138 0013 8000",
            email="wf@yunqi.cn",
            province="浙江",
            city="杭州",
            source="website",
            amount="12万",
        ),
        "tengda": add(
            url,
            "zhang.wei",
            now=ago(4),
            company="深圳市腾达电子有限公司",
            contact="李雷",
            phone="139 0013 9000",
            email="lilei@tengda.com",
            province="广东",
            city="深圳",
            source="trade-show",
            amount="50000",
        ),
        "huaxin": add(
            url,
            "liu.yang",
            now=ago(3),
            company="北京华信科技有限公司",
            contact="张三",
            phone="010-6552 9988",
            email="zs@huaxin.cn",
            province="北京",
            source="referral",
            referrer="老王",
            amount="800000",
        ),
        "mingyuan": add(
            url,
            "zhou.xin",
            now=ago(30),
            company="上海明远贸易有限公司",
            contact="赵六",
            phone="021-5080 1234",
            province="上海",
            source="phone",
        ),
        "haitian": add(
            url,
            "zhou.xin",
            company="宁波海天机械有限公司",
            contact="钱七",
            phone="0574-8765 4321",
            province="浙江",
            city="宁波",
            source="event",
        ),
        "acme": add(
            url,
            "li.na",
            now=ago(2),
            company="Acme Robotics Co., Ltd.",
            contact="Bob",
            email="Bob@Acme.com",
            province="浙江",
            city="宁波",
            source="cold-visit",
        ),
    }
    today = date.today()
    change(
        url,
        ids["yunqi"],
        stage="qualified",
        grade="A",
        score=80,
        next_step_date=today + timedelta(days=2),
        next_step_action="Send proposal",
    )
    change(
        url,
        ids["tengda"],
        stage="proposal",
        grade="B",
        score=60,
        next_step_date=today + timedelta(days=1),
        next_step_action="Call back",
    )
    change(url, ids["huaxin"], stage="contacted", grade="C", score=40)
    return ids


def ids_of(rows: list[Any]) -> list[int]:
    return [row.id for row in rows]


@pytest.fixture
def leads(team: str) -> dict[str, int]:
    return seed(team)


@pytest.fixture
def reader(team: str) -> Iterator[Callable[..., Any]]:
    """Call a read-only workflow function as a given user: reader(fn, 'li.na', ...)."""
    workspace = open_workspace(team)

    def call(function: Callable[..., Any], username: str, *args: Any, **kwargs: Any) -> Any:
        with workspace.session() as session:
            actor = find_user(session, username)
            assert actor is not None
            return function(session, actor, *args, **kwargs)

    yield call
    workspace.dispose()


# ---------------------------------------------------------------------------------------
# lead list


def test_rows_carry_codes_e164_and_exact_yuan(leads: dict[str, int], reader: Any) -> None:
    rows = {row.id: row for row in reader(list_leads, "boss")}
    yunqi = rows[leads["yunqi"]]
    assert yunqi.company == "杭州云栖科技有限公司"
    assert yunqi.contact == "王芳"
    assert yunqi.phone == "+8613800138000"
    assert yunqi.email == "wf@yunqi.cn"
    assert (yunqi.province, yunqi.city) == ("浙江省", "杭州市")
    assert (yunqi.source, yunqi.stage, yunqi.grade, yunqi.score) == (
        "website",
        "qualified",
        "A",
        80,
    )
    assert yunqi.amount == "120000.00"
    assert yunqi.owner == "li.na"
    assert yunqi.next_step_action == "Send proposal"
    assert rows[leads["acme"]].amount is None
    assert rows[leads["haitian"]].owner is None


def test_filters(leads: dict[str, int], reader: Any) -> None:
    def find(**filters: Any) -> set[int]:
        return set(ids_of(reader(list_leads, "boss", **filters)))

    assert find(stage="qualified") == {leads["yunqi"]}
    assert find(stage="需求确认") == {leads["yunqi"]}  # the Chinese label
    assert find(stage=["New", "contacted"]) == {
        leads["huaxin"],
        leads["mingyuan"],
        leads["haitian"],
        leads["acme"],
    }
    assert find(grade="a") == {leads["yunqi"]}
    assert find(grade=["B", "C"]) == {leads["tengda"], leads["huaxin"]}
    assert find(source="展会") == {leads["tengda"]}
    assert find(source="referral") == {leads["huaxin"]}
    assert find(province="浙江") == {leads["yunqi"], leads["haitian"], leads["acme"]}
    assert find(province="浙江省", city="宁波") == {leads["haitian"], leads["acme"]}
    assert find(city="深圳") == {leads["tengda"]}  # the province is found from the city
    assert find(city="北京") == {leads["huaxin"]}
    assert find(owner="li.na") == {leads["yunqi"], leads["acme"]}
    assert find(owner="LI.NA") == {leads["yunqi"], leads["acme"]}
    assert find(unassigned=True) == {leads["mingyuan"], leads["haitian"]}
    assert find(created_since=date.today() - timedelta(days=3)) == {
        leads["huaxin"],
        leads["haitian"],
        leads["acme"],
    }
    assert find(province="浙江", stage="new") == {leads["haitian"], leads["acme"]}
    for bad in (
        {"stage": "closed"},
        {"grade": "D"},
        {"source": "fax"},
        {"province": "火星"},
        {"owner": "nobody"},
        {"sort": "price"},
        {"limit": 0},
        {"owner": "li.na", "unassigned": True},
        {"mine": True, "unassigned": True},
    ):
        with pytest.raises(InputError):
            reader(list_leads, "boss", **bad)


def test_sorts(leads: dict[str, int], reader: Any) -> None:
    def order(sort: str) -> list[int]:
        return ids_of(reader(list_leads, "boss", sort=sort))

    n = leads
    assert order("created") == [
        n["haitian"],
        n["acme"],
        n["huaxin"],
        n["tengda"],
        n["yunqi"],
        n["mingyuan"],
    ]
    assert order("amount") == [
        n["huaxin"],
        n["yunqi"],
        n["tengda"],
        n["haitian"],
        n["acme"],
        n["mingyuan"],
    ]
    rows = reader(list_leads, "boss", sort="company")
    assert [row.company for row in rows] == sorted(row.company for row in rows)
    assert rows[0].company == "Acme Robotics Co., Ltd."
    assert order("stage") == [
        n["haitian"],
        n["acme"],
        n["mingyuan"],
        n["huaxin"],
        n["yunqi"],
        n["tengda"],
    ]
    assert order("grade") == [
        n["yunqi"],
        n["tengda"],
        n["huaxin"],
        n["haitian"],
        n["acme"],
        n["mingyuan"],
    ]
    assert order("next-step") == [
        n["tengda"],
        n["yunqi"],
        n["haitian"],
        n["acme"],
        n["huaxin"],
        n["mingyuan"],
    ]
    assert order("owner") == [
        n["acme"],
        n["yunqi"],
        n["huaxin"],
        n["tengda"],
        n["haitian"],
        n["mingyuan"],
    ]


def test_limit_is_applied_and_reported(leads: dict[str, int], reader: Any) -> None:
    page = reader(find_leads, "boss", limit=2)
    assert ids_of(page.rows) == [leads["haitian"], leads["acme"]]
    assert page.more is True
    page = reader(find_leads, "boss", limit=6)
    assert len(page.rows) == 6
    assert page.more is False


SEARCHES = [
    ("138 0013 8000", "yunqi"),
    ("13800138000", "yunqi"),
    ("+86 138-0013-8000", "yunqi"),
    ("+8613800138000", "yunqi"),
    ("0013 8000", "yunqi"),
    ("010-6552 9988", "huaxin"),
    ("65529988", "huaxin"),
    ("WF@YUNQI.CN", "yunqi"),
    ("bob@acme", "acme"),
    ("王芳", "yunqi"),
    ("bob", "acme"),
    ("云栖", "yunqi"),
    ("杭州云栖科技", "yunqi"),
    ("腾达电子", "tengda"),
    ("ACME robotics", "acme"),
    ("acme robotics co., ltd", "acme"),
]


def test_search(leads: dict[str, int], reader: Any) -> None:
    found = {text: ids_of(reader(list_leads, "boss", search=text)) for text, _name in SEARCHES}
    assert found == {text: [leads[name]] for text, name in SEARCHES}


def test_search_without_match_and_with_wildcards(leads: dict[str, int], reader: Any) -> None:
    assert reader(list_leads, "boss", search="不存在的公司") == []
    assert reader(list_leads, "boss", search="%") == []
    assert reader(list_leads, "boss", search="_") == []
    assert reader(list_leads, "boss", search="1380") == reader(list_leads, "boss", search="138 0")
    # Digits inside a word are not a phone search.
    assert reader(list_leads, "boss", search="x13800138000") == []


def test_rep_sees_own_by_default_and_own_plus_unassigned_with_all(
    leads: dict[str, int], reader: Any
) -> None:
    mine = {leads["yunqi"], leads["acme"]}
    pool = {leads["mingyuan"], leads["haitian"]}
    assert set(ids_of(reader(list_leads, "li.na"))) == mine
    assert set(ids_of(reader(list_leads, "li.na", mine=False))) == mine | pool
    assert set(ids_of(reader(list_leads, "li.na", unassigned=True))) == pool
    # Another rep's leads stay invisible, whatever the filter.
    assert reader(list_leads, "li.na", owner="zhang.wei") == []
    assert reader(list_leads, "li.na", mine=False, search="腾达") == []


def test_manager_sees_team_director_sees_all(leads: dict[str, int], reader: Any) -> None:
    pool = {leads["mingyuan"], leads["haitian"]}
    team = {leads["yunqi"], leads["acme"], leads["tengda"]}
    assert set(ids_of(reader(list_leads, "wang.qiang"))) == team | pool
    assert set(ids_of(reader(list_leads, "wang.qiang", mine=True))) == set()
    assert set(ids_of(reader(list_leads, "chen.jing"))) == {leads["huaxin"]} | pool
    assert set(ids_of(reader(list_leads, "zhao.min"))) == set(leads.values())
    assert reader(list_leads, "wang.qiang", owner="liu.yang") == []


def test_unassigned_overdue_after_one_working_day(team: str, reader: Any) -> None:
    def local(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, 10, 0).astimezone().astimezone(UTC)

    monday = add(team, "zhou.xin", now=local(date(2026, 3, 2)), company="周一公司", source="phone")
    friday = add(team, "zhou.xin", now=local(date(2026, 3, 6)), company="周五公司", source="phone")
    before_holiday = add(
        team, "zhou.xin", now=local(date(2026, 9, 30)), company="国庆前公司", source="phone"
    )
    owned = add(team, "li.na", now=local(date(2026, 3, 2)), company="有主公司", source="phone")

    def flagged(today: date) -> set[int]:
        rows = reader(list_leads, "wang.qiang", today=today)
        return {row.id for row in rows if row.assignment_overdue}

    assert flagged(date(2026, 3, 3)) == set()  # assign by the end of the next working day
    assert flagged(date(2026, 3, 4)) == {monday}
    assert flagged(date(2026, 3, 9)) == {monday}  # Friday's lead is due on Monday
    assert flagged(date(2026, 3, 10)) == {monday, friday}
    assert before_holiday not in flagged(date(2026, 10, 7))  # National Day holiday
    assert before_holiday in flagged(date(2026, 10, 9))
    assert owned not in flagged(date(2026, 10, 9))
    change(team, monday, stage="lost", lost_reason="no-budget", closed_at=local(date(2026, 3, 3)))
    assert monday not in flagged(date(2026, 10, 9))  # closed leads wait for nobody


def test_parse_since() -> None:
    assert parse_since("2026-03-01") == date(2026, 3, 1)
    assert parse_since("2026/03/01") == date(2026, 3, 1)
    assert parse_since("7d", today=date(2026, 3, 10)) == date(2026, 3, 3)
    with pytest.raises(InputError, match="--created-since"):
        parse_since("last week")


# ---------------------------------------------------------------------------------------
# lead card


def test_card_of_own_lead(leads: dict[str, int], team: str, reader: Any) -> None:
    lead_id = leads["yunqi"]
    with acting(team, "li.na") as (session, _actor):
        customer_id = session.get(Lead, lead_id).customer_id  # type: ignore[union-attr]
    first = grade(team, "li.na", lead_id, **{**GRADED_A, "likelihood": 2, "decision_maker": False})
    assert (first.grade, first.score) == ("B", 54)
    grade(team, "li.na", lead_id, **GRADED_A)
    add(team, "li.na", attach_to=str(customer_id), source="phone", contact="王芳的同事")
    card = reader(lead_card, "li.na", lead_id)
    assert card.id == lead_id
    assert card.customer.name == "杭州云栖科技有限公司"
    assert card.customer.owner == "li.na"
    assert (card.customer.province, card.customer.city) == ("浙江省", "杭州市")
    assert card.stage == "qualified"
    assert card.amount == "120000.00"
    assert [c.name for c in card.contacts] == ["王芳", "王芳的同事"]
    assert card.contacts[0].primary
    assert not card.contacts[1].primary
    assert card.contacts[0].phone == "+8613800138000"
    assert card.grading is not None
    assert (card.grading.grade, card.grading.score, card.grade_history) == ("A", 79, 2)
    assert (card.grading.graded_by, card.grading.rubric) == ("li.na", "default")
    assert (card.grading.value_type, card.grading.personality) == ("intrinsic", "haggler")
    assert [
        (line.criterion, line.input, line.points, line.max_points)
        for line in card.grading.breakdown
    ] == [
        ("company_size", 120, 12, 20),
        ("years_in_business", 12, 10, 10),
        ("budget", "300000.00", 12, 20),
        ("need_fit", 4, 15, 20),
        ("likelihood", 5, 20, 20),
        ("decision_maker", True, 10, 10),
    ]
    assert card.next_step is not None
    assert (card.next_step.action, card.next_step.suggested) == ("Send proposal", False)
    assert card.activities == []


def test_card_suggests_next_step_and_names_referrer(leads: dict[str, int], reader: Any) -> None:
    card = reader(lead_card, "liu.yang", leads["huaxin"])
    assert card.referrer == "老王"
    assert card.grading is None
    assert card.grade_history == 0
    assert card.next_step is not None
    assert card.next_step.suggested
    pool = reader(lead_card, "li.na", leads["mingyuan"])
    assert pool.owner is None
    assert pool.assignment_overdue
    assert pool.next_step is not None
    assert pool.next_step.action == "assign"
    assert pool.next_step.date < date.today()  # due a working day after it came in: late


def test_card_of_another_reps_lead_is_not_found(leads: dict[str, int], reader: Any) -> None:
    with pytest.raises(NotFound):
        reader(lead_card, "li.na", leads["tengda"])
    with pytest.raises(NotFound):
        reader(lead_card, "wang.qiang", leads["huaxin"])
    with pytest.raises(NotFound):
        reader(lead_card, "boss", 999_999)


# ---------------------------------------------------------------------------------------
# lead assign


def owners(url: str, lead_id: int) -> tuple[str | None, str | None]:
    """The usernames owning a lead and its customer."""
    with acting(url, "boss") as (session, _actor):
        lead = session.get(Lead, lead_id)
        assert lead is not None
        customer = session.get(Customer, lead.customer_id)
        assert customer is not None
        names = {u.id: u.username for u in session.exec(select(User)).all()}
        return names.get(lead.owner_id or 0), names.get(customer.owner_id or 0)


def test_manager_assigns_within_team_and_the_customer_follows(
    leads: dict[str, int], team: str
) -> None:
    lead_id = leads["haitian"]
    with acting(team, "wang.qiang") as (session, actor):
        result = assign_lead(session, actor, lead_id, "zhang.wei")
    assert (result.changed, result.customer_moved, result.owner) == (True, True, "zhang.wei")
    assert owners(team, lead_id) == ("zhang.wei", "zhang.wei")
    with acting(team, "wang.qiang") as (session, actor):
        again = assign_lead(session, actor, lead_id, "Zhang.Wei")
    assert not again.changed
    with acting(team, "wang.qiang") as (session, actor):
        back = assign_lead(session, actor, lead_id, "-")
    assert (back.changed, back.owner) == (True, None)
    assert owners(team, lead_id) == (None, None)


def test_customer_stays_with_the_owner_of_its_other_leads(leads: dict[str, int], team: str) -> None:
    with acting(team, "boss") as (session, _actor):
        lead = session.get(Lead, leads["yunqi"])
        assert lead is not None
        customer_id = lead.customer_id
    second = add(team, "li.na", attach_to=str(customer_id), source="phone")
    with acting(team, "wang.qiang") as (session, actor):
        result = assign_lead(session, actor, second, "zhang.wei")
    assert not result.customer_moved
    assert owners(team, second) == ("zhang.wei", "li.na")


def test_director_assigns_across_teams(leads: dict[str, int], team: str) -> None:
    with acting(team, "zhao.min") as (session, actor):
        assign_lead(session, actor, leads["huaxin"], "li.na")
    assert owners(team, leads["huaxin"]) == ("li.na", "li.na")


REFUSED_ASSIGNMENTS: list[tuple[str, str, str, type[Exception]]] = [
    ("li.na", "yunqi", "zhang.wei", PermissionDenied),  # reps do not assign
    ("li.na", "haitian", "li.na", PermissionDenied),  # not even to themselves
    ("sun.li", "haitian", "li.na", PermissionDenied),  # legal
    ("zhou.xin", "haitian", "li.na", PermissionDenied),  # service
    ("wang.qiang", "haitian", "liu.yang", PermissionDenied),  # outside the team
    ("wang.qiang", "huaxin", "li.na", NotFound),  # another team's lead
    ("wang.qiang", "haitian", "sun.li", FieldError),  # legal cannot own leads
    ("wang.qiang", "haitian", "ghost", FieldError),
    ("wang.qiang", "haitian", "zhou.xin", FieldError),
    ("boss", "haitian", "zhao.min.x", FieldError),
]


def test_assign_refusals_change_nothing(leads: dict[str, int], team: str) -> None:
    before = snapshot(team)
    for who, lead, to, error in REFUSED_ASSIGNMENTS:
        with pytest.raises(error), acting(team, who) as (session, actor):
            assign_lead(session, actor, leads[lead], to)
        assert snapshot(team) == before, (who, lead, to)


def test_assignment_is_audited(leads: dict[str, int], team: str, cli: Cli) -> None:
    with acting(team, "wang.qiang") as (session, actor):
        assign_lead(session, actor, leads["haitian"], "li.na")
    with acting(team, "boss") as (session, _actor):
        from salesflow.store.models import AuditChange, AuditEvent

        rows = session.exec(
            select(AuditEvent, AuditChange)
            .join(AuditChange, col(AuditChange.event_id) == col(AuditEvent.id))
            .where(
                AuditEvent.entity == "leads",
                AuditEvent.entity_id == str(leads["haitian"]),
                AuditChange.field == "owner_id",
            )
        ).all()
        li_na = find_user(session, "li.na")
        wang = find_user(session, "wang.qiang")
        assert li_na is not None
        assert wang is not None
    assert [(e.actor_id, c.old_value, c.new_value) for e, c in rows] == [
        (wang.id, None, str(li_na.id))
    ]
