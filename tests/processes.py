"""salesflow in other processes: starting real commands, and holding a row for a while.

Races are made to happen rather than hoped for: the test holds the contended row (a
PostgreSQL row lock, or SQLite's write lock), starts the competing commands, waits until
each of them is waiting for it, and lets go. On PostgreSQL "waiting" is read from
pg_stat_activity, so each command really has read what it read before the other one
committed. SQLite shows no lock waits: there a command counts as waiting once it has the
database file open (read from /proc, so Linux only) and a moment has passed; as SQLite
lets one writer in at a time, from BEGIN IMMEDIATE on, its races cannot interleave anyway.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.conftest import ADMIN, ENV_VARS

ROOT = Path(__file__).resolve().parents[1]
WAIT_S = 60.0


@dataclass
class Finished:
    args: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str


def environment(url: str, home: Path) -> dict[str, str]:
    """The environment of a salesflow process on ``url``, as the test's own runs see it."""
    env = {name: value for name, value in os.environ.items() if name not in ENV_VARS}
    env.update(
        SALESFLOW_DB_URL=url,
        SALESFLOW_HOME=str(home),
        LOGNAME=ADMIN,
        LANG="C.UTF-8",
        PYTHONPATH=str(ROOT),
    )
    return env


def spawn(url: str, home: Path, command: Sequence[str]) -> subprocess.Popen[str]:
    """``command`` (a Python script or module and its arguments) in a new process on ``url``."""
    return subprocess.Popen(
        [sys.executable, *command],
        env=environment(url, home),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start(url: str, home: Path, *args: str) -> subprocess.Popen[str]:
    """``salesflow --no-input ARGS`` in a new process."""
    return spawn(url, home, ["-m", "salesflow", "--no-input", *args])


def finish(process: subprocess.Popen[str]) -> Finished:
    stdout, stderr = process.communicate(timeout=WAIT_S * 2)
    args = tuple(str(a) for a in process.args[4:])  # type: ignore[index]
    return Finished(args, process.returncode, stdout, stderr)


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def holding(url: str, table: str, row_id: int) -> Iterator[None]:
    """Hold ``table`` row ``row_id`` as a writer would (SQLite: the whole write lock)."""
    if is_postgres(url):
        import psycopg

        with psycopg.connect(libpq(url)) as conn:
            conn.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE", (row_id,))
            try:
                yield
            finally:
                conn.rollback()
        return
    database = make_url(url).database
    assert database
    lite = sqlite3.connect(database, isolation_level=None, timeout=WAIT_S)
    try:
        lite.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            lite.execute("ROLLBACK")
    finally:
        lite.close()


def wait_until_waiting(url: str, processes: Sequence[subprocess.Popen[str]]) -> None:
    """Return once every process waits for the held lock (fails if one ends first).

    PostgreSQL shows its lock waits in pg_stat_activity. SQLite shows nothing, so each
    process must have the database file open and then a moment to reach its BEGIN."""
    deadline = time.monotonic() + WAIT_S
    while True:
        ended = [p for p in processes if p.poll() is not None]
        assert not ended, [finish(p) for p in ended]
        if _waiting(url, processes) >= len(processes):
            if not is_postgres(url):
                time.sleep(0.5)
            return
        assert time.monotonic() < deadline, "the commands never reached the lock"
        time.sleep(0.05)


def _waiting(url: str, processes: Sequence[subprocess.Popen[str]]) -> int:
    if is_postgres(url):
        import psycopg

        with psycopg.connect(libpq(url), autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()
            return int(row[0]) if row else 0
    database = str(Path(make_url(url).database or "").resolve())
    count = 0
    for process in processes:
        try:
            fds = list(Path(f"/proc/{process.pid}/fd").iterdir())
        except OSError:
            continue
        if any(_points_to(fd, database) for fd in fds):
            count += 1
    return count


def _points_to(fd: Path, target: str) -> bool:
    try:
        return os.readlink(fd) == target
    except OSError:
        return False


@contextmanager
def holding_advisory(url: str, key: int) -> Iterator[None]:
    """Hold PostgreSQL advisory lock ``key`` (on SQLite, the write lock, which is what the
    advisory locks stand for there)."""
    if not is_postgres(url):
        with holding(url, "users", 0):
            yield
        return
    import psycopg

    with psycopg.connect(libpq(url)) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (key,))
        try:
            yield
        finally:
            conn.rollback()


def holding_upgrade_lock(url: str) -> AbstractContextManager[None]:
    """Hold the lock a schema upgrade takes (salesflow.store.migrate)."""
    from salesflow.store.migrate import MIGRATION_LOCK_KEY

    return holding_advisory(url, MIGRATION_LOCK_KEY)


def holding_customer_keys(url: str) -> AbstractContextManager[None]:
    """Hold the lock a new customer's duplicate check takes (salesflow.workflow.duplicates)."""
    from salesflow.workflow.duplicates import CUSTOMER_KEYS_LOCK

    return holding_advisory(url, CUSTOMER_KEYS_LOCK)


def race(
    url: str, home: Path, held: AbstractContextManager[None], *commands: Sequence[str]
) -> list[Finished]:
    """Run ``commands`` at once while ``held`` holds what they contend for; their results."""
    with held:
        processes = [start(url, home, *command) for command in commands]
        wait_until_waiting(url, processes)
    return [finish(process) for process in processes]
