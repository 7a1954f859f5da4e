"""What the benchmarks at scale share (bench/pipeline.py, bench/reports.py).

* Building: the sample database (``salesflow init --sample``) copied and grown with
  ``sqlite3`` ``executemany`` in a child process of the benchmark (on Linux a process
  started from the benchmark inherits its peak memory, so the builder's memory must not
  stay in it); company names and cities, timestamps as salesflow stores them, the
  ``INSERT`` statements of the tables every grown database has.
* Timing: whole salesflow processes as a person runs them, on the sample and the large
  database interleaved so machine noise hits both alike, after one warm-up run of each;
  the wall time and the peak memory (max RSS) of each process; medians and ratios.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from random import Random

CHUNK = 50_000
# The open stages of the shipped stages.toml, in order; then won or lost.
OPEN_CHAIN = ("new", "contacted", "qualified", "proposal", "negotiation", "contract")

CITIES = [
    ("浙江省", "杭州市"),
    ("江苏省", "苏州市"),
    ("广东省", "深圳市"),
    ("上海市", "上海市"),
    ("北京市", "北京市"),
    ("山东省", "青岛市"),
    ("四川省", "成都市"),
    ("湖北省", "武汉市"),
]
BRAND = "云栖华信腾达宏远恒通鑫源瑞丰嘉诚德隆金盛博雅卓越正泰安康永泰新创天成志远明辉海纳万通"
TRADES = ["科技", "电子", "软件", "机械", "贸易", "实业", "新材料", "物流"]
KINDS = ["call", "visit", "meeting", "email", "wechat", "note"]
SUMMARIES = ["电话沟通需求", "上门拜访", "发送产品资料", "微信跟进报价", "约见技术负责人"]
ACTIONS = ["发送报价单", "安排演示", "电话回访", "上门拜访", "确认预算"]

INSERT_CUSTOMERS = (
    "INSERT INTO customers (id, name, name_key, name_block, province, city, owner_id, "
    "created_at, lifecycle) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_CONTACTS = (
    "INSERT INTO contacts (id, customer_id, name, phone, created_at, decision_maker) "
    "VALUES (?, ?, ?, ?, ?, 0)"
)
INSERT_LEADS = (
    "INSERT INTO leads (id, customer_id, contact_id, source, stage, grade, score, "
    "amount_fen, next_step_date, next_step_action, owner_id, created_at, updated_at, "
    "closed_at, last_activity_at, stage_entered_at, lost_reason, competitor) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_STAGE_CHANGES = (
    "INSERT INTO stage_changes (lead_id, from_stage, to_stage, changed_at, changed_by_id, "
    "from_entered_at) VALUES (?, ?, ?, ?, ?, ?)"
)
INSERT_ACTIVITIES = (
    "INSERT INTO activities (lead_id, customer_id, user_id, kind, occurred_at, "
    "summary, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def salesflow_command() -> list[str]:
    script = Path(sys.executable).parent / "salesflow"
    return [str(script)] if script.exists() else [sys.executable, "-m", "salesflow"]


def stamp(moment: datetime) -> str:
    """How salesflow stores a UTC timestamp in SQLite."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def chunks(rows: Iterator[tuple[object, ...]]) -> Iterator[list[tuple[object, ...]]]:
    batch: list[tuple[object, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def insert_all(db: sqlite3.Connection, statement: str, rows: Iterator[tuple[object, ...]]) -> None:
    """Write rows as they are generated, a chunk at a time (never all in memory)."""
    for batch in chunks(rows):
        db.executemany(statement, batch)


def first_free_id(db: sqlite3.Connection, table: str) -> int:
    return int(db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]) + 1


def company(index: int, rng: Random) -> tuple[str, str, str]:
    """Province, city and a short company name (unique by its index)."""
    province, city = CITIES[index % len(CITIES)]
    name = f"{city[:-1]}{rng.choice(BRAND)}{rng.choice(BRAND)}{rng.choice(TRADES)}{index}"
    return province, city, name


def open_for_building(database: Path) -> sqlite3.Connection:
    db = sqlite3.connect(database, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def copy_database(source: Path, target: Path) -> None:
    """Copy an SQLite database with its WAL files, if any."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


def bench_env(home: Path) -> dict[str, str]:
    """The environment salesflow runs in: its own home, no colours, bytecode cached."""
    env = {**os.environ, "SALESFLOW_HOME": str(home / "home"), "SALESFLOW_USER": "bench"}
    for name in ("SALESFLOW_DB_URL", "SALESFLOW_CONFIG", "SALESFLOW_DEBUG"):
        env.pop(name, None)
    env["NO_COLOR"] = "1"
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as people run it: compiled once, reused
    return env


def make_sample(salesflow: list[str], database: Path, env: dict[str, str]) -> None:
    subprocess.run(
        [*salesflow, "--db", str(database), "init", "--sample"],
        env=env,
        check=True,
        stderr=subprocess.DEVNULL,
    )


def build_in_child(arguments: list[str]) -> tuple[str, float]:
    """Run ``python arguments...`` (a benchmark's build step); its stdout and seconds taken."""
    start = time.perf_counter()
    built = subprocess.run(
        [sys.executable, *arguments], check=False, capture_output=True, text=True
    )
    if built.returncode != 0:
        sys.exit(f"building the large database failed:\n{built.stderr}")
    return built.stdout, time.perf_counter() - start


@dataclass(frozen=True)
class Run:
    """One whole salesflow process: wall seconds, peak memory (KiB), how it ended."""

    seconds: float
    peak_kib: int
    exit_code: int
    errors: str
    timed_out: bool = False

    def failure(self) -> str:
        """``FAILED (exit N): <first line of stderr>``."""
        if self.timed_out:
            return "FAILED (timed out)"
        lines = [line.strip() for line in self.errors.splitlines() if line.strip()]
        first = lines[0][:200] if lines else "(no message)"
        return f"FAILED (exit {self.exit_code}): {first}"


def run(command: list[str], env: dict[str, str], timeout: float | None = None) -> Run:
    """Time one whole salesflow process; stdout is discarded, stderr kept for failures."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        process.kill()

    timer = threading.Timer(timeout, kill) if timeout else None
    if timer:
        timer.start()
    errors = process.stderr.read()
    if timer:
        timer.cancel()
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    process.stderr.close()
    return Run(
        elapsed,
        usage.ru_maxrss,
        process.returncode,
        errors.decode(errors="replace"),
        killed.is_set() and process.returncode == -signal.SIGKILL,
    )


@dataclass
class Measurements:
    """Wall seconds and peak KiB of each (command, database); the commands that failed."""

    seconds: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    memory: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)


def measure(
    salesflow: list[str],
    commands: Mapping[str, list[str]],
    databases: Mapping[str, Path],
    runs: int,
    env: dict[str, str],
    *,
    keep_going: bool = False,
    timeout: float | None = None,
) -> Measurements:
    """Run each command on each database ``runs`` times after a warm-up, interleaved.

    A command that fails stops the benchmark (``sys.exit`` with its stderr), or with
    ``keep_going`` is noted in ``failures`` and not run again.
    """
    measured = Measurements()
    for run_number in range(runs + 1):  # run 0 warms the file cache and .pyc files
        for name, arguments in commands.items():
            for which, path in databases.items():
                if name in measured.failures:
                    continue
                command = [*salesflow, "--db", str(path), *arguments]
                result = run(command, env, timeout)
                if result.exit_code != 0 or result.timed_out:
                    if not keep_going:
                        sys.exit(f"{' '.join(command)} failed:\n{result.errors}")
                    measured.failures[name] = f"{result.failure()} (on {which})"
                    continue
                if run_number:
                    measured.seconds.setdefault((name, which), []).append(result.seconds)
                    measured.memory.setdefault((name, which), []).append(result.peak_kib)
    return measured


@dataclass(frozen=True)
class Figures:
    """Medians of one command on the sample and the large database, and their ratios."""

    sample_seconds: float
    large_seconds: float
    sample_mib: float
    large_mib: float

    @property
    def time_ratio(self) -> float:
        return self.large_seconds / self.sample_seconds

    @property
    def memory_ratio(self) -> float:
        return self.large_mib / self.sample_mib


def figures(measured: Measurements, name: str) -> Figures:
    return Figures(
        statistics.median(measured.seconds[(name, "sample")]),
        statistics.median(measured.seconds[(name, "large")]),
        statistics.median(measured.memory[(name, "sample")]) / 1024,
        statistics.median(measured.memory[(name, "large")]) / 1024,
    )
