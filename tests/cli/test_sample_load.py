"""init --sample: the sample team, its 240 leads through the importer, their grades and
their activity log."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlmodel import col, select

from salesflow.store.models import Lead
from salesflow.workflow.errors import ConfigurationError
from salesflow.workflow.setup import read_sample_activities, sample_anchor, sample_data_dir
from tests.helpers import Cli, snapshot

SAMPLE = sample_data_dir()
REPS = ("li.na", "zhang.wei", "liu.yang", "wang.qiang")


def sample_activities() -> list[dict[str, str]]:
    with (SAMPLE / "activities.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def sample_products() -> list[dict[str, str]]:
    with (SAMPLE / "products.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_sample_loads_leads_and_grades_once(cli: Cli, db_url: str) -> None:
    result = cli("init", "--sample")
    assert result.exit_code == 0, result.stderr
    assert "Imported 240 sample leads" in result.stderr
    assert "graded 172" in result.stderr
    assert f"logged {len(sample_activities())} activities" in result.stderr
    assert f"Added {len(sample_products())} products to the price list." in result.stderr
    leads = json.loads(cli("lead", "list", "--all", "--limit", "1000", "-f", "json").stdout)
    assert len(leads) == 240
    assert {lead["stage"] for lead in leads} == {
        "new",
        "contacted",
        "qualified",
        "proposal",
        "negotiation",
        "contract",
        "won",
        "lost",
    }
    assert {lead["grade"] for lead in leads} == {"A", "B", "C", None}
    assert len({lead["source"] for lead in leads}) == 8
    assert len({lead["province"] for lead in leads}) >= 20
    assert sum(lead["owner"] is None for lead in leads) == 15
    assert any(lead["assignment_overdue"] for lead in leads)
    # Dates are shifted so that the sample's anchor date is today.
    newest = max(date.fromisoformat(lead["created_at"][:10]) for lead in leads)
    assert abs((newest - date.today()).days) <= 1
    # A rep sees their own leads only.
    mine = json.loads(cli("--as", "li.na", "lead", "list", "--limit", "1000", "-f", "json").stdout)
    assert mine
    assert {lead["owner"] for lead in mine} == {"li.na"}
    products = json.loads(cli("product", "list", "--all", "-n", "1000", "-f", "json").stdout)
    assert sorted(p["sku"] for p in products) == sorted(p["sku"] for p in sample_products())
    # Loading again changes nothing.
    before = snapshot(db_url)
    again = cli("init", "--sample")
    assert again.exit_code == 0, again.stderr
    assert snapshot(db_url) == before


def test_sample_duplicates_show_the_two_near_pairs(cli: Cli, db_url: str) -> None:
    assert cli("init", "--sample").exit_code == 0
    clusters = json.loads(cli("lead", "duplicates", "-f", "json").stdout)
    assert len(clusters) == 2


def test_sample_logs_its_activities_and_sets_next_steps(cli: Cli, db_url: str) -> None:
    rows = sample_activities()
    assert cli("init", "--sample").exit_code == 0
    listed = json.loads(cli("activity", "list", "--limit", "10000", "-f", "json").stdout)
    assert len(listed) == len(rows)
    assert Counter(a["user"] for a in listed) == Counter(r["user"] for r in rows)
    assert Counter(a["kind"] for a in listed) == Counter(r["kind"] for r in rows)
    # Moved like the leads: the anchor day is today, and nothing happened after now.
    days = (date.today() - sample_anchor(SAMPLE)).days
    last_one = max(datetime.strptime(r["occurred_at"], "%Y-%m-%d %H:%M") for r in rows)
    assert max(a["occurred_at"] for a in listed) == (
        (last_one + timedelta(days=days)).astimezone().astimezone(UTC).isoformat()
    )
    assert all(datetime.fromisoformat(a["occurred_at"]) < datetime.now(UTC) for a in listed)
    # A rep sees the log of their own leads (and the service desk's notes on the pool).
    mine = json.loads(cli("--as", "li.na", "activity", "list", "-n", "10000", "-f", "json").stdout)
    assert {a["user"] for a in mine} <= {"li.na", "zhou.xin"}
    assert sum(a["user"] == "li.na" for a in mine) == sum(r["user"] == "li.na" for r in rows)

    # Each lead: last_activity_at is its newest activity; its next step the latest one's.
    latest: dict[str, dict[str, str]] = {}
    for row in sorted(rows, key=lambda r: r["occurred_at"]):
        latest[row["lead"]] = row
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            leads = {
                ref: (last, next_date, action)
                for ref, last, next_date, action in connection.execute(
                    select(
                        col(Lead.external_ref),
                        col(Lead.last_activity_at),
                        col(Lead.next_step_date),
                        col(Lead.next_step_action),
                    )
                )
            }
    finally:
        engine.dispose()
    assert sum(last is not None for last, _d, _a in leads.values()) == len(latest)
    for ref, (last, next_date, action) in leads.items():
        newest = latest.get(ref or "")
        if newest is None:
            assert (last, next_date, action) == (None, None, None), ref
            continue
        local = datetime.strptime(newest["occurred_at"], "%Y-%m-%d %H:%M") + timedelta(days=days)
        assert last == local.astimezone().astimezone(UTC), ref
        planned = newest["next_date"]
        expected = date.fromisoformat(planned) + timedelta(days=days) if planned else None
        assert next_date == expected, ref
        assert action == (newest["next_action"] or None), ref


def test_every_rep_has_overdue_and_upcoming_follow_ups_today(cli: Cli, db_url: str) -> None:
    assert cli("init", "--sample").exit_code == 0
    today = date.today()
    for rep in REPS:
        mine = json.loads(cli("--as", rep, "lead", "list", "--limit", "1000", "-f", "json").stdout)
        steps = [date.fromisoformat(d) for lead in mine if (d := lead["next_step_date"])]
        assert any(step < today for step in steps), rep
        assert any(step == today for step in steps), rep
        assert any(step > today for step in steps), rep
        open_leads = [lead for lead in mine if lead["stage"] not in {"won", "lost"}]
        assert any(lead["next_step_date"] is None for lead in open_leads), rep
        closed = [lead for lead in mine if lead["stage"] in {"won", "lost"}]
        assert all(lead["next_step_date"] is None for lead in closed), rep


def test_undoing_the_sample_import_is_refused_cleanly(cli: Cli, db_url: str) -> None:
    assert cli("init", "--sample").exit_code == 0
    before = snapshot(db_url)
    result = cli("lead", "import", "--undo", "1")
    assert result.exit_code == 1, result.stderr
    assert "cannot be undone" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(db_url) == before


ACTIVITY_HEADER = "lead,user,kind,occurred_at,summary,outcome,next_date,next_action\n"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("SF-9999,li.na,call,2026-11-19 10:00,hello,,2026-11-25,call back", "unknown lead"),
        ("SF-0001,nobody,call,2026-11-19 10:00,hello,,2026-11-25,call back", "unknown user"),
        ("SF-0001,li.na,fax,2026-11-19 10:00,hello,,2026-11-25,call back", "unknown activity"),
        ("SF-0001,li.na,call,yesterday,hello,,2026-11-25,call back", "bad date"),
        ("SF-0001,li.na,call,2026-11-19 10:00,,,2026-11-25,call back", "summary is empty"),
    ],
)
def test_a_broken_activity_file_names_its_line(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "activities.csv"
    good = "SF-0001,li.na,call,2026-11-18 10:00,hello,fine,2026-11-19,call back\n"
    path.write_text(ACTIVITY_HEADER + good + line + "\n", encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        read_sample_activities(path, refs={"SF-0001"}, users={"li.na": 3}, days=0)
    message = str(caught.value)
    assert str(path) in message
    assert re.search(r"line 3\b", message), message
    assert problem in message


def test_the_activity_file_is_read_as_local_time_and_moved(tmp_path: Path) -> None:
    path = tmp_path / "activities.csv"
    path.write_text(
        ACTIVITY_HEADER + "SF-0001,li.na,wechat,2026-11-18 10:30,hello,,2026-11-19,call\n",
        encoding="utf-8",
    )
    (row,) = read_sample_activities(path, refs={"SF-0001"}, users={"li.na": 3}, days=4)
    assert row["occurred_at"] == datetime(2026, 11, 22, 10, 30).astimezone().astimezone(UTC)
    assert row["next_date"] == date(2026, 11, 23)
    assert (row["user_id"], row["kind"], row["outcome"]) == (3, "wechat", None)


def test_the_sample_team_alone_has_no_price_list(cli: Cli, db_url: str) -> None:
    result = cli("init", "--sample-team")
    assert result.exit_code == 0, result.stderr
    assert "price list" not in result.stderr
    assert json.loads(cli("product", "list", "--all", "-f", "json").stdout) == []


def test_sample_deals_follow_the_stages(cli: Cli, db_url: str) -> None:
    """Won leads have a signed contract with a schedule, money and return visits; leads
    at the contract stage an unsigned one; leads in negotiation a sent quote."""
    from salesflow.store.models import (
        Contract,
        ContractLine,
        PaymentDue,
        PaymentReceipt,
        Quote,
        QuoteLine,
        ServiceVisit,
    )

    result = cli("init", "--sample")
    assert result.exit_code == 0, result.stderr
    assert "Added the sample deals:" in result.stderr
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:

            def rows(model: type) -> list:  # type: ignore[type-arg]
                return list(connection.execute(select(model)).all())

            leads = {lead.id: lead for lead in rows(Lead)}
            quotes, contracts = rows(Quote), rows(Contract)
            lines = {line.quote_id: line for line in rows(QuoteLine)}
            dues, receipts = rows(PaymentDue), rows(PaymentReceipt)
            visits = rows(ServiceVisit)
            contract_lines = rows(ContractLine)
    finally:
        engine.dispose()
    today = date.today()
    with_amount = [lead for lead in leads.values() if lead.amount_fen is not None]
    for stage, status in (("negotiation", "sent"), ("contract", "accepted"), ("won", "accepted")):
        wanted = {lead.id for lead in with_amount if lead.stage == stage}
        assert wanted, stage
        assert {q.lead_id for q in quotes if q.status == status and q.lead_id in wanted} == wanted
    for quote in quotes:
        line = lines[quote.id]
        assert (
            quote.total_fen
            == line.total_fen
            == quote.subtotal_fen - quote.discount_fen + quote.tax_fen
        )
        assert quote.owner_id == leads[quote.lead_id].owner_id
        assert quote.sent_at is not None
    signed = [c for c in contracts if c.status == "signed"]
    assert {c.lead_id for c in signed} == {lead.id for lead in with_amount if lead.stage == "won"}
    assert {c.lead_id for c in contracts if c.status != "signed"} == {
        lead.id for lead in with_amount if lead.stage == "contract"
    }
    assert len(contract_lines) == len(contracts)
    numbers = [c.number for c in contracts]
    assert len(set(numbers)) == len(numbers)
    for contract in signed:
        assert contract.signed_on is not None
        assert contract.signed_on <= today
        own_dues = [d for d in dues if d.contract_id == contract.id]
        assert sum(d.amount_fen for d in own_dues) == contract.total_fen
        paid = sum(r.amount_fen for r in receipts if r.contract_id == contract.id)
        assert 0 < paid <= contract.total_fen
        assert all(r.received_on <= today for r in receipts)
        own_visits = sorted(
            (v for v in visits if v.contract_id == contract.id), key=lambda v: v.scheduled_on
        )
        assert [(v.scheduled_on - contract.signed_on).days for v in own_visits] == [7, 30]
        for visit in own_visits:
            assert (visit.status == "done") == (visit.satisfaction is not None)
    assert any(c.total_fen > sum(r.amount_fen for r in receipts if r.contract_id == c.id)
               for c in signed)  # fmt: skip
    assert cli("--as", "boss", "db", "check").exit_code == 0


def test_sample_leads_walk_the_stages(cli: Cli, db_url: str) -> None:
    """Each sample lead's history walks the open stages one by one from the first to its
    own (won: all of them, then won; lost: some, then lost), in time order, ending when
    it closed, with stage_entered_at at its last move; targets are set for the year."""
    from salesflow.store.models import StageChange, Target
    from salesflow.workflow.stage_config import load_stages

    assert cli("init", "--sample").exit_code == 0
    config = load_stages()
    chain = list(config.open_codes)
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            leads = list(connection.execute(select(Lead)).all())
            changes = list(
                connection.execute(
                    select(StageChange).order_by(
                        col(StageChange.lead_id), col(StageChange.changed_at), col(StageChange.id)
                    )
                ).all()
            )
            targets = list(connection.execute(select(Target)).all())
    finally:
        engine.dispose()
    history: dict[int, list[Any]] = {}
    for change in changes:
        history.setdefault(change.lead_id, []).append(change)
    moved = 0
    for lead in leads:
        rows = history[lead.id]
        path = [rows[0].to_stage] + [row.to_stage for row in rows[1:]]
        assert rows[0].from_stage is None
        assert rows[0].changed_at == lead.created_at
        assert path[0] == chain[0]
        assert [row.from_stage for row in rows[1:]] == path[:-1]
        assert path[-1] == lead.stage
        opened = path[:-1] if lead.stage in config.closed_codes else path
        assert opened == chain[: len(opened)]
        assert [row.changed_at for row in rows] == sorted(row.changed_at for row in rows)
        assert lead.stage_entered_at == rows[-1].changed_at
        if lead.closed_at is not None:
            assert rows[-1].changed_at == lead.closed_at
        moved += len(rows) - 1
    assert moved > 400
    assert {t.period for t in targets if t.team_id is not None} == {str(date.today().year)}
    assert len({t.user_id for t in targets if t.user_id is not None}) == 5
    assert cli("--as", "boss", "db", "check").exit_code == 0
