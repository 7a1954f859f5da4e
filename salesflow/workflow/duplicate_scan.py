"""Finding the duplicates (撞单) already in the database, as clusters of customers.

``lead add``, ``lead edit`` and ``lead import`` refuse new duplicates (see
:mod:`salesflow.workflow.duplicates`); legacy data and records from before those checks
may still hold the same company twice. The scan links two customers when

* their normalized names (``customers.name_key``) are equal, or a contact phone or a
  contact email is shared: exact links, found in the database with ``GROUP BY ... HAVING
  COUNT(*) > 1`` on the indexed columns rather than by loading every row;
* their names are similar (rapidfuzz ``ratio`` >= :data:`FUZZY_THRESHOLD`): compared only
  within one ``name_block``, and only blocks holding more than one customer are loaded,
  one block after another.

Linked customers are joined into clusters with union-find, so A~B by phone and B~C by
email make one cluster of three. Only customers the actor may see take part: a rep finds
duplicates among their own and unassigned records, a manager the team's, a director or
admin everything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from sqlmodel import Session, col, distinct, func, select

from salesflow.store.models import Contact, Customer, Lead, User
from salesflow.workflow.duplicates import FUZZY_THRESHOLD
from salesflow.workflow.visibility import scope_for

EXACT_REASONS = ("company", "phone", "email")
SIMILAR = "similar-name"
# Rows fetched per round trip when streaming blocks, and ids per IN (...) list.
STREAM_ROWS = 5000
CHUNK = 500


@dataclass(frozen=True)
class Link:
    """Why two customers belong to one cluster."""

    first: int
    second: int
    reason: str  # "company", "phone", "email" or "similar-name"
    score: float = 100.0

    @property
    def exact(self) -> bool:
        return self.reason != SIMILAR


@dataclass(frozen=True)
class ClusterLead:
    id: int
    stage: str


@dataclass(frozen=True)
class ClusterMember:
    """One customer of a cluster, its leads, and what links it to the others."""

    customer_id: int
    name: str
    owner: str | None
    leads: tuple[ClusterLead, ...]
    reasons: tuple[str, ...]  # codes, exact ones first
    similarity: float | None  # the best similar-name score, when linked by one


@dataclass(frozen=True)
class Cluster:
    """Customers that look like one company."""

    members: tuple[ClusterMember, ...]
    links: tuple[Link, ...]

    @property
    def exact(self) -> bool:
        return any(link.exact for link in self.links)

    @property
    def customer_ids(self) -> tuple[int, ...]:
        return tuple(member.customer_id for member in self.members)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        root = self.parent.setdefault(item, item)
        while root != self.parent[root]:
            root = self.parent[root]
        while item != root:  # path compression
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, first: int, second: int) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            self.parent[max(a, b)] = min(a, b)

    def groups(self) -> list[list[int]]:
        found: dict[int, list[int]] = defaultdict(list)
        for item in self.parent:
            found[self.find(item)].append(item)
        return [sorted(members) for members in found.values()]


def _chunks(items: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _star(ids: Iterable[int], reason: str) -> list[Link]:
    """Links from the lowest id to each other id: enough to join them all."""
    ordered = sorted(set(ids))
    return [Link(ordered[0], other, reason) for other in ordered[1:]]


def _shared_contact_links(session: Session, visible: Any, reason: str, column: Any) -> list[Link]:
    """Customers whose contacts share a phone (or an email): one GROUP BY in the database."""
    shared = (
        select(column)
        .join(Customer, col(Customer.id) == Contact.customer_id)
        .where(visible, column.is_not(None), column != "")
        .group_by(column)
        .having(func.count(distinct(Contact.customer_id)) > 1)
    )
    pairs = session.exec(
        select(column, Contact.customer_id)
        .join(Customer, col(Customer.id) == Contact.customer_id)
        .where(visible, column.in_(shared))
        .order_by(column, col(Contact.customer_id))
    ).all()
    links: list[Link] = []
    for _value, group in groupby(pairs, key=lambda row: row[0]):
        links += _star((customer_id for _v, customer_id in group), reason)
    return links


def _exact_links(session: Session, visible: Any) -> list[Link]:
    links: list[Link] = []
    shared_keys = (
        select(Customer.name_key)
        .where(visible)
        .group_by(Customer.name_key)
        .having(func.count() > 1)
    )
    rows = session.exec(
        select(Customer.name_key, Customer.id)
        .where(visible, col(Customer.name_key).in_(shared_keys))
        .order_by(Customer.name_key, col(Customer.id))
    ).all()
    for _key, group in groupby(rows, key=lambda row: row[0]):
        links += _star((cid for _k, cid in group if cid is not None), "company")
    for reason, column in (("phone", col(Contact.phone)), ("email", col(Contact.email))):
        links += _shared_contact_links(session, visible, reason, column)
    return links


def similar_pairs(keys: Sequence[str]) -> list[tuple[int, int, float]]:
    """Index pairs of distinct ``keys`` whose rapidfuzz ratio reaches the threshold."""
    from rapidfuzz import fuzz, process

    pairs: list[tuple[int, int, float]] = []
    for i, key in enumerate(keys[:-1]):
        later = keys[i + 1 :]
        for _choice, score, j in process.extract(
            key, later, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=None
        ):
            pairs.append((i, i + 1 + j, round(float(score), 1)))
    return pairs


def _similar_links(session: Session, visible: Any) -> list[Link]:
    crowded = (
        select(Customer.name_block)
        .where(visible)
        .group_by(Customer.name_block)
        .having(func.count() > 1)
    )
    statement = (
        select(Customer.name_block, Customer.name_key, Customer.id)
        .where(visible, col(Customer.name_block).in_(crowded))
        .order_by(Customer.name_block, Customer.name_key, col(Customer.id))
        .execution_options(yield_per=STREAM_ROWS)
    )
    links: list[Link] = []
    for _block, rows in groupby(session.exec(statement), key=lambda row: row[0]):
        # One representative per key: equal keys are already linked as "company".
        first_of_key: dict[str, int] = {}
        for _b, key, cid in rows:
            if cid is not None:
                first_of_key.setdefault(key, cid)
        if len(first_of_key) < 2:
            continue
        keys = list(first_of_key)
        for i, j, score in similar_pairs(keys):
            a, b = sorted((first_of_key[keys[i]], first_of_key[keys[j]]))
            links.append(Link(a, b, SIMILAR, score))
    return links


def _members(
    session: Session, ids: list[int], links: list[Link], lead_visible: Any
) -> dict[int, ClusterMember]:
    reasons: dict[int, set[str]] = defaultdict(set)
    similarity: dict[int, float] = {}
    for link in links:
        for cid in (link.first, link.second):
            reasons[cid].add(link.reason)
            if not link.exact:
                similarity[cid] = max(similarity.get(cid, 0.0), link.score)
    leads: dict[int, list[ClusterLead]] = defaultdict(list)
    members: dict[int, ClusterMember] = {}
    order = {code: n for n, code in enumerate((*EXACT_REASONS, SIMILAR))}
    for chunk in _chunks(ids):
        for lead_id, lead_customer, stage in session.exec(
            select(Lead.id, Lead.customer_id, Lead.stage)
            .where(col(Lead.customer_id).in_(chunk), lead_visible)
            .order_by(col(Lead.id))
        ):
            if lead_id is not None:
                leads[lead_customer].append(ClusterLead(lead_id, stage))
        for customer_id, name, owner in session.exec(
            select(Customer.id, Customer.name, User.username)
            .outerjoin(User, col(User.id) == Customer.owner_id)
            .where(col(Customer.id).in_(chunk))
        ):
            if customer_id is None:
                continue
            members[customer_id] = ClusterMember(
                customer_id=customer_id,
                name=name,
                owner=owner,
                leads=tuple(leads[customer_id]),
                reasons=tuple(sorted(reasons[customer_id], key=lambda code: order.get(code, 99))),
                similarity=similarity.get(customer_id),
            )
    return members


def find_duplicate_clusters(
    session: Session, actor: User, *, fuzzy: bool = True, limit: int | None = None
) -> list[Cluster]:
    """Clusters of visible customers that look like one company, exact ones first.

    ``fuzzy=False`` finds only exact links (name key, phone, email). ``limit`` keeps the
    first clusters of that order.
    """
    scope = scope_for(session, actor)
    visible = scope.owner_clause(col(Customer.owner_id))
    links = _exact_links(session, visible)
    if fuzzy:
        links += _similar_links(session, visible)
    joined = _UnionFind()
    for link in links:
        joined.union(link.first, link.second)
    groups = joined.groups()
    group_of = {cid: n for n, members in enumerate(groups) for cid in members}
    links_of: dict[int, list[Link]] = defaultdict(list)
    for link in links:
        links_of[group_of[link.first]].append(link)
    order = sorted(
        range(len(groups)),
        key=lambda n: (not any(link.exact for link in links_of[n]), groups[n][0]),
    )
    if limit is not None:
        order = order[: max(limit, 0)]
    wanted = sorted(cid for n in order for cid in groups[n])
    members = _members(session, wanted, links, scope.owner_clause(col(Lead.owner_id)))
    return [
        Cluster(
            members=tuple(members[cid] for cid in groups[n] if cid in members),
            links=tuple(
                sorted(links_of[n], key=lambda link: (not link.exact, link.first, link.second))
            ),
        )
        for n in order
    ]
