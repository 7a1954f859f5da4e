"""Duplicate checks (撞单) over the many rows of an import, in batched queries.

Exact matches (normalized company name, E.164 phone, lower-case email) are looked up with
``IN`` queries of :data:`CHUNK` values on indexed columns, never one query per row. Similar
names are compared only with the names of the same block (see
:func:`salesflow.workflow.companies.company_block`): the customers of those blocks are read
in batches, and each name is compared with rapidfuzz against its block's names in the
database and in the earlier rows of the file. Only rows that are not exact duplicates are
compared, so a similar name is a warning, never a refusal.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from salesflow.i18n import _
from salesflow.store.models import Contact, Customer, Lead, User
from salesflow.workflow.capture import reason_label
from salesflow.workflow.duplicates import FUZZY_THRESHOLD
from salesflow.workflow.lead_input import CleanLead

CHUNK = 500  # values per IN query
T = TypeVar("T")
NumberedLead = tuple[int, CleanLead]


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass(frozen=True)
class Existing:
    customer_id: int
    name: str
    owner_id: int | None


def _lookup(
    session: Session, column: Any, values: list[str], *, via_contact: bool
) -> dict[str, Existing]:
    """Existing customers by ``column`` value (the oldest customer wins)."""
    found: dict[str, Existing] = {}
    for part in chunks(sorted(set(values))):
        statement = select(column, Customer.id, Customer.name, Customer.owner_id)
        if via_contact:
            statement = statement.join(Customer, col(Customer.id) == Contact.customer_id)
        statement = statement.where(col(column).in_(part)).order_by(col(Customer.id))
        for value, customer_id, name, owner_id in session.exec(statement):
            found.setdefault(value, Existing(customer_id or 0, name, owner_id))
    return found


def _first_leads(session: Session, customer_ids: set[int]) -> dict[int, int]:
    first: dict[int, int] = {}
    for part in chunks(sorted(customer_ids)):
        statement = (
            select(Lead.customer_id, func.min(Lead.id))
            .where(col(Lead.customer_id).in_(part))
            .group_by(col(Lead.customer_id))
        )
        first.update({cid: lid for cid, lid in session.exec(statement) if lid is not None})
    return first


def usernames(session: Session) -> dict[int, str]:
    return {uid: name for uid, name in session.exec(select(User.id, User.username)) if uid}


def _record(existing: Existing, first_leads: dict[int, int]) -> str:
    """'customer 12 杭州云栖科技有限公司 (lead 34)', as ``lead add`` names it."""
    record = _("customer {id} {name}").format(id=existing.customer_id, name=existing.name)
    lead_id = first_leads.get(existing.customer_id)
    if lead_id is not None:
        record += " " + _("(lead {id})").format(id=lead_id)
    return record


def existing_duplicates(
    session: Session, rows: Sequence[NumberedLead]
) -> dict[int, tuple[str, str]]:
    """Rows whose company, phone or email a customer already has: row -> (field, message)."""
    by_key = _lookup(
        session, Customer.name_key, [c.name_key for _n, c in rows if c.name_key], via_contact=False
    )
    by_phone = _lookup(
        session, Contact.phone, [c.phone for _n, c in rows if c.phone], via_contact=True
    )
    by_email = _lookup(
        session, Contact.email, [c.email for _n, c in rows if c.email], via_contact=True
    )
    if not (by_key or by_phone or by_email):
        return {}
    matched = {e.customer_id for found in (by_key, by_phone, by_email) for e in found.values()}
    first_leads = _first_leads(session, matched)
    users = usernames(session)
    duplicates: dict[int, tuple[str, str]] = {}
    for number, clean in rows:
        for name, value, found in (
            ("company", clean.name_key, by_key),
            ("phone", clean.phone, by_phone),
            ("email", clean.email, by_email),
        ):
            if not value or value not in found:
                continue
            existing = found[value]
            record = _record(existing, first_leads)
            why = reason_label(name)
            if existing.owner_id is None:
                message = _(
                    "Duplicate (撞单): {record} is already in the unassigned pool, matched {why}."
                ).format(record=record, why=why)
            else:
                who = users.get(existing.owner_id, str(existing.owner_id))
                message = _(
                    "Duplicate (撞单): {record} already belongs to {owner}, matched {why}."
                ).format(record=record, owner=who, why=why)
            duplicates[number] = (name, message)
            break
    return duplicates


def similar_names(session: Session, rows: Sequence[NumberedLead]) -> dict[int, str]:
    """Rows whose name resembles a customer's or an earlier row's: row -> warning."""
    from rapidfuzz import fuzz, process

    blocks = sorted({c.name_block for _n, c in rows if c.name_block})
    customers = Customer.__table__.c  # type: ignore[attr-defined]
    known: dict[str, tuple[list[str], list[Existing]]] = {}
    for part in chunks(blocks):
        statement = sa_select(
            customers.name_block,
            customers.name_key,
            customers.id,
            customers.name,
            customers.owner_id,
        ).where(customers.name_block.in_(part))
        for block, key, customer_id, name, owner_id in session.connection().execute(statement):
            keys, found = known.setdefault(block, ([], []))
            keys.append(key)
            found.append(Existing(customer_id, name, owner_id))
    users = usernames(session) if known else {}
    earlier: dict[str, tuple[list[str], list[int]]] = {}
    warnings: dict[int, str] = {}
    for number, clean in rows:
        key, block = clean.name_key, clean.name_block
        if not key or not block:
            continue
        message: str | None = None
        if block in known:
            keys, found = known[block]
            best = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
            if best is not None:
                existing = found[best[2]]
                owner = users.get(existing.owner_id or 0) or _("nobody (unassigned)")
                message = _(
                    "Similar name ({score}): customer {id} {name}, owned by {owner}."
                ).format(
                    score=round(float(best[1])),
                    id=existing.customer_id,
                    name=existing.name,
                    owner=owner,
                )
        keys, numbers = earlier.setdefault(block, ([], []))
        if message is None and keys:
            best = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
            if best is not None:
                message = _("Similar name ({score}) to row {row}.").format(
                    score=round(float(best[1])), row=numbers[best[2]]
                )
        keys.append(key)
        numbers.append(number)
        if message is not None:
            warnings[number] = message
    return warnings
