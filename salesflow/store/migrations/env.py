"""Alembic environment: always run on a connection handed in by salesflow.store.migrate."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import salesflow.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)


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
    # salesflow.store.migrate has begun the transaction and holds the upgrade lock.
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
