"""Merging duplicate leads: what moves, what is filled, what is deleted, and who may."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import col, select

from salesflow.store.models import AuditChange, AuditEvent, Contact, Customer, Lead, LeadGrade
from salesflow.workflow.errors import InputError, NotFound, PermissionDenied
from salesflow.workflow.merging import (
    MOVES_WITH_LEAD,
    may_merge_owners,
    merge_leads,
    plan_merge,
)
from salesflow.workflow.visibility import Scope
from tests.duplicate_data import acting_as, reading, seeding
from tests.helpers import Cli, snapshot

PHONE = "+8613800138000"


def _legacy_pair(url: str) -> dict[str, int]:
    """Two records of one company, owned by li.na, with everything a merge must carry."""
    with seeding(url) as seed:
        kept = seed.customer("杭州云栖科技有限公司", "li.na")
        kept_contact = seed.contact(kept, "王经理", phone=PHONE)
        keep = seed.lead(kept, "li.na", need="ERP 升级")
        other = seed.customer(
            "杭州云栖科技",
            "li.na",
            industry="软件",
            employees=120,
            province="浙江省",
            city="杭州市",
            region_code="330100",
        )
        twin = seed.contact(other, "王经理", title="IT 经理", phone=PHONE, wechat="wang_it")
        fresh = seed.contact(other, "赵会计", email="zhao@yunqi.cn")
        merged = seed.lead(
            other,
            "li.na",
            contact_id=twin.id,
            need="不应覆盖",
            amount_fen=50_000_000,
            expected_close=date(2025, 6, 30),
            notes="展会名片",
        )
        sibling = seed.lead(other, "li.na", stage="contacted")
        assert merged.id is not None
        gradings = [seed.grading(merged.id, 55), seed.grading(merged.id, 70)]
        referrer = seed.customer("宁波客户", "zhang.wei")
        referred = seed.lead(
            referrer, "zhang.wei", source="referral", referrer_customer_id=other.id
        )
    ids = {
        "kept": kept.id,
        "kept_contact": kept_contact.id,
        "keep": keep.id,
        "other": other.id,
        "twin": twin.id,
        "fresh": fresh.id,
        "merged": merged.id,
        "sibling": sibling.id,
        "referred": referred.id,
        "grading1": gradings[0],
        "grading2": gradings[1],
    }
    assert all(value is not None for value in ids.values())
    return {name: value for name, value in ids.items() if value is not None}


def test_merge_moves_contacts_history_references_and_fills_fields(cli: Cli, team: str) -> None:
    ids = _legacy_pair(team)
    with acting_as(team, "li.na") as (session, actor):
        result = merge_leads(session, actor, ids["keep"], [ids["merged"]])
    assert result.merged == [ids["merged"]]
    assert result.moved_leads == [ids["sibling"]]
    assert (result.contacts_moved, result.contacts_merged) == (1, 1)
    assert result.customers_deleted == [ids["other"]]
    assert set(result.lead_filled) == {"amount", "expected_close", "notes", "contact"}
    assert set(result.customer_filled) == {"industry", "employees", "region"}

    with reading(team) as session:
        assert session.get(Lead, ids["merged"]) is None
        assert session.get(Customer, ids["other"]) is None
        assert session.get(Contact, ids["twin"]) is None  # merged into the kept contact
        keep = session.get(Lead, ids["keep"])
        assert keep is not None
        assert keep.need == "ERP 升级"  # not overwritten
        assert keep.amount_fen == 50_000_000
        assert keep.expected_close == date(2025, 6, 30)
        assert keep.notes == "展会名片"
        assert keep.contact_id == ids["kept_contact"]  # the twin's id became the kept one's
        kept = session.get(Customer, ids["kept"])
        assert kept is not None
        assert (kept.industry, kept.employees) == ("软件", 120)
        assert (kept.province, kept.city, kept.region_code) == ("浙江省", "杭州市", "330100")
        contacts = session.exec(
            select(Contact).where(Contact.customer_id == ids["kept"]).order_by(col(Contact.id))
        ).all()
        assert [c.id for c in contacts] == [ids["kept_contact"], ids["fresh"]]
        assert (contacts[0].title, contacts[0].wechat) == ("IT 经理", "wang_it")
        history = session.exec(select(LeadGrade.lead_id).order_by(col(LeadGrade.id))).all()
        assert history == [ids["keep"], ids["keep"]]
        sibling = session.get(Lead, ids["sibling"])
        assert sibling is not None
        assert sibling.customer_id == ids["kept"]
        referred = session.get(Lead, ids["referred"])
        assert referred is not None
        assert referred.referrer_customer_id == ids["kept"]

        merge_event = session.exec(select(AuditEvent).where(AuditEvent.action == "merge")).one()
        assert (merge_event.entity, merge_event.entity_id) == ("leads", str(ids["keep"]))
        assert merge_event.summary == f"merged {ids['merged']} into {ids['keep']}"

        def changes(entity: str, entity_id: int, action: str) -> dict[str, tuple[str | None, ...]]:
            rows = session.exec(
                select(AuditChange.field, AuditChange.old_value, AuditChange.new_value)
                .join(AuditEvent, col(AuditEvent.id) == AuditChange.event_id)
                .where(
                    AuditEvent.entity == entity,
                    AuditEvent.entity_id == str(entity_id),
                    AuditEvent.action == action,
                )
            ).all()
            return {field: (old, new) for field, old, new in rows}

        assert changes("leads", ids["keep"], "update")["amount_fen"] == (None, "50000000")
        assert changes("customers", ids["kept"], "update")["industry"] == (None, "软件")
        assert changes("contacts", ids["fresh"], "update")["customer_id"] == (
            str(ids["other"]),
            str(ids["kept"]),
        )
        assert changes("lead_grades", ids["grading1"], "update")["lead_id"] == (
            str(ids["merged"]),
            str(ids["keep"]),
        )
        assert changes("leads", ids["merged"], "delete")["need"] == ("不应覆盖", None)
        assert "name" in changes("customers", ids["other"], "delete")
        assert "phone" in changes("contacts", ids["twin"], "delete")


def test_plan_writes_nothing(cli: Cli, team: str) -> None:
    ids = _legacy_pair(team)
    before = snapshot(team)
    with acting_as(team, "li.na") as (session, actor):
        plan = plan_merge(session, actor, ids["keep"], [ids["merged"]])
        assert [lead.id for lead in plan.moving_leads] == [ids["sibling"]]
        assert {ref: n for ref, n in plan.moving_rows.items() if n} == {MOVES_WITH_LEAD[0]: 2}
        assert [move.into is not None for move in plan.contacts] == [True, False]
        assert set(plan.lead_fills) == {"amount", "expected_close", "notes", "contact"}
        assert plan.owners == {ids["keep"]: "li.na", ids["merged"]: "li.na"}
    assert snapshot(team) == before


def test_merge_two_leads_of_one_customer_keeps_the_customer(cli: Cli, team: str) -> None:
    with seeding(team) as seed:
        customer = seed.customer("嘉兴纺织", "li.na")
        seed.contact(customer, "钱", phone=PHONE)
        first = seed.lead(customer, "li.na")
        second = seed.lead(customer, "li.na", amount_fen=100)
    assert first.id is not None
    assert second.id is not None
    with acting_as(team, "li.na") as (session, actor):
        result = merge_leads(session, actor, first.id, [second.id])
    assert result.customers_deleted == []
    assert (result.contacts_moved, result.contacts_merged) == (0, 0)
    with reading(team) as session:
        assert session.get(Customer, customer.id) is not None
        assert session.get(Lead, second.id) is None
        kept = session.get(Lead, first.id)
        assert kept is not None
        assert kept.amount_fen == 100
        assert len(session.exec(select(Contact)).all()) == 1


def test_manager_merges_the_teams_leads(cli: Cli, team: str) -> None:
    with seeding(team) as seed:
        _a, keep = seed.company("温州鞋业", "li.na")
        _b, other = seed.company("温州鞋业有限公司", "zhang.wei")
        _c, third = seed.company("温州鞋业公司", None)
    with acting_as(team, "wang.qiang") as (session, actor):
        result = merge_leads(session, actor, keep, [other, third])
    assert result.merged == [other, third]
    assert len(result.customers_deleted) == 2


REFUSALS: list[tuple[str, str, list[str | int], type[Exception], str]] = [
    ("li.na", "mine", ["mine"], InputError, "itself"),
    ("li.na", "mine", ["twin", "twin"], InputError, "twice"),
    ("li.na", "mine", [], InputError, "at least one"),
    ("li.na", "mine", [999_999], NotFound, "No lead 999999"),
    ("li.na", "mine", ["his"], NotFound, "No lead"),  # another rep's: not even seen
    ("li.na", "mine", ["pool"], PermissionDenied, "unassigned"),
    ("chen.jing", "mine", ["twin"], NotFound, "No lead"),  # not her team
    ("li.na", "mine", ["shared"], PermissionDenied, "other leads"),
]


@pytest.mark.parametrize("case", REFUSALS)
def test_refused_merges_change_nothing(
    cli: Cli, team: str, case: tuple[str, str, list[str | int], type[Exception], str]
) -> None:
    actor, keep, others, error, needle = case
    with seeding(team) as seed:
        _c, mine = seed.company("台州机械", "li.na")
        _d, twin = seed.company("台州机械有限公司", "li.na")
        _e, his = seed.company("台州机械厂", "zhang.wei")
        _f, pool = seed.company("台州机械公司", None)
        shared = seed.customer("台州机械集团", "li.na")
        shared_lead = seed.lead(shared, "li.na")
        seed.lead(shared, "zhang.wei")  # legacy data: another rep's lead on her customer
    named = {"mine": mine, "twin": twin, "his": his, "pool": pool, "shared": shared_lead.id}
    keep_id = named[keep]
    assert keep_id is not None
    other_ids = [named[o] or 0 if isinstance(o, str) else o for o in others]
    before = snapshot(team)
    with pytest.raises(error, match=needle), acting_as(team, actor) as (session, user):
        merge_leads(session, user, keep_id, other_ids)
    assert snapshot(team) == before


def test_who_may_merge_whose_leads() -> None:
    from salesflow.store.models import User

    rep = User(id=3, username="r", display_name="r", role="rep")
    manager = User(id=2, username="m", display_name="m", role="manager")
    director = User(id=1, username="d", display_name="d", role="director")
    own = Scope(3, frozenset({3}))
    team_scope = Scope(2, frozenset({2, 3, 4}))
    assert may_merge_owners(own, rep, {3})
    assert not may_merge_owners(own, rep, {3, 4})
    assert not may_merge_owners(own, rep, {3, None})
    assert may_merge_owners(team_scope, manager, {3, 4, None})
    assert not may_merge_owners(team_scope, manager, {3, 5})
    assert may_merge_owners(Scope(1, None), director, {3, 5, None})
