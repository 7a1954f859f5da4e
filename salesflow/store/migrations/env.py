"""Alembic environment: always run on a connection handed in by salesflow.store.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import func, select
from sqlmodel import SQLModel

import salesflow.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)

# Any fixed number: the key of the PostgreSQL advisory lock that serializes upgrades.
MIGRATION_LOCK_KEY = 7_305_120_261


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("salesflow migrations run only through salesflow.store.migrate")
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK_KEY)))
        context.run_migrations()


run_migrations()
