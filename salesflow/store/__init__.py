"""Persistence for salesflow: tables, engine, sessions and migrations.

Design:

* :mod:`salesflow.store.models` holds every table as a SQLModel class. Tables are never
  created at import time: the schema is owned by the Alembic migrations shipped in
  ``salesflow/store/migrations`` and applied by :mod:`salesflow.store.migrate`.
* :mod:`salesflow.store.database` turns a URL into a :class:`Workspace` (one engine). On
  SQLite it turns on WAL, foreign keys and a busy timeout; write sessions take the write
  lock up front (``BEGIN IMMEDIATE``) so two writers queue instead of deadlocking.
  Opening an older database upgrades it; a newer one is refused.
* :mod:`salesflow.store.audit` records every insert, update and delete made through a
  session, with the acting user, in ``audit_events`` / ``audit_changes``. A flush that
  writes without an acting user fails, so no feature can forget the audit trail.

Nothing above this package writes SQL strings; it uses the models and SQLAlchemy
expressions. Importing this package is cheap; its modules import SQLAlchemy.
"""
