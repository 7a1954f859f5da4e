"""Reports and targets at scale: 100,000 leads, 1M activities, 20,000 quotes, 5,000 contracts.

Builds its own data in a temp folder (or in ``--keep DIR``, where it stays for profiling):

* sample: ``salesflow init --sample`` (the team, 240 leads with their grades, activities
  and deals: about 50 quotes, 35 contracts, their payments, return visits and tickets);
* large: a copy of the sample database grown to ``--leads`` leads (default 100,000),
  ``--activities`` activities (1,000,000), ``--quotes`` quotes (20,000) and
  ``--contracts`` contracts (5,000), dated around today so that today, this ISO week,
  month, quarter and year have the volumes a team of this size would see:

  - each new lead copies the owner, stage, grade, source and amount of a sample lead in
    turn (the sample's mix of owners, stages and unassigned leads, about 400 times more);
    open leads were created in the last 12 months, won and lost ones closed in the last
    12 months (``closed_at``), lost ones with a lost reason (and a competitor for
    ``competitor``); every lead has its stage history: the entry row and each move;
  - activities (call, visit, meeting, email, wechat, note) by the lead's owner, spread
    over each lead's life, the newest in ``last_activity_at``, the earliest that is not a
    note in ``first_contact_at``;
  - quotes on leads that reached the proposal stage, some revised (version 2), every
    status, sent ones with ``sent_at``; contracts from accepted quotes, mostly signed
    over the last 12 months, some draft, sent or cancelled;
  - payment receipts (about 1.5 per signed contract), return visits 7 and 30 days after
    signing (done with a satisfaction score, or still scheduled), complaint tickets
    answered on time, late or not yet.

  Both databases have the same targets: the sample's own, or if it has none, targets for
  the sample reps and team heads for the current month, quarter and year (so
  ``target show`` and attainment have work on both).

Rows are written with ``sqlite3`` ``executemany`` in a child process (bench/scale_data.py,
shared with bench/pipeline.py): this builds the data, it is not what is measured. As in
bench/pipeline.py neither database is ANALYZEd: salesflow does not run ANALYZE itself.

Then it times whole processes, as a person runs them, on both databases in the same run,
interleaved so machine noise hits both alike, after one warm-up run of each: the
commands of ``COMMANDS`` below. For each it prints the median wall time on each
database and their ratio, the median peak memory (max RSS) of each and their ratio, and
whether the target is met: at most 2x the sample time and 1.5x the sample peak memory.
A command that fails is reported as ``FAILED (exit N): <first line of its stderr>`` and
not run again. Exit 1 if any target is missed or any command failed.

    python bench/reports.py [--runs 5] [--leads 100000] [--activities 1000000]
        [--quotes 20000] [--contracts 5000] [--keep DIR] [--timeout 600]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from scale_data import (
    ACTIONS,
    INSERT_ACTIVITIES,
    INSERT_CONTACTS,
    INSERT_CUSTOMERS,
    INSERT_LEADS,
    INSERT_STAGE_CHANGES,
    KINDS,
    OPEN_CHAIN,
    SUMMARIES,
    Measurements,
    bench_env,
    build_in_child,
    company,
    copy_database,
    figures,
    first_free_id,
    insert_all,
    make_sample,
    measure,
    open_for_building,
    salesflow_command,
    stamp,
)

TIME_RATIO = 2.0
MEMORY_RATIO = 1.5

TODAY = date.today()
MONTH = f"{TODAY.year}-{TODAY.month:02d}"
QUARTER = f"{TODAY.year}-Q{(TODAY.month - 1) // 3 + 1}"
YEAR = f"{TODAY.year}"

KPI_QUARTER = f"report kpi --period {QUARTER} --team"
KPI_QUARTER_JSON = f"{KPI_QUARTER} --format json"
COMMANDS: dict[str, list[str]] = {
    "report daily (rep)": ["--as", "li.na", "report", "daily"],
    "report daily --team (manager)": ["--as", "wang.qiang", "report", "daily", "--team"],
    "report weekly --team (director)": ["--as", "zhao.min", "report", "weekly", "--team"],
    "report monthly --team (director)": ["--as", "zhao.min", "report", "monthly", "--team"],
    KPI_QUARTER: ["--as", "zhao.min", "report", "kpi", "--period", QUARTER, "--team"],
    f"report kpi --period {YEAR} --team": [
        *("--as", "zhao.min", "report", "kpi", "--period", YEAR, "--team"),
    ],
    KPI_QUARTER_JSON: [
        *("--as", "zhao.min", "report", "kpi", "--period", QUARTER, "--team"),
        *("--format", "json"),
    ],
    "target show (director)": ["--as", "zhao.min", "target", "show"],
}
# A JSON form beside its table form: writing JSON should not be slower.
JSON_BESIDE = (KPI_QUARTER_JSON, KPI_QUARTER)

# What the build prints, per table: sample rows, large rows.
COUNTED = (
    "leads",
    "stage_changes",
    "activities",
    "customers",
    "quotes",
    "contracts",
    "payment_receipts",
    "service_visits",
    "service_tickets",
    "targets",
)

LOST_REASONS = (
    ("price", 30),
    ("competitor", 25),
    ("no-budget", 15),
    ("no-decision", 12),
    ("timing", 10),
    ("other", 8),
)
COMPETITORS = ["用友", "金蝶", "鼎捷", "浪潮", "SAP", "Oracle"]
KIND_WEIGHTS = {"call": 35, "visit": 12, "meeting": 8, "email": 12, "wechat": 25, "note": 8}
# Days since the newest contact of an open lead: most recent, some stale.
RECENCY = [0, 1, 2, 3, 4, 5, 6, 7, 9, 11, 14, 18, 21, 25, 30, 40, 50, 60]
TICKET_TITLES = [
    "系统登录异常",
    "发票开错",
    "培训需求",
    "数据导入失败",
    "交付延期投诉",
    "报表打不开",
]
# Weights of the satisfaction scores 1 to 5 of done return visits.
SATISFACTION = (2, 5, 15, 40, 38)
# A new lead flushes its rows to the database in batches of this many leads.
LEAD_BATCH = 10_000
DAY = timedelta(days=1)
TAX_BP = 1300


def local_day(moment: datetime) -> date:
    """The calendar day of a moment where the reports run (the process time zone)."""
    return moment.astimezone().date()


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment uniformly between two moments (``start`` if they are in the wrong order)."""
    span = (end - start).total_seconds()
    return start + timedelta(seconds=rng.uniform(0, span)) if span > 0 else start


def optional(moment: datetime | None) -> str | None:
    return stamp(moment) if moment else None


def weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([code for code, _ in choices], [weight for _, weight in choices])[0]


@dataclass(frozen=True)
class Sizes:
    """How big the large database is to be (rows in all, the sample's included)."""

    leads: int
    activities: int
    quotes: int
    contracts: int


@dataclass
class LeadPlan:
    """What later tables need of a new lead."""

    lead_id: int
    customer_id: int
    contact_id: int
    owner: int | None
    stage: str
    reached: int  # the index in OPEN_CHAIN of the furthest open stage reached
    amount: int
    created: datetime
    proposal_at: datetime | None  # when it entered the proposal stage
    closed_at: datetime | None
    activities: int
    last_activity: datetime


# ----------------------------------------------------------------------------- leads


@dataclass
class History:
    """A lead's way through the stages: the stages entered and when."""

    reached: int  # the index in OPEN_CHAIN of the furthest open stage reached
    steps: list[str]
    times: list[datetime]
    closed_at: datetime | None


def history(stage: str, now: datetime, rng: random.Random) -> History:
    """Open leads were created in the last 12 months; closed ones closed in the last 12,
    3 to 150 days after they were created. Moves fall between creation and the end."""
    if stage in OPEN_CHAIN:
        reached = OPEN_CHAIN.index(stage)
        created = now - timedelta(seconds=rng.randint(3_600, 365 * 86_400))
        end = between(rng, created + (now - created) * 0.3, now)
        closed_at = None
    else:
        reached = 5 if stage == "won" else rng.randint(0, 5)
        closed_at = now - timedelta(seconds=rng.randint(60, 365 * 86_400))
        created = closed_at - timedelta(seconds=rng.randint(3 * 86_400, 150 * 86_400))
        end = closed_at
    steps = [*OPEN_CHAIN[: reached + 1], *([stage] if closed_at else [])]
    moves = sorted(between(rng, created, end) for _ in steps[1:])
    if closed_at and moves:
        moves[-1] = closed_at
    return History(reached, steps, [created, *moves], closed_at)


def latest_contact(lead: History, now: datetime, rng: random.Random) -> datetime:
    """Open leads: recent for most, weeks ago for the stale ones; closed: near closing."""
    if lead.closed_at:
        return max(lead.times[0], lead.closed_at - timedelta(hours=rng.randint(0, 72)))
    back = timedelta(days=rng.choice(RECENCY), hours=rng.randint(0, 10))
    return max(lead.times[0], now - back)


def next_step(today: date, rng: random.Random) -> tuple[str | None, str | None]:
    """An open lead's next step: overdue, today, tomorrow, later, or (10%) none."""
    if rng.random() <= 0.1:
        return None, None
    offset = rng.choice([-rng.randint(1, 20), 0, 1, rng.randint(1, 30), rng.randint(1, 30)])
    return (today + timedelta(days=offset)).isoformat(), rng.choice(ACTIONS)


@dataclass
class NewLead:
    """A new lead as first planned: a sample lead's fields, its history, its activities."""

    template: tuple[object, ...]  # owner, stage, grade, score, source, amount of a sample lead
    history: History
    last_contact: datetime
    activities: int = 0

    @property
    def owner(self) -> int | None:
        owner = self.template[0]
        return owner if isinstance(owner, int) else None


def share_activities(leads: list[NewLead], wanted: int, rng: random.Random) -> None:
    """Exactly ``wanted`` activities over the owned leads (the unassigned pool has none),
    each in proportion to how long it has been worked: so every past day has about as many
    as the leads alive on it would get, and a lead created an hour ago has few or none."""
    owned = [lead for lead in leads if lead.owner is not None]
    days = [(lead.last_contact - lead.history.times[0]).total_seconds() / 86_400 for lead in owned]
    rate = wanted / (sum(days) + len(owned)) if owned else 0
    for lead, worked in zip(owned, days, strict=True):
        lead.activities = int(rate * (worked + 1) + rng.random())
    missing = wanted - sum(lead.activities for lead in owned)
    while missing > 0:
        rng.choice(owned).activities += 1
        missing -= 1
    while missing < 0:
        lead = rng.choice(owned)
        if lead.activities:
            lead.activities -= 1
            missing += 1


def grow_leads(
    db: sqlite3.Connection, sizes: Sizes, now: datetime, rng: random.Random
) -> list[LeadPlan]:
    """Customers, contacts, leads and stage histories; the plan of each new lead."""
    today = local_day(now)
    templates = db.execute(
        "SELECT owner_id, stage, grade, score, source, amount_fen FROM leads ORDER BY id"
    ).fetchall()
    first_lead, first_customer, first_contact = (
        first_free_id(db, table) for table in ("leads", "customers", "contacts")
    )
    new_leads = max(0, sizes.leads - int(db.execute("SELECT count(*) FROM leads").fetchone()[0]))
    leads: list[NewLead] = []
    for index in range(new_leads):
        template = templates[index % len(templates)]
        lead = history(template[1], now, rng)
        leads.append(NewLead(template, lead, latest_contact(lead, now, rng)))
    logged = int(db.execute("SELECT count(*) FROM activities").fetchone()[0])
    share_activities(leads, max(0, sizes.activities - logged), rng)

    plans: list[LeadPlan] = []
    batch: dict[str, list[tuple[object, ...]]] = {
        INSERT_CUSTOMERS: [],
        INSERT_CONTACTS: [],
        INSERT_LEADS: [],
        INSERT_STAGE_CHANGES: [],
    }
    for index, new in enumerate(leads):
        owner, stage, grade, score, source, amount = new.template
        lead, last, count = new.history, new.last_contact, new.activities
        lead_id, customer_id = first_lead + index, first_customer + index
        contact_id = first_contact + index
        province, city, name = company(index, rng)
        created, closed_at = lead.times[0], lead.closed_at
        previous: str | None = None
        entered: str | None = None  # when the lead entered ``previous``
        for step, moment in zip(lead.steps, lead.times, strict=True):
            row = (lead_id, previous, step, stamp(moment), owner, entered)
            batch[INSERT_STAGE_CHANGES].append(row)
            previous, entered = step, stamp(moment)
        lifecycle = "customer" if stage == "won" else "prospect" if lead.reached else "lead"
        full_name, key, block = f"{name}有限公司", name, name[:2]
        batch[INSERT_CUSTOMERS].append(
            (customer_id, full_name, key, block, province, city, owner, stamp(created), lifecycle)
        )
        phone = f"+86138{index:08d}"
        contact = (contact_id, customer_id, f"联系人{index}", phone, stamp(created))
        batch[INSERT_CONTACTS].append(contact)
        next_date, action = next_step(today, rng) if closed_at is None else (None, None)
        lost_reason = weighted(rng, LOST_REASONS) if stage == "lost" else None
        competitor = rng.choice(COMPETITORS) if lost_reason == "competitor" else None
        value = amount if isinstance(amount, int) else rng.randint(20, 2_000) * 100_000
        batch[INSERT_LEADS].append(
            (
                *(lead_id, customer_id, contact_id, source, stage, grade, score, amount),
                *(next_date, action, owner, stamp(created), stamp(lead.times[-1])),
                *(optional(closed_at), stamp(last) if count else None),
                *(stamp(lead.times[-1]), lost_reason, competitor),
            )
        )
        proposal_at = lead.times[3] if lead.reached >= 3 else None
        plans.append(
            LeadPlan(
                *(lead_id, customer_id, contact_id, new.owner, str(stage), lead.reached, value),
                *(created, proposal_at, closed_at, count, last),
            )
        )
        if len(plans) % LEAD_BATCH == 0 or index == new_leads - 1:
            for statement, rows in batch.items():
                db.executemany(statement, rows)
                rows.clear()
    return plans


def activity_rows(plans: list[LeadPlan], rng: random.Random) -> Iterator[tuple[object, ...]]:
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    assert set(kinds) == set(KINDS)
    for plan in plans:
        for number in range(plan.activities):
            # The first is the lead's last_activity_at; the others over its life before it.
            moment = plan.last_activity
            if number:
                moment = between(rng, plan.created, plan.last_activity)
            kind, summary = rng.choices(kinds, weights)[0], rng.choice(SUMMARIES)
            text = stamp(moment)
            yield (plan.lead_id, plan.customer_id, plan.owner, kind, text, summary, text)


# ----------------------------------------------------------------------------- money


def amounts(total_hint: int, rng: random.Random) -> tuple[int, int, int, int, int]:
    """discount_bp, subtotal, discount, tax, total (fen) of a quote worth about the hint."""
    subtotal = max(100_000, total_hint * 100 // 113 // 100 * 100)
    discount_bp = rng.choice([0, 0, 300, 500, 1000, 1500])
    discount = subtotal * discount_bp // 10_000
    tax = (subtotal - discount) * TAX_BP // 10_000
    return discount_bp, subtotal, discount, tax, subtotal - discount + tax


# ----------------------------------------------------------------------------- quotes


@dataclass
class QuoteVersion:
    """One version of a quote; versions of one quote share its number."""

    lead: LeadPlan
    version: int
    status: str
    created: datetime
    money: tuple[int, int, int, int, int]
    submitted_at: datetime | None = None
    sent_at: datetime | None = None
    decided_at: datetime | None = None
    superseded_at: datetime | None = None
    id: int = 0
    number: str = ""


@dataclass
class ContractPlan:
    quote: QuoteVersion
    status: str
    created: datetime
    sent_at: datetime | None = None
    signed_at: datetime | None = None
    cancelled_at: datetime | None = None
    id: int = 0
    number: str = ""


CONTRACT_MIX = (("signed", 85), ("archived", 3), ("sent", 5), ("draft", 4), ("cancelled", 3))
OPEN_QUOTE_MIX = (("draft", 15), ("pending", 10), ("approved", 10), ("sent", 55), ("rejected", 10))
WON_QUOTE_MIX = (("accepted", 70), ("sent", 30))
LOST_QUOTE_MIX = (("rejected", 60), ("sent", 30), ("draft", 10))


def take(
    pool: list[LeadPlan], count: int, fallback: list[LeadPlan], rng: random.Random
) -> list[LeadPlan]:
    """``count`` leads of the pool in random order (again from the start when it runs out;
    from ``fallback`` when the pool is empty)."""
    chosen = list(pool or fallback)
    rng.shuffle(chosen)
    return [chosen[index % len(chosen)] for index in range(count)] if chosen else []


def quote_version(
    lead: LeadPlan,
    status: str,
    start: datetime,
    end: datetime,
    rng: random.Random,
    *,
    version: int = 1,
) -> QuoteVersion:
    """A version made between two moments, with the timestamps its status implies."""
    created = between(rng, start, end)
    quote = QuoteVersion(lead, version, status, created, amounts(lead.amount, rng))
    if status != "draft":
        quote.submitted_at = between(rng, created, min(end, created + DAY))
    if status in ("sent", "accepted", "rejected"):
        quote.sent_at = between(rng, quote.submitted_at or created, end)
    if status in ("accepted", "rejected"):
        quote.decided_at = between(rng, quote.sent_at or created, end)
    return quote


def plan_quotes(
    plans: list[LeadPlan], quotes: int, contracts: int, now: datetime, rng: random.Random
) -> tuple[list[list[QuoteVersion]], list[ContractPlan]]:
    """Quotes (grouped by number) and contracts: each contract on an accepted quote."""
    quoted = [plan for plan in plans if plan.proposal_at]
    won = [plan for plan in quoted if plan.stage == "won"]
    at_contract = [plan for plan in quoted if plan.stage == "contract"]
    lost_late = [plan for plan in quoted if plan.stage == "lost" and plan.reached >= 5]
    contracts = min(contracts, quotes)
    shares = {status: contracts * weight // 100 for status, weight in CONTRACT_MIX}
    shares["signed"] += contracts - sum(shares.values())
    pools = {"signed": won, "archived": won, "sent": at_contract, "draft": at_contract}
    pools["cancelled"] = lost_late
    groups: list[list[QuoteVersion]] = []
    made: list[ContractPlan] = []
    for status, count in shares.items():
        for lead in take(pools[status], count, quoted, rng):
            start = lead.proposal_at or lead.created
            end = lead.closed_at or now
            quote = quote_version(lead, "accepted", start, end - (end - start) / 4, rng)
            decided = quote.decided_at or quote.created
            contract = ContractPlan(quote, status, between(rng, decided, end))
            if status in ("sent", "signed", "archived", "cancelled"):
                contract.sent_at = between(rng, contract.created, end)
            if status in ("signed", "archived"):
                contract.signed_at = end
            if status == "cancelled":
                contract.cancelled_at = end
            groups.append([quote])
            made.append(contract)
    remaining = quotes - len(groups)
    while remaining > 0 and quoted:
        lead = rng.choice(quoted)
        mix = {"won": WON_QUOTE_MIX, "lost": LOST_QUOTE_MIX}.get(lead.stage, OPEN_QUOTE_MIX)
        start = lead.proposal_at or lead.created
        end = lead.closed_at or now
        if remaining >= 2 and rng.random() < 0.1:
            first = quote_version(lead, "sent", start, between(rng, start, end), rng)
            second = quote_version(
                lead, weighted(rng, mix), first.sent_at or start, end, rng, version=2
            )
            first.superseded_at = second.created
            groups.append([first, second])
            remaining -= 2
        else:
            groups.append([quote_version(lead, weighted(rng, mix), start, end, rng)])
            remaining -= 1
    return groups, made


def last_numbers(db: sqlite3.Connection, table: str) -> dict[int, int]:
    """The highest sequence of each year among the numbers in a table (``X-YYYY-NNNN``)."""
    highest: dict[int, int] = {}
    for (number,) in db.execute(f"SELECT number FROM {table}"):
        _letter, year, sequence = str(number).split("-")
        highest[int(year)] = max(highest.get(int(year), 0), int(sequence))
    return highest


def number_quotes(
    db: sqlite3.Connection, groups: list[list[QuoteVersion]], contracts: list[ContractPlan]
) -> None:
    """Ids and numbers (Q-YYYY-NNNN, C-YYYY-NNNN per local year, after those already in the
    database) in the order of creation."""
    groups.sort(key=lambda group: group[0].created)
    per_year = last_numbers(db, "quotes")
    next_id = first_free_id(db, "quotes")
    for group in groups:
        year = local_day(group[0].created).year
        per_year[year] = per_year.get(year, 0) + 1
        for quote in group:
            quote.id, quote.number = next_id, f"Q-{year:04d}-{per_year[year]:04d}"
            next_id += 1
    contracts.sort(key=lambda contract: contract.created)
    per_year = last_numbers(db, "contracts")
    next_id = first_free_id(db, "contracts")
    for contract in contracts:
        year = local_day(contract.created).year
        per_year[year] = per_year.get(year, 0) + 1
        contract.id, contract.number = next_id, f"C-{year:04d}-{per_year[year]:04d}"
        next_id += 1


def quote_rows(groups: list[list[QuoteVersion]]) -> Iterator[tuple[object, ...]]:
    for group in groups:
        for quote in group:
            lead = quote.lead
            discount_bp, subtotal, discount, tax, total = quote.money
            valid_until = (local_day(quote.created) + timedelta(days=30)).isoformat()
            updated = max(
                moment
                for moment in (quote.created, quote.sent_at, quote.decided_at, quote.superseded_at)
                if moment
            )
            yield (
                *(quote.id, quote.number, quote.version, lead.lead_id, lead.customer_id),
                *(lead.contact_id, lead.owner, lead.owner, quote.status, valid_until),
                *(discount_bp, subtotal, subtotal, discount, tax, total, discount_bp),
                *(stamp(quote.created), stamp(updated), optional(quote.submitted_at)),
                *(optional(quote.sent_at), optional(quote.decided_at)),
                optional(quote.superseded_at),
            )


INSERT_QUOTES = (
    "INSERT INTO quotes (id, number, version, lead_id, customer_id, contact_id, owner_id, "
    "created_by_id, status, currency, valid_until, payment_terms, discount_bp, "
    "list_value_fen, subtotal_fen, discount_fen, tax_fen, total_fen, max_discount_bp, "
    "created_at, updated_at, submitted_at, sent_at, decided_at, superseded_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'CNY', ?, 'cod', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_CONTRACTS = (
    "INSERT INTO contracts (id, number, quote_id, lead_id, customer_id, contact_id, owner_id, "
    "created_by_id, status, currency, subtotal_fen, discount_fen, tax_fen, total_fen, "
    "payment_terms, terms_text, template, sent_at, signed_on, signer, signed_at, "
    "cancelled_at, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'CNY', ?, ?, ?, ?, 'cod', ?, 'default', ?, ?, ?, ?, ?, ?, "
    "?)"
)
TERMS = "第一条 合同标的：见附件报价单。第二条 付款方式：货到付款。第三条 交付：签约后30日内。"


def contract_rows(contracts: list[ContractPlan]) -> Iterator[tuple[object, ...]]:
    for contract in contracts:
        quote, lead = contract.quote, contract.quote.lead
        _discount_bp, subtotal, discount, tax, total = quote.money
        signed_on = local_day(contract.signed_at).isoformat() if contract.signed_at else None
        signer = f"联系人{lead.contact_id}" if contract.signed_at else None
        updated = contract.signed_at or contract.cancelled_at or contract.sent_at
        yield (
            *(
                contract.id,
                contract.number,
                quote.id,
                lead.lead_id,
                lead.customer_id,
                lead.contact_id,
            ),
            *(lead.owner, lead.owner, contract.status, subtotal, discount, tax, total, TERMS),
            *(optional(contract.sent_at), signed_on, signer, optional(contract.signed_at)),
            *(optional(contract.cancelled_at), stamp(contract.created)),
            stamp(updated or contract.created),
        )


# ----------------------------------------------------------------------------- after signing


def receipt_rows(
    signed: list[tuple[int, ContractPlan]], today: date, rng: random.Random
) -> Iterator[tuple[object, ...]]:
    """About 1.5 receipts per signed contract, from signing to today."""
    shares = {1: [10_000], 2: [3_000, 7_000], 3: [3_000, 4_000, 3_000]}
    for contract_id, contract in signed:
        assert contract.signed_at
        count = rng.choice([0, 1, 1, 2, 2, 3])
        total = contract.quote.money[4]
        day = local_day(contract.signed_at) + timedelta(days=rng.randint(0, 20))
        for share in shares.get(count, []):
            if day > today:
                break
            amount = max(1, total * share // 10_000)
            recorded = datetime.combine(day, datetime.min.time()).astimezone() + timedelta(hours=10)
            method = "bank" if rng.random() < 0.9 else "other"
            owner = contract.quote.lead.owner
            yield (contract_id, amount, day.isoformat(), method, owner, stamp(recorded))
            day += timedelta(days=rng.randint(15, 60))


def visit_rows(
    signed: list[tuple[int, ContractPlan]], service: int | None, today: date, rng: random.Random
) -> Iterator[tuple[object, ...]]:
    """Return visits 7 and 30 days after signing: done (with satisfaction) or scheduled."""
    for contract_id, contract in signed:
        assert contract.signed_at
        signed_on = local_day(contract.signed_at)
        for days in (7, 30):
            scheduled = signed_on + timedelta(days=days)
            status, visited, satisfaction = "scheduled", None, None
            roll = rng.random()
            if scheduled <= today and roll < 0.85:
                status = "done"
                visited = min(today, scheduled + timedelta(days=rng.randint(0, 3))).isoformat()
                satisfaction = rng.choices(range(1, 6), SATISFACTION)[0]
            elif scheduled <= today and roll < 0.9:
                status = "cancelled"
            customer = contract.quote.lead.customer_id
            yield (
                *(customer, contract_id, service, status, scheduled.isoformat(), visited),
                *(satisfaction, stamp(contract.signed_at)),
            )


def ticket_rows(
    signed: list[tuple[int, ContractPlan]], service: int | None, now: datetime, rng: random.Random
) -> Iterator[tuple[object, ...]]:
    """Complaints on about 30% of signed contracts: answered on time, late, or not yet."""
    for contract_id, contract in signed:
        assert contract.signed_at
        if rng.random() >= 0.3:
            continue
        opened = contract.signed_at + timedelta(seconds=rng.randint(86_400, 200 * 86_400))
        if opened > now:
            opened = between(rng, contract.signed_at, now)
        due = opened + DAY
        roll = rng.random()
        first: datetime | None = None
        if roll < 0.75:
            first = opened + timedelta(minutes=rng.randint(10, 23 * 60))
        elif roll < 0.9:
            first = opened + timedelta(hours=rng.randint(25, 72))
        if first and first > now:
            first = None
        resolved = None
        status = "open"
        if first:
            status = "responded"
            if rng.random() < 0.6:
                resolved = first + timedelta(hours=rng.randint(1, 96))
                status = "resolved" if resolved <= now else "responded"
                resolved = resolved if resolved <= now else None
        customer = contract.quote.lead.customer_id
        yield (
            *(customer, contract_id, rng.choice(TICKET_TITLES), status, service, service),
            *(stamp(opened), stamp(due), optional(first), "已联系客户" if first else None),
            *(optional(resolved), "已解决" if resolved else None),
        )


INSERT_RECEIPTS = (
    "INSERT INTO payment_receipts (contract_id, amount_fen, received_on, method, "
    "recorded_by_id, created_at) VALUES (?, ?, ?, ?, ?, ?)"
)
INSERT_VISITS = (
    "INSERT INTO service_visits (customer_id, contract_id, user_id, status, scheduled_on, "
    "visited_on, satisfaction, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_TICKETS = (
    "INSERT INTO service_tickets (customer_id, contract_id, title, status, opened_by_id, "
    "assignee_id, opened_at, response_due_at, first_response_at, first_response, "
    "resolved_at, resolution) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


# ----------------------------------------------------------------------------- targets


def period_spans(today: date) -> list[tuple[str, date, date, int]]:
    """The current month, quarter and year: key, first day, last day, months in it."""
    month_start = today.replace(day=1)
    month_end = (month_start + timedelta(days=32)).replace(day=1) - DAY
    first_month = (today.month - 1) // 3 * 3 + 1
    quarter_start = date(today.year, first_month, 1)
    quarter_end = (quarter_start + timedelta(days=95)).replace(day=1) - DAY
    return [
        (MONTH, month_start, month_end, 1),
        (QUARTER, quarter_start, quarter_end, 3),
        (YEAR, date(today.year, 1, 1), date(today.year, 12, 31), 12),
    ]


# Monthly targets in fen: the reps (person) and the team heads (their teams).
REP_TARGETS = {"li.na": 60_000_000, "zhang.wei": 50_000_000, "liu.yang": 40_000_000}
TEAM_TARGETS = {"wang.qiang": 150_000_000, "chen.jing": 80_000_000, "zhao.min": 250_000_000}


def add_targets(db: sqlite3.Connection, now: datetime) -> None:
    """Targets of the current month, quarter and year for the sample reps and team heads,
    unless the database has targets already (the sample's own)."""
    if db.execute("SELECT count(*) FROM targets").fetchone()[0]:
        return
    users = {
        str(name): int(user_id) for name, user_id in db.execute("SELECT username, id FROM users")
    }
    setter = users.get("zhao.min")
    rows: list[tuple[object, ...]] = []
    for key, starts, ends, months in period_spans(local_day(now)):
        for targets, team in ((REP_TARGETS, False), (TEAM_TARGETS, True)):
            for name, monthly in targets.items():
                if name not in users:
                    continue
                subject = users[name]
                user_id, team_id = (None, subject) if team else (subject, None)
                span = (key, starts.isoformat(), ends.isoformat(), monthly * months)
                rows.append((user_id, team_id, *span, setter, stamp(now), stamp(now)))
    db.executemany(
        "INSERT INTO targets (user_id, team_id, period, starts_on, ends_on, amount_fen, "
        "set_by_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


# ----------------------------------------------------------------------------- build


# Each lead's first contact (leads.first_contact_at), as salesflow keeps it: its earliest
# activity that is not a note.
FIRST_CONTACTS = (
    "UPDATE leads SET first_contact_at = (SELECT min(occurred_at) FROM activities "
    "WHERE activities.lead_id = leads.id AND activities.kind <> 'note')"
)


def grow(database: Path, sizes: Sizes, seed: int = 20261124) -> None:
    """Grow a copy of the sample database to the given sizes, in one transaction."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    db = open_for_building(database)
    try:
        db.execute("BEGIN IMMEDIATE")
        plans = grow_leads(db, sizes, now, rng)
        insert_all(db, INSERT_ACTIVITIES, activity_rows(plans, rng))
        db.execute(FIRST_CONTACTS)
        quotes, contracts = (
            max(0, wanted - int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]))
            for wanted, table in ((sizes.quotes, "quotes"), (sizes.contracts, "contracts"))
        )
        groups, made = plan_quotes(plans, quotes, contracts, now, rng)
        number_quotes(db, groups, made)
        insert_all(db, INSERT_QUOTES, quote_rows(groups))
        insert_all(db, INSERT_CONTRACTS, contract_rows(made))
        signed = [
            (contract.id, contract)
            for contract in made
            if contract.status in ("signed", "archived")
        ]
        service_row = db.execute(
            "SELECT id FROM users WHERE role = 'service' AND active ORDER BY id"
        ).fetchone()
        service = int(service_row[0]) if service_row else None
        today = local_day(now)
        insert_all(db, INSERT_RECEIPTS, receipt_rows(signed, today, rng))
        insert_all(db, INSERT_VISITS, visit_rows(signed, service, today, rng))
        insert_all(db, INSERT_TICKETS, ticket_rows(signed, service, now, rng))
        add_targets(db, now)
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()


def build(folder: Path, sizes: Sizes) -> None:
    """In the child: large.db from sample.db; targets on both; prints the row counts."""
    sample, large = folder / "sample.db", folder / "large.db"
    copy_database(sample, large)
    grow(large, sizes)
    db = open_for_building(sample)
    try:
        db.execute("BEGIN IMMEDIATE")
        add_targets(db, datetime.now(UTC))
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    for table in COUNTED:
        counts = []
        for database in (sample, large):
            with sqlite3.connect(database) as db:
                counts.append(int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]))
            db.close()
        print(table, *counts)


# ----------------------------------------------------------------------------- measure


def report(measured: Measurements) -> bool:
    """Print a line per command; whether every target was met."""
    met = True
    for name in COMMANDS:
        if name in measured.failures:
            met = False
            print(f"{name}: {measured.failures[name]}")
            continue
        got = figures(measured, name)
        time_ok = got.time_ratio <= TIME_RATIO
        memory_ok = got.memory_ratio <= MEMORY_RATIO
        met = met and time_ok and memory_ok
        print(
            f"{name}: sample {got.sample_seconds * 1000:.0f} ms, "
            f"large {got.large_seconds * 1000:.0f} ms, ratio {got.time_ratio:.2f} "
            f"{'ok' if time_ok else 'MISSED'}; memory sample {got.sample_mib:.0f} MiB, "
            f"large {got.large_mib:.0f} MiB, ratio {got.memory_ratio:.2f} "
            f"{'ok' if memory_ok else 'MISSED'}"
        )
    json_name, table_name = JSON_BESIDE
    if json_name not in measured.failures and table_name not in measured.failures:
        json_time = figures(measured, json_name).large_seconds
        table_time = figures(measured, table_name).large_seconds
        print(f"--format json beside the table, large database: {json_time / table_time:.2f}x")
    print(
        f"target: each at most {TIME_RATIO:g}x the sample's time and {MEMORY_RATIO:g}x its "
        f"peak memory: {'ok' if met else 'MISSED'}"
    )
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each command")
    parser.add_argument("--leads", type=int, default=100_000, help="leads in the large database")
    parser.add_argument(
        "--activities", type=int, default=1_000_000, help="activities in the large database"
    )
    parser.add_argument(
        "--quotes", type=int, default=20_000, help="quotes (versions) in the large database"
    )
    parser.add_argument(
        "--contracts", type=int, default=5_000, help="contracts in the large database"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="build sample.db and large.db in DIR and keep them (to profile queries)",
    )
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds before a command counts as failed"
    )
    parser.add_argument("--build-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build(args.build_only, Sizes(args.leads, args.activities, args.quotes, args.contracts))
        return 0
    if args.runs < 1 or args.leads < 1 or min(args.activities, args.quotes, args.contracts) < 0:
        parser.error(
            "--runs and --leads must be at least 1; --activities, --quotes, --contracts at least 0"
        )
    if args.contracts > args.quotes:
        parser.error("--contracts cannot be more than --quotes (each is made from a quote)")

    salesflow = salesflow_command()
    with tempfile.TemporaryDirectory(prefix="salesflow-bench-reports-") as temp:
        home = Path(temp)
        env = bench_env(home)
        folder = home
        if args.keep:
            folder = args.keep.resolve()
            folder.mkdir(parents=True, exist_ok=True)
            for name in ("sample.db", "large.db"):
                for suffix in ("", "-wal", "-shm"):
                    (folder / f"{name}{suffix}").unlink(missing_ok=True)
        sample, large = folder / "sample.db", folder / "large.db"
        make_sample(salesflow, sample, env)
        counts, built = build_in_child(
            [
                __file__,
                *("--build-only", str(folder)),
                *("--leads", str(args.leads)),
                *("--activities", str(args.activities)),
                *("--quotes", str(args.quotes)),
                *("--contracts", str(args.contracts)),
            ]
        )
        print(f"large database built in {built:.0f} s ({large.stat().st_size / 2**20:.0f} MiB)")
        for line in counts.splitlines():
            table, small_rows, large_rows = line.split()
            print(f"{table}: sample {int(small_rows):,}, large {int(large_rows):,}")
        if args.keep:
            print(f"kept: {sample} and {large}")
        print(f"runs: {args.runs} of each command on each database, after a warm-up run")
        databases = {"sample": sample, "large": large}
        measured = measure(
            salesflow,
            COMMANDS,
            databases,
            args.runs,
            env,
            keep_going=True,
            timeout=args.timeout,
        )

    return 0 if report(measured) else 1


if __name__ == "__main__":
    sys.exit(main())
