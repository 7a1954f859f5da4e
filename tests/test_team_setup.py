"""The README's team set-up on PostgreSQL works as written: a role and an empty database,
the URL in the config file (no password in it), the first admin's commands copied from the
README, everyone working as themselves, and the safe upgrade (check, then upgrade)."""

from __future__ import annotations

import json
import re
import shlex
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.helpers import Cli, migrate
from tests.pg import PgServer
from tests.store.test_concurrent_upgrade import PREVIOUS

README = Path(__file__).resolve().parent.parent / "README.md"
SECTION = "## Team set-up on PostgreSQL"


def section_commands(step: str) -> list[list[str]]:
    """The salesflow command lines of the README section's numbered ``step``."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION) : text.index("\n## ", text.index(SECTION) + 1)]
    part = section[section.index(step) :]
    block = re.search(r"```sh\n(.+?)\n\s*```", part, re.S)
    assert block is not None, step
    return [
        shlex.split(line.strip())[1:]
        for line in block.group(1).splitlines()
        if line.strip().startswith("salesflow ")
    ]


@pytest.mark.postgresql
def test_a_team_sets_up_and_upgrades_as_the_readme_says(
    cli: Cli, pg_server: PgServer, isolated_home: Path
) -> None:
    role, database = f"sf_team_{uuid.uuid4().hex[:8]}", f"sales_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_server.admin_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'secret'")
        conn.execute(f"CREATE DATABASE {database} OWNER {role}")
    try:
        server = pg_server.admin_url.split("@", 1)[1].rsplit("/", 1)[0]
        url = f"postgresql://{role}@{server}/{database}"
        isolated_home.mkdir(parents=True, exist_ok=True)
        (isolated_home / "config.toml").write_text(
            f'database_url = "{url}"\nuser = "li.na"\n', encoding="utf-8"
        )
        shown = json.loads(cli("config", "show", "-f", "json").stdout)
        assert json.dumps(shown).count(database) >= 1

        admin_steps = section_commands("**The first admin creates")
        assert admin_steps[0] == ["--as", "wang.fang", "init"]
        for step in admin_steps:
            result = cli(*step)
            assert result.exit_code == 0, (step, result.stderr)
        users = json.loads(cli("--as", "wang.fang", "user", "list", "-f", "json").stdout)
        assert {u["username"]: u["role"] for u in users} == {
            "wang.fang": "admin",
            "zhao.min": "director",
            "wang.qiang": "manager",
            "li.na": "rep",
        }
        # li.na works as herself, from the config file.
        added = cli(
            "--no-input", "lead", "add", "--company", "苏州团队部署科技有限公司",
            "--source", "website",
        )  # fmt: skip
        assert added.exit_code == 0, added.stderr
        assert json.loads(cli("user", "whoami", "-f", "json").stdout)["username"] == "li.na"

        migrate(url.replace("postgresql://", "postgresql+psycopg://"), ("downgrade", PREVIOUS))
        check_step, upgrade_step = (
            ["--as", "wang.fang", "db", "check"],
            ["--as", "wang.fang", "db", "upgrade"],
        )
        pending = cli(*check_step, "-f", "json")
        assert pending.exit_code == 1
        assert any(not row["ok"] for row in json.loads(pending.stdout))
        upgraded = cli(*upgrade_step)
        assert upgraded.exit_code == 0, upgraded.stderr
        assert f"from {PREVIOUS}" in upgraded.stderr
        assert cli(*check_step).exit_code == 0
        audit = cli("--as", "wang.fang", "audit", "list", "--entity", "schema", "-f", "json")
        assert [e["user"] for e in json.loads(audit.stdout)] == ["wang.fang"]
    finally:
        with psycopg.connect(pg_server.admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            conn.execute(f"DROP ROLE IF EXISTS {role}")
