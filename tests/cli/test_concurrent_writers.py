"""Several processes writing to one database at once, on SQLite and PostgreSQL: adding
leads, logging calls on one shared lead and recording payments on one shared contract.
No command fails for want of a lock, every write is there afterwards, the totals add up,
and ``db check`` passes. The workers are bench/concurrency.py's, with SQLite's own busy
wait cut to 20 ms so that salesflow's retry with back-off does the waiting."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlmodel import col, func, select

from salesflow.store.models import Activity, Lead, PaymentReceipt
from tests.cli.test_activity import add_lead
from tests.duplicate_data import reading
from tests.helpers import Cli
from tests.payment_data import make_contract
from tests.processes import ROOT, spawn

WORKERS = ("li.na", "li.na", "wang.qiang", "zhao.min")
OPERATIONS = 30  # per worker: a third each of leads, calls and payments


def run_workers(url: str, home: Path, lead: int, contract: str) -> list[dict[str, Any]]:
    processes = [
        spawn(
            url,
            home,
            [
                *(str(ROOT / "bench" / "concurrency.py"), "--busy-ms", "20", "--worker"),
                *(user, str(tag), str(OPERATIONS), str(lead), contract),
            ],
        )
        for tag, user in enumerate(WORKERS, start=1)
    ]
    reports = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr
        reports.append(json.loads(stdout))
    return reports


def test_writers_at_once_lose_nothing(cli: Cli, team: str, isolated_home: Path) -> None:
    lead = add_lead(cli, "li.na", "杭州并发共享科技有限公司")
    contract_id = make_contract(team, lead)  # total ¥11,300.00
    with reading(team) as session:
        leads_before = session.exec(select(func.count()).select_from(Lead)).one()

    reports = run_workers(team, isolated_home, lead, "C-2026-0001")

    assert [r["failed"] for r in reports] == [[]] * len(WORKERS)
    per_kind = OPERATIONS // 3
    added = [int(i) for r in reports for i in r["done"]["lead"]]
    assert len(added) == len(set(added)) == per_kind * len(WORKERS)
    with reading(team) as session:
        assert session.exec(
            select(func.count()).select_from(Lead)
        ).one() == leads_before + per_kind * len(WORKERS)
        companies = session.exec(
            select(func.count()).select_from(Lead).where(col(Lead.id).in_(added))
        ).one()
        assert companies == len(added)
        calls = session.exec(
            select(Activity.summary).where(Activity.lead_id == lead, Activity.kind == "call")
        ).all()
        expected = {
            f"{tag}-{n}"
            for tag in range(1, len(WORKERS) + 1)
            for n in range(OPERATIONS)
            if n % 3 == 1
        }
        assert sorted(calls) == sorted(expected)
        received = session.exec(
            select(func.count(), func.sum(PaymentReceipt.amount_fen)).where(
                PaymentReceipt.contract_id == contract_id
            )
        ).one()
        assert tuple(received) == (per_kind * len(WORKERS), per_kind * len(WORKERS) * 100)
    listed = cli("--as", "li.na", "payment", "list", "--contract", "C-2026-0001", "-f", "json")
    assert listed.exit_code == 0, listed.stderr
    assert json.loads(listed.stdout)["totals"]["received"] == f"{per_kind * len(WORKERS)}.00"
    checked = cli("db", "check")
    assert checked.exit_code == 0, checked.stdout + checked.stderr
