"""``lead claim ID``: taking an unassigned lead from the pool (公海), on both databases.
Two people claiming at once: tests/cli/test_races.py."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_activity import add_lead
from tests.helpers import Cli, assert_refused_unchanged
from tests.processes import holding, race


def pool_lead(cli: Cli, company: str = "宁波公海领取科技有限公司") -> int:
    lead = add_lead(cli, "boss", company)  # an admin's new lead waits in the pool
    return lead


def owner_of(cli: Cli, lead: int) -> str | None:
    shown = cli("--as", "boss", "lead", "show", str(lead), "-f", "json")
    assert shown.exit_code == 0, shown.stderr
    owner: str | None = json.loads(shown.stdout)["owner"]
    return owner


def customer_of(cli: Cli, user: str, lead: int) -> int:
    shown = json.loads(cli("--as", user, "lead", "show", str(lead), "-f", "json").stdout)
    customer: int = shown["customer"]["id"]
    return customer


def second_lead(cli: Cli, user: str, customer: int) -> int:
    """Another lead of ``customer``, added by ``user`` (an admin's waits in the pool)."""
    added = cli(
        "--as", user, "--no-input", "lead", "add", "--attach-to", str(customer),
        "--source", "website",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    return int(added.stdout.strip())


def test_a_rep_claims_a_pool_lead_and_its_customer(cli: Cli, team: str) -> None:
    lead = pool_lead(cli)
    assert owner_of(cli, lead) is None
    result = cli("--as", "li.na", "lead", "claim", f"L{lead}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == f"Lead {lead} is yours now."
    assert "moved with it" in result.stderr
    assert owner_of(cli, lead) == "li.na"
    mine = json.loads(cli("--as", "li.na", "lead", "list", "-f", "json").stdout)
    assert lead in [row["id"] for row in mine]
    pool = json.loads(cli("--as", "zhang.wei", "lead", "list", "--unassigned", "-f", "json").stdout)
    assert lead not in [row["id"] for row in pool]
    audit = json.loads(
        cli("audit", "list", "--entity", "leads", "--id", str(lead), "-f", "json").stdout
    )
    assert any(e.get("field") == "owner_id" and e["user"] == "li.na" for e in audit), audit
    again = cli("--as", "li.na", "lead", "claim", str(lead))
    assert again.exit_code == 0
    assert "already yours" in again.stderr


def test_managers_and_directors_claim_too(cli: Cli, team: str) -> None:
    first, second = pool_lead(cli), pool_lead(cli, "温州公海领取贸易有限公司")
    assert cli("--as", "wang.qiang", "lead", "claim", str(first)).exit_code == 0
    assert cli("--as", "zhao.min", "lead", "claim", str(second)).exit_code == 0
    assert (owner_of(cli, first), owner_of(cli, second)) == ("wang.qiang", "zhao.min")


def test_refusals_change_nothing(cli: Cli, team: str) -> None:
    lead = pool_lead(cli)
    for user in ("sun.li", "zhou.xin", "boss"):
        args = ["--as", user, "lead", "claim", str(lead)]
        assert_refused_unchanged(cli, team, args, 1, "does not take leads from the unassigned pool")
    assert cli("--as", "li.na", "lead", "claim", str(lead)).exit_code == 0
    # Someone has it now: a rep who cannot see it hears what a lead that does not exist
    # would say, so nothing leaks.
    args = ["--as", "liu.yang", "lead", "claim", str(lead)]
    assert_refused_unchanged(cli, team, args, 1, f"Lead {lead} is not in the unassigned pool.")
    absent = cli("--as", "liu.yang", "lead", "claim", "999")
    taken = cli("--as", "liu.yang", "lead", "claim", str(lead))
    assert absent.stderr.replace("999", str(lead)) == taken.stderr
    # Her manager sees whose it is.
    args = ["--as", "wang.qiang", "lead", "claim", str(lead)]
    assert_refused_unchanged(cli, team, args, 1, "li.na has it")
    args = ["--as", "li.na", "lead", "claim", "999"]
    assert_refused_unchanged(cli, team, args, 1, "Lead 999 is not in the unassigned pool")
    assert_refused_unchanged(cli, team, ["--as", "li.na", "lead", "claim", "abc"], 2, "'abc'")


def test_two_claims_on_one_customers_leads_at_once(
    cli: Cli, team: str, isolated_home: Path
) -> None:
    """Two reps claiming two pool leads of one customer at the same moment: one gets its
    lead and the customer; the other is refused (撞单), not given the second lead."""
    first = pool_lead(cli, "绍兴两条线索科技有限公司")
    customer = customer_of(cli, "boss", first)
    other = second_lead(cli, "boss", customer)
    results = race(
        team,
        isolated_home,
        holding(team, "customers", customer),
        ("--as", "li.na", "lead", "claim", str(first)),
        ("--as", "liu.yang", "lead", "claim", str(other)),
    )
    assert sorted(r.exit_code for r in results) == [0, 1], [r.stderr for r in results]
    loser = next(r for r in results if r.exit_code == 1)
    assert "撞单" in loser.stderr
    owners = {owner_of(cli, first), owner_of(cli, other)}
    assert len(owners - {None}) == 1, owners


def test_a_customer_with_another_reps_lead_stays_for_the_manager(cli: Cli, team: str) -> None:
    mine = add_lead(cli, "liu.yang", "嘉兴撞单领取科技有限公司")
    pooled = second_lead(cli, "liu.yang", customer_of(cli, "liu.yang", mine))
    assert cli("--as", "chen.jing", "lead", "assign", str(pooled), "--to", "-").exit_code == 0
    assert owner_of(cli, pooled) is None
    args = ["--as", "li.na", "lead", "claim", str(pooled)]
    assert_refused_unchanged(cli, team, args, 1, "撞单")
    assert cli("--as", "liu.yang", "lead", "claim", str(pooled)).exit_code == 0
