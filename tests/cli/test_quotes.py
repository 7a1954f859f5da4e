"""``quote new|edit|revise|send|accept|reject|show|list`` through the CLI, on both backends."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta

from sqlalchemy import create_engine
from sqlmodel import Session, col, select

from salesflow.store.audit import set_actor
from salesflow.store.database import open_workspace
from salesflow.store.models import Approval, Lead, Quote, QuoteLine
from salesflow.workflow.identity import find_user
from salesflow.workflow.quotes import QuoteChanges, revise_quote
from tests.cli.test_lead_stages import add_lead, run, stage_of, to_proposal
from tests.duplicate_data import reading
from tests.helpers import Cli, assert_refused_unchanged
from tests.quotes import Item, ensure_product, make_quote


def products(url: str) -> None:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            ensure_product(session, "ERP-STD", name="企业资源计划 标准版", price_fen=10_000_00)
            ensure_product(session, "SVC-DAY", name="实施服务（人天）", price_fen=2_500_00)
            ensure_product(session, "HW-1", name="Server", price_fen=333)
            session.commit()
    finally:
        engine.dispose()


def quote(cli: Cli, user: str, *args: str) -> str:
    result = cli("--as", user, "--no-input", "quote", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def saved(url: str, number: str, version: int | None = None) -> Quote:
    with reading(url) as session:
        statement = select(Quote).where(Quote.number == number)
        if version is not None:
            statement = statement.where(Quote.version == version)
        found = session.exec(statement.order_by(col(Quote.version).desc())).first()
        assert found is not None
        return found


def lines_of(url: str, quote_id: int) -> list[QuoteLine]:
    with reading(url) as session:
        return list(
            session.exec(
                select(QuoteLine)
                .where(QuoteLine.quote_id == quote_id)
                .order_by(col(QuoteLine.position))
            ).all()
        )


def set_status(url: str, number: str, status: str) -> None:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            row = session.exec(
                select(Quote).where(Quote.number == number, col(Quote.superseded_at).is_(None))
            ).one()
            row.status = status
            session.add(row)
            session.commit()
    finally:
        engine.dispose()


def test_new_quote_with_flags(cli: Cli, team: str) -> None:
    products(team)
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    result = cli(
        "--as", "li.na", "--no-input", "quote", "new", str(lead),
        "--line", "ERP-STD:2", "--line", "svc-day:1.5:2000:5%", "--discount", "5%",
        "--valid-days", "15", "--delivery", "合同签订后10个工作日", "--notes", "含一年维护",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    number = result.stdout.strip()
    year = date.today().year
    assert number == f"Q-{year}-0001"
    assert "may need approval" in result.stderr
    row = saved(team, number)
    assert row.status == "draft"
    assert row.version == 1
    assert row.valid_until == date.today() + timedelta(days=15)
    assert row.payment_terms == "cod"
    assert row.discount_bp == 500
    with reading(team) as session:
        lead_row = session.get(Lead, lead)
        assert lead_row is not None
        assert row.owner_id == lead_row.owner_id
    lines = lines_of(team, row.id or 0)
    assert [(line.sku, line.quantity_milli, line.unit_price_fen) for line in lines] == [
        ("ERP-STD", 2000, 10_000_00),
        ("SVC-DAY", 1500, 2_000_00),
    ]
    assert lines[1].name == "实施服务（人天）"
    assert lines[1].discount_bp == 500
    assert row.total_fen == sum(line.total_fen for line in lines)
    # 20000.00 -> 5% = 1000.00 -> 19000.00; 3000.00 -> 150 -> 2850 -> 5% 142.50 -> 2707.50
    assert row.subtotal_fen == 23_000_00
    assert row.discount_fen == 1000_00 + 150_00 + 142_50
    assert row.tax_fen == 2_470_00 + 351_98  # 351.975 rounded half-up
    assert row.max_discount_bp > 0
    second = quote(cli, "li.na", "new", str(lead), "--line", "HW-1:3")
    assert second == f"Q-{year}-0002"


def test_bad_input_is_refused_and_nothing_changes(cli: Cli, team: str) -> None:
    products(team)
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    base = ["--as", "li.na", "--no-input", "quote", "new", str(lead)]
    assert_refused_unchanged(cli, team, base, 2, "--line")
    assert_refused_unchanged(cli, team, [*base, "--line", "ERP-STD:0"], 2, "more than 0")
    assert_refused_unchanged(cli, team, [*base, "--line", "ERP-STD:-1"], 2, "more than 0")
    assert_refused_unchanged(cli, team, [*base, "--line", "ERP-STD:1.0001"], 2, "three decimals")
    assert_refused_unchanged(cli, team, [*base, "--line", "ERP-STD:1:100:-1%"], 2, "below 100%")
    assert_refused_unchanged(cli, team, [*base, "--line", "ERP-STD:1:100:100%"], 2, "below 100%")
    assert_refused_unchanged(
        cli, team, [*base, "--line", "ERP-STD:1", "--discount", "100"], 2, "--discount"
    )
    assert_refused_unchanged(cli, team, [*base, "--line", "NOPE:1"], 2, "NOPE")
    assert_refused_unchanged(
        cli, team, [*base, "--line", "ERP-STD:1", "--payment-terms", "other"], 2, "--payment-note"
    )
    assert_refused_unchanged(
        cli, team, [*base, "--line", "ERP-STD:1", "--valid-until", "2020-01-01"], 2, "past"
    )
    # Someone else's lead, and a lost lead.
    assert_refused_unchanged(
        cli, team, ["--as", "zhang.wei", *base[2:], "--line", "ERP-STD:1"], 2, "No lead"
    )
    run(cli, "li.na", "lose", str(lead), "--reason", "price")
    assert_refused_unchanged(cli, team, [*base, "--line", "ERP-STD:1"], 1, "open leads")


def test_edit_revise_and_old_versions(cli: Cli, team: str) -> None:
    products(team)
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    number = quote(cli, "li.na", "new", str(lead), "--line", "ERP-STD:1")
    quote(cli, "li.na", "edit", number, "--line", "ERP-STD:3", "--payment-terms", "net-30")
    first = saved(team, number)
    assert first.payment_terms == "net-30"
    assert first.subtotal_fen == 30_000_00
    # An approved quote edited goes back to draft; its approvals are withdrawn.
    set_status(team, number, "approved")
    engine = create_engine(team)
    with Session(engine) as session:
        session.add(
            Approval(
                kind="discount", status="approved", quote_id=first.id,
                requested_by_id=first.owner_id or 0, required_role="manager",
            )
        )  # fmt: skip
        session.commit()
    engine.dispose()
    result = cli("--as", "li.na", "--no-input", "quote", "edit", number, "--discount", "2")
    assert result.exit_code == 0, result.stderr
    assert "withdrawn" in result.stderr
    assert saved(team, number).status == "draft"
    with reading(team) as session:
        assert session.exec(select(Approval.status)).all() == ["withdrawn"]
    assert quote(cli, "li.na", "revise", number, "--line", "SVC-DAY:2") == number
    old = saved(team, number, 1)
    new = saved(team, number, 2)
    assert old.superseded_at is not None
    assert new.status == "draft"
    assert new.payment_terms == "net-30"
    assert new.discount_bp == 200
    assert [line.sku for line in lines_of(team, new.id or 0)] == ["SVC-DAY"]
    assert [line.sku for line in lines_of(team, old.id or 0)] == ["ERP-STD"]
    base = ["--as", "li.na", "--no-input", "quote", "edit", number]
    assert_refused_unchanged(cli, team, [*base, "--version", "1", "--notes", "x"], 1, "old version")
    assert_refused_unchanged(cli, team, base, 2, "Nothing to change")
    assert_refused_unchanged(cli, team, [*base, "--line", "ERP-STD:0"], 2, "more than 0")
    # Revising again copies the lines of v2.
    quote(cli, "li.na", "revise", number)
    assert [line.sku for line in lines_of(team, saved(team, number, 3).id or 0)] == ["SVC-DAY"]
    listed = json.loads(quote(cli, "li.na", "list", "--all-versions", "--format", "json"))
    assert [(r["number"], r["version"], r["current"]) for r in listed] == [
        (number, 3, True), (number, 2, False), (number, 1, False)
    ]  # fmt: skip


def test_send_accept_reject_and_the_gates(cli: Cli, team: str) -> None:
    products(team)
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司", "--need", "ERP")
    to_proposal(cli, lead)
    number = quote(cli, "li.na", "new", str(lead), "--line", "ERP-STD:1")
    base = ["--as", "li.na", "--no-input", "quote"]
    assert_refused_unchanged(cli, team, [*base, "send", number], 1, "only an approved quote")
    assert_refused_unchanged(cli, team, [*base, "accept", number], 1, "only a sent quote")
    assert_refused_unchanged(
        cli, team, ["--as", "li.na", "--no-input", "lead", "advance", str(lead)], 1,
        "a sent quote ('salesflow quote send')",
    )  # fmt: skip
    set_status(team, number, "approved")
    result = cli(*base, "send", number)
    assert result.exit_code == 0, result.stderr
    assert "moved to" in result.stderr
    assert saved(team, number).status == "sent"
    assert saved(team, number).sent_at is not None
    assert stage_of(team, lead).stage == "negotiation"
    assert_refused_unchanged(
        cli, team, ["--as", "li.na", "--no-input", "lead", "advance", str(lead)], 1,
        "an accepted quote ('salesflow quote accept')",
    )  # fmt: skip
    assert_refused_unchanged(cli, team, [*base, "edit", number, "--notes", "x"], 1, "Sent")
    assert_refused_unchanged(cli, team, [*base, "reject", number], 2, "--reason")
    quote(cli, "li.na", "accept", number)
    assert saved(team, number).status == "accepted"
    assert_refused_unchanged(cli, team, [*base, "revise", number], 1, "accepted")
    run(cli, "li.na", "advance", str(lead))
    assert stage_of(team, lead).stage == "contract"
    # Rejection, on another quote.
    other = quote(cli, "li.na", "new", str(lead), "--line", "HW-1:1")
    set_status(team, other, "sent")
    quote(cli, "li.na", "reject", other, "--reason", "价格太高")
    assert saved(team, other).reject_reason == "价格太高"


def test_send_without_the_gates_leaves_the_stage(cli: Cli, team: str) -> None:
    products(team)
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    number = quote(cli, "li.na", "new", str(lead), "--line", "ERP-STD:1")
    set_status(team, number, "approved")
    result = cli("--as", "li.na", "--no-input", "quote", "send", number)
    assert result.exit_code == 0, result.stderr
    assert "stays where it is" in result.stderr
    assert "an activity" in result.stderr
    assert stage_of(team, lead).stage == "new"
    assert saved(team, number).status == "sent"


def test_expired_quotes(cli: Cli, team: str) -> None:
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    past = date.today() - timedelta(days=1)
    make_quote(team, lead, [Item("OLD-1")], number="Q-2025-0007", status="sent", valid_until=past)
    make_quote(
        team, lead, [Item("OLD-1")], number="Q-2025-0008", status="approved", valid_until=past
    )
    base = ["--as", "li.na", "--no-input", "quote"]
    assert_refused_unchanged(cli, team, [*base, "accept", "Q-2025-0007"], 1, "expired")
    assert_refused_unchanged(cli, team, [*base, "send", "q-2025-8"], 1, "expired")
    rows = json.loads(quote(cli, "li.na", "list", "--status", "expired", "--format", "json"))
    assert sorted(r["number"] for r in rows) == ["Q-2025-0007", "Q-2025-0008"]
    assert json.loads(quote(cli, "li.na", "list", "--status", "sent", "--format", "json")) == []
    shown = json.loads(quote(cli, "li.na", "show", "Q-2025-0007", "--format", "json"))
    assert shown["status"] == "expired"
    assert shown["stored_status"] == "sent"
    # Numbering continues per year: a new quote this year starts at 0001.
    products(team)
    number = quote(cli, "li.na", "new", str(lead), "--line", "ERP-STD:1")
    assert number == f"Q-{date.today().year}-0001"
    make_quote(team, lead, [Item("OLD-1")], number=f"Q-{date.today().year}-0041")
    assert quote(cli, "li.na", "new", str(lead), "--line", "ERP-STD:1").endswith("-0042")


def test_show_and_list(cli: Cli, team: str) -> None:
    products(team)
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    number = quote(cli, "li.na", "new", str(lead), "--line", "ERP-STD:2", "--line", "HW-1:1")
    table = quote(cli, "li.na", "show", number)
    assert "企业资源计划 标准版" in table
    assert "¥20,000.00" in table
    assert "Draft" in table
    markdown = quote(cli, "li.na", "show", number, "--format", "markdown")
    from rich.cells import cell_len

    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    table_rows = [line for line in rows if "ERP-STD" in line or "HW-1" in line or "SKU" in line]
    assert len({cell_len(line) for line in table_rows}) == 1, table_rows
    data = json.loads(quote(cli, "li.na", "show", number, "--format", "json"))
    assert data["total_fen"] == sum(line["total_fen"] for line in data["lines"])
    assert all(isinstance(line["subtotal_fen"], int) for line in data["lines"])
    # Visibility: another rep's team does not see it; the director does.
    assert json.loads(quote(cli, "zhang.wei", "list", "--format", "json")) == []
    assert len(json.loads(quote(cli, "zhao.min", "list", "--format", "json"))) == 1
    assert_refused_unchanged(
        cli, team, ["--as", "zhang.wei", "quote", "show", number], 2, "No quote"
    )
    rows_json = json.loads(
        quote(cli, "li.na", "list", "--lead", str(lead), "--expiring-in", "30", "--format", "json")
    )
    assert [r["number"] for r in rows_json] == [number]
    assert json.loads(quote(cli, "li.na", "list", "--expiring-in", "3", "--format", "json")) == []
    assert json.loads(quote(cli, "li.na", "list", "--owner", "li.na", "--format", "json"))
    csv_text = quote(cli, "li.na", "list", "--format", "csv")
    assert csv_text.splitlines()[0].startswith("number,version")


def test_percentages_read_as_written(cli: Cli, team: str) -> None:
    products(team)
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    drafted = cli(
        "--as", "li.na", "--no-input", "quote", "new", str(lead),
        "--line", "ERP-STD:1::10%", "--line", "SVC-DAY:1", "--discount", "20",
    )  # fmt: skip
    assert drafted.exit_code == 0, drafted.stderr
    # 10% on the line, then 20% on the whole: 28% below list at most.
    assert "discount of up to 28% below list" in drafted.stderr
    shown = quote(cli, "li.na", "show", drafted.stdout.strip())
    assert "whole quote 20%" in shown
    assert " 10% " in shown
    assert " 1% " not in shown


def _revise_in_thread(url: str, out: list[str]) -> None:
    workspace = open_workspace(url)
    try:
        with workspace.session(write=True) as session:
            actor = find_user(session, "li.na")
            assert actor is not None
            set_actor(session, actor.id)
            result = revise_quote(session, actor, "Q-2026-0001", QuoteChanges(discount="3%"))
        out.append(f"v{result.version}")
    except Exception as exc:  # the test reports whatever went wrong
        out.append(repr(exc))
    finally:
        workspace.dispose()


def test_two_revisions_at_once_make_two_versions(cli: Cli, team: str) -> None:
    products(team)
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    quote(cli, "li.na", "new", str(lead), "--line", "ERP-STD:1")
    out: list[str] = []
    threads = [threading.Thread(target=_revise_in_thread, args=(team, out)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The second waits for the first and revises what is current then: v3, not v2 again.
    assert sorted(out) == ["v2", "v3"], out
    listed = json.loads(quote(cli, "li.na", "list", "--all-versions", "-f", "json"))
    assert sorted((q["version"], q["current"]) for q in listed) == [
        (1, False),
        (2, False),
        (3, True),
    ]
