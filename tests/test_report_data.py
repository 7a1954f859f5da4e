"""The report data set: its records equal the database, and its invariants hold."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import create_engine
from sqlmodel import Session, col, select

from salesflow.store.models import (
    ACTIVITY_KIND_CODES,
    LOST_REASON_CODES,
    SOURCE_CODES,
    Activity,
    Contact,
    Contract,
    Customer,
    Lead,
    PaymentDue,
    PaymentReceipt,
    Quote,
    ServiceTicket,
    ServiceVisit,
    StageChange,
    Target,
)
from salesflow.workflow.stage_config import load_stages
from tests.report_data import (
    EDGE_EARLY_18,
    EDGE_LATE_17,
    EDGE_MONTH,
    EDGE_QUARTER,
    EDGE_WEEK,
    EDGE_YEAR,
    REPORT_DAY,
    ReportData,
    activity_record,
    build_report_data,
    contact_record,
    contract_record,
    customer_record,
    lead_record,
    payment_due_record,
    quote_record,
    receipt_record,
    service_visit_record,
    stage_change_record,
    target_record,
    ticket_record,
    user_records,
)


def test_records_equal_the_database_and_invariants_hold(team: str) -> None:
    data = build_report_data(team)
    assert_records_equal_database(team, data)
    assert_stage_histories(data)
    assert_activities(data)
    assert_money(data)
    assert_edges_and_variety(data)


def assert_records_equal_database(url: str, data: ReportData) -> None:
    engine = create_engine(url)
    try:
        with Session(engine) as session:

            def rows(model: Any) -> list[Any]:
                return list(session.exec(select(model).order_by(col(model.id))).all())

            assert user_records(session) == data.users
            assert [customer_record(r) for r in rows(Customer)] == list(data.customers)
            assert [contact_record(r) for r in rows(Contact)] == list(data.contacts)
            assert [lead_record(r) for r in rows(Lead)] == list(data.leads)
            assert [stage_change_record(r) for r in rows(StageChange)] == list(data.stage_changes)
            assert [activity_record(r) for r in rows(Activity)] == list(data.activities)
            assert [quote_record(r) for r in rows(Quote)] == list(data.quotes)
            assert [contract_record(r) for r in rows(Contract)] == list(data.contracts)
            assert [payment_due_record(r) for r in rows(PaymentDue)] == list(data.payment_dues)
            assert [receipt_record(r) for r in rows(PaymentReceipt)] == list(data.receipts)
            assert [service_visit_record(r) for r in rows(ServiceVisit)] == list(
                data.service_visits
            )
            assert [ticket_record(r) for r in rows(ServiceTicket)] == list(data.tickets)
            assert [target_record(r) for r in rows(Target)] == list(data.targets)
    finally:
        engine.dispose()


def assert_stage_histories(data: ReportData) -> None:
    stages = load_stages()
    for lead in data.leads:
        history = data.history(lead.id)
        assert history[0].from_stage is None
        assert history[0].changed_at == lead.created_at
        for before, after in pairwise(history):
            assert after.from_stage == before.to_stage
            assert after.changed_at > before.changed_at
        assert lead.stage == history[-1].to_stage
        assert lead.stage_entered_at == history[-1].changed_at
        closed = lead.stage in stages.closed_codes
        assert lead.closed_at == (history[-1].changed_at if closed else None)
        assert (lead.lost_reason is not None) == (lead.stage == stages.lost)
        if lead.owner_id is None:
            assert lead.stage == "new"
            assert lead.next_step_date is None
    moves = [(c.from_stage, c.to_stage) for c in data.stage_changes if c.from_stage]
    assert ("proposal", "qualified") in moves  # moved backwards
    assert ("new", "qualified") in moves  # skipped a stage


def assert_activities(data: ReportData) -> None:
    leads = {lead.id: lead for lead in data.leads}
    newest: dict[int, datetime] = {}
    for activity in data.activities:
        lead = leads[activity.lead_id]
        assert activity.occurred_at >= lead.created_at
        assert lead.closed_at is None or activity.occurred_at <= lead.closed_at
        assert activity.user_id == lead.owner_id
        assert activity.customer_id == lead.customer_id
        newest[lead.id] = max(activity.occurred_at, newest.get(lead.id, activity.occurred_at))
    for lead in data.leads:
        assert lead.last_activity_at == newest.get(lead.id)
    assert 350 <= len(data.activities) <= 450
    assert set(Counter(a.kind for a in data.activities)) == set(ACTIVITY_KIND_CODES)
    assert data.lead("note-first").id in {a.lead_id for a in data.activities if a.kind == "note"}
    for key in ("new-edge-late-17", "new-edge-week", "uncontacted-nov"):
        assert data.lead(key).last_activity_at is None


def assert_money(data: ReportData) -> None:
    for quote in data.quotes:
        assert quote.total_fen == quote.subtotal_fen - quote.discount_fen + quote.tax_fen
        sent = quote.status in ("sent", "accepted", "rejected")
        assert (quote.sent_at is not None) == sent
    quotes = {quote.id: quote for quote in data.quotes}
    for contract in data.contracts:
        assert quotes[contract.quote_id].status == "accepted"
        assert contract.total_fen == quotes[contract.quote_id].total_fen
        assert (contract.signed_on is not None) == contract.signed
    signed = [c for c in data.contracts if c.signed]
    assert len(signed) == 13
    assert {c.status for c in data.contracts} == {
        "signed",
        "archived",
        "draft",
        "sent",
        "cancelled",
    }
    repeat = data.lead("won-nov-repeat").customer_id
    assert sorted(str(c.signed_on) for c in signed if c.customer_id == repeat) == [
        "2026-10-15",
        "2026-11-20",
    ]
    assert REPORT_DAY in {r.received_on for r in data.receipts}
    assert max(Counter(q.number for q in data.quotes if q.sent_at).values()) == 2


def assert_edges_and_variety(data: ReportData) -> None:
    created = {lead.created_at for lead in data.leads}
    assert {EDGE_LATE_17, EDGE_EARLY_18, EDGE_WEEK, EDGE_MONTH, EDGE_QUARTER, EDGE_YEAR} <= created
    moved = {c.changed_at for c in data.stage_changes if c.from_stage}
    assert {EDGE_LATE_17, EDGE_EARLY_18, EDGE_WEEK, EDGE_MONTH} <= moved
    occurred = {a.occurred_at for a in data.activities}
    assert {EDGE_LATE_17, EDGE_EARLY_18} <= occurred
    assert EDGE_EARLY_18 in {q.sent_at for q in data.quotes}
    assert all(moment.tzinfo is UTC for moment in created)
    assert {lead.source for lead in data.leads} == set(SOURCE_CODES)
    assert {lead.grade for lead in data.leads} == {"A", "B", "C", None}
    assert {lead.lost_reason for lead in data.leads} - {None} == set(LOST_REASON_CODES)
    assert sum(lead.owner_id is None for lead in data.leads) == 5
    assert 55 <= len(data.leads) <= 70
    assert {q.status for q in data.quotes} == {
        "draft",
        "pending",
        "approved",
        "sent",
        "accepted",
        "rejected",
    }
    open_steps = {lead.next_step_date for lead in data.leads if lead.closed_at is None}
    assert None in open_steps
    assert any(day is not None and day < REPORT_DAY for day in open_steps)
    assert REPORT_DAY.replace(day=19) in open_steps
    statuses = {(t.status, t.first_response_at is None) for t in data.tickets}
    assert ("open", True) in statuses
    assert any(
        t.first_response_at is not None and t.first_response_at > t.response_due_at
        for t in data.tickets
    )
    assert {v.status for v in data.service_visits} == {"done", "scheduled", "cancelled"}
    assert [t.period for t in data.targets] == [
        "2026-11",
        "2026-11",
        "2026-Q4",
        "2026-11",
        "2026",
        "2026-W47",
    ]
