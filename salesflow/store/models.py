"""Every table of salesflow, as SQLModel classes.

Stored values are the language-neutral codes of GLOSSARY.md; labels are added when shown.
A change here needs a migration in ``salesflow/store/migrations/versions`` (the test suite
compares the migrated schema with these models).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from salesflow.store.types import UTCDateTime, utcnow

# Deterministic constraint names, so migrations (and SQLite batch mode) can refer to them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLE_CODES = ("rep", "manager", "director", "legal", "service", "admin")


def _in_list(column: str, codes: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(code) for code in codes)})"


class User(SQLModel, table=True):
    """A person who uses salesflow; ``manager_id`` makes the team tree."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in_list("role", ROLE_CODES), name="role"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    display_name: str = Field(sa_column=Column(String(100), nullable=False))
    role: str = Field(sa_column=Column(String(16), nullable=False))
    manager_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id"), nullable=True, index=True),
    )
    active: bool = Field(default=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class AuditEvent(SQLModel, table=True):
    """One write to one record: who, when, what kind of change, which record."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False, index=True)
    )
    actor_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id"), nullable=True, index=True),
    )
    action: str = Field(sa_column=Column(String(16), nullable=False))
    entity: str = Field(sa_column=Column(String(32), nullable=False))
    entity_id: str = Field(sa_column=Column(String(64), nullable=False))
    summary: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class AuditChange(SQLModel, table=True):
    """One field of an audited write: its value before and after, as text."""

    __tablename__ = "audit_changes"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("audit_events.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    field: str = Field(sa_column=Column(String(64), nullable=False))
    old_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    new_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
