"""The agenda (``salesflow today``): every section's members and totals, limits, whose
agenda may be seen, closed stages by their flags; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from salesflow.workflow.agenda import SECTIONS, Agenda, AgendaItem, build_agenda
from salesflow.workflow.errors import InputError, NotFound, PermissionDenied
from tests.workflow.test_lead_views import acting, add, change

# A Wednesday; 2026-11-15 (ten days before) is a Sunday.
DAY = date(2026, 11, 25)


def at(day: date, hour: int = 12) -> datetime:
    """A moment on ``day`` in the local time zone, as UTC (how it is stored)."""
    return datetime.combine(day, time(hour)).astimezone().astimezone(UTC)


def before(days: int) -> date:
    return DAY - timedelta(days=days)


def lead(
    url: str,
    owner: str,
    company: str,
    *,
    created: int = 60,
    contacted: int | None = 2,
    next_in: int | None = 5,
    **values: Any,
) -> int:
    """A lead of ``owner`` (boss: unassigned) created ``created`` days before DAY, last
    contacted ``contacted`` days before (None: never), next step ``next_in`` days after DAY
    (None: no step)."""
    number = add(url, owner, now=at(before(created)), company=company, source="website")
    if owner == "boss":
        values["owner_id"] = None  # the unassigned pool
    change(
        url,
        number,
        last_activity_at=None if contacted is None else at(before(contacted)),
        next_step_date=None if next_in is None else DAY + timedelta(days=next_in),
        next_step_action=None if next_in is None else "跟进",
        **values,
    )
    return number


def seed(url: str) -> dict[str, int]:
    """li.na's leads in every section, a colleague's, another team's, and the pool."""

    def mine(company: str, **kwargs: Any) -> int:
        return lead(url, "li.na", company, **kwargs)

    ids = {
        "late5": mine("杭州迟到五天科技有限公司", next_in=-5, amount_fen=12_000_000),
        "late1": mine("宁波迟到一天贸易有限公司", next_in=-1),
        "today": mine("温州今日电子有限公司", next_in=0, grade="B"),
        "later": mine("苏州以后机械有限公司", next_in=3),
        "nostep": mine("无锡无计划软件有限公司", next_in=None),
        "won": mine("已成交实业有限公司", next_in=-3, contacted=100, stage="won"),
        "lost": mine("已丢单物流有限公司", next_in=None, contacted=100, stage="lost"),
        "a8": mine("甲八天新材料有限公司", grade="A", contacted=8),
        "a7": mine("甲七天新材料有限公司", grade="A", contacted=7),
        "b15": mine("乙十五天贸易有限公司", grade="B", contacted=15),
        "b14": mine("乙十四天贸易有限公司", grade="B", contacted=14),
        "c31": mine("丙三十一天物流有限公司", grade="C", contacted=31),
        "c30": mine("丙三十天物流有限公司", grade="C", contacted=30),
        "never": mine("从未联系实业有限公司", contacted=None, created=40),
        "colleague": lead(url, "zhang.wei", "同事的公司有限公司", next_in=-2),
        "other_team": lead(url, "liu.yang", "别队的公司有限公司", next_in=-2),
        "pool_old": lead(url, "boss", "池中旧线索有限公司", created=10, contacted=None),
        "pool_new": lead(url, "boss", "池中新线索有限公司", created=0, contacted=None),
        "pool_lost": lead(url, "boss", "池中丢单有限公司", created=10, stage="lost"),
    }
    return ids


def agenda(url: str, username: str, **options: Any) -> Agenda:
    options.setdefault("whose", None)
    options.setdefault("day", DAY)
    with acting(url, username) as (session, actor):
        return build_agenda(session, actor, **options)


def members(result: Agenda, key: str) -> list[int]:
    section = result.section(key)
    assert section is not None, key
    return [item.lead_id for item in section.items]


def item(result: Agenda, key: str, lead_id: int) -> AgendaItem:
    section = result.section(key)
    assert section is not None
    found: AgendaItem = next(i for i in section.items if i.lead_id == lead_id)
    return found


@pytest.fixture
def ids(team: str) -> dict[str, int]:
    return seed(team)


def test_each_section_holds_exactly_its_leads(team: str, ids: dict[str, int]) -> None:
    result = agenda(team, "li.na")
    assert (result.user, result.role, result.day, result.stale_days) == ("li.na", "rep", DAY, 30)
    assert [s.key for s in result.sections] == [
        "overdue",
        "due_today",
        "no_next_step",
        "cadence",
        "stale",
        "expiring_quotes",
        "payments_due",
        "visits",
        "tickets",
        "care",
    ]
    assert members(result, "overdue") == [ids["late5"], ids["late1"]]
    assert members(result, "due_today") == [ids["today"]]
    assert members(result, "no_next_step") == [ids["nostep"]]
    # Longest without contact first; contact exactly one cadence ago is still on time.
    assert members(result, "cadence") == [ids["c31"], ids["b15"], ids["a8"]]
    assert members(result, "stale") == [ids["never"], ids["c31"], ids["c30"]]
    assert {s.key: s.total for s in result.sections} == {
        "overdue": 2,
        "due_today": 1,
        "no_next_step": 1,
        "cadence": 3,
        "stale": 3,
        "expiring_quotes": 0,
        "payments_due": 0,
        "visits": 0,
        "tickets": 0,
        "care": 0,
    }
    assert not result.empty


def test_item_details(team: str, ids: dict[str, int]) -> None:
    result = agenda(team, "li.na")
    late = item(result, "overdue", ids["late5"])
    assert late.days_overdue == 5
    assert late.next_step_date == before(5)
    assert late.amount == "120000.00"
    assert late.company == "杭州迟到五天科技有限公司"
    assert late.owner == "li.na"
    assert item(result, "overdue", ids["late1"]).days_overdue == 1
    assert item(result, "due_today", ids["today"]).days_overdue is None
    a8 = item(result, "cadence", ids["a8"])
    assert (a8.grade, a8.cadence_days, a8.days_since_contact) == ("A", 7, 8)
    assert a8.last_contact == before(8)
    assert item(result, "cadence", ids["b15"]).cadence_days == 14
    never = item(result, "stale", ids["never"])
    assert (never.last_contact, never.days_since_contact, never.grade) == (before(40), 40, None)


def test_closed_leads_never_appear(team: str, ids: dict[str, int]) -> None:
    for username in ("li.na", "wang.qiang", "zhao.min"):
        result = agenda(team, username)
        shown = {i.lead_id for s in result.sections for i in s.items}
        assert not shown & {ids["won"], ids["lost"], ids["pool_lost"]}


def test_limit_keeps_the_total(team: str, ids: dict[str, int]) -> None:
    result = agenda(team, "li.na", limit=1)
    overdue = result.section("overdue")
    assert overdue is not None
    assert (overdue.total, overdue.more, members(result, "overdue")) == (2, 1, [ids["late5"]])
    assert members(result, "cadence") == [ids["c31"]]
    with pytest.raises(InputError, match="--limit"):
        agenda(team, "li.na", limit=0)


def test_stale_days(team: str, ids: dict[str, int]) -> None:
    result = agenda(team, "li.na", stale_days=15)
    assert members(result, "stale") == [ids["never"], ids["c31"], ids["c30"], ids["b15"]]
    result = agenda(team, "li.na", stale_days=14)
    assert ids["b14"] in members(result, "stale")
    assert agenda(team, "li.na", stale_days=None).stale_days == 30
    with pytest.raises(InputError, match="--stale-days"):
        agenda(team, "li.na", stale_days=0)


def test_the_pool_is_for_those_who_assign(team: str, ids: dict[str, int]) -> None:
    assert agenda(team, "li.na").section("pool") is None
    for username in ("wang.qiang", "zhao.min", "boss"):
        result = agenda(team, username)
        assert members(result, "pool") == [ids["pool_old"], ids["pool_new"]], username
        assert item(result, "pool", ids["pool_old"]).assignment_overdue
        assert not item(result, "pool", ids["pool_new"]).assignment_overdue
    # The manager's own sections hold only their own leads (they own none).
    manager = agenda(team, "wang.qiang")
    assert all(s.total == 0 for s in manager.sections if s.key != "pool")


def test_whose_agenda_follows_visibility(team: str, ids: dict[str, int]) -> None:
    with pytest.raises(PermissionDenied, match=r"zhang\.wei"):
        agenda(team, "li.na", whose="zhang.wei")
    assert members(agenda(team, "li.na", whose="LI.NA"), "overdue") == [ids["late5"], ids["late1"]]
    colleague = agenda(team, "wang.qiang", whose="zhang.wei")
    assert colleague.user == "zhang.wei"
    assert members(colleague, "overdue") == [ids["colleague"]]
    assert colleague.section("pool") is None  # the pool follows whose agenda it is
    assert members(agenda(team, "wang.qiang", whose="li.na"), "due_today") == [ids["today"]]
    with pytest.raises(PermissionDenied, match=r"liu\.yang"):
        agenda(team, "wang.qiang", whose="liu.yang")
    assert members(agenda(team, "zhao.min", whose="liu.yang"), "overdue") == [ids["other_team"]]
    with pytest.raises(NotFound, match="nobody"):
        agenda(team, "zhao.min", whose="nobody")


def test_another_day(team: str, ids: dict[str, int]) -> None:
    result = agenda(team, "li.na", day=DAY + timedelta(days=3))
    assert ids["later"] in members(result, "due_today")
    assert item(result, "overdue", ids["late5"]).days_overdue == 8
    assert item(result, "overdue", ids["today"]).days_overdue == 3


def test_custom_stages_close_by_flag_not_by_name(
    team: str, ids: dict[str, int], isolated_home: Path
) -> None:
    isolated_home.mkdir(exist_ok=True)
    (isolated_home / "stages.toml").write_text(
        "\n".join(
            [
                '[[stages]]\ncode = "new"\nprobability = 10',
                '[[stages]]\ncode = "contacted"\nprobability = 40',
                '[[stages]]\ncode = "contract"\nprobability = 100\nwon = true',
                '[[stages]]\ncode = "lost"\nprobability = 0\nlost = true',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    change(team, ids["late5"], stage="contract")
    change(team, ids["late1"], stage="proposal")  # a stage the file leaves out: still open
    result = agenda(team, "li.na")
    assert members(result, "overdue") == [ids["late1"]]
    shown = {i.lead_id for s in result.sections for i in s.items}
    # Won by its flag; and "won", left out of the file, keeps its default meaning: closed.
    assert not shown & {ids["late5"], ids["won"], ids["lost"]}


def test_an_empty_agenda(team: str) -> None:
    result = agenda(team, "zhang.wei")
    assert result.empty
    assert all(s.total == 0 and s.items == () for s in result.sections)


def test_the_registry_names_each_section_once() -> None:
    keys = [key for key, _function in SECTIONS]
    assert len(keys) == len(set(keys))
    assert keys[:2] == ["overdue", "due_today"]


def test_quote_sections(team: str, ids: dict[str, int]) -> None:
    from tests.quotes import Item, make_quote

    def quote(number: str, days: int, status: str = "draft", lead: str = "late5") -> int:
        return make_quote(
            team,
            ids[lead],
            [Item("SKU-1")],
            number=number,
            status=status,
            valid_until=DAY + timedelta(days=days),
        )

    quote("Q-2026-0001", 3)
    quote("Q-2026-0002", 0, "sent")
    quote("Q-2026-0003", 4)  # not within three days
    quote("Q-2026-0004", -1)  # already expired
    quote("Q-2026-0005", 1, "accepted")  # closed
    quote("Q-2026-0006", 2, lead="colleague")  # someone else's
    result = agenda(team, "li.na")
    section = result.section("expiring_quotes")
    assert section is not None
    assert [(i.quote, i.days_left, i.status) for i in section.items] == [
        ("Q-2026-0002", 0, "sent"),
        ("Q-2026-0001", 3, "draft"),
    ]
    assert result.section("approvals") is None  # a rep decides nothing
    manager = agenda(team, "wang.qiang")
    approvals = manager.section("approvals")
    assert approvals is not None
    assert approvals.total == 0
    assert agenda(team, "boss").section("approvals") is None  # admins do not decide
