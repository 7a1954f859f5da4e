"""Input the fuzz tests (tests/fuzz) found crashing commands that write: each is now a
clean error that changes nothing. On SQLite and PostgreSQL.

* a digit that ``str.isdigit()`` accepts and ``int()`` does not (², ①) as a record number;
* a record number beyond 2**31 - 1, which PostgreSQL's INTEGER ids cannot hold;
* a NUL in a name that is looked up (PostgreSQL refuses NUL in a query);
* a path the file system refuses (a name too long, a NUL) to write to.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.world import build
from tests.helpers import Cli, assert_refused_unchanged

LONG = "n" * 300


@pytest.fixture
def world(team: str, cli: Cli) -> str:
    """The fuzz tests' small data set: leads 1-8, customer C7 has bought, ticket 1."""
    build(team, cli)
    return team


DIGITS = [
    (["lead", "edit", "²", "--notes", "x"], "lead number"),
    (["lead", "add", "--contact", "x", "--source", "website", "--attach-to", "C²"], "C²"),
    (["lead", "advance", "L³"], "lead number"),
    (["activity", "log", "①", "--kind", "call", "--summary", "x"], "lead number"),
    (["service", "ticket", "respond", "²", "--text", "x"], "ticket number"),
    (["service", "visit", "log", "C7", "--satisfaction", "²", "--note", "x"], "1 to 5"),
    (["service", "visit", "log", "C²", "--satisfaction", "5", "--note", "x"], "C²"),
]


def test_digits_that_are_not_numbers(world: str, cli: Cli) -> None:
    for args, needle in DIGITS:
        assert_refused_unchanged(cli, world, ["--no-input", "--as", "li.na", *args], 2, needle)


BEYOND = [
    ("li.na", ["lead", "edit", "2147483648", "--notes", "x"], "No lead 2147483648"),
    (
        "li.na",
        ["lead", "add", "--contact", "x", "--source", "website", "--attach-to", "C2147483648"],
        "C2147483648",
    ),
    ("li.na", ["activity", "log", "999999999999", "-k", "call", "-s", "x"], "No lead"),
    ("zhou.xin", ["service", "ticket", "respond", "999999999999", "-t", "x"], "No ticket"),
    (
        "zhou.xin",
        ["service", "visit", "log", "C999999999999", "-s", "5", "-n", "x"],
        "No customer",
    ),
    (
        "zhou.xin",
        ["service", "visit", "log", "C7", "-s", "5", "-n", "x", "--visit", "99999999999"],
        "No visit",
    ),
    ("boss", ["lead", "import", "--undo", "2147483648"], "No import batch"),
    (
        "li.na",
        ["contract", "new", "--quote", "Q-2026-0001", "--version", "2147483648"],
        "v2147483648",
    ),
    ("li.na", ["quote", "show", "Q-2026-0001", "--version", "2147483648"], "No quote"),
    ("boss", ["lead", "import", "--undo", "99999999999999999999999999"], "No import batch"),
]


def test_numbers_beyond_the_ids(world: str, cli: Cli) -> None:
    for user, args, needle in BEYOND:
        assert_refused_unchanged(cli, world, ["--no-input", "--as", user, *args], 2, needle)


NUL_NAMES = [
    (
        "a\0b",
        ["lead", "add", "--company", "x", "--contact", "y", "--source", "website"],
        "Unknown user",
    ),
    ("wang.qiang", ["lead", "assign", "1", "--to", "a\0b"], "a\0b"),
    ("li.na", ["quote", "new", "1", "--line", "a\0b:1"], "a\0b"),
    ("zhou.xin", ["service", "referral", "ask", "a\0b"], "No customer"),
    ("zhou.xin", ["service", "visit", "log", "a\0b", "-s", "5", "-n", "x"], "No customer"),
]


def test_a_nul_in_a_name(world: str, cli: Cli) -> None:
    for user, args, needle in NUL_NAMES:
        assert_refused_unchanged(cli, world, ["--no-input", "--as", user, *args], 2, needle)


def test_writing_to_a_name_the_file_system_refuses(world: str, cli: Cli, tmp_path: Path) -> None:
    """A name too long, or with a NUL (refused by Typer itself where the option is a Path)."""
    cases = [
        (["li.na", "quote", "export", "Q-2026-0001", "--draft", "--to"], ".md", "Cannot write"),
        (["li.na", "lead", "export", "--to"], ".csv", "Cannot write"),
        (["li.na", "today", "--ics"], ".ics", "Cannot write the calendar file"),
    ]
    signed = tmp_path / (LONG + ".pdf")
    args = ["--as", "li.na", "contract", "sign", "C-2026-0005", "--signed-on", "today"]
    args += ["--signer", "王总", "--file"]
    assert_refused_unchanged(cli, world, [*args, str(signed)], 2, "--file")
    if world.startswith("sqlite"):  # PostgreSQL is backed up with pg_dump
        cases.append((["boss", "db", "backup"], ".db", "Cannot use the path"))
    for (user, *args), suffix, needle in cases:
        for name, expected in ((LONG + suffix, needle), ("a\0b" + suffix, "")):
            path = f"{tmp_path}/{name}"
            assert_refused_unchanged(cli, world, ["--as", user, *args, path], 2, expected)
    # Nothing half-written is left behind (part-files and temporary copies start with '.').
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".")]


def test_approval_numbers_that_are_not_ids(world: str, cli: Cli) -> None:
    for number, code, needle in (("²", 2, "approval number"), ("2147483648", 2, "No approval")):
        args = ["--no-input", "--as", "wang.qiang", "approval", "approve", number]
        assert_refused_unchanged(cli, world, args, code, needle)


def test_a_rejects_file_the_file_system_refuses(world: str, cli: Cli, tmp_path: Path) -> None:
    rows = tmp_path / "leads.csv"
    rows.write_text(
        "公司名称,手机,线索来源\n宁波拒绝行科技有限公司,139,website\n", encoding="utf-8"
    )
    args = ["--as", "li.na", "lead", "import", str(rows), "--skip-invalid"]
    rejects = f"{tmp_path}/{LONG}.csv"
    assert_refused_unchanged(cli, world, [*args, "--rejects", rejects], 2, "--rejects")


def test_a_database_path_the_file_system_refuses(cli: Cli, tmp_path: Path) -> None:
    for name in (LONG + ".db", "a\0b.db"):
        result = cli("--db", f"{tmp_path}/{name}", "init")
        assert result.exit_code == 2, result.stderr
        assert result.stderr.startswith("Error: Cannot "), result.stderr
        assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_nul_in_a_search_is_bad_input(world: str, cli: Cli) -> None:
    for args in (
        ["lead", "list", "--search", "a\0b"],
        ["product", "list", "--search", "a\0b"],
        ["audit", "list", "--entity", "a\0b"],
        ["contract", "list", "--owner", "a\0b"],
    ):
        result = cli("--as", "boss", *args)
        assert result.exit_code in {0, 2}, (args, result.stderr)
        assert "Unexpected" not in result.stderr
        assert "Traceback" not in result.stderr
