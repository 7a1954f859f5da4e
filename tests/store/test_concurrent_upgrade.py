"""Two laptops upgrading one database at the same moment, on SQLite and PostgreSQL.

The test holds the upgrade lock (PostgreSQL's advisory lock, SQLite's write lock), starts
two ``salesflow db upgrade`` processes on a database one revision behind, waits until both
wait for the lock, and lets go. The first upgrades; the second finds the schema already
at the head. The schema ends exactly as the models say, recorded once, audited once.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, text

from salesflow.store.migrate import compare_with_models
from salesflow.store.schema import SCHEMA_HEAD
from tests.helpers import Cli, migrate
from tests.processes import holding_upgrade_lock, race

PREVIOUS = "0006"


def test_two_upgrades_at_once_upgrade_once(cli: Cli, team: str, isolated_home: Path) -> None:
    assert SCHEMA_HEAD != PREVIOUS
    migrate(team, ("downgrade", PREVIOUS))
    results = race(
        team,
        isolated_home,
        holding_upgrade_lock(team),
        ("--as", "boss", "db", "upgrade"),
        ("--as", "zhao.min", "db", "upgrade"),
    )
    assert [r.exit_code for r in results] == [0, 0], [r.stderr for r in results]
    said = sorted(r.stderr.strip() for r in results)
    assert said == sorted(
        [
            f"Upgraded the database schema from {PREVIOUS} to {SCHEMA_HEAD}.",
            "The database schema is up to date.",
        ]
    ), said
    engine = create_engine(team)
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        assert [tuple(v) for v in versions] == [(SCHEMA_HEAD,)]
        assert compare_with_models(engine) == []
    finally:
        engine.dispose()
    events = json.loads(cli("audit", "list", "--entity", "schema", "-f", "json").stdout)
    assert [e["summary"] for e in events] == [f"{PREVIOUS} -> {SCHEMA_HEAD}"]
    checked = cli("db", "check")
    assert checked.exit_code == 0, checked.stdout + checked.stderr
