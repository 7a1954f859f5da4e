"""Who sees what, command by command (issue 9, item 5).

One table, :data:`SWEEP`, names every command that touches lead data and the kind of
check it gets; a test fails when the command tree has a command that is neither in the
table nor in :data:`NO_LEAD_DATA`. The data (tests/visibility_data.py) gives li.na,
zhang.wei (both in wang.qiang's team) and liu.yang (chen.jing's team) one deal each, with
activities, quotes, an approval, a signed contract with a payment, service visits, a
ticket, a referral, a birthday, an import batch and a target; and one unassigned lead.

Acting as li.na (a rep):

* ``list``: the others' records are absent from the output, in every format the command
  offers (table, json, csv, markdown); where ``mine`` is set, her own are there.
* ``read``: a record of zhang.wei's or liu.yang's is "not found" or refused (exit 1 or 2,
  one error line) and nothing of it shows; her own record is shown.
* ``change``: the same refusal, and the database is unchanged.
* ``report``: her own report names and counts none of the others' records; asking for
  liu.yang's or zhang.wei's (``--user``) or the team's is refused.
* ``export``: what is written (to a file or stdout) holds none of the others' records,
  and is audited (see the export tests at the end).

The database is built once per backend and module (building it per test would take most
of the time budget); refused commands leave it unchanged, and the export tests only add
audit events.
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Cli, Result
from tests.visibility_data import Deal, build_world

ME = "li.na"
TEAMMATE = "zhang.wei"
OTHER_TEAM = "liu.yang"

# Commands that read or change no lead, customer, deal or service data (or only the
# admin's own setup), so the rule has nothing to hide in them.
NO_LEAD_DATA = {
    "init",  # admin only; creates the database
    "config show",
    "config rubric",
    "user add",
    "user edit",
    "user list",
    "user whoami",
    "db check",
    "db upgrade",
    "product add",
    "product edit",
    "product import",
    "product list",
    "product show",
}


@dataclass(frozen=True)
class Check:
    kind: str  # list | read | change | report | export
    line: str  # the command; {d.*} is the other rep's deal, {me.*} li.na's, {tmp} a folder
    mine: bool = False  # list/report/export: li.na's own token must show (not vacuous)
    refused: bool = False  # list/report: refused outright for a rep (exit 1, nothing shown)


def _c(kind: str, line: str, *, mine: bool = False, refused: bool = False) -> Check:
    return Check(kind, line, mine, refused)


# fmt: off
SWEEP: list[Check] = [
    # lists
    _c("list", "lead list", mine=True),
    _c("list", "lead list --search {d.token}"),
    _c("list", "lead list --owner {d.owner}"),
    _c("list", "lead list --unassigned"),
    _c("list", "lead duplicates"),
    _c("list", "lead import --list", mine=True),
    _c("list", "activity list", mine=True),
    _c("list", "activity list --user {d.owner}"),
    _c("list", "quote list", mine=True),
    _c("list", "quote list --owner {d.owner}"),
    _c("list", "quote list --lead {d.lead}"),
    _c("list", "contract list", mine=True),
    _c("list", "contract list --owner {d.owner}"),
    _c("list", "payment list", mine=True),
    _c("list", "payment list --owner {d.owner}"),
    _c("list", "payment list --contract {d.contract}"),
    _c("list", "approval list"),
    _c("list", "approval list --mine", mine=True),
    _c("list", "approval list --all", refused=True),
    _c("list", "service visit list", mine=True),
    _c("list", "service visit list --customer C{d.customer}"),
    _c("list", "service ticket list", mine=True),
    _c("list", "service referral list"),
    _c("list", "service care upcoming --days 366", mine=True),
    _c("list", "today", mine=True),
    _c("list", "audit list", mine=True),
    _c("list", "audit list --user {d.owner}"),
    # one record
    _c("read", "lead show {d.lead}"),
    _c("read", "lead history {d.lead}"),
    _c("read", "quote show {d.quote}"),
    _c("read", "contract show {d.contract}"),
    _c("read", "contract verify {d.contract}"),
    _c("read", "payment schedule {d.contract}"),
    # changes
    _c("change", "lead add --company {d.company} --source website"),
    _c("change", "lead edit {d.lead} --notes x"),
    _c("change", "lead grade {d.lead} --employees 50 --budget 100000"),
    _c("change", "lead advance {d.lead} --to contacted"),
    _c("change", "lead lose {d.lead} --reason price"),
    _c("change", "lead reopen {d.lead} --to new"),
    _c("change", "lead assign {d.lead} --to li.na"),
    _c("change", "lead claim {d.lead}"),
    _c("change", "lead merge {me.lead} {d.lead} --yes"),
    _c("change", "lead import --undo {d.batch}"),
    _c("change", "activity log {d.lead} --kind call --summary x --next-date tomorrow --next-action y"),  # noqa: E501
    _c("change", "quote new {d.lead} --line ERP-STD:1"),
    _c("change", "quote edit {d.draft} --notes x"),
    _c("change", "quote revise {d.quote} --notes x"),
    _c("change", "quote submit {d.draft}"),
    _c("change", "quote send {d.quote}"),
    _c("change", "quote accept {d.quote}"),
    _c("change", "quote reject {d.quote} --reason price"),
    _c("change", "approval approve {d.approval}"),
    _c("change", "approval reject {d.approval} --comment no"),
    _c("change", "contract new --quote {d.quote}"),
    _c("change", "contract submit {d.contract}"),
    _c("change", "contract review {d.contract} --approve"),
    _c("change", "contract send {d.contract}"),
    _c("change", "contract sign {d.contract} --signer x"),
    _c("change", "contract cancel {d.contract} --reason x"),
    _c("change", "payment schedule {d.contract} --plan 100%:sign"),
    _c("change", "payment record {d.contract} 1.00"),
    _c("change", "payment delivered {d.contract}"),
    _c("change", "service visit log C{d.customer} --satisfaction 5"),
    _c("change", "service visit schedule C{d.customer} --on 2031-01-01"),
    _c("change", "service ticket open C{d.customer} --title x"),
    _c("change", "service ticket respond {d.ticket} --text x"),
    _c("change", "service ticket resolve {d.ticket} --resolution x"),
    _c("change", "service referral ask C{d.customer}"),
    _c("change", "service care birthday C{d.customer} --on 1990-01-01"),
    _c("change", "target set --user {d.owner} --period 2026-12 --amount 1"),
    _c("change", "db backup {tmp}/backup.db"),
    _c("change", "db restore {tmp}/backup.db --force"),
    # reports
    _c("report", "report daily", mine=True),
    _c("report", "report weekly", mine=True),
    _c("report", "report monthly", mine=True),
    _c("report", "report kpi", mine=True),
    _c("report", "report daily --user {d.owner}", refused=True),
    _c("report", "report weekly --user {d.owner}", refused=True),
    _c("report", "report monthly --user {d.owner}", refused=True),
    _c("report", "report kpi --user {d.owner}", refused=True),
    _c("report", "report weekly --team", refused=True),
    _c("report", "report kpi --team", refused=True),
    _c("report", "target show --all", mine=True),
    _c("report", "target show --user {d.owner}", refused=True),
    _c("report", "pipeline show --by rep", mine=True),
    _c("report", "pipeline show --owner {d.owner}"),
    _c("report", "pipeline show --team", refused=True),
    # exports
    _c("export", "lead export --to {tmp}/leads.csv", mine=True),
    _c("export", "lead export --to {tmp}/leads.json", mine=True),
    _c("export", "lead export --to -", mine=True),
    _c("export", "lead export --to {tmp}/o.csv --owner {d.owner}"),
    _c("export", "today --ics {tmp}/me.ics", mine=True),
    _c("read", "quote export {d.quote} --to {tmp}/quote.html"),
]
# fmt: on

# Markdown is the table's words in another frame: table, JSON and CSV cover what is shown.
FORMATS = ("table", "json", "csv")


# ------------------------------------------------------------------ the command tree


def _leaf_commands() -> dict[str, Any]:
    import typer.main

    from salesflow.cli.groups import register_commands
    from salesflow.cli.main import app

    register_commands()
    found: dict[str, Any] = {}

    def walk(command: Any, path: list[str]) -> None:
        children = getattr(command, "commands", None)
        if children:
            for name, child in children.items():
                walk(child, [*path, name])
        else:
            found[" ".join(path)] = command

    walk(typer.main.get_command(app), [])
    return found


def _command_path(line: str, leaves: dict[str, Any]) -> str:
    words = line.split()
    for size in (3, 2, 1):
        path = " ".join(words[:size])
        if path in leaves:
            return path
    raise AssertionError(f"no such command: {line}")


def _formats(path: str, leaves: dict[str, Any]) -> list[str]:
    """The output formats ``path`` offers (just the default when it has no --format)."""
    for param in leaves[path].params:
        if "--format" in getattr(param, "opts", ()):
            return [f for f in FORMATS if f in (param.help or "")] or ["table"]
    return ["table"]


def test_every_command_is_swept_or_allowed() -> None:
    leaves = _leaf_commands()
    swept = {_command_path(check.line, leaves) for check in SWEEP}
    missing = sorted(set(leaves) - swept - NO_LEAD_DATA)
    assert missing == [], f"add these commands to SWEEP or NO_LEAD_DATA: {missing}"
    assert not swept & NO_LEAD_DATA
    assert not NO_LEAD_DATA - set(leaves), "NO_LEAD_DATA names a command that is gone"


# ------------------------------------------------------------------ the shared world


@dataclass
class World:
    url: str
    deals: dict[str, Deal]
    tmp: Path
    tables: list[Any] = field(default_factory=list)  # reflected once (it is slow)


def _snapshot(world: World) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as tests.helpers.snapshot, with the reflection cached."""
    from sqlalchemy import MetaData, create_engine, select

    engine = create_engine(world.url)
    try:
        if not world.tables:
            metadata = MetaData()
            metadata.reflect(engine)
            world.tables.extend(sorted(metadata.tables.values(), key=lambda t: t.name))
        with engine.connect() as connection:
            return {
                table.name: sorted(
                    (tuple(row) for row in connection.execute(select(table)).all()), key=repr
                )
                for table in world.tables
            }
    finally:
        engine.dispose()


class _QuietCli(Cli):
    """The CLI runner for module-scoped set-up, where capsys is not available."""

    def __init__(self) -> None:
        pass

    def __call__(self, *args: str) -> Result:
        import contextlib
        import io

        from salesflow.cli.main import run

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run(list(args))
        return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    from tests.conftest import ENV_VARS

    tmp = tmp_path_factory.mktemp(f"visibility-{request.param}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SALESFLOW_HOME", str(tmp / "home"))
        patch.setenv("LOGNAME", "boss")
        patch.setenv("LANG", "C.UTF-8")
        for name in ENV_VARS:
            patch.delenv(name, raising=False)
        if request.param == "sqlite":
            url = f"sqlite:///{tmp / 'salesflow.db'}"
            patch.setenv("SALESFLOW_DB_URL", url)
            yield _built(url, tmp)
            return
        server = request.getfixturevalue("pg_server")
        with server.database() as url:
            patch.setenv("SALESFLOW_DB_URL", url)
            yield _built(url, tmp)


def _built(url: str, tmp: Path) -> World:
    cli = _QuietCli()
    done = cli("init", "--sample-team")
    assert done.exit_code == 0, done.stderr
    return World(url, build_world(cli, url, tmp), tmp)


@pytest.fixture
def on(world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> World:
    """The shared world, as the database of this test (each test a fresh temp folder)."""
    monkeypatch.setenv("SALESFLOW_DB_URL", world.url)
    return World(world.url, world.deals, tmp_path, world.tables)


# ------------------------------------------------------------------ checks


def _args(check_line: str, world: World, owner: str) -> list[str]:
    line = check_line.format(d=world.deals[owner], me=world.deals[ME], tmp=world.tmp)
    return shlex.split(line)


def _hidden(world: World, viewer: str) -> list[Deal]:
    """The deals ``viewer`` may not see."""
    seen = {
        ME: {ME, "pool"},
        TEAMMATE: {TEAMMATE, "pool"},
        "wang.qiang": {ME, TEAMMATE, "pool"},
        "zhao.min": set(world.deals),
        "boss": set(world.deals),
    }[viewer]
    return [deal for key, deal in world.deals.items() if key not in seen]


def _leaks(
    world: World, viewer: str, *texts: str, typed: Sequence[str] = ()
) -> dict[str, list[str]]:
    """The hidden deals' secrets in ``texts``, less what the person typed themselves (an
    error may repeat the number it was given)."""
    words = " ".join(typed)
    leaked = {}
    for deal in _hidden(world, viewer):
        found = [s for s in deal.leaks("\n".join(texts)) if s not in words]
        if found:
            leaked[str(deal.owner)] = found
    return leaked


def _run(cli: Cli, user: str, args: list[str], fmt: str | None = None) -> Result:
    extra = [] if fmt is None or fmt == "table" else ["--format", fmt]
    return cli("--as", user, "--no-input", "--lang", "en", *args, *extra)


def _files(folder: Path) -> str:
    return "\n".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    )


def _ids(check: Check) -> str:
    return f"{check.kind}: {check.line}"


LEAVES: dict[str, Any] = {}


def _path_of(check: Check) -> str:
    if not LEAVES:
        LEAVES.update(_leaf_commands())
    return _command_path(check.line, LEAVES)


@pytest.mark.parametrize("check", SWEEP, ids=_ids)
def test_a_rep_sees_nothing_of_other_reps(cli: Cli, on: World, check: Check) -> None:
    path = _path_of(check)
    others = [TEAMMATE, OTHER_TEAM]
    if check.kind in {"list", "report", "export"}:
        for owner in others:
            args = _args(check.line, on, owner)
            formats = _formats(path, LEAVES) if check.kind != "export" else ["table"]
            if owner == TEAMMATE and "{d." in check.line:
                formats = formats[-2:-1] if len(formats) > 1 else formats  # json
            for fmt in formats:
                result = _run(cli, ME, args, fmt)
                assert "Traceback" not in result.stderr, result.stderr
                written = _files(on.tmp)
                leaked = _leaks(on, ME, result.stdout, result.stderr, written, typed=args)
                assert leaked == {}, (fmt, args, result.stdout, result.stderr)
                if check.refused:
                    assert result.exit_code in {1, 2}, result.stderr
                    assert result.stdout == ""
                    break
                if "{d." not in check.line:
                    assert result.exit_code == 0, (fmt, result.stderr)
                else:
                    assert result.exit_code in {0, 1, 2}, (fmt, result.stderr)
                if check.mine and fmt in {"json", "table"} and result.exit_code == 0:
                    own = on.deals[ME].leaks(result.stdout + written)
                    if fmt == "json" or check.kind == "export" or path in _TABLE_SHOWS_MINE:
                        assert own, ("li.na's own records should show", fmt, result.stdout)
            if "{d." not in check.line:
                break  # the same command for either owner
        return
    before = _snapshot(on)
    for owner in others:
        args = _args(check.line, on, owner)
        result = _run(cli, ME, args)
        assert result.exit_code in {1, 2}, (args, result.exit_code, result.stdout)
        assert result.stdout == "", result.stdout
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("Error: "), result.stderr
        leaked = _leaks(on, ME, result.stderr, _files(on.tmp), typed=args)
        assert leaked == {}, result.stderr
    assert _snapshot(on) == before


# A table may cut long cells; these tables show the company name in full.
_TABLE_SHOWS_MINE: set[str] = set()


# ------------------------------------------------------------------ the other side


def _json(cli: Cli, user: str, *args: str) -> Any:
    result = _run(cli, user, list(args), "json")
    assert result.exit_code == 0, (args, result.stderr)
    return json.loads(result.stdout)


def test_each_role_sees_its_scope(cli: Cli, on: World) -> None:
    """Not vacuous: the same commands do show what each person may see."""
    deals = on.deals
    expected = {
        ME: {ME, "pool"},
        "wang.qiang": {ME, TEAMMATE, "pool"},
        "zhao.min": {ME, TEAMMATE, OTHER_TEAM, "pool"},
    }
    for viewer, keys in expected.items():
        leads = _json(cli, viewer, "lead", "list", "--all", "--limit", "100")
        shown = {lead["id"] for lead in leads}
        for key, deal in deals.items():
            assert (deal.lead in shown) == (key in keys), (viewer, key)
        listed = json.dumps(
            [
                _json(cli, viewer, *args)
                for args in (("quote", "list"), ("contract", "list"), ("payment", "list"))
            ],
            ensure_ascii=False,
        )
        for key, deal in deals.items():
            if deal.quote:
                assert (deal.quote in listed) == (key in keys), (viewer, key)
                assert (deal.contract in listed) == (key in keys), (viewer, key)
        assert _leaks(on, viewer, listed) == {}, (viewer, listed)
    mine = deals[ME]
    for args in (
        ["lead", "show", str(mine.lead)],
        ["lead", "history", str(mine.lead)],
        ["quote", "show", mine.quote],
        ["contract", "show", mine.contract],
    ):
        result = _run(cli, ME, args, "json" if args[1] != "show" or args[0] == "lead" else None)
        assert result.exit_code == 0, (args, result.stderr)
    # A manager reads a rep of his team's records, not another team's.
    for key, code in ((TEAMMATE, 0), (OTHER_TEAM, 2)):
        assert _run(cli, "wang.qiang", ["quote", "show", deals[key].quote]).exit_code == code


def test_a_reps_report_counts_only_her_own(cli: Cli, on: World) -> None:
    """Her report's figures are hers: zhao.min's report for her says the same, and
    liu.yang's (asked by the director) differs."""
    for report in ("daily", "weekly", "monthly", "kpi"):
        own = _json(cli, ME, "report", report)
        for_her = _json(cli, "zhao.min", "report", report, "--user", ME)
        for key in ("scope", "as_of"):  # "self" and "user"; the time it was made
            own.pop(key, None), for_her.pop(key, None)
        assert own == for_her, report
        assert _leaks(on, ME, json.dumps(own, ensure_ascii=False)) == {}
    pipeline = _json(cli, ME, "pipeline", "show", "--by", "rep")
    assert "liu.yang" not in json.dumps(pipeline)
    assert "zhang.wei" not in json.dumps(pipeline)
    targets = json.dumps(_json(cli, ME, "target", "show", "--period", "2026-11"))
    assert "98765" not in targets.replace(",", "")
    assert "liu.yang" not in targets


# ------------------------------------------------------------------ exports are audited


def _exports(cli: Cli, user: str) -> list[dict[str, Any]]:
    lines = _json(cli, user, "audit", "list", "--limit", "1000")
    return [line for line in lines if line["action"] in {"export", "backup"}]


# (who, command, entity, what the audit summary says). li.na may export 3 leads: her
# deal, her imported lead and the unassigned one; 1 of them has a next step.
EXPORTS: list[tuple[str, str, str, str]] = [
    (ME, "lead export --to {tmp}/mine.csv", "leads", "3 leads as csv to {tmp}/mine.csv"),
    (ME, "lead export --to {tmp}/mine.json", "leads", "3 leads as json to {tmp}/mine.json"),
    (ME, "lead export --to {tmp}/mine.xlsx", "leads", "3 leads as xlsx to {tmp}/mine.xlsx"),
    (ME, "lead export --to - --format json", "leads", "3 leads as json to -"),
    (ME, "today --ics {tmp}/mine.ics", "leads", "1 follow-ups of li.na as ics to {tmp}/mine.ics"),
    (ME, "quote export {me.quote} --to {tmp}/q.html", "quote", "quote {me.quote} v1 as html"),
    ("boss", "db backup {tmp}/all.db", "database", "{tmp}/all.db"),
]


@pytest.mark.parametrize("export", EXPORTS, ids=[e[1] for e in EXPORTS])
def test_every_export_is_audited(cli: Cli, on: World, export: tuple[str, str, str, str]) -> None:
    who, line, entity, says = export
    home = Path(os.environ["SALESFLOW_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('company_name = "Our Co"\n', encoding="utf-8")
    before = _exports(cli, who)
    args = _args(line, on, OTHER_TEAM)
    result = _run(cli, who, args)
    if result.exit_code != 0 and line.startswith("db backup") and "postgresql" in on.url:
        assert _exports(cli, who) == before  # PostgreSQL is backed up with pg_dump
        return
    assert result.exit_code == 0, result.stderr
    written = result.stdout + _files(on.tmp)
    if line.startswith("lead export") and "xlsx" not in line:
        assert on.deals[ME].company in written
        assert on.deals["pool"].company in written
    assert _leaks(on, who, written) == {}
    new = [event for event in _exports(cli, who) if event not in before]
    assert len(new) == 1, new
    (event,) = new
    assert event["user"] == who
    assert event["entity"] == entity
    assert says.format(tmp=on.tmp, me=on.deals[ME]) in event["summary"], event
