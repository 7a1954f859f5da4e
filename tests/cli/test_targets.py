"""``target set`` and ``target show`` on SQLite and PostgreSQL: who may set which target,
bad input, replacing with an audit trail, attainment against contracts written by hand,
and who sees which targets. Every expected figure is worked out in the test."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session, col, select

from salesflow.store.models import AuditChange, AuditEvent, PaymentReceipt, Target, User
from tests.cli.test_lead_stages import add_lead
from tests.duplicate_data import reading
from tests.helpers import Cli, assert_one_line_error, assert_refused_unchanged
from tests.payment_data import make_contract


def run(cli: Cli, user: str, *args: str) -> str:
    result = cli("--as", user, "--no-input", "target", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def set_target(cli: Cli, user: str, *args: str) -> int:
    return int(run(cli, user, "set", *args).strip())


def show(cli: Cli, user: str, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(run(cli, user, "show", "--format", "json", *args))
    return data


def stored(url: str) -> list[tuple[str, str, str, date, date, int, str]]:
    """(subject, user|team, period, starts_on, ends_on, amount_fen, set by) per target."""
    with reading(url) as session:
        names = {u.id: u.username for u in session.exec(select(User)).all()}
        rows = session.exec(select(Target).order_by(col(Target.id))).all()
        return [
            (
                names[t.user_id or t.team_id],
                "user" if t.user_id is not None else "team",
                t.period,
                t.starts_on,
                t.ends_on,
                t.amount_fen,
                names[t.set_by_id],
            )
            for t in rows
        ]


def rows_by_subject(data: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["kind"], r["subject"]): r for r in data["sections"]["targets"]["rows"]}


# ---------------------------------------------------------------------------------------
# target set


@pytest.mark.parametrize(
    ("period", "key", "start", "end"),
    [
        ("2026-W47", "2026-W47", date(2026, 11, 16), date(2026, 11, 22)),
        ("2026-W01", "2026-W01", date(2025, 12, 29), date(2026, 1, 4)),
        ("2026-11", "2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        ("2026年11月", "2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        ("2026-Q4", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026", "2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_set_each_kind_of_period(
    cli: Cli, team: str, *, period: str, key: str, start: date, end: date
) -> None:
    result = cli("--as", "zhao.min", "target", "set", "--user", "li.na", "--period", period,
                 "--amount", "12.5万")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().isdigit()
    assert "李娜 (li.na)" in result.stderr
    assert "¥125,000.00" in result.stderr
    assert stored(team) == [("li.na", "user", key, start, end, 125_000_00, "zhao.min")]


def test_set_again_replaces_and_the_audit_trail_keeps_both(cli: Cli, team: str) -> None:
    first = set_target(cli, "zhao.min", "--team", "wang.qiang", "--period", "2026-11",
                       "--amount", "1,000,000")  # fmt: skip
    result = cli("--as", "zhao.min", "target", "set", "--team", "wang.qiang", "--period",
                 "2026-11", "--amount", "¥1,200,000.50")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert int(result.stdout) == first
    assert "¥1,000,000.00 -> ¥1,200,000.50" in result.stderr
    assert "王强 (wang.qiang) and team" in result.stderr
    assert stored(team) == [
        ("wang.qiang", "team", "2026-11", date(2026, 11, 1), date(2026, 11, 30),
         120_000_050, "zhao.min"),
    ]  # fmt: skip
    # A manager changes the target of a person below them: set_by follows.
    set_target(cli, "zhao.min", "--user", "li.na", "--period", "2026-11", "--amount", "300000")
    set_target(cli, "wang.qiang", "--user", "li.na", "--period", "2026-11", "--amount", "350000")
    assert stored(team)[1][5:] == (350_000_00, "wang.qiang")
    with reading(team) as session:
        events = session.exec(
            select(AuditEvent)
            .where(AuditEvent.entity == "targets", AuditEvent.entity_id == str(first))
            .order_by(col(AuditEvent.id))
        ).all()
        assert [e.action for e in events] == ["create", "update"]
        changes = session.exec(
            select(AuditChange).where(AuditChange.event_id == events[1].id)
        ).all()
        by_field = {c.field: (c.old_value, c.new_value) for c in changes}
        assert by_field["amount_fen"] == ("100000000", "120000050")
        assert "updated_at" in by_field
    trail = json.loads(
        cli("--as", "boss", "audit", "list", "--entity", "targets", "--format", "json").stdout
    )
    amounts = [(t["action"], t["old_value"], t["new_value"]) for t in trail
               if t["field"] == "amount_fen"]  # fmt: skip
    assert ("update", "30000000", "35000000") in amounts
    assert ("update", "100000000", "120000050") in amounts


@pytest.mark.parametrize(
    ("actor", "subject"),
    [
        ("zhao.min", ["--user", "li.na"]),
        ("zhao.min", ["--user", "zhao.min"]),
        ("zhao.min", ["--team", "zhao.min"]),
        ("zhao.min", ["--team", "chen.jing"]),
        ("boss", ["--user", "wang.qiang"]),
        ("boss", ["--team", "wang.qiang"]),
        ("wang.qiang", ["--user", "zhang.wei"]),
        ("chen.jing", ["--user", "liu.yang"]),
    ],
)
def test_who_may_set(cli: Cli, team: str, actor: str, subject: list[str]) -> None:
    set_target(cli, actor, *subject, "--period", "2026-Q4", "--amount", "900000")
    assert stored(team)[0][0] == subject[1]
    assert stored(team)[0][6] == actor


@pytest.mark.parametrize(
    ("actor", "subject", "needle"),
    [
        ("wang.qiang", ["--user", "wang.qiang"], "your director"),
        ("wang.qiang", ["--team", "wang.qiang"], "your director"),
        ("wang.qiang", ["--user", "liu.yang"], "liu.yang"),
        ("wang.qiang", ["--team", "chen.jing"], "chen.jing"),
        ("wang.qiang", ["--team", "zhao.min"], "zhao.min"),
        ("chen.jing", ["--user", "li.na"], "li.na"),
        ("li.na", ["--user", "li.na"], "does not set targets"),
        ("li.na", ["--user", "zhang.wei"], "does not set targets"),
        ("sun.li", ["--user", "li.na"], "does not set targets"),
        ("zhou.xin", ["--team", "wang.qiang"], "does not set targets"),
    ],
)
def test_who_may_not_set(cli: Cli, team: str, actor: str, subject: list[str], needle: str) -> None:
    args = ["--as", actor, "--no-input", "target", "set", *subject, "--period", "2026-11",
            "--amount", "100000"]  # fmt: skip
    assert_refused_unchanged(cli, team, args, 1, needle)


def test_a_refused_manager_is_told_before_being_asked(cli: Cli, team: str) -> None:
    # Missing values and no terminal: the refusal comes first, not "missing --period".
    args = ["--as", "li.na", "--no-input", "target", "set", "--user", "li.na"]
    assert_refused_unchanged(cli, team, args, 1, "does not set targets")


@pytest.mark.parametrize(
    ("options", "needle"),
    [
        (["--user", "li.na", "--period", "2026-11-18", "--amount", "1"], "--period"),
        (["--user", "li.na", "--period", "2026-W54", "--amount", "1"], "--period"),
        (["--user", "li.na", "--period", "next month", "--amount", "1"], "--period"),
        (["--user", "li.na", "--period", "", "--amount", "1"], "--period"),
        (["--user", "li.na", "--period", "2026-11", "--amount", "-5"], "--amount"),
        (["--user", "li.na", "--period", "2026-11", "--amount", "abc"], "--amount"),
        (["--user", "li.na", "--period", "2026-11", "--amount", "0"], "--amount"),
        (["--user", "li.na", "--period", "2026-11", "--amount", "0.004"], "--amount"),
        (["--user", "li.na", "--period", "2026-11", "--amount", "1e6"], "--amount"),
        (["--user", "li.na", "--period", "2026-11", "--amount", ""], "--amount"),
        (["--user", "nobody", "--period", "2026-11", "--amount", "1"], "--user"),
        (["--user", "sun.li", "--period", "2026-11", "--amount", "1"], "--user"),
        (["--user", "boss", "--period", "2026-11", "--amount", "1"], "--user"),
        (["--team", "li.na", "--period", "2026-11", "--amount", "1"], "--team"),
        (["--team", "nobody", "--period", "2026-11", "--amount", "1"], "--team"),
        (["--user", "li.na", "--team", "wang.qiang", "--period", "2026-11", "--amount", "1"],
         "--team"),
        (["--period", "2026-11", "--amount", "1"], "--user"),
        (["--user", "li.na", "--amount", "1"], "--period"),
        (["--user", "li.na", "--period", "2026-11"], "--amount"),
        (["--user", "li.na"], "--period"),
        (["--user", "li.na", "--period", "2026-11", "--amount", "1", "--format", "json"],
         "--format"),
    ],
)  # fmt: skip
def test_bad_input(cli: Cli, team: str, options: list[str], needle: str) -> None:
    args = ["--as", "zhao.min", "--no-input", "target", "set", *options]
    assert_refused_unchanged(cli, team, args, 2, needle)


def test_a_deactivated_user_gets_no_target(cli: Cli, team: str) -> None:
    assert cli("--as", "boss", "user", "edit", "zhang.wei", "--inactive").exit_code == 0
    args = ["--as", "zhao.min", "target", "set", "--user", "zhang.wei", "--period", "2026",
            "--amount", "1"]  # fmt: skip
    assert_refused_unchanged(cli, team, args, 2, "--user")


def test_without_a_terminal_a_missing_value_names_its_option(cli: Cli, team: str) -> None:
    # No --no-input, but tests have no terminal: the same one-line error.
    args = ["--as", "zhao.min", "target", "set", "--user", "li.na", "--amount", "100"]
    assert_refused_unchanged(cli, team, args, 2, "--period")


def test_more_than_two_decimals_round_half_up(cli: Cli, team: str) -> None:
    set_target(cli, "zhao.min", "--user", "li.na", "--period", "2026", "--amount", "0.005")
    set_target(cli, "zhao.min", "--user", "li.na", "--period", "2026-Q1", "--amount", "0.125")
    assert [row[5] for row in stored(team)] == [1, 13]


# ---------------------------------------------------------------------------------------
# Attainment against contracts written by hand


def receipt(url: str, contract_id: int, amount_fen: int, on: date) -> None:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            session.add(
                PaymentReceipt(
                    contract_id=contract_id,
                    amount_fen=amount_fen,
                    received_on=on,
                    method="bank",
                    created_at=datetime.now(UTC),
                )
            )
            session.commit()
    finally:
        engine.dispose()


def deals(cli: Cli, url: str) -> None:
    """Contracts (13% tax on top of the price) and receipts:

    li.na:     A signed 2026-11-05, 100,000 -> 113,000.00; received 50,000 on 11-10
               B signed 2026-10-20,  50,000 ->  56,500.00; received 10,000 on 10-25 and
                 20,000 on 11-02 (collected in November, signed in October)
               C archived, signed 2026-11-20, 20,000 -> 22,600.00
               D sent (not signed), 99,000 -> 111,870.00: never counts
    zhang.wei: E signed 2026-11-30, 10,000 -> 11,300.00
    liu.yang:  F signed 2026-11-10, 30,000 -> 33,900.00; received 5,000 on 12-01
    """
    plan = [
        ("li.na", "A", 100_000_00, "signed", date(2026, 11, 5)),
        ("li.na", "B", 50_000_00, "signed", date(2026, 10, 20)),
        ("li.na", "C", 20_000_00, "archived", date(2026, 11, 20)),
        ("li.na", "D", 99_000_00, "sent", None),
        ("zhang.wei", "E", 10_000_00, "signed", date(2026, 11, 30)),
        ("liu.yang", "F", 30_000_00, "signed", date(2026, 11, 10)),
    ]
    ids = {}
    for index, (owner, name, price, status, signed_on) in enumerate(plan, start=1):
        lead = add_lead(cli, owner, f"杭州测试{name}科技有限公司")
        ids[name] = make_contract(
            url,
            lead,
            number=f"C-2026-{index:04d}",
            quote_number=f"Q-2026-{index:04d}",
            price_fen=price,
            status=status,
            signed_on=signed_on,
        )
    receipt(url, ids["A"], 50_000_00, date(2026, 11, 10))
    receipt(url, ids["B"], 10_000_00, date(2026, 10, 25))
    receipt(url, ids["B"], 20_000_00, date(2026, 11, 2))
    receipt(url, ids["F"], 5_000_00, date(2026, 12, 1))


def targets(cli: Cli) -> None:
    set_target(cli, "zhao.min", "--user", "li.na", "--period", "2026-11", "--amount", "500000")
    set_target(cli, "zhao.min", "--team", "wang.qiang", "--period", "2026-11",
               "--amount", "1000000")  # fmt: skip
    set_target(cli, "zhao.min", "--user", "liu.yang", "--period", "2026-Q4", "--amount", "900000")
    set_target(cli, "zhao.min", "--user", "zhang.wei", "--period", "2025-12", "--amount", "1")


def test_stored_targets_with_attainment(cli: Cli, team: str) -> None:
    deals(cli, team)
    targets(cli)
    data = show(cli, "zhao.min", "--all")
    assert data["report"] == "targets"
    assert data["all"] is True
    rows = data["sections"]["targets"]["rows"]
    # Oldest period first; the longer period first; teams before people.
    assert [(r["kind"], r["subject"], r["period"]) for r in rows] == [
        ("user", "zhang.wei", "2025-12"),
        ("user", "liu.yang", "2026-Q4"),
        ("team", "wang.qiang", "2026-11"),
        ("user", "li.na", "2026-11"),
    ]
    assert rows[0] | {} == {
        "subject": "zhang.wei", "kind": "user", "period": "2025-12", "from": "2025-12-01",
        "to": "2025-12-31", "target": "1.00", "signed": "0.00", "collected": "0.00",
        "attainment_pct": 0.0,
    }  # fmt: skip
    liu = rows[1]
    # Q4: F 33,900.00 signed; 5,000 received on 12-01. 33,900 / 900,000 = 3.77% -> 3.8
    assert (liu["target"], liu["signed"], liu["collected"], liu["attainment_pct"]) == (
        "900000.00", "33900.00", "5000.00", 3.8
    )  # fmt: skip
    wang = rows[2]
    # The team: li.na A + C (135,600.00) and zhang.wei E (11,300.00) = 146,900.00;
    # received in November: 50,000 + 20,000. 146,900 / 1,000,000 = 14.69% -> 14.7
    assert (wang["target"], wang["signed"], wang["collected"], wang["attainment_pct"]) == (
        "1000000.00", "146900.00", "70000.00", 14.7
    )  # fmt: skip
    li = rows[3]
    # 135,600 / 500,000 = 27.12% -> 27.1
    assert (li["target"], li["signed"], li["collected"], li["attainment_pct"]) == (
        "500000.00", "135600.00", "70000.00", 27.1
    )  # fmt: skip
    chart = data["sections"]["attainment"]
    assert {bar["key"]: bar["value"] for bar in chart} == {
        "user:zhang.wei:2025-12": 0.0,
        "user:liu.yang:2026-Q4": 3.8,
        "team:wang.qiang:2026-11": 14.7,
        "user:li.na:2026-11": 27.1,
    }


def test_a_period_for_every_seller_and_team(cli: Cli, team: str) -> None:
    deals(cli, team)
    targets(cli)
    data = show(cli, "zhao.min", "--period", "2026-11")
    assert data["period"] == {"kind": "month", "key": "2026-11", "from": "2026-11-01",
                              "to": "2026-11-30"}  # fmt: skip
    assert data["scope"]["everyone"] is True
    rows = rows_by_subject(data)
    assert list(rows) == [
        ("user", "chen.jing"), ("user", "li.na"), ("user", "liu.yang"), ("user", "wang.qiang"),
        ("user", "zhang.wei"), ("user", "zhao.min"),
        ("team", "chen.jing"), ("team", "wang.qiang"), ("team", "zhao.min"),
    ]  # fmt: skip

    def figures(kind: str, name: str) -> tuple[Any, ...]:
        r = rows[(kind, name)]
        return r["target"], r["basis"], r["signed"], r["collected"], r["attainment_pct"]

    assert figures("user", "li.na") == ("500000.00", "exact", "135600.00", "70000.00", 27.1)
    # liu.yang's Q4 target over November's 30 of Q4's 92 days: 900,000 * 30 / 92 =
    # 293,478.2608... -> 293,478.26; 33,900 / 293,478.26 = 11.551% -> 11.6
    assert figures("user", "liu.yang") == ("293478.26", "derived", "33900.00", "0.00", 11.6)
    assert figures("user", "zhang.wei") == (None, None, "11300.00", "0.00", None)
    assert figures("user", "chen.jing") == (None, None, "0.00", "0.00", None)
    assert figures("team", "wang.qiang") == (
        "1000000.00", "exact", "146900.00", "70000.00", 14.7
    )  # fmt: skip
    # chen.jing's team: liu.yang's F; no team target.
    assert figures("team", "chen.jing") == (None, None, "33900.00", "0.00", None)
    # Everyone: 146,900 + 33,900.
    assert figures("team", "zhao.min") == (None, None, "180800.00", "70000.00", None)


def test_a_week_gets_its_share_of_the_month(cli: Cli, team: str) -> None:
    deals(cli, team)
    targets(cli)
    data = show(cli, "wang.qiang", "--period", "2026-W47")
    rows = rows_by_subject(data)
    assert list(rows) == [("user", "li.na"), ("user", "wang.qiang"), ("user", "zhang.wei"),
                          ("team", "wang.qiang")]  # fmt: skip
    li = rows[("user", "li.na")]
    # W47 (16-22 Nov): C on 11-20 (22,600.00); 500,000 * 7 / 30 = 116,666.666... ->
    # 116,666.67; 22,600 / 116,666.67 = 19.37% -> 19.4
    assert (li["target"], li["basis"], li["signed"], li["attainment_pct"]) == (
        "116666.67", "derived", "22600.00", 19.4
    )  # fmt: skip
    team_row = rows[("team", "wang.qiang")]
    # 1,000,000 * 7 / 30 = 233,333.33; 22,600 / 233,333.33 = 9.69% -> 9.7
    assert (team_row["target"], team_row["signed"], team_row["attainment_pct"]) == (
        "233333.33", "22600.00", 9.7
    )  # fmt: skip


def test_one_user_and_one_team(cli: Cli, team: str) -> None:
    deals(cli, team)
    targets(cli)
    one = rows_by_subject(show(cli, "zhao.min", "--period", "2026-Q4", "--user", "liu.yang"))
    assert list(one) == [("user", "liu.yang")]
    assert one[("user", "liu.yang")]["basis"] == "exact"
    # Q4 for li.na: only November has a target, October and December none.
    team_rows = rows_by_subject(show(cli, "zhao.min", "--period", "2026-Q4", "--team",
                                     "wang.qiang"))  # fmt: skip
    assert list(team_rows) == [("user", "li.na"), ("user", "wang.qiang"), ("user", "zhang.wei"),
                               ("team", "wang.qiang")]  # fmt: skip
    li = team_rows[("user", "li.na")]
    # Q4 signed: A, B (Oct), C = 113,000 + 56,500 + 22,600; received 10,000 + 20,000 + 50,000.
    assert (li["target"], li["signed"], li["collected"]) == (None, "192100.00", "80000.00")
    stored_team = show(cli, "zhao.min", "--all", "--team", "wang.qiang")
    assert [(r["kind"], r["subject"]) for r in stored_team["sections"]["targets"]["rows"]] == [
        ("user", "zhang.wei"), ("team", "wang.qiang"), ("user", "li.na")
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------
# Who sees what


def test_visibility(cli: Cli, team: str) -> None:
    targets(cli)
    set_target(cli, "zhao.min", "--user", "wang.qiang", "--period", "2026-11", "--amount", "1")
    set_target(cli, "zhao.min", "--team", "chen.jing", "--period", "2026-11", "--amount", "1")

    def seen(user: str, *args: str) -> list[tuple[str, str, str]]:
        rows = show(cli, user, "--all", *args)["sections"]["targets"]["rows"]
        return sorted((r["kind"], r["subject"], r["period"]) for r in rows)

    assert seen("li.na") == [("user", "li.na", "2026-11")]
    assert seen("zhang.wei") == [("user", "zhang.wei", "2025-12")]
    assert seen("sun.li") == []
    assert seen("wang.qiang") == [
        ("team", "wang.qiang", "2026-11"),
        ("user", "li.na", "2026-11"),
        ("user", "wang.qiang", "2026-11"),
        ("user", "zhang.wei", "2025-12"),
    ]
    assert seen("chen.jing") == [("team", "chen.jing", "2026-11"), ("user", "liu.yang", "2026-Q4")]
    assert len(seen("zhao.min")) == len(seen("boss")) == 6
    assert seen("wang.qiang", "--user", "li.na") == [("user", "li.na", "2026-11")]
    assert seen("li.na", "--user", "li.na") == [("user", "li.na", "2026-11")]
    # A rep's period table has only themselves.
    rows = rows_by_subject(show(cli, "li.na", "--period", "2026-11"))
    assert list(rows) == [("user", "li.na")]
    assert rows[("user", "li.na")]["target"] == "500000.00"


@pytest.mark.parametrize(
    ("actor", "args", "code", "needle"),
    [
        ("li.na", ["--user", "zhang.wei"], 2, "--user"),
        ("li.na", ["--period", "2026-11", "--user", "zhang.wei"], 2, "--user"),
        ("wang.qiang", ["--user", "liu.yang"], 2, "--user"),
        ("wang.qiang", ["--team", "chen.jing"], 2, "--team"),
        ("li.na", ["--team", "wang.qiang"], 1, "--team"),
        ("li.na", ["--period", "2026-11", "--team", "wang.qiang"], 1, "--team"),
        ("zhao.min", ["--team", "li.na"], 2, "--team"),
        ("zhao.min", ["--period", "2026-11-18"], 2, "--period"),
        ("zhao.min", ["--period", "bad"], 2, "--period"),
        ("zhao.min", ["--period", "2026-11", "--all"], 2, "--all"),
        ("zhao.min", ["--user", "li.na", "--team", "wang.qiang"], 2, "--team"),
        ("zhao.min", ["--format", "xml"], 2, "--format"),
    ],
)
def test_show_refusals(
    cli: Cli, team: str, *, actor: str, args: list[str], code: int, needle: str
) -> None:
    targets(cli)
    result = cli("--as", actor, "target", "show", *args)
    assert_one_line_error(result, code)
    assert needle in result.stderr


def test_running_targets_by_default(cli: Cli, team: str) -> None:
    today = date.today()
    this_year = str(today.year)
    set_target(cli, "zhao.min", "--user", "li.na", "--period", this_year, "--amount", "1000")
    set_target(cli, "zhao.min", "--user", "li.na", "--period", str(today.year - 1),
               "--amount", "1000")  # fmt: skip
    data = show(cli, "li.na")
    assert data["all"] is False
    assert data["today"] == today.isoformat()
    assert [r["period"] for r in data["sections"]["targets"]["rows"]] == [this_year]
    assert len(show(cli, "li.na", "--all")["sections"]["targets"]["rows"]) == 2


def test_show_in_each_format(cli: Cli, team: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    deals(cli, team)
    targets(cli)
    table = run(cli, "zhao.min", "show", "--period", "2026-11")
    assert "李娜 (li.na)" in table
    assert "王强 (wang.qiang) and team" in table
    assert "¥500,000.00" in table
    assert "27.1%" in table
    assert "derived" in table
    assert "█" in table
    markdown = run(cli, "zhao.min", "show", "--all", "--format", "markdown")
    assert markdown.startswith("# Sales targets")
    assert "| 李娜 (li.na)" in markdown
    text = run(cli, "zhao.min", "show", "--period", "2026-11", "--format", "csv")
    sections = text.split("\n\n")
    assert sections[0].splitlines()[0] == (
        "section,subject,kind,target,basis,signed,collected,attainment_pct"
    )
    assert "targets,li.na,user,500000.00,exact,135600.00,70000.00,27.1" in sections[0]
    assert sections[1].splitlines()[0] == "section,key,value"
    empty = run(cli, "sun.li", "show")
    assert "No targets." in empty


@pytest.mark.parametrize("head", ["wang.qiang", "zhao.min"])
def test_a_teams_progress_is_what_its_team_report_counts(cli: Cli, team: str, head: str) -> None:
    """target show and report kpi --team count a team's signed and collected money the
    same way, also when someone is outside every team (li.na without a manager)."""
    from sqlalchemy import update

    from tests.report_data import MONTH, build_report_data

    build_report_data(team)
    engine = create_engine(team)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(User).where(col(User.username) == "liu.yang").values(manager_id=None)
            )
    finally:
        engine.dispose()
    shown = show(cli, head, "--period", MONTH)
    row = rows_by_subject(shown)[("team", head)]
    result = cli("--as", head, "report", "kpi", "--period", MONTH, "--team", "-f", "json")
    assert result.exit_code == 0, result.stderr
    kpis = json.loads(result.stdout)
    block = kpis["sections"]["team"]
    assert (row["signed"], row["collected"]) == (block["signed_value"], block["collected_value"])
    assert row["target"] == block["target"]
    assert row["attainment_pct"] == block["attainment_pct"]
