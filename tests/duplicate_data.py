"""Duplicate records written straight through the store, as legacy data would be.

``lead add`` and ``lead import`` refuse duplicates; these helpers bypass that on purpose, so
the scan and the merge have something to find.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlmodel import Session

from salesflow.store.audit import set_actor
from salesflow.store.database import open_workspace
from salesflow.store.models import Contact, Customer, Lead, LeadGrade, User
from salesflow.workflow.companies import company_block, company_key
from salesflow.workflow.identity import find_user


class Seed:
    """Adds customers, contacts, leads and gradings in one audited session (as boss)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def user(self, username: str) -> User:
        user = find_user(self.session, username)
        assert user is not None, username
        return user

    def owner_id(self, owner: str | None) -> int | None:
        return None if owner is None else self.user(owner).id

    def customer(self, name: str, owner: str | None, **fields: Any) -> Customer:
        key = company_key(name)
        customer = Customer(
            name=name,
            name_key=key,
            name_block=company_block(key),
            owner_id=self.owner_id(owner),
            **fields,
        )
        self.session.add(customer)
        self.session.flush()
        return customer

    def contact(self, customer: Customer, name: str = "张三", **fields: Any) -> Contact:
        assert customer.id is not None
        contact = Contact(customer_id=customer.id, name=name, **fields)
        self.session.add(contact)
        self.session.flush()
        return contact

    def lead(self, customer: Customer, owner: str | None, **fields: Any) -> Lead:
        assert customer.id is not None
        fields.setdefault("source", "website")
        lead = Lead(customer_id=customer.id, owner_id=self.owner_id(owner), **fields)
        self.session.add(lead)
        self.session.flush()
        return lead

    def company(
        self,
        name: str,
        owner: str | None,
        *,
        phone: str | None = None,
        email: str | None = None,
        **lead_fields: Any,
    ) -> tuple[int, int]:
        """A customer with one lead (and a contact when given a phone or email)."""
        customer = self.customer(name, owner)
        contact = self.contact(customer, phone=phone, email=email) if phone or email else None
        lead = self.lead(customer, owner, contact_id=contact.id if contact else None, **lead_fields)
        assert customer.id is not None
        assert lead.id is not None
        return customer.id, lead.id

    def grading(self, lead_id: int, score: int = 60) -> int:
        grading = LeadGrade(
            lead_id=lead_id, score=score, grade="B", breakdown="{}", rubric="default"
        )
        self.session.add(grading)
        self.session.flush()
        assert grading.id is not None
        return grading.id


@contextmanager
def seeding(url: str) -> Iterator[Seed]:
    """A write session acting as the admin 'boss'; committed at the end."""
    workspace = open_workspace(url)
    try:
        with workspace.session(write=True) as session:
            boss = find_user(session, "boss")
            assert boss is not None
            set_actor(session, boss.id)
            yield Seed(session)
    finally:
        workspace.dispose()


@contextmanager
def reading(url: str) -> Iterator[Session]:
    workspace = open_workspace(url)
    try:
        with workspace.session() as session:
            yield session
    finally:
        workspace.dispose()


@contextmanager
def acting_as(url: str, username: str) -> Iterator[tuple[Session, User]]:
    """A write session acting as ``username``; committed at the end unless it raises."""
    workspace = open_workspace(url)
    try:
        with workspace.session(write=True) as session:
            user = find_user(session, username)
            assert user is not None
            set_actor(session, user.id)
            yield session, user
    finally:
        workspace.dispose()
