"""Scanning the database for duplicate customers (撞单) that are already in it."""

from __future__ import annotations

from salesflow.workflow.duplicate_scan import Cluster, find_duplicate_clusters, similar_pairs
from salesflow.workflow.identity import find_user
from tests.duplicate_data import reading, seeding
from tests.helpers import Cli

PHONE = "+8613800138000"
OTHER_PHONE = "+8613900139000"


def _scan(
    url: str, username: str, *, fuzzy: bool = True, limit: int | None = None
) -> list[Cluster]:
    with reading(url) as session:
        actor = find_user(session, username)
        assert actor is not None
        return find_duplicate_clusters(session, actor, fuzzy=fuzzy, limit=limit)


def _by_members(clusters: list[Cluster]) -> dict[frozenset[str], Cluster]:
    return {frozenset(m.name for m in cluster.members): cluster for cluster in clusters}


def test_similar_pairs_is_a_pure_rule() -> None:
    pairs = similar_pairs(["成都蓝海软件", "成都市蓝海软件", "广州宏图广告"])
    assert [(i, j) for i, j, _score in pairs] == [(0, 1)]
    assert pairs[0][2] == 92.3
    assert similar_pairs(["北京华信", "北京华兴"]) == []  # 75: distinct short names
    assert similar_pairs(["only"]) == []


def test_clusters_by_company_phone_email_and_similar_name(cli: Cli, team: str) -> None:
    with seeding(team) as seed:
        seed.company("杭州云栖科技有限公司", "li.na")
        seed.company("杭州云栖科技", "li.na")  # same key
        seed.company("深圳腾达电子", "li.na", phone=PHONE)
        seed.company("华南贸易", "li.na", phone=PHONE)  # same phone
        seed.company("北京星河", "li.na", email="sales@xinghe.cn")
        seed.company("上海远航", "li.na", email="sales@xinghe.cn")  # same email
        seed.company("成都蓝海软件", "li.na")
        seed.company("成都市蓝海软件有限公司", "li.na")  # similar name, 92
        seed.company("武汉光谷机电", "li.na", phone=OTHER_PHONE)
        bridge = seed.customer("光谷机电设备", "li.na")
        seed.contact(bridge, "李四", phone=OTHER_PHONE)
        seed.contact(bridge, "王五", email="buy@donghu.cn")
        seed.lead(bridge, "li.na")
        seed.company("东湖仪器", "li.na", email="buy@donghu.cn")
        # Not duplicates: distinct short names, different names in one block, and one
        # customer with two contacts sharing a phone.
        seed.company("北京华信", "li.na")
        seed.company("北京华兴", "li.na")
        seed.company("广州宏图广告", "li.na")
        seed.company("广州宏图传媒", "li.na")
        single = seed.customer("独立咨询", "li.na")
        seed.contact(single, "甲", phone="+8613700137000")
        seed.contact(single, "乙", phone="+8613700137000")

    clusters = _scan(team, "li.na")
    found = _by_members(clusters)
    assert set(found) == {
        frozenset({"杭州云栖科技有限公司", "杭州云栖科技"}),
        frozenset({"深圳腾达电子", "华南贸易"}),
        frozenset({"北京星河", "上海远航"}),
        frozenset({"成都蓝海软件", "成都市蓝海软件有限公司"}),
        frozenset({"武汉光谷机电", "光谷机电设备", "东湖仪器"}),
    }
    assert {
        m.reasons for m in found[frozenset({"杭州云栖科技有限公司", "杭州云栖科技"})].members
    } == {("company",)}
    assert {m.reasons for m in found[frozenset({"深圳腾达电子", "华南贸易"})].members} == {
        ("phone",)
    }
    assert {m.reasons for m in found[frozenset({"北京星河", "上海远航"})].members} == {("email",)}
    similar = found[frozenset({"成都蓝海软件", "成都市蓝海软件有限公司"})]
    assert not similar.exact
    assert {(m.reasons, m.similarity) for m in similar.members} == {(("similar-name",), 92.3)}
    # A~B by phone and B~C by email make one cluster; B carries both reasons.
    union = found[frozenset({"武汉光谷机电", "光谷机电设备", "东湖仪器"})]
    reasons = {m.name: m.reasons for m in union.members}
    assert reasons == {
        "武汉光谷机电": ("phone",),
        "光谷机电设备": ("phone", "email"),
        "东湖仪器": ("email",),
    }
    # Each member lists its leads with their stage, and its owner.
    assert all(len(m.leads) == 1 and m.leads[0].stage == "new" for c in clusters for m in c.members)
    assert {m.owner for c in clusters for m in c.members} == {"li.na"}
    # Exact clusters come first; the similar-name one last.
    assert [c.exact for c in clusters] == [True, True, True, True, False]

    exact = _scan(team, "li.na", fuzzy=False)
    assert len(exact) == 4
    assert all(c.exact for c in exact)
    assert len(_scan(team, "li.na", limit=2)) == 2


def test_scan_follows_visibility(cli: Cli, team: str) -> None:
    with seeding(team) as seed:
        seed.company("杭州云栖科技有限公司", "li.na")
        seed.company("杭州云栖科技", "zhang.wei")
        seed.company("杭州云栖科技(集团)", "liu.yang")
        seed.company("宁波海港物流", "li.na", phone=PHONE)
        seed.company("宁波海港物流有限公司", None)  # unassigned: the rep sees it too

    def groups(username: str) -> set[frozenset[str]]:
        return set(_by_members(_scan(team, username)))

    assert groups("li.na") == {frozenset({"宁波海港物流", "宁波海港物流有限公司"})}
    assert groups("zhang.wei") == set()
    assert groups("wang.qiang") == {
        frozenset({"宁波海港物流", "宁波海港物流有限公司"}),
        frozenset({"杭州云栖科技有限公司", "杭州云栖科技"}),  # li.na and zhang.wei: his team
    }
    assert groups("chen.jing") == set()  # only liu.yang's record is in her team
    assert frozenset({"杭州云栖科技有限公司", "杭州云栖科技", "杭州云栖科技(集团)"}) in groups(
        "zhao.min"
    )
    assert len(groups("boss")) == 2


def test_leads_shown_are_the_visible_ones(cli: Cli, team: str) -> None:
    with seeding(team) as seed:
        first = seed.customer("苏州园林设计", "li.na")
        seed.lead(first, "li.na", stage="contacted")
        seed.lead(first, "zhang.wei")  # inconsistent legacy data: another rep's lead
        seed.company("苏州园林设计有限公司", "li.na")
    (cluster,) = _scan(team, "li.na")
    assert [[(lead.stage) for lead in m.leads] for m in cluster.members] == [["contacted"], ["new"]]
    (cluster,) = _scan(team, "wang.qiang")
    assert [len(m.leads) for m in cluster.members] == [2, 1]
