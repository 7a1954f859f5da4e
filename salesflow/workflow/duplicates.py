"""Catching duplicates (撞单) before they become a second record.

A new lead matches an existing customer when the normalized company name is equal
(:func:`salesflow.workflow.companies.company_key`), or a contact's phone (E.164) or email
(lower case) is equal: that is an exact match. Names whose keys are similar, with a
rapidfuzz ``ratio`` of at least :data:`FUZZY_THRESHOLD` (0-100), are fuzzy matches: worth a
warning, not a refusal. 85 catches 深圳市腾达电子 / 深圳腾达电子 (92) and 杭州云栖科技 /
杭州云栖科技发展 (86) but leaves distinct short names such as 北京华信 / 北京华兴 (75) alone.

One new lead (``lead add``, ``lead edit``) is compared with every customer's name. Checks
over many rows (``lead import``, ``lead duplicates``) compare a name only with the names in
its block (:func:`salesflow.workflow.companies.company_block`, the first characters after
the leading place name), which keeps 100,000 rows fast at the cost of missing a typo in the
very first characters of a name.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, or_, select

from salesflow.store.models import Contact, Customer, User

FUZZY_THRESHOLD = 85.0
# Any fixed number: the PostgreSQL advisory lock held while a transaction checks that a
# customer is new and adds it (SQLite's write lock already makes the two one step).
CUSTOMER_KEYS_LOCK = 7_305_120_262


def hold_customer_keys(session: Session) -> None:
    """Make "is it a duplicate?" and "add it" one step: until this transaction ends, no
    one else checks or adds a customer, company name, phone or email. Without it, two
    reps adding the same company at the same moment on PostgreSQL would each find no
    duplicate and both add it."""
    if session.get_bind().dialect.name == "postgresql":
        session.exec(select(func.pg_advisory_xact_lock(CUSTOMER_KEYS_LOCK)))


@dataclass(frozen=True)
class Match:
    """An existing customer that a new record resembles, and why."""

    customer_id: int
    customer_name: str
    owner_id: int | None
    owner: str | None
    reason: str  # "company", "phone", "email" or "similar-name"
    score: float = 100.0

    @property
    def exact(self) -> bool:
        return self.reason != "similar-name"


def _owner_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    users = session.exec(select(User).where(col(User.id).in_(sorted(ids)))).all()
    return {u.id: u.username for u in users if u.id is not None}


def find_matches(
    session: Session,
    *,
    name_key: str | None,
    phones: list[str],
    emails: list[str],
    exclude_customer: int | None = None,
    name_block: str | None = None,
) -> list[Match]:
    """Exact matches first (by company, phone, email), then fuzzy name matches.

    With ``name_block`` the fuzzy comparison is limited to customers of that block.
    """
    found: dict[int, tuple[Customer, str, float]] = {}
    if name_key:
        for customer in session.exec(select(Customer).where(Customer.name_key == name_key)):
            found.setdefault(customer.id or 0, (customer, "company", 100.0))
    clauses = []
    if phones:
        clauses.append(col(Contact.phone).in_(phones))
    if emails:
        clauses.append(col(Contact.email).in_(emails))
    if clauses:
        rows = session.exec(
            select(Contact, Customer)
            .join(Customer, col(Customer.id) == Contact.customer_id)
            .where(or_(*clauses))
        ).all()
        for contact, customer in rows:
            reason = "phone" if contact.phone in phones else "email"
            found.setdefault(customer.id or 0, (customer, reason, 100.0))
    if name_key:
        from rapidfuzz import fuzz, process

        keyed = select(Customer.id, Customer.name_key)
        if name_block is not None:
            keyed = keyed.where(Customer.name_block == name_block)
        keys = session.exec(keyed).all()
        choices = {cid: key for cid, key in keys if cid is not None and cid not in found}
        similar = process.extract(
            name_key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=10
        )
        for _key, score, cid in similar:
            similar_customer = session.get(Customer, cid)
            if similar_customer is not None:
                found[cid] = (similar_customer, "similar-name", round(float(score), 1))
    found.pop(exclude_customer or -1, None)
    owners = _owner_names(session, {c.owner_id for c, _r, _s in found.values() if c.owner_id})
    matches = [
        Match(
            customer_id=customer.id or 0,
            customer_name=customer.name,
            owner_id=customer.owner_id,
            owner=owners.get(customer.owner_id) if customer.owner_id else None,
            reason=reason,
            score=score,
        )
        for customer, reason, score in found.values()
    ]
    return sorted(matches, key=lambda m: (not m.exact, -m.score, m.customer_id))
