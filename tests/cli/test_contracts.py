"""Contracts through the CLI: new, review, approvals, send, sign (archive), verify;
refusals leave the database unchanged. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine
from sqlmodel import Session, select

from salesflow.store.models import Contract, Customer, Lead, ServiceVisit
from tests.helpers import Cli, assert_refused_unchanged
from tests.quotes import Item, make_quote
from tests.workflow.test_lead_views import add


def accepted(url: str, status: str = "accepted", quantity: int = 1000) -> int:
    lead = add(url, "li.na", company="杭州合同测试科技有限公司", source="website")
    make_quote(url, lead, [Item("SKU-1", quantity_milli=quantity)], status=status)
    return lead


def approvals(cli: Cli, user: str) -> list[int]:
    result = cli("--as", user, "approval", "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [row["id"] for row in json.loads(result.stdout) if row["contract"]]


def to_sent(cli: Cli) -> str:
    result = cli("--as", "li.na", "contract", "new", "--quote", "Q-2026-0001")
    assert result.exit_code == 0, result.stderr
    number = result.stdout.strip()
    assert cli("--as", "li.na", "contract", "submit", number).exit_code == 0
    result = cli("--as", "sun.li", "contract", "review", number, "--approve")
    assert result.exit_code == 0, result.stderr
    ids = approvals(cli, "wang.qiang") or approvals(cli, "chen.jing")
    assert len(ids) == 1
    for boss in ("wang.qiang", "chen.jing"):
        if cli("--as", boss, "approval", "approve", str(ids[0])).exit_code == 0:
            break
    assert cli("--as", "li.na", "contract", "send", number).exit_code == 0
    return number


def test_full_flow_sign_and_verify(team: str, cli: Cli, tmp_path: Path) -> None:
    lead = accepted(team)
    number = to_sent(cli)
    assert number.startswith(f"C-{date.today().year}-")
    shown = cli("--as", "li.na", "contract", "show", number, "--terms")
    assert "大写金额" in shown.stdout
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(b"%PDF signed")
    too_early = ["--as", "li.na", "contract", "sign", number, "--signed-on", "2019-01-01"]
    assert_refused_unchanged(
        cli, team, [*too_early, "--signer", "王总", "--file", str(signed)], 2, "--signed-on"
    )
    result = cli(
        "--as",
        "li.na",
        "contract",
        "sign",
        number,
        "--signed-on",
        date.today().isoformat(),
        "--signer",
        "王总",
        "--file",
        str(signed),
    )
    assert result.exit_code == 0, result.stderr
    archived = Path(result.stdout.strip())
    assert archived.read_bytes() == b"%PDF signed"
    assert archived.parent.name == number
    engine = create_engine(team)
    with Session(engine) as session:
        row = session.get(Lead, lead)
        assert row is not None
        assert row.stage == "won"
        customer = session.get(Customer, row.customer_id)
        assert customer is not None
        assert customer.lifecycle == "customer"
        assert len(session.exec(select(ServiceVisit)).all()) == 2
        contract = session.exec(select(Contract)).one()
        assert contract.status == "signed"
    engine.dispose()
    assert cli("--as", "li.na", "contract", "verify", number).stdout.strip() == "OK"
    archived.write_bytes(b"tampered")
    assert cli("--as", "li.na", "contract", "verify", number).exit_code == 1
    archived.unlink()
    result = cli("--as", "li.na", "contract", "verify", number)
    assert result.exit_code == 1
    assert "MISSING" in result.stderr
    listed = cli("--as", "li.na", "contract", "list", "--format", "json")
    assert [r["number"] for r in json.loads(listed.stdout)] == [number]
    assert json.loads(cli("--as", "zhang.wei", "contract", "list", "--format", "json").stdout) == []


def test_refusals_change_nothing(team: str, cli: Cli, tmp_path: Path) -> None:
    accepted(team, status="sent")
    assert_refused_unchanged(
        cli, team, ["--as", "li.na", "contract", "new", "--quote", "Q-2026-0001"], 1, "--quote"
    )


def test_second_contract_rep_review_unsigned(team: str, cli: Cli, tmp_path: Path) -> None:
    accepted(team)
    number = cli("--as", "li.na", "contract", "new", "--quote", "Q-2026-0001").stdout.strip()
    assert_refused_unchanged(
        cli, team, ["--as", "li.na", "contract", "new", "--quote", "Q-2026-0001"], 1, "--quote"
    )
    cli("--as", "li.na", "contract", "submit", number)
    assert_refused_unchanged(
        cli, team, ["--as", "li.na", "contract", "review", number, "--approve"], 1, "reviewed by"
    )
    signed = tmp_path / "s.pdf"
    signed.write_bytes(b"x")
    args = ["--as", "li.na", "contract", "sign", number, "--signed-on", "2026-01-05"]
    assert_refused_unchanged(
        cli, team, [*args, "--signer", "A", "--file", str(signed)], 1, "only a sent contract"
    )
    assert_refused_unchanged(
        cli, team, [*args, "--signer", "A", "--file", str(tmp_path / "nope.pdf")], 2, "--file"
    )
    assert not (tmp_path / "archive").exists()


def test_large_contract_needs_manager_and_director(team: str, cli: Cli) -> None:
    accepted(team, quantity=10_000)  # 10 x 100,000 yuan + tax: above 800,000
    number = cli("--as", "li.na", "contract", "new", "--quote", "Q-2026-0001").stdout.strip()
    terms = cli("--as", "li.na", "contract", "show", number, "--terms").stdout
    assert "× 10 套" in terms  # ten, not "1"
    cli("--as", "li.na", "contract", "submit", number)
    assert cli("--as", "sun.li", "contract", "review", number, "--approve").exit_code == 0
    engine = create_engine(team)
    from salesflow.store.models import Approval

    with Session(engine) as session:
        rows = session.exec(select(Approval).order_by(Approval.id)).all()  # type: ignore[arg-type]
        ids = {a.required_role: a.id for a in rows}
    engine.dispose()
    assert sorted(ids) == ["director", "manager"]
    # Two sign-offs by two people: the director cannot give the manager's as well.
    director = ["--as", "zhao.min", "approval", "approve"]
    assert cli(*director, str(ids["director"])).exit_code == 0
    assert_refused_unchanged(cli, team, [*director, str(ids["manager"])], 1, "someone else")
    status = json.loads(cli("--as", "li.na", "contract", "list", "--format", "json").stdout)
    assert status[0]["status"] == "pending"
    assert cli("--as", "wang.qiang", "approval", "approve", str(ids["manager"])).exit_code == 0
    status = json.loads(cli("--as", "li.na", "contract", "list", "--format", "json").stdout)
    assert status[0]["status"] == "approved"


def test_return_reject_and_cancel(team: str, cli: Cli, tmp_path: Path) -> None:
    accepted(team)
    number = cli("--as", "li.na", "contract", "new", "--quote", "Q-2026-0001").stdout.strip()
    assert cli("--as", "li.na", "contract", "submit", number).exit_code == 0
    review = ["--as", "sun.li", "contract", "review", number]
    # Returning needs a comment; with one the contract is a draft again.
    assert_refused_unchanged(cli, team, [*review, "--return"], 2, "--comment")
    assert cli(*review, "--return", "--comment", "第5条付款期限不清").exit_code == 0
    shown = json.loads(cli("--as", "li.na", "contract", "list", "--format", "json").stdout)
    assert shown[0]["status"] == "draft"
    # Again, approved by legal; the manager rejects: back to draft, request closed.
    assert cli("--as", "li.na", "contract", "submit", number).exit_code == 0
    assert cli(*review, "--approve").exit_code == 0
    (request,) = approvals(cli, "wang.qiang")
    reject = ["--as", "wang.qiang", "approval", "reject", str(request)]
    assert cli(*reject, "--comment", "金额需复核").exit_code == 0
    shown = json.loads(cli("--as", "li.na", "contract", "list", "--format", "json").stdout)
    assert shown[0]["status"] == "draft"
    assert approvals(cli, "wang.qiang") == []
    # A draft cannot be signed or sent; it can be cancelled, with a reason.
    assert_refused_unchanged(cli, team, ["--as", "li.na", "contract", "send", number], 1, number)
    cancel = ["--as", "li.na", "contract", "cancel", number]
    assert_refused_unchanged(cli, team, cancel, 2, "--reason")
    assert cli(*cancel, "--reason", "客户改签年度框架协议").exit_code == 0
    shown = json.loads(cli("--as", "li.na", "contract", "list", "--format", "json").stdout)
    assert shown[0]["status"] == "cancelled"
    # A cancelled contract does not block the quote: a new one can be made.
    again = cli("--as", "li.na", "contract", "new", "--quote", "Q-2026-0001")
    assert again.exit_code == 0, again.stderr
    assert again.stdout.strip() != number


def test_a_broken_template_is_refused(
    team: str, cli: Cli, tmp_path: Path, isolated_home: Path
) -> None:
    accepted(team)
    template = tmp_path / "terms.txt.j2"
    template.write_text("合同 {{ contract.number ", encoding="utf-8")
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text(
        f'contract_template = "{template}"\n', encoding="utf-8"
    )
    args = ["--as", "li.na", "contract", "new", "--quote", "Q-2026-0001"]
    result = cli(*args)
    assert result.exit_code != 0
    assert str(template) in result.stderr
    assert "Traceback" not in result.stderr
    template.write_text("合同 {{ contract.number }} 总额 {{ totals.capital }}", encoding="utf-8")
    made = cli(*args)
    assert made.exit_code == 0, made.stderr


def test_legal_reads_the_contracts_it_reviews(team: str, cli: Cli) -> None:
    accepted(team)
    number = cli("--as", "li.na", "contract", "new", "--quote", "Q-2026-0001").stdout.strip()
    assert cli("--as", "li.na", "contract", "submit", number).exit_code == 0
    waiting = cli("--as", "sun.li", "contract", "list", "--status", "legal-review", "-f", "json")
    assert [row["number"] for row in json.loads(waiting.stdout)] == [number]
    shown = cli("--as", "sun.li", "contract", "show", number, "--terms")
    assert shown.exit_code == 0, shown.stderr
    assert number in shown.stdout
    # Another rep still does not.
    assert cli("--as", "zhang.wei", "contract", "show", number).exit_code == 2


def test_the_contract_limit_comes_from_the_approval_rules(
    team: str, cli: Cli, isolated_home: Path
) -> None:
    from salesflow.workflow import approval_rules
    from salesflow.workflow.contracts import contract_approvers

    assert contract_approvers(800_000_00) == ("manager",)  # exactly 800,000: a manager
    assert contract_approvers(800_000_01) == ("manager", "director")
    shipped = (Path(approval_rules.__file__).parent / "approvals.toml").read_text("utf-8")
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "approvals.toml").write_text(
        shipped.replace("manager_limit = 800000", "manager_limit = 2000000"), encoding="utf-8"
    )
    accepted(team, quantity=10_000)  # above 800,000, below 2,000,000
    number = cli("--as", "li.na", "contract", "new", "--quote", "Q-2026-0001").stdout.strip()
    cli("--as", "li.na", "contract", "submit", number)
    assert cli("--as", "sun.li", "contract", "review", number, "--approve").exit_code == 0
    requests = json.loads(cli("--as", "zhao.min", "approval", "list", "--all", "-f", "json").stdout)
    assert [row["required_role"] for row in requests] == ["manager"]
