"""The one runner and checker of the fuzz tests.

:meth:`Fuzzer.fuzz` runs a command with Hypothesis-drawn arguments, always with
``--no-input``, mostly as a user who may perform it, sometimes as one who may not, now and
then as a name that is no user at all, and checks every example:

* the exit code is 0, or 1 or 2 with exactly one ``Error:`` line, the last on stderr;
* no output carries a traceback or an "Unexpected failure";
* after a failure the database is exactly as before (every row of every table).

:meth:`Fuzzer.finish` then checks each database the test wrote: ``salesflow db check``
exits 0, and on SQLite ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check`` are
clean. It fails the test with every command that failed, each with its smallest example.
"""

from __future__ import annotations

import itertools
import sqlite3
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, MetaData, Table, create_engine, select
from sqlalchemy.pool import NullPool

from tests.fuzz.values import Args, FileArg, OutPath, hostile_text
from tests.helpers import Cli, Result, snapshot

# Examples per command at the default of 100 examples per test (the "deep" profile has
# ten times as many); PostgreSQL runs a smaller share.
EXAMPLES = {"sqlite": 30, "postgresql": 8}

State = dict[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Command:
    """One command that writes: its words, its arguments, and who may run it."""

    words: tuple[str, ...]
    args: st.SearchStrategy[Args]
    allowed: tuple[str, ...]
    denied: tuple[str, ...] = ()
    # The name in the figures when it is not just the words (``lead import --undo``).
    label: str = ""
    # A share of the examples: 0.5 halves them (for the costly ones).
    weight: float = 1.0
    # Run against a database file of its own (``--db PATH``), made afresh per example
    # (``salesflow init``); the path is drawn like any other.
    database: st.SearchStrategy[OutPath] | None = None
    # It may replace the database or change its schema (restore, init).
    fresh_schema: bool = False

    @property
    def name(self) -> str:
        return self.label or " ".join(self.words)


def actors(command: Command) -> st.SearchStrategy[str]:
    """Mostly someone allowed; sometimes someone who is not, or no user at all."""
    nobody = hostile_text().filter(lambda name: not name.startswith("-"))
    denied = st.sampled_from(command.denied) if command.denied else nobody
    return st.integers(0, 9).flatmap(
        lambda n: st.sampled_from(command.allowed) if n < 7 else denied if n < 9 else nobody
    )


def check_outcome(result: Result, argv: list[str]) -> None:
    """Success, or one clean ``Error:`` line with exit 1 or 2; never a traceback."""
    where = f"salesflow {argv!r}\nexit {result.exit_code}\nstderr: {result.stderr!r}"
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream, where
    assert "Unexpected failure" not in result.stderr, where
    if result.exit_code == 0:
        return
    assert result.exit_code in (1, 2), where
    lines = result.stderr.strip().splitlines()
    if "--dry-run" in argv and lines and lines[-1].startswith("Dry run of "):
        return  # a dry run reports its rows and exits as the import would (README)
    # Notes may come first (an import names the columns it ignores); the error is one line.
    assert lines, where
    assert lines[-1].startswith("Error: "), where
    assert sum(line.startswith("Error: ") for line in lines) == 1, where


def describe(exc: BaseException) -> str:
    """The failure and its falsifying example (Hypothesis adds it as a note); each one of
    an exception group."""
    if isinstance(exc, BaseExceptionGroup):
        return "\n".join(describe(one) for one in exc.exceptions)
    return "".join(traceback.format_exception_only(exc))


def differences(before: State, after: State) -> str:
    changed = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, []), after.get(table, [])
        if old != new:
            gone = [row for row in old if row not in new][:3]
            came = [row for row in new if row not in old][:3]
            changed.append(f"{table}: -{gone!r} +{came!r}")
    return "\n".join(changed)


@dataclass
class Fuzzer:
    cli: Cli
    url: str
    folder: Path
    record: Callable[[str, object], None]
    # Contents a FileArg can start from (``FileArg(base="backup")``), set by a test.
    files: dict[str, bytes] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[tuple[str, int]] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    written: set[str] = field(default_factory=set)  # databases a command wrote
    _serial: itertools.count[int] = field(default_factory=itertools.count)
    _states: dict[str, State] = field(default_factory=dict)
    _schemas: dict[str, tuple[Engine, list[tuple[str, Table]]]] = field(default_factory=dict)

    @property
    def backend(self) -> str:
        return "sqlite" if self.url.startswith("sqlite") else "postgresql"

    def examples(self, command: Command) -> int:
        scale = settings().max_examples / 100
        return max(2, round(EXAMPLES[self.backend] * command.weight * scale))

    def fuzz(self, command: Command) -> None:
        """Run ``command`` on its share of examples; each one is checked."""
        databases = st.none() if command.database is None else command.database

        @settings(max_examples=self.examples(command))
        @given(user=actors(command), args=command.args, database=databases)
        def example(user: str, args: Args, database: OutPath | None) -> None:
            self.run(command, user, args, database)

        try:
            example()
        except Exception as exc:  # the other commands still run; finish() reports them all
            self.failures.append(f"--- {command.name}:\n{describe(exc)}")

    def run(
        self, command: Command, user: str, args: Args, database: OutPath | None = None
    ) -> Result:
        folder = self.folder / f"x{next(self._serial)}"
        folder.mkdir(parents=True)
        prefix: list[str] = []
        url = self.url
        if database is not None:
            path = self.materialize(database, folder)
            prefix, url = ["--db", path], f"sqlite:///{path}"
        words = [self.materialize(arg, folder) for arg in args]
        argv = ["--no-input", *prefix, "--as", user, *command.words, *words]
        before = self.state(url)
        try:
            result = self.cli(*argv)
        finally:
            # The next example compares with the database as it is now.
            if command.fresh_schema:
                self.forget_schema(url)
            after = self._states[url] = self.snapshot(url)
        self.counts[command.name] += 1
        self.outcomes[(command.name, result.exit_code)] += 1
        check_outcome(result, argv)
        if result.exit_code != 0:
            assert after == before, f"salesflow {argv!r} failed but wrote:\n" + differences(
                before, after
            )
        elif after != before:
            self.written.add(url)
        return result

    def state(self, url: str) -> State:
        if url not in self._states:
            self._states[url] = self.snapshot(url)
        return self._states[url]

    def snapshot(self, url: str) -> State:
        """What :func:`tests.helpers.snapshot` gives, with the schema reflected once per
        database rather than on every call (that is 95% of its time); :meth:`finish`
        checks that the two agree. A SQLite file that does not exist is empty (and is
        not created by looking)."""
        if url.startswith("sqlite:///") and not _is_file(url.removeprefix("sqlite:///")):
            self.forget_schema(url)
            return {}
        if url not in self._schemas:
            engine = create_engine(url, poolclass=NullPool)
            metadata = MetaData()
            metadata.reflect(engine)
            self._schemas[url] = (engine, sorted(metadata.tables.items()))
        engine, tables = self._schemas[url]
        with engine.connect() as connection:
            return {
                name: sorted(
                    (tuple(row) for row in connection.execute(select(table)).all()), key=repr
                )
                for name, table in tables
            }

    def forget_schema(self, url: str) -> None:
        found = self._schemas.pop(url, None)
        if found is not None:
            found[0].dispose()

    def materialize(self, arg: Any, folder: Path) -> str:
        if isinstance(arg, FileArg):
            path = folder / f"{arg.name}{arg.suffix}"
            path.write_bytes(arg.bytes(self.files))
            return str(path)
        if isinstance(arg, OutPath):
            return str(out_path(arg, folder))
        return str(arg)

    def finish(self) -> None:
        """Every command passed; every database written is consistent."""
        assert not self.failures, "\n".join(self.failures)
        for url in sorted({self.url} | self.written):
            self.check_database(url)
        for name, count in sorted(self.counts.items()):
            self.record(f"fuzz {name}", count)
        for (name, code), count in sorted(self.outcomes.items()):
            self.record(f"fuzz-exit {name} {code}", count)
        self.counts.clear()
        self.outcomes.clear()

    def check_database(self, url: str) -> None:
        """``db check`` passes; on SQLite, integrity_check and foreign_key_check too."""
        if url == self.url:
            assert self.snapshot(url) == snapshot(url)
        self.forget_schema(url)
        result = self.cli("--no-input", "--db", url, "--as", "boss", "db", "check")
        assert result.exit_code == 0, f"{url}\n{result.stdout}{result.stderr}"
        if url.startswith("sqlite:///"):
            connection = sqlite3.connect(url.removeprefix("sqlite:///"))
            try:
                assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
            finally:
                connection.close()


def _is_file(path: str) -> bool:
    try:
        return Path(path).is_file()
    except (OSError, ValueError):  # a name too long, a NUL: no such file
        return False


def out_path(arg: OutPath, folder: Path) -> Path:
    """Make the situation ``arg.kind`` names, and return the path to write to."""
    if arg.kind == "missing-dir":
        return folder / "no-such-folder" / arg.name
    path = folder / "out" / arg.name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if arg.kind == "existing":
            path.write_bytes(b"already here\n")
        elif arg.kind == "directory":
            path.mkdir()
    except (OSError, ValueError):
        pass  # a name the file system refuses: the command meets it as it is
    return path
