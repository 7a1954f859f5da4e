"""``salesflow lead duplicates`` and ``salesflow lead merge``, as people run them."""

from __future__ import annotations

import json
import os
import sys

import pytest
from sqlmodel import select

from salesflow.store.models import AuditEvent, Lead
from tests.duplicate_data import reading, seeding
from tests.helpers import Cli, assert_refused_unchanged, snapshot

PHONE = "+8613800138000"


def _seed(url: str) -> dict[str, int]:
    with seeding(url) as seed:
        _a, keep = seed.company("杭州云栖科技有限公司", "li.na", phone=PHONE)
        _b, other = seed.company("杭州云栖科技", "li.na")
        _c, by_phone = seed.company("云栖软件", "li.na", phone=PHONE)
        _d, similar = seed.company("成都蓝海软件", "li.na")
        _e, similar_twin = seed.company("成都市蓝海软件", "li.na")
        _f, his = seed.company("杭州云栖科技(杭州)", "zhang.wei")
        _g, pool = seed.company("云栖科技杭州公司", None, phone=PHONE)
        seed.grading(other)
    return {
        "keep": keep,
        "other": other,
        "by_phone": by_phone,
        "similar": similar,
        "similar_twin": similar_twin,
        "his": his,
        "pool": pool,
    }


def test_duplicates_table_and_json(cli: Cli, team: str) -> None:
    ids = _seed(team)
    table = cli("--as", "li.na", "lead", "duplicates")
    assert table.exit_code == 0, table.stderr
    assert table.stderr == ""
    for text in ("Cluster", "杭州云栖科技有限公司", "云栖软件", "by phone", "similar name 92.3"):
        assert text in table.stdout

    result = cli("--as", "li.na", "lead", "duplicates", "-f", "json")
    assert result.exit_code == 0, result.stderr
    clusters = json.loads(result.stdout)
    assert [c["cluster"] for c in clusters] == [1, 2]
    first, second = clusters
    assert first["exact"] is True
    assert {c["company"] for c in first["customers"]} == {
        "杭州云栖科技有限公司",
        "杭州云栖科技",
        "云栖软件",
        "云栖科技杭州公司",  # unassigned, same phone: a rep sees the pool
    }
    leads = {lead["id"] for c in first["customers"] for lead in c["leads"]}
    assert leads == {ids["keep"], ids["other"], ids["by_phone"], ids["pool"]}
    assert {c["owner"] for c in first["customers"]} == {"li.na", None}
    assert {link["reason"] for link in first["links"]} == {"company", "phone"}
    assert second["exact"] is False
    assert second["links"] == [
        {
            "customers": [c["customer_id"] for c in second["customers"]],
            "reason": "similar-name",
            "score": 92.3,
        }
    ]
    assert second["customers"][0]["leads"] == [{"id": ids["similar"], "stage": "new"}]

    exact = json.loads(
        cli("--as", "li.na", "lead", "duplicates", "--exact-only", "-f", "json").stdout
    )
    assert len(exact) == 1
    limited = json.loads(
        cli("--as", "li.na", "lead", "duplicates", "--limit", "1", "-f", "json").stdout
    )
    assert len(limited) == 1
    csv = cli("--as", "li.na", "lead", "duplicates", "-f", "csv").stdout.splitlines()
    assert csv[0] == "cluster,customer_id,company,owner,leads,reason"
    assert f"{ids['similar']}:new" in "\n".join(csv)


def test_duplicates_empty_says_so_on_stderr(cli: Cli, team: str) -> None:
    result = cli("--as", "li.na", "lead", "duplicates")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No duplicates" in result.stderr
    assert cli("lead", "duplicates", "-f", "json").stdout == "[]\n"


def test_merge_then_the_cluster_is_gone(cli: Cli, team: str) -> None:
    ids = _seed(team)
    result = cli(
        "--as", "li.na", "lead", "merge", str(ids["keep"]), f"L{ids['other']}",
        f"#{ids['by_phone']}", "--yes",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{ids['keep']}\n"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Merged leads {ids['other']}, {ids['by_phone']} into lead")
    assert "1 grading" in lines[0]
    assert "Deleted customers" in lines[0]

    remaining = json.loads(cli("--as", "li.na", "lead", "duplicates", "-f", "json").stdout)
    companies = [{c["company"] for c in cluster["customers"]} for cluster in remaining]
    # The kept record still shares its phone with the unassigned one: only that is left.
    assert {"杭州云栖科技有限公司", "云栖科技杭州公司"} in companies
    assert not any("杭州云栖科技" in names or "云栖软件" in names for names in companies)

    # The pool lead is the manager's to merge; after that no exact duplicate is left, only
    # zhang.wei's similar name, which the manager sees.
    merged = cli("--as", "wang.qiang", "lead", "merge", str(ids["keep"]), str(ids["pool"]), "-y")
    assert merged.exit_code == 0, merged.stderr
    after = json.loads(cli("--as", "wang.qiang", "lead", "duplicates", "-f", "json").stdout)
    assert [
        ({c["company"] for c in cluster["customers"]}, cluster["exact"]) for cluster in after
    ] == [
        ({"杭州云栖科技有限公司", "杭州云栖科技(杭州)"}, False),
        ({"成都蓝海软件", "成都市蓝海软件"}, False),
    ]
    with reading(team) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "merge")).all()
        assert [e.summary for e in events] == [
            f"merged {ids['other']}, {ids['by_phone']} into {ids['keep']}",
            f"merged {ids['pool']} into {ids['keep']}",
        ]
    trail = json.loads(cli("audit", "list", "--entity", "leads", "-f", "json").stdout)
    assert any(line["action"] == "merge" for line in trail)
    assert any(
        line["action"] == "delete" and line["entity_id"] == str(ids["other"]) for line in trail
    )


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["--as", "li.na", "lead", "merge", "{keep}", "{keep}", "--yes"], 2, "itself"),
        (["--as", "li.na", "lead", "merge", "{keep}", "{other}", "{other}", "--yes"], 2, "twice"),
        (["--as", "li.na", "lead", "merge", "{keep}", "999999", "--yes"], 2, "No lead 999999"),
        (["--as", "li.na", "lead", "merge", "{keep}", "{his}", "--yes"], 2, "No lead"),
        (["--as", "li.na", "lead", "merge", "{keep}", "{pool}", "--yes"], 1, "unassigned"),
        (["--as", "chen.jing", "lead", "merge", "{keep}", "{other}", "--yes"], 2, "No lead"),
        (["--as", "li.na", "lead", "merge", "{keep}", "abc", "--yes"], 2, "OTHER"),
        (["--as", "li.na", "--no-input", "lead", "merge", "{keep}", "{other}"], 2, "--yes"),
        (["--as", "li.na", "lead", "merge", "{keep}", "{other}"], 2, "--yes"),  # no terminal
        (["--as", "li.na", "lead", "merge", "{keep}"], 2, "OTHER"),
    ],
)
def test_refused_merge_changes_nothing(
    cli: Cli, team: str, args: list[str], code: int, needle: str
) -> None:
    ids = _seed(team)
    filled = [arg.format(**ids) for arg in args]
    assert_refused_unchanged(cli, team, filled, code, needle)


def test_rep_cannot_merge_two_owners_leads(cli: Cli, team: str) -> None:
    with seeding(team) as seed:
        _a, mine = seed.company("台州机械", "li.na")
        shared = seed.customer("台州机械有限公司", "li.na")
        lead = seed.lead(shared, "li.na")
        seed.lead(shared, "zhang.wei")  # legacy data: another rep's lead on that customer
    args = ["--as", "li.na", "lead", "merge", str(mine), str(lead.id), "--yes"]
    assert_refused_unchanged(cli, team, args, 1, "other leads you may not change")
    # Their manager may: both reps are in his team.
    done = cli("--as", "wang.qiang", "lead", "merge", str(mine), str(lead.id), "--yes")
    assert done.exit_code == 0, done.stderr
    with reading(team) as session:
        leads = session.exec(select(Lead)).all()
        assert {lead.customer_id for lead in leads} == {leads[0].customer_id}


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize(("answer", "status"), [("y", 0), ("n", 1)])
def test_merge_asks_in_a_terminal(team: str, cli: Cli, answer: str, status: int) -> None:
    """Drive the questionary confirmation for real, through a pseudo-terminal."""
    import pexpect

    ids = _seed(team)
    before = snapshot(team)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "salesflow", "--as", "li.na", "lead", "merge", str(ids["keep"]), str(ids["other"])],
        env=dict(os.environ),
        encoding="utf-8",
        dimensions=(30, 120),
    )
    child.expect("Keep lead", timeout=60)
    child.expect("1 grading", timeout=60)
    child.expect("Merge these leads", timeout=60)
    child.send(answer)
    child.expect(pexpect.EOF, timeout=60)
    child.close()
    assert child.exitstatus == status, child.before
    with reading(team) as session:
        gone = session.get(Lead, ids["other"]) is None
    assert gone is (status == 0)
    if status:
        assert snapshot(team) == before
