"""leads.first_contact_at: the lead's earliest activity that is not a note, kept right on
every path that adds activities or moves them between leads, and read by the time to
first contact from the leads index alone."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func
from sqlmodel import Session, col, select

from salesflow.store.models import Activity, AuditChange, ImportBatch, Lead
from salesflow.workflow.first_contact import after_contact, earliest
from salesflow.workflow.merging import merge_leads
from salesflow.workflow.setup import (
    ACTIVITY_COLUMNS,
    load_sample_activities,
    sample_anchor,
    sample_data_dir,
)
from tests.cli.test_activity import GRADE_INPUTS
from tests.duplicate_data import acting_as, reading, seeding
from tests.helpers import Cli

T1 = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)
T2 = datetime(2025, 3, 5, 9, 30, tzinfo=UTC)
T3 = datetime(2025, 3, 9, 14, 15, tzinfo=UTC)


def first_contacts(url: str, *lead_ids: int) -> list[datetime | None]:
    with reading(url) as session:
        found = {
            lead.id: lead.first_contact_at
            for lead in session.exec(select(Lead).where(col(Lead.id).in_(lead_ids)))
        }
    return [found[lead_id] for lead_id in lead_ids]


def new_leads(url: str, owner: str, *names: str, **fields: Any) -> list[int]:
    ids = []
    with seeding(url) as seed:
        for name in names:
            _customer, lead = seed.company(name, owner, **fields)
            ids.append(lead)
    return ids


def log(cli: Cli, lead: int, kind: str, moment: datetime) -> None:
    result = cli(
        "--as", "li.na", "--no-input", "activity", "log", str(lead), "-k", kind,
        "-s", f"{kind} at {moment:%H:%M}", "--next-action", "回电", "--at", moment.isoformat(),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr


def test_after_contact_and_earliest_are_the_definition() -> None:
    assert after_contact(None, "note", T1) is None
    assert after_contact(None, "call", T2) == T2
    assert after_contact(T2, "visit", T3) == T2
    assert after_contact(T2, "wechat", T1) == T1
    assert after_contact(T2, "note", T1) == T2
    assert after_contact(T2, "email", T2) == T2
    assert earliest([None, T3, None, T2]) == T2
    assert earliest([None, None]) is None
    assert earliest([]) is None


def test_logging_sets_lowers_and_ignores_notes(cli: Cli, team: str) -> None:
    (lead,) = new_leads(team, "li.na", "杭州云栖科技有限公司")
    assert first_contacts(team, lead) == [None]
    log(cli, lead, "note", T1)
    assert first_contacts(team, lead) == [None], "a note is not a contact"
    log(cli, lead, "call", T2)
    assert first_contacts(team, lead) == [T2]
    log(cli, lead, "visit", T3)
    assert first_contacts(team, lead) == [T2], "a later contact leaves it"
    log(cli, lead, "note", T1 - timedelta(days=1))
    assert first_contacts(team, lead) == [T2], "an earlier note leaves it"
    backdated = T2 - timedelta(hours=5)
    log(cli, lead, "wechat", backdated)
    assert first_contacts(team, lead) == [backdated], "a backdated contact lowers it"
    with reading(team) as session:
        changes = session.exec(
            select(AuditChange.new_value).where(AuditChange.field == "first_contact_at")
        ).all()
    assert len(changes) == 2, "each change of the lead's first contact is audited"


def test_a_proposal_note_on_a_stage_move_is_not_a_contact(cli: Cli, team: str) -> None:
    (lead,) = new_leads(team, "li.na", "宁波海曙贸易有限公司", need="ERP")
    log(cli, lead, "note", T1)  # enough for the "contacted" gate: any activity
    for args in ([], GRADE_INPUTS, [], ["--proposal", "ERP 实施方案 v1"]):
        command = "grade" if args is GRADE_INPUTS else "advance"
        result = cli("--as", "li.na", "--no-input", "lead", command, str(lead), *args)
        assert result.exit_code == 0, result.stderr
    with reading(team) as session:
        moved = session.get(Lead, lead)
        assert moved is not None
        assert moved.stage == "proposal"
        notes = session.exec(
            select(func.count()).where(Activity.lead_id == lead, Activity.kind == "note")
        ).one()
    assert notes == 2
    assert first_contacts(team, lead) == [None]
    log(cli, lead, "call", T3)
    assert first_contacts(team, lead) == [T3]


def test_merging_keeps_the_earliest_first_contact(cli: Cli, team: str) -> None:
    keep, earlier, later, silent = new_leads(
        team, "li.na", "苏州甲公司", "苏州乙公司", "苏州丙公司", "苏州丁公司"
    )
    log(cli, keep, "call", T2)
    log(cli, earlier, "note", T1 - timedelta(days=2))
    log(cli, earlier, "visit", T1)
    log(cli, later, "email", T3)
    with acting_as(team, "li.na") as (session, actor):
        merge_leads(session, actor, keep, [later, silent])
    assert first_contacts(team, keep) == [T2], "a later one leaves the kept lead's"
    with acting_as(team, "li.na") as (session, actor):
        merge_leads(session, actor, keep, [earlier])
    assert first_contacts(team, keep) == [T1], "an earlier one becomes the kept lead's"
    with reading(team) as session:
        moments = session.exec(
            select(Activity.occurred_at).where(Activity.lead_id == keep, Activity.kind != "note")
        ).all()
    assert min(moments) == T1


def test_merging_leads_never_contacted_leaves_it_empty(cli: Cli, team: str) -> None:
    keep, other = new_leads(team, "li.na", "无锡甲公司", "无锡乙公司")
    log(cli, other, "note", T1)
    with acting_as(team, "li.na") as (session, actor):
        merge_leads(session, actor, keep, [other])
    assert first_contacts(team, keep) == [None]


def test_the_sample_sets_each_leads_first_contact(cli: Cli, db_url: str) -> None:
    assert cli("init", "--sample").exit_code == 0
    folder = sample_data_dir()
    days = (date.today() - sample_anchor(folder)).days
    with (folder / "activities.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected: dict[str, datetime] = {}
    for row in rows:
        if row["kind"] == "note":
            continue
        local = datetime.strptime(row["occurred_at"], "%Y-%m-%d %H:%M") + timedelta(days=days)
        moment = local.astimezone().astimezone(UTC)
        expected[row["lead"]] = min(moment, expected.get(row["lead"], moment))
    with reading(db_url) as session:
        found = dict(session.exec(select(Lead.external_ref, Lead.first_contact_at)).all())
    assert len(found) == 240
    assert any(row["kind"] == "note" for row in rows)
    assert {ref: first for ref, first in found.items() if first is not None} == expected


def write_log(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(ACTIVITY_COLUMNS))
        writer.writeheader()
        for ref, kind, moment in rows:
            writer.writerow(
                {
                    "lead": ref,
                    "user": "li.na",
                    "kind": kind,
                    "occurred_at": moment,
                    "summary": f"{kind} {ref}",
                    "outcome": "",
                    "next_date": "",
                    "next_action": "回电",
                }
            )
    return path


def test_an_activity_batch_sets_first_contact_in_the_database(
    cli: Cli, team: str, tmp_path: Path
) -> None:
    """A bulk activity log on an import batch: each of its leads gets its earliest
    activity that is not a note, counting what was logged on it before; other leads are
    left alone."""
    with seeding(team) as seed:
        batch = ImportBatch(created_by_id=seed.user("boss").id or 0, file_name="crm.csv")
        seed.session.add(batch)
        seed.session.flush()
        assert batch.id is not None
        batch_id = batch.id
        ids = {}
        for ref in ("A", "B", "C", "D"):
            customer = seed.customer(f"批量公司{ref}", "li.na", import_batch_id=batch_id)
            lead = seed.lead(customer, "li.na", external_ref=ref, import_batch_id=batch_id)
            assert lead.id is not None
            ids[ref] = lead.id
    (outside,) = new_leads(team, "li.na", "批量外公司")
    log(cli, ids["C"], "call", T1)  # logged before the batch: earlier than its log
    log(cli, outside, "call", T3)
    path = write_log(
        tmp_path / "activities.csv",
        [
            ("A", "note", "2025-03-01 08:00"),
            ("A", "visit", "2025-03-04 10:00"),
            ("A", "call", "2025-03-02 09:00"),
            ("B", "note", "2025-03-02 09:00"),
            ("C", "call", "2025-03-06 09:00"),
        ],
    )
    with acting_as(team, "boss") as (session, _actor):
        logged = load_sample_activities(session, path, refs=set(ids), batch_id=batch_id, days=0)
    assert logged == 5

    def utc(text: str) -> datetime:
        return datetime.strptime(text, "%Y-%m-%d %H:%M").astimezone().astimezone(UTC)

    assert first_contacts(team, ids["A"], ids["B"], ids["C"], ids["D"], outside) == [
        utc("2025-03-02 09:00"),
        None,  # only a note
        T1,  # its earlier call stays the first
        None,  # no activity
        T3,
    ]


# --- reading it: the KPI reads only indexes (SQLite's plan, as the benchmark runs it) ---


def plans(session: Session, run: Any) -> Iterator[tuple[str, str]]:
    """Each statement ``run(session)`` executes, with SQLite's query plan for it."""
    statements: list[tuple[str, Any]] = []
    connection = session.connection()

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        statements.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", seen)
    try:
        run(session)
    finally:
        event.remove(connection, "before_cursor_execute", seen)
    raw = connection.connection.dbapi_connection
    assert raw is not None
    for statement, parameters in statements:
        rows = raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
        yield statement, " | ".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize(
    "case",
    [
        # everyone: ranges of time
        (
            "zhao.min",
            True,
            "COVERING INDEX ix_leads_created_owner_first",
            "ix_activities_occurred_user_kind",
        ),
        # his team and the unassigned, or one person: by person (SQLite prefers the
        # equality on owner_id to the range on created_at)
        ("wang.qiang", True, "INDEX ix_leads_owner_id", "ix_activities_user_occurred"),
        ("li.na", False, "INDEX ix_leads_owner_id", "ix_activities_user_occurred"),
    ],
    ids=["director-team", "manager-team", "rep"],
)
def test_kpi_and_daily_queries_read_the_report_indexes(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: tuple[str, bool, str, str]
) -> None:
    """Time to first contact reads leads alone (for everyone, their covering index only);
    visits by person read the kind-first activities index; the daily contacts by kind
    keep the time-first one (by person when the scope names people). SQLite without
    ANALYZE, as salesflow runs it (and the benchmark)."""
    from salesflow.workflow.kpi_process import first_contact
    from salesflow.workflow.report_figures import figures_by_person, period_figures
    from salesflow.workflow.report_periods import day_period, parse_report_period
    from salesflow.workflow.report_scope import report_scope

    user, team_scope, leads_index, daily_index = case
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    monkeypatch.setenv("SALESFLOW_DB_URL", url)
    assert cli("init", "--sample").exit_code == 0
    year = parse_report_period(str(date.today().year), option="--period", kinds=("year",))
    today = day_period(date.today())
    with acting_as(url, user) as (session, actor):
        scope = report_scope(session, actor, team=team_scope)
        first = list(plans(session, lambda s: first_contact(s, scope, year)))
        visits = list(
            plans(
                session,
                lambda s: figures_by_person(s, scope, year, frozenset({"visits"})),
            )
        )
        daily = list(
            plans(session, lambda s: period_figures(s, scope, today, frozenset({"contacts"})))
        )
    ((_sql, plan),) = first
    steps = [step for step in plan.split(" | ") if step.startswith(("SEARCH", "SCAN"))]
    assert steps, plan
    assert all(f"leads USING {leads_index} " in step for step in steps), plan
    ((_sql, plan),) = [(sql, plan) for sql, plan in visits if "activities" in sql]
    assert "COVERING INDEX ix_activities_kind_occurred_user" in plan, plan
    ((_sql, plan),) = [(sql, plan) for sql, plan in daily if "activities" in sql]
    assert f"INDEX {daily_index} " in plan, plan
