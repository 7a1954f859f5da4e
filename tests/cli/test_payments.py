"""``payment schedule|delivered|record|list`` and the payments due in ``salesflow today``,
on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from typing import Any

from sqlalchemy import create_engine
from sqlmodel import Session, col, select

from salesflow.store.audit import set_actor
from salesflow.store.database import open_workspace
from salesflow.store.models import Contract, PaymentDue, PaymentReceipt
from salesflow.workflow.identity import find_user
from salesflow.workflow.payments import record_payment
from tests.cli.test_lead_stages import add_lead
from tests.duplicate_data import reading
from tests.helpers import Cli, assert_refused_unchanged
from tests.payment_data import make_contract

TODAY = date.today()
TOTAL = "11300.00"  # 10,000 yuan + 13% tax


def pay(cli: Cli, user: str, *args: str) -> str:
    result = cli("--as", user, "--no-input", "payment", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def listing(cli: Cli, user: str, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(pay(cli, user, "list", "--format", "json", *args))
    return data


def contract_on(cli: Cli, url: str, **kwargs: Any) -> str:
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    make_contract(url, lead, **kwargs)
    return str(kwargs.get("number", "C-2026-0001"))


def dues(url: str) -> list[tuple[int, int, str | None, date | None]]:
    with reading(url) as session:
        rows = session.exec(select(PaymentDue).order_by(col(PaymentDue.position))).all()
        return [(d.position, d.amount_fen, d.due_event, d.due_on) for d in rows]


def test_schedule_default_and_plan(cli: Cli, team: str) -> None:
    signed = TODAY - timedelta(days=3)
    number = contract_on(cli, team, signed_on=signed)
    shown = json.loads(pay(cli, "li.na", "schedule", number, "--format", "json"))
    assert shown == [
        {"position": 1, "share": "100%", "amount": TOTAL, "due_event": "delivery", "due_on": None}
    ]
    assert dues(team) == [(1, 1_130_000, "delivery", None)]
    pay(cli, "li.na", "schedule", number.lower(), "--plan", "30%:sign,70%:2026-12-31")
    # The sign part is due on the day the contract was signed.
    assert dues(team) == [(1, 339_000, "sign", signed), (2, 791_000, None, date(2026, 12, 31))]
    table = pay(cli, "li.na", "schedule", number, "--plan", "30%:sign,70%:delivery")
    assert "¥3,390.00" in table
    assert "¥7,910.00" in table
    pay(cli, "li.na", "delivered", number, "--on", "yesterday")
    assert dues(team)[1] == (2, 791_000, "delivery", TODAY - timedelta(days=1))
    # Without --plan an existing schedule is shown, not replaced by the default.
    kept = json.loads(pay(cli, "li.na", "schedule", number, "--format", "json"))
    assert [part["share"] for part in kept] == ["30%", "70%"]
    assert dues(team)[1] == (2, 791_000, "delivery", TODAY - timedelta(days=1))


def test_delivered_without_a_schedule_uses_the_default(cli: Cli, team: str) -> None:
    number = contract_on(cli, team)
    pay(cli, "li.na", "delivered", number, "--on", TODAY.isoformat())
    assert dues(team) == [(1, 1_130_000, "delivery", TODAY)]


def test_record_list_and_overdue(cli: Cli, team: str) -> None:
    number = contract_on(cli, team, signed_on=TODAY - timedelta(days=20))
    late = (TODAY - timedelta(days=5)).isoformat()
    later = (TODAY + timedelta(days=10)).isoformat()
    pay(cli, "li.na", "schedule", number, "--plan", f"30%:sign,50%:{late},20%:{later}")
    before = listing(cli, "li.na")
    row = before["contracts"][0]
    assert row["overdue"] == "9040.00"  # 30% + 50% due, nothing received
    assert row["days_overdue"] == 20  # from the oldest unpaid instalment
    receipt = pay(
        cli, "li.na", "record", number, "3,390", "--date", "yesterday", "--method", "cash",
        "--note", "首付款",
    )  # fmt: skip
    assert receipt.strip().isdigit()
    data = listing(cli, "li.na")
    row = data["contracts"][0]
    assert row["contract"] == number
    assert (row["total"], row["received"], row["outstanding"]) == (TOTAL, "3390.00", "7910.00")
    assert (row["overdue"], row["days_overdue"]) == ("5650.00", 5)
    assert row["next_due"] == later
    assert data["totals"] == {
        "total": TOTAL,
        "received": "3390.00",
        "outstanding": "7910.00",
        "overdue": "5650.00",
    }
    assert [r["contract"] for r in listing(cli, "li.na", "--overdue")["contracts"]] == [number]
    pay(cli, "li.na", "record", number, "5650", "--method", "bank")
    assert listing(cli, "li.na", "--overdue")["contracts"] == []
    row = listing(cli, "li.na", "--contract", number)["contracts"][0]
    assert (row["overdue"], row["days_overdue"], row["outstanding"]) == ("0.00", None, "2260.00")
    table = pay(cli, "li.na", "list")
    assert "¥2,260.00" in table
    assert "Total" in table
    assert listing(cli, "zhang.wei")["contracts"] == []  # someone else's lead: not seen
    owned = listing(cli, "zhao.min", "--owner", "li.na")["contracts"]
    assert [r["contract"] for r in owned] == [number]
    assert listing(cli, "zhao.min", "--owner", "zhang.wei")["contracts"] == []
    unknown = cli("--as", "zhao.min", "payment", "list", "--owner", "nobody")
    assert unknown.exit_code == 2
    assert "--owner" in unknown.stderr
    csv_text = pay(cli, "li.na", "list", "--format", "csv")
    assert csv_text.splitlines()[0].startswith("contract,company")
    assert csv_text.splitlines()[-1].startswith("total,")  # a code, the same in every language


def test_bad_input_is_refused_unchanged(cli: Cli, team: str) -> None:
    number = contract_on(cli, team)
    pay(cli, "li.na", "record", number, "11000")
    base = ["--as", "li.na", "--no-input", "payment", "record", number]
    assert_refused_unchanged(cli, team, [*base, "300.01"], 1, "more than contract")
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    assert_refused_unchanged(cli, team, [*base, "10", "--date", tomorrow], 2, "--date")
    assert_refused_unchanged(cli, team, [*base, "10", "--method", "cheque"], 2, "--method")
    assert_refused_unchanged(cli, team, [*base, "0"], 2, "AMOUNT")
    assert_refused_unchanged(cli, team, [*base, "--", "-5"], 2, "AMOUNT")
    assert_refused_unchanged(cli, team, [*base, "abc"], 2, "AMOUNT")
    other = ["--as", "zhang.wei", "--no-input", "payment", "record", number, "10"]
    assert_refused_unchanged(cli, team, other, 2, "No contract")
    assert_refused_unchanged(
        cli, team, ["--as", "li.na", "payment", "record", "X-1", "10"], 2, "CONTRACT"
    )
    schedule = ["--as", "li.na", "--no-input", "payment", "schedule", number, "--plan"]
    assert_refused_unchanged(cli, team, [*schedule, "30%:sign,60%:delivery"], 2, "--plan")
    # 11,000 received; a plan with only 30% due by today would leave it ahead of schedule.
    assert_refused_unchanged(cli, team, [*schedule, "30%:sign,70%:delivery"], 1, "--plan")
    delivered = ["--as", "li.na", "payment", "delivered", number, "--on", tomorrow]
    assert_refused_unchanged(cli, team, delivered, 2, "--on")


def test_contract_status_rules(cli: Cli, team: str) -> None:
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    make_contract(team, lead, status="cancelled")
    make_contract(team, lead, number="C-2026-0002", quote_number="Q-2026-0002", status="approved")
    assert_refused_unchanged(
        cli, team, ["--as", "li.na", "payment", "schedule", "C-2026-0001"], 1, "cancelled"
    )
    assert_refused_unchanged(
        cli, team, ["--as", "li.na", "payment", "record", "C-2026-0002", "10"], 1, "C-2026-0002"
    )


def _record_in_thread(url: str, out: list[str]) -> None:
    workspace = open_workspace(url)
    try:
        with workspace.session(write=True) as session:
            actor = find_user(session, "li.na")
            assert actor is not None
            set_actor(session, actor.id)
            result = record_payment(
                session, actor, "C-2026-0001", "6000", received_on="today", method="bank"
            )
        out.append(f"ok {result.received_fen}")
    except Exception as exc:  # the test reports whatever went wrong
        out.append(type(exc).__name__)
    finally:
        workspace.dispose()


def test_two_payments_at_once_cannot_over_collect(cli: Cli, team: str) -> None:
    contract_on(cli, team)
    out: list[str] = []
    threads = [threading.Thread(target=_record_in_thread, args=(team, out)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(out) == ["Refused", "ok 600000"], out
    engine = create_engine(team)
    try:
        with Session(engine) as session:
            amounts = session.exec(select(PaymentReceipt.amount_fen)).all()
            assert list(amounts) == [600_000]
            assert session.exec(select(Contract.total_fen)).one() == 1_130_000
    finally:
        engine.dispose()


def test_today_shows_payments_due(cli: Cli, team: str) -> None:
    number = contract_on(cli, team, signed_on=TODAY - timedelta(days=4))
    soon = (TODAY + timedelta(days=6)).isoformat()
    far = (TODAY + timedelta(days=30)).isoformat()
    pay(cli, "li.na", "schedule", number, "--plan", f"30%:sign,20%:{soon},50%:{far}")
    pay(cli, "li.na", "record", number, "1000")
    result = cli("--as", "li.na", "today", "--format", "json")
    assert result.exit_code == 0, result.stderr
    section = json.loads(result.stdout)["sections"]["payments_due"]
    assert section["total"] == 2
    assert section["items"] == [
        {
            "contract": number,
            "position": 1,
            "lead_id": section["items"][0]["lead_id"],
            "company": "杭州云栖科技有限公司",
            "due_on": (TODAY - timedelta(days=4)).isoformat(),
            "outstanding": "2390.00",
            "days_overdue": 4,
        },
        {
            "contract": number,
            "position": 2,
            "lead_id": section["items"][0]["lead_id"],
            "company": "杭州云栖科技有限公司",
            "due_on": soon,
            "outstanding": "2260.00",
            "days_overdue": None,
        },
    ]
    table = cli("--as", "li.na", "today")
    assert table.exit_code == 0, table.stderr
    assert number in table.stdout
    assert "¥2,390.00" in table.stdout
    other = json.loads(cli("--as", "zhang.wei", "today", "--format", "json").stdout)
    assert other["sections"]["payments_due"]["total"] == 0


def test_signing_dates_the_sign_instalments(cli: Cli, team: str) -> None:
    from salesflow.workflow.payments import date_sign_instalments

    number = contract_on(cli, team, status="sent")
    pay(cli, "li.na", "schedule", number, "--plan", "50%:sign,50%:delivery")
    assert dues(team)[0] == (1, 565_000, "sign", None)
    engine = create_engine(team)
    try:
        with Session(engine) as session:
            contract = session.exec(select(Contract)).one()
            contract.status, contract.signed_on = "signed", TODAY
            session.add(contract)
            assert date_sign_instalments(session, contract) == 1
            session.commit()
    finally:
        engine.dispose()
    assert dues(team)[0] == (1, 565_000, "sign", TODAY)
