"""The fixed data set every report test uses (issue 7), and plain records of all of it.

:func:`build_report_data` writes it into a database made by the ``team`` fixture, in one
transaction, and returns a :class:`ReportData` of frozen records carrying the ids the
database gave them. Report tests compute each expected figure from these records with
plain Python (see :func:`local_day`, :func:`team_usernames`) and compare with the report.
Nothing depends on today's date or on randomness.

Calendar: mostly November 2026 (``REPORT_DAY`` is Wed 2026-11-18; ``WEEK`` 2026-W47 is
Mon 16 - Sun 22 Nov; W46 is 9-15 Nov, W48 23-29 Nov), plus October and September 2026,
some of Q3 2026 and 2025. All timestamps are UTC; the edge instants below are chosen so
that a test run with ``TZ=Asia/Shanghai`` and one with ``TZ=UTC`` get different answers:

* ``EDGE_LATE_17`` 2026-11-17 15:30 UTC: the 17th in both zones (23:30 in Shanghai).
* ``EDGE_EARLY_18`` 2026-11-17 16:30 UTC: the 18th in Shanghai (00:30), the 17th in UTC.
* ``EDGE_WEEK`` 2026-11-22 16:30 UTC: Mon 23 Nov (W48) in Shanghai, Sun 22 Nov (W47) in UTC.
* ``EDGE_MONTH`` 2026-10-31 17:00 UTC: 1 Nov in Shanghai, 31 Oct in UTC.
* ``EDGE_QUARTER`` 2026-09-30 16:30 UTC: 1 Oct (Q4) in Shanghai, 30 Sep (Q3) in UTC.
* ``EDGE_YEAR`` 2025-12-31 17:00 UTC: 1 Jan 2026 in Shanghai, 31 Dec 2025 in UTC.

What it deliberately contains (lead keys in quotes; ``ReportData.lead(key)``):

* Users: the sample team as it is (zhao.min > wang.qiang > li.na, zhang.wei; zhao.min >
  chen.jing > liu.yang; sun.li legal, zhou.xin service, boss admin). sun.li, zhou.xin and
  boss own no leads; zhou.xin does service visits and tickets.
* Leads: 66, owned by li.na, zhang.wei, liu.yang, a few by wang.qiang and chen.jing, and 5
  unassigned (all ``new``, no activity, no next step). Every source and grade (and no
  grade) occurs; some amounts are empty. Each lead has an entry stage change
  (``from_stage`` NULL, at ``created_at``) and forward moves at increasing times; "skip"
  and "won-w46-skip" skip a stage, "backwards" moves from proposal back to qualified (and
  stays there). ``stage``/``stage_entered_at``/``closed_at`` equal the last move (closed
  only when won or lost).
* Leads created on edges: "new-edge-late-17" (EDGE_LATE_17, never contacted),
  "new-edge-early-18" (EDGE_EARLY_18, first contact a call 2.5 h later), "new-edge-week"
  (EDGE_WEEK, never contacted), "new-edge-month" (EDGE_MONTH, a note first, then a call
  the next day), "edge-quarter" (EDGE_QUARTER), "edge-year" (EDGE_YEAR), and one
  unassigned lead at EDGE_LATE_17 ("unassigned-3").
* Stage moves on edges: "moved-edge-late-17" enters proposal at EDGE_LATE_17,
  "moved-edge-early-18" enters negotiation at EDGE_EARLY_18, "won-edge-18" is won at
  EDGE_EARLY_18, "lost-edge-17" is lost at EDGE_LATE_17, "won-edge-week" is won at
  EDGE_WEEK, "won-edge-month" is won and "lost-edge-month" lost at EDGE_MONTH.
* Won leads (13, each with one signed or archived contract): signed_on in 2025
  ("won-2025"), Q3 ("won-q3"), October (3), W46 (2), W47 incl. 2026-11-18, W48 (2).
  Customer 杭州云帆科技有限公司 has two signed contracts: its first on 2026-10-15
  ("won-oct-first"), its second in W47 ("won-nov-repeat") -- not a new customer in
  November; every other won customer's first contract is its only one.
* Contracts not signed: a draft ("contract-draft"), a sent one ("contract-sent"), and a
  cancelled one ("contract-cancelled", whose lead was then lost).
* Lost leads: every lost reason; some with a competitor (用友, 金蝶, 浪潮, SAP), some
  without; lost moves in 2025, Oct, W46, W47, W48.
* Next steps (open assigned leads only): overdue as of REPORT_DAY, due 2026-11-19
  (tomorrow), in W48, and none. ``last_activity_at`` is the lead's newest activity, None
  when it has none; ``first_contact_at`` its earliest activity that is not a note, None
  when it has none.
* Activities: about 380 of every kind, by the lead's owner, never before the lead's
  ``created_at`` and never after a closed lead's ``closed_at``; several per day per rep in
  W47; some exactly on EDGE_LATE_17 / EDGE_EARLY_18 / EDGE_WEEK / EDGE_MONTH. November
  leads without any activity exist (uncontacted); "note-first" and "new-edge-month" have
  a note before their first real contact.
* Quotes: numbered Q-YYYY-NNNN, statuses draft, pending, approved, sent, accepted,
  rejected; totals ``subtotal - discount + tax``; ``sent_at`` set on every quote that was
  sent (sent, accepted, rejected), in October, W46, W47 (one at EDGE_EARLY_18) and W48.
  "won-nov-repeat" and "won-w47" have two versions, both sent (version 1 superseded).
* Payments: receipts on signed contracts in October and November (one on REPORT_DAY,
  one on 2026-11-23), some contracts partly paid, some unpaid; two PaymentDue rows.
* Service visits: done with satisfaction (by zhou.xin and by reps, with and without a
  contract) in October and November, scheduled ones, and a cancelled one.
* Service tickets: answered in time, answered late, open and past due as of REPORT_DAY,
  open and not yet due; assigned to zhou.xin, to a rep, or unassigned.
* Targets (set by zhao.min): li.na 2026-11 500,000.00; zhang.wei 2026-11 400,000.00;
  liu.yang 2026-Q4 900,000.00; team wang.qiang 2026-11 1,200,000.00; team zhao.min 2026
  8,000,000.00; li.na 2026-W47 120,000.00.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine
from sqlmodel import Session, select

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
    User,
)
from salesflow.workflow.companies import company_block, company_key

REPORT_DAY = date(2026, 11, 18)
TOMORROW = date(2026, 11, 19)
WEEK = "2026-W47"
LAST_WEEK = "2026-W46"
NEXT_WEEK = "2026-W48"
WEEK_START = date(2026, 11, 16)
WEEK_END = date(2026, 11, 22)
MONTH = "2026-11"
LAST_MONTH = "2026-10"
QUARTER = "2026-Q4"
YEAR = "2026"
SHANGHAI = "Asia/Shanghai"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A UTC instant (tz-aware)."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


EDGE_LATE_17 = utc(2026, 11, 17, 15, 30)  # 17th 23:30 in Shanghai, 17th in UTC
EDGE_EARLY_18 = utc(2026, 11, 17, 16, 30)  # 18th 00:30 in Shanghai, 17th in UTC
EDGE_WEEK = utc(2026, 11, 22, 16, 30)  # Mon 23 Nov (W48) in Shanghai, Sun 22 Nov in UTC
EDGE_MONTH = utc(2026, 10, 31, 17, 0)  # 1 Nov in Shanghai, 31 Oct in UTC
EDGE_QUARTER = utc(2026, 9, 30, 16, 30)  # 1 Oct in Shanghai, 30 Sep in UTC
EDGE_YEAR = utc(2025, 12, 31, 17, 0)  # 1 Jan 2026 in Shanghai, 31 Dec 2025 in UTC
EDGES = (EDGE_LATE_17, EDGE_EARLY_18, EDGE_WEEK, EDGE_MONTH, EDGE_QUARTER, EDGE_YEAR)

OPEN_STAGES = ("new", "contacted", "qualified", "proposal", "negotiation", "contract")
WON = "won"
LOST = "lost"
REPS = ("li.na", "zhang.wei", "liu.yang")
TEAM_WANG = ("wang.qiang", "li.na", "zhang.wei")
TEAM_CHEN = ("chen.jing", "liu.yang")
TAX_BP = 1300


def local_day(moment: datetime) -> date:
    """The calendar day of a UTC instant in the process time zone (what reports use)."""
    return moment.astimezone().date()


# ---------------------------------------------------------------------------- records


@dataclass(frozen=True)
class UserRecord:
    id: int
    username: str
    role: str
    manager: str | None  # the manager's username
    manager_id: int | None


@dataclass(frozen=True)
class CustomerRecord:
    id: int
    name: str
    province: str
    city: str
    owner_id: int | None
    lifecycle: str
    created_at: datetime


@dataclass(frozen=True)
class ContactRecord:
    id: int
    customer_id: int
    name: str


@dataclass(frozen=True)
class LeadRecord:
    id: int
    key: str  # stored as external_ref "RD-<key>"
    customer_id: int
    contact_id: int | None
    owner_id: int | None
    source: str
    grade: str | None
    amount_fen: int | None
    expected_close: date | None
    stage: str
    stage_entered_at: datetime
    created_at: datetime
    closed_at: datetime | None
    lost_reason: str | None
    competitor: str | None
    next_step_date: date | None
    next_step_action: str | None
    last_activity_at: datetime | None
    first_contact_at: datetime | None


@dataclass(frozen=True)
class StageChangeRecord:
    id: int
    lead_id: int
    from_stage: str | None
    to_stage: str
    changed_at: datetime
    changed_by_id: int | None


@dataclass(frozen=True)
class ActivityRecord:
    id: int
    lead_id: int
    customer_id: int
    user_id: int
    kind: str
    occurred_at: datetime


@dataclass(frozen=True)
class QuoteRecord:
    id: int
    number: str
    version: int
    lead_id: int
    customer_id: int
    owner_id: int | None
    status: str
    created_at: datetime
    sent_at: datetime | None
    valid_until: date
    subtotal_fen: int
    discount_fen: int
    tax_fen: int
    total_fen: int
    superseded_at: datetime | None


@dataclass(frozen=True)
class ContractRecord:
    id: int
    number: str
    quote_id: int
    lead_id: int
    customer_id: int
    owner_id: int | None
    status: str
    signed_on: date | None
    total_fen: int
    created_at: datetime

    @property
    def signed(self) -> bool:
        return self.status in ("signed", "archived")


@dataclass(frozen=True)
class PaymentDueRecord:
    id: int
    contract_id: int
    position: int
    amount_fen: int
    due_on: date | None


@dataclass(frozen=True)
class ReceiptRecord:
    id: int
    contract_id: int
    amount_fen: int
    received_on: date


@dataclass(frozen=True)
class ServiceVisitRecord:
    id: int
    customer_id: int
    contract_id: int | None
    user_id: int | None
    status: str
    scheduled_on: date | None
    visited_on: date | None
    satisfaction: int | None


@dataclass(frozen=True)
class TicketRecord:
    id: int
    customer_id: int
    contract_id: int | None
    assignee_id: int | None
    status: str
    opened_at: datetime
    response_due_at: datetime
    first_response_at: datetime | None


@dataclass(frozen=True)
class TargetRecord:
    id: int
    user_id: int | None
    team_id: int | None
    period: str
    starts_on: date
    ends_on: date
    amount_fen: int
    set_by_id: int | None


@dataclass(frozen=True)
class ReportData:
    """Everything :func:`build_report_data` wrote (records in insertion order, ids set)."""

    users: dict[str, UserRecord]  # username -> record (the whole team, also boss)
    customers: tuple[CustomerRecord, ...]
    contacts: tuple[ContactRecord, ...]
    leads: tuple[LeadRecord, ...]
    stage_changes: tuple[StageChangeRecord, ...]
    activities: tuple[ActivityRecord, ...]
    quotes: tuple[QuoteRecord, ...]
    contracts: tuple[ContractRecord, ...]
    payment_dues: tuple[PaymentDueRecord, ...]
    receipts: tuple[ReceiptRecord, ...]
    service_visits: tuple[ServiceVisitRecord, ...]
    tickets: tuple[TicketRecord, ...]
    targets: tuple[TargetRecord, ...]

    def user_id(self, username: str) -> int:
        return self.users[username].id

    def username(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        return next(u.username for u in self.users.values() if u.id == user_id)

    def lead(self, key: str) -> LeadRecord:
        return next(lead for lead in self.leads if lead.key == key)

    def leads_of(self, username: str) -> tuple[LeadRecord, ...]:
        owner = self.user_id(username)
        return tuple(lead for lead in self.leads if lead.owner_id == owner)

    def history(self, lead_id: int) -> tuple[StageChangeRecord, ...]:
        """A lead's stage changes in time order (the entry row first)."""
        rows = [row for row in self.stage_changes if row.lead_id == lead_id]
        return tuple(sorted(rows, key=lambda row: (row.changed_at, row.id)))

    def team_usernames(self, head: str) -> frozenset[str]:
        return team_usernames(self.users, head)

    def team_ids(self, head: str) -> frozenset[int]:
        return frozenset(self.users[name].id for name in self.team_usernames(head))

    def customer(self, customer_id: int) -> CustomerRecord:
        return next(c for c in self.customers if c.id == customer_id)


def team_usernames(users: dict[str, UserRecord], head: str) -> frozenset[str]:
    """The head of a team and everyone below them in the manager tree."""
    members = {head}
    changed = True
    while changed:
        changed = False
        for user in users.values():
            if user.manager in members and user.username not in members:
                members.add(user.username)
                changed = True
    return frozenset(members)


# ------------------------------------------------------------------------------ plans

CITIES = (
    ("杭州", "浙江"),
    ("苏州", "江苏"),
    ("成都", "四川"),
    ("武汉", "湖北"),
    ("西安", "陕西"),
    ("青岛", "山东"),
    ("长沙", "湖南"),
    ("合肥", "安徽"),
    ("厦门", "福建"),
    ("郑州", "河南"),
    ("南京", "江苏"),
    ("宁波", "浙江"),
    ("广州", "广东"),
    ("深圳", "广东"),
)
WORDS = ("云帆科技", "恒信机械", "华瑞医疗", "金桥物流", "博远软件", "新达电子")
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗"
GIVEN = ("经理", "总", "主任", "工")


@dataclass
class LeadPlan:
    key: str
    owner: str | None
    source: str
    grade: str | None
    amount_fen: int | None
    created_at: datetime
    moves: list[tuple[str, datetime]]  # after the entry row (to_stage, changed_at)
    first_stage: str = "new"
    lost_reason: str | None = None
    competitor: str | None = None
    next_step: tuple[date, str] | None = None
    expected_close: date | None = None
    activities: list[tuple[str, datetime]] = field(default_factory=list)
    customer: str | None = None  # share a customer with an earlier plan (its key)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    contract: dict[str, Any] | None = None
    silent: bool = False  # never contacted: no activity at all

    @property
    def stage(self) -> str:
        return self.moves[-1][0] if self.moves else self.first_stage

    @property
    def entered_at(self) -> datetime:
        return self.moves[-1][1] if self.moves else self.created_at

    @property
    def closed_at(self) -> datetime | None:
        return self.moves[-1][1] if self.stage in (WON, LOST) else None


def spread(start: datetime, end: datetime, stages: list[str]) -> list[tuple[str, datetime]]:
    """``stages`` entered at even steps strictly between ``start`` and ``end`` (the last
    one exactly at ``end``), to the minute."""
    span = end - start
    count = len(stages)
    moves = []
    for index, stage in enumerate(stages, start=1):
        moment = start + span * index / count
        moves.append((stage, moment.replace(second=0, microsecond=0)))
    moves[-1] = (stages[-1], end)
    return moves


def path_to(stage: str) -> list[str]:
    """The open stages after ``new`` up to and including ``stage``."""
    return list(OPEN_STAGES[1 : OPEN_STAGES.index(stage) + 1])


def won_plan(
    key: str,
    owner: str,
    created: datetime,
    won_at: datetime,
    signed_on: date,
    *,
    amount_yuan: int,
    source: str,
    grade: str | None,
    status: str = "signed",
    customer: str | None = None,
    versions: int = 1,
    skip: bool = False,
) -> LeadPlan:
    stages = path_to("contract")
    if skip:
        stages.remove("qualified")
    moves = [*spread(created, won_at - timedelta(days=2), stages), (WON, won_at)]
    sent = won_at - timedelta(days=4)
    quotes = []
    for version in range(1, versions + 1):
        sent_at = sent - timedelta(days=3 * (versions - version))
        quotes.append(
            {
                "version": version,
                "status": "accepted" if version == versions else "sent",
                "created_at": sent_at - timedelta(hours=20),
                "sent_at": sent_at,
                "discount_bp": 500 * (version % 2),
            }
        )
    return LeadPlan(
        key,
        owner,
        source,
        grade,
        amount_yuan * 100,
        created,
        moves,
        expected_close=signed_on,
        customer=customer,
        quotes=quotes,
        contract={
            "status": status,
            "signed_on": signed_on,
            "created_at": won_at - timedelta(days=2),
        },
    )


def hand_plans() -> list[LeadPlan]:
    """The leads that carry the edge cases (see the module docstring)."""
    plans = [
        won_plan(
            "won-oct-first",
            "li.na",
            utc(2026, 9, 3, 2),
            utc(2026, 10, 15, 6),
            date(2026, 10, 15),
            amount_yuan=300_000,
            source="referral",
            grade="A",
            status="archived",
        ),
        won_plan(
            "won-nov-repeat",
            "li.na",
            utc(2026, 10, 20, 3),
            utc(2026, 11, 20, 3),
            date(2026, 11, 20),
            amount_yuan=180_000,
            source="referral",
            grade="A",
            customer="won-oct-first",
            versions=2,
        ),
        won_plan(
            "won-edge-18",
            "zhang.wei",
            utc(2026, 9, 14, 5),
            EDGE_EARLY_18,
            date(2026, 11, 18),
            amount_yuan=250_000,
            source="trade-show",
            grade="B",
        ),
        won_plan(
            "won-w46",
            "liu.yang",
            utc(2026, 10, 5, 4),
            utc(2026, 11, 11, 7),
            date(2026, 11, 11),
            amount_yuan=420_000,
            source="website",
            grade="A",
        ),
        won_plan(
            "won-edge-week",
            "chen.jing",
            utc(2026, 10, 12, 2),
            EDGE_WEEK,
            date(2026, 11, 23),
            amount_yuan=150_000,
            source="event",
            grade="B",
        ),
        won_plan(
            "won-edge-month",
            "li.na",
            utc(2026, 9, 20, 6),
            EDGE_MONTH,
            date(2026, 11, 1),
            amount_yuan=88_000,
            source="phone",
            grade="C",
        ),
        won_plan(
            "won-oct",
            "zhang.wei",
            utc(2026, 9, 8, 1),
            utc(2026, 10, 22, 8),
            date(2026, 10, 22),
            amount_yuan=120_000,
            source="list",
            grade="B",
            status="archived",
        ),
        won_plan(
            "won-w47",
            "liu.yang",
            utc(2026, 10, 26, 3),
            utc(2026, 11, 19, 5),
            date(2026, 11, 19),
            amount_yuan=95_000,
            source="cold-visit",
            grade=None,
            versions=2,
        ),
        won_plan(
            "won-w48",
            "zhang.wei",
            utc(2026, 10, 1, 2),
            utc(2026, 11, 25, 6),
            date(2026, 11, 25),
            amount_yuan=210_000,
            source="website",
            grade="A",
        ),
        won_plan(
            "won-q3",
            "li.na",
            utc(2026, 7, 6, 3),
            utc(2026, 9, 18, 4),
            date(2026, 9, 18),
            amount_yuan=160_000,
            source="other",
            grade="B",
            status="archived",
        ),
        won_plan(
            "won-2025",
            "wang.qiang",
            utc(2025, 6, 10, 2),
            utc(2025, 12, 10, 3),
            date(2025, 12, 10),
            amount_yuan=500_000,
            source="referral",
            grade="A",
            status="archived",
        ),
        won_plan(
            "won-w46-skip",
            "li.na",
            utc(2026, 10, 9, 2),
            utc(2026, 11, 13, 2),
            date(2026, 11, 13),
            amount_yuan=66_000,
            source="website",
            grade="C",
            skip=True,
        ),
        won_plan(
            "won-oct-b",
            "liu.yang",
            utc(2026, 8, 20, 5),
            utc(2026, 10, 30, 9),
            date(2026, 10, 30),
            amount_yuan=230_000,
            source="trade-show",
            grade="A",
        ),
    ]
    contract_open = [
        ("contract-draft", "zhang.wei", utc(2026, 10, 3, 2), utc(2026, 11, 16, 3), "draft"),
        ("contract-sent", "liu.yang", utc(2026, 9, 22, 6), utc(2026, 11, 12, 8), "sent"),
        ("contract-cancelled", "li.na", utc(2026, 9, 28, 3), utc(2026, 11, 5, 2), "cancelled"),
    ]
    for index, (key, owner, created, entered, status) in enumerate(contract_open):
        moves = spread(created, entered, path_to("contract"))
        plan = LeadPlan(
            key,
            owner,
            ("event", "phone", "list")[index],
            ("A", "B", None)[index],
            (140_000 + 10_000 * index) * 100,
            created,
            moves,
            expected_close=date(2026, 12, 10 + index),
            next_step=(date(2026, 11, 24), "催签合同") if status != "cancelled" else None,
            quotes=[
                {
                    "version": 1,
                    "status": "accepted",
                    "created_at": entered - timedelta(days=5),
                    "sent_at": entered - timedelta(days=4),
                    "discount_bp": 800,
                }
            ],
            contract={"status": status, "signed_on": None, "created_at": entered},
        )
        if status == "cancelled":
            plan.moves.append((LOST, utc(2026, 11, 16, 2)))
            plan.lost_reason = "no-decision"
        plans.append(plan)
    plans += [
        LeadPlan(
            "lost-edge-17",
            "zhang.wei",
            "phone",
            "B",
            75_000_00,
            utc(2026, 10, 10, 2),
            [
                *spread(utc(2026, 10, 10, 2), utc(2026, 11, 6, 3), path_to("negotiation")),
                (LOST, EDGE_LATE_17),
            ],
            lost_reason="price",
            competitor="用友",
            quotes=[
                {
                    "version": 1,
                    "status": "rejected",
                    "created_at": utc(2026, 11, 5, 3),
                    "sent_at": utc(2026, 11, 5, 8),
                    "discount_bp": 0,
                }
            ],
        ),
        LeadPlan(
            "lost-edge-month",
            "liu.yang",
            "trade-show",
            "A",
            320_000_00,
            utc(2026, 9, 25, 2),
            [
                *spread(utc(2026, 9, 25, 2), utc(2026, 10, 20, 2), path_to("proposal")),
                (LOST, EDGE_MONTH),
            ],
            lost_reason="competitor",
            competitor="金蝶",
            quotes=[
                {
                    "version": 1,
                    "status": "draft",
                    "created_at": utc(2026, 10, 21, 3),
                    "sent_at": None,
                    "discount_bp": 0,
                }
            ],
        ),
        LeadPlan(
            "lost-2025",
            "li.na",
            "cold-visit",
            "C",
            40_000_00,
            utc(2025, 3, 10, 2),
            spread(utc(2025, 3, 10, 2), utc(2025, 8, 15, 6), ["contacted", LOST]),
            lost_reason="timing",
        ),
        LeadPlan(
            "new-edge-late-17",
            "li.na",
            "website",
            None,
            None,
            EDGE_LATE_17,
            [],
            next_step=(TOMORROW, "首次电话"),
            silent=True,
        ),
        LeadPlan(
            "new-edge-early-18",
            "zhang.wei",
            "phone",
            "B",
            60_000_00,
            EDGE_EARLY_18,
            [("contacted", utc(2026, 11, 17, 19, 5))],
            activities=[("call", utc(2026, 11, 17, 19, 0))],
            next_step=(date(2026, 11, 24), "发送资料"),
        ),
        LeadPlan("new-edge-week", "liu.yang", "event", None, None, EDGE_WEEK, [], silent=True),
        LeadPlan(
            "new-edge-month",
            "li.na",
            "list",
            "C",
            30_000_00,
            EDGE_MONTH,
            [("contacted", utc(2026, 11, 2, 6, 10))],
            activities=[("note", utc(2026, 11, 1, 2)), ("call", utc(2026, 11, 2, 6))],
            next_step=(date(2026, 11, 10), "回电"),
        ),
        LeadPlan(
            "moved-edge-late-17",
            "li.na",
            "referral",
            "A",
            260_000_00,
            utc(2026, 10, 15, 3),
            [
                *spread(utc(2026, 10, 15, 3), utc(2026, 11, 2, 3), path_to("qualified")),
                ("proposal", EDGE_LATE_17),
            ],
            activities=[("visit", utc(2026, 11, 17, 6)), ("wechat", EDGE_LATE_17)],
            next_step=(TOMORROW, "讲解方案"),
            expected_close=date(2026, 12, 20),
            quotes=[
                {
                    "version": 1,
                    "status": "pending",
                    "created_at": EDGE_LATE_17,
                    "sent_at": None,
                    "discount_bp": 1500,
                }
            ],
        ),
        LeadPlan(
            "moved-edge-early-18",
            "zhang.wei",
            "website",
            "A",
            190_000_00,
            utc(2026, 10, 8, 1),
            [
                *spread(utc(2026, 10, 8, 1), utc(2026, 11, 9, 2), path_to("proposal")),
                ("negotiation", EDGE_EARLY_18),
            ],
            activities=[("meeting", utc(2026, 11, 17, 16)), ("email", EDGE_EARLY_18)],
            next_step=(date(2026, 11, 12), "议价"),
            expected_close=date(2026, 11, 30),
            quotes=[
                {
                    "version": 1,
                    "status": "sent",
                    "created_at": utc(2026, 11, 17, 10),
                    "sent_at": EDGE_EARLY_18,
                    "discount_bp": 500,
                }
            ],
        ),
        LeadPlan(
            "backwards",
            "zhang.wei",
            "list",
            "B",
            110_000_00,
            utc(2026, 9, 16, 2),
            [
                *spread(utc(2026, 9, 16, 2), utc(2026, 10, 28, 2), path_to("proposal")),
                ("qualified", utc(2026, 11, 12, 3)),
            ],
            next_step=(date(2026, 11, 19), "重新确认需求"),
            quotes=[
                {
                    "version": 1,
                    "status": "draft",
                    "created_at": utc(2026, 10, 29, 3),
                    "sent_at": None,
                    "discount_bp": 0,
                }
            ],
        ),
        LeadPlan(
            "skip",
            "li.na",
            "event",
            "A",
            135_000_00,
            utc(2026, 10, 19, 2),
            [("qualified", utc(2026, 10, 21, 3)), ("proposal", utc(2026, 11, 10, 6))],
            next_step=(date(2026, 11, 25), "方案评审"),
            quotes=[
                {
                    "version": 1,
                    "status": "approved",
                    "created_at": utc(2026, 11, 10, 7),
                    "sent_at": None,
                    "discount_bp": 1200,
                }
            ],
        ),
        LeadPlan(
            "edge-year",
            "chen.jing",
            "other",
            "B",
            90_000_00,
            EDGE_YEAR,
            spread(EDGE_YEAR, utc(2026, 3, 2, 2), path_to("qualified")),
            next_step=(date(2026, 11, 2), "拜访"),
        ),
        LeadPlan(
            "edge-quarter",
            "liu.yang",
            "referral",
            "A",
            205_000_00,
            EDGE_QUARTER,
            spread(EDGE_QUARTER, utc(2026, 11, 3, 2), path_to("negotiation")),
            next_step=(TOMORROW, "谈判"),
            expected_close=date(2026, 12, 15),
            quotes=[
                {
                    "version": 1,
                    "status": "sent",
                    "created_at": utc(2026, 11, 2, 3),
                    "sent_at": utc(2026, 11, 3, 1),
                    "discount_bp": 300,
                }
            ],
        ),
        LeadPlan(
            "quote-w48",
            "li.na",
            "website",
            "B",
            98_000_00,
            utc(2026, 10, 27, 2),
            [
                *spread(utc(2026, 10, 27, 2), utc(2026, 11, 14, 3), path_to("proposal")),
                ("negotiation", utc(2026, 11, 24, 3, 10)),
            ],
            next_step=(date(2026, 11, 27), "跟进报价"),
            quotes=[
                {
                    "version": 1,
                    "status": "sent",
                    "created_at": utc(2026, 11, 23, 8),
                    "sent_at": utc(2026, 11, 24, 3),
                    "discount_bp": 0,
                }
            ],
        ),
        LeadPlan(
            "note-first",
            "zhang.wei",
            "trade-show",
            "C",
            45_000_00,
            utc(2026, 11, 9, 2),
            [("contacted", utc(2026, 11, 10, 7, 5))],
            activities=[("note", utc(2026, 11, 9, 3)), ("wechat", utc(2026, 11, 10, 7))],
            next_step=(date(2026, 11, 16), "约拜访"),
        ),
        LeadPlan(
            "uncontacted-nov",
            "liu.yang",
            "cold-visit",
            None,
            None,
            utc(2026, 11, 5, 3),
            [],
            next_step=(date(2026, 11, 6), "首次联系"),
            silent=True,
        ),
        LeadPlan(
            "uncontacted-w47",
            "zhang.wei",
            "other",
            "C",
            20_000_00,
            utc(2026, 11, 16, 2),
            [],
            silent=True,
        ),
    ]
    unassigned = (
        utc(2026, 10, 12, 2),
        utc(2026, 11, 2, 3),
        EDGE_LATE_17,
        utc(2026, 11, 16, 1),
        utc(2026, 11, 20, 6),
    )
    for index, created in enumerate(unassigned, start=1):
        plans.append(
            LeadPlan(
                f"unassigned-{index}",
                None,
                SOURCE_CODES[(index * 3) % 8],
                None,
                None if index % 2 else 50_000_00 * index,
                created,
                [],
            )
        )
    return plans


LOST_TIMES = (
    utc(2026, 11, 10, 3),  # W46
    utc(2026, 11, 19, 6),  # W47
    utc(2026, 11, 24, 2),  # W48
    utc(2026, 10, 14, 7),  # October
    utc(2026, 11, 3, 5),  # November (W45)
    utc(2026, 11, 16, 1),  # W47 Monday
    utc(2026, 10, 28, 9),  # October
    utc(2026, 9, 21, 4),  # September
)
COMPETITORS = ("用友", None, "金蝶", "浪潮", None, "SAP")
NEXT_STEPS = (
    (date(2026, 11, 12), "回访"),  # overdue
    (TOMORROW, "电话跟进"),
    (date(2026, 11, 26), "上门拜访"),  # W48
    None,
    (date(2026, 11, 17), "发报价"),  # overdue by one day
    (REPORT_DAY, "微信跟进"),  # due today
)


def generated_plans() -> list[LeadPlan]:
    """The bulk of the leads, made by simple arithmetic (no randomness)."""
    plans = []
    owners = {10: "wang.qiang", 17: "chen.jing", 24: "wang.qiang"}
    for j in range(28):
        owner = owners.get(j, REPS[j % 3])
        kind = j % 8
        if kind == 3:
            created = utc(2025, 3 + j % 9, 5 + j % 20, 1 + (j * 5) % 9)
        elif kind in (0, 4):
            created = utc(2026, 9, 1 + j % 28, 1 + (j * 5) % 9)
        elif kind in (1, 5, 7):
            created = utc(2026, 10, 2 + j % 27, 1 + (j * 5) % 9)
        else:
            created = utc(2026, 11, 1 + j % 15, 1 + (j * 5) % 9)
        plan = LeadPlan(
            f"g{j:02d}",
            owner,
            SOURCE_CODES[j % 8],
            ("A", "B", "C", None)[(j // 2) % 4],
            None if j % 10 == 7 else (80_000 + 15_000 * ((j * 7) % 13)) * 100,
            created,
            [],
            expected_close=None if j % 3 == 2 else date(2026, 12, 1 + j % 28),
        )
        depth = 1 + j % 4  # contacted .. negotiation
        stages = path_to(OPEN_STAGES[depth])
        if j % 5 == 1:  # lost
            lost_at = next(
                (
                    t
                    for t in LOST_TIMES[j % 8 :] + LOST_TIMES[: j % 8]
                    if t > created + timedelta(days=4)
                ),
                created + timedelta(days=60),
            )
            plan.moves = [*spread(created, lost_at - timedelta(days=1), stages), (LOST, lost_at)]
            plan.lost_reason = LOST_REASON_CODES[(j // 5) % 6]
            plan.competitor = COMPETITORS[(j // 5) % 6]
        elif kind == 2 and j % 3 == 0:  # a November lead nobody has contacted yet
            plan.next_step = NEXT_STEPS[j % 6]
            plan.silent = True
            plans.append(plan)
            continue
        else:
            end = min(created + timedelta(days=12 * depth), utc(2026, 11, 15, 9))
            if kind == 2:
                end = min(created + timedelta(days=depth), utc(2026, 11, 17, 9))
            plan.moves = spread(created, end, stages)
            plan.next_step = NEXT_STEPS[j % 6]
        if "proposal" in stages:
            plan.quotes = [_generated_quote(plan, j)]
        plan.activities.extend(_generated_activities(plan, j))
        plans.append(plan)
    return plans


def _generated_quote(plan: LeadPlan, j: int) -> dict[str, Any]:
    moved = dict(plan.moves)
    negotiated = "negotiation" in moved
    if negotiated:
        status = "rejected" if plan.stage == LOST else "sent"
    else:
        status = ("draft", "pending", "approved")[j % 3]
    return {
        "version": 1,
        "status": status,
        "created_at": moved["proposal"] + timedelta(hours=2),
        "sent_at": moved["negotiation"] - timedelta(hours=1) if negotiated else None,
        "discount_bp": (0, 500, 1000)[j % 3],
    }


def _generated_activities(plan: LeadPlan, j: int) -> list[tuple[str, datetime]]:
    """The first a few hours or days after creation (a note first sometimes), then evenly
    up to the close (or 2026-11-27 for open leads)."""
    end = plan.closed_at or utc(2026, 11, 27, 10)
    count = 5 + j % 6
    first = plan.created_at + timedelta(hours=(3, 26, 53, 5, 30, 76)[j % 6])
    if first >= end:
        return []
    step = (end - first) / count
    made = []
    for n in range(count):
        when = (first + step * n).replace(second=0, microsecond=0)
        kind_code = ACTIVITY_KIND_CODES[(j + n) % 6]
        if n == 0 and kind_code == "note" and j % 4 != 0:
            kind_code = "call"
        made.append((kind_code, when))
    return made


def week_activities(plans: list[LeadPlan]) -> None:
    """Several activities a day in W47 for each rep and for wang.qiang, on open leads."""
    people = (*REPS, "wang.qiang")
    for offset in range(7):
        day = WEEK_START + timedelta(days=offset)
        for p_index, person in enumerate(people):
            per_day = 3 + (offset + p_index) % 2 if person in REPS else offset % 2
            moment = utc(day.year, day.month, day.day, 1 + p_index)
            candidates = [
                plan
                for plan in plans
                if plan.owner == person
                and not plan.silent
                and plan.created_at < moment
                and (plan.closed_at is None or plan.closed_at > moment + timedelta(hours=8))
            ]
            for n in range(per_day):
                plan = candidates[(offset * 3 + n) % len(candidates)]
                when = moment + timedelta(hours=2 * n + 1, minutes=15 * p_index)
                plan.activities.append((ACTIVITY_KIND_CODES[(offset + n + p_index) % 5], when))


def won_activities(plans: list[LeadPlan]) -> None:
    """A visit and a call before each move on won and contract-stage leads."""
    for index, plan in enumerate(plans):
        if plan.contract is None:
            continue
        for n, (_stage, moment) in enumerate(plan.moves):
            kind = ("call", "visit", "meeting", "wechat", "email")[(index + n) % 5]
            plan.activities.append((kind, moment - timedelta(hours=1 + n % 3)))


# ------------------------------------------------------------------------------ build


def _quote_money(amount_fen: int, discount_bp: int) -> tuple[int, int, int, int]:
    discount = amount_fen * discount_bp // 10000
    tax = (amount_fen - discount) * TAX_BP // 10000
    return amount_fen, discount, tax, amount_fen - discount + tax


def _id(value: int | None) -> int:
    assert value is not None
    return value


def build_report_data(db_url: str) -> ReportData:
    """Write the data set into ``db_url`` (made by the ``team`` fixture) in one
    transaction and return records of everything written."""
    plans = hand_plans() + generated_plans()
    week_activities(plans)
    won_activities(plans)
    engine = create_engine(db_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            data = _Writer(session).write(plans)
            session.commit()
            return data
    finally:
        engine.dispose()


def user_records(session: Session) -> dict[str, UserRecord]:
    users = session.exec(select(User)).all()
    by_id = {user.id: user.username for user in users}
    return {
        user.username: UserRecord(
            _id(user.id),
            user.username,
            user.role,
            by_id.get(user.manager_id) if user.manager_id is not None else None,
            user.manager_id,
        )
        for user in users
    }


class _Writer:
    """Writes the plans in one session, keeping what it wrote for the records."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.users = user_records(session)
        self.customers: dict[str, Customer] = {}
        self.contacts: dict[str, Contact] = {}
        self.leads: dict[str, Lead] = {}
        self.changes: list[StageChange] = []
        self.activities: list[Activity] = []
        self.quotes: list[Quote] = []
        self.contracts: dict[str, Contract] = {}
        self.serials: dict[int, int] = {}

    def uid(self, name: str | None) -> int | None:
        return None if name is None else self.users[name].id

    def serial(self, counter: int) -> int:
        self.serials[counter] = self.serials.get(counter, 0) + 1
        return self.serials[counter]

    def contract_id(self, key: str) -> int:
        return _id(self.contracts[key].id)

    def customer(self, plan: LeadPlan, index: int) -> None:
        if plan.customer is not None:
            self.customers[plan.key] = self.customers[plan.customer]
            self.contacts[plan.key] = self.contacts[plan.customer]
            return
        city, province = CITIES[index % len(CITIES)]
        name = f"{city}{WORDS[index // len(CITIES)]}有限公司"
        key = company_key(name)
        won = plan.contract is not None and plan.contract["signed_on"] is not None
        customer = Customer(
            name=name,
            name_key=key,
            name_block=company_block(key),
            province=province,
            city=city,
            owner_id=self.uid(plan.owner),
            lifecycle="customer" if won else ("lead" if plan.stage == "new" else "prospect"),
            created_at=plan.created_at,
        )
        self.session.add(customer)
        self.session.flush()
        contact = Contact(
            customer_id=_id(customer.id),
            name=SURNAMES[index % len(SURNAMES)] + GIVEN[index % len(GIVEN)],
            created_at=plan.created_at,
        )
        self.session.add(contact)
        self.session.flush()
        self.customers[plan.key] = customer
        self.contacts[plan.key] = contact

    def lead(self, plan: LeadPlan) -> Lead:
        customer = self.customers[plan.key]
        owner_id = self.uid(plan.owner)
        occurred = sorted(plan.activities, key=lambda item: item[1])
        for _kind, moment in occurred:
            assert moment >= plan.created_at, (plan.key, moment)
            assert plan.closed_at is None or moment <= plan.closed_at, (plan.key, moment)
        next_step = plan.next_step if plan.closed_at is None and plan.owner else None
        lead = Lead(
            customer_id=_id(customer.id),
            contact_id=self.contacts[plan.key].id,
            need=f"{customer.name}的管理系统需求",
            source=plan.source,
            stage=plan.stage,
            grade=plan.grade,
            amount_fen=plan.amount_fen,
            expected_close=plan.expected_close,
            next_step_date=next_step[0] if next_step else None,
            next_step_action=next_step[1] if next_step else None,
            lost_reason=plan.lost_reason if plan.stage == LOST else None,
            competitor=plan.competitor if plan.stage == LOST else None,
            external_ref=f"RD-{plan.key}",
            owner_id=owner_id,
            created_by_id=owner_id or self.uid("zhao.min"),
            created_at=plan.created_at,
            updated_at=plan.entered_at,
            closed_at=plan.closed_at,
            last_activity_at=occurred[-1][1] if occurred else None,
            # Its earliest activity that is not a note, as the workflow keeps it.
            first_contact_at=next((at for kind, at in occurred if kind != "note"), None),
            stage_entered_at=plan.entered_at,
        )
        self.session.add(lead)
        self.session.flush()
        self.leads[plan.key] = lead
        lead_id = _id(lead.id)
        previous: str | None = None
        last = plan.created_at
        for stage, moment in [(plan.first_stage, plan.created_at), *plan.moves]:
            assert moment >= last, (plan.key, stage)
            self.changes.append(
                StageChange(
                    lead_id=lead_id,
                    from_stage=previous,
                    to_stage=stage,
                    changed_at=moment,
                    changed_by_id=owner_id,
                    note=f"lost: {plan.lost_reason}" if stage == LOST else None,
                    # When the lead entered the stage it leaves: the previous row.
                    from_entered_at=last if previous is not None else None,
                )
            )
            previous = stage
            last = moment
        for kind, moment in occurred:
            self.activities.append(
                Activity(
                    lead_id=lead_id,
                    customer_id=_id(customer.id),
                    user_id=_id(owner_id),
                    kind=kind,
                    occurred_at=moment,
                    summary=f"{kind} {customer.name}",
                    created_at=moment,
                )
            )
        return lead

    def quotes_of(self, plan: LeadPlan, lead: Lead) -> list[Quote]:
        number = ""
        rows: list[Quote] = []
        for spec in plan.quotes:
            made: datetime = spec["created_at"]
            if spec["version"] == 1:
                number = f"Q-{made.year}-{self.serial(made.year):04d}"
            subtotal, discount, tax, total = _quote_money(
                plan.amount_fen or 50_000_00, spec["discount_bp"]
            )
            quote = Quote(
                number=number,
                version=spec["version"],
                lead_id=_id(lead.id),
                customer_id=lead.customer_id,
                contact_id=lead.contact_id,
                owner_id=lead.owner_id,
                created_by_id=lead.owner_id,
                status=spec["status"],
                valid_until=made.date() + timedelta(days=30),
                discount_bp=spec["discount_bp"],
                list_value_fen=subtotal,
                subtotal_fen=subtotal,
                discount_fen=discount,
                tax_fen=tax,
                total_fen=total,
                max_discount_bp=spec["discount_bp"],
                created_at=made,
                updated_at=spec["sent_at"] or made,
                submitted_at=made if spec["status"] != "draft" else None,
                sent_at=spec["sent_at"],
            )
            if rows:
                rows[-1].superseded_at = made
            rows.append(quote)
        self.session.add_all(rows)
        self.session.flush()
        self.quotes.extend(rows)
        return rows

    def contract(self, plan: LeadPlan, lead: Lead, accepted: Quote) -> None:
        assert plan.contract is not None
        made: datetime = plan.contract["created_at"]
        status: str = plan.contract["status"]
        signed_on: date | None = plan.contract["signed_on"]
        contract = Contract(
            number=f"C-{made.year}-{self.serial(-made.year):04d}",
            quote_id=_id(accepted.id),
            lead_id=_id(lead.id),
            customer_id=lead.customer_id,
            contact_id=lead.contact_id,
            owner_id=lead.owner_id,
            created_by_id=lead.owner_id,
            status=status,
            subtotal_fen=accepted.subtotal_fen,
            discount_fen=accepted.discount_fen,
            tax_fen=accepted.tax_fen,
            total_fen=accepted.total_fen,
            payment_terms="cod",
            terms_text="现款现货。",
            template="default",
            signed_on=signed_on,
            signer="客户法人" if signed_on else None,
            sent_at=made + timedelta(hours=2) if status != "draft" else None,
            signed_at=plan.moves[-1][1] if signed_on else None,
            cancelled_at=utc(2026, 11, 15, 2) if status == "cancelled" else None,
            created_at=made,
            updated_at=made,
        )
        self.session.add(contract)
        self.session.flush()
        self.contracts[plan.key] = contract

    def write(self, plans: list[LeadPlan]) -> ReportData:
        for index, plan in enumerate(plans):
            self.customer(plan, index)
            lead = self.lead(plan)
            quotes = self.quotes_of(plan, lead)
            if plan.contract is not None:
                self.contract(plan, lead, quotes[-1])
        self.session.add_all(self.changes)
        self.session.add_all(self.activities)
        self.session.flush()
        dues, receipts = self.payments()
        visits = self.visits()
        tickets = self.tickets()
        targets = self.targets()
        self.session.add_all([*dues, *receipts, *visits, *tickets, *targets])
        self.session.flush()
        customers = {id(c): c for c in self.customers.values()}.values()
        contacts = {id(c): c for c in self.contacts.values()}.values()
        return ReportData(
            users=self.users,
            customers=tuple(sorted((customer_record(c) for c in customers), key=_by_id)),
            contacts=tuple(sorted((contact_record(c) for c in contacts), key=_by_id)),
            leads=tuple(lead_record(lead) for lead in self.leads.values()),
            stage_changes=tuple(stage_change_record(row) for row in self.changes),
            activities=tuple(activity_record(row) for row in self.activities),
            quotes=tuple(quote_record(row) for row in self.quotes),
            contracts=tuple(contract_record(row) for row in self.contracts.values()),
            payment_dues=tuple(payment_due_record(row) for row in dues),
            receipts=tuple(receipt_record(row) for row in receipts),
            service_visits=tuple(service_visit_record(row) for row in visits),
            tickets=tuple(ticket_record(row) for row in tickets),
            targets=tuple(target_record(row) for row in targets),
        )

    def payments(self) -> tuple[list[PaymentDue], list[PaymentReceipt]]:
        total = self.contracts["won-w46"].total_fen
        dues = [
            PaymentDue(
                contract_id=self.contract_id("won-w46"),
                position=1,
                share_bp=5000,
                amount_fen=total // 2,
                due_on=date(2026, 11, 11),
            ),
            PaymentDue(
                contract_id=self.contract_id("won-w46"),
                position=2,
                share_bp=5000,
                amount_fen=total - total // 2,
                due_on=date(2026, 12, 11),
            ),
        ]
        receipts = [
            PaymentReceipt(
                contract_id=self.contract_id(key),
                amount_fen=self.contracts[key].total_fen if amount is None else amount,
                received_on=day,
                method="bank" if n % 3 else "cash",
                recorded_by_id=self.uid("zhao.min"),
                created_at=utc(day.year, day.month, day.day, 8),
            )
            for n, (key, amount, day) in enumerate(RECEIPTS)
        ]
        return dues, receipts

    def visits(self) -> list[ServiceVisit]:
        visits = []
        for key, person, status, scheduled, visited, score in VISITS:
            lead_key = key.lstrip("-")
            visits.append(
                ServiceVisit(
                    customer_id=_id(self.customers[lead_key].id),
                    contract_id=None if key.startswith("-") else self.contract_id(lead_key),
                    user_id=self.uid(person),
                    status=status,
                    scheduled_on=scheduled,
                    visited_on=visited,
                    satisfaction=score,
                    created_at=utc(scheduled.year, scheduled.month, scheduled.day)
                    - timedelta(days=7),
                )
            )
        return visits

    def tickets(self) -> list[ServiceTicket]:
        return [
            ServiceTicket(
                customer_id=_id(self.customers[key].id),
                contract_id=self.contract_id(key),
                title=f"问题反馈 {n + 1}",
                status=status,
                opened_by_id=self.uid("zhou.xin"),
                assignee_id=self.uid(person),
                opened_at=opened,
                response_due_at=opened + RESPONSE_TIME,
                first_response_at=answered,
                first_response="已联系客户" if answered else None,
                resolved_at=answered + timedelta(days=1)
                if status == "resolved" and answered
                else None,
            )
            for n, (key, person, opened, answered, status) in enumerate(TICKETS)
        ]

    def targets(self) -> list[Target]:
        return [
            Target(
                user_id=self.uid(user),
                team_id=self.uid(team),
                period=period,
                starts_on=start,
                ends_on=end,
                amount_fen=amount,
                set_by_id=self.uid("zhao.min"),
                created_at=utc(2026, 10, 28, 2),
                updated_at=utc(2026, 10, 28, 2),
            )
            for user, team, period, start, end, amount in TARGETS
        ]


RESPONSE_TIME = timedelta(hours=24)
RECEIPTS: tuple[tuple[str, int | None, date], ...] = (
    # (lead key, amount in fen or None for the contract total, received_on)
    ("won-oct-first", None, date(2026, 10, 20)),  # paid in full in October
    ("won-oct", 60_000_00, date(2026, 10, 25)),
    ("won-oct", 40_000_00, date(2026, 11, 6)),
    ("won-oct-b", None, date(2026, 11, 2)),
    ("won-w46", 200_000_00, date(2026, 11, 13)),
    ("won-edge-18", 100_000_00, REPORT_DAY),
    ("won-edge-month", None, REPORT_DAY),
    ("won-w46-skip", 30_000_00, date(2026, 11, 17)),
    ("won-q3", None, date(2026, 9, 28)),
    ("won-2025", None, date(2025, 12, 28)),
    ("won-edge-week", 50_000_00, date(2026, 11, 23)),
    ("won-w47", 20_000_00, date(2026, 11, 20)),
)
VISITS: tuple[tuple[str, str, str, date, date | None, int | None], ...] = (
    # (lead key of the customer; "-key": no contract), user, status, scheduled, visited, score
    ("won-oct-first", "zhou.xin", "done", date(2026, 10, 22), date(2026, 10, 22), 5),
    ("won-oct-first", "li.na", "done", date(2026, 11, 14), date(2026, 11, 16), 4),
    ("won-oct", "zhou.xin", "done", date(2026, 10, 29), date(2026, 10, 30), 3),
    ("won-oct-b", "liu.yang", "done", date(2026, 11, 6), date(2026, 11, 6), 4),
    ("won-w46", "zhou.xin", "done", date(2026, 11, 18), REPORT_DAY, 2),
    ("won-w46-skip", "zhou.xin", "scheduled", date(2026, 11, 20), None, None),
    ("won-edge-18", "zhou.xin", "scheduled", date(2026, 11, 25), None, None),
    ("won-edge-month", "li.na", "cancelled", date(2026, 11, 8), None, None),
    ("-backwards", "zhang.wei", "done", date(2026, 11, 19), date(2026, 11, 19), 5),
    ("-lost-2025", "zhou.xin", "done", date(2026, 10, 9), date(2026, 10, 9), 1),
)
TICKETS: tuple[tuple[str, str | None, datetime, datetime | None, str], ...] = (
    # (lead key, assignee, opened_at, first_response_at, status); due 24 h after opening
    ("won-oct-first", "zhou.xin", utc(2026, 10, 26, 2), utc(2026, 10, 26, 9), "resolved"),
    ("won-oct", "zhou.xin", utc(2026, 11, 3, 6), utc(2026, 11, 5, 1), "responded"),  # late
    ("won-w46", "liu.yang", utc(2026, 11, 12, 3), utc(2026, 11, 12, 20), "responded"),
    ("won-oct-b", None, utc(2026, 11, 16, 4), None, "open"),  # past due on REPORT_DAY
    ("won-edge-18", "zhou.xin", EDGE_EARLY_18, None, "open"),  # due 2026-11-18 16:30 UTC
    ("won-q3", "zhang.wei", utc(2026, 11, 18, 2), None, "open"),  # not yet due on 11-18
    ("won-edge-month", None, EDGE_MONTH, utc(2026, 11, 2, 1), "resolved"),  # late
)
TARGETS: tuple[tuple[str | None, str | None, str, date, date, int], ...] = (
    # (user, team head, period, starts_on, ends_on, amount_fen); all set by zhao.min
    ("li.na", None, "2026-11", date(2026, 11, 1), date(2026, 11, 30), 500_000_00),
    ("zhang.wei", None, "2026-11", date(2026, 11, 1), date(2026, 11, 30), 400_000_00),
    ("liu.yang", None, "2026-Q4", date(2026, 10, 1), date(2026, 12, 31), 900_000_00),
    (None, "wang.qiang", "2026-11", date(2026, 11, 1), date(2026, 11, 30), 1_200_000_00),
    (None, "zhao.min", "2026", date(2026, 1, 1), date(2026, 12, 31), 8_000_000_00),
    ("li.na", None, "2026-W47", WEEK_START, WEEK_END, 120_000_00),
)


def _by_id(record: CustomerRecord | ContactRecord) -> int:
    return record.id


# ------------------------------------------------------- rows -> records (also for tests)


def customer_record(row: Customer) -> CustomerRecord:
    return CustomerRecord(
        _id(row.id),
        row.name,
        row.province or "",
        row.city or "",
        row.owner_id,
        row.lifecycle,
        row.created_at,
    )


def contact_record(row: Contact) -> ContactRecord:
    return ContactRecord(_id(row.id), row.customer_id, row.name)


def lead_record(row: Lead) -> LeadRecord:
    assert row.external_ref is not None
    assert row.stage_entered_at is not None
    return LeadRecord(
        id=_id(row.id),
        key=row.external_ref.removeprefix("RD-"),
        customer_id=row.customer_id,
        contact_id=row.contact_id,
        owner_id=row.owner_id,
        source=row.source,
        grade=row.grade,
        amount_fen=row.amount_fen,
        expected_close=row.expected_close,
        stage=row.stage,
        stage_entered_at=row.stage_entered_at,
        created_at=row.created_at,
        closed_at=row.closed_at,
        lost_reason=row.lost_reason,
        competitor=row.competitor,
        next_step_date=row.next_step_date,
        next_step_action=row.next_step_action,
        last_activity_at=row.last_activity_at,
        first_contact_at=row.first_contact_at,
    )


def stage_change_record(row: StageChange) -> StageChangeRecord:
    return StageChangeRecord(
        _id(row.id), row.lead_id, row.from_stage, row.to_stage, row.changed_at, row.changed_by_id
    )


def activity_record(row: Activity) -> ActivityRecord:
    return ActivityRecord(
        _id(row.id), row.lead_id, row.customer_id, row.user_id, row.kind, row.occurred_at
    )


def quote_record(row: Quote) -> QuoteRecord:
    return QuoteRecord(
        id=_id(row.id),
        number=row.number,
        version=row.version,
        lead_id=row.lead_id,
        customer_id=row.customer_id,
        owner_id=row.owner_id,
        status=row.status,
        created_at=row.created_at,
        sent_at=row.sent_at,
        valid_until=row.valid_until,
        subtotal_fen=row.subtotal_fen,
        discount_fen=row.discount_fen,
        tax_fen=row.tax_fen,
        total_fen=row.total_fen,
        superseded_at=row.superseded_at,
    )


def contract_record(row: Contract) -> ContractRecord:
    return ContractRecord(
        id=_id(row.id),
        number=row.number,
        quote_id=row.quote_id,
        lead_id=row.lead_id,
        customer_id=row.customer_id,
        owner_id=row.owner_id,
        status=row.status,
        signed_on=row.signed_on,
        total_fen=row.total_fen,
        created_at=row.created_at,
    )


def payment_due_record(row: PaymentDue) -> PaymentDueRecord:
    return PaymentDueRecord(_id(row.id), row.contract_id, row.position, row.amount_fen, row.due_on)


def receipt_record(row: PaymentReceipt) -> ReceiptRecord:
    return ReceiptRecord(_id(row.id), row.contract_id, row.amount_fen, row.received_on)


def service_visit_record(row: ServiceVisit) -> ServiceVisitRecord:
    return ServiceVisitRecord(
        _id(row.id),
        row.customer_id,
        row.contract_id,
        row.user_id,
        row.status,
        row.scheduled_on,
        row.visited_on,
        row.satisfaction,
    )


def ticket_record(row: ServiceTicket) -> TicketRecord:
    return TicketRecord(
        _id(row.id),
        row.customer_id,
        row.contract_id,
        row.assignee_id,
        row.status,
        row.opened_at,
        row.response_due_at,
        row.first_response_at,
    )


def target_record(row: Target) -> TargetRecord:
    return TargetRecord(
        _id(row.id),
        row.user_id,
        row.team_id,
        row.period,
        row.starts_on,
        row.ends_on,
        row.amount_fen,
        row.set_by_id,
    )
