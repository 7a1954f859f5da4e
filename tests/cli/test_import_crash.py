"""SIGKILL part-way through ``lead import`` (and ``lead add``, ``payment record``): afterwards
``salesflow db check`` passes and the batch is wholly there or wholly absent, on SQLite and
PostgreSQL.

The real entry point runs as a subprocess with its stderr on a pseudo-terminal, so it draws
its progress bar ("Checking rows", then "Writing leads" with a percentage); the test kills it
when the bar reaches a chosen point. Before a kill in the writing phase the database itself
confirms that the import's write transaction is open (SQLite: its write lock is held;
PostgreSQL: its backend has a transaction id), so such a kill must leave nothing behind.
The kill at the very end may land before or after the commit: either outcome is allowed,
half of one never is. After every kill the database must pass ``db check`` and still take
writes: the killed import then runs to completion, an import into the populated database
killed part-way leaves the earlier batch as it was, and undo (killed once too) still works.
"""

from __future__ import annotations

import csv
import os
import pty
import random
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url

from tests.cli.import_files import HEADER, write_csv
from tests.cli.test_lead_stages import add_lead
from tests.helpers import Cli, snapshot
from tests.payment_data import make_contract
from tests.processes import holding, wait_until_waiting

ROWS = 10_000  # 3 to 5 seconds of importing (SQLite, PostgreSQL), a second of it writing
SECOND_ROWS = 3_000  # small enough to undo quickly (see the note at the undo)
TIMEOUT = 120.0
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")
PROGRESS = re.compile(r"(Checking rows|Writing leads)[^\d%\n]*?(\d{1,3})%")
CHECKING, WRITING = "Checking rows", "Writing leads"
BATCH_TABLES = ("leads", "customers", "contacts")

# Every kill of this process: (backend, where, what it left: "absent" or "whole"); each test
# prints its own (shown by ``pytest -rP``).
KILLS: list[tuple[str, str, str]] = []


def salesflow() -> list[str]:
    """The installed console script beside this Python (else ``python -m salesflow``)."""
    script = Path(sys.executable).with_name("salesflow")
    return [str(script)] if script.exists() else [sys.executable, "-m", "salesflow"]


# ---------------------------------------------------------------- the files


CHARS = "云栖华信腾达恒远博瑞鼎盛宏图金桥天成中科海纳星辰瑞丰嘉禾德隆永泰明阳新元汇通佳和广源百川"
TRADES = ("科技", "电子", "贸易", "物流", "软件", "机械", "生物", "建材", "食品", "咨询")
PLACES = (("浙江", "杭州"), ("上海", ""), ("广东", "深圳"), ("北京", ""), ("江苏", "南京"))
SURNAMES, GIVEN = "张王李赵刘陈杨黄周吴", "伟娜强敏静磊洋艳勇军"
SOURCES = ("展会", "website", "来电咨询")


@dataclass(frozen=True)
class LeadFile:
    path: Path
    valid: int  # rows that become leads
    rejected: int  # duplicate and invalid rows (the rejects file)

    @property
    def rejects(self) -> Path:
        return self.path.with_name(self.path.stem + ".rejects.csv")


def company_rows(count: int, *, start: int, seed: int) -> list[list[str]]:
    """``count`` valid rows with distinct Chinese company names, phones and emails."""
    pick = random.Random(seed)
    rows = []
    for number in range(start, start + count):
        province, city = pick.choice(PLACES)
        name = "".join(pick.choice(CHARS) for _ in range(4))
        rows.append(
            [
                f"{name}{number}{pick.choice(TRADES)}有限公司",
                pick.choice(SURNAMES) + pick.choice(GIVEN),
                f"139{number:08d}",
                f"lead{number}@example{number % 97}.cn",
                province,
                city,
                pick.choice(SOURCES),
                f"{pick.randint(1, 99)}万",
                "",
            ]
        )
    return rows


def lead_file(
    path: Path, count: int, *, start: int = 0, seed: int = 9, also: Sequence[list[str]] = ()
) -> LeadFile:
    """A file of ``count`` valid rows, 1% repeated (duplicates), 0.5% with a bad phone
    (invalid), and ``also`` (rows the database already has: duplicates too)."""
    valid = company_rows(count, start=start, seed=seed)
    rows = list(valid)
    repeated = [list(row) for row in valid[::100]]
    bad = [
        [f"坏号码公司{n}", "钱七", "12345", "", "浙江", "杭州", "展会", "", ""]
        for n in range(count // 200)
    ]
    pick = random.Random(seed + 1)
    for extra in (*repeated, *bad, *also):
        rows.insert(pick.randrange(len(rows) + 1), list(extra))
    write_csv(path, rows, HEADER)
    return LeadFile(path, count, len(repeated) + len(bad) + len(also))


# ---------------------------------------------------------------- the database


class Db:
    """Reading and probing the test database from outside the processes under test."""

    def __init__(self, url: str, cli: Cli) -> None:
        self.url = url
        self.cli = cli
        self.engine: Engine = create_engine(url)
        self.backend = self.engine.dialect.name
        self.probe: sqlite3.Connection | None = None

    def close(self) -> None:
        self.engine.dispose()
        if self.probe is not None:
            self.probe.close()

    def counts(self) -> dict[str, int]:
        """Rows of every table, and (as ``audit_events:import``) the import events."""
        with self.engine.connect() as connection:
            names = sorted(inspect(connection).get_table_names())
            found = {
                name: int(connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one())
                for name in names
                if name != "alembic_version"
            }
            found["audit_events:import"] = int(
                connection.execute(
                    text("SELECT count(*) FROM audit_events WHERE action = 'import'")
                ).scalar_one()
            )
        return found

    def batch_rows(self, batch: int) -> dict[str, int]:
        with self.engine.connect() as connection:
            return {
                table: int(
                    connection.execute(
                        text(f"SELECT count(*) FROM {table} WHERE import_batch_id = :b"),
                        {"b": batch},
                    ).scalar_one()
                )
                for table in BATCH_TABLES
            }

    def batches(self) -> list[tuple[int, int, bool]]:
        """(id, leads_added, undone) of every import batch."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, leads_added, undone_at FROM import_batches ORDER BY id")
            ).all()
        return [(int(r[0]), int(r[1]), r[2] is not None) for r in rows]

    def writer_open(self) -> bool:
        """Whether another connection holds an open write transaction right now."""
        if self.backend == "sqlite":
            if self.probe is None:
                # One connection for every probe: opening and closing one each time would
                # make it, now and then, the last connection, whose closing checkpoints.
                path = make_url(self.url).database
                assert path
                self.probe = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                self.probe.execute("BEGIN IMMEDIATE")
                self.probe.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc):
                    raise
                return True
        return self.other_clients("AND backend_xid IS NOT NULL") > 0

    def other_clients(self, condition: str = "") -> int:
        """PostgreSQL: the other connections to this database (meeting ``condition``)."""
        with self.engine.connect() as connection:
            found = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    f"AND pid <> pg_backend_pid() {condition}"
                )
            ).scalar_one()
        return int(found)

    def settle(self) -> None:
        """PostgreSQL: wait until the killed client's backend has rolled back and gone."""
        if self.backend != "postgresql":
            return
        deadline = time.monotonic() + 30
        while True:
            if not self.other_clients():
                return
            assert time.monotonic() < deadline, "the killed client's backend lingers"
            time.sleep(0.05)


@pytest.fixture
def db(team: str, cli: Cli) -> Iterator[Db]:
    opened = Db(team, cli)
    first = len(KILLS)
    yield opened
    opened.close()
    for backend, where, outcome in KILLS[first:]:
        print(f"kill survived [{backend}] {where}: batch {outcome}")


def delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {
        name: after[name] - before.get(name, 0)
        for name in after
        if after[name] != before.get(name, 0)
    }


def whole_batch(file: LeadFile) -> dict[str, int]:
    """What one complete import of ``file`` adds to each table."""
    return {
        "audit_events": 1,
        "audit_events:import": 1,
        "contacts": file.valid,
        "customers": file.valid,
        "import_batches": 1,
        "leads": file.valid,
        "stage_changes": file.valid,
    }


# ---------------------------------------------------------------- running and killing


def environment() -> dict[str, str]:
    # A terminal that rich draws its progress bar on; English messages to match.
    return {**os.environ, "TERM": "xterm", "COLUMNS": "120", "LINES": "40", "SALESFLOW_LANG": "en"}


class Killable:
    """The entry point running with stderr on a pseudo-terminal, read as it draws."""

    def __init__(self, args: list[str], out: Path) -> None:
        master, slave = pty.openpty()
        self.started = time.monotonic()
        with out.open("wb") as stdout:
            self.process = subprocess.Popen(
                [*salesflow(), *args],
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=slave,
                env=environment(),
            )
        os.close(slave)
        self.master = master
        self.screen = ""  # everything drawn, without escape codes
        self.phase: tuple[str, int] | None = None

    def _read(self, timeout: float) -> bool:
        """Read what is drawn; False once the process has closed the terminal."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the other end is closed
            return False
        if not data:
            return False
        fresh = ANSI.sub("", data.decode("utf-8", "replace"))
        tail = self.screen[-200:] + fresh
        self.screen += fresh
        for match in PROGRESS.finditer(tail):
            self.phase = (match.group(1), int(match.group(2)))
        return True

    def wait_for(self, phase: str, percent: int) -> tuple[str, int]:
        """Return once the bar shows ``phase`` at ``percent`` or more."""
        order = (CHECKING, WRITING)
        alive = True
        while True:
            if self.phase is not None:
                seen, done = self.phase
                if order.index(seen) > order.index(phase) or (seen == phase and done >= percent):
                    return self.phase
            if not alive:  # everything it drew is read, and it never got there
                pytest.fail(
                    f"salesflow ended (exit {self.process.wait()}) before {phase} {percent}%: "
                    f"{self.screen[-2000:]}"
                )
            alive = self._read(0.05)
            if time.monotonic() - self.started > TIMEOUT:
                self.kill()
                pytest.fail(f"no {phase} {percent}% within {TIMEOUT}s: {self.screen[-2000:]}")

    def kill(self) -> bool:
        """SIGKILL; False when the process had already finished (only possible at the end)."""
        self.process.send_signal(signal.SIGKILL)
        code = self.process.wait(timeout=30)
        os.close(self.master)
        assert code in {-signal.SIGKILL, 0}, code
        return code == -signal.SIGKILL


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*salesflow(), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environment(),
        timeout=TIMEOUT,
        check=False,
    )


def db_check_passes(cli: Cli) -> None:
    # In this process: the command is the same, without a second start-up per kill.
    done = cli("db", "check", "-f", "json")
    assert done.exit_code == 0, done.stdout + done.stderr
    assert '"ok": false' not in done.stdout


def import_args(file: LeadFile) -> list[str]:
    return ["lead", "import", str(file.path), "--skip-invalid", "-f", "json"]


@dataclass(frozen=True)
class Kill:
    killed: bool  # False: the import had finished (possible only at the very end)
    # Killed while checking rows, or while the database showed its write transaction open:
    # nothing of it may remain.
    before_commit: bool


def kill_import(db: Db, file: LeadFile, phase: str, percent: int, out: Path) -> Kill:
    """Start importing ``file`` and kill it when its progress bar shows ``phase`` at
    ``percent`` or more."""
    process = Killable(import_args(file), out)
    seen = process.wait_for(phase, percent)
    writing = db.writer_open()
    killed = process.kill()
    if seen[0] == CHECKING and seen[1] < 100:
        assert not writing, "a write transaction while rows are still being checked"
    # Seen writing, the import may still commit before the probe or the kill lands on a
    # loaded machine: then the batch must be whole (after_kill), and the test asks that
    # at least one of its kills while writing came inside the transaction.
    return Kill(killed, killed and (seen[0] == CHECKING or writing))


def assert_rejects_whole_or_absent(file: LeadFile) -> None:
    """The rejects file is never half written."""
    if file.rejects.exists():
        with file.rejects.open(encoding="utf-8-sig", newline="") as handle:
            assert sum(1 for _ in csv.reader(handle)) == 1 + file.rejected


def after_kill(db: Db, file: LeadFile, before: dict[str, int], kill: Kill, *, label: str) -> str:
    """db check passes; the batch is all there or not at all (nothing at all when the kill
    came while its write transaction was open). Returns which."""
    db.settle()
    db_check_passes(db.cli)
    change = delta(before, db.counts())
    if not change:
        outcome = "absent"
    else:
        assert not kill.before_commit, f"{label}: the killed import left {change}"
        assert change == whole_batch(file), f"{label}: half a batch: {change}"
        (batch, added, undone) = db.batches()[-1]
        assert (added, undone) == (file.valid, False)
        assert db.batch_rows(batch) == dict.fromkeys(BATCH_TABLES, file.valid)
        outcome = "whole"
    assert_rejects_whole_or_absent(file)
    if kill.killed:
        KILLS.append((db.backend, label, outcome))
    return outcome


def import_completes(db: Db, file: LeadFile, before: dict[str, int]) -> int:
    """The import runs to the end and adds the whole batch; returns its number."""
    done = run(*import_args(file))
    assert done.returncode == 0, done.stderr
    assert f"Imported {file.valid} leads from {file.path.name} as batch" in done.stderr
    batch = int(re.findall(r"as batch (\d+)", done.stderr)[0])
    assert delta(before, db.counts()) == whole_batch(file)
    assert db.batch_rows(batch) == dict.fromkeys(BATCH_TABLES, file.valid)
    assert_rejects_whole_or_absent(file)
    assert file.rejects.exists()
    return batch


# ---------------------------------------------------------------- the tests


def test_killed_imports_leave_all_or_nothing(db: Db, tmp_path: Path) -> None:
    first = lead_file(tmp_path / "first.csv", ROWS)
    before = db.counts()
    out = tmp_path / "out.json"
    # While rows are being read and checked: nothing is written yet.
    kill = kill_import(db, first, CHECKING, 30, out)
    after_kill(db, first, before, kill, label="checking 30%")
    # Once every row is checked (looking for duplicates in the database, then taking the
    # write lock), as soon as writing starts, and past half-way.
    kill = kill_import(db, first, CHECKING, 100, out)
    after_kill(db, first, before, kill, label="checked, before writing")
    inside = []
    for percent in (1, 60):
        kill = kill_import(db, first, WRITING, percent, out)
        inside.append(kill.before_commit)
        if after_kill(db, first, before, kill, label=f"writing {percent}%") == "whole":
            # It committed before the kill: undo it, so the next kills start as before.
            (batch, _added, _undone) = db.batches()[-1]
            assert db.cli("lead", "import", "--undo", str(batch)).exit_code == 0
            before = db.counts()
    assert any(inside), "no kill came inside the write transaction"

    # At the very end the kill races the commit: all or nothing either way; when it
    # committed first, that is the complete import.
    kill = kill_import(db, first, WRITING, 100, out)
    if after_kill(db, first, before, kill, label="writing 100%, around the commit") == "absent":
        # Still usable: the same import runs to the end.
        import_completes(db, first, before)
    (first_batch, _added, _undone) = db.batches()[-1]

    # A second import into the populated database; it repeats some of the first file's
    # companies (duplicates in the database). Killed while writing, it leaves every row
    # as it was, the first batch included.
    again = company_rows(20, start=0, seed=9)
    second = lead_file(tmp_path / "second.csv", SECOND_ROWS, start=600_000, seed=2, also=again)
    rows_before = snapshot(db.url)
    before = db.counts()
    kill = kill_import(db, second, WRITING, 30, out)
    if after_kill(db, second, before, kill, label="second import, writing 30%") == "absent":
        assert snapshot(db.url) == rows_before
        second_batch = import_completes(db, second, before)
    else:  # on a loaded machine it may commit before the kill lands: whole, as checked
        (second_batch, _added, _undone) = db.batches()[-1]

    # An undo killed part-way leaves the batch whole and not undone; then undo removes all
    # of it and nothing of the first batch.
    undo = ["lead", "import", "--undo", str(second_batch)]
    if kill_in_transaction(db, undo, linger=0.3):
        db.settle()
        db_check_passes(db.cli)
        assert delta(before, db.counts()) == whole_batch(second)
        assert db.batches()[-1] == (second_batch, second.valid, False)
        KILLS.append((db.backend, "undo, 0.3 s into its write transaction", "whole"))
        undone = db.cli(*undo)
        assert undone.exit_code == 0, undone.stderr
    assert db.batches()[-1] == (second_batch, second.valid, True)
    after = db.counts()
    for table in (*BATCH_TABLES, "stage_changes"):
        assert after[table] == before[table]
    assert db.batch_rows(first_batch) == dict.fromkeys(BATCH_TABLES, first.valid)
    db_check_passes(db.cli)


ATTEMPTS = 3


def kill_in_transaction(db: Db, args: list[str], *, linger: float = 0.0) -> bool | None:
    """Run ``args`` and SIGKILL it ``linger`` seconds after the database shows its write
    transaction open: True. False: it finished before the kill; None: before its
    transaction was seen."""
    process = subprocess.Popen(
        [*salesflow(), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=environment(),
    )
    while process.poll() is None:
        if db.writer_open():
            time.sleep(linger)
            process.send_signal(signal.SIGKILL)
            code = process.wait(timeout=30)
            assert code in {-signal.SIGKILL, 0}, code
            return code == -signal.SIGKILL
        time.sleep(0.001)
    assert process.stderr is not None
    assert process.returncode == 0, process.stderr.read()
    return None


def kill_while_blocked(db: Db, args: list[str], held: AbstractContextManager[None]) -> None:
    """Start ``args`` while ``held`` holds a row it needs, SIGKILL it once it waits for
    that row (inside its transaction, after its first writes on PostgreSQL), then let go."""
    with held:
        process = subprocess.Popen(
            [*salesflow(), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=environment(),
            text=True,
        )
        wait_until_waiting(db.url, [process])
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL


def test_killed_lead_add_and_payment_record_leave_all_or_nothing(cli: Cli, db: Db) -> None:
    """Short commands, killed while they wait inside their write transaction for a row
    someone else holds: nothing of them remains, and they still work afterwards.

    On PostgreSQL ``lead add`` has written its customer and contact when it waits for the
    owner's row (the new lead's foreign key), and ``payment record`` has locked the lead
    when it waits for the contract's row. On SQLite each waits for the write lock."""
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    contract = make_contract(db.url, lead)  # C-2026-0001, 11,300 yuan
    with db.engine.connect() as connection:
        owner = connection.execute(text("SELECT id FROM users WHERE username = 'li.na'")).one()[0]
    as_rep = ["--as", "li.na", "--no-input"]
    commands: dict[str, tuple[Callable[[int], list[str]], tuple[str, int]]] = {
        "lead add": (
            lambda n: [
                *as_rep,
                *("lead", "add", "--source", "website", "--contact", "孙丽"),
                *("--company", f"宁波海纳{n}贸易有限公司", "--phone", f"1360000{n:04d}"),
            ],
            ("users", owner),
        ),
        "payment record": (
            lambda _n: [*as_rep, "payment", "record", "C-2026-0001", "10"],
            ("contracts", contract),
        ),
    }
    for name, (args, (table, row)) in commands.items():
        before = db.counts()
        done = run(*args(0))
        assert done.returncode == 0, done.stderr
        whole = delta(before, db.counts())
        assert whole
        for number in range(1, ATTEMPTS + 1):
            before = db.counts()
            kill_while_blocked(db, args(number), holding(db.url, table, row))
            db.settle()
            db_check_passes(db.cli)
            change = delta(before, db.counts())
            assert change == {}, f"{name} killed in its transaction left {change}"
            KILLS.append((db.backend, f"{name}, waiting inside its write transaction", "absent"))
        # Still usable.
        before = db.counts()
        assert run(*args(ATTEMPTS + 1)).returncode == 0
        assert delta(before, db.counts()) == whole
    with db.engine.connect() as connection:
        receipts = connection.execute(
            text("SELECT count(*), sum(amount_fen) FROM payment_receipts")
        ).one()
    assert receipts[0] == 2
    assert receipts[1] == receipts[0] * 10_00


def test_rejects_file_is_never_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rejects file is written beside its place and renamed over it: an import that
    dies while writing it leaves the earlier file whole (and no partial file)."""
    from salesflow.workflow import imports
    from salesflow.workflow.exports import escape_cell as escape

    plan = imports.ImportPlan(file_name="leads.csv", headers=list(HEADER), ignored_columns=[])
    plan.rejected = {
        n: (tuple(row), "bad") for n, row in enumerate(company_rows(50, start=0, seed=3), 2)
    }
    path = tmp_path / "leads.rejects.csv"
    path.write_text("the earlier rejects\n", encoding="utf-8")
    calls = 0

    def failing(value: str, name: str) -> str:
        nonlocal calls
        calls += 1
        if calls > 200:
            raise OSError("disk full")
        return escape(value, name)

    monkeypatch.setattr(imports, "escape_cell", failing)
    with pytest.raises(OSError, match="disk full"):
        imports.write_rejects(plan, path)
    assert path.read_text(encoding="utf-8") == "the earlier rejects\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leads.rejects.csv"]
    monkeypatch.setattr(imports, "escape_cell", escape)
    imports.write_rejects(plan, path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.reader(handle))) == 51
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leads.rejects.csv"]
