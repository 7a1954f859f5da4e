"""Fuzzed input to the commands that make, upgrade and restore the database itself."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.fuzz import commands
from tests.fuzz.runner import Fuzzer
from tests.helpers import Cli


def test_init_on_new_and_existing_databases(fuzzer: Fuzzer) -> None:
    if fuzzer.backend == "sqlite":
        fuzzer.fuzz(commands.INIT_NEW)
    fuzzer.fuzz(commands.INIT_AGAIN)
    fuzzer.fuzz(commands.DB_UPGRADE)
    fuzzer.finish()


def test_restore_from_damaged_and_foreign_files(fuzzer: Fuzzer, cli: Cli, tmp_path: Path) -> None:
    """On PostgreSQL every restore is refused (pg_restore is the tool there)."""
    backup = tmp_path / "good-backup.db"
    if fuzzer.backend == "sqlite":
        result = cli("--no-input", "--as", "boss", "db", "backup", str(backup))
        assert result.exit_code == 0, result.stderr
    else:
        backup.write_bytes(b"SQLite format 3\x00")
    fuzzer.files["backup"] = backup.read_bytes()
    plain = tmp_path / "plain.sqlite"
    with sqlite3.connect(plain) as connection:
        connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT)")
    fuzzer.files["plain-sqlite"] = plain.read_bytes()
    fuzzer.fuzz(commands.DB_RESTORE)
    fuzzer.finish()
