"""Races between real processes, on SQLite and PostgreSQL: two approvers deciding one
approval, two reps claiming one unassigned lead, two payments that together would collect
more than the contract, two reps adding the same company (撞单). Exactly one wins; the
other gets one clear refusal (exit 1) and nothing of it is written.

Each race is forced (tests/processes.py): the test holds the contended row, starts both
commands, waits until both wait for it, and lets go, so the loser really runs on what it
read before the winner committed.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import col, func, select

from salesflow.store.models import (
    Approval,
    AuditChange,
    AuditEvent,
    Contract,
    Customer,
    Lead,
    PaymentReceipt,
    User,
)
from tests.cli.test_activity import add_lead
from tests.cli.test_approvals import quote_with, submit
from tests.duplicate_data import reading
from tests.helpers import Cli
from tests.payment_data import make_contract
from tests.processes import Finished, holding, holding_customer_keys, race


def field_changes(
    url: str, entity: str, record: int, *, field: str = "owner_id"
) -> list[tuple[str | None, str | None]]:
    """The audited changes of ``field`` on one record, oldest first."""
    with reading(url) as session:
        rows = session.exec(
            select(AuditChange.old_value, AuditChange.new_value)
            .join(AuditEvent, col(AuditEvent.id) == col(AuditChange.event_id))
            .where(AuditEvent.entity == entity, AuditEvent.entity_id == str(record))
            .where(AuditChange.field == field)
            .order_by(col(AuditChange.id))
        ).all()
        return [(old, new) for old, new in rows]


def one_winner(results: list[Finished], refusal: str) -> tuple[Finished, Finished]:
    """The winning and the losing run; the loser says ``refusal`` in one line, exit 1."""
    codes = sorted(r.exit_code for r in results)
    assert codes == [0, 1], [(r.args, r.exit_code, r.stderr) for r in results]
    winner = next(r for r in results if r.exit_code == 0)
    loser = next(r for r in results if r.exit_code == 1)
    lines = loser.stderr.strip().splitlines()
    assert len(lines) == 1, loser.stderr
    assert lines[0].startswith("Error: "), loser.stderr
    assert refusal in loser.stderr, loser.stderr
    assert "Traceback" not in winner.stderr + loser.stderr
    assert loser.stdout == ""
    return winner, loser


def test_two_reps_claiming_one_pool_lead(cli: Cli, team: str, isolated_home: Path) -> None:
    lead = add_lead(cli, "boss", "上海公海争抢科技有限公司")
    shown = cli("--as", "boss", "lead", "show", str(lead), "--format", "json")
    assert json.loads(shown.stdout)["owner"] is None  # an admin's new lead waits in the pool
    results = race(
        team,
        isolated_home,
        holding(team, "leads", lead),
        ("--as", "li.na", "lead", "claim", str(lead)),
        ("--as", "liu.yang", "lead", "claim", str(lead)),
    )
    winner, _loser = one_winner(results, "not in the unassigned pool")
    name = winner.args[1]
    with reading(team) as session:
        row = session.get(Lead, lead)
        assert row is not None
        assert row.owner_id is not None
        owner = session.get(User, row.owner_id)
        assert owner is not None
        assert owner.username == name
    assert winner.stderr.startswith(f"Lead {lead} is yours now.")
    # One change of owner, from the pool to the winner: the loser wrote nothing.
    assert field_changes(team, "leads", lead) == [(None, str(row.owner_id))]
    assert cli("--as", name, "lead", "show", str(lead)).exit_code == 0


def test_two_approvers_deciding_one_approval(cli: Cli, team: str, isolated_home: Path) -> None:
    quote_id = quote_with(team, discount_bp=1500)
    (approval,) = submit(cli)
    results = race(
        team,
        isolated_home,
        holding(team, "quotes", quote_id),
        ("--as", "wang.qiang", "approval", "approve", str(approval)),
        ("--as", "zhao.min", "approval", "reject", str(approval), "--comment", "at most 10%"),
    )
    winner, _loser = one_winner(results, "already")
    with reading(team) as session:
        row = session.get(Approval, approval)
        assert row is not None
        decided = "approved" if winner.args[3] == "approve" else "rejected"
        assert row.status == decided
    # Asked, then decided once.
    assert field_changes(team, "approvals", approval, field="status") == [
        (None, "pending"),
        ("pending", decided),
    ]


def test_two_payments_that_would_over_collect(cli: Cli, team: str, isolated_home: Path) -> None:
    lead = add_lead(cli, "li.na", "杭州回款并发科技有限公司")
    contract_id = make_contract(team, lead)  # total 11,300.00
    results = race(
        team,
        isolated_home,
        holding(team, "contracts", contract_id),
        ("--as", "li.na", "payment", "record", "C-2026-0001", "6000", "--method", "bank"),
        ("--as", "wang.qiang", "payment", "record", "C-2026-0001", "7000", "--method", "cash"),
    )
    winner, _loser = one_winner(results, "would collect more than contract C-2026-0001")
    with reading(team) as session:
        contract = session.get(Contract, contract_id)
        assert contract is not None
        received = session.exec(
            select(func.sum(PaymentReceipt.amount_fen)).where(
                PaymentReceipt.contract_id == contract_id
            )
        ).one()
    assert received == int(winner.args[5]) * 100
    assert received <= contract.total_fen


def test_two_reps_adding_the_same_company(cli: Cli, team: str, isolated_home: Path) -> None:
    company = "深圳同时录入电子有限公司"
    add = ("lead", "add", "--source", "website", "--contact", "王经理")
    results = race(
        team,
        isolated_home,
        holding_customer_keys(team),
        ("--as", "li.na", *add, "--company", company, "--phone", "13912345678"),
        ("--as", "liu.yang", *add, "--company", f"{company} ", "--phone", "139 1234 5678"),
    )
    winner, _loser = one_winner(results, "already")
    with reading(team) as session:
        customers = session.exec(
            select(func.count()).select_from(Customer).where(col(Customer.name).like("深圳同时%"))
        ).one()
    assert customers == 1
    assert winner.stdout.strip().isdigit()
