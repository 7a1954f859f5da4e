"""Follow-up and pipeline commands at scale: 100,000 leads and 1,000,000 activities.

Builds its own data in a temp folder:

* sample: ``salesflow init --sample`` (the team, 240 leads, their grades and activities);
* large: a copy of the sample database grown to ``--leads`` leads (default 100,000) with
  ``--activities`` activities (default 1,000,000) and a stage history for every lead. Each
  new lead copies the owner, stage, grade, source and amount of a sample lead in turn, so
  the large database has the sample's mix of owners, stages and unassigned leads, only
  about 400 times more of each; its customers, contacts, next steps and activity dates are
  generated around today (overdue, due today, upcoming and missing next steps; recent and
  stale contacts). Rows are written with ``sqlite3`` ``executemany``: this builds the data,
  it is not what is measured (bench/scale_data.py holds what this shares with
  bench/reports.py). It runs in a child process of its own: on Linux a process
  started from this one inherits this one's peak memory, so the builder's memory must not
  stay here.

Then it times whole processes, as a person runs them, on both databases in the same run,
interleaved so machine noise hits both alike, after one warm-up run of each:

* ``salesflow --as li.na today`` (a rep's agenda) and ``--as wang.qiang today`` (a
  manager's, with the unassigned pool);
* ``salesflow --as zhao.min pipeline show`` (the director: every lead), ``--by owner`` and
  ``--funnel``;
* ``salesflow --as li.na lead list --limit 50`` and the director's.

For each it prints the median wall time on each database, their ratio, and the peak
memory (max RSS) of each, and whether the target is met: at most 1.5x the sample time and
1.5x the sample peak memory (exit 1 if any is missed).

    python bench/pipeline.py [--runs 5] [--leads 100000] [--activities 1000000]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
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

TARGET_RATIO = 1.5

COMMANDS: dict[str, list[str]] = {
    "today (rep)": ["--as", "li.na", "today"],
    "today (manager)": ["--as", "wang.qiang", "today"],
    "pipeline show (director)": ["--as", "zhao.min", "pipeline", "show"],
    "pipeline show --by owner": ["--as", "zhao.min", "pipeline", "show", "--by", "owner"],
    "pipeline show --funnel": ["--as", "zhao.min", "pipeline", "show", "--funnel"],
    "lead list --limit 50 (rep)": ["--as", "li.na", "lead", "list", "--limit", "50"],
    "lead list --limit 50 (director)": ["--as", "zhao.min", "lead", "list", "--limit", "50"],
}


@dataclass
class Growth:
    """The rows to add, planned in memory before anything is written."""

    customers: list[tuple[object, ...]] = field(default_factory=list)
    contacts: list[tuple[object, ...]] = field(default_factory=list)
    leads: list[tuple[object, ...]] = field(default_factory=list)
    changes: list[tuple[object, ...]] = field(default_factory=list)
    # (lead id, customer id, owner id, activity count, created, latest contact)
    activity_plan: list[tuple[int, int, int, int, datetime, datetime]] = field(default_factory=list)


def plan(db: sqlite3.Connection, leads: int, activities: int, rng: random.Random) -> Growth:
    """New leads copying the sample leads' owner, stage, grade, source and amount in turn."""
    now = datetime.now(UTC)
    today = date.today()
    templates = db.execute(
        "SELECT owner_id, stage, grade, score, source, amount_fen FROM leads ORDER BY id"
    ).fetchall()
    first_lead, first_customer, first_contact = (
        first_free_id(db, table) for table in ("leads", "customers", "contacts")
    )
    new_leads = max(0, leads - int(db.execute("SELECT count(*) FROM leads").fetchone()[0]))
    owned = sum(1 for index in range(new_leads) if templates[index % len(templates)][0])
    # Activities are logged by the lead's owner; the unassigned pool has none.
    wanted = activities - int(db.execute("SELECT count(*) FROM activities").fetchone()[0])
    per_lead = max(0, wanted) / max(1, owned)
    growth = Growth()
    for index in range(new_leads):
        owner, stage, grade, score, source, amount = templates[index % len(templates)]
        lead_id, customer_id = first_lead + index, first_customer + index
        contact_id = first_contact + index
        province, city, name = company(index, rng)
        created = now - timedelta(days=rng.randint(1, 720), seconds=rng.randint(0, 86_399))
        full_name, key, block = f"{name}有限公司", name, name[:2]
        growth.customers.append(
            (customer_id, full_name, key, block, province, city, owner, stamp(created), "lead")
        )
        phone = f"+86139{index:08d}"
        growth.contacts.append((contact_id, customer_id, f"联系人{index}", phone, stamp(created)))
        is_open = stage in OPEN_CHAIN
        next_date: str | None = None
        action: str | None = None
        if is_open and rng.random() > 0.1:
            offset = rng.choice([-rng.randint(1, 20), 0, rng.randint(1, 30), rng.randint(1, 30)])
            next_date = (today + timedelta(days=offset)).isoformat()
            action = rng.choice(ACTIONS)
        closed = None if is_open else stamp(now - timedelta(days=rng.randint(0, 30)))
        count = 0 if owner is None else round(rng.uniform(0, 2 * per_lead))
        # The latest contact: recent for most, weeks ago for the stale ones.
        last = now - timedelta(days=rng.choice([1, 3, 6, 10, 20, 45]), hours=rng.randint(0, 23))
        last = max(last, created)
        last_contact = stamp(last) if count else None
        growth.leads.append(
            (
                *(lead_id, customer_id, contact_id, source, stage, grade, score, amount),
                *(next_date, action, owner, stamp(created), stamp(now), closed),
                *(last_contact, stamp(created), None, None),
            )
        )
        reached = OPEN_CHAIN.index(stage) if is_open else rng.randint(0, 5)
        previous: str | None = None
        for step in [*OPEN_CHAIN[: reached + 1], *([] if is_open else [stage])]:
            entered = None if previous is None else stamp(created)
            growth.changes.append((lead_id, previous, step, stamp(created), owner, entered))
            previous = step
        growth.activity_plan.append((lead_id, customer_id, owner, count, created, last))
    return growth


def activity_rows(growth: Growth, rng: random.Random) -> Iterator[tuple[object, ...]]:
    for lead_id, customer_id, owner, count, created, last in growth.activity_plan:
        for number in range(count):
            # The first is the lead's last_activity_at; the others go back from it.
            back = timedelta(days=3 * number, minutes=rng.randint(0, 600) if number else 0)
            moment = stamp(max(created, last - back))
            kind, summary = rng.choice(KINDS), rng.choice(SUMMARIES)
            yield (lead_id, customer_id, owner, kind, moment, summary, moment)


def grow(database: Path, leads: int, activities: int, seed: int = 20261124) -> tuple[int, int]:
    """Add leads (copying the sample's mix) and activities; return the final counts."""
    rng = random.Random(seed)
    db = open_for_building(database)
    try:
        growth = plan(db, leads, activities, rng)
        db.execute("BEGIN IMMEDIATE")
        db.executemany(INSERT_CUSTOMERS, growth.customers)
        db.executemany(INSERT_CONTACTS, growth.contacts)
        db.executemany(INSERT_LEADS, growth.leads)
        db.executemany(INSERT_STAGE_CHANGES, growth.changes)
        insert_all(db, INSERT_ACTIVITIES, activity_rows(growth, rng))
        db.execute("COMMIT")
        total_leads = int(db.execute("SELECT count(*) FROM leads").fetchone()[0])
        total_activities = int(db.execute("SELECT count(*) FROM activities").fetchone()[0])
        return total_leads, total_activities
    finally:
        db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--grow-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.grow_only:
        total_leads, total_activities = grow(args.grow_only, args.leads, args.activities)
        print(total_leads, total_activities)
        return 0
    if args.runs < 1 or args.leads < 1 or args.activities < 0:
        parser.error("--runs and --leads must be at least 1, --activities at least 0")

    salesflow = salesflow_command()
    with tempfile.TemporaryDirectory(prefix="salesflow-bench-pipeline-") as temp:
        home = Path(temp)
        env = bench_env(home)
        sample = home / "sample.db"
        make_sample(salesflow, sample, env)
        large = home / "large.db"
        copy_database(sample, large)
        grown, built = build_in_child(
            [
                __file__,
                *("--grow-only", str(large)),
                *("--leads", str(args.leads)),
                *("--activities", str(args.activities)),
            ]
        )
        total_leads, total_activities = (int(n) for n in grown.split())
        print(
            f"large database: {total_leads:,} leads, {total_activities:,} activities "
            f"(built in {built:.0f} s); runs: {args.runs}"
        )
        databases = {"sample": sample, "large": large}
        measured = measure(salesflow, COMMANDS, databases, args.runs, env)

    met = True
    for name in COMMANDS:
        got = figures(measured, name)
        ok = got.time_ratio <= TARGET_RATIO and got.memory_ratio <= TARGET_RATIO
        met = met and ok
        print(
            f"{name}: sample {got.sample_seconds * 1000:.0f} ms, "
            f"large {got.large_seconds * 1000:.0f} ms, ratio {got.time_ratio:.2f}; "
            f"memory sample {got.sample_mib:.0f} MiB, large {got.large_mib:.0f} MiB, "
            f"ratio {got.memory_ratio:.2f}: {'ok' if ok else 'missed'}"
        )
    print(f"target: each at most {TARGET_RATIO}x the sample's time and memory: ", end="")
    print("ok" if met else "missed")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
