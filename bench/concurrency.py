"""Many writers at once against one database, against the same work done by one writer.

Builds its own data (a temp home with the sample data: team, leads, signed contracts),
then runs the same number of write commands twice per round: by one process, and split
over ``--processes`` processes started together. Each process runs its commands one after
another in-process, each opening the database afresh as the CLI does: a third each of
``lead add`` (its own company and phone), ``activity log`` on one shared lead, and
``payment record`` of ¥1.00 on one shared contract. Afterwards every write must be there
(leads, calls, receipts and money add up) and ``db check`` must pass; the script exits 1
otherwise. Prints the operations, failures, lock retries, the median wall time of each
way over the rounds, and the ratio (concurrent / serial): above 1 means the writers
queue for the lock, below 1 means they overlap.

    python bench/concurrency.py [--processes 4] [--operations 60] [--rounds 3] [--db URL]

``--db`` takes an empty PostgreSQL database (``postgresql://USER@HOST/DB``); the default
is a SQLite file in the temp home.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

USERS = ("li.na", "wang.qiang", "zhao.min", "li.na")


def quiet_run(argv: list[str]) -> tuple[int, str, str]:
    from salesflow.cli.main import run

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run(argv)
    return code, out.getvalue(), err.getvalue()


def worker(
    user: str, tag: str, ops: int, lead: str, contract: str, *, busy_ms: int | None = None
) -> dict[str, Any]:
    """Run ``ops`` commands as ``user``, a third of each kind; what each did and how often
    a write waited past SQLite's busy timeout (``busy_ms`` shortens it, so that salesflow's
    own retry does the waiting: tests/cli/test_concurrent_writers.py runs this too)."""
    from salesflow.store import contention, database

    if busy_ms is not None:
        database.SQLITE_BUSY_TIMEOUT_MS = busy_ms
    retried = 0
    original = contention.begin_immediate

    def counting(execute: Any, **kwargs: Any) -> int:
        nonlocal retried
        attempts = original(execute, **kwargs)
        retried += attempts > 1
        return attempts

    contention.begin_immediate = counting
    next_day = (date.today() + timedelta(days=7)).isoformat()
    failed: list[str] = []
    done: dict[str, list[str]] = {"lead": [], "activity": [], "payment": []}
    for number in range(ops):
        kind = ("lead", "activity", "payment")[number % 3]
        if kind == "lead":
            args = [
                "lead", "add", "--company", f"并发{tag}第{number}号科技有限公司",
                "--contact", f"联系人{tag}-{number}", "--phone", f"137{int(tag):02d}{number:06d}",
                "--source", "website",
            ]  # fmt: skip
        elif kind == "activity":
            args = [
                "activity", "log", lead, "--kind", "call", "--summary", f"{tag}-{number}",
                "--next-date", next_day, "--next-action", "回访",
            ]  # fmt: skip
        else:
            args = ["payment", "record", contract, "1", "--method", "bank"]
        code, out, err = quiet_run(["--as", user, "--no-input", *args])
        if code == 0:
            done[kind].append(out.strip())
        else:
            failed.append(f"{args[0]} {args[1]}: exit {code}: {err.strip()}")
    return {"done": done, "failed": failed, "retried": retried}


@dataclass
class Setup:
    env: dict[str, str]
    lead: str
    contract: str


def spawn(setup: Setup, user: str, tag: str, ops: int) -> Any:
    return subprocess.Popen(
        [sys.executable, __file__, "--worker", user, tag, str(ops), setup.lead, setup.contract],
        env=setup.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def collect(processes: list[Any]) -> list[dict[str, Any]]:
    reports = []
    for process in processes:
        stdout, stderr = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"a worker failed: {stderr}")
        reports.append(json.loads(stdout))
    return reports


def figures(setup: Setup) -> tuple[int, int, str]:
    """Leads, calls on the shared lead, and money received on the shared contract."""
    leads = json.loads(quiet_run(["lead", "list", "--all", "--limit", "10000", "-f", "json"])[1])
    calls = json.loads(
        quiet_run(["activity", "list", "--lead", setup.lead, "--limit", "10000", "-f", "json"])[1]
    )
    paid = json.loads(quiet_run(["payment", "list", "--contract", setup.contract, "-f", "json"])[1])
    return len(leads), len(calls), paid["totals"]["received"]


def prepare(home: str, url: str, needed: int) -> Setup:
    """The sample data, a shared lead of li.na's and her contract with the most outstanding."""
    env = {**os.environ, "SALESFLOW_HOME": home, "SALESFLOW_DB_URL": url, "LOGNAME": "boss"}
    for name in ("SALESFLOW_USER", "SALESFLOW_CONFIG", "SALESFLOW_LANG"):
        env.pop(name, None)
    os.environ.update(env)
    code, _out, err = quiet_run(["init", "--sample"])
    if code != 0:
        raise SystemExit(err)
    contracts = json.loads(quiet_run(["payment", "list", "--owner", "li.na", "-f", "json"])[1])
    chosen = max(contracts["contracts"], key=lambda c: float(c["outstanding"]))
    if float(chosen["outstanding"]) < needed:
        raise SystemExit(f"contract {chosen['contract']} has too little outstanding")
    code, out, err = quiet_run(
        ["--as", "li.na", "--no-input", "lead", "add", "--company", "基准共享科技有限公司",
         "--source", "website"]
    )  # fmt: skip
    if code != 0:
        raise SystemExit(err)
    return Setup(env=env, lead=out.strip(), contract=chosen["contract"])


@dataclass
class Timings:
    serial: list[float] = field(default_factory=list)
    concurrent: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    retried: int = 0


def measure(setup: Setup, processes: int, operations: int, rounds: int) -> Timings:
    """Each round: all the operations by one process, then split over ``processes``."""
    timings = Timings()
    tag = 0
    for _round in range(rounds):
        tag += 1
        start = time.perf_counter()
        reports = collect([spawn(setup, "li.na", f"{tag:02d}", processes * operations)])
        timings.serial.append(time.perf_counter() - start)
        timings.failures += [f for r in reports for f in r["failed"]]
        start = time.perf_counter()
        running = []
        for index in range(processes):
            tag += 1
            running.append(spawn(setup, USERS[index % len(USERS)], f"{tag:02d}", operations))
        reports = collect(running)
        timings.concurrent.append(time.perf_counter() - start)
        timings.failures += [f for r in reports for f in r["failed"]]
        timings.retried += sum(r["retried"] for r in reports)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--operations", type=int, default=60, help="per process")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db", help="an empty PostgreSQL database URL (default: SQLite)")
    parser.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    parser.add_argument("--busy-ms", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        user, tag, ops, lead, contract = args.worker
        print(json.dumps(worker(user, tag, int(ops), lead, contract, busy_ms=args.busy_ms)))
        return 0

    total_ops = args.processes * args.operations
    per_kind = args.rounds * 2 * (total_ops // 3)
    with tempfile.TemporaryDirectory(prefix="salesflow-bench-") as home:
        url = args.db or f"sqlite:///{home}/salesflow.db"
        setup = prepare(home, url, per_kind + 1)
        before = figures(setup)
        timings = measure(setup, args.processes, args.operations, args.rounds)
        after = figures(setup)
        checked = quiet_run(["db", "check"])[0]
    expected = (before[0] + per_kind, before[1] + per_kind, f"{float(before[2]) + per_kind:.2f}")
    print(f"backend: {'postgresql' if url.startswith('postgresql') else 'sqlite'}")
    print(
        f"operations: {args.rounds} rounds x ({total_ops} by 1 process + "
        f"{args.processes} processes x {args.operations}) = {args.rounds * 2 * total_ops}"
    )
    print(f"failed operations: {len(timings.failures)}")
    for failure in timings.failures[:5]:
        print(f"  {failure}")
    print(f"writes that waited past SQLite's 5 s busy timeout and retried: {timings.retried}")
    print(f"leads: {after[0]} (expected {expected[0]})")
    print(f"calls on the shared lead: {after[1]} (expected {expected[1]})")
    print(f"received on {setup.contract}: {after[2]} (expected {expected[2]})")
    print(f"db check: {'ok' if checked == 0 else 'FAILED'}")
    serial_s, concurrent_s = (
        statistics.median(timings.serial),
        statistics.median(timings.concurrent),
    )
    print(f"serial (1 process): median {serial_s:.2f} s, {total_ops / serial_s:.1f} ops/s")
    print(
        f"concurrent ({args.processes} processes): median {concurrent_s:.2f} s, "
        f"{total_ops / concurrent_s:.1f} ops/s"
    )
    print(f"ratio concurrent/serial: {concurrent_s / serial_s:.2f}")
    intact = not timings.failures and after == expected and checked == 0
    print("nothing lost" if intact else "LOST OR FAILED WRITES")
    return 0 if intact else 1


if __name__ == "__main__":
    sys.exit(main())
