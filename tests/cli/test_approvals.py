"""Quote approvals through the CLI: submit, list, approve, reject; who may decide; the
database unchanged by every refusal; two approvers at once. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlmodel import Session, select

from salesflow.store.audit import set_actor
from salesflow.store.database import open_workspace
from salesflow.store.models import Approval, AuditChange, AuditEvent, Quote
from salesflow.workflow.approvals import decide_approval
from salesflow.workflow.errors import Refused
from salesflow.workflow.identity import find_user
from tests.helpers import Cli, assert_one_line_error, assert_refused_unchanged
from tests.quotes import Item, make_quote
from tests.workflow.test_lead_views import add


def lead_of(url: str, owner: str, company: str = "杭州审批测试科技有限公司") -> int:
    return add(url, owner, company=company, source="website")


def quote_with(url: str, owner: str = "li.na", *, discount_bp: int = 0, **kwargs: Any) -> int:
    lead = lead_of(url, owner)
    return make_quote(url, lead, [Item("SKU-1", discount_bp=discount_bp)], **kwargs)


def quote_row(url: str, quote_id: int) -> Quote:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            quote = session.get(Quote, quote_id)
            assert quote is not None
            return quote
    finally:
        engine.dispose()


def approvals_of(url: str, quote_id: int) -> list[Approval]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return list(
                session.exec(
                    select(Approval).where(Approval.quote_id == quote_id).order_by(Approval.id)  # type: ignore[arg-type]
                ).all()
            )
    finally:
        engine.dispose()


def submit(cli: Cli, user: str = "li.na", number: str = "Q-2026-0001") -> list[int]:
    result = cli("--as", user, "quote", "submit", number)
    assert result.exit_code == 0, result.stderr
    return [int(line) for line in result.stdout.split()]


def listed(cli: Cli, user: str, *args: str) -> list[dict[str, Any]]:
    result = cli("--as", user, "approval", "list", "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def test_submit_approve_and_the_quote_is_approved(cli: Cli, team: str) -> None:
    quote_id = quote_with(team, discount_bp=1500, payment_terms="net-30")
    result = cli("--as", "li.na", "quote", "submit", "q-2026-1")
    assert result.exit_code == 0, result.stderr
    ids = [int(line) for line in result.stdout.split()]
    assert len(ids) == 2
    assert "2 approvals requested" in result.stderr
    assert "discount 15%" in result.stderr
    assert quote_row(team, quote_id).status == "pending"
    assert quote_row(team, quote_id).submitted_at is not None
    rows = approvals_of(team, quote_id)
    assert [(a.kind, a.required_role, a.discount_bp, a.detail) for a in rows] == [
        ("discount", "manager", 1500, None),
        ("payment-terms", "manager", None, "net-30"),
    ]
    # What waits for whom: the team's manager and the director; not the rep nor the other
    # team's manager.
    assert [row["id"] for row in listed(cli, "wang.qiang")] == ids
    assert [row["id"] for row in listed(cli, "zhao.min")] == ids
    assert listed(cli, "chen.jing") == []
    assert listed(cli, "li.na") == []
    mine = listed(cli, "li.na", "--mine")
    assert {row["id"] for row in mine} == set(ids)
    assert mine[0]["quote"] == "Q-2026-0001"
    assert mine[0]["total"] is not None
    first = cli("--as", "wang.qiang", "approval", "approve", str(ids[0]), "--comment", "ok")
    assert first.exit_code == 0, first.stderr
    assert first.stdout == ""
    assert "1 more request waits" in first.stderr
    assert quote_row(team, quote_id).status == "pending"
    second = cli("--as", "zhao.min", "approval", "approve", f"#{ids[1]}")
    assert second.exit_code == 0, second.stderr
    assert "is approved" in second.stderr
    assert quote_row(team, quote_id).status == "approved"
    decided = approvals_of(team, quote_id)
    assert [a.status for a in decided] == ["approved", "approved"]
    assert decided[0].comment == "ok"
    assert listed(cli, "wang.qiang") == []
    assert [row["status"] for row in listed(cli, "wang.qiang", "--status", "approved")] == [
        "approved",
        "approved",
    ]
    # Audited: the conditional update leaves the same trail as an ORM write.
    events = audit_changes(team, ids[0])
    assert ("status", "pending", "approved") in events
    assert ("comment", None, "ok") in events


def audit_changes(url: str, approval_id: int) -> set[tuple[str, str | None, str | None]]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            rows = session.exec(
                select(AuditChange.field, AuditChange.old_value, AuditChange.new_value)
                .join(AuditEvent, AuditEvent.id == AuditChange.event_id)  # type: ignore[arg-type]
                .where(
                    AuditEvent.entity == "approvals",
                    AuditEvent.entity_id == str(approval_id),
                    AuditEvent.action == "update",
                )
            ).all()
            return {tuple(row) for row in rows}  # type: ignore[misc]
    finally:
        engine.dispose()


def test_nothing_to_approve_approves_at_once(cli: Cli, team: str) -> None:
    quote_id = quote_with(team, discount_bp=1000)
    result = cli("--as", "li.na", "quote", "submit", "Q-2026-0001")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "needs no approval" in result.stderr
    assert quote_row(team, quote_id).status == "approved"
    assert approvals_of(team, quote_id) == []


def test_a_director_decides_a_deep_discount(cli: Cli, team: str) -> None:
    quote_id = quote_with(team, discount_bp=2500)
    (approval,) = submit(cli)
    assert approvals_of(team, quote_id)[0].required_role == "director"
    assert listed(cli, "wang.qiang") == []  # beyond the manager's authority
    args = ["--as", "wang.qiang", "approval", "approve", str(approval)]
    assert_refused_unchanged(cli, team, args, 1, "authority is 25% or more")
    assert cli("--as", "zhao.min", "approval", "approve", str(approval)).exit_code == 0
    assert quote_row(team, quote_id).status == "approved"


def test_a_rejection_sends_the_quote_back_to_draft(cli: Cli, team: str) -> None:
    quote_id = quote_with(team, discount_bp=1500, payment_terms="net-60")
    ids = submit(cli)
    args = ["--as", "wang.qiang", "approval", "reject", str(ids[0])]
    assert_refused_unchanged(cli, team, args, 2, "--comment")
    result = cli(*args, "--comment", "最多给 12%")
    assert result.exit_code == 0, result.stderr
    assert "back in draft" in result.stderr
    assert quote_row(team, quote_id).status == "draft"
    assert [a.status for a in approvals_of(team, quote_id)] == ["rejected", "withdrawn"]
    mine = listed(cli, "li.na", "--mine", "--status", "rejected")
    assert [(row["id"], row["comment"]) for row in mine] == [(ids[0], "最多给 12%")]
    shown = cli("--as", "li.na", "quote", "show", "Q-2026-0001")
    assert shown.exit_code == 0, shown.stderr
    assert "by wang.qiang: 最多给 12%" in shown.stdout
    # The withdrawn request cannot be decided any more; the quote may be submitted again.
    args = ["--as", "wang.qiang", "approval", "approve", str(ids[1])]
    assert_refused_unchanged(cli, team, args, 1, "withdrawn")
    again = submit(cli)
    assert len(again) == 2
    assert quote_row(team, quote_id).status == "pending"


def test_refusals_change_nothing(cli: Cli, team: str) -> None:
    quote_with(team, discount_bp=1500)
    (approval,) = submit(cli)
    number = str(approval)
    cases = [
        (["--as", "li.na", "approval", "approve", number], 1, "you are Sales rep"),
        (["--as", "zhang.wei", "approval", "approve", number], 1, "you are Sales rep"),
        (["--as", "chen.jing", "approval", "approve", number], 1, "another team"),
        (["approval", "approve", number], 1, "you are Administrator"),
        (["--as", "wang.qiang", "approval", "approve", "999"], 2, "No approval 999"),
        (["--as", "wang.qiang", "approval", "approve", "x1"], 2, "not an approval number"),
        (["--as", "li.na", "quote", "submit", "Q-2026-0001"], 1, "only a draft"),
        (["--as", "li.na", "quote", "submit", "Q-2026-0099"], 2, "No quote Q-2026-0099"),
        (["--as", "li.na", "approval", "list", "--all"], 1, "Only a director or admin"),
        (["--as", "li.na", "approval", "list", "--mine", "--all"], 2, "not both"),
        (["--as", "li.na", "approval", "list", "--status", "maybe"], 2, "--status"),
    ]
    for args, code, needle in cases:
        assert_refused_unchanged(cli, team, args, code, needle)
    assert cli("--as", "wang.qiang", "approval", "approve", number).exit_code == 0
    args = ["--as", "zhao.min", "approval", "approve", number]
    assert_refused_unchanged(cli, team, args, 1, "already approved by wang.qiang")
    assert len(listed(cli, "zhao.min", "--all")) == 1
    assert len(listed(cli, "boss", "--all")) == 1


def test_nobody_decides_their_own_request(cli: Cli, team: str) -> None:
    # The manager submits a quote on his rep's lead: his own request.
    quote_with(team, discount_bp=1500)
    (approval,) = submit(cli, "wang.qiang")
    args = ["--as", "wang.qiang", "approval", "approve", str(approval)]
    assert_refused_unchanged(cli, team, args, 1, "your own request")
    assert listed(cli, "wang.qiang") == []
    assert cli("--as", "zhao.min", "approval", "approve", str(approval)).exit_code == 0


def test_nobody_decides_on_a_quote_they_own(cli: Cli, team: str) -> None:
    # The manager's own quote, beyond his own (lowered) authority, submitted by the director.
    assert cli("user", "edit", "wang.qiang", "--discount-authority", "10%").exit_code == 0
    quote_with(team, "wang.qiang", discount_bp=1500)
    (approval,) = submit(cli, "zhao.min")
    args = ["--as", "wang.qiang", "approval", "approve", str(approval)]
    assert_refused_unchanged(cli, team, args, 1, "quote you own")
    assert listed(cli, "wang.qiang") == []


def test_a_manager_with_too_little_authority_is_refused(cli: Cli, team: str) -> None:
    assert cli("user", "edit", "wang.qiang", "--discount-authority", "12%").exit_code == 0
    quote_with(team, discount_bp=1500)
    (approval,) = submit(cli)
    assert listed(cli, "wang.qiang") == []
    args = ["--as", "wang.qiang", "approval", "approve", str(approval)]
    assert_refused_unchanged(cli, team, args, 1, "beyond your authority of 12%")


def test_a_users_own_authority_counts_at_submit(cli: Cli, team: str) -> None:
    assert (
        cli("--as", "zhao.min", "user", "edit", "li.na", "--discount-authority", "15%").exit_code
        == 0
    )
    quote_id = quote_with(team, discount_bp=1500)
    assert submit(cli) == []
    assert quote_row(team, quote_id).status == "approved"


def test_an_expired_quote_is_not_submitted(cli: Cli, team: str) -> None:
    quote_with(team, valid_until=date.today() - timedelta(days=1))
    args = ["--as", "li.na", "quote", "submit", "Q-2026-0001"]
    assert_refused_unchanged(cli, team, args, 1, "expired")


def test_a_superseded_quote_is_not_decided(cli: Cli, team: str) -> None:
    quote_id = quote_with(team, discount_bp=1500)
    (approval,) = submit(cli)
    engine = create_engine(team)
    with Session(engine) as session:
        quote = session.get(Quote, quote_id)
        assert quote is not None
        quote.superseded_at = quote.updated_at
        session.add(quote)
        session.commit()
    engine.dispose()
    args = ["--as", "wang.qiang", "approval", "approve", str(approval)]
    assert_refused_unchanged(cli, team, args, 1, "superseded")


def test_a_broken_rules_file_is_refused(cli: Cli, team: str, isolated_home: Path) -> None:
    quote_with(team, discount_bp=1500)
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "approvals.toml").write_text("[discount_authority]\nrep = 'x'\n")
    args = ["--as", "li.na", "quote", "submit", "Q-2026-0001"]
    assert_refused_unchanged(cli, team, args, 2, "approvals.toml")


def test_the_table_view(cli: Cli, team: str) -> None:
    quote_with(team, discount_bp=1500)
    submit(cli)
    result = cli("--as", "wang.qiang", "approval", "list")
    assert result.exit_code == 0, result.stderr
    assert "Q-2026-0001" in result.stdout
    assert "discount 15%" in result.stdout
    empty = cli("--as", "chen.jing", "approval", "list")
    assert empty.exit_code == 0
    assert "Nothing waits for your approval" in empty.stderr + empty.stdout


def _decide_in_thread(url: str, username: str, approval_id: int, out: dict[str, str]) -> None:
    workspace = open_workspace(url)
    try:
        with workspace.session(write=True) as session:
            actor = find_user(session, username)
            assert actor is not None
            set_actor(session, actor.id)
            decide_approval(session, actor, approval_id, approve=True)
        out[username] = "won"
    except Refused as exc:
        out[username] = exc.message
    finally:
        workspace.dispose()


def test_two_approvers_at_once_exactly_one_wins(cli: Cli, team: str) -> None:
    quote_id = quote_with(team, discount_bp=1500)
    (approval,) = submit(cli)
    for _round in range(3):
        out: dict[str, str] = {}
        threads = [
            threading.Thread(target=_decide_in_thread, args=(team, name, approval, out))
            for name in ("wang.qiang", "zhao.min")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if _round == 0:
            assert sorted(out.values()).count("won") == 1, out
            loser = next(text for text in out.values() if text != "won")
            assert "already approved" in loser
        else:
            assert "won" not in out.values(), out
    rows = approvals_of(team, quote_id)
    assert [a.status for a in rows] == ["approved"]
    assert len(audit_changes(team, approval)) == 3  # status, decided_by_id, decided_at


def test_json_is_data_only(cli: Cli, team: str) -> None:
    quote_with(team, discount_bp=1500)
    submit(cli)
    result = cli("--as", "wang.qiang", "approval", "list", "-f", "json")
    assert result.stderr == ""
    (row,) = json.loads(result.stdout)
    assert row["kind"] == "discount"
    assert row["discount"] == "15%"
    assert row["required_role"] == "manager"
    assert row["requested_by"] == "li.na"
    assert row["days_waiting"] == 0
    assert assert_one_line_error is not None


def test_a_reassigned_lead_takes_its_quote_and_requests_along(cli: Cli, team: str) -> None:
    # A manager quotes 5% on his own lead, then gives the lead to a rep.
    lead = lead_of(team, "wang.qiang")
    quote_id = make_quote(team, lead, [Item("SKU-1", discount_bp=500)])
    assert cli("--as", "wang.qiang", "lead", "assign", str(lead), "--to", "li.na").exit_code == 0
    assert quote_row(team, quote_id).owner_id == user_id(team, "li.na")
    # The rep cannot slip 19% through on the manager's authority: it goes to a manager.
    edit = ["--as", "li.na", "quote", "edit", "Q-2026-0001", "--line", "SKU-1:1::19%"]
    assert cli(*edit).exit_code == 0
    (approval,) = submit(cli)
    assert approvals_of(team, quote_id)[0].required_role == "manager"
    assert [row["id"] for row in listed(cli, "li.na", "--mine")] == [approval]
    # Once the lead is someone else's, the rep no longer reads it through her request.
    assert (
        cli("--as", "wang.qiang", "lead", "assign", str(lead), "--to", "zhang.wei").exit_code == 0
    )
    assert listed(cli, "li.na", "--mine") == []
    assert quote_row(team, quote_id).owner_id == user_id(team, "zhang.wei")


def user_id(url: str, username: str) -> int:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            found = find_user(session, username)
            assert found is not None
            assert found.id is not None
            return found.id
    finally:
        engine.dispose()
